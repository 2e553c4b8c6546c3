// csexport against a real engine: two LDIF directories, real rules, Full Import + Sync, then a
// delta that leaves the target with pending exports of every kind (add, single-valued update,
// multi-valued string and reference updates, delete). The XML is read back with pugixml.
#include <sys/wait.h>

#include <pugixml.hpp>
#include <sstream>

#include "idsync/csanalyzer.h"
#include "idsync/csexport.h"
#include "ops/object_views.h"
#include "store/store.h"
#include "sync/scenario.h"

namespace idsync::scenario {
namespace {

const std::string kTitle = "R&D <Lead> \"Ann\" & 'co' ]]> &amp;";
const std::string kDeeDepartment = std::string("Ops") + '\x01' + "Team";

SyncRule* find_rule(Configuration& c, const std::string& name) {
  for (SyncRule& r : c.rules)
    if (r.name == name) return &r;
  return nullptr;
}

class CsExportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    standard_setup(s_);
    // Multi-valued strings flow too; u6 fails its flow (an import/sync error).
    find_rule(s_.config(), "In from HR - User")->flows.push_back(direct("proxyAddresses", "proxyAddresses"));
    for (AttributeFlow& f : find_rule(s_.config(), "In from HR - User")->flows)
      if (f.destination == "employeeID")
        f = expression("employeeID", "IIF([uid] = \"u6\", Error(\"u6 may not sync\"), [uid])", {"uid"});
    find_rule(s_.config(), "Out to DIR - User")->flows.push_back(direct("proxyAddresses", "proxyAddresses"));
    s_.set_content("hr", hr_user("u1", "Ann Lee", "title: Engineer\nproxyAddresses: smtp:ann@hr\nproxyAddresses: smtp:a.lee@hr\n") +
                             hr_user("u2", "Bob Ray") + hr_user("u3", "Cid Moe") + hr_user("u5", "Dan Fox") +
                             hr_user("u6", "Eve Err") +
                             hr_group("g1", "Staff", {"CN=Ann Lee,OU=People,DC=hr", "CN=Bob Ray,OU=People,DC=hr"}) +
                             "dn: OU=People,DC=hr\nobjectClass: organizationalUnit\nuid: ou-people\n\n");
    ASSERT_TRUE(s_.apply().ok());
    initial_round(s_);
    ASSERT_GE(s_.directory("dir").size(), 5u);

    s_.add_changes("hr",
                   "dn: CN=Ann Lee,OU=People,DC=hr\nchangetype: modify\nreplace: title\ntitle: " + kTitle +
                       "\n-\nadd: proxyAddresses\nproxyAddresses: smtp:ann.lee@hr\n-\ndelete: proxyAddresses\n"
                       "proxyAddresses: smtp:a.lee@hr\n-\n\n"
                       "dn: CN=Staff,OU=Groups,DC=hr\nchangetype: modify\nadd: member\nmember: CN=Cid Moe,OU=People,DC=hr\n"
                       "-\ndelete: member\nmember: CN=Bob Ray,OU=People,DC=hr\n-\n\n"
                       "dn: CN=Dan Fox,OU=People,DC=hr\nchangetype: delete\n\n"
                       "dn: CN=Dee Poe,OU=People,DC=hr\nchangetype: add\nobjectClass: top\nobjectClass: user\nuid: u4\n"
                       "cn: Dee Poe\ngivenName: Dee\nsn: Poe\ndepartment:: T3BzAVRlYW0=\n\n");
    s_.run("hr", "Delta Import");
  }

  void sync() { s_.run("hr", "Delta Synchronization"); }

  std::string path(const std::string& name) const { return (s_.dir() / name).string(); }

