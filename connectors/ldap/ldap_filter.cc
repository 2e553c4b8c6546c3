#include "ldap_filter.h"

namespace idsync::ldap {

namespace {

constexpr char kHex[] = "0123456789abcdef";

void append_hex(std::string& out, unsigned char c) {
  out += '\\';
  out += kHex[c >> 4];
  out += kHex[c & 15];
}

// Length of the valid UTF-8 sequence at s[i] (0 when invalid).
size_t utf8_length(std::string_view s, size_t i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  size_t n = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c < 0xE0 ? 2 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k)
    if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 0;
  return n;
}

}  // namespace

std::string escape_filter_value(std::string_view value) {
  std::string out;
  out.reserve(value.size() + 8);
  for (size_t i = 0; i < value.size();) {
    unsigned char c = static_cast<unsigned char>(value[i]);
    if (c == '*' || c == '(' || c == ')' || c == '\\' || c < 0x20 || c == 0x7F) {
      append_hex(out, c);
      ++i;
    } else if (c < 0x80) {
      out += static_cast<char>(c);
      ++i;
    } else if (size_t n = utf8_length(value, i); n > 0) {
      out.append(value.substr(i, n));
      i += n;
    } else {
      append_hex(out, c);
      ++i;
    }
  }
  return out;
}

std::string escape_filter_binary(std::string_view value) {
  std::string out;
  out.reserve(value.size() * 3);
  for (char c : value) append_hex(out, static_cast<unsigned char>(c));
  return out;
}

std::string equality_filter(std::string_view attr, std::string_view value) {
  return "(" + std::string(attr) + "=" + escape_filter_value(value) + ")";
}

std::string import_filter(const std::vector<std::string>& object_classes, const std::string& extra) {
  std::string classes;
  if (object_classes.size() == 1) {
    classes = equality_filter("objectClass", object_classes[0]);
  } else if (object_classes.size() > 1) {
    classes = "(|";
    for (const std::string& oc : object_classes) classes += equality_filter("objectClass", oc);
    classes += ")";
  }
  if (classes.empty() && extra.empty()) return "(objectClass=*)";
  if (extra.empty()) return classes;
  if (classes.empty()) return extra;
  return "(&" + classes + extra + ")";
}

}  // namespace idsync::ldap
