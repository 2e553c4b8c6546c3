// The large-forest benchmark: one run drives a generated forest through the whole engine the
// way an administrator's server does (Server::run_profile, store on disk, LDIF directories) and
// reports every step as objects/s, as a ratio to the floor it cannot beat, and as JSON.
//
//   build/bench/large_forest_bench                  100,000 objects (huge group: 50,000 members)
//   build/bench/large_forest_bench --objects 1000000  (huge group: 500,000 members)
//   options: --dir DIR (default /tmp/idsync-large-forest), --json FILE, --threads N, --seed S
//
// Steps: generate the forest LDIF; Full Import (on-premises and the empty cloud); Full
// Synchronization (on-premises, then cloud) with all threads; Export to the cloud LDIF; Delta
// Import and Delta Synchronization of the cloud (confirm the export, its anchors flow back); then the 1% add / 1% delete / 5% modify change set
// (Delta Import, Delta Synchronization, Export); then one member removed from the huge group
// (Delta Import + Delta Synchronization, checked to leave a one-value pending export).
// Side by side, in the same run: the on-premises Full Synchronization again with 1 thread on a
// copy of the store taken before it (speedup), and the floors: a raw LDIF parse of the forest
// file, and a raw SQLite insert of the same objects as blobs (one transaction, WAL,
// synchronous=NORMAL, rowid key only).
#include <mimalloc.h>
#include <sqlite3.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#include <tbb/global_control.h>
#include <tbb/info.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "demo_config.h"
#include "idsync/file/file_connectors.h"
#include "idsync/file/ldif.h"
#include "idsync/forestgen/forestgen.h"
#include "idsync/server.h"
#include "store/store.h"
#include "sync/state_memory.h"
#include "sync/steps.h"
#include "sync/sync_state.h"

namespace {

namespace fs = std::filesystem;
using idsync::Status;

struct Options {
  uint64_t objects = 100000;
  uint64_t seed = 1;
  unsigned threads = 0;  // 0: all cores
  std::string dir = "/tmp/idsync-large-forest";
  std::string json_path;
  bool keep = false;  // leave DIR (store, LDIF files) for inspection
  bool phases = true;  // split a full sync into load / synchronize / save (one more full sync)
  bool single_thread = true;  // the same full sync with 1 thread in a child process (speedup)
};

double now_s() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

double peak_rss_mb() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_maxrss) / 1024.0;  // Linux: kilobytes
}

// Bytes this process has read and written through system calls so far (/proc/self/io rchar /
// wchar: page-cache hits count too, which is what a store's page reads and WAL writes cost).
std::pair<uint64_t, uint64_t> io_bytes() {
  std::ifstream io("/proc/self/io");
  std::string key;
  uint64_t value = 0, rchar = 0, wchar = 0;
  while (io >> key >> value) {
    if (key == "rchar:") rchar = value;
    if (key == "wchar:") wchar = value;
  }
  return {rchar, wchar};
}

// Resident now (not the peak): /proc/self/statm's second field, in pages.
double current_rss_mb() {
  std::ifstream statm("/proc/self/statm");
  uint64_t size = 0, resident = 0;
  statm >> size >> resident;
  return static_cast<double>(resident) * static_cast<double>(sysconf(_SC_PAGESIZE)) / 1048576.0;
}

// The highest RSS since the last take() (MB), sampled every millisecond on a thread of its own:
// the process's peak RSS (getrusage) only ever grows, so it cannot tell which step peaked once
// an earlier one went higher; this gives each step line the peak of that step (issue 5: the
// transient memory of the full sync and of the export).
class StepPeak {
 public:
  StepPeak() : sampler_([this] { run(); }) {}
  ~StepPeak() {
    stop_.store(true);
    sampler_.join();
  }
  StepPeak(const StepPeak&) = delete;
  StepPeak& operator=(const StepPeak&) = delete;

  double take() {
    sample();
    return pages_to_mb(peak_.exchange(resident_pages()));
  }

