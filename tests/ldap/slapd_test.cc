// The generic "ldap" connector against a real OpenLDAP slapd started by the test.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <chrono>
#include <ctime>
#include <set>
#include <thread>

#include "idsync/value_types.h"
#include "ldap_servers.h"
#include "ldap_test_util.h"

namespace idsync::ldap::testing {
namespace {

// `users` inetOrgPersons under ou=people, and a group ou=groups holding all of them.
std::string people_ldif(int users) {
  std::string s =
      "dn: ou=people,dc=example,dc=org\nobjectClass: organizationalUnit\nou: people\n\n"
      "dn: ou=groups,dc=example,dc=org\nobjectClass: organizationalUnit\nou: groups\n\n"
      "dn: ou=moved,dc=example,dc=org\nobjectClass: organizationalUnit\nou: moved\n\n";
  for (int i = 0; i < users; ++i) {
    std::string n = std::to_string(i);
    s += "dn: uid=u" + n + ",ou=people,dc=example,dc=org\nobjectClass: inetOrgPerson\nuid: u" + n +
         "\ncn: User " + n + "\nsn: Number" + n + "\nmail: u" + n + "@example.org\nmail: alias" + n +
         "@example.org\n\n";
  }
  s += "dn: cn=everyone,ou=groups,dc=example,dc=org\nobjectClass: groupOfNames\ncn: everyone\n";
  for (int i = 0; i < users; ++i) s += "member: uid=u" + std::to_string(i) + ",ou=people,dc=example,dc=org\n";
  s += "\n";
  return s;
}

class SlapdTest : public ::testing::Test {
 protected:
  // A slapd that cannot start fails every test with the reason (never a skip).
  static void SetUpTestSuite() {
    try {
      server_ = new Slapd(people_ldif(kUsers));
    } catch (const std::exception& e) {
      setup_error_ = e.what();
    }
  }
  void SetUp() override {
    if (server_ == nullptr) FAIL() << "slapd could not be started: " << setup_error_;
  }
  static inline std::string setup_error_;
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  std::map<std::string, std::string> options() const {
    return {{"uri", server_->uri()},
            {"bind_dn", Slapd::kAdminDn},
            {"password_file", server_->admin_password_file()},
            {"base_dns", "dc=example,dc=org"},
            {"page_size", "97"}};
  }
  std::string search(const std::string& base, const std::string& filter, const std::string& attrs) {
    return server_->ldap_cli("ldapsearch") + " -E pr=1000/noprompt -b '" + base + "' '" + filter + "' " + attrs;
  }
  static constexpr int kUsers = 1200;
  static Slapd* server_;
};
Slapd* SlapdTest::server_ = nullptr;

TEST_F(SlapdTest, FullImportEqualsLdapsearch) {
  auto c = make_connector("ldap", options());
  Collector sink;
  std::string watermark;
  ASSERT_TRUE(c->full_import(sink, watermark).ok());
  EXPECT_EQ(watermark.rfind("sync:", 0), 0u) << watermark;
  auto expected = ldapsearch(search("dc=example,dc=org", "(objectClass=*)", "'*' entryUUID"));
  ASSERT_EQ(sink.changes.size(), expected.size());
  std::set<std::string> seen;
  for (const LdifEntry& e : expected) {
    const EntryChange* got = sink.find_anchor(e.values("entryUUID").at(0));
    ASSERT_NE(got, nullptr) << e.dn;
    EXPECT_EQ(got->kind, ChangeKind::kAdd);
    EXPECT_TRUE(iequals(got->dn, e.dn)) << got->dn << " vs " << e.dn;
    for (const auto& [name, values] : e.attrs) {
      std::string want;
      for (const std::string& v : values) want += (want.empty() ? "" : "|") + v;
      EXPECT_EQ(values_of(*got, name), want) << e.dn << " " << name;
    }
    seen.insert(got->anchor);
  }
  EXPECT_EQ(seen.size(), expected.size());
  const EntryChange* u5 = sink.find_dn("uid=u5,ou=people,dc=example,dc=org");
  ASSERT_NE(u5, nullptr);
  EXPECT_EQ(u5->object_type, "inetOrgPerson");
  EXPECT_EQ(values_of(*u5, "structuralObjectClass"), "");  // used for the type, not imported
  const EntryChange* group = sink.find_dn("cn=everyone,ou=groups,dc=example,dc=org");
  ASSERT_NE(group, nullptr);
  EXPECT_EQ(group->object_type, "groupOfNames");
  for (const Attribute& a : group->attributes) {
    if (iequals(a.name, "member")) {
      EXPECT_EQ(a.values.size(), static_cast<size_t>(kUsers));
    }
  }
}

TEST_F(SlapdTest, ScopedImportHonoursBaseClassesAndAttributes) {
  auto o = options();
  o["base_dns"] = "ou=people,dc=example,dc=org|ou=groups,dc=example,dc=org";
  o["object_classes"] = "groupOfNames";
  o["attributes"] = "cn";
  auto c = make_connector("ldap", o);
  Collector sink;
  std::string watermark;
  ASSERT_TRUE(c->full_import(sink, watermark).ok());
  ASSERT_EQ(sink.changes.size(), 1u);
  EXPECT_EQ(sink.changes[0].dn, "cn=everyone,ou=groups,dc=example,dc=org");
  EXPECT_EQ(values_of(sink.changes[0], "cn"), "everyone");
  EXPECT_EQ(values_of(sink.changes[0], "member"), "");
  EXPECT_FALSE(sink.changes[0].anchor.empty());

  o["object_classes"] = "inetOrgPerson";
  o["filter"] = "(uid=u1*)";
  o.erase("attributes");
  Collector people;
  ASSERT_TRUE(make_connector("ldap", o)->full_import(people, watermark).ok());
  auto expected = ldapsearch(search("ou=people,dc=example,dc=org", "(&(objectClass=inetOrgPerson)(uid=u1*))", "1.1"));
  EXPECT_EQ(people.changes.size(), expected.size());
  EXPECT_GT(people.changes.size(), 100u);

  // Values are escaped (RFC 4515): an object class written to break out of its filter matches
  // nothing instead of everything.
  o.erase("filter");
  o["object_classes"] = "x)(objectClass=*";
  Collector injected;
  ASSERT_TRUE(make_connector("ldap", o)->full_import(injected, watermark).ok());
  EXPECT_TRUE(injected.changes.empty()) << injected.changes.size();
}

TEST_F(SlapdTest, SchemaDiscoveryReadsTypesAndClasses) {
  auto c = make_connector("ldap", options());
  auto schema = c->discover_schema();
  ASSERT_TRUE(schema.ok()) << schema.status().to_string();
  const SchemaAttribute* member = schema->find_attribute("member");
  ASSERT_NE(member, nullptr);
  EXPECT_EQ(member->type, AttrType::kReference);
  EXPECT_TRUE(member->multi_valued);
  const SchemaAttribute* photo = schema->find_attribute("jpegPhoto");
  ASSERT_NE(photo, nullptr);
  EXPECT_EQ(photo->type, AttrType::kBinary);
  const SchemaAttribute* cn = schema->find_attribute("cn");  // syntax inherited from "name"
  ASSERT_NE(cn, nullptr);
  EXPECT_EQ(cn->type, AttrType::kString);
  const SchemaAttribute* uidn = schema->find_attribute("uidNumber");
  ASSERT_NE(uidn, nullptr);
  EXPECT_EQ(uidn->type, AttrType::kInteger);
  EXPECT_FALSE(uidn->multi_valued);
  const SchemaObjectType* person = nullptr;
  for (const auto& t : schema->object_types)
    if (t.name == "inetOrgPerson") person = &t;
  ASSERT_NE(person, nullptr);
  for (const char* want : {"mail", "sn", "cn", "telephoneNumber", "ou"})  // own, person, orgPerson
    EXPECT_NE(std::find(person->attributes.begin(), person->attributes.end(), want), person->attributes.end())
        << want;
}

TEST_F(SlapdTest, DeltaSeesExactlyTheChanges) {
  auto c = make_connector("ldap", options());
  Collector full;
  std::string watermark;
  ASSERT_TRUE(c->full_import(full, watermark).ok());
  {
    Collector none;
    Status s = c->delta_import(none, watermark);
    ASSERT_TRUE(s.ok()) << s.to_string();
    EXPECT_EQ(none.summary(), std::vector<std::string>{}) << "nothing changed yet";
  }
  const std::string u10_uuid = full.find_dn("uid=u10,ou=people,dc=example,dc=org")->anchor;
  const std::string u11_uuid = full.find_dn("uid=u11,ou=people,dc=example,dc=org")->anchor;
  write_file(server_->dir() + "/changes.ldif",
             "dn: uid=new1,ou=people,dc=example,dc=org\nchangetype: add\nobjectClass: inetOrgPerson\n"
             "uid: new1\ncn: New One\nsn: One\n\n"
             "dn: uid=u20,ou=people,dc=example,dc=org\nchangetype: modify\nreplace: mail\nmail: changed@example.org\n\n"
             "dn: uid=u21,ou=people,dc=example,dc=org\nchangetype: modrdn\nnewrdn: uid=u21renamed\ndeleteoldrdn: 1\n\n"
             "dn: uid=u22,ou=people,dc=example,dc=org\nchangetype: modrdn\nnewrdn: uid=u22\ndeleteoldrdn: 1\n"
             "newsuperior: ou=moved,dc=example,dc=org\n\n"
             "dn: uid=u10,ou=people,dc=example,dc=org\nchangetype: delete\n\n"
             "dn: uid=u11,ou=people,dc=example,dc=org\nchangetype: delete\n\n"
             "dn: cn=everyone,ou=groups,dc=example,dc=org\nchangetype: modify\nadd: member\n"
             "member: uid=new1,ou=people,dc=example,dc=org\n\n");
  std::string out;
  ASSERT_EQ(run_command(server_->ldap_cli("ldapmodify") + " -f " + server_->dir() + "/changes.ldif", &out), 0) << out;

  Collector delta;
  std::string before = watermark;
  ASSERT_TRUE(c->delta_import(delta, watermark).ok());
  EXPECT_NE(watermark, before);
  // Deletes come as entryUUIDs only; every other change as the whole entry.
  std::vector<std::string> expected = {
      "add cn=everyone,ou=groups,dc=example,dc=org",  "add uid=new1,ou=people,dc=example,dc=org",
      "add uid=u20,ou=people,dc=example,dc=org",      "add uid=u21renamed,ou=people,dc=example,dc=org",
      "add uid=u22,ou=moved,dc=example,dc=org",       "delete ",
      "delete "};
  EXPECT_EQ(delta.summary(), expected);
  ASSERT_NE(delta.find_anchor(u10_uuid), nullptr);
  EXPECT_EQ(delta.find_anchor(u10_uuid)->kind, ChangeKind::kDelete);
  ASSERT_NE(delta.find_anchor(u11_uuid), nullptr);
  const EntryChange* renamed = delta.find_dn("uid=u21renamed,ou=people,dc=example,dc=org");
  ASSERT_NE(renamed, nullptr);
  EXPECT_EQ(renamed->anchor, full.find_dn("uid=u21,ou=people,dc=example,dc=org")->anchor);
  EXPECT_EQ(values_of(*delta.find_dn("uid=u20,ou=people,dc=example,dc=org"), "mail"), "changed@example.org");
  const EntryChange* group = delta.find_dn("cn=everyone,ou=groups,dc=example,dc=org");
  EXPECT_NE(values_of(*group, "member").find("uid=new1,ou=people"), std::string::npos);

  Collector again;
  ASSERT_TRUE(c->delta_import(again, watermark).ok());
  EXPECT_TRUE(again.changes.empty()) << again.summary().size();
  // A new connector object (a new run) continues from the persisted watermark.
  ASSERT_EQ(run_command(server_->ldap_cli("ldapmodify") + " <<'EOF'\ndn: uid=u30,ou=people,dc=example,dc=org\n"
                                                          "changetype: modify\nreplace: sn\nsn: Later\nEOF\n",
                        &out),
            0)
      << out;
  Collector later;
  ASSERT_TRUE(make_connector("ldap", options())->delta_import(later, watermark).ok());
  EXPECT_EQ(later.summary(), std::vector<std::string>{"add uid=u30,ou=people,dc=example,dc=org"});
}

// The same kinds of change as above, read from the accesslog database instead (delta=accesslog),
// on other entries; changes outside the base DNs or object classes are not reported.
TEST_F(SlapdTest, AccesslogDeltaSeesExactlyTheChanges) {
  auto o = options();
  o["delta"] = "accesslog";
  o["base_dns"] = "ou=people,dc=example,dc=org|ou=groups,dc=example,dc=org|ou=moved,dc=example,dc=org";
  o["object_classes"] = "inetOrgPerson,groupOfNames";
  auto c = make_connector("ldap", o);
  Collector full;
  std::string watermark;
  Status fs = c->full_import(full, watermark);
  ASSERT_TRUE(fs.ok()) << fs.to_string();
  EXPECT_EQ(watermark.rfind("accesslog:", 0), 0u) << watermark;
  {
    Collector none;
    Status s = c->delta_import(none, watermark);
    ASSERT_TRUE(s.ok()) << s.to_string();
    EXPECT_EQ(none.summary(), std::vector<std::string>{}) << "nothing changed yet";
  }
  const std::string u70_uuid = full.find_dn("uid=u70,ou=people,dc=example,dc=org")->anchor;
  const std::string u71_uuid = full.find_dn("uid=u71,ou=people,dc=example,dc=org")->anchor;
  const std::string u73_uuid = full.find_dn("uid=u73,ou=people,dc=example,dc=org")->anchor;
  write_file(server_->dir() + "/alog.ldif",
             "dn: uid=new2,ou=people,dc=example,dc=org\nchangetype: add\nobjectClass: inetOrgPerson\n"
             "uid: new2\ncn: New Two\nsn: Two\n\n"
             "dn: uid=u72,ou=people,dc=example,dc=org\nchangetype: modify\nreplace: mail\nmail: al@example.org\n\n"
             "dn: uid=u73,ou=people,dc=example,dc=org\nchangetype: modrdn\nnewrdn: uid=u73renamed\ndeleteoldrdn: 1\n\n"
             "dn: uid=u74,ou=people,dc=example,dc=org\nchangetype: modrdn\nnewrdn: uid=u74\ndeleteoldrdn: 1\n"
             "newsuperior: ou=moved,dc=example,dc=org\n\n"
             "dn: uid=u75,ou=people,dc=example,dc=org\nchangetype: modrdn\nnewrdn: uid=u75\ndeleteoldrdn: 1\n"
             "newsuperior: ou=system,dc=example,dc=org\n\n"
             "dn: uid=u70,ou=people,dc=example,dc=org\nchangetype: delete\n\n"
             "dn: uid=u71,ou=people,dc=example,dc=org\nchangetype: delete\n\n"
             "dn: cn=everyone,ou=groups,dc=example,dc=org\nchangetype: modify\nadd: member\n"
             "member: uid=new2,ou=people,dc=example,dc=org\n\n"
             "dn: uid=reader,ou=system,dc=example,dc=org\nchangetype: modify\nreplace: description\n"
             "description: outside the base DNs\n\n"
             "dn: ou=sub,ou=people,dc=example,dc=org\nchangetype: add\nobjectClass: organizationalUnit\nou: sub\n\n");
  std::string out;
  ASSERT_EQ(run_command(server_->ldap_cli("ldapmodify") + " -f " + server_->dir() + "/alog.ldif", &out), 0) << out;

  Collector delta;
  std::string before = watermark;
  Status ds = c->delta_import(delta, watermark);
  ASSERT_TRUE(ds.ok()) << ds.to_string();
  EXPECT_NE(watermark, before);
  // Deletes (and the move out of the base DNs) by DN; every other change as the whole entry.
  std::vector<std::string> expected = {
      "add cn=everyone,ou=groups,dc=example,dc=org",     "add uid=new2,ou=people,dc=example,dc=org",
      "add uid=u72,ou=people,dc=example,dc=org",         "add uid=u73renamed,ou=people,dc=example,dc=org",
      "add uid=u74,ou=moved,dc=example,dc=org",          "delete uid=u70,ou=people,dc=example,dc=org",
      "delete uid=u71,ou=people,dc=example,dc=org",      "delete uid=u75,ou=people,dc=example,dc=org"};
  EXPECT_EQ(delta.summary(), expected);
  ASSERT_NE(delta.find_anchor(u70_uuid), nullptr) << "the logged old entryUUID comes with the delete";
  EXPECT_EQ(delta.find_anchor(u70_uuid)->kind, ChangeKind::kDelete);
  ASSERT_NE(delta.find_anchor(u71_uuid), nullptr);
  const EntryChange* renamed = delta.find_dn("uid=u73renamed,ou=people,dc=example,dc=org");
  ASSERT_NE(renamed, nullptr);
  EXPECT_EQ(renamed->anchor, u73_uuid);
  EXPECT_EQ(values_of(*delta.find_dn("uid=u72,ou=people,dc=example,dc=org"), "mail"), "al@example.org");
  const EntryChange* group = delta.find_dn("cn=everyone,ou=groups,dc=example,dc=org");
  EXPECT_NE(values_of(*group, "member").find("uid=new2,ou=people"), std::string::npos);

  // The record at the watermark is not reported again.
  Collector again;
  ASSERT_TRUE(c->delta_import(again, watermark).ok());
  EXPECT_TRUE(again.changes.empty()) << again.summary().size();
  // A new connector object (a new run) continues from the persisted watermark; one entry
  // changed twice is read once.
  ASSERT_EQ(run_command(server_->ldap_cli("ldapmodify") + " <<'EOF'\ndn: uid=u76,ou=people,dc=example,dc=org\n"
                                                          "changetype: modify\nreplace: sn\nsn: Later\n\n"
                                                          "dn: uid=u76,ou=people,dc=example,dc=org\n"
                                                          "changetype: modify\nreplace: sn\nsn: Latest\nEOF\n",
                        &out),
            0)
      << out;
  Collector later;
  ASSERT_TRUE(make_connector("ldap", o)->delta_import(later, watermark).ok());
  EXPECT_EQ(later.summary(), std::vector<std::string>{"add uid=u76,ou=people,dc=example,dc=org"});
  EXPECT_EQ(values_of(*later.find_dn("uid=u76,ou=people,dc=example,dc=org"), "sn"), "Latest");
  // A slow write is logged when it ends, with the time it started: its record can show up
  // behind newer ones. Such a record (written here by hand, 2 s before the newest) is still seen.
  std::string newest;
  ASSERT_EQ(run_command(server_->ldap_cli("ldapsearch") + " -LLL -b cn=accesslog -s one "
                        "'(objectClass=auditWriteObject)' reqStart | sed -n 's/^reqStart: //p' | sort | tail -1",
                        &newest),
            0);
  while (!newest.empty() && newest.back() == '\n') newest.pop_back();
  ASSERT_GE(newest.size(), 15u) << newest;
  std::tm tm{};
  ASSERT_NE(strptime(newest.substr(0, 14).c_str(), "%Y%m%d%H%M%S", &tm), nullptr) << newest;
  std::time_t t = timegm(&tm) - 2;
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y%m%d%H%M%S", &tm);
  const std::string late = std::string(buf) + newest.substr(14);
  ASSERT_EQ(run_command("ldapadd -x -H " + server_->uri() + " -D cn=accesslog -w " + Slapd::kAdminPassword +
                            " <<'EOF'\ndn: reqStart=" + late + ",cn=accesslog\nobjectClass: auditModify\n"
                            "reqStart: " + late + "\nreqEnd: " + newest + "\nreqType: modify\nreqSession: 99\n"
                            "reqDN: uid=u77,ou=people,dc=example,dc=org\nreqResult: 0\nreqMod: sn:= Slow\nEOF\n",
                        &out),
            0)
      << out;
  Collector slow;
  ASSERT_TRUE(c->delta_import(slow, watermark).ok());
  EXPECT_EQ(slow.summary(), std::vector<std::string>{"add uid=u77,ou=people,dc=example,dc=org"});
  Collector after_slow;
  ASSERT_TRUE(c->delta_import(after_slow, watermark).ok());
  EXPECT_TRUE(after_slow.changes.empty()) << "the late record is handled once";
  // A watermark of the other delta protocol is refused with what to do.
  std::string sync_watermark;
  Collector ignored;
  ASSERT_TRUE(make_connector("ldap", options())->full_import(ignored, sync_watermark).ok());
  Status mixed = c->delta_import(ignored, sync_watermark);
  EXPECT_EQ(mixed.code(), ErrorCode::kInvalidArgument) << mixed.to_string();
  EXPECT_NE(mixed.message().find("run a Full Import"), std::string::npos) << mixed.message();
}

TEST_F(SlapdTest, ExportLandsInTheDirectory) {
  auto o = options();
  o["modify_chunk"] = "400";
  auto c = make_connector("ldap", o);
  ASSERT_TRUE(c->begin_export().ok());
  EntryChange add;
  add.kind = ChangeKind::kAdd;
  add.dn = "cn=exported,ou=groups,dc=example,dc=org";
  add.object_type = "groupOfNames";
  add.attributes = {{"cn", {"exported"}}, {"member", {"uid=u0,ou=people,dc=example,dc=org"}},
                    {"description", {"made by IdSync"}}};
  ExportResult r = c->export_change(add);
  ASSERT_TRUE(r.status.ok()) << r.status.to_string();
  EXPECT_EQ(r.new_anchor.size(), 36u) << "the entryUUID slapd assigned";

  // 1000 members added in chunks of 400, then 300 removed.
  EntryChange members;
  members.kind = ChangeKind::kModify;
  members.dn = add.dn;
  AttributeChange more{"member", ValueOp::kAdd, {}};
  for (int i = 1; i <= 1000; ++i) more.values.push_back("uid=u" + std::to_string(i) + ",ou=people,dc=example,dc=org");
  AttributeChange fewer{"member", ValueOp::kDelete, {}};
  for (int i = 1; i <= 300; ++i) fewer.values.push_back("uid=u" + std::to_string(i) + ",ou=people,dc=example,dc=org");
  members.changes = {more, fewer, {"description", ValueOp::kReplace, {"big group"}}};
  r = c->export_change(members);
  ASSERT_TRUE(r.status.ok()) << r.status.to_string();

  // A retried export: adding a value that is there and removing one that is gone is harmless
  // (permissive modify), not an error.
  EntryChange retried;
  retried.kind = ChangeKind::kModify;
  retried.dn = add.dn;
  retried.changes = {{"member", ValueOp::kAdd, {"uid=u1000,ou=people,dc=example,dc=org"}},
                     {"member", ValueOp::kDelete, {"uid=u1,ou=people,dc=example,dc=org"}}};
  r = c->export_change(retried);
  ASSERT_TRUE(r.status.ok()) << r.status.to_string();

  EntryChange rename;
  rename.kind = ChangeKind::kRename;
  rename.dn = "uid=u40,ou=people,dc=example,dc=org";
  rename.new_dn = "uid=u40b,ou=moved,dc=example,dc=org";
  rename.changes = {{"uid", ValueOp::kReplace, {"u40b"}}, {"sn", ValueOp::kReplace, {"Moved"}}};
  r = c->export_change(rename);
  ASSERT_TRUE(r.status.ok()) << r.status.to_string();

  EntryChange modify;
  modify.kind = ChangeKind::kModify;
  modify.dn = "uid=u41,ou=people,dc=example,dc=org";
  modify.changes = {{"mail", ValueOp::kDelete, {"alias41@example.org"}},
                    {"telephoneNumber", ValueOp::kReplace, {"+1 555 0100"}}};
  r = c->export_change(modify);
  ASSERT_TRUE(r.status.ok()) << r.status.to_string();

  EntryChange del;
  del.kind = ChangeKind::kDelete;
  del.dn = "uid=u42,ou=people,dc=example,dc=org";
  r = c->export_change(del);
  ASSERT_TRUE(r.status.ok()) << r.status.to_string();
  ASSERT_TRUE(c->end_export().ok());

  auto group = ldapsearch(search(add.dn, "(objectClass=*)", "'*' entryUUID"));
  ASSERT_EQ(group.size(), 1u);
  EXPECT_EQ(group[0].values("member").size(), 701u);
  EXPECT_EQ(group[0].values("description"), std::vector<std::string>{"big group"});
  EXPECT_EQ(group[0].values("entryUUID").at(0), r.new_anchor.empty() ? group[0].values("entryUUID").at(0) : "");
  auto moved = ldapsearch(search("ou=moved,dc=example,dc=org", "(uid=u40b)", "uid sn"));
  ASSERT_EQ(moved.size(), 1u);
  EXPECT_EQ(moved[0].values("uid"), std::vector<std::string>{"u40b"});
  EXPECT_EQ(moved[0].values("sn"), std::vector<std::string>{"Moved"});
  auto u41 = ldapsearch(search("uid=u41,ou=people,dc=example,dc=org", "(objectClass=*)", "mail telephoneNumber"));
  ASSERT_EQ(u41.size(), 1u);
  EXPECT_EQ(u41[0].values("mail"), std::vector<std::string>{"u41@example.org"});
  EXPECT_EQ(u41[0].values("telephoneNumber"), std::vector<std::string>{"+1 555 0100"});
  EXPECT_TRUE(ldapsearch(search("ou=people,dc=example,dc=org", "(uid=u42)", "1.1")).empty());
}

TEST_F(SlapdTest, ExportErrorsArePerObjectAndNameTheObject) {
  auto c = make_connector("ldap", options());
  ASSERT_TRUE(c->begin_export().ok());
  EntryChange bad_dn;
  bad_dn.kind = ChangeKind::kAdd;
  bad_dn.dn = "uid=x,,ou=people";
  bad_dn.object_type = "inetOrgPerson";
  ExportResult r = c->export_change(bad_dn);
  EXPECT_EQ(r.status.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(r.status.message().find("uid=x,,ou=people"), std::string::npos) << r.status.message();

  EntryChange rejected;  // inetOrgPerson needs sn: the server refuses it
  rejected.kind = ChangeKind::kAdd;
  rejected.dn = "uid=nosn,ou=people,dc=example,dc=org";
  rejected.object_type = "inetOrgPerson";
  rejected.attributes = {{"uid", {"nosn"}}, {"cn", {"No Sn"}}};
  r = c->export_change(rejected);
  EXPECT_EQ(r.status.code(), ErrorCode::kConnectorError);
  EXPECT_NE(r.status.message().find("uid=nosn,ou=people,dc=example,dc=org"), std::string::npos);
  EXPECT_NE(r.status.message().find("Object class violation"), std::string::npos) << r.status.message();
  EXPECT_NE(r.status.message().find("sn"), std::string::npos) << "the server's message";

  EntryChange bad_value;  // uidNumber is an INTEGER
  bad_value.kind = ChangeKind::kModify;
  bad_value.dn = "uid=u50,ou=people,dc=example,dc=org";
  bad_value.changes = {{"objectClass", ValueOp::kAdd, {"posixAccount"}},
                       {"uidNumber", ValueOp::kReplace, {"not-a-number"}},
                       {"gidNumber", ValueOp::kReplace, {"1"}},
                       {"homeDirectory", ValueOp::kReplace, {"/home/u50"}}};
  r = c->export_change(bad_value);
  EXPECT_FALSE(r.status.ok());
  EXPECT_NE(r.status.message().find("uid=u50,ou=people"), std::string::npos) << r.status.message();

  EntryChange no_parent;
  no_parent.kind = ChangeKind::kAdd;
  no_parent.dn = "uid=orphan,ou=nowhere,dc=example,dc=org";
  no_parent.object_type = "inetOrgPerson";
  no_parent.attributes = {{"uid", {"orphan"}}, {"cn", {"O"}}, {"sn", {"O"}}};
  r = c->export_change(no_parent);
  EXPECT_NE(r.status.message().find("No such object"), std::string::npos) << r.status.message();

  EntryChange good;  // the export goes on after the failures
  good.kind = ChangeKind::kAdd;
  good.dn = "uid=fine,ou=people,dc=example,dc=org";
  good.object_type = "inetOrgPerson";
  good.attributes = {{"uid", {"fine"}}, {"cn", {"Fine"}}, {"sn", {"Fine"}}};
  r = c->export_change(good);
  EXPECT_TRUE(r.status.ok()) << r.status.to_string();
  ASSERT_TRUE(c->end_export().ok());
  EXPECT_EQ(ldapsearch(search("ou=people,dc=example,dc=org", "(uid=fine)", "1.1")).size(), 1u);
  EXPECT_TRUE(ldapsearch(search("ou=people,dc=example,dc=org", "(uid=nosn)", "1.1")).empty());
}

TEST_F(SlapdTest, TlsVerifiesCertificates) {
  auto o = options();
  o["uri"] = server_->ldaps_uri();
  o["ca_file"] = server_->ca_file();
  o["base_dns"] = "ou=groups,dc=example,dc=org";
  Collector sink;
  std::string w;
  Status s = make_connector("ldap", o)->full_import(sink, w);
  ASSERT_TRUE(s.ok()) << s.to_string();
  const size_t groups = ldapsearch(search("ou=groups,dc=example,dc=org", "(objectClass=*)", "1.1")).size();
  EXPECT_EQ(sink.changes.size(), groups);

  auto st = options();
  st["start_tls"] = "true";
  st["ca_file"] = server_->ca_file();
  st["base_dns"] = "ou=groups,dc=example,dc=org";
  Collector sink2;
  s = make_connector("ldap", st)->full_import(sink2, w);
  ASSERT_TRUE(s.ok()) << s.to_string();
  EXPECT_EQ(sink2.changes.size(), groups);

  // Without our CA the self-made certificate is refused...
  auto untrusted = o;
  untrusted.erase("ca_file");
  Collector sink3;
  s = make_connector("ldap", untrusted)->full_import(sink3, w);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("TLS handshake failed"), std::string::npos) << s.message();
  // ...unless the administrator says so.
  untrusted["tls_insecure"] = "true";
  s = make_connector("ldap", untrusted)->full_import(sink3, w);
  EXPECT_TRUE(s.ok()) << s.to_string();
}

TEST_F(SlapdTest, BadConnectionSettingsGiveClearErrors) {
  Collector sink;
  std::string w;
  auto o = options();
  o["uri"] = "ldap://127.0.0.1:" + std::to_string(free_port());
  o["connect_timeout_seconds"] = "2";
  Status s = make_connector("ldap", o)->full_import(sink, w);
  EXPECT_EQ(s.code(), ErrorCode::kIoError);
  EXPECT_NE(s.message().find(o["uri"]), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("Can't contact LDAP server"), std::string::npos) << s.message();

  write_file(server_->dir() + "/wrong.pw", "not-the-password");
  o = options();
  o["password_file"] = server_->dir() + "/wrong.pw";
  s = make_connector("ldap", o)->full_import(sink, w);
  EXPECT_EQ(s.code(), ErrorCode::kConnectorError);
  EXPECT_NE(s.message().find("Invalid credentials"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("wrong.pw"), std::string::npos) << s.message();
  EXPECT_EQ(s.message().find("not-the-password"), std::string::npos) << "never the password";

  o = options();
  o.erase("password_file");
  o["password_env"] = "IDSYNC_TEST_NO_SUCH_VARIABLE";
  s = make_connector("ldap", o)->full_import(sink, w);
  EXPECT_NE(s.message().find("IDSYNC_TEST_NO_SUCH_VARIABLE"), std::string::npos) << s.message();
  setenv("IDSYNC_TEST_LDAP_PW", Slapd::kAdminPassword, 1);
  o["password_env"] = "IDSYNC_TEST_LDAP_PW";
  o["base_dns"] = "ou=groups,dc=example,dc=org";
  s = make_connector("ldap", o)->full_import(sink, w);
  EXPECT_TRUE(s.ok()) << s.to_string();

  // A read-only account: import works, export is refused with the object named.
  o = options();
  o["bind_dn"] = Slapd::kReaderDn;
  o["password_file"] = server_->reader_password_file();
  auto reader = make_connector("ldap", o);
  ASSERT_TRUE(reader->begin_export().ok());
  EntryChange mod;
  mod.kind = ChangeKind::kModify;
  mod.dn = "uid=u60,ou=people,dc=example,dc=org";
  mod.changes = {{"sn", ValueOp::kReplace, {"Nope"}}};
  ExportResult r = reader->export_change(mod);
  EXPECT_NE(r.status.message().find("Insufficient access"), std::string::npos) << r.status.message();
  EXPECT_NE(r.status.message().find("uid=u60,ou=people,dc=example,dc=org"), std::string::npos);
  EXPECT_NE(r.status.message().find(Slapd::kReaderDn), std::string::npos) << "names the account";
  ASSERT_TRUE(reader->end_export().ok());

  ConnectorRegistry registry;
  register_ldap_connectors(registry);
  ConnectorConfig bad;
  bad.name = "x";
  bad.type = "ldap";
  bad.options = {{"uri", "http://x"}};
  EXPECT_NE(registry.create(bad).status().message().find("ldap://"), std::string::npos);
  bad.options = {{"uri", "ldap://x"}, {"page_sise", "10"}};
  EXPECT_NE(registry.create(bad).status().message().find("page_sise"), std::string::npos);
  bad.options = {{"uri", "ldap://x"}, {"accesslog_base", "cn=accesslog"}};  // without delta=accesslog
  EXPECT_NE(registry.create(bad).status().message().find("accesslog_base"), std::string::npos);
  bad.type = "ad";
  bad.options = {{"uri", "ldap://x"}, {"delta", "accesslog"}};
  EXPECT_NE(registry.create(bad).status().message().find("must be auto, dirsync or usn"), std::string::npos);

  // delta=accesslog without a readable log database says what to configure.
  auto no_log = options();
  no_log["delta"] = "accesslog";
  no_log["accesslog_base"] = "cn=nolog";
  Collector log_sink;
  std::string log_watermark;
  Status log_status = make_connector("ldap", no_log)->full_import(log_sink, log_watermark);
  EXPECT_FALSE(log_status.ok());
  EXPECT_NE(log_status.message().find("accesslog_base"), std::string::npos) << log_status.message();
  EXPECT_NE(log_status.message().find("cn=nolog"), std::string::npos) << log_status.message();
}

TEST_F(SlapdTest, KilledConnectionDuringImportRecovers) {
  auto o = options();
  o["page_size"] = "50";
  auto c = make_connector("ldap", o);
  Collector sink;
  bool restarted = false;
  sink.after_each = [&](size_t n) {
    if (n == 333 && !restarted) {  // mid-page: the server goes away and comes back
      restarted = true;
      server_->stop();
      server_->start();
    }
  };
  std::string w;
  Status s = c->full_import(sink, w);
  ASSERT_TRUE(s.ok()) << s.to_string();
  EXPECT_TRUE(restarted);
  auto expected = ldapsearch(search("dc=example,dc=org", "(objectClass=*)", "entryUUID"));
  std::set<std::string> anchors;
  for (const EntryChange& ch : sink.changes) anchors.insert(ch.anchor);
  EXPECT_EQ(anchors.size(), sink.changes.size()) << "no object twice";
  EXPECT_EQ(sink.changes.size(), expected.size()) << "no object lost";
  for (const LdifEntry& e : expected) EXPECT_EQ(anchors.count(e.values("entryUUID").at(0)), 1u) << e.dn;
}

TEST(SlapdSessionLogTest, DeletionsBeyondTheSessionLogAskForAFullImport) {
  // A session log of 2 operations cannot list 5 deletions: the server switches to a present
  // phase, and the connector must say so rather than miss the deletions.
  Slapd small(people_ldif(20), 2);
  std::map<std::string, std::string> o = {{"uri", small.uri()},
                                          {"bind_dn", Slapd::kAdminDn},
                                          {"password_file", small.admin_password_file()},
                                          {"base_dns", "ou=people,dc=example,dc=org"}};
  auto c = make_connector("ldap", o);
  Collector full;
  std::string watermark;
  ASSERT_TRUE(c->full_import(full, watermark).ok());
  std::string ldif;
  for (int i = 0; i < 5; ++i) ldif += "dn: uid=u" + std::to_string(i) + ",ou=people,dc=example,dc=org\nchangetype: delete\n\n";
  write_file(small.dir() + "/del.ldif", ldif);
  std::string out;
  ASSERT_EQ(run_command(small.ldap_cli("ldapmodify") + " -f " + small.dir() + "/del.ldif", &out), 0) << out;
  Collector delta;
  const std::string before = watermark;
  Status s = c->delta_import(delta, watermark);
  EXPECT_EQ(s.code(), ErrorCode::kUnsupported) << s.to_string();
  EXPECT_NE(s.message().find("run a Full Import"), std::string::npos) << s.message();
  EXPECT_EQ(watermark, before) << "a failed delta keeps its position";
  // The Full Import it asks for sees the deletions (the engine stages what is gone as deletes).
  Collector again;
  ASSERT_TRUE(c->full_import(again, watermark).ok());
  EXPECT_EQ(again.changes.size(), full.changes.size() - 5);
}

TEST(SlapdAccesslogTest, WatermarkOlderThanThePurgedLogAsksForAFullImport) {
  // logpurge removes records older than 3 s (checked every second); once the record of the
  // watermark is gone, changes after it may be gone too: the delta must say so.
  Slapd small(people_ldif(20), 100000, "00:00:03 00:00:01");
  std::map<std::string, std::string> o = {{"uri", small.uri()},
                                          {"bind_dn", Slapd::kAdminDn},
                                          {"password_file", small.admin_password_file()},
                                          {"base_dns", "ou=people,dc=example,dc=org"},
                                          {"delta", "accesslog"}};
  std::string out;
  const std::string modify = small.ldap_cli("ldapmodify") +
                             " <<'EOF'\ndn: uid=u1,ou=people,dc=example,dc=org\nchangetype: modify\n"
                             "replace: sn\nsn: Logged\nEOF\n";
  ASSERT_EQ(run_command(modify, &out), 0) << out;  // the log is not empty: the position is a record
  auto c = make_connector("ldap", o);
  Collector full;
  std::string watermark;
  Status fs = c->full_import(full, watermark);
  ASSERT_TRUE(fs.ok()) << fs.to_string();
  ASSERT_NE(watermark, "accesslog:") << "the position is the logged modify";
  const std::string count_log = small.ldap_cli("ldapsearch") + " -LLL -b cn=accesslog -s one "
                                "'(objectClass=auditWriteObject)' 1.1 | grep -c '^dn:'";
  bool purged = false;
  for (int i = 0; i < 300 && !purged; ++i) {
    run_command(count_log, &out);
    purged = out.rfind("0", 0) == 0;
    if (!purged) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_TRUE(purged) << "slapd did not purge its accesslog within 30 s: " << out;
  Collector delta;
  const std::string before = watermark;
  Status s = c->delta_import(delta, watermark);
  EXPECT_EQ(s.code(), ErrorCode::kUnsupported) << s.to_string();
  EXPECT_NE(s.message().find("run a Full Import"), std::string::npos) << s.message();
  EXPECT_EQ(watermark, before) << "a failed delta keeps its position";
  Collector again;
  ASSERT_TRUE(c->full_import(again, watermark).ok());
  EXPECT_EQ(again.changes.size(), full.changes.size());
}

}  // namespace
}  // namespace idsync::ldap::testing
