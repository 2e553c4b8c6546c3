#include "model/cold_block.h"

#include <cstdlib>
#include <cstring>
#include <new>
#include <string>

#include "model/memory_usage.h"
#include "model/set_codec.h"

namespace idsync::cold_block {

namespace {

struct Header {
  const SetCodec* codec;
  uint32_t raw;
  uint32_t packed;
};

const Header* header(const char* cold) {
  return reinterpret_cast<const Header*>(reinterpret_cast<uintptr_t>(cold) & ~uintptr_t{1});
}

}  // namespace

char* freeze(const SetCodec& codec, std::string_view raw) {
  thread_local std::string packed;
  codec.compress(raw, packed);
  const size_t size = sizeof(Header) + packed.size();
  if (heap_block_estimate(size) >= heap_block_estimate(raw.size())) return nullptr;
  auto* h = static_cast<Header*>(std::malloc(size));
  if (h == nullptr) throw std::bad_alloc();
  h->codec = &codec;
  h->raw = static_cast<uint32_t>(raw.size());
  h->packed = static_cast<uint32_t>(packed.size());
  std::memcpy(h + 1, packed.data(), packed.size());
  return reinterpret_cast<char*>(reinterpret_cast<uintptr_t>(h) | 1u);
}

char* thaw(const char* cold) {
  const Header* h = header(cold);
  char* block = static_cast<char*>(std::malloc(h->raw));
  if (block == nullptr) throw std::bad_alloc();
  h->codec->decompress(std::string_view(reinterpret_cast<const char*>(h + 1), h->packed), block, h->raw);
  return block;
}

void release(char* cold) { std::free(const_cast<Header*>(header(cold))); }

size_t raw_size(const char* cold) { return header(cold)->raw; }
const SetCodec* codec(const char* cold) { return header(cold)->codec; }

bool same_frame(const char* a, const char* b) {
  const Header* x = header(a);
  const Header* y = header(b);
  return x->raw == y->raw && x->codec == y->codec && x->packed == y->packed &&
         std::memcmp(x + 1, y + 1, x->packed) == 0;
}

size_t allocated(const char* cold) { return heap_block_size(header(cold)); }

}  // namespace idsync::cold_block
