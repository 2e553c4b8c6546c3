// Load (issue 10): while a large cycle runs in another idsync process, readers keep answering
// (cs show, cs list, mv show, history: the Server functions the CLI and the C API call, and the
// CLI itself), and a second cycle or run profile start is refused as busy (exit code 4).
//
// The store is a generated 20,000-object forest synced by `idsync demo` and settled by one more
// Initial cycle, so a further Initial cycle changes nothing: every answer during the cycle must
// equal the answer before it. The on-premises forest file is swapped for a FIFO, so the child's
// first import waits inside the run lock until the test feeds it: the "busy" checks happen at a
// moment the test controls (observed through the run lock holder), never after a guessed delay.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <thread>

#include "ops/child_process.h"
#include "sync/scenario.h"

namespace idsync::scenario {
namespace {

using idsync::testing::ChildProcess;
using idsync::testing::run_command;
using std::chrono::seconds;

constexpr const char* kOnPrem = "contoso.com";  // the demo's on-premises connector
constexpr const char* kCloud = "cloud";
constexpr int kObjects = 20000;
constexpr int kSampleSize = 20;

// What the readers ask, and the answers they must give.
struct Sample {
  std::vector<std::pair<std::string, std::string>> cs_keys;  // (connector, DN)
  std::vector<uint64_t> mv_ids;
};
struct Answers {
  std::vector<std::string> cs, mv;
  std::string cloud_pending_exports, onprem_page;
  std::vector<RunResult> history;
};

Sample pick_sample(Server& server) {
  Sample sample;
  for (const char* connector : {kOnPrem, kCloud}) {
    auto list = server.cs_list_json(connector, false, 0);
    if (!list.ok()) {
      ADD_FAILURE() << list.status().to_string();
      return sample;
    }
    json objects = json::parse(*list);
    if (objects.size() < static_cast<size_t>(kSampleSize)) continue;
    for (size_t k = 0; k < static_cast<size_t>(kSampleSize); ++k) {
      size_t i = k * objects.size() / kSampleSize;  // spread over the whole connector space
      sample.cs_keys.emplace_back(connector, objects[i]["dn"].get<std::string>());
      uint64_t mv = objects[i]["mvObjectId"].get<uint64_t>();
      if (mv != 0 && std::string(connector) == kOnPrem) sample.mv_ids.push_back(mv);
    }
  }
  return sample;
}

// Asks every question once; "" and `out` filled, or what failed.
std::string read_all(Server& server, const Sample& sample, Answers& out) {
  out = Answers{};
  for (const auto& [connector, dn] : sample.cs_keys) {
    auto o = server.cs_object_json(connector, dn);
    if (!o.ok()) return "cs show " + connector + " " + dn + ": " + o.status().to_string();
    if (!o->has_value()) return "cs show " + connector + " " + dn + ": not found";
    out.cs.push_back(**o);
  }
  for (uint64_t id : sample.mv_ids) {
    auto o = server.mv_object_json(id);
    if (!o.ok()) return "mv show " + std::to_string(id) + ": " + o.status().to_string();
    if (!o->has_value()) return "mv show " + std::to_string(id) + ": not found";
    out.mv.push_back(**o);
  }
  auto pending = server.cs_list_json(kCloud, true, 100);
  if (!pending.ok()) return "cs list --pending-export: " + pending.status().to_string();
  out.cloud_pending_exports = *pending;
  auto page = server.cs_list_json(kOnPrem, false, 100);
  if (!page.ok()) return "cs list: " + page.status().to_string();
  out.onprem_page = *page;
  RunHistoryQuery q;
  q.limit = 1000;
  auto history = server.run_history(q);
  if (!history.ok()) return "history: " + history.status().to_string();
  out.history = std::move(history).value();
  return "";
}

std::string run_key(const RunResult& r) {
  return std::to_string(r.run_id) + " " + r.connector + " " + r.run_profile + " " + r.result;
}

// The history during or after the cycle: exactly the runs before it, then (newest first) only
// successful runs of this Initial cycle.
std::string check_history(const std::vector<RunResult>& now, const std::vector<RunResult>& before) {
  if (now.size() < before.size()) return "history lost runs: " + std::to_string(now.size()) + " < " + std::to_string(before.size());
  size_t added = now.size() - before.size();
  for (size_t i = 0; i < before.size(); ++i)
    if (run_key(now[added + i]) != run_key(before[i])) return "history changed: " + run_key(now[added + i]) + " was " + run_key(before[i]);
  for (size_t i = 0; i < added; ++i) {
    const RunResult& r = now[i];
    bool profile_ok = r.run_profile == "Full Import" || r.run_profile == "Full Synchronization" || r.run_profile == "Export";
    if (!profile_ok || r.result != "success" || (!before.empty() && r.run_id <= before.front().run_id))
      return "unexpected new run: " + run_key(r);
  }
  return "";
}

// Nothing in the settled store changes in this cycle, so each answer equals the one before.
std::string compare(const Answers& now, const Answers& before, const Sample& sample) {
  for (size_t i = 0; i < before.cs.size(); ++i)
    if (now.cs[i] != before.cs[i]) return "cs show " + sample.cs_keys[i].first + " " + sample.cs_keys[i].second + " changed:\n" + now.cs[i];
  for (size_t i = 0; i < before.mv.size(); ++i)
    if (now.mv[i] != before.mv[i]) return "mv show " + std::to_string(sample.mv_ids[i]) + " changed:\n" + now.mv[i];
  if (now.cloud_pending_exports != before.cloud_pending_exports) return "pending exports changed: " + now.cloud_pending_exports;
  if (now.onprem_page != before.onprem_page) return "cs list page changed";
  return check_history(now.history, before.history);
}

// Feeds `content` into the FIFO at `fifo` on its own thread, without ever blocking for good:
// non-blocking open and writes, polled, until done, a deadline, or stop(). Later steps of the
// cycle (the export's look at the directory) open the same path again, so before closing its
// end (the reader's EOF) the feeder renames `regular` (a plain file with the same content) over
// the FIFO: the reader is still inside its first read then, so every later open finds the file.
class FifoFeeder {
 public:
  FifoFeeder(std::string fifo, std::string content, std::string regular)
      : fifo_(std::move(fifo)), content_(std::move(content)), regular_(std::move(regular)) {
    thread_ = std::thread([this] { error_ = feed(); });
  }
  ~FifoFeeder() { stop(); }
  void stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  const std::string& error() const { return error_; }  // after stop()

