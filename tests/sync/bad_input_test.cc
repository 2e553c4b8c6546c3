// Bad input: a rule naming an unknown attribute, a missing or unreadable store, a second writer.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <thread>

#include "scenario.h"

namespace idsync::scenario {
namespace {

TEST(BadInputTest, RuleWithAnUnknownAttributeIsRefusedAndTheStoreIsUnchanged) {
  Scenario s;
  standard_setup(s);
  s.set_content("hr", hr_user("u1", "Ann Lee"));
  ASSERT_TRUE(s.apply().ok());
  initial_round(s);
  auto before = s.server().configuration();
  ASSERT_TRUE(before.ok());
  std::string config_before = write_configuration(*before);
  std::string cs_before = s.server().cs_list_json("dir", false, 0).value();

  Configuration bad = s.config();
  for (SyncRule& r : bad.rules)
    if (r.name == "In from HR - User") r.flows.push_back(direct("jobTitel", "title"));
  bad.connectors.pop_back();  // would also delete the dir connector space if it went through
  bad.rules.erase(std::remove_if(bad.rules.begin(), bad.rules.end(), [](const SyncRule& r) { return r.connector == "dir"; }),
                  bad.rules.end());
  Status st = s.server().import_configuration(bad);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.code(), ErrorCode::kInvalidArgument) << st.to_string();
  EXPECT_NE(st.message().find("In from HR - User"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("flow to 'title'"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("jobTitel"), std::string::npos) << st.message();

  auto after = s.server().configuration();
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(write_configuration(*after), config_before);
  EXPECT_EQ(s.server().cs_list_json("dir", false, 0).value(), cs_before);
  // The store still runs.
  EXPECT_EQ(s.run("hr", "Full Import").result, "success");
}

TEST(BadInputTest, UnknownMetaverseAttributeInAnOutboundRuleIsNamed) {
  Scenario s;
  standard_setup(s);
  for (SyncRule& r : s.config().rules)
    if (r.name == "Out to DIR - User") r.flows.push_back(direct("costCenter", "department"));
  Status st = s.apply();
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("Out to DIR - User"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("costCenter"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("metaverse"), std::string::npos) << st.message();
  // Nothing was imported.
  auto config = s.server().configuration();
  ASSERT_TRUE(config.ok());
  EXPECT_TRUE(config->connectors.empty());
  EXPECT_TRUE(config->rules.empty());
}

TEST(BadInputTest, MissingStoreIsNotCreatedWhenItMustExist) {
  TempDir dir;
  ConnectorRegistry registry;
  file::register_file_connectors(registry);
  std::string path = (dir.path() / "nosuch.db").string();
  auto server = Server::open(path, StoreOpenMode::kMustExist, registry);
  ASSERT_FALSE(server.ok());
  EXPECT_EQ(server.status().code(), ErrorCode::kNotFound) << server.status().to_string();
  EXPECT_NE(server.status().message().find(path), std::string::npos) << server.status().message();
  EXPECT_FALSE(fs::exists(path));
}

TEST(BadInputTest, DamagedStoreIsRefused) {
  TempDir dir;
  ConnectorRegistry registry;
  file::register_file_connectors(registry);
  std::string path = (dir.path() / "garbage.db").string();
  write_text(path, std::string(8192, 'x'));
  auto server = Server::open(path, StoreOpenMode::kMustExist, registry);
  if (server.ok()) {
    // Opening may be lazy; the first use must then fail cleanly.
    auto config = (*server)->configuration();
    EXPECT_FALSE(config.ok());
  } else {
    EXPECT_NE(server.status().message().find(path), std::string::npos) << server.status().message();
  }
}

TEST(BadInputTest, UnreadableStoreIsRefused) {
  TempDir dir;
  ConnectorRegistry registry;
  file::register_file_connectors(registry);
  // A directory where the store file should be: unreadable as a store, even for root.
  std::string path = (dir.path() / "store.db").string();
  fs::create_directories(path);
  auto server = Server::open(path, StoreOpenMode::kMustExist, registry);
  ASSERT_FALSE(server.ok());
  EXPECT_NE(server.status().message().find(path), std::string::npos) << server.status().message();
  // And a file without read permission (root reads it anyway).
  if (geteuid() != 0) {
    Scenario s;
    standard_setup(s, false);
    ASSERT_TRUE(s.apply().ok());
    fs::permissions(s.store_path(), fs::perms::none);
    auto locked = Server::open(s.store_path(), StoreOpenMode::kMustExist, s.registry());
    fs::permissions(s.store_path(), fs::perms::owner_read | fs::perms::owner_write);
    EXPECT_FALSE(locked.ok());
  }
}

// A second writer: while one Server runs a Full Import (its directory file is a FIFO, so the
// import waits for a writer), another Server on the same store is refused with kBusy naming
// what runs. The first run then completes normally.
TEST(BadInputTest, SecondWriterIsBusyAndNamesWhatRuns) {
  Scenario s;
  standard_setup(s, false);
  fs::path fifo = s.dir() / "hr.fifo";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  s.config().connectors[0].options["path"] = fifo.string();
  ASSERT_TRUE(s.apply().ok());
  Server& first = s.server();

  Result<RunResult> first_result = Status::Error(ErrorCode::kInternal, "not run");
  std::thread runner([&] { first_result = first.run_profile("hr", "Full Import"); });
  // Feeds the FIFO so the first run finishes (retrying: the reader may not have opened it yet),
  // then joins it; also on an early return, so a failed assertion never leaves it blocked.
  bool fed = false;
  auto finish = [&] {
    if (fed) return;
    fed = true;
    int fd = -1;
    for (int i = 0; i < 1000 && fd < 0; ++i) {
      fd = ::open(fifo.c_str(), O_WRONLY | O_NONBLOCK);
      if (fd < 0) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (fd >= 0) {
      std::string content = "version: 1\n\n" + hr_user("u1", "Ann Lee");
      EXPECT_EQ(::write(fd, content.data(), content.size()), static_cast<ssize_t>(content.size()));
      ::close(fd);
    } else {
      ADD_FAILURE() << "the first run never opened its directory file";
    }
    runner.join();
  };
  struct Guard {
    std::function<void()> f;
    ~Guard() { f(); }
  } guard{finish};

  // Wait until the first run holds the lock (its description is in the lock file).
  bool held = false;
  for (int i = 0; i < 500 && !held; ++i) {
    held = read_text(s.store_path() + ".lock").find("Full Import") != std::string::npos;
    if (!held) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_TRUE(held);

  auto second = Server::open(s.store_path(), StoreOpenMode::kMustExist, s.registry());
  ASSERT_TRUE(second.ok()) << second.status().to_string();
  auto busy = (*second)->run_profile("hr", "Full Synchronization");
  ASSERT_FALSE(busy.ok());
  EXPECT_EQ(busy.status().code(), ErrorCode::kBusy);
  EXPECT_NE(busy.status().message().find("Full Import"), std::string::npos) << busy.status().message();
  EXPECT_NE(busy.status().message().find("hr"), std::string::npos) << busy.status().message();
  auto busy_cycle = (*second)->run_cycle(CyclePolicy::kDelta);
  ASSERT_FALSE(busy_cycle.ok());
  EXPECT_EQ(busy_cycle.status().code(), ErrorCode::kBusy);
  // Queries still work while the run holds the lock.
  EXPECT_TRUE((*second)->run_history(RunHistoryQuery{}).ok());

  finish();
  ASSERT_TRUE(first_result.ok()) << first_result.status().to_string();
  EXPECT_EQ(first_result->result, "success");
  EXPECT_EQ(counter(first_result->steps.at(0), "stage-add"), 1u);
  // Now the second server may run.
  auto after = (*second)->run_profile("hr", "Full Synchronization");
  ASSERT_TRUE(after.ok()) << after.status().to_string();
  EXPECT_EQ(counter(after->steps.at(0), "projected"), 1u);
}

}  // namespace
}  // namespace idsync::scenario
