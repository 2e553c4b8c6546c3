// The chaos world with real targets: the generated forest (LDIF, connector "contoso.com") stays
// the source; the demo's cloud connector becomes a "scim" connector on the real SCIM test server
// (tests/scim/server) and a third connector, "openldap", provisions users and groups into
// ou=target of a real slapd (tests/ldap/ldap_servers.h). Both servers run on 127.0.0.1 and free
// ports for the lifetime of a Targets object and are stopped (and their dirs removed) when it is
// destroyed, also when a test fails.
//
// What the tests compare comes from the servers themselves: their contents in a canonical form
// (ids and entryUUIDs left out), and their own record of the requests they served (the SCIM
// server's creates per externalId, slapd's accesslog of every write, failed ones included).
#pragma once

#include <memory>
#include <set>
#include <stdexcept>

#include "chaos/chaos_world.h"
#include "chaos/world_dir_test.h"
#include "ldap/ldap_servers.h"
#include "ldap/ldap_test_util.h"
#include "scim/scim_process.h"

namespace idsync::chaos {

using nlohmann::json;
using ldap::testing::LdifEntry;
using ldap::testing::Slapd;

constexpr const char* kTargetOu = "ou=target,dc=example,dc=org";

// Writes slapd recorded in its accesslog (cn=accesslog), in order.
struct LdapWrite {
  std::string type, dn;  // "add", "modify", "delete", "modrdn"; the DN in lower case
  int result = -1;       // the LDAP result code (0 = success, 68 = already exists, ...)
};

class Targets {
 public:
  Targets() {
    if (!scim_.ok()) error_ = "SCIM test server: " + scim_.error();
    try {
      slapd_ = std::make_unique<Slapd>(std::string("dn: ") + kTargetOu + "\nobjectClass: organizationalUnit\nou: target\n");
    } catch (const std::exception& e) {
      error_ += std::string("slapd: ") + e.what();
    }
  }
  Targets(const Targets&) = delete;
  Targets& operator=(const Targets&) = delete;

  // Empty when both servers run.
  const std::string& error() const { return error_; }
  const scimtest::ScimProcess& scim() const { return scim_; }
  const Slapd& slapd() const { return *slapd_; }

  // ---- the SCIM server's own counts ----
  json scim_stats() const { return scim_.stats(); }
  // Every write request the SCIM server served (creates, replaces, patches, deletes).
  int64_t scim_writes() const {
    json s = scim_stats();
    return s.is_object() && s.contains("writes") ? s["writes"].get<int64_t>() : -1;
  }
  // "Users/<externalId>" → how many times the server created it.
  std::map<std::string, int> scim_creates() const {
    std::map<std::string, int> out;
    json s = scim_stats();
    if (!s.is_object() || !s.contains("creates")) return out;
    for (const auto& [type, per] : s["creates"].items())
      for (const auto& [ext, n] : per.items()) out[type + "/" + ext] = n.get<int>();
    return out;
  }

  // ---- slapd's accesslog ----
  std::vector<LdapWrite> ldap_writes() const {
    std::vector<LdapWrite> out;
    for (const LdifEntry& e : ldap::testing::ldapsearch(
             "timeout 60 " + slapd_->ldap_cli("ldapsearch") +
             " -b cn=accesslog '(|(reqType=add)(reqType=modify)(reqType=delete)(reqType=modrdn))' reqType reqDN reqResult reqStart")) {
      LdapWrite w;
      if (!e.values("reqtype").empty()) w.type = e.values("reqtype")[0];
      if (!e.values("reqdn").empty()) w.dn = to_lower(e.values("reqdn")[0]);
      if (!e.values("reqresult").empty()) w.result = std::atoi(e.values("reqresult")[0].c_str());
      out.push_back(std::move(w));
    }
    return out;
  }
  size_t ldap_write_count() const { return ldap_writes().size(); }

