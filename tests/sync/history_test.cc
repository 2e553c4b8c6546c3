// Run history and run statuses: success, completed-sync-errors (Error() on one object),
// stopped-* (a malformed LDIF file: the error names file, line and entry; nothing is committed).
#include "scenario.h"

namespace idsync::scenario {
namespace {

class HistoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    standard_setup(s_, /*with_target=*/false);
    s_.set_content("hr", hr_user("u1", "Ann Lee", "title: Clerk\n") + hr_user("u2", "Bob Ray", "title: Boss\n") +
                             hr_user("u3", "Cid Kay", "title: Cook\n"));
    // A profile of two steps, to see that a stopped step ends the run.
    for (ConnectorDefinition& c : s_.config().connectors) {
      c.run_profiles = standard_run_profiles();
      c.run_profiles.push_back(RunProfile{"Import and Sync", {StepType::kFullImport, StepType::kFullSync}});
    }
  }
  Scenario s_;
};

TEST_F(HistoryTest, EveryRunWritesARecordWithStepsCountersAndStatus) {
  ASSERT_TRUE(s_.apply().ok());
  RunResult run = s_.run("hr", "Import and Sync");
  EXPECT_EQ(run.result, "success");
  ASSERT_EQ(run.steps.size(), 2u);
  EXPECT_GT(run.run_id, 0);
  s_.run("hr", "Delta Synchronization");

  auto history = s_.server().run_history(RunHistoryQuery{});
  ASSERT_TRUE(history.ok()) << history.status().to_string();
  ASSERT_EQ(history->size(), 2u);
  const RunResult& newest = (*history)[0];
  const RunResult& first = (*history)[1];
  EXPECT_EQ(newest.run_profile, "Delta Synchronization");
  EXPECT_EQ(first.run_id, run.run_id);
  EXPECT_EQ(first.connector, "hr");
  EXPECT_EQ(first.run_profile, "Import and Sync");
  EXPECT_EQ(first.result, "success");
  EXPECT_LE(first.start_ms, first.end_ms);
  ASSERT_EQ(first.steps.size(), 2u);
  EXPECT_EQ(first.steps[0].step_number, 1);
  EXPECT_EQ(first.steps[0].step_type, "Full Import");
  EXPECT_EQ(first.steps[1].step_type, "Full Synchronization");
  EXPECT_EQ(counter(first.steps[0], "stage-add"), 3u);
  EXPECT_EQ(counter(first.steps[1], "projected"), 3u);
  EXPECT_GT(newest.run_number, first.run_number);

  // Queries: by connector, by result, by run id.
  auto by_id = s_.server().run_history(RunHistoryQuery{"", "", run.run_id, 10});
  ASSERT_TRUE(by_id.ok());
  ASSERT_EQ(by_id->size(), 1u);
  EXPECT_EQ((*by_id)[0].run_profile, "Import and Sync");
  auto none = s_.server().run_history(RunHistoryQuery{"", "completed-sync-errors", 0, 10});
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  auto other = s_.server().run_history(RunHistoryQuery{"nosuch", "", 0, 10});
  ASSERT_TRUE(other.ok());
  EXPECT_TRUE(other->empty());
}

TEST_F(HistoryTest, ErrorFunctionOnOneObjectCompletesWithSyncErrorsAndTheOthersSync) {
  for (SyncRule& r : s_.config().rules)
    for (AttributeFlow& f : r.flows)
      if (f.destination == "title")
        f = expression("title", "IIF([uid] = \"u2\", Error(\"u2 may not sync\"), [title])", {"uid", "title"});
  ASSERT_TRUE(s_.apply().ok());
  RunResult run = s_.run("hr", "Import and Sync");
  EXPECT_EQ(run.result, "completed-sync-errors");
  ASSERT_EQ(run.steps.size(), 2u);
  EXPECT_EQ(run.steps[0].result, "success");
  EXPECT_EQ(run.steps[1].result, "completed-sync-errors");
  ASSERT_EQ(run.steps[1].error_count, 1u);
  const ObjectError& e = run.steps[1].errors.at(0);
  EXPECT_EQ(e.error_type, "sync-rule-error-function-triggered");
  EXPECT_EQ(normalized(e.dn), normalized("CN=Bob Ray,OU=People,DC=hr"));
  EXPECT_NE(e.message.find("u2 may not sync"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("In from HR - User"), std::string::npos) << e.message;
  EXPECT_EQ(mv_value(s_.mv_of("hr", "CN=Ann Lee,OU=People,DC=hr"), "title"), "Clerk");
  EXPECT_EQ(mv_value(s_.mv_of("hr", "CN=Cid Kay,OU=People,DC=hr"), "title"), "Cook");
  json bob = s_.cs("hr", "CN=Bob Ray,OU=People,DC=hr");
  EXPECT_NE(bob.value("error", "").find("u2 may not sync"), std::string::npos) << bob.dump(2);

  auto history = s_.server().run_history(RunHistoryQuery{"hr", "completed-sync-errors", 0, 10});
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 1u);
  EXPECT_EQ((*history)[0].steps.at(1).errors.at(0).error_type, "sync-rule-error-function-triggered");
}

