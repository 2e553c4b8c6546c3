// The "ad" connector against a real Samba AD DC (provisioned once for this binary).
#include <gtest/gtest.h>

#include <set>

#include "idsync/value_types.h"
#include "ldap_servers.h"
#include "ldap_test_util.h"

namespace idsync::ldap::testing {
namespace {

constexpr int kAdUsers = kAdTestUsers;
const std::string kOu = kAdTestOu;
std::string ad_ldif() { return ad_test_ldif(); }

class SambaTest : public ::testing::Test {
 protected:
  // A DC that cannot start fails every test with the reason (never a skip).
  static void SetUpTestSuite() {
    static bool loaded = false;
    if (loaded) return;
    try {
      SambaDc& dc = SambaDc::shared();
      write_file(dc.dir() + "/data.ldif", ad_ldif());
      std::string out;
      if (run_command(dc.ldap_cli("ldapadd") + " -f " + dc.dir() + "/data.ldif > /dev/null", &out) != 0)
        throw std::runtime_error("loading the AD test data failed: " + out);
      loaded = true;
    } catch (const std::exception& e) {
      setup_error_ = e.what();
    }
  }
  void SetUp() override {
    if (!setup_error_.empty()) FAIL() << "the Samba AD DC could not be started: " << setup_error_;
  }
  static inline std::string setup_error_;
  static std::map<std::string, std::string> options() {
    return {{"uri", SambaDc::shared().uri()},
            {"bind_dn", SambaDc::kAdmin},
            {"password_file", SambaDc::shared().password_file()},
            {"base_dns", kOu},
            {"object_classes", "user,group,contact"},
            {"page_size", "50"}};
  }
  static std::string search(const std::string& base, const std::string& filter, const std::string& attrs) {
    return SambaDc::shared().ldap_cli("ldapsearch") + " -E pr=1000/noprompt -b '" + base + "' '" + filter + "' " + attrs;
  }
  static void modify(const std::string& ldif) {
    const std::string file = SambaDc::shared().dir() + "/change.ldif";
    write_file(file, ldif);
    std::string out;
    ASSERT_EQ(run_command(SambaDc::shared().ldap_cli("ldapmodify") + " -f " + file, &out), 0) << out;
  }
};

TEST_F(SambaTest, FullImportEqualsLdapsearch) {
  auto c = make_connector("ad", options());
  Collector sink;
  std::string watermark;
  Status s = c->full_import(sink, watermark);
  ASSERT_TRUE(s.ok()) << s.to_string();
  EXPECT_EQ(watermark.rfind("dirsync:", 0), 0u) << watermark;
  auto expected = ldapsearch(search(kOu, "(|(objectClass=user)(objectClass=group)(objectClass=contact))",
                                    "objectGUID member objectClass"));
  ASSERT_GE(expected.size(), static_cast<size_t>(kAdUsers + 34));
  ASSERT_EQ(sink.changes.size(), expected.size());
  for (const LdifEntry& e : expected) {
    const EntryChange* got = sink.find_anchor(e.values("objectGUID").at(0));
    ASSERT_NE(got, nullptr) << e.dn;
    EXPECT_EQ(got->anchor.size(), 16u);
    EXPECT_TRUE(iequals(got->dn, e.dn)) << got->dn;
    EXPECT_EQ(got->object_type, e.values("objectClass").back()) << e.dn;
    std::string members;
    for (const std::string& m : e.values("member")) members += (members.empty() ? "" : "|") + m;
    EXPECT_EQ(values_of(*got, "member"), members) << e.dn;
  }
  std::set<std::string> types;
  for (const EntryChange& ch : sink.changes) types.insert(ch.object_type);
  EXPECT_EQ(types, (std::set<std::string>{"computer", "contact", "group", "inetOrgPerson", "user"}));
  const EntryChange* all = sink.find_dn("CN=All Users,OU=Groups," + kOu);
  ASSERT_NE(all, nullptr);
  ASSERT_NE(all->attributes.size(), 0u);
  size_t members = 0;
  for (const Attribute& a : all->attributes)
    if (iequals(a.name, "member")) members = a.values.size();
  EXPECT_EQ(members, static_cast<size_t>(kAdUsers));
  EXPECT_EQ(values_of(*sink.find_dn("CN=User 7,OU=Users," + kOu), "mail"), "user7@example.test");
}

TEST_F(SambaTest, RangeRetrievalCompletesLargeAttributes) {
  // Asking for the first 100 values makes the server answer "member;range=0-99"; the
  // connector must then fetch the following ranges itself, as it does when AD ranges a big group.
  auto o = options();
  o["base_dns"] = "OU=Groups," + kOu;
  o["attributes"] = "member;range=0-99,cn";
  Collector sink;
  std::string w;
  Status s = make_connector("ad", o)->full_import(sink, w);
  ASSERT_TRUE(s.ok()) << s.to_string();
  const EntryChange* all = sink.find_dn("CN=All Users,OU=Groups," + kOu);
  ASSERT_NE(all, nullptr);
  auto ranged = ldapsearch(search(all->dn, "(objectClass=*)", "'member;range=0-99'"));
  ASSERT_EQ(ranged.size(), 1u);
  EXPECT_EQ(ranged[0].values("member;range=0-99").size(), 100u) << "the server really answers in ranges";
  auto expected = ldapsearch(search(all->dn, "(objectClass=*)", "member"));
  ASSERT_EQ(expected.size(), 1u);
  std::string want;
  for (const std::string& m : expected[0].values("member")) want += (want.empty() ? "" : "|") + m;
  EXPECT_EQ(values_of(*all, "member"), want);
  size_t n = 0;
  for (const Attribute& a : all->attributes) {
    EXPECT_EQ(a.name.find(';'), std::string::npos) << a.name;
    if (iequals(a.name, "member")) n = a.values.size();
  }
  EXPECT_EQ(n, static_cast<size_t>(kAdUsers));
}

TEST_F(SambaTest, ParametersComeFromTheRootDse) {
  auto c = make_connector("ad", options());
  auto p = c->discover_parameters();
  ASSERT_TRUE(p.ok()) << p.status().to_string();
  EXPECT_EQ((*p)["Domain.FQDN"], "example.test");
  EXPECT_EQ((*p)["Domain.Netbios"], "EXAMPLE");
  EXPECT_EQ((*p)["Domain.LDAP"], "DC=example,DC=test");
  EXPECT_EQ((*p)["Forest.FQDN"], "example.test");
  EXPECT_EQ((*p)["Forest.Netbios"], "EXAMPLE");
  EXPECT_EQ((*p)["Forest.LDAP"], "DC=example,DC=test");
  auto schema = c->discover_schema();
  ASSERT_TRUE(schema.ok()) << schema.status().to_string();
  ASSERT_NE(schema->find_attribute("objectGUID"), nullptr);
  EXPECT_EQ(schema->find_attribute("objectGUID")->type, AttrType::kBinary);
  EXPECT_EQ(schema->find_attribute("mS-DS-ConsistencyGuid")->type, AttrType::kBinary);
  EXPECT_EQ(schema->find_attribute("member")->type, AttrType::kReference);
  EXPECT_EQ(schema->find_attribute("uSNChanged")->type, AttrType::kInteger);
  EXPECT_FALSE(schema->find_attribute("sAMAccountName")->multi_valued);
}

// The changes every delta test makes, and what a delta must report for them.
void make_changes(const std::string& tag) {
  const std::string u = ",OU=Users," + kOu;
  std::string ldif =
      "dn: CN=New " + tag + u + "\nchangetype: add\nobjectClass: user\nsAMAccountName: new" + tag + "\n\n"
      "dn: CN=User 20" + u + "\nchangetype: modify\nreplace: givenName\ngivenName: Changed " + tag + "\n\n"
      "dn: CN=User 21" + u + "\nchangetype: modrdn\nnewrdn: CN=User 21 " + tag + "\ndeleteoldrdn: 1\n\n"
      "dn: CN=User 22" + u + "\nchangetype: modrdn\nnewrdn: CN=User 22\ndeleteoldrdn: 1\nnewsuperior: OU=Moved," + kOu + "\n\n"
      "dn: CN=User 23" + u + "\nchangetype: delete\n\n"
      "dn: CN=Dist,OU=Groups," + kOu + "\nchangetype: modify\nadd: member\nmember: CN=User 30" + u + "\n\n"
      "dn: CN=All Users,OU=Groups," + kOu + "\nchangetype: modify\ndelete: member\nmember: CN=User 31" + u + "\n\n";
  std::string file = SambaDc::shared().dir() + "/delta.ldif";
  write_file(file, ldif);
  std::string out;
  ASSERT_EQ(run_command(SambaDc::shared().ldap_cli("ldapmodify") + " -f " + file, &out), 0) << out;
}

void rename_back(const std::string& tag) {  // so that the next delta test finds the same starting point
  const std::string u = ",OU=Users," + kOu;
  std::string ldif =
      "dn: CN=User 21 " + tag + u + "\nchangetype: modrdn\nnewrdn: CN=User 21\ndeleteoldrdn: 1\n\n"
      "dn: CN=User 23" + u + "\nchangetype: add\nobjectClass: user\nsAMAccountName: user23\n\n"
      "dn: CN=User 22,OU=Moved," + kOu + "\nchangetype: modrdn\nnewrdn: CN=User 22\ndeleteoldrdn: 1\nnewsuperior: OU=Users," + kOu + "\n\n"
      "dn: CN=All Users,OU=Groups," + kOu + "\nchangetype: modify\nadd: member\nmember: CN=User 31" + u + "\n\n"
      "dn: CN=Dist,OU=Groups," + kOu + "\nchangetype: modify\ndelete: member\nmember: CN=User 30" + u + "\n\n";
  std::string file = SambaDc::shared().dir() + "/back.ldif";
  write_file(file, ldif);
  std::string out;
  ASSERT_EQ(run_command(SambaDc::shared().ldap_cli("ldapmodify") + " -f " + file, &out), 0) << out;
}

void check_delta(const Collector& full, const Collector& delta, const std::string& tag, bool dirsync) {
  const std::string u = ",OU=Users," + kOu;
  auto anchor = [&](const std::string& dn) {
    const EntryChange* c = full.find_dn(dn);
    return c == nullptr ? std::string() : c->anchor;
  };
  std::map<std::string, const EntryChange*> by_anchor;
  for (const EntryChange& c : delta.changes) by_anchor[c.anchor] = &c;
  std::string summary;
  for (const std::string& line : delta.summary()) summary += line + "\n";
  // Exactly these objects changed.
  const std::string new_dn = "CN=New " + tag + u;
  const EntryChange* added = delta.find_dn(new_dn);
  ASSERT_NE(added, nullptr) << summary;
  EXPECT_EQ(added->kind, ChangeKind::kAdd);
  EXPECT_EQ(values_of(*added, "sAMAccountName"), "new" + tag);
  EXPECT_EQ(values_of(*added, "cn"), "New " + tag) << "a new object arrives whole";
  std::set<std::string> expected = {added->anchor,           anchor("CN=User 20" + u), anchor("CN=User 21" + u),
                                    anchor("CN=User 22" + u), anchor("CN=User 23" + u),
                                    anchor("CN=Dist,OU=Groups," + kOu), anchor("CN=All Users,OU=Groups," + kOu)};
  std::set<std::string> got;
  for (const EntryChange& c : delta.changes) got.insert(c.anchor);
  EXPECT_EQ(got, expected) << summary;

  const EntryChange* modified = by_anchor[anchor("CN=User 20" + u)];
  ASSERT_NE(modified, nullptr);
  const EntryChange* renamed = by_anchor[anchor("CN=User 21" + u)];
  ASSERT_NE(renamed, nullptr);
  const EntryChange* moved = by_anchor[anchor("CN=User 22" + u)];
  ASSERT_NE(moved, nullptr);
  const EntryChange* deleted = by_anchor[anchor("CN=User 23" + u)];
  ASSERT_NE(deleted, nullptr);
  EXPECT_EQ(deleted->kind, ChangeKind::kDelete);
  const EntryChange* dist = by_anchor[anchor("CN=Dist,OU=Groups," + kOu)];
  ASSERT_NE(dist, nullptr);
  const EntryChange* all = by_anchor[anchor("CN=All Users,OU=Groups," + kOu)];
  ASSERT_NE(all, nullptr);
  if (dirsync) {
    // Only what changed: the modified attribute, the new names, one member value each.
    EXPECT_EQ(modified->kind, ChangeKind::kRename);
    ASSERT_EQ(modified->changes.size(), 1u) << modified->changes[0].name;
    EXPECT_EQ(modified->changes[0].name, "givenName");
    EXPECT_EQ(modified->changes[0].values, ValueList{"Changed " + tag});
    EXPECT_EQ(renamed->kind, ChangeKind::kRename);
    EXPECT_EQ(renamed->new_dn, "CN=User 21 " + tag + u);
    EXPECT_EQ(moved->new_dn, "CN=User 22,OU=Moved," + kOu);
    ASSERT_EQ(dist->changes.size(), 1u);
    EXPECT_EQ(dist->changes[0].op, ValueOp::kAdd);
    EXPECT_EQ(dist->changes[0].values, ValueList{"CN=User 30" + u});
    ASSERT_EQ(all->changes.size(), 1u);
    EXPECT_EQ(all->changes[0].op, ValueOp::kDelete);
    EXPECT_EQ(all->changes[0].values, ValueList{"CN=User 31" + u});
  } else {
    EXPECT_EQ(modified->kind, ChangeKind::kAdd);
    EXPECT_EQ(values_of(*modified, "givenName"), "Changed " + tag);
    EXPECT_EQ(renamed->dn, "CN=User 21 " + tag + u);
    EXPECT_EQ(moved->dn, "CN=User 22,OU=Moved," + kOu);
    EXPECT_NE(values_of(*dist, "member").find("CN=User 30"), std::string::npos);
    EXPECT_EQ(values_of(*all, "member").find("CN=User 31,"), std::string::npos);
  }
}

TEST_F(SambaTest, DirSyncDeltaSeesExactlyTheChanges) {
  auto c = make_connector("ad", options());
  Collector full;
  std::string watermark;
  ASSERT_TRUE(c->full_import(full, watermark).ok());
  ASSERT_EQ(watermark.rfind("dirsync:", 0), 0u);
  Collector none;
  Status s = c->delta_import(none, watermark);
  ASSERT_TRUE(s.ok()) << s.to_string();
  EXPECT_TRUE(none.changes.empty()) << none.summary().front();
  make_changes("D");
  Collector delta;
  s = make_connector("ad", options())->delta_import(delta, watermark);
  ASSERT_TRUE(s.ok()) << s.to_string();
  check_delta(full, delta, "D", true);
  Collector again;
  ASSERT_TRUE(c->delta_import(again, watermark).ok());
  EXPECT_TRUE(again.changes.empty());
  // An attribute removed (Samba's DirSync reports the object without the attribute): the
  // object is read whole, so the removal is not missed.
  modify("dn: CN=User 40,OU=Users," + kOu + "\nchangetype: modify\ndelete: mail\n\n");
  Collector removal;
  ASSERT_TRUE(c->delta_import(removal, watermark).ok());
  ASSERT_EQ(removal.changes.size(), 1u);
  EXPECT_EQ(removal.changes[0].anchor, full.find_dn("CN=User 40,OU=Users," + kOu)->anchor);
  bool mail_removed = removal.changes[0].kind == ChangeKind::kAdd ? values_of(removal.changes[0], "mail").empty()
                                                                  : false;
  for (const AttributeChange& ch : removal.changes[0].changes)
    if (iequals(ch.name, "mail") && ch.values.empty()) mail_removed = true;
  EXPECT_TRUE(mail_removed);
  rename_back("D");
}

TEST_F(SambaTest, UsnChangedDeltaSeesExactlyTheChanges) {
  auto o = options();
  o["delta"] = "usn";
  auto c = make_connector("ad", o);
  Collector full;
  std::string watermark;
  ASSERT_TRUE(c->full_import(full, watermark).ok());
  ASSERT_EQ(watermark.rfind("usn:", 0), 0u);
  make_changes("U");
  Collector delta;
  Status s = c->delta_import(delta, watermark);
  ASSERT_TRUE(s.ok()) << s.to_string();
  check_delta(full, delta, "U", false);
  rename_back("U");
}

TEST_F(SambaTest, ExportLandsInTheDirectory) {
  auto o = options();
  o["modify_chunk"] = "100";
  auto c = make_connector("ad", o);
  ASSERT_TRUE(c->begin_export().ok());
  const std::string ex = ",OU=Export," + kOu;
  EntryChange add;
  add.kind = ChangeKind::kAdd;
  add.dn = "CN=Exported Person" + ex;
  add.object_type = "user";
  add.attributes = {{"sAMAccountName", {"exported1"}}, {"givenName", {"Exported"}}, {"mail", {"ex@example.test"}}};
  ExportResult r = c->export_change(add);
  ASSERT_TRUE(r.status.ok()) << r.status.to_string();
  ASSERT_EQ(r.new_anchor.size(), 16u) << "the objectGUID Samba assigned";
  // sourceAnchor write-back: mS-DS-ConsistencyGuid filled from objectGUID (a rule's export).
  EntryChange writeback;
  writeback.kind = ChangeKind::kModify;
  writeback.dn = add.dn;
  writeback.changes = {{"mS-DS-ConsistencyGuid", ValueOp::kReplace, {r.new_anchor}}};
  ExportResult wb = c->export_change(writeback);
  ASSERT_TRUE(wb.status.ok()) << wb.status.to_string();

  EntryChange group;
  group.kind = ChangeKind::kAdd;
  group.dn = "CN=Big Group" + ex;
  group.object_type = "group";
  group.attributes = {{"member", {}}};
  for (int i = 40; i < 290; ++i) group.attributes[0].values.push_back("CN=User " + std::to_string(i) + ",OU=Users," + kOu);
  r = c->export_change(group);  // 100 values with the add, the rest in modify chunks of 100
  ASSERT_TRUE(r.status.ok()) << r.status.to_string();
  EntryChange fewer;
  fewer.kind = ChangeKind::kModify;
  fewer.dn = group.dn;
  fewer.changes = {{"member", ValueOp::kDelete, {}}};
  for (int i = 40; i < 160; ++i) fewer.changes[0].values.push_back("CN=User " + std::to_string(i) + ",OU=Users," + kOu);
  r = c->export_change(fewer);
  ASSERT_TRUE(r.status.ok()) << r.status.to_string();

  EntryChange retried;  // permissive modify: a value already there / already gone is no error
  retried.kind = ChangeKind::kModify;
  retried.dn = group.dn;
  retried.changes = {{"member", ValueOp::kAdd, {"CN=User 200,OU=Users," + kOu}},
                     {"member", ValueOp::kDelete, {"CN=User 41,OU=Users," + kOu}}};
  r = c->export_change(retried);
  ASSERT_TRUE(r.status.ok()) << r.status.to_string();

  EntryChange rename;
  rename.kind = ChangeKind::kRename;
  rename.dn = add.dn;
  rename.new_dn = "CN=Renamed Person,OU=Moved," + kOu;
  rename.changes = {{"cn", ValueOp::kReplace, {"Renamed Person"}}, {"sn", ValueOp::kReplace, {"Renamed"}}};
  r = c->export_change(rename);
  ASSERT_TRUE(r.status.ok()) << r.status.to_string();

  EntryChange del;
  del.kind = ChangeKind::kDelete;
  del.dn = "CN=User 299,OU=Users," + kOu;
  r = c->export_change(del);
  ASSERT_TRUE(r.status.ok()) << r.status.to_string();
  ASSERT_TRUE(c->end_export().ok());

  auto person = ldapsearch(search("OU=Moved," + kOu, "(sAMAccountName=exported1)", "objectGUID mS-DS-ConsistencyGuid sn mail"));
  ASSERT_EQ(person.size(), 1u);
  EXPECT_EQ(person[0].dn, "CN=Renamed Person,OU=Moved," + kOu);
  EXPECT_EQ(person[0].values("mS-DS-ConsistencyGuid"), person[0].values("objectGUID"));
  EXPECT_EQ(person[0].values("sn"), std::vector<std::string>{"Renamed"});
  EXPECT_EQ(person[0].values("mail"), std::vector<std::string>{"ex@example.test"});
  auto big = ldapsearch(search(group.dn, "(objectClass=*)", "member"));
  ASSERT_EQ(big.size(), 1u);
  EXPECT_EQ(big[0].values("member").size(), 130u);
  EXPECT_TRUE(ldapsearch(search("OU=Users," + kOu, "(cn=User 299)", "1.1")).empty());
}

TEST_F(SambaTest, BadInputGivesClearErrors) {
  SambaDc& dc = SambaDc::shared();
  write_file(dc.dir() + "/wrong.pw", "wrong-Passw0rd");
  auto o = options();
  o["password_file"] = dc.dir() + "/wrong.pw";
  Collector sink;
  std::string w;
  Status s = make_connector("ad", o)->full_import(sink, w);
  EXPECT_NE(s.message().find("Invalid credentials"), std::string::npos) << s.message();
  EXPECT_EQ(s.message().find("wrong-Passw0rd"), std::string::npos);

  // A plain domain user: may read, may not write others, may not use DirSync.
  std::string out;
  static bool created = false;
  if (!created) {
    ASSERT_EQ(dc.samba_tool("user create plainuser 'Plain-Us3r!pw'", &out), 0) << out;
    created = true;
  }
  write_file(dc.dir() + "/plain.pw", "Plain-Us3r!pw");
  o = options();
  o["bind_dn"] = "plainuser@EXAMPLE.TEST";
  o["password_file"] = dc.dir() + "/plain.pw";
  auto plain = make_connector("ad", o);
  // DirSync needs "Replicating Directory Changes": without it the connector falls back to
  // uSNChanged deltas, and those work.
  Collector plain_full;
  std::string plain_w;
  s = plain->full_import(plain_full, plain_w);
  ASSERT_TRUE(s.ok()) << s.to_string();
  EXPECT_EQ(plain_w.rfind("usn:", 0), 0u) << plain_w;
  EXPECT_GT(plain_full.changes.size(), static_cast<size_t>(kAdUsers));
  modify("dn: CN=User 55,OU=Users," + kOu + "\nchangetype: modify\nreplace: givenName\ngivenName: Plain\n\n");
  Collector plain_delta;
  s = plain->delta_import(plain_delta, plain_w);
  ASSERT_TRUE(s.ok()) << s.to_string();
  ASSERT_EQ(plain_delta.changes.size(), 1u);
  EXPECT_EQ(values_of(plain_delta.changes[0], "givenName"), "Plain");
  ASSERT_TRUE(plain->begin_export().ok());
  EntryChange mod;
  mod.kind = ChangeKind::kModify;
  mod.dn = "CN=User 50,OU=Users," + kOu;
  mod.changes = {{"givenName", ValueOp::kReplace, {"Nope"}}};
  ExportResult r = plain->export_change(mod);
  EXPECT_NE(r.status.message().find("Insufficient access"), std::string::npos) << r.status.message();
  EXPECT_NE(r.status.message().find("CN=User 50,OU=Users"), std::string::npos) << r.status.message();
  ASSERT_TRUE(plain->end_export().ok());

  auto admin = make_connector("ad", options());
  ASSERT_TRUE(admin->begin_export().ok());
  EntryChange bad_value;  // userAccountControl is an integer
  bad_value.kind = ChangeKind::kModify;
  bad_value.dn = "CN=User 51,OU=Users," + kOu;
  bad_value.changes = {{"userAccountControl", ValueOp::kReplace, {"not-a-number"}}};
  r = admin->export_change(bad_value);
  EXPECT_FALSE(r.status.ok());
  EXPECT_NE(r.status.message().find("CN=User 51,OU=Users"), std::string::npos) << r.status.message();
  EntryChange bad_dn;
  bad_dn.kind = ChangeKind::kRename;
  bad_dn.dn = "CN=User 52,OU=Users," + kOu;
  bad_dn.new_dn = "CN=User 52,OU=<bad>," + kOu;
  r = admin->export_change(bad_dn);
  EXPECT_EQ(r.status.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(r.status.message().find("CN=User 52,OU=Users"), std::string::npos) << r.status.message();
  ASSERT_TRUE(admin->end_export().ok());
}

TEST_F(SambaTest, TlsConnections) {
  auto o = options();
  o["uri"] = SambaDc::shared().ldaps_uri();
  o["tls_insecure"] = "true";  // Samba's self-signed certificate names dc1.example.test, not 127.0.0.1
  o["base_dns"] = "OU=Groups," + kOu;
  Collector sink;
  std::string w;
  Status s = make_connector("ad", o)->full_import(sink, w);
  ASSERT_TRUE(s.ok()) << s.to_string();
  EXPECT_EQ(sink.changes.size(), 4u);
  o.erase("tls_insecure");
  Collector refused;
  s = make_connector("ad", o)->full_import(refused, w);
  EXPECT_FALSE(s.ok()) << "verification is on by default";
  o["uri"] = SambaDc::shared().uri();
  o["start_tls"] = "true";
  o["tls_insecure"] = "true";
  Collector st;
  s = make_connector("ad", o)->full_import(st, w);
  ASSERT_TRUE(s.ok()) << s.to_string();
  EXPECT_EQ(st.changes.size(), 4u);
}

}  // namespace
}  // namespace idsync::ldap::testing