  // ---- contents ----
  // The SCIM server's users and groups keyed by externalId, without ids and meta; manager and
  // members given by the externalIds they point at. `duplicates` lists every externalId held
  // by more than one resource (or a resource without one).
  std::string scim_snapshot(std::vector<std::string>* duplicates) const {
    json state = scim_.state();
    std::map<std::string, std::string> ext_of;
    for (const char* type : {"Users", "Groups"})
      for (const json& r : state[type]) ext_of[r["id"].get<std::string>()] = r.value("externalId", "?");
    std::map<std::string, std::string> lines;
    for (const char* type : {"Users", "Groups"}) {
      for (json r : state[type]) {
        std::string key = std::string(type) + "/" + r.value("externalId", "<none>");
        r.erase("id");
        r.erase("meta");
        if (r.contains("members")) {
          std::vector<std::string> m;
          for (const json& x : r["members"]) m.push_back(ext_of[x["value"].get<std::string>()]);
          std::sort(m.begin(), m.end());
          r["members"] = m;
        }
        const char* ent = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
        if (r.contains(ent) && r[ent].contains("manager")) {
          std::string id = r[ent]["manager"].value("value", "");
          r[ent]["manager"] = ext_of.count(id) ? ext_of[id] : "<unknown " + id + ">";
        }
        for (const char* multi : {"emails", "phoneNumbers", "addresses"})
          if (r.contains(multi)) {
            std::vector<json> e(r[multi].begin(), r[multi].end());
            std::sort(e.begin(), e.end(), [](const json& a, const json& b) { return a.dump() < b.dump(); });
            r[multi] = e;
          }
        if (lines.count(key) && duplicates != nullptr) duplicates->push_back(key);
        lines[key] += key + " " + r.dump() + "\n";
      }
    }
    std::string out;
    for (const auto& [k, l] : lines) out += l;
    return out;
  }

  // Every entry under ou=target, by DN, with sorted attributes and values (entryUUID is not a
  // user attribute, so it is not there). `duplicates` lists every source anchor
  // (employeeNumber of users, businessCategory of groups) that more than one entry holds.
  std::string ldap_snapshot(std::vector<std::string>* duplicates) const {
    std::map<std::string, std::string> entries;
    std::map<std::string, int> anchors;
    for (const LdifEntry& e : ldap::testing::ldapsearch("timeout 60 " + slapd_->ldap_cli("ldapsearch") + " -b " + kTargetOu +
                                                       " -s one '(objectClass=*)' '*'")) {
      std::string text = "dn: " + to_lower(e.dn) + "\n";
      for (const auto& [name, values] : e.attrs) {
        std::vector<std::string> v = values;
        std::sort(v.begin(), v.end());
        for (const std::string& x : v) text += "  " + name + ": " + hex_or_text(x) + "\n";
      }
      entries[to_lower(e.dn)] = text;
      for (const char* a : {"employeenumber", "businesscategory"})
        for (const std::string& x : e.values(a)) ++anchors[x];
    }
    if (duplicates != nullptr)
      for (const auto& [a, n] : anchors)
        if (n > 1) duplicates->push_back(a + " (" + std::to_string(n) + " entries)");
    std::string out;
    for (const auto& [dn, t] : entries) out += t;
    return out;
  }

 private:
  static std::string to_lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  }

  scimtest::ScimProcess scim_;
  std::unique_ptr<Slapd> slapd_;
  std::string error_;
};

// Successful adds per DN in slapd's log: each must be there once, as in an unkilled run.
inline std::map<std::string, int> successful_adds(const std::vector<LdapWrite>& writes) {
  std::map<std::string, int> out;
  for (const LdapWrite& w : writes)
    if (w.type == "add" && w.result == 0) ++out[w.dn];
  return out;
}

