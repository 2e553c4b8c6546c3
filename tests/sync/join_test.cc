// Join: exactly one match joins; zero or several fall through to the next group; no match
// with a Provision rule projects; two objects of one connector on one MV object is an
// "ambiguous" error and the run goes on.
#include "scenario.h"

namespace idsync::scenario {
namespace {

std::vector<SchemaAttribute> ad_schema() {
  return {attr("adId"), attr("objectClass", AttrType::kString, true), attr("cn"), attr("employeeID"),
          attr("mail"), attr("department"), attr("title"), attr("description"),
          attr("proxyAddresses", AttrType::kString, true)};
}

std::string ad_user(const std::string& id, const std::string& cn, const std::string& extra = "") {
  return "dn: CN=" + cn + ",OU=Staff,DC=ad\nobjectClass: user\nadId: " + id + "\ncn: " + cn + "\n" + extra + "\n";
}

class JoinTest : public ::testing::Test {
 protected:
  void SetUp() override {
    standard_setup(s_, /*with_target=*/false);
    s_.add_ldif("ad", "adId", ad_schema());
    s_.set_content("hr", hr_user("u1", "Ann Lee", "employeeID: E1\ndepartment: Sales\nmail: ann@x\n") +
                             hr_user("u2", "Bob Ray", "employeeID: E2\ndepartment: Sales\nmail: bob@x\n") +
                             hr_user("u3", "Cid Kay", "employeeID: E3\ndepartment: Legal\n"));
  }

  // The ad inbound rule; flows cn → description so that joined objects are visible.
  SyncRule ad_rule(LinkType link, std::vector<JoinGroup> joins) {
    SyncRule r = rule("In from AD - User", Direction::kInbound, "ad", "user", "person", link, 90);
    r.joins = std::move(joins);
    r.flows = {direct("cn", "description")};
    return r;
  }

  JoinGroup on(std::vector<std::pair<std::string, std::string>> pairs) {
    JoinGroup g;
    for (auto& [cs, mv] : pairs) g.conditions.push_back(JoinCondition{cs, mv, false});
    return g;
  }

  void hr_round() {
    s_.run("hr", "Full Import");
    s_.run("hr", "Full Synchronization");
  }

  RunResult ad_round() {
    s_.run("ad", "Full Import");
    return s_.run("ad", "Full Synchronization");
  }

  uint64_t mv_id(const std::string& connector, const std::string& dn) {
    json o = s_.cs(connector, dn);
    return o.is_null() ? 0 : o["mvObjectId"].get<uint64_t>();
  }

