// Scenario tests: a temporary directory holding LDIF directories (real "ldif" connectors), a
// Configuration built in code, and a real Server over a real SQLite store. No mocks.
//
// Layout under the temp dir: <connector>/content.ldif (the baseline) and <connector>/changes/
// (change-record files, applied in name order). Files the tests add are named "z-NNNN.ldif" so
// they sort after change files an export wrote earlier and before later exports continue their
// sequence ("z-NNNN_000001.ldif").
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <algorithm>
#include <map>
#include <set>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "idsync/configuration.h"
#include "idsync/dn.h"
#include "idsync/file/file_connectors.h"
#include "idsync/server.h"

namespace idsync::scenario {

namespace fs = std::filesystem;
using nlohmann::json;

inline SchemaAttribute attr(std::string name, AttrType type = AttrType::kString, bool multi = false) {
  return SchemaAttribute{std::move(name), type, multi};
}

inline AttributeFlow direct(std::string source, std::string destination, MergeType merge = MergeType::kUpdate) {
  AttributeFlow f;
  f.type = FlowType::kDirect;
  f.sources = {std::move(source)};
  f.destination = std::move(destination);
  f.merge = merge;
  return f;
}

inline AttributeFlow constant(std::string destination, std::string value) {
  AttributeFlow f;
  f.type = FlowType::kConstant;
  f.destination = std::move(destination);
  f.expression = std::move(value);
  return f;
}

inline AttributeFlow expression(std::string destination, std::string text, std::vector<std::string> sources = {},
                                MergeType merge = MergeType::kUpdate) {
  AttributeFlow f;
  f.type = FlowType::kExpression;
  f.destination = std::move(destination);
  f.expression = std::move(text);
  f.sources = std::move(sources);
  f.merge = merge;
  return f;
}

inline SyncRule rule(std::string name, Direction direction, std::string connector, std::string source_type,
                     std::string target_type, LinkType link, int precedence) {
  SyncRule r;
  r.name = std::move(name);
  r.direction = direction;
  r.connector = std::move(connector);
  r.source_object_type = std::move(source_type);
  r.target_object_type = std::move(target_type);
  r.link_type = link;
  r.precedence = precedence;
  return r;
}

inline JoinGroup join_on(std::string cs_attribute, std::string mv_attribute) {
  return JoinGroup{{JoinCondition{std::move(cs_attribute), std::move(mv_attribute), false}}};
}

// A step counter, 0 when absent.
inline uint64_t counter(const StepResult& step, const std::string& name) {
  auto it = step.counters.find(name);
  return it == step.counters.end() ? 0 : it->second;
}

// Collects a directory's entries keyed by normalized DN.
class Collector : public ImportSink {
 public:
  Status on_change(EntryChange&& c) override {
    Entry e;
    e.dn = c.dn;
    e.object_type = c.object_type;
    e.anchor = c.anchor;
    e.attributes = std::move(c.attributes);
    auto key = normalize_dn(e.dn);
    entries[key.ok() ? *key : e.dn] = std::move(e);
    return Status::Ok();
  }
  std::map<std::string, Entry> entries;
};

inline std::string first_value(const Entry& e, const std::string& name) { return std::string(e.first(name)); }

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "idsync-scenario-XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) std::abort();
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

inline void write_text(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

inline std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return s;
}

class Scenario {
 public:
  Scenario() { file::register_file_connectors(registry_); }

  const fs::path& dir() const { return tmp_.path(); }
  std::string store_path() const { return (dir() / "idsync.db").string(); }
  const ConnectorRegistry& registry() const { return registry_; }
  Configuration& config() { return config_; }

  fs::path content_path(const std::string& connector) const { return dir() / connector / "content.ldif"; }
  fs::path changes_dir(const std::string& connector) const { return dir() / connector / "changes"; }

