// The "ldap" connector driven by the engine (a real Server over a real store): provisioning from
// one part of a slapd directory into another, export confirmation by the following import, and
// a delta cycle after changes made with ldapmodify; with RFC 4533 and with accesslog deltas.
#include <gtest/gtest.h>

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

std::string source_ldif() {
  std::string s = "dn: ou=hr,dc=example,dc=org\nobjectClass: organizationalUnit\nou: hr\n\n"
                  "dn: ou=target,dc=example,dc=org\nobjectClass: organizationalUnit\nou: target\n\n";
  for (int i = 0; i < 50; ++i) {
    std::string n = std::to_string(i);
    s += "dn: uid=p" + n + ",ou=hr,dc=example,dc=org\nobjectClass: inetOrgPerson\nuid: p" + n + "\ncn: Person " + n +
         "\nsn: P" + n + "\nmail: p" + n + "@example.org\n\n";
  }
  s += "dn: cn=staff,ou=hr,dc=example,dc=org\nobjectClass: groupOfNames\ncn: staff\n";
  for (int i = 0; i < 50; ++i) s += "member: uid=p" + std::to_string(i) + ",ou=hr,dc=example,dc=org\n";
  return s + "\n";
}

std::vector<SchemaAttribute> schema() {
  return {attr("entryUUID"), attr("objectClass", AttrType::kString, true), attr("uid", AttrType::kString, true),
          attr("cn", AttrType::kString, true), attr("sn", AttrType::kString, true),
          attr("mail", AttrType::kString, true), attr("member", AttrType::kReference, true)};
}

ConnectorDefinition ldap_connector(const Slapd& server, const std::string& name, const std::string& ou,
                                   const std::string& id, const std::string& delta) {
  ConnectorDefinition c;
  c.name = name;
  c.id = id;
  c.type = "ldap";
  c.options = {{"uri", server.uri()},
               {"bind_dn", Slapd::kAdminDn},
               {"password_file", server.admin_password_file()},
               {"base_dns", "ou=" + ou + ",dc=example,dc=org"},
               {"object_classes", "inetOrgPerson,groupOfNames"},
               {"page_size", "20"},
               {"delta", delta}};
  c.schema.attributes = schema();
  return c;
}

