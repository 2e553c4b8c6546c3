// A change to one member of a large group is a one-value change end to end: the delta
// synchronization looks only at the group, carries the other members' resolved references
// as they were, and leaves a pending export holding exactly that value. The engine's own
// statistics (SyncState::sync_statistics) show what it touched; no timing is involved.
#include "scenario.h"
#include "store/store.h"
#include "sync/steps.h"
#include "sync/sync_state.h"

namespace idsync::scenario {
namespace {

constexpr int kMembers = 300;

std::string member_dn(int i) { return "CN=User " + std::to_string(i) + ",OU=People,DC=hr"; }
std::string dir_member_dn(int i) { return "CN=User " + std::to_string(i) + ",OU=People,DC=dir"; }
const char* kGroupDn = "CN=Big,OU=Groups,DC=hr";
const char* kDirGroupDn = "CN=Big,OU=Groups,DC=dir";

class ReferenceDeltaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    standard_setup(s_);
    std::string content;
    std::vector<std::string> members;
    for (int i = 0; i < kMembers; ++i) {
      content += hr_user("u" + std::to_string(i), "User " + std::to_string(i));
      members.push_back(member_dn(i));
    }
    content += hr_group("g1", "Big", members);
    s_.set_content("hr", content);
    ASSERT_TRUE(s_.apply().ok());
    initial_round(s_);
    // The group and its members are in the target directory and confirmed: nothing pending.
    ASSERT_EQ(pending(kDirGroupDn), json::array());
    ASSERT_EQ(mv_values(s_.mv_of("hr", kGroupDn), "member").size(), static_cast<size_t>(kMembers));
  }

  json pending(const std::string& dir_dn) {
    json o = s_.cs("dir", dir_dn);
    if (o.is_null()) return nullptr;
    return o.value("pendingExportChanges", json::array());
  }

  // A full synchronization recomputes every member from scratch: it must find nothing to change,
  // leaving the group's metaverse object at `mv` and its pending export at `pending_export`.
  void expect_full_sync_changes_nothing(const json& mv, const json& pending_export) {
    RunResult full = s_.run("hr", "Full Synchronization");
    ASSERT_EQ(full.steps.size(), 1u);
    EXPECT_EQ(counter(full.steps[0], "mv-updated"), 0u);
    EXPECT_EQ(s_.mv_of("hr", kGroupDn), mv);
    EXPECT_EQ(pending(kDirGroupDn), pending_export);
  }

  // The target group's pending export is one delete of exactly `want`, in any order.
  void expect_pending_member_deletes(std::vector<std::string> want) {
    json have = pending(kDirGroupDn);
    ASSERT_EQ(have.size(), 1u) << have.dump();
    std::vector<std::string> values = have[0]["values"].get<std::vector<std::string>>();
    std::sort(values.begin(), values.end());
    std::sort(want.begin(), want.end());
    EXPECT_EQ(have[0]["operation"], "delete");
    EXPECT_EQ(values, want);
  }

  // Runs one step on the engine state directly, the way a server with resident state does
  // (the same SyncState for the import and the synchronization), and returns the sync's
  // statistics.
  SyncStatistics delta_import_and_sync(const std::string& connector, StepResult& sync_step) {
    auto store = Store::open(s_.store_path(), OpenMode::kMustExist);
    EXPECT_TRUE(store.ok()) << store.status().to_string();
    if (!store.ok()) return {};
    auto state = SyncState::load(**store);
    EXPECT_TRUE(state.ok()) << state.status().to_string();
    if (!state.ok()) return {};
    return import_and_sync(**store, **state, connector, sync_step);
  }

  // The same on a state kept from round to round, as a server keeps it while the store does
  // not change under it (SyncState::is_current).
  SyncStatistics resident_delta_import_and_sync(const std::string& connector, StepResult& sync_step) {
    if (resident_state_ == nullptr) {
      auto store = Store::open(s_.store_path(), OpenMode::kMustExist);
      EXPECT_TRUE(store.ok()) << store.status().to_string();
      if (!store.ok()) return {};
      auto state = SyncState::load(**store);
      EXPECT_TRUE(state.ok()) << state.status().to_string();
      if (!state.ok()) return {};
      resident_store_ = std::move(*store);
      resident_state_ = std::move(*state);
    }
    EXPECT_TRUE(resident_state_->is_current(*resident_store_));
    return import_and_sync(*resident_store_, *resident_state_, connector, sync_step);
  }

  SyncStatistics import_and_sync(Store& store_ref, SyncState& state_ref, const std::string& connector,
                                 StepResult& sync_step) {
    Store* store = &store_ref;
    SyncState* state = &state_ref;
    ConnectorSpace* space = state->space(connector);
    EXPECT_NE(space, nullptr);
    if (space == nullptr) return {};
    auto created = s_.registry().create(ConnectorConfig{space->def.name, space->def.type, space->def.options, space->def.schema});
    EXPECT_TRUE(created.ok()) << created.status().to_string();
    if (!created.ok()) return {};
    auto watermark = store->get_setting("watermark." + space->def.name);
    EXPECT_TRUE(watermark.ok());
    std::string wm = watermark.ok() ? watermark->value_or("") : "";
    StepResult import_step;
    Status s = run_import(*state, *space, **created, /*delta=*/true, wm, import_step, {});
    EXPECT_TRUE(s.ok()) << s.to_string();
    EXPECT_TRUE(state->save(*store, {{"watermark." + space->def.name, wm}}).ok());
    s = run_sync(*state, *space, /*delta=*/true, sync_step, {});
    EXPECT_TRUE(s.ok()) << s.to_string();
    EXPECT_TRUE(state->save(*store).ok());
    return state->sync_statistics();
  }

  Scenario s_;
  std::unique_ptr<Store> resident_store_;
  std::unique_ptr<SyncState> resident_state_;
};

