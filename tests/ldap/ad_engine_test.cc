// The "ad" connector driven by the engine: a DirSync delta merges only the changed attributes
// into the connector space hologram, and renames / moves / member changes stage correctly.
#include <gtest/gtest.h>

#include "ldap_servers.h"
#include "ldap_test_util.h"
#include "sync/scenario.h"

namespace idsync::ldap::testing {
namespace {

using scenario::attr;
using scenario::counter;
using scenario::direct;
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
                // Only what the rules use: undeclared binary attributes (objectSid, ...) would
                // otherwise be staged as strings.
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

}  // namespace
}  // namespace idsync::ldap::testing
