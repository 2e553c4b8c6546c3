// PendingChanges: the attribute changes of one pending export (PendingExport, model/objects.h)
// in one heap block per object.
//
// Issue 5: the Initial cycle provisions every cloud object, so after the on-premises full sync
// each holds its whole add as a pending export until the export step. As a vector of changes
// with a block of values each that cost ~25 small allocations and ~2.5x the value bytes per
// object, the largest transient of the cycle. The changes are built once (the outbound plan,
// the store's decoder) and only read afterwards, so they are packed once, like an
// AttributeSet (model/attribute_set.h), in one of two forms whose every count, id and offset
// is a T: the narrow form (T = u16) when the whole block fits in 64 KiB (kNarrowMaxBytes), its
// ids are below 2^16 and it holds fewer than 2^14 values — nearly every object —, the wide
// form (T = u32) else (a big group's member adds or deletes):
//   T head = nchanges << 1 | narrow       the form is bit 0 of the first byte (little-endian)
//   Entry {id, first << 2 | op} x (nchanges + 1)
//                                          in id order, changes of one id in the order given;
//                                          `first` = index of the change's first value; the
//                                          last entry is a sentinel: id 0, first = nvalues
//   T offsets[nvalues + 1]                value i = bytes[offsets[i] .. offsets[i + 1])
//   bytes                                  the values of the changes, in entry order
// A narrow block costs 4 bytes per change, 2 per value and 8 beside the value bytes; a wide
// one 8, 4 and 16. The form follows from the contents alone, so equal lists have equal blocks
// (equality is one memcmp). A change may have no values (a kDelete of every value, a kReplace
// that removes the attribute). A view of the values is invalidated when the list is assigned
// or destroyed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "idsync/entry.h"
#include "idsync/value_types.h"
#include "idsync/values_view.h"
#include "model/attribute_table.h"

namespace idsync {

struct HeapBytes;

// One change as a PendingChanges shows it.
struct PendingChange {
  AttrId id;
  ValueOp op;          // kAdd / kDelete of single values, or kReplace of the whole attribute
  ValuesView values;   // into the list's block
};

class PendingChanges {
 public:
  PendingChanges() = default;
  PendingChanges(const PendingChanges& other);
  PendingChanges(PendingChanges&& other) noexcept : block_(other.block_) { other.block_ = nullptr; }
  PendingChanges& operator=(const PendingChanges& other);
  PendingChanges& operator=(PendingChanges&& other) noexcept;
  ~PendingChanges() { release(); }

  bool empty() const { return block_ == nullptr; }
  size_t size() const {
    if (block_ == nullptr) return 0;
    return narrow_block() ? count<uint16_t>() : count<uint32_t>();
  }
  // The i-th change in id order (i < size()).
  PendingChange operator[](size_t i) const { return narrow_block() ? at_in<uint16_t>(i) : at_in<uint32_t>(i); }
  PendingChange front() const { return (*this)[0]; }
  // Index of the first change of `id` (the changes of one id are next to each other), or
  // size() when there is none.
  size_t find(AttrId id) const;

  class iterator;
  iterator begin() const;
  iterator end() const;

  // Whether the block is in the narrow form (false when empty); for tests and accounting.
  bool narrow() const { return block_ != nullptr && narrow_block(); }
  // Bytes of the block (0 when empty), exactly as laid out above.
  size_t block_bytes() const;
  // The heap block (null when empty), for the heap accounting and its tests.
  const void* heap_block() const { return block_; }

  friend bool operator==(const PendingChanges& a, const PendingChanges& b);
  // The heap this list holds (model/memory_usage.h).
  friend HeapBytes heap_bytes(const PendingChanges& changes);

