// Heap accounting for the in-memory model: how many bytes the allocator holds for a string,
// a value list, an attribute set, and how many of them are the values themselves.
//
// Used by the memory breakdown of a SyncState (sync/state_memory.h) and by tests that prove a
// structure released its memory. "allocated" is what the allocator reserves for the blocks
// (malloc_usable_size, so size-class rounding and capacity slack count); "payload" is the
// value bytes alone — the part any representation must keep. Not thread safe against
// concurrent mutation of the measured object; reading from many threads is fine.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "model/attribute_set.h"
#include "model/compact_string.h"
#include "model/pending_changes.h"

namespace idsync {

struct HeapBytes {
  uint64_t allocated = 0;  // bytes of heap blocks owned (not counting the object itself)
  uint64_t payload = 0;    // bytes of value data inside them
  uint64_t slack = 0;      // bytes of vector capacity beyond size (part of allocated)
  uint64_t values = 0;     // values (strings) counted
  HeapBytes& operator+=(const HeapBytes& o) {
    allocated += o.allocated;
    payload += o.payload;
    slack += o.slack;
    values += o.values;
    return *this;
  }
};

// The allocator's block size for `p` (0 for null): what a heap block really costs.
size_t heap_block_size(const void* p);
// An estimate of the block size for an allocation of `n` bytes (for nodes whose start address
// is not at hand, e.g. hash map nodes): rounded up to the allocator's 16-byte granule.
inline size_t heap_block_estimate(size_t n) { return n == 0 ? 0 : (n + 15) / 16 * 16; }

// A string's heap block (0 when it fits in the inline buffer); payload is its length; it
// counts as one value.
HeapBytes heap_bytes(const std::string& s);
// The same for the compact strings (model/compact_string.h): the block, when there is one.
HeapBytes heap_bytes(const CompactString& s);
HeapBytes heap_bytes(const ShortString& s);
// The vector's element block plus every value's heap block.
HeapBytes heap_bytes(const ValueList& values);
// The items block plus every attribute's values.
HeapBytes heap_bytes(const AttributeSet& set);
// The one block of a pending export's changes (model/pending_changes.h): payload is the
// value bytes, values the values of every change.
HeapBytes heap_bytes(const PendingChanges& changes);


}  // namespace idsync
