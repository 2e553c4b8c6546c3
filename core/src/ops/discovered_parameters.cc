#include "ops/discovered_parameters.h"

#include <nlohmann/json.hpp>

namespace idsync {

namespace {

std::string setting_key(const std::string& connector) { return "discovered_parameters." + to_lower_ascii(connector); }

}  // namespace

Result<DiscoveredParameters> load_discovered_parameters(Store& store, const std::string& connector) {
  auto v = store.get_setting(setting_key(connector));
  if (!v.ok()) return v.status();
  DiscoveredParameters d;
  if (!v->has_value() || (*v)->empty()) return d;
  try {
    auto j = nlohmann::json::parse(**v);
    d.values = j.value("values", std::map<std::string, std::string>{});
    d.filled = j.value("filled", std::set<std::string>{});
  } catch (const std::exception& e) {
    return Status::Error(ErrorCode::kStoreError, "store setting '" + setting_key(connector) +
                                                     "' is damaged (" + e.what() +
                                                     "); run an import of the connector to discover its parameters again");
  }
  return d;
}

Status put_discovered_parameters(Store& store, const std::string& connector, const DiscoveredParameters& d) {
  nlohmann::json j = {{"values", d.values}, {"filled", d.filled}};
  return store.put_setting(setting_key(connector), j.dump());
}

DiscoveredParameters fill_discovered(ConnectorDefinition& def, const std::map<std::string, std::string>& discovered) {
  DiscoveredParameters d;
  d.values = discovered;
  for (const auto& [name, value] : discovered) {
    if (def.parameters.count(name)) continue;  // set explicitly: the administrator's value wins
    def.parameters[name] = value;
    d.filled.insert(name);
  }
  return d;
}

Status strip_discovered(Store& store, ConnectorDefinition& def) {
  auto d = load_discovered_parameters(store, def.name);
  if (!d.ok()) return d.status();
  for (const std::string& name : d->filled) def.parameters.erase(name);
  return Status::Ok();
}

Result<bool> store_discovered_parameters(Store& store, const std::string& name,
                                         const std::map<std::string, std::string>& discovered) {
  auto rows = store.load_connectors();
  if (!rows.ok()) return rows.status();
  const ConnectorRow* row = nullptr;
  for (const ConnectorRow& r : *rows)
    if (iequals(r.name, name)) row = &r;
  if (row == nullptr) return Status::Error(ErrorCode::kNotFound, "no connector named '" + name + "' in the store");
  auto def = parse_connector_json(row->json);
  if (!def.ok()) return def.status().with_context("connector '" + name + "' in the store");
  auto previous = load_discovered_parameters(store, name);
  if (!previous.ok()) return previous.status();
  const auto before = def->parameters;
  for (const std::string& filled : previous->filled) def->parameters.erase(filled);
  DiscoveredParameters next = fill_discovered(*def, discovered);
  if (def->parameters == before && next.values == previous->values && next.filled == previous->filled) return false;
  ConnectorRow updated = *row;
  updated.json = write_connector_json(*def);
  IDSYNC_RETURN_IF_ERROR(store.begin());
  Status s = store.put_connector(updated);
  if (s.ok()) s = put_discovered_parameters(store, name, next);
  if (!s.ok()) {
    store.rollback();
    return s;
  }
  IDSYNC_RETURN_IF_ERROR(store.commit());
  return true;
}

}  // namespace idsync
