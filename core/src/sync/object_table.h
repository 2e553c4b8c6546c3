// ObjectTable<T>: the objects of one connector space (or the metaverse) by id, densely.
//
// Ids are allocated sequentially by the server, so an id → slot table in pages of 4096 ids
// finds an object in two array reads (no hash, no node per object). Objects live in chunks of
// 1024 slots that never move: a pointer or reference stays valid until that object is erased,
// as with unordered_map nodes. A slot is the bare pair, with no std::optional flag word (8
// bytes an object): which slots hold an object is a bitmap beside the chunks, one bit a slot.
// Iteration walks the slots in order — about id order, over contiguous memory — and yields
// std::pair<const uint64_t, T>& like a map does. Slots of erased objects are reused.
//
// Thread safety: const member functions may run concurrently with each other, and so may
// find() calls that only change the objects found; inserting or erasing needs exclusive access.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <utility>
#include <vector>

namespace idsync {

template <class T>
class ObjectTable {
 public:
  using Id = uint64_t;
  using value_type = std::pair<const Id, T>;

  ObjectTable() = default;
  ObjectTable(const ObjectTable&) = delete;
  ObjectTable& operator=(const ObjectTable&) = delete;
  ObjectTable(ObjectTable&& o) noexcept
      : chunks_(std::move(o.chunks_)), live_(std::move(o.live_)), pages_(std::move(o.pages_)),
        free_(std::move(o.free_)), used_(std::exchange(o.used_, 0)), size_(std::exchange(o.size_, 0)) {}
  ObjectTable& operator=(ObjectTable&& o) noexcept {
    if (this != &o) {
      destroy_all();
      chunks_ = std::move(o.chunks_);
      live_ = std::move(o.live_);
      pages_ = std::move(o.pages_);
      free_ = std::move(o.free_);
      used_ = std::exchange(o.used_, 0);
      size_ = std::exchange(o.size_, 0);
    }
    return *this;
  }
  ~ObjectTable() { destroy_all(); }

  T* find(Id id) {
    uint32_t s = slot_of(id);
    return s == 0 ? nullptr : &pair(s - 1)->second;
  }
  const T* find(Id id) const { return const_cast<ObjectTable*>(this)->find(id); }
  bool contains(Id id) const { return slot_of(id) != 0; }
  size_t count(Id id) const { return contains(id) ? 1 : 0; }

  // The object with `id`, default-constructed when absent.
  T& operator[](Id id) {
    if (T* t = find(id)) return *t;
    return emplace(id, T{});
  }
  // Inserts `value` under `id` unless the id is present; the object under `id` either way.
  T& emplace(Id id, T&& value) {
    if (T* t = find(id)) return *t;
    uint32_t s;
    if (!free_.empty()) {
      s = free_.back();
      free_.pop_back();
    } else {
      if (used_ == chunks_.size() * kChunk) {
        chunks_.push_back(std::unique_ptr<Slot[]>(new Slot[kChunk]));  // raw: constructed on use
        live_.resize(chunks_.size() * kChunk / 64);
      }
      s = static_cast<uint32_t>(used_++);
    }
    value_type* p = ::new (static_cast<void*>(slot(s)->bytes)) value_type(id, std::move(value));
    live_[s >> 6] |= uint64_t{1} << (s & 63);
    page_entry(id) = s + 1;
    ++size_;
    return p->second;
  }
  // Removes the object; false when absent.
  bool erase(Id id) {
    uint32_t s = slot_of(id);
    if (s == 0) return false;
    pair(s - 1)->~value_type();
    live_[(s - 1) >> 6] &= ~(uint64_t{1} << ((s - 1) & 63));
    pages_[id >> kPageBits][id & (kPage - 1)] = 0;
    free_.push_back(s - 1);
    --size_;
    return true;
  }

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  void clear() { *this = ObjectTable(); }
  // Heap bytes of the table itself (slots and id pages), not of what the objects own.
  size_t memory_bytes() const {
    size_t pages = 0;
    for (const auto& p : pages_) pages += p ? 1 : 0;
    return chunks_.size() * kChunk * sizeof(Slot) + pages * kPage * sizeof(uint32_t) +
           (chunks_.capacity() + pages_.capacity()) * sizeof(void*) + free_.capacity() * sizeof(uint32_t) +
           live_.capacity() * sizeof(uint64_t);
  }

  template <bool kConst>
  class Iterator {
   public:
    using Table = std::conditional_t<kConst, const ObjectTable, ObjectTable>;
    using reference = std::conditional_t<kConst, const value_type&, value_type&>;
    Iterator(Table* table, size_t i) : table_(table), i_(i) { skip(); }
    reference operator*() const { return *table_->pair(i_); }
    auto* operator->() const { return table_->pair(i_); }
    Iterator& operator++() {
      ++i_;
      skip();
      return *this;
    }
    bool operator==(const Iterator& o) const { return i_ == o.i_; }
    bool operator!=(const Iterator& o) const { return i_ != o.i_; }

   private:
    void skip() {
      while (i_ < table_->used_ && !table_->live(i_)) ++i_;
    }
    Table* table_;
    size_t i_;
  };
  using iterator = Iterator<false>;
  using const_iterator = Iterator<true>;
  iterator begin() { return iterator(this, 0); }
  iterator end() { return iterator(this, used_); }
  const_iterator begin() const { return const_iterator(this, 0); }
  const_iterator end() const { return const_iterator(this, used_); }

 private:
  static constexpr size_t kChunkBits = 10, kChunk = size_t{1} << kChunkBits;
  static constexpr size_t kPageBits = 12, kPage = size_t{1} << kPageBits;
  struct Slot {
    alignas(value_type) unsigned char bytes[sizeof(value_type)];
  };

  Slot* slot(size_t s) { return &chunks_[s >> kChunkBits][s & (kChunk - 1)]; }
  const Slot* slot(size_t s) const { return &chunks_[s >> kChunkBits][s & (kChunk - 1)]; }
  bool live(size_t s) const { return (live_[s >> 6] >> (s & 63)) & 1; }
  // The object in a live slot.
  value_type* pair(size_t s) { return std::launder(reinterpret_cast<value_type*>(slot(s)->bytes)); }
  const value_type* pair(size_t s) const {
    return std::launder(reinterpret_cast<const value_type*>(slot(s)->bytes));
  }
  void destroy_all() noexcept {
    for (size_t s = 0; s < used_; ++s)
      if (live(s)) pair(s)->~value_type();
    used_ = size_ = 0;
  }

  // Slot + 1 of `id`; 0 when absent.
  uint32_t slot_of(Id id) const {
    size_t page = id >> kPageBits;
    if (page >= pages_.size() || !pages_[page]) return 0;
    return pages_[page][id & (kPage - 1)];
  }
  uint32_t& page_entry(Id id) {
    size_t page = id >> kPageBits;
    if (page >= pages_.size()) pages_.resize(page + 1);
    if (!pages_[page]) pages_[page] = std::make_unique<uint32_t[]>(kPage);  // zeroed: all absent
    return pages_[page][id & (kPage - 1)];
  }

  std::vector<std::unique_ptr<Slot[]>> chunks_;
  std::vector<uint64_t> live_;  // bit s: slot s holds an object
  std::vector<std::unique_ptr<uint32_t[]>> pages_;
  std::vector<uint32_t> free_;
  size_t used_ = 0;  // slots handed out so far (live or free)
  size_t size_ = 0;
};

}  // namespace idsync
