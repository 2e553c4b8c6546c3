// The LDIF connector's export view of the directory: its DNs only, held compactly.
//
// Why: an export validates every change against the directory's DNs (an add of an existing
// DN, a modify of a missing one are rejected per object) and grows that view with every add,
// until end_export. A general entry per DN (entry, normalized DN, a string-keyed index) held
// ~450 bytes per DN; during the Initial cycle's export of a million provisioned objects that
// was ~450 MB on top of the engine's state, most of the export step's peak (issue 5). Here a
// DN costs its bytes in one arena, a 16-byte slot and a hash-index node (~40 bytes): the index
// is keyed by a 64-bit hash of the normalized DN, and a hit is verified by normalizing the DN
// it points at, so a hash collision can never make two DNs one.
//
// The DN bytes go into fixed blocks, not one growing string: a growing buffer would hold its
// old and new copies at once while it doubles.
//
// The rules are those of the full directory state (ldif_connector.cc, DirectoryState):
// renames move their subtree, child counts follow, errors name the DN and the change.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "idsync/entry.h"
#include "idsync/status.h"

namespace idsync::file {

class DnDirectory {
 public:
  // The same calls as DirectoryState, so one loader fills either (`entry`'s values are not kept).
  bool keeps_attributes() const { return false; }
  Status add(Entry&& entry, const std::string& context) { return add_dn(entry.dn, context); }
  Status add_dn(std::string_view dn, const std::string& context);
  // Applies one change's effect on the DNs (add / delete / rename; a modify only checks the
  // DN exists). Does not move from `change`.
  Status apply(EntryChange& change, const std::string& context);
  bool contains(std::string_view dn) const;

  size_t live_count() const { return live_; }
  // The live DNs as first added (renamed ones in their new form), in directory order.
  void for_each_live_dn(const std::function<void(std::string_view)>& visit) const;
  // Heap bytes held by the DNs and their index (for tests and measurements; the child
  // counts, one per parent DN, are left out).
  size_t heap_bytes() const;

 private:
  struct Slot {
    uint32_t block = 0;
    uint32_t offset = 0;  // in the block
    uint32_t size = 0;
    bool live = false;
  };
  static constexpr uint32_t kNone = UINT32_MAX;
  static constexpr size_t kBlockBytes = size_t{1} << 20;

  std::string_view dn_at(uint32_t slot) const {
    const Slot& s = slots_[slot];
    return {blocks_[s.block].get() + s.offset, s.size};
  }
  // The slot holding normalized DN `norm` (hash `h`), or kNone.
  uint32_t find(uint64_t h, std::string_view norm) const;
  void unindex(uint64_t h, uint32_t slot);
  uint32_t store(std::string_view dn);
  void rekey(uint32_t slot, uint64_t old_hash, std::string_view new_dn, std::string_view new_norm);
  Status rename(uint32_t slot, const std::string& old_norm, uint64_t old_hash, const EntryChange& change,
                const std::string& context);

  std::vector<std::unique_ptr<char[]>> blocks_;  // DN bytes; every block but the last is full
  size_t block_used_ = 0;                        // bytes used in the last block
  size_t block_cap_ = 0;                         // its size (a DN longer than kBlockBytes gets its own)
  size_t block_bytes_ = 0;                       // bytes allocated in all blocks
  std::vector<Slot> slots_;
  std::unordered_multimap<uint64_t, uint32_t> index_;  // hash of the normalized DN → slot
  std::unordered_map<std::string, size_t> children_;   // normalized DN → number of children
  size_t live_ = 0;
  mutable std::string scratch_;  // a normalized DN, verified on an index hit
};

}  // namespace idsync::file
