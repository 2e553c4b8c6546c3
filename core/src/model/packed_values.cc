#include "model/packed_values.h"

#include <cstdlib>
#include <cstring>
#include <limits>
#include <new>
#include <stdexcept>

#include "model/memory_usage.h"

namespace idsync {

template <typename Range>
void PackedValues::pack(const Range& values, size_t n) {
  if (n == 0) return;
  size_t nbytes = 0;
  for (std::string_view v : values) nbytes += v.size();
  // u32 offsets: one change's values are bounded far below 4 GiB (the store keeps a value
  // list in chunks and a connector entry in one message), so this is a defect, not input.
  if (n >= std::numeric_limits<uint32_t>::max() || nbytes > std::numeric_limits<uint32_t>::max())
    throw std::length_error("PackedValues: more than 4 GiB of values in one attribute change");
  const size_t head = (n + 2) * sizeof(uint32_t);
  void* block = std::malloc(head + nbytes);
  if (block == nullptr) throw std::bad_alloc();
  auto* h = static_cast<uint32_t*>(block);
  h[0] = static_cast<uint32_t>(n);
  char* out = static_cast<char*>(block) + head;
  uint32_t at = 0;
  size_t i = 0;
  for (std::string_view v : values) {
    h[1 + i++] = at;
    if (!v.empty()) std::memcpy(out + at, v.data(), v.size());
    at += static_cast<uint32_t>(v.size());
  }
  h[1 + n] = at;
  block_ = block;
}

PackedValues::PackedValues(const ValueList& values) { pack(values, values.size()); }
PackedValues::PackedValues(ValuesView values) { pack(values, values.size()); }
PackedValues::PackedValues(std::initializer_list<std::string_view> values) { pack(values, values.size()); }
PackedValues::PackedValues(std::span<const std::string_view> values) { pack(values, values.size()); }

PackedValues::PackedValues(const PackedValues& other) {
  if (other.block_ == nullptr) return;
  const size_t n = other.block_bytes();
  block_ = std::malloc(n);
  if (block_ == nullptr) throw std::bad_alloc();
  std::memcpy(block_, other.block_, n);
}

PackedValues& PackedValues::operator=(const PackedValues& other) {
  if (this != &other) *this = PackedValues(other);
  return *this;
}

PackedValues& PackedValues::operator=(PackedValues&& other) noexcept {
  if (this != &other) {
    release();
    block_ = other.block_;
    other.block_ = nullptr;
  }
  return *this;
}

void PackedValues::release() {
  std::free(block_);
  block_ = nullptr;
}

size_t PackedValues::block_bytes() const {
  if (block_ == nullptr) return 0;
  return (size() + 2) * sizeof(uint32_t) + value_bytes();
}

ValueList PackedValues::to_list() const {
  ValueList out;
  out.reserve(size());
  for (std::string_view v : *this) out.emplace_back(v);
  return out;
}

bool PackedValues::contains(std::string_view value) const {
  for (std::string_view v : *this)
    if (v == value) return true;
  return false;
}

bool operator==(const PackedValues& a, const PackedValues& b) {
  if (a.block_ == nullptr || b.block_ == nullptr) return a.block_ == b.block_;
  const size_t n = a.block_bytes();
  return n == b.block_bytes() && std::memcmp(a.block_, b.block_, n) == 0;
}

bool operator==(const PackedValues& a, const ValueList& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < b.size(); ++i)
    if (a[i] != b[i]) return false;
  return true;
}

HeapBytes heap_bytes(const PackedValues& values) {
  HeapBytes b;
  b.allocated = heap_block_size(values.block_);
  b.payload = values.value_bytes();
  b.values = values.size();
  return b;
}

}  // namespace idsync
