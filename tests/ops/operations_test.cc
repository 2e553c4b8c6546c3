// Operations: scheduler arithmetic and state, staging mode, the export deletion threshold,
// connector overrides, stop requests, the run-lock probe, and the scheduler service.
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "store/store.h"
#include "sync/scenario.h"

namespace idsync::scenario {
namespace {

std::string users(int from, int to) {
  std::string out;
  for (int i = from; i < to; ++i) out += hr_user("u" + std::to_string(i), "User " + std::to_string(i));
  return out;
}

TEST(SchedulerMath, EffectiveIntervalNeverBelowTheAllowedOne) {
  SchedulerSettings s;
  EXPECT_EQ(effective_sync_cycle_interval_s(s), 1800);
  s.customized_sync_cycle_interval_s = 600;  // 10 minutes: not allowed, 30 stays in force
  EXPECT_EQ(effective_sync_cycle_interval_s(s), 1800);
  s.customized_sync_cycle_interval_s = 3600;
  EXPECT_EQ(effective_sync_cycle_interval_s(s), 3600);
}

TEST(SchedulerMath, DueTimeFollowsEnabledAndSuspended) {
  SchedulerSettings s;
  s.next_sync_cycle_start_ms = 1'000'000;
  EXPECT_FALSE(sync_cycle_due(s, 999'999));
  EXPECT_TRUE(sync_cycle_due(s, 1'000'000));
  s.scheduler_suspended = true;
  EXPECT_FALSE(sync_cycle_due(s, 2'000'000));
  s.scheduler_suspended = false;
  s.sync_cycle_enabled = false;
  EXPECT_FALSE(sync_cycle_due(s, 2'000'000));
  s.sync_cycle_enabled = true;
  s.next_sync_cycle_policy_type = "Initial";
  schedule_next_cycle(s, 5'000'000);
  EXPECT_EQ(s.next_sync_cycle_start_ms, 5'000'000 + 1800 * 1000);
  EXPECT_EQ(s.next_sync_cycle_policy_type, "Delta");
}

TEST(SchedulerMath, JsonUsesTheAdSyncFieldNamesAndRoundTrips) {
  SchedulerSettings s;
  s.customized_sync_cycle_interval_s = 2 * 3600 + 5 * 60;
  s.purge_run_history_interval_s = 3 * 86400;
  s.next_sync_cycle_start_ms = 1'700'000'000'000;
  s.staging_mode_enabled = true;
  std::string text = scheduler_to_json(s, true);
  json j = json::parse(text);
  for (const char* field : {"AllowedSyncCycleInterval", "CurrentlyEffectiveSyncCycleInterval",
                            "CustomizedSyncCycleInterval", "NextSyncCyclePolicyType", "NextSyncCycleStartTimeInUTC",
                            "PurgeRunHistoryInterval", "SyncCycleEnabled", "MaintenanceEnabled", "StagingModeEnabled",
                            "SchedulerSuspended", "SyncCycleInProgress"})
    EXPECT_TRUE(j.contains(field)) << field;
  EXPECT_EQ(j["CustomizedSyncCycleInterval"], "02:05:00");
  EXPECT_EQ(j["PurgeRunHistoryInterval"], "3.00:00:00");
  EXPECT_EQ(j["SyncCycleInProgress"], true);
  auto back = scheduler_from_json(text);
  ASSERT_TRUE(back.ok()) << back.status().to_string();
  EXPECT_EQ(*back, s);
}

class OperationsTest : public ::testing::Test {
 protected:
  void SetUp() override { standard_setup(s_); }
  // Objects waiting for export to the target, by DN.
  std::map<std::string, std::string> pending(const std::string& connector) {
    std::map<std::string, std::string> out;
    auto list = s_.server().cs_list_json(connector, true, 0);
    EXPECT_TRUE(list.ok());
    for (const json& o : json::parse(*list)) out[o["dn"].get<std::string>()] = o["pendingExport"].get<std::string>();
    return out;
  }
  Scenario s_;
};

TEST_F(OperationsTest, StagingModeImportsAndSyncsButNeverExports) {
  s_.set_content("hr", users(0, 5));
  ASSERT_TRUE(s_.apply().ok());
  SchedulerSettings settings;
  settings.staging_mode_enabled = true;
  ASSERT_TRUE(s_.server().set_scheduler(settings).ok());

  CycleResult staged = s_.cycle(CyclePolicy::kInitial);
  EXPECT_TRUE(staged.staging_mode);
  for (const RunResult& r : staged.runs) EXPECT_NE(r.run_profile, "Export") << "an export ran in staging mode";
  EXPECT_TRUE(s_.directory("dir").empty()) << "staging mode wrote to the target directory";
  auto shown = pending("dir");
  EXPECT_EQ(shown.size(), 5u);

  // A plain Export is refused; a forced one is the administrator's explicit decision.
  auto refused = s_.server().run_profile("dir", "Export");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), ErrorCode::kStopped);
  EXPECT_NE(refused.status().message().find("staging mode"), std::string::npos);
  EXPECT_TRUE(s_.directory("dir").empty());

  // Switching to active exports exactly what the staging server showed.
  settings.staging_mode_enabled = false;
  ASSERT_TRUE(s_.server().set_scheduler(settings).ok());
  CycleResult active = s_.cycle(CyclePolicy::kDelta);
  uint64_t adds = 0;
  for (const RunResult& r : active.runs)
    if (r.run_profile == "Export" && r.connector == "dir") adds += counter(r.steps[0], "export-add");
  EXPECT_EQ(adds, shown.size());
  auto directory = s_.directory("dir");
  EXPECT_EQ(directory.size(), shown.size());
  for (const auto& [dn, kind] : shown) EXPECT_EQ(directory.count(normalized(dn)), 1u) << dn;
}

TEST_F(OperationsTest, ForcedExportWorksInStagingMode) {
  s_.set_content("hr", users(0, 3));
  ASSERT_TRUE(s_.apply().ok());
  SchedulerSettings settings;
  settings.staging_mode_enabled = true;
  ASSERT_TRUE(s_.server().set_scheduler(settings).ok());
  s_.cycle(CyclePolicy::kInitial);
  auto forced = s_.server().run_profile("dir", "Export", {}, RunOptions{true});
  ASSERT_TRUE(forced.ok()) << forced.status().to_string();
  EXPECT_EQ(counter(forced->steps[0], "export-add"), 3u);
  EXPECT_EQ(s_.directory("dir").size(), 3u);
}

// The documented threshold: 500 deletes per export run pass, 501 stop the whole export.
void delete_users(Scenario& s, int count) {
  std::string changes;
  for (int i = 0; i < count; ++i)
    changes += "dn: CN=User " + std::to_string(i) + ",OU=People,DC=hr\nchangetype: delete\n\n";
  s.add_changes("hr", changes);
}

TEST_F(OperationsTest, DeletionThresholdAllowsFiveHundredDeletes) {
  s_.set_content("hr", users(0, 520));
  ASSERT_TRUE(s_.apply().ok());
  s_.cycle(CyclePolicy::kInitial);
  ASSERT_EQ(s_.directory("dir").size(), 520u);
  delete_users(s_, 500);
  CycleResult delta = s_.cycle(CyclePolicy::kDelta);
  EXPECT_EQ(delta.result, "Success");
  EXPECT_EQ(s_.directory("dir").size(), 20u);
}

TEST_F(OperationsTest, DeletionThresholdStopsTheExportAtFiveHundredAndOne) {
  s_.set_content("hr", users(0, 520));
  ASSERT_TRUE(s_.apply().ok());
  s_.cycle(CyclePolicy::kInitial);
  delete_users(s_, 501);
  CycleResult delta = s_.cycle(CyclePolicy::kDelta);
  EXPECT_EQ(delta.result, "Failed");
  bool tripped = false;
  for (const RunResult& r : delta.runs)
    if (r.connector == "dir" && r.run_profile == "Export") {
      EXPECT_EQ(r.result, "stopped-deletion-threshold-exceeded");
      EXPECT_EQ(counter(r.steps[0], "export-delete"), 0u);
      tripped = true;
    }
  EXPECT_TRUE(tripped);
  EXPECT_EQ(s_.directory("dir").size(), 520u) << "nothing may be exported when the threshold trips";
  EXPECT_EQ(pending("dir").size(), 501u) << "the deletes stay pending for review";

  // Raising the threshold lets the reviewed deletes go.
  ASSERT_TRUE(s_.server().set_deletion_threshold(1000).ok());
  RunResult exp = s_.run("dir", "Export");
  EXPECT_EQ(counter(exp.steps[0], "export-delete"), 501u);
  EXPECT_EQ(s_.directory("dir").size(), 19u);
}

// The documented order: imports from on-premises, import from the cloud, syncs in the same
// order, export to the cloud, exports to on-premises, then a delta import confirming the
// exports of each connector that exported something.
TEST(CycleOrder, InitialAndDeltaFollowTheDocumentedConnectorOrder) {
  Scenario s;
  standard_setup(s);
  s.add_ldif("hr2", "uid", hr_schema());  // a second on-premises directory, after "hr"
  s.set_content("hr", users(0, 3));
  ASSERT_TRUE(s.apply().ok());
  auto order = [](const CycleResult& c) {
    std::vector<std::string> out;
    for (const RunResult& r : c.runs) out.push_back(r.connector + ": " + r.run_profile);
    return out;
  };
  CycleResult initial = s.cycle(CyclePolicy::kInitial);
  EXPECT_EQ(initial.policy, "Initial");
  EXPECT_EQ(order(initial), (std::vector<std::string>{
                                "hr: Full Import", "hr2: Full Import", "dir: Full Import", "hr: Full Synchronization",
                                "hr2: Full Synchronization", "dir: Full Synchronization", "dir: Export", "hr: Export",
                                "hr2: Export", "dir: Delta Import"}));
  s.add_changes("hr", "dn: CN=User 1,OU=People,DC=hr\nchangetype: modify\nreplace: title\ntitle: Boss\n-\n\n");
  CycleResult delta = s.cycle(CyclePolicy::kDelta);
  EXPECT_EQ(order(delta), (std::vector<std::string>{
                              "hr: Delta Import", "hr2: Delta Import", "dir: Delta Import", "hr: Delta Synchronization",
                              "hr2: Delta Synchronization", "dir: Delta Synchronization", "dir: Export", "hr: Export",
                              "hr2: Export", "dir: Delta Import"}));
  CycleResult idle = s.cycle(CyclePolicy::kDelta);
  EXPECT_EQ(idle.runs.size(), 9u) << "no export, so no confirming import";
}

// Run history by connector, run number (per connector, as RunNumber) and result.
TEST_F(OperationsTest, RunHistoryByConnectorRunNumberAndResult) {
  s_.set_content("hr", users(0, 3));
  ASSERT_TRUE(s_.apply().ok());
  s_.cycle(CyclePolicy::kInitial);
  s_.cycle(CyclePolicy::kDelta);
  auto hr = s_.server().run_history(RunHistoryQuery{"hr", "", 0, 0});
  ASSERT_TRUE(hr.ok());
  ASSERT_EQ(hr->size(), 6u);  // import, sync, export in each cycle
  RunHistoryQuery q{"hr", "", 0, 100, 2};
  auto second = s_.server().run_history(q);
  ASSERT_TRUE(second.ok());
  ASSERT_EQ(second->size(), 1u);
  EXPECT_EQ((*second)[0].connector, "hr");
  EXPECT_EQ((*second)[0].run_number, 2);
  EXPECT_EQ((*second)[0].run_profile, "Full Synchronization");
  q.run_number = 99;
  EXPECT_TRUE(s_.server().run_history(q)->empty());
  q.connector.clear();
  q.run_number = 2;
  EXPECT_EQ(s_.server().run_history(q).status().code(), ErrorCode::kInvalidArgument);
  auto failed = s_.server().run_history(RunHistoryQuery{"", "stopped-deletion-threshold-exceeded", 0, 0});
  ASSERT_TRUE(failed.ok());
  EXPECT_TRUE(failed->empty());
}

TEST_F(OperationsTest, ConnectorOverrideIsHonouredOnceThenCleared) {
  s_.set_content("hr", users(0, 3));
  ASSERT_TRUE(s_.apply().ok());
  s_.cycle(CyclePolicy::kInitial);
  ASSERT_TRUE(s_.server().set_connector_override("hr", ConnectorOverride{true, true}).ok());
  CycleResult first = s_.cycle(CyclePolicy::kDelta);
  std::vector<std::string> hr_profiles, second_profiles;
  for (const RunResult& r : first.runs)
    if (r.connector == "hr") hr_profiles.push_back(r.run_profile);
  EXPECT_EQ(hr_profiles, (std::vector<std::string>{"Full Import", "Full Synchronization", "Export"}));
  auto cleared = s_.server().connector_override("hr");
  ASSERT_TRUE(cleared.ok());
  EXPECT_EQ(*cleared, ConnectorOverride{});
  CycleResult second = s_.cycle(CyclePolicy::kDelta);
  for (const RunResult& r : second.runs)
    if (r.connector == "hr") second_profiles.push_back(r.run_profile);
  EXPECT_EQ(second_profiles, (std::vector<std::string>{"Delta Import", "Delta Synchronization", "Export"}));
  EXPECT_EQ(s_.server().connector_override("nope").status().code(), ErrorCode::kNotFound);
}

TEST_F(OperationsTest, StopRequestEndsTheCycleAtTheNextStep) {
  s_.set_content("hr", users(0, 3));
  ASSERT_TRUE(s_.apply().ok());
  // The source's content file is a FIFO: the cycle's first import waits inside the run lock
  // until we write it, which gives a deterministic moment to ask for a stop.
  std::string content = s_.content_path("hr").string();
  std::filesystem::remove(content);
  ASSERT_EQ(mkfifo(content.c_str(), 0600), 0);
  std::thread cycle_thread([&] {
    CycleResult r = s_.cycle(CyclePolicy::kInitial);
    EXPECT_EQ(r.result, "Stopped");
    ASSERT_EQ(r.runs.size(), 1u) << "only the run in progress may finish";
    EXPECT_EQ(r.runs[0].run_profile, "Full Import");
    EXPECT_EQ(r.runs[0].result, "success");
  });
  auto other = Server::open(s_.store_path(), StoreOpenMode::kMustExist, s_.registry());
  ASSERT_TRUE(other.ok());
  // The import is inside its step once it has the FIFO open for reading: only then does a
  // non-blocking open for writing succeed (ENXIO before). Asking for the stop earlier would
  // stop the cycle before its first step — correct, but not what this test checks — and a
  // blocking write would then wait forever. So wait on that condition, with a deadline.
  int fifo = -1;
  for (int i = 0; i < 1500 && fifo < 0; ++i) {
    fifo = open(content.c_str(), O_WRONLY | O_NONBLOCK);
    if (fifo < 0) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (fifo < 0) {
    cycle_thread.join();
    FAIL() << "the cycle's import never opened its content file";
  }
  auto running = (*other)->running();
  bool is_running = running.ok() && running->has_value();
  EXPECT_TRUE(is_running);
  if (is_running) {
    EXPECT_NE((*running)->find("Initial sync cycle"), std::string::npos) << **running;
  }
  EXPECT_TRUE((*other)->request_stop().ok());
  // The import in progress completes: write its content and close, which gives it end of file.
  std::string ldif = "version: 1\n\n" + users(0, 3);
  EXPECT_EQ(fcntl(fifo, F_SETFL, 0), 0);
  EXPECT_EQ(write(fifo, ldif.data(), ldif.size()), static_cast<ssize_t>(ldif.size()));
  close(fifo);
  cycle_thread.join();
  auto after = (*other)->running();
  ASSERT_TRUE(after.ok());
  EXPECT_FALSE(after->has_value());
}

TEST_F(OperationsTest, RunningIgnoresAHolderThatWasKilled) {
  ASSERT_TRUE(s_.apply().ok());
  pid_t child = fork();
  if (child == 0) {
    auto store = Store::open(s_.store_path(), OpenMode::kMustExist);
    if (!store.ok() || !(*store)->acquire_run_lock("doomed cycle").ok()) _exit(2);
    kill(getpid(), SIGKILL);  // dies holding the lock, as after a crash
    _exit(3);
  }
  int status = 0;
  waitpid(child, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status));
  auto running = s_.server().running();
  ASSERT_TRUE(running.ok());
  EXPECT_FALSE(running->has_value()) << **running;
  // And the next run is not refused.
  s_.run("hr", "Full Import");
}

// The scheduler service, as systemd runs it: starts a due cycle, schedules the next one, and
// exits 0 on SIGTERM.
TEST_F(OperationsTest, SchedulerServiceRunsDueCyclesAndStopsOnSigterm) {
  s_.set_content("hr", users(0, 3));
  ASSERT_TRUE(s_.apply().ok());
  SchedulerSettings settings;
  settings.next_sync_cycle_policy_type = "Initial";
  settings.next_sync_cycle_start_ms = 0;  // due now
  ASSERT_TRUE(s_.server().set_scheduler(settings).ok());
  std::string log = (s_.dir() / "scheduler.log").string();
  pid_t child = fork();
  if (child == 0) {
    FILE* f = freopen(log.c_str(), "w", stderr);
    (void)f;
    execl(IDSYNC_CLI_PATH, IDSYNC_CLI_PATH, "--store", s_.store_path().c_str(), "scheduler", "run", nullptr);
    _exit(127);
  }
  // Wait for the cycle to be recorded, then stop the service.
  bool ran = false;
  for (int i = 0; i < 300 && !ran; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    auto runs = s_.server().run_history(RunHistoryQuery{});
    ran = runs.ok() && runs->size() >= 7;
  }
  EXPECT_TRUE(ran) << read_text(log);
  ASSERT_EQ(kill(child, SIGTERM), 0);
  int status = 0;
  for (int i = 0; i < 200; ++i) {
    if (waitpid(child, &status, WNOHANG) == child) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_TRUE(WIFEXITED(status)) << "the service did not exit on SIGTERM\n" << read_text(log);
  EXPECT_EQ(WEXITSTATUS(status), 0) << read_text(log);
  std::string text = read_text(log);
  EXPECT_NE(text.find("Initial cycle Success"), std::string::npos) << text;
  EXPECT_NE(text.find("stopped"), std::string::npos) << text;
  auto after = s_.server().scheduler();
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->next_sync_cycle_policy_type, "Delta");
  EXPECT_GT(after->next_sync_cycle_start_ms, 0);
  EXPECT_EQ(s_.directory("dir").size(), 3u);
}

// SIGTERM while a cycle runs: the service asks the cycle to stop at its next step boundary,
// lets the step in progress finish and commit, and exits 0.
TEST_F(OperationsTest, SchedulerServiceStopsARunningCycleCleanlyOnSigterm) {
  s_.set_content("hr", users(0, 3));
  ASSERT_TRUE(s_.apply().ok());
  SchedulerSettings settings;
  settings.next_sync_cycle_policy_type = "Initial";
  ASSERT_TRUE(s_.server().set_scheduler(settings).ok());
  // The first import reads a FIFO, so the cycle waits inside its first step until we write it.
  std::string content = s_.content_path("hr").string();
  std::filesystem::remove(content);
  ASSERT_EQ(mkfifo(content.c_str(), 0600), 0);
  std::string log = (s_.dir() / "scheduler.log").string();
  pid_t child = fork();
  if (child == 0) {
    FILE* f = freopen(log.c_str(), "w", stderr);
    (void)f;
    execl(IDSYNC_CLI_PATH, IDSYNC_CLI_PATH, "--store", s_.store_path().c_str(), "scheduler", "run", nullptr);
    _exit(127);
  }
  auto store = Store::open(s_.store_path(), OpenMode::kMustExist);
  ASSERT_TRUE(store.ok());
  // The cycle is inside its first step once the import has opened the FIFO for reading: only
  // then does a non-blocking open for writing succeed (ENXIO before). Waiting on that, not on
  // the run lock alone, keeps a slow child (ASan) from getting SIGTERM before its first step,
  // and the test never blocks on the FIFO whatever the child does.
  int fifo = -1;
  for (int i = 0; i < 1500 && fifo < 0; ++i) {
    fifo = open(content.c_str(), O_WRONLY | O_NONBLOCK);
    if (fifo < 0) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_GE(fifo, 0) << "the import never opened its content file\n" << read_text(log);
  auto holder = (*store)->run_lock_holder();
  ASSERT_TRUE(holder.ok() && holder->has_value()) << read_text(log);
  ASSERT_EQ(kill(child, SIGTERM), 0);
  bool asked = false;
  for (int i = 0; i < 300 && !asked; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    auto v = (*store)->get_setting("stop_requested");
    asked = v.ok() && v->has_value() && **v == "1";
  }
  EXPECT_TRUE(asked) << read_text(log);
  // The import in progress completes: write its content and close, which gives it end of file.
  ASSERT_EQ(fcntl(fifo, F_SETFL, 0), 0);
  std::string ldif = "version: 1\n\n" + users(0, 3);
  ASSERT_EQ(write(fifo, ldif.data(), ldif.size()), static_cast<ssize_t>(ldif.size()));
  close(fifo);
  int status = 0;
  for (int i = 0; i < 300; ++i) {
    if (waitpid(child, &status, WNOHANG) == child) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_TRUE(WIFEXITED(status)) << "the service did not exit on SIGTERM\n" << read_text(log);
  EXPECT_EQ(WEXITSTATUS(status), 0) << read_text(log);
  std::string text = read_text(log);
  EXPECT_NE(text.find("asking the running cycle to stop"), std::string::npos) << text;
  EXPECT_NE(text.find("Initial cycle Stopped"), std::string::npos) << text;
  auto runs = s_.server().run_history(RunHistoryQuery{});
  ASSERT_TRUE(runs.ok());
  ASSERT_EQ(runs->size(), 1u) << "only the step in progress may finish";
  EXPECT_EQ((*runs)[0].run_profile, "Full Import");
  EXPECT_EQ((*runs)[0].result, "success");
  EXPECT_EQ(s_.cs_list("hr").size(), 3u) << "the finished import was committed";
  EXPECT_TRUE(s_.directory("dir").empty()) << "nothing after the stop ran";
  auto after = s_.server().running();
  ASSERT_TRUE(after.ok());
  EXPECT_FALSE(after->has_value());
}

}  // namespace
}  // namespace idsync::scenario
