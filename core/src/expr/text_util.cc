#include "expr/text_util.h"

#include <array>

namespace idsync::expr {

char32_t decode_utf8(std::string_view s, size_t& pos) {
  auto b0 = static_cast<unsigned char>(s[pos]);
  size_t len = b0 < 0x80 ? 1 : (b0 >> 5) == 0x6 ? 2 : (b0 >> 4) == 0xE ? 3 : (b0 >> 3) == 0x1E ? 4 : 0;
  if (len == 0 || pos + len > s.size()) {
    ++pos;
    return b0;
  }
  char32_t cp = len == 1 ? b0 : len == 2 ? (b0 & 0x1F) : len == 3 ? (b0 & 0x0F) : (b0 & 0x07);
  for (size_t i = 1; i < len; ++i) {
    auto b = static_cast<unsigned char>(s[pos + i]);
    if ((b & 0xC0) != 0x80) {  // malformed: take the lead byte alone
      ++pos;
      return b0;
    }
    cp = (cp << 6) | (b & 0x3F);
  }
  pos += len;
  return cp;
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

std::vector<size_t> char_offsets(std::string_view s) {
  std::vector<size_t> offsets;
  offsets.reserve(s.size() + 1);
  size_t pos = 0;
  while (pos < s.size()) {
    offsets.push_back(pos);
    decode_utf8(s, pos);
  }
  offsets.push_back(s.size());
  return offsets;
}

size_t char_count(std::string_view s) {
  size_t n = 0;
  size_t pos = 0;
  while (pos < s.size()) {
    decode_utf8(s, pos);
    ++n;
  }
  return n;
}

bool is_upper_cp(char32_t cp) {
  if (cp >= 'A' && cp <= 'Z') return true;
  if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) return true;
  if (cp >= 0x100 && cp <= 0x17F) return to_lower_cp(cp) != cp;
  if (cp >= 0x391 && cp <= 0x3A9 && cp != 0x3A2) return true;
  if (cp >= 0x400 && cp <= 0x42F) return true;
  return false;
}

bool is_lower_cp(char32_t cp) { return to_upper_cp(cp) != cp; }

char32_t to_lower_cp(char32_t cp) {
  if (cp < 0x80) return (cp >= 'A' && cp <= 'Z') ? cp + 32 : cp;
  if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) return cp + 32;
  if (cp >= 0x100 && cp <= 0x137 && cp != 0x130) return cp | 1;  // even = upper
  if (cp >= 0x139 && cp <= 0x148) return (cp & 1) ? cp + 1 : cp;  // odd = upper
  if (cp >= 0x14A && cp <= 0x177) return cp | 1;
  if (cp == 0x178) return 0xFF;
  if (cp >= 0x179 && cp <= 0x17E) return (cp & 1) ? cp + 1 : cp;
  if (cp >= 0x391 && cp <= 0x3A9 && cp != 0x3A2) return cp + 32;
  if (cp >= 0x410 && cp <= 0x42F) return cp + 32;
  if (cp >= 0x400 && cp <= 0x40F) return cp + 80;
  return cp;
}

char32_t to_upper_cp(char32_t cp) {
  if (cp < 0x80) return (cp >= 'a' && cp <= 'z') ? cp - 32 : cp;
  if (cp >= 0xE0 && cp <= 0xFE && cp != 0xF7) return cp - 32;
  if (cp == 0xFF) return 0x178;
  if (cp >= 0x101 && cp <= 0x137 && cp != 0x131 && (cp & 1)) return cp - 1;
  if (cp >= 0x13A && cp <= 0x148 && !(cp & 1)) return cp - 1;
  if (cp >= 0x14B && cp <= 0x177 && (cp & 1)) return cp - 1;
  if (cp >= 0x17A && cp <= 0x17E && !(cp & 1)) return cp - 1;
  if (cp >= 0x3B1 && cp <= 0x3C9 && cp != 0x3C2) return cp - 32;
  if (cp >= 0x430 && cp <= 0x44F) return cp - 32;
  if (cp >= 0x450 && cp <= 0x45F) return cp - 80;
  return cp;
}

