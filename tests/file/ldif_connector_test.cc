#include <gtest/gtest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

#include "idsync/file/file_connectors.h"
#include "temp_dir.h"

namespace idsync::file {
namespace {

namespace fs = std::filesystem;

void write_file(const fs::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary);
  out << text;
}

struct Collect : ImportSink {
  std::vector<EntryChange> changes;
  Status on_change(EntryChange&& c) override {
    changes.push_back(std::move(c));
    return Status::Ok();
  }
  const EntryChange* find(std::string_view dn) const {
    for (const auto& c : changes)
      if (c.dn == dn) return &c;
    return nullptr;
  }
};

const std::string kBaseline =
    "version: 1\n"
    "dn: OU=People,DC=corp\n"
    "objectClass: top\n"
    "objectClass: organizationalUnit\n"
    "ou: People\n"
    "objectGUID:: AQEBAQEBAQEBAQEBAQEBAQ==\n"
    "\n"
    "dn: CN=Ann,OU=People,DC=corp\n"
    "objectClass: top\n"
    "objectClass: person\n"
    "objectClass: organizationalPerson\n"
    "objectClass: user\n"
    "cn: Ann\n"
    "mail: ann@corp\n"
    "objectGUID:: AgICAgICAgICAgICAgICAg==\n"
    "\n"
    "dn: CN=Staff,OU=People,DC=corp\n"
    "objectClass: top\n"
    "objectClass: group\n"
    "cn: Staff\n"
    "member: CN=Ann,OU=People,DC=corp\n"
    "member: CN=Bob,OU=People,DC=corp\n"
    "objectGUID:: AwMDAwMDAwMDAwMDAwMD/w==\n";

class LdifConnectorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    register_file_connectors(registry_);
    content_ = dir_.path() / "people.ldif";
    write_file(content_, kBaseline);
  }

  std::unique_ptr<Connector> make(std::map<std::string, std::string> extra = {}) {
    ConnectorConfig config;
    config.name = "Files";
    config.type = "ldif";
    config.options = {{"path", content_.string()}, {"anchor", "objectGUID"}};
    for (auto& [k, v] : extra) config.options[k] = v;
    auto c = registry_.create(config);
    EXPECT_TRUE(c.ok()) << c.status().message();
    return c.ok() ? std::move(c).value() : nullptr;
  }

  std::vector<std::string> change_files() const {
    std::vector<std::string> names;
    fs::path d = content_.string() + ".changes";
    if (!fs::exists(d)) return names;
    for (const auto& e : fs::directory_iterator(d)) {
      std::string name = e.path().filename().string();
      if (name.front() != '.') names.push_back(name);  // the DN snapshot is hidden
    }
    std::sort(names.begin(), names.end());
    return names;
  }
  fs::path change_dir() const { return content_.string() + ".changes"; }
  fs::path snapshot() const { return change_dir() / ".export-dns"; }

  TempDir dir_;
  fs::path content_;
  ConnectorRegistry registry_;
};

TEST_F(LdifConnectorTest, RegistersBothTypes) {
  EXPECT_TRUE(registry_.has("ldif"));
  EXPECT_TRUE(registry_.has("csv"));
  ConnectorConfig config;
  config.name = "x";
  config.type = "ldif";
  auto missing = registry_.create(config);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("'path'"), std::string::npos);
  config.options = {{"path", "/tmp/x.ldif"}, {"assign_anchor", "true"}};
  auto no_anchor = registry_.create(config);
  ASSERT_FALSE(no_anchor.ok());
  EXPECT_NE(no_anchor.status().message().find("'anchor'"), std::string::npos);
}

