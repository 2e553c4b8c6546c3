// Evaluation family: IsPresent, IsNullOrEmpty, IsNull, IsEmpty, IsString, IsNumeric, IsBitSet.
// These take the whole value (a multi-valued attribute is one argument), so
// IsPresent([proxyAddresses]) is a single boolean.
#include "expr/function_table.h"
#include "expr/value_util.h"

namespace idsync::expr {

namespace {

using Args = std::span<const Value>;

Result<Value> fn_is_null(Args args) { return Value::boolean(is_nullish(args[0])); }
Result<Value> fn_is_empty(Args args) { return Value::boolean(is_empty_text(args[0])); }
Result<Value> fn_is_null_or_empty(Args args) {
  return Value::boolean(is_nullish(args[0]) || is_empty_text(args[0]));
}
Result<Value> fn_is_present(Args args) {
  return Value::boolean(!is_nullish(args[0]) && !is_empty_text(args[0]));
}

Result<Value> fn_is_string(Args args) {
  const Value& v = args[0];
  return Value::boolean(!is_nullish(v) && v.kind != Kind::kBinary);
}

Result<Value> fn_is_numeric(Args args) {
  const Value& v = args[0];
  if (is_nullish(v) || (v.kind != Kind::kNumber && v.kind != Kind::kString)) return Value::boolean(false);
  for (const auto& s : v.values)
    if (!parse_int64(s)) return Value::boolean(false);
  return Value::boolean(true);
}

Result<Value> fn_is_bit_set(Args args) {
  if (is_nullish(args[0]) || is_nullish(args[1])) return Value::null();
  auto value = number_arg(args, 0, "IsBitSet");
  if (!value.ok()) return value.status();
  auto flag = number_arg(args, 1, "IsBitSet");
  if (!flag.ok()) return flag.status();
  return Value::boolean((*value & *flag) == *flag);
}

constexpr FunctionDef kEvaluation[] = {
    {"IsBitSet", 2, 2, "ss", fn_is_bit_set},
    {"IsEmpty", 1, 1, "v", fn_is_empty},
    {"IsNull", 1, 1, "v", fn_is_null},
    {"IsNullOrEmpty", 1, 1, "v", fn_is_null_or_empty},
    {"IsNumeric", 1, 1, "v", fn_is_numeric},
    {"IsPresent", 1, 1, "v", fn_is_present},
    {"IsString", 1, 1, "v", fn_is_string},
};

}  // namespace

std::span<const FunctionDef> evaluation_functions() { return kEvaluation; }

}  // namespace idsync::expr
