// The whole engine against the real SCIM server: an LDIF source ("hr") flows through the
// metaverse into a "scim" cloud connector; the export creates users and groups, the delta
// import that follows confirms every exported value, and later source changes (attribute,
// member removal, a deleted user) arrive in the cloud the same way.
#include "scim_server.h"
#include "sync/scenario.h"

namespace idsync::scimtest {
namespace {

using scenario::attr;
using scenario::counter;
using scenario::direct;
using scenario::expression;
using scenario::join_on;
using scenario::rule;

uint64_t total(const RunResult& r, const std::string& name) {
  uint64_t n = 0;
  for (const StepResult& s : r.steps) n += counter(s, name);
  return n;
}

std::string errors_of(const RunResult& r) {
  std::string out;
  for (const StepResult& s : r.steps)
    for (const ObjectError& e : s.errors) out += e.dn + " [" + e.error_type + "]: " + e.message + "\n";
  return out;
}

class ScimCycleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(server.ok()) << server.error();
    file::register_file_connectors(registry);
    register_scim_connector(registry);
    fs::create_directories(tmp.path() / "hr/changes");
    scenario::write_text(tmp.path() / "hr/content.ldif",
                         "version: 1\n\n" + scenario::hr_user("u1", "Ann Lee", "title: Engineer\ndepartment: R&D\n") +
                             scenario::hr_user("u2", "Bob Stone", "department: Sales\nmanager: CN=Ann Lee,OU=People,DC=hr\n") +
                             scenario::hr_user("u3", "Cid Moss", "department: Sales\n") +
                             scenario::hr_group("g1", "Sales", {"CN=Bob Stone,OU=People,DC=hr", "CN=Cid Moss,OU=People,DC=hr"}) +
                             scenario::hr_group("g2", "Everyone", {"CN=Ann Lee,OU=People,DC=hr", "CN=Sales,OU=Groups,DC=hr"}));
    Configuration& c = config;
    c.metaverse.attributes = scenario::mv_schema();
    c.metaverse.object_types = {SchemaObjectType{"person", {}}, SchemaObjectType{"group", {}}};
    ConnectorDefinition hr;
    hr.name = "hr";
    hr.id = "{00000000-0000-0000-0000-000000000001}";
    hr.type = "ldif";
    hr.options = {{"path", (tmp.path() / "hr/content.ldif").string()},
                  {"delta_dir", (tmp.path() / "hr/changes").string()},
                  {"anchor", "uid"}};
    hr.schema.attributes = scenario::hr_schema();
    c.connectors.push_back(hr);
    ConnectorDefinition cloud;
    cloud.name = "cloud";
    cloud.id = "{00000000-0000-0000-0000-000000000002}";
    cloud.type = "scim";
    cloud.role = ConnectorRole::kCloud;
    cloud.options = server.options();
    cloud.options["concurrency"] = "4";
    cloud.schema.attributes = {attr("sourceAnchor"), attr("userPrincipalName"), attr("displayName"),
                               attr("givenName"), attr("surname"), attr("department"), attr("jobTitle"),
                               attr("manager", AttrType::kReference),
                               attr("member", AttrType::kReference, true)};
    c.connectors.push_back(cloud);

    SyncRule in_user = rule("In from HR - User", Direction::kInbound, "hr", "user", "person", LinkType::kProvision, 100);
    in_user.joins = {join_on("uid", "uid")};
    in_user.flows = {direct("uid", "uid"), direct("cn", "cn"), direct("sn", "sn"), direct("givenName", "givenName"),
                     direct("title", "title"), direct("department", "department"), direct("manager", "manager"),
                     expression("displayName", "[givenName] & \" \" & [sn]", {"givenName", "sn"})};
    SyncRule in_group = rule("In from HR - Group", Direction::kInbound, "hr", "group", "group", LinkType::kProvision, 101);
    in_group.joins = {join_on("uid", "uid")};
    in_group.flows = {direct("uid", "uid"), direct("cn", "cn"), direct("member", "member")};
    SyncRule in_cloud_user = rule("In from cloud - User Join", Direction::kInbound, "cloud", "user", "person", LinkType::kJoin, 110);
    in_cloud_user.joins = {join_on("sourceAnchor", "uid")};
    SyncRule in_cloud_group = rule("In from cloud - Group Join", Direction::kInbound, "cloud", "group", "group", LinkType::kJoin, 111);
    in_cloud_group.joins = {join_on("sourceAnchor", "uid")};
    SyncRule out_user = rule("Out to cloud - User", Direction::kOutbound, "cloud", "person", "user", LinkType::kProvision, 120);
    out_user.joins = {join_on("sourceAnchor", "uid")};
    out_user.flows = {expression("dn", "\"CN={\" & ConvertToUTF8Hex([uid]) & \"}\"", {"uid"}),
                      direct("uid", "sourceAnchor"),
                      expression("userPrincipalName", "[uid] & \"@contoso.com\"", {"uid"}),
                      direct("displayName", "displayName"), direct("givenName", "givenName"), direct("sn", "surname"),
                      direct("department", "department"), direct("title", "jobTitle"), direct("manager", "manager")};
    SyncRule out_group = rule("Out to cloud - Group", Direction::kOutbound, "cloud", "group", "group", LinkType::kProvision, 121);
    out_group.joins = {join_on("sourceAnchor", "uid")};
    out_group.flows = {expression("dn", "\"CN={\" & ConvertToUTF8Hex([uid]) & \"}\"", {"uid"}),
                       direct("uid", "sourceAnchor"), direct("cn", "displayName"), direct("member", "member")};
    int n = 0;
    for (SyncRule r : {in_user, in_group, in_cloud_user, in_cloud_group, out_user, out_group}) {
      r.id = "{rule-" + std::to_string(++n) + "}";
      c.rules.push_back(std::move(r));
    }
    auto s = Server::open((tmp.path() / "idsync.db").string(), StoreOpenMode::kCreateIfMissing, registry);
    ASSERT_TRUE(s.ok()) << s.status().to_string();
    engine = std::move(s).value();
    Status applied = engine->import_configuration(config);
    ASSERT_TRUE(applied.ok()) << applied.to_string();
  }

