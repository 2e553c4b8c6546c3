// Lexer and parser: literals, operators and their priority, syntax errors with columns.
#include "expr/lexer.h"
#include "expr_testing.h"

namespace idsync::expr::testing {
namespace {

TEST(Lexer, TokenKindsAndColumns) {
  auto tokens = tokenize("IIF([a] <= 5, %Domain.FQDN%, \"x\") & &HFF");
  ASSERT_TRUE(tokens.ok()) << tokens.status().message();
  std::vector<TokenType> types;
  for (const auto& t : *tokens) types.push_back(t.type);
  EXPECT_EQ(types, (std::vector<TokenType>{TokenType::kIdentifier, TokenType::kLParen, TokenType::kAttribute,
                                           TokenType::kOperator, TokenType::kNumber, TokenType::kComma,
                                           TokenType::kParameter, TokenType::kComma, TokenType::kString,
                                           TokenType::kRParen, TokenType::kOperator, TokenType::kNumber,
                                           TokenType::kEnd}));
  EXPECT_EQ((*tokens)[2].text, "a");
  EXPECT_EQ((*tokens)[2].column, 5u);
  EXPECT_EQ((*tokens)[3].text, "<=");
  EXPECT_EQ((*tokens)[6].text, "Domain.FQDN");
  EXPECT_EQ((*tokens)[11].number, 255);
}

TEST(Lexer, StringEscapes) {
  Fixture f;
  EXPECT_EQ(f.show(R"("say ""hi""")"), "say \"hi\"");
  EXPECT_EQ(f.show(R"("say \"hi\"")"), "say \"hi\"");
  EXPECT_EQ(f.show(R"("a\\0ACNF:")"), "a\\0ACNF:");  // \\ is one backslash
  EXPECT_EQ(f.show(R"("\r\n")"), "\\r\\n");         // other sequences stay for Replace
}

TEST(Parser, Literals) {
  Fixture f;
  EXPECT_EQ(f.show("98052"), "98052");
  EXPECT_EQ(f.show("&HFF"), "255");
  EXPECT_EQ(f.show("&h10"), "16");
  EXPECT_EQ(f.show("-2147483648"), "-2147483648");
  EXPECT_EQ(f.show("True"), "True");
  EXPECT_EQ(f.show("False"), "False");
  EXPECT_EQ(f.show("NULL"), "NULL");
  EXPECT_EQ(f.show("\"a\" & CRLF & \"b\""), "a\r\nb");
  EXPECT_EQ(f.show("IgnoreThisFlow"), "IgnoreThisFlow");
  EXPECT_EQ(f.show("AuthoritativeNull"), "AuthoritativeNull");
  EXPECT_EQ(f.show("AuthoritativeNull()"), "AuthoritativeNull");
  EXPECT_EQ(f.show("-9223372036854775808"), "-9223372036854775808");
}

TEST(Parser, ArithmeticIsLeftToRightWithEqualPriority) {
  Fixture f;
  EXPECT_EQ(f.show("1 + 2 * 3"), "9");
  EXPECT_EQ(f.show("2*5+3"), "13");
  EXPECT_EQ(f.show("2*(5+3)"), "16");
  EXPECT_EQ(f.show("10 - 4 - 3"), "3");
  EXPECT_EQ(f.show("20 / 2 * 5"), "50");
  EXPECT_EQ(f.show("1 + 2 & \"x\""), "3x");  // & shares the arithmetic tier
  EXPECT_EQ(f.show("\"x\" & 1 + 2"), "ERROR sync-rule-error-type-mismatch-exception: operator '+' cannot combine "
                                      "string \"x1\" and number \"2\"; use & to join strings (column 9)");
  EXPECT_EQ(f.show("-(2 + 3)"), "-5");
}

TEST(Parser, ComparisonBindsTighterThanLogic) {
  // The default rules rely on this: X || [a] = "b" || ...
  Fixture f;
  f.set("sAMAccountName", {"SUPPORT_388945a0"});
  EXPECT_EQ(f.show("False || [sAMAccountName] = \"SUPPORT_388945a0\" || 1 = 2"), "True");
  EXPECT_EQ(f.show("1 + 1 = 2 && 3 > 2"), "True");
  EXPECT_EQ(f.show("True || False && False"), "False");  // logic is left to right as well
  EXPECT_EQ(f.show("True || (False && False)"), "True");
}

TEST(Parser, SyntaxErrorsNameColumnAndExpectation) {
  Fixture f;
  EXPECT_EQ(f.compile_error("IIF(True, 1, 2"), "column 15: expected ',' or ')' after argument 3 of IIF, found the end of the expression");
  EXPECT_EQ(f.compile_error("IIF(True, 1)"), "column 1: IIF takes 3 arguments, got 2");
  EXPECT_EQ(f.compile_error("Left(\"abc\")"), "column 1: Left takes 2 arguments, got 1");
  EXPECT_EQ(f.compile_error("(1 + 2"), "column 7: expected ')' to close the '(' at column 1, found the end of the expression");
  EXPECT_EQ(f.compile_error("1 +"), "column 4: expected a value (attribute, string, number, function call or '('), found the end of the expression");
  EXPECT_EQ(f.compile_error("1 2"), "column 3: expected an operator or the end of the expression, found '2'");
  EXPECT_EQ(f.compile_error("\"abc"), "column 1: unterminated string; expected a closing '\"'");
  EXPECT_EQ(f.compile_error("[displayName"), "column 1: expected ']' to close the attribute name");
  EXPECT_EQ(f.compile_error("1)"), "column 2: unexpected ')' with no matching '('");
  EXPECT_EQ(f.compile_error("Switch(True)"), "column 1: Switch takes at least 2 arguments, got 1");
  EXPECT_EQ(f.compile_error("Switch(True, 1, False)"), "column 1: Switch takes pairs of condition and value, got 3 arguments");
  EXPECT_EQ(f.compile_error("1 | 2"), "column 3: expected '||' (a single '|' is not an operator)");
}

TEST(Parser, NamesAreCaseSensitiveWithHints) {
  Fixture f;
  EXPECT_EQ(f.compile_error("trim(\"a\")"), "column 1: unknown function 'trim'; function names are case-sensitive: did you mean Trim?");
  EXPECT_EQ(f.compile_error("Frobnicate(1)"), "column 1: unknown function 'Frobnicate'");
  EXPECT_EQ(f.compile_error("true"), "column 1: unknown name 'true'; constants are case-sensitive: did you mean True?");
  EXPECT_EQ(f.compile_error("Trim([displayname])"),
            "column 6: unknown attribute 'displayname' (attribute names are case-sensitive; check the schema)");
  EXPECT_EQ(f.compile_error("Trim"), "column 5: expected '(' after the function name Trim");
}

TEST(Parser, VariablesNeedABinding) {
  Fixture f;
  EXPECT_EQ(f.compile_error("Trim($item)"),
            "column 6: variable $item is not defined here; variables are introduced by the first argument of Select, Where or With");
  EXPECT_EQ(f.compile_error("Select([proxyAddresses], [proxyAddresses], 1)"),
            "column 8: expected a $variable as the first argument of Select, found attribute [proxyAddresses]");
  // The variable is not visible in the collection argument, nor after the call.
  EXPECT_NE(f.compile_error("Select($item, $item, 1)"), "compiled");
  EXPECT_NE(f.compile_error("Count(Select($item, [proxyAddresses], $item)) & $item"), "compiled");
  EXPECT_EQ(f.compile_error("Select($item, [proxyAddresses], $item)"), "compiled");
}

TEST(Parser, AttributesListsEveryReferenceOnce) {
  Fixture f;
  auto program = compile("IIF(IsPresent([mail]), [mail] & [sn], ImportedValue(\"givenName\") & ValueCount(\"member\"))", f.resolver);
  ASSERT_TRUE(program.ok()) << program.status().message();
  EXPECT_EQ(program->attributes(), (std::vector<uint32_t>{f.resolver.id("mail"), f.resolver.id("sn"),
                                                          f.resolver.id("givenName"), f.resolver.id("member")}));
  EXPECT_EQ(program->text(), "IIF(IsPresent([mail]), [mail] & [sn], ImportedValue(\"givenName\") & ValueCount(\"member\"))");
  EXPECT_EQ(f.compile_error("ImportedValue([mail])"), "column 15: expected the attribute name as a string, e.g. ImportedValue(\"member\")");
  EXPECT_EQ(f.compile_error("ValueCount(\"nope\")"), "column 12: unknown attribute 'nope' (attribute names are case-sensitive; check the schema)");
}

TEST(Parser, ProgramIsMovableAndDefaultIsNull) {
  Fixture f;
  Program empty;
  auto r = empty.evaluate(f.context);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->is_null());
  auto p = compile("1 + 1", f.resolver);
  ASSERT_TRUE(p.ok());
  Program moved = std::move(*p);
  EXPECT_EQ(format_value(*moved.evaluate(f.context)), "2");
}

}  // namespace
}  // namespace idsync::expr::testing