  // Runs csexport and parses the file back.
  pugi::xml_node export_xml(const std::string& connector, CsExportFilter filter = {}, CsExportSections sections = {}) {
    CsExportRequest r;
    r.store_path = s_.store_path();
    r.connector = connector;
    r.file = path("out" + std::to_string(++files_) + ".xml");
    r.filter = std::move(filter);
    r.sections = sections;
    auto stats = csexport(r);
    EXPECT_TRUE(stats.ok()) << stats.status().to_string();
    last_file_ = r.file;
    pugi::xml_parse_result parsed = doc_.load_file(r.file.c_str(), pugi::parse_default | pugi::parse_ws_pcdata_single);
    EXPECT_TRUE(parsed) << parsed.description() << "\n" << read_text(r.file);
    return doc_.child("cs-objects");
  }

  static std::vector<std::string> dns(pugi::xml_node root) {
    std::vector<std::string> out;
    for (pugi::xml_node o : root.children("cs-object")) out.push_back(o.attribute("cs-dn").value());
    std::sort(out.begin(), out.end());
    return out;
  }

  static pugi::xml_node object(pugi::xml_node root, const std::string& dn) {
    for (pugi::xml_node o : root.children("cs-object"))
      if (std::string(o.attribute("cs-dn").value()) == dn) return o;
    return {};
  }

  static pugi::xml_node attr(pugi::xml_node parent, const std::string& name) {
    for (pugi::xml_node a : parent.children())
      if ((std::string(a.name()) == "attr" || std::string(a.name()) == "dn-attr") && name == a.attribute("name").value())
        return a;
    return {};
  }

  Scenario s_;
  pugi::xml_document doc_;
  std::string last_file_;
  int files_ = 0;
};

TEST_F(CsExportTest, PendingImportsFilterListsWhatTheDeltaImportStaged) {
  pugi::xml_node root = export_xml("hr", {CsExportFilterKind::kPendingImports, ""});
  EXPECT_EQ(dns(root), (std::vector<std::string>{"CN=Ann Lee,OU=People,DC=hr", "CN=Dan Fox,OU=People,DC=hr",
                                                  "CN=Dee Poe,OU=People,DC=hr", "CN=Staff,OU=Groups,DC=hr"}));
  pugi::xml_node dee = object(root, "CN=Dee Poe,OU=People,DC=hr").child("pending-import").child("delta");
  EXPECT_STREQ(dee.attribute("operation").value(), "add");
  EXPECT_STREQ(object(root, "CN=Dan Fox,OU=People,DC=hr").child("pending-import").child("delta").attribute("operation").value(),
               "delete");
  pugi::xml_node ann = object(root, "CN=Ann Lee,OU=People,DC=hr");
  EXPECT_STREQ(ann.child("pending-import").child("delta").attribute("operation").value(), "update");
  EXPECT_STREQ(attr(ann.child("pending-import").child("delta"), "title").attribute("operation").value(), "replace");
  EXPECT_TRUE(ann.child("pending-import-hologram").child("entry"));
  EXPECT_TRUE(ann.child("synchronized-hologram").child("entry"));
}

