// Readers during a large cycle (issue 10, Load): the latency of CLI-style queries while an
// Initial cycle runs over a generated forest, and what those readers cost the cycle.
//
//   build/bench/concurrent_readers_bench                      100,000 objects, 2 readers
//   build/bench/concurrent_readers_bench --objects 1000000 --benchmark_out=r.json --benchmark_out_format=json
//   options: --objects N, --readers R, --pause-ms P (each reader's pause between queries, default
//   10: scripts and administrators, not a tight loop; 0 makes them compete for every core),
//   --dir DIR (default /tmp/idsync-concurrent-readers), --seed S
//
// Setup (not timed): the forest LDIF, the demo's configuration (tools/idsync/demo_config.cc), an
// Initial cycle that syncs it and one more that settles it (confirming imports), so the timed
// cycles all do the same work: Full Import, Full Synchronization and Export of every object.
// A query is what one `idsync` command does: open the store, ask, close. The mix, in turn:
// `cs show` of a random on-premises object (by id), `mv show` of the object it is joined to,
// and `history` (last 20 runs).
//   BM_ReadersIdle        query latency with nothing running (the reference)
//   BM_CycleAlone         the Initial cycle with no reader
//   BM_CycleWithReaders   the same cycle with R readers querying throughout; a second cycle start
//                         during it is refused as busy (counter second_start_busy = 1)
// Counters: p50/p95/p99/max query latency (ms), queries, query_errors (must be 0), and
// slowdown = cycle time with readers / without.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "demo_config.h"
#include "generate_files.h"
#include "idsync/file/file_connectors.h"
#include "idsync/server.h"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct Options {
  uint64_t objects = 100000;
  uint64_t seed = 1;
  int readers = 2;
  int pause_ms = 10;
  std::string dir = "/tmp/idsync-concurrent-readers";
};
Options g_opt;
std::string g_store;
uint64_t g_onprem_objects = 0;  // the on-premises connector space holds ids 1..this (imported first)
double g_cycle_alone_s = 0;

const char* kOnPrem = "contoso.com";

[[noreturn]] void die(const std::string& what, const idsync::Status& s) {
  std::cerr << "concurrent_readers_bench: " << what << ": " << s.to_string() << "\n";
  std::exit(1);
}

const idsync::ConnectorRegistry& registry() {
  static const idsync::ConnectorRegistry instance = [] {
    idsync::ConnectorRegistry r;
    idsync::file::register_file_connectors(r);
    return r;
  }();
  return instance;
}

std::unique_ptr<idsync::Server> open_server(idsync::StoreOpenMode mode = idsync::StoreOpenMode::kMustExist) {
  auto server = idsync::Server::open(g_store, mode, registry());
  if (!server.ok()) die("open " + g_store, server.status());
  return std::move(server).value();
}

double run_initial_cycle(idsync::Server& server) {
  auto t0 = Clock::now();
  auto cycle = server.run_cycle(idsync::CyclePolicy::kInitial);
  double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  if (!cycle.ok()) die("Initial cycle", cycle.status());
  if (cycle->result != "Success") {
    std::cerr << "concurrent_readers_bench: the Initial cycle ended '" << cycle->result << "'\n";
    std::exit(1);
  }
  return seconds;
}

void setup() {
  std::error_code ec;
  fs::remove_all(g_opt.dir, ec);
  fs::create_directories(g_opt.dir + "/onprem/changes");
  fs::create_directories(g_opt.dir + "/cloud/changes");
  { std::ofstream(g_opt.dir + "/cloud/directory.ldif") << "version: 1\n"; }
  idsync::forestgen::ForestOptions forest;
  forest.objects = g_opt.objects;
  forest.seed = g_opt.seed;
  auto written = idsync::cli::write_forest_ldif(forest, g_opt.dir + "/onprem/forest.ldif");
  if (!written.ok()) die("generate the forest", written.status());
  g_onprem_objects = *written;
  g_store = g_opt.dir + "/idsync.db";
  auto server = open_server(idsync::StoreOpenMode::kCreateIfMissing);
  auto config = idsync::parse_configuration(idsync::cli::demo_configuration_json(g_opt.dir, "contoso.com"));
  if (!config.ok()) die("demo configuration", config.status());
  if (auto s = server->import_configuration(*config); !s.ok()) die("import the configuration", s);
  double first = run_initial_cycle(*server);
  double settle = run_initial_cycle(*server);
  std::printf("setup: %llu objects; first Initial cycle %.1fs, settling cycle %.1fs\n",
              static_cast<unsigned long long>(g_onprem_objects), first, settle);
  std::fflush(stdout);
}

// Latencies of the queries the readers made, and what went wrong.
struct Latencies {
  std::mutex mu;
  std::vector<double> ms;
  uint64_t errors = 0;
  std::string first_error;
  void add(const std::vector<double>& more, uint64_t more_errors, const std::string& error) {
    std::lock_guard<std::mutex> lock(mu);
    ms.insert(ms.end(), more.begin(), more.end());
    errors += more_errors;
    if (first_error.empty()) first_error = error;
  }
  void report(benchmark::State& state) {
    std::sort(ms.begin(), ms.end());
    auto pct = [&](double p) { return ms.empty() ? 0.0 : ms[std::min(ms.size() - 1, static_cast<size_t>(p * ms.size()))]; };
    state.counters["p50_ms"] = pct(0.50);
    state.counters["p95_ms"] = pct(0.95);
    state.counters["p99_ms"] = pct(0.99);
    state.counters["max_ms"] = ms.empty() ? 0.0 : ms.back();
    state.counters["queries"] = static_cast<double>(ms.size());
    state.counters["query_errors"] = static_cast<double>(errors);
    if (errors > 0) state.SkipWithError(("a query failed: " + first_error).c_str());
  }
};

