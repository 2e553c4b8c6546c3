// The JSON form of a Configuration. Keys are camelCase; every key is checked so that a typo in
// a hand-written file is an error with its JSON path, never a silently ignored setting.
#include <nlohmann/json.hpp>

#include <set>

#include "idsync/configuration.h"

namespace idsync {

using nlohmann::ordered_json;

const char* step_type_name(StepType t) {
  switch (t) {
    case StepType::kFullImport: return "Full Import";
    case StepType::kDeltaImport: return "Delta Import";
    case StepType::kFullSync: return "Full Synchronization";
    case StepType::kDeltaSync: return "Delta Synchronization";
    case StepType::kExport: return "Export";
  }
  return "?";
}

std::optional<StepType> parse_step_type(std::string_view s) {
  for (StepType t : {StepType::kFullImport, StepType::kDeltaImport, StepType::kFullSync,
                     StepType::kDeltaSync, StepType::kExport})
    if (iequals(step_type_name(t), s)) return t;
  if (iequals(s, "Full Sync")) return StepType::kFullSync;
  if (iequals(s, "Delta Sync")) return StepType::kDeltaSync;
  return std::nullopt;
}

std::vector<RunProfile> standard_run_profiles() {
  std::vector<RunProfile> out;
  for (StepType t : {StepType::kFullImport, StepType::kDeltaImport, StepType::kFullSync,
                     StepType::kDeltaSync, StepType::kExport})
    out.push_back(RunProfile{step_type_name(t), {t}});
  return out;
}

const ConnectorDefinition* Configuration::find_connector(std::string_view name) const {
  for (const ConnectorDefinition& c : connectors)
    if (iequals(c.name, name)) return &c;
  return nullptr;
}

namespace {

struct ParseError {
  std::string message;
};

[[noreturn]] void fail(const std::string& path, const std::string& what) {
  throw ParseError{path + ": " + what};
}

void check_keys(const ordered_json& j, const std::string& path, std::initializer_list<const char*> allowed) {
  if (!j.is_object()) fail(path, "expected an object");
  for (auto it = j.begin(); it != j.end(); ++it) {
    bool known = false;
    for (const char* a : allowed) known = known || it.key() == a;
    if (!known) {
      std::string list;
      for (const char* a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
      fail(path + "." + it.key(), "unknown key (allowed: " + list + ")");
    }
  }
}

std::string get_string(const ordered_json& j, const std::string& path, const char* key, bool required,
                       const std::string& fallback = "") {
  auto it = j.find(key);
  if (it == j.end()) {
    if (required) fail(path + "." + key, "missing (a string is required)");
    return fallback;
  }
  if (!it->is_string()) fail(path + "." + key, "expected a string");
  return it->get<std::string>();
}

bool get_bool(const ordered_json& j, const std::string& path, const char* key, bool fallback) {
  auto it = j.find(key);
  if (it == j.end()) return fallback;
  if (!it->is_boolean()) fail(path + "." + key, "expected true or false");
  return it->get<bool>();
}

template <class E>
E get_enum(const ordered_json& j, const std::string& path, const char* key, E fallback,
           std::optional<E> (*parse)(std::string_view), const char* expected) {
  auto it = j.find(key);
  if (it == j.end()) return fallback;
  if (!it->is_string()) fail(path + "." + key, std::string("expected a string: ") + expected);
  auto v = parse(it->get<std::string>());
  if (!v) fail(path + "." + key, "'" + it->get<std::string>() + "' is not one of " + expected);
  return *v;
}

const ordered_json& get_array(const ordered_json& j, const std::string& path, const char* key) {
  static const ordered_json kEmpty = ordered_json::array();
  auto it = j.find(key);
  if (it == j.end()) return kEmpty;
  if (!it->is_array()) fail(path + "." + key, "expected an array");
  return *it;
}

std::map<std::string, std::string> get_string_map(const ordered_json& j, const std::string& path, const char* key) {
  std::map<std::string, std::string> out;
  auto it = j.find(key);
  if (it == j.end()) return out;
  if (!it->is_object()) fail(path + "." + key, "expected an object of strings");
  for (auto v = it->begin(); v != it->end(); ++v) {
    if (!v->is_string()) fail(path + "." + key + "." + v.key(), "expected a string");
    out[v.key()] = v->get<std::string>();
  }
  return out;
}

std::optional<ConnectorRole> parse_role(std::string_view s) {
  if (iequals(s, "on-premises")) return ConnectorRole::kOnPremises;
  if (iequals(s, "cloud")) return ConnectorRole::kCloud;
  return std::nullopt;
}

// ---- schema ----

ordered_json schema_to_json(const ConnectorSchema& s) {
  ordered_json attrs = ordered_json::array();
  for (const SchemaAttribute& a : s.attributes)
    attrs.push_back({{"name", a.name}, {"type", attr_type_name(a.type)}, {"multiValued", a.multi_valued}});
  ordered_json types = ordered_json::array();
  for (const SchemaObjectType& t : s.object_types) types.push_back({{"name", t.name}, {"attributes", t.attributes}});
  return {{"attributes", attrs}, {"objectTypes", types}};
}

ConnectorSchema schema_from_json(const ordered_json& j, const std::string& path) {
  check_keys(j, path, {"attributes", "objectTypes"});
  ConnectorSchema s;
  const auto& attrs = get_array(j, path, "attributes");
  for (size_t i = 0; i < attrs.size(); ++i) {
    std::string p = path + ".attributes[" + std::to_string(i) + "]";
    check_keys(attrs[i], p, {"name", "type", "multiValued"});
    SchemaAttribute a;
    a.name = get_string(attrs[i], p, "name", true);
    a.type = get_enum<AttrType>(attrs[i], p, "type", AttrType::kString, parse_attr_type,
                                "string, integer, binary, boolean, reference, datetime");
    a.multi_valued = get_bool(attrs[i], p, "multiValued", false);
    s.attributes.push_back(std::move(a));
  }
  const auto& types = get_array(j, path, "objectTypes");
  for (size_t i = 0; i < types.size(); ++i) {
    std::string p = path + ".objectTypes[" + std::to_string(i) + "]";
    check_keys(types[i], p, {"name", "attributes"});
    SchemaObjectType t;
    t.name = get_string(types[i], p, "name", true);
    const auto& names = get_array(types[i], p, "attributes");
    for (size_t k = 0; k < names.size(); ++k) {
      if (!names[k].is_string()) fail(p + ".attributes[" + std::to_string(k) + "]", "expected a string");
      t.attributes.push_back(names[k].get<std::string>());
    }
    s.object_types.push_back(std::move(t));
  }
  return s;
}

// ---- connectors ----

ordered_json connector_to_json(const ConnectorDefinition& c) {
  ordered_json profiles = ordered_json::array();
  for (const RunProfile& p : c.run_profiles) {
    ordered_json steps = ordered_json::array();
    for (StepType t : p.steps) steps.push_back(step_type_name(t));
    profiles.push_back({{"name", p.name}, {"steps", steps}});
  }
  ordered_json j = {{"name", c.name}, {"id", c.id}, {"type", c.type},
                    {"role", c.role == ConnectorRole::kCloud ? "cloud" : "on-premises"}};
  j["options"] = c.options;
  j["parameters"] = c.parameters;
  j["schema"] = schema_to_json(c.schema);
  j["runProfiles"] = profiles;
  return j;
}

ConnectorDefinition connector_from_json(const ordered_json& j, const std::string& path) {
  check_keys(j, path, {"name", "id", "type", "role", "options", "parameters", "schema", "runProfiles"});
  ConnectorDefinition c;
  c.name = get_string(j, path, "name", true);
  if (c.name.empty()) fail(path + ".name", "must not be empty");
  c.id = get_string(j, path, "id", false);
  c.type = get_string(j, path, "type", true);
  c.role = get_enum<ConnectorRole>(j, path, "role", ConnectorRole::kOnPremises, parse_role, "on-premises, cloud");
  c.options = get_string_map(j, path, "options");
  c.parameters = get_string_map(j, path, "parameters");
  if (j.contains("schema")) c.schema = schema_from_json(j["schema"], path + ".schema");
  const auto& profiles = get_array(j, path, "runProfiles");
  for (size_t i = 0; i < profiles.size(); ++i) {
    std::string p = path + ".runProfiles[" + std::to_string(i) + "]";
    check_keys(profiles[i], p, {"name", "steps"});
    RunProfile rp;
    rp.name = get_string(profiles[i], p, "name", true);
    const auto& steps = get_array(profiles[i], p, "steps");
    for (size_t k = 0; k < steps.size(); ++k) {
      std::string sp = p + ".steps[" + std::to_string(k) + "]";
      if (!steps[k].is_string()) fail(sp, "expected a step name");
      auto t = parse_step_type(steps[k].get<std::string>());
      if (!t) fail(sp, "'" + steps[k].get<std::string>() +
                           "' is not a step (Full Import, Delta Import, Full Synchronization, "
                           "Delta Synchronization, Export)");
      rp.steps.push_back(*t);
    }
    if (rp.steps.empty()) fail(p + ".steps", "a run profile needs at least one step");
    c.run_profiles.push_back(std::move(rp));
  }
  if (!j.contains("runProfiles")) c.run_profiles = standard_run_profiles();
  return c;
}

// ---- rules ----

ordered_json rule_to_json(const SyncRule& r) {
  ordered_json j = {{"id", r.id},
                    {"name", r.name},
                    {"description", r.description},
                    {"immutableTag", r.immutable_tag},
                    {"direction", direction_name(r.direction)},
                    {"connector", r.connector},
                    {"sourceObjectType", r.source_object_type},
                    {"targetObjectType", r.target_object_type},
                    {"linkType", link_type_name(r.link_type)},
                    {"precedence", r.precedence},
                    {"disabled", r.disabled}};
  ordered_json scope = ordered_json::array();
  for (const ScopeGroup& g : r.scope) {
    ordered_json group = ordered_json::array();
    for (const ScopeCondition& c : g.conditions)
      group.push_back({{"attribute", c.attribute}, {"operator", scope_operator_name(c.op)}, {"value", c.value}});
    scope.push_back(group);
  }
  j["scope"] = scope;
  ordered_json joins = ordered_json::array();
  for (const JoinGroup& g : r.joins) {
    ordered_json group = ordered_json::array();
    for (const JoinCondition& c : g.conditions)
      group.push_back({{"csAttribute", c.cs_attribute}, {"mvAttribute", c.mv_attribute}, {"caseSensitive", c.case_sensitive}});
    joins.push_back(group);
  }
  j["joins"] = joins;
  ordered_json flows = ordered_json::array();
  for (const AttributeFlow& f : r.flows) {
    ordered_json flow = {{"type", flow_type_name(f.type)}, {"destination", f.destination}};
    if (!f.sources.empty()) flow["sources"] = f.sources;
    if (f.type != FlowType::kDirect) flow[f.type == FlowType::kConstant ? "value" : "expression"] = f.expression;
    flow["merge"] = merge_type_name(f.merge);
    if (f.execute_once) flow["executeOnce"] = true;
    flows.push_back(flow);
  }
  j["flows"] = flows;
  return j;
}

SyncRule rule_from_json(const ordered_json& j, const std::string& path) {
  check_keys(j, path, {"id", "name", "description", "immutableTag", "direction", "connector", "sourceObjectType",
                       "targetObjectType", "linkType", "precedence", "disabled", "scope", "joins", "flows"});
  SyncRule r;
  r.id = get_string(j, path, "id", false);
  r.name = get_string(j, path, "name", true);
  r.description = get_string(j, path, "description", false);
  r.immutable_tag = get_string(j, path, "immutableTag", false);
  r.direction = get_enum<Direction>(j, path, "direction", Direction::kInbound, parse_direction, "Inbound, Outbound");
  if (!j.contains("direction")) fail(path + ".direction", "missing (Inbound or Outbound)");
  r.connector = get_string(j, path, "connector", true);
  r.source_object_type = get_string(j, path, "sourceObjectType", true);
  r.target_object_type = get_string(j, path, "targetObjectType", true);
  r.link_type = get_enum<LinkType>(j, path, "linkType", LinkType::kJoin, parse_link_type, "Join, Provision, StickyJoin");
  if (j.contains("precedence")) {
    if (!j["precedence"].is_number_integer()) fail(path + ".precedence", "expected an integer");
    r.precedence = j["precedence"].get<int>();
  }
  r.disabled = get_bool(j, path, "disabled", false);
  const auto& scope = get_array(j, path, "scope");
  for (size_t g = 0; g < scope.size(); ++g) {
    std::string gp = path + ".scope[" + std::to_string(g) + "]";
    if (!scope[g].is_array()) fail(gp, "expected an array of conditions (one scope group)");
    ScopeGroup group;
    for (size_t c = 0; c < scope[g].size(); ++c) {
      std::string cp = gp + "[" + std::to_string(c) + "]";
      check_keys(scope[g][c], cp, {"attribute", "operator", "value"});
      ScopeCondition cond;
      cond.attribute = get_string(scope[g][c], cp, "attribute", true);
      cond.op = get_enum<ScopeOperator>(scope[g][c], cp, "operator", ScopeOperator::kEqual, parse_scope_operator,
                                        "EQUAL, NOTEQUAL, ..., ISBITSET, ISBITNOTSET, ISMEMBEROF, ISNOTMEMBEROF");
      cond.value = get_string(scope[g][c], cp, "value", false);
      group.conditions.push_back(std::move(cond));
    }
    r.scope.push_back(std::move(group));
  }
  const auto& joins = get_array(j, path, "joins");
  for (size_t g = 0; g < joins.size(); ++g) {
    std::string gp = path + ".joins[" + std::to_string(g) + "]";
    if (!joins[g].is_array()) fail(gp, "expected an array of conditions (one join group)");
    JoinGroup group;
    for (size_t c = 0; c < joins[g].size(); ++c) {
      std::string cp = gp + "[" + std::to_string(c) + "]";
      check_keys(joins[g][c], cp, {"csAttribute", "mvAttribute", "caseSensitive"});
      group.conditions.push_back(JoinCondition{get_string(joins[g][c], cp, "csAttribute", true),
                                               get_string(joins[g][c], cp, "mvAttribute", true),
                                               get_bool(joins[g][c], cp, "caseSensitive", false)});
    }
    r.joins.push_back(std::move(group));
  }
  const auto& flows = get_array(j, path, "flows");
  for (size_t i = 0; i < flows.size(); ++i) {
    std::string fp = path + ".flows[" + std::to_string(i) + "]";
    check_keys(flows[i], fp, {"type", "destination", "sources", "expression", "value", "merge", "executeOnce"});
    AttributeFlow f;
    f.type = get_enum<FlowType>(flows[i], fp, "type", FlowType::kDirect, parse_flow_type, "Direct, Constant, Expression");
    f.destination = get_string(flows[i], fp, "destination", true);
    const auto& sources = get_array(flows[i], fp, "sources");
    for (size_t k = 0; k < sources.size(); ++k) {
      if (!sources[k].is_string()) fail(fp + ".sources[" + std::to_string(k) + "]", "expected a string");
      f.sources.push_back(sources[k].get<std::string>());
    }
    if (f.type == FlowType::kExpression) f.expression = get_string(flows[i], fp, "expression", true);
    if (f.type == FlowType::kConstant) f.expression = get_string(flows[i], fp, "value", true);
    if (f.type == FlowType::kDirect && f.sources.size() != 1)
      fail(fp + ".sources", "a Direct flow needs exactly one source attribute");
    f.merge = get_enum<MergeType>(flows[i], fp, "merge", MergeType::kUpdate, parse_merge_type,
                                  "Update, Replace, Merge, MergeCaseInsensitive");
    f.execute_once = get_bool(flows[i], fp, "executeOnce", false);
    r.flows.push_back(std::move(f));
  }
  return r;
}

template <class T, class F>
Result<T> parse_with(std::string_view text, F&& body) {
  try {
    ordered_json j = ordered_json::parse(text);
    return body(j);
  } catch (const ordered_json::parse_error& e) {
    return Status::Error(ErrorCode::kParseError, std::string("not valid JSON: ") + e.what());
  } catch (const ParseError& e) {
    return Status::Error(ErrorCode::kParseError, e.message);
  } catch (const ordered_json::exception& e) {
    return Status::Error(ErrorCode::kParseError, e.what());
  }
}

}  // namespace

Result<Configuration> parse_configuration(std::string_view text) {
  return parse_with<Configuration>(text, [](const ordered_json& j) {
    check_keys(j, "$", {"idsyncConfiguration", "metaverse", "connectors", "syncRules", "globalParameters"});
    if (!j.contains("idsyncConfiguration") || j["idsyncConfiguration"] != 1)
      fail("$.idsyncConfiguration", "missing or not 1: this is not an IdSync configuration (version 1)");
    Configuration c;
    if (j.contains("metaverse")) c.metaverse = schema_from_json(j["metaverse"], "$.metaverse");
    const auto& connectors = get_array(j, "$", "connectors");
    std::set<std::string> names;
    for (size_t i = 0; i < connectors.size(); ++i) {
      std::string p = "$.connectors[" + std::to_string(i) + "]";
      c.connectors.push_back(connector_from_json(connectors[i], p));
      if (!names.insert(to_lower_ascii(c.connectors.back().name)).second)
        fail(p + ".name", "connector name '" + c.connectors.back().name + "' is used twice");
    }
    const auto& rules = get_array(j, "$", "syncRules");
    for (size_t i = 0; i < rules.size(); ++i) {
      std::string p = "$.syncRules[" + std::to_string(i) + "]";
      c.rules.push_back(rule_from_json(rules[i], p));
      if (!c.find_connector(c.rules.back().connector))
        fail(p + ".connector", "no connector named '" + c.rules.back().connector + "' in this configuration");
    }
    c.global_parameters = get_string_map(j, "$", "globalParameters");
    return c;
  });
}

std::string write_configuration(const Configuration& c) {
  ordered_json j;
  j["idsyncConfiguration"] = 1;
  j["metaverse"] = schema_to_json(c.metaverse);
  j["connectors"] = ordered_json::array();
  for (const ConnectorDefinition& d : c.connectors) j["connectors"].push_back(connector_to_json(d));
  j["syncRules"] = ordered_json::array();
  for (const SyncRule& r : c.rules) j["syncRules"].push_back(rule_to_json(r));
  j["globalParameters"] = c.global_parameters;
  return j.dump(2) + "\n";
}

std::string write_connector_json(const ConnectorDefinition& c) { return connector_to_json(c).dump(); }
Result<ConnectorDefinition> parse_connector_json(std::string_view text) {
  return parse_with<ConnectorDefinition>(text, [](const ordered_json& j) { return connector_from_json(j, "$"); });
}
std::string write_rule_json(const SyncRule& r) { return rule_to_json(r).dump(); }
Result<SyncRule> parse_rule_json(std::string_view text) {
  return parse_with<SyncRule>(text, [](const ordered_json& j) { return rule_from_json(j, "$"); });
}

}  // namespace idsync
