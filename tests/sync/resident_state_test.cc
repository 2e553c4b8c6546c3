// A Server keeps the engine state of its last run in memory so that a delta run does not load
// the whole store again. It must never act on a stale copy: a write by another process (another
// Server on the same store file) or a configuration change makes it load again.
#include "scenario.h"

namespace idsync::scenario {
namespace {

class ResidentStateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    standard_setup(s_, /*with_target=*/false);
    s_.set_content("hr", hr_user("u1", "Ann Lee", "title: Clerk\n"));
    ASSERT_TRUE(s_.apply().ok());
    s_.run("hr", "Full Import");
    s_.run("hr", "Full Synchronization");
    ASSERT_EQ(mv_value(s_.mv_of("hr", "CN=Ann Lee,OU=People,DC=hr"), "title"), "Clerk");
  }

  std::unique_ptr<Server> other_server() {
    auto other = Server::open(s_.store_path(), StoreOpenMode::kMustExist, s_.registry());
    EXPECT_TRUE(other.ok()) << other.status().to_string();
    return other.ok() ? std::move(other).value() : nullptr;
  }

  Scenario s_;
};

TEST_F(ResidentStateTest, AnImportByAnotherServerIsSeenByTheNextSync) {
  // Another process imports a change; this server's next delta sync must find it staged.
  s_.add_changes("hr", "dn: CN=Ann Lee,OU=People,DC=hr\nchangetype: modify\nreplace: title\ntitle: Manager\n-\n\n");
  {
    auto other = other_server();
    ASSERT_NE(other, nullptr);
    auto r = other->run_profile("hr", "Delta Import");
    ASSERT_TRUE(r.ok()) << r.status().to_string();
    EXPECT_EQ(counter(r->steps.at(0), "stage-update"), 1u);
  }
  RunResult sync = s_.run("hr", "Delta Synchronization");
  EXPECT_EQ(counter(sync.steps.at(0), "mv-updated"), 1u);
  EXPECT_EQ(mv_value(s_.mv_of("hr", "CN=Ann Lee,OU=People,DC=hr"), "title"), "Manager");
}

TEST_F(ResidentStateTest, AConfigurationChangeIsSeenByTheNextRun) {
  // A new flow, imported by another server: the next full sync of this one must apply it.
  for (SyncRule& r : s_.config().rules)
    if (r.name == "In from HR - User") r.flows.push_back(constant("description", "from HR"));
  {
    auto other = other_server();
    ASSERT_NE(other, nullptr);
    ASSERT_TRUE(other->import_configuration(s_.config()).ok());
  }
  s_.run("hr", "Full Synchronization");
  EXPECT_EQ(mv_value(s_.mv_of("hr", "CN=Ann Lee,OU=People,DC=hr"), "description"), "from HR");
}

TEST_F(ResidentStateTest, ConsecutiveRunsOfOneServerKeepWorkingOnTheirOwnWrites) {
  s_.add_changes("hr", hr_user("u2", "Bob Ray", "title: Driver\n"));
  s_.run("hr", "Delta Import");
  s_.run("hr", "Delta Synchronization");
  s_.add_changes("hr", "dn: CN=Bob Ray,OU=People,DC=hr\nchangetype: modify\nreplace: title\ntitle: Pilot\n-\n\n");
  s_.run("hr", "Delta Import");
  s_.run("hr", "Delta Synchronization");
  EXPECT_EQ(mv_value(s_.mv_of("hr", "CN=Bob Ray,OU=People,DC=hr"), "title"), "Pilot");
  // A fresh server over the same store sees exactly what the resident state saved.
  auto other = other_server();
  ASSERT_NE(other, nullptr);
  auto fresh = other->mv_list_json("person", 0);
  ASSERT_TRUE(fresh.ok());
  EXPECT_EQ(json::parse(*fresh), s_.mv_list("person"));
  EXPECT_EQ(json::parse(*fresh).size(), 2u);
}

}  // namespace
}  // namespace idsync::scenario
