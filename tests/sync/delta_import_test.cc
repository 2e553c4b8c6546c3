// A delta import applies value-level changes (add / delete / replace of values, renames) to
// the object's state attribute by attribute. What it stages must be exactly what a Full
// Import of the same directory finds: the full import that follows then stages no change.
#include "scenario.h"

namespace idsync::scenario {
namespace {

std::string user_dn(const std::string& cn) { return "CN=" + cn + ",OU=People,DC=hr"; }
const char* kGroupDn = "CN=Staff,OU=Groups,DC=hr";

class DeltaImportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    standard_setup(s_, /*with_target=*/false);
    std::string content;
    for (const char* cn : {"Ann Lee", "Bob Ray", "Cy Dunn"})
      content += hr_user(std::string("u-") + cn[0], cn,
                         std::string("title: Clerk\nuserAccountControl: 512\nproxyAddresses: SMTP:") + cn[0] +
                             "@hr\nproxyAddresses: smtp:" + cn[0] + "@old\n");
    content += hr_group("g1", "Staff", {user_dn("Ann Lee"), user_dn("Bob Ray")});
    s_.set_content("hr", content);
    ASSERT_TRUE(s_.apply().ok());
    s_.run("hr", "Full Import");
    s_.run("hr", "Full Synchronization");
  }

  Scenario s_;
};

TEST_F(DeltaImportTest, ValueLevelChangesStageWhatAFullImportOfTheSameDirectoryFinds) {
  s_.add_changes(
      "hr",
      // Ann: one new value, one already held (no duplicate), a delete of a value she does not
      // hold, an integer in a non-canonical form.
      "dn: " + user_dn("Ann Lee") +
          "\nchangetype: modify\nadd: proxyAddresses\nproxyAddresses: smtp:A@new\nproxyAddresses: SMTP:A@hr\n-\n"
          "delete: proxyAddresses\nproxyAddresses: smtp:nobody@hr\n-\nreplace: userAccountControl\n"
          "userAccountControl: +514\n-\n\n"
          // Bob: a replace by the same value changes nothing.
          "dn: " + user_dn("Bob Ray") + "\nchangetype: modify\nreplace: title\ntitle: Clerk\n-\n\n"
          // Cy: loses a value and an attribute, then is renamed (the cn follows the RDN).
          "dn: " + user_dn("Cy Dunn") + "\nchangetype: modify\ndelete: proxyAddresses\nproxyAddresses: smtp:C@old\n-\n"
          "delete: title\n-\n\n" +
          "dn: " + user_dn("Cy Dunn") + "\nchangetype: modrdn\nnewrdn: CN=Cy North\ndeleteoldrdn: 1\n\n"
          // The group: one member out, one new user in; five more new users added at once.
          "dn: " + std::string(kGroupDn) + "\nchangetype: modify\ndelete: member\nmember: " + user_dn("Bob Ray") +
          "\n-\n\n" + hr_user("u-D", "Dee Fox") + hr_user("u-E", "Eve Gray") + hr_user("u-F", "Fay Hunt") +
          hr_user("u-G", "Gus Ives") + hr_user("u-H", "Hal Jones") + hr_user("u-I", "Ida King") + "dn: " + kGroupDn +
          "\nchangetype: modify\nadd: member\nmember: " + user_dn("Dee Fox") + "\n-\n\n" + "dn: " + kGroupDn +
          "\nchangetype: modify\nadd: member\nmember: " + user_dn("Eve Gray") + "\nmember: " + user_dn("Fay Hunt") +
          "\nmember: " + user_dn("Gus Ives") + "\nmember: " + user_dn("Hal Jones") + "\nmember: " +
          user_dn("Ida King") + "\nmember: " + user_dn("Ann Lee") + "\nmember: " + user_dn("Eve Gray") + "\n-\n\n");
  RunResult delta = s_.run("hr", "Delta Import");
  ASSERT_EQ(delta.steps.size(), 1u);
  const StepResult& step = delta.steps[0];
  EXPECT_EQ(step.error_count, 0u) << (step.errors.empty() ? "" : step.errors[0].message);
  EXPECT_EQ(counter(step, "stage-add"), 6u);
  EXPECT_EQ(counter(step, "stage-no-change"), 1u);  // Bob
  json ann = s_.cs("hr", user_dn("Ann Lee"));
  ASSERT_FALSE(ann.is_null());
  EXPECT_EQ(ann.value("pendingImport", ""), "update") << ann.dump();
  json bob = s_.cs("hr", user_dn("Bob Ray"));
  ASSERT_FALSE(bob.is_null());
  EXPECT_EQ(bob.value("pendingImport", ""), "none") << bob.dump();

  s_.run("hr", "Delta Synchronization");
  json mv_ann = s_.mv_of("hr", user_dn("Ann Lee"));
  json group = s_.mv_of("hr", kGroupDn);
  EXPECT_EQ(mv_values(group, "member").size(), 7u);  // Ann and the six new users
  EXPECT_EQ(mv_value(s_.mv_of("hr", user_dn("Cy North")), "cn"), "Cy North");
  EXPECT_EQ(mv_value(s_.mv_of("hr", user_dn("Cy North")), "title"), "");

  // A full import of the same directory finds nothing the delta import did not stage.
  RunResult full = s_.run("hr", "Full Import");
  ASSERT_EQ(full.steps.size(), 1u);
  EXPECT_EQ(full.steps[0].error_count, 0u);
  EXPECT_EQ(counter(full.steps[0], "stage-update"), 0u);
  EXPECT_EQ(counter(full.steps[0], "stage-rename"), 0u);
  EXPECT_EQ(counter(full.steps[0], "stage-add"), 0u);
  EXPECT_EQ(counter(full.steps[0], "stage-delete"), 0u);
  EXPECT_EQ(counter(full.steps[0], "stage-no-change"), 10u);
  RunResult full_sync = s_.run("hr", "Full Synchronization");
  ASSERT_EQ(full_sync.steps.size(), 1u);
  EXPECT_EQ(counter(full_sync.steps[0], "mv-updated"), 0u);
  EXPECT_EQ(s_.mv_of("hr", user_dn("Ann Lee")), mv_ann);
  EXPECT_EQ(s_.mv_of("hr", kGroupDn), group);
}