void provision_export_confirm_and_delta_cycle(const std::string& delta) {
  Slapd server(source_ldif());
  scenario::TempDir tmp;
  ConnectorRegistry registry;
  register_ldap_connectors(registry);
  auto opened = Server::open((tmp.path() / "idsync.db").string(), StoreOpenMode::kCreateIfMissing, registry);
  ASSERT_TRUE(opened.ok()) << opened.status().to_string();
  Server& s = **opened;

  Configuration config;
  config.metaverse.attributes = {attr("uid"), attr("cn"), attr("sn"), attr("mail"),
                                 attr("member", AttrType::kReference, true)};
  config.metaverse.object_types = {SchemaObjectType{"person", {}}, SchemaObjectType{"group", {}}};
  config.connectors = {ldap_connector(server, "hr", "hr", "{00000000-0000-0000-0000-000000000001}", delta),
                       ldap_connector(server, "target", "target", "{00000000-0000-0000-0000-000000000002}", delta)};
  SyncRule in_user = rule("In from HR - User", Direction::kInbound, "hr", "inetOrgPerson", "person", LinkType::kProvision, 100);
  in_user.joins = {join_on("uid", "uid")};
  in_user.flows = {direct("uid", "uid"), direct("cn", "cn"), direct("sn", "sn"), direct("mail", "mail")};
  SyncRule in_group = rule("In from HR - Group", Direction::kInbound, "hr", "groupOfNames", "group", LinkType::kProvision, 101);
  in_group.joins = {join_on("cn", "cn")};
  in_group.flows = {direct("cn", "cn"), direct("member", "member")};
  SyncRule join_user = rule("In from target - User", Direction::kInbound, "target", "inetOrgPerson", "person", LinkType::kJoin, 110);
  join_user.joins = {join_on("uid", "uid")};
  SyncRule join_group = rule("In from target - Group", Direction::kInbound, "target", "groupOfNames", "group", LinkType::kJoin, 111);
  join_group.joins = {join_on("cn", "cn")};
  SyncRule out_user = rule("Out to target - User", Direction::kOutbound, "target", "person", "inetOrgPerson", LinkType::kProvision, 120);
  out_user.joins = {join_on("uid", "uid")};
  out_user.flows = {expression("dn", "\"uid=\" & [uid] & \",ou=target,dc=example,dc=org\"", {"uid"}),
                    direct("uid", "uid"), direct("cn", "cn"), direct("sn", "sn"), direct("mail", "mail")};
  SyncRule out_group = rule("Out to target - Group", Direction::kOutbound, "target", "group", "groupOfNames", LinkType::kProvision, 121);
  out_group.joins = {join_on("cn", "cn")};
  out_group.flows = {expression("dn", "\"cn=\" & [cn] & \",ou=target,dc=example,dc=org\"", {"cn"}),
                     direct("cn", "cn"), direct("member", "member")};
  int id = 1;
  for (SyncRule* r : {&in_user, &in_group, &join_user, &join_group, &out_user, &out_group}) {
    r->id = "{rule-" + std::to_string(id++) + "}";
    config.rules.push_back(*r);
  }
  ASSERT_TRUE(s.import_configuration(config).ok());

  auto run = [&](const std::string& connector, const std::string& profile) {
    auto r = s.run_profile(connector, profile);
    EXPECT_TRUE(r.ok()) << connector << " " << profile << ": " << r.status().to_string();
    RunResult out = r.ok() ? *r : RunResult{};
    for (const StepResult& step : out.steps)
      for (const ObjectError& e : step.errors) ADD_FAILURE() << connector << " " << profile << ": " << e.dn << ": " << e.message;
    return out;
  };
  EXPECT_EQ(counter(run("hr", "Full Import").steps.at(0), "stage-add"), 51u);
  run("hr", "Full Synchronization");
  run("target", "Full Import");
  RunResult exported = run("target", "Export");
  EXPECT_EQ(counter(exported.steps.at(0), "export-add"), 51u);
  RunResult confirm = run("target", "Full Import");  // export confirmation: no errors recorded
  EXPECT_EQ(counter(confirm.steps.at(0), "exported-change-not-reimported"), 0u);
  run("target", "Delta Synchronization");

  auto search = [&](const std::string& filter, const std::string& attrs) {
    return ldapsearch(server.ldap_cli("ldapsearch") + " -b ou=target,dc=example,dc=org '" + filter + "' " + attrs);
  };
  EXPECT_EQ(search("(objectClass=inetOrgPerson)", "1.1").size(), 50u);
  auto group = search("(cn=staff)", "member");
  ASSERT_EQ(group.size(), 1u);
  ASSERT_EQ(group[0].values("member").size(), 50u);
  EXPECT_NE(group[0].values("member")[0].find("ou=target"), std::string::npos) << "references follow the objects";

  // Changes at the source flow through a delta cycle.
  std::string out;
  ASSERT_EQ(run_command(server.ldap_cli("ldapmodify") + " <<'EOF'\n"
                        "dn: uid=p3,ou=hr,dc=example,dc=org\nchangetype: modify\nreplace: mail\nmail: new3@example.org\n\n"
                        "dn: cn=staff,ou=hr,dc=example,dc=org\nchangetype: modify\ndelete: member\n"
                        "member: uid=p4,ou=hr,dc=example,dc=org\n\n"
                        "dn: uid=p4,ou=hr,dc=example,dc=org\nchangetype: delete\n\nEOF\n",
                        &out),
            0)
      << out;
  RunResult delta = run("hr", "Delta Import");
  EXPECT_EQ(counter(delta.steps.at(0), "stage-update"), 2u);
  EXPECT_EQ(counter(delta.steps.at(0), "stage-delete"), 1u);
  run("hr", "Delta Synchronization");
  RunResult second = run("target", "Export");
  EXPECT_EQ(counter(second.steps.at(0), "export-update"), 2u);
  EXPECT_EQ(counter(second.steps.at(0), "export-delete"), 1u);
  RunResult confirm2 = run("target", "Delta Import");
  EXPECT_EQ(counter(confirm2.steps.at(0), "exported-change-not-reimported"), 0u);
  EXPECT_EQ(search("(uid=p3)", "mail").at(0).values("mail"), std::vector<std::string>{"new3@example.org"});
  EXPECT_TRUE(search("(uid=p4)", "1.1").empty());
  EXPECT_EQ(search("(cn=staff)", "member").at(0).values("member").size(), 49u);
}

TEST(LdapEngineTest, ProvisionExportConfirmAndDeltaCycle) { provision_export_confirm_and_delta_cycle("sync"); }

TEST(LdapEngineTest, ProvisionExportConfirmAndAccesslogDeltaCycle) {
  provision_export_confirm_and_delta_cycle("accesslog");
}

}  // namespace
}  // namespace idsync::ldap::testing
