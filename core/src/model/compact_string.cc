#include "model/compact_string.h"

#include <cstdlib>
#include <limits>
#include <new>
#include <ostream>
#include <stdexcept>

namespace idsync {

namespace compact_detail {

char* new_block(std::string_view s) {
  if (s.size() > std::numeric_limits<uint32_t>::max())
    throw std::length_error("a string of " + std::to_string(s.size()) +
                            " bytes is over the 4 GB limit of a compact string");
  auto n = static_cast<uint32_t>(s.size());
  // malloc, not new: the heap report asks the allocator for the block's size (malloc_usable_size).
  auto* block = static_cast<char*>(std::malloc(sizeof n + n + 1));
  if (block == nullptr) throw std::bad_alloc();
  std::memcpy(block, &n, sizeof n);
  if (n != 0) std::memcpy(block + sizeof n, s.data(), n);
  block[sizeof n + n] = '\0';
  return block;
}

void free_block(char* block) noexcept { std::free(block); }

}  // namespace compact_detail

std::ostream& operator<<(std::ostream& os, const CompactString& s) { return os << s.view(); }
std::ostream& operator<<(std::ostream& os, const ShortString& s) { return os << s.view(); }

}  // namespace idsync
