// LinkChecks: lets the carried reference path of a delta synchronization skip re-checking that
// every kept value of a huge list (a 500K-member group) is still linked, when provably nothing
// could have become unlinked since it was last checked (issue 5).
//
// A reference value "#id" stops resolving only when its metaverse object loses a link
// (SyncState::unlink, which remove_cs also runs) or is removed (remove_mv); linking more never
// breaks one. So SyncState bumps a generation at each of those, and a note per (metaverse
// object, attribute, connector, direction) records the generation at which every value of
// that list was last seen linked to an object of that connector. While the generation has not
// moved and the list changed only by a checked carry, the check would find nothing: skip it.
// Whoever changes a list any other way forgets its notes. In memory only: a freshly loaded
// state has no notes, so the first delta synchronization after a load checks in full.
//
// Thread safety: const members may run concurrently; the others need exclusive access (the
// sync step writes notes only in its serial apply phases).
#pragma once

#include <compare>
#include <cstdint>
#include <map>
#include <optional>

#include "model/attribute_table.h"
#include "model/objects.h"

namespace idsync {

class LinkChecks {
 public:
  struct Key {
    MvId mv = 0;
    AttrId attr = 0;
    ConnectorId connector = 0;
    bool outbound = false;  // values linked in a target (else: linked from the source)
    auto operator<=>(const Key&) const = default;
  };

  // Moves on every unlink or metaverse object removal.
  uint64_t generation() const { return generation_; }
  void something_unlinked() { ++generation_; }

  // True when every value of `key`'s list was seen linked at the current generation.
  bool still_linked(const Key& key) const {
    auto it = notes_.find(key);
    return it != notes_.end() && it->second == generation_;
  }
  // Every value of `key`'s list was seen linked when the generation was `checked_at`.
  void note(const Key& key, uint64_t checked_at) { notes_[key] = checked_at; }
  // The note of `key`, taken out (nullopt when none).
  std::optional<uint64_t> take(const Key& key) {
    auto it = notes_.find(key);
    if (it == notes_.end()) return std::nullopt;
    uint64_t at = it->second;
    notes_.erase(it);
    return at;
  }
  // The lists of `mv`'s attribute `attr` (every connector, both directions) changed.
  void forget(MvId mv, AttrId attr) {
    notes_.erase(notes_.lower_bound(Key{mv, attr, 0, false}), notes_.lower_bound(Key{mv, attr + 1, 0, false}));
  }
  // `mv` was removed, or changed in ways not tracked per attribute.
  void forget(MvId mv) { notes_.erase(notes_.lower_bound(Key{mv, 0, 0, false}), notes_.lower_bound(Key{mv + 1, 0, 0, false})); }
  // Visits the notes of `mv` (attribute, key) so a caller can forget some.
  template <typename F>
  void for_each(MvId mv, F&& f) const {
    for (auto it = notes_.lower_bound(Key{mv, 0, 0, false}); it != notes_.end() && it->first.mv == mv; ++it) f(it->first);
  }
  size_t size() const { return notes_.size(); }

 private:
  uint64_t generation_ = 0;
  std::map<Key, uint64_t> notes_;
};

}  // namespace idsync
