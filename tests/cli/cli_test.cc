// The idsync command line end to end: the real binary (IDSYNC_CLI_PATH) on a temporary store.
#include <sys/wait.h>

#include <cstdio>

#include "store/store.h"
#include "sync/scenario.h"

namespace idsync::scenario {
namespace {

struct CliResult {
  int code = -1;
  std::string out, err;
};

std::string quote(const std::string& arg) {
  std::string q = "'";
  for (char c : arg) {
    if (c == '\'') {
      q += "'\\''";
    } else {
      q.push_back(c);
    }
  }
  return q + "'";
}

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    standard_setup(s_);
    s_.set_content("hr", hr_user("u1", "Ann Lee", "title: Clerk\n") + hr_user("u2", "Bob Ray") +
                             hr_group("g1", "Staff", {"CN=Ann Lee,OU=People,DC=hr"}));
    store_ = (s_.dir() / "cli.db").string();
    config_file_ = (s_.dir() / "config.json").string();
    write_text(config_file_, write_configuration(s_.config()));
  }

  // Runs idsync with `args` (the store flag first unless `with_store` is false).
  CliResult idsync(const std::vector<std::string>& args, bool with_store = true) {
    std::string err_file = (s_.dir() / "stderr.txt").string();
    std::string cmd = quote(IDSYNC_CLI_PATH);
    if (with_store) cmd += " --no-progress --store " + quote(store_);
    for (const std::string& a : args) cmd += " " + quote(a);
    cmd += " 2>" + quote(err_file);
    CliResult r;
    FILE* p = popen(cmd.c_str(), "r");
    if (p == nullptr) return r;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
    int status = pclose(p);
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.err = read_text(err_file);
    return r;
  }

  void ready() {
    ASSERT_EQ(idsync({"store", "create"}).code, 0);
    CliResult r = idsync({"config", "import", config_file_});
    ASSERT_EQ(r.code, 0) << r.err;
  }

  Scenario s_;
  std::string store_, config_file_;
};

TEST_F(CliTest, StoreCreateAndConfigRoundTripIsExact) {
  CliResult create = idsync({"store", "create"});
  EXPECT_EQ(create.code, 0) << create.err;
  EXPECT_NE(create.out.find("server store ready"), std::string::npos) << create.out;
  EXPECT_TRUE(fs::exists(store_));

  CliResult imp = idsync({"config", "import", config_file_});
  EXPECT_EQ(imp.code, 0) << imp.err;
  EXPECT_NE(imp.out.find("imported 2 connectors and 6 sync rules"), std::string::npos) << imp.out;

  std::string first = (s_.dir() / "export1.json").string(), second = (s_.dir() / "export2.json").string();
  ASSERT_EQ(idsync({"config", "export", first}).code, 0);
  ASSERT_EQ(idsync({"config", "import", first}).code, 0);
  ASSERT_EQ(idsync({"config", "export", second}).code, 0);
  std::string a = read_text(first), b = read_text(second);
  EXPECT_FALSE(a.empty());
  EXPECT_EQ(a, b);
  // To stdout, the same text.
  CliResult to_stdout = idsync({"config", "export"});
  EXPECT_EQ(to_stdout.code, 0);
  EXPECT_EQ(to_stdout.out, a);
  // And what was exported is what was imported.
  auto parsed = parse_configuration(a);
  ASSERT_TRUE(parsed.ok()) << parsed.status().to_string();
  EXPECT_EQ(parsed->rules.size(), s_.config().rules.size());
  EXPECT_EQ(parsed->rules[0].flows, s_.config().rules[0].flows);

  CliResult connectors = idsync({"connector", "list"});
  EXPECT_EQ(connectors.code, 0);
  EXPECT_NE(connectors.out.find("hr\tldif\ton-premises"), std::string::npos) << connectors.out;
  EXPECT_NE(connectors.out.find("dir\tldif\tcloud"), std::string::npos) << connectors.out;
}

