// A staging server with real targets (target_world.h: an LDIF source, the real SCIM test
// server as the cloud, a real slapd as a second target): a second store, built from the saved
// configuration and the same directories, in staging mode, reaches the same metaverse and the
// same pending exports as the active server. `idsync config diff` says equal (exit 0), and the
// export analyzer's CSV of the pending exports (csexport /f:x, csanalyzer) of both is the
// same, row for row (sorted: the analyzer keeps the store's order, which two stores built at
// different times do not share). Neither server's import or sync writes to a directory.
#include <gtest/gtest.h>

#include "chaos/target_world.h"

namespace idsync::chaos {
namespace {

// The analyzer lists objects in the order the store holds them (which differs between two
// stores built at different times): compare the rows sorted, header first.
std::string sorted_rows(const std::string& csv) {
  std::istringstream in(csv);
  std::string header, line;
  std::getline(in, header);
  std::vector<std::string> rows;
  while (std::getline(in, line)) rows.push_back(line);
  std::sort(rows.begin(), rows.end());
  std::string out = header + "\n";
  for (const std::string& r : rows) out += r + "\n";
  return out;
}

class TargetStagingTest : public TargetWorldTest {
 protected:
  TargetStagingTest() : TargetWorldTest("staging-targets") {}
};

TEST_F(TargetStagingTest, StagingServerReachesTheSameMetaverseAndPendingExports) {
  World w(root_ / "w", 400, 13);
  ASSERT_EQ(create_target_world(w, targets_), "");
  cli(w, {"store", "create"});
  cli(w, {"config", "import", w.config_file()});
  cli(w, {"cycle", "--policy", "Initial"});
  cli(w, {"cycle", "--policy", "Delta"});
  std::string saved = (w.dir() / "saved-config.json").string();
  cli(w, {"config", "export", saved});

  // The staging server: its own store, the saved configuration, staging mode, an Initial cycle
  // over the same directories. It exports nothing, and has nothing to export.
  int64_t scim_writes = targets_.scim_writes();
  size_t ldap_writes = targets_.ldap_write_count();
  std::string staging = (w.dir() / "staging.db").string();
  cli(w, {"store", "create"}, staging);
  cli(w, {"config", "import", saved}, staging);
  cli(w, {"scheduler", "set", "--staging-mode", "true"}, staging);
  CliRun cycle = cli(w, {"cycle", "--policy", "Initial"}, staging);
  CliRun check = cli(w, {"store", "check"}, staging);
  EXPECT_NE(check.out.find(" 0 pending exports"), std::string::npos) << check.out;

  // New source changes: both servers import and synchronize them (as a standby does every
  // cycle); the exports they compute stay pending.
  ASSERT_EQ(w.write_changes(1), "");
  for (const std::string& store : {w.store(), staging}) {
    cli(w, {"run", "contoso.com", "Delta Import"}, store);
    cli(w, {"run", "contoso.com", "Delta Synchronization"}, store);
  }
  EXPECT_EQ(targets_.scim_writes(), scim_writes) << "a staging server exported to the SCIM server\n" << cycle.out;
  EXPECT_EQ(targets_.ldap_write_count(), ldap_writes) << "a staging server exported to slapd\n" << cycle.out;

  CliRun diff = run_cli(w.dir(), w.store(), {"config", "diff", w.store(), staging});
  EXPECT_EQ(diff.exit_code, 0) << "config diff: " << diff.out << diff.err;

  std::string error;
  std::string active_snapshot = snapshot_store(w.store(), &error), staging_snapshot = snapshot_store(staging, &error);
  ASSERT_EQ(error, "");
  if (metaverse_part(active_snapshot) != metaverse_part(staging_snapshot))
    ADD_FAILURE() << "the staging metaverse differs at "
                  << first_difference(metaverse_part(active_snapshot), metaverse_part(staging_snapshot));
  for (const char* connector : {"cloud", "openldap"}) {
    std::string csv[2];
    size_t i = 0;
    for (const std::string& store : {w.store(), staging}) {
      std::string name = std::string(connector) + (i == 0 ? "-active" : "-staging");
      std::string xml = (w.dir() / (name + ".xml")).string(), file = (w.dir() / (name + ".csv")).string();
      cli(w, {"csexport", connector, xml, "/f:x"}, store);
      cli(w, {"csanalyzer", xml, "--out", file}, store);
      csv[i++] = sorted_rows(read_file(file));
    }
    std::string all = csv[0];
    EXPECT_NE(all.find(",Add,"), std::string::npos) << connector << ": the new source objects are pending adds:\n" << all;
    EXPECT_NE(all.find(",Update,"), std::string::npos) << connector << ": the changes are pending updates:\n" << all;
    EXPECT_NE(all.find(",Delete,"), std::string::npos) << connector << ": the deletions are pending deletes:\n" << all;
    EXPECT_EQ(csv[1], csv[0]) << connector << ": pending exports differ at " << first_difference(csv[0], csv[1]);
  }
  // The proof can fail: the active server exports, the staging server still has them pending.
  cli(w, {"run", "cloud", "Export"});
  cli(w, {"csexport", "cloud", (w.dir() / "after.xml").string(), "/f:x"});
  cli(w, {"csanalyzer", (w.dir() / "after.xml").string(), "--out", (w.dir() / "after.csv").string()});
  EXPECT_NE(sorted_rows(read_file(w.dir() / "after.csv")), sorted_rows(read_file(w.dir() / "cloud-staging.csv")));
}

}  // namespace
}  // namespace idsync::chaos