 private:
  static uint64_t resident_pages() {
    uint64_t size = 0, resident = 0;
    if (FILE* f = std::fopen("/proc/self/statm", "r")) {
      if (std::fscanf(f, "%lu %lu", &size, &resident) != 2) resident = 0;
      std::fclose(f);
    }
    return resident;
  }
  static double pages_to_mb(uint64_t pages) {
    return static_cast<double>(pages) * static_cast<double>(sysconf(_SC_PAGESIZE)) / 1048576.0;
  }
  void sample() {
    const uint64_t now = resident_pages();
    uint64_t seen = peak_.load();
    while (now > seen && !peak_.compare_exchange_weak(seen, now)) {
    }
  }
  void run() {
    while (!stop_.load()) {
      sample();
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }

  std::atomic<uint64_t> peak_{0};
  std::atomic<bool> stop_{false};
  std::thread sampler_;
};

// What mimalloc has committed from the OS now (MB): RSS minus this is memory that is
// committed but not yet touched, or touched and released back.
double committed_mb() {
  size_t elapsed = 0, user = 0, system = 0, rss = 0, peak_rss = 0, commit = 0, peak_commit = 0, faults = 0;
  mi_process_info(&elapsed, &user, &system, &rss, &peak_rss, &commit, &peak_commit, &faults);
  return static_cast<double>(commit) / 1048576.0;
}

// Peak and current RSS and mimalloc's committed memory, for the phase lines.
std::string memory_now() {
  char line[160];
  std::snprintf(line, sizeof line, "peak RSS %.0f MB, now %.0f MB, committed %.0f MB", peak_rss_mb(), current_rss_mb(),
                committed_mb());
  return line;
}

[[noreturn]] void die(const std::string& what, const Status& s) {
  std::cerr << "large_forest_bench: " << what << ": " << s.message() << "\n";
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

struct StepFigure {
  std::string name;
  double seconds = 0;
  uint64_t objects = 0;  // what the step is measured against (objects/s)
  double floor_seconds = 0;  // 0: no floor for this step
  double rss_mb = 0;          // peak so far
  double current_rss_mb = 0;  // resident at the end of the step
  double step_peak_mb = 0;    // highest RSS since the line before (the step and what prepared it)
};

class Report {
 public:
  void add(StepFigure f) {
    f.rss_mb = peak_rss_mb();
    f.current_rss_mb = current_rss_mb();
    f.step_peak_mb = step_peak_.take();
    std::printf("  %-50s %9.3f s  %12.0f obj/s  peak RSS %7.0f MB  now %7.0f MB  step peak %7.0f MB\n", f.name.c_str(),
                f.seconds, f.seconds > 0 ? static_cast<double>(f.objects) / f.seconds : 0.0, f.rss_mb, f.current_rss_mb,
                f.step_peak_mb);
    std::fflush(stdout);
    steps_.push_back(std::move(f));
  }
  StepFigure* find(const std::string& name) {
    for (auto& s : steps_)
      if (s.name == name) return &s;
    return nullptr;
  }
  nlohmann::json json() const {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& s : steps_) {
      nlohmann::json j = {{"step", s.name},           {"seconds", s.seconds}, {"objects", s.objects},
                          {"objectsPerSecond", s.seconds > 0 ? s.objects / s.seconds : 0.0},
                          {"peakRssMB", s.rss_mb}, {"rssMB", s.current_rss_mb}, {"stepPeakRssMB", s.step_peak_mb}};
      if (s.floor_seconds > 0) {
        j["floorSeconds"] = s.floor_seconds;
        j["ratioToFloor"] = s.seconds / s.floor_seconds;
      }
      out.push_back(std::move(j));
    }
    return out;
  }
  const std::vector<StepFigure>& steps() const { return steps_; }

 private:
  std::vector<StepFigure> steps_;
  StepPeak step_peak_;
};

// Runs one run profile and fails the benchmark unless it succeeded: figures of a failed run
// would be meaningless.
idsync::RunResult run(idsync::Server& server, const std::string& connector, const std::string& profile) {
  auto r = server.run_profile(connector, profile);
  if (!r.ok()) die(connector + " " + profile, r.status());
  if (r->result != "success") {
    std::string errors;
    for (const auto& step : r->steps)
      for (size_t i = 0; i < step.errors.size() && i < 3; ++i) errors += "\n    " + step.errors[i].dn + ": " + step.errors[i].message;
    std::cerr << "large_forest_bench: " << connector << " " << profile << " ended in '" << r->result << "'" << errors
              << "\n";
    std::exit(1);
  }
  return *r;
}

uint64_t counter(const idsync::RunResult& r, const std::string& name) {
  uint64_t n = 0;
  for (const auto& step : r.steps)
    if (auto it = step.counters.find(name); it != step.counters.end()) n += it->second;
  return n;
}

std::unique_ptr<idsync::Server> open_server(const std::string& path) {
  auto server = idsync::Server::open(path, idsync::StoreOpenMode::kCreateIfMissing, registry());
  if (!server.ok()) die("open store " + path, server.status());
  return std::move(server).value();
}

// Floor 1: parse the LDIF file, nothing else. Returns (seconds, records) and, when `blobs` is
// given, each record's attributes packed as one blob for floor 2.
std::pair<double, uint64_t> parse_floor(const std::string& path, std::string* blobs, std::vector<uint32_t>* sizes) {
  std::ifstream in(path, std::ios::binary);
  std::vector<char> buffer(1 << 20);
  in.rdbuf()->pubsetbuf(buffer.data(), static_cast<std::streamsize>(buffer.size()));
  idsync::file::LdifReader reader(in, path);
  idsync::file::LdifRecord record;
  uint64_t n = 0;
  double t0 = now_s();
  while (true) {
    auto more = reader.next(record);
    if (!more.ok()) die("parse " + path, more.status());
    if (!*more) break;
    ++n;
    if (blobs != nullptr) {
      size_t before = blobs->size();
      for (const auto& a : record.entry.attributes) {
        blobs->append(a.name);
        blobs->push_back('\0');
        for (const auto& v : a.values) {
          uint32_t len = static_cast<uint32_t>(v.size());
          blobs->append(reinterpret_cast<const char*>(&len), sizeof len);
          blobs->append(v);
        }
      }
      sizes->push_back(static_cast<uint32_t>(blobs->size() - before));
    }
  }
  return {now_s() - t0, n};
}

// Floor 2: insert the same objects as blobs into a fresh SQLite file in one transaction.
double sqlite_floor(const std::string& path, const std::string& blobs, const std::vector<uint32_t>& sizes) {
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(path + suffix);
  sqlite3* db = nullptr;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) die("sqlite floor", Status::Error(idsync::ErrorCode::kIoError, path));
  auto exec = [&](const char* sql) {
    if (sqlite3_exec(db, sql, nullptr, nullptr, nullptr) != SQLITE_OK)
      die("sqlite floor", Status::Error(idsync::ErrorCode::kStoreError, sqlite3_errmsg(db)));
  };
  exec("PRAGMA journal_mode=WAL");
  exec("PRAGMA synchronous=NORMAL");
  exec("CREATE TABLE objects(id INTEGER PRIMARY KEY, body BLOB NOT NULL)");
  double t0 = now_s();
  exec("BEGIN");
  sqlite3_stmt* insert = nullptr;
  sqlite3_prepare_v2(db, "INSERT INTO objects(id, body) VALUES(?, ?)", -1, &insert, nullptr);
  size_t offset = 0;
  for (size_t i = 0; i < sizes.size(); ++i) {
    sqlite3_bind_int64(insert, 1, static_cast<sqlite3_int64>(i + 1));
    sqlite3_bind_blob(insert, 2, blobs.data() + offset, static_cast<int>(sizes[i]), SQLITE_STATIC);
    if (sqlite3_step(insert) != SQLITE_DONE) die("sqlite floor", Status::Error(idsync::ErrorCode::kStoreError, sqlite3_errmsg(db)));
    sqlite3_reset(insert);
    offset += sizes[i];
  }
  sqlite3_finalize(insert);
  exec("COMMIT");
  double seconds = now_s() - t0;
  sqlite3_close(db);
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(path + suffix);
  return seconds;
}

