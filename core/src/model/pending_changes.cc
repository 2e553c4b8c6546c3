#include "model/pending_changes.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <new>
#include <numeric>
#include <stdexcept>

#include "model/attribute_set.h"
#include "model/memory_usage.h"

namespace idsync {

// ---- reading -----------------------------------------------------------------------------

size_t PendingChanges::block_bytes() const {
  if (block_ == nullptr) return 0;
  return narrow_block() ? block_bytes_in<uint16_t>() : block_bytes_in<uint32_t>();
}

template <class T>
size_t PendingChanges::find_in(AttrId id) const {
  const size_t n = count<T>();
  const Entry<T>* e = entries<T>();
  size_t lo = 0, hi = n;  // lower bound: the first change of `id`
  while (lo < hi) {
    const size_t mid = lo + (hi - lo) / 2;
    if (e[mid].id < id) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo < n && e[lo].id == id ? lo : n;
}

size_t PendingChanges::find(AttrId id) const {
  if (block_ == nullptr) return 0;
  return narrow_block() ? find_in<uint16_t>(id) : find_in<uint32_t>(id);
}

bool operator==(const PendingChanges& a, const PendingChanges& b) {
  if (a.block_ == nullptr || b.block_ == nullptr) return a.block_ == b.block_;
  const size_t n = a.block_bytes();
  return n == b.block_bytes() && std::memcmp(a.block_, b.block_, n) == 0;
}

HeapBytes heap_bytes(const PendingChanges& changes) {
  HeapBytes b;
  if (changes.block_ == nullptr) return b;
  b.allocated = heap_block_size(changes.block_);
  const bool narrow = changes.narrow_block();
  const size_t nvalues = narrow ? changes.nvalues_in<uint16_t>() : changes.nvalues_in<uint32_t>();
  b.payload = narrow ? changes.offsets<uint16_t>()[nvalues] : changes.offsets<uint32_t>()[nvalues];
  b.values = nvalues;
  return b;
}

// ---- copy and move -----------------------------------------------------------------------

PendingChanges::PendingChanges(const PendingChanges& other) {
  if (other.block_ == nullptr) return;
  const size_t n = other.block_bytes();
  block_ = static_cast<char*>(std::malloc(n));
  if (block_ == nullptr) throw std::bad_alloc();
  std::memcpy(block_, other.block_, n);
}

PendingChanges& PendingChanges::operator=(const PendingChanges& other) {
  if (this != &other) *this = PendingChanges(other);
  return *this;
}

PendingChanges& PendingChanges::operator=(PendingChanges&& other) noexcept {
  if (this != &other) {
    release();
    block_ = other.block_;
    other.block_ = nullptr;
  }
  return *this;
}

void PendingChanges::release() {
  std::free(block_);
  block_ = nullptr;
}

// ---- building ----------------------------------------------------------------------------

void PendingChanges::Builder::add(AttrId id, ValueOp op, ValuesView values) {
  start(id, op, values.size());
  for (std::string_view v : values) value(v);
}

void PendingChanges::Builder::start(AttrId id, ValueOp op, size_t count_hint) {
  if (count_hint != 0) ends_.reserve(ends_.size() + count_hint);
  staged_.push_back(Staged{id, op, ends_.size(), 0});
}

void PendingChanges::Builder::value(std::string_view v) {
  bytes_.append(v);
  ends_.push_back(bytes_.size());
  ++staged_.back().count;
}

void PendingChanges::Builder::reset() {
  staged_.clear();
  bytes_.clear();
  ends_.clear();
  // A huge group's member list is staged once in a while: its buffers are not kept.
  if (bytes_.capacity() > kKeptBufferBytes) std::string().swap(bytes_);
  if (ends_.capacity() * sizeof(size_t) > kKeptBufferBytes) std::vector<size_t>().swap(ends_);
  if (staged_.capacity() * sizeof(Staged) > kKeptBufferBytes) std::vector<Staged>().swap(staged_);
}

PendingChanges PendingChanges::Builder::finish() {
  PendingChanges out;
  const size_t n = staged_.size();
  if (n == 0) {
    reset();
    return out;
  }
  // Id order, the order given among the changes of one id (an add before a delete stays so).
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), size_t{0});
  const auto by_id = [&](size_t a, size_t b) { return staged_[a].id < staged_[b].id; };
  if (!std::is_sorted(order.begin(), order.end(), by_id)) std::stable_sort(order.begin(), order.end(), by_id);
  AttrId max_id = 0;
  for (const Staged& s : staged_) max_id = std::max(max_id, s.id);
  const size_t nvalues = ends_.size(), nbytes = bytes_.size();
  // The narrow form's size bounds every offset and id in it but the values' first index,
  // which shares its T with the op.
  const size_t narrow_size = 2 + 4 * (n + 1) + 2 * (nvalues + 1) + nbytes;
  if (narrow_size <= kNarrowMaxBytes && max_id <= UINT16_MAX && nvalues < (size_t{1} << (16 - kOpBits))) {
    out.block_ = pack_as<uint16_t>(*this, order, nvalues, nbytes);
  } else {
    // One pending export is bounded far below 4 GiB (the store keeps a value list in chunks
    // and a connector entry in one message), so this is a defect, not input.
    if (n >= (size_t{1} << 31) || nvalues >= (size_t{1} << (32 - kOpBits)) ||
        4 + 8 * (n + 1) + 4 * (nvalues + 1) + nbytes > UINT32_MAX)
      throw std::length_error("pending export too large to pack (more than 4 GiB of changes)");
    out.block_ = pack_as<uint32_t>(*this, order, nvalues, nbytes);
  }
  reset();
  return out;
}

template <class T>
char* PendingChanges::pack_as(const Builder& b, const std::vector<size_t>& order, size_t nvalues, size_t nbytes) {
  const size_t n = order.size();
  const size_t bytes_at = sizeof(T) + 2 * sizeof(T) * (n + 1) + sizeof(T) * (nvalues + 1);
  char* block = static_cast<char*>(std::malloc(bytes_at + nbytes));
  if (block == nullptr) throw std::bad_alloc();
  reinterpret_cast<T*>(block)[0] = static_cast<T>(n << 1 | (sizeof(T) == 2 ? 1u : 0u));
  auto* entry = reinterpret_cast<Entry<T>*>(block + sizeof(T));
  auto* offsets = reinterpret_cast<T*>(entry + n + 1);
  char* bytes = block + bytes_at;
  size_t value = 0, end = 0;
  offsets[0] = 0;
  for (size_t k = 0; k < n; ++k) {
    const Builder::Staged& s = b.staged_[order[k]];
    entry[k].id = static_cast<T>(s.id);
    entry[k].first_op = static_cast<T>(value << kOpBits | static_cast<unsigned>(s.op));
    // The staged values of the change are contiguous: one copy of their bytes.
    const size_t from = s.first == 0 ? 0 : b.ends_[s.first - 1];
    const size_t to = s.count == 0 ? from : b.ends_[s.first + s.count - 1];
    if (to > from) std::memcpy(bytes + end, b.bytes_.data() + from, to - from);
    for (size_t i = 0; i < s.count; ++i) offsets[++value] = static_cast<T>(end + (b.ends_[s.first + i] - from));
    end += to - from;
  }
  entry[n].id = 0;
  entry[n].first_op = static_cast<T>(value << kOpBits);
  return block;
}

}  // namespace idsync
