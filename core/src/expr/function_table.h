// The built-in function library: one FunctionDef per function name (case-sensitive), resolved
// at compile time so evaluation calls through a plain function pointer.
//
// Per-value application: a parameter marked 's' (scalar) in `params` takes one value; when the
// argument is multi-valued the evaluator calls the function once per value and collects the
// non-null results (zipping arguments of equal length). 'v' parameters take the whole value
// (var, mvstr, mvbin in the reference's notation). Special forms (IIF, Switch, Select, Where,
// With, ImportedValue, ValueCount) are evaluated by the evaluator itself because they control
// which arguments are evaluated.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "idsync/expression.h"

namespace idsync::expr {

using FunctionImpl = Result<Value> (*)(std::span<const Value> args);

enum class Special : uint8_t { kNone, kIIF, kSwitch, kSelect, kWhere, kWith, kImportedValue, kValueCount };

inline constexpr uint8_t kVariadic = 255;

struct FunctionDef {
  std::string_view name;
  uint8_t min_args;
  uint8_t max_args;      // kVariadic: no limit
  std::string_view params;  // one letter per parameter, 's' or 'v'; the last repeats
  FunctionImpl impl;        // nullptr for special forms
  Special special = Special::kNone;

  bool scalar_param(size_t i) const {
    if (params.empty()) return false;
    return (i < params.size() ? params[i] : params.back()) == 's';
  }
};

// nullptr when no function has exactly this name.
const FunctionDef* find_function(std::string_view name);
// A function whose name matches ignoring case (for "did you mean" hints), or nullptr.
const FunctionDef* find_function_ignore_case(std::string_view name);

// The families, one file each (fn_*.cc).
std::span<const FunctionDef> text_functions();
std::span<const FunctionDef> conversion_functions();
std::span<const FunctionDef> evaluation_functions();
std::span<const FunctionDef> multivalued_functions();
std::span<const FunctionDef> flow_functions();
std::span<const FunctionDef> math_functions();
std::span<const FunctionDef> date_functions();
std::span<const FunctionDef> directory_functions();
std::span<const FunctionDef> guid_sid_functions();
std::span<const FunctionDef> certificate_functions();   // OpenSSL libcrypto
std::span<const FunctionDef> undocumented_functions();  // used by the default rules

}  // namespace idsync::expr
