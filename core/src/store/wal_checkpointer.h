// WalCheckpointer: copies a store's WAL back into its main file on a thread of its own.
//
// In WAL mode a commit is complete (and survives kill -9) once its frames are in the WAL; the
// checkpoint that later copies them into the main file is housekeeping. SQLite's automatic
// checkpoint runs it inside the commit of the writer, so a save that dirtied pages scattered
// over a large file paid for every page twice before returning (measured at 100,000 objects:
// ~60% of a delta sync's save). Store hands it to this class instead: the commit returns once
// its frames are written, the checkpoint (PASSIVE: it never blocks readers or the writer)
// runs on a second connection meanwhile.
//
// Contract:
// - request() asks for a checkpoint soon; requests made while one runs coalesce into one more.
// - wait_idle() returns once no checkpoint runs or is pending.
// - The destructor waits for a running checkpoint (it is not interrupted: a store closed
//   after a run should not keep a large WAL), then closes the connection.
// - A checkpoint that fails (disk full, busy) loses nothing: the frames stay in the WAL, which
//   readers use, and the next request or the close of the last connection checkpoints them.
// Thread safety: all members may be called from any thread.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

namespace idsync {

class WalCheckpointer {
 public:
  explicit WalCheckpointer(std::string path);
  ~WalCheckpointer();
  WalCheckpointer(const WalCheckpointer&) = delete;
  WalCheckpointer& operator=(const WalCheckpointer&) = delete;

  void request();
  void wait_idle();
  bool busy();
  uint64_t completed();  // checkpoints finished (successfully or not) since construction

 private:
  void run();

  std::string path_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool requested_ = false;
  bool running_ = false;
  bool stop_ = false;
  uint64_t completed_ = 0;
  std::thread thread_;  // started by the first request
};

}  // namespace idsync