// The demo configuration (World::create) pointed at the real targets: see the file comment.
// Cloud attributes the SCIM connector has no default mapping for are left out of the cloud
// schema and its outbound flows, as are cloud contacts (SCIM has Users and Groups only).
inline std::string retarget_config(const std::string& demo_json, const Targets& t, std::string* error) {
  json config = json::parse(demo_json, nullptr, false);
  if (config.is_discarded()) {
    *error = "the demo configuration is not JSON";
    return {};
  }
  const std::set<std::string> user_attrs = {"sourceAnchor", "userPrincipalName", "accountEnabled", "displayName",
                                            "givenName", "surname", "mail", "department", "jobTitle", "companyName",
                                            "telephoneNumber", "mobile", "city", "state", "country", "employeeId",
                                            "manager"};
  const std::set<std::string> group_attrs = {"sourceAnchor", "displayName", "member"};
  for (json& c : config["connectors"]) {
    if (c["name"] != "cloud") continue;
    c["type"] = "scim";
    json options = json::object();
    for (const auto& [k, v] : t.scim().options()) options[k] = v;
    options["concurrency"] = "4";
    options["timeout_ms"] = "20000";
    c["options"] = options;
    json attrs = json::array();
    for (const json& a : c["schema"]["attributes"])
      if (user_attrs.count(a["name"]) || group_attrs.count(a["name"])) attrs.push_back(a);
    c["schema"]["attributes"] = attrs;
    c["schema"]["objectTypes"] = json::array({{{"name", "user"}, {"attributes", json::array()}},
                                              {{"name", "group"}, {"attributes", json::array()}}});
  }
  json rules = json::array();
  for (json r : config["syncRules"]) {
    if (r["connector"] == "cloud") {
      if (r["sourceObjectType"] == "contact" || r["targetObjectType"] == "contact") continue;
      if (r["direction"] == "Outbound") {
        const auto& keep = r["targetObjectType"] == "group" ? group_attrs : user_attrs;
        json flows = json::array();
        for (const json& f : r["flows"])
          if (f["destination"] == "dn" || keep.count(f["destination"])) flows.push_back(f);
        r["flows"] = flows;
      }
    }
    rules.push_back(r);
  }

  auto ldap_attr = [](const char* name, const char* type = "string", bool multi = false) {
    json a = {{"name", name}, {"type", type}};
    if (multi) a["multiValued"] = true;
    return a;
  };
  json ldap = {
      {"name", "openldap"},
      {"id", "{3f2a8c1e-0d7b-4e59-9a61-2c44d6a1b003}"},
      {"type", "ldap"},
      {"role", "on-premises"},
      {"options",
       {{"uri", t.slapd().uri()},
        {"bind_dn", Slapd::kAdminDn},
        {"password_file", t.slapd().admin_password_file()},
        {"base_dns", kTargetOu},
        {"object_classes", "inetOrgPerson,groupOfNames"},
        {"page_size", "200"},
        {"delta", "sync"}}},
      {"schema",
       {{"attributes", json::array({ldap_attr("entryUUID"), ldap_attr("objectClass", "string", true),
                                    ldap_attr("uid", "string", true), ldap_attr("cn", "string", true),
                                    ldap_attr("sn", "string", true), ldap_attr("givenName", "string", true),
                                    ldap_attr("displayName"), ldap_attr("mail", "string", true),
                                    ldap_attr("title", "string", true), ldap_attr("telephoneNumber", "string", true),
                                    ldap_attr("employeeNumber"), ldap_attr("manager", "reference", true),
                                    ldap_attr("description", "string", true),
                                    ldap_attr("businessCategory", "string", true),
                                    ldap_attr("member", "reference", true)})},
        {"objectTypes", json::array({{{"name", "inetOrgPerson"}, {"attributes", json::array()}},
                                     {{"name", "groupOfNames"}, {"attributes", json::array()}}})}}}};
  config["connectors"].push_back(ldap);

  // Users and groups joined by the metaverse sourceAnchor, which the target entry carries
  // (employeeNumber / businessCategory); DNs from the UTF-8 hex of the anchor (DN-safe).
  auto direct = [](const char* dest, const char* src) {
    return json{{"type", "Direct"}, {"destination", dest}, {"sources", json::array({src})}};
  };
  auto expression = [](const char* dest, const std::string& e) {
    return json{{"type", "Expression"}, {"destination", dest}, {"sources", json::array({"sourceAnchor"})},
                {"expression", e}};
  };
  auto scope = [](std::vector<std::pair<std::string, std::string>> not_null) {
    json group = json::array({{{"attribute", "cloudFiltered"}, {"operator", "NOTEQUAL"}, {"value", "True"}}});
    for (const auto& [a, op] : not_null) group.push_back({{"attribute", a}, {"operator", op}, {"value", ""}});
    return json::array({group});
  };
  auto join = [](const char* cs) {
    return json::array({json::array({{{"csAttribute", cs}, {"mvAttribute", "sourceAnchor"}, {"caseSensitive", true}}})});
  };
  std::string suffix = std::string(" & \",") + kTargetOu + "\"";
  rules.push_back({{"id", "{c4a05e00-0000-4000-8000-000000000401}"}, {"name", "In from OpenLDAP - User Join"},
                   {"direction", "Inbound"}, {"connector", "openldap"}, {"sourceObjectType", "inetOrgPerson"},
                   {"targetObjectType", "person"}, {"linkType", "Join"}, {"precedence", 130},
                   {"joins", join("employeeNumber")}, {"flows", json::array()}});
  rules.push_back({{"id", "{c4a05e00-0000-4000-8000-000000000402}"}, {"name", "In from OpenLDAP - Group Join"},
                   {"direction", "Inbound"}, {"connector", "openldap"}, {"sourceObjectType", "groupOfNames"},
                   {"targetObjectType", "group"}, {"linkType", "Join"}, {"precedence", 131},
                   {"joins", join("businessCategory")}, {"flows", json::array()}});
  rules.push_back(
      {{"id", "{c4a05e00-0000-4000-8000-000000000403}"}, {"name", "Out to OpenLDAP - User"}, {"direction", "Outbound"},
       {"connector", "openldap"}, {"sourceObjectType", "person"}, {"targetObjectType", "inetOrgPerson"},
       {"linkType", "Provision"}, {"precedence", 140},
       {"scope", scope({{"sourceAnchor", "ISNOTNULL"}, {"sn", "ISNOTNULL"}, {"cn", "ISNOTNULL"}})},
       {"joins", join("employeeNumber")},
       {"flows", json::array({expression("dn", "\"uid=\" & ConvertToUTF8Hex([sourceAnchor])" + suffix),
                              expression("uid", "ConvertToUTF8Hex([sourceAnchor])"), direct("employeeNumber", "sourceAnchor"),
                              direct("cn", "cn"), direct("sn", "sn"), direct("givenName", "givenName"),
                              direct("displayName", "displayName"), direct("mail", "mail"), direct("title", "title"),
                              direct("telephoneNumber", "telephoneNumber"), direct("manager", "manager")})}});
  rules.push_back(
      {{"id", "{c4a05e00-0000-4000-8000-000000000404}"}, {"name", "Out to OpenLDAP - Group"}, {"direction", "Outbound"},
       {"connector", "openldap"}, {"sourceObjectType", "group"}, {"targetObjectType", "groupOfNames"},
       {"linkType", "Provision"}, {"precedence", 141},
       {"scope", scope({{"sourceAnchor", "ISNOTNULL"}, {"member", "ISNOTNULL"}})},
       {"joins", join("businessCategory")},
       {"flows", json::array({expression("dn", "\"cn=\" & ConvertToUTF8Hex([sourceAnchor])" + suffix),
                              expression("cn", "ConvertToUTF8Hex([sourceAnchor])"),
                              direct("businessCategory", "sourceAnchor"), direct("description", "displayName"),
                              direct("member", "member")})}});
  config["syncRules"] = rules;
  return config.dump(2);
}

