// Expression errors as the engine reports them, through a real Server over real LDIF
// connectors (tests/sync/scenario.h): a syntax error refuses the configuration and names the
// rule, the flow, the column and what was expected; a runtime error (Error(), a type mismatch,
// Item out of range) becomes an error on that one object with the documented error kind, and
// the run goes on with the others — inbound and outbound.
#include <set>

#include "sync/scenario.h"

namespace idsync::scenario {
namespace {

void set_flow(Scenario& s, const std::string& rule_name, const std::string& destination, AttributeFlow flow) {
  for (SyncRule& r : s.config().rules) {
    if (r.name != rule_name) continue;
    for (AttributeFlow& f : r.flows)
      if (f.destination == destination) f = flow;
  }
}

TEST(ExpressionErrorsInTheEngine, SyntaxErrorRefusesTheConfigurationAndSaysWhere) {
  Scenario s;
  standard_setup(s, /*with_target=*/false);
  set_flow(s, "In from HR - User", "title", expression("title", "IIF(IsPresent([title]), Trim([title]) \"x\")", {"title"}));
  Status st = s.apply();
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.code(), ErrorCode::kParseError) << st.to_string();
  EXPECT_NE(st.message().find("rule 'In from HR - User'"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("flow to 'title'"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("column 39: expected ',' or ')' after argument 2 of IIF, found string \"x\""), std::string::npos)
      << st.message();

  set_flow(s, "In from HR - User", "title", expression("title", "trim([title])", {"title"}));
  st = s.apply();
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("rule 'In from HR - User', flow to 'title': column 1: unknown function 'trim'; "
                              "function names are case-sensitive: did you mean Trim?"),
            std::string::npos)
      << st.message();

  // The store keeps no half-applied configuration: a correct one applies afterwards.
  set_flow(s, "In from HR - User", "title", expression("title", "Trim([title])", {"title"}));
  EXPECT_TRUE(s.apply().ok());
}

TEST(ExpressionErrorsInTheEngine, RuntimeErrorsAreObjectErrorsWithTheirKindAndTheRunGoesOn) {
  Scenario s;
  standard_setup(s, /*with_target=*/false);
  set_flow(s, "In from HR - User", "title",
           expression("title",
                      "IIF([uid] = \"u1\", Error(\"u1 is blocked\"), IIF([uid] = \"u2\", [title] + 1, "
                      "IIF([uid] = \"u3\", Item([proxyAddresses], 2), [title])))",
                      {"uid", "title", "proxyAddresses"}));
  s.set_content("hr", hr_user("u1", "Ann Lee", "title: Clerk\n") + hr_user("u2", "Bob Ray", "title: Boss\n") +
                          hr_user("u3", "Cid Kay", "title: Cook\nproxyAddresses: SMTP:cid@hr\n") +
                          hr_user("u4", "Dee Fox", "title: Chef\n"));
  ASSERT_TRUE(s.apply().ok());
  s.run("hr", "Full Import");
  RunResult run = s.run("hr", "Full Synchronization");
  EXPECT_EQ(run.result, "completed-sync-errors");
  ASSERT_EQ(run.steps.size(), 1u);
  ASSERT_EQ(run.steps[0].errors.size(), 3u);
  std::map<std::string, ObjectError> by_dn;
  for (const ObjectError& e : run.steps[0].errors) by_dn[normalized(e.dn)] = e;

  const ObjectError& ann = by_dn[normalized("CN=Ann Lee,OU=People,DC=hr")];
  EXPECT_EQ(ann.error_type, "sync-rule-error-function-triggered");
  EXPECT_NE(ann.message.find("rule 'In from HR - User', flow to 'title'"), std::string::npos) << ann.message;
  EXPECT_NE(ann.message.find("u1 is blocked"), std::string::npos) << ann.message;

  const ObjectError& bob = by_dn[normalized("CN=Bob Ray,OU=People,DC=hr")];
  EXPECT_EQ(bob.error_type, "sync-rule-error-type-mismatch-exception");
  EXPECT_NE(bob.message.find("operator '+' cannot combine string \"Boss\" and number \"1\""), std::string::npos) << bob.message;

  const ObjectError& cid = by_dn[normalized("CN=Cid Kay,OU=People,DC=hr")];
  EXPECT_EQ(cid.error_type, "sync-rule-error-argument-out-of-range-exception");
  EXPECT_NE(cid.message.find("Item index 2 is outside 1..1"), std::string::npos) << cid.message;

  // The run went on: the fourth object synchronized completely, the failing ones carry the
  // error on their connector space object.
  EXPECT_EQ(mv_value(s.mv_of("hr", "CN=Dee Fox,OU=People,DC=hr"), "title"), "Chef");
  EXPECT_NE(s.cs("hr", "CN=Bob Ray,OU=People,DC=hr").value("error", "").find("type-mismatch"), std::string::npos);
  auto history = s.server().run_history(RunHistoryQuery{"hr", "completed-sync-errors", 0, 10});
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 1u);
  std::set<std::string> kinds;
  for (const ObjectError& e : (*history)[0].steps.at(0).errors) kinds.insert(e.error_type);
  EXPECT_EQ(kinds, (std::set<std::string>{"sync-rule-error-function-triggered", "sync-rule-error-type-mismatch-exception",
                                          "sync-rule-error-argument-out-of-range-exception"}));
}

TEST(ExpressionErrorsInTheEngine, OutboundRuntimeErrorKeepsItsKindAndTheOthersExport) {
  Scenario s;
  standard_setup(s);
  set_flow(s, "Out to DIR - User", "title",
           expression("title", "IIF([uid] = \"u2\", Error(\"u2 may not leave HR\"), [title])", {"uid", "title"}));
  s.set_content("hr", hr_user("u1", "Ann Lee", "title: Clerk\n") + hr_user("u2", "Bob Ray", "title: Boss\n") +
                          hr_user("u3", "Cid Kay", "title: Cook\n"));
  ASSERT_TRUE(s.apply().ok());
  s.run("hr", "Full Import");
  RunResult sync = s.run("hr", "Full Synchronization");
  EXPECT_EQ(sync.result, "completed-sync-errors");
  ASSERT_EQ(sync.steps.size(), 1u);
  ASSERT_EQ(sync.steps[0].errors.size(), 1u);
  const ObjectError& e = sync.steps[0].errors[0];
  EXPECT_EQ(e.error_type, "sync-rule-error-function-triggered");
  EXPECT_NE(e.message.find("rule 'Out to DIR - User', flow to 'title'"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("u2 may not leave HR"), std::string::npos) << e.message;

  s.run("dir", "Export");
  auto dir = s.directory("dir");
  std::set<std::string> exported;
  for (const auto& [dn, entry] : dir) exported.insert(normalized(dn));
  EXPECT_TRUE(exported.count(normalized("CN=Ann Lee,OU=People,DC=dir"))) << dir.size();
  EXPECT_TRUE(exported.count(normalized("CN=Cid Kay,OU=People,DC=dir"))) << dir.size();
  EXPECT_FALSE(exported.count(normalized("CN=Bob Ray,OU=People,DC=dir")));
}

}  // namespace
}  // namespace idsync::scenario
