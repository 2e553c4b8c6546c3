// idsync demo: generate a forest, run an Initial cycle from an LDIF "on-premises" directory to
// an LDIF "cloud" directory, apply a change set, run a Delta cycle, and print what each step
// did and how long it took. The server store is left at DIR/idsync.db for exploring.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "commands.h"
#include "demo_config.h"
#include "generate_files.h"

namespace idsync::cli {

namespace {

namespace fs = std::filesystem;

std::string utc_stamp() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

int print_cycle(const CycleResult& cycle, double seconds) {
  int code = kExitOk;
  std::printf("\n%s cycle: %s in %.2fs\n", cycle.policy.c_str(), cycle.result.c_str(), seconds);
  for (const RunResult& r : cycle.runs) {
    print_run(r, false);
    code = std::max(code, exit_code_for_result(r.result));
  }
  return code;
}

}  // namespace

void add_demo_command(CLI::App& app, GlobalOptions& global) {
  struct Args {
    uint64_t objects = 100000, seed = 1;
    std::string dir = "idsync-demo";
    std::string domain = "contoso.com";
  };
  auto args = std::make_shared<Args>();
  auto* demo = app.add_subcommand("demo", "generate a forest and sync it to a file-based cloud directory, end to end");
  demo->add_option("--objects,-n", args->objects, "objects in the generated forest (default 100000)");
  demo->add_option("--dir", args->dir, "working directory; the store is left at DIR/idsync.db (default idsync-demo)");
  demo->add_option("--seed", args->seed, "random seed of the generated forest (default 1)");
  demo->callback([&global, args] {
    auto fail = [&](const Status& s) { global.exit_code = report(s); };
    std::error_code ec;
    fs::create_directories(args->dir, ec);
    std::string dir = fs::absolute(args->dir, ec).lexically_normal().string();
    if (!dir.empty() && dir.back() == '/') dir.pop_back();
    // Start fresh: the demo owns these paths inside DIR and nothing else.
    for (const char* name : {"idsync.db", "idsync.db-wal", "idsync.db-shm", "idsync.db.lock"}) fs::remove(dir + "/" + name, ec);
    fs::remove_all(dir + "/onprem", ec);
    fs::remove_all(dir + "/cloud", ec);
    fs::create_directories(dir + "/onprem/changes", ec);
    fs::create_directories(dir + "/cloud/changes", ec);
    // The cloud directory starts out empty (and exists, as a real tenant would).
    { std::ofstream(dir + "/cloud/directory.ldif") << "version: 1\n"; }

    forestgen::ForestOptions options;
    options.objects = args->objects;
    options.seed = args->seed;
    options.domain = args->domain;
    std::printf("IdSync demo in %s: %llu objects, seed %llu\n", dir.c_str(),
                static_cast<unsigned long long>(args->objects), static_cast<unsigned long long>(args->seed));

    auto t0 = std::chrono::steady_clock::now();
    auto written = write_forest_ldif(options, dir + "/onprem/forest.ldif");
    if (!written.ok()) return fail(written.status());
    auto seconds_since = [](auto start) {
      return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    };
    std::printf("generated %llu entries into onprem/forest.ldif in %.2fs\n", static_cast<unsigned long long>(*written),
                seconds_since(t0));

    std::string store = dir + "/idsync.db";
    auto server = Server::open(store, StoreOpenMode::kCreateIfMissing, registry());
    if (!server.ok()) return fail(server.status());
    auto config = parse_configuration(demo_configuration_json(dir, args->domain));
    if (!config.ok()) return fail(config.status().with_context("demo configuration"));
    if (Status s = (*server)->import_configuration(*config); !s.ok()) return fail(s);
    std::printf("imported the demo configuration: %zu connectors, %zu sync rules\n", config->connectors.size(),
                config->rules.size());
    // The change set deletes 1% of the forest; keep the export deletion threshold (default
    // 500) just above what the demo deletes, as an administrator would for a planned cleanup.
    uint64_t threshold = std::max<uint64_t>(500, args->objects / 50);
    if (Status s = (*server)->set_deletion_threshold(threshold); !s.ok()) return fail(s);
    std::printf("export deletion threshold: %llu deletes per export run\n", static_cast<unsigned long long>(threshold));

    auto progress = progress_printer(global.progress);
    auto t1 = std::chrono::steady_clock::now();
    auto initial = (*server)->run_cycle(CyclePolicy::kInitial, progress);
    if (!initial.ok()) return fail(initial.status());
    int code = print_cycle(*initial, seconds_since(t1));

    auto t2 = std::chrono::steady_clock::now();
    std::string changes = dir + "/onprem/changes/" + utc_stamp() + "-round-0001.ldif";
    auto change_count = write_changes_ldif(options, 1, changes);
    if (!change_count.ok()) return fail(change_count.status());
    std::printf("\nwrote a change set of %llu records (1%% adds, 1%% deletes, 5%% modifies) in %.2fs\n",
                static_cast<unsigned long long>(*change_count), seconds_since(t2));

    auto t3 = std::chrono::steady_clock::now();
    auto delta = (*server)->run_cycle(CyclePolicy::kDelta, progress);
    if (!delta.ok()) return fail(delta.status());
    code = std::max(code, print_cycle(*delta, seconds_since(t3)));

    std::printf("\nThe server store is %s. Explore it, for example:\n", store.c_str());
    std::printf("  export IDSYNC_STORE=%s\n", store.c_str());
    std::printf("  idsync history\n  idsync mv list --type person --limit 3\n  idsync cs list cloud --limit 3\n");
    global.exit_code = code;
  });
}

}  // namespace idsync::cli
