// idsync config diff: what differs between the configurations of two servers (typically the
// active server and its staging server): connectors, sync rules, the metaverse schema and the
// global parameters. Beyond the reference product, where administrators compare exported
// configurations by hand or with a documenter tool.
//
// Contract:
// - Connectors and rules are matched by name (case-insensitive; rules of the same name by
//   their order of appearance). Their identifiers (GUIDs) are not compared: two servers set up
//   from the same documentation get different ones.
// - A change names the JSON path of what differs ("flows[destination=mail].expression",
//   "options.path") with both values as JSON text. Lists of named things (flows by
//   destination, schema attributes, run profiles, object types by name) are compared element
//   by element, other lists (scope, join groups) as a whole.
// - Option values whose name contains password, secret, token or credential are never shown,
//   only reported as differing.
// - read_store_configuration() opens a store read-only and reads only its configuration (not
//   the connector spaces), so it is quick on any size of store and works while a run holds it.
// Thread safety: reentrant; no shared state.
#pragma once

#include <string>
#include <vector>

#include "idsync/configuration.h"
#include "idsync/status.h"

namespace idsync {

struct ConfigChange {
  std::string path;
  std::string a;  // JSON text of the value in A; empty when absent
  std::string b;
};

enum class ConfigDiffKind { kOnlyInA, kOnlyInB, kChanged };

struct ConfigItemDiff {
  std::string item;  // "connector", "rule", "metaverse"
  std::string name;  // connector or rule name; "schema and global parameters" for the metaverse
  ConfigDiffKind kind = ConfigDiffKind::kChanged;
  std::vector<ConfigChange> changes;  // for kChanged
};

struct ConfigDiff {
  std::vector<ConfigItemDiff> items;  // connectors, then rules, then the metaverse; by name
  size_t connectors_a = 0, connectors_b = 0, rules_a = 0, rules_b = 0;
  bool differ() const { return !items.empty(); }
};

ConfigDiff diff_configurations(const Configuration& a, const Configuration& b);

[[nodiscard]] Result<Configuration> read_store_configuration(const std::string& store_path);

// Human-readable (one block per item, then a summary line) and JSON ({"differ": bool,
// "a": label, "b": label, "items": [{"item","name","status","changes":[{"path","a","b"}]}]}).
std::string format_config_diff(const ConfigDiff& diff, const std::string& label_a, const std::string& label_b);
std::string config_diff_to_json(const ConfigDiff& diff, const std::string& label_a, const std::string& label_b);

}  // namespace idsync
