// Strict UTF-8 decoding for the writers whose output format forbids invalid text (csexport XML,
// the preview page). The expression library's decoder is lenient by design (it maps bad bytes
// to U+FFFD); these writers must instead notice them and encode the value another way.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace idsync {

// Length of the well-formed UTF-8 sequence at s[i] (shortest form, no surrogate, at most
// U+10FFFF) with its code point in `cp`, or 0 when the bytes there are not one.
inline size_t utf8_sequence(std::string_view s, size_t i, uint32_t& cp) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  size_t n;
  if (c < 0x80) { n = 1; cp = c; }
  else if ((c & 0xE0) == 0xC0) { n = 2; cp = c & 0x1F; }
  else if ((c & 0xF0) == 0xE0) { n = 3; cp = c & 0x0F; }
  else if ((c & 0xF8) == 0xF0) { n = 4; cp = c & 0x07; }
  else return 0;
  if (i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    unsigned char cc = static_cast<unsigned char>(s[i + k]);
    if ((cc & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (cc & 0x3F);
  }
  static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[n] || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) return 0;
  return n;
}

}  // namespace idsync