TEST_F(LdifConnectorTest, FullImportStreamsContent) {
  auto c = make();
  ASSERT_TRUE(c);
  EXPECT_TRUE(c->capabilities().delta_import);
  EXPECT_TRUE(c->capabilities().rename);
  EXPECT_FALSE(c->capabilities().assigns_anchor);
  Collect sink;
  std::string watermark = "junk";
  ASSERT_TRUE(c->full_import(sink, watermark).ok());
  EXPECT_EQ(watermark, "");
  ASSERT_EQ(sink.changes.size(), 3u);
  EXPECT_EQ(sink.changes[0].kind, ChangeKind::kAdd);
  EXPECT_EQ(sink.changes[1].dn, "CN=Ann,OU=People,DC=corp");
  EXPECT_EQ(sink.changes[1].object_type, "user");
  EXPECT_EQ(sink.changes[1].anchor, std::string(16, '\x02'));
  EXPECT_EQ(sink.changes[2].object_type, "group");
}

TEST_F(LdifConnectorTest, ObjectTypesFilter) {
  auto c = make({{"object_types", "group, organizationalUnit"}});
  Collect sink;
  std::string wm;
  ASSERT_TRUE(c->full_import(sink, wm).ok());
  ASSERT_EQ(sink.changes.size(), 2u);
  EXPECT_EQ(sink.changes[0].object_type, "organizationalUnit");
  EXPECT_EQ(sink.changes[1].object_type, "group");
}

TEST_F(LdifConnectorTest, MissingContentFileIsNotFound) {
  fs::remove(content_);
  auto c = make();
  Collect sink;
  std::string wm;
  Status s = c->full_import(sink, wm);
  EXPECT_EQ(s.code(), ErrorCode::kNotFound);
  EXPECT_NE(s.message().find("people.ldif"), std::string::npos);
}

TEST_F(LdifConnectorTest, ParseErrorInContentNamesFileLineAndEntry) {
  write_file(content_, kBaseline + "\ndn: CN=Bad,DC=corp\nobjectGUID:: !!!!\n");
  auto c = make();
  Collect sink;
  std::string wm;
  Status s = c->full_import(sink, wm);
  EXPECT_EQ(s.code(), ErrorCode::kParseError);
  EXPECT_EQ(s.message(),
            "people.ldif line 26 (entry 'CN=Bad,DC=corp'): base64 value of 'objectGUID' is not valid base64");
}

std::vector<EntryChange> sample_export() {
  std::vector<EntryChange> v(5);
  v[0].kind = ChangeKind::kAdd;
  v[0].dn = "CN=Carol,OU=People,DC=corp";
  v[0].object_type = "user";
  v[0].attributes = {{"cn", {"Carol"}}, {"mail", {"carol@corp"}}};
  v[1].kind = ChangeKind::kModify;
  v[1].dn = "CN=Ann,OU=People,DC=corp";
  v[1].changes = {{"mail", ValueOp::kReplace, {"ann.lee@corp"}}, {"title", ValueOp::kAdd, {"Boss"}}};
  v[2].kind = ChangeKind::kModify;
  v[2].dn = "cn=staff,ou=people,dc=corp";  // DNs compare case-insensitively
  v[2].changes = {{"member", ValueOp::kDelete, {"CN=Bob,OU=People,DC=corp"}},
                  {"member", ValueOp::kAdd, {"CN=Carol,OU=People,DC=corp"}}};
  v[3].kind = ChangeKind::kRename;
  v[3].dn = "CN=Ann,OU=People,DC=corp";
  v[3].new_dn = "CN=Ann Lee,OU=People,DC=corp";
  v[4].kind = ChangeKind::kDelete;
  v[4].dn = "CN=Carol,OU=People,DC=corp";
  return v;
}

