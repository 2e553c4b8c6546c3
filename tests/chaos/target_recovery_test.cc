// Disaster recovery and a staging server with real targets (target_world.h: an LDIF source,
// the real SCIM test server as the cloud, a real slapd as a second target).
//
//  - The store is lost; a new one, the saved configuration, and an Initial cycle against
//    directories that already hold every exported object: every SCIM object re-joins by
//    externalId (sourceAnchor), every slapd entry by the configured join on its anchor
//    attribute, no duplicate appears, and the servers see no write at all (their own counts).
//    Then a change made behind IdSync's back in each directory, a second rebuild: exactly that
//    difference is exported, nothing else. The rebuilt server then manages what it re-joined:
//    a source deletion deletes the object in both targets (none is left behind).

#include <gtest/gtest.h>

#include "chaos/target_world.h"

namespace idsync::chaos {
namespace {

class TargetRecoveryTest : public TargetWorldTest {
 protected:
  TargetRecoveryTest() : TargetWorldTest("dr-targets") {}

  // Every CS object of the targets joined to an MV object; returns how many there are.
  size_t expect_all_joined(const std::string& snapshot, const std::string& connector) {
    size_t n = 0;
    std::istringstream lines(snapshot);
    for (std::string line; std::getline(lines, line);) {
      if (line.rfind("cs " + connector + " ", 0) != 0) continue;
      ++n;
      EXPECT_EQ(line.find(" mv=none"), std::string::npos) << "not re-joined: " << line;
      EXPECT_NE(line.find(" pending_export=none"), std::string::npos) << "export pending: " << line;
    }
    return n;
  }

  void lose_store(const std::string& store) {
    for (const char* suffix : {"", "-wal", "-shm", ".lock"}) fs::remove(store + suffix);
  }

};

TEST_F(TargetRecoveryTest, RebuiltStoreRejoinsScimAndLdapObjectsAndExportsOnlyRealDifferences) {
  World w(root_ / "w", 400, 11);
  ASSERT_EQ(create_target_world(w, targets_), "");
  cli(w, {"store", "create"});
  cli(w, {"config", "import", w.config_file()});
  cli(w, {"cycle", "--policy", "Initial"});
  ASSERT_EQ(w.write_changes(1), "");
  cli(w, {"cycle", "--policy", "Delta"});
  cli(w, {"cycle", "--policy", "Delta"});  // syncs the confirming imports: the fixed point
  std::string saved = (w.dir() / "saved-config.json").string();
  cli(w, {"config", "export", saved});
  std::string error;
  std::string before = snapshot_store(w.store(), &error);
  ASSERT_EQ(error, "");
  std::vector<std::string> dups;
  std::string scim_before = targets_.scim_snapshot(&dups), ldap_before = targets_.ldap_snapshot(&dups);
  ASSERT_TRUE(dups.empty()) << dups.front();
  auto creates_before = targets_.scim_creates();
  ASSERT_GT(creates_before.size(), 300u) << "the cloud got the users and groups";
  int64_t scim_writes = targets_.scim_writes();
  size_t ldap_writes = targets_.ldap_write_count();
  ASSERT_GT(ldap_writes, 300u) << "slapd got the users and groups";

  // The disaster, and the rebuild from the saved configuration.
  lose_store(w.store());
  cli(w, {"store", "create"});
  cli(w, {"config", "import", saved});
  CliRun initial = cli(w, {"cycle", "--policy", "Initial"});
  EXPECT_EQ(targets_.scim_writes(), scim_writes) << "the rebuilt server wrote to the SCIM server\n" << initial.out;
  EXPECT_EQ(targets_.ldap_write_count(), ldap_writes) << "the rebuilt server wrote to slapd\n" << initial.out;
  EXPECT_EQ(targets_.scim_creates(), creates_before);
  EXPECT_EQ(targets_.scim_snapshot(&dups), scim_before);
  EXPECT_EQ(targets_.ldap_snapshot(&dups), ldap_before);
  EXPECT_TRUE(dups.empty()) << dups.front();
  std::string after = snapshot_store(w.store(), &error);
  ASSERT_EQ(error, "");
  if (metaverse_part(after) != metaverse_part(before))
    ADD_FAILURE() << "the rebuilt metaverse differs at " << first_difference(metaverse_part(before), metaverse_part(after));
  EXPECT_GT(expect_all_joined(after, "cloud"), 300u);
  EXPECT_GT(expect_all_joined(after, "openldap"), 300u);
  CliRun check = cli(w, {"store", "check"});
  EXPECT_NE(check.out.find(" 0 pending exports"), std::string::npos) << check.out;

  // Changes behind IdSync's back: one user's title in the SCIM server, one in slapd. A second
  // rebuild exports exactly these two differences (one PATCH, one modify), nothing else.
  json users = targets_.scim().state()["Users"];
  ASSERT_FALSE(users.empty());
  std::string scim_id = users[0]["id"], ext = users[0]["externalId"];
  json patch = {{"schemas", json::array({"urn:ietf:params:scim:api:messages:2.0:PatchOp"})},
                {"Operations", json::array({{{"op", "replace"}, {"path", "title"}, {"value", "Tampered"}}})}};
  ASSERT_EQ(targets_.scim().request("PATCH", "/scim/Users/" + scim_id, patch.dump()).status, 200);
  auto entries = ldap::testing::ldapsearch("timeout 60 " + targets_.slapd().ldap_cli("ldapsearch") + " -b " + kTargetOu +
                                           " '(&(objectClass=inetOrgPerson)(title=*))' 1.1");
  ASSERT_FALSE(entries.empty());
  std::string ldap_dn = entries[0].dn, out;
  ASSERT_EQ(ldap::testing::run_command("timeout 60 " + targets_.slapd().ldap_cli("ldapmodify") + " <<'EOF'\ndn: " + ldap_dn +
                                           "\nchangetype: modify\nreplace: title\ntitle: Tampered\n\nEOF\n",
                                       &out),
            0)
      << out;
  scim_writes = targets_.scim_writes();
  ldap_writes = targets_.ldap_write_count();
  lose_store(w.store());
  cli(w, {"store", "create"});
  cli(w, {"config", "import", saved});
  initial = cli(w, {"cycle", "--policy", "Initial"});
  EXPECT_EQ(targets_.scim_writes(), scim_writes + 1) << "one PATCH for the one difference\n" << initial.out;
  auto log = targets_.ldap_writes();
  ASSERT_EQ(log.size(), ldap_writes + 1) << "one modify for the one difference\n" << initial.out;
  EXPECT_EQ(log.back().type, "modify");
  EXPECT_EQ(log.back().dn, [&] {
    std::string d = ldap_dn;
    for (char& c : d) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return d;
  }());
  EXPECT_EQ(targets_.scim_creates(), creates_before);
  EXPECT_EQ(targets_.scim_snapshot(&dups), scim_before) << "the SCIM user " << ext << " is repaired";
  EXPECT_EQ(targets_.ldap_snapshot(&dups), ldap_before) << ldap_dn << " is repaired";
  EXPECT_TRUE(dups.empty());

  // The rebuilt server manages what it re-joined: source deletions (and additions) of the
  // next change set reach both targets; no object is left behind that the metaverse lost.
  ASSERT_EQ(w.write_changes(2), "");
  CliRun delta = cli(w, {"cycle", "--policy", "Delta"});
  EXPECT_NE(delta.out.find("export-delete"), std::string::npos) << delta.out;
  std::set<std::string> anchors;
  std::istringstream mv_lines(snapshot_store(w.store(), &error));
  for (std::string line; std::getline(mv_lines, line);)
    if (line.rfind("mv ", 0) == 0) anchors.insert(line.substr(3, line.find(' ', 3) - 3));
  json state = targets_.scim().state();
  size_t scim_objects = 0;
  for (const char* type : {"Users", "Groups"})
    for (const json& r : state[type]) {
      ++scim_objects;
      EXPECT_TRUE(anchors.count(r.value("externalId", ""))) << "left behind in the SCIM server: " << r.dump();
    }
  EXPECT_GT(scim_objects, 300u);
  size_t ldap_objects = 0;
  for (const LdifEntry& e : ldap::testing::ldapsearch("timeout 60 " + targets_.slapd().ldap_cli("ldapsearch") + " -b " + kTargetOu +
                                                     " -s one '(objectClass=*)' employeeNumber businessCategory")) {
    ++ldap_objects;
    std::string a = !e.values("employeenumber").empty() ? e.values("employeenumber")[0]
                    : !e.values("businesscategory").empty() ? e.values("businesscategory")[0] : "";
    EXPECT_TRUE(anchors.count(a)) << "left behind in slapd: " << e.dn;
  }
  EXPECT_GT(ldap_objects, 300u);
  targets_.scim_snapshot(&dups);
  targets_.ldap_snapshot(&dups);
  EXPECT_TRUE(dups.empty());
}

}  // namespace
}  // namespace idsync::chaos