TEST_F(CsExportTest, PendingExportsCarryAddUpdateMultiValuedAndDelete) {
  sync();
  pugi::xml_node root = export_xml("dir", {CsExportFilterKind::kPendingExports, ""});
  ASSERT_EQ(dns(root), (std::vector<std::string>{"CN=Ann Lee,OU=People,DC=dir", "CN=Dan Fox,OU=People,DC=dir",
                                                  "CN=Dee Poe,OU=People,DC=dir", "CN=Staff,OU=Groups,DC=dir"}))
      << read_text(last_file_);

  // Add: every attribute, no operations, not yet an anchor; the control character goes base64.
  pugi::xml_node dee = object(root, "CN=Dee Poe,OU=People,DC=dir");
  EXPECT_STREQ(dee.attribute("object-type").value(), "user");
  pugi::xml_node add = dee.child("unapplied-export").child("delta");
  EXPECT_STREQ(add.attribute("operation").value(), "add");
  EXPECT_STREQ(add.attribute("dn").value(), "CN=Dee Poe,OU=People,DC=dir");
  EXPECT_STREQ(add.child_value("primary-objectclass"), "user");
  pugi::xml_node department = attr(add, "department");
  EXPECT_STREQ(department.attribute("type").value(), "string");
  EXPECT_STREQ(department.attribute("multivalued").value(), "false");
  EXPECT_TRUE(department.attribute("operation").empty());
  EXPECT_STREQ(department.child("value").attribute("encoding").value(), "base64");
  EXPECT_EQ(base64_decode(department.child_value("value")).value_or("?"), kDeeDepartment);
  EXPECT_STREQ(attr(add, "displayName").child_value("value"), "Dee Poe");
  EXPECT_FALSE(dee.child("synchronized-hologram"));
  EXPECT_TRUE(dee.child("unapplied-export-hologram").child("entry"));
  EXPECT_STREQ(dee.child_value("connector"), "1");
  EXPECT_STREQ(dee.child_value("connector-state"), "normal");

  // Update: a single-valued replace (XML specials intact) and a multi-valued value update.
  pugi::xml_node ann = object(root, "CN=Ann Lee,OU=People,DC=dir");
  pugi::xml_node update = ann.child("unapplied-export").child("delta");
  EXPECT_STREQ(update.attribute("operation").value(), "update");
  EXPECT_FALSE(update.child_value("anchor") == std::string());
  EXPECT_STREQ(update.child("anchor").attribute("encoding").value(), "base64");
  pugi::xml_node title = attr(update, "title");
  EXPECT_STREQ(title.attribute("operation").value(), "replace");
  EXPECT_EQ(std::string(title.child_value("value")), kTitle);
  pugi::xml_node proxies = attr(update, "proxyAddresses");
  EXPECT_STREQ(proxies.attribute("multivalued").value(), "true");
  EXPECT_STREQ(proxies.attribute("operation").value(), "update");
  std::vector<std::string> ops;
  for (pugi::xml_node v : proxies.children("value")) ops.push_back(std::string(v.attribute("operation").value()) + ":" + v.child_value());
  EXPECT_EQ(ops, (std::vector<std::string>{"add:smtp:ann.lee@hr", "delete:smtp:a.lee@hr"}));
  EXPECT_EQ(std::string(attr(ann.child("synchronized-hologram").child("entry"), "title").child_value("value")), "Engineer");
  EXPECT_STREQ(attr(ann.child("synchronized-hologram").child("entry"), "guid").attribute("type").value(), "binary");

  // Reference attributes are <dn-attr> with <dn-value><dn>.
  pugi::xml_node staff = object(root, "CN=Staff,OU=Groups,DC=dir").child("unapplied-export").child("delta");
  pugi::xml_node member = attr(staff, "member");
  EXPECT_STREQ(member.name(), "dn-attr");
  EXPECT_STREQ(member.attribute("operation").value(), "update");
  ops.clear();
  for (pugi::xml_node v : member.children("dn-value")) ops.push_back(std::string(v.attribute("operation").value()) + ":" + v.child_value("dn"));
  EXPECT_EQ(ops, (std::vector<std::string>{"add:CN=Cid Moe,OU=People,DC=dir", "delete:CN=Bob Ray,OU=People,DC=dir"}));

  // Delete: the object, nothing else.
  pugi::xml_node del = object(root, "CN=Dan Fox,OU=People,DC=dir").child("unapplied-export").child("delta");
  EXPECT_STREQ(del.attribute("operation").value(), "delete");
  EXPECT_FALSE(del.child("attr"));
  EXPECT_STREQ(object(root, "CN=Dan Fox,OU=People,DC=dir").child_value("connector"), "0");
}