TEST_F(LdifConnectorTest, ExportThenDeltaImportSeesExactlyTheExportedChanges) {
  auto c = make();
  Collect first;
  std::string wm;
  ASSERT_TRUE(c->full_import(first, wm).ok());
  ASSERT_EQ(wm, "");

  auto exported = sample_export();
  ASSERT_TRUE(c->begin_export().ok());
  for (const auto& e : exported) {
    ExportResult r = c->export_change(e);
    EXPECT_TRUE(r.status.ok()) << r.status.message();
    EXPECT_TRUE(r.new_anchor.empty());
  }
  // While exporting only a hidden temp file exists.
  for (const auto& name : change_files()) EXPECT_EQ(name.front(), '.') << name;
  ASSERT_TRUE(c->end_export().ok());
  auto files = change_files();
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0].size(), std::string("20240101T000000Z-000001.ldif").size()) << files[0];
  EXPECT_EQ(files[0].substr(15), "Z-000001.ldif");

  Collect delta;
  ASSERT_TRUE(c->delta_import(delta, wm).ok());
  EXPECT_EQ(wm, files[0]);
  ASSERT_EQ(delta.changes.size(), exported.size());
  for (size_t i = 0; i < exported.size(); ++i) {
    EXPECT_EQ(delta.changes[i].kind, exported[i].kind) << i;
    EXPECT_EQ(delta.changes[i].dn, exported[i].dn) << i;
    EXPECT_EQ(delta.changes[i].new_dn, exported[i].new_dn) << i;
    ASSERT_EQ(delta.changes[i].changes.size(), exported[i].changes.size()) << i;
    for (size_t k = 0; k < exported[i].changes.size(); ++k) {
      EXPECT_EQ(delta.changes[i].changes[k].name, exported[i].changes[k].name);
      EXPECT_EQ(delta.changes[i].changes[k].op, exported[i].changes[k].op);
      EXPECT_EQ(delta.changes[i].changes[k].values, exported[i].changes[k].values);
    }
  }
  // The add carries objectClass from object_type.
  EXPECT_EQ(delta.changes[0].object_type, "user");
  EXPECT_EQ(delta.changes[0].attributes.front().name, "objectClass");

  // A second delta import sees nothing new and keeps the watermark.
  Collect again;
  ASSERT_TRUE(c->delta_import(again, wm).ok());
  EXPECT_TRUE(again.changes.empty());
  EXPECT_EQ(wm, files[0]);
}

TEST_F(LdifConnectorTest, FullImportAfterChangesEqualsAppliedState) {
  auto c = make();
  ASSERT_TRUE(c->begin_export().ok());
  for (const auto& e : sample_export()) ASSERT_TRUE(c->export_change(e).status.ok());
  ASSERT_TRUE(c->end_export().ok());

  Collect full;
  std::string wm;
  ASSERT_TRUE(c->full_import(full, wm).ok());
  EXPECT_EQ(wm, change_files().back());
  ASSERT_EQ(full.changes.size(), 3u);  // Carol added then deleted
  EXPECT_EQ(full.changes[0].dn, "OU=People,DC=corp");
  const EntryChange& ann = full.changes[1];
  EXPECT_EQ(ann.dn, "CN=Ann Lee,OU=People,DC=corp");  // renamed, kept its place
  EXPECT_EQ(ann.anchor, std::string(16, '\x02'));
  Entry e;
  e.attributes = ann.attributes;
  EXPECT_EQ(e.first("mail"), "ann.lee@corp");
  EXPECT_EQ(e.first("title"), "Boss");
  ASSERT_NE(e.find("cn"), nullptr);
  EXPECT_EQ(e.find("cn")->values, ValueList{"Ann Lee"});  // the RDN value follows the rename
  Entry g;
  g.attributes = full.changes[2].attributes;
  EXPECT_EQ(g.find("member")->values,
            (ValueList{"CN=Ann,OU=People,DC=corp", "CN=Carol,OU=People,DC=corp"}));
}

TEST_F(LdifConnectorTest, WatermarkProgressesFileByFile) {
  auto c = make();
  std::vector<std::string> marks;
  for (int round = 0; round < 3; ++round) {
    ASSERT_TRUE(c->begin_export().ok());
    EntryChange m;
    m.kind = ChangeKind::kModify;
    m.dn = "CN=Ann,OU=People,DC=corp";
    m.changes = {{"description", ValueOp::kReplace, {"round " + std::to_string(round)}}};
    ASSERT_TRUE(c->export_change(m).status.ok());
    ASSERT_TRUE(c->end_export().ok());
  }
  auto files = change_files();
  ASSERT_EQ(files.size(), 3u);
  EXPECT_LT(files[0], files[1]);
  EXPECT_LT(files[1], files[2]);

  std::string wm;
  Collect d1;
  ASSERT_TRUE(c->delta_import(d1, wm).ok());
  EXPECT_EQ(d1.changes.size(), 3u);
  EXPECT_EQ(wm, files[2]);

  std::string mid = files[0];
  Collect d2;
  ASSERT_TRUE(c->delta_import(d2, mid).ok());
  ASSERT_EQ(d2.changes.size(), 2u);
  EXPECT_EQ(d2.changes[0].changes[0].values, ValueList{"round 1"});
  EXPECT_EQ(mid, files[2]);

  Collect full;
  std::string fwm;
  ASSERT_TRUE(c->full_import(full, fwm).ok());
  EXPECT_EQ(fwm, files[2]);
  Entry ann;
  ann.attributes = full.changes[1].attributes;
  EXPECT_EQ(ann.first("description"), "round 2");

  // An export with no changes leaves no file behind.
  ASSERT_TRUE(c->begin_export().ok());
  ASSERT_TRUE(c->end_export().ok());
  EXPECT_EQ(change_files().size(), 3u);
}

