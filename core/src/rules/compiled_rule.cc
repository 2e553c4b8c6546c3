#include "rules/compiled_rule.h"

#include <charconv>
#include <cstring>

namespace idsync {

namespace {

std::optional<int64_t> parse_number(std::string_view s) {
  int64_t n = 0;
  if (s.empty()) return std::nullopt;
  if (s.front() == '+') s.remove_prefix(1);
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return n;
}

// Resolves names on one side of a rule, checking them against that side's schema.
class SideResolver : public expr::AttributeResolver {
 public:
  SideResolver(const SchemaView& view, AttributeTable& attrs) : view_(view), attrs_(attrs) {}

  std::optional<expr::AttrRef> resolve(std::string_view name) const override {
    auto id = lookup(name);
    if (!id) return std::nullopt;
    if (*id == kDnAttr) return expr::AttrRef{kDnAttr, AttrType::kReference, false};
    const AttrInfo& info = attrs_.info(*id);
    return expr::AttrRef{*id, info.type, info.multi_valued};
  }

  // The id of `name` when this side knows it; interning it when the side has no schema.
  std::optional<AttrId> lookup(std::string_view name) const {
    // Every connector-space object has a DN; the metaverse has none.
    if (view_.space != kMetaverseSpace && iequals(name, "dn")) return kDnAttr;
    if (view_.schema == nullptr || view_.schema->attributes.empty()) return attrs_.intern(view_.space, name);
    const SchemaAttribute* a = view_.schema->find_attribute(name);
    if (a == nullptr) return std::nullopt;
    return attrs_.intern(view_.space, a->name, a->type, a->multi_valued);
  }

  const std::string& description() const { return view_.description; }

 private:
  const SchemaView& view_;
  AttributeTable& attrs_;
};

Status unknown_attribute(const SyncRule& rule, const std::string& where, const std::string& name,
                         const std::string& side) {
  return Status::Error(ErrorCode::kInvalidArgument,
                       "rule '" + rule.name + "', " + where + ": attribute '" + name + "' is not in the schema of " +
                           side + "; add it to that schema or correct the name");
}

}  // namespace

Result<CompiledRule> compile_rule(const SyncRule& rule, size_t order, ConnectorId connector,
                                  const SchemaView& source, const SchemaView& target, AttributeTable& attrs) {
  CompiledRule out;
  out.def = rule;
  out.order = order;
  out.connector = connector;
  SideResolver src(source, attrs);
  SideResolver dst(target, attrs);
  // Inbound: CS is the source; outbound: the MV is the source. Join conditions always name a
  // CS attribute and an MV attribute.
  const SideResolver& cs_side = rule.direction == Direction::kInbound ? src : dst;
  const SideResolver& mv_side = rule.direction == Direction::kInbound ? dst : src;

  for (size_t g = 0; g < rule.scope.size(); ++g) {
    std::vector<CompiledScopeCondition> group;
    for (const ScopeCondition& c : rule.scope[g].conditions) {
      auto id = src.lookup(c.attribute);
      if (!id) return unknown_attribute(rule, "scope group " + std::to_string(g + 1), c.attribute, src.description());
      CompiledScopeCondition cc{*id, c.op, c.value, to_lower_ascii(c.value), parse_number(c.value), {}};
      if (c.op == ScopeOperator::kIsIn || c.op == ScopeOperator::kIsNotIn) {
        size_t start = 0;
        while (start <= c.value.size()) {
          size_t end = c.value.find(';', start);
          if (end == std::string::npos) end = c.value.size();
          cc.list.push_back(to_lower_ascii(std::string_view(c.value).substr(start, end - start)));
          start = end + 1;
        }
      }
      if ((c.op == ScopeOperator::kIsBitSet || c.op == ScopeOperator::kIsBitNotSet) && !cc.number)
        return Status::Error(ErrorCode::kInvalidArgument, "rule '" + rule.name + "', scope condition on '" +
                                                              c.attribute + "': " + scope_operator_name(c.op) +
                                                              " needs a numeric bit mask, not '" + c.value + "'");
      group.push_back(std::move(cc));
    }
    out.scope.push_back(std::move(group));
  }

  for (size_t g = 0; g < rule.joins.size(); ++g) {
    std::vector<CompiledJoinCondition> group;
    for (const JoinCondition& c : rule.joins[g].conditions) {
      auto cs = cs_side.lookup(c.cs_attribute);
      if (!cs) return unknown_attribute(rule, "join group " + std::to_string(g + 1), c.cs_attribute, cs_side.description());
      auto mv = mv_side.lookup(c.mv_attribute);
      if (!mv) return unknown_attribute(rule, "join group " + std::to_string(g + 1), c.mv_attribute, mv_side.description());
      group.push_back(CompiledJoinCondition{*cs, *mv, c.case_sensitive});
    }
    out.joins.push_back(std::move(group));
  }

  for (const AttributeFlow& f : rule.flows) {
    std::string where = "flow to '" + f.destination + "'";
    CompiledFlow cf{};
    cf.type = f.type;
    cf.merge = f.merge;
    cf.execute_once = f.execute_once;
    cf.destination_name = f.destination;
    if (rule.direction == Direction::kOutbound && iequals(f.destination, "dn")) {
      cf.destination = kDnAttr;
      cf.destination_type = AttrType::kString;
      cf.destination_multi = false;
    } else {
      auto id = dst.lookup(f.destination);
      if (!id) return unknown_attribute(rule, where, f.destination, dst.description());
      cf.destination = *id;
      cf.destination_type = attrs.info(*id).type;
      cf.destination_multi = attrs.info(*id).multi_valued;
    }
    switch (f.type) {
      case FlowType::kDirect: {
        if (f.sources.size() != 1)
          return Status::Error(ErrorCode::kInvalidArgument,
                               "rule '" + rule.name + "', " + where + ": a Direct flow needs exactly one source");
        auto id = src.lookup(f.sources[0]);
        if (!id) return unknown_attribute(rule, where, f.sources[0], src.description());
        cf.direct_source = *id;
        break;
      }
      case FlowType::kConstant: {
        if (cf.destination != kDnAttr) {
          auto v = canonicalize_value(cf.destination_type, f.expression);
          if (!v.ok()) return v.status().with_context("rule '" + rule.name + "', " + where);
          cf.constant = {std::move(v).value()};
        } else {
          cf.constant = {f.expression};
        }
        break;
      }
      case FlowType::kExpression: {
        auto program = expr::compile(f.expression, src);
        if (!program.ok()) return program.status().with_context("rule '" + rule.name + "', " + where);
        cf.program = std::move(program).value();
        break;
      }
    }
    out.flows.push_back(std::move(cf));
  }
  return out;
}

std::string join_key(AttrId mv_attr, std::string_view value, bool case_sensitive) {
  std::string key;
  join_key_into(mv_attr, value, case_sensitive, key);
  return key;
}

void join_key_into(AttrId mv_attr, std::string_view value, bool case_sensitive, std::string& out) {
  constexpr size_t kPrefix = sizeof mv_attr + 1;
  out.resize(kPrefix + value.size());
  char* w = out.data();
  std::memcpy(w, &mv_attr, sizeof mv_attr);
  w[sizeof mv_attr] = '\x1f';
  for (size_t i = 0; i < value.size(); ++i) {
    char c = value[i];
    w[kPrefix + i] = !case_sensitive && c >= 'A' && c <= 'Z' ? static_cast<char>(c + ('a' - 'A')) : c;
  }
}

}  // namespace idsync
