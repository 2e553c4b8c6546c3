#include "model/cold_set.h"

#include <cstdlib>
#include <cstring>
#include <new>
#include <string>

#include "model/memory_usage.h"
#include "model/set_codec.h"

namespace idsync {

void ColdSet::release_cold() {
  if (!cold()) return;
  std::free(const_cast<Header*>(header()));
  set_.block_ = nullptr;
}

ColdSet& ColdSet::operator=(const ColdSet& other) {
  if (this != &other) *this = other.thaw();
  return *this;
}

ColdSet& ColdSet::operator=(ColdSet&& other) noexcept {
  if (this != &other) {
    release_cold();
    set_ = std::move(other.set_);  // moves the block pointer, tagged or not
  }
  return *this;
}

ColdSet& ColdSet::operator=(AttributeSet set) {
  release_cold();
  set_ = std::move(set);
  return *this;
}

AttributeSet ColdSet::thaw() const {
  if (!cold()) return set_;
  const Header* h = header();
  char* block = static_cast<char*>(std::malloc(h->raw));
  if (block == nullptr) throw std::bad_alloc();
  h->codec->decompress(std::string_view(reinterpret_cast<const char*>(h + 1), h->packed), block, h->raw);
  AttributeSet out;
  out.block_ = block;  // a block without out-of-line lists: nothing else to own
  return out;
}

AttributeSet& ColdSet::plain() {
  if (cold()) {
    AttributeSet thawed = thaw();
    release_cold();
    set_ = std::move(thawed);
  }
  return set_;
}

void ColdSet::clear() {
  release_cold();
  set_.clear();
}

bool ColdSet::freezable() const { return !cold() && !empty() && set_.nlarge() == 0; }

std::string_view ColdSet::freezable_bytes() const {
  return freezable() ? std::string_view(set_.block_, set_.block_bytes()) : std::string_view();
}

const SetCodec* ColdSet::codec() const { return cold() ? header()->codec : nullptr; }

bool ColdSet::freeze(const SetCodec& codec) {
  if (cold()) return true;
  if (!freezable()) return false;
  const size_t raw = set_.block_bytes();
  thread_local std::string packed;
  codec.compress(std::string_view(set_.block_, raw), packed);
  const size_t size = sizeof(Header) + packed.size();
  // Only when the allocator's block really shrinks (a tiny set gains nothing after rounding).
  if (heap_block_estimate(size) >= heap_block_estimate(raw)) return false;
  auto* h = static_cast<Header*>(std::malloc(size));
  if (h == nullptr) throw std::bad_alloc();
  h->codec = &codec;
  h->raw = static_cast<uint32_t>(raw);
  h->packed = static_cast<uint32_t>(packed.size());
  std::memcpy(h + 1, packed.data(), packed.size());
  set_.clear();  // no out-of-line lists: frees the block alone
  set_.block_ = reinterpret_cast<char*>(reinterpret_cast<uintptr_t>(h) | 1u);
  return true;
}

bool operator==(const ColdSet& a, const ColdSet& b) {
  if (!a.cold() && !b.cold()) return a.set_ == b.set_;
  if (a.cold() && b.cold()) {
    const ColdSet::Header* x = a.header();
    const ColdSet::Header* y = b.header();
    if (x->raw != y->raw) return false;
    // One codec compresses equal blocks to equal frames (zstd is deterministic).
    if (x->codec == y->codec && x->packed == y->packed && std::memcmp(x + 1, y + 1, x->packed) == 0) return true;
  }
  AttributeSet sa, sb;
  return a.view(sa) == b.view(sb);
}

HeapBytes heap_bytes(const ColdSet& set) {
  if (!set.cold()) return heap_bytes(set.set_);
  HeapBytes out = heap_bytes(set.thaw());
  out.allocated = heap_block_size(set.header());
  out.slack = 0;
  return out;
}

}  // namespace idsync