TEST_F(LdifConnectorTest, AssignAnchorOnAdd) {
  auto c = make({{"assign_anchor", "true"}});
  EXPECT_TRUE(c->capabilities().assigns_anchor);
  ASSERT_TRUE(c->begin_export().ok());
  EntryChange add;
  add.kind = ChangeKind::kAdd;
  add.dn = "CN=Dan,OU=People,DC=corp";
  add.object_type = "user";
  add.attributes = {{"cn", {"Dan"}}};
  ExportResult r1 = c->export_change(add);
  ASSERT_TRUE(r1.status.ok()) << r1.status.message();
  EXPECT_EQ(r1.new_anchor.size(), 16u);
  add.dn = "CN=Eve,OU=People,DC=corp";
  ExportResult r2 = c->export_change(add);
  EXPECT_EQ(r2.new_anchor.size(), 16u);
  EXPECT_NE(r1.new_anchor, r2.new_anchor);
  // An add that brings its own anchor keeps it.
  add.dn = "CN=Fay,OU=People,DC=corp";
  add.attributes.push_back({"objectGUID", {std::string(16, '\x07')}});
  ExportResult r3 = c->export_change(add);
  EXPECT_TRUE(r3.new_anchor.empty());
  ASSERT_TRUE(c->end_export().ok());

  Collect full;
  std::string wm;
  ASSERT_TRUE(c->full_import(full, wm).ok());
  ASSERT_NE(full.find("CN=Dan,OU=People,DC=corp"), nullptr);
  EXPECT_EQ(full.find("CN=Dan,OU=People,DC=corp")->anchor, r1.new_anchor);
  EXPECT_EQ(full.find("CN=Eve,OU=People,DC=corp")->anchor, r2.new_anchor);
  EXPECT_EQ(full.find("CN=Fay,OU=People,DC=corp")->anchor, std::string(16, '\x07'));
}

TEST_F(LdifConnectorTest, ExportRejectsImpossibleChangesPerObject) {
  auto c = make();
  ASSERT_TRUE(c->begin_export().ok());
  EntryChange dup;
  dup.kind = ChangeKind::kAdd;
  dup.dn = "cn=ann,ou=people,dc=corp";
  ExportResult r = c->export_change(dup);
  EXPECT_EQ(r.status.code(), ErrorCode::kConnectorError);
  EXPECT_NE(r.status.message().find("already exists"), std::string::npos);
  EntryChange gone;
  gone.kind = ChangeKind::kDelete;
  gone.dn = "CN=Nobody,DC=corp";
  r = c->export_change(gone);
  EXPECT_NE(r.status.message().find("no such entry"), std::string::npos) << r.status.message();
  // The run goes on: a valid change after the rejected ones is written.
  EntryChange del;
  del.kind = ChangeKind::kDelete;
  del.dn = "CN=Staff,OU=People,DC=corp";
  EXPECT_TRUE(c->export_change(del).status.ok());
  ASSERT_TRUE(c->end_export().ok());
  std::string wm;
  Collect delta;
  ASSERT_TRUE(c->delta_import(delta, wm).ok());
  ASSERT_EQ(delta.changes.size(), 1u);
  EXPECT_EQ(delta.changes[0].kind, ChangeKind::kDelete);
}

