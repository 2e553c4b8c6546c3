#include "idsync/file/csv.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "idsync/file/file_connectors.h"
#include "temp_dir.h"

namespace idsync::file {
namespace {

namespace fs = std::filesystem;

std::vector<std::vector<std::string>> read_rows(const std::string& text, Status* error = nullptr,
                                                char delim = ',') {
  std::istringstream in(text);
  CsvReader reader(in, delim, "people.csv");
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> fields;
  for (;;) {
    auto more = reader.next(fields);
    if (!more.ok()) {
      if (error) *error = more.status();
      else ADD_FAILURE() << more.status().message();
      return rows;
    }
    if (!*more) break;
    rows.push_back(fields);
  }
  if (error) *error = Status::Ok();
  return rows;
}

using Rows = std::vector<std::vector<std::string>>;

TEST(Csv, ReadsQuotedFieldsEmbeddedNewlinesAndBothLineEnds) {
  const std::string text =
      "\xEF\xBB\xBF" "dn,cn,description\r\n"
      "\"CN=Lee\\, Ann,DC=x\",Ann,\"two\r\nlines, \"\"quoted\"\"\"\r\n"
      "\n"
      "CN=Bob,Bob,\n"
      "CN=Cy,,\"\"";
  auto rows = read_rows(text);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"dn", "cn", "description"}));
  EXPECT_EQ(rows[1], (std::vector<std::string>{"CN=Lee\\, Ann,DC=x", "Ann", "two\r\nlines, \"quoted\""}));
  EXPECT_EQ(rows[2], (std::vector<std::string>{"CN=Bob", "Bob", ""}));
  EXPECT_EQ(rows[3], (std::vector<std::string>{"CN=Cy", "", ""}));
}

TEST(Csv, Errors) {
  Status s;
  read_rows("a,b\n\"open,x\n", &s);
  EXPECT_EQ(s.code(), ErrorCode::kParseError);
  EXPECT_NE(s.message().find("people.csv line 2: quoted field is not closed"), std::string::npos)
      << s.message();
  read_rows("a,b\nx\"y,z\n", &s);
  EXPECT_NE(s.message().find("line 2: '\"' inside an unquoted field (field 1)"), std::string::npos)
      << s.message();
  read_rows("a,b\n\"x\"y,z\n", &s);
  EXPECT_NE(s.message().find("line 2: unexpected 'y' after a closing quote"), std::string::npos)
      << s.message();
}

TEST(Csv, WriterRoundTrip) {
  const Rows rows = {{"dn", "note", "x"},
                     {"CN=a,DC=x", "has, comma", " lead"},
                     {"CN=b", "has \"quote\"", "trail "},
                     {"CN=c", "multi\nline\r\nend", ""},
                     {"", "", ""},
                     {""}};
  for (char delim : {',', ';', '\t'}) {
    for (const char* nl : {"\r\n", "\n"}) {
      std::ostringstream out;
      CsvWriter writer(out, delim, nl);
      for (const auto& r : rows) ASSERT_TRUE(writer.write_row(r).ok());
      auto back = read_rows(out.str(), nullptr, delim);
      EXPECT_EQ(back, rows) << out.str();
    }
  }
  std::string field;
  CsvWriter::append_field(field, "plain", ',');
  EXPECT_EQ(field, "plain");
  field.clear();
  CsvWriter::append_field(field, "a\"b", ',');
  EXPECT_EQ(field, "\"a\"\"b\"");
}

struct Collect : ImportSink {
  std::vector<EntryChange> changes;
  Status on_change(EntryChange&& c) override {
    changes.push_back(std::move(c));
    return Status::Ok();
  }
};

class CsvConnectorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    register_file_connectors(registry_);
    path_ = dir_.path() / "people.csv";
    std::ofstream(path_, std::ios::binary)
        << "dn,cn,proxyAddresses,photo,employeeId\r\n"
           "\"CN=Lee\\, Ann,OU=P,DC=x\",Ann,smtp:ann@x;SMTP:a@x,AAEC,E1\r\n"
           "\"CN=Bob,OU=P,DC=x\",Bob,,,E2\r\n";
  }
  ConnectorConfig config() const {
    ConnectorConfig c;
    c.name = "HR";
    c.type = "csv";
    c.options = {{"path", path_.string()}, {"anchor", "employeeId"}};
    c.schema.attributes = {{"photo", AttrType::kBinary, false}, {"cn", AttrType::kString, false}};
    return c;
  }
  std::unique_ptr<Connector> make(const ConnectorConfig& c) {
    auto r = registry_.create(c);
    EXPECT_TRUE(r.ok()) << r.status().message();
    return r.ok() ? std::move(r).value() : nullptr;
  }
  std::vector<EntryChange> import_all(Connector& c) {
    Collect sink;
    std::string wm;
    Status s = c.full_import(sink, wm);
    EXPECT_TRUE(s.ok()) << s.message();
    return std::move(sink.changes);
  }

  TempDir dir_{"idsync_csv_test"};
  fs::path path_;
  ConnectorRegistry registry_;
};

TEST_F(CsvConnectorTest, FullImport) {
  auto c = make(config());
  ASSERT_TRUE(c);
  EXPECT_FALSE(c->capabilities().delta_import);
  auto rows = import_all(*c);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].dn, "CN=Lee\\, Ann,OU=P,DC=x");
  EXPECT_EQ(rows[0].object_type, "person");
  EXPECT_EQ(rows[0].anchor, "E1");
  Entry ann;
  ann.attributes = rows[0].attributes;
  EXPECT_EQ(ann.find("proxyAddresses")->values, (ValueList{"smtp:ann@x", "SMTP:a@x"}));
  EXPECT_EQ(ann.first("photo"), std::string("\x00\x01\x02", 3));  // base64 decoded
  EXPECT_EQ(ann.find("dn"), nullptr);
  Entry bob;
  bob.attributes = rows[1].attributes;
  EXPECT_EQ(bob.find("proxyAddresses"), nullptr);  // empty cell: no attribute
}

TEST_F(CsvConnectorTest, DeltaImportIsUnsupported) {
  auto c = make(config());
  Collect sink;
  std::string wm;
  Status s = c->delta_import(sink, wm);
  EXPECT_EQ(s.code(), ErrorCode::kUnsupported);
  EXPECT_EQ(s.message(), "CSV files carry no change history; run a Full Import instead");
}

TEST_F(CsvConnectorTest, ImportErrors) {
  std::ofstream(path_, std::ios::binary) << "dn,cn\nCN=a,A\nCN=b\n";
  auto c = make(config());
  Collect sink;
  std::string wm;
  Status s = c->full_import(sink, wm);
  EXPECT_NE(s.message().find("people.csv line 3: the row has 1 fields but the header has 2"),
            std::string::npos)
      << s.message();
  std::ofstream(path_, std::ios::binary) << "dn,photo\nCN=a,!!\n";
  s = make(config())->full_import(sink, wm);
  EXPECT_NE(s.message().find("line 2 (entry 'CN=a'): value of binary attribute 'photo' is not valid base64"),
            std::string::npos)
      << s.message();
  std::ofstream(path_, std::ios::binary) << "name,cn\nx,y\n";
  s = make(config())->full_import(sink, wm);
  EXPECT_NE(s.message().find("no DN column 'dn'"), std::string::npos) << s.message();
  std::ofstream(path_, std::ios::binary) << "dn\nCN=a\ncn=A\n";
  s = make(config())->full_import(sink, wm);
  EXPECT_NE(s.message().find("line 3: DN 'cn=A' appears again (first on line 2)"), std::string::npos)
      << s.message();
}

