// Faults: under each fault mode of the test server (429 bursts with Retry-After, random 500s,
// slow answers past the client's timeout, connections cut after the work is done) the same
// export workload ends in the same server state as a run without faults, with no duplicates.
// Objects whose export failed are exported again, as the engine does with pending exports.
#include "scim_server.h"

namespace idsync::scimtest {
namespace {

constexpr int kUsers = 40;

std::string ext(int i) { return "src-" + std::to_string(i); }

EntryChange user(int i) {
  EntryChange c;
  c.kind = ChangeKind::kAdd;
  c.object_type = "user";
  c.dn = dn_for(ext(i));
  c.attributes = {{"sourceAnchor", {ext(i)}},
                  {"userPrincipalName", {"user" + std::to_string(i) + "@contoso.com"}},
                  {"givenName", {"Given" + std::to_string(i)}},
                  {"mail", {"user" + std::to_string(i) + "@contoso.com"}},
                  {"department", {"Dept" + std::to_string(i % 4)}}};
  return c;
}

EntryChange group(int g, ValueList members) {
  EntryChange c;
  c.kind = ChangeKind::kAdd;
  c.object_type = "group";
  c.dn = dn_for("grp-" + std::to_string(g));
  c.attributes = {{"sourceAnchor", {"grp-" + std::to_string(g)}}, {"displayName", {"Group " + std::to_string(g)}},
                  {"member", std::move(members)}};
  return c;
}

// Exports `changes` in one batch; those that fail are exported again by a fresh connector
// (a later run) until all succeed or `rounds` runs are spent. Anchors returned by creates go
// into `anchors` (by DN).
void export_until_done(const std::map<std::string, std::string>& options, std::vector<EntryChange> changes,
                       std::map<std::string, std::string>& anchors, int rounds = 6) {
  for (int round = 0; round < rounds && !changes.empty(); ++round) {
    auto c = make_connector(options);
    ASSERT_NE(c, nullptr);
    ASSERT_TRUE(c->begin_export().ok());
    for (EntryChange& ch : changes)
      if (ch.anchor.empty() && anchors.count(ch.dn)) ch.anchor = anchors[ch.dn];
    std::vector<const EntryChange*> refs;
    for (const EntryChange& ch : changes) refs.push_back(&ch);
    std::vector<ExportResult> results = c->export_changes(refs);
    ASSERT_TRUE(c->end_export().ok());
    std::vector<EntryChange> failed;
    for (size_t i = 0; i < changes.size(); ++i) {
      if (results[i].status.ok()) {
        if (!results[i].new_anchor.empty()) anchors[changes[i].dn] = results[i].new_anchor;
      } else {
        failed.push_back(changes[i]);
      }
    }
    changes = std::move(failed);
  }
  EXPECT_TRUE(changes.empty()) << changes.size() << " changes still failing, first: " << changes.front().dn;
}

// The workload: creates, then updates / member changes / deletes. Returns the final state.
json workload(const ScimServer& server, const std::map<std::string, std::string>& options) {
  std::map<std::string, std::string> anchors;
  std::vector<EntryChange> creates;
  for (int i = 0; i < kUsers; ++i) creates.push_back(user(i));
  creates.push_back(group(0, {dn_for(ext(0)), dn_for(ext(1)), dn_for(ext(2))}));
  creates.push_back(group(1, {dn_for(ext(3)), dn_for("grp-0")}));
  export_until_done(options, creates, anchors);

  std::vector<EntryChange> updates;
  for (int i = 0; i < 10; ++i) {
    EntryChange c;
    c.kind = ChangeKind::kModify;
    c.object_type = "user";
    c.dn = dn_for(ext(i));
    c.changes = {{"givenName", ValueOp::kReplace, {"Renamed" + std::to_string(i)}},
                 {"mail", ValueOp::kReplace, {"new" + std::to_string(i) + "@contoso.com"}}};
    updates.push_back(std::move(c));
  }
  EntryChange members;
  members.kind = ChangeKind::kModify;
  members.object_type = "group";
  members.dn = dn_for("grp-0");
  members.changes = {{"member", ValueOp::kAdd, {dn_for(ext(10)), dn_for(ext(11)), dn_for(ext(12))}},
                     {"member", ValueOp::kDelete, {dn_for(ext(1))}}};
  updates.push_back(members);
  for (int i = 30; i < 35; ++i) {
    EntryChange c;
    c.kind = ChangeKind::kDelete;
    c.object_type = "user";
    c.dn = dn_for(ext(i));
    updates.push_back(std::move(c));
  }
  export_until_done(options, updates, anchors);
  return server.state();
}

void expect_no_duplicates(const json& state) {
  std::set<std::string> names, exts;
  for (const json& u : state["Users"]) {
    EXPECT_TRUE(names.insert(u["userName"].get<std::string>()).second) << "duplicate " << u.dump();
    EXPECT_TRUE(exts.insert(u.value("externalId", "")).second) << "duplicate " << u.dump();
  }
  for (const json& g : state["Groups"]) EXPECT_TRUE(exts.insert(g.value("externalId", "")).second) << g.dump();
}

class ScimFaultTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // The no-fault run every fault mode is compared with.
    ScimServer server;
    ASSERT_TRUE(server.ok()) << server.error();
    baseline_ = new json(comparable_state(workload(server, server.options())));
    ASSERT_EQ((*baseline_)["Users"].size(), static_cast<size_t>(kUsers - 5));
    ASSERT_EQ((*baseline_)["Groups"].size(), 2u);
  }
  static void TearDownTestSuite() {
    delete baseline_;
    baseline_ = nullptr;
  }

