// Bad input: malformed JSON, answers of the wrong shape, a wrong token, an unreachable server,
// bad options. Each gives a clear error naming the URL / object and what to do, never the
// secret, and nothing is lost (the server is left as it was).
#include "scim_server.h"

namespace idsync::scimtest {
namespace {

class ScimBadInputTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(server.ok()) << server.error(); }
  ScimServer server;
};

TEST_F(ScimBadInputTest, MalformedJsonNamesTheUrlAndStopsTheImport) {
  server.create("Users", user_json("a@c.com", "ext-a"));
  auto c = make_connector(server.options());
  ASSERT_NE(c, nullptr);
  ASSERT_TRUE(c->discover_schema().ok());
  server.faults({{"malformed", 1}});
  Collector sink;
  std::string watermark = "unchanged";
  Status s = c->full_import(sink, watermark);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), ErrorCode::kParseError) << s.to_string();
  EXPECT_NE(s.message().find(server.base_url() + "/Users"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("not a JSON object"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("base_url"), std::string::npos) << s.message();
  EXPECT_EQ(watermark, "unchanged") << "a failed import keeps the old watermark";
  // The next import works: nothing was lost.
  Collector again;
  ASSERT_TRUE(c->full_import(again, watermark).ok());
  EXPECT_EQ(again.changes.size(), 1u);
}

TEST_F(ScimBadInputTest, AnAnswerOfTheWrongShapeIsAnErrorNotAnEmptyDirectory) {
  server.create("Users", user_json("a@c.com", "ext-a"));
  auto c = make_connector(server.options());
  ASSERT_NE(c, nullptr);
  ASSERT_TRUE(c->discover_schema().ok());
  server.faults({{"unexpectedSchema", 1}});
  Collector sink;
  std::string watermark;
  Status s = c->full_import(sink, watermark);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("not a SCIM ListResponse"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("/Users"), std::string::npos) << s.message();
  EXPECT_TRUE(sink.changes.empty());
}

TEST_F(ScimBadInputTest, AServiceProviderConfigOfTheWrongShapeIsRefused) {
  server.faults({{"unexpectedSchema", 1}});
  auto c = make_connector(server.options());
  ASSERT_NE(c, nullptr);
  auto schema = c->discover_schema();
  ASSERT_FALSE(schema.ok());
  EXPECT_NE(schema.status().message().find("ServiceProviderConfig"), std::string::npos) << schema.status().message();
  EXPECT_NE(schema.status().message().find("base_url"), std::string::npos);
}

TEST_F(ScimBadInputTest, AWrongTokenIs401WithAHintAndTheTokenIsNeverShown) {
  fs::path wrong = server.dir() / "wrong-token";
  {
    std::ofstream out(wrong);
    out << "not-the-right-SECRET-value\n";
  }
  fs::permissions(wrong, fs::perms::owner_read | fs::perms::owner_write);
  auto options = server.options();
  options["token_file"] = wrong.string();
  auto c = make_connector(options);
  ASSERT_NE(c, nullptr);
  Collector sink;
  std::string watermark;
  Status s = c->full_import(sink, watermark);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("401"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("token_file"), std::string::npos) << s.message();
  EXPECT_EQ(s.message().find("not-the-right-SECRET-value"), std::string::npos) << s.message();
  EXPECT_EQ(s.message().find(server.token()), std::string::npos);
  // Export: each object fails with the same clear error; the server is untouched.
  EntryChange add;
  add.kind = ChangeKind::kAdd;
  add.object_type = "user";
  add.dn = dn_for("x");
  add.attributes = {{"sourceAnchor", {"x"}}, {"userPrincipalName", {"x@c.com"}}};
  Status b = c->begin_export();
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.message().find("401"), std::string::npos);
  EXPECT_EQ(server.state()["Users"].size(), 0u);
}

TEST_F(ScimBadInputTest, TheTokenCanComeFromTheEnvironment) {
  setenv("IDSYNC_SCIM_TEST_TOKEN", server.token().c_str(), 1);
  auto options = server.options();
  options.erase("token_file");
  options["token_env"] = "IDSYNC_SCIM_TEST_TOKEN";
  auto c = make_connector(options);
  ASSERT_NE(c, nullptr);
  EXPECT_TRUE(c->discover_schema().ok());
  unsetenv("IDSYNC_SCIM_TEST_TOKEN");
  ConnectorRegistry registry;
  register_scim_connector(registry);
  auto missing = registry.create(ConnectorConfig{"cloud", "scim", options, {}});
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("IDSYNC_SCIM_TEST_TOKEN"), std::string::npos)
      << missing.status().message();
}

TEST(ScimOptions, BadOptionsAreRefusedByName) {
  ConnectorRegistry registry;
  register_scim_connector(registry);
  auto make = [&](std::map<std::string, std::string> options) {
    return registry.create(ConnectorConfig{"cloud", "scim", std::move(options), {}});
  };
  auto no_url = make({{"token_env", "HOME"}});
  ASSERT_FALSE(no_url.ok());
  EXPECT_NE(no_url.status().message().find("base_url"), std::string::npos);
  auto no_auth = make({{"base_url", "https://127.0.0.1:1/scim"}});
  ASSERT_FALSE(no_auth.ok());
  EXPECT_NE(no_auth.status().message().find("token_file"), std::string::npos);
  auto tls_off = make({{"base_url", "https://127.0.0.1:1/scim"}, {"token_env", "HOME"}, {"tls_verify", "false"}});
  ASSERT_FALSE(tls_off.ok());
  EXPECT_NE(tls_off.status().message().find("insecure"), std::string::npos);
  auto concurrency = make({{"base_url", "https://127.0.0.1:1/scim"}, {"token_env", "HOME"}, {"concurrency", "lots"}});
  ASSERT_FALSE(concurrency.ok());
  EXPECT_NE(concurrency.status().message().find("concurrency"), std::string::npos);
  auto mapping = make({{"base_url", "https://127.0.0.1:1/scim"}, {"token_env", "HOME"},
                       {"user_attribute_map", "mail=emails[primary eq true].value"}});
  ASSERT_FALSE(mapping.ok());
  EXPECT_NE(mapping.status().message().find("user_attribute_map"), std::string::npos) << mapping.status().message();
}

TEST(ScimUnreachable, NoServerIsAnIoErrorNamingTheUrl) {
  // A port nothing listens on: bind one, note it, close it.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  std::string url = "http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port)) + "/scim";
  setenv("IDSYNC_SCIM_TEST_TOKEN", "x", 1);
  auto c = make_connector({{"base_url", url}, {"token_env", "IDSYNC_SCIM_TEST_TOKEN"}, {"max_attempts", "2"},
                           {"backoff_initial_ms", "10"}});
  ASSERT_NE(c, nullptr);
  Collector sink;
  std::string watermark;
  Status s = c->full_import(sink, watermark);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), ErrorCode::kIoError);
  EXPECT_NE(s.message().find(url), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("reachable"), std::string::npos) << s.message();
}

}  // namespace
}  // namespace idsync::scimtest