TEST_F(CsExportTest, EveryObjectWithoutAFilterAndEachFilterSelectsItsObjects) {
  sync();
  pugi::xml_node all = export_xml("dir");
  std::vector<std::string> every = dns(all);
  EXPECT_EQ(every.size(), s_.cs_list("dir").size());
  std::string ann_id = object(all, "CN=Ann Lee,OU=People,DC=dir").attribute("id").value();
  std::string ann_anchor = object(all, "CN=Ann Lee,OU=People,DC=dir").child("synchronized-hologram").child("entry").child_value("anchor");
  ASSERT_FALSE(ann_anchor.empty());

  const std::vector<std::string> ann = {"CN=Ann Lee,OU=People,DC=dir"};
  EXPECT_EQ(dns(export_xml("dir", {CsExportFilterKind::kDn, "cn=ann lee,ou=people,dc=dir"})), ann);
  EXPECT_EQ(dns(export_xml("dir", {CsExportFilterKind::kDn, ann_anchor})), ann);  // an anchor works too
  EXPECT_EQ(dns(export_xml("dir", {CsExportFilterKind::kRdn, "CN=Ann Lee"})), ann);
  EXPECT_EQ(dns(export_xml("dir", {CsExportFilterKind::kGuid, ann_id})), ann);
  EXPECT_EQ(dns(export_xml("dir", {CsExportFilterKind::kGuid, std::to_string(parse_cs_object_guid(ann_id))})), ann);
  EXPECT_TRUE(dns(export_xml("dir", {CsExportFilterKind::kDn, "CN=Nobody,DC=dir"})).empty());

  // hr: the OU no rule takes is the disconnector; Eve's flow failed.
  std::vector<std::string> disconnectors = dns(export_xml("hr", {CsExportFilterKind::kDisconnectors, ""}));
  EXPECT_NE(std::find(disconnectors.begin(), disconnectors.end(), "OU=People,DC=hr"), disconnectors.end());
  EXPECT_EQ(std::find(disconnectors.begin(), disconnectors.end(), "CN=Ann Lee,OU=People,DC=hr"), disconnectors.end());

  pugi::xml_node errors = export_xml("hr", {CsExportFilterKind::kImportErrors, ""});
  EXPECT_EQ(dns(errors), (std::vector<std::string>{"CN=Eve Err,OU=People,DC=hr"}));
  std::string literal = errors.child("cs-object").child("import-errordetail").child("import-status").child_value("error-literal");
  EXPECT_NE(literal.find("u6 may not sync"), std::string::npos) << literal;
  EXPECT_TRUE(dns(export_xml("dir", {CsExportFilterKind::kExportErrors, ""})).empty());
}

TEST_F(CsExportTest, ExportErrorsFilterShowsTheDirectorysMessage) {
  sync();
  {
    // A failed export as the export step records it (the LDIF directory never refuses one).
    auto store = Store::open(s_.store_path(), OpenMode::kMustExist);
    ASSERT_TRUE(store.ok()) << store.status().to_string();
    auto rows = (*store)->load_connectors();
    ASSERT_TRUE(rows.ok());
    ConnectorId dir = 0;
    for (const ConnectorRow& r : *rows)
      if (r.name == "dir") dir = r.id;
    auto ann = (*store)->find_cs_by_dn(dir, "CN=Ann Lee,OU=People,DC=dir");
    ASSERT_TRUE(ann.ok() && ann->has_value());
    CsObject o = **ann;
    o.export_error = true;
    o.error = "constraint violation <title> & more";
    ASSERT_TRUE((*store)->begin().ok());
    ASSERT_TRUE((*store)->put_cs(o).ok());
    ASSERT_TRUE((*store)->commit().ok());
  }
  pugi::xml_node root = export_xml("dir", {CsExportFilterKind::kExportErrors, ""});
  ASSERT_EQ(dns(root), (std::vector<std::string>{"CN=Ann Lee,OU=People,DC=dir"}));
  pugi::xml_node detail = root.child("cs-object").child("export-errordetail");
  EXPECT_STREQ(detail.child("export-status").child("cd-error").child_value("error-literal"),
               "constraint violation <title> & more");
}

