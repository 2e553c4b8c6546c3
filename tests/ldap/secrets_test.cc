// The LDAP / AD bind password comes only through read_secret(): a password file that group or
// others can read is refused (the error names the file and the chmod to run), for both
// connector types. And with a real slapd, neither the working password nor a wrong one appears
// in anything the CLI prints, the run history, csexport output, the preview, the configuration
// export or the store.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "hostile/secret_leak.h"
#include "idsync/secret.h"
#include "ldap_servers.h"
#include "ldap_test_util.h"
#include "sync/scenario.h"

namespace idsync::ldap::testing {
namespace {

namespace fs = std::filesystem;
using scenario::attr;
using scenario::direct;
using scenario::expression;
using scenario::join_on;
using scenario::rule;

fs::path secret_file(const fs::path& dir, const std::string& name, const std::string& text, mode_t mode) {
  fs::path p = dir / name;
  scenario::write_text(p, text + "\n");
  EXPECT_EQ(::chmod(p.c_str(), mode), 0) << p;
  return p;
}

TEST(LdapSecretsTest, APasswordFileOthersCanReadIsRefusedNamingTheFileAndTheMode) {
  scenario::TempDir tmp;
  const std::string password = "Ldap-Bind-Canary-90af2c";
  for (const char* type : {"ldap", "ad"}) {
    for (mode_t mode : {0644, 0640, 0604}) {
      fs::path f = secret_file(tmp.path(), "secret-pw", password, mode);
      ConnectorRegistry registry;
      register_ldap_connectors(registry);
      // Nothing listens on port 1: the password is checked before any connection is tried.
      auto c = registry.create(ConnectorConfig{"corp", type,
                                               {{"uri", "ldap://127.0.0.1:1"}, {"bind_dn", "cn=idsync,dc=example,dc=org"},
                                                {"password_file", f.string()}},
                                               {}});
      ASSERT_TRUE(c.ok()) << c.status().to_string();
      Collector sink;
      std::string watermark;
      Status s = (*c)->full_import(sink, watermark);
      ASSERT_FALSE(s.ok()) << type << " " << std::oct << mode;
      EXPECT_NE(s.message().find("'corp'"), std::string::npos) << s.message();
      EXPECT_NE(s.message().find("chmod 600 '" + f.string() + "'"), std::string::npos) << s.message();
      char mode_text[8];
      std::snprintf(mode_text, sizeof mode_text, "%03o", static_cast<unsigned>(mode));
      EXPECT_NE(s.message().find(std::string("mode ") + mode_text), std::string::npos) << s.message();
      EXPECT_EQ(s.message().find("Can't contact"), std::string::npos) << "refused before connecting: " << s.message();
      EXPECT_FALSE(contains_secret(s.message(), password)) << s.message();
    }
  }
}

TEST(LdapSecretsTest, AnEmptyPasswordOrALinkedFileIsRefused) {
  scenario::TempDir tmp;
  fs::path empty = secret_file(tmp.path(), "secret-empty", "", 0600);
  fs::path real = secret_file(tmp.path(), "secret-real", "pw", 0600);
  fs::create_symlink(real, tmp.path() / "link");
  for (const fs::path& f : {empty, tmp.path() / "link"}) {
    auto c = make_connector("ldap", {{"uri", "ldap://127.0.0.1:1"}, {"bind_dn", "cn=x,dc=example,dc=org"},
                                     {"password_file", f.string()}});
    Collector sink;
    std::string watermark;
    Status s = c->full_import(sink, watermark);
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.message().find(f.string()), std::string::npos) << s.message();
    EXPECT_EQ(s.message().find("Can't contact"), std::string::npos) << s.message();
  }
}

std::string people_ldif() {
  std::string s = "dn: ou=hr,dc=example,dc=org\nobjectClass: organizationalUnit\nou: hr\n\n"
                  "dn: ou=target,dc=example,dc=org\nobjectClass: organizationalUnit\nou: target\n\n";
  for (int i = 0; i < 5; ++i) {
    std::string n = std::to_string(i);
    s += "dn: uid=p" + n + ",ou=hr,dc=example,dc=org\nobjectClass: inetOrgPerson\nuid: p" + n + "\ncn: Person " + n +
         "\nsn: P" + n + "\n\n";
  }
  return s;
}

ConnectorDefinition ldap_connector(const Slapd& server, const std::string& name, const std::string& id,
                                   const fs::path& password_file) {
  ConnectorDefinition c;
  c.name = name;
  c.id = id;
  c.type = "ldap";
  c.options = {{"uri", server.uri()},
               {"bind_dn", Slapd::kAdminDn},
               {"password_file", password_file.string()},
               {"base_dns", "ou=" + name + ",dc=example,dc=org"},
               {"object_classes", "inetOrgPerson"}};
  c.schema.attributes = {attr("entryUUID"), attr("objectClass", AttrType::kString, true),
                         attr("uid", AttrType::kString, true), attr("cn", AttrType::kString, true),
                         attr("sn", AttrType::kString, true)};
  return c;
}

// hr (one OU of slapd) → metaverse → target (another OU), driven through the idsync CLI.
TEST(LdapSecretsLeakTest, NeitherTheBindPasswordNorAWrongOneReachesCliOutputHistoryExportsOrStore) {
  Slapd server(people_ldif());
  scenario::TempDir tmp;
  fs::path secret = secret_file(tmp.path(), "secret-bind-pw", Slapd::kAdminPassword, 0600);
  Configuration config;
  config.metaverse.attributes = {attr("uid"), attr("cn"), attr("sn")};
  config.metaverse.object_types = {SchemaObjectType{"person", {}}};
  config.connectors = {ldap_connector(server, "hr", "{00000000-0000-0000-0000-000000000001}", secret),
                       ldap_connector(server, "target", "{00000000-0000-0000-0000-000000000002}", secret)};
  SyncRule in_user = rule("In from HR", Direction::kInbound, "hr", "inetOrgPerson", "person", LinkType::kProvision, 100);
  in_user.joins = {join_on("uid", "uid")};
  in_user.flows = {direct("uid", "uid"), direct("cn", "cn"), direct("sn", "sn")};
  SyncRule join_user = rule("In from target", Direction::kInbound, "target", "inetOrgPerson", "person", LinkType::kJoin, 110);
  join_user.joins = {join_on("uid", "uid")};
  SyncRule out_user = rule("Out to target", Direction::kOutbound, "target", "person", "inetOrgPerson", LinkType::kProvision, 120);
  out_user.joins = {join_on("uid", "uid")};
  out_user.flows = {expression("dn", "\"uid=\" & [uid] & \",ou=target,dc=example,dc=org\"", {"uid"}),
                    direct("uid", "uid"), direct("cn", "cn"), direct("sn", "sn")};
  int id = 1;
  for (SyncRule* r : {&in_user, &join_user, &out_user}) {
    r->id = "{rule-" + std::to_string(id++) + "}";
    config.rules.push_back(*r);
  }
  fs::path config_file = tmp.path() / "config.json";
  scenario::write_text(config_file, write_configuration(config));
  const std::string store = (tmp.path() / "idsync.db").string();

  std::string printed = secret_leak::drive_cli(store, config_file, tmp.path(), {"hr", "target"});
  auto exported = ldapsearch(server.ldap_cli("ldapsearch") + " -b ou=target,dc=example,dc=org '(objectClass=inetOrgPerson)' 1.1");
  EXPECT_EQ(exported.size(), 5u) << "the password works: the cycle exported every person\n" << printed;

  // A wrong password: the failed binds land in the run history.
  const std::string wrong = "Wr0ng-Bind-Canary-44d7e0";
  scenario::write_text(secret, wrong + "\n");
  const std::string cli = secret_leak::cli(store);
  for (const char* args : {"cycle", "history --json", "status", "config export"})
    printed += std::string("$ idsync ") + args + "\n" + secret_leak::run(cli + args);
  EXPECT_NE(printed.find("Invalid credentials"), std::string::npos) << "the wrong password is reported\n" << printed;
  EXPECT_NE(printed.find("secret-bind-pw"), std::string::npos) << "the error names the password file";
  EXPECT_TRUE(fs::exists(tmp.path() / "target-csexport.xml"));
  EXPECT_TRUE(fs::exists(tmp.path() / "exported-config.json"));

  for (const std::string& pw : {std::string(Slapd::kAdminPassword), wrong}) {
    EXPECT_FALSE(contains_secret(printed, pw)) << "the CLI printed the password " << pw << ":\n" << printed;
    EXPECT_FALSE(contains_secret(secret_leak::files_under(tmp.path()), pw)) << "a file under " << tmp.path() << " holds " << pw;
  }
}

}  // namespace
}  // namespace idsync::ldap::testing