TEST_F(HistoryTest, MalformedLdifStopsTheRunAndCommitsNothing) {
  ASSERT_TRUE(s_.apply().ok());
  s_.run("hr", "Import and Sync");
  std::string cs_before = s_.server().cs_list_json("hr", false, 0).value();
  std::string mv_before = s_.server().mv_list_json("", 0).value();

  // Ann's title changes (would be staged) but a later entry is broken.
  s_.set_content("hr", hr_user("u1", "Ann Lee", "title: Boss\n") +
                           "dn: CN=Broken,OU=People,DC=hr\nobjectClass: user\nthis line has no colon\n\n");
  RunResult run = s_.run("hr", "Import and Sync");
  EXPECT_EQ(run.result.rfind("stopped-", 0), 0u) << run.result;
  ASSERT_EQ(run.steps.size(), 1u);  // the sync step never ran
  ASSERT_FALSE(run.steps[0].errors.empty());
  const std::string& message = run.steps[0].errors.back().message;
  EXPECT_NE(message.find("content.ldif"), std::string::npos) << message;
  // Line 14 holds the bad line; its entry starts on line 12.
  EXPECT_TRUE(message.find("line 14") != std::string::npos || message.find("line 12") != std::string::npos) << message;
  EXPECT_NE(message.find("CN=Broken,OU=People,DC=hr"), std::string::npos) << message;

  EXPECT_EQ(s_.server().cs_list_json("hr", false, 0).value(), cs_before);
  EXPECT_EQ(s_.server().mv_list_json("", 0).value(), mv_before);
  auto history = s_.server().run_history(RunHistoryQuery{"hr", "", 0, 1});
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 1u);
  EXPECT_EQ((*history)[0].result, run.result);

  // Fixed file: the next run picks up exactly Ann's change.
  s_.set_content("hr", hr_user("u1", "Ann Lee", "title: Boss\n") + hr_user("u2", "Bob Ray", "title: Boss\n") +
                           hr_user("u3", "Cid Kay", "title: Cook\n"));
  RunResult fixed = s_.run("hr", "Import and Sync");
  EXPECT_EQ(fixed.result, "success");
  EXPECT_EQ(counter(fixed.steps[0], "stage-update"), 1u);
}

TEST_F(HistoryTest, MissingDirectoryFileStopsTheRun) {
  ASSERT_TRUE(s_.apply().ok());
  std::filesystem::remove(s_.content_path("hr"));
  RunResult run = s_.run("hr", "Full Import");
  EXPECT_EQ(run.result.rfind("stopped-", 0), 0u) << run.result;
  ASSERT_FALSE(run.steps.at(0).errors.empty());
  EXPECT_NE(run.steps[0].errors.back().message.find("content.ldif"), std::string::npos);
  EXPECT_TRUE(s_.cs_list("hr").empty());
}

TEST_F(HistoryTest, UnknownConnectorOrProfileIsNotFound) {
  ASSERT_TRUE(s_.apply().ok());
  auto a = s_.server().run_profile("nosuch", "Full Import");
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.status().code(), ErrorCode::kNotFound);
  auto b = s_.server().run_profile("hr", "Fool Import");
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.status().code(), ErrorCode::kNotFound);
  EXPECT_NE(b.status().message().find("Import and Sync"), std::string::npos) << b.status().message();
}

}  // namespace
}  // namespace idsync::scenario