TEST_F(ReferenceDeltaTest, OneMemberRemovedIsOneValueDeleteTouchingOnlyTheGroup) {
  s_.add_changes("hr", std::string("dn: ") + kGroupDn + "\nchangetype: modify\ndelete: member\nmember: " +
                           member_dn(7) + "\n-\n\n");
  StepResult step;
  SyncStatistics stats = delta_import_and_sync("hr", step);
  EXPECT_EQ(counter(step, "mv-updated"), 1u);
  // Only the group: one CS object, one MV object, one (MV object, target) pending export.
  EXPECT_EQ(stats.cs_examined, 1u);
  EXPECT_EQ(stats.mv_recomputed, 1u);
  EXPECT_EQ(stats.outbound_planned, 1u);
  // The removed value is mapped once (to its DN in the target); the other members are carried
  // inbound and outbound without being resolved again.
  EXPECT_LE(stats.reference_values_resolved, 2u);
  EXPECT_GE(stats.reference_values_carried, 2u * (kMembers - 1));

  json expected = json::array({{{"attribute", "member"}, {"operation", "delete"}, {"values", {dir_member_dn(7)}}}});
  EXPECT_EQ(pending(kDirGroupDn), expected);
  auto members = mv_values(s_.mv_of("hr", kGroupDn), "member");
  EXPECT_EQ(members.size(), static_cast<size_t>(kMembers - 1));
}

TEST_F(ReferenceDeltaTest, AddsAndRemovalsFoldIntoThePendingExportValueByValue) {
  // A new user joins the group in the same delta as another member leaves.
  s_.add_changes("hr", hr_user("u-new", "User New") + "dn: " + kGroupDn +
                           "\nchangetype: modify\nadd: member\nmember: CN=User New,OU=People,DC=hr\n-\n"
                           "delete: member\nmember: " + member_dn(3) + "\n-\n\n");
  StepResult step;
  SyncStatistics stats = delta_import_and_sync("hr", step);
  EXPECT_EQ(stats.cs_examined, 2u);
  EXPECT_EQ(counter(step, "provisioned"), 1u);
  json expected = json::array({{{"attribute", "member"}, {"operation", "add"}, {"values", {"CN=User New,OU=People,DC=dir"}}},
                               {{"attribute", "member"}, {"operation", "delete"}, {"values", {dir_member_dn(3)}}}});
  EXPECT_EQ(pending(kDirGroupDn), expected);

  // Not exported yet: the member comes back, which cancels its pending delete; another leaves.
  s_.add_changes("hr", std::string("dn: ") + kGroupDn + "\nchangetype: modify\nadd: member\nmember: " + member_dn(3) +
                           "\n-\ndelete: member\nmember: " + member_dn(9) + "\n-\n\n");
  StepResult second;
  stats = delta_import_and_sync("hr", second);
  EXPECT_EQ(stats.cs_examined, 1u);
  EXPECT_LE(stats.reference_values_resolved, 4u);
  expected = json::array({{{"attribute", "member"}, {"operation", "add"}, {"values", {"CN=User New,OU=People,DC=dir"}}},
                          {{"attribute", "member"}, {"operation", "delete"}, {"values", {dir_member_dn(9)}}}});
  EXPECT_EQ(pending(kDirGroupDn), expected);
}

TEST_F(ReferenceDeltaTest, CarriedValuesEqualWhatAFullSynchronizationComputes) {
  s_.add_changes("hr", std::string("dn: ") + kGroupDn + "\nchangetype: modify\ndelete: member\nmember: " +
                           member_dn(0) + "\nmember: " + member_dn(150) + "\n-\nadd: member\nmember: " + member_dn(150) +
                           "\n-\n\n");
  StepResult step;
  delta_import_and_sync("hr", step);
  json mv_after_delta = s_.mv_of("hr", kGroupDn);
  json pending_after_delta = pending(kDirGroupDn);
  EXPECT_EQ(pending_after_delta,
            json::array({{{"attribute", "member"}, {"operation", "delete"}, {"values", {dir_member_dn(0)}}}}));
  // A full synchronization recomputes every member from scratch: it must find nothing to change.
  ASSERT_NO_FATAL_FAILURE(expect_full_sync_changes_nothing(mv_after_delta, pending_after_delta));
}

TEST_F(ReferenceDeltaTest, ADeltaSyncThroughTheServerExaminesOnlyTheChangedObjects) {
  // The server keeps its state resident between runs: the delta sync's work list comes from
  // what the import marked, not from a pass over all objects.
  s_.add_changes("hr", "dn: " + member_dn(5) + "\nchangetype: modify\nreplace: title\ntitle: Pilot\n-\n\n" +
                           std::string("dn: ") + kGroupDn + "\nchangetype: modify\ndelete: member\nmember: " +
                           member_dn(6) + "\n-\n\n");
  s_.run("hr", "Delta Import");
  RunResult sync = s_.run("hr", "Delta Synchronization");
  ASSERT_EQ(sync.steps.size(), 1u);
  EXPECT_EQ(counter(sync.steps[0], "connector-flow"), 2u);
  EXPECT_EQ(counter(sync.steps[0], "mv-updated"), 2u);
  EXPECT_EQ(pending(kDirGroupDn),
            json::array({{{"attribute", "member"}, {"operation", "delete"}, {"values", {dir_member_dn(6)}}}}));
  EXPECT_EQ(pending(dir_member_dn(5)),
            json::array({{{"attribute", "title"}, {"operation", "replace"}, {"values", {"Pilot"}}}}));
  // Export, confirm, and the next delta finds nothing left to do.
  s_.run("dir", "Export");
  s_.run("dir", "Delta Import");
  s_.run("dir", "Delta Synchronization");
  EXPECT_EQ(pending(kDirGroupDn), json::array());
  EXPECT_EQ(s_.directory("dir").count(normalized(kDirGroupDn)), 1u);
  RunResult quiet = s_.run("hr", "Delta Synchronization");
  ASSERT_EQ(quiet.steps.size(), 1u);
  EXPECT_EQ(counter(quiet.steps[0], "connector-flow"), 0u);
}

TEST_F(ReferenceDeltaTest, ATargetImportNotYetSynchronizedIsDiffedInFull) {
  // Someone removed a member in the target directory; its import is staged but not yet
  // synchronized. The pending export must restore that member as well: the carry may not
  // assume the target still holds what the last pending export was computed against.
  s_.add_changes("dir", std::string("dn: ") + kDirGroupDn + "\nchangetype: modify\ndelete: member\nmember: " +
                            dir_member_dn(4) + "\n-\n\n");
  RunResult staged = s_.run("dir", "Delta Import");
  ASSERT_EQ(staged.steps.size(), 1u);
  ASSERT_EQ(counter(staged.steps[0], "stage-update"), 1u);
  s_.add_changes("hr", std::string("dn: ") + kGroupDn + "\nchangetype: modify\ndelete: member\nmember: " +
                           member_dn(7) + "\n-\n\n");
  StepResult step;
  SyncStatistics stats = delta_import_and_sync("hr", step);
  EXPECT_EQ(stats.cs_examined, 1u);
  EXPECT_GE(stats.reference_values_resolved, static_cast<uint64_t>(kMembers - 1));  // the full diff
  json expected = json::array({{{"attribute", "member"}, {"operation", "add"}, {"values", {dir_member_dn(4)}}},
                               {{"attribute", "member"}, {"operation", "delete"}, {"values", {dir_member_dn(7)}}}});
  EXPECT_EQ(pending(kDirGroupDn), expected);
}

