// Crash safety against real targets (target_world.h): the story "Initial cycle, then two Delta
// cycles over generated change sets" exports from the LDIF source to the real SCIM test server
// and to a real slapd. It runs once without kills (the reference, with its own two servers) and
// once with the idsync process SIGKILLed at seeded random points: inside import, sync and
// export steps of the cloud (SCIM) and openldap connectors in turn (placed by the run history,
// as in chaos_test.cc), and right after a server has served a write the store has not yet
// recorded (the SCIM server's write count / slapd's accesslog grew). Each kill is followed by
// `idsync store check` and a restart of the cycle.
//
// After one settling Delta cycle in both worlds (which must write nothing to any server):
//  - the store equals the reference (connector spaces, metaverse, watermarks; server-assigned
//    ids and entryUUIDs left out);
//  - both servers hold exactly what the reference's servers hold, with no duplicate object;
//  - no non-idempotent request was repeated: the SCIM server created every externalId exactly
//    as often as in the reference (its own count), and slapd's accesslog shows every DN added
//    successfully exactly as often as in the reference. Adds that met "already exists" and
//    creates adopted after a 409 are reported, not failures: they changed nothing.
//
// IDSYNC_CHAOS_TARGET_TRIALS (default 20: 10 per target; half of IDSYNC_CHAOS_TRIALS when only
// that is set, as the sanitizer build does) sets how many kills,
// IDSYNC_CHAOS_SEED (default 20261201) the seed, IDSYNC_CHAOS_TARGET_OBJECTS (default 400)
// the forest size.
#include <gtest/gtest.h>

#include <random>

#include "chaos/kill_timing.h"
#include "chaos/target_world.h"
#include "chaos/world_dir_test.h"

namespace idsync::chaos {
namespace {

uint64_t env_or(const char* name, uint64_t fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::strtoull(v, nullptr, 10) : fallback;
}

struct Phase {
  std::string policy;
  int change_round;
};

const std::vector<Phase> kStory = {{"Initial", 0}, {"Delta", 1}, {"Delta", 2}};

class TargetChaosTest : public WorldDirTest {
 protected:
  TargetChaosTest() : WorldDirTest("chaos-targets") {}

