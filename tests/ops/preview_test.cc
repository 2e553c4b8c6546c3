// idsync preview: the page's content (counts, riskiest first, verdict) and the page itself in
// a real headless Chromium driven through chromedriver: it loads, shows what it should,
// escapes hostile directory data, loads nothing from elsewhere, and its search box filters.
#include "idsync/preview.h"

#include <sstream>

#include "ops/preview_report.h"
#include "ops/webdriver.h"
#include "sync/scenario.h"

namespace idsync::scenario {
namespace {

constexpr const char* kHostileTitle =
    "<script>document.title='pwned'</script><img src=x onerror=\"document.title='pwned'\"> & \"quoted\"";

std::string user_dn(int i) { return "CN=User " + std::to_string(i) + ",OU=People,DC=hr"; }

std::string users(int from, int to) {
  std::string out;
  for (int i = from; i < to; ++i)
    out += hr_user("u" + std::to_string(i), "User " + std::to_string(i),
                   "userPrincipalName: u" + std::to_string(i) + "@hr.example\n");
  return out;
}

// The standard setup plus userPrincipalName flowing from hr to dir.
void setup_with_upn(Scenario& s) {
  standard_setup(s);
  for (ConnectorDefinition& c : s.config().connectors) c.schema.attributes.push_back(attr("userPrincipalName"));
  s.config().metaverse.attributes.push_back(attr("userPrincipalName"));
  for (SyncRule& r : s.config().rules) {
    if (r.name == "In from HR - User") r.flows.push_back(direct("userPrincipalName", "userPrincipalName"));
    if (r.name == "Out to DIR - User") r.flows.push_back(direct("userPrincipalName", "userPrincipalName"));
  }
}

// 160 users and a 120-member group exported to dir; then, on a staging server: 10 deletes,
// 40 member removals from the group, a rename, a UPN change and a hostile title.
class PreviewTest : public ::testing::Test {
 protected:
  void SetUp() override {
    setup_with_upn(s_);
    std::vector<std::string> members;
    for (int i = 0; i < 120; ++i) members.push_back(user_dn(i));
    s_.set_content("hr", users(0, 160) + hr_group("g1", "Big", members));
    ASSERT_TRUE(s_.apply().ok());
    CycleResult initial = s_.cycle(CyclePolicy::kInitial);
    ASSERT_EQ(initial.result, "Success");
    SchedulerSettings staging;
    staging.staging_mode_enabled = true;
    ASSERT_TRUE(s_.server().set_scheduler(staging).ok());
    std::string changes;
    for (int i = 150; i < 160; ++i) changes += "dn: " + user_dn(i) + "\nchangetype: delete\n\n";
    changes += "dn: CN=Big,OU=Groups,DC=hr\nchangetype: modify\ndelete: member\n";
    for (int i = 0; i < 40; ++i) changes += "member: " + user_dn(i) + "\n";
    changes += "-\n\n";
    changes += "dn: " + user_dn(140) + "\nchangetype: modify\nreplace: cn\ncn: Renamed Person\n-\n\n";
    changes += "dn: " + user_dn(141) + "\nchangetype: modify\nreplace: userPrincipalName\nuserPrincipalName: new141@hr.example\n-\n\n";
    changes += "dn: " + user_dn(142) + "\nchangetype: modify\nreplace: title\ntitle: " + kHostileTitle + "\n-\n\n";
    s_.add_changes("hr", changes);
    CycleResult staged = s_.cycle(CyclePolicy::kDelta);
    ASSERT_EQ(staged.result, "Success");
  }

  PreviewRequest request() {
    PreviewRequest r;
    r.store_path = s_.store_path();
    r.connector = "dir";
    return r;
  }

