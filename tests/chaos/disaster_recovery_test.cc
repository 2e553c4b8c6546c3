// Disaster recovery (the reference product's documented behaviour): the store is lost; the
// administrator creates a new one, imports the saved configuration and runs an Initial cycle
// against directories that already hold everything exported before. Every object must re-join
// (the metaverse comes back the same), no duplicate may appear in any directory, and nothing is
// exported because nothing changed.
#include <gtest/gtest.h>

#include "chaos/chaos_world.h"

namespace idsync::chaos {
namespace {

std::string metaverse_part(const std::string& snapshot) {
  size_t cs = snapshot.find("\ncs ");
  return cs == std::string::npos ? snapshot : snapshot.substr(0, cs + 1);
}

TEST(DisasterRecoveryTest, RebuiltStoreRejoinsEveryObjectAndExportsNothing) {
  std::string tmpl = (fs::temp_directory_path() / "idsync-dr-XXXXXX").string();
  ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
  World w(tmpl, 1500, 11);
  ASSERT_EQ(w.create(), "");
  auto cli = [&](std::vector<std::string> args) {
    CliRun r = run_cli(w.dir(), w.store(), args);
    EXPECT_EQ(r.exit_code, 0) << args[0] << ": " << r.out << r.err;
    return r;
  };
  cli({"store", "create"});
  cli({"config", "import", w.config_file()});
  cli({"cycle", "--policy", "Initial"});
  ASSERT_EQ(w.write_changes(1), "");
  cli({"cycle", "--policy", "Delta"});
  // One more (empty) Delta cycle syncs the confirming import of the last export, so the old
  // store is at the fixed point a fresh Initial cycle reaches.
  cli({"cycle", "--policy", "Delta"});
  std::string saved = (w.dir() / "saved-config.json").string();
  cli({"config", "export", saved});
  std::string error;
  std::string before = snapshot_store(w.store(), &error);
  ASSERT_EQ(error, "");
  auto cloud_before = exported_records(w.cloud_changes(), &error);
  auto onprem_files = change_files(w.onprem_changes()).size();
  ASSERT_FALSE(cloud_before.empty());

  // The disaster.
  for (const char* suffix : {"", "-wal", "-shm", ".lock"}) fs::remove(w.store() + suffix);

  cli({"store", "create"});
  cli({"config", "import", saved});
  CliRun initial = cli({"cycle", "--policy", "Initial"});
  EXPECT_EQ(initial.out.find("export-add"), std::string::npos) << initial.out;
  EXPECT_EQ(initial.out.find("export-update"), std::string::npos) << initial.out;
  EXPECT_EQ(initial.out.find("export-delete"), std::string::npos) << initial.out;

  // No export reached any directory, so no duplicate either.
  auto cloud_after = exported_records(w.cloud_changes(), &error);
  EXPECT_EQ(cloud_after.size(), cloud_before.size()) << "the rebuilt server exported to the cloud";
  EXPECT_EQ(change_files(w.onprem_changes()).size(), onprem_files) << "the rebuilt server exported on-premises";
  // Every object re-joined: the same metaverse, every cloud object joined, nothing pending.
  CliRun check = cli({"store", "check"});
  EXPECT_NE(check.out.find(" 0 pending exports"), std::string::npos) << check.out;
  std::string after = snapshot_store(w.store(), &error);
  ASSERT_EQ(error, "");
  if (metaverse_part(after) != metaverse_part(before))
    ADD_FAILURE() << "the rebuilt metaverse differs at " << first_difference(metaverse_part(before), metaverse_part(after));
  size_t cloud_objects = 0;
  std::istringstream lines(after);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("cs cloud ", 0) != 0) continue;
    ++cloud_objects;
    EXPECT_EQ(line.find(" mv=none"), std::string::npos) << "not re-joined: " << line;
  }
  EXPECT_GT(cloud_objects, 1000u);
  // A Delta cycle afterwards still has nothing to do.
  CliRun delta = cli({"cycle", "--policy", "Delta"});
  EXPECT_EQ(exported_records(w.cloud_changes(), &error).size(), cloud_before.size()) << delta.out;
  if (!::testing::Test::HasFailure()) fs::remove_all(w.dir());
}

}  // namespace
}  // namespace idsync::chaos
