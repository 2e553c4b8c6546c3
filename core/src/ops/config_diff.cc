// Configuration diff (idsync/config_diff.h): each connector / rule becomes its JSON document
// and two documents are compared structurally, so every field the configuration format has is
// covered without a list to keep in step with it.
#include "idsync/config_diff.h"

#include <map>
#include <nlohmann/json.hpp>

#include "ops/discovered_parameters.h"
#include "store/store.h"

namespace idsync {

using nlohmann::ordered_json;

namespace {

bool is_secret(const std::string& key) {
  std::string k = to_lower_ascii(key);
  for (const char* word : {"password", "secret", "token", "credential"})
    if (k.find(word) != std::string::npos) return true;
  return false;
}

// The key naming the elements of a list, when every element is an object that has it.
std::string list_key(const ordered_json& a, const ordered_json& b) {
  for (const char* key : {"destination", "name"}) {
    bool all = true;
    for (const ordered_json* list : {&a, &b})
      for (const auto& e : *list)
        if (!e.is_object() || !e.contains(key) || !e[key].is_string()) all = false;
    if (all) return key;
  }
  return "";
}

class Differ {
 public:
  explicit Differ(std::vector<ConfigChange>& out) : out_(out) {}

  void compare(const std::string& path, const ordered_json& a, const ordered_json& b, bool secret = false) {
    if (a == b) return;
    if (secret) {
      out_.push_back(ConfigChange{path, a.is_null() ? "" : "\"(secret)\"", b.is_null() ? "" : "\"(secret, differs)\""});
      return;
    }
    if (a.is_object() && b.is_object()) {
      for (const auto& [k, v] : a.items())
        compare(join(path, k), v, b.contains(k) ? b[k] : ordered_json(), secret_child(path, k));
      for (const auto& [k, v] : b.items())
        if (!a.contains(k)) compare(join(path, k), ordered_json(), v, secret_child(path, k));
      return;
    }
    if (a.is_array() && b.is_array()) {
      std::string key = list_key(a, b);
      if (!key.empty()) {
        compare_keyed(path, key, a, b);
        return;
      }
    }
    out_.push_back(ConfigChange{path, a.is_null() ? "" : a.dump(), b.is_null() ? "" : b.dump()});
  }

 private:
  static std::string join(const std::string& path, const std::string& key) { return path.empty() ? key : path + "." + key; }
  static bool secret_child(const std::string& path, const std::string& key) {
    return (path == "options" || path == "parameters") && is_secret(key);
  }

  // Elements matched by `key` (case-insensitive; repeated keys by their order).
  void compare_keyed(const std::string& path, const std::string& key, const ordered_json& a, const ordered_json& b) {
    auto index = [&](const ordered_json& list) {
      std::map<std::string, const ordered_json*> m;
      std::map<std::string, int> seen;
      for (const auto& e : list) {
        std::string k = to_lower_ascii(e[key].get<std::string>());
        int n = seen[k]++;
        m[n == 0 ? k : k + "#" + std::to_string(n + 1)] = &e;
      }
      return m;
    };
    auto ia = index(a), ib = index(b);
    auto label = [&](const std::string& k, const ordered_json& e) {
      std::string shown = e[key].get<std::string>();
      size_t hash = k.find('#');
      return path + "[" + key + "=" + shown + (hash == std::string::npos ? "" : k.substr(hash)) + "]";
    };
    for (const auto& [k, e] : ia) {
      auto other = ib.find(k);
      compare(label(k, *e), *e, other == ib.end() ? ordered_json() : *other->second);
    }
    for (const auto& [k, e] : ib)
      if (!ia.count(k)) compare(label(k, *e), ordered_json(), *e);
    // Reordering matters for rules' flows only through their destinations, which are keys; a
    // reordered list of named things is not a difference.
  }