TEST_F(LdifConnectorTest, MoveToNewParentMovesDescendants) {
  auto c = make();
  ASSERT_TRUE(c->begin_export().ok());
  EntryChange ou;
  ou.kind = ChangeKind::kAdd;
  ou.dn = "OU=Former,DC=corp";
  ou.object_type = "organizationalUnit";
  ASSERT_TRUE(c->export_change(ou).status.ok());
  EntryChange move;
  move.kind = ChangeKind::kRename;
  move.dn = "OU=People,DC=corp";
  move.new_dn = "OU=Staff,OU=Former,DC=corp";
  ASSERT_TRUE(c->export_change(move).status.ok());
  // The child under its new DN exists for validation.
  EntryChange mod;
  mod.kind = ChangeKind::kModify;
  mod.dn = "CN=Ann,OU=Staff,OU=Former,DC=corp";
  mod.changes = {{"title", ValueOp::kReplace, {"Moved"}}};
  ExportResult r = c->export_change(mod);
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  ASSERT_TRUE(c->end_export().ok());

  std::ifstream in(fs::path(content_.string() + ".changes") / change_files().back());
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_NE(text.str().find("newsuperior: OU=Former,DC=corp"), std::string::npos) << text.str();

  Collect full;
  std::string wm;
  ASSERT_TRUE(c->full_import(full, wm).ok()) ;
  ASSERT_EQ(full.changes.size(), 4u);
  EXPECT_EQ(full.changes[0].dn, "OU=Staff,OU=Former,DC=corp");
  EXPECT_EQ(full.changes[1].dn, "CN=Ann,OU=Staff,OU=Former,DC=corp");
  EXPECT_EQ(full.changes[2].dn, "CN=Staff,OU=Staff,OU=Former,DC=corp");
  EXPECT_EQ(full.changes[3].dn, "OU=Former,DC=corp");
  Entry ann;
  ann.attributes = full.changes[1].attributes;
  EXPECT_EQ(ann.first("title"), "Moved");
}

TEST_F(LdifConnectorTest, BadChangeFileFailsFullImportWithFileAndLine) {
  fs::path d = content_.string() + ".changes";
  fs::create_directories(d);
  write_file(d / "20240101T000000Z-000001.ldif",
             "version: 1\ndn: CN=Ann,OU=People,DC=corp\nchangetype: explode\n");
  auto c = make();
  Collect sink;
  std::string wm;
  Status s = c->full_import(sink, wm);
  EXPECT_EQ(s.code(), ErrorCode::kParseError);
  EXPECT_NE(s.message().find("20240101T000000Z-000001.ldif line 3 (entry 'CN=Ann,OU=People,DC=corp'): "
                             "unknown changetype 'explode'"),
            std::string::npos)
      << s.message();
}

TEST_F(LdifConnectorTest, DiscoverSchema) {
  ConnectorConfig config;
  config.name = "Files";
  config.type = "ldif";
  config.options = {{"path", content_.string()}};
  config.schema.attributes = {{"mail", AttrType::kReference, false}};
  auto c = registry_.create(config);
  ASSERT_TRUE(c.ok());
  auto schema = (*c)->discover_schema();
  ASSERT_TRUE(schema.ok()) << schema.status().message();
  const SchemaAttribute* guid = schema->find_attribute("objectGUID");
  ASSERT_NE(guid, nullptr);
  EXPECT_EQ(guid->type, AttrType::kBinary);  // Staff's GUID ends in 0xFF: not UTF-8
  EXPECT_FALSE(guid->multi_valued);
  const SchemaAttribute* member = schema->find_attribute("member");
  ASSERT_NE(member, nullptr);
  EXPECT_TRUE(member->multi_valued);
  EXPECT_EQ(member->type, AttrType::kString);
  EXPECT_EQ(schema->find_attribute("mail")->type, AttrType::kReference);  // declared wins
  ASSERT_EQ(schema->object_types.size(), 3u);
  EXPECT_EQ(schema->object_types[1].name, "user");
  EXPECT_NE(std::find(schema->object_types[1].attributes.begin(), schema->object_types[1].attributes.end(),
                      "mail"),
            schema->object_types[1].attributes.end());
}