TEST_F(CliTest, RunShowAndHistory) {
  ready();
  if (HasFatalFailure()) return;
  CliResult imp = idsync({"run", "hr", "Full Import"});
  EXPECT_EQ(imp.code, 0) << imp.err;
  EXPECT_NE(imp.out.find("stage-add 3"), std::string::npos) << imp.out;
  CliResult sync = idsync({"run", "hr", "Full Synchronization"});
  EXPECT_EQ(sync.code, 0) << sync.err;
  EXPECT_NE(sync.out.find("projected 3"), std::string::npos) << sync.out;

  CliResult show = idsync({"cs", "show", "hr", "CN=Ann Lee,OU=People,DC=hr"});
  ASSERT_EQ(show.code, 0) << show.err;
  json cs = json::parse(show.out);
  EXPECT_EQ(cs["dn"], "CN=Ann Lee,OU=People,DC=hr");
  EXPECT_EQ(cs["hologram"]["title"], json::array({"Clerk"}));
  uint64_t mv_id = cs["mvObjectId"].get<uint64_t>();
  ASSERT_NE(mv_id, 0u);
  CliResult by_anchor = idsync({"cs", "show", "hr", "anchor:dTE="});  // base64("u1")
  EXPECT_EQ(by_anchor.code, 0) << by_anchor.err;

  CliResult mv = idsync({"mv", "show", std::to_string(mv_id)});
  ASSERT_EQ(mv.code, 0) << mv.err;
  json mvj = json::parse(mv.out);
  EXPECT_EQ(mvj["objectType"], "person");
  EXPECT_EQ(mvj["attributes"]["title"], json::array({"Clerk"}));
  EXPECT_EQ(mvj["connectors"].size(), 2u);  // hr and the provisioned dir object

  CliResult cs_list = idsync({"cs", "list", "dir", "--pending-export"});
  ASSERT_EQ(cs_list.code, 0);
  EXPECT_EQ(json::parse(cs_list.out).size(), 3u);
  CliResult mv_list = idsync({"mv", "list", "--type", "person"});
  ASSERT_EQ(mv_list.code, 0);
  EXPECT_EQ(json::parse(mv_list.out).size(), 2u);

  CliResult cycle = idsync({"cycle", "--policy", "Initial"});
  EXPECT_EQ(cycle.code, 0) << cycle.out << cycle.err;
  EXPECT_NE(cycle.out.find("Initial cycle: Success"), std::string::npos) << cycle.out;
  EXPECT_EQ(s_.directory("dir").size(), 3u);
  CliResult delta = idsync({"cycle"});
  EXPECT_EQ(delta.code, 0) << delta.out << delta.err;
  EXPECT_NE(delta.out.find("Delta cycle: Success"), std::string::npos) << delta.out;

  CliResult history = idsync({"history", "--json", "--limit", "100"});
  ASSERT_EQ(history.code, 0) << history.err;
  json runs = json::parse(history.out);
  ASSERT_TRUE(runs.is_array());
  EXPECT_GE(runs.size(), 2u + 7u);
  EXPECT_EQ(runs.back()["runProfile"], "Full Import");
  EXPECT_EQ(runs.back()["steps"][0]["counters"]["stage-add"], 3);
  for (const auto& r : runs) EXPECT_EQ(r["result"], "success") << r.dump();
  CliResult one = idsync({"history", "--run-id", std::to_string(runs.back()["runId"].get<int64_t>())});
  EXPECT_EQ(one.code, 0);
  EXPECT_NE(one.out.find("Full Import"), std::string::npos);
}

