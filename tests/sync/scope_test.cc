// Scoping filters at the rules level: every operator, AND within a group, OR across groups.
#include <gtest/gtest.h>

#include "model/attribute_table.h"
#include "rules/compiled_rule.h"

namespace idsync {
namespace {

class ScopeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    schema_.attributes = {SchemaAttribute{"department", AttrType::kString, false},
                          SchemaAttribute{"title", AttrType::kString, false},
                          SchemaAttribute{"employeeNumber", AttrType::kInteger, false},
                          SchemaAttribute{"userAccountControl", AttrType::kInteger, false},
                          SchemaAttribute{"proxyAddresses", AttrType::kString, true},
                          SchemaAttribute{"cn", AttrType::kString, false}};
    mv_.attributes = {SchemaAttribute{"cn", AttrType::kString, false}};
  }

  CompiledRule compile(std::vector<ScopeGroup> scope) {
    SyncRule r;
    r.name = "scope under test";
    r.direction = Direction::kInbound;
    r.connector = "AD";
    r.source_object_type = "user";
    r.target_object_type = "person";
    r.scope = std::move(scope);
    SchemaView src{"connector 'AD'", &schema_};
    SchemaView dst{"the metaverse", &mv_};
    auto c = compile_rule(r, 0, 1, src, dst, attrs_);
    EXPECT_TRUE(c.ok()) << c.status().to_string();
    return c.ok() ? std::move(c).value() : CompiledRule{};
  }

  // One condition on one attribute holding `values` (none: absent).
  bool holds(const std::string& attribute, ScopeOperator op, const std::string& value, const ValueList& values) {
    CompiledRule r = compile({ScopeGroup{{ScopeCondition{attribute, op, value}}}});
    AttributeSet set;
    if (!values.empty()) set.set(*attrs_.find(attribute), values);
    return in_scope(r, set);
  }

  ConnectorSchema schema_, mv_;
  AttributeTable attrs_;
};

TEST_F(ScopeTest, EqualAndNotEqualAreCaseInsensitiveAndNumeric) {
  EXPECT_TRUE(holds("department", ScopeOperator::kEqual, "Sales", {"sales"}));
  EXPECT_FALSE(holds("department", ScopeOperator::kEqual, "Sales", {"Marketing"}));
  EXPECT_FALSE(holds("department", ScopeOperator::kEqual, "Sales", {}));
  EXPECT_TRUE(holds("employeeNumber", ScopeOperator::kEqual, "+42", {"42"}));
  EXPECT_FALSE(holds("department", ScopeOperator::kNotEqual, "Sales", {"SALES"}));
  EXPECT_TRUE(holds("department", ScopeOperator::kNotEqual, "Sales", {"Marketing"}));
  EXPECT_TRUE(holds("department", ScopeOperator::kNotEqual, "Sales", {}));  // absent is not equal
}

TEST_F(ScopeTest, OrderingOperatorsCompareNumbersAsNumbers) {
  // "9" < "10" as numbers (as strings it would be greater).
  EXPECT_TRUE(holds("employeeNumber", ScopeOperator::kLessThan, "10", {"9"}));
  EXPECT_FALSE(holds("employeeNumber", ScopeOperator::kLessThan, "10", {"10"}));
  EXPECT_TRUE(holds("employeeNumber", ScopeOperator::kLessThanOrEqual, "10", {"10"}));
  EXPECT_FALSE(holds("employeeNumber", ScopeOperator::kLessThanOrEqual, "10", {"11"}));
  EXPECT_TRUE(holds("employeeNumber", ScopeOperator::kGreaterThan, "9", {"10"}));
  EXPECT_FALSE(holds("employeeNumber", ScopeOperator::kGreaterThan, "10", {"10"}));
  EXPECT_TRUE(holds("employeeNumber", ScopeOperator::kGreaterThanOrEqual, "10", {"10"}));
  EXPECT_FALSE(holds("employeeNumber", ScopeOperator::kGreaterThanOrEqual, "10", {"9"}));
  EXPECT_FALSE(holds("employeeNumber", ScopeOperator::kGreaterThan, "1", {}));
  // Strings compare case-insensitively.
  EXPECT_TRUE(holds("title", ScopeOperator::kLessThan, "b", {"Alpha"}));
  EXPECT_TRUE(holds("title", ScopeOperator::kGreaterThan, "B", {"charlie"}));
}

