// The SCIM connector's secrets (bearer token, basic-auth password) come only through
// read_secret(): a file that group or others can read is refused with an error naming the file
// and the chmod to run, a secret in clear text in the configuration is refused. And with the
// real SCIM test server, a working token and a wrong one never appear in anything the CLI
// prints, the run history, csexport output, the preview, the configuration export or the store.
#include <sys/stat.h>

#include "hostile/secret_leak.h"
#include "idsync/secret.h"
#include "scim_server.h"
#include "sync/scenario.h"

namespace idsync::scimtest {
namespace {

using scenario::attr;
using scenario::direct;
using scenario::expression;
using scenario::join_on;
using scenario::rule;

Result<std::unique_ptr<Connector>> make(std::map<std::string, std::string> options) {
  ConnectorRegistry registry;
  register_scim_connector(registry);
  return registry.create(ConnectorConfig{"cloud", "scim", std::move(options), {}});
}

fs::path secret_file(const fs::path& dir, const std::string& name, const std::string& text, mode_t mode) {
  fs::path p = dir / name;
  scenario::write_text(p, text + "\n");
  EXPECT_EQ(::chmod(p.c_str(), mode), 0) << p;
  return p;
}

TEST(ScimSecretsTest, ASecretFileOthersCanReadIsRefusedNamingTheFileAndTheMode) {
  scenario::TempDir tmp;
  const std::string token = "Scim-Token-Canary-3b8e51";
  for (mode_t mode : {0644, 0640, 0604, 0620}) {
    fs::path f = secret_file(tmp.path(), "secret-token", token, mode);
    auto c = make({{"base_url", "http://127.0.0.1:1/scim"}, {"token_file", f.string()}});
    ASSERT_FALSE(c.ok()) << std::oct << mode;
    const std::string& m = c.status().message();
    EXPECT_NE(m.find("'cloud'"), std::string::npos) << m;
    EXPECT_NE(m.find("chmod 600 '" + f.string() + "'"), std::string::npos) << m;
    char mode_text[8];
    std::snprintf(mode_text, sizeof mode_text, "%03o", static_cast<unsigned>(mode));
    EXPECT_NE(m.find(std::string("mode ") + mode_text), std::string::npos) << m;
    EXPECT_FALSE(contains_secret(m, token)) << m;
  }
  // The basic-auth password goes the same way.
  fs::path pw = secret_file(tmp.path(), "secret-pw", token, 0644);
  auto basic = make({{"base_url", "http://127.0.0.1:1/scim"}, {"username", "svc"}, {"password_file", pw.string()}});
  ASSERT_FALSE(basic.ok());
  EXPECT_NE(basic.status().message().find("chmod 600 '" + pw.string() + "'"), std::string::npos)
      << basic.status().message();
  // Mode 0600 works for both.
  ASSERT_EQ(::chmod(pw.c_str(), 0600), 0);
  EXPECT_TRUE(make({{"base_url", "http://127.0.0.1:1/scim"}, {"token_file", pw.string()}}).ok());
  EXPECT_TRUE(make({{"base_url", "http://127.0.0.1:1/scim"}, {"username", "svc"}, {"password_file", pw.string()}}).ok());
}

TEST(ScimSecretsTest, ATokenInClearTextAnEmptyOneOrALinkIsRefused) {
  scenario::TempDir tmp;
  auto clear = make({{"base_url", "http://127.0.0.1:1/scim"}, {"token", "Clear-Canary-55"}});
  ASSERT_FALSE(clear.ok());
  EXPECT_NE(clear.status().message().find("clear text"), std::string::npos) << clear.status().message();
  EXPECT_FALSE(contains_secret(clear.status().message(), "Clear-Canary-55"));
  fs::path empty = secret_file(tmp.path(), "secret-empty", "", 0600);
  auto e = make({{"base_url", "http://127.0.0.1:1/scim"}, {"token_file", empty.string()}});
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.status().message().find("empty"), std::string::npos) << e.status().message();
  fs::path real = secret_file(tmp.path(), "secret-real", "tok", 0600);
  fs::create_symlink(real, tmp.path() / "link");
  EXPECT_FALSE(make({{"base_url", "http://127.0.0.1:1/scim"}, {"token_file", (tmp.path() / "link").string()}}).ok());
}

// hr (LDIF) → metaverse → cloud (the real SCIM server), driven through the idsync CLI.
TEST(ScimSecretsLeakTest, NeitherAWorkingNorAWrongTokenReachesCliOutputHistoryExportsOrStore) {
  ScimServer server;
  ASSERT_TRUE(server.ok()) << server.error();
  scenario::Scenario s;
  scenario::standard_setup(s, /*with_target=*/false);
  s.set_content("hr", scenario::hr_user("u1", "Ann Lee") + scenario::hr_user("u2", "Bob Ray"));
  fs::path secret = secret_file(s.dir(), "secret-scim-token", server.token(), 0600);

  ConnectorDefinition cloud;
  cloud.name = "cloud";
  cloud.id = "{00000000-0000-0000-0000-000000000002}";
  cloud.type = "scim";
  cloud.role = ConnectorRole::kCloud;
  cloud.options = server.options();
  cloud.options["token_file"] = secret.string();
  cloud.schema.attributes = {attr("sourceAnchor"), attr("userPrincipalName"), attr("displayName")};
  s.config().connectors.push_back(cloud);
  SyncRule join = rule("In from cloud - User Join", Direction::kInbound, "cloud", "user", "person", LinkType::kJoin, 110);
  join.joins = {join_on("sourceAnchor", "uid")};
  s.add_rule(join);
  SyncRule out = rule("Out to cloud - User", Direction::kOutbound, "cloud", "person", "user", LinkType::kProvision, 120);
  out.joins = {join_on("sourceAnchor", "uid")};
  out.flows = {expression("dn", "\"CN={\" & ConvertToUTF8Hex([uid]) & \"}\"", {"uid"}), direct("uid", "sourceAnchor"),
               expression("userPrincipalName", "[uid] & \"@contoso.com\"", {"uid"}), direct("displayName", "displayName")};
  s.add_rule(out);
  fs::path config = s.dir() / "config.json";
  scenario::write_text(config, write_configuration(s.config()));

  std::string printed = secret_leak::drive_cli(s.store_path(), config, s.dir(), {"hr", "cloud"});
  EXPECT_EQ(server.state()["Users"].size(), 2u) << "the token works: the cycle exported both users\n" << printed;

  // A wrong token: the failed runs and their 401 errors land in the run history.
  const std::string wrong = "Wr0ng-Scim-Token-Canary-e1c9";
  ASSERT_EQ(::chmod(secret.c_str(), 0600), 0);
  scenario::write_text(secret, wrong + "\n");
  s.set_content("hr", scenario::hr_user("u1", "Ann Lee") + scenario::hr_user("u3", "Cid Moss"));
  const std::string cli = secret_leak::cli(s.store_path());
  for (const char* args : {"cycle", "history --json", "status", "config export"})
    printed += std::string("$ idsync ") + args + "\n" + secret_leak::run(cli + args);
  EXPECT_NE(printed.find("401"), std::string::npos) << "the wrong token is rejected and reported\n" << printed;
  EXPECT_NE(printed.find("token_file"), std::string::npos) << "the configuration keeps the file's name";
  EXPECT_TRUE(fs::exists(s.dir() / "cloud-csexport.xml"));
  EXPECT_TRUE(fs::exists(s.dir() / "exported-config.json"));

  for (const std::string& t : {server.token(), wrong}) {
    EXPECT_FALSE(contains_secret(printed, t)) << "the CLI printed the token " << t << ":\n" << printed;
    EXPECT_FALSE(contains_secret(secret_leak::files_under(s.dir()), t)) << "a file under " << s.dir() << " holds " << t;
  }
}

}  // namespace
}  // namespace idsync::scimtest
