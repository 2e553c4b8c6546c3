// GUID and SID functions: CGuid, IsGuid, StringFromGuid, Guid, StringFromSid.
// Binary GUIDs use the Windows / .NET byte order (Guid.ToByteArray: the first three groups
// little-endian); text GUIDs are the lowercase "D" form, as .NET Guid.ToString() writes them.
#include <random>

#include "expr/function_table.h"
#include "expr/text_util.h"
#include "expr/value_util.h"

namespace idsync::expr {

namespace {

using Args = std::span<const Value>;

// 16 bytes in .NET order, or nullopt when `text` is not 8-4-4-4-12 hex (braces optional).
std::optional<std::string> parse_guid(std::string_view text) {
  if (text.size() == 38 && text.front() == '{' && text.back() == '}') text = text.substr(1, 36);
  if (text.size() != 36) return std::nullopt;
  std::string hex;
  for (size_t i = 0; i < 36; ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash != (text[i] == '-')) return std::nullopt;
    if (!dash) hex += text[i];
  }
  std::string b;
  if (!hex_decode(hex, b)) return std::nullopt;
  std::string out = b;
  const int order[16] = {3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15};
  for (int i = 0; i < 16; ++i) out[i] = b[order[i]];
  return out;
}

std::string format_guid(std::string_view bytes) {
  const int order[16] = {3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15};
  std::string ordered(16, '\0');
  for (int i = 0; i < 16; ++i) ordered[i] = bytes[order[i]];
  std::string hex = to_lower_utf8(hex_encode_upper(ordered));
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" + hex.substr(16, 4) + "-" + hex.substr(20);
}

Result<Value> fn_cguid(Args args) {
  if (is_nullish(args[0])) return Value::null();
  auto t = text_arg(args, 0, "CGuid");
  if (!t.ok()) return t.status();
  auto bytes = parse_guid(*t);
  if (!bytes)
    return runtime_error(kErrArgument, "CGuid needs a GUID such as 00001111-aaaa-2222-bbbb-3333cccc4444, got \"" + t->substr(0, 40) + "\"; check it with IsGuid first");
  return make_binary(std::move(*bytes));
}

Result<Value> fn_is_guid(Args args) {
  const Value& v = args[0];
  if (is_nullish(v) || v.kind == Kind::kBinary) return Value::boolean(false);
  auto t = as_text(v);
  return Value::boolean(t && parse_guid(*t).has_value());
}

Result<Value> fn_string_from_guid(Args args) {
  const Value& v = args[0];
  if (is_nullish(v)) return Value::null();
  if (v.kind != Kind::kBinary) {
    auto t = as_text(v);
    if (t) {
      if (auto bytes = parse_guid(*t)) return Value::string(format_guid(*bytes));
    }
  } else if (v.values[0].size() == 16) {
    return Value::string(format_guid(v.values[0]));
  }
  return runtime_error(kErrArgument, "StringFromGuid needs a 16-byte binary GUID, got " + describe(v) +
                                         (v.kind == Kind::kBinary ? " of " + std::to_string(v.values[0].size()) + " bytes" : ""));
}

Result<Value> fn_guid(Args) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::string bytes(16, '\0');
  for (int i = 0; i < 16; i += 8) {
    uint64_t r = rng();
    for (int k = 0; k < 8; ++k) bytes[i + k] = static_cast<char>(r >> (8 * k));
  }
  bytes[7] = static_cast<char>((bytes[7] & 0x0F) | 0x40);  // version 4 (Data3 high nibble)
  bytes[8] = static_cast<char>((bytes[8] & 0x3F) | 0x80);  // RFC 4122 variant
  return Value::string(format_guid(bytes));
}

Result<Value> fn_string_from_sid(Args args) {
  const Value& v = args[0];
  if (is_nullish(v)) return Value::null();
  if (v.kind != Kind::kBinary) {
    auto t = as_text(v);
    if (t && t->rfind("S-", 0) == 0) return Value::string(std::move(*t));  // already text
    return runtime_error(kErrTypeMismatch, "StringFromSid needs a binary SID, got " + describe(v));
  }
  const std::string& b = v.values[0];
  auto byte = [&b](size_t i) { return static_cast<uint64_t>(static_cast<unsigned char>(b[i])); };
  if (b.size() < 8 || b.size() != 8 + 4 * byte(1))
    return runtime_error(kErrArgument, "StringFromSid got " + std::to_string(b.size()) + " bytes, which is not a valid SID");
  uint64_t authority = 0;
  for (size_t i = 2; i < 8; ++i) authority = (authority << 8) | byte(i);
  std::string out = "S-" + std::to_string(byte(0)) + "-" + std::to_string(authority);
  for (size_t k = 0; k < byte(1); ++k) {
    size_t o = 8 + 4 * k;
    uint64_t sub = byte(o) | (byte(o + 1) << 8) | (byte(o + 2) << 16) | (byte(o + 3) << 24);
    out += "-" + std::to_string(sub);
  }
  return Value::string(std::move(out));
}

constexpr FunctionDef kGuidSid[] = {
    {"CGuid", 1, 1, "s", fn_cguid},
    {"Guid", 0, 0, "", fn_guid},
    {"IsGuid", 1, 1, "s", fn_is_guid},
    {"StringFromGuid", 1, 1, "s", fn_string_from_guid},
    {"StringFromSid", 1, 1, "s", fn_string_from_sid},
};

}  // namespace

std::span<const FunctionDef> guid_sid_functions() { return kGuidSid; }

}  // namespace idsync::expr
