#include "idsync/file/ldif.h"

#include <gtest/gtest.h>

#include <sstream>

namespace idsync::file {
namespace {

std::vector<LdifRecord> read_all(const std::string& text, Status* error = nullptr,
                                 const std::string& source = "") {
  std::istringstream in(text);
  LdifReader reader(in, source);
  std::vector<LdifRecord> out;
  for (;;) {
    LdifRecord rec;
    auto more = reader.next(rec);
    if (!more.ok()) {
      if (error) *error = more.status();
      else ADD_FAILURE() << more.status().message();
      return out;
    }
    if (!*more) break;
    out.push_back(std::move(rec));
  }
  if (error) *error = Status::Ok();
  return out;
}

Status read_error(const std::string& text, const std::string& source = "people.ldif") {
  Status s;
  read_all(text, &s, source);
  return s;
}

bool operator_eq(const Entry& a, const Entry& b) {
  if (a.dn != b.dn || a.object_type != b.object_type || a.anchor != b.anchor ||
      a.attributes.size() != b.attributes.size())
    return false;
  for (size_t i = 0; i < a.attributes.size(); ++i)
    if (a.attributes[i].name != b.attributes[i].name || a.attributes[i].values != b.attributes[i].values)
      return false;
  return true;
}

bool change_eq(const EntryChange& a, const EntryChange& b) {
  if (a.kind != b.kind || a.dn != b.dn || a.new_dn != b.new_dn || a.object_type != b.object_type ||
      a.attributes.size() != b.attributes.size() || a.changes.size() != b.changes.size())
    return false;
  for (size_t i = 0; i < a.attributes.size(); ++i)
    if (a.attributes[i].name != b.attributes[i].name || a.attributes[i].values != b.attributes[i].values)
      return false;
  for (size_t i = 0; i < a.changes.size(); ++i)
    if (a.changes[i].name != b.changes[i].name || a.changes[i].op != b.changes[i].op ||
        a.changes[i].values != b.changes[i].values)
      return false;
  return true;
}

TEST(LdifReader, ContentRecordsWithVersionCommentsAndFolding) {
  const std::string text =
      "version: 1\n"
      "# a comment\n"
      "#  folded comment\n"
      " that continues\n"
      "dn: CN=Ann Lee,OU=Sales,\n"
      " DC=corp\n"
      "objectClass: top\n"
      "objectClass: person\n"
      "objectClass: organizationalPerson\n"
      "objectClass: user\n"
      "description: a long\n"
      "  value with a space\n"
      "objectGUID:: AAECAwQFBgcICQoLDA0ODw==\n"
      "userCertificate;binary:: /w==\n"
      "mail:   ann@corp.example\n"
      "empty:\n"
      "\n"
      "\n"
      "# between records\n"
      "dn: CN=Bob,DC=corp\r\n"
      "objectclass: group\r\n"
      "Member: CN=Ann Lee,OU=Sales,DC=corp\r\n"
      "member: CN=Zed,DC=corp\r\n";
  auto recs = read_all(text);
  ASSERT_EQ(recs.size(), 2u);
  const Entry& ann = recs[0].entry;
  EXPECT_FALSE(recs[0].is_change);
  EXPECT_EQ(recs[0].line, 5u);
  EXPECT_EQ(ann.dn, "CN=Ann Lee,OU=Sales,DC=corp");
  EXPECT_EQ(ann.object_type, "user");
  ASSERT_NE(ann.find("objectClass"), nullptr);
  EXPECT_EQ(ann.find("objectClass")->values.size(), 4u);
  EXPECT_EQ(ann.first("description"), "a long value with a space");
  std::string guid;
  for (int i = 0; i < 16; ++i) guid.push_back(static_cast<char>(i));
  EXPECT_EQ(ann.first("objectGUID"), guid);
  EXPECT_EQ(ann.first("userCertificate;binary"), "\xff");
  EXPECT_EQ(ann.find("userCertificate"), nullptr);  // options stay in the name
  EXPECT_EQ(ann.first("mail"), "ann@corp.example");
  ASSERT_NE(ann.find("empty"), nullptr);
  EXPECT_EQ(ann.find("empty")->values, ValueList{""});
  const Entry& bob = recs[1].entry;
  EXPECT_EQ(bob.object_type, "group");
  ASSERT_NE(bob.find("member"), nullptr);
  EXPECT_EQ(bob.find("member")->values.size(), 2u);  // one attribute despite the name case
  EXPECT_EQ(bob.attributes.size(), 2u);
  EXPECT_EQ(recs[1].line, 20u);
}

TEST(LdifReader, VersionLineFollowedByBlankLine) {
  std::istringstream in("version: 1\n\ndn: DC=x\ndc: x\n");
  LdifReader reader(in);
  LdifRecord rec;
  ASSERT_TRUE(reader.next(rec).value());
  EXPECT_EQ(reader.version(), 1);
  EXPECT_EQ(rec.entry.dn, "DC=x");
  EXPECT_FALSE(reader.next(rec).value());
}

TEST(LdifReader, Base64Dn) {
  // "CN=Zoë,DC=x"
  auto recs = read_all("dn:: Q049Wm/DqyxEQz14\ncn:: Wm/Dqw==\n");
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_EQ(recs[0].entry.dn, "CN=Zo\xC3\xAB,DC=x");
  EXPECT_EQ(recs[0].entry.first("cn"), "Zo\xC3\xAB");
}

TEST(LdifReader, ChangeRecordsOfEveryKind) {
  const std::string text =
      "version: 1\n"
      "dn: CN=New,DC=x\n"
      "changetype: add\n"
      "objectClass: top\n"
      "objectClass: user\n"
      "cn: New\n"
      "\n"
      "dn: CN=Old,DC=x\n"
      "changetype: delete\n"
      "\n"
      "dn: CN=Mod,DC=x\n"
      "changetype: modify\n"
      "add: member\n"
      "member: CN=a,DC=x\n"
      "member: CN=b,DC=x\n"
      "-\n"
      "delete: description\n"
      "-\n"
      "delete: mail\n"
      "mail: old@x\n"
      "-\n"
      "replace: telephoneNumber\n"
      "telephoneNumber: 1\n"
      "-\n"
      "replace: fax\n"
      "-\n"
      "\n"
      "dn: CN=Ren,OU=A,DC=x\n"
      "changetype: modrdn\n"
      "newrdn: CN=Renamed\n"
      "deleteoldrdn: 1\n"
      "\n"
      "dn: CN=Mov,OU=A,DC=x\n"
      "changetype: moddn\n"
      "newrdn: CN=Mov\n"
      "deleteoldrdn: 1\n"
      "newsuperior: OU=B,DC=x\n"
      "\n"
      "dn: CN=Keep,DC=x\n"
      "changetype: modrdn\n"
      "newrdn: CN=Kept\n"
      "deleteoldrdn: 0\n"
      "\n"
      "dn: CN=NoDash,DC=x\n"
      "changetype: modify\n"
      "replace: sn\n"
      "sn: Last\n";
  auto recs = read_all(text);
  ASSERT_EQ(recs.size(), 7u);
  for (const auto& r : recs) EXPECT_TRUE(r.is_change);
  const EntryChange& add = recs[0].change;
  EXPECT_EQ(add.kind, ChangeKind::kAdd);
  EXPECT_EQ(add.object_type, "user");
  EXPECT_EQ(add.attributes.size(), 2u);
  EXPECT_EQ(recs[1].change.kind, ChangeKind::kDelete);
  EXPECT_EQ(recs[1].change.dn, "CN=Old,DC=x");

  const EntryChange& mod = recs[2].change;
  EXPECT_EQ(mod.kind, ChangeKind::kModify);
  ASSERT_EQ(mod.changes.size(), 5u);
  EXPECT_EQ(mod.changes[0].op, ValueOp::kAdd);
  EXPECT_EQ(mod.changes[0].name, "member");
  EXPECT_EQ(mod.changes[0].values, (ValueList{"CN=a,DC=x", "CN=b,DC=x"}));
  EXPECT_EQ(mod.changes[1].op, ValueOp::kDelete);
  EXPECT_TRUE(mod.changes[1].values.empty());
  EXPECT_EQ(mod.changes[2].values, ValueList{"old@x"});
  EXPECT_EQ(mod.changes[3].op, ValueOp::kReplace);
  EXPECT_EQ(mod.changes[3].values, ValueList{"1"});
  EXPECT_EQ(mod.changes[4].op, ValueOp::kReplace);
  EXPECT_TRUE(mod.changes[4].values.empty());

  EXPECT_EQ(recs[3].change.kind, ChangeKind::kRename);
  EXPECT_EQ(recs[3].change.new_dn, "CN=Renamed,OU=A,DC=x");
  EXPECT_TRUE(recs[3].change.changes.empty());
  EXPECT_EQ(recs[4].change.new_dn, "CN=Mov,OU=B,DC=x");
  EXPECT_EQ(recs[5].change.new_dn, "CN=Kept,DC=x");
  ASSERT_EQ(recs[5].change.changes.size(), 1u);  // deleteoldrdn: 0 keeps the old value
  EXPECT_EQ(recs[5].change.changes[0].name, "CN");
  EXPECT_EQ(recs[5].change.changes[0].op, ValueOp::kAdd);
  EXPECT_EQ(recs[5].change.changes[0].values, ValueList{"Keep"});
  ASSERT_EQ(recs[6].change.changes.size(), 1u);
  EXPECT_EQ(recs[6].change.changes[0].values, ValueList{"Last"});
}

TEST(LdifReader, ErrorsNameFileLineAndEntry) {
  Status s = read_error(
      "version: 1\n"
      "dn: CN=Ok,DC=y\n"
      "cn: Ok\n"
      "\n"
      "dn: CN=Ann,OU=X,DC=y\n"
      "cn: Ann\n"
      "objectGUID:: not*base64\n");
  EXPECT_EQ(s.code(), ErrorCode::kParseError);
  EXPECT_EQ(s.message(),
            "people.ldif line 7 (entry 'CN=Ann,OU=X,DC=y'): base64 value of 'objectGUID' is not "
            "valid base64");

  s = read_error("dn: CN=Ann,DC=y\ncn Ann\n");
  EXPECT_NE(s.message().find("people.ldif line 2 (entry 'CN=Ann,DC=y'): missing ':'"), std::string::npos)
      << s.message();

  s = read_error("dn: CN=Ann,DC=y\nchangetype: frobnicate\n");
  EXPECT_NE(s.message().find("line 2 (entry 'CN=Ann,DC=y'): unknown changetype 'frobnicate'"),
            std::string::npos)
      << s.message();

  s = read_error(" dn: CN=Ann,DC=y\ncn: Ann\n");
  EXPECT_NE(s.message().find("people.ldif line 1: continuation line"), std::string::npos) << s.message();

  s = read_error("dn: CN=A,DC=y\ncn: A\n\n version: 1\n");
  EXPECT_NE(s.message().find("line 4: continuation line"), std::string::npos) << s.message();

  s = read_error("dn: CN=Ann,DC=y\njpegPhoto:< file:///tmp/a.jpg\n");
  EXPECT_NE(s.message().find("line 2 (entry 'CN=Ann,DC=y'): value of 'jpegPhoto' is a URL"),
            std::string::npos)
      << s.message();
  EXPECT_NE(s.message().find("not supported"), std::string::npos);

  s = read_error("cn: Ann\n");
  EXPECT_NE(s.message().find("line 1: a record must start with 'dn:'"), std::string::npos) << s.message();

  s = read_error("version: 2\ndn: DC=x\n");
  EXPECT_NE(s.message().find("unsupported LDIF version '2'"), std::string::npos) << s.message();

  s = read_error("dn: CN=M,DC=y\nchangetype: modify\nadd: member\nmember: a\ncn: b\n-\n");
  EXPECT_NE(s.message().find("line 5 (entry 'CN=M,DC=y'): value for 'cn' inside the 'member' block"),
            std::string::npos)
      << s.message();

  s = read_error("dn: CN=M,DC=y\nchangetype: modify\nincrement: uidNumber\nuidNumber: 1\n-\n");
  EXPECT_NE(s.message().find("line 3"), std::string::npos) << s.message();

  s = read_error("dn: CN=D,DC=y\nchangetype: delete\ncn: x\n");
  EXPECT_NE(s.message().find("line 3 (entry 'CN=D,DC=y')"), std::string::npos) << s.message();

  s = read_error("dn: CN=R,DC=y\nchangetype: modrdn\ndeleteoldrdn: 1\n");
  EXPECT_NE(s.message().find("line 2 (entry 'CN=R,DC=y'): the modrdn record has no 'newrdn:'"),
            std::string::npos)
      << s.message();

  s = read_error("dn: CN=A,DC=y\ncn: A\ndn: CN=B,DC=y\n");
  EXPECT_NE(s.message().find("line 3 (entry 'CN=A,DC=y'): a second 'dn:'"), std::string::npos)
      << s.message();

  s = read_error("dn: CN=A,DC=y\ncontrol: 1.2.840.113556.1.4.805 true\nchangetype: delete\n");
  EXPECT_NE(s.message().find("controls"), std::string::npos) << s.message();

  // No source name: the message starts with the line.
  Status anon;
  read_all("dn: CN=A,DC=y\nbad line\n", &anon);
  EXPECT_EQ(anon.message().rfind("line 2 (entry 'CN=A,DC=y'): missing ':'", 0), 0u) << anon.message();
}

TEST(LdifReader, ErrorIsSticky) {
  std::istringstream in("dn: CN=A,DC=y\nbad\n\ndn: CN=B,DC=y\ncn: B\n");
  LdifReader reader(in);
  LdifRecord rec;
  EXPECT_FALSE(reader.next(rec).ok());
  EXPECT_FALSE(reader.next(rec).ok());
}

TEST(LdifReader, StreamsAcrossChunkBoundaries) {
  // More than one 1 MiB chunk, with lines crossing the boundaries and one huge folded value.
  std::string text = "version: 1\n";
  const std::string big(3 << 20, 'v');  // 3 MiB value, folded below
  text += "dn: CN=Big,DC=x\ndescription: " + big.substr(0, 60);
  for (size_t p = 60; p < big.size(); p += 75) text += "\n " + big.substr(p, 75);
  text += "\n\n";
  for (int i = 0; i < 20000; ++i)
    text += "dn: CN=User" + std::to_string(i) + ",OU=People,DC=x\nobjectClass: user\ncn: User" +
            std::to_string(i) + "\nmember: a\nmember: b\n\n";
  auto recs = read_all(text);
  ASSERT_EQ(recs.size(), 20001u);
  EXPECT_EQ(recs[0].entry.first("description"), big);
  EXPECT_EQ(recs[12345].entry.dn, "CN=User12344,OU=People,DC=x");
  EXPECT_EQ(recs[20000].entry.first("cn"), "User19999");
  EXPECT_EQ(recs[20000].entry.find("member")->values.size(), 2u);
}

// Names only (the export's validation state): every record and DN as in a full read, no values;
// a malformed line is still an error.
TEST(LdifReader, NamesOnlySkipsValuesButNotRecordsOrErrors) {
  const std::string text =
      "version: 1\n\ndn: CN=Ann,DC=x\nobjectClass: user\ncn: Ann\nmember:: Q049Qm9i\n\n"
      "dn: CN=Bob,DC=x\nchangetype: add\nobjectClass: user\ncn: Bob\n\n"
      "dn: CN=Ann,DC=x\nchangetype: modify\nreplace: cn\ncn: Anne\n-\n\n"
      "dn: CN=Bob,DC=x\nchangetype: modrdn\nnewrdn: CN=Rob\ndeleteoldrdn: 1\n\n"
      "dn: CN=Rob,DC=x\nchangetype: delete\n\n";
  std::istringstream in(text);
  LdifReader reader(in);
  reader.set_names_only(true);
  std::vector<LdifRecord> records;
  for (;;) {
    LdifRecord rec;
    auto more = reader.next(rec);
    ASSERT_TRUE(more.ok()) << more.status().message();
    if (!*more) break;
    records.push_back(std::move(rec));
  }
  ASSERT_EQ(records.size(), 5u);
  EXPECT_FALSE(records[0].is_change);
  EXPECT_EQ(records[0].entry.dn, "CN=Ann,DC=x");
  EXPECT_TRUE(records[0].entry.attributes.empty());
  EXPECT_EQ(records[1].change.kind, ChangeKind::kAdd);
  EXPECT_EQ(records[1].change.dn, "CN=Bob,DC=x");
  EXPECT_TRUE(records[1].change.attributes.empty());
  EXPECT_EQ(records[2].change.kind, ChangeKind::kModify);
  EXPECT_EQ(records[3].change.kind, ChangeKind::kRename);
  EXPECT_EQ(records[3].change.new_dn, "CN=Rob,DC=x");
  EXPECT_EQ(records[4].change.kind, ChangeKind::kDelete);

  std::istringstream bad("dn: CN=Ann,DC=x\ncn Ann\n\n");
  LdifReader bad_reader(bad, "people.ldif");
  bad_reader.set_names_only(true);
  LdifRecord rec;
  auto more = bad_reader.next(rec);
  ASSERT_FALSE(more.ok());
  EXPECT_NE(more.status().message().find("people.ldif line 2"), std::string::npos) << more.status().message();
}

TEST(LdifWriter, SafeStringRules) {
  EXPECT_TRUE(LdifWriter::is_safe_string(""));
  EXPECT_TRUE(LdifWriter::is_safe_string("plain text: with colon <and> stuff"));
  EXPECT_FALSE(LdifWriter::is_safe_string(" leading"));
  EXPECT_FALSE(LdifWriter::is_safe_string(":colon"));
  EXPECT_FALSE(LdifWriter::is_safe_string("<angle"));
  EXPECT_FALSE(LdifWriter::is_safe_string("trailing "));
  EXPECT_FALSE(LdifWriter::is_safe_string("caf\xC3\xA9"));
  EXPECT_FALSE(LdifWriter::is_safe_string("a\nb"));
  EXPECT_FALSE(LdifWriter::is_safe_string("a\rb"));
  EXPECT_FALSE(LdifWriter::is_safe_string(std::string("a\0b", 3)));
  std::string out;
  LdifWriter::append_line(out, "cn", "Ann");
  LdifWriter::append_line(out, "sn", " x");
  LdifWriter::append_line(out, "e", "");
  EXPECT_EQ(out, "cn: Ann\nsn:: IHg=\ne:\n");
}

TEST(LdifWriter, FoldsAt76Columns) {
  std::string out;
  LdifWriter::append_line(out, "description", std::string(200, 'x'));
  std::istringstream lines(out);
  std::string line, joined;
  int n = 0;
  while (std::getline(lines, line)) {
    EXPECT_LE(line.size(), 76u);
    if (n++ == 0) {
      EXPECT_EQ(line.size(), 76u);
      joined = line;
    } else {
      ASSERT_EQ(line[0], ' ');
      joined += line.substr(1);
    }
  }
  EXPECT_EQ(n, 3);  // 13 + 200 = 213 chars: 76 + 75 + 62
  EXPECT_EQ(joined, "description: " + std::string(200, 'x'));
}

TEST(LdifWriter, RoundTripEntries) {
  std::string binary;
  for (int i = 0; i < 256; ++i) binary.push_back(static_cast<char>(i));
  std::vector<Entry> entries(3);
  entries[0].dn = "CN=Ann Lee,OU=Sales,DC=corp";
  entries[0].object_type = "user";
  entries[0].attributes = {{"objectClass", {"top", "person", "user"}},
                           {"cn", {"Ann Lee"}},
                           {"objectGUID", {binary.substr(0, 16)}},
                           {"thumbnailPhoto", {binary}},
                           {"description", {std::string(300, 'd'), " lead", "trail ", ":c", "<a", "a\nb", ""}},
                           {"displayName", {"Zo\xC3\xAB"}},
                           {"userCertificate;binary", {"\x01\x02"}}};
  entries[1].dn = "CN=Zo\xC3\xAB,DC=corp";  // a DN that needs base64
  entries[1].object_type = "contact";
  entries[1].attributes = {{"objectClass", {"contact"}}};
  entries[2].dn = " CN=leading space,DC=corp";
  entries[2].attributes = {{"cn", {"x"}}};

  std::ostringstream out;
  LdifWriter writer(out);
  for (const Entry& e : entries) ASSERT_TRUE(writer.write_entry(e).ok());
  const std::string text = out.str();
  EXPECT_EQ(text.rfind("version: 1\n", 0), 0u);
  EXPECT_NE(text.find("dn:: Q049Wm/DqyxEQz1jb3Jw\n"), std::string::npos);
  std::istringstream check(text);
  for (std::string line; std::getline(check, line);) EXPECT_LE(line.size(), 76u);

  auto recs = read_all(text);
  ASSERT_EQ(recs.size(), entries.size());
  for (size_t i = 0; i < entries.size(); ++i) {
    EXPECT_FALSE(recs[i].is_change);
    EXPECT_TRUE(operator_eq(recs[i].entry, entries[i])) << "entry " << i;
  }
}

TEST(LdifWriter, RoundTripChanges) {
  std::vector<EntryChange> changes(6);
  changes[0].kind = ChangeKind::kAdd;
  changes[0].dn = "CN=New,DC=x";
  changes[0].object_type = "user";
  changes[0].attributes = {{"objectClass", {"top", "user"}}, {"objectGUID", {std::string("\0\x10 ", 3)}}};
  changes[1].kind = ChangeKind::kDelete;
  changes[1].dn = "CN=Gone,DC=x";
  changes[2].kind = ChangeKind::kModify;
  changes[2].dn = "CN=Mod\\, Ann,DC=x";
  changes[2].changes = {{"member", ValueOp::kAdd, {"CN=a,DC=x", "CN=b,DC=x"}},
                        {"mail", ValueOp::kDelete, {}},
                        {"sn", ValueOp::kReplace, {"Caf\xC3\xA9"}},
                        {"fax", ValueOp::kReplace, {}}};
  changes[3].kind = ChangeKind::kRename;
  changes[3].dn = "CN=Ren,OU=A,DC=x";
  changes[3].new_dn = "CN=Renamed,OU=A,DC=x";
  changes[4].kind = ChangeKind::kRename;
  changes[4].dn = "CN=Mov,OU=A,DC=x";
  changes[4].new_dn = "CN=Mov,OU=B,DC=x";
  changes[5].kind = ChangeKind::kRename;
  changes[5].dn = "CN=Top,DC=x";
  changes[5].new_dn = "CN=Top2,dc=X";  // same parent, other case: no newsuperior

  std::ostringstream out;
  LdifWriter writer(out);
  for (const EntryChange& c : changes) ASSERT_TRUE(writer.write_change(c).ok());
  const std::string text = out.str();
  EXPECT_NE(text.find("changetype: modrdn\nnewrdn: CN=Renamed\ndeleteoldrdn: 1\n\n"), std::string::npos);
  EXPECT_NE(text.find("newsuperior: OU=B,DC=x\n"), std::string::npos);
  EXPECT_EQ(text.find("newsuperior: dc=X"), std::string::npos);
  auto recs = read_all(text);
  ASSERT_EQ(recs.size(), changes.size());
  for (size_t i = 0; i < changes.size(); ++i) {
    ASSERT_TRUE(recs[i].is_change);
    EntryChange expected = changes[i];
    if (i == 5) expected.new_dn = "CN=Top2,DC=x";  // the parent is written once, as the old DN has it
    EXPECT_TRUE(change_eq(recs[i].change, expected)) << "change " << i << "\n" << text;
  }
}

TEST(LdifWriter, RenameWithChangesWritesModifyOnNewDn) {
  EntryChange c;
  c.kind = ChangeKind::kRename;
  c.dn = "CN=A,DC=x";
  c.new_dn = "CN=B,DC=x";
  c.changes = {{"displayName", ValueOp::kReplace, {"B"}}};
  std::ostringstream out;
  LdifWriter writer(out, false);
  ASSERT_TRUE(writer.write_change(c).ok());
  auto recs = read_all(out.str());
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_EQ(recs[0].change.kind, ChangeKind::kRename);
  EXPECT_EQ(recs[1].change.kind, ChangeKind::kModify);
  EXPECT_EQ(recs[1].change.dn, "CN=B,DC=x");
  EXPECT_EQ(recs[1].change.changes[0].values, ValueList{"B"});
}

TEST(LdifWriter, RejectsUnwritableAttributeNames) {
  Entry e;
  e.dn = "CN=a";
  e.attributes = {{"bad name:", {"x"}}};
  std::ostringstream out;
  LdifWriter writer(out);
  EXPECT_EQ(writer.write_entry(e).code(), ErrorCode::kInvalidArgument);
  EXPECT_TRUE(out.str().empty());
}

}  // namespace
}  // namespace idsync::file