TEST_F(ReferenceDeltaTest, AChangeAfterAnUnconfirmedExportCarriesAgainstTheEscrow) {
  s_.add_changes("hr", std::string("dn: ") + kGroupDn + "\nchangetype: modify\ndelete: member\nmember: " +
                           member_dn(7) + "\n-\n\n");
  StepResult first;
  delta_import_and_sync("hr", first);
  RunResult exported = s_.run("dir", "Export");
  ASSERT_EQ(exported.steps.size(), 1u);
  EXPECT_EQ(counter(exported.steps[0], "export-update"), 1u);
  EXPECT_EQ(pending(kDirGroupDn), json::array());
  // Exported, not yet confirmed by an import: the next change is one more value delete.
  s_.add_changes("hr", std::string("dn: ") + kGroupDn + "\nchangetype: modify\ndelete: member\nmember: " +
                           member_dn(8) + "\n-\n\n");
  StepResult second;
  SyncStatistics stats = delta_import_and_sync("hr", second);
  EXPECT_LE(stats.reference_values_resolved, 2u);
  EXPECT_EQ(pending(kDirGroupDn),
            json::array({{{"attribute", "member"}, {"operation", "delete"}, {"values", {dir_member_dn(8)}}}}));
  // The directory ends with both members gone once exported and confirmed.
  s_.run("dir", "Export");
  s_.run("dir", "Delta Import");
  s_.run("dir", "Delta Synchronization");
  EXPECT_EQ(pending(kDirGroupDn), json::array());
  auto dir = s_.directory("dir");
  auto group = dir.find(normalized(kDirGroupDn));
  ASSERT_NE(group, dir.end());
  const Attribute* members = group->second.find("member");
  ASSERT_NE(members, nullptr);
  EXPECT_EQ(members->values.size(), static_cast<size_t>(kMembers - 2));
  EXPECT_EQ(std::count(members->values.begin(), members->values.end(), dir_member_dn(7)), 0);
  EXPECT_EQ(std::count(members->values.begin(), members->values.end(), dir_member_dn(8)), 0);
}

TEST_F(ReferenceDeltaTest, AMemberDeletedWithoutAGroupChangeIsDroppedAtTheGroupsNextChange) {
  // The source directory deletes a user but keeps it in the group (no referential integrity):
  // its reference no longer resolves, so the group's next change must drop it as a full
  // evaluation would — in the same run, and in a later one.
  s_.add_changes("hr", "dn: " + member_dn(11) + "\nchangetype: delete\n\n" + std::string("dn: ") + kGroupDn +
                           "\nchangetype: modify\ndelete: member\nmember: " + member_dn(12) + "\n-\n\n");
  StepResult same_run;
  delta_import_and_sync("hr", same_run);
  auto members = mv_values(s_.mv_of("hr", kGroupDn), "member");
  EXPECT_EQ(members.size(), static_cast<size_t>(kMembers - 2));
  EXPECT_EQ(pending(kDirGroupDn),
            json::array({{{"attribute", "member"}, {"operation", "delete"}, {"values", {dir_member_dn(11), dir_member_dn(12)}}}}));

  s_.add_changes("hr", "dn: " + member_dn(21) + "\nchangetype: delete\n\n");
  StepResult delete_run;
  delta_import_and_sync("hr", delete_run);
  s_.add_changes("hr", std::string("dn: ") + kGroupDn + "\nchangetype: modify\ndelete: member\nmember: " +
                           member_dn(22) + "\n-\n\n");
  StepResult later_run;
  delta_import_and_sync("hr", later_run);
  members = mv_values(s_.mv_of("hr", kGroupDn), "member");
  EXPECT_EQ(members.size(), static_cast<size_t>(kMembers - 4));
  ASSERT_NO_FATAL_FAILURE(
      expect_pending_member_deletes({dir_member_dn(11), dir_member_dn(12), dir_member_dn(21), dir_member_dn(22)}));
}

// The change set a directory with referential integrity sends when users are deleted: the
// deletes, and the group losing those members in the same delta. The group's other members are
// carried: the removed values are mapped once each (to their DN in the target), nothing is
// resolved again, and the result is what a full synchronization computes.
TEST_F(ReferenceDeltaTest, DeletedMembersLeavingTheGroupAreValueDeletesOnTheCarriedPath) {
  std::string changes = std::string("dn: ") + kGroupDn + "\nchangetype: modify\ndelete: member\n";
  for (int i = 20; i < 30; ++i) changes += "member: " + member_dn(i) + "\n";
  changes += "-\n\n";
  for (int i = 20; i < 30; ++i) changes += "dn: " + member_dn(i) + "\nchangetype: delete\n\n";
  s_.add_changes("hr", changes);
  StepResult step;
  SyncStatistics stats = delta_import_and_sync("hr", step);
  EXPECT_EQ(counter(step, "deleted"), 10u);
  EXPECT_EQ(stats.cs_examined, 11u);
  // Only the removed values are mapped (outbound, to the target DNs the delete names).
  EXPECT_LE(stats.reference_values_resolved, 10u);
  EXPECT_GE(stats.reference_values_carried, 2u * (kMembers - 10));
  std::vector<std::string> gone;
  for (int i = 20; i < 30; ++i) gone.push_back(dir_member_dn(i));
  json expected = json::array({{{"attribute", "member"}, {"operation", "delete"}, {"values", gone}}});
  EXPECT_EQ(pending(kDirGroupDn), expected);
  json mv_after_delta = s_.mv_of("hr", kGroupDn);
  EXPECT_EQ(mv_values(mv_after_delta, "member").size(), static_cast<size_t>(kMembers - 10));

  ASSERT_NO_FATAL_FAILURE(expect_full_sync_changes_nothing(mv_after_delta, expected));
}

