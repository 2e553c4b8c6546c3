#include "model/memory_usage.h"

#include <malloc.h>

namespace idsync {

size_t heap_block_size(const void* p) {
  // mimalloc overrides malloc_usable_size in every binary (CMake idsync_executable); under
  // glibc it reports glibc's block size. Either way the answer is the allocator's own.
  return p == nullptr ? 0 : malloc_usable_size(const_cast<void*>(p));
}

HeapBytes heap_bytes(const std::string& s) {
  HeapBytes b;
  b.payload = s.size();
  b.values = 1;
  // libstdc++ keeps up to 15 bytes inside the object: no block then.
  if (s.capacity() > 15) b.allocated = heap_block_size(s.data());
  return b;
}

HeapBytes heap_bytes(const CompactString& s) {
  HeapBytes b;
  b.payload = s.size();
  b.values = 1;
  b.allocated = heap_block_size(s.heap_block());
  return b;
}

HeapBytes heap_bytes(const ShortString& s) {
  HeapBytes b;
  b.payload = s.size();
  b.values = 1;
  b.allocated = heap_block_size(s.heap_block());
  return b;
}

HeapBytes heap_bytes(const ValueList& values) {
  HeapBytes b;
  if (values.capacity() != 0) b.allocated = heap_block_size(values.data());
  b.slack = (values.capacity() - values.size()) * sizeof(std::string);
  for (const std::string& v : values) b += heap_bytes(v);
  return b;
}

HeapBytes heap_bytes(const AttributeSet& set) {
  HeapBytes b;
  if (set.block_ == nullptr) return b;
  b.allocated = heap_block_size(set.block_);
  const uint32_t npacked = set.npacked();
  b.payload = set.offsets()[npacked];
  b.values = npacked;
  for (uint32_t k = 0; k < set.nlarge(); ++k) {
    const ValueList* list = set.larges()[k];
    b.allocated += heap_block_size(list);  // the list object itself
    b += heap_bytes(*list);
  }
  return b;
}

}  // namespace idsync
