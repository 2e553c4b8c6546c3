// The declarative provisioning expression language (Entra Connect / MIM), compiled once and
// evaluated many times.
//
// compile() parses text such as
//   IIF(IsPresent([userPrincipalName]), [userPrincipalName], [sAMAccountName] & "@" & %Domain.FQDN%)
// resolving attribute names through an AttributeResolver (names are case-sensitive, as in the
// reference product) and function names against the built-in library. A Program is immutable
// and may be evaluated from many threads at once; each evaluation reads attribute values
// through an EvalContext.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "idsync/status.h"
#include "idsync/value_types.h"
#include "idsync/values_view.h"

namespace idsync::expr {

// What an evaluation yields. Multi-valued results keep their values in `values`; a single
// value is values.size() == 1. kNull contributes nothing; kIgnoreThisFlow and
// kAuthoritativeNull carry the rule semantics of the same-named constants.
enum class Kind : uint8_t {
  kNull,
  kString,
  kNumber,
  kBoolean,
  kDateTime,
  kBinary,
  kReference,
  kIgnoreThisFlow,
  kAuthoritativeNull,
};

struct Value {
  Kind kind = Kind::kNull;
  bool multi = false;   // came from (or was built as) a multi-valued source
  ValueList values;     // canonical text per value_types.h; numbers in decimal

  static Value null() { return {}; }
  static Value string(std::string s) { return {Kind::kString, false, {std::move(s)}}; }
  static Value number(int64_t n) { return {Kind::kNumber, false, {std::to_string(n)}}; }
  static Value boolean(bool b) { return {Kind::kBoolean, false, {b ? "TRUE" : "FALSE"}}; }
  bool is_null() const { return kind == Kind::kNull; }
};

// A reference to an attribute, resolved at compile time to a dense id of the caller's schema.
struct AttrRef {
  uint32_t id = 0;
  AttrType type = AttrType::kString;
  bool multi_valued = false;
};

class AttributeResolver {
 public:
  virtual ~AttributeResolver() = default;
  // nullopt: no such attribute; compile() then fails with an error naming it.
  virtual std::optional<AttrRef> resolve(std::string_view name) const = 0;
};

class EvalContext {
 public:
  virtual ~EvalContext() = default;
  // Values of the attribute with `id` on the source object; an empty view when absent.
  virtual ValuesView values(uint32_t id) const = 0;
  // %Name% parameters (Domain.FQDN, Connector.ID, global parameters); nullptr when unknown.
  virtual const std::string* parameter(std::string_view name) const = 0;
  // ImportedValue("attr"): the value as last imported, before pending changes. Default: same
  // as values().
  virtual ValuesView imported_values(uint32_t id) const { return values(id); }
};

class Program {
 public:
  Program();
  ~Program();
  Program(Program&&) noexcept;
  Program& operator=(Program&&) noexcept;

  // Runtime errors (Error("..."), type mismatch, Item out of range) come back as
  // kExpressionError with a message that starts with the documented error kind, e.g.
  // "sync-rule-error-function-triggered: Maximum Group member count exceeded".
  Result<Value> evaluate(const EvalContext& context) const;

  // The same evaluation into a caller-owned Value whose storage is reused: a hot loop that
  // keeps one `out` per thread allocates nothing for single-valued results of the common
  // functions. On error `out` is left unspecified.
  Status evaluate_into(const EvalContext& context, Value& out) const;

  // The ids of every attribute the expression reads (for scoping and delta sync).
  const std::vector<uint32_t>& attributes() const;
  const std::string& text() const;

  struct Impl;

 private:
  explicit Program(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
  friend Result<Program> compile(std::string_view text, const AttributeResolver& resolver);
};

// Syntax errors name the position (1-based column) and what was expected:
// "column 14: expected ')' after the arguments of IIF".
Result<Program> compile(std::string_view text, const AttributeResolver& resolver);

// The documented error kind a runtime error's message starts with, e.g.
// "sync-rule-error-function-triggered"; "sync-rule-error" when the message carries none. The
// engine files each per-object error under this kind.
std::string error_kind(std::string_view message);

// For display (`idsync expr`): each value on its own line, booleans as True / False, numbers
// in decimal, binary in base64; NULL / IgnoreThisFlow / AuthoritativeNull by name.
std::string format_value(const Value& value);

}  // namespace idsync::expr