TEST_F(CsExportTest, OutputOptionsChooseTheParts) {
  sync();
  auto deltas_only = parse_csexport_sections("d");
  ASSERT_TRUE(deltas_only.ok());
  pugi::xml_node ann = object(export_xml("dir", {CsExportFilterKind::kDn, "CN=Ann Lee,OU=People,DC=dir"}, *deltas_only),
                              "CN=Ann Lee,OU=People,DC=dir");
  ASSERT_TRUE(ann);
  EXPECT_TRUE(ann.child("unapplied-export"));
  EXPECT_FALSE(ann.child("synchronized-hologram"));
  EXPECT_FALSE(ann.child("connector"));
  auto holograms = parse_csexport_sections("hb");
  ASSERT_TRUE(holograms.ok());
  ann = object(export_xml("dir", {CsExportFilterKind::kDn, "CN=Ann Lee,OU=People,DC=dir"}, *holograms),
               "CN=Ann Lee,OU=People,DC=dir");
  EXPECT_FALSE(ann.child("unapplied-export"));
  EXPECT_TRUE(ann.child("synchronized-hologram"));
  EXPECT_TRUE(ann.child("connector-state"));
}

TEST_F(CsExportTest, RefusesToOverwriteAnExistingFile) {
  std::string file = path("exists.xml");
  write_text(file, "keep me");
  CsExportRequest r;
  r.store_path = s_.store_path();
  r.connector = "dir";
  r.file = file;
  auto stats = csexport(r);
  ASSERT_FALSE(stats.ok());
  EXPECT_EQ(stats.status().code(), ErrorCode::kIoError);
  EXPECT_NE(stats.status().message().find("already exists"), std::string::npos) << stats.status().message();
  EXPECT_EQ(read_text(file), "keep me");

  r.file = path("new.xml");
  r.connector = "nosuch";
  stats = csexport(r);
  EXPECT_EQ(stats.status().code(), ErrorCode::kNotFound);
  EXPECT_FALSE(fs::exists(r.file));  // nothing created for a failed export
}

TEST_F(CsExportTest, CommandLineTakesMimSwitchesAndExitsThreeOnAnExistingFile) {
  sync();
  auto run = [&](const std::string& args) {
    std::string cmd = std::string(IDSYNC_CLI_PATH) + " --store '" + s_.store_path() + "' " + args + " 2>/dev/null";
    int rc = std::system(cmd.c_str());
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  };
  std::string out = path("cli.xml");
  EXPECT_EQ(run("csexport dir '" + out + "' '/f:d=CN=Ann Lee,OU=People,DC=dir' /o:d"), 0);
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_file(out.c_str()));
  EXPECT_EQ(dns(doc.child("cs-objects")), (std::vector<std::string>{"CN=Ann Lee,OU=People,DC=dir"}));
  EXPECT_FALSE(doc.child("cs-objects").child("cs-object").child("connector"));
  EXPECT_EQ(run("csexport dir '" + out + "' /f:x"), 3);
  EXPECT_EQ(run("csexport dir '" + path("cli2.xml") + "' --pending-exports"), 0);
  pugi::xml_document doc2;
  ASSERT_TRUE(doc2.load_file(path("cli2.xml").c_str()));
  EXPECT_EQ(dns(doc2.child("cs-objects")).size(), 4u);
  EXPECT_EQ(run("csexport dir '" + path("cli3.xml") + "' /f:x /f:s"), 2);  // one filter at most
  EXPECT_EQ(run("csexport dir '" + path("cli4.xml") + "' /f:q"), 2);
  EXPECT_EQ(run("csanalyzer '" + path("cli2.xml") + "' --out '" + path("cli2.csv") + "'"), 0);
  EXPECT_EQ(read_text(path("cli2.csv")).rfind(std::string(kCsAnalyzerHeader) + "\r\n", 0), 0u);
}

// The analyzer over our own file: exact rows for add / update / multi-valued / delete.
// RFC 4180 rows of the analyzer's CSV (header included).
std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows(1);
  std::string cell;
  bool quoted = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        cell += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        cell += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      rows.back().push_back(std::move(cell));
      cell.clear();
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      rows.back().push_back(std::move(cell));
      cell.clear();
      rows.emplace_back();
      ++i;
    } else {
      cell += c;
    }
  }
  if (rows.back().empty()) rows.pop_back();
  return rows;
}

