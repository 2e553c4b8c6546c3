// IdHashIndex: a hash index from keys (a DN, an anchor, a join value) to object ids that keeps
// no copy of the keys.
//
// Each entry is (64-bit hash of the key, id) in one open-addressing table: linear probing,
// backward-shift deletion (no tombstones), grown at 70% load. A lookup hands each id stored
// under the key's hash to the caller's predicate, which checks it against the object's own key
// — so a hash collision never gives a wrong answer, and an entry costs 16 bytes in one flat
// array instead of a heap node plus a heap copy of the key string (an unordered_map<string, id>).
//
// Ids are never 0 (0 marks an empty slot). The caller computes the hash, which lets tests force
// collisions. Thread safety: const member functions may run concurrently with each other;
// anything else needs exclusive access.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace idsync {

class IdHashIndex {
 public:
  IdHashIndex() = default;
  IdHashIndex(const IdHashIndex&) = delete;
  IdHashIndex& operator=(const IdHashIndex&) = delete;
  IdHashIndex(IdHashIndex&&) = default;
  IdHashIndex& operator=(IdHashIndex&&) = default;

  // The first id under `hash` for which is_key(id) is true; 0 when none.
  template <class IsKey>
  uint64_t find(uint64_t hash, IsKey&& is_key) const {
    if (size_ == 0) return 0;
    for (size_t i = hash & mask_; slots_[i].id != 0; i = (i + 1) & mask_)
      if (slots_[i].hash == hash && is_key(slots_[i].id)) return slots_[i].id;
    return 0;
  }

  // The first id stored under `hash`, unchecked (0 when none): a hint for prefetching the
  // object a find() will check, never an answer.
  uint64_t first(uint64_t hash) const {
    if (size_ == 0) return 0;
    for (size_t i = hash & mask_; slots_[i].id != 0; i = (i + 1) & mask_)
      if (slots_[i].hash == hash) return slots_[i].id;
    return 0;
  }
  // Starts loading the slot where a lookup of `hash` begins (a hint; changes nothing).
  void prefetch(uint64_t hash) const {
    if (size_ != 0) __builtin_prefetch(&slots_[hash & mask_]);
  }
  // Calls fn(id) for every id stored under `hash` (a multimap: repeats possible).
  template <class Fn>
  void for_each(uint64_t hash, Fn&& fn) const {
    if (size_ == 0) return;
    for (size_t i = hash & mask_; slots_[i].id != 0; i = (i + 1) & mask_)
      if (slots_[i].hash == hash) fn(slots_[i].id);
  }

  // Maps the key to `id`, as map[key] = id does: the entry of an id for which same_key(id) is
  // true (the key is indexed for another object, or for this one already) now holds `id`;
  // without one, an entry is added.
  template <class SameKey>
  void assign(uint64_t hash, uint64_t id, SameKey&& same_key) {
    if (size_ != 0)
      for (size_t i = hash & mask_; slots_[i].id != 0; i = (i + 1) & mask_)
        if (slots_[i].hash == hash && (slots_[i].id == id || same_key(slots_[i].id))) {
          slots_[i].id = id;
          return;
        }
    add(hash, id);
  }

  // Adds (hash, id) even when present.
  void add(uint64_t hash, uint64_t id) {
    if ((size_ + 1) * 10 > slots_.size() * 7) grow();
    size_t i = hash & mask_;
    while (slots_[i].id != 0) i = (i + 1) & mask_;
    slots_[i] = Entry{hash, id};
    ++size_;
  }

  // Removes every (hash, id) entry; returns how many there were.
  size_t erase(uint64_t hash, uint64_t id) {
    if (size_ == 0) return 0;
    size_t removed = 0;
    size_t i = hash & mask_;
    while (slots_[i].id != 0) {
      if (slots_[i].hash == hash && slots_[i].id == id) {
        remove_at(i);  // the slot now holds the next entry of the chain (or is empty): look again
        ++removed;
        continue;
      }
      i = (i + 1) & mask_;
    }
    return removed;
  }

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  // Room for `n` entries without growing.
  void reserve(size_t n) {
    while (n * 10 > slots_.size() * 7) grow();
  }
  void clear() {
    slots_.clear();
    mask_ = 0;
    size_ = 0;
  }
  // Bytes held by the table (for memory reports).
  size_t memory_bytes() const { return slots_.capacity() * sizeof(Entry); }

 private:
  struct Entry {
    uint64_t hash = 0;
    uint64_t id = 0;  // 0 = empty
  };

  void grow() {
    std::vector<Entry> old = std::move(slots_);
    size_t capacity = old.empty() ? 16 : old.size() * 2;
    slots_.assign(capacity, Entry{});
    mask_ = capacity - 1;
    for (const Entry& e : old) {
      if (e.id == 0) continue;
      size_t i = e.hash & mask_;
      while (slots_[i].id != 0) i = (i + 1) & mask_;
      slots_[i] = e;
    }
  }

  // Backward-shift deletion: moves later entries of the probe chain up so that every entry
  // stays reachable from its home slot without tombstones.
  void remove_at(size_t hole) {
    size_t j = hole;
    for (;;) {
      j = (j + 1) & mask_;
      if (slots_[j].id == 0) break;
      size_t home = slots_[j].hash & mask_;
      // Move j into the hole unless its home lies cyclically in (hole, j].
      bool home_after_hole = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
      if (home_after_hole) continue;
      slots_[hole] = slots_[j];
      hole = j;
    }
    slots_[hole] = Entry{};
    --size_;
  }

  std::vector<Entry> slots_;
  size_t mask_ = 0;
  size_t size_ = 0;
};

}  // namespace idsync