TEST_F(ScopeTest, ContainsStartsWithEndsWithAndTheirNegations) {
  EXPECT_TRUE(holds("title", ScopeOperator::kContains, "ENG", {"Senior Engineer"}));
  EXPECT_FALSE(holds("title", ScopeOperator::kContains, "ops", {"Senior Engineer"}));
  EXPECT_FALSE(holds("title", ScopeOperator::kNotContains, "ENG", {"Senior Engineer"}));
  EXPECT_TRUE(holds("title", ScopeOperator::kNotContains, "ops", {"Senior Engineer"}));
  EXPECT_TRUE(holds("title", ScopeOperator::kNotContains, "ops", {}));
  EXPECT_TRUE(holds("cn", ScopeOperator::kStartsWith, "svc_", {"SVC_backup"}));
  EXPECT_FALSE(holds("cn", ScopeOperator::kStartsWith, "svc_", {"backup_svc_"}));
  EXPECT_FALSE(holds("cn", ScopeOperator::kNotStartsWith, "svc_", {"SVC_backup"}));
  EXPECT_TRUE(holds("cn", ScopeOperator::kNotStartsWith, "svc_", {"backup"}));
  EXPECT_TRUE(holds("cn", ScopeOperator::kEndsWith, "$", {"HOST01$"}));
  EXPECT_FALSE(holds("cn", ScopeOperator::kEndsWith, "$", {"$HOST01"}));
  EXPECT_FALSE(holds("cn", ScopeOperator::kNotEndsWith, "$", {"HOST01$"}));
  EXPECT_TRUE(holds("cn", ScopeOperator::kNotEndsWith, "$", {"HOST01"}));
}

TEST_F(ScopeTest, NullAndNotNull) {
  EXPECT_TRUE(holds("department", ScopeOperator::kIsNull, "", {}));
  EXPECT_FALSE(holds("department", ScopeOperator::kIsNull, "", {"Sales"}));
  EXPECT_TRUE(holds("department", ScopeOperator::kIsNotNull, "", {"Sales"}));
  EXPECT_FALSE(holds("department", ScopeOperator::kIsNotNull, "", {}));
}

TEST_F(ScopeTest, IsInAndIsNotIn) {
  EXPECT_TRUE(holds("department", ScopeOperator::kIsIn, "Sales;Marketing;HR", {"marketing"}));
  EXPECT_FALSE(holds("department", ScopeOperator::kIsIn, "Sales;Marketing;HR", {"Market"}));
  EXPECT_FALSE(holds("department", ScopeOperator::kIsIn, "Sales;Marketing", {}));
  EXPECT_FALSE(holds("department", ScopeOperator::kIsNotIn, "Sales;Marketing;HR", {"hr"}));
  EXPECT_TRUE(holds("department", ScopeOperator::kIsNotIn, "Sales;Marketing;HR", {"Legal"}));
  // Multi-valued: ISIN when any value is in the list; ISNOTIN when none is.
  EXPECT_TRUE(holds("proxyAddresses", ScopeOperator::kIsIn, "smtp:a@x", {"smtp:b@x", "SMTP:A@X"}));
  EXPECT_FALSE(holds("proxyAddresses", ScopeOperator::kIsNotIn, "smtp:a@x", {"smtp:b@x", "SMTP:A@X"}));
}

TEST_F(ScopeTest, BitSetAndBitNotSet) {
  // 514 = NORMAL_ACCOUNT (512) | ACCOUNTDISABLE (2).
  EXPECT_TRUE(holds("userAccountControl", ScopeOperator::kIsBitSet, "2", {"514"}));
  EXPECT_FALSE(holds("userAccountControl", ScopeOperator::kIsBitSet, "2", {"512"}));
  EXPECT_TRUE(holds("userAccountControl", ScopeOperator::kIsBitSet, "514", {"514"}));  // all bits of the mask
  EXPECT_FALSE(holds("userAccountControl", ScopeOperator::kIsBitSet, "6", {"514"}));
  EXPECT_FALSE(holds("userAccountControl", ScopeOperator::kIsBitNotSet, "2", {"514"}));
  EXPECT_TRUE(holds("userAccountControl", ScopeOperator::kIsBitNotSet, "2", {"512"}));
  EXPECT_TRUE(holds("userAccountControl", ScopeOperator::kIsBitNotSet, "2", {}));
}