TEST_F(CsvConnectorTest, ExportRewritesFileWithChangesApplied) {
  auto c = make(config());
  ASSERT_TRUE(c->begin_export().ok());
  EntryChange add;
  add.kind = ChangeKind::kAdd;
  add.dn = "CN=Cy \\\"the\\\" Third,OU=P,DC=x";
  add.attributes = {{"cn", {"Cy, Jr."}}, {"employeeId", {"E3"}}, {"title", {"Line1\nLine2"}},
                    {"photo", {std::string("\xff\x00", 2)}}};
  EXPECT_TRUE(c->export_change(add).status.ok());
  EntryChange mod;
  mod.kind = ChangeKind::kModify;
  mod.dn = "cn=lee\\, ann,ou=p,dc=x";
  mod.changes = {{"proxyAddresses", ValueOp::kAdd, {"smtp:lee@x"}}, {"photo", ValueOp::kReplace, {}}};
  EXPECT_TRUE(c->export_change(mod).status.ok());
  EntryChange ren;
  ren.kind = ChangeKind::kRename;
  ren.dn = "CN=Bob,OU=P,DC=x";
  ren.new_dn = "CN=Robert,OU=P,DC=x";
  ren.changes = {{"cn", ValueOp::kReplace, {"Robert"}}};
  EXPECT_TRUE(c->export_change(ren).status.ok());
  // Rejected per object, the export goes on.
  EntryChange bad;
  bad.kind = ChangeKind::kModify;
  bad.dn = "CN=Robert,OU=P,DC=x";
  bad.changes = {{"cn", ValueOp::kReplace, {"a", "b"}}};  // cn is declared single-valued
  ExportResult r = c->export_change(bad);
  EXPECT_EQ(r.status.code(), ErrorCode::kConnectorError);
  EXPECT_NE(r.status.message().find("cannot be multi-valued"), std::string::npos);
  EntryChange sep;
  sep.kind = ChangeKind::kModify;
  sep.dn = "CN=Robert,OU=P,DC=x";
  sep.changes = {{"proxyAddresses", ValueOp::kReplace, {"a;b"}}};
  EXPECT_NE(c->export_change(sep).status.message().find("multi-value separator"), std::string::npos);
  EntryChange missing;
  missing.kind = ChangeKind::kDelete;
  missing.dn = "CN=Nobody";
  EXPECT_NE(c->export_change(missing).status.message().find("no such row"), std::string::npos);
  // Nothing is written before end_export.
  {
    std::ifstream in(path_);
    std::stringstream s;
    s << in.rdbuf();
    EXPECT_EQ(s.str().find("Robert"), std::string::npos);
  }
  ASSERT_TRUE(c->end_export().ok());
  EXPECT_FALSE(fs::exists(path_.string() + ".tmp"));

  std::ifstream in(path_);
  std::string header;
  std::getline(in, header);
  EXPECT_EQ(header, "dn,cn,proxyAddresses,photo,employeeId,title\r");

  auto rows = import_all(*make(config()));
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].dn, "CN=Lee\\, Ann,OU=P,DC=x");
  Entry ann;
  ann.attributes = rows[0].attributes;
  EXPECT_EQ(ann.find("proxyAddresses")->values, (ValueList{"smtp:ann@x", "SMTP:a@x", "smtp:lee@x"}));
  EXPECT_EQ(ann.find("photo"), nullptr);
  EXPECT_EQ(rows[1].dn, "CN=Robert,OU=P,DC=x");
  EXPECT_EQ(rows[1].anchor, "E2");
  Entry rob;
  rob.attributes = rows[1].attributes;
  EXPECT_EQ(rob.first("cn"), "Robert");
  EXPECT_EQ(rows[2].dn, add.dn);
  EXPECT_EQ(rows[2].anchor, "E3");
  Entry cy;
  cy.attributes = rows[2].attributes;
  EXPECT_EQ(cy.first("cn"), "Cy, Jr.");
  EXPECT_EQ(cy.first("title"), "Line1\nLine2");
  EXPECT_EQ(cy.first("photo"), std::string("\xff\x00", 2));

  // Delete, then the row is gone.
  auto c2 = make(config());
  ASSERT_TRUE(c2->begin_export().ok());
  EntryChange del;
  del.kind = ChangeKind::kDelete;
  del.dn = "CN=Robert,OU=P,DC=x";
  ASSERT_TRUE(c2->export_change(del).status.ok());
  ASSERT_TRUE(c2->end_export().ok());
  EXPECT_EQ(import_all(*c2).size(), 2u);
}

