// Conversion family: CBool, CNum, CStr, CRef and the base64 / UTF-8 hex encodings.
#include "expr/function_table.h"
#include "expr/text_util.h"
#include "expr/value_util.h"

namespace idsync::expr {

namespace {

using Args = std::span<const Value>;

Result<Value> fn_cbool(Args args) {
  if (is_nullish(args[0])) return Value::null();
  auto t = truth(args[0], "CBool");
  if (!t.ok()) return t.status();
  return Value::boolean(*t);
}

Result<Value> fn_cnum(Args args) {
  const Value& v = args[0];
  if (is_nullish(v)) return Value::null();
  if (v.kind == Kind::kBinary) {
    // Bytes read as an unsigned little-endian integer: the default rules decode the 2-byte
    // length fields of searchableDeviceKey with CNum(Mid(...)).
    const std::string& b = v.values[0];
    if (b.size() > 8)
      return runtime_error(kErrTypeMismatch, "CNum cannot read " + std::to_string(b.size()) + " bytes as a number (8 at most)");
    uint64_t n = 0;
    for (size_t i = b.size(); i-- > 0;) n = (n << 8) | static_cast<unsigned char>(b[i]);
    return Value::number(static_cast<int64_t>(n));
  }
  if (v.kind == Kind::kNumber || v.kind == Kind::kString) {
    if (auto n = parse_int64(v.values[0])) return Value::number(*n);
  }
  return runtime_error(kErrTypeMismatch, "CNum cannot convert " + describe(v) + " to a number; check it with IsNumeric first");
}

Result<Value> fn_cstr(Args args) {
  const Value& v = args[0];
  if (is_nullish(v)) return Value::null();
  auto t = as_text(v);
  if (!t) return runtime_error(kErrTypeMismatch, "CStr cannot convert " + describe(v) + " to a string; use ConvertToBase64 or StringFromGuid for binary values");
  return Value::string(std::move(*t));
}

Result<Value> fn_cref(Args args) {
  if (is_nullish(args[0])) return Value::null();
  auto t = text_arg(args, 0, "CRef");
  if (!t.ok()) return t.status();
  return make_value(Kind::kReference, std::move(*t));
}

enum class Encoding { kUnicode, kUtf8, kAscii };

Result<Encoding> encoding_arg(Args args, size_t index, std::string_view fn) {
  if (args.size() <= index) return Encoding::kUnicode;
  auto t = text_arg(args, index, fn);
  if (!t.ok()) return t.status();
  if (*t == "Unicode") return Encoding::kUnicode;
  if (*t == "UTF8") return Encoding::kUtf8;
  if (*t == "ASCII") return Encoding::kAscii;
  return runtime_error(kErrArgument, std::string(fn) + " encoding must be Unicode, UTF8 or ASCII, got \"" + *t + "\"");
}

Result<Value> fn_to_base64(Args args) {
  if (is_nullish(args[0])) return Value::null();
  if (args[0].kind == Kind::kBinary) return Value::string(base64_encode(args[0].values[0]));
  auto t = text_arg(args, 0, "ConvertToBase64");
  if (!t.ok()) return t.status();
  auto enc = encoding_arg(args, 1, "ConvertToBase64");
  if (!enc.ok()) return enc.status();
  std::string bytes;
  switch (*enc) {
    case Encoding::kUnicode: bytes = utf8_to_utf16le(*t); break;
    case Encoding::kUtf8: bytes = *t; break;
    case Encoding::kAscii:
      for (size_t p = 0; p < t->size();) {
        char32_t cp = decode_utf8(*t, p);
        bytes += cp < 0x80 ? static_cast<char>(cp) : '?';
      }
      break;
  }
  return Value::string(base64_encode(bytes));
}

Result<Value> fn_from_base64(Args args) {
  if (is_nullish(args[0])) return Value::null();
  auto t = text_arg(args, 0, "ConvertFromBase64");
  if (!t.ok()) return t.status();
  auto enc = encoding_arg(args, 1, "ConvertFromBase64");
  if (!enc.ok()) return enc.status();
  std::string bytes;
  if (!base64_decode(*t, bytes))
    return runtime_error(kErrArgument, "ConvertFromBase64 got text that is not base64: \"" + t->substr(0, 40) + "\"");
  std::string out;
  switch (*enc) {
    case Encoding::kUnicode:
      if (!utf16le_to_utf8(bytes, out))
        return runtime_error(kErrArgument, "ConvertFromBase64 got an odd number of bytes for Unicode (UTF-16) text; pass UTF8 or ASCII as the encoding");
      break;
    case Encoding::kUtf8: out = std::move(bytes); break;
    case Encoding::kAscii:
      for (char c : bytes) out += (static_cast<unsigned char>(c) < 0x80) ? c : '?';
      break;
  }
  return Value::string(std::move(out));
}

Result<Value> fn_to_utf8hex(Args args) {
  if (is_nullish(args[0])) return Value::null();
  if (args[0].kind == Kind::kBinary) return Value::string(hex_encode_upper(args[0].values[0]));
  auto t = text_arg(args, 0, "ConvertToUTF8Hex");
  if (!t.ok()) return t.status();
  return Value::string(hex_encode_upper(*t));
}

Result<Value> fn_from_utf8hex(Args args) {
  if (is_nullish(args[0])) return Value::null();
  auto t = text_arg(args, 0, "ConvertFromUTF8Hex");
  if (!t.ok()) return t.status();
  std::string bytes;
  if (!hex_decode(*t, bytes))
    return runtime_error(kErrArgument, "ConvertFromUTF8Hex needs an even number of hex digits, got \"" + t->substr(0, 40) + "\"");
  return Value::string(std::move(bytes));
}

constexpr FunctionDef kConversion[] = {
    {"CBool", 1, 1, "s", fn_cbool},
    {"CNum", 1, 1, "s", fn_cnum},
    {"CRef", 1, 1, "s", fn_cref},
    {"CStr", 1, 1, "s", fn_cstr},
    {"ConvertFromBase64", 1, 2, "ss", fn_from_base64},
    {"ConvertToBase64", 1, 2, "ss", fn_to_base64},
    {"ConvertFromUTF8Hex", 1, 1, "s", fn_from_utf8hex},
    {"ConvertToUTF8Hex", 1, 1, "s", fn_to_utf8hex},
};

}  // namespace

std::span<const FunctionDef> conversion_functions() { return kConversion; }

}  // namespace idsync::expr
