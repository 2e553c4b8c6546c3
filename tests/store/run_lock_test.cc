// The single-run lock: an flock on "<store>.lock" that names its holder.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>

#include "store/store.h"
#include "store_test_util.h"

namespace idsync {
namespace {

using store_test::StoreTest;

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

TEST_F(StoreTest, SecondStoreInTheSameProcessIsBusy) {
  auto first = open_store();
  auto second = open_store(OpenMode::kMustExist);
  ASSERT_TRUE(first && second);
  ASSERT_TRUE(first->acquire_run_lock("Delta cycle").ok());

  Status s = second->acquire_run_lock("Full Import on 'AD'");
  EXPECT_EQ(s.code(), ErrorCode::kBusy);
  EXPECT_EQ(s.message(), "the store " + path_ + " is busy: Delta cycle (pid " + std::to_string(getpid()) +
                             ") is running; wait for it to finish or stop it");

  first->release_run_lock();
  first->release_run_lock();  // harmless twice
  ASSERT_TRUE(second->acquire_run_lock("Full Import on 'AD'").ok());
  Status again = first->acquire_run_lock("Delta cycle");
  EXPECT_EQ(again.code(), ErrorCode::kBusy);
  EXPECT_TRUE(contains(again.message(), "Full Import on 'AD'")) << again.message();

  second.reset();  // closing the store releases its lock
  EXPECT_TRUE(first->acquire_run_lock("Delta cycle").ok());
  EXPECT_EQ(first->acquire_run_lock("Delta cycle").code(), ErrorCode::kInternal);
}

TEST_F(StoreTest, LockHeldByAChildProcessIsFreedWhenItExits) {
  { ASSERT_TRUE(open_store()); }
  int to_child[2], to_parent[2];
  ASSERT_EQ(pipe(to_child), 0);
  ASSERT_EQ(pipe(to_parent), 0);
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    close(to_child[1]);
    close(to_parent[0]);
    auto r = Store::open(path_, OpenMode::kMustExist);
    char ok = (r.ok() && (*r)->acquire_run_lock("Initial cycle").ok()) ? 'L' : 'E';
    (void)!write(to_parent[1], &ok, 1);
    char cmd = 0;
    (void)!read(to_child[0], &cmd, 1);  // wait for the parent, then die holding the lock
    _exit(cmd == 'q' ? 0 : 1);
  }
  close(to_child[0]);
  close(to_parent[1]);
  char state = 0;
  ASSERT_EQ(read(to_parent[0], &state, 1), 1);
  ASSERT_EQ(state, 'L');

  auto store = open_store(OpenMode::kMustExist);
  ASSERT_TRUE(store);
  Status s = store->acquire_run_lock("Delta cycle");
  EXPECT_EQ(s.code(), ErrorCode::kBusy);
  EXPECT_EQ(s.message(), "the store " + path_ + " is busy: Initial cycle (pid " + std::to_string(pid) +
                             ") is running; wait for it to finish or stop it");

  char quit = 'q';
  ASSERT_EQ(write(to_child[1], &quit, 1), 1);
  int wstatus = 0;
  ASSERT_EQ(waitpid(pid, &wstatus, 0), pid);
  EXPECT_TRUE(WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0);
  close(to_child[1]);
  close(to_parent[0]);

  // The child exited without releasing: the kernel dropped its flock.
  EXPECT_TRUE(store->acquire_run_lock("Delta cycle").ok());
}

}  // namespace
}  // namespace idsync
