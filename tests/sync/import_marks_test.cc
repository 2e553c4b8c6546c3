// A full import marks (for the store and the next delta synchronization) only the objects it
// changes: a directory shown again unchanged costs no write, and one changed object is the
// only one marked.
#include "scenario.h"
#include "store/store.h"
#include "sync/steps.h"
#include "sync/sync_state.h"

namespace idsync::scenario {
namespace {

class ImportMarksTest : public ::testing::Test {
 protected:
  void SetUp() override {
    standard_setup(s_, /*with_target=*/false);
    s_.set_content("hr", hr_user("u1", "Ann Lee", "title: Clerk\n") + hr_user("u2", "Bob Ray", "title: Driver\n"));
    ASSERT_TRUE(s_.apply().ok());
    s_.run("hr", "Full Import");
    s_.run("hr", "Full Synchronization");
  }

  // Loads the saved state and runs a Full Import of hr into it, without saving.
  struct Imported {
    std::unique_ptr<Store> store;
    std::unique_ptr<SyncState> state;
    StepResult step;
  };
  Imported full_import() {
    Imported out;
    auto store = Store::open(s_.store_path(), OpenMode::kMustExist);
    EXPECT_TRUE(store.ok()) << store.status().to_string();
    if (!store.ok()) return out;
    out.store = std::move(store).value();
    auto state = SyncState::load(*out.store);
    EXPECT_TRUE(state.ok()) << state.status().to_string();
    if (!state.ok()) return out;
    out.state = std::move(state).value();
    ConnectorSpace* space = out.state->space("hr");
    EXPECT_NE(space, nullptr);
    if (space == nullptr) return out;
    ConnectorConfig config{space->def.name, space->def.type, space->def.options, space->def.schema};
    auto connector = s_.registry().create(config);
    EXPECT_TRUE(connector.ok()) << connector.status().to_string();
    if (!connector.ok()) return out;
    std::string watermark;
    out.step.step_type = "Full Import";
    Status s = run_import(*out.state, *space, **connector, /*delta=*/false, watermark, out.step, {});
    EXPECT_TRUE(s.ok()) << s.to_string();
    return out;
  }

  Scenario s_;
};

TEST_F(ImportMarksTest, AnUnchangedDirectoryMarksNothing) {
  Imported r = full_import();
  ASSERT_NE(r.state, nullptr);
  EXPECT_EQ(counter(r.step, "stage-no-change"), 2u);
  // Nothing to write: the state is still what the store holds.
  EXPECT_TRUE(r.state->is_current(*r.store));
}

TEST_F(ImportMarksTest, OnlyTheChangedObjectIsMarkedAndSaved) {
  s_.set_content("hr", hr_user("u1", "Ann Lee", "title: Manager\n") + hr_user("u2", "Bob Ray", "title: Driver\n"));
  Imported r = full_import();
  ASSERT_NE(r.state, nullptr);
  EXPECT_EQ(counter(r.step, "stage-update"), 1u);
  EXPECT_EQ(counter(r.step, "stage-no-change"), 1u);
  EXPECT_FALSE(r.state->is_current(*r.store));
  ASSERT_TRUE(r.state->save(*r.store).ok());
  // Saved: a fresh load shows Ann's update staged and Bob untouched.
  auto fresh = SyncState::load(*r.store);
  ASSERT_TRUE(fresh.ok()) << fresh.status().to_string();
  ConnectorSpace* space = (*fresh)->space("hr");
  ASSERT_NE(space, nullptr);
  CsObject* ann = space->find_by_dn("CN=Ann Lee,OU=People,DC=hr");
  CsObject* bob = space->find_by_dn("CN=Bob Ray,OU=People,DC=hr");
  ASSERT_NE(ann, nullptr);
  ASSERT_NE(bob, nullptr);
  EXPECT_EQ(ann->pending_import, PendingImportKind::kUpdate);
  EXPECT_EQ(bob->pending_import, PendingImportKind::kNone);
}

}  // namespace
}  // namespace idsync::scenario
