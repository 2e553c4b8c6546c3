// Hostile names: DNs with every RFC 4514 special character, a DN that is not UTF-8, an entry
// that cannot be imported, and the CLI's JSON output for values JSON cannot hold.
#include <sys/wait.h>

#include <cstdio>

#include "idsync/dn.h"
#include "sync/scenario.h"

namespace idsync::scenario {
namespace {

// cn = `#Doe, John+Jr = "Boss" \ <x> ; y ` : every special character, a leading '#' and a
// trailing space.
const std::string kSpecialCn = "#Doe, John+Jr = \"Boss\" \\ <x> ; y ";
const std::string kSpecialRdn = "CN=\\#Doe\\, John\\+Jr = \\\"Boss\\\" \\\\ \\<x\\> \\; y\\ ";

// Every object error of the run history, for failure messages.
std::string write_run(Scenario& s) {
  std::string out;
  auto h = s.server().run_history({});
  if (!h.ok()) return h.status().to_string();
  for (const RunResult& r : *h)
    for (const StepResult& st : r.steps)
      for (const ObjectError& e : st.errors) out += r.connector + " " + st.step_type + ": " + e.dn + ": " + e.message + "\n";
  return out;
}

// Regression: EscapeDNComponent left an '=' raw, and the export refused the DN it built
// ("unescaped '='").
TEST(HostileDnTest, EverySpecialCharacterSurvivesImportProvisioningAndExport) {
  Scenario s;
  standard_setup(s);
  for (SyncRule& r : s.config().rules)
    if (r.name == "Out to DIR - User")
      for (AttributeFlow& f : r.flows)
        if (f.destination == "dn") f.expression = "EscapeDNComponent(\"CN=\" & [cn]) & \",OU=People,DC=dir\"";
  std::string dn = kSpecialRdn + ",OU=People,DC=hr";
  s.set_content("hr", "dn: " + dn + "\nobjectClass: top\nobjectClass: user\nuid: special\ncn: " + kSpecialCn.substr(0, kSpecialCn.size() - 1) +
                          "\nsn: Doe\n\n");
  // An LDIF text value cannot end in a space; give cn in base64 instead.
  std::string content = read_text(s.content_path("hr"));
  std::string cn_line = "cn: " + kSpecialCn.substr(0, kSpecialCn.size() - 1) + "\n";
  content.replace(content.find(cn_line), cn_line.size(), "cn:: " + std::string("I0RvZSwgSm9obitKciA9ICJCb3NzIiBcIDx4PiA7IHkg") + "\n");
  write_text(s.content_path("hr"), content);
  ASSERT_TRUE(s.apply().ok());
  initial_round(s);

  json hr = s.cs("hr", dn);
  ASSERT_FALSE(hr.is_null()) << "the special DN was not imported";
  EXPECT_EQ(hr["hologram"]["cn"][0].get<std::string>(), kSpecialCn);
  auto dir = s.directory("dir");
  ASSERT_EQ(dir.size(), 1u) << s.cs_list("dir").dump() << "\n" << write_run(s);
  const Entry& e = dir.begin()->second;
  EXPECT_EQ(std::string(e.first("cn")), kSpecialCn);
  // The exported DN parses back to the same RDN value.
  auto rdn = parse_rdn(std::string(idsync::rdn(e.dn)));
  ASSERT_TRUE(rdn.ok()) << e.dn << ": " << rdn.status().to_string();
  ASSERT_EQ(rdn->size(), 1u);
  EXPECT_EQ((*rdn)[0].value, kSpecialCn) << e.dn;
  // Running again changes nothing: the DN compares equal to itself after the round trip.
  CycleResult again = s.cycle(CyclePolicy::kDelta);
  for (const RunResult& r : again.runs)
    for (const StepResult& st : r.steps) EXPECT_EQ(counter(st, "export-add") + counter(st, "export-update"), 0u) << r.connector;
}

TEST(HostileDnTest, DnThatIsNotUtf8IsKeptAndHistoryStaysReadable) {
  Scenario s;
  standard_setup(s);
  // "CN=Bad\xff\xfe,OU=People,DC=hr" in base64; the second entry has no anchor (uid): an
  // import error that names an invalid-UTF-8 DN in the run history.
  s.set_content("hr",
                "dn:: Q049QmFk//4sT1U9UGVvcGxlLERDPWhy\nobjectClass: top\nobjectClass: user\nuid: bad\ncn: Bad\nsn: Bad\n\n"
                "dn:: Q049Tm9VaWT/LE9VPVBlb3BsZSxEQz1ocg==\nobjectClass: top\nobjectClass: user\ncn: NoUid\nsn: X\n\n" +
                    hr_user("u1", "Ann Lee"));
  ASSERT_TRUE(s.apply().ok());
  RunResult imp = s.run("hr", "Full Import");
  EXPECT_NE(imp.result, "");
  s.run("hr", "Full Synchronization");
  json bad = s.cs("hr", std::string("CN=Bad\xff\xfe,OU=People,DC=hr"));
  ASSERT_FALSE(bad.is_null()) << "the non-UTF-8 DN was not imported";
  auto history = s.server().run_history({});
  ASSERT_TRUE(history.ok()) << history.status().to_string();
  ASSERT_FALSE(history->empty());
  std::string summary;
  Status check = s.server().check_store(&summary);
  EXPECT_TRUE(check.ok()) << check.to_string();
}

// Regression: `idsync expr --json` aborted (uncaught nlohmann type_error 316) on a value that
// is not UTF-8.
TEST(HostileDnTest, ExprJsonWithInvalidUtf8DoesNotAbort) {
  std::string cmd = std::string("'") + IDSYNC_CLI_PATH + "' expr '[x]' --attr \"$(printf 'x=a\\377')\" --json 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  ASSERT_NE(p, nullptr);
  std::string out;
  char buf[512];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  int status = pclose(p);
  ASSERT_TRUE(WIFEXITED(status)) << out;
  EXPECT_EQ(WEXITSTATUS(status), 0) << out;
  EXPECT_NE(out.find("\"values\":[\"a\xef\xbf\xbd\"]"), std::string::npos) << out;
}

}  // namespace
}  // namespace idsync::scenario