// A member deleted while the group still lists it (no referential integrity) is dropped on the
// carried path too: a value delete and the group marked for the reference it cannot resolve,
// as a full evaluation does — without resolving the other members again.
TEST_F(ReferenceDeltaTest, AKeptMemberNoLongerLinkedBecomesAValueDeleteOnTheCarriedPath) {
  s_.add_changes("hr", "dn: " + member_dn(40) + "\nchangetype: delete\n\n" + "dn: " + member_dn(41) +
                           "\nchangetype: delete\n\n" + std::string("dn: ") + kGroupDn +
                           "\nchangetype: modify\ndelete: member\nmember: " + member_dn(42) + "\n-\n\n");
  StepResult step;
  SyncStatistics stats = delta_import_and_sync("hr", step);
  EXPECT_EQ(stats.cs_examined, 3u);
  // Each dangling member is looked up once by its DN (gone: dropped); the three removed values
  // are mapped to their DNs in the target. The other 297 members are carried.
  EXPECT_LE(stats.reference_values_resolved, 5u);
  EXPECT_GE(stats.reference_values_carried, 2u * (kMembers - 3));
  std::vector<std::string> gone = {dir_member_dn(40), dir_member_dn(41), dir_member_dn(42)};
  json expected = json::array({{{"attribute", "member"}, {"operation", "delete"}, {"values", gone}}});
  EXPECT_EQ(pending(kDirGroupDn), expected);
  json mv_after_delta = s_.mv_of("hr", kGroupDn);
  EXPECT_EQ(mv_values(mv_after_delta, "member").size(), static_cast<size_t>(kMembers - 3));
  json cs_after_delta = s_.cs("hr", kGroupDn);

  ASSERT_NO_FATAL_FAILURE(expect_full_sync_changes_nothing(mv_after_delta, expected));
  EXPECT_EQ(s_.cs("hr", kGroupDn), cs_after_delta);
}

// The huge-group case of the benchmark's change set: hundreds of members deleted in one delta
// and removed from the group. The sync carries the rest; the export and its confirmation
// leave the target group with exactly the others; a full synchronization then changes nothing.
TEST_F(ReferenceDeltaTest, HundredsOfDeletedMembersLeaveTheGroupInOneDelta) {
  constexpr int kGone = 140;
  std::string changes = std::string("dn: ") + kGroupDn + "\nchangetype: modify\ndelete: member\n";
  for (int i = 0; i < kGone; ++i) changes += "member: " + member_dn(2 * i) + "\n";
  changes += "-\n\n";
  for (int i = 0; i < kGone; ++i) changes += "dn: " + member_dn(2 * i) + "\nchangetype: delete\n\n";
  s_.add_changes("hr", changes);
  StepResult step;
  SyncStatistics stats = delta_import_and_sync("hr", step);
  EXPECT_EQ(stats.cs_examined, static_cast<uint64_t>(kGone + 1));
  EXPECT_LE(stats.reference_values_resolved, static_cast<uint64_t>(kGone));
  EXPECT_GE(stats.reference_values_carried, 2u * (kMembers - kGone));
  json changes_pending = pending(kDirGroupDn);
  ASSERT_EQ(changes_pending.size(), 1u) << changes_pending.dump();
  EXPECT_EQ(changes_pending[0]["operation"], "delete");
  EXPECT_EQ(changes_pending[0]["values"].size(), static_cast<size_t>(kGone));

  RunResult exported = s_.run("dir", "Export");
  ASSERT_EQ(exported.steps.size(), 1u);
  EXPECT_EQ(counter(exported.steps[0], "export-delete"), static_cast<uint64_t>(kGone));
  EXPECT_EQ(counter(exported.steps[0], "export-update"), 1u);
  RunResult confirmed = s_.run("dir", "Delta Import");
  ASSERT_EQ(confirmed.steps.size(), 1u);
  EXPECT_EQ(counter(confirmed.steps[0], "exported-change-not-reimported"), 0u);
  s_.run("dir", "Delta Synchronization");
  EXPECT_EQ(pending(kDirGroupDn), json::array());
  auto dir = s_.directory("dir");
  const Attribute* members = dir.at(normalized(kDirGroupDn)).find("member");
  ASSERT_NE(members, nullptr);
  std::set<std::string> have(members->values.begin(), members->values.end());
  std::set<std::string> want;
  for (int i = 0; i < kMembers; ++i)
    if (i % 2 == 1 || i >= 2 * kGone) want.insert(dir_member_dn(i));
  EXPECT_EQ(have, want);

  json mv_after = s_.mv_of("hr", kGroupDn);
  ASSERT_NO_FATAL_FAILURE(expect_full_sync_changes_nothing(mv_after, json::array()));
}

std::string remove_member(int i) {
  return std::string("dn: ") + kGroupDn + "\nchangetype: modify\ndelete: member\nmember: " + member_dn(i) + "\n-\n\n";
}

// A server keeps its state between runs: once every member of the group was seen linked, a
// delta in which nothing was unlinked carries the members without looking at each one again
// (reference_values_checked == 0, issue 5). A state loaded from a store with no notes saved
// checks them all.
TEST_F(ReferenceDeltaTest, NothingUnlinkedSinceTheLastCheckSkipsTheLinkCheckOfKeptMembers) {
  s_.add_changes("hr", remove_member(7));
  StepResult first;
  SyncStatistics stats = resident_delta_import_and_sync("hr", first);
  // Loaded from the store: no note of an earlier check, so inbound and outbound check all kept.
  EXPECT_EQ(stats.reference_values_checked, 2u * (kMembers - 1));

  s_.add_changes("hr", remove_member(8));
  StepResult second;
  stats = resident_delta_import_and_sync("hr", second);
  EXPECT_EQ(stats.cs_examined, 1u);
  EXPECT_EQ(stats.reference_values_checked, 0u);
  EXPECT_GE(stats.reference_values_carried, 2u * (kMembers - 2));
  json expected = json::array({{{"attribute", "member"}, {"operation", "delete"}, {"values", {dir_member_dn(7), dir_member_dn(8)}}}});
  EXPECT_EQ(pending(kDirGroupDn), expected);
  EXPECT_EQ(mv_values(s_.mv_of("hr", kGroupDn), "member").size(), static_cast<size_t>(kMembers - 2));

  // The same on a state loaded afresh, as a one-shot run does: the notes were saved with the
  // state, so it skips the check too.
  s_.add_changes("hr", remove_member(9));
  StepResult loaded;
  stats = delta_import_and_sync("hr", loaded);
  EXPECT_EQ(stats.reference_values_checked, 0u);
  EXPECT_GE(stats.reference_values_carried, 2u * (kMembers - 3));
  EXPECT_EQ(mv_values(s_.mv_of("hr", kGroupDn), "member").size(), static_cast<size_t>(kMembers - 3));
}

