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

namespace {
// A compact string: its bytes, and its heap block (null when empty or inline).
HeapBytes compact_string_bytes(size_t size, const void* block) {
  HeapBytes b;
  b.payload = size;
  b.values = 1;
  b.allocated = heap_block_size(block);
  return b;
}
}  // namespace

HeapBytes heap_bytes(const CompactString& s) { return compact_string_bytes(s.size(), s.heap_block()); }
HeapBytes heap_bytes(const ShortString& s) { return compact_string_bytes(s.size(), s.heap_block()); }

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
  b.payload = set.packed_value_bytes();
  b.values = set.npacked();
  for (size_t k = 0; k < set.nlarge(); ++k) {
    const OutOfLineList* list = set.larges()[k];
    b.allocated += heap_block_size(list);  // the list object itself
    // The cut: its hashes, and about a control block with the vector in it (make_shared).
    if (list->cut) b.allocated += heap_block_size(list->cut->data()) + 48;
    b += heap_bytes(list->values);
  }
  return b;
}

}  // namespace idsync
