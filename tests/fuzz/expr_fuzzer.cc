// libFuzzer target: compiles arbitrary text and evaluates it against a small fixed object
// (single- and multi-valued strings, a number, a binary, a reference, a boolean, parameters).
// Anything goes except crashes, sanitizer reports, or a fast-lane result that differs from
// the generic evaluator's.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "expr/fast_eval.h"
#include "idsync/expression.h"

namespace {

using namespace idsync;
using namespace idsync::expr;

struct Schema : AttributeResolver {
  std::map<std::string, AttrRef, std::less<>> attrs{
      {"displayName", {0, AttrType::kString, false}},   {"proxyAddresses", {1, AttrType::kString, true}},
      {"count", {2, AttrType::kInteger, false}},        {"objectGUID", {3, AttrType::kBinary, false}},
      {"manager", {4, AttrType::kReference, false}},    {"enabled", {5, AttrType::kBoolean, false}},
      {"absent", {6, AttrType::kString, false}},        {"when", {7, AttrType::kDateTime, false}},
      {"sn", {8, AttrType::kString, false}},
  };
  std::optional<AttrRef> resolve(std::string_view name) const override {
    auto it = attrs.find(name);
    if (it == attrs.end()) return std::nullopt;
    return it->second;
  }
};

struct Object : EvalContext {
  ValueList v[9] = {
      {"  Jöhn Smith  "},
      {"SMTP:john@contoso.com", "smtp:j@contoso.com", "SIP:john@contoso.com"},
      {"42"},
      {std::string("\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10", 16)},
      {"CN=Boss,OU=Staff,DC=contoso,DC=com"},
      {"TRUE"},
      {},
      {"2024-02-29T12:34:56.000Z"},
      {"Smith"},
  };
  std::string fqdn = "contoso.com";
  ValuesView values(uint32_t id) const override { return id < 9 ? ValuesView(v[id]) : ValuesView(); }
  const std::string* parameter(std::string_view name) const override {
    return name == "Domain.FQDN" ? &fqdn : nullptr;
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 4096) return 0;  // long inputs add time, not coverage
  static const Schema schema;
  static const Object object;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto program = compile(text, schema);
  if (!program.ok()) return 0;
  auto fast = program->evaluate(object);
  Value into;
  Status s = program->evaluate_into(object, into);
  if (fast.ok() != s.ok()) std::abort();
  // The fast lane must agree with the generic evaluator, value for value.
  if (text.find("Now(") == std::string_view::npos && text.find("RandomNum(") == std::string_view::npos &&
      text.find("Guid(") == std::string_view::npos) {
    set_fast_lane_enabled(false);
    auto generic = program->evaluate(object);
    set_fast_lane_enabled(true);
    if (generic.ok() != fast.ok()) std::abort();
    if (fast.ok() && (generic->kind != fast->kind || generic->values != fast->values || generic->multi != fast->multi))
      std::abort();
    if (!fast.ok() && generic.status().message() != fast.status().message()) std::abort();
  }
  return 0;
}
