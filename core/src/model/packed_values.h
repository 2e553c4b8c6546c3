// PackedValues: an immutable list of values in one heap block, for the values of a pending
// export change (AttrChange, model/objects.h).
//
// Issue 5: during the Initial cycle every provisioned object holds its whole add as a pending
// export; as a ValueList (a vector per attribute, a std::string per value) that cost about
// 3.8x the value bytes and was where the peak RSS of the cycle was reached. A change's values
// are built once and only read until the export step hands them to the connector, so they are
// packed like an AttributeSet's: 8 bytes when empty, else one malloc'd block
//   u32 count, u32 offsets[count + 1], the bytes back to back
// with value i = bytes[offsets[i] .. offsets[i + 1]). Changing the values means building a
// new list (to_list(), edit, assign back).
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <span>
#include <string>
#include <string_view>

#include "idsync/value_types.h"
#include "idsync/values_view.h"

namespace idsync {

struct HeapBytes;

class PackedValues {
 public:
  PackedValues() = default;
  // Packs a copy of the values; implicit so that a change is built from a list as before.
  PackedValues(const ValueList& values);                   // NOLINT: implicit on purpose
  PackedValues(ValuesView values);                         // NOLINT: implicit on purpose
  PackedValues(std::initializer_list<std::string_view> values);
  explicit PackedValues(std::span<const std::string_view> values);
  PackedValues(const PackedValues& other);
  PackedValues(PackedValues&& other) noexcept : block_(other.block_) { other.block_ = nullptr; }
  PackedValues& operator=(const PackedValues& other);
  PackedValues& operator=(PackedValues&& other) noexcept;
  ~PackedValues() { release(); }

  size_t size() const { return block_ == nullptr ? 0 : header()[0]; }
  bool empty() const { return block_ == nullptr; }
  std::string_view operator[](size_t i) const {
    const uint32_t* offs = header() + 1;
    return {bytes() + offs[i], static_cast<size_t>(offs[i + 1] - offs[i])};
  }
  std::string_view front() const { return (*this)[0]; }
  std::string_view back() const { return (*this)[size() - 1]; }

  using iterator = IndexedValueIterator<PackedValues>;
  // Iterators point to this list: valid while it lives and is not assigned or moved from.
  iterator begin() const { return {this, 0}; }
  iterator end() const { return {this, size()}; }

  // A view for code that reads values wherever they are kept (valid like an iterator).
  ValuesView view() const {
    return block_ == nullptr ? ValuesView() : ValuesView(bytes(), header() + 1, header()[0]);
  }
  operator ValuesView() const { return view(); }  // NOLINT: implicit on purpose
  ValueList to_list() const;
  bool contains(std::string_view value) const;
  // Bytes of value data (the sum of the lengths).
  size_t value_bytes() const { return block_ == nullptr ? 0 : header()[1 + size()]; }
  // Bytes of the block (0 when empty): 4 * (size() + 2) + value_bytes(), nothing else.
  size_t block_bytes() const;
  // The heap block (null when empty), for the heap accounting and its tests.
  const void* heap_block() const { return block_; }

  friend bool operator==(const PackedValues& a, const PackedValues& b);
  friend bool operator==(const PackedValues& a, const ValueList& b);
  // The heap this list holds (model/memory_usage.h).
  friend HeapBytes heap_bytes(const PackedValues& values);

 private:
  const uint32_t* header() const { return static_cast<const uint32_t*>(block_); }
  const char* bytes() const { return reinterpret_cast<const char*>(header() + 2 + header()[0]); }
  template <typename Range>
  void pack(const Range& values, size_t n);
  void release();

  void* block_ = nullptr;
};

}  // namespace idsync
