// idsync config diff: connector, rule and metaverse differences between two configurations
// and between two real stores (active vs staging).
#include "idsync/config_diff.h"

#include "store/store.h"
#include "sync/scenario.h"

namespace idsync::scenario {
namespace {

Configuration standard() {
  Scenario s;  // only for its configuration; paths point into its (removed) temp folder
  standard_setup(s);
  return s.config();
}

SyncRule* find_rule(Configuration& c, const std::string& name) {
  for (SyncRule& r : c.rules)
    if (r.name == name) return &r;
  return nullptr;
}

const ConfigItemDiff* find_item(const ConfigDiff& d, const std::string& item, const std::string& name) {
  for (const ConfigItemDiff& i : d.items)
    if (i.item == item && i.name == name) return &i;
  return nullptr;
}

TEST(ConfigDiff, SameConfigurationHasNoDifferences) {
  Configuration a = standard();
  ConfigDiff d = diff_configurations(a, a);
  EXPECT_FALSE(d.differ());
  EXPECT_NE(format_config_diff(d, "A", "B").find("The configurations are the same (2 connectors, 6 sync rules)"),
            std::string::npos);
  EXPECT_EQ(json::parse(config_diff_to_json(d, "A", "B"))["differ"], false);
}

TEST(ConfigDiff, NamesEachChangedFieldAndWhatIsOnlyOnOneSide) {
  Configuration a = standard(), b = a;
  // Identifiers are not compared; names are matched case-insensitively (a changed case shows).
  for (SyncRule& r : b.rules) r.id = "{other-" + r.name + "}";
  b.connectors[0].id = "{another-guid}";
  b.connectors[1].name = "DIR";
  find_rule(b, "In from HR - User")->precedence = 105;
  for (AttributeFlow& f : find_rule(b, "Out to DIR - User")->flows)
    if (f.destination == "title") f.expression = "x", f.type = FlowType::kConstant;
  find_rule(b, "Out to DIR - User")->flows.push_back(direct("description", "description"));
  find_rule(b, "In from HR - Group")->scope = {ScopeGroup{{ScopeCondition{"cn", ScopeOperator::kStartsWith, "G"}}}};
  b.rules.erase(b.rules.begin() + 3);  // "In from DIR - Group Join"
  SyncRule extra = rule("Staging only", Direction::kInbound, "hr", "user", "person", LinkType::kJoin, 50);
  b.rules.push_back(extra);
  b.connectors[0].options["path"] = "/elsewhere/content.ldif";
  b.connectors[0].options["bindPassword"] = "hunter2";
  b.connectors[0].schema.attributes.push_back(attr("mobile"));
  b.metaverse.attributes.push_back(attr("mobile"));
  b.global_parameters["Forest.Name"] = "contoso";

  ConfigDiff d = diff_configurations(a, b);
  ASSERT_TRUE(d.differ());
  const ConfigItemDiff* dir = find_item(d, "connector", "dir");
  ASSERT_NE(dir, nullptr) << format_config_diff(d, "A", "B");
  ASSERT_EQ(dir->changes.size(), 1u) << "dir and DIR are the same connector";
  EXPECT_EQ(dir->changes[0].path, "name");
  const ConfigItemDiff* hr = find_item(d, "connector", "hr");
  ASSERT_NE(hr, nullptr);
  std::map<std::string, std::pair<std::string, std::string>> hr_changes;
  for (const ConfigChange& c : hr->changes) hr_changes[c.path] = {c.a, c.b};
  EXPECT_EQ(hr_changes.size(), 3u) << format_config_diff(d, "A", "B");
  EXPECT_EQ(hr_changes["options.path"].second, "\"/elsewhere/content.ldif\"");
  ASSERT_TRUE(hr_changes.count("options.bindPassword"));
  EXPECT_EQ(hr_changes["options.bindPassword"].first, "");
  EXPECT_EQ(hr_changes["options.bindPassword"].second.find("hunter2"), std::string::npos) << "a secret was shown";
  EXPECT_EQ(hr_changes["schema.attributes[name=mobile]"].first, "");

  const ConfigItemDiff* in_user = find_item(d, "rule", "In from HR - User");
  ASSERT_NE(in_user, nullptr);
  ASSERT_EQ(in_user->changes.size(), 1u);
  EXPECT_EQ(in_user->changes[0].path, "precedence");
  EXPECT_EQ(in_user->changes[0].a, "100");
  EXPECT_EQ(in_user->changes[0].b, "105");

  const ConfigItemDiff* out_user = find_item(d, "rule", "Out to DIR - User");
  ASSERT_NE(out_user, nullptr);
  std::set<std::string> paths;
  for (const ConfigChange& c : out_user->changes) paths.insert(c.path);
  EXPECT_EQ(paths, (std::set<std::string>{"flows[destination=title].type", "flows[destination=title].value",
                                          "flows[destination=description]"}));
  const ConfigItemDiff* scope = find_item(d, "rule", "In from HR - Group");
  ASSERT_NE(scope, nullptr);
  ASSERT_EQ(scope->changes.size(), 1u);
  EXPECT_EQ(scope->changes[0].path, "scope");

  const ConfigItemDiff* gone = find_item(d, "rule", "In from DIR - Group Join");
  ASSERT_NE(gone, nullptr);
  EXPECT_EQ(gone->kind, ConfigDiffKind::kOnlyInA);
  const ConfigItemDiff* added = find_item(d, "rule", "Staging only");
  ASSERT_NE(added, nullptr);
  EXPECT_EQ(added->kind, ConfigDiffKind::kOnlyInB);
  const ConfigItemDiff* meta = find_item(d, "metaverse", "schema and global parameters");
  ASSERT_NE(meta, nullptr);
  EXPECT_EQ(meta->changes.size(), 2u);
  EXPECT_EQ(d.items.size(), 8u) << format_config_diff(d, "A", "B");

  std::string text = format_config_diff(d, "active.db", "staging.db");
  EXPECT_NE(text.find("rule 'In from HR - User': 1 changed\n    precedence: 100 -> 105"), std::string::npos) << text;
  EXPECT_NE(text.find("rule 'Staging only': only in B"), std::string::npos) << text;
  EXPECT_NE(text.find("8 differences: 2 connectors, 5 sync rules"), std::string::npos) << text;
  json j = json::parse(config_diff_to_json(d, "active.db", "staging.db"));
  EXPECT_EQ(j["differ"], true);
  EXPECT_EQ(j["items"].size(), 8u);
}

// Two real stores: read without loading their connector spaces, also while one is running.
TEST(ConfigDiff, ReadsTwoStores) {
  Scenario active, staging;
  standard_setup(active);
  standard_setup(staging);
  ASSERT_TRUE(active.apply().ok());
  find_rule(staging.config(), "Out to DIR - User")->disabled = true;
  ASSERT_TRUE(staging.apply().ok());
  auto holder = Store::open(active.store_path(), OpenMode::kMustExist);
  ASSERT_TRUE(holder.ok());
  ASSERT_TRUE((*holder)->acquire_run_lock("Delta sync cycle").ok());  // as if a cycle ran
  auto a = read_store_configuration(active.store_path());
  auto b = read_store_configuration(staging.store_path());
  ASSERT_TRUE(a.ok() && b.ok());
  ConfigDiff d = diff_configurations(*a, *b);
  // The connectors' paths differ (two test folders) and one rule is disabled.
  const ConfigItemDiff* rule_diff = find_item(d, "rule", "Out to DIR - User");
  ASSERT_NE(rule_diff, nullptr);
  ASSERT_EQ(rule_diff->changes.size(), 1u);
  EXPECT_EQ(rule_diff->changes[0].path, "disabled");
  EXPECT_EQ(rule_diff->changes[0].b, "true");
  auto missing = read_store_configuration((active.dir() / "nope.db").string());
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), ErrorCode::kNotFound);
}

}  // namespace
}  // namespace idsync::scenario
