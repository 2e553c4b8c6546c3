// Object life cycle across two directories: rename through the dn flow, delete → MV delete →
// deprovision → export delete, and reference attributes (member / manager) mapped across
// connectors, including a group imported before its members.
#include "scenario.h"

namespace idsync::scenario {
namespace {

const std::string kAnn = "CN=Ann Lee,OU=People,DC=hr";
const std::string kBob = "CN=Bob Ray,OU=People,DC=hr";
const std::string kStaff = "CN=Staff,OU=Groups,DC=hr";

class LifecycleTest : public ::testing::Test {
 protected:
  void SetUp() override { standard_setup(s_); }
  Scenario s_;
};

TEST_F(LifecycleTest, RenameInTheSourceRenamesTheTargetThroughTheDnFlow) {
  s_.set_content("hr", hr_user("u1", "Ann Lee") + hr_user("u2", "Bob Ray"));
  ASSERT_TRUE(s_.apply().ok());
  initial_round(s_);
  ASSERT_EQ(s_.directory("dir").count(normalized("CN=Ann Lee,OU=People,DC=dir")), 1u);

  s_.add_changes("hr", "dn: " + kAnn + "\nchangetype: modrdn\nnewrdn: CN=Ann Smith\ndeleteoldrdn: 1\n\n");
  RunResult imp = s_.run("hr", "Delta Import");
  EXPECT_EQ(counter(imp.steps[0], "stage-rename"), 1u);
  s_.run("hr", "Delta Synchronization");
  json target = s_.cs("dir", "CN=Ann Lee,OU=People,DC=dir");
  ASSERT_FALSE(target.is_null());
  EXPECT_EQ(target["pendingExport"], "update");
  EXPECT_EQ(target.value("pendingExportNewDn", ""), "CN=Ann Smith,OU=People,DC=dir") << target.dump(2);

  RunResult exp = s_.run("dir", "Export");
  EXPECT_EQ(counter(exp.steps[0], "export-rename"), 1u);
  auto directory = s_.directory("dir");
  EXPECT_EQ(directory.count(normalized("CN=Ann Lee,OU=People,DC=dir")), 0u);
  ASSERT_EQ(directory.count(normalized("CN=Ann Smith,OU=People,DC=dir")), 1u);
  EXPECT_EQ(first_value(directory[normalized("CN=Ann Smith,OU=People,DC=dir")], "cn"), "Ann Smith");
  EXPECT_FALSE(s_.cs("dir", "CN=Ann Smith,OU=People,DC=dir").is_null());

  // The confirming import sees the renamed object as what we sent: no new export.
  RunResult confirm = s_.run("dir", "Delta Import");
  EXPECT_EQ(counter(confirm.steps[0], "exported-change-not-reimported"), 0u);
  s_.run("dir", "Delta Synchronization");
  json after = s_.cs("dir", "CN=Ann Smith,OU=People,DC=dir");
  EXPECT_EQ(after["pendingExport"], "none") << after.dump(2);
  EXPECT_EQ(after["mvObjectId"], s_.cs("hr", "CN=Ann Smith,OU=People,DC=hr")["mvObjectId"]);
}

TEST_F(LifecycleTest, DeleteInTheSourceDeprovisionsTheTarget) {
  s_.set_content("hr", hr_user("u1", "Ann Lee") + hr_user("u2", "Bob Ray"));
  ASSERT_TRUE(s_.apply().ok());
  initial_round(s_);
  ASSERT_EQ(s_.directory("dir").size(), 2u);
  uint64_t bob_mv = s_.cs("hr", kBob)["mvObjectId"].get<uint64_t>();

  s_.add_changes("hr", "dn: " + kBob + "\nchangetype: delete\n\n");
  s_.run("hr", "Delta Import");
  RunResult sync = s_.run("hr", "Delta Synchronization");
  EXPECT_EQ(counter(sync.steps[0], "mv-deleted"), 1u);
  EXPECT_EQ(counter(sync.steps[0], "deprovisioned"), 1u);
  EXPECT_TRUE(s_.mv(bob_mv).is_null());
  json target = s_.cs("dir", "CN=Bob Ray,OU=People,DC=dir");
  ASSERT_FALSE(target.is_null());
  EXPECT_EQ(target["pendingExport"], "delete");

  RunResult exp = s_.run("dir", "Export");
  EXPECT_EQ(counter(exp.steps[0], "export-delete"), 1u);
  EXPECT_TRUE(s_.cs("dir", "CN=Bob Ray,OU=People,DC=dir").is_null());
  auto directory = s_.directory("dir");
  EXPECT_EQ(directory.size(), 1u);
  EXPECT_EQ(directory.count(normalized("CN=Bob Ray,OU=People,DC=dir")), 0u);
  // The confirming import finds nothing to stage for Bob.
  RunResult imp = s_.run("dir", "Delta Import");
  EXPECT_EQ(counter(imp.steps[0], "stage-add"), 0u);
  EXPECT_EQ(imp.result, "success");
}

TEST_F(LifecycleTest, ObjectLeavingTheOutboundScopeIsDeprovisioned) {
  s_.set_content("hr", hr_user("u1", "Ann Lee", "department: Sales\n") + hr_user("u2", "Bob Ray", "department: Sales\n"));
  for (SyncRule& r : s_.config().rules)
    if (r.name == "Out to DIR - User")
      r.scope = {ScopeGroup{{ScopeCondition{"department", ScopeOperator::kEqual, "Sales"}}}};
  ASSERT_TRUE(s_.apply().ok());
  initial_round(s_);
  ASSERT_EQ(s_.directory("dir").size(), 2u);
  s_.add_changes("hr", "dn: " + kBob + "\nchangetype: modify\nreplace: department\ndepartment: Legal\n-\n\n");
  s_.run("hr", "Delta Import");
  s_.run("hr", "Delta Synchronization");
  EXPECT_EQ(s_.cs("dir", "CN=Bob Ray,OU=People,DC=dir")["pendingExport"], "delete");
  EXPECT_FALSE(s_.mv_of("hr", kBob).is_null());  // the MV object stays: HR still holds it
  s_.run("dir", "Export");
  EXPECT_EQ(s_.directory("dir").size(), 1u);
}

TEST_F(LifecycleTest, ReferencesMapAcrossConnectorsEvenWhenTheGroupComesFirst) {
  // The group is listed before its members; Bob's manager is Ann.
  s_.set_content("hr", hr_group("g1", "Staff", {kAnn, kBob}) + hr_user("u1", "Ann Lee") +
                           hr_user("u2", "Bob Ray", "manager: " + kAnn + "\n"));
  ASSERT_TRUE(s_.apply().ok());
  initial_round(s_);

  json group_mv = s_.mv_of("hr", kStaff);
  ASSERT_FALSE(group_mv.is_null());
  EXPECT_EQ(mv_values(group_mv, "member").size(), 2u) << group_mv.dump(2);
  auto directory = s_.directory("dir");
  ASSERT_EQ(directory.count(normalized("CN=Staff,OU=Groups,DC=dir")), 1u);
  const Entry& group = directory[normalized("CN=Staff,OU=Groups,DC=dir")];
  const Attribute* member = group.find("member");
  ASSERT_NE(member, nullptr);
  std::set<std::string> members;
  for (const std::string& m : member->values) members.insert(normalized(m));
  EXPECT_EQ(members, (std::set<std::string>{normalized("CN=Ann Lee,OU=People,DC=dir"),
                                            normalized("CN=Bob Ray,OU=People,DC=dir")}));
  EXPECT_EQ(normalized(first_value(directory[normalized("CN=Bob Ray,OU=People,DC=dir")], "manager")),
            normalized("CN=Ann Lee,OU=People,DC=dir"));

  // Bob leaves: the group loses him in the source; the target group follows.
  s_.add_changes("hr", "dn: " + kStaff + "\nchangetype: modify\ndelete: member\nmember: " + kBob + "\n-\n\n" +
                           "dn: " + kBob + "\nchangetype: delete\n\n");
  s_.run("hr", "Delta Import");
  s_.run("hr", "Delta Synchronization");
  s_.run("dir", "Export");
  directory = s_.directory("dir");
  const Attribute* after = directory[normalized("CN=Staff,OU=Groups,DC=dir")].find("member");
  ASSERT_NE(after, nullptr);
  ASSERT_EQ(after->values.size(), 1u);
  EXPECT_EQ(normalized(after->values[0]), normalized("CN=Ann Lee,OU=People,DC=dir"));
  EXPECT_EQ(directory.count(normalized("CN=Bob Ray,OU=People,DC=dir")), 0u);
}

TEST_F(LifecycleTest, MemberImportedInALaterRunIsResolvedThen) {
  // First run: only the group (its member is not in the directory yet).
  s_.set_content("hr", hr_group("g1", "Staff", {kAnn}));
  ASSERT_TRUE(s_.apply().ok());
  initial_round(s_);
  EXPECT_TRUE(mv_values(s_.mv_of("hr", kStaff), "member").empty());
  // Ann arrives.
  s_.add_changes("hr", "dn: " + kAnn + "\nchangetype: add\nobjectClass: top\nobjectClass: user\nuid: u1\ncn: Ann Lee\n\n");
  s_.run("hr", "Delta Import");
  s_.run("hr", "Delta Synchronization");
  EXPECT_EQ(mv_values(s_.mv_of("hr", kStaff), "member").size(), 1u);
  s_.run("dir", "Export");
  auto directory = s_.directory("dir");
  const Attribute* member = directory[normalized("CN=Staff,OU=Groups,DC=dir")].find("member");
  ASSERT_NE(member, nullptr);
  EXPECT_EQ(normalized(member->values.at(0)), normalized("CN=Ann Lee,OU=People,DC=dir"));
}

TEST_F(LifecycleTest, ProvisionedObjectWithoutInboundRuleStaysConnected) {
  // MIM style: the target has no inbound rules at all; what the outbound rule provisioned
  // stays joined when the target is imported and synchronized.
  auto& rules = s_.config().rules;
  rules.erase(std::remove_if(rules.begin(), rules.end(),
                             [](const SyncRule& r) { return r.direction == Direction::kInbound && r.connector == "dir"; }),
              rules.end());
  s_.set_content("hr", hr_user("u1", "Ann Lee", "title: Clerk\n"));
  ASSERT_TRUE(s_.apply().ok());
  initial_round(s_);
  json target = s_.cs("dir", "CN=Ann Lee,OU=People,DC=dir");
  ASSERT_FALSE(target.is_null());
  EXPECT_NE(target["mvObjectId"].get<uint64_t>(), 0u) << target.dump(2);
  s_.add_changes("hr", "dn: " + kAnn + "\nchangetype: modify\nreplace: title\ntitle: Boss\n-\n\n");
  s_.run("hr", "Delta Import");
  s_.run("hr", "Delta Synchronization");
  RunResult exp = s_.run("dir", "Export");
  EXPECT_EQ(counter(exp.steps[0], "export-update"), 1u);
  EXPECT_EQ(counter(exp.steps[0], "export-add"), 0u);
  EXPECT_EQ(s_.directory("dir").size(), 1u);
}

}  // namespace
}  // namespace idsync::scenario