TEST_F(CliTest, ExitCodes) {
  EXPECT_EQ(idsync({}, false).code, 2);
  EXPECT_EQ(idsync({"frobnicate"}).code, 2);
  EXPECT_EQ(idsync({"run", "hr"}).code, 2);  // missing profile
  EXPECT_EQ(idsync({"cycle", "--policy", "Sometimes"}).code, 2);
  EXPECT_EQ(idsync({"--help"}, false).code, 0);

  // No such store: not found, and nothing is created.
  CliResult missing = idsync({"history"});
  EXPECT_EQ(missing.code, 5) << missing.err;
  EXPECT_FALSE(fs::exists(store_));
  CliResult no_file = idsync({"config", "import", (s_.dir() / "nosuch.json").string()});
  EXPECT_EQ(no_file.code, 5) << no_file.err;

  ready();
  if (HasFatalFailure()) return;
  EXPECT_EQ(idsync({"cs", "show", "hr", "CN=Nobody,DC=hr"}).code, 5);
  EXPECT_EQ(idsync({"mv", "show", "999999"}).code, 5);
  CliResult no_connector = idsync({"run", "nosuch", "Full Import"});
  EXPECT_EQ(no_connector.code, 5);
  EXPECT_NE(no_connector.err.find("nosuch"), std::string::npos) << no_connector.err;
  EXPECT_EQ(idsync({"run", "hr", "Fool Import"}).code, 5);

  // A broken configuration file: usage error, store unchanged.
  std::string bad = (s_.dir() / "bad.json").string();
  write_text(bad, "{\"idsyncConfiguration\": 1, \"conectors\": []}");
  CliResult bad_import = idsync({"config", "import", bad});
  EXPECT_EQ(bad_import.code, 2) << bad_import.err;
  EXPECT_NE(bad_import.err.find("conectors"), std::string::npos) << bad_import.err;
  EXPECT_NE(idsync({"connector", "list"}).out.find("hr"), std::string::npos);

  // Busy: another process (here: this one) holds the run lock.
  {
    auto store = Store::open(store_, OpenMode::kMustExist);
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->acquire_run_lock("Delta sync cycle").ok());
    CliResult busy = idsync({"run", "hr", "Full Import"});
    EXPECT_EQ(busy.code, 4) << busy.err;
    EXPECT_NE(busy.err.find("Delta sync cycle"), std::string::npos) << busy.err;
    EXPECT_EQ(idsync({"cycle"}).code, 4);
    EXPECT_EQ(idsync({"history"}).code, 0);  // queries are not blocked
  }
  EXPECT_EQ(idsync({"run", "hr", "Full Import"}).code, 0);

  // A stopped run exits 3.
  std::filesystem::remove(s_.content_path("hr"));
  CliResult stopped = idsync({"run", "hr", "Full Import"});
  EXPECT_EQ(stopped.code, 3) << stopped.out << stopped.err;
}

// README's exit codes for a configuration: one that does not parse or validate is exit 2
// ("bad command line or configuration") for config import and config import-entra alike,
// whatever the kind of mistake; a missing file or folder is 5, a held store 4. The store keeps
// its configuration.
TEST_F(CliTest, ABadConfigurationExits2FromConfigImportAndImportEntra) {
  ready();
  if (HasFatalFailure()) return;
  json good = json::parse(write_configuration(s_.config()));
  auto variant = [&](const std::string& name, const std::function<void(json&)>& change) {
    json j = good;
    change(j);
    std::string path = (s_.dir() / (name + ".json")).string();
    write_text(path, j.dump());
    return path;
  };
  auto first_rule_with_flows = [](json& j) -> json& {
    for (json& r : j["syncRules"])
      if (!r["flows"].empty()) return r;
    return j["syncRules"][0];
  };
  std::string malformed = (s_.dir() / "malformed.json").string();
  write_text(malformed, "{\"idsyncConfiguration\": 1, ");
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"malformed JSON", malformed},
      {"unknown key", variant("unknown-key", [](json& j) { j["bogus"] = 1; })},
      {"broken expression", variant("broken-expression", [&](json& j) {
         json& f = first_rule_with_flows(j)["flows"][0];
         f["type"] = "Expression";
         f["expression"] = "IIF((";
       })},
      {"unknown attribute", variant("unknown-attribute", [&](json& j) {
         json& f = first_rule_with_flows(j)["flows"][0];
         f["type"] = "Direct";
         f["sources"] = json::array({"noSuchAttribute"});
       })},
      {"unknown connector in a rule", variant("unknown-connector", [](json& j) { j["syncRules"][0]["connector"] = "nosuch"; })},
      {"unknown connector type", variant("unknown-type", [](json& j) { j["connectors"][0]["type"] = "nosuchtype"; })},
  };
  for (const auto& [what, path] : bad) {
    CliResult r = idsync({"config", "import", path});
    EXPECT_EQ(r.code, 2) << what << ": " << r.err;
    EXPECT_NE(r.err.find(path), std::string::npos) << what << ": the error names the file: " << r.err;
  }
  CliResult list = idsync({"connector", "list"});
  EXPECT_NE(list.out.find("hr"), std::string::npos) << "the store keeps its configuration: " << list.out;
  EXPECT_EQ(idsync({"config", "import", (s_.dir() / "nosuch.json").string()}).code, 5);

  // An Entra Connect export: one rule file not well-formed, one rule with a broken expression.
  const fs::path reference = fs::path(IDSYNC_SHARED_DIR) / "reference/entra-connect-config-export";
  auto entra_copy = [&](const std::string& name, const std::function<void(std::string&)>& change) {
    fs::path dir = s_.dir() / name;
    fs::copy(reference, dir, fs::copy_options::recursive);
    for (const auto& e : fs::directory_iterator(dir / "SynchronizationRules")) {
      std::string text = read_text(e.path());
      if (text.find("<expression>") == std::string::npos) continue;
      change(text);
      write_text(e.path(), text);
      break;
    }
    return dir.string();
  };
  std::string not_xml = entra_copy("entra-not-xml", [](std::string& t) { t += "<<<"; });
  std::string broken = entra_copy("entra-broken-expression", [](std::string& t) {
    t.replace(t.find("<expression>"), 12, "<expression>IIF((");
  });
  for (const std::string& dir : {not_xml, broken}) {
    CliResult r = idsync({"config", "import-entra", dir, "--base-dir", s_.dir().string(), "--dry-run"});
    EXPECT_EQ(r.code, 2) << dir << ": " << r.err;
    EXPECT_NE(r.err.find("SynchronizationRule_"), std::string::npos) << "the error names the rule file: " << r.err;
  }
  EXPECT_EQ(idsync({"config", "import-entra", (s_.dir() / "no-such-export").string(), "--dry-run"}).code, 5);
  CliResult good_entra = idsync({"config", "import-entra", reference.string(), "--base-dir", s_.dir().string(), "--dry-run"});
  EXPECT_EQ(good_entra.code, 0) << good_entra.err;

  // A store that another run holds: exit 4, whatever the file.
  auto store = Store::open(store_, OpenMode::kMustExist);
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->acquire_run_lock("Delta sync cycle").ok());
  EXPECT_EQ(idsync({"config", "import", config_file_}).code, 4);
}