  // An "ldif" connector with an (initially empty) content file. `anchor` names the anchor
  // attribute; `assign_anchor` lets exports create it.
  ConnectorDefinition& add_ldif(const std::string& name, const std::string& anchor, std::vector<SchemaAttribute> attrs,
                                ConnectorRole role = ConnectorRole::kOnPremises, bool assign_anchor = false) {
    ConnectorDefinition c;
    c.name = name;
    c.id = "{00000000-0000-0000-0000-00000000000" + std::to_string(config_.connectors.size() + 1) + "}";
    c.type = "ldif";
    c.role = role;
    c.options["path"] = content_path(name).string();
    c.options["delta_dir"] = changes_dir(name).string();
    c.options["anchor"] = anchor;
    if (assign_anchor) c.options["assign_anchor"] = "true";
    c.schema.attributes = std::move(attrs);
    if (!fs::exists(content_path(name))) write_text(content_path(name), "version: 1\n");
    config_.connectors.push_back(std::move(c));
    return config_.connectors.back();
  }

  void set_content(const std::string& connector, const std::string& ldif) {
    write_text(content_path(connector), "version: 1\n\n" + ldif);
  }

  // Adds a change-record file to the connector's change folder (sorted after all earlier ones).
  void add_changes(const std::string& connector, const std::string& ldif) {
    char name[32];
    std::snprintf(name, sizeof name, "z-%04d.ldif", ++change_files_);
    write_text(changes_dir(connector) / name, "version: 1\n\n" + ldif);
  }

  void add_rule(SyncRule r) {
    if (r.id.empty()) r.id = "{rule-" + std::to_string(config_.rules.size() + 1) + "}";
    config_.rules.push_back(std::move(r));
  }

  Server& server() {
    if (!server_) {
      auto s = Server::open(store_path(), StoreOpenMode::kCreateIfMissing, registry_);
      if (!s.ok()) {
        ADD_FAILURE() << s.status().to_string();
        std::abort();
      }
      server_ = std::move(s).value();
    }
    return *server_;
  }

  Status apply() { return server().import_configuration(config_); }

  // Runs a profile; the run itself must be accepted (its result may still be an error status).
  RunResult run(const std::string& connector, const std::string& profile) {
    auto r = server().run_profile(connector, profile);
    EXPECT_TRUE(r.ok()) << connector << " / " << profile << ": " << r.status().to_string();
    return r.ok() ? std::move(r).value() : RunResult{};
  }

  CycleResult cycle(CyclePolicy policy) {
    auto r = server().run_cycle(policy);
    EXPECT_TRUE(r.ok()) << r.status().to_string();
    return r.ok() ? std::move(r).value() : CycleResult{};
  }

  json cs_list(const std::string& connector) {
    auto r = server().cs_list_json(connector, false, 0);
    EXPECT_TRUE(r.ok()) << r.status().to_string();
    return r.ok() ? json::parse(*r) : json::array();
  }

  json mv_list(const std::string& type = "") {
    auto r = server().mv_list_json(type, 0);
    EXPECT_TRUE(r.ok()) << r.status().to_string();
    return r.ok() ? json::parse(*r) : json::array();
  }

  // One CS object's full JSON (hologram, pending export, ...); null when absent.
  json cs(const std::string& connector, const std::string& dn) {
    auto r = server().cs_object_json(connector, dn);
    EXPECT_TRUE(r.ok()) << r.status().to_string();
    if (!r.ok() || !r->has_value()) return nullptr;
    return json::parse(**r);
  }

  json mv(uint64_t id) {
    auto r = server().mv_object_json(id);
    EXPECT_TRUE(r.ok()) << r.status().to_string();
    if (!r.ok() || !r->has_value()) return nullptr;
    return json::parse(**r);
  }

  // The MV object linked to the CS object `dn` of `connector`; null when none.
  json mv_of(const std::string& connector, const std::string& dn) {
    json o = cs(connector, dn);
    if (o.is_null() || o["mvObjectId"].get<uint64_t>() == 0) return nullptr;
    return mv(o["mvObjectId"].get<uint64_t>());
  }

