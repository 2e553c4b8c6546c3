// The WAL checkpoint after a large commit runs on a background thread (store/wal_checkpointer.h):
// the data reaches the main file while the Store stays open, a small commit starts no
// checkpoint, other connections see everything at once, and kill -9 during the checkpoint
// loses nothing that was committed.
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>

#include "store_test_util.h"

namespace idsync::store_test {
namespace {

constexpr int kBigObjects = 12000;
constexpr size_t kValueBytes = 2000;  // 12,000 x 2 KB: ~1,500 frames of 16 KiB, over the threshold

CsObject big_cs(int i) {
  CsObject o = sample_cs(static_cast<CsId>(i), 1, "CN=User " + std::to_string(i) + ",DC=Example");
  o.hologram.plain().set(3, {std::string(kValueBytes, static_cast<char>('a' + i % 26)) + std::to_string(i)});
  return o;
}

// Writes objects [first, first + n) one by one (no oneTBB: the kill test writes in a forked child).
Status write_range(Store& store, int first, int n) {
  IDSYNC_RETURN_IF_ERROR(store.begin());
  for (int i = first; i < first + n; ++i) {
    Status s = store.put_cs(big_cs(i));
    if (!s.ok()) {
      store.rollback();
      return s;
    }
  }
  return store.commit();
}

int64_t file_size(const std::string& path) {
  struct stat st{};
  return ::stat(path.c_str(), &st) == 0 ? static_cast<int64_t>(st.st_size) : -1;
}

TEST_F(StoreTest, LargeCommitIsCheckpointedWhileTheStoreStaysOpen) {
  auto store = open_store();
  ASSERT_NE(store, nullptr);
  const int64_t empty_size = file_size(path_);
  ASSERT_TRUE(write_range(*store, 1, kBigObjects).ok());
  store->wait_for_checkpoint();
  EXPECT_GE(store->checkpoints_completed(), 1u);
  // The rows are in the main file now, not only in the WAL (new pages grow the main file
  // only when they are checkpointed).
  EXPECT_GT(file_size(path_) - empty_size, static_cast<int64_t>(kBigObjects * kValueBytes));

  auto other = Store::open(path_, OpenMode::kReadOnly);
  ASSERT_TRUE(other.ok()) << other.status().to_string();
  int n = 0;
  ASSERT_TRUE((*other)->load_cs(1, [&](CsObject&& o) {
    ++n;
    EXPECT_EQ(o, big_cs(n));
    return Status::Ok();
  }).ok());
  EXPECT_EQ(n, kBigObjects);
  EXPECT_TRUE((*other)->check_integrity().ok());
}

// A server keeps its engine state in memory while change_marker() is unchanged: the
// checkpoint on the other connection is not a change and must not make it reload.
TEST_F(StoreTest, BackgroundCheckpointLeavesTheChangeMarkerAlone) {
  auto store = open_store();
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(write_range(*store, 1, kBigObjects).ok());
  auto before = store->change_marker();
  ASSERT_TRUE(before.ok());
  store->wait_for_checkpoint();
  ASSERT_GE(store->checkpoints_completed(), 1u);
  auto after = store->change_marker();
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(*before, *after);
  // And the next write of an unchanged row still skips the index columns.
  store->reset_write_stats();
  ASSERT_TRUE(store->find_cs_by_id(5).ok());
  ASSERT_TRUE(store->begin().ok());
  CsObject o = big_cs(5);
  o.hologram.plain().set(4, {"changed"});
  ASSERT_TRUE(store->put_cs(o).ok());
  ASSERT_TRUE(store->commit().ok());
  EXPECT_EQ(store->write_stats().rows_without_index_changes, 1u);
}

TEST_F(StoreTest, SmallCommitStartsNoCheckpoint) {
  auto store = open_store();
  ASSERT_NE(store, nullptr);
  const int64_t empty_size = file_size(path_);
  ASSERT_TRUE(write_range(*store, 1, 10).ok());
  store->wait_for_checkpoint();
  EXPECT_EQ(store->checkpoints_completed(), 0u);
  EXPECT_EQ(file_size(path_), empty_size);  // the 10 rows are in the WAL only
  // The next large commit checkpoints what the small ones left in the WAL as well.
  ASSERT_TRUE(write_range(*store, 11, kBigObjects).ok());
  store->wait_for_checkpoint();
  EXPECT_GE(store->checkpoints_completed(), 1u);
  EXPECT_GT(file_size(path_) - empty_size, static_cast<int64_t>(kBigObjects * kValueBytes));
}

TEST_F(StoreTest, ClosingTheStoreWaitsForTheCheckpointAndLeavesNoWal) {
  {
    auto store = open_store();
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(write_range(*store, 1, kBigObjects).ok());
  }
  // The last connection's close checkpoints the rest and removes the WAL, as before.
  EXPECT_EQ(file_size(path_ + "-wal"), -1);
  auto store = open_store(OpenMode::kMustExist);
  ASSERT_NE(store, nullptr);
  auto found = store->find_cs_by_id(kBigObjects);
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ(**found, big_cs(kBigObjects));
}

// A child commits large writes in a loop and reports each commit on a pipe; the parent kills
// it with SIGKILL right after a report, while that commit's checkpoint runs (or the next write
// does). Everything reported must be there, and the file must pass the integrity check.
TEST_F(StoreTest, KillDuringTheBackgroundCheckpointLosesNothingCommitted) {
  { ASSERT_NE(open_store(), nullptr); }
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  constexpr int kRounds = 6;
  constexpr int kPerRound = 3000;
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive a parent that died before killing it
    close(fds[0]);
    auto store = Store::open(path_, OpenMode::kMustExist);
    if (!store.ok()) _exit(2);
    for (int round = 0; round < kRounds; ++round) {
      if (!write_range(**store, 1 + round * kPerRound, kPerRound).ok()) _exit(3);
      char c = 'c';
      if (write(fds[1], &c, 1) != 1) _exit(4);
    }
    // Still running when the parent kills it: never close normally.
    for (;;) pause();
  }
  close(fds[1]);
  const int kill_after = 3;  // commits
  int committed = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (committed < kill_after && std::chrono::steady_clock::now() < deadline) {
    pollfd p{fds[0], POLLIN, 0};
    int ready = poll(&p, 1, 1000);
    if (ready <= 0) continue;
    char c = 0;
    ssize_t got = read(fds[0], &c, 1);
    if (got != 1) break;  // the child failed or exited
    ++committed;
  }
  kill(child, SIGKILL);
  int status = 0;
  waitpid(child, &status, 0);
  close(fds[0]);
  ASSERT_EQ(committed, kill_after) << "the child did not report its commits in time (exit status " << status << ")";
  ASSERT_TRUE(WIFSIGNALED(status)) << "the child exited on its own with status " << status;

  auto store = open_store(OpenMode::kMustExist);
  ASSERT_NE(store, nullptr);
  EXPECT_TRUE(store->check_integrity().ok());
  int n = 0;
  ASSERT_TRUE(store->load_cs(1, [&](CsObject&& o) {
    ++n;
    EXPECT_EQ(o, big_cs(n));
    return Status::Ok();
  }).ok());
  // The commit in flight at the kill may or may not have made it; those reported did.
  EXPECT_GE(n, committed * kPerRound);
  EXPECT_EQ(n % kPerRound, 0) << "a transaction was half applied";
}

}  // namespace
}  // namespace idsync::store_test