void copy_store(const std::string& from, const std::string& to) {
  for (const char* suffix : {"", "-wal", "-shm"}) {
    fs::remove(to + suffix);
    if (fs::exists(from + suffix)) fs::copy_file(from + suffix, to + suffix);
  }
}

struct HugeGroup {
  std::string dn;
  std::string member;  // one member value, removed by the last change
  uint64_t members = 0;
};

Options parse_args(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::cerr << "large_forest_bench: " << a << " needs a value\n";
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--objects" || a == "-n") o.objects = std::stoull(value());
    else if (a == "--seed") o.seed = std::stoull(value());
    else if (a == "--threads") o.threads = static_cast<unsigned>(std::stoul(value()));
    else if (a == "--dir") o.dir = value();
    else if (a == "--json") o.json_path = value();
    else if (a == "--keep") o.keep = true;
    else if (a == "--no-phases") o.phases = false;
    else if (a == "--no-single-thread") o.single_thread = false;
    else {
      std::cerr << "usage: large_forest_bench [--objects N] [--dir DIR] [--json FILE] [--threads N] [--seed S] [--keep] [--no-phases] [--no-single-thread]\n";
      std::exit(2);
    }
  }
  return o;
}

// Loads the engine state into the server's memory with a run that changes nothing (a delta
// synchronization of the empty cloud change list), so the timed run after it starts from a
// resident state as it would in a long-running server.
void preload(idsync::Server& server) { run(server, "cloud", "Delta Synchronization"); }