 private:
  std::string feed() {
    auto until = std::chrono::steady_clock::now() + seconds(300);
    int fd = -1;
    while (fd < 0) {
      fd = ::open(fifo_.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
      if (fd >= 0) break;
      if (errno != ENXIO) return "open " + fifo_ + ": " + std::strerror(errno);
      if (stop_ || std::chrono::steady_clock::now() >= until) return "the cycle never opened " + fifo_;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    size_t done = 0;
    std::string error;
    while (done < content_.size() && error.empty()) {
      if (stop_ || std::chrono::steady_clock::now() >= until) {
        error = "fed only " + std::to_string(done) + " of " + std::to_string(content_.size()) + " bytes";
        break;
      }
      pollfd p{fd, POLLOUT, 0};
      if (poll(&p, 1, 100) <= 0) continue;
      ssize_t n = ::write(fd, content_.data() + done, content_.size() - done);
      if (n > 0) done += static_cast<size_t>(n);
      else if (n < 0 && errno != EAGAIN && errno != EINTR) error = std::string("write: ") + std::strerror(errno);
    }
    if (error.empty() && std::rename(regular_.c_str(), fifo_.c_str()) != 0)
      error = "rename " + regular_ + ": " + std::strerror(errno);
    close(fd);
    return error;
  }

  std::string fifo_, content_, regular_;
  std::atomic<bool> stop_{false};
  std::string error_;
  std::thread thread_;
};

class ConcurrentReadersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    file::register_file_connectors(registry_);
    previous_sigpipe_ = signal(SIGPIPE, SIG_IGN);  // a dead reader of the FIFO is an error, not a crash
  }
  void TearDown() override { signal(SIGPIPE, previous_sigpipe_); }

  std::string store() const { return (tmp_.path() / "idsync.db").string(); }
  std::string log(const std::string& name) const { return (tmp_.path() / (name + ".log")).string(); }
  std::vector<std::string> cli(std::vector<std::string> args) const {
    args.insert(args.begin(), {IDSYNC_CLI_PATH, "--store", store()});
    return args;
  }

