// A server's configuration: the metaverse schema, connectors with their run profiles, sync
// rules and global parameters. It travels as a JSON document (README "Configuration file"),
// and import followed by export gives back the same document.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "idsync/connector.h"
#include "idsync/status.h"
#include "idsync/sync_rule.h"

namespace idsync {

enum class StepType { kFullImport, kDeltaImport, kFullSync, kDeltaSync, kExport };
const char* step_type_name(StepType t);  // "Full Import", "Delta Import", ...
std::optional<StepType> parse_step_type(std::string_view s);

struct RunProfile {
  std::string name;
  std::vector<StepType> steps;
  bool operator==(const RunProfile&) const = default;
};

// Where a connector sits in a cycle: on-premises directories are imported and synced first,
// the cloud after them, and exports go to the cloud before on-premises (REFERENCE.md).
enum class ConnectorRole { kOnPremises, kCloud };

struct ConnectorDefinition {
  std::string name;
  std::string id;    // GUID; Connector.ID in expressions
  std::string type;  // "ldif", "csv", ...
  ConnectorRole role = ConnectorRole::kOnPremises;
  std::map<std::string, std::string> options;
  ConnectorSchema schema;
  std::vector<RunProfile> run_profiles;        // the five standard ones when none are given
  std::map<std::string, std::string> parameters;  // Domain.FQDN, Domain.Netbios, Forest.*, ...
};

struct Configuration {
  ConnectorSchema metaverse;
  std::vector<ConnectorDefinition> connectors;
  std::vector<SyncRule> rules;
  std::map<std::string, std::string> global_parameters;

  const ConnectorDefinition* find_connector(std::string_view name) const;
};

// The five run profiles every connector has unless configured otherwise.
std::vector<RunProfile> standard_run_profiles();

// JSON text ↔ Configuration. Parse errors name the JSON path ("connectors[1].options.path")
// and what was expected; unknown keys are errors, so a typo never passes silently.
Result<Configuration> parse_configuration(std::string_view json_text);
std::string write_configuration(const Configuration& config);

// One connector definition / one rule as JSON (the store keeps them so).
std::string write_connector_json(const ConnectorDefinition& connector);
Result<ConnectorDefinition> parse_connector_json(std::string_view json_text);
std::string write_rule_json(const SyncRule& rule);
Result<SyncRule> parse_rule_json(std::string_view json_text);

}  // namespace idsync
