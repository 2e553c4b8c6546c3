// UTF-8 and text helpers shared by the expression functions. Text functions count characters
// as Unicode code points (the reference product counts UTF-16 code units; the two agree outside
// the astral planes). Case mapping covers ASCII, Latin-1, Latin Extended-A, Greek and Cyrillic
// without consulting the process locale, so results never depend on setlocale().
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace idsync::expr {

// Byte offsets of every code point start in `s`, plus s.size() at the end; invalid bytes count
// as one character each.
std::vector<size_t> char_offsets(std::string_view s);
size_t char_count(std::string_view s);

// Decodes one code point at `pos` and advances it; invalid bytes decode as themselves.
char32_t decode_utf8(std::string_view s, size_t& pos);
void append_utf8(std::string& out, char32_t cp);

char32_t to_upper_cp(char32_t cp);
char32_t to_lower_cp(char32_t cp);
bool is_upper_cp(char32_t cp);
bool is_lower_cp(char32_t cp);
// .NET Char.IsWhiteSpace, which String.Trim uses.
bool is_white_space(char32_t cp);

std::string to_upper_utf8(std::string_view s);
std::string to_lower_utf8(std::string_view s);

// Case-sensitive (ordinal) or case-insensitive search; returns the byte offset or npos.
size_t find_text(std::string_view hay, std::string_view needle, size_t from, bool ignore_case);
size_t rfind_text(std::string_view hay, std::string_view needle, size_t last_start, bool ignore_case);
bool equals_ignore_case(std::string_view a, std::string_view b);

// Base64 (RFC 4648, with padding) and hexadecimal codecs.
std::string base64_encode(std::string_view bytes);
bool base64_decode(std::string_view text, std::string& out);
std::string hex_encode_upper(std::string_view bytes);
bool hex_decode(std::string_view text, std::string& out);

// UTF-8 <-> UTF-16LE byte strings (ConvertToBase64's default "Unicode" encoding).
std::string utf8_to_utf16le(std::string_view s);
bool utf16le_to_utf8(std::string_view bytes, std::string& out);

// Trim / LTrim / RTrim without copying: a view into `s`.
std::string_view trim_view(std::string_view s, bool left, bool right);

// DNComponent: the value of the n-th (1-based, from the left) RDN of `dn` as written (still
// escaped), a view into `dn`; nullopt when n is outside 1..number of RDNs. (fn_directory.cc)
std::optional<std::string_view> dn_component_view(std::string_view dn, int64_t n);

}  // namespace idsync::expr