  void SetUp() override {
    ASSERT_TRUE(server.ok()) << server.error();
    ASSERT_NE(baseline_, nullptr);
  }

  void run_with(const json& faults, std::map<std::string, std::string> extra = {}) {
    auto options = server.options();
    for (auto& [k, v] : extra) options[k] = v;
    json f = faults;
    f["seed"] = 12345;
    server.faults(f);
    json state = workload(server, options);
    server.faults(json::object());
    expect_no_duplicates(state);
    EXPECT_EQ(comparable_state(state), *baseline_);
  }

  ScimServer server;
  static json* baseline_;
};

json* ScimFaultTest::baseline_ = nullptr;

TEST_F(ScimFaultTest, BurstOf429WithRetryAfterIsWaitedOut) {
  run_with({{"burst429", 8}, {"retryAfter", 1}});
  EXPECT_EQ(server.stats()["injected"]["429"].get<int>(), 8);
}

TEST_F(ScimFaultTest, Random500sAreRetriedAndCreatesLookedUpFirst) {
  run_with({{"error500Rate", 0.25}});
  EXPECT_GT(server.stats()["injected"]["500"].get<int>(), 5);
}

TEST_F(ScimFaultTest, SlowAnswersPastTheTimeoutDoNotDuplicateCreates) {
  // The server does the work, then answers after the client gave up: outcome unknown.
  run_with({{"slowMs", 700}, {"slowRate", 0.25}}, {{"timeout_ms", "300"}});
  EXPECT_GT(server.stats()["injected"]["slow"].get<int>(), 5);
}

TEST_F(ScimFaultTest, ConnectionsDroppedAfterTheWorkDoNotDuplicateCreates) {
  run_with({{"dropRate", 0.25}});
  EXPECT_GT(server.stats()["injected"]["drop"].get<int>(), 5);
}

TEST_F(ScimFaultTest, WithoutBulkTooRandom500sAndDroppedConnectionsLeaveTheSameState) {
  run_with({{"error500Rate", 0.2}, {"dropRate", 0.2}}, {{"bulk", "false"}});
  EXPECT_GT(server.stats()["injected"]["500"].get<int>(), 5);
  EXPECT_GT(server.stats()["injected"]["drop"].get<int>(), 5);
  EXPECT_EQ(server.stats().value("bulk", 0), 0);
}

TEST_F(ScimFaultTest, ASpentRetryBudgetFailsObjectsWithAClearMessageAndNothingIsLost) {
  auto options = server.options();
  options["retry_budget"] = "0";
  server.faults({{"burst429", 1000}, {"retryAfter", 0}});
  auto c = make_connector(options);
  ASSERT_NE(c, nullptr);
  // Discovery itself meets the 429s: a clear error, not a crash.
  Status begin = c->begin_export();
  ASSERT_FALSE(begin.ok());
  EXPECT_NE(begin.message().find("429"), std::string::npos) << begin.message();
  EXPECT_NE(begin.message().find("retry_budget"), std::string::npos) << begin.message();
  server.faults(json::object());
  ASSERT_TRUE(c->begin_export().ok());
  server.faults({{"burst429", 1000}, {"retryAfter", 0}});
  EntryChange u = user(1);
  ExportResult r = c->export_change(u);
  ASSERT_FALSE(r.status.ok());
  EXPECT_NE(r.status.message().find(u.dn), std::string::npos) << r.status.message();
  EXPECT_NE(r.status.message().find("429"), std::string::npos) << r.status.message();
  server.faults(json::object());
  EXPECT_EQ(server.state()["Users"].size(), 0u);
  // The next run exports it.
  r = c->export_change(u);
  ASSERT_TRUE(r.status.ok()) << r.status.to_string();
  EXPECT_EQ(server.state()["Users"].size(), 1u);
}

}  // namespace
}  // namespace idsync::scimtest