TEST_F(CsvConnectorTest, ObjectTypeColumnDelimiterAndNewFile) {
  fs::remove(path_);
  ConnectorConfig cfg = config();
  cfg.options["object_type_column"] = "type";
  cfg.options["delimiter"] = "tab";
  cfg.options["multi_value_separator"] = "|";
  auto c = make(cfg);
  ASSERT_TRUE(c->begin_export().ok());
  EntryChange add;
  add.kind = ChangeKind::kAdd;
  add.dn = "CN=G,DC=x";
  add.object_type = "group";
  add.attributes = {{"member", {"CN=a;b,DC=x", "CN=c,DC=x"}}};
  ASSERT_TRUE(c->export_change(add).status.ok());
  ASSERT_TRUE(c->end_export().ok());
  std::ifstream in(path_);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), "dn\ttype\tmember\r\nCN=G,DC=x\tgroup\tCN=a;b,DC=x|CN=c,DC=x\r\n");
  auto rows = import_all(*c);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].object_type, "group");
  EXPECT_EQ(rows[0].attributes[0].values, (ValueList{"CN=a;b,DC=x", "CN=c,DC=x"}));
  auto schema = c->discover_schema();
  ASSERT_TRUE(schema.ok());
  EXPECT_TRUE(schema->find_attribute("member")->multi_valued);
  ASSERT_EQ(schema->object_types.size(), 1u);
  EXPECT_EQ(schema->object_types[0].name, "group");
}

// The rewrite (temp file + rename) keeps what the administrator set on the file: its mode and
// its owner and group (the tests run as root in CI, so the owner is really given away).
TEST_F(CsvConnectorTest, ExportKeepsTheFileModeAndOwner) {
  ASSERT_EQ(::chmod(path_.c_str(), 0640), 0);
  const bool root = ::geteuid() == 0;
  if (root) {
    ASSERT_EQ(::chown(path_.c_str(), 65534, 65534), 0);
  }
  struct stat before {};
  ASSERT_EQ(::stat(path_.c_str(), &before), 0);
  auto c = make(config());
  ASSERT_TRUE(c->begin_export().ok());
  EntryChange mod;
  mod.kind = ChangeKind::kModify;
  mod.dn = "CN=Bob,OU=P,DC=x";
  mod.changes = {{"cn", ValueOp::kReplace, {"Robert"}}};
  ASSERT_TRUE(c->export_change(mod).status.ok());
  ASSERT_TRUE(c->end_export().ok());
  struct stat after {};
  ASSERT_EQ(::stat(path_.c_str(), &after), 0);
  EXPECT_NE(after.st_ino, before.st_ino) << "the file was rewritten, not edited in place";
  EXPECT_EQ(after.st_mode & 07777, 0640u);
  EXPECT_EQ(after.st_uid, before.st_uid);
  EXPECT_EQ(after.st_gid, before.st_gid);
  if (root) {
    EXPECT_EQ(after.st_uid, 65534u);
  }
  EXPECT_FALSE(fs::exists(path_.string() + ".tmp"));
}

TEST_F(CsvConnectorTest, ANewExportFileIsPrivate) {
  fs::remove(path_);
  mode_t old = ::umask(022);  // the usual umask would leave a new file readable by everyone
  auto c = make(config());
  ASSERT_TRUE(c->begin_export().ok());
  EntryChange add;
  add.kind = ChangeKind::kAdd;
  add.dn = "CN=New,OU=P,DC=x";
  add.attributes = {{"cn", {"New"}}, {"employeeId", {"E9"}}};
  ASSERT_TRUE(c->export_change(add).status.ok());
  Status s = c->end_export();
  ::umask(old);
  ASSERT_TRUE(s.ok()) << s.message();
  struct stat st {};
  ASSERT_EQ(::stat(path_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
}

}  // namespace
}  // namespace idsync::file
