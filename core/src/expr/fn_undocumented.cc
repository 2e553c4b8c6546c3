// Functions the default synchronization rules use although Microsoft's reference does not
// document them. Their behaviour is inferred from how the rules use them:
//   ImportedValue("attr")  the attribute as last imported (special form, see the evaluator)
//   ValueCount("attr")     how many values the attribute has (special form)
//   CBin(value[, bytes])   a number as `bytes` (default 8) little-endian bytes; text as its
//                          UTF-8 bytes. The device rule builds length prefixes with CBin(n, 2).
//   Concat(a, b, ...)      the same as a & b & ...
//   RegexIsMatch(s, re)    True when the ECMAScript regular expression `re` matches within s
//   Thumbprint(bytes)      SHA-256 digest (32 bytes) of the key material
#include <regex>

#include "expr/evaluator.h"
#include "expr/function_table.h"
#include "expr/sha256.h"
#include "expr/value_util.h"

namespace idsync::expr {

namespace {

using Args = std::span<const Value>;

Result<Value> fn_cbin(Args args) {
  const Value& v = args[0];
  if (is_nullish(v)) return Value::null();
  if (v.kind == Kind::kBinary) return v;
  if (v.kind != Kind::kNumber) {
    auto t = text_arg(args, 0, "CBin");
    if (!t.ok()) return t.status();
    return make_binary(std::move(*t));
  }
  auto n = number_arg(args, 0, "CBin");
  if (!n.ok()) return n.status();
  int64_t width = 8;
  if (args.size() > 1) {
    auto w = number_arg(args, 1, "CBin");
    if (!w.ok()) return w.status();
    width = *w;
  }
  if (width < 1 || width > 8)
    return runtime_error(kErrOutOfRange, "CBin byte count must be 1 to 8, got " + std::to_string(width));
  auto u = static_cast<uint64_t>(*n);
  if (width < 8 && (u >> (8 * width)) != 0 && *n >= 0)
    return runtime_error(kErrOverflow, "CBin: " + std::to_string(*n) + " does not fit in " + std::to_string(width) + " bytes");
  std::string bytes(static_cast<size_t>(width), '\0');
  for (int64_t i = 0; i < width; ++i) bytes[static_cast<size_t>(i)] = static_cast<char>(u >> (8 * i));
  return make_binary(std::move(bytes));
}

Result<Value> fn_concat(Args args) {
  Value out = Value::null();
  for (const Value& v : args) {
    auto r = apply_binary(BinaryOp::kConcat, out, v);
    if (!r.ok()) return r;
    out = std::move(*r);
  }
  return out;
}

Result<Value> fn_regex_is_match(Args args) {
  if (is_nullish(args[0])) return Value::boolean(false);
  auto s = text_arg(args, 0, "RegexIsMatch");
  if (!s.ok()) return s.status();
  auto pattern = text_arg(args, 1, "RegexIsMatch");
  if (!pattern.ok()) return pattern.status();
  try {
    std::regex re(*pattern, std::regex::ECMAScript);
    return Value::boolean(std::regex_search(*s, re));
  } catch (const std::regex_error& e) {
    return runtime_error(kErrArgument, "RegexIsMatch pattern \"" + *pattern + "\" is not a valid regular expression: " + e.what());
  }
}

Result<Value> fn_thumbprint(Args args) {
  const Value& v = args[0];
  if (is_nullish(v)) return Value::null();
  if (v.kind == Kind::kBinary) return make_binary(sha256(v.values[0]));
  auto t = text_arg(args, 0, "Thumbprint");
  if (!t.ok()) return t.status();
  return make_binary(sha256(*t));
}

constexpr FunctionDef kUndocumented[] = {
    {"AuthoritativeNull", 0, 0, "", nullptr},  // parsed as a constant; listed for lookups
    {"CBin", 1, 2, "ss", fn_cbin},
    {"Concat", 1, kVariadic, "s", fn_concat},
    {"ImportedValue", 1, 1, "", nullptr, Special::kImportedValue},
    {"RegexIsMatch", 2, 2, "ss", fn_regex_is_match},
    {"Thumbprint", 1, 1, "s", fn_thumbprint},
    {"ValueCount", 1, 1, "", nullptr, Special::kValueCount},
};

}  // namespace

std::span<const FunctionDef> undocumented_functions() { return kUndocumented; }

}  // namespace idsync::expr