  std::vector<ConfigChange>& out_;
};

ordered_json without_id(const std::string& text) {
  ordered_json j = ordered_json::parse(text);
  j.erase("id");
  return j;
}

template <class T, class Write>
void diff_named(const std::string& item, const std::vector<T>& a, const std::vector<T>& b, Write write,
                std::vector<ConfigItemDiff>& out) {
  auto index = [&](const std::vector<T>& list) {
    std::map<std::string, std::pair<std::string, const T*>> m;  // key → (shown name, element)
    std::map<std::string, int> seen;
    for (const T& e : list) {
      std::string k = to_lower_ascii(e.name);
      int n = seen[k]++;
      std::string shown = n == 0 ? e.name : e.name + " #" + std::to_string(n + 1);
      m[n == 0 ? k : k + "#" + std::to_string(n + 1)] = {shown, &e};
    }
    return m;
  };
  auto ia = index(a), ib = index(b);
  for (const auto& [k, v] : ia) {
    auto other = ib.find(k);
    if (other == ib.end()) {
      out.push_back(ConfigItemDiff{item, v.first, ConfigDiffKind::kOnlyInA, {}});
      continue;
    }
    ConfigItemDiff d{item, v.first, ConfigDiffKind::kChanged, {}};
    Differ(d.changes).compare("", without_id(write(*v.second)), without_id(write(*other->second.second)));
    if (!d.changes.empty()) out.push_back(std::move(d));
  }
  for (const auto& [k, v] : ib)
    if (!ia.count(k)) out.push_back(ConfigItemDiff{item, v.first, ConfigDiffKind::kOnlyInB, {}});
}

ordered_json server_wide(const Configuration& c) {
  Configuration only;
  only.metaverse = c.metaverse;
  only.global_parameters = c.global_parameters;
  ordered_json j = ordered_json::parse(write_configuration(only));
  j.erase("connectors");
  j.erase("rules");
  return j;
}

const char* kind_name(ConfigDiffKind k) {
  switch (k) {
    case ConfigDiffKind::kOnlyInA: return "only-in-a";
    case ConfigDiffKind::kOnlyInB: return "only-in-b";
    case ConfigDiffKind::kChanged: return "changed";
  }
  return "changed";
}

}  // namespace

ConfigDiff diff_configurations(const Configuration& a, const Configuration& b) {
  ConfigDiff diff;
  diff.connectors_a = a.connectors.size();
  diff.connectors_b = b.connectors.size();
  diff.rules_a = a.rules.size();
  diff.rules_b = b.rules.size();
  diff_named("connector", a.connectors, b.connectors,
             [](const ConnectorDefinition& c) { return write_connector_json(c); }, diff.items);
  diff_named("rule", a.rules, b.rules, [](const SyncRule& r) { return write_rule_json(r); }, diff.items);
  ConfigItemDiff meta{"metaverse", "schema and global parameters", ConfigDiffKind::kChanged, {}};
  Differ(meta.changes).compare("", server_wide(a), server_wide(b));
  if (!meta.changes.empty()) diff.items.push_back(std::move(meta));
  return diff;
}

Result<Configuration> read_store_configuration(const std::string& store_path) {
  auto opened = Store::open(store_path, OpenMode::kReadOnly);
  if (!opened.ok()) return opened.status();
  Store& store = **opened;
  Configuration config;
  auto meta = store.get_setting("metaverse");
  if (!meta.ok()) return meta.status();
  if (meta->has_value()) {
    auto parsed = parse_configuration(**meta);
    if (!parsed.ok()) return parsed.status().with_context(store_path + ": store setting 'metaverse'");
    config.metaverse = std::move(parsed->metaverse);
    config.global_parameters = std::move(parsed->global_parameters);
  }
  auto connectors = store.load_connectors();
  if (!connectors.ok()) return connectors.status();
  for (const ConnectorRow& row : *connectors) {
    auto c = parse_connector_json(row.json);
    if (!c.ok()) return c.status().with_context(store_path + ": connector '" + row.name + "'");
    IDSYNC_RETURN_IF_ERROR(strip_discovered(store, *c));  // only the administrator's own parameters
    config.connectors.push_back(std::move(c).value());
  }
  auto rules = store.load_rules();
  if (!rules.ok()) return rules.status();
  for (const RuleRow& row : *rules) {
    auto r = parse_rule_json(row.json);
    if (!r.ok()) return r.status().with_context(store_path + ": rule " + row.id);
    config.rules.push_back(std::move(r).value());
  }
  return config;
}

std::string format_config_diff(const ConfigDiff& diff, const std::string& label_a, const std::string& label_b) {
  std::string out = "A: " + label_a + "\nB: " + label_b + "\n";
  size_t connectors = 0, rules = 0, other = 0;
  for (const ConfigItemDiff& d : diff.items) {
    (d.item == "connector" ? connectors : d.item == "rule" ? rules : other)++;
    out += "\n" + d.item + " '" + d.name + "': ";
    switch (d.kind) {
      case ConfigDiffKind::kOnlyInA: out += "only in A\n"; continue;
      case ConfigDiffKind::kOnlyInB: out += "only in B\n"; continue;
      case ConfigDiffKind::kChanged: out += std::to_string(d.changes.size()) + " changed\n"; break;
    }
    for (const ConfigChange& c : d.changes)
      out += "    " + c.path + ": " + (c.a.empty() ? "(absent)" : c.a) + " -> " + (c.b.empty() ? "(absent)" : c.b) + "\n";
  }
  if (!diff.differ())
    return out + "\nThe configurations are the same (" + std::to_string(diff.connectors_a) + " connectors, " +
           std::to_string(diff.rules_a) + " sync rules).\n";
  out += "\n" + std::to_string(diff.items.size()) + " differences: " + std::to_string(connectors) + " connectors, " +
         std::to_string(rules) + " sync rules" + (other ? ", the metaverse schema or global parameters" : "") + ".\n";
  return out;
}

std::string config_diff_to_json(const ConfigDiff& diff, const std::string& label_a, const std::string& label_b) {
  ordered_json j = {{"differ", diff.differ()}, {"a", label_a}, {"b", label_b}, {"items", ordered_json::array()}};
  for (const ConfigItemDiff& d : diff.items) {
    ordered_json changes = ordered_json::array();
    for (const ConfigChange& c : d.changes) changes.push_back({{"path", c.path}, {"a", c.a}, {"b", c.b}});
    j["items"].push_back({{"item", d.item}, {"name", d.name}, {"status", kind_name(d.kind)}, {"changes", changes}});
  }
  return j.dump(2);
}

}  // namespace idsync
