#include "idsync/connector.h"

namespace idsync {

const SchemaAttribute* ConnectorSchema::find_attribute(std::string_view name) const {
  for (const SchemaAttribute& a : attributes)
    if (iequals(a.name, name)) return &a;
  return nullptr;
}

std::string ConnectorConfig::option(const std::string& key, const std::string& fallback) const {
  auto it = options.find(key);
  return it == options.end() ? fallback : it->second;
}

std::vector<ExportResult> Connector::export_changes(const std::vector<const EntryChange*>& changes) {
  std::vector<ExportResult> out;
  out.reserve(changes.size());
  for (const EntryChange* c : changes) out.push_back(export_change(*c));
  return out;
}

void ConnectorRegistry::add(std::string type, ConnectorFactory factory) {
  factories_[std::move(type)] = std::move(factory);
}

bool ConnectorRegistry::has(const std::string& type) const { return factories_.count(type) != 0; }

std::vector<std::string> ConnectorRegistry::types() const {
  std::vector<std::string> out;
  for (const auto& [name, factory] : factories_) out.push_back(name);
  return out;
}

Result<std::unique_ptr<Connector>> ConnectorRegistry::create(const ConnectorConfig& config) const {
  auto it = factories_.find(config.type);
  if (it == factories_.end()) {
    std::string known;
    for (const auto& [name, factory] : factories_) known += (known.empty() ? "" : ", ") + name;
    return Status::Error(ErrorCode::kInvalidArgument,
                         "connector '" + config.name + "' has unknown type '" + config.type +
                             "' (known types: " + known + ")");
  }
  auto created = it->second(config);
  if (!created.ok()) return created.status().with_context("connector '" + config.name + "'");
  return created;
}

}  // namespace idsync