// Times load / synchronize in memory / save of one delta synchronization on a copy of `snapshot`.
void delta_phases(Report& report, const std::string& snapshot, const std::string& connector, const std::string& label,
                  uint64_t objects) {
  const std::string copy = snapshot + ".phases.db";
  copy_store(snapshot, copy);
  auto st = idsync::Store::open(copy, idsync::OpenMode::kMustExist);
  if (!st.ok()) die("open " + copy, st.status());
  double t = now_s();
  auto state = idsync::SyncState::load(**st);
  if (!state.ok()) die("load state", state.status());
  report.add({"  " + label + " phase: load the store", now_s() - t, objects});
  idsync::StepResult step;
  t = now_s();
  Status s = idsync::run_sync(**state, *(*state)->space(connector), true, step, {});
  if (!s.ok()) die("run_sync", s);
  report.add({"  " + label + " phase: synchronize in memory", now_s() - t, objects});
  const idsync::SyncStatistics& stats = (*state)->sync_statistics();
  std::printf("    (examined %llu CS objects, recomputed %llu MV objects, planned %llu exports; reference values "
              "resolved %llu, carried %llu, checked %llu)\n",
              static_cast<unsigned long long>(stats.cs_examined), static_cast<unsigned long long>(stats.mv_recomputed),
              static_cast<unsigned long long>(stats.outbound_planned),
              static_cast<unsigned long long>(stats.reference_values_resolved),
              static_cast<unsigned long long>(stats.reference_values_carried),
              static_cast<unsigned long long>(stats.reference_values_checked));
  t = now_s();
  (**st).reset_write_stats();
  s = (*state)->save(**st);
  if (!s.ok()) die("save", s);
  report.add({"  " + label + " phase: save what changed", now_s() - t, objects});
  const idsync::StoreWriteStats& written = (**st).write_stats();
  std::printf("    (saved %llu rows, %llu of them without index changes, %llu with only the MV link changed, %.1f MB "
              "of bodies; %llu value chunks written, %.1f MB, %llu deleted; %llu pages written)\n",
              static_cast<unsigned long long>(written.rows),
              static_cast<unsigned long long>(written.rows_without_index_changes),
              static_cast<unsigned long long>(written.rows_with_only_link_changes), written.body_bytes / 1e6,
              static_cast<unsigned long long>(written.chunks_written), written.chunk_bytes_written / 1e6,
              static_cast<unsigned long long>(written.chunks_deleted),
              static_cast<unsigned long long>(written.pages_written));
  state->reset();
  st->reset();
  std::error_code ec;
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(copy + suffix, ec);
}

}  // namespace

// The child of the 1-thread comparison: one Full Synchronization with 1 thread, seconds on stdout.
int single_thread_sync(const std::string& store, const std::string& connector) {
  tbb::global_control one(tbb::global_control::max_allowed_parallelism, 1);
  auto server = open_server(store);
  double t = now_s();
  run(*server, connector, "Full Synchronization");
  std::printf("seconds=%.6f\n", now_s() - t);
  return 0;
}

// For profiling one phase at a time: load / synchronize / save on a copy of a store kept with
// --keep (DIR/before-sync-kept.db), e.g. `perf record -g large_forest_bench --phases-only
// DIR/before-sync-kept.db DIR/work.db idsync.example`; --delta-phases-only does the same for a delta
// synchronization (e.g. of DIR/before-delta-sync-kept.db).
// Prints wall and CPU seconds (all threads) per phase: on a shared machine the CPU figure
// moves less with the other builds' load; beside them the peak and current RSS and mimalloc's
// committed memory after each phase (issue 5), and with LFB_HEAP_TABLE=1 in the environment
// the heap per structure (sync/state_memory.h) after the synchronization.
// `--phases-only KEPT WORK CONNECTOR --delta` is the same as --delta-phases-only.
int phases_only(const std::string& kept, const std::string& work, const std::string& connector, bool delta) {
  auto cpu_s = [] {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
  };
  copy_store(kept, work);
  std::printf("mimalloc decommit delay %ld ms\n", mi_option_get(mi_option_decommit_delay));
  auto st = idsync::Store::open(work, idsync::OpenMode::kMustExist);
  if (!st.ok()) die("open " + work, st.status());
  double t = now_s(), c = cpu_s();
  auto state = idsync::SyncState::load(**st);
  if (!state.ok()) die("load state", state.status());
  std::printf("load %.3f s (cpu %.3f s)  %s\n", now_s() - t, cpu_s() - c, memory_now().c_str());
  idsync::StepResult step;
  t = now_s(), c = cpu_s();
  Status s = idsync::run_sync(**state, *(*state)->space(connector), delta, step, {});
  if (!s.ok()) die("run_sync", s);
  std::printf("synchronize %.3f s (cpu %.3f s)  %s\n", now_s() - t, cpu_s() - c, memory_now().c_str());
  // LFB_HEAP_TABLE=1: the heap per structure at the peak of a full sync, before the save
  // (the Initial cycle's pending exports are all held here, issue 5).
  if (std::getenv("LFB_HEAP_TABLE") != nullptr)
    std::printf("heap after the synchronization, before the save:\n%s",
                idsync::measure_state_memory(**state).table().c_str());
  t = now_s(), c = cpu_s();
  const auto io0 = io_bytes();
  (**st).reset_write_stats();
  s = (*state)->save(**st);
  if (!s.ok()) die("save", s);
  const auto io1 = io_bytes();
  std::printf("save %.3f s (cpu %.3f s)  %s; %llu rows, %.1f MB of bodies; read %.1f MB, wrote %.1f MB\n",
              now_s() - t, cpu_s() - c, memory_now().c_str(), static_cast<unsigned long long>((**st).write_stats().rows),
              (**st).write_stats().body_bytes / 1e6, static_cast<double>(io1.first - io0.first) / 1e6,
              static_cast<double>(io1.second - io0.second) / 1e6);
  const idsync::StoreWriteStats& pages = (**st).write_stats();
  std::printf("  (CS rows written without index changes %llu, with only the MV link index changed %llu)\n",
              static_cast<unsigned long long>(pages.rows_without_index_changes),
              static_cast<unsigned long long>(pages.rows_with_only_link_changes));
  std::printf("  (page cache: %llu pages of %llu bytes read, %llu written, %llu of them spilled mid-transaction)\n",
              static_cast<unsigned long long>(pages.pages_read), static_cast<unsigned long long>(pages.page_size),
              static_cast<unsigned long long>(pages.pages_written), static_cast<unsigned long long>(pages.pages_spilled));
  state->reset();
  std::printf("state freed  %s\n", memory_now().c_str());
  t = now_s(), c = cpu_s();
  st->reset();  // waits for a checkpoint still running and checkpoints what is left
  std::printf("close the store %.3f s (cpu %.3f s)\n", now_s() - t, cpu_s() - c);
  return 0;
}

