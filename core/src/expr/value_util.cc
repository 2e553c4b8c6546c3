#include "expr/value_util.h"

#include <charconv>

namespace idsync::expr {

Status runtime_error(std::string_view kind, std::string_view message) {
  std::string text(kind);
  text += ": ";
  text += message;
  return Status::Error(ErrorCode::kExpressionError, std::move(text));
}

Status value_too_large(std::string_view fn, size_t bytes) {
  return runtime_error(kErrValueTooLarge, std::string(fn) + " would build a value of " + std::to_string(bytes) +
                                              " bytes or more; values are limited to " +
                                              std::to_string(kMaxValueBytes) + " bytes");
}

bool is_nullish(const Value& v) {
  return v.kind == Kind::kNull || v.kind == Kind::kIgnoreThisFlow ||
         v.kind == Kind::kAuthoritativeNull || v.values.empty();
}

bool is_empty_text(const Value& v) {
  if (is_nullish(v)) return false;
  for (const auto& s : v.values)
    if (!s.empty()) return false;
  return true;
}

const char* kind_name(Kind kind) {
  switch (kind) {
    case Kind::kNull: return "null";
    case Kind::kString: return "string";
    case Kind::kNumber: return "number";
    case Kind::kBoolean: return "boolean";
    case Kind::kDateTime: return "datetime";
    case Kind::kBinary: return "binary";
    case Kind::kReference: return "reference";
    case Kind::kIgnoreThisFlow: return "IgnoreThisFlow";
    case Kind::kAuthoritativeNull: return "AuthoritativeNull";
  }
  return "null";
}

Kind kind_of(AttrType type) {
  switch (type) {
    case AttrType::kString: return Kind::kString;
    case AttrType::kInteger: return Kind::kNumber;
    case AttrType::kBinary: return Kind::kBinary;
    case AttrType::kBoolean: return Kind::kBoolean;
    case AttrType::kReference: return Kind::kReference;
    case AttrType::kDateTime: return Kind::kDateTime;
  }
  return Kind::kString;
}

std::optional<int64_t> parse_int64(std::string_view t) {
  while (!t.empty() && (t.front() == ' ' || t.front() == '\t')) t.remove_prefix(1);
  while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.remove_suffix(1);
  if (!t.empty() && t.front() == '+') t.remove_prefix(1);
  if (t.empty()) return std::nullopt;
  int64_t n = 0;
  auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), n);
  if (ec != std::errc() || ptr != t.data() + t.size()) return std::nullopt;
  return n;
}

std::optional<std::string> as_text(const Value& v) {
  if (v.values.empty() || v.kind == Kind::kBinary) return std::nullopt;
  if (v.kind == Kind::kBoolean) return v.values[0] == "TRUE" ? std::string("True") : std::string("False");
  return v.values[0];
}

std::string describe(const Value& v) {
  std::string out = kind_name(v.kind);
  if (is_nullish(v)) return out;
  if (v.values.size() > 1) out += " with " + std::to_string(v.values.size()) + " values";
  if (v.kind != Kind::kBinary) {
    std::string first = v.values[0].substr(0, 40);
    out += " \"" + first + (v.values[0].size() > 40 ? "...\"" : "\"");
  }
  return out;
}

Result<std::string> text_arg(std::span<const Value> args, size_t index, std::string_view fn) {
  const Value& v = args[index];
  auto text = as_text(v);
  if (!text)
    return runtime_error(kErrTypeMismatch, std::string(fn) + " expects a string as argument " +
                                               std::to_string(index + 1) + ", got " + describe(v));
  return std::move(*text);
}

Result<int64_t> number_arg(std::span<const Value> args, size_t index, std::string_view fn) {
  const Value& v = args[index];
  if (!v.values.empty() && (v.kind == Kind::kNumber || v.kind == Kind::kString)) {
    if (auto n = parse_int64(v.values[0])) return *n;
  }
  return runtime_error(kErrTypeMismatch, std::string(fn) + " expects a number as argument " +
                                             std::to_string(index + 1) + ", got " + describe(v));
}

const std::string& raw_arg(std::span<const Value> args, size_t index) {
  static const std::string kEmpty;
  const Value& v = args[index];
  return v.values.empty() ? kEmpty : v.values[0];
}

Result<bool> truth(const Value& v, std::string_view where) {
  if (is_nullish(v)) return false;
  const std::string& s = v.values[0];
  switch (v.kind) {
    case Kind::kBoolean: return s == "TRUE";
    case Kind::kNumber: return s != "0";
    case Kind::kString:
      if (iequals(s, "true")) return true;
      if (iequals(s, "false")) return false;
      if (auto n = parse_int64(s)) return *n != 0;
      break;
    default: break;
  }
  return runtime_error(kErrTypeMismatch,
                       std::string(where) + " expects a condition (a boolean), got " + describe(v));
}

Value element(const Value& v, size_t i) { return {v.kind, false, {v.values[i]}}; }

}  // namespace idsync::expr
