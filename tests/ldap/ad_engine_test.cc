// The "ad" connector driven by the engine: a DirSync delta merges only the changed attributes
// into the connector space hologram, and renames / moves / member changes stage correctly; the
// %Domain.*% / %Forest.*% parameters the connector discovers reach the rules.
#include <gtest/gtest.h>

#include "idsync/config_diff.h"
#include "ldap_servers.h"
#include "ldap_test_util.h"
#include "sync/scenario.h"

namespace idsync::ldap::testing {
namespace {

using scenario::attr;
using scenario::counter;
using scenario::direct;
using scenario::expression;
using scenario::join_on;
using scenario::rule;

TEST(AdEngineTest, DirSyncDeltaMergesChangedAttributesIntoHolograms) {
  SambaDc* dc = nullptr;
  try {
    dc = &SambaDc::shared();
  } catch (const std::exception& e) {
    FAIL() << "the Samba AD DC could not be started: " << e.what();
  }
  const std::string ou = "OU=Engine,DC=example,DC=test";
  std::string ldif = "dn: " + ou + "\nobjectClass: organizationalUnit\n\n";
  for (int i = 0; i < 5; ++i) {
    std::string n = std::to_string(i);
    ldif += "dn: CN=Eng " + n + "," + ou + "\nobjectClass: user\nsAMAccountName: eng" + n + "\ngivenName: G" + n +
            "\nmail: eng" + n + "@example.test\n\n";
  }
  ldif += "dn: CN=Eng Group," + ou + "\nobjectClass: group\nmember: CN=Eng 0," + ou + "\n\n";
  write_file(dc->dir() + "/engine.ldif", ldif);
  std::string out;
  ASSERT_EQ(run_command(dc->ldap_cli("ldapadd") + " -f " + dc->dir() + "/engine.ldif", &out), 0) << out;

  scenario::TempDir tmp;
  ConnectorRegistry registry;
  register_ldap_connectors(registry);
  auto opened = Server::open((tmp.path() / "idsync.db").string(), StoreOpenMode::kCreateIfMissing, registry);
  ASSERT_TRUE(opened.ok()) << opened.status().to_string();
  Server& s = **opened;
  Configuration config;
  config.metaverse.attributes = {attr("accountName"), attr("givenName"), attr("mail"),
                                 attr("member", AttrType::kReference, true)};
  config.metaverse.object_types = {SchemaObjectType{"person", {}}, SchemaObjectType{"group", {}}};
  ConnectorDefinition ad;
  ad.name = "example.test";
  ad.id = "{00000000-0000-0000-0000-0000000000ad}";
  ad.type = "ad";
  ad.options = {{"uri", dc->uri()},
                {"bind_dn", SambaDc::kAdmin},
                {"password_file", dc->password_file()},
                {"base_dns", ou},
                {"object_classes", "user,group"},
                // Only what the rules use.
                {"attributes", "objectGUID,sAMAccountName,givenName,mail,cn,member"}};
  ad.schema.attributes = {attr("objectGUID", AttrType::kBinary), attr("sAMAccountName"), attr("givenName"),
                          attr("mail"), attr("cn"), attr("member", AttrType::kReference, true)};
  config.connectors = {ad};
  SyncRule in_user = rule("In from AD - User", Direction::kInbound, "example.test", "user", "person", LinkType::kProvision, 100);
  in_user.id = "{rule-1}";
  in_user.joins = {join_on("sAMAccountName", "accountName")};
  in_user.flows = {direct("sAMAccountName", "accountName"), direct("givenName", "givenName"), direct("mail", "mail")};
  SyncRule in_group = rule("In from AD - Group", Direction::kInbound, "example.test", "group", "group", LinkType::kProvision, 101);
  in_group.id = "{rule-2}";
  in_group.joins = {join_on("cn", "accountName")};
  in_group.flows = {direct("cn", "accountName"), direct("member", "member")};
  config.rules = {in_user, in_group};
  ASSERT_TRUE(s.import_configuration(config).ok());

  auto run = [&](const std::string& profile) {
    auto r = s.run_profile("example.test", profile);
    EXPECT_TRUE(r.ok()) << profile << ": " << r.status().to_string();
    RunResult res = r.ok() ? *r : RunResult{};
    for (const StepResult& step : res.steps)
      for (const ObjectError& e : step.errors) ADD_FAILURE() << profile << ": " << e.dn << ": " << e.message;
    return res;
  };
  EXPECT_EQ(counter(run("Full Import").steps.at(0), "stage-add"), 6u);
  run("Full Synchronization");

  ASSERT_EQ(run_command(dc->ldap_cli("ldapmodify") + " <<'EOF'\n"
                        "dn: CN=Eng 1," + ou + "\nchangetype: modify\nreplace: givenName\ngivenName: Changed\n\n"
                        "dn: CN=Eng 2," + ou + "\nchangetype: modrdn\nnewrdn: CN=Eng Two\ndeleteoldrdn: 1\n\n"
                        "dn: CN=Eng Group," + ou + "\nchangetype: modify\nadd: member\nmember: CN=Eng 3," + ou + "\n\nEOF\n",
                        &out),
            0)
      << out;
  RunResult delta = run("Delta Import");
  EXPECT_EQ(counter(delta.steps.at(0), "stage-update"), 2u);
  EXPECT_EQ(counter(delta.steps.at(0), "stage-rename"), 1u);
  run("Delta Synchronization");

  auto cs = [&](const std::string& dn) {
    auto j = s.cs_object_json("example.test", dn);
    EXPECT_TRUE(j.ok() && j->has_value()) << dn;
    return j.ok() && j->has_value() ? nlohmann::json::parse(**j) : nlohmann::json();
  };
  nlohmann::json one = cs("CN=Eng 1," + ou);
  EXPECT_EQ(one["hologram"]["givenName"], nlohmann::json::array({"Changed"}));
  EXPECT_EQ(one["hologram"]["mail"], nlohmann::json::array({"eng1@example.test"})) << "untouched attributes stay";
  nlohmann::json two = cs("CN=Eng Two," + ou);
  EXPECT_EQ(two["hologram"]["cn"], nlohmann::json::array({"Eng Two"}));
  EXPECT_EQ(two["hologram"]["sAMAccountName"], nlohmann::json::array({"eng2"}));
  nlohmann::json group = cs("CN=Eng Group," + ou);
  EXPECT_EQ(group["hologram"]["member"].size(), 2u) << group["hologram"].dump();
}

// The engine asks the "ad" connector for its parameters at every import and keeps them with the
// connector: rules see %Domain.FQDN% etc. without configuring them, an explicit value wins, and
// a sync without an import (no connection) still sees the discovered values.
TEST(AdEngineTest, DiscoveredDomainParametersReachTheRules) {
  SambaDc* dc = nullptr;
  try {
    dc = &SambaDc::shared();
  } catch (const std::exception& e) {
    FAIL() << "the Samba AD DC could not be started: " << e.what();
  }
  const std::string ou = "OU=Params,DC=example,DC=test";
  std::string ldif = "dn: " + ou + "\nobjectClass: organizationalUnit\n\n";
  for (int i = 0; i < 2; ++i)
    ldif += "dn: CN=Param " + std::to_string(i) + "," + ou + "\nobjectClass: user\nsAMAccountName: param" +
            std::to_string(i) + "\n\n";
  write_file(dc->dir() + "/params.ldif", ldif);
  std::string out;
  ASSERT_EQ(run_command(dc->ldap_cli("ldapadd") + " -f " + dc->dir() + "/params.ldif", &out), 0) << out;

  scenario::TempDir tmp;
  ConnectorRegistry registry;
  register_ldap_connectors(registry);
  auto opened = Server::open((tmp.path() / "idsync.db").string(), StoreOpenMode::kCreateIfMissing, registry);
  ASSERT_TRUE(opened.ok()) << opened.status().to_string();
  Server& s = **opened;
  Configuration config;
  config.metaverse.attributes = {attr("accountName"), attr("domainFqdn"), attr("domainNetbios"), attr("forestLdap")};
  config.metaverse.object_types = {SchemaObjectType{"person", {}}};
  ConnectorDefinition ad;
  ad.name = "example.test";
  ad.id = "{00000000-0000-0000-0000-0000000000ae}";
  ad.type = "ad";
  ad.options = {{"uri", dc->uri()},
                {"bind_dn", SambaDc::kAdmin},
                {"password_file", dc->password_file()},
                {"base_dns", ou},
                {"object_classes", "user"},
                {"attributes", "objectGUID,sAMAccountName"}};
  ad.schema.attributes = {attr("objectGUID", AttrType::kBinary), attr("sAMAccountName")};
  SyncRule in_user = rule("In from AD - User", Direction::kInbound, "example.test", "user", "person", LinkType::kProvision, 100);
  in_user.id = "{rule-1}";
  in_user.joins = {join_on("sAMAccountName", "accountName")};
  in_user.flows = {direct("sAMAccountName", "accountName"), expression("domainFqdn", "%Domain.FQDN%"),
                   expression("domainNetbios", "%Domain.Netbios%"), expression("forestLdap", "%Forest.LDAP%")};
  config.rules = {in_user};
  config.connectors = {ad};
  ASSERT_TRUE(s.import_configuration(config).ok());

  auto run = [&](const std::string& profile) {
    auto r = s.run_profile("example.test", profile);
    EXPECT_TRUE(r.ok()) << profile << ": " << r.status().to_string();
    RunResult res = r.ok() ? *r : RunResult{};
    EXPECT_EQ(res.result, "success") << profile;
    for (const StepResult& step : res.steps)
      for (const ObjectError& e : step.errors) ADD_FAILURE() << profile << ": " << e.dn << ": " << e.message;
    return res;
  };
  auto people = [&] {
    auto j = s.mv_list_json("person", 0);
    EXPECT_TRUE(j.ok()) << j.status().to_string();
    return j.ok() ? nlohmann::json::parse(*j) : nlohmann::json::array();
  };
  auto expect_parameters = [&](const std::string& fqdn, const std::string& netbios, const std::string& what) {
    auto mv = people();
    ASSERT_EQ(mv.size(), 2u) << what;
    for (const auto& o : mv) {
      EXPECT_EQ(scenario::mv_value(o, "domainFqdn"), fqdn) << what << ": " << o.dump();
      EXPECT_EQ(scenario::mv_value(o, "domainNetbios"), netbios) << what << ": " << o.dump();
      EXPECT_EQ(scenario::mv_value(o, "forestLdap"), "DC=example,DC=test") << what << ": " << o.dump();
    }
  };
  auto stored_parameters = [&] {
    auto c = s.configuration();
    EXPECT_TRUE(c.ok()) << c.status().to_string();
    const ConnectorDefinition* d = c.ok() ? c->find_connector("example.test") : nullptr;
    return d != nullptr ? d->parameters : std::map<std::string, std::string>{{"missing", "connector"}};
  };

  run("Full Import");
  run("Full Synchronization");
  expect_parameters("example.test", "EXAMPLE", "discovered by the import");
  EXPECT_EQ(stored_parameters(), (std::map<std::string, std::string>{}))
      << "the configuration shows only what the administrator set";
  auto diffed = read_store_configuration(s.store_path());  // what `idsync config diff` compares
  ASSERT_TRUE(diffed.ok()) << diffed.status().to_string();
  ASSERT_NE(diffed->find_connector("example.test"), nullptr);
  EXPECT_TRUE(diffed->find_connector("example.test")->parameters.empty());

  // An explicit value wins; the discovered ones stay for a sync without a connection.
  ad.parameters = {{"Domain.Netbios", "CONTOSO"}};
  config.connectors = {ad};
  ASSERT_TRUE(s.import_configuration(config).ok());
  EXPECT_EQ(stored_parameters(), (std::map<std::string, std::string>{{"Domain.Netbios", "CONTOSO"}}));
  run("Full Synchronization");
  expect_parameters("example.test", "CONTOSO", "explicit Netbios after a configuration import");
  run("Full Import");
  run("Full Synchronization");
  expect_parameters("example.test", "CONTOSO", "explicit Netbios after the next import");

  // Without the explicit value, the discovered one applies again.
  ad.parameters.clear();
  config.connectors = {ad};
  ASSERT_TRUE(s.import_configuration(config).ok());
  run("Full Synchronization");
  expect_parameters("example.test", "EXAMPLE", "explicit value removed");
}

}  // namespace
}  // namespace idsync::ldap::testing