// One line: the heap of every space's pending exports (the "... pending export" rows of the
// heap walk, sync/state_memory.h) and how much of it is value bytes.
void print_pending_export_heap(const idsync::SyncState& state) {
  const idsync::StateMemory m = idsync::measure_state_memory(state);
  uint64_t objects = 0, allocated = 0, payload = 0, values = 0;
  const std::string suffix = ": pending export";
  for (const idsync::MemoryRow& r : m.rows) {
    if (r.name.size() < suffix.size() || r.name.compare(r.name.size() - suffix.size(), suffix.size(), suffix) != 0) continue;
    objects += r.count;
    allocated += r.bytes.allocated;
    payload += r.bytes.payload;
    values += r.bytes.values;
  }
  std::printf("  heap of pending exports after the full sync: %.1f MB for %.1f MB of values (%llu objects, %llu values, "
              "%.0f bytes per object)\n",
              static_cast<double>(allocated) / 1e6, static_cast<double>(payload) / 1e6,
              static_cast<unsigned long long>(objects), static_cast<unsigned long long>(values),
              objects ? static_cast<double>(allocated) / static_cast<double>(objects) : 0.0);
  std::fflush(stdout);
}

// Where the memory of a loaded engine state goes (issue 5): loads STORE as a run does and
// prints the heap held per structure (sync/state_memory.h) beside the process's RSS and
// mimalloc's committed memory, before and after mi_collect(true). The main run calls it on a
// copy of the store taken after the Initial cycle, in a child process so that its own figures
// are not disturbed.
int memory_breakdown(const std::string& store_path) {
  double rss0 = current_rss_mb();
  auto st = idsync::Store::open(store_path, idsync::OpenMode::kMustExist);
  if (!st.ok()) die("open " + store_path, st.status());
  auto state = idsync::SyncState::load(**st);
  if (!state.ok()) die("load state", state.status());
  double rss_loaded = current_rss_mb(), commit_loaded = committed_mb();
  idsync::StateMemory m = idsync::measure_state_memory(**state);
  std::printf("  engine state loaded from the store after the Initial cycle (heap per structure):\n%s", m.table().c_str());
  mi_collect(true);
  std::printf("  process: RSS %.0f MB before the load, %.0f MB loaded (mimalloc committed %.0f MB); after "
              "mi_collect(true) RSS %.0f MB, committed %.0f MB\n",
              rss0, rss_loaded, commit_loaded, current_rss_mb(), committed_mb());
  return 0;
}

