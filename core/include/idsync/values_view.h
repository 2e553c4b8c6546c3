// ValuesView: a read-only view of the values of one attribute, wherever they are kept.
//
// The engine keeps an object's attributes packed in one block (model/attribute_set.h), with
// long lists (a big group's member) in a ValueList of their own; expressions and callers read
// either through this view without copying. A view is invalidated by any change to the set
// it came from, like an iterator. An attribute with no values is absent: a default view is
// empty and false.
#pragma once

#include <compare>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string>
#include <string_view>

#include "idsync/value_types.h"

namespace idsync {

// A random-access iterator over the values of any list whose operator[](size_t) gives a
// std::string_view (ValuesView): the list and an index. It points to the list,
// so keep the list alive (and unchanged) while iterating.
template <class List>
class IndexedValueIterator {
 public:
  using iterator_category = std::random_access_iterator_tag;
  using value_type = std::string_view;
  using difference_type = std::ptrdiff_t;
  using reference = std::string_view;
  using pointer = void;
  IndexedValueIterator() = default;
  IndexedValueIterator(const List* list, size_t i) : list_(list), i_(i) {}
  std::string_view operator*() const { return (*list_)[i_]; }
  std::string_view operator[](difference_type d) const { return (*list_)[i_ + d]; }
  IndexedValueIterator& operator++() { ++i_; return *this; }
  IndexedValueIterator operator++(int) { IndexedValueIterator t = *this; ++i_; return t; }
  IndexedValueIterator& operator--() { --i_; return *this; }
  IndexedValueIterator operator--(int) { IndexedValueIterator t = *this; --i_; return t; }
  IndexedValueIterator& operator+=(difference_type d) { i_ += d; return *this; }
  IndexedValueIterator& operator-=(difference_type d) { i_ -= d; return *this; }
  friend IndexedValueIterator operator+(IndexedValueIterator a, difference_type d) { return a += d; }
  friend IndexedValueIterator operator+(difference_type d, IndexedValueIterator a) { return a += d; }
  friend IndexedValueIterator operator-(IndexedValueIterator a, difference_type d) { return a -= d; }
  friend difference_type operator-(const IndexedValueIterator& a, const IndexedValueIterator& b) {
    return static_cast<difference_type>(a.i_) - static_cast<difference_type>(b.i_);
  }
  friend bool operator==(const IndexedValueIterator& a, const IndexedValueIterator& b) { return a.i_ == b.i_; }
  friend auto operator<=>(const IndexedValueIterator& a, const IndexedValueIterator& b) { return a.i_ <=> b.i_; }

 private:
  const List* list_ = nullptr;
  size_t i_ = 0;
};

class ValuesView {
 public:
  ValuesView() = default;
  // A view of a whole list (an out-of-line list, or a list built by a test or an evaluator).
  ValuesView(const ValueList& list)  // NOLINT: implicit on purpose
      : list_(&list), strings_(list.data()), n_(static_cast<uint32_t>(list.size())) {}
  // `n` values packed in `bytes`: value i is bytes[offsets[i] .. offsets[i + 1]). The offsets
  // are u16 in a set's narrow form (a block of at most 64 KiB, nearly every object), u32 else.
  ValuesView(const char* bytes, const uint32_t* offsets, uint32_t n) : bytes_(bytes), offsets_(offsets), n_(n) {}
  ValuesView(const char* bytes, const uint16_t* offsets, uint32_t n)
      : bytes_(bytes), offsets_(offsets), n_(n), narrow_(true) {}

  size_t size() const { return n_; }
  bool empty() const { return n_ == 0; }
  // Present: the attribute has at least one value.
  explicit operator bool() const { return n_ != 0; }

  // Always inlined: called per value in the engine's hottest loops, where GCC otherwise
  // keeps it out of line.
  [[gnu::always_inline]] std::string_view operator[](size_t i) const {
    if (strings_ != nullptr) return strings_[i];
    if (narrow_) {
      const auto* o = static_cast<const uint16_t*>(offsets_);
      return {bytes_ + o[i], static_cast<size_t>(o[i + 1] - o[i])};
    }
    const auto* o = static_cast<const uint32_t*>(offsets_);
    return {bytes_ + o[i], static_cast<size_t>(o[i + 1] - o[i])};
  }
  std::string_view front() const { return (*this)[0]; }
  std::string_view back() const { return (*this)[n_ - 1]; }

  using iterator = IndexedValueIterator<ValuesView>;
  // Iterators point into the view: keep the view alive while iterating (a range-for over a
  // temporary view does).
  iterator begin() const { return {this, 0}; }
  iterator end() const { return {this, n_}; }

  // The out-of-line list when the values are kept as one (null when packed).
  const ValueList* list() const { return list_; }
  ValueList to_list() const {
    if (list_ != nullptr) return *list_;
    ValueList out;
    out.reserve(n_);
    for (size_t i = 0; i < n_; ++i) out.emplace_back((*this)[i]);
    return out;
  }
  bool contains(std::string_view value) const {
    for (size_t i = 0; i < n_; ++i)
      if ((*this)[i] == value) return true;
    return false;
  }
  // Bytes of value data (the sum of the lengths).
  size_t value_bytes() const {
    if (list_ == nullptr && n_ == 0) return 0;
    if (list_ == nullptr && narrow_) {
      const auto* o = static_cast<const uint16_t*>(offsets_);
      return static_cast<size_t>(o[n_] - o[0]);
    }
    if (list_ == nullptr) return static_cast<const uint32_t*>(offsets_)[n_] - static_cast<const uint32_t*>(offsets_)[0];
    size_t sum = 0;
    for (const std::string& v : *list_) sum += v.size();
    return sum;
  }

  friend bool operator==(const ValuesView& a, const ValuesView& b) {
    if (a.n_ != b.n_) return false;
    for (size_t i = 0; i < a.n_; ++i)
      if (a[i] != b[i]) return false;
    return true;
  }
  friend bool operator==(const ValuesView& a, const ValueList& b) {
    if (a.n_ != b.size()) return false;
    for (size_t i = 0; i < a.n_; ++i)
      if (a[i] != b[i]) return false;
    return true;
  }

 private:
  const ValueList* list_ = nullptr;
  const std::string* strings_ = nullptr;  // list_->data(), one indirection less per value
  const char* bytes_ = nullptr;
  const void* offsets_ = nullptr;  // uint16_t[n_ + 1] when narrow_, else uint32_t[n_ + 1]
  uint32_t n_ = 0;
  bool narrow_ = false;  // in the padding after n_: the view stays 40 bytes
};

}  // namespace idsync