  void prepare(World& w, const Targets& t) {
    ASSERT_EQ(t.error(), "");
    ASSERT_EQ(create_target_world(w, t), "");
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

// Polls a server's own write count at most every `every`: true once it passed `base`.
std::function<bool()> when_server_wrote(std::function<int64_t()> count, int64_t base,
                                        std::chrono::milliseconds every = std::chrono::milliseconds(3)) {
  auto next = std::make_shared<std::chrono::steady_clock::time_point>(std::chrono::steady_clock::now());
  return [count = std::move(count), base, every, next] {
    auto now = std::chrono::steady_clock::now();
    if (now < *next) return false;
    *next = now + every;
    return count() > base;
  };
}

TEST_F(TargetChaosTest, SigkillDuringScimAndLdapExportsRepeatsNoCreateAndLeavesNoDuplicate) {
  // A short run of the file chaos test (the sanitizer build sets IDSYNC_CHAOS_TRIALS=20) makes
  // this one short too: half as many kills.
  const char* file_trials = std::getenv("IDSYNC_CHAOS_TRIALS");
  const uint64_t trials = env_or("IDSYNC_CHAOS_TARGET_TRIALS", file_trials != nullptr && *file_trials != '\0'
                                                                    ? std::max<uint64_t>(6, env_or("IDSYNC_CHAOS_TRIALS", 40) / 2)
                                                                    : 20);
  const uint64_t seed = env_or("IDSYNC_CHAOS_SEED", 20261201);
  const uint64_t objects = env_or("IDSYNC_CHAOS_TARGET_OBJECTS", 400);

  // The reference: the story without kills, timing every step.
  Targets ref_targets;
  World ref(root_ / "reference", objects, 7);
  ASSERT_NO_FATAL_FAILURE(prepare(ref, ref_targets));
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
      steps.push_back(StepTiming{runs[i].profile + " " + runs[i].connector, runs[i].connector,
                                 runs[i].start_ms - r.spawn_ms, std::max(runs[i].end_ms, runs[i].start_ms + 1) - r.spawn_ms});
    timings.push_back(std::move(steps));
  }

  // The same story with kills, against its own servers.
  Targets targets;
  World chaos(root_ / "chaos", objects, 7);
  ASSERT_NO_FATAL_FAILURE(prepare(chaos, targets));
  std::mt19937_64 rng(seed);
  std::map<std::string, int> kills_by_step, kills_by_target;
  uint64_t kills = 0, attempts = 0, finished_before_kill = 0, kills_after_server_write = 0;
  const uint64_t per_phase = (trials + kStory.size() - 1) / kStory.size();
  static const char* const kTargets[] = {"cloud", "openldap"};
  static const char* const kKinds[] = {"export", "import", "sync"};
  size_t next_aim = 0;
  for (size_t pi = 0; pi < kStory.size(); ++pi) {
    const Phase& p = kStory[pi];
    if (p.change_round > 0) {
      ASSERT_EQ(chaos.write_changes(p.change_round), "");
    }
    uint64_t phase_kills = 0;
    for (int attempt = 0;; ++attempt) {
      ASSERT_LT(attempt, 200) << "phase " << pi << " never completed";
      ++attempts;
      std::function<bool()> kill_when;
      if (attempt == 0) {
        // The narrowest window: the SCIM server has done a write the store does not know of.
        kill_when = when_server_wrote([&targets] { return targets.scim_writes(); }, targets.scim_writes());
      } else if (attempt == 1) {
        // The same for slapd: its accesslog has a new write.
        kill_when = when_server_wrote([&targets] { return static_cast<int64_t>(targets.ldap_write_count()); },
                                      static_cast<int64_t>(targets.ldap_write_count()), std::chrono::milliseconds(5));
      } else if (phase_kills < per_phase) {
        // A step of one target in turn (export, import, sync), at a random part of its
        // reference duration after the steps before it have their run records.
        const auto& steps = timings[pi];
        const std::string target = kTargets[next_aim % 2], kind = kKinds[(next_aim / 2) % 3];
        ++next_aim;
        std::vector<size_t> candidates;
        for (size_t i = 0; i < steps.size(); ++i)
          if (steps[i].connector == target && step_kind(steps[i].what) == kind) candidates.push_back(i);
        if (candidates.empty())
          for (size_t i = 0; i < steps.size(); ++i)
            if (steps[i].connector == target) candidates.push_back(i);
        size_t aim = candidates[std::uniform_int_distribution<size_t>(0, candidates.size() - 1)(rng)];
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
      if (attempt <= 1) ++kills_after_server_write;
      size_t done = run_history(chaos.store()).size() - before;
      const auto& steps = timings[pi];
      std::string where = done < steps.size() ? steps[done].what : "after the last step";
      ++kills_by_step[where];
      ++kills_by_target[done < steps.size() ? steps[done].connector : "end"];
      expect_store_checks(chaos, "after kill " + std::to_string(kills) + " in " + p.policy + " cycle, " + where);
      if (HasFailure()) return;
    }
  }

  // Settle both (see chaos_test.cc): nothing may reach any server in this cycle.
  for (auto [w, t] : {std::pair<World*, Targets*>{&ref, &ref_targets}, {&chaos, &targets}}) {
    int64_t scim = t->scim_writes();
    size_t ldap = t->ldap_write_count();
    CliRun r = run_cli(w->dir(), w->store(), {"cycle", "--policy", "Delta"});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_EQ(t->scim_writes(), scim) << w->dir() << ": the settling cycle wrote to the SCIM server\n" << r.out;
    EXPECT_EQ(t->ldap_write_count(), ldap) << w->dir() << ": the settling cycle wrote to slapd\n" << r.out;
  }
  expect_store_checks(chaos, "at the end");

  // The servers' own record: no create repeated, no add repeated.
  auto want_creates = ref_targets.scim_creates(), got_creates = targets.scim_creates();
  EXPECT_GT(want_creates.size(), 300u);
  for (const auto& [key, n] : want_creates) EXPECT_EQ(n, 1) << "the reference created " << key << " " << n << " times";
  EXPECT_EQ(got_creates, want_creates) << "SCIM creates per externalId differ from the reference";
  for (const auto& [key, n] : got_creates)
    if (n != (want_creates.count(key) ? want_creates[key] : 0)) ADD_FAILURE() << key << " created " << n << " times";
  auto ref_log = ref_targets.ldap_writes(), chaos_log = targets.ldap_writes();
  auto want_adds = successful_adds(ref_log), got_adds = successful_adds(chaos_log);
  EXPECT_GT(want_adds.size(), 300u);
  for (const auto& [dn, n] : got_adds)
    if (n != (want_adds.count(dn) ? want_adds[dn] : 0)) ADD_FAILURE() << dn << " added " << n << " times";
  EXPECT_EQ(got_adds.size(), want_adds.size());
  size_t failed_adds = 0;
  for (const LdapWrite& w : chaos_log) failed_adds += w.type == "add" && w.result != 0;

  // The contents: the same, no duplicate.
  std::vector<std::string> dups;
  std::string want_scim = ref_targets.scim_snapshot(&dups), got_scim = targets.scim_snapshot(&dups);
  std::string want_ldap = ref_targets.ldap_snapshot(&dups), got_ldap = targets.ldap_snapshot(&dups);
  for (const std::string& d : dups) ADD_FAILURE() << "duplicate in a target: " << d;
  if (got_scim != want_scim) ADD_FAILURE() << "the SCIM server differs at " << first_difference(want_scim, got_scim);
  if (got_ldap != want_ldap) ADD_FAILURE() << "slapd differs at " << first_difference(want_ldap, got_ldap);
  std::string e1, e2;
  std::string want = snapshot_store(ref.store(), &e1), got = snapshot_store(chaos.store(), &e2);
  EXPECT_EQ(e1, "");
  EXPECT_EQ(e2, "");
  if (want != got) ADD_FAILURE() << "the store differs from the reference at " << first_difference(want, got);

  json stats = targets.scim_stats();
  std::printf("chaos (targets): %llu kills in %llu attempts (%llu finished before their kill time), seed %llu, %llu objects\n",
              static_cast<unsigned long long>(kills), static_cast<unsigned long long>(attempts),
              static_cast<unsigned long long>(finished_before_kill), static_cast<unsigned long long>(seed),
              static_cast<unsigned long long>(objects));
  std::printf("chaos (targets): %llu right after a server write the store had not recorded\n",
              static_cast<unsigned long long>(kills_after_server_write));
  for (const auto& [k, n] : kills_by_target) std::printf("chaos (targets):   %-10s %d\n", k.c_str(), n);
  for (const auto& [k, n] : kills_by_step) std::printf("chaos (targets):     %-40s %d\n", k.c_str(), n);
  std::printf("chaos (targets): SCIM server: %lld writes, %zu objects created once each; slapd: %zu writes, %zu adds "
              "that met an existing entry\n",
              static_cast<long long>(stats.value("writes", int64_t{0})), got_creates.size(), chaos_log.size(), failed_adds);
  EXPECT_GE(kills, trials * 3 / 4);
  EXPECT_GT(kills_by_target["cloud"], 0);
  EXPECT_GT(kills_by_target["openldap"], 0);
}

}  // namespace
}  // namespace idsync::chaos