// The saved notes after a reload: a member deleted in a run of its own (the group unchanged)
// is an unlink in that run, so the notes saved with it are gone, and the group's next change —
// in another process, on a state loaded afresh — checks every kept member and drops the
// deleted one, as a full synchronization does.
TEST_F(ReferenceDeltaTest, AMemberDeletedAfterTheNotesWereSavedIsCaughtAfterAReload) {
  s_.add_changes("hr", remove_member(7));
  StepResult first;
  delta_import_and_sync("hr", first);
  s_.add_changes("hr", remove_member(8));
  StepResult noted;
  ASSERT_EQ(delta_import_and_sync("hr", noted).reference_values_checked, 0u);

  s_.add_changes("hr", "dn: " + member_dn(40) + "\nchangetype: delete\n\n");
  StepResult deleted;
  SyncStatistics stats = delta_import_and_sync("hr", deleted);
  EXPECT_EQ(counter(deleted, "deleted"), 1u);
  EXPECT_EQ(mv_values(s_.mv_of("hr", kGroupDn), "member").size(), static_cast<size_t>(kMembers - 2));

  s_.add_changes("hr", remove_member(9));
  StepResult reloaded;
  stats = delta_import_and_sync("hr", reloaded);
  // Only the member the saved log shows unlinked is looked up, inbound and outbound.
  EXPECT_GE(stats.reference_values_checked, 1u);
  EXPECT_LE(stats.reference_values_checked, 2u);
  ASSERT_NO_FATAL_FAILURE(
      expect_pending_member_deletes({dir_member_dn(7), dir_member_dn(8), dir_member_dn(9), dir_member_dn(40)}));
  json mv_after_delta = s_.mv_of("hr", kGroupDn);
  EXPECT_EQ(mv_values(mv_after_delta, "member").size(), static_cast<size_t>(kMembers - 4));

  // Checked again in that run: the next one-shot delta skips once more.
  s_.add_changes("hr", remove_member(10));
  StepResult quiet;
  EXPECT_EQ(delta_import_and_sync("hr", quiet).reference_values_checked, 0u);
  json mv_before_full = s_.mv_of("hr", kGroupDn);
  json pending_before_full = pending(kDirGroupDn);
  ASSERT_NO_FATAL_FAILURE(expect_full_sync_changes_nothing(mv_before_full, pending_before_full));
}

// A member whose object in the target is deleted there is unlinked from the target only: the
// inbound side still skips every lookup, the outbound side looks up just that member, finds it
// gone and diffs the group in full — the same pending export as with every member looked up
// (the member has no object in the target until a synchronization provisions it again).
TEST_F(ReferenceDeltaTest, AMemberUnlinkedOnlyInTheTargetIsLookedUpThereAlone) {
  s_.add_changes("hr", remove_member(7));
  StepResult first;
  delta_import_and_sync("hr", first);
  s_.add_changes("dir", "dn: " + dir_member_dn(50) + "\nchangetype: delete\n\n");
  for (const char* profile : {"Delta Import", "Delta Synchronization"}) {
    RunResult r = s_.run("dir", profile);
    ASSERT_EQ(r.result, "success") << profile;
  }
  s_.add_changes("hr", remove_member(8));
  StepResult second;
  SyncStatistics stats = delta_import_and_sync("hr", second);
  EXPECT_EQ(stats.reference_values_checked, 1u);
  ASSERT_NO_FATAL_FAILURE(expect_pending_member_deletes({dir_member_dn(7), dir_member_dn(8), dir_member_dn(50)}));
  EXPECT_EQ(mv_values(s_.mv_of("hr", kGroupDn), "member").size(), static_cast<size_t>(kMembers - 2));
}

// A run that unlinks and dies before its save (chaos tests kill runs mid-way) leaves the store
// as the last save wrote it: rows and notes together. The next run stages the delete again
// from the same changes, unlinks, and the group's change in it checks the members in full.
TEST_F(ReferenceDeltaTest, ARunThatUnlinksAndIsNeverSavedLeavesTheSavedNotesAndRowsTogether) {
  s_.add_changes("hr", remove_member(7));
  StepResult first;
  delta_import_and_sync("hr", first);
  {
    auto store = Store::open(s_.store_path(), OpenMode::kMustExist);
    ASSERT_TRUE(store.ok()) << store.status().to_string();
    auto state = SyncState::load(**store);
    ASSERT_TRUE(state.ok()) << state.status().to_string();
    CsObject* user = (*state)->space("hr")->find_by_dn(member_dn(40));
    ASSERT_NE(user, nullptr);
    ASSERT_NE(user->mv, 0u);
    (*state)->unlink(*user);  // in memory only: the process "dies" here, nothing is saved
  }
  s_.add_changes("hr", "dn: " + member_dn(40) + "\nchangetype: delete\n\n" + remove_member(8));
  StepResult after;
  SyncStatistics stats = delta_import_and_sync("hr", after);
  EXPECT_GE(stats.reference_values_checked, 1u);
  EXPECT_LE(stats.reference_values_checked, 2u);
  json have = pending(kDirGroupDn);
  ASSERT_EQ(have.size(), 1u) << have.dump();
  std::vector<std::string> values = have[0]["values"].get<std::vector<std::string>>();
  std::sort(values.begin(), values.end());
  std::vector<std::string> gone = {dir_member_dn(7), dir_member_dn(8), dir_member_dn(40)};
  std::sort(gone.begin(), gone.end());
  EXPECT_EQ(values, gone);
}

