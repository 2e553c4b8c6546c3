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
// Whoever changes a list any other way forgets its notes.
//
// Saved with the state (SyncState::write, store setting Store::kLinkChecksSetting): the notes still
// current when the state is written hold for exactly what that transaction commits — every
// row an unlink or a list change touched is in it, and a note outdated by either is left out
// — so a load seeds them again (one-shot runs reopen the store each time). Only the notes of
// long lists are saved: a short list is checked in microseconds. Nothing else may unlink
// behind the saved notes: Store::delete_connector (the one other writer of connector space
// rows) clears the setting; a damaged setting seeds nothing (the check runs in full).
//
// Thread safety: const members may run concurrently; the others need exclusive access (the
// sync step writes notes only in its serial apply phases).
#pragma once

#include <compare>
#include <cstdint>
#include <map>
#include <optional>
#include <vector>
#include <string>
#include <string_view>

#include "model/attribute_table.h"
#include "model/objects.h"

namespace idsync {

// Lists shorter than this are not worth a saved note.
inline constexpr size_t kSavedLinkCheckMinValues = 256;

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

  // The notes still current, for the store: "1\n" then "mv attr connector direction\n" each.
  // `keep(key)` picks the ones worth saving.
  template <typename Keep>
  std::string saved(Keep&& keep) const {
    std::string out = "1\n";
    for (const auto& [key, at] : notes_) {
      if (at != generation_ || !keep(key)) continue;
      out += std::to_string(key.mv) + ' ' + std::to_string(key.attr) + ' ' + std::to_string(key.connector) +
             (key.outbound ? " 1\n" : " 0\n");
    }
    return out;
  }
  // Seeds the notes `text` (as saved() wrote it) names at the current generation, those `valid`
  // accepts; none at all when any line is damaged.
  template <typename Valid>
  void seed(std::string_view text, Valid&& valid) {
    std::vector<Key> keys;
    if (!parse_saved(text, keys)) return;
    for (const Key& key : keys)
      if (valid(key)) notes_[key] = generation_;
  }

  static bool parse_saved(std::string_view text, std::vector<Key>& keys) {
    if (text.substr(0, 2) != "1\n") return false;
    text.remove_prefix(2);
    while (!text.empty()) {
      size_t end = text.find('\n');
      if (end == std::string_view::npos) return false;
      std::string_view line = text.substr(0, end);
      text.remove_prefix(end + 1);
      uint64_t fields[4];
      for (uint64_t& f : fields) {
        size_t n = 0;
        f = 0;
        while (n < line.size() && line[n] >= '0' && line[n] <= '9' && n < 19) f = f * 10 + static_cast<uint64_t>(line[n++] - '0');
        if (n == 0) return false;
        line.remove_prefix(n);
        if (!line.empty()) {
          if (line[0] != ' ') return false;
          line.remove_prefix(1);
        }
      }
      if (!line.empty() || fields[3] > 1 || fields[1] > UINT32_MAX || fields[2] > UINT32_MAX) return false;
      keys.push_back(Key{fields[0], static_cast<AttrId>(fields[1]), static_cast<ConnectorId>(fields[2]), fields[3] == 1});
    }
    return true;
  }

 private:
  uint64_t generation_ = 0;
  std::map<Key, uint64_t> notes_;
};

}  // namespace idsync