  Scenario s_;
};

TEST(PreviewEscape, EveryHtmlSpecialAndBrokenByteIsEscaped) {
  EXPECT_EQ(html_escape("<a href=\"x\">Tom & Jerry's</a>"), "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;");
  EXPECT_EQ(html_escape(std::string("bad\xff\xfe") + "\x01" + "ok"), "bad\\xFF\\xFE\\x01ok");
  EXPECT_EQ(html_escape("Zoë 日本"), "Zoë 日本");
  EXPECT_EQ(html_escape("\xc0\xaf"), "\\xC0\\xAF") << "overlong encodings are not characters";
}

TEST_F(PreviewTest, ReportCountsEverythingAndListsTheRiskiestFirst) {
  auto report = collect_preview(request());
  ASSERT_TRUE(report.ok()) << report.status().to_string();
  EXPECT_EQ(report->pending, 14u);
  EXPECT_EQ(report->deletes, 10u);
  EXPECT_TRUE(report->staging_mode);
  EXPECT_EQ(report->counts["user"]["Delete"], 10u);
  EXPECT_EQ(report->counts["user"]["Rename"], 1u);
  EXPECT_EQ(report->counts["user"]["Update"], 2u);
  EXPECT_EQ(report->counts["group"]["Update"], 1u);
  EXPECT_EQ(report->risk_counts[Risk::kDelete], 10u);
  EXPECT_EQ(report->risk_counts[Risk::kUpnChange], 1u);
  EXPECT_EQ(report->risk_counts[Risk::kMemberRemovals], 1u);
  EXPECT_EQ(report->risk_counts[Risk::kRename], 1u);
  ASSERT_EQ(report->risky.size(), 13u);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(report->risky[i].risk, Risk::kDelete) << i;
  EXPECT_EQ(report->risky[10].risk, Risk::kUpnChange);
  EXPECT_NE(report->risky[10].risk_detail.find("u141@hr.example to new141@hr.example"), std::string::npos)
      << report->risky[10].risk_detail;
  EXPECT_EQ(report->risky[11].risk, Risk::kMemberRemovals);
  EXPECT_NE(report->risky[11].risk_detail.find("removes 40 of 120 member values"), std::string::npos)
      << report->risky[11].risk_detail;
  EXPECT_EQ(report->risky[12].risk, Risk::kRename);
  EXPECT_EQ(report->rows.size(), 14u);
  EXPECT_EQ(report->rows.back().risk, Risk::kNone);
  EXPECT_TRUE(report->stop_reasons.empty());

  // With a lower threshold the page says the export would stop, and why.
  ASSERT_TRUE(s_.server().set_deletion_threshold(5).ok());
  ASSERT_TRUE(s_.server().set_member_removal_limit(MemberRemovalLimit{true, 30, 0, 100}).ok());
  auto stopping = collect_preview(request());
  ASSERT_TRUE(stopping.ok());
  ASSERT_EQ(stopping->stop_reasons.size(), 2u);
  EXPECT_EQ(stopping->stop_reasons[0], "10 deletes exceed the deletion threshold (5)");
  EXPECT_NE(stopping->stop_reasons[1].find("CN=Big,OU=Groups,DC=dir"), std::string::npos) << stopping->stop_reasons[1];

  // Bounded tables: the riskiest rows stay, the counts still cover everything.
  PreviewRequest small = request();
  small.max_rows = 3;
  small.max_risky = 2;
  auto bounded = collect_preview(small);
  ASSERT_TRUE(bounded.ok());
  EXPECT_EQ(bounded->pending, 14u);
  ASSERT_EQ(bounded->rows.size(), 3u);
  ASSERT_EQ(bounded->risky.size(), 2u);
  for (const PreviewItem& it : bounded->rows) EXPECT_EQ(it.risk, Risk::kDelete);
}

TEST_F(PreviewTest, UnknownConnectorIsNotFound) {
  PreviewRequest r = request();
  r.connector = "nope";
  std::ostringstream out;
  auto stats = write_export_preview(r, out);
  ASSERT_FALSE(stats.ok());
  EXPECT_EQ(stats.status().code(), ErrorCode::kNotFound);
  EXPECT_NE(stats.status().message().find("'nope'"), std::string::npos);
}

TEST_F(PreviewTest, PageInHeadlessChromiumShowsTheExportAndItsSearchFilters) {
  std::string page = (s_.dir() / "preview.html").string();
  auto stats = write_export_preview_file(request(), page);
  ASSERT_TRUE(stats.ok()) << stats.status().to_string();
  EXPECT_EQ(stats->pending, 14u);
  std::string html = read_text(page);
  EXPECT_EQ(html.find("<script>document.title"), std::string::npos) << "hostile markup must arrive escaped";
  EXPECT_EQ(html.find("http://"), std::string::npos);
  EXPECT_EQ(html.find("https://"), std::string::npos);

  idsync::testing::WebDriver browser;
  ASSERT_TRUE(browser.ok()) << browser.error();
  ASSERT_EQ(browser.navigate("file://" + page), "");
  using json = nlohmann::json;
  auto value = [&](const std::string& script) { return browser.execute(script)["value"]; };

  EXPECT_EQ(value("return document.title;"), "IdSync export preview: dir") << "a value ran as script";
  EXPECT_EQ(value("return document.querySelectorAll('script').length;"), 1);
  EXPECT_EQ(value("return document.querySelectorAll('img,[src],[href],link,iframe,object').length;"), 0);
  EXPECT_EQ(value("return performance.getEntriesByType('resource').length;"), 0) << "the page loaded something";
  EXPECT_EQ(value("return document.getElementById('connector').textContent;"), "dir");
  std::string verdict = value("return document.getElementById('verdict').textContent;");
  EXPECT_NE(verdict.find("stays within"), std::string::npos) << verdict;

  // Counts by object type and operation, as the browser shows them.
  json counts = value(
      "return Array.from(document.querySelectorAll('#counts tbody tr')).map(r => "
      "Array.from(r.cells).map(c => c.textContent));");
  EXPECT_EQ(counts, json::parse(R"([["group","0","1","0","0","1"],["user","0","2","1","10","13"],)"
                                R"(["All","0","3","1","10","14"]])"));

  // Riskiest first: deletes, then the UPN change, the large-group removals, the rename.
  json risks = value("return Array.from(document.querySelectorAll('#risky tbody tr')).map(r => r.cells[0].textContent);");
  ASSERT_EQ(risks.size(), 13u);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(risks[i], "delete");
  EXPECT_EQ(risks[10], "UPN change");
  EXPECT_EQ(risks[11], "member removals");
  EXPECT_EQ(risks[12], "rename");

  // The hostile title is shown as text, exactly.
  std::string body = value("return document.getElementById('changes').textContent;");
  EXPECT_NE(body.find(kHostileTitle), std::string::npos) << body.substr(0, 2000);

  const std::string visible =
      "return Array.from(document.querySelectorAll('#changes tbody tr')).filter(r => r.offsetParent !== null)"
      ".map(r => r.cells[3].textContent);";
  EXPECT_EQ(value(visible).size(), 14u);
  EXPECT_EQ(value("return document.getElementById('shown').textContent;"), "14 of 14 rows shown");

  // Typing into the search box filters the rows.
  std::string box = browser.find("#search");
  ASSERT_FALSE(box.empty()) << browser.last_response();
  ASSERT_EQ(browser.type(box, "user 15"), "");
  json shown = value(visible);
  ASSERT_EQ(shown.size(), 10u) << shown.dump();
  for (const auto& dn : shown) EXPECT_EQ(dn.get<std::string>().rfind("CN=User 15", 0), 0u) << dn;
  EXPECT_EQ(value("return document.getElementById('shown').textContent;"), "10 of 14 rows shown");

  ASSERT_EQ(browser.clear(box), "");
  ASSERT_EQ(browser.type(box, "pwned"), "");
  EXPECT_EQ(value(visible), json::array({"CN=User 142,OU=People,DC=dir"}));

  ASSERT_EQ(browser.clear(box), "");
  ASSERT_EQ(browser.type(box, "renamed person"), "");
  EXPECT_EQ(value(visible), json::array({"CN=User 140,OU=People,DC=dir"}));

  ASSERT_EQ(browser.clear(box), "");
  ASSERT_EQ(browser.type(box, "no row has this"), "");
  EXPECT_EQ(value(visible).size(), 0u);
  EXPECT_EQ(value("return document.getElementById('shown').textContent;"), "0 of 14 rows shown");
}

}  // namespace
}  // namespace idsync::scenario