// An entry as comparable text: attributes sorted by name, values in order.
std::string entry_text(const Entry& e) {
  std::map<std::string, ValueList> attrs;
  for (const Attribute& a : e.attributes) attrs[to_lower_ascii(a.name)] = a.values;
  std::string out;
  for (const auto& [name, values] : attrs)
    for (const std::string& v : values) out += name + "=" + v + "\n";
  return out;
}

// A staging server's pending exports, reviewed with csexport + the analyzer, are exactly what
// goes out when it is switched to active: every object the analyzer listed, with its operation,
// and nothing else.
TEST_F(CsExportTest, SwitchingStagingToActiveExportsExactlyWhatTheAnalyzerShowed) {
  SchedulerSettings settings;
  settings.staging_mode_enabled = true;
  ASSERT_TRUE(s_.server().set_scheduler(settings).ok());
  CycleResult staged = s_.cycle(CyclePolicy::kDelta);
  ASSERT_TRUE(staged.staging_mode);
  auto before = s_.directory("dir");

  export_xml("dir", {CsExportFilterKind::kPendingExports, ""});
  std::ifstream in(last_file_, std::ios::binary);
  std::ostringstream csv;
  auto summary = analyze_csexport(in, csv, CsAnalyzerOptions{});
  ASSERT_TRUE(summary.ok()) << summary.status().to_string();
  std::map<std::string, std::string> shown;  // normalized DN → OMODT
  auto rows = parse_csv(csv.str());
  ASSERT_FALSE(rows.empty());
  EXPECT_EQ(rows[0].size(), 13u);
  for (size_t i = 1; i < rows.size(); ++i) shown[normalized(rows[i].at(1))] = rows[i].at(2);
  ASSERT_EQ(shown.size(), 4u) << csv.str();

  settings.staging_mode_enabled = false;
  ASSERT_TRUE(s_.server().set_scheduler(settings).ok());
  CycleResult active = s_.cycle(CyclePolicy::kDelta);
  EXPECT_EQ(active.result, "Success");
  auto after = s_.directory("dir");

  std::map<std::string, std::string> changed;  // what the directory shows happened
  for (const auto& [dn, e] : after) {
    auto old = before.find(dn);
    if (old == before.end()) {
      changed[dn] = "Add";
    } else if (entry_text(old->second) != entry_text(e)) {
      changed[dn] = "Update";
    }
  }
  for (const auto& [dn, e] : before)
    if (!after.count(dn)) changed[dn] = "Delete";
  EXPECT_EQ(changed, shown);
  uint64_t adds = 0, updates = 0, deletes = 0;
  for (const RunResult& r : active.runs)
    if (r.connector == "dir" && r.run_profile == "Export") {
      adds += counter(r.steps[0], "export-add");
      updates += counter(r.steps[0], "export-update");
      deletes += counter(r.steps[0], "export-delete");
    }
  EXPECT_EQ(adds, summary->by_omodt["Add"].objects);
  EXPECT_EQ(updates, summary->by_omodt["Update"].objects);
  EXPECT_EQ(deletes, summary->by_omodt["Delete"].objects);
  EXPECT_EQ(json::parse(*s_.server().cs_list_json("dir", true, 0)).size(), 0u) << "something was left pending";
}