  TempDir tmp_;
  ConnectorRegistry registry_;
  void (*previous_sigpipe_)(int) = SIG_DFL;
};

TEST_F(ConcurrentReadersTest, ReadersAnswerAndASecondStartIsBusyWhileACycleRuns) {
  // A synced, settled store over a generated forest.
  std::string dir = tmp_.path().string();
  ASSERT_EQ(run_command({IDSYNC_CLI_PATH, "demo", "--objects", std::to_string(kObjects), "--dir", dir}, log("demo"),
                        seconds(400)),
            0)
      << read_text(log("demo"));
  ASSERT_EQ(run_command(cli({"cycle", "--policy", "Initial"}), log("settle"), seconds(300)), 0) << read_text(log("settle"));

  auto opened = Server::open(store(), StoreOpenMode::kMustExist, registry_);
  ASSERT_TRUE(opened.ok()) << opened.status().to_string();
  Server& server = **opened;
  Sample sample = pick_sample(server);
  ASSERT_EQ(sample.cs_keys.size(), 2u * kSampleSize);
  ASSERT_GE(sample.mv_ids.size(), kSampleSize / 2u);
  Answers before;
  ASSERT_EQ(read_all(server, sample, before), "");
  ASSERT_EQ(before.cloud_pending_exports, "[]") << "the settled store has nothing to export";

  // The forest file becomes a FIFO: the cycle's first import waits in it, holding the run lock.
  std::string forest = dir + "/onprem/forest.ldif";
  std::string content = read_text(forest);
  ASSERT_GT(content.size(), 1000000u);
  std::string regular = forest + ".regular";
  write_text(regular, content);
  ASSERT_TRUE(std::filesystem::remove(forest));
  ASSERT_EQ(mkfifo(forest.c_str(), 0600), 0);
  ChildProcess cycle(cli({"cycle", "--policy", "Initial"}), log("cycle"));
  ASSERT_TRUE(cycle.started());
  std::string expected_holder = "Initial sync cycle (pid " + std::to_string(cycle.pid()) + ")";
  std::optional<std::string> holder;
  for (auto until = std::chrono::steady_clock::now() + seconds(120);
       std::chrono::steady_clock::now() < until && !holder && cycle.running();) {
    auto h = server.running();
    ASSERT_TRUE(h.ok()) << h.status().to_string();
    holder = *h;
    if (!holder) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_TRUE(holder.has_value()) << "the cycle never took the run lock\n" << read_text(log("cycle"));
  EXPECT_EQ(*holder, expected_holder);

  // While it waits inside the lock: a second start is busy, from the CLI and in process...
  EXPECT_EQ(run_command(cli({"cycle"}), log("second-cycle"), seconds(120)), 4) << read_text(log("second-cycle"));
  std::string second = read_text(log("second-cycle"));
  EXPECT_NE(second.find("is busy: " + expected_holder + " is running"), std::string::npos) << second;
  EXPECT_EQ(run_command(cli({"run", kOnPrem, "Full Import"}), log("second-run"), seconds(120)), 4)
      << read_text(log("second-run"));
  auto in_process = server.run_cycle(CyclePolicy::kDelta);
  ASSERT_FALSE(in_process.ok());
  EXPECT_EQ(in_process.status().code(), ErrorCode::kBusy) << in_process.status().to_string();
  // ...and the CLI's readers answer what they answered before.
  const auto& [connector, dn] = sample.cs_keys[kSampleSize + 1];
  EXPECT_EQ(run_command(cli({"cs", "show", connector, dn}), log("cs-show"), seconds(120)), 0) << read_text(log("cs-show"));
  EXPECT_EQ(read_text(log("cs-show")), before.cs[kSampleSize + 1] + "\n");
  std::string mv_id = std::to_string(sample.mv_ids[0]);
  EXPECT_EQ(run_command(cli({"mv", "show", mv_id}), log("mv-show"), seconds(120)), 0) << read_text(log("mv-show"));
  EXPECT_EQ(read_text(log("mv-show")), before.mv[0] + "\n");
  EXPECT_EQ(run_command(cli({"history", "--json", "--limit", "1000"}), log("history"), seconds(120)), 0)
      << read_text(log("history"));
  json history = json::parse(read_text(log("history")), nullptr, false);
  ASSERT_TRUE(history.is_array()) << read_text(log("history"));
  ASSERT_EQ(history.size(), before.history.size()) << "no run of the waiting cycle has ended yet";
  EXPECT_EQ(history[0]["runId"].get<int64_t>(), before.history[0].run_id);
  EXPECT_TRUE(cycle.running()) << "the cycle must still wait in its first import\n" << read_text(log("cycle"));

  // Then the cycle does its work while readers keep asking, in a loop, until it ends.
  FifoFeeder feeder(forest, content, regular);
  int rounds = 0;
  std::string failure;
  auto until = std::chrono::steady_clock::now() + seconds(400);
  while (failure.empty() && cycle.running() && std::chrono::steady_clock::now() < until) {
    Answers now;
    failure = read_all(server, sample, now);
    if (failure.empty()) failure = compare(now, before, sample);
    ++rounds;
    // Pacing only (no assertion depends on it): leaves the 2-core CI machine to the cycle too.
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(failure, "") << "after " << rounds << " reader rounds\n" << read_text(log("cycle"));
  std::optional<int> code = cycle.wait_exit(until - std::chrono::steady_clock::now());
  feeder.stop();
  EXPECT_EQ(feeder.error(), "");
  ASSERT_EQ(code, 0) << read_text(log("cycle"));
  EXPECT_GE(rounds, 1);
  std::cout << "[          ] " << rounds << " reader rounds of " << sample.cs_keys.size() + sample.mv_ids.size() + 3
            << " queries answered during the cycle\n";

  // After it: the same answers, its six runs in the history, and the store free again.
  Answers after;
  ASSERT_EQ(read_all(server, sample, after), "");
  EXPECT_EQ(compare(after, before, sample), "");
  EXPECT_EQ(after.history.size(), before.history.size() + 6) << read_text(log("cycle"));
  auto free_now = server.running();
  ASSERT_TRUE(free_now.ok());
  EXPECT_FALSE(free_now->has_value());
}

}  // namespace
}  // namespace idsync::scenario
