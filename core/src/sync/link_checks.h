// LinkChecks: lets the carried reference path of a delta synchronization skip re-checking that
// every kept value of a huge list (a 500K-member group) is still linked, when provably nothing
// could have become unlinked since it was last checked (issue 5).
//
// A reference value "#id" stops resolving only when its metaverse object loses a link
// (SyncState::unlink, which remove_cs also runs) or is removed (remove_mv); linking more never
// breaks one. So SyncState bumps a generation at each of those and logs which metaverse object
// it was (and from which connector), and a note per (metaverse object, attribute, connector,
// direction) records the generation at which every value of that list was last seen linked to
// an object of that connector. While the generation has not moved and the list changed only
// by a checked carry, the check would find nothing: skip it. When it moved, only the values
// naming an object the log shows unlinked since need the check (unlinked_after): the others
// are still linked. Whoever changes a list any other way forgets its notes.
//
// Saved with the state (SyncState::write, store setting Store::kLinkChecksSetting): notes and
// log as the state is written hold for exactly what that transaction commits — every row an
// unlink or a list change touched is in it — so a load seeds them again (one-shot runs reopen
// the store each time). Only the notes of long lists are saved: a short list is checked in
// microseconds. The log is bounded by what the notes can use, never by a fixed count: a note
// helps only while its list holds at least 4 values per unlink since (max_unlinks_for), so the
// log saved is at most a quarter of the longest noted list (a few bytes per unlink), and a
// change set of any size leaves the notes of the lists long enough for it. A crash between
// saves loses the unsaved unlinks together with the rows they changed (the same transaction).
// Nothing else may unlink behind the saved notes: Store::delete_connector (the one other
// writer of connector space rows) clears the setting; a damaged setting, or one in the form
// before this (2), seeds nothing (the check runs in full, once).
//
// Thread safety: const members may run concurrently; the others need exclusive access (the
// sync step writes notes only in its serial apply phases).
#pragma once

#include <algorithm>
#include <charconv>
#include <compare>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/attribute_table.h"
#include "model/objects.h"

namespace idsync {

// Lists shorter than this are not worth a saved note.
inline constexpr size_t kSavedLinkCheckMinValues = 256;

// The metaverse objects unlinked since a note, as one bit per id: one test per kept value.
class UnlinkedIds {
 public:
  explicit UnlinkedIds(const std::vector<MvId>& ids) {
    MvId top = 0;
    for (MvId id : ids) top = std::max(top, id);
    bits_.assign(ids.empty() ? 0 : top / 64 + 1, 0);
    for (MvId id : ids) bits_[id / 64] |= uint64_t{1} << (id % 64);
  }
  // Id 0 (a value that is no reference) is always suspect.
  bool suspect(MvId id) const { return id == 0 || (id / 64 < bits_.size() && (bits_[id / 64] >> (id % 64) & 1) != 0); }

 private:
  std::vector<uint64_t> bits_;
};

class LinkChecks {
 public:
  struct Key {
    MvId mv = 0;
    AttrId attr = 0;
    ConnectorId connector = 0;
    bool outbound = false;  // values linked in a target (else: linked from the source)
    auto operator<=>(const Key&) const = default;
  };
  // The log keeps at least this many unlinks (more in a large state, see unlinked()).
  static constexpr size_t kMinLog = 65536;

  // How many unlinks since its note a list of `list_size` values can use: sorting the values
  // out costs a log entry per unlink and a bit per id; beyond this many, looking every value
  // up costs about as much. A note further behind is of no use (the check runs in full).
  static constexpr size_t max_unlinks_for(size_t list_size) { return list_size / 4; }

