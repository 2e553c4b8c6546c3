// IdSet: a set of object ids as a bitmap indexed by id.
//
// Ids are allocated sequentially by the server, so one bit per id (125 KB per million ids)
// replaces a tree or hash node per member: insert and count are one memory access and never
// allocate once the bitmap has grown to the largest id. Iteration yields ids in ascending
// order, as std::set<uint64_t> does, which the deterministic passes of a sync rely on.
//
// Thread safety: const member functions may run concurrently with each other; insert / erase /
// clear need exclusive access.
#pragma once

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <vector>

namespace idsync {

class IdSet {
 public:
  // True when `id` was not in the set.
  bool insert(uint64_t id) {
    size_t w = id >> 6;
    if (w >= words_.size()) words_.resize(std::max(w + 1, words_.size() * 2), 0);
    uint64_t bit = uint64_t{1} << (id & 63);
    if (words_[w] & bit) return false;
    words_[w] |= bit;
    ++size_;
    return true;
  }
  // Number of ids removed (0 or 1).
  size_t erase(uint64_t id) {
    size_t w = id >> 6;
    uint64_t bit = uint64_t{1} << (id & 63);
    if (w >= words_.size() || !(words_[w] & bit)) return 0;
    words_[w] &= ~bit;
    --size_;
    return 1;
  }
  size_t count(uint64_t id) const {
    size_t w = id >> 6;
    return w < words_.size() && (words_[w] >> (id & 63) & 1) ? 1 : 0;
  }
  bool contains(uint64_t id) const { return count(id) != 0; }
  size_t size() const { return size_; }
  size_t memory_bytes() const { return words_.capacity() * sizeof(uint64_t); }
  bool empty() const { return size_ == 0; }
  void clear() {
    words_.clear();
    size_ = 0;
  }

  class const_iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = uint64_t;
    using difference_type = std::ptrdiff_t;
    using pointer = const uint64_t*;
    using reference = uint64_t;
    const_iterator() = default;
    const_iterator(const std::vector<uint64_t>* words, size_t word) : words_(words), word_(word) {
      if (word_ < words_->size()) bits_ = (*words_)[word_];
      advance();
    }
    uint64_t operator*() const { return (uint64_t{word_} << 6) | static_cast<uint64_t>(std::countr_zero(bits_)); }
    const_iterator& operator++() {
      bits_ &= bits_ - 1;  // drop the lowest set bit
      advance();
      return *this;
    }
    bool operator==(const const_iterator& o) const { return word_ == o.word_ && bits_ == o.bits_; }
    bool operator!=(const const_iterator& o) const { return !(*this == o); }

   private:
    void advance() {
      while (bits_ == 0 && word_ < words_->size()) {
        ++word_;
        bits_ = word_ < words_->size() ? (*words_)[word_] : 0;
      }
    }
    const std::vector<uint64_t>* words_ = nullptr;
    size_t word_ = 0;
    uint64_t bits_ = 0;
  };
  const_iterator begin() const { return const_iterator(&words_, 0); }
  const_iterator end() const { return const_iterator(&words_, words_.size()); }
  using iterator = const_iterator;

 private:
  std::vector<uint64_t> words_;
  size_t size_ = 0;
};

}  // namespace idsync
