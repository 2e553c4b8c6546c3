// Multi-valued family and program flow (IIF, Switch, Select, Where, With, Error).
#include <atomic>
#include <thread>

#include "expr_testing.h"

namespace idsync::expr::testing {
namespace {

TEST(MultivaluedFunctions, ContainsCountItem) {
  Fixture f;
  f.set("proxyAddresses", {"smtp:b@contoso.com", "SMTP:a@contoso.com", "SIP:a@contoso.com"});
  EXPECT_EQ(f.show("Contains([proxyAddresses],\"SMTP:\")"), "2");  // 1-based, case-sensitive
  EXPECT_EQ(f.show("Contains([proxyAddresses],\"smtp:\", CaseInsensitive)"), "1");
  EXPECT_EQ(f.show("Contains([proxyAddresses],\"X500:\")"), "0");
  EXPECT_EQ(f.show("Contains([otherTelephone],\"1\")"), "0");
  EXPECT_EQ(f.show("Count([proxyAddresses]) & \"/\" & Count([otherTelephone])"), "3/0");
  EXPECT_EQ(f.show("Mid(Item([proxyAddresses],Contains([proxyAddresses], \"SMTP:\")),6)"), "a@contoso.com");
  EXPECT_EQ(f.show("Item([proxyAddresses],4)"),
            "ERROR sync-rule-error-argument-out-of-range-exception: Item index 4 is outside 1..3; use ItemOrNull to get NULL instead");
  EXPECT_EQ(f.show("Item([proxyAddresses],0)"),
            "ERROR sync-rule-error-argument-out-of-range-exception: Item index 0 is outside 1..3; use ItemOrNull to get NULL instead");
  EXPECT_EQ(f.show("ItemOrNull([proxyAddresses],4)"), "NULL");
  EXPECT_EQ(f.show("ItemOrNull([proxyAddresses],3)"), "SIP:a@contoso.com");
  f.set("member", {"CN=A,DC=x", "CN=B,DC=x"});
  EXPECT_EQ(f.show("Contains([member],\"CN=B,DC=x\")"), "2");
  EXPECT_EQ(f.show("Contains([member],\"CN=B\")"), "0");  // references match whole values
}

TEST(MultivaluedFunctions, JoinSplitRemoveDuplicates) {
  Fixture f;
  f.set("proxyAddresses", {"SMTP:john.doe@contoso.com", "smtp:jd@contoso.com"});
  EXPECT_EQ(f.show("Join([proxyAddresses],\",\")"), "SMTP:john.doe@contoso.com,smtp:jd@contoso.com");
  EXPECT_EQ(f.show("Join([proxyAddresses])"), "SMTP:john.doe@contoso.com smtp:jd@contoso.com");
  EXPECT_EQ(f.show("Join([proxyAddresses],\"\")"), "SMTP:john.doe@contoso.comsmtp:jd@contoso.com");
  EXPECT_EQ(f.show("Join([proxyAddresses],NULL)"), "SMTP:john.doe@contoso.comsmtp:jd@contoso.com");
  EXPECT_EQ(f.show("Split(\"SMTP:john.doe@contoso.com,smtp:jd@contoso.com\",\",\")"),
            "SMTP:john.doe@contoso.com\nsmtp:jd@contoso.com");
  EXPECT_EQ(f.show("Count(Split(\"a,b,c,d\",\",\",2))"), "2");
  EXPECT_EQ(f.show("Item(Split(\"a,b,c,d\",\",\",2),2)"), "b,c,d");
  EXPECT_EQ(f.show("Split(\"a,b\",\",;\")"), "ERROR sync-rule-error-argument-exception: Split needs a single delimiter character, got \",;\"");
  f.set("otherTelephone", {"1", "2", "1", "3", "2"});
  EXPECT_EQ(f.show("RemoveDuplicates([otherTelephone])"), "1\n2\n3");
  f.context.imported[f.resolver.id("proxyAddresses")] = {" smtp:a ", "smtp:a", "SMTP:a"};
  EXPECT_EQ(f.show("RemoveDuplicates(Trim(ImportedValue(\"proxyAddresses\")))"), "smtp:a\nSMTP:a");
  EXPECT_EQ(f.show("ValueCount(\"otherTelephone\")"), "5");
  EXPECT_EQ(f.show("ValueCount(\"member\")"), "0");
}

TEST(FlowFunctions, IIFEvaluatesOnlyTheTakenBranch) {
  Fixture f;
  f.set("userPrincipalName", {"jdoe@contoso.com"});
  EXPECT_EQ(f.show("IIF(IsPresent([userPrincipalName]),[userPrincipalName],Error(\"AccountName is not present\"))"), "jdoe@contoso.com");
  EXPECT_EQ(f.show("IIF(IsPresent([mail]),[mail],Error(\"AccountName is not present\"))"),
            "ERROR sync-rule-error-function-triggered: AccountName is not present");
  EXPECT_EQ(f.show("IIF([displayName] = \"x\", 1, 2)"), "2");  // NULL condition is false
  EXPECT_EQ(f.show("IIF(\"yes\", 1, 2)"), "ERROR sync-rule-error-type-mismatch-exception: IIF expects a condition (a boolean), got string \"yes\" (column 1)");
  f.set("memberCount", {"50001"});
  auto r = f.run("IIF(([memberCount]> 50000),Error(\"Maximum Group member count exceeded\"),IgnoreThisFlow)");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kExpressionError);
  EXPECT_EQ(r.status().message(), "sync-rule-error-function-triggered: Maximum Group member count exceeded");
  f.set("memberCount", {"5"});
  r = f.run("IIF(([memberCount]> 50000),Error(\"Maximum Group member count exceeded\"),IgnoreThisFlow)");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->kind, Kind::kIgnoreThisFlow);
}