TEST_F(ScopeTest, BitOperatorsNeedANumericMask) {
  SyncRule r;
  r.name = "bad mask";
  r.direction = Direction::kInbound;
  r.connector = "AD";
  r.source_object_type = "user";
  r.target_object_type = "person";
  r.scope = {ScopeGroup{{ScopeCondition{"userAccountControl", ScopeOperator::kIsBitSet, "two"}}}};
  SchemaView src{"connector 'AD'", &schema_};
  SchemaView dst{"the metaverse", &mv_};
  auto c = compile_rule(r, 0, 1, src, dst, attrs_);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("bad mask"), std::string::npos) << c.status().message();
}

TEST_F(ScopeTest, MemberOfAsksTheCallback) {
  CompiledRule in = compile({ScopeGroup{{ScopeCondition{"cn", ScopeOperator::kIsMemberOf, "CN=Pilot,DC=x"}}}});
  CompiledRule out = compile({ScopeGroup{{ScopeCondition{"cn", ScopeOperator::kIsNotMemberOf, "CN=Pilot,DC=x"}}}});
  AttributeSet set;
  std::string asked;
  auto member = [&](const std::string& g) {
    asked = g;
    return true;
  };
  auto not_member = [](const std::string&) { return false; };
  EXPECT_TRUE(in_scope(in, set, member));
  EXPECT_EQ(asked, "CN=Pilot,DC=x");
  EXPECT_FALSE(in_scope(in, set, not_member));
  EXPECT_FALSE(in_scope(in, set));  // no way to ask: never a member
  EXPECT_FALSE(in_scope(out, set, member));
  EXPECT_TRUE(in_scope(out, set, not_member));
  EXPECT_TRUE(in_scope(out, set));
}

TEST_F(ScopeTest, AndWithinAGroupOrAcrossGroups) {
  ScopeGroup sales_engineers{{ScopeCondition{"department", ScopeOperator::kEqual, "Sales"},
                              ScopeCondition{"title", ScopeOperator::kContains, "engineer"}}};
  ScopeGroup hr{{ScopeCondition{"department", ScopeOperator::kEqual, "HR"}}};
  CompiledRule r = compile({sales_engineers, hr});
  AttrId dept = *attrs_.find("department"), title = *attrs_.find("title");
  auto object = [&](const std::string& d, const std::string& t) {
    AttributeSet s;
    if (!d.empty()) s.set(dept, {d});
    if (!t.empty()) s.set(title, {t});
    return s;
  };
  EXPECT_TRUE(in_scope(r, object("Sales", "Sales Engineer")));  // group 1: both hold
  EXPECT_FALSE(in_scope(r, object("Sales", "Manager")));        // group 1: only one holds
  EXPECT_FALSE(in_scope(r, object("Legal", "Engineer")));
  EXPECT_TRUE(in_scope(r, object("HR", "")));                   // group 2
  EXPECT_FALSE(in_scope(r, object("", "")));
  EXPECT_TRUE(in_scope(compile({}), object("", "")));           // no scope: everything
}

TEST_F(ScopeTest, UnknownScopeAttributeIsRefused) {
  SyncRule r;
  r.name = "typo";
  r.direction = Direction::kInbound;
  r.connector = "AD";
  r.source_object_type = "user";
  r.target_object_type = "person";
  r.scope = {ScopeGroup{{ScopeCondition{"departmnt", ScopeOperator::kEqual, "x"}}}};
  SchemaView src{"connector 'AD'", &schema_};
  SchemaView dst{"the metaverse", &mv_};
  auto c = compile_rule(r, 0, 1, src, dst, attrs_);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("departmnt"), std::string::npos);
  EXPECT_NE(c.status().message().find("typo"), std::string::npos);
}

}  // namespace
}  // namespace idsync
