// Power-loss style faults of the store's file system, with the real engine: the disk fills up
// in the middle of a large import (a small tmpfs mounted for the test), and the file system
// turns read-only. Each gives a clear error naming what failed; the last committed state stays
// intact (checked by reopening); once space is back the same run succeeds.
//
// Mounting needs root (CI runs as root). A test that cannot mount FAILS: it never skips.
#include <sys/mount.h>

#include "sync/scenario.h"

namespace idsync::scenario {
namespace {

class StoreFaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    mount_point_ = s_.dir() / "small-fs";
    fs::create_directories(mount_point_);
    ASSERT_EQ(::mount("tmpfs", mount_point_.c_str(), "tmpfs", 0, "size=2m"), 0)
        << "cannot mount a tmpfs at " << mount_point_ << ": " << std::strerror(errno)
        << " (the store fault tests need root)";
    mounted_ = true;
    store_ = (mount_point_ / "idsync.db").string();
    standard_setup(s_);
    s_.set_content("hr", hr_user("u1", "Ann Lee") + hr_user("u2", "Bob Ray"));
  }
  void TearDown() override {
    server_.reset();
    if (mounted_) {
      EXPECT_EQ(::umount(mount_point_.c_str()), 0) << std::strerror(errno);
    }
  }

  Server& server() {
    if (!server_) {
      auto s = Server::open(store_, StoreOpenMode::kCreateIfMissing, s_.registry());
      EXPECT_TRUE(s.ok()) << s.status().to_string();
      if (!s.ok()) std::abort();
      server_ = std::move(s).value();
    }
    return *server_;
  }
  void reopen() { server_.reset(); }
  void remount(const char* options) {
    ASSERT_EQ(::mount("tmpfs", mount_point_.c_str(), "tmpfs", MS_REMOUNT | (std::string(options).find("ro") == 0 ? MS_RDONLY : 0), options), 0)
        << options << ": " << std::strerror(errno);
  }

  // A committed baseline: two users imported and synchronized (a few hundred KiB with 16 KiB
  // pages and the WAL).
  std::string baseline() {
    EXPECT_TRUE(server().import_configuration(s_.config()).ok());
    for (const char* profile : {"Full Import", "Full Synchronization"}) {
      auto r = server().run_profile("hr", profile);
      EXPECT_TRUE(r.ok() && r->result == "success") << profile << ": " << (r.ok() ? r->result : r.status().to_string());
    }
    auto cs = server().cs_list_json("hr", false, 0);
    EXPECT_TRUE(cs.ok());
    return cs.ok() ? *cs : "";
  }

  // hr grows to thousands of users with long values: far more than the small file system holds.
  void grow_directory() {
    std::string content;
    std::string filler(400, 'x');
    for (int i = 0; i < 8000; ++i)
      content += hr_user("big" + std::to_string(i), "Big User" + std::to_string(i), "description: " + filler + "\n");
    s_.set_content("hr", content);
  }

  // The store after reopening: integrity and consistency checks pass, hr holds `expected`.
  void expect_intact(const std::string& expected) {
    reopen();
    std::string summary;
    Status check = server().check_store(&summary);
    EXPECT_TRUE(check.ok()) << check.to_string();
    auto cs = server().cs_list_json("hr", false, 0);
    ASSERT_TRUE(cs.ok()) << cs.status().to_string();
    EXPECT_EQ(*cs, expected);
  }

  Scenario s_;
  fs::path mount_point_;
  bool mounted_ = false;
  std::string store_;
  std::unique_ptr<Server> server_;
};

// What a failed run says: the run either fails (Result error) or records a stopped result.
std::string failure_text(const Result<RunResult>& r) {
  if (!r.ok()) return r.status().to_string();
  std::string text = r->result;
  for (const StepResult& st : r->steps) {
    text += " / " + st.result;
    for (const ObjectError& e : st.errors) text += " / " + e.message;
  }
  return text;
}

TEST_F(StoreFaultTest, DiskFullDuringImportKeepsTheLastCommittedState) {
  std::string before = baseline();
  ASSERT_FALSE(before.empty());
  grow_directory();
  auto r = server().run_profile("hr", "Full Import");
  bool failed = !r.ok() || r->result != "success";
  ASSERT_TRUE(failed) << "the import should not fit in 2 MiB";
  std::string text = failure_text(r);
  std::printf("disk full: %s\n", text.c_str());
  EXPECT_NE(text.find("full"), std::string::npos) << text;  // SQLite: "database or disk is full"
  EXPECT_NE(text.find(store_), std::string::npos) << "the error names the store: " << text;
  expect_intact(before);

  // Space comes back: the same run now succeeds and the store is consistent.
  remount("size=64m");
  reopen();
  auto again = server().run_profile("hr", "Full Import");
  ASSERT_TRUE(again.ok()) << again.status().to_string();
  EXPECT_EQ(again->result, "success") << failure_text(again);
  Status check = server().check_store();
  EXPECT_TRUE(check.ok()) << check.to_string();
}

TEST_F(StoreFaultTest, ReadOnlyFileSystemGivesAClearErrorAndChangesNothing) {
  std::string before = baseline();
  ASSERT_FALSE(before.empty());
  reopen();
  s_.set_content("hr", hr_user("u1", "Ann Lee") + hr_user("u3", "Cy New"));
  remount("ro");
  auto opened = Server::open(store_, StoreOpenMode::kMustExist, s_.registry());
  if (opened.ok()) {
    auto r = (*opened)->run_profile("hr", "Full Import");
    bool failed = !r.ok() || r->result != "success";
    EXPECT_TRUE(failed) << "a run on a read-only store must fail";
    std::string text = failure_text(r);
    std::printf("read-only: %s\n", text.c_str());
    EXPECT_NE(text.find("read"), std::string::npos) << "the error says the store is read-only: " << text;
  } else {
    std::string text = opened.status().to_string();
    std::printf("read-only: %s\n", text.c_str());
    EXPECT_NE(text.find(store_), std::string::npos) << text;
    EXPECT_NE(text.find("read"), std::string::npos) << "the error says the store is read-only: " << text;
  }
  opened = Result<std::unique_ptr<Server>>(Status::Error(ErrorCode::kInternal, "closed"));
  remount("rw");
  expect_intact(before);
}

}  // namespace
}  // namespace idsync::scenario