// Deleting a connector removes its objects, and their links, behind the sync state: the store
// clears the saved notes with it, so no later load trusts them.
TEST_F(ReferenceDeltaTest, DeletingAConnectorClearsTheSavedNotes) {
  s_.add_changes("hr", remove_member(7));
  StepResult first;
  delta_import_and_sync("hr", first);
  auto store = Store::open(s_.store_path(), OpenMode::kMustExist);
  ASSERT_TRUE(store.ok()) << store.status().to_string();
  auto saved = (*store)->get_setting(Store::kLinkChecksSetting);
  ASSERT_TRUE(saved.ok());
  ASSERT_TRUE(saved->has_value());
  LinkChecks parsed;
  ASSERT_TRUE(LinkChecks::parse_saved(**saved, parsed));
  EXPECT_EQ(parsed.size(), 2u);  // the group's list, seen linked from hr and in dir
  auto connectors = (*store)->load_connectors();
  ASSERT_TRUE(connectors.ok());
  ConnectorId dir = 0;
  for (const ConnectorRow& row : *connectors)
    if (row.name == "dir") dir = row.id;
  ASSERT_NE(dir, 0u);
  ASSERT_TRUE((*store)->begin().ok());
  ASSERT_TRUE((*store)->delete_connector(dir).ok());
  ASSERT_TRUE((*store)->replace_rules({}).ok());  // as a configuration import drops the rules naming it
  ASSERT_TRUE((*store)->commit().ok());
  saved = (*store)->get_setting(Store::kLinkChecksSetting);
  ASSERT_TRUE(saved.ok());
  EXPECT_FALSE(saved->has_value() && LinkChecks::parse_saved(**saved, parsed) && parsed.size() != 0);
  auto state = SyncState::load(**store);
  ASSERT_TRUE(state.ok()) << state.status().to_string();
  EXPECT_EQ((*state)->link_checks().size(), 0u);
}

// A damaged setting seeds nothing: the check runs in full, and the result is right.
TEST_F(ReferenceDeltaTest, DamagedSavedNotesSeedNothing) {
  s_.add_changes("hr", remove_member(7));
  StepResult first;
  delta_import_and_sync("hr", first);
  {
    auto store = Store::open(s_.store_path(), OpenMode::kMustExist);
    ASSERT_TRUE(store.ok()) << store.status().to_string();
    auto saved = (*store)->get_setting(Store::kLinkChecksSetting);
    ASSERT_TRUE(saved.ok() && saved->has_value());
    std::string damaged = **saved;
    damaged.back() = 'x';  // the last line's terminator
    ASSERT_TRUE((*store)->put_setting(Store::kLinkChecksSetting, damaged).ok());
    auto state = SyncState::load(**store);
    ASSERT_TRUE(state.ok()) << state.status().to_string();
    EXPECT_EQ((*state)->link_checks().size(), 0u);
  }
  s_.add_changes("hr", remove_member(8));
  StepResult second;
  EXPECT_EQ(delta_import_and_sync("hr", second).reference_values_checked, 2u * (kMembers - 2));
  EXPECT_EQ(mv_values(s_.mv_of("hr", kGroupDn), "member").size(), static_cast<size_t>(kMembers - 2));
}

// The saved form round-trips notes, generations and the unlink log; a malformed line, a
// generation out of order or a note older than the log is refused whole.
TEST(LinkCheckNotes, SavedFormRoundTripsAndRefusesDamage) {
  LinkChecks checks;
  checks.note({7, 3, 2, false}, 0);
  checks.note({4294967296ull, 4294967295u, 1, true}, 0);
  checks.unlinked(40, 2);
  checks.unlinked(41, 0);  // removed: unlinked from every connector
  checks.unlinked(42, 1);
  checks.note({9, 1, 2, false}, checks.generation());
  checks.note({10, 1, 2, false}, checks.generation());
  // Long lists, but not the one of object 10.
  std::string text = checks.saved([](const LinkChecks::Key& k) -> size_t { return k.mv == 10 ? 0 : 1000; });
  LinkChecks parsed;
  ASSERT_TRUE(LinkChecks::parse_saved(text, parsed)) << text;
  EXPECT_EQ(parsed.size(), 3u);
  EXPECT_EQ(parsed.generation(), 3u);
  EXPECT_TRUE(parsed.still_linked({9, 1, 2, false}));
  EXPECT_FALSE(parsed.noted_at({10, 1, 2, false}).has_value());
  EXPECT_EQ(parsed.noted_at({7, 3, 2, false}), std::optional<uint64_t>(0));
  std::vector<MvId> ids;
  ASSERT_TRUE(parsed.unlinked_after(2, 0, ids));
  EXPECT_EQ(ids, (std::vector<MvId>{40, 41}));
  ids.clear();
  EXPECT_FALSE(parsed.unlinked_after(2, 0, ids, 2));  // three unlinks since, any connector
  EXPECT_TRUE(parsed.unlinked_after(2, 0, ids, 3));
  ids.clear();
  ASSERT_TRUE(parsed.unlinked_after(1, 1, ids));
  EXPECT_EQ(ids, (std::vector<MvId>{41, 42}));
  UnlinkedIds suspects(ids);
  EXPECT_TRUE(suspects.suspect(41));
  EXPECT_TRUE(suspects.suspect(42));
  EXPECT_TRUE(suspects.suspect(0));
  EXPECT_FALSE(suspects.suspect(40));
  EXPECT_FALSE(suspects.suspect(1000000));
  // Seeding keeps what `valid` accepts.
  LinkChecks seeded;
  seeded.seed(text, [](const LinkChecks::Key& k) { return k.connector != 1; });
  EXPECT_EQ(seeded.size(), 2u);
  EXPECT_EQ(seeded.log_size(), 3u);

  // Only notes are saved with the unlinks after the oldest of them.
  LinkChecks recent;
  recent.unlinked(5, 1);
  recent.note({1, 1, 1, false}, recent.generation());
  recent.unlinked(6, 1);
  ASSERT_TRUE(LinkChecks::parse_saved(recent.saved([](const LinkChecks::Key&) -> size_t { return 1000; }), parsed));
  EXPECT_EQ(parsed.log_size(), 1u);
  ids.clear();
  EXPECT_FALSE(parsed.unlinked_after(1, 0, ids));  // older than the saved log
  ASSERT_TRUE(parsed.unlinked_after(1, 1, ids));
  EXPECT_EQ(ids, (std::vector<MvId>{6}));

  // Ids going down as well as up, and runs of one connector, round-trip exactly.
  LinkChecks mixed;
  mixed.note({1, 1, 1, false}, 0);
  const std::vector<std::pair<MvId, ConnectorId>> unlinks = {{900, 1}, {5, 1},       {5, 2}, {4294967296ull * 7, 2},
                                                             {3, 0},   {1000000, 1}, {2, 1}};
  for (const auto& [mv, connector] : unlinks) mixed.unlinked(mv, connector);
  ASSERT_TRUE(LinkChecks::parse_saved(mixed.saved([](const LinkChecks::Key&) -> size_t { return 1000; }), parsed));
  for (ConnectorId connector : {1u, 2u}) {
    std::vector<MvId> want, have;
    for (const auto& [mv, c] : unlinks)
      if (c == connector || c == 0) want.push_back(mv);
    ASSERT_TRUE(parsed.unlinked_after(connector, 0, have));
    EXPECT_EQ(have, want) << connector;
  }

  for (std::string bad :
       {std::string(""), std::string("1\n"), text.substr(0, text.size() - 1), std::string("3 5 0\nn 7 3 2\n"),
        std::string("3 5 0\nn 7 3 2 2 1\n"), std::string("3 5 0\nn 7 3 x 0 1\n"), std::string("3 5 0\nn 7 4294967296 2 0 1\n"),
        std::string("3 5 0\nn 7 3 2 0 6\n"), std::string("3 5 2\nn 7 3 2 0 1\n"), std::string("3 5 6\n"),
        std::string("3 2 0\nu 1 1 2\n"),              // one unlink short of the generations it names
        std::string("3 2 0\nu 1 3 2 2 2\n"),          // one too many
        std::string("3 2 0\nu 1 2 2\n"),              // a run shorter than its count
        std::string("3 2 0\nu 1 0\nu 1 2 2 2\n"),     // an empty run
        std::string("3 1 0\nu 1 1 3\n"),              // an id below 0
        std::string("3 1 0\nu 4294967296 1 2\n"),     // a connector out of range
        std::string("3 1 0\nu 1 1 2\nn 7 3 2 0 1\n"),  // a note after the log
        std::string("2 5 0\n")}) {                    // the form before this one
    LinkChecks none;
    none.seed(bad, [](const LinkChecks::Key&) { return true; });
    EXPECT_EQ(none.size(), 0u) << bad;
    EXPECT_FALSE(LinkChecks::parse_saved(bad, parsed)) << bad;
  }
}

