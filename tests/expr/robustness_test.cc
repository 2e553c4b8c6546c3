// Hostile input: nesting that would overflow the stack and values that would exhaust memory
// stop with clear errors; the fast lane agrees with the generic evaluator.
#include <algorithm>
#include <cstdio>
#include <random>

#include "expr/fast_eval.h"
#include "expr/text_util.h"
#include "expr_testing.h"

namespace idsync::expr::testing {
namespace {

TEST(ExprRobustness, DeepParenthesesAreASyntaxError) {
  Fixture f;
  std::string text = std::string(100000, '(') + "1" + std::string(100000, ')');
  std::string e = f.compile_error(text);
  EXPECT_NE(e.find("nested too deeply"), std::string::npos) << e;
  EXPECT_EQ(f.show(std::string(150, '(') + "1" + std::string(150, ')')), "1");
}

TEST(ExprRobustness, DeepCallsAndUnaryMinusAreASyntaxError) {
  Fixture f;
  std::string calls;
  for (int i = 0; i < 50000; ++i) calls += "Trim(";
  calls += "\"x\"" + std::string(50000, ')');
  EXPECT_NE(f.compile_error(calls).find("nested too deeply"), std::string::npos);
  EXPECT_NE(f.compile_error(std::string(100000, '-') + "1").find("nested too deeply"), std::string::npos);
}

TEST(ExprRobustness, LongOperatorChainsAreBounded) {
  // A flat chain builds a left-deep tree: the evaluator and destructor would recurse over it.
  Fixture f;
  std::string chain = "1";
  for (int i = 0; i < 100000; ++i) chain += "+1";
  EXPECT_NE(f.compile_error(chain).find("nested too deeply"), std::string::npos);
  std::string ok = "1";
  for (int i = 0; i < 150; ++i) ok += "+1";
  EXPECT_EQ(f.show(ok), "151");
}

TEST(ExprRobustness, HugePaddingIsARuntimeError) {
  Fixture f;
  std::string e = f.show("PadLeft(\"x\", 9223372036854775807, \"0\")");
  EXPECT_NE(e.find("sync-rule-error-value-too-large-exception: PadLeft"), std::string::npos) << e;
  e = f.show("PadRight(\"x\", 100000000, \"0\")");
  EXPECT_NE(e.find("value-too-large"), std::string::npos) << e;
  EXPECT_EQ(f.show("Len(PadLeft(\"x\", 1000, \"0\"))"), "1000");
}

TEST(ExprRobustness, HugeJoinReplaceAndConcatAreRuntimeErrors) {
  Fixture f;
  f.set("proxyAddresses", ValueList(64, std::string(1 << 20, 'a')));  // 64 MiB in total
  std::string e = f.show("Join([proxyAddresses], \",\")");
  EXPECT_NE(e.find("value-too-large-exception: Join"), std::string::npos) << e;
  f.set("displayName", {std::string(1 << 20, 'a')});
  e = f.show("Replace([displayName], \"a\", \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\")");
  EXPECT_NE(e.find("value-too-large-exception: Replace"), std::string::npos) << e;
  // Doubling by concatenation: 1 MiB * 2^5 > 16 MiB.
  e = f.show("With($a, [displayName] & [displayName], With($b, $a & $a, With($c, $b & $b, With($d, $c & $c, $d & $d & $d))))");
  EXPECT_NE(e.find("value-too-large"), std::string::npos) << e.substr(0, 200);
  e = f.show("ConvertToBase64(ConvertToBase64(ConvertToBase64(ConvertToBase64(ConvertToBase64([displayName])))))");
  EXPECT_NE(e.find("value-too-large"), std::string::npos) << e.substr(0, 200);
}

// Regression tests from the fuzzer (tests/fuzz): inputs that once misbehaved.
TEST(ExprRobustness, FuzzerRegressions) {
  Fixture f;
  EXPECT_NE(f.compile_error(std::string(5000, '[')).find("column"), std::string::npos);
}

// The fast lane must give exactly what the generic evaluator gives, value for value and
// message for message, over a mix of objects.
class FastLaneEquivalence : public ::testing::Test {
 protected:
  void TearDown() override { set_fast_lane_enabled(true); }
  void check(Fixture& f, const std::string& text) {
    auto program = compile(text, f.resolver);
    ASSERT_TRUE(program.ok()) << text << ": " << program.status().message();
    set_fast_lane_enabled(true);
    auto fast = program->evaluate(f.context);
    Value into;
    Status into_status = program->evaluate_into(f.context, into);
    set_fast_lane_enabled(false);
    auto slow = program->evaluate(f.context);
    set_fast_lane_enabled(true);
    ASSERT_EQ(fast.ok(), slow.ok()) << text;
    ASSERT_EQ(into_status.ok(), slow.ok()) << text;
    if (!slow.ok()) {
      EXPECT_EQ(fast.status().message(), slow.status().message()) << text;
      return;
    }
    EXPECT_EQ(fast->kind, slow->kind) << text;
    EXPECT_EQ(fast->multi, slow->multi) << text;
    EXPECT_EQ(fast->values, slow->values) << text;
    EXPECT_EQ(into.kind, slow->kind) << text;
    EXPECT_EQ(into.values, slow->values) << text;
  }
};

TEST_F(FastLaneEquivalence, RandomObjects) {
  const char* exprs[] = {
      "[displayName]",
      "Trim([displayName])",
      "LTrim([displayName]) & \"|\" & RTrim([displayName])",
      "IIF(IsPresent([displayName]),[displayName],[givenName])",
      "LCase(Left([givenName], 3)) & \".\" & UCase(Right([sn], 2))",
      "Left([displayName], -1) & Left([displayName], 0) & Right([displayName], 100)",
      "Left([sAMAccountName], 4) = \"CAS_\" && InStr([sAMAccountName], \"}\") > 0",
      "InStr([displayName], \"é\") & \"/\" & InStr([displayName], \"x\") & \"/\" & InStr([mail], \"@\")",
      "IsPresent([mail]) = False || [sAMAccountName] = \"SUPPORT_388945a0\"",
      "CBool(IIF(IsPresent([userAccountControl]),BitAnd([userAccountControl],&H21C07000) > 0,NULL))",
      "BitOr([userAccountControl], 2) - 1 + [memberCount] * 2 / 3",
      "[userAccountControl] / [memberCount]",
      "[accountEnabled] = True && Len([displayName]) > 3",
      "IsNullOrEmpty([mail]) || IsNull([description])",
      "IsPresent([proxyAddresses]) && Left([givenName], 1) <> \"A\"",
      "Trim([proxyAddresses])",
      "Left([objectGUID], 4)",
      "Len([objectGUID]) & \"-\" & Len([displayName])",
      "[sAMAccountName] & \"@\" & %Domain.FQDN%",
      "[sAMAccountName] & \"@\" & %Missing.Param%",
      "IIF(IsPresent([userPrincipalName]),[userPrincipalName], IIF(IsPresent([sAMAccountName]),([sAMAccountName]&\"@\"&%Domain.FQDN%),Error(\"AccountName is not present\")))",
      "CBool(InStr(DNComponent(CRef([dn]),1),\"\\\\0ACNF:\")>0)",
      "DNComponent(CRef([dn]),1) & \"|\" & DNComponent(CRef([dn]),3) & \"|\" & DNComponent(CRef([dn]),9)",
      "DNComponent(CRef([dn]),0)",
      "DNComponent([dn],2) & DNComponent(CRef([displayName]),1) & DNComponent([dn],[memberCount])",
      "DNComponent(CRef([objectGUID]),1)",
      "DNComponent(CRef([dn]),\"2\")",
      "CRef([displayName])",
      "\"CN={\" & ConvertToUTF8Hex([sAMAccountName]) & \"}\"",
      "-[memberCount] < 0",
      "[displayName] < [givenName]",
      "IIF([memberCount], \"yes\", \"no\")",
      "UCase([displayName]) = UCase(LCase([displayName]))",
      "IgnoreThisFlow",
      "IIF(IsPresent([mail]), [mail], AuthoritativeNull)",
  };
  std::mt19937 rng(7);
  const char* words[] = {"", " ", "  Jöhn Smith ", "CAS_{x}", "AAD_svc", "SUPPORT_388945a0", "ÉLODIE", "o'brien",
                         "x", "TRUE", "false", "42", "-7", "0", "çà va", "MSOL_1", "a\tb ", "ＡＢＣ"};
  for (int round = 0; round < 300; ++round) {
    Fixture f;
    f.context.params["Domain.FQDN"] = "contoso.com";
    auto pick = [&] { return std::string(words[rng() % std::size(words)]); };
    for (const char* name : {"displayName", "givenName", "sn", "mail", "sAMAccountName", "userPrincipalName"})
      if (rng() % 4) f.set(name, {pick()});
    if (rng() % 3) f.set("proxyAddresses", rng() % 2 ? ValueList{pick()} : ValueList{pick(), pick()});
    if (rng() % 2) f.set("description", {pick()});
    if (rng() % 3) f.set("userAccountControl", {std::to_string(static_cast<int>(rng() % 100000) - 10)});
    if (rng() % 3) f.set("memberCount", {std::to_string(rng() % 5)});
    if (rng() % 2) f.set("accountEnabled", {rng() % 2 ? "TRUE" : "FALSE"});
    if (rng() % 2) f.set("objectGUID", {std::string("\x01\x80\xff\x00\x41", 5)});
    const char* dns[] = {"CN=User,OU=Staff,DC=contoso,DC=com", "CN=User\\0ACNF:1234,OU=Staff,DC=contoso,DC=com",
                         "cn=Doe\\, John , ou = Sales,dc=x", "CN=a,", "", "CN=trailing\\", "noequals", "CN=x\\,y"};
    f.set("dn", {dns[rng() % std::size(dns)]});
    for (const char* e : exprs) check(f, e);
  }
}

TEST_F(FastLaneEquivalence, ConstantFoldingKeepsResultsAndErrors) {
  Fixture f;
  for (const char* e : {"1 + 2 * 3", "Left(\"abcdef\", 3) & UCase(\"x\")", "1 / 0", "Item(Split(\"a,b\", \",\"), 5)",
                        "Error(\"stop\")", "Len(Guid()) = 36", "IIF(True, \"a\", \"b\")",
                        "Switch(1 = 2, \"a\", 2 = 2, \"b\")", "ConvertToBase64(\"Hello world!\")"})
    check(f, e);
  EXPECT_EQ(f.show("1 / 0").substr(0, 44), "ERROR sync-rule-error-divide-by-zero-excepti");
}

// Round trips over random strings, non-ASCII included.
TEST(ExprProperties, Base64AndUtf8HexRoundTrips) {
  std::mt19937 rng(11);
  const char32_t alphabet[] = {U'a', U'Z', U'0', U' ', U'\t', U'"', U'\\', U'é', U'ß', U'Ω', U'Ж', U'中', U'€', U'😀', U'\u00a0', U'\u2028'};
  for (int i = 0; i < 300; ++i) {
    std::string s;
    size_t n = rng() % 24;
    for (size_t k = 0; k < n; ++k) append_utf8(s, alphabet[rng() % std::size(alphabet)]);
    Fixture f;
    f.set("displayName", {s});
    for (const char* e : {"ConvertFromBase64(ConvertToBase64([displayName]))",
                          "ConvertFromBase64(ConvertToBase64([displayName], UTF8), UTF8)",
                          "ConvertFromUTF8Hex(ConvertToUTF8Hex([displayName]))"}) {
      auto r = f.run(e);
      ASSERT_TRUE(r.ok()) << e << " on \"" << s << "\": " << r.status().message();
      if (s.empty()) continue;  // "" may read back as empty or null
      ASSERT_EQ(r->values, ValueList{s}) << e;
    }
    if (!s.empty()) {
      EXPECT_EQ(f.show("ConvertToBase64([displayName], UTF8)"), base64_encode(s));
      EXPECT_EQ(f.show("ConvertToUTF8Hex([displayName])"), hex_encode_upper(s));
    }
  }
}

TEST(ExprProperties, GuidDateSplitJoinAndSubstringRoundTrips) {
  std::mt19937_64 rng(29);
  for (int i = 0; i < 300; ++i) {
    Fixture f;
    // CGuid / StringFromGuid / IsGuid on random GUIDs.
    char guid[40];
    std::snprintf(guid, sizeof guid, "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(rng()),
                  static_cast<unsigned>(rng() & 0xffff), static_cast<unsigned>(rng() & 0xffff),
                  static_cast<unsigned>(rng() & 0xffff), static_cast<unsigned long long>(rng() & 0xffffffffffffULL));
    f.set("displayName", {guid});
    ASSERT_EQ(f.show("StringFromGuid(CGuid([displayName]))"), guid);
    ASSERT_EQ(f.show("StringFromGuid(CGuid(\"{\" & UCase([displayName]) & \"}\"))"), guid);
    ASSERT_EQ(f.show("IsGuid([displayName])"), "True");
    // NumFromDate(DateFromNum(n)) = n for file times in 1601..9999 (100 ns resolution is
    // kept to the millisecond, so n is a whole number of milliseconds).
    int64_t n = static_cast<int64_t>(rng() % 265046774399999ULL) * 10000;
    f.set("pwdLastSet", {std::to_string(n)});
    ASSERT_EQ(f.show("NumFromDate(DateFromNum([pwdLastSet]))"), std::to_string(n));
    ASSERT_EQ(f.show("NumFromDate(CDate(FormatDateTime(DateFromNum([pwdLastSet]),\"yyyy-MM-ddTHH:mm:ss.fffZ\")))"),
              std::to_string(n));
    // Join(Split(s, ","), ",") = s, and Count is one more than the number of commas.
    static const char* kPieces[] = {"a", "B", ",", "é", " ", "中"};
    std::string s;
    size_t chars = rng() % 12;
    for (size_t k = 0; k < chars; ++k) s += kPieces[rng() % std::size(kPieces)];
    f.set("mail", {s});
    if (!s.empty()) {
      ASSERT_EQ(f.show("Join(Split([mail],\",\"),\",\")"), s);
      ASSERT_EQ(f.show("Count(Split([mail],\",\"))"), std::to_string(std::count(s.begin(), s.end(), ',') + 1));
      // Left(s, k) & Mid(s, k + 1, big) = s for every split point inside the string.
      for (size_t k = 1; k < chars; ++k) {
        std::string e = "Left([mail]," + std::to_string(k) + ") & Mid([mail]," + std::to_string(k + 1) + ",999)";
        ASSERT_EQ(f.show(e), s) << e;
      }
      ASSERT_EQ(f.show("Len([mail])"), std::to_string(chars));
      ASSERT_EQ(f.show("Right([mail], Len([mail]))"), s);
      ASSERT_EQ(f.show("LCase(UCase(LCase([mail])))"), f.show("LCase([mail])"));
      ASSERT_EQ(f.show("Len(PadLeft([mail], Len([mail]) + 3, \"x\"))"), std::to_string(chars + 3));
    }
  }
}

// The reference: IsNumeric "is used to determine if CNum() can be successful", IsDate for
// CDate, IsString for CStr, IsGuid for CGuid. The pairs agree on every input.
TEST(ExprProperties, PredicatesTellWhetherTheConversionSucceeds) {
  const char* texts[] = {"42", " -7 ", "4.2", "x", "", "&HFF", "9223372036854775807", "9223372036854775808",
                         "2013-01-10", "12/25/2007", "2013-02-30", "Jan 10 2013", "20130110160000.0Z",
                         "00001111-aaaa-2222-bbbb-3333cccc4444", "{00001111-aaaa-2222-bbbb-3333cccc4444}",
                         "00001111-aaaa-2222-bbbb-3333cccc444", "True", "false"};
  const std::pair<const char*, const char*> pairs[] = {
      {"IsNumeric", "CNum"}, {"IsDate", "CDate"}, {"IsString", "CStr"}, {"IsGuid", "CGuid"}};
  std::vector<std::string> operands;
  for (const char* t : texts) operands.push_back(std::string("\"") + t + "\"");
  for (const char* other : {"42", "True", "CDate(\"2013-01-10\")", "CGuid(\"00001111-aaaa-2222-bbbb-3333cccc4444\")",
                            "CRef(\"CN=x\")"})
    operands.push_back(other);
  Fixture f;
  for (const std::string& x : operands) {
    for (auto [predicate, conversion] : pairs) {
      std::string p = f.show(std::string(predicate) + "(" + x + ")");
      auto converted = f.run(std::string(conversion) + "(" + x + ")");
      ASSERT_TRUE(p == "True" || p == "False") << predicate << "(" << x << ") = " << p;
      EXPECT_EQ(p == "True", converted.ok()) << predicate << "(" << x << ") = " << p << " but " << conversion << " "
                                             << (converted.ok() ? "succeeds" : converted.status().message());
    }
  }
}

}  // namespace
}  // namespace idsync::expr::testing