int main(int argc, char** argv) {
  if (argc == 3 && std::string(argv[1]) == "--memory-breakdown") return memory_breakdown(argv[2]);
  if (argc == 4 && std::string(argv[1]) == "--single-thread-sync") return single_thread_sync(argv[2], argv[3]);
  if (argc == 5 && std::string(argv[1]) == "--phases-only") return phases_only(argv[2], argv[3], argv[4], false);
  if (argc == 5 && std::string(argv[1]) == "--delta-phases-only") return phases_only(argv[2], argv[3], argv[4], true);
  if (argc == 6 && std::string(argv[1]) == "--phases-only" && std::string(argv[5]) == "--delta")
    return phases_only(argv[2], argv[3], argv[4], true);
  Options opt = parse_args(argc, argv);
  unsigned threads = opt.threads ? opt.threads : static_cast<unsigned>(tbb::info::default_concurrency());
  tbb::global_control parallelism(tbb::global_control::max_allowed_parallelism, threads);

  std::error_code ec;
  fs::remove_all(opt.dir, ec);
  fs::create_directories(opt.dir + "/onprem/changes");
  fs::create_directories(opt.dir + "/cloud/changes");
  { std::ofstream(opt.dir + "/cloud/directory.ldif") << "version: 1\n"; }
  const std::string forest = opt.dir + "/onprem/forest.ldif";
  const std::string store = opt.dir + "/idsync.db";
  const std::string store_before_sync = opt.dir + "/before-sync.db";

  idsync::forestgen::ForestOptions fo;
  fo.objects = opt.objects;
  fo.seed = opt.seed;
  fo.huge_group_members = opt.objects / 2;  // 500,000 members at 1M, proportionally below
  fo.threads = 2;
  auto layout = idsync::forestgen::plan_forest(fo);
  if (!layout.ok()) die("plan forest", layout.status());
  if (fo.huge_group_members > layout->users) fo.huge_group_members = layout->users;

  std::printf("IdSync large-forest benchmark: %llu objects (%llu users, %llu groups, %llu contacts; huge group "
              "%llu members), %u threads, 2-core machine shared with other builds\n",
              static_cast<unsigned long long>(opt.objects), static_cast<unsigned long long>(layout->users),
              static_cast<unsigned long long>(layout->groups), static_cast<unsigned long long>(layout->contacts),
              static_cast<unsigned long long>(fo.huge_group_members), threads);
  Report report;

  // Generate, remembering the huge group for the last change.
  HugeGroup huge;
  double t = now_s();
  {
    std::ofstream out(forest, std::ios::binary);
    std::vector<char> buffer(1 << 20);
    out.rdbuf()->pubsetbuf(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    idsync::file::LdifWriter writer(out);
    Status s = idsync::forestgen::generate_forest(fo, [&](idsync::Entry&& e) {
      if (huge.dn.empty() && e.object_type == "group" && e.dn.rfind("CN=All Staff,", 0) == 0) {
        huge.dn = e.dn;
        if (const auto* m = e.find("member"); m != nullptr && !m->values.empty()) {
          huge.member = m->values.back();
          huge.members = m->values.size();
        }
      }
      return writer.write_entry(e);
    });
    if (s.ok()) s = writer.status();
    if (!s.ok()) die("generate forest", s);
  }
  uint64_t ldif_bytes = fs::file_size(forest);
  report.add({"generate forest LDIF", now_s() - t, opt.objects});
  if (huge.dn.empty() || huge.member.empty()) die("generate forest", Status::Error(idsync::ErrorCode::kInternal, "no huge group"));

  auto server = open_server(store);
  auto config = idsync::parse_configuration(idsync::cli::demo_configuration_json(opt.dir, fo.domain));
  if (!config.ok()) die("demo configuration", config.status());
  if (Status s = server->import_configuration(*config); !s.ok()) die("import configuration", s);
  if (Status s = server->set_deletion_threshold(opt.objects); !s.ok()) die("deletion threshold", s);
  // The change set removes hundreds of deleted users from the huge group in one export: that
  // is the benchmark's intent, not a mistake the member-removal limit should stop.
  idsync::MemberRemovalLimit no_member_limit;
  no_member_limit.enabled = false;
  if (Status s = server->set_member_removal_limit(no_member_limit); !s.ok()) die("member removal limit", s);
  const std::string onprem = fo.domain;

  // ---- Initial cycle ----
  t = now_s();
  run(*server, onprem, "Full Import");
  report.add({"full import (on-premises, LDIF)", now_s() - t, opt.objects});
  run(*server, "cloud", "Full Import");
  server.reset();
  copy_store(store, store_before_sync);
  server = open_server(store);

  t = now_s();
  auto full_sync = run(*server, onprem, "Full Synchronization");
  double full_sync_s = now_s() - t;
  report.add({"full sync (on-premises, " + std::to_string(threads) + " threads)", full_sync_s, opt.objects});
  t = now_s();
  run(*server, "cloud", "Full Synchronization");
  report.add({"full sync (cloud)", now_s() - t, opt.objects});
  t = now_s();
  auto exported = run(*server, "cloud", "Export");
  uint64_t exported_n = counter(exported, "export-add") + counter(exported, "export-update");
  report.add({"export (cloud LDIF)", now_s() - t, exported_n ? exported_n : opt.objects});
  t = now_s();
  run(*server, "cloud", "Delta Import");
  report.add({"delta import (cloud, confirming)", now_s() - t, opt.objects});
  t = now_s();
  run(*server, "cloud", "Delta Synchronization");
  report.add({"delta sync (cloud, confirmed anchors flow back)", now_s() - t, opt.objects});
  double initial_rss_mb = peak_rss_mb();
  const std::string after_initial = opt.dir + "/after-initial-kept.db";
  {
    // The breakdown at the end loads this copy (a copy needs the store closed: WAL).
    server.reset();
    copy_store(store, after_initial);
    server = open_server(store);
    preload(*server);
  }

  // ---- Delta cycle: 1% add / 1% delete / 5% modify ----
  idsync::forestgen::ChangeStats stats;
  {
    std::ofstream out(opt.dir + "/onprem/changes/20260101T000000Z-round-0001.ldif", std::ios::binary);
    idsync::file::LdifWriter writer(out);
    Status s = idsync::forestgen::generate_changes(
        fo, {}, [&](idsync::EntryChange&& c) { return writer.write_change(c); }, &stats);
    if (s.ok()) s = writer.status();
    if (!s.ok()) die("generate changes", s);
  }
  uint64_t changes = stats.adds + stats.deletes + stats.modifies + stats.reference_cleanups;
  std::printf("  change set: %llu adds, %llu deletes, %llu modifies, %llu reference cleanups\n",
              static_cast<unsigned long long>(stats.adds), static_cast<unsigned long long>(stats.deletes),
              static_cast<unsigned long long>(stats.modifies), static_cast<unsigned long long>(stats.reference_cleanups));
  t = now_s();
  run(*server, onprem, "Delta Import");
  report.add({"delta import (change set)", now_s() - t, changes});
  // Snapshots for the delta phase split at the end (and for profiling single steps with
  // `idsync run` under --keep). Closing the server costs the next run a full load; the
  // timed runs below then pay it, so it is done first, untimed.
  const std::string before_delta_sync = opt.dir + "/before-delta-sync-kept.db";
  const std::string before_huge_sync = opt.dir + "/before-huge-sync-kept.db";
  if (opt.keep || opt.phases) {
    server.reset();
    copy_store(store, before_delta_sync);
    server = open_server(store);
    preload(*server);
  }
  t = now_s();
  run(*server, onprem, "Delta Synchronization");
  report.add({"delta sync (change set, on-premises)", now_s() - t, changes});
  t = now_s();
  run(*server, "cloud", "Export");
  report.add({"export (change set)", now_s() - t, changes});
  if (opt.keep) {
    server.reset();
    copy_store(store, opt.dir + "/before-cloud-confirm-kept.db");
    server = open_server(store);
  }
  t = now_s();
  run(*server, "cloud", "Delta Import");
  report.add({"delta import (cloud, confirming the change set)", now_s() - t, changes});
  t = now_s();
  run(*server, "cloud", "Delta Synchronization");
  report.add({"delta sync (cloud, confirming)", now_s() - t, changes});

  // ---- One member leaves the huge group ----
  {
    std::ofstream out(opt.dir + "/onprem/changes/20260101T000000Z-round-0002.ldif", std::ios::binary);
    idsync::file::LdifWriter writer(out);
    idsync::EntryChange c;
    c.kind = idsync::ChangeKind::kModify;
    c.dn = huge.dn;
    c.object_type = "group";
    c.changes.push_back({"member", idsync::ValueOp::kDelete, {huge.member}});
    Status s = writer.write_change(c);
    if (s.ok()) s = writer.status();
    if (!s.ok()) die("huge group change", s);
  }
  t = now_s();
  run(*server, onprem, "Delta Import");
  double huge_import_s = now_s() - t;
  report.add({"huge group: delta import (1 change)", huge_import_s, 1});
  if (opt.keep || opt.phases) {
    server.reset();
    copy_store(store, before_huge_sync);
    server = open_server(store);
    preload(*server);
  }
  t = now_s();
  run(*server, onprem, "Delta Synchronization");
  report.add({"huge group: delta sync (1 change)", now_s() - t, 1});
  report.add({"huge group: one member removed, end to end", huge_import_s + (now_s() - t), 1});
  // The pending export of the group in the cloud must hold exactly that one value delete.
  std::string huge_export = "(not found)";
  {
    auto list = server->cs_list_json("cloud", /*pending_export_only=*/true, 1000);
    if (!list.ok()) die("cloud pending exports", list.status());
    auto j = nlohmann::json::parse(*list, nullptr, false);
    if (!j.is_array() || j.size() != 1)
      die("huge group change", Status::Error(idsync::ErrorCode::kInternal,
                                             "expected exactly one pending export in the cloud, found " + std::to_string(j.size())));
    auto one = server->cs_object_json("cloud", j[0].value("dn", ""));
    if (!one.ok() || !one->has_value()) die("huge group pending export", one.ok() ? Status::Error(idsync::ErrorCode::kNotFound, "gone") : one.status());
    auto detail = nlohmann::json::parse(**one, nullptr, false);
    huge_export = detail.value("pendingExportChanges", nlohmann::json::array()).dump();
  }
  std::printf("  huge group pending export in the cloud: %s\n", huge_export.c_str());
  server.reset();

  // ---- Side by side: the same on-premises full sync with 1 thread ----
  if (opt.keep) copy_store(store_before_sync, opt.dir + "/before-sync-kept.db");
  // Where a full sync's time goes: loading the server into memory, the synchronization
  // itself, writing what changed (the same work run_profile does, timed part by part).
  if (opt.phases) {
    const std::string phases = opt.dir + "/phases.db";
    copy_store(store_before_sync, phases);
    auto st = idsync::Store::open(phases, idsync::OpenMode::kMustExist);
    if (!st.ok()) die("open " + phases, st.status());
    t = now_s();
    auto state = idsync::SyncState::load(**st);
    if (!state.ok()) die("load state", state.status());
    report.add({"  full sync phase: load the store", now_s() - t, opt.objects});
    idsync::StepResult step;
    t = now_s();
    Status s = idsync::run_sync(**state, *(*state)->space(onprem), false, step, {});
    if (!s.ok()) die("run_sync", s);
    report.add({"  full sync phase: synchronize in memory", now_s() - t, opt.objects});
    // LFB_HEAP_TABLE=1: the heap of the pending exports the on-premises full sync left (the
    // Initial cycle's provisioning adds, its largest transient; issue 5), untimed.
    if (std::getenv("LFB_HEAP_TABLE") != nullptr) print_pending_export_heap(**state);
    t = now_s();
    s = (*state)->save(**st);
    if (!s.ok()) die("save", s);
    report.add({"  full sync phase: save what changed", now_s() - t, opt.objects});
    t = now_s();
    state->reset();
    report.add({"  full sync phase: free the state", now_s() - t, opt.objects});
    st->reset();
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(phases + suffix, ec);
    // The same split for the two delta synchronizations (a server keeps the state resident,
    // so it does not pay the load; synchronize and save are what a delta run costs).
    delta_phases(report, before_delta_sync, onprem, "delta sync (change set)", changes);
    delta_phases(report, before_huge_sync, onprem, "huge group delta sync", 1);
  }
  // In a fresh process, so that it starts from the same cold memory as the run it is compared
  // with (first touch of fresh pages is a large part of a first full sync).
  if (opt.single_thread) {
    std::string command = "'" + fs::read_symlink("/proc/self/exe").string() + "' --single-thread-sync '" +
                          store_before_sync + "' '" + onprem + "'";
    FILE* child = popen(command.c_str(), "r");
    double seconds = -1;
    if (child == nullptr || std::fscanf(child, "seconds=%lf", &seconds) != 1 || pclose(child) != 0 || seconds < 0)
      die("1-thread full sync", Status::Error(idsync::ErrorCode::kInternal, "the child process failed: " + command));
    report.add({"full sync (on-premises, 1 thread)", seconds, opt.objects});
  }
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(store_before_sync + suffix, ec);

  // ---- Where the memory goes ----
  {
    std::fflush(stdout);
    std::string command = "'" + fs::read_symlink("/proc/self/exe").string() + "' --memory-breakdown '" + after_initial + "'";
    if (std::system(command.c_str()) != 0)
      die("memory breakdown", Status::Error(idsync::ErrorCode::kInternal, "the child process failed: " + command));
  }

  // ---- Floors ----
  std::string blobs;
  std::vector<uint32_t> sizes;
  blobs.reserve(ldif_bytes);
  auto [parse_s, records] = parse_floor(forest, nullptr, nullptr);
  report.add({"floor: raw LDIF parse", parse_s, records});
  parse_floor(forest, &blobs, &sizes);
  double insert_s = sqlite_floor(opt.dir + "/floor.db", blobs, sizes);
  report.add({"floor: raw SQLite insert of the blobs", insert_s, sizes.size()});

  if (auto* f = report.find("full import (on-premises, LDIF)")) f->floor_seconds = parse_s + insert_s;
  // A full sync reads every object and writes every object of the store once.
  if (auto* f = report.find("full sync (on-premises, " + std::to_string(threads) + " threads)")) f->floor_seconds = insert_s;
  const StepFigure* single = report.find("full sync (on-premises, 1 thread)");
  double single_s = single ? single->seconds : 0;

  std::printf("\n  forest LDIF %.0f MB; peak RSS after the Initial cycle %.0f MB (%.2fx the LDIF)\n",
              static_cast<double>(ldif_bytes) / 1e6, initial_rss_mb, initial_rss_mb * 1048576.0 / static_cast<double>(ldif_bytes));
  if (single != nullptr)
    std::printf("  full sync speedup %u threads vs 1: %.2fx\n", threads, single_s / full_sync_s);
  else
    std::printf("  full sync speedup: not measured (--no-single-thread)\n");
  for (const auto& s : report.steps())
    if (s.floor_seconds > 0) std::printf("  %-50s %.2fx its floor\n", s.name.c_str(), s.seconds / s.floor_seconds);

  nlohmann::json out = {{"benchmark", "large_forest"},
                        {"objects", opt.objects},
                        {"threads", threads},
                        {"hugeGroupMembers", huge.members},
                        {"forestLdifBytes", ldif_bytes},
                        {"initialCyclePeakRssMB", initial_rss_mb},
                        {"fullSyncSpeedup", single != nullptr ? nlohmann::json(single_s / full_sync_s) : nlohmann::json(nullptr)},
                        {"hugeGroupPendingExport", huge_export},
                        {"machine", "2-core machine, shared with other builds"},
                        {"steps", report.json()}};
  std::string json = out.dump(2);
  if (!opt.json_path.empty()) std::ofstream(opt.json_path) << json << "\n";
  std::printf("\n%s\n", json.c_str());
  if (!opt.keep) fs::remove_all(opt.dir, ec);
  return 0;
}
