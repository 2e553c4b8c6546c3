// Math family: BitAnd, BitOr, RandomNum.
#include <random>

#include "expr/function_table.h"
#include "expr/value_util.h"

namespace idsync::expr {

namespace {

using Args = std::span<const Value>;

template <bool kAnd>
Result<Value> fn_bit(Args args) {
  std::string_view name = kAnd ? "BitAnd" : "BitOr";
  if (is_nullish(args[0]) || is_nullish(args[1])) return Value::null();
  auto a = number_arg(args, 0, name);
  if (!a.ok()) return a.status();
  auto b = number_arg(args, 1, name);
  if (!b.ok()) return b.status();
  return Value::number(kAnd ? (*a & *b) : (*a | *b));
}

Result<Value> fn_random(Args args) {
  auto lo = number_arg(args, 0, "RandomNum");
  if (!lo.ok()) return lo.status();
  auto hi = number_arg(args, 1, "RandomNum");
  if (!hi.ok()) return hi.status();
  if (*lo > *hi)
    return runtime_error(kErrOutOfRange, "RandomNum start " + std::to_string(*lo) + " is greater than end " + std::to_string(*hi));
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return Value::number(std::uniform_int_distribution<int64_t>(*lo, *hi)(rng));
}

constexpr FunctionDef kMath[] = {
    {"BitAnd", 2, 2, "ss", fn_bit<true>},
    {"BitOr", 2, 2, "ss", fn_bit<false>},
    {"RandomNum", 2, 2, "ss", fn_random},
};

}  // namespace

std::span<const FunctionDef> math_functions() { return kMath; }

}  // namespace idsync::expr
