// Attribute flow: projection, precedence between connectors, merge types, NULL /
// AuthoritativeNull / IgnoreThisFlow, execute-once.
#include "scenario.h"

namespace idsync::scenario {
namespace {

const std::string kAnn = "CN=Ann Lee,OU=People,DC=hr";
const std::string kAdAnn = "CN=ann,OU=Staff,DC=ad";

std::vector<SchemaAttribute> ad_schema() {
  return {attr("adId"), attr("objectClass", AttrType::kString, true), attr("cn"), attr("employeeID"),
          attr("title"), attr("description"), attr("proxyAddresses", AttrType::kString, true)};
}

class FlowTest : public ::testing::Test {
 protected:
  void SetUp() override {
    standard_setup(s_);
    s_.add_ldif("ad", "adId", ad_schema());
    // hr carries proxyAddresses too, for the merge tests.
    for (SyncRule& r : s_.config().rules)
      if (r.name == "In from HR - User") hr_rule_ = &r;
  }

  // The ad rule: joins Ann by employeeID, precedence 50 (beats hr's 100).
  SyncRule ad_rule(std::vector<AttributeFlow> flows, int precedence = 50) {
    SyncRule r = rule("In from AD - User", Direction::kInbound, "ad", "user", "person", LinkType::kJoin, precedence);
    r.joins = {join_on("employeeID", "employeeID")};
    r.flows = std::move(flows);
    return r;
  }

  void set_ad(const std::string& extra) {
    s_.set_content("ad", "dn: " + kAdAnn + "\nobjectClass: user\nadId: a1\ncn: ann\nemployeeID: E1\n" + extra + "\n");
  }

  void sync_all() {
    s_.run("hr", "Full Import");
    s_.run("hr", "Full Synchronization");
    s_.run("ad", "Full Import");
    s_.run("ad", "Full Synchronization");
  }

  json ann() { return s_.mv_of("hr", kAnn); }