TEST_F(CsExportTest, AnalyzerRowsForOurPendingExports) {
  sync();
  export_xml("dir", {CsExportFilterKind::kPendingExports, ""});
  std::ifstream in(last_file_, std::ios::binary);
  std::ostringstream csv;
  auto summary = analyze_csexport(in, csv, CsAnalyzerOptions{});
  ASSERT_TRUE(summary.ok()) << summary.status().to_string();
  std::string expected = std::string(kCsAnalyzerHeader) + "\r\n" +
                         "user,\"CN=Ann Lee,OU=People,DC=dir\",Update,2,proxyAddresses,Update,string,True,2,1,1,,\r\n"
                         "user,\"CN=Ann Lee,OU=People,DC=dir\",Update,2,title,Replace,string,False,2,1,1,Engineer,"
                         "\"R&D <Lead> \"\"Ann\"\" & 'co' ]]> &amp;\"\r\n"
                         "user,\"CN=Dan Fox,OU=People,DC=dir\",Delete,0,,,,,,,,,\r\n"
                         "group,\"CN=Staff,OU=Groups,DC=dir\",Update,1,member,Update,reference,True,2,1,1,,\r\n"
                         "user,\"CN=Dee Poe,OU=People,DC=dir\",Add,4,cn,Add,string,False,1,1,0,,Dee Poe\r\n"
                         "user,\"CN=Dee Poe,OU=People,DC=dir\",Add,4,department,Add,string,False,1,1,0,,T3BzAVRlYW0=\r\n"
                         "user,\"CN=Dee Poe,OU=People,DC=dir\",Add,4,displayName,Add,string,False,1,1,0,,Dee Poe\r\n"
                         "user,\"CN=Dee Poe,OU=People,DC=dir\",Add,4,uid,Add,string,False,1,1,0,,u4\r\n";
  EXPECT_EQ(csv.str(), expected);
  EXPECT_EQ(summary->objects_read, 4u);
  EXPECT_EQ(summary->by_omodt["Add"].objects, 1u);
  EXPECT_EQ(summary->by_omodt["Update"].objects, 2u);
  EXPECT_EQ(summary->by_omodt["Update"].attribute_changes, 3u);
  EXPECT_EQ(summary->by_omodt["Delete"].objects, 1u);
}

TEST(CsExportArgs, FiltersOutputsAndIds) {
  auto f = parse_csexport_filter("d=\"CN=Ann,DC=x\"");
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->kind, CsExportFilterKind::kDn);
  EXPECT_EQ(f->value, "CN=Ann,DC=x");
  EXPECT_EQ(parse_csexport_filter("x")->kind, CsExportFilterKind::kPendingExports);
  EXPECT_EQ(parse_csexport_filter("m")->kind, CsExportFilterKind::kPendingImports);
  EXPECT_EQ(parse_csexport_filter("s")->kind, CsExportFilterKind::kDisconnectors);
  EXPECT_EQ(parse_csexport_filter("i")->kind, CsExportFilterKind::kImportErrors);
  EXPECT_EQ(parse_csexport_filter("e")->kind, CsExportFilterKind::kExportErrors);
  EXPECT_EQ(parse_csexport_filter("r=CN=Ann")->kind, CsExportFilterKind::kRdn);
  EXPECT_EQ(parse_csexport_filter("g={00000000-0000-0000-0000-00000000002A}")->value, "{00000000-0000-0000-0000-00000000002A}");
  EXPECT_EQ(parse_csexport_filter("q").status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(parse_csexport_filter("d=").status().code(), ErrorCode::kInvalidArgument);
  auto o = parse_csexport_sections("eh");
  ASSERT_TRUE(o.ok());
  EXPECT_TRUE(o->errors && o->holograms);
  EXPECT_FALSE(o->deltas || o->base || o->pending_imports);
  EXPECT_FALSE(parse_csexport_sections("z").ok());
  EXPECT_EQ(format_cs_object_guid(42), "{00000000-0000-0000-0000-00000000002A}");
  EXPECT_EQ(parse_cs_object_guid("{00000000-0000-0000-0000-00000000002A}"), 42u);
  EXPECT_EQ(parse_cs_object_guid("00000000-0000-0000-0001-000000000000"), 1ull << 48);
  EXPECT_EQ(parse_cs_object_guid("42"), 42u);
  EXPECT_EQ(parse_cs_object_guid("{68C3525F-1235-41EE-BD97-431BE85A0ACA}"), 0u);
}

}  // namespace
}  // namespace idsync::scenario
