// Placing a SIGKILL inside a chosen step of a running cycle: the step timings of an unkilled
// reference run, and a watcher of the running cycle's run history (a step's record appears when
// it ends, so "N records exist" means the cycle is inside step N+1).
#pragma once

#include <sqlite3.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

namespace idsync::chaos {

// Where one step of a cycle ran in the reference: offsets from the process start.
struct StepTiming {
  std::string what;       // "Export cloud"
  std::string connector;  // "cloud"
  int64_t begin_ms, end_ms;
};

inline std::string step_kind(const std::string& profile) {
  if (profile.find("Import") != std::string::npos) return "import";
  if (profile.find("Synchronization") != std::string::npos) return "sync";
  return "export";
}

// Watches the run history of a running cycle through its own read-only connection: true once
// `rows` run records exist and `delay` has passed since they appeared.
class HistoryWatcher {
 public:
  explicit HistoryWatcher(const std::string& store) {
    if (sqlite3_open_v2(store.c_str(), &db_, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK)
      sqlite3_prepare_v2(db_, "SELECT COUNT(*) FROM runs", -1, &count_, nullptr);
  }
  ~HistoryWatcher() {
    sqlite3_finalize(count_);
    sqlite3_close(db_);
  }
  HistoryWatcher(const HistoryWatcher&) = delete;
  HistoryWatcher& operator=(const HistoryWatcher&) = delete;

  bool reached(size_t rows, std::chrono::microseconds delay) {
    auto now = std::chrono::steady_clock::now();
    if (!seen_) {
      if (count_ == nullptr) return true;
      size_t n = 0;
      if (sqlite3_step(count_) == SQLITE_ROW) n = static_cast<size_t>(sqlite3_column_int64(count_, 0));
      sqlite3_reset(count_);
      if (n < rows) return false;
      seen_ = true;
      since_ = now;
    }
    return now - since_ >= delay;
  }

 private:
  sqlite3* db_ = nullptr;
  sqlite3_stmt* count_ = nullptr;
  bool seen_ = false;
  std::chrono::steady_clock::time_point since_;
};

}  // namespace idsync::chaos
