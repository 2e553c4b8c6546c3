// Crash safety: the story "Initial cycle, then three Delta cycles over generated change sets"
// runs once without interruption (the reference) and once with the idsync process SIGKILLed at
// seeded random moments inside import, synchronization and export steps (placed by watching the
// run history: after the records of the steps before, a random part of the step's reference
// duration) and right after an export's change file appears, each kill followed by
// a restart of the same cycle. After every kill the store must pass SQLite's integrity check and
// `idsync store check`; at the end the cloud directory must have received exactly the same
// change records (no lost change, no duplicate add, no export repeated) and the store must hold
// the same connector spaces, metaverse and watermarks as the reference (after one settling Delta
// cycle in both, see below).
//
// IDSYNC_CHAOS_TRIALS (default 60) sets how many kills; IDSYNC_CHAOS_SEED (default 20261201)
// the seed; IDSYNC_CHAOS_OBJECTS (default 3000) the forest size.
#include <gtest/gtest.h>

#include <random>

#include "chaos/chaos_world.h"
#include "chaos/kill_timing.h"
#include "chaos/world_dir_test.h"

namespace idsync::chaos {
namespace {

uint64_t env_or(const char* name, uint64_t fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::strtoull(v, nullptr, 10) : fallback;
}

struct Phase {
  std::string policy;  // "Initial" / "Delta"
  int change_round;    // change set written before the cycle; 0 = none
};

const std::vector<Phase> kStory = {{"Initial", 0}, {"Delta", 1}, {"Delta", 2}, {"Delta", 3}};

class ChaosTest : public WorldDirTest {
 protected:
  ChaosTest() : WorldDirTest("chaos") {}

  // Store + configuration, never killed (a configuration import is one transaction).
  void prepare(World& w) {
    ASSERT_EQ(w.create(), "");
    CliRun c = run_cli(w.dir(), w.store(), {"store", "create"});
    ASSERT_EQ(c.exit_code, 0) << c.err;
    c = run_cli(w.dir(), w.store(), {"config", "import", w.config_file()});
    ASSERT_EQ(c.exit_code, 0) << c.err;
  }