  RunResult run(const std::string& connector, const std::string& profile) {
    auto r = engine->run_profile(connector, profile);
    EXPECT_TRUE(r.ok()) << connector << " / " << profile << ": " << r.status().to_string();
    if (!r.ok()) return RunResult{};
    EXPECT_EQ(r->result, "success") << connector << " / " << profile << ":\n" << errors_of(*r);
    return std::move(r).value();
  }

  const json* user(const json& state, const std::string& uid) {
    for (const json& u : state["Users"])
      if (u.value("externalId", "") == uid) return &u;
    return nullptr;
  }

  ScimServer server;
  scenario::TempDir tmp;
  ConnectorRegistry registry;
  Configuration config;
  std::unique_ptr<Server> engine;
};

TEST_F(ScimCycleTest, LdifSourceToScimAndBackWithConfirmingDeltaImport) {
  run("hr", "Full Import");
  run("hr", "Full Synchronization");
  RunResult exported = run("cloud", "Export");
  EXPECT_EQ(total(exported, "export-add"), 5u) << errors_of(exported);

  json state = server.state();
  ASSERT_EQ(state["Users"].size(), 3u);
  ASSERT_EQ(state["Groups"].size(), 2u);
  const json* ann = user(state, "u1");
  const json* bob = user(state, "u2");
  ASSERT_NE(ann, nullptr);
  ASSERT_NE(bob, nullptr);
  EXPECT_EQ((*ann)["userName"], "u1@contoso.com");
  EXPECT_EQ((*ann)["displayName"], "Ann Lee");
  EXPECT_EQ((*ann)["title"], "Engineer");
  EXPECT_EQ((*bob)["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"]["manager"]["value"], (*ann)["id"]);
  json comparable = comparable_state(state);
  EXPECT_EQ(comparable["Groups"]["g1"]["members"], json::array({"u2", "u3"}));
  EXPECT_EQ(comparable["Groups"]["g2"]["members"], json::array({"g1", "u1"}));

  // The confirming import: every exported value is seen again, nothing is left to export.
  RunResult confirm = run("cloud", "Delta Import");
  EXPECT_EQ(total(confirm, "exported-change-not-reimported"), 0u) << errors_of(confirm);
  EXPECT_EQ(total(confirm, "stage-failure"), 0u) << errors_of(confirm);
  run("cloud", "Delta Synchronization");
  RunResult again = run("cloud", "Export");
  EXPECT_EQ(total(again, "export-add") + total(again, "export-update") + total(again, "export-delete"), 0u)
      << "a confirmed export leaves nothing pending";
  auto cs = engine->cs_list_json("cloud", false, 0);
  ASSERT_TRUE(cs.ok());
  json objects = json::parse(*cs);
  ASSERT_EQ(objects.size(), 5u);

  // Source changes: a new title, a member leaves a group, a user is deleted.
  scenario::write_text(tmp.path() / "hr/changes/0001.ldif",
                       "version: 1\n\n"
                       "dn: CN=Ann Lee,OU=People,DC=hr\nchangetype: modify\nreplace: title\ntitle: Director\n-\n\n"
                       "dn: CN=Sales,OU=Groups,DC=hr\nchangetype: modify\ndelete: member\nmember: CN=Cid Moss,OU=People,DC=hr\n-\n\n"
                       "dn: CN=Bob Stone,OU=People,DC=hr\nchangetype: delete\n\n");
  run("hr", "Delta Import");
  run("hr", "Delta Synchronization");
  RunResult second = run("cloud", "Export");
  EXPECT_GE(total(second, "export-update"), 2u) << errors_of(second);
  state = server.state();
  ann = user(state, "u1");
  ASSERT_NE(ann, nullptr);
  EXPECT_EQ((*ann)["title"], "Director");
  comparable = comparable_state(state);
  EXPECT_EQ(comparable["Groups"]["g1"].value("members", json::array()), json::array()) << comparable.dump();
  RunResult confirm2 = run("cloud", "Delta Import");
  EXPECT_EQ(total(confirm2, "exported-change-not-reimported"), 0u) << errors_of(confirm2);
  if (user(state, "u2") == nullptr) {
    EXPECT_EQ(total(second, "export-delete"), 1u);
  } else {
    ADD_FAILURE() << "the deleted source user is still in the cloud: " << state.dump();
  }
  // A Full Import of the cloud agrees with what the engine holds.
  RunResult full = run("cloud", "Full Import");
  EXPECT_EQ(total(full, "stage-add"), 0u) << errors_of(full);
  EXPECT_EQ(total(full, "stage-delete"), 0u) << errors_of(full);
}

}  // namespace
}  // namespace idsync::scimtest