  Scenario s_;
  SyncRule* hr_rule_ = nullptr;
};

TEST_F(FlowTest, ProjectionCreatesTheMvObjectWithItsFlows) {
  s_.set_content("hr", hr_user("u1", "Ann Lee", "title: Clerk\nemployeeID: E1\n"));
  ASSERT_TRUE(s_.apply().ok());
  s_.run("hr", "Full Import");
  RunResult sync = s_.run("hr", "Full Synchronization");
  EXPECT_EQ(counter(sync.steps[0], "projected"), 1u);
  json mv = ann();
  ASSERT_FALSE(mv.is_null());
  EXPECT_EQ(mv["objectType"], "person");
  EXPECT_EQ(mv_value(mv, "uid"), "u1");
  EXPECT_EQ(mv_value(mv, "title"), "Clerk");
  EXPECT_EQ(mv_value(mv, "displayName"), "Ann Lee");
  EXPECT_FALSE(mv["attributes"].contains("department"));  // absent source: NULL, nothing flows
  ASSERT_EQ(mv["connectors"].size(), 2u);                   // hr, and the provisioned dir object
}

TEST_F(FlowTest, LowerPrecedenceNumberWinsAndTheLowerOneTakesOverWhenTheSourceDisappears) {
  s_.set_content("hr", hr_user("u1", "Ann Lee", "title: Clerk\nemployeeID: E1\n"));
  set_ad("title: Engineer\n");
  s_.add_rule(ad_rule({direct("title", "title")}));
  ASSERT_TRUE(s_.apply().ok());
  sync_all();
  EXPECT_EQ(mv_value(ann(), "title"), "Engineer");
  // The order the connectors are synchronized in does not matter: hr again changes nothing.
  s_.run("hr", "Full Synchronization");
  EXPECT_EQ(mv_value(ann(), "title"), "Engineer");

  // ad's title is removed: NULL contributes nothing, hr's value wins.
  set_ad("");
  s_.run("ad", "Full Import");
  s_.run("ad", "Delta Synchronization");
  EXPECT_EQ(mv_value(ann(), "title"), "Clerk");

  // Back, then the ad object disappears altogether.
  set_ad("title: Engineer\n");
  s_.run("ad", "Full Import");
  s_.run("ad", "Delta Synchronization");
  EXPECT_EQ(mv_value(ann(), "title"), "Engineer");
  s_.set_content("ad", "");
  s_.run("ad", "Full Import");
  s_.run("ad", "Delta Synchronization");
  EXPECT_EQ(mv_value(ann(), "title"), "Clerk");
  EXPECT_EQ(ann()["connectors"].size(), 2u);
}

TEST_F(FlowTest, MergeTypes) {
  hr_rule_->flows.push_back(direct("proxyAddresses", "proxyAddresses", MergeType::kMergeCaseInsensitive));
  hr_rule_->flows.push_back(direct("description", "description", MergeType::kMerge));
  s_.set_content("hr", hr_user("u1", "Ann Lee", "employeeID: E1\ndescription: hr\n"
                                                "proxyAddresses: SMTP:ann@x\nproxyAddresses: smtp:lee@x\n"));
  set_ad("description: ad\nproxyAddresses: smtp:ANN@x\nproxyAddresses: smtp:a@ad\ntitle: T\n");
  s_.add_rule(ad_rule({direct("proxyAddresses", "proxyAddresses", MergeType::kMergeCaseInsensitive),
                       direct("description", "description", MergeType::kMerge), direct("title", "title")}));
  ASSERT_TRUE(s_.apply().ok());
  // description is single-valued in the metaverse: make a multi-valued merge target.
  sync_all();
  json mv = ann();
  auto proxies = mv_values(mv, "proxyAddresses");
  std::set<std::string> lower;
  for (const std::string& p : proxies) lower.insert(to_lower_ascii(p));
  EXPECT_EQ(proxies.size(), 3u) << mv.dump(2);  // smtp:ann@x once, whatever its case
  EXPECT_EQ(lower, (std::set<std::string>{"smtp:ann@x", "smtp:lee@x", "smtp:a@ad"}));
  EXPECT_EQ(mv_value(mv, "title"), "T");  // Update
}

TEST_F(FlowTest, MergeKeepsCaseDifferencesAndMergeCaseInsensitiveDropsThem) {
  s_.config().metaverse.attributes.push_back(attr("otherMailbox", AttrType::kString, true));
  hr_rule_->flows.push_back(direct("proxyAddresses", "proxyAddresses", MergeType::kMerge));
  hr_rule_->flows.push_back(direct("proxyAddresses", "otherMailbox", MergeType::kMergeCaseInsensitive));
  s_.set_content("hr", hr_user("u1", "Ann Lee", "employeeID: E1\nproxyAddresses: SMTP:ann@x\n"));
  set_ad("proxyAddresses: smtp:ann@x\n");
  s_.add_rule(ad_rule({direct("proxyAddresses", "proxyAddresses", MergeType::kMerge),
                       direct("proxyAddresses", "otherMailbox", MergeType::kMergeCaseInsensitive)}));
  ASSERT_TRUE(s_.apply().ok());
  sync_all();
  EXPECT_EQ(mv_values(ann(), "proxyAddresses").size(), 2u);
  EXPECT_EQ(mv_values(ann(), "otherMailbox").size(), 1u);
}

TEST_F(FlowTest, NullContributesNothingAuthoritativeNullRemovesAndBlocks) {
  s_.set_content("hr", hr_user("u1", "Ann Lee", "title: Clerk\ndepartment: Sales\nemployeeID: E1\n"));
  set_ad("description: keep\n");
  s_.add_rule(ad_rule({
      // NULL: the lower-precedence hr value flows.
      expression("title", "IIF([description] = \"wipe\", \"never\", NULL)", {"description"}),
      // AuthoritativeNull: removes department although hr has one.
      expression("department", "IIF([description] = \"keep\", AuthoritativeNull, NULL)", {"description"}),
  }));
  ASSERT_TRUE(s_.apply().ok());
  sync_all();
  json mv = ann();
  EXPECT_EQ(mv_value(mv, "title"), "Clerk");
  EXPECT_FALSE(mv["attributes"].contains("department")) << mv.dump(2);
  // AuthoritativeNull no longer produced: hr's department is back.
  set_ad("description: other\n");
  s_.run("ad", "Full Import");
  s_.run("ad", "Delta Synchronization");
  EXPECT_EQ(mv_value(ann(), "department"), "Sales");
}

TEST_F(FlowTest, IgnoreThisFlowNeitherSetsNorRemovesOutbound) {
  // Outbound description: the MV value when present, else IgnoreThisFlow.
  for (SyncRule& r : s_.config().rules)
    if (r.name == "Out to DIR - User")
      r.flows.push_back(expression("description", "IIF(IsPresent([description]), [description], IgnoreThisFlow)",
                                   {"description"}));
  hr_rule_->flows.push_back(direct("description", "description"));
  s_.set_content("hr", hr_user("u1", "Ann Lee"));
  ASSERT_TRUE(s_.apply().ok());
  initial_round(s_);
  const std::string target = normalized("CN=Ann Lee,OU=People,DC=dir");
  EXPECT_TRUE(s_.directory("dir")[target].find("description") == nullptr);
  // Someone sets description in the target: IgnoreThisFlow leaves it alone.
  s_.add_changes("dir", "dn: CN=Ann Lee,OU=People,DC=dir\nchangetype: modify\nreplace: description\ndescription: by hand\n-\n\n");
  s_.run("dir", "Delta Import");
  s_.run("dir", "Delta Synchronization");
  s_.run("hr", "Full Synchronization");
  json o = s_.cs("dir", "CN=Ann Lee,OU=People,DC=dir");
  EXPECT_EQ(o["pendingExport"], "none") << o.dump(2);
  s_.run("dir", "Export");
  EXPECT_EQ(first_value(s_.directory("dir")[target], "description"), "by hand");
  // Once the MV has a value, it flows.
  s_.set_content("hr", hr_user("u1", "Ann Lee", "description: from hr\n"));
  s_.run("hr", "Full Import");
  s_.run("hr", "Delta Synchronization");
  s_.run("dir", "Export");
  EXPECT_EQ(first_value(s_.directory("dir")[target], "description"), "from hr");
}

TEST_F(FlowTest, ExecuteOnceFlowsOnlyTheFirstTime) {
  AttributeFlow once = direct("title", "description");
  once.execute_once = true;
  hr_rule_->flows.push_back(once);
  // Outbound: the target's mail is set once from the MV.
  for (SyncRule& r : s_.config().rules)
    if (r.name == "Out to DIR - User")
      for (AttributeFlow& f : r.flows)
        if (f.destination == "mail") f.execute_once = true;
  s_.set_content("hr", hr_user("u1", "Ann Lee", "title: Clerk\nmail: ann@x\n"));
  ASSERT_TRUE(s_.apply().ok());
  initial_round(s_);
  EXPECT_EQ(mv_value(ann(), "description"), "Clerk");
  const std::string target = normalized("CN=Ann Lee,OU=People,DC=dir");
  EXPECT_EQ(first_value(s_.directory("dir")[target], "mail"), "ann@x");

  s_.set_content("hr", hr_user("u1", "Ann Lee", "title: Boss\nmail: lee@x\n"));
  s_.run("hr", "Full Import");
  s_.run("hr", "Delta Synchronization");
  json mv = ann();
  EXPECT_EQ(mv_value(mv, "title"), "Boss");
  EXPECT_EQ(mv_value(mv, "description"), "Clerk");  // executed once
  EXPECT_EQ(mv_value(mv, "mail"), "lee@x");
  s_.run("dir", "Export");
  EXPECT_EQ(first_value(s_.directory("dir")[target], "mail"), "ann@x");
}

}  // namespace
}  // namespace idsync::scenario
