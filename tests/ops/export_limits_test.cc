// Export safety limits: the deletion threshold by count and by percentage (at the boundary),
// and the group member-removal limit (count, percentage, minimum group size). When a limit
// trips, nothing of that connector is exported and the result names what tripped.
#include "idsync/export_limits.h"

#include "sync/scenario.h"

namespace idsync::scenario {
namespace {

std::string users(int from, int to) {
  std::string out;
  for (int i = from; i < to; ++i) out += hr_user("u" + std::to_string(i), "User " + std::to_string(i));
  return out;
}

std::string user_dn(int i) { return "CN=User " + std::to_string(i) + ",OU=People,DC=hr"; }

std::vector<std::string> user_dns(int from, int to) {
  std::vector<std::string> out;
  for (int i = from; i < to; ++i) out.push_back(user_dn(i));
  return out;
}

void delete_users(Scenario& s, int from, int to) {
  std::string changes;
  for (int i = from; i < to; ++i) changes += "dn: " + user_dn(i) + "\nchangetype: delete\n\n";
  s.add_changes("hr", changes);
}

void remove_members(Scenario& s, const std::string& group_cn, int from, int to) {
  std::string change = "dn: CN=" + group_cn + ",OU=Groups,DC=hr\nchangetype: modify\ndelete: member\n";
  for (int i = from; i < to; ++i) change += "member: " + user_dn(i) + "\n";
  s.add_changes("hr", change + "-\n\n");
}

size_t members_in_dir(Scenario& s, const std::string& group_cn) {
  auto dir = s.directory("dir");
  auto it = dir.find(normalized("CN=" + group_cn + ",OU=Groups,DC=dir"));
  if (it == dir.end()) return SIZE_MAX;
  size_t n = 0;
  for (const Attribute& a : it->second.attributes)
    if (iequals(a.name, "member")) n = a.values.size();
  return n;
}

const RunResult* export_run(const CycleResult& c, const std::string& connector) {
  for (const RunResult& r : c.runs)
    if (r.connector == connector && r.run_profile == "Export") return &r;
  return nullptr;
}

TEST(ExportLimits, ArithmeticAtTheBoundaries) {
  DeletionThreshold t;
  EXPECT_EQ(t.prevention, DeletionPrevention::kEnabledForCount);
  EXPECT_EQ(t.count, 500u);
  EXPECT_FALSE(deletion_threshold_exceeded(t, 500, 1000));
  EXPECT_TRUE(deletion_threshold_exceeded(t, 501, 1000));
  t.prevention = DeletionPrevention::kEnabledForPercentage;
  t.percentage = 10;
  EXPECT_FALSE(deletion_threshold_exceeded(t, 100, 1000));
  EXPECT_TRUE(deletion_threshold_exceeded(t, 101, 1000));
  EXPECT_FALSE(deletion_threshold_exceeded(t, 0, 0));
  t.prevention = DeletionPrevention::kDisabled;
  EXPECT_FALSE(deletion_threshold_exceeded(t, 1'000'000, 1'000'000));

  MemberRemovalLimit l;  // 500, 50 %, groups of at least 100
  EXPECT_FALSE(member_removal_limit_exceeded(l, 500, 100'000));
  EXPECT_TRUE(member_removal_limit_exceeded(l, 501, 100'000));
  EXPECT_FALSE(member_removal_limit_exceeded(l, 100, 200));
  EXPECT_TRUE(member_removal_limit_exceeded(l, 101, 200));
  EXPECT_FALSE(member_removal_limit_exceeded(l, 99, 99)) << "a small group may be emptied";
  l.enabled = false;
  EXPECT_FALSE(member_removal_limit_exceeded(l, 100'000, 100'000));
}

TEST(ExportLimits, JsonUsesTheAdSyncNamesAndReadsTheOlderCountForm) {
  DeletionThreshold t{DeletionPrevention::kEnabledForPercentage, 500, 15};
  json j = json::parse(deletion_threshold_to_json(t));
  EXPECT_EQ(j["DeletionPrevention"], "EnabledForPercentage");
  EXPECT_EQ(j["ThresholdPercentage"], 15);
  EXPECT_EQ(j["ThresholdCount"], 500);
  auto back = deletion_threshold_from_json(j.dump());
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, t);
  auto old = deletion_threshold_from_json("42");
  ASSERT_TRUE(old.ok());
  EXPECT_EQ(old->prevention, DeletionPrevention::kEnabledForCount);
  EXPECT_EQ(old->count, 42u);
  auto off = deletion_threshold_from_json("0");
  ASSERT_TRUE(off.ok());
  EXPECT_EQ(off->prevention, DeletionPrevention::kDisabled);
  EXPECT_FALSE(deletion_threshold_from_json("{\"DeletionPrevention\":\"Sometimes\"}").ok());

  MemberRemovalLimit l{true, 10, 20, 30};
  auto lb = member_removal_limit_from_json(member_removal_limit_to_json(l));
  ASSERT_TRUE(lb.ok());
  EXPECT_EQ(*lb, l);
}

class ExportLimitsTest : public ::testing::Test {
 protected:
  void SetUp() override { standard_setup(s_); }
  Scenario s_;
};

TEST_F(ExportLimitsTest, SettingsPersistAndOutOfRangeValuesAreRefused) {
  ASSERT_TRUE(s_.apply().ok());
  auto t = s_.server().deletion_threshold_settings();
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(*t, DeletionThreshold{});
  EXPECT_EQ(s_.server()
                .set_deletion_threshold_settings(DeletionThreshold{DeletionPrevention::kEnabledForPercentage, 500, 0})
                .code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(s_.server()
                .set_deletion_threshold_settings(DeletionThreshold{DeletionPrevention::kEnabledForPercentage, 500, 101})
                .code(),
            ErrorCode::kInvalidArgument);
  ASSERT_TRUE(
      s_.server().set_deletion_threshold_settings(DeletionThreshold{DeletionPrevention::kEnabledForPercentage, 500, 20}).ok());
  EXPECT_EQ(s_.server().deletion_threshold_settings()->percentage, 20u);
  // The count form (C API, demo) switches back to EnabledForCount and keeps the percentage.
  ASSERT_TRUE(s_.server().set_deletion_threshold(42).ok());
  EXPECT_EQ(*s_.server().deletion_threshold_settings(), (DeletionThreshold{DeletionPrevention::kEnabledForCount, 42, 20}));
  ASSERT_TRUE(s_.server().set_deletion_threshold(0).ok());
  EXPECT_EQ(*s_.server().deletion_threshold(), 0u);

  EXPECT_EQ(*s_.server().member_removal_limit(), MemberRemovalLimit{});
  EXPECT_EQ(s_.server().set_member_removal_limit(MemberRemovalLimit{true, 0, 0, 100}).code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(s_.server().set_member_removal_limit(MemberRemovalLimit{true, 5, 101, 100}).code(), ErrorCode::kInvalidArgument);
  ASSERT_TRUE(s_.server().set_member_removal_limit(MemberRemovalLimit{false, 7, 8, 9}).ok());
  EXPECT_EQ(*s_.server().member_removal_limit(), (MemberRemovalLimit{false, 7, 8, 9}));
}

// EnabledForPercentage, 10 %: of 200 objects, 20 deletes pass and 21 stop the export.
TEST_F(ExportLimitsTest, PercentageThresholdPassesTwentyOfTwoHundred) {
  s_.set_content("hr", users(0, 200));
  ASSERT_TRUE(s_.apply().ok());
  ASSERT_TRUE(
      s_.server().set_deletion_threshold_settings(DeletionThreshold{DeletionPrevention::kEnabledForPercentage, 500, 10}).ok());
  s_.cycle(CyclePolicy::kInitial);
  ASSERT_EQ(s_.directory("dir").size(), 200u);
  delete_users(s_, 0, 20);
  CycleResult delta = s_.cycle(CyclePolicy::kDelta);
  EXPECT_EQ(delta.result, "Success");
  EXPECT_EQ(s_.directory("dir").size(), 180u);
}

TEST_F(ExportLimitsTest, PercentageThresholdStopsTwentyOneOfTwoHundred) {
  s_.set_content("hr", users(0, 200));
  ASSERT_TRUE(s_.apply().ok());
  ASSERT_TRUE(
      s_.server().set_deletion_threshold_settings(DeletionThreshold{DeletionPrevention::kEnabledForPercentage, 500, 10}).ok());
  s_.cycle(CyclePolicy::kInitial);
  delete_users(s_, 0, 21);
  CycleResult delta = s_.cycle(CyclePolicy::kDelta);
  EXPECT_EQ(delta.result, "Failed");
  const RunResult* exp = export_run(delta, "dir");
  ASSERT_NE(exp, nullptr);
  EXPECT_EQ(exp->result, kDeletionThresholdExceeded);
  ASSERT_FALSE(exp->steps.back().errors.empty());
  EXPECT_NE(exp->steps.back().errors.back().message.find("10% of the 200"), std::string::npos)
      << exp->steps.back().errors.back().message;
  EXPECT_EQ(s_.directory("dir").size(), 200u) << "nothing may be exported when the threshold trips";
}

// Count limit alone (percentage off): 500 removals from one group pass, 501 stop the export
// of the whole connector, other pending changes included, and name the group.
TEST_F(ExportLimitsTest, MemberRemovalCountLimitPassesFiveHundred) {
  s_.set_content("hr", users(0, 520) + hr_group("g1", "Big", user_dns(0, 520)));
  ASSERT_TRUE(s_.apply().ok());
  ASSERT_TRUE(s_.server().set_member_removal_limit(MemberRemovalLimit{true, 500, 0, 100}).ok());
  s_.cycle(CyclePolicy::kInitial);
  ASSERT_EQ(members_in_dir(s_, "Big"), 520u);
  remove_members(s_, "Big", 0, 500);
  CycleResult delta = s_.cycle(CyclePolicy::kDelta);
  EXPECT_EQ(delta.result, "Success");
  EXPECT_EQ(members_in_dir(s_, "Big"), 20u);
}

TEST_F(ExportLimitsTest, MemberRemovalCountLimitStopsFiveHundredAndOne) {
  s_.set_content("hr", users(0, 520) + hr_group("g1", "Big", user_dns(0, 520)));
  ASSERT_TRUE(s_.apply().ok());
  ASSERT_TRUE(s_.server().set_member_removal_limit(MemberRemovalLimit{true, 500, 0, 100}).ok());
  s_.cycle(CyclePolicy::kInitial);
  remove_members(s_, "Big", 0, 501);
  s_.add_changes("hr", "dn: " + user_dn(519) + "\nchangetype: modify\nreplace: title\ntitle: Boss\n-\n\n");
  CycleResult delta = s_.cycle(CyclePolicy::kDelta);
  EXPECT_EQ(delta.result, "Failed");
  const RunResult* exp = export_run(delta, "dir");
  ASSERT_NE(exp, nullptr);
  EXPECT_EQ(exp->result, kMemberRemovalLimitExceeded);
  const StepResult& step = exp->steps.back();
  EXPECT_EQ(counter(step, "export-update"), 0u);
  bool named = false;
  for (const ObjectError& e : step.errors)
    if (normalized(e.dn) == normalized("CN=Big,OU=Groups,DC=dir") && e.error_type == "group-member-removal-limit-exceeded") {
      named = true;
      EXPECT_NE(e.message.find("501 of its 520 member values"), std::string::npos) << e.message;
    }
  EXPECT_TRUE(named) << "the run's errors must name the group";
  EXPECT_EQ(members_in_dir(s_, "Big"), 520u) << "nothing may be exported when the limit trips";
  EXPECT_EQ(first_value(s_.directory("dir").at(normalized("CN=User 519,OU=People,DC=dir")), "title"), "")
      << "other changes of the connector wait too";

  // After review, disabling the limit lets the export go.
  ASSERT_TRUE(s_.server().set_member_removal_limit(MemberRemovalLimit{false, 500, 0, 100}).ok());
  RunResult again = s_.run("dir", "Export");
  EXPECT_EQ(again.result, "success");
  EXPECT_EQ(members_in_dir(s_, "Big"), 19u);
  EXPECT_EQ(first_value(s_.directory("dir").at(normalized("CN=User 519,OU=People,DC=dir")), "title"), "Boss");
}

// The defaults (500 removals, 50 % of groups with at least 100 members): half of a 200-member
// group may go, one more may not; a group below the minimum size may be emptied.
TEST_F(ExportLimitsTest, MemberRemovalPercentageLimitWithTheDefaults) {
  s_.set_content("hr", users(0, 200) + hr_group("g1", "Big", user_dns(0, 200)) + hr_group("g2", "Small", user_dns(0, 50)));
  ASSERT_TRUE(s_.apply().ok());
  s_.cycle(CyclePolicy::kInitial);
  ASSERT_EQ(members_in_dir(s_, "Big"), 200u);
  ASSERT_EQ(members_in_dir(s_, "Small"), 50u);
  remove_members(s_, "Big", 0, 100);
  remove_members(s_, "Small", 0, 50);
  CycleResult first = s_.cycle(CyclePolicy::kDelta);
  EXPECT_EQ(first.result, "Success");
  EXPECT_EQ(members_in_dir(s_, "Big"), 100u);
  EXPECT_EQ(members_in_dir(s_, "Small"), 0u);

  remove_members(s_, "Big", 100, 151);  // 51 of the 100 left: more than half
  CycleResult second = s_.cycle(CyclePolicy::kDelta);
  EXPECT_EQ(second.result, "Failed");
  const RunResult* exp = export_run(second, "dir");
  ASSERT_NE(exp, nullptr);
  EXPECT_EQ(exp->result, kMemberRemovalLimitExceeded);
  EXPECT_EQ(members_in_dir(s_, "Big"), 100u);
}

}  // namespace
}  // namespace idsync::scenario