// One reader: CLI-style queries (open, ask, close) until `stop`, or `max_queries` when nonzero.
void reader(int index, const std::atomic<bool>& stop, uint64_t max_queries, Latencies& out) {
  std::mt19937_64 random(static_cast<uint64_t>(index) * 7919 + 17);
  std::uniform_int_distribution<uint64_t> cs_id(1, g_onprem_objects);
  std::vector<double> ms;
  uint64_t errors = 0;
  std::string error;
  uint64_t mv_id = 0;
  for (uint64_t n = 0; !stop.load(std::memory_order_relaxed) && (max_queries == 0 || n < max_queries); ++n) {
    auto t0 = Clock::now();
    auto server = idsync::Server::open(g_store, idsync::StoreOpenMode::kMustExist, registry());
    idsync::Status status = server.status();
    if (server.ok()) {
      switch (n % 3) {
        case 0: {
          std::string key = "id:" + std::to_string(cs_id(random));
          auto o = (*server)->cs_object_json(kOnPrem, key);
          status = o.status();
          if (o.ok() && !o->has_value()) status = idsync::Status::Error(idsync::ErrorCode::kNotFound, "cs show " + key);
          if (o.ok() && o->has_value()) mv_id = nlohmann::json::parse(**o).value("mvObjectId", uint64_t{0});
          break;
        }
        case 1: {
          if (mv_id == 0) continue;  // that object is not joined (a container, a filtered account)
          auto o = (*server)->mv_object_json(mv_id);
          status = o.status();
          if (o.ok() && !o->has_value())
            status = idsync::Status::Error(idsync::ErrorCode::kNotFound, "mv show " + std::to_string(mv_id));
          break;
        }
        default: {
          idsync::RunHistoryQuery q;
          q.limit = 20;
          status = (*server)->run_history(q).status();
        }
      }
    }
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    if (!status.ok()) {
      ++errors;
      if (error.empty()) error = status.to_string();
    }
    if (g_opt.pause_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(g_opt.pause_ms));
  }
  out.add(ms, errors, error);
}

void BM_ReadersIdle(benchmark::State& state) {
  for (auto _ : state) {
    Latencies latencies;
    std::atomic<bool> stop{false};
    auto t0 = Clock::now();
    std::vector<std::thread> threads;
    for (int i = 0; i < g_opt.readers; ++i) threads.emplace_back(reader, i, std::cref(stop), 300, std::ref(latencies));
    for (auto& t : threads) t.join();
    state.SetIterationTime(std::chrono::duration<double>(Clock::now() - t0).count());
    state.SetItemsProcessed(static_cast<int64_t>(latencies.ms.size()));
    latencies.report(state);
    state.counters["pause_ms"] = g_opt.pause_ms;
  }
}

void BM_CycleAlone(benchmark::State& state) {
  auto server = open_server();
  for (auto _ : state) {
    g_cycle_alone_s = run_initial_cycle(*server);
    state.SetIterationTime(g_cycle_alone_s);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * g_onprem_objects));
}

void BM_CycleWithReaders(benchmark::State& state) {
  auto server = open_server();
  for (auto _ : state) {
    Latencies latencies;
    std::atomic<bool> stop{false};
    double cycle_s = 0;
    std::thread cycle([&] { cycle_s = run_initial_cycle(*server); });
    // Readers start once the cycle holds the run lock (observed, not guessed); the second start
    // is tried then too. Should the cycle already be over, that start does an Export with
    // nothing to export, and second_start_busy says 0.
    auto probe = open_server();
    for (auto until = Clock::now() + std::chrono::seconds(60); Clock::now() < until;) {
      auto running = probe->running();
      if (running.ok() && running->has_value()) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    auto second = probe->run_profile(kOnPrem, "Export");
    state.counters["second_start_busy"] = !second.ok() && second.status().code() == idsync::ErrorCode::kBusy;
    std::vector<std::thread> threads;
    for (int i = 0; i < g_opt.readers; ++i) threads.emplace_back(reader, i, std::cref(stop), 0, std::ref(latencies));
    cycle.join();
    stop = true;
    for (auto& t : threads) t.join();
    state.SetIterationTime(cycle_s);
    latencies.report(state);
    if (g_cycle_alone_s > 0) state.counters["slowdown"] = cycle_s / g_cycle_alone_s;
    state.counters["readers"] = g_opt.readers;
    state.counters["pause_ms"] = g_opt.pause_ms;
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * g_onprem_objects));
}

BENCHMARK(BM_ReadersIdle)->Iterations(1)->UseManualTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_CycleAlone)->Iterations(1)->UseManualTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_CycleWithReaders)->Iterations(1)->UseManualTime()->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
  // Our options first; the rest goes to Google Benchmark (--benchmark_out=... etc.).
  std::vector<char*> rest{argv[0]};
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::cerr << "concurrent_readers_bench: " << a << " needs a value\n";
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--objects") g_opt.objects = std::stoull(value());
    else if (a == "--readers") g_opt.readers = std::max(1, std::stoi(value()));
    else if (a == "--pause-ms") g_opt.pause_ms = std::max(0, std::stoi(value()));
    else if (a == "--dir") g_opt.dir = value();
    else if (a == "--seed") g_opt.seed = std::stoull(value());
    else rest.push_back(argv[i]);
  }
  int rest_argc = static_cast<int>(rest.size());
  benchmark::Initialize(&rest_argc, rest.data());
  if (benchmark::ReportUnrecognizedArguments(rest_argc, rest.data())) return 2;
  setup();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  std::error_code ec;
  fs::remove_all(g_opt.dir, ec);
  return 0;
}