// A group long enough that staging copies its members on several threads: a one-member change
// stages exactly what a full import of the directory then finds.
TEST_F(DeltaImportTest, AOneMemberChangeToAHugeGroupStagesWhatAFullImportFinds) {
  constexpr int kMembers = 40000;
  std::string add = "dn: " + std::string(kGroupDn) + "\nchangetype: modify\nadd: member\n";
  for (int i = 0; i < kMembers; ++i) add += "member: " + user_dn("M " + std::to_string(i)) + "\n";
  s_.add_changes("hr", add + "-\n\n");
  s_.run("hr", "Delta Import");
  s_.run("hr", "Delta Synchronization");
  json held = s_.cs("hr", kGroupDn);
  ASSERT_FALSE(held.is_null());
  ASSERT_EQ(held.value("pendingImport", ""), "none") << held.value("error", "");

  s_.add_changes("hr", "dn: " + std::string(kGroupDn) + "\nchangetype: modify\ndelete: member\nmember: " +
                           user_dn("M 777") + "\n-\nadd: member\nmember: " + user_dn("M new") + "\n-\n\n");
  RunResult delta = s_.run("hr", "Delta Import");
  ASSERT_EQ(delta.steps.size(), 1u);
  EXPECT_EQ(counter(delta.steps[0], "stage-update"), 1u);
  json group = s_.cs("hr", kGroupDn);
  ASSERT_FALSE(group.is_null());
  EXPECT_EQ(group.value("pendingImport", ""), "update");

  RunResult full = s_.run("hr", "Full Import");
  ASSERT_EQ(full.steps.size(), 1u);
  EXPECT_EQ(full.steps[0].error_count, 0u);
  EXPECT_EQ(counter(full.steps[0], "stage-update"), 0u);
  EXPECT_EQ(counter(full.steps[0], "stage-no-change"), 4u);
}

TEST_F(DeltaImportTest, AValueThatDoesNotFitItsTypeIsRejectedAndNothingIsStaged) {
  s_.add_changes("hr", "dn: " + user_dn("Ann Lee") +
                           "\nchangetype: modify\nreplace: userAccountControl\nuserAccountControl: lots\n-\n"
                           "replace: title\ntitle: Boss\n-\n\n");
  RunResult delta = s_.run("hr", "Delta Import");
  ASSERT_EQ(delta.steps.size(), 1u);
  EXPECT_EQ(counter(delta.steps[0], "stage-failure"), 1u);
  ASSERT_FALSE(delta.steps[0].errors.empty());
  EXPECT_EQ(delta.steps[0].errors[0].dn, user_dn("Ann Lee"));
  EXPECT_NE(delta.steps[0].errors[0].message.find("userAccountControl"), std::string::npos)
      << delta.steps[0].errors[0].message;
  json ann = s_.cs("hr", user_dn("Ann Lee"));
  ASSERT_FALSE(ann.is_null());
  EXPECT_EQ(ann.value("pendingImport", ""), "none") << ann.dump();
}

}  // namespace
}  // namespace idsync::scenario