TEST_F(CliTest, DemoRunsEndToEnd) {
  std::string dir = (s_.dir() / "demo").string();
  CliResult demo = idsync({"--no-progress", "demo", "--objects", "1000", "--dir", dir}, false);
  EXPECT_EQ(demo.code, 0) << demo.out << demo.err;
  EXPECT_NE(demo.out.find("generated 1000 entries"), std::string::npos) << demo.out;
  EXPECT_NE(demo.out.find("Initial cycle: Success"), std::string::npos) << demo.out;
  EXPECT_NE(demo.out.find("Delta cycle: Success"), std::string::npos) << demo.out;
  EXPECT_NE(demo.out.find("The server store is " + dir + "/idsync.db"), std::string::npos) << demo.out;
  EXPECT_TRUE(fs::exists(dir + "/idsync.db"));
}

TEST_F(CliTest, HistoryByRunNumber) {
  ready();
  if (HasFatalFailure()) return;
  ASSERT_EQ(idsync({"run", "hr", "Full Import"}).code, 0);
  ASSERT_EQ(idsync({"run", "hr", "Full Synchronization"}).code, 0);
  CliResult second = idsync({"history", "--connector", "hr", "--run-number", "2"});
  ASSERT_EQ(second.code, 0) << second.err;
  EXPECT_NE(second.out.find("#2"), std::string::npos) << second.out;
  EXPECT_NE(second.out.find("Full Synchronization"), std::string::npos) << second.out;
  EXPECT_EQ(second.out.find("Full Import"), std::string::npos) << second.out;
  EXPECT_EQ(idsync({"history", "--run-number", "2"}).code, 2) << "a run number needs its connector";
  CliResult none = idsync({"history", "--connector", "hr", "--run-number", "9"});
  EXPECT_EQ(none.code, 5);
  EXPECT_NE(none.err.find("no run number 9"), std::string::npos) << none.err;
}

