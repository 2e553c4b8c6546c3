// `idsync expr`, the real binary (IDSYNC_CLI_PATH): output format, --attr / --param, --json,
// and errors on stderr with a non-zero exit code.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace idsync::expr::testing {
namespace {

struct CliResult {
  int code = -1;
  std::string out, err;
};

std::string quote(const std::string& arg) {
  std::string q = "'";
  for (char c : arg) {
    if (c == '\'') q += "'\\''";
    else q.push_back(c);
  }
  return q + "'";
}

CliResult idsync_expr(const std::vector<std::string>& args) {
  auto err_file = std::filesystem::temp_directory_path() / ("idsync-expr-cli-" + std::to_string(::getpid()) + ".err");
  std::string cmd = quote(IDSYNC_CLI_PATH) + " expr";
  for (const std::string& a : args) cmd += " " + quote(a);
  cmd += " 2>" + quote(err_file.string());
  CliResult r;
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return r;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  int status = pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream in(err_file);
  std::stringstream s;
  s << in.rdbuf();
  r.err = s.str();
  std::filesystem::remove(err_file);
  return r;
}

class ExprCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(std::filesystem::exists(IDSYNC_CLI_PATH)) << IDSYNC_CLI_PATH << " is missing: build the idsync target";
  }
};

TEST_F(ExprCommand, PrintsEachValueOnItsOwnLine) {
  CliResult r = idsync_expr({"IIF(IsPresent([userPrincipalName]),[userPrincipalName],[sAMAccountName]&\"@\"&%Domain.FQDN%)",
                             "--attr", "sAMAccountName=jdoe", "--param", "Domain.FQDN=contoso.com"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "jdoe@contoso.com\n");
  // A repeated --attr makes a multi-valued attribute; functions apply per value.
  r = idsync_expr({"Trim([proxyAddresses])", "--attr", "proxyAddresses= SMTP:a@x ", "--attr", "proxyAddresses=smtp:b@x"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "SMTP:a@x\nsmtp:b@x\n");
  EXPECT_EQ(idsync_expr({"\"\""}).out, "\n");        // an empty string is an empty line
  EXPECT_EQ(idsync_expr({"NULL"}).out, "");          // null prints nothing
  EXPECT_EQ(idsync_expr({"[absent]"}).out, "");      // so does an absent attribute
  EXPECT_EQ(idsync_expr({"1 = 1"}).out, "True\n");   // booleans as True / False
  EXPECT_EQ(idsync_expr({"2 > 3"}).out, "False\n");
  EXPECT_EQ(idsync_expr({"&HFF - 256"}).out, "-1\n");  // numbers in decimal
}

TEST_F(ExprCommand, JsonPrintsTypeAndValues) {
  CliResult r = idsync_expr({"Trim([p])", "--attr", "p= a ", "--attr", "p=b", "--json"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "{\"multiValued\":true,\"type\":\"string\",\"values\":[\"a\",\"b\"]}\n");
  EXPECT_EQ(idsync_expr({"Len(\"abc\")", "--json"}).out, "{\"multiValued\":false,\"type\":\"number\",\"values\":[3]}\n");
  EXPECT_EQ(idsync_expr({"NULL", "--json"}).out, "{\"multiValued\":false,\"type\":\"null\",\"values\":[]}\n");
}

TEST_F(ExprCommand, ErrorsGoToStderrWithANonZeroExit) {
  CliResult r = idsync_expr({"Error(\"AccountName is required\")"});
  EXPECT_EQ(r.code, 3);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "idsync: sync-rule-error-function-triggered: AccountName is required\n");
  r = idsync_expr({"IIF(True, 1"});
  EXPECT_EQ(r.code, 3);
  EXPECT_EQ(r.err, "idsync: column 12: expected ',' or ')' after argument 2 of IIF, found the end of the expression\n");
  r = idsync_expr({"[x] + 1", "--attr", "x=abc"});
  EXPECT_EQ(r.code, 3);
  EXPECT_NE(r.err.find("sync-rule-error-type-mismatch-exception"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace idsync::expr::testing