// A change file holds the same directory data as the content file: it takes the mode and owner
// the administrator set on the content file (the tests run as root in CI, so the owner is
// really given away).
TEST_F(LdifConnectorTest, ChangeFilesTakeTheContentFilesModeAndOwner) {
  ASSERT_EQ(::chmod(content_.c_str(), 0640), 0);
  const bool root = ::geteuid() == 0;
  if (root) {
    ASSERT_EQ(::chown(content_.c_str(), 65534, 65534), 0);
  }
  struct stat content {};
  ASSERT_EQ(::stat(content_.c_str(), &content), 0);
  auto c = make();
  ASSERT_TRUE(c->begin_export().ok());
  for (const auto& e : sample_export()) ASSERT_TRUE(c->export_change(e).status.ok());
  ASSERT_TRUE(c->end_export().ok());
  auto files = change_files();
  ASSERT_EQ(files.size(), 1u);
  struct stat change {};
  fs::path p = fs::path(content_.string() + ".changes") / files[0];
  ASSERT_EQ(::stat(p.c_str(), &change), 0);
  EXPECT_EQ(change.st_mode & 07777, 0640u);
  EXPECT_EQ(change.st_uid, content.st_uid);
  EXPECT_EQ(change.st_gid, content.st_gid);
  if (root) {
    EXPECT_EQ(change.st_uid, 65534u);
  }
  // The content file itself is untouched.
  struct stat again {};
  ASSERT_EQ(::stat(content_.c_str(), &again), 0);
  EXPECT_EQ(again.st_mode & 07777, 0640u);
}