// The log drops its oldest half at max(kMinLog, twice what a note on the longest possible list
// can use): a note older than what it still reaches is checked in full, a newer one still sees
// every unlink since.
TEST(LinkCheckNotes, ALongLogDropsItsOldestHalf) {
  LinkChecks checks;
  checks.note({1, 1, 1, false}, 0);
  for (MvId id = 1; id <= LinkChecks::kMinLog; ++id) checks.unlinked(id + 100, 1);
  const uint64_t late = checks.generation();
  checks.note({2, 1, 1, false}, late);
  checks.unlinked(7, 1);
  std::vector<MvId> ids;
  EXPECT_FALSE(checks.unlinked_after(1, 0, ids));
  ASSERT_TRUE(checks.unlinked_after(1, late, ids));
  EXPECT_EQ(ids, (std::vector<MvId>{7}));
  EXPECT_LE(checks.log_size(), LinkChecks::kMinLog);

  // In a state of a million metaverse objects the log keeps 500K unlinks: a change set of
  // 200K unlinks leaves a note on a list of 800K values usable.
  LinkChecks large;
  large.note({1, 1, 1, false}, 0);
  for (MvId id = 1; id <= 200000; ++id) large.unlinked(id + 100, 1, 1000000);
  ids.clear();
  ASSERT_TRUE(large.unlinked_after(1, 0, ids, LinkChecks::max_unlinks_for(800000)));
  EXPECT_EQ(ids.size(), 200000u);
}

// The saved log is bounded by the notes it serves, not by a count of unlinks: a note whose
// list can still use every unlink since it survives a change set of any size (here 20,000
// unlinks, more than the 16,384 an earlier form kept), and the member deleted in it is among
// the suspects after a reload; a note on a list too short for that many unlinks is left out,
// and the log saved reaches back only to the oldest note kept.
TEST(LinkCheckNotes, NotesSurviveAChangeSetOfAnySizeTheirListCanUse) {
  LinkChecks checks;
  checks.note({1, 1, 1, false}, 0);  // a group of 100K members
  checks.note({2, 1, 1, false}, 0);  // a group of 1,000 members
  for (MvId id = 0; id < 20000; ++id) {
    checks.unlinked(id * 3 + 1000, 1, 300000);
    if (id == 12345) checks.unlinked(77, 0, 300000);  // a member of the large group, deleted
  }
  checks.note({3, 1, 1, false}, checks.generation() - 10);
  std::string text = checks.saved([](const LinkChecks::Key& k) -> size_t { return k.mv == 1 ? 100000 : k.mv == 2 ? 1000 : 300; });
  EXPECT_LT(text.size(), 20001u * 8);  // a few bytes per unlink
  LinkChecks parsed;
  ASSERT_TRUE(LinkChecks::parse_saved(text, parsed));
  EXPECT_EQ(parsed.noted_at({1, 1, 1, false}), std::optional<uint64_t>(0));
  EXPECT_FALSE(parsed.noted_at({2, 1, 1, false}).has_value());  // 20,001 unlinks, of no use to 1,000 values
  EXPECT_EQ(parsed.noted_at({3, 1, 1, false}), std::optional<uint64_t>(checks.generation() - 10));
  EXPECT_EQ(parsed.log_size(), 20001u);
  std::vector<MvId> ids;
  ASSERT_TRUE(parsed.unlinked_after(1, 0, ids, LinkChecks::max_unlinks_for(100000)));
  UnlinkedIds suspects(ids);
  EXPECT_TRUE(suspects.suspect(77));
  EXPECT_TRUE(suspects.suspect(1000 + 3 * 19999));
  EXPECT_FALSE(suspects.suspect(1001));
  EXPECT_FALSE(suspects.suspect(76));

  // Without the large group, only the unlinks after the newest note are kept.
  LinkChecks small;
  ASSERT_TRUE(LinkChecks::parse_saved(
      checks.saved([](const LinkChecks::Key& k) -> size_t { return k.mv == 3 ? 300 : 0; }), small));
  EXPECT_EQ(small.size(), 1u);
  EXPECT_EQ(small.log_size(), 10u);
}

// The benchmark's huge group at a size where its note outlives a change set larger than the
// 16,384 unlinks an earlier saved form kept: 5,500 other users deleted (an unlink in each
// space and a metaverse object removed: 16,500 unlinks), and one member deleted while the
// group still lists it. The notes saved with that run survive it; the group's next change, on
// a state loaded afresh, looks up only the values the saved log names — and catches the
// deleted member, as a full synchronization does.
class LargeGroupLinkCheckTest : public ReferenceDeltaTest {
 protected:
  static constexpr int kGroup = 68000;  // max_unlinks_for(68000) = 17,000 unlinks
  static constexpr int kOthers = 5500;   // 16,503 unlinks with the member

