#include "idsync/value_types.h"

#include <cctype>
#include <charconv>
#include <cstdio>

namespace idsync {

const char* attr_type_name(AttrType type) {
  switch (type) {
    case AttrType::kString: return "string";
    case AttrType::kInteger: return "integer";
    case AttrType::kBinary: return "binary";
    case AttrType::kBoolean: return "boolean";
    case AttrType::kReference: return "reference";
    case AttrType::kDateTime: return "datetime";
  }
  return "string";
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  // ASCII only, without a locale lookup per character (this runs for every scoping check).
  auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + ('a' - 'A')) : c; };
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i] != b[i] && lower(a[i]) != lower(b[i])) return false;
  return true;
}

std::string to_lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = c >= 'A' && c <= 'Z' ? static_cast<char>(c + ('a' - 'A')) : c;
  return out;
}

std::optional<AttrType> parse_attr_type(std::string_view name) {
  static constexpr std::pair<std::string_view, AttrType> kNames[] = {
      {"string", AttrType::kString},       {"integer", AttrType::kInteger},
      {"number", AttrType::kInteger},      {"binary", AttrType::kBinary},
      {"boolean", AttrType::kBoolean},     {"reference", AttrType::kReference},
      {"dn", AttrType::kReference},        {"datetime", AttrType::kDateTime},
      {"date", AttrType::kDateTime},
  };
  for (const auto& [text, type] : kNames)
    if (iequals(text, name)) return type;
  return std::nullopt;
}

namespace {

Result<std::string> canonical_integer(std::string_view text) {
  std::string_view t = text;
  while (!t.empty() && std::isspace(static_cast<unsigned char>(t.front()))) t.remove_prefix(1);
  while (!t.empty() && std::isspace(static_cast<unsigned char>(t.back()))) t.remove_suffix(1);
  if (!t.empty() && t.front() == '+') t.remove_prefix(1);
  int64_t n = 0;
  auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), n);
  if (t.empty() || ec != std::errc() || ptr != t.data() + t.size())
    return Status::Error(ErrorCode::kInvalidArgument,
                         "'" + std::string(text) + "' is not an integer (expected e.g. 42 or -7)");
  return std::to_string(n);
}

Result<std::string> canonical_boolean(std::string_view text) {
  if (iequals(text, "true") || text == "1" || iequals(text, "yes")) return std::string("TRUE");
  if (iequals(text, "false") || text == "0" || iequals(text, "no")) return std::string("FALSE");
  return Status::Error(ErrorCode::kInvalidArgument,
                       "'" + std::string(text) + "' is not a boolean (expected TRUE or FALSE)");
}

// Accepts "YYYY-MM-DD", "YYYY-MM-DDTHH:MM:SS[.fff][Z]" and LDAP GeneralizedTime
// "YYYYMMDDHHMMSS[.f]Z"; always yields "YYYY-MM-DDTHH:MM:SS.fffZ".
Result<std::string> canonical_datetime(std::string_view text) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0, ms = 0;
  std::string t(text);
  bool parsed = false;
  if (t.size() >= 14 && t.find('-') == std::string::npos) {
    parsed = std::sscanf(t.c_str(), "%4d%2d%2d%2d%2d%2d", &y, &mo, &d, &h, &mi, &s) == 6;
    size_t dot = t.find('.');
    if (parsed && dot != std::string::npos) {
      std::sscanf(t.c_str() + dot + 1, "%3d", &ms);
    }
  } else if (t.size() >= 10) {
    int n = std::sscanf(t.c_str(), "%4d-%2d-%2d%*[T ]%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &s);
    parsed = n == 3 || n == 6;
    size_t dot = t.find('.', 10);
    if (parsed && n == 6 && dot != std::string::npos) {
      char digits[4] = {'0', '0', '0', 0};
      for (int i = 0; i < 3 && dot + 1 + i < t.size() && std::isdigit(static_cast<unsigned char>(t[dot + 1 + i])); ++i)
        digits[i] = t[dot + 1 + i];
      ms = std::atoi(digits);
    }
  }
  if (!parsed || y < 0 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 ||
      mi > 59 || s < 0 || s > 60 || ms < 0 || ms > 999)
    return Status::Error(ErrorCode::kInvalidArgument,
                         "'" + std::string(text) +
                             "' is not a date (expected YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ)");
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", y, mo, d, h, mi, s, ms);
  return std::string(buf);
}

}  // namespace

Result<std::string> canonicalize_value(AttrType type, std::string_view text) {
  switch (type) {
    case AttrType::kInteger: return canonical_integer(text);
    case AttrType::kBoolean: return canonical_boolean(text);
    case AttrType::kDateTime: return canonical_datetime(text);
    case AttrType::kString:
    case AttrType::kBinary:
    case AttrType::kReference: return std::string(text);
  }
  return std::string(text);
}

}  // namespace idsync