TEST(FlowFunctions, LogicShortCircuits) {
  // From the default rules: Item must not run when Contains found nothing.
  Fixture f;
  f.set("proxyAddresses", {"smtp:a@contoso.com"});
  const char* rule =
      "IIF(( (IsPresent([proxyAddresses]) = True) && (Contains([proxyAddresses], \"SMTP:\") > 0) && "
      "(InStr(Item([proxyAddresses], Contains([proxyAddresses], \"SMTP:\")), \"@\") > 0)) ||  "
      "(IsPresent([mail]) = True && (InStr([mail], \"@\") > 0)), True, False)";
  EXPECT_EQ(f.show(rule), "False");
  f.set("proxyAddresses", {"smtp:a@contoso.com", "SMTP:b@contoso.com"});
  EXPECT_EQ(f.show(rule), "True");
}

TEST(FlowFunctions, Switch) {
  Fixture f;
  const char* cities =
      "Switch([displayName] = \"London\", \"English\", [displayName] = \"Rome\", \"Italian\", "
      "[displayName] = \"Paris\", \"French\", True, Error(\"Unknown city\"))";
  f.set("displayName", {"Rome"});
  EXPECT_EQ(f.show(cities), "Italian");
  f.set("displayName", {"Oslo"});
  EXPECT_EQ(f.show(cities), "ERROR sync-rule-error-function-triggered: Unknown city");
  EXPECT_EQ(f.show("Switch(False, 1, 1 = 2, 2)"), "NULL");
  EXPECT_EQ(f.show("Switch(True, NULL, True, 2)"), "NULL");
  // Every condition is evaluated, so an error in a later condition surfaces.
  EXPECT_EQ(f.show("Switch(True, 1, 1 / 0 = 1, 2)"), "ERROR sync-rule-error-divide-by-zero-exception: division by zero: 1 / 0 (column 19)");
  f.set("manager", {"CN=Boss"});
  EXPECT_EQ(f.show("Switch(IsPresent([displayName]),[displayName], IsPresent([manager]),[manager])"), "Oslo");
}