namespace idsync::chaos {
namespace {

// The checks above must be able to fail: a second create with the same externalId, and a
// second slapd entry with the same source anchor, show up in the servers' own counts and as
// duplicates in the snapshots.
TEST(TargetComparisonTest, SeesARepeatedCreateAndADuplicateInEachServer) {
  Targets t;
  ASSERT_EQ(t.error(), "");
  for (const char* upn : {"a@contoso.com", "b@contoso.com"}) {
    json u = {{"schemas", json::array({"urn:ietf:params:scim:schemas:core:2.0:User"})},
              {"userName", upn}, {"externalId", "ext-twice"}};
    ASSERT_EQ(t.scim().request("POST", "/scim/Users", u.dump()).status, 201);
  }
  EXPECT_EQ(t.scim_creates()["Users/ext-twice"], 2);
  std::vector<std::string> dups;
  t.scim_snapshot(&dups);
  ASSERT_EQ(dups.size(), 1u);
  EXPECT_EQ(dups[0], "Users/ext-twice");

  std::string ldif, out;
  for (const char* uid : {"one", "two"})
    ldif += std::string("dn: uid=") + uid + "," + kTargetOu + "\nobjectClass: inetOrgPerson\nuid: " + uid +
            "\ncn: " + uid + "\nsn: " + uid + "\nemployeeNumber: anchor-twice\n\n";
  ASSERT_EQ(ldap::testing::run_command("timeout 60 " + t.slapd().ldap_cli("ldapadd") + " <<'EOF'\n" + ldif + "EOF\n", &out), 0)
      << out;
  auto adds = successful_adds(t.ldap_writes());
  EXPECT_EQ(adds.size(), 2u);
  dups.clear();
  t.ldap_snapshot(&dups);
  ASSERT_EQ(dups.size(), 1u);
  EXPECT_EQ(dups[0], "anchor-twice (2 entries)");
}

}  // namespace
}  // namespace idsync::chaos