TEST_F(CliTest, ThresholdAndMemberLimitCommands) {
  ready();
  if (HasFatalFailure()) return;
  CliResult shown = idsync({"threshold", "show"});
  ASSERT_EQ(shown.code, 0) << shown.err;
  EXPECT_EQ(json::parse(shown.out),
            json::parse(R"({"DeletionPrevention":"EnabledForCount","ThresholdPercentage":0,"ThresholdCount":500})"));
  EXPECT_EQ(idsync({"threshold", "enable", "--percentage", "10"}).code, 0);
  EXPECT_EQ(json::parse(idsync({"threshold", "show"}).out)["DeletionPrevention"], "EnabledForPercentage");
  EXPECT_EQ(json::parse(idsync({"threshold", "show"}).out)["ThresholdPercentage"], 10);
  EXPECT_EQ(idsync({"threshold", "enable", "--count", "300"}).code, 0);
  json counted = json::parse(idsync({"threshold", "show"}).out);
  EXPECT_EQ(counted["DeletionPrevention"], "EnabledForCount");
  EXPECT_EQ(counted["ThresholdCount"], 300);
  EXPECT_EQ(idsync({"threshold", "enable", "--count", "5", "--percentage", "5"}).code, 2);
  CliResult too_much = idsync({"threshold", "enable", "--percentage", "101"});
  EXPECT_EQ(too_much.code, 2);
  EXPECT_NE(too_much.err.find("ThresholdPercentage"), std::string::npos) << too_much.err;
  EXPECT_EQ(idsync({"threshold", "disable"}).code, 0);
  EXPECT_EQ(json::parse(idsync({"threshold", "show"}).out)["DeletionPrevention"], "Disabled");

  CliResult limit = idsync({"member-limit", "show"});
  ASSERT_EQ(limit.code, 0) << limit.err;
  EXPECT_EQ(json::parse(limit.out),
            json::parse(R"({"Enabled":true,"ThresholdCount":500,"ThresholdPercentage":50,"MinimumGroupSize":100})"));
  EXPECT_EQ(idsync({"member-limit", "enable", "--count", "10", "--min-members", "20"}).code, 0);
  json changed = json::parse(idsync({"member-limit", "show"}).out);
  EXPECT_EQ(changed["ThresholdCount"], 10);
  EXPECT_EQ(changed["ThresholdPercentage"], 50);
  EXPECT_EQ(changed["MinimumGroupSize"], 20);
  EXPECT_EQ(idsync({"member-limit", "enable", "--count", "0", "--percentage", "0"}).code, 2);
  EXPECT_EQ(idsync({"member-limit", "disable"}).code, 0);
  EXPECT_EQ(json::parse(idsync({"member-limit", "show"}).out)["Enabled"], false);
}

TEST_F(CliTest, PreviewWritesThePage) {
  ready();
  if (HasFatalFailure()) return;
  ASSERT_EQ(idsync({"run", "hr", "Full Import"}).code, 0);
  ASSERT_EQ(idsync({"run", "hr", "Full Synchronization"}).code, 0);
  std::string page = (s_.dir() / "preview.html").string();
  CliResult r = idsync({"preview", "dir", "-o", page});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("preview of 3 pending exports to dir"), std::string::npos) << r.err;
  std::string html = read_text(page);
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html.find("CN=Ann Lee,OU=People,DC=dir"), std::string::npos);
  CliResult to_stdout = idsync({"preview", "dir"});
  EXPECT_EQ(to_stdout.code, 0);
  EXPECT_EQ(to_stdout.out.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_EQ(idsync({"preview", "nosuch"}).code, 5);
}

TEST_F(CliTest, ConfigDiffExitCodeSaysWhetherTheStoresDiffer) {
  ready();
  if (HasFatalFailure()) return;
  std::string other = (s_.dir() / "staging.db").string();
  ASSERT_EQ(idsync({"--store", other, "config", "import", config_file_}, false).code, 0);
  CliResult same = idsync({"config", "diff", store_, other});
  EXPECT_EQ(same.code, 0) << same.out << same.err;
  EXPECT_NE(same.out.find("The configurations are the same"), std::string::npos) << same.out;

  Configuration changed = s_.config();
  for (SyncRule& r : changed.rules)
    if (r.name == "Out to DIR - User") r.precedence = 125;
  std::string changed_file = (s_.dir() / "changed.json").string();
  write_text(changed_file, write_configuration(changed));
  ASSERT_EQ(idsync({"--store", other, "config", "import", changed_file}, false).code, 0);
  CliResult differ = idsync({"config", "diff", store_, other});
  EXPECT_EQ(differ.code, 1) << differ.err;
  EXPECT_NE(differ.out.find("rule 'Out to DIR - User': 1 changed\n    precedence: 120 -> 125"), std::string::npos)
      << differ.out;
  CliResult as_json = idsync({"config", "diff", store_, other, "--json"});
  EXPECT_EQ(as_json.code, 1);
  json j = json::parse(as_json.out);
  EXPECT_EQ(j["differ"], true);
  ASSERT_EQ(j["items"].size(), 1u);
  EXPECT_EQ(j["items"][0]["changes"][0]["path"], "precedence");
  EXPECT_EQ(idsync({"config", "diff", store_, (s_.dir() / "nope.db").string()}).code, 5);
}

}  // namespace
}  // namespace idsync::scenario