TEST(FlowFunctions, SelectWhereWith) {
  Fixture f;
  f.set("otherTelephone", {"555-1234", "555-99-00"});
  EXPECT_EQ(f.show("Select($item,[otherTelephone],Replace($item,\"-\",\"\"))"), "5551234\n5559900");
  EXPECT_EQ(f.show("Where($item,[otherTelephone],Len($item) > 8)"), "555-99-00");
  EXPECT_EQ(f.show("Where($item,[otherTelephone],Len($item) > 80)"), "NULL");
  EXPECT_EQ(f.show("With($n, Count([otherTelephone]), $n * 10 + $n)"), "22");
  EXPECT_EQ(f.show("With($long,Where($item,[otherTelephone],Len($item)>8),IIF(Count($long)>0,$long,NULL))"), "555-99-00");
  EXPECT_EQ(f.show("Select($item,Split(\"a,b\",\",\"),Select($item,Split($item & \"1,\" & $item & \"2\",\",\"),UCase($item)))"),
            "A1\nA2\nB1\nB2");  // an inner $item shadows the outer one
  auto r = f.run("Where($item,[otherTelephone],True)");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->multi);
}

TEST(FlowFunctions, ErrorKindIsTheMessagePrefix) {
  EXPECT_EQ(error_kind("sync-rule-error-function-triggered: AccountName is required"), "sync-rule-error-function-triggered");
  EXPECT_EQ(error_kind("sync-rule-error-type-mismatch-exception: operator '+' ..."), "sync-rule-error-type-mismatch-exception");
  EXPECT_EQ(error_kind("column 3: expected a value"), "sync-rule-error");
  EXPECT_EQ(error_kind("sync-rule-error-Weird kind: x"), "sync-rule-error");
  EXPECT_EQ(error_kind(""), "sync-rule-error");
}

TEST(FlowFunctions, ErrorIsAlwaysAnError) {
  Fixture f;
  auto r = f.run("Error(\"SourceAnchor attribute has changed.\")");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "sync-rule-error-function-triggered: SourceAnchor attribute has changed.");
}

TEST(Format, RendersEachValueOnItsOwnLine) {
  EXPECT_EQ(format_value(Value::boolean(true)), "True");
  EXPECT_EQ(format_value(Value::boolean(false)), "False");
  EXPECT_EQ(format_value(Value::number(-42)), "-42");
  EXPECT_EQ(format_value(Value::null()), "NULL");
  EXPECT_EQ(format_value(Value{Kind::kString, true, {"a", "b"}}), "a\nb");
  EXPECT_EQ(format_value(Value{Kind::kBoolean, true, {"TRUE", "FALSE"}}), "True\nFalse");
  EXPECT_EQ(format_value(Value{Kind::kBinary, false, {"\x01\x02"}}), "AQI=");
  EXPECT_EQ(format_value(Value{Kind::kAuthoritativeNull, false, {}}), "AuthoritativeNull");
}

}  // namespace
}  // namespace idsync::expr::testing

namespace idsync::expr::testing {
namespace {

TEST(Program, EvaluatesConcurrentlyFromManyThreads) {
  Fixture f;
  auto program = compile("Select($item, Split([displayName], \",\"), UCase(Trim($item)))", f.resolver);
  ASSERT_TRUE(program.ok());
  std::vector<std::thread> threads;
  std::atomic<int> good{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      MapContext ctx;
      ctx.attrs[f.resolver.id("displayName")] = {"a, b," + std::to_string(t)};
      for (int i = 0; i < 500; ++i) {
        auto r = program->evaluate(ctx);
        if (r.ok() && format_value(*r) == "A\nB\n" + std::to_string(t)) ++good;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(good.load(), 2000);
}

}  // namespace
}  // namespace idsync::expr::testing