  // Builds a list in one go from changes given one after another, in any id order; finish()
  // puts them in id order, keeping the order given among the changes of one id. Every value
  // is copied once into the builder and once into the block, so a list of thousands of values
  // costs its bytes twice, never a rebuild per change.
  class Builder {
   public:
    Builder() = default;
    Builder(const Builder&) = delete;
    Builder& operator=(const Builder&) = delete;
    // A whole change (its values copied; `values` may be empty).
    void add(AttrId id, ValueOp op, ValuesView values);
    // A change given value by value: start(), then value() for each (value() belongs to the
    // change last started).
    void start(AttrId id, ValueOp op, size_t count_hint = 0);
    void value(std::string_view v);
    size_t size() const { return staged_.size(); }
    // The list built; the builder is empty afterwards and can be reused (its buffers stay,
    // unless one grew beyond kKeptBufferBytes: a huge group's list is not kept around).
    PendingChanges finish();
    // Drops what was staged.
    void reset();

    static constexpr size_t kKeptBufferBytes = size_t{1} << 20;

   private:
    friend class PendingChanges;
    struct Staged {
      AttrId id;
      ValueOp op;
      size_t first;  // index of its first value in ends_
      size_t count;  // values
    };
    std::vector<Staged> staged_;
    std::string bytes_;         // staged values, back to back
    std::vector<size_t> ends_;  // value i = bytes_[i ? ends_[i - 1] : 0 .. ends_[i])
  };

 private:
  template <class T>
  struct Entry {
    T id;
    T first_op;  // first << 2 | op
  };
  static constexpr unsigned kOpBits = 2;

  template <class T>
  static char* pack_as(const Builder& b, const std::vector<size_t>& order, size_t nvalues, size_t nbytes);
  void release();

  bool narrow_block() const { return (static_cast<unsigned char>(block_[0]) & 1u) != 0; }
  template <class T>
  size_t count() const { return reinterpret_cast<const T*>(block_)[0] >> 1; }
  template <class T>
  const Entry<T>* entries() const { return reinterpret_cast<const Entry<T>*>(block_ + sizeof(T)); }
  template <class T>
  size_t nvalues_in() const { return entries<T>()[count<T>()].first_op >> kOpBits; }
  template <class T>
  const T* offsets() const { return reinterpret_cast<const T*>(entries<T>() + count<T>() + 1); }
  template <class T>
  const char* bytes() const { return reinterpret_cast<const char*>(offsets<T>() + nvalues_in<T>() + 1); }
  template <class T>
  size_t block_bytes_in() const {
    return static_cast<size_t>(bytes<T>() - block_) + offsets<T>()[nvalues_in<T>()];
  }
  template <class T>
  PendingChange at_in(size_t i) const {
    const Entry<T>* e = entries<T>();
    const size_t first = e[i].first_op >> kOpBits, next = e[i + 1].first_op >> kOpBits;
    return {e[i].id, static_cast<ValueOp>(e[i].first_op & ((1u << kOpBits) - 1)),
            ValuesView(bytes<T>(), offsets<T>() + first, static_cast<uint32_t>(next - first))};
  }
  template <class T>
  size_t find_in(AttrId id) const;

  friend class ColdChanges;  // keeps the block pointer tagged while the list is cold
  char* block_ = nullptr;
};

// Iterates the changes in id order; invalidated when the list is assigned or destroyed.
class PendingChanges::iterator {
 public:
  using iterator_category = std::forward_iterator_tag;
  using value_type = PendingChange;
  using difference_type = std::ptrdiff_t;
  using reference = PendingChange;
  struct Arrow {
    PendingChange change;
    const PendingChange* operator->() const { return &change; }
  };
  using pointer = Arrow;
  iterator() = default;
  iterator(const PendingChanges* list, size_t i) : list_(list), i_(i) {}
  PendingChange operator*() const { return (*list_)[i_]; }
  Arrow operator->() const { return {(*list_)[i_]}; }
  iterator& operator++() {
    ++i_;
    return *this;
  }
  iterator operator++(int) {
    iterator t = *this;
    ++i_;
    return t;
  }
  friend bool operator==(const iterator& a, const iterator& b) { return a.i_ == b.i_; }

 private:
  const PendingChanges* list_ = nullptr;
  size_t i_ = 0;
};

inline PendingChanges::iterator PendingChanges::begin() const { return {this, 0}; }
inline PendingChanges::iterator PendingChanges::end() const { return {this, size()}; }

}  // namespace idsync
