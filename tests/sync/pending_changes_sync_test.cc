// A big group's pending exports in one block (model/pending_changes.h, issue 5), driven through
// the real steps: the provisioning add of 3,000 members and, after the export is confirmed, the
// delete of 2,500 of them, each held as one change in the wide form, surviving a save and a
// load of the state unchanged, counted exactly by the heap walk, and exported value for value.
#include <algorithm>
#include <set>

#include "model/memory_usage.h"
#include "step_driver.h"
#include "sync/state_memory.h"
#include "sync/steps.h"

namespace idsync::scenario {
namespace {

constexpr int kMembers = 3000;
constexpr int kLeaving = 2500;
const char* const kDirGroupDn = "CN=Everyone,OU=Groups,DC=dir";

std::string user_cn(int i) { return "User " + std::to_string(1000 + i); }

class PendingChangesSyncTest : public ::testing::Test, public StepDriver {
 protected:
  void SetUp() override {
    standard_setup(s_);
    std::string hr;
    std::vector<std::string> members;
    for (int i = 0; i < kMembers; ++i) {
      hr += hr_user("u" + std::to_string(i), user_cn(i));
      members.push_back("CN=" + user_cn(i) + ",OU=People,DC=hr");
    }
    hr += hr_group("g1", "Everyone", members);
    s_.set_content("hr", hr);
    ASSERT_TRUE(s_.apply().ok());
    open();
  }

  const CsObject* dir_group() {
    const ConnectorSpace& dir = *state_->space("dir");
    for (const auto& [id, o] : dir.objects)
      if (o.dn == kDirGroupDn) return &o;
    ADD_FAILURE() << "no " << kDirGroupDn;
    return nullptr;
  }
  AttrId dir_member() { return state_->attrs().find(state_->space("dir")->id, "member").value_or(0); }
};

std::set<std::string> dir_members(int from, int to) {
  std::set<std::string> out;
  for (int i = from; i < to; ++i) out.insert("CN=" + user_cn(i) + ",OU=People,DC=dir");
  return out;
}

TEST_F(PendingChangesSyncTest, ABigGroupsAddAndMemberDeleteAreOneBlockEach) {
  import("hr", false);
  sync("hr", false);
  const CsObject* group = dir_group();
  ASSERT_NE(group, nullptr);
  ASSERT_EQ(group->pending_export.kind, PendingExportKind::kAdd);
  ASSERT_NE(group->pending_export.changes.if_plain(), nullptr) << "a wide block is never frozen";
  const PendingChanges& add = *group->pending_export.changes.if_plain();
  const size_t at = add.find(dir_member());
  ASSERT_LT(at, add.size());
  EXPECT_EQ(add[at].op, ValueOp::kReplace);
  const ValueList added = add[at].values.to_list();
  EXPECT_EQ(std::set<std::string>(added.begin(), added.end()), dir_members(0, kMembers));
  EXPECT_FALSE(add.narrow()) << "3,000 DNs are more than 64 KiB";

  // The heap walk counts every object's one block, to the byte.
  uint64_t allocated = 0;
  for (const auto& [id, o] : state_->space("dir")->objects) allocated += heap_bytes(o.pending_export.changes).allocated;
  const StateMemory memory = measure_state_memory(*state_);
  ASSERT_NE(memory.find("cs dir: pending export"), nullptr);
  EXPECT_EQ(memory.find("cs dir: pending export")->bytes.allocated, allocated);

  // Saved (the member list in chunks) and loaded again: the same pending export.
  const PendingExport before = group->pending_export;
  ASSERT_TRUE(state_->save(*store_).ok());
  ASSERT_NO_FATAL_FAILURE(reload());
  group = dir_group();
  ASSERT_NE(group, nullptr);
  EXPECT_EQ(group->pending_export, before);

  export_to("dir");
  import("dir", true);
  sync("dir", false);
  group = dir_group();
  ASSERT_NE(group, nullptr);
  EXPECT_TRUE(group->pending_export.empty());

  // 2,500 members leave in one change.
  std::string change = "dn: CN=Everyone,OU=Groups,DC=hr\nchangetype: modify\ndelete: member\n";
  for (int i = 0; i < kLeaving; ++i) change += "member: CN=" + user_cn(i) + ",OU=People,DC=hr\n";
  s_.add_changes("hr", change + "-\n\n");
  import("hr", true);
  sync("hr", true);
  group = dir_group();
  ASSERT_NE(group, nullptr);
  ASSERT_EQ(group->pending_export.kind, PendingExportKind::kUpdate);
  ASSERT_NE(group->pending_export.changes.if_plain(), nullptr) << "a wide block is never frozen";
  const PendingChanges& update = *group->pending_export.changes.if_plain();
  ASSERT_EQ(update.size(), 1u) << "one change: the delete";
  EXPECT_EQ(update[0].id, dir_member());
  EXPECT_EQ(update[0].op, ValueOp::kDelete);
  const ValueList gone = update[0].values.to_list();
  EXPECT_EQ(gone.size(), static_cast<size_t>(kLeaving)) << "each value once";
  EXPECT_EQ(std::set<std::string>(gone.begin(), gone.end()), dir_members(0, kLeaving));
  EXPECT_FALSE(update.narrow());
  EXPECT_EQ(update.block_bytes(), 4 + 8 * 2 + 4 * (kLeaving + 1) + heap_bytes(update).payload) << "wide: nothing else";

  const PendingExport pending = group->pending_export;
  ASSERT_TRUE(state_->save(*store_).ok());
  ASSERT_NO_FATAL_FAILURE(reload());
  group = dir_group();
  ASSERT_NE(group, nullptr);
  EXPECT_EQ(group->pending_export, pending) << "the delete survives a save and a load";

  // The member-removal limit reads the delete from the block: 2,500 of 3,000 stops the export.
  StepResult stopped;
  EXPECT_FALSE(export_with("dir", ExportLimits{}, stopped).ok());
  EXPECT_EQ(stopped.error_count, 1u);
  EXPECT_EQ(group->pending_export, pending) << "a stopped export keeps the pending export";
  // Allowed: the directory loses exactly those members.
  ExportLimits no_member_limit;
  no_member_limit.member_removal.enabled = false;
  ASSERT_NO_FATAL_FAILURE(export_to("dir", no_member_limit));
  EXPECT_TRUE(group->pending_export.empty());
  const std::map<std::string, Entry> dir = s_.directory("dir");
  const auto it = dir.find(normalized(kDirGroupDn));
  ASSERT_NE(it, dir.end());
  const Attribute* member = it->second.find("member");
  ASSERT_NE(member, nullptr);
  EXPECT_EQ(std::set<std::string>(member->values.begin(), member->values.end()), dir_members(kLeaving, kMembers));
}

}  // namespace
}  // namespace idsync::scenario