  Scenario s_;
};

TEST_F(JoinTest, ExactlyOneMatchJoins) {
  s_.add_rule(ad_rule(LinkType::kJoin, {on({{"employeeID", "employeeID"}})}));
  s_.set_content("ad", ad_user("a1", "ann.lee", "employeeID: e1\n") + ad_user("a9", "nobody", "employeeID: E9\n"));
  ASSERT_TRUE(s_.apply().ok());
  hr_round();
  RunResult sync = ad_round();
  EXPECT_EQ(counter(sync.steps[0], "joined"), 1u);
  EXPECT_EQ(counter(sync.steps[0], "projected"), 0u);
  EXPECT_EQ(counter(sync.steps[0], "disconnector"), 1u);
  uint64_t ann = mv_id("hr", "CN=Ann Lee,OU=People,DC=hr");
  EXPECT_NE(ann, 0u);
  EXPECT_EQ(mv_id("ad", "CN=ann.lee,OU=Staff,DC=ad"), ann);  // join values compare case-insensitively
  EXPECT_EQ(mv_id("ad", "CN=nobody,OU=Staff,DC=ad"), 0u);     // Join link type: no projection
  EXPECT_EQ(mv_value(s_.mv(ann), "description"), "ann.lee");
  EXPECT_EQ(s_.mv_list("person").size(), 3u);
}

TEST_F(JoinTest, NoMatchFallsThroughToTheNextGroupThenProjects) {
  s_.add_rule(ad_rule(LinkType::kProvision, {on({{"mail", "mail"}}), on({{"employeeID", "employeeID"}})}));
  s_.set_content("ad", ad_user("a2", "bob.ray", "mail: bob.ray@elsewhere\nemployeeID: E2\n") +
                           ad_user("a7", "newcomer", "mail: new@x\nemployeeID: E7\n") + ad_user("a8", "novalue"));
  ASSERT_TRUE(s_.apply().ok());
  hr_round();
  RunResult sync = ad_round();
  EXPECT_EQ(counter(sync.steps[0], "joined"), 1u);
  EXPECT_EQ(counter(sync.steps[0], "projected"), 1u);
  EXPECT_EQ(mv_id("ad", "CN=bob.ray,OU=Staff,DC=ad"), mv_id("hr", "CN=Bob Ray,OU=People,DC=hr"));
  uint64_t projected = mv_id("ad", "CN=newcomer,OU=Staff,DC=ad");
  ASSERT_NE(projected, 0u);
  json mv = s_.mv(projected);
  EXPECT_EQ(mv["objectType"], "person");
  EXPECT_EQ(mv_value(mv, "description"), "newcomer");
  // No join attribute has a value: not projected (it could never be found again).
  EXPECT_EQ(mv_id("ad", "CN=novalue,OU=Staff,DC=ad"), 0u);
  EXPECT_EQ(s_.mv_list("person").size(), 4u);
}

TEST_F(JoinTest, SeveralMatchesFallThroughToTheNextGroup) {
  // Group 1 (department) matches Ann and Bob; group 2 (department AND mail) only Bob.
  s_.add_rule(ad_rule(LinkType::kJoin, {on({{"department", "department"}}),
                                        on({{"department", "department"}, {"mail", "mail"}})}));
  s_.set_content("ad", ad_user("a2", "bob", "department: SALES\nmail: bob@x\n") +
                           ad_user("a5", "ghost", "department: Sales\nmail: ghost@x\n"));
  ASSERT_TRUE(s_.apply().ok());
  hr_round();
  RunResult sync = ad_round();
  EXPECT_EQ(counter(sync.steps[0], "joined"), 1u);
  EXPECT_EQ(mv_id("ad", "CN=bob,OU=Staff,DC=ad"), mv_id("hr", "CN=Bob Ray,OU=People,DC=hr"));
  EXPECT_EQ(mv_id("ad", "CN=ghost,OU=Staff,DC=ad"), 0u);  // several, then none: stays a disconnector
}

TEST_F(JoinTest, TwoObjectsOfOneConnectorOnOneMvObjectIsAnAmbiguousErrorAndTheRunGoesOn) {
  s_.add_rule(ad_rule(LinkType::kJoin, {on({{"employeeID", "employeeID"}})}));
  s_.set_content("ad", ad_user("a1", "ann1", "employeeID: E1\n") + ad_user("a2", "ann2", "employeeID: E1\n") +
                           ad_user("a3", "cid", "employeeID: E3\n"));
  ASSERT_TRUE(s_.apply().ok());
  hr_round();
  RunResult sync = ad_round();
  ASSERT_EQ(sync.steps.size(), 1u);
  EXPECT_EQ(sync.result, "completed-sync-errors");
  EXPECT_EQ(counter(sync.steps[0], "joined"), 2u);  // ann1 and cid
  ASSERT_EQ(sync.steps[0].error_count, 1u);
  const ObjectError& e = sync.steps[0].errors.at(0);
  EXPECT_EQ(normalized(e.dn), normalized("CN=ann2,OU=Staff,DC=ad"));
  EXPECT_NE(e.error_type.find("ambiguous"), std::string::npos) << e.error_type;
  EXPECT_NE(e.message.find("CN=ann1,OU=Staff,DC=ad"), std::string::npos) << e.message;
  EXPECT_EQ(mv_id("ad", "CN=ann1,OU=Staff,DC=ad"), mv_id("hr", "CN=Ann Lee,OU=People,DC=hr"));
  EXPECT_EQ(mv_id("ad", "CN=ann2,OU=Staff,DC=ad"), 0u);
  EXPECT_EQ(mv_id("ad", "CN=cid,OU=Staff,DC=ad"), mv_id("hr", "CN=Cid Kay,OU=People,DC=hr"));
  json ann2 = s_.cs("ad", "CN=ann2,OU=Staff,DC=ad");
  EXPECT_NE(ann2.value("error", "").find("ambiguous"), std::string::npos) << ann2.dump(2);
  // The history keeps it.
  auto history = s_.server().run_history(RunHistoryQuery{"ad", "", 0, 1});
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 1u);
  EXPECT_EQ((*history)[0].result, "completed-sync-errors");
  EXPECT_EQ((*history)[0].steps.at(0).errors.size(), 1u);
}

TEST_F(JoinTest, JoinIsDecidedOnceNoDisjoinWhileInScope) {
  s_.add_rule(ad_rule(LinkType::kJoin, {on({{"employeeID", "employeeID"}})}));
  s_.set_content("ad", ad_user("a1", "ann", "employeeID: E1\n"));
  ASSERT_TRUE(s_.apply().ok());
  hr_round();
  ad_round();
  uint64_t ann = mv_id("hr", "CN=Ann Lee,OU=People,DC=hr");
  ASSERT_EQ(mv_id("ad", "CN=ann,OU=Staff,DC=ad"), ann);
  // The join value changes to Bob's: the object stays joined to Ann.
  s_.set_content("ad", ad_user("a1", "ann", "employeeID: E2\n"));
  ad_round();
  EXPECT_EQ(mv_id("ad", "CN=ann,OU=Staff,DC=ad"), ann);
}

}  // namespace
}  // namespace idsync::scenario
