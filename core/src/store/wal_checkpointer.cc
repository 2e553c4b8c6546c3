#include "store/wal_checkpointer.h"

#include <sqlite3.h>

#include <utility>

namespace idsync {

namespace {
constexpr int kCheckpointBusyTimeoutMs = 5000;
}  // namespace

WalCheckpointer::WalCheckpointer(std::string path) : path_(std::move(path)) {}

WalCheckpointer::~WalCheckpointer() {
  {
    std::unique_lock lock(mu_);
    stop_ = true;
    cv_.notify_all();
  }
  if (thread_.joinable()) thread_.join();
}

void WalCheckpointer::request() {
  std::unique_lock lock(mu_);
  if (stop_) return;
  requested_ = true;
  if (!thread_.joinable()) thread_ = std::thread([this] { run(); });
  cv_.notify_all();
}

void WalCheckpointer::wait_idle() {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return (!requested_ && !running_) || !thread_.joinable(); });
}

bool WalCheckpointer::busy() {
  std::unique_lock lock(mu_);
  return requested_ || running_;
}

uint64_t WalCheckpointer::completed() {
  std::unique_lock lock(mu_);
  return completed_;
}

void WalCheckpointer::run() {
  // A connection of its own: the Store's connection belongs to the thread that writes.
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path_.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc == SQLITE_OK) {
    sqlite3_busy_timeout(db, kCheckpointBusyTimeoutMs);
    // As the writer: the WAL is synced before its frames are copied, the file after.
    sqlite3_exec(db, "PRAGMA synchronous=NORMAL", nullptr, nullptr, nullptr);
  }
  std::unique_lock lock(mu_);
  while (true) {
    cv_.wait(lock, [&] { return requested_ || stop_; });
    // A pending request still runs when stopping: close waits for it rather than leaving the
    // whole WAL to the close of the last connection.
    if (!requested_) break;
    requested_ = false;
    running_ = true;
    lock.unlock();
    if (rc == SQLITE_OK) {
      // Failures are deliberately not reported: nothing is lost (see the header), and the
      // writer's own automatic checkpoint, which this replaces, ignores them as well.
      (void)sqlite3_wal_checkpoint_v2(db, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    }
    lock.lock();
    running_ = false;
    ++completed_;
    cv_.notify_all();
  }
  lock.unlock();
  sqlite3_close_v2(db);
}

}  // namespace idsync