  // Moves on every unlink or metaverse object removal.
  uint64_t generation() const { return generation_; }
  // `mv` lost its link to an object of `connector` (0: `mv` was removed, from every connector).
  // `objects`: how many metaverse objects the state holds. No list holds more distinct
  // references than that, so no note can use more than max_unlinks_for(objects) unlinks: the
  // log keeps at least that many of the newest (it drops its oldest half at twice that), and
  // so follows a change set of any size at 16 bytes per unlink.
  void unlinked(MvId mv, ConnectorId connector, size_t objects = 0) {
    ++generation_;
    const size_t limit = std::max(kMinLog, 2 * max_unlinks_for(objects));
    if (log_.size() >= limit) {
      const size_t drop = log_.size() / 2;
      log_start_ += drop;
      log_.erase(log_.begin(), log_.begin() + static_cast<std::ptrdiff_t>(drop));
    }
    log_.push_back(Unlink{mv, connector});
  }

  // True when every value of `key`'s list was seen linked at the current generation.
  bool still_linked(const Key& key) const {
    auto it = notes_.find(key);
    return it != notes_.end() && it->second == generation_;
  }
  // The generation when every value of `key`'s list was last seen linked (nullopt: no note).
  std::optional<uint64_t> noted_at(const Key& key) const {
    auto it = notes_.find(key);
    return it == notes_.end() ? std::nullopt : std::optional<uint64_t>(it->second);
  }
  // The metaverse objects unlinked from `connector` (or removed) after generation `since`;
  // false when the log no longer reaches back that far, or holds more than `max` unlinks since.
  bool unlinked_after(ConnectorId connector, uint64_t since, std::vector<MvId>& ids,
                      size_t max = static_cast<size_t>(-1)) const {
    if (since < log_start_ || since > generation_) return false;
    if (generation_ - since > max) return false;
    // The log holds the generations log_start_ + 1 .. generation_, one entry each.
    for (auto it = log_.begin() + static_cast<std::ptrdiff_t>(since - log_start_); it != log_.end(); ++it)
      if (it->connector == connector || it->connector == 0) ids.push_back(it->mv);
    return true;
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
  size_t log_size() const { return log_.size(); }

  // For the store: "3 generation log_start\n", then "n mv attr connector direction generation\n"
  // per note worth saving, then the unlinks after the oldest of those notes (the generations
  // log_start + 1 .. generation, in order) as lines "u connector count d1 .. dcount\n", one per
  // run of unlinks from the same connector, each d the zigzag-coded difference of the unlinked
  // metaverse id from the one before (from 0): a change set deletes objects in id order, so
  // most unlinks take two to four bytes.
  // `list_size(key)` is the length of `key`'s list now (0: gone). A note is worth saving when
  // its list is long (kSavedLinkCheckMinValues) and can still use every unlink since it
  // (max_unlinks_for): so the log saved is at most a quarter of the longest list, whatever the
  // size of the change sets since.
  template <typename ListSize>
  std::string saved(ListSize&& list_size) const {
    std::string notes;
    uint64_t oldest = generation_;
    for (const auto& [key, at] : notes_) {
      if (at < log_start_) continue;
      const size_t size = list_size(key);
      if (size < kSavedLinkCheckMinValues || generation_ - at > max_unlinks_for(size)) continue;
      oldest = std::min(oldest, at);
      notes += "n " + std::to_string(key.mv) + ' ' + std::to_string(key.attr) + ' ' + std::to_string(key.connector) +
               (key.outbound ? " 1 " : " 0 ") + std::to_string(at) + '\n';
    }
    std::string out = "3 " + std::to_string(generation_) + ' ' + std::to_string(oldest) + '\n' + notes;
    const size_t first = static_cast<size_t>(oldest - log_start_);
    out.reserve(out.size() + (log_.size() - first) * 4);
    MvId previous = 0;
    for (size_t i = first; i < log_.size();) {
      size_t run = i;
      while (run < log_.size() && log_[run].connector == log_[i].connector) ++run;
      out += "u " + std::to_string(log_[i].connector) + ' ' + std::to_string(run - i);
      for (; i < run; ++i) {
        const MvId mv = log_[i].mv;
        const uint64_t delta = mv >= previous ? (mv - previous) << 1 : ((previous - mv) << 1) - 1;
        previous = mv;
        char digits[24];
        auto end = std::to_chars(digits, digits + sizeof digits, delta).ptr;
        out += ' ';
        out.append(digits, end);
      }
      out += '\n';
    }
    return out;
  }
  // Replaces notes and log by those `text` (as saved() wrote it) holds, keeping the notes
  // `valid` accepts; nothing at all when any line is damaged. For a freshly loaded state.
  template <typename Valid>
  void seed(std::string_view text, Valid&& valid) {
    LinkChecks parsed;
    if (!parse_saved(text, parsed)) return;
    *this = std::move(parsed);
    for (auto it = notes_.begin(); it != notes_.end();) it = valid(it->first) ? std::next(it) : notes_.erase(it);
  }

  // False for damaged text (or an older form of it): a wrong header, a malformed line, a note
  // older than the log or beyond the saved generation, a log that does not hold exactly the
  // generations after log_start, a metaverse id out of range.
  static bool parse_saved(std::string_view text, LinkChecks& out) {
    out = LinkChecks();
    uint64_t f[6];
    if (!line(text, "3 ", f, 2) || f[1] > f[0]) return false;
    out.generation_ = f[0];
    out.log_start_ = f[1];
    while (text.substr(0, 2) == "n ") {
      if (!line(text, "n ", f, 5) || f[1] > UINT32_MAX || f[2] > UINT32_MAX || f[3] > 1 || f[4] < out.log_start_ ||
          f[4] > out.generation_)
        return false;
      out.notes_[Key{f[0], static_cast<AttrId>(f[1]), static_cast<ConnectorId>(f[2]), f[3] == 1}] = f[4];
    }
    const uint64_t expected = out.generation_ - out.log_start_;
    MvId previous = 0;
    while (!text.empty()) {
      if (!fields(text, "u ", f, 2, ' ') || f[0] > UINT32_MAX || f[1] == 0 || f[1] > expected - out.log_.size())
        return false;
      for (uint64_t k = 0; k < f[1]; ++k) {
        uint64_t delta = 0;
        if (!fields(text, "", &delta, 1, k + 1 == f[1] ? '\n' : ' ')) return false;
        const uint64_t step = (delta >> 1) + (delta & 1);
        if ((delta & 1) ? step > previous : step > UINT64_MAX - previous) return false;
        previous = (delta & 1) ? previous - step : previous + step;
        out.log_.push_back(Unlink{previous, static_cast<ConnectorId>(f[0])});
      }
    }
    return out.log_.size() == expected;
  }

 private:
  struct Unlink {
    MvId mv;
    ConnectorId connector;  // 0: the object was removed
  };

  // One line "<tag><n numbers separated by spaces>\n" taken off the front of `text`.
  static bool line(std::string_view& text, std::string_view tag, uint64_t* out, int n) {
    return fields(text, tag, out, n, '\n');
  }
  // "<tag><n numbers separated by spaces><last>" taken off the front of `text`.
  static bool fields(std::string_view& text, std::string_view tag, uint64_t* out, int n, char last) {
    if (text.substr(0, tag.size()) != tag) return false;
    text.remove_prefix(tag.size());
    for (int i = 0; i < n; ++i) {
      size_t digits = 0;
      uint64_t v = 0;
      while (digits < text.size() && digits < 19 && text[digits] >= '0' && text[digits] <= '9')
        v = v * 10 + static_cast<uint64_t>(text[digits++] - '0');
      if (digits == 0 || digits >= text.size() || text[digits] != (i + 1 == n ? last : ' ')) return false;
      out[i] = v;
      text.remove_prefix(digits + 1);
    }
    return true;
  }

  uint64_t generation_ = 0;
  uint64_t log_start_ = 0;   // the log holds every unlink after this generation
  std::vector<Unlink> log_;  // the generations log_start_ + 1 .. generation_, in order
  std::map<Key, uint64_t> notes_;
};

}  // namespace idsync
