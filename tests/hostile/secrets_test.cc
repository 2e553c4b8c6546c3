// Secrets: read only from a file nobody else can read or from the environment, never taken
// from the configuration in clear; and a secret configured for a connector never appears in
// the store file, the run history, csexport output, the configuration export, or anything the
// CLI prints. Store files are created 0600 whatever the umask.
#include <sys/stat.h>
#include <sys/wait.h>

#include "idsync/csexport.h"
#include "idsync/secret.h"
#include "sync/scenario.h"

namespace idsync::scenario {
namespace {

const std::string kCanary = "S3cr3t-Canary-7f4e2a91-do-not-log";

ConnectorConfig config_with(std::map<std::string, std::string> options) {
  return ConnectorConfig{"corp-ldap", "ldap", std::move(options), {}};
}

class SecretsTest : public ::testing::Test {
 protected:
  fs::path secret_file(mode_t mode) {
    fs::path p = tmp_.path() / ("secret-" + std::to_string(mode));
    write_text(p, kCanary + "\n");
    EXPECT_EQ(::chmod(p.c_str(), mode), 0);
    return p;
  }
  TempDir tmp_;
};

TEST_F(SecretsTest, FromAFileOnlyTheOwnerCanRead) {
  fs::path f = secret_file(0600);
  auto s = read_secret(config_with({{"bind_password_file", f.string()}}), "bind_password");
  ASSERT_TRUE(s.ok()) << s.status().to_string();
  EXPECT_EQ(*s, kCanary);  // the trailing newline is dropped
}

TEST_F(SecretsTest, AFileOthersCanReadIsRefusedWithoutShowingTheSecret) {
  for (mode_t mode : {0644, 0640, 0604, 0660}) {
    fs::path f = secret_file(mode);
    auto s = read_secret(config_with({{"bind_password_file", f.string()}}), "bind_password");
    ASSERT_FALSE(s.ok()) << std::oct << mode;
    EXPECT_NE(s.status().message().find("chmod 600 '" + f.string() + "'"), std::string::npos) << s.status().message();
    EXPECT_NE(s.status().message().find("corp-ldap"), std::string::npos) << s.status().message();
    EXPECT_FALSE(contains_secret(s.status().message(), kCanary));
  }
}

TEST_F(SecretsTest, FromTheEnvironment) {
  ::setenv("IDSYNC_TEST_BIND_PASSWORD", kCanary.c_str(), 1);
  auto s = read_secret(config_with({{"bind_password_env", "IDSYNC_TEST_BIND_PASSWORD"}}), "bind_password");
  ::unsetenv("IDSYNC_TEST_BIND_PASSWORD");
  ASSERT_TRUE(s.ok()) << s.status().to_string();
  EXPECT_EQ(*s, kCanary);
  auto missing = read_secret(config_with({{"bind_password_env", "IDSYNC_TEST_BIND_PASSWORD"}}), "bind_password");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("'IDSYNC_TEST_BIND_PASSWORD'"), std::string::npos);
}

TEST_F(SecretsTest, ClearTextAmbiguousMissingOrLinkedSecretsAreRefused) {
  auto clear = read_secret(config_with({{"bind_password", kCanary}}), "bind_password");
  ASSERT_FALSE(clear.ok());
  EXPECT_NE(clear.status().message().find("clear text"), std::string::npos) << clear.status().message();
  EXPECT_FALSE(contains_secret(clear.status().message(), kCanary));
  fs::path f = secret_file(0600);
  auto both = read_secret(config_with({{"bind_password_file", f.string()}, {"bind_password_env", "X"}}), "bind_password");
  EXPECT_FALSE(both.ok());
  EXPECT_FALSE(read_secret(config_with({}), "bind_password").ok());
  fs::path link = tmp_.path() / "link";
  fs::create_symlink(f, link);
  auto linked = read_secret(config_with({{"bind_password_file", link.string()}}), "bind_password");
  EXPECT_FALSE(linked.ok()) << "a symbolic link could point the permission check elsewhere";
}

// Every byte of every file under `dir` (store, WAL, directories, exports) and `extra` texts.
std::string everything_under(const fs::path& dir) {
  std::string all;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file() && e.path().filename().string().rfind("secret", 0) != 0) all += read_text(e.path());
  return all;
}

std::string run(const std::string& cmd) {
  FILE* p = popen((cmd + " 2>&1").c_str(), "r");
  std::string out;
  if (p == nullptr) return out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  pclose(p);
  return out;
}

// The leak check every connector that takes a secret must pass. The file connectors take
// none, so the secret options here ride along in the configuration exactly as an LDAP bind
// password or a SCIM token would; the LDAP and SCIM connectors add their own world (with a
// real server that requires the secret) to this test.
TEST(SecretsLeakTest, ConfiguredSecretsNeverReachStoreHistoryCsexportOrConfigExport) {
  Scenario s;
  standard_setup(s);
  s.set_content("hr", hr_user("u1", "Ann Lee") + hr_user("u2", "Bob Ray"));
  fs::path secret = s.dir() / "secret-token";
  write_text(secret, kCanary + "\n");
  ASSERT_EQ(::chmod(secret.c_str(), 0600), 0);
  ::setenv("IDSYNC_TEST_TOKEN", kCanary.c_str(), 1);
  s.config().connectors[0].options["bind_password_file"] = secret.string();
  s.config().connectors[1].options["token_env"] = "IDSYNC_TEST_TOKEN";
  fs::path config = s.dir() / "config.json";
  write_text(config, write_configuration(s.config()));

  std::string cli = std::string("'") + IDSYNC_CLI_PATH + "' --store '" + s.store_path() + "' ";
  std::string printed;
  for (const std::string& args : {std::string("store create"), "config import '" + config.string() + "'",
                                  std::string("cycle --policy Initial"), std::string("cycle"), std::string("history --json"),
                                  std::string("status"), std::string("connector list"), std::string("config export"),
                                  "config export '" + (s.dir() / "exported.json").string() + "'",
                                  "csexport dir '" + (s.dir() / "dir.xml").string() + "'",
                                  "csexport hr '" + (s.dir() / "hr.xml").string() + "'", std::string("metrics"),
                                  std::string("cs list dir"), std::string("mv list")})
    printed += run(cli + args);
  ::unsetenv("IDSYNC_TEST_TOKEN");
  EXPECT_NE(printed.find("bind_password_file"), std::string::npos) << "the configuration keeps the file's name";
  EXPECT_FALSE(contains_secret(printed, kCanary)) << "the CLI printed the secret";
  EXPECT_FALSE(contains_secret(everything_under(s.dir()), kCanary)) << "a file holds the secret";
  EXPECT_TRUE(fs::exists(s.dir() / "dir.xml"));
}

TEST(StoreFileModeTest, StoreWalShmAndLockAre0600WhateverTheUmask) {
  Scenario s;
  standard_setup(s);
  s.set_content("hr", hr_user("u1", "Ann Lee"));
  mode_t old = ::umask(0);
  ASSERT_TRUE(s.apply().ok());
  s.run("hr", "Full Import");  // the server keeps its connection: -wal and -shm exist now
  ::umask(old);
  for (const char* suffix : {"", "-wal", "-shm", ".lock"}) {
    std::string path = s.store_path() + suffix;
    struct stat st {};
    ASSERT_EQ(::stat(path.c_str(), &st), 0) << path;
    EXPECT_EQ(st.st_mode & 0777, 0600u) << path;
  }
}

}  // namespace
}  // namespace idsync::scenario
