// The cold block: the compressed form of a self-contained heap block (one with no pointers in
// it: an AttributeSet block without out-of-line lists, a PendingChanges block), shared by the
// cold forms that keep such a block compressed between steps (model/cold_set.h,
// model/cold_changes.h; issue 5).
//
// A cold block is one malloc'd allocation
//   { const SetCodec* codec; uint32 raw size; uint32 packed size; zstd frame of the raw bytes }
// handed out as a tagged pointer (low bit set), so that the owner can keep it in the 8 bytes
// of the plain block's pointer and tell the forms apart by that bit (malloc aligns to 16).
// The codec must outlive the block. Thread safety: the functions that read a block (thaw,
// raw_size, same_frame, ...) may run on many threads at once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace idsync {

class SetCodec;

namespace cold_block {

inline bool tagged(const void* p) { return (reinterpret_cast<uintptr_t>(p) & 1u) != 0; }

// A cold block of `raw` compressed with `codec` (tagged), or null when it would not make the
// allocation smaller (a tiny block gains nothing after the allocator's rounding).
char* freeze(const SetCodec& codec, std::string_view raw);
// The raw bytes of `cold` in a new malloc'd block of raw_size(cold) bytes, owned by the caller.
char* thaw(const char* cold);
// Frees `cold` (a tagged pointer from freeze).
void release(char* cold);

size_t raw_size(const char* cold);
const SetCodec* codec(const char* cold);
// Whether two cold blocks certainly hold equal bytes: one codec compresses equal blocks to
// equal frames (zstd is deterministic). False says nothing unless the raw sizes differ.
bool same_frame(const char* a, const char* b);
// The heap the cold block takes, as the allocator counts it.
size_t allocated(const char* cold);

}  // namespace cold_block
}  // namespace idsync