TEST_F(LdifConnectorTest, ANewExportFileAndItsChangeFilesArePrivate) {
  fs::remove(content_);
  mode_t old = ::umask(022);  // the usual umask would leave new files readable by everyone
  auto c = make();
  Status s = c->begin_export();
  EntryChange add;
  add.kind = ChangeKind::kAdd;
  add.dn = "CN=Carol,OU=People,DC=corp";
  add.object_type = "user";
  add.attributes = {{"cn", {"Carol"}}};
  if (s.ok()) s = c->export_change(add).status;
  if (s.ok()) s = c->end_export();
  ::umask(old);
  ASSERT_TRUE(s.ok()) << s.message();
  struct stat st {};
  ASSERT_EQ(::stat(content_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  auto files = change_files();
  ASSERT_EQ(files.size(), 1u);
  fs::path p = fs::path(content_.string() + ".changes") / files[0];
  ASSERT_EQ(::stat(p.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
}

// ---- the export's DN snapshot ------------------------------------------------------------

EntryChange add_change(const std::string& dn) {
  EntryChange c;
  c.kind = ChangeKind::kAdd;
  c.dn = dn;
  c.object_type = "user";
  c.attributes = {Attribute{"cn", {"x"}}};
  return c;
}

EntryChange delete_change(const std::string& dn) {
  EntryChange c;
  c.kind = ChangeKind::kDelete;
  c.dn = dn;
  return c;
}

// Overwrites `p` with bytes that are not LDIF, keeping its size and modification time, so that
// only an export that does not read the file can still succeed.
void garble_keeping_stamp(const fs::path& p) {
  struct stat st {};
  ASSERT_EQ(::stat(p.c_str(), &st), 0);
  {
    std::fstream f(p, std::ios::in | std::ios::out | std::ios::binary);
    f.write(std::string(static_cast<size_t>(st.st_size), '%').data(), st.st_size);
  }
  struct timespec times[2] = {st.st_atim, st.st_mtim};
  ASSERT_EQ(::utimensat(AT_FDCWD, p.c_str(), times, 0), 0);
}

TEST_F(LdifConnectorTest, AnExportLeavesADnSnapshotThatTheNextExportUsesInsteadOfTheFiles) {
  auto c = make();
  ASSERT_TRUE(c->begin_export().ok());
  ASSERT_TRUE(c->export_change(add_change("CN=Cy,OU=People,DC=corp")).status.ok());
  ASSERT_TRUE(c->end_export().ok());
  ASSERT_TRUE(fs::exists(snapshot()));
  EXPECT_EQ(fs::status(snapshot()).permissions() & fs::perms::all, fs::perms::owner_read | fs::perms::owner_write);

  // Neither the content file nor the change file can be parsed now: the next export must
  // still know every DN, including the one the first export added.
  garble_keeping_stamp(content_);
  garble_keeping_stamp(change_dir() / change_files().at(0));
  auto again = make();
  ASSERT_TRUE(again->begin_export().ok());
  ExportResult dup = again->export_change(add_change("cn=cy,ou=people,dc=corp"));
  EXPECT_NE(dup.status.message().find("already exists"), std::string::npos) << dup.status.message();
  dup = again->export_change(add_change("CN=Ann,OU=People,DC=corp"));
  EXPECT_NE(dup.status.message().find("already exists"), std::string::npos) << dup.status.message();
  EXPECT_TRUE(again->export_change(delete_change("CN=Staff,OU=People,DC=corp")).status.ok());
  ExportResult gone = again->export_change(delete_change("CN=Staff,OU=People,DC=corp"));
  EXPECT_NE(gone.status.message().find("no such entry"), std::string::npos) << gone.status.message();
  ASSERT_TRUE(again->end_export().ok());
  EXPECT_EQ(change_files().size(), 2u);
}

TEST_F(LdifConnectorTest, ADnSnapshotThatDoesNotMatchTheFilesIsIgnored) {
  auto c = make();
  ASSERT_TRUE(c->begin_export().ok());
  ASSERT_TRUE(c->export_change(add_change("CN=Cy,OU=People,DC=corp")).status.ok());
  ASSERT_TRUE(c->end_export().ok());

  // The administrator edits the content file by hand: the snapshot must not hide the edit.
  write_file(content_, kBaseline + "\ndn: CN=Dee,OU=People,DC=corp\nobjectClass: user\ncn: Dee\n");
  auto edited = make();
  ASSERT_TRUE(edited->begin_export().ok());
  ExportResult dup = edited->export_change(add_change("CN=Dee,OU=People,DC=corp"));
  EXPECT_NE(dup.status.message().find("already exists"), std::string::npos) << dup.status.message();
  ASSERT_TRUE(edited->end_export().ok());

  // A change file written by someone else after the snapshot is read on top of it.
  write_file(change_dir() / "99999999T000000Z-000001.ldif",
             "version: 1\n\ndn: CN=Eve,OU=People,DC=corp\nchangetype: add\nobjectClass: user\ncn: Eve\n");
  auto newer = make();
  ASSERT_TRUE(newer->begin_export().ok());
  dup = newer->export_change(add_change("CN=Eve,OU=People,DC=corp"));
  EXPECT_NE(dup.status.message().find("already exists"), std::string::npos) << dup.status.message();
  ASSERT_TRUE(newer->end_export().ok());

  // A damaged snapshot (one flipped byte, or cut short) is ignored, never trusted.
  for (int damage = 0; damage < 2; ++damage) {
    {
      std::string bytes;
      {
        std::ifstream in(snapshot(), std::ios::binary);
        bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
      }
      ASSERT_GT(bytes.size(), 40u);
      if (damage == 0) bytes[bytes.size() / 2] ^= 0x20; else bytes.resize(bytes.size() - 9);
      write_file(snapshot(), bytes);
    }
    auto damaged = make();
    ASSERT_TRUE(damaged->begin_export().ok());
    for (const char* dn : {"CN=Cy,OU=People,DC=corp", "CN=Dee,OU=People,DC=corp", "CN=Eve,OU=People,DC=corp"}) {
      dup = damaged->export_change(add_change(dn));
      EXPECT_NE(dup.status.message().find("already exists"), std::string::npos) << dn << ": " << dup.status.message();
    }
    ASSERT_TRUE(damaged->end_export().ok());  // nothing written: the snapshot is rewritten from the files
  }
}

}  // namespace
}  // namespace idsync::file