  void SetUp() override {
    standard_setup(s_);
    std::string content;
    std::vector<std::string> members;
    for (int i = 0; i < kGroup + kOthers; ++i) {
      content += hr_user("u" + std::to_string(i), "User " + std::to_string(i));
      if (i < kGroup) members.push_back(member_dn(i));
    }
    content += hr_group("g1", "Big", members);
    s_.set_content("hr", content);
    ASSERT_TRUE(s_.apply().ok());
    initial_round(s_);
    ASSERT_EQ(pending(kDirGroupDn), json::array());
  }

  LinkChecks saved_notes() {
    LinkChecks parsed;
    auto store = Store::open(s_.store_path(), OpenMode::kMustExist);
    EXPECT_TRUE(store.ok()) << store.status().to_string();
    if (!store.ok()) return parsed;
    auto saved = (*store)->get_setting(Store::kLinkChecksSetting);
    EXPECT_TRUE(saved.ok() && saved->has_value());
    if (saved.ok() && saved->has_value()) {
      EXPECT_TRUE(LinkChecks::parse_saved(**saved, parsed));
    }
    return parsed;
  }
};

TEST_F(LargeGroupLinkCheckTest, NotesSurviveAChangeSetLargerThanTheOldBoundAndTheDeletedMemberIsCaught) {
  s_.add_changes("hr", remove_member(7));
  StepResult first;
  EXPECT_EQ(delta_import_and_sync("hr", first).reference_values_checked, 2u * (kGroup - 1));
  ASSERT_EQ(saved_notes().size(), 2u);  // the group's list, seen linked from hr and in dir

  std::string changes;
  for (int i = kGroup; i < kGroup + kOthers; ++i) changes += "dn: " + member_dn(i) + "\nchangetype: delete\n\n";
  changes += "dn: " + member_dn(40) + "\nchangetype: delete\n\n";  // still listed by the group
  s_.add_changes("hr", changes);
  StepResult deleted;
  delta_import_and_sync("hr", deleted);
  EXPECT_EQ(counter(deleted, "deleted"), static_cast<uint64_t>(kOthers + 1));
  LinkChecks notes = saved_notes();
  EXPECT_EQ(notes.size(), 2u);
  EXPECT_GT(notes.log_size(), 16384u);

  s_.add_changes("hr", remove_member(8));
  StepResult reloaded;
  SyncStatistics stats = delta_import_and_sync("hr", reloaded);
  // Only the deleted member is looked up (its id is in the saved log), inbound and outbound.
  EXPECT_GE(stats.reference_values_checked, 1u);
  EXPECT_LE(stats.reference_values_checked, 2u);
  ASSERT_NO_FATAL_FAILURE(expect_pending_member_deletes({dir_member_dn(7), dir_member_dn(8), dir_member_dn(40)}));
  json mv_after_delta = s_.mv_of("hr", kGroupDn);
  EXPECT_EQ(mv_values(mv_after_delta, "member").size(), static_cast<size_t>(kGroup - 3));
  RunResult full = s_.run("hr", "Full Synchronization");
  ASSERT_EQ(full.steps.size(), 1u);
  EXPECT_EQ(counter(full.steps[0], "mv-updated"), 0u);
  EXPECT_EQ(s_.mv_of("hr", kGroupDn), mv_after_delta);
  // The group's rows were saved over and over with their lists' remembered chunk cuts
  // (model/objects.cc): every chunk they refer to is there and matches.
  auto store = Store::open(s_.store_path(), OpenMode::kMustExist);
  ASSERT_TRUE(store.ok()) << store.status().to_string();
  auto report = (*store)->check_value_chunks(10);
  ASSERT_TRUE(report.ok()) << report.status().to_string();
  EXPECT_GT(report->chunks, 0u);
  EXPECT_TRUE(report->findings.empty()) << report->findings[0];
}

// After an unlink (a member deleted without leaving the group) the kept members are checked
// again, and the deleted one is caught and becomes a value delete; the result equals what a
// full synchronization computes.
TEST_F(ReferenceDeltaTest, AnUnlinkSinceTheLastCheckMakesTheCarriedPathCheckAgainAndCatchTheDeletedMember) {
  s_.add_changes("hr", remove_member(7));
  StepResult first;
  resident_delta_import_and_sync("hr", first);
  s_.add_changes("hr", remove_member(8));
  StepResult quiet;
  ASSERT_EQ(resident_delta_import_and_sync("hr", quiet).reference_values_checked, 0u);

  // User 40 is deleted but the group still lists it; the group itself changes too.
  s_.add_changes("hr", "dn: " + member_dn(40) + "\nchangetype: delete\n\n" + remove_member(9));
  StepResult unlinked;
  SyncStatistics stats = resident_delta_import_and_sync("hr", unlinked);
  EXPECT_EQ(stats.cs_examined, 2u);
  // Only the member unlinked since the last check is looked up, inbound and outbound.
  EXPECT_GE(stats.reference_values_checked, 1u);
  EXPECT_LE(stats.reference_values_checked, 2u);
  ASSERT_NO_FATAL_FAILURE(
      expect_pending_member_deletes({dir_member_dn(7), dir_member_dn(8), dir_member_dn(9), dir_member_dn(40)}));
  json mv_after_delta = s_.mv_of("hr", kGroupDn);
  EXPECT_EQ(mv_values(mv_after_delta, "member").size(), static_cast<size_t>(kMembers - 4));

  // Checked in that run after the unlink: the next deltas, with nothing unlinked, skip again.
  s_.add_changes("hr", remove_member(10));
  StepResult after;
  stats = resident_delta_import_and_sync("hr", after);
  EXPECT_EQ(stats.reference_values_checked, 0u);
  s_.add_changes("hr", remove_member(11));
  StepResult quiet_again;
  stats = resident_delta_import_and_sync("hr", quiet_again);
  EXPECT_EQ(stats.reference_values_checked, 0u);
  EXPECT_EQ(mv_values(s_.mv_of("hr", kGroupDn), "member").size(), static_cast<size_t>(kMembers - 6));

  resident_state_.reset();
  resident_store_.reset();
  json mv_before_full = s_.mv_of("hr", kGroupDn);
  json pending_before_full = pending(kDirGroupDn);
  ASSERT_NO_FATAL_FAILURE(expect_full_sync_changes_nothing(mv_before_full, pending_before_full));
}

}  // namespace
}  // namespace idsync::scenario