// A World whose configuration exports to `targets` (see retarget_config).
inline std::string create_target_world(World& w, const Targets& targets) {
  if (std::string e = w.create(); !e.empty()) return e;
  std::string error;
  std::string config = retarget_config(read_file(w.config_file()), targets, &error);
  if (!error.empty()) return error;
  std::ofstream(w.config_file()) << config;
  return {};
}

// The metaverse lines of a store snapshot (normalized_store_snapshot): everything before the
// first connector-space line.
inline std::string metaverse_part(const std::string& snapshot) {
  size_t cs = snapshot.find("\ncs ");
  return cs == std::string::npos ? snapshot : snapshot.substr(0, cs + 1);
}

// A test with its own folder and both real target servers, driving the real CLI.
class TargetWorldTest : public WorldDirTest {
 protected:
  using WorldDirTest::WorldDirTest;
  void SetUp() override {
    WorldDirTest::SetUp();
    ASSERT_EQ(targets_.error(), "");
  }

  // Runs idsync on `store` (the world's own when empty); any exit code but 0 fails the test.
  CliRun cli(World& w, const std::vector<std::string>& args, const std::string& store = "") {
    CliRun r = run_cli(w.dir(), store.empty() ? w.store() : store, args);
    EXPECT_EQ(r.exit_code, 0) << args[0] << (args.size() > 1 ? " " + args[1] : "") << ": " << r.out << r.err;
    return r;
  }

  Targets targets_;
};

}  // namespace idsync::chaos