  void expect_store_checks(World& w, const std::string& when) {
    CliRun check = run_cli(w.dir(), w.store(), {"store", "check"});
    EXPECT_EQ(check.exit_code, 0) << when << ": " << check.out << check.err;
    EXPECT_NE(check.out.find("store ok"), std::string::npos) << when << ": " << check.out << check.err;
  }

};

TEST_F(ChaosTest, SigkillAtRandomPointsLosesNothingAndRepeatsNoExport) {
  const uint64_t trials = env_or("IDSYNC_CHAOS_TRIALS", 60);
  const uint64_t seed = env_or("IDSYNC_CHAOS_SEED", 20261201);
  const uint64_t objects = env_or("IDSYNC_CHAOS_OBJECTS", 3000);

  // The reference: the story without kills, timing every step.
  World ref(root_ / "reference", objects, 7);
  ASSERT_NO_FATAL_FAILURE(prepare(ref));
  std::vector<std::vector<StepTiming>> timings;
  for (const Phase& p : kStory) {
    if (p.change_round > 0) {
      ASSERT_EQ(ref.write_changes(p.change_round), "");
    }
    size_t before = run_history(ref.store()).size();
    CliRun r = run_cli(ref.dir(), ref.store(), {"cycle", "--policy", p.policy});
    ASSERT_EQ(r.exit_code, 0) << p.policy << ": " << r.out << r.err;
    std::vector<RunRecord> runs = run_history(ref.store());
    std::vector<StepTiming> steps;
    for (size_t i = before; i < runs.size(); ++i)
      steps.push_back(StepTiming{runs[i].profile + " " + runs[i].connector, runs[i].connector, runs[i].start_ms - r.spawn_ms,
                                 std::max(runs[i].end_ms, runs[i].start_ms + 1) - r.spawn_ms});
    ASSERT_FALSE(steps.empty());
    timings.push_back(std::move(steps));
  }
  expect_store_checks(ref, "reference");

  // The same story with kills.
  World chaos(root_ / "chaos", objects, 7);
  ASSERT_NO_FATAL_FAILURE(prepare(chaos));
  std::mt19937_64 rng(seed);
  std::map<std::string, int> kills_by_kind, kills_by_step;
  uint64_t kills = 0, attempts = 0, finished_before_kill = 0, kills_after_export_file = 0;
  const uint64_t per_phase = (trials + kStory.size() - 1) / kStory.size();
  static const char* const kKinds[] = {"import", "sync", "export"};
  size_t next_kind = 0;
  uint64_t kills_on_target = 0, kills_off_target = 0;
  for (size_t pi = 0; pi < kStory.size(); ++pi) {
    const Phase& p = kStory[pi];
    if (p.change_round > 0) {
      ASSERT_EQ(chaos.write_changes(p.change_round), "");
    }
    uint64_t phase_kills = 0;
    for (int attempt = 0;; ++attempt) {
      ASSERT_LT(attempt, 400) << "phase " << pi << " never completed";
      ++attempts;
      size_t aim = 0;
      std::function<bool()> kill_when;
      if (attempt == 0) {
        // The narrowest window: the export's change file is in place (renamed into the
        // directory) but the store has not yet committed that it was sent.
        size_t files = change_files(chaos.cloud_changes()).size();
        kill_when = [&chaos, files] { return change_files(chaos.cloud_changes()).size() > files; };
      } else if (phase_kills < per_phase) {
        // Aim at import, sync and export steps in turn: wait until the cycle has finished the
        // steps before a step of that kind (their run records appear in the history), then a
        // random part of that step's reference duration, then kill.
        const auto& steps = timings[pi];
        const std::string kind = kKinds[next_kind++ % 3];
        std::vector<size_t> candidates;
        for (size_t i = 0; i < steps.size(); ++i)
          if (step_kind(steps[i].what) == kind) candidates.push_back(i);
        if (candidates.empty())
          for (size_t i = 0; i < steps.size(); ++i) candidates.push_back(i);
        aim = candidates[std::uniform_int_distribution<size_t>(0, candidates.size() - 1)(rng)];
        double frac = std::uniform_real_distribution<double>(0.0, 1.0)(rng);
        auto delay = std::chrono::microseconds(
            static_cast<int64_t>(frac * 1000.0 * static_cast<double>(steps[aim].end_ms - steps[aim].begin_ms)));
        size_t target_rows = run_history(chaos.store()).size() + aim;
        auto watcher = std::make_shared<HistoryWatcher>(chaos.store());
        kill_when = [watcher, target_rows, delay] { return watcher->reached(target_rows, delay); };
      }
      size_t before = run_history(chaos.store()).size();
      CliRun r = run_cli(chaos.dir(), chaos.store(), {"cycle", "--policy", p.policy}, -1, kill_when);
      if (!r.killed) {
        ASSERT_EQ(r.exit_code, 0) << "phase " << pi << " attempt " << attempt << ": " << r.out << r.err;
        if (kill_when) ++finished_before_kill;
        if (!kill_when || phase_kills >= per_phase) break;
        continue;
      }
      ++kills;
      ++phase_kills;
      if (attempt == 0) ++kills_after_export_file;
      // The step it died in: the first one whose run record it did not get to write.
      size_t done = run_history(chaos.store()).size() - before;
      const auto& steps = timings[pi];
      std::string where = done < steps.size() ? steps[done].what : "after the last step";
      if (attempt > 0) ++(done == aim ? kills_on_target : kills_off_target);
      ++kills_by_step[where];
      ++kills_by_kind[done < steps.size() ? step_kind(steps[done].what) : "end"];
      expect_store_checks(chaos, "after kill " + std::to_string(kills) + " in " + p.policy + " cycle, " + where);
      if (HasFailure()) return;
    }
  }

  std::printf("chaos: %llu kills in %llu attempts (%llu finished before their kill time), seed %llu, %llu objects\n",
              static_cast<unsigned long long>(kills), static_cast<unsigned long long>(attempts),
              static_cast<unsigned long long>(finished_before_kill), static_cast<unsigned long long>(seed),
              static_cast<unsigned long long>(objects));
  std::printf("chaos: %llu landed in the step aimed at, %llu in a later one\n",
              static_cast<unsigned long long>(kills_on_target), static_cast<unsigned long long>(kills_off_target));
  std::printf("chaos: %llu of them right after an export's change file appeared\n",
              static_cast<unsigned long long>(kills_after_export_file));
  for (const auto& [k, n] : kills_by_kind) std::printf("chaos:   %-8s %d\n", k.c_str(), n);
  for (const auto& [k, n] : kills_by_step) std::printf("chaos:     %-40s %d\n", k.c_str(), n);
  EXPECT_GE(kills, trials * 3 / 4);
  EXPECT_GT(kills_by_kind["import"], 0);
  EXPECT_GT(kills_by_kind["export"], 0);
  // Delta synchronization steps take a few milliseconds, so a kill aimed at one often lands in
  // the next step; with the default 60 trials several still land inside sync steps. Short
  // runs (the sanitizer build runs 20) only report how many did.
  if (trials >= 40) {
    EXPECT_GT(kills_by_kind["sync"], 0);
  }

  // A restarted cycle redoes the steps before the kill, so the chaos store can be one
  // confirmation ahead (a confirming import synced by the rerun). One more Delta cycle with no
  // new changes brings both to the same fixed point; it must not export anything in either.
  for (World* w : {&ref, &chaos}) {
    size_t files = change_files(w->cloud_changes()).size();
    CliRun r = run_cli(w->dir(), w->store(), {"cycle", "--policy", "Delta"});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_EQ(change_files(w->cloud_changes()).size(), files) << w->dir() << ": the settling cycle exported";
  }
  expect_store_checks(chaos, "at the end");
  // The directories: the same change records, in the same order.
  for (const char* side : {"cloud", "onprem"}) {
    std::string e1, e2;
    auto want = exported_records(ref.dir() / side / "changes", &e1);
    auto got = exported_records(chaos.dir() / side / "changes", &e2);
    EXPECT_EQ(e1, "");
    EXPECT_EQ(e2, "");
    EXPECT_EQ(got.size(), want.size()) << side << ": change records written";
    for (size_t i = 0; i < std::min(got.size(), want.size()); ++i)
      if (got[i] != want[i]) {
        ADD_FAILURE() << side << " change record " << i << " differs:\nreference:\n" << want[i] << "chaos:\n" << got[i];
        break;
      }
  }
  // The store.
  std::string e1, e2;
  std::string want = snapshot_store(ref.store(), &e1), got = snapshot_store(chaos.store(), &e2);
  EXPECT_EQ(e1, "");
  EXPECT_EQ(e2, "");
  if (want != got) ADD_FAILURE() << "the store differs from the reference at " << first_difference(want, got);
  EXPECT_EQ(watermark(chaos.store(), "contoso.com"), watermark(ref.store(), "contoso.com"));
  auto cloud_files = change_files(chaos.cloud_changes());
  ASSERT_FALSE(cloud_files.empty());
  EXPECT_EQ(watermark(chaos.store(), "cloud"), cloud_files.back().filename().string())
      << "the cloud watermark names the last change file";
}

}  // namespace
}  // namespace idsync::chaos

namespace idsync::chaos {
namespace {

// The comparison above must be able to fail: a change file written twice (an export repeated
// after a crash) shows up as extra records, and a store whose sync state differs shows up in
// the snapshot.
TEST_F(ChaosTest, ComparisonSeesARepeatedExportAndAChangedStore) {
  World w(root_ / "w", 300, 3);
  ASSERT_NO_FATAL_FAILURE(prepare(w));
  CliRun r = run_cli(w.dir(), w.store(), {"cycle", "--policy", "Initial"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string error;
  auto before = exported_records(w.cloud_changes(), &error);
  ASSERT_EQ(error, "");
  ASSERT_FALSE(before.empty());
  std::string snapshot = snapshot_store(w.store(), &error);
  auto files = change_files(w.cloud_changes());
  fs::copy_file(files.front(), w.cloud_changes() / "zzzz-repeated.ldif");
  auto after = exported_records(w.cloud_changes(), &error);
  EXPECT_GT(after.size(), before.size());

  ASSERT_EQ(w.write_changes(1), "");
  r = run_cli(w.dir(), w.store(), {"run", "contoso.com", "Delta Import"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(snapshot_store(w.store(), &error), snapshot);
}

}  // namespace
}  // namespace idsync::chaos