bool is_white_space(char32_t cp) {
  return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
         (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F ||
         cp == 0x205F || cp == 0x3000;
}

namespace {
template <class F>
std::string map_cps(std::string_view s, F f) {
  std::string out;
  out.reserve(s.size());
  size_t pos = 0;
  while (pos < s.size()) {
    size_t start = pos;
    char32_t cp = decode_utf8(s, pos);
    char32_t mapped = f(cp);
    if (mapped == cp)
      out.append(s.substr(start, pos - start));  // keep invalid bytes untouched
    else
      append_utf8(out, mapped);
  }
  return out;
}
}  // namespace

std::string to_upper_utf8(std::string_view s) { return map_cps(s, to_upper_cp); }
std::string to_lower_utf8(std::string_view s) { return map_cps(s, to_lower_cp); }

bool equals_ignore_case(std::string_view a, std::string_view b) {
  return to_lower_utf8(a) == to_lower_utf8(b);
}

size_t find_text(std::string_view hay, std::string_view needle, size_t from, bool ignore_case) {
  if (!ignore_case) return hay.find(needle, from);
  std::string h = to_lower_utf8(hay);
  std::string n = to_lower_utf8(needle);
  // Lower-casing within our tables keeps byte lengths for ASCII; for the rest we fall back to
  // the lowered copy, whose offsets match because every mapping stays in the same UTF-8 length.
  return h.find(n, from);
}

size_t rfind_text(std::string_view hay, std::string_view needle, size_t last_start, bool ignore_case) {
  if (!ignore_case) return hay.rfind(needle, last_start);
  return to_lower_utf8(hay).rfind(to_lower_utf8(needle), last_start);
}

namespace {
constexpr char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
}

std::string base64_encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    uint32_t v = (uint32_t(uint8_t(bytes[i])) << 16) | (uint32_t(uint8_t(bytes[i + 1])) << 8) | uint8_t(bytes[i + 2]);
    out += kB64[v >> 18];
    out += kB64[(v >> 12) & 63];
    out += kB64[(v >> 6) & 63];
    out += kB64[v & 63];
  }
  if (i + 1 == bytes.size()) {
    uint32_t v = uint32_t(uint8_t(bytes[i])) << 16;
    out += kB64[v >> 18];
    out += kB64[(v >> 12) & 63];
    out += "==";
  } else if (i + 2 == bytes.size()) {
    uint32_t v = (uint32_t(uint8_t(bytes[i])) << 16) | (uint32_t(uint8_t(bytes[i + 1])) << 8);
    out += kB64[v >> 18];
    out += kB64[(v >> 12) & 63];
    out += kB64[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

bool base64_decode(std::string_view text, std::string& out) {
  std::array<int, 256> table;
  table.fill(-1);
  for (int i = 0; i < 64; ++i) table[static_cast<unsigned char>(kB64[i])] = i;
  out.clear();
  uint32_t acc = 0;
  int bits = 0;
  size_t padding = 0;
  size_t significant = 0;
  for (char c : text) {
    if (c == ' ' || c == '\r' || c == '\n' || c == '\t') continue;
    if (c == '=') {
      ++padding;
      continue;
    }
    if (padding > 0) return false;  // data after padding
    int v = table[static_cast<unsigned char>(c)];
    if (v < 0) return false;
    ++significant;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  if (padding > 2 || significant % 4 == 1) return false;
  if (padding > 0 && (significant + padding) % 4 != 0) return false;
  return true;
}

std::string hex_encode_upper(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char c : bytes) {
    out += kHex[static_cast<unsigned char>(c) >> 4];
    out += kHex[static_cast<unsigned char>(c) & 15];
  }
  return out;
}

bool hex_decode(std::string_view text, std::string& out) {
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  if (text.size() % 2 != 0) return false;
  out.clear();
  out.reserve(text.size() / 2);
  for (size_t i = 0; i < text.size(); i += 2) {
    int hi = nibble(text[i]);
    int lo = nibble(text[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out.push_back(static_cast<char>(hi * 16 + lo));
  }
  return true;
}

std::string utf8_to_utf16le(std::string_view s) {
  std::string out;
  out.reserve(s.size() * 2);
  auto put = [&out](uint32_t unit) {
    out.push_back(static_cast<char>(unit & 0xFF));
    out.push_back(static_cast<char>(unit >> 8));
  };
  size_t pos = 0;
  while (pos < s.size()) {
    char32_t cp = decode_utf8(s, pos);
    if (cp >= 0x10000) {
      cp -= 0x10000;
      put(0xD800 + (cp >> 10));
      put(0xDC00 + (cp & 0x3FF));
    } else {
      put(cp);
    }
  }
  return out;
}

bool utf16le_to_utf8(std::string_view bytes, std::string& out) {
  if (bytes.size() % 2 != 0) return false;
  out.clear();
  for (size_t i = 0; i < bytes.size(); i += 2) {
    char32_t unit = uint8_t(bytes[i]) | (char32_t(uint8_t(bytes[i + 1])) << 8);
    if (unit >= 0xD800 && unit <= 0xDBFF && i + 3 < bytes.size()) {
      char32_t low = uint8_t(bytes[i + 2]) | (char32_t(uint8_t(bytes[i + 3])) << 8);
      if (low >= 0xDC00 && low <= 0xDFFF) {
        append_utf8(out, 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00));
        i += 2;
        continue;
      }
    }
    append_utf8(out, unit);
  }
  return true;
}

// Whitespace trimmed as Trim / LTrim / RTrim define it, as a view into `s`.
std::string_view trim_view(std::string_view s, bool left, bool right) {
  size_t begin = 0;
  size_t end = s.size();
  if (left) {
    while (begin < end) {
      size_t next = begin;
      if (!is_white_space(decode_utf8(s, next))) break;
      begin = next;
    }
  }
  if (right) {
    while (end > begin) {
      size_t start = end - 1;
      while (start > begin && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) --start;
      size_t next = start;
      if (!is_white_space(decode_utf8(s, next))) break;
      end = start;
    }
  }
  return s.substr(begin, end - begin);
}

}  // namespace idsync::expr
