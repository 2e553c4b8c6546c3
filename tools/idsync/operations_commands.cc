// Day-to-day operations: scheduler (state and service), staging mode, connector overrides,
// deletion threshold, stop, run history purge, status.
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <iostream>
#include <thread>

#include <nlohmann/json.hpp>

#include "commands.h"

namespace idsync::cli {

namespace {

std::atomic<bool> g_terminate{false};
extern "C" void on_terminate(int) { g_terminate = true; }

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void log_line(const std::string& text) {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
  std::fprintf(stderr, "%s idsync-scheduler: %s\n", stamp, text.c_str());
  std::fflush(stderr);
}

// Parses "30m", "2h", "7d", "90s" or "HH:MM:SS" into seconds.
Result<int64_t> parse_duration(const std::string& text) {
  long long h = 0, m = 0, s = 0;
  if (std::sscanf(text.c_str(), "%lld:%lld:%lld", &h, &m, &s) == 3) return (h * 60 + m) * 60 + s;
  char unit = 0;
  long long n = 0;
  if (std::sscanf(text.c_str(), "%lld%c", &n, &unit) >= 1 && n >= 0) {
    switch (unit) {
      case 0:
      case 's': return n;
      case 'm': return n * 60;
      case 'h': return n * 3600;
      case 'd': return n * 86400;
      default: break;
    }
  }
  return Status::Error(ErrorCode::kInvalidArgument,
                       "'" + text + "' is not a duration (examples: 30m, 2h, 7d, 00:45:00)");
}

template <class T>
bool check(GlobalOptions& global, const Result<T>& r) {
  if (r.ok()) return true;
  global.exit_code = report(r.status());
  return false;
}
bool check(GlobalOptions& global, const Status& s) {
  if (s.ok()) return true;
  global.exit_code = report(s);
  return false;
}

void print_scheduler(Server& server) {
  auto s = server.scheduler();
  auto running = server.running();
  if (!s.ok() || !running.ok()) return;
  std::cout << scheduler_to_json(*s, running->has_value()) << "\n";
}

// The scheduler service: starts cycles when due, purges old run history, and stops cleanly
// on SIGTERM (a running cycle is asked to stop at its next step boundary).
int run_scheduler(GlobalOptions& global, bool once) {
  auto server = open_server(global.store);
  if (!server.ok()) return report(server.status());
  auto watcher_server = open_server(global.store);  // a second handle to ask a running cycle to stop
  if (!watcher_server.ok()) return report(watcher_server.status());
  std::signal(SIGTERM, on_terminate);
  std::signal(SIGINT, on_terminate);
  std::atomic<bool> in_cycle{false}, done{false};
  std::thread watcher([&] {
    bool asked = false;
    while (!done) {
      if (g_terminate && in_cycle && !asked) {
        log_line("SIGTERM: asking the running cycle to stop at its next step");
        (void)(*watcher_server)->request_stop();
        asked = true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  });
  log_line("started on " + (*server)->store_path());
  int64_t last_purge = 0;
  int exit_code = kExitOk;
  while (!g_terminate) {
    auto settings = (*server)->scheduler();
    if (!settings.ok()) {
      log_line("cannot read the scheduler settings: " + settings.status().message());
      exit_code = kExitFailed;
      break;
    }
    int64_t now = now_ms();
    if (sync_cycle_due(*settings, now)) {
      CyclePolicy policy = settings->next_sync_cycle_policy_type == "Initial" ? CyclePolicy::kInitial : CyclePolicy::kDelta;
      log_line(std::string("starting a ") + (policy == CyclePolicy::kInitial ? "Initial" : "Delta") + " sync cycle");
      in_cycle = true;
      auto cycle = (*server)->run_cycle(policy, {});
      in_cycle = false;
      if (!cycle.ok()) {
        // Busy (someone runs a profile by hand) or a failure: log it and try again later; a
        // failed cycle never stops the service.
        log_line("cycle not run: " + cycle.status().message());
        if (cycle.status().code() == ErrorCode::kBusy) {
          for (int i = 0; i < 60 && !g_terminate; ++i) std::this_thread::sleep_for(std::chrono::seconds(1));
          continue;
        }
      } else {
        std::string summary = cycle->policy + " cycle " + cycle->result;
        for (const RunResult& r : cycle->runs)
          if (r.result != "success") summary += "; " + r.connector + " " + r.run_profile + ": " + r.result;
        log_line(summary);
      }
      auto latest = (*server)->scheduler();
      if (latest.ok()) {
        schedule_next_cycle(*latest, now);
        if (Status s = (*server)->set_scheduler(*latest); !s.ok()) log_line("cannot save the schedule: " + s.message());
      }
      if (once) break;
    } else if (once) {
      log_line("no cycle due (next at the scheduler's NextSyncCycleStartTimeInUTC)");
      break;
    }
    if (settings->maintenance_enabled && now - last_purge > 3600 * 1000) {
      auto purged = (*server)->purge_run_history(now - settings->purge_run_history_interval_s * 1000);
      if (purged.ok() && *purged > 0) log_line("purged " + std::to_string(*purged) + " old run history records");
      last_purge = now;
    }
    for (int i = 0; i < 10 && !g_terminate; ++i) std::this_thread::sleep_for(std::chrono::seconds(1));
  }
  done = true;
  watcher.join();
  log_line("stopped");
  return exit_code;
}

}  // namespace

void add_operations_commands(CLI::App& app, GlobalOptions& global) {
  // ---- scheduler ----
  struct SchedulerArgs {
    std::string interval, policy, purge, next_start;
    std::optional<bool> enabled, maintenance, suspended, staging;
    bool once = false;
  };
  auto sa = std::make_shared<SchedulerArgs>();
  auto* scheduler = app.add_subcommand("scheduler", "the sync scheduler: show or change it, or run it as a service");
  scheduler->require_subcommand(1);
  scheduler->add_subcommand("show", "the scheduler state (Get-ADSyncScheduler fields) as JSON")->callback([&global] {
    auto server = open_server(global.store);
    if (check(global, server)) print_scheduler(**server);
  });
  auto* set = scheduler->add_subcommand("set", "change scheduler settings (Set-ADSyncScheduler)");
  set->add_option("--interval", sa->interval, "CustomizedSyncCycleInterval, e.g. 45m or 01:00:00 (never below 30m)");
  set->add_option("--next-policy", sa->policy, "NextSyncCyclePolicyType")->check(CLI::IsMember({"Delta", "Initial"}));
  set->add_option("--purge-interval", sa->purge, "PurgeRunHistoryInterval, e.g. 7d");
  set->add_option("--next-start", sa->next_start, "NextSyncCycleStartTimeInUTC as YYYY-MM-DDTHH:MM:SSZ, or 'now'");
  set->add_option("--sync-cycle-enabled", sa->enabled, "SyncCycleEnabled (true/false)");
  set->add_option("--maintenance-enabled", sa->maintenance, "MaintenanceEnabled (true/false)");
  set->add_option("--suspended", sa->suspended, "SchedulerSuspended (true/false)");
  set->add_option("--staging-mode", sa->staging, "StagingModeEnabled (true/false): imports and syncs, no exports");
  set->callback([&global, sa] {
    auto server = open_server(global.store);
    if (!check(global, server)) return;
    auto s = (*server)->scheduler();
    if (!check(global, s)) return;
    if (!sa->interval.empty()) {
      auto v = parse_duration(sa->interval);
      if (!check(global, v)) return;
      s->customized_sync_cycle_interval_s = *v;
    }
    if (!sa->purge.empty()) {
      auto v = parse_duration(sa->purge);
      if (!check(global, v)) return;
      s->purge_run_history_interval_s = *v;
    }
    if (!sa->policy.empty()) s->next_sync_cycle_policy_type = sa->policy;
    if (sa->next_start == "now") {
      s->next_sync_cycle_start_ms = now_ms();
    } else if (!sa->next_start.empty()) {
      auto parsed = scheduler_from_json(nlohmann::json{{"NextSyncCycleStartTimeInUTC", sa->next_start}}.dump());
      if (!check(global, parsed)) return;
      s->next_sync_cycle_start_ms = parsed->next_sync_cycle_start_ms;
    }
    if (sa->enabled) s->sync_cycle_enabled = *sa->enabled;
    if (sa->maintenance) s->maintenance_enabled = *sa->maintenance;
    if (sa->suspended) s->scheduler_suspended = *sa->suspended;
    if (sa->staging) s->staging_mode_enabled = *sa->staging;
    if (check(global, (*server)->set_scheduler(*s))) print_scheduler(**server);
  });
  auto* run = scheduler->add_subcommand("run", "run the scheduler service in the foreground (SIGTERM stops it)");
  run->add_flag("--once", sa->once, "run one due cycle (if any) and exit, for cron / systemd timers");
  run->callback([&global, sa] { global.exit_code = run_scheduler(global, sa->once); });

  // ---- overrides ----
  struct OverrideArgs {
    std::string connector;
    bool full_import = false, full_sync = false;
  };
  auto oa = std::make_shared<OverrideArgs>();
  auto* override_cmd = app.add_subcommand("override", "force a full import / full sync of a connector in the next cycle");
  override_cmd->require_subcommand(1);
  auto* oshow = override_cmd->add_subcommand("show", "the connector's override");
  oshow->add_option("connector", oa->connector)->required();
  oshow->callback([&global, oa] {
    auto server = open_server(global.store);
    if (!check(global, server)) return;
    auto o = (*server)->connector_override(oa->connector);
    if (!check(global, o)) return;
    std::cout << nlohmann::json{{"Connector", oa->connector},
                                {"FullImportRequired", o->full_import_required},
                                {"FullSyncRequired", o->full_sync_required}}
                     .dump(2)
              << "\n";
  });
  auto* oset = override_cmd->add_subcommand("set", "set the override (flags not given are cleared)");
  oset->add_option("connector", oa->connector)->required();
  oset->add_flag("--full-import-required", oa->full_import, "FullImportRequired");
  oset->add_flag("--full-sync-required", oa->full_sync, "FullSyncRequired");
  oset->callback([&global, oa] {
    auto server = open_server(global.store);
    if (!check(global, server)) return;
    check(global, (*server)->set_connector_override(oa->connector, ConnectorOverride{oa->full_import, oa->full_sync}));
  });

  // ---- deletion threshold (Get/Enable/Disable-ADSyncExportDeletionThreshold) ----
  struct ThresholdArgs {
    std::optional<uint64_t> count;
    std::optional<uint32_t> percentage;
    std::optional<uint64_t> min_members;
  };
  auto ta = std::make_shared<ThresholdArgs>();
  auto* threshold = app.add_subcommand("threshold", "the export deletion threshold");
  threshold->require_subcommand(1);
  threshold->add_subcommand("show", "DeletionPrevention, ThresholdPercentage and ThresholdCount")->callback([&global] {
    auto server = open_server(global.store);
    if (!check(global, server)) return;
    auto t = (*server)->deletion_threshold_settings();
    if (check(global, t)) std::cout << deletion_threshold_to_json(*t) << "\n";
  });
  auto* enable = threshold->add_subcommand(
      "enable", "stop exports with more than COUNT deletes (or PERCENT % of the connector space) per connector");
  auto* count_opt = enable->add_option("--count", ta->count, "deletes per connector and export run (default 500)");
  enable->add_option("--percentage", ta->percentage, "percent of the connector space objects (EnabledForPercentage)")
      ->excludes(count_opt);
  enable->callback([&global, ta] {
    auto server = open_server(global.store);
    if (!check(global, server)) return;
    auto t = (*server)->deletion_threshold_settings();
    if (!check(global, t)) return;
    if (ta->percentage) {
      t->prevention = DeletionPrevention::kEnabledForPercentage;
      t->percentage = *ta->percentage;
    } else {
      t->prevention = DeletionPrevention::kEnabledForCount;
      t->count = ta->count.value_or(500);
    }
    if (check(global, (*server)->set_deletion_threshold_settings(*t))) std::cout << deletion_threshold_to_json(*t) << "\n";
  });
  threshold->add_subcommand("disable", "no deletion threshold (not recommended)")->callback([&global] {
    auto server = open_server(global.store);
    if (!check(global, server)) return;
    auto t = (*server)->deletion_threshold_settings();
    if (!check(global, t)) return;
    t->prevention = DeletionPrevention::kDisabled;
    if (check(global, (*server)->set_deletion_threshold_settings(*t))) std::cout << deletion_threshold_to_json(*t) << "\n";
  });

  // ---- group member-removal limit ----
  auto* member_limit = app.add_subcommand(
      "member-limit", "the group member-removal limit: how many members one export run may remove from a group");
  member_limit->require_subcommand(1);
  member_limit->add_subcommand("show", "Enabled, ThresholdCount, ThresholdPercentage, MinimumGroupSize")->callback([&global] {
    auto server = open_server(global.store);
    if (!check(global, server)) return;
    auto l = (*server)->member_removal_limit();
    if (check(global, l)) std::cout << member_removal_limit_to_json(*l) << "\n";
  });
  auto* menable = member_limit->add_subcommand("enable", "enable the limit; options not given keep their value");
  menable->add_option("--count", ta->count, "removals from one group per export run (default 500; 0 = no count limit)");
  menable->add_option("--percentage", ta->percentage, "percent of a group's members (default 50; 0 = no percentage limit)");
  menable->add_option("--min-members", ta->min_members, "groups this large or larger get the percentage limit (default 100)");
  menable->callback([&global, ta] {
    auto server = open_server(global.store);
    if (!check(global, server)) return;
    auto l = (*server)->member_removal_limit();
    if (!check(global, l)) return;
    l->enabled = true;
    if (ta->count) l->count = *ta->count;
    if (ta->percentage) l->percentage = *ta->percentage;
    if (ta->min_members) l->min_members = *ta->min_members;
    if (check(global, (*server)->set_member_removal_limit(*l))) std::cout << member_removal_limit_to_json(*l) << "\n";
  });
  member_limit->add_subcommand("disable", "no group member-removal limit (not recommended)")->callback([&global] {
    auto server = open_server(global.store);
    if (!check(global, server)) return;
    auto l = (*server)->member_removal_limit();
    if (!check(global, l)) return;
    l->enabled = false;
    if (check(global, (*server)->set_member_removal_limit(*l))) std::cout << member_removal_limit_to_json(*l) << "\n";
  });

  // ---- stop, purge, status ----
  app.add_subcommand("stop", "ask the running cycle or run profile to stop at its next step")->callback([&global] {
    auto server = open_server(global.store);
    if (!check(global, server)) return;
    auto running = (*server)->running();
    if (!check(global, running)) return;
    if (!running->has_value()) {
      std::cout << "nothing is running\n";
      return;
    }
    if (check(global, (*server)->request_stop())) std::cout << "asked " << **running << " to stop\n";
  });
  auto days = std::make_shared<int64_t>(7);
  auto* purge = app.add_subcommand("purge-history", "remove run history older than N days");
  purge->add_option("--days", *days, "keep this many days (default 7)");
  purge->callback([&global, days] {
    auto server = open_server(global.store);
    if (!check(global, server)) return;
    auto n = (*server)->purge_run_history(now_ms() - *days * 86400 * 1000);
    if (check(global, n)) std::cout << "removed " << *n << " run history records\n";
  });
}

}  // namespace idsync::cli