  // What the directory holds now (content file + change files), read through the connector.
  std::map<std::string, Entry> directory(const std::string& connector) {
    const ConnectorDefinition* def = config_.find_connector(connector);
    EXPECT_NE(def, nullptr);
    Collector collector;
    if (def == nullptr) return {};
    auto c = registry_.create(ConnectorConfig{def->name, def->type, def->options, def->schema});
    EXPECT_TRUE(c.ok()) << c.status().to_string();
    if (!c.ok()) return {};
    std::string watermark;
    Status s = (*c)->full_import(collector, watermark);
    EXPECT_TRUE(s.ok()) << s.to_string();
    return std::move(collector.entries);
  }

 private:
  TempDir tmp_;
  ConnectorRegistry registry_;
  Configuration config_;
  std::unique_ptr<Server> server_;
  int change_files_ = 0;
};

// MV attribute values of a JSON MV object ({"attributes": {...}}); empty when absent.
inline std::vector<std::string> mv_values(const json& mv, const std::string& name) {
  std::vector<std::string> out;
  if (mv.is_null() || !mv.contains("attributes") || !mv["attributes"].contains(name)) return out;
  for (const auto& v : mv["attributes"][name]) out.push_back(v.get<std::string>());
  return out;
}

inline std::string mv_value(const json& mv, const std::string& name) {
  auto v = mv_values(mv, name);
  return v.empty() ? std::string() : v.front();
}

inline std::string normalized(const std::string& dn) {
  auto n = normalize_dn(dn);
  return n.ok() ? *n : dn;
}

// The standard two-directory setup most scenarios use:
//   "hr"  (source, anchor uid): users and groups under OU=People / OU=Groups,DC=hr
//   "dir" (target, anchor guid assigned on export): users and groups provisioned from the
//         metaverse with DN CN=<cn>,OU=People,DC=dir / CN=<cn>,OU=Groups,DC=dir
// Rules: hr user → person / hr group → group (Provision, join uid); person → dir user and
// group → dir group (Provision, join uid, dn flow); dir user/group join back (Join on uid).
inline std::vector<SchemaAttribute> hr_schema() {
  return {attr("uid"),        attr("objectClass", AttrType::kString, true), attr("cn"),   attr("sn"),
          attr("givenName"),  attr("title"),  attr("department"), attr("mail"), attr("employeeID"),
          attr("description"), attr("userAccountControl", AttrType::kInteger),
          attr("proxyAddresses", AttrType::kString, true), attr("manager", AttrType::kReference),
          attr("member", AttrType::kReference, true)};
}

inline std::vector<SchemaAttribute> mv_schema() {
  return {attr("uid"),         attr("cn"),         attr("sn"),        attr("givenName"),
          attr("title"),       attr("department"), attr("mail"),      attr("employeeID"),
          attr("displayName"), attr("description"), attr("proxyAddresses", AttrType::kString, true),
          attr("manager", AttrType::kReference), attr("member", AttrType::kReference, true)};
}

inline std::vector<SchemaAttribute> dir_schema() {
  return {attr("guid", AttrType::kBinary), attr("objectClass", AttrType::kString, true), attr("uid"),
          attr("cn"),        attr("title"), attr("department"), attr("mail"), attr("displayName"),
          attr("description"), attr("proxyAddresses", AttrType::kString, true),
          attr("manager", AttrType::kReference), attr("member", AttrType::kReference, true)};
}

inline void standard_setup(Scenario& s, bool with_target = true) {
  s.config().metaverse.attributes = mv_schema();
  s.config().metaverse.object_types = {SchemaObjectType{"person", {}}, SchemaObjectType{"group", {}}};
  s.add_ldif("hr", "uid", hr_schema());
  SyncRule in_user = rule("In from HR - User", Direction::kInbound, "hr", "user", "person", LinkType::kProvision, 100);
  in_user.joins = {join_on("uid", "uid")};
  in_user.flows = {direct("uid", "uid"),        direct("cn", "cn"),       direct("sn", "sn"),
                   direct("givenName", "givenName"), direct("title", "title"), direct("department", "department"),
                   direct("mail", "mail"),      direct("employeeID", "employeeID"), direct("manager", "manager"),
                   expression("displayName", "[givenName] & \" \" & [sn]", {"givenName", "sn"})};
  s.add_rule(in_user);
  SyncRule in_group = rule("In from HR - Group", Direction::kInbound, "hr", "group", "group", LinkType::kProvision, 101);
  in_group.joins = {join_on("uid", "uid")};
  in_group.flows = {direct("uid", "uid"), direct("cn", "cn"), direct("member", "member")};
  s.add_rule(in_group);
  if (!with_target) return;
  s.add_ldif("dir", "guid", dir_schema(), ConnectorRole::kCloud, /*assign_anchor=*/true);
  SyncRule in_dir_user = rule("In from DIR - User Join", Direction::kInbound, "dir", "user", "person", LinkType::kJoin, 110);
  in_dir_user.joins = {join_on("uid", "uid")};
  s.add_rule(in_dir_user);
  SyncRule in_dir_group = rule("In from DIR - Group Join", Direction::kInbound, "dir", "group", "group", LinkType::kJoin, 111);
  in_dir_group.joins = {join_on("uid", "uid")};
  s.add_rule(in_dir_group);
  SyncRule out_user = rule("Out to DIR - User", Direction::kOutbound, "dir", "person", "user", LinkType::kProvision, 120);
  out_user.joins = {join_on("uid", "uid")};
  out_user.flows = {expression("dn", "\"CN=\" & [cn] & \",OU=People,DC=dir\"", {"cn"}),
                    direct("uid", "uid"),   direct("cn", "cn"),       direct("title", "title"),
                    direct("department", "department"), direct("mail", "mail"), direct("displayName", "displayName"),
                    direct("manager", "manager")};
  s.add_rule(out_user);
  SyncRule out_group = rule("Out to DIR - Group", Direction::kOutbound, "dir", "group", "group", LinkType::kProvision, 121);
  out_group.joins = {join_on("uid", "uid")};
  out_group.flows = {expression("dn", "\"CN=\" & [cn] & \",OU=Groups,DC=dir\"", {"cn"}), direct("uid", "uid"),
                     direct("cn", "cn"), direct("member", "member")};
  s.add_rule(out_group);
}

// LDIF content records for the "hr" directory.
inline std::string hr_user(const std::string& uid, const std::string& cn, const std::string& extra = "") {
  std::string given = cn.substr(0, cn.find(' '));
  std::string sn = cn.find(' ') == std::string::npos ? cn : cn.substr(cn.find(' ') + 1);
  return "dn: CN=" + cn + ",OU=People,DC=hr\nobjectClass: top\nobjectClass: user\nuid: " + uid + "\ncn: " + cn +
         "\ngivenName: " + given + "\nsn: " + sn + "\n" + extra + "\n";
}

inline std::string hr_group(const std::string& uid, const std::string& cn, const std::vector<std::string>& members) {
  std::string out = "dn: CN=" + cn + ",OU=Groups,DC=hr\nobjectClass: top\nobjectClass: group\nuid: " + uid + "\ncn: " + cn + "\n";
  for (const std::string& m : members) out += "member: " + m + "\n";
  return out + "\n";
}

// Full Import + Full Sync on hr, then (when present) Full Sync... Export + Full Import on dir.
inline void initial_round(Scenario& s, bool export_dir = true) {
  s.run("hr", "Full Import");
  s.run("hr", "Full Synchronization");
  if (!export_dir) return;
  s.run("dir", "Export");
  s.run("dir", "Full Import");
  s.run("dir", "Delta Synchronization");
}

}  // namespace idsync::scenario
