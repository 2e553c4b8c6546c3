// idsync run CONNECTOR PROFILE ; idsync cycle [--policy] ; idsync history
#include <ctime>
#include <iostream>

#include "commands.h"

namespace idsync::cli {

namespace {

std::string format_time(int64_t ms) {
  std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%SZ", &tm);
  return buf;
}

}  // namespace

void add_run_commands(CLI::App& app, GlobalOptions& global) {
  struct RunArgs {
    std::string connector, profile;
    bool verbose = false, force_export = false;
  };
  auto run_args = std::make_shared<RunArgs>();
  auto* run = app.add_subcommand("run", "run a run profile on a connector (e.g. run contoso.com \"Full Import\")");
  run->add_option("connector", run_args->connector, "connector name")->required();
  run->add_option("profile", run_args->profile,
                  "run profile: Full Import, Delta Import, Full Synchronization, Delta Synchronization, Export")
      ->required();
  run->add_flag("-v,--verbose", run_args->verbose, "list every object error");
  run->add_flag("--force-export", run_args->force_export, "export even though the server is in staging mode");
  run->callback([&global, run_args] {
    auto server = open_server(global.store);
    if (!server.ok()) {
      global.exit_code = report(server.status());
      return;
    }
    auto result = (*server)->run_profile(run_args->connector, run_args->profile, progress_printer(global.progress),
                                         RunOptions{run_args->force_export});
    if (!result.ok()) {
      global.exit_code = report(result.status());
      return;
    }
    print_run(*result, run_args->verbose);
    global.exit_code = exit_code_for_result(result->result);
  });

  struct CycleArgs {
    std::string policy = "Delta";
    bool verbose = false;
  };
  auto cycle_args = std::make_shared<CycleArgs>();
  auto* cycle = app.add_subcommand("cycle", "run a sync cycle over every connector in the documented order");
  cycle->add_option("--policy,-p", cycle_args->policy, "Initial (full import + full sync) or Delta")
      ->check(CLI::IsMember({"Initial", "Delta"}, CLI::ignore_case));
  cycle->add_flag("-v,--verbose", cycle_args->verbose, "list every object error");
  cycle->callback([&global, cycle_args] {
    auto server = open_server(global.store);
    if (!server.ok()) {
      global.exit_code = report(server.status());
      return;
    }
    CyclePolicy policy = iequals(cycle_args->policy, "Initial") ? CyclePolicy::kInitial : CyclePolicy::kDelta;
    auto result = (*server)->run_cycle(policy, progress_printer(global.progress));
    if (!result.ok()) {
      global.exit_code = report(result.status());
      return;
    }
    int code = kExitOk;
    for (const RunResult& r : result->runs) {
      print_run(r, cycle_args->verbose);
      code = std::max(code, exit_code_for_result(r.result));
    }
    std::cout << result->policy << " cycle: " << result->result
              << (result->staging_mode ? " (staging mode: nothing was exported)" : "") << "\n";
    if (result->result == "Stopped") code = std::max(code, static_cast<int>(kExitFailed));
    global.exit_code = code;
  });

  struct HistoryArgs {
    std::string connector, result;
    int64_t run_id = 0, limit = 20, run_number = 0;
    bool json = false;
  };
  auto history_args = std::make_shared<HistoryArgs>();
  auto* history = app.add_subcommand("history", "show the run history, newest first");
  history->add_option("--connector", history_args->connector, "only this connector");
  history->add_option("--result", history_args->result, "only runs with this result (e.g. completed-sync-errors)");
  history->add_option("--run-id", history_args->run_id, "one run, with its object errors");
  history->add_option("--run-number", history_args->run_number, "with --connector: that connector's run of this number")
      ->needs("--connector");
  history->add_option("--limit", history_args->limit, "how many runs (default 20)");
  history->add_flag("--json", history_args->json, "print the run records as JSON");
  history->callback([&global, history_args] {
    auto server = open_server(global.store);
    if (!server.ok()) {
      global.exit_code = report(server.status());
      return;
    }
    auto runs = (*server)->run_history(
        RunHistoryQuery{history_args->connector, history_args->result, history_args->run_id, history_args->limit,
                        history_args->run_number});
    if (!runs.ok()) {
      global.exit_code = report(runs.status());
      return;
    }
    if (history_args->json) {
      std::cout << "[";
      for (size_t i = 0; i < runs->size(); ++i) std::cout << (i ? ",\n" : "\n") << run_result_to_json((*runs)[i]);
      std::cout << "\n]\n";
      return;
    }
    for (const RunResult& r : *runs) {
      std::cout << "run " << r.run_id << "  #" << r.run_number << "  " << format_time(r.start_ms) << "  ";
      print_run(r, history_args->run_id != 0 || history_args->run_number != 0);
    }
    if (history_args->run_id != 0 && runs->empty())
      global.exit_code = report(Status::Error(ErrorCode::kNotFound, "no run with id " + std::to_string(history_args->run_id)));
    if (history_args->run_number != 0 && runs->empty())
      global.exit_code = report(Status::Error(ErrorCode::kNotFound, "connector '" + history_args->connector +
                                                                        "' has no run number " +
                                                                        std::to_string(history_args->run_number)));
  });
}

}  // namespace idsync::cli
