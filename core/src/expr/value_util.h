// Helpers every function family uses: building values, typed access to arguments and the
// runtime error kinds. Error messages start with the kind the reference product reports
// (sync-rule-error-...), then say which function and argument was wrong.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "idsync/expression.h"

namespace idsync::expr {

// Runtime error kinds (prefix of Status::message()).
inline constexpr std::string_view kErrFunctionTriggered = "sync-rule-error-function-triggered";
inline constexpr std::string_view kErrTypeMismatch = "sync-rule-error-type-mismatch-exception";
inline constexpr std::string_view kErrOutOfRange = "sync-rule-error-argument-out-of-range-exception";
inline constexpr std::string_view kErrArgument = "sync-rule-error-argument-exception";
inline constexpr std::string_view kErrParameter = "sync-rule-error-parameter-not-found-exception";
inline constexpr std::string_view kErrDivideByZero = "sync-rule-error-divide-by-zero-exception";
inline constexpr std::string_view kErrOverflow = "sync-rule-error-overflow-exception";

// The largest value (in bytes, summed over its values) an expression may build. PadLeft with a
// huge length, Join of a huge list or runaway concatenation stop with kErrValueTooLarge instead
// of exhausting memory.
inline constexpr size_t kMaxValueBytes = size_t{16} << 20;
inline constexpr std::string_view kErrValueTooLarge = "sync-rule-error-value-too-large-exception";
Status value_too_large(std::string_view fn, size_t bytes);

Status runtime_error(std::string_view kind, std::string_view message);

inline Value make_value(Kind kind, std::string text) { return {kind, false, {std::move(text)}}; }
inline Value make_binary(std::string bytes) { return make_value(Kind::kBinary, std::move(bytes)); }
inline Value make_multi(Kind kind, ValueList values) {
  if (values.empty()) return Value::null();
  return {kind, true, std::move(values)};
}

// Null, IgnoreThisFlow, AuthoritativeNull, or a value list with nothing in it.
bool is_nullish(const Value& v);
// Not null and every value is the empty string.
bool is_empty_text(const Value& v);

const char* kind_name(Kind kind);
Kind kind_of(AttrType type);

// Decimal integer with optional sign and surrounding spaces; nullopt when not a number or
// outside 64 bits.
std::optional<int64_t> parse_int64(std::string_view text);

// How a single value reads as text: booleans "True"/"False", everything else its canonical
// text. Binary is not text: nullopt.
std::optional<std::string> as_text(const Value& v);

// Typed access to argument `index` (0-based) of `fn`. The value must be single (the evaluator
// has already applied the function per value where the signature says so).
Result<std::string> text_arg(std::span<const Value> args, size_t index, std::string_view fn);
Result<int64_t> number_arg(std::span<const Value> args, size_t index, std::string_view fn);
// Text of a string/reference argument, or the raw bytes of a binary one.
const std::string& raw_arg(std::span<const Value> args, size_t index);

// Truth of a single value: booleans, non-zero numbers, "True"/"False" text; null is false.
Result<bool> truth(const Value& v, std::string_view where);

// One element of a (multi-)value as a single value of the same kind.
Value element(const Value& v, size_t i);

// Describes a value for an error message: its kind and (shortened) first value.
std::string describe(const Value& v);

}  // namespace idsync::expr