namespace idsync::ldap::testing {
namespace {

// objectSid is not in the configured schema: the import takes the type the "ad" connector
// discovers (attributeSyntax 2.5.5.17, binary), so the connector space holds the SID's real
// bytes and shows them as base64, not as a string with U+FFFD for every non-text byte.
TEST(AdEngineTest, UndeclaredObjectSidIsImportedWithItsRealBytes) {
  SambaDc* dc = nullptr;
  try {
    dc = &SambaDc::shared();
  } catch (const std::exception& e) {
    FAIL() << "the Samba AD DC could not be started: " << e.what();
  }
  const std::string ou = "OU=Sids,DC=example,DC=test";
  const std::string user = "CN=Sid User," + ou;
  write_file(dc->dir() + "/sids.ldif", "dn: " + ou + "\nobjectClass: organizationalUnit\n\ndn: " + user +
                                           "\nobjectClass: user\nsAMAccountName: siduser\n\n");
  std::string out;
  ASSERT_EQ(run_command(dc->ldap_cli("ldapadd") + " -f " + dc->dir() + "/sids.ldif", &out), 0) << out;
  // The SID as the directory holds it, read independently of IdSync.
  std::vector<LdifEntry> seen = ldapsearch(dc->ldap_cli("ldapsearch") + " -b '" + user + "' -s base objectSid");
  ASSERT_EQ(seen.size(), 1u);
  ASSERT_EQ(seen[0].values("objectsid").size(), 1u);
  const std::string sid = seen[0].values("objectsid")[0];
  ASSERT_EQ(sid.size(), 28u) << "a domain account SID: S-1-5-21-a-b-c-rid";
  ASSERT_EQ(sid[0], '\x01');

  scenario::TempDir tmp;
  ConnectorRegistry registry;
  register_ldap_connectors(registry);
  auto opened = Server::open((tmp.path() / "idsync.db").string(), StoreOpenMode::kCreateIfMissing, registry);
  ASSERT_TRUE(opened.ok()) << opened.status().to_string();
  Server& s = **opened;
  Configuration config;
  config.metaverse.attributes = {attr("accountName")};
  config.metaverse.object_types = {SchemaObjectType{"person", {}}};
  ConnectorDefinition ad;
  ad.name = "example.test";
  ad.id = "{00000000-0000-0000-0000-0000000000af}";
  ad.type = "ad";
  ad.options = {{"uri", dc->uri()},
                {"bind_dn", SambaDc::kAdmin},
                {"password_file", dc->password_file()},
                {"base_dns", ou},
                {"object_classes", "user"},
                {"attributes", "objectGUID,objectSid,sAMAccountName"}};
  ad.schema.attributes = {attr("objectGUID", AttrType::kBinary), attr("sAMAccountName")};  // no objectSid
  config.connectors = {ad};
  ASSERT_TRUE(s.import_configuration(config).ok());

  auto r = s.run_profile("example.test", "Full Import");
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  for (const StepResult& step : r->steps)
    for (const ObjectError& e : step.errors) ADD_FAILURE() << e.dn << ": " << e.message;

  // What `idsync cs show` prints.
  auto j = s.cs_object_json("example.test", user);
  ASSERT_TRUE(j.ok() && j->has_value()) << user;
  nlohmann::json shown = nlohmann::json::parse(**j);
  std::string dump = shown.dump();
  ASSERT_EQ(dump.find("\\ufffd"), std::string::npos) << dump;
  ASSERT_EQ(dump.find("\xef\xbf\xbd"), std::string::npos) << dump;
  const nlohmann::json& values = shown["pendingImportState"]["objectSid"];  // staged, not yet synchronized
  ASSERT_TRUE(values.is_array() && values.size() == 1u) << dump;
  EXPECT_EQ(base64_decode(values[0].get<std::string>()), sid) << dump;
}

}  // namespace
}  // namespace idsync::ldap::testing
