// Test scaffolding for the expression tests: an attribute schema and an object held in maps.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "expr/format.h"
#include "idsync/expression.h"

namespace idsync::expr::testing {

struct Attr {
  AttrType type = AttrType::kString;
  bool multi = false;
  ValueList values;  // empty: absent on the object
};

class MapResolver : public AttributeResolver {
 public:
  // accept_any: every name resolves (as a single-valued string) — used to compile the default
  // rules, whose attribute names come from several schemas.
  explicit MapResolver(bool accept_any = false) : accept_any_(accept_any) {}
  void add(const std::string& name, AttrType type, bool multi) {
    ids_.emplace(name, AttrRef{static_cast<uint32_t>(ids_.size()), type, multi});
  }
  std::optional<AttrRef> resolve(std::string_view name) const override {
    auto it = ids_.find(std::string(name));
    if (it != ids_.end()) return it->second;
    if (!accept_any_) return std::nullopt;
    auto [ins, _] = ids_.emplace(std::string(name), AttrRef{static_cast<uint32_t>(ids_.size()), AttrType::kString, false});
    return ins->second;
  }
  uint32_t id(const std::string& name) const { return ids_.at(name).id; }

 private:
  bool accept_any_;
  mutable std::map<std::string, AttrRef> ids_;
};

class MapContext : public EvalContext {
 public:
  std::map<uint32_t, ValueList> attrs;
  std::map<uint32_t, ValueList> imported;
  std::map<std::string, std::string, std::less<>> params;
  ValuesView values(uint32_t id) const override {
    auto it = attrs.find(id);
    return it == attrs.end() ? ValuesView() : ValuesView(it->second);
  }
  const std::string* parameter(std::string_view name) const override {
    auto it = params.find(name);
    return it == params.end() ? nullptr : &it->second;
  }
  ValuesView imported_values(uint32_t id) const override {
    auto it = imported.find(id);
    return it == imported.end() ? values(id) : ValuesView(it->second);
  }
};

// An object with a fixed schema; tests set attribute values and evaluate text.
class Fixture {
 public:
  Fixture() {
    declare("displayName", AttrType::kString, false);
    declare("givenName", AttrType::kString, false);
    declare("sn", AttrType::kString, false);
    declare("mail", AttrType::kString, false);
    declare("mailNickname", AttrType::kString, false);
    declare("sAMAccountName", AttrType::kString, false);
    declare("userPrincipalName", AttrType::kString, false);
    declare("description", AttrType::kString, true);
    declare("proxyAddresses", AttrType::kString, true);
    declare("otherTelephone", AttrType::kString, true);
    declare("member", AttrType::kReference, true);
    declare("dn", AttrType::kReference, false);
    declare("manager", AttrType::kReference, false);
    declare("userAccountControl", AttrType::kInteger, false);
    declare("memberCount", AttrType::kInteger, false);
    declare("groupType", AttrType::kInteger, false);
    declare("pwdLastSet", AttrType::kInteger, false);
    declare("objectGUID", AttrType::kBinary, false);
    declare("objectSid", AttrType::kBinary, false);
    declare("searchableDeviceKey", AttrType::kBinary, false);
    declare("accountEnabled", AttrType::kBoolean, false);
    declare("cloudSOAExchMailbox", AttrType::kBoolean, false);
  }
  void declare(const std::string& name, AttrType type, bool multi) { resolver.add(name, type, multi); }
  void set(const std::string& name, ValueList values) { context.attrs[resolver.id(name)] = std::move(values); }

  Result<Value> run(std::string_view text) {
    auto program = compile(text, resolver);
    if (!program.ok()) return program.status();
    return program->evaluate(context);
  }
  // Evaluates and renders with format_value; failures render as their status message.
  std::string show(std::string_view text) {
    auto r = run(text);
    if (!r.ok()) return "ERROR " + r.status().message();
    return format_value(*r);
  }
  std::string compile_error(std::string_view text) {
    auto program = compile(text, resolver);
    if (program.ok()) return "compiled";
    EXPECT_EQ(program.status().code(), ErrorCode::kParseError);
    return program.status().message();
  }

  MapResolver resolver;
  MapContext context;
};

}  // namespace idsync::expr::testing
