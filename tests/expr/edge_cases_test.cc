// Edge cases across every family: a null (absent) input, null in a later argument, and a
// multi-valued input, which each function applies per value (the declarative-provisioning
// page: "For multi-valued attributes, the function operates over every value").
//
// Documented null rules (Left, Right, Mid, Word, PadLeft, PadRight → ""; IsNull and friends;
// a null pad character is an error) are pinned as documented; for the functions whose page is
// silent, a null input gives a null result (no value flows), the predicates False and the
// counters 0, which is what the default rules rely on (e.g. IsPresent([x]) = False).
#include "expr_testing.h"

namespace idsync::expr::testing {
namespace {

TEST(EdgeCases, NullFirstArgument) {
  Fixture f;  // [mail] is absent throughout
  struct Case {
    const char* text;
    const char* expected;
  };
  const Case cases[] = {
      // Documented: null string -> empty string.
      {"Left([mail],2)", ""}, {"Right([mail],2)", ""}, {"Mid([mail],1,2)", ""}, {"Word([mail],1,\" \")", ""},
      {"PadLeft([mail],3,\"0\")", ""}, {"PadRight([mail],3,\"0\")", ""},
      // Documented predicates.
      {"IsNull([mail])", "True"}, {"IsNullOrEmpty([mail])", "True"}, {"IsPresent([mail])", "False"},
      {"IsEmpty([mail])", "False"}, {"IsDate([mail])", "False"}, {"IsGuid([mail])", "False"},
      {"IsNumeric([mail])", "False"}, {"IsString([mail])", "False"}, {"IsCert([mail])", "False"},
      // Counters and positions.
      {"Len([mail])", "0"}, {"InStr([mail],\"a\")", "0"}, {"InStrRev([mail],\"a\")", "0"}, {"Count([proxyAddresses])", "0"},
      {"Contains([proxyAddresses],\"a\")", "0"},
      // Everything else: no value.
      {"LCase([mail])", "NULL"}, {"UCase([mail])", "NULL"}, {"PCase([mail])", "NULL"}, {"Trim([mail])", "NULL"},
      {"LTrim([mail])", "NULL"}, {"RTrim([mail])", "NULL"}, {"Replace([mail],\"a\",\"b\")", "NULL"},
      {"ReplaceChars([mail],\"a:b\")", "NULL"}, {"Split([mail],\",\")", "NULL"}, {"Join([proxyAddresses],\",\")", "NULL"},
      {"ItemOrNull([proxyAddresses],1)", "NULL"}, {"RemoveDuplicates([proxyAddresses])", "NULL"},
      {"CBool([mail])", "NULL"}, {"CDate([mail])", "NULL"}, {"CGuid([mail])", "NULL"}, {"CNum([mail])", "NULL"},
      {"CRef([mail])", "NULL"}, {"CStr([mail])", "NULL"}, {"ConvertToBase64([mail])", "NULL"},
      {"ConvertFromBase64([mail])", "NULL"}, {"ConvertToUTF8Hex([mail])", "NULL"}, {"ConvertFromUTF8Hex([mail])", "NULL"},
      {"StringFromGuid([objectGUID])", "NULL"}, {"StringFromSid([objectSid])", "NULL"},
      {"DateFromNum([pwdLastSet])", "NULL"}, {"NumFromDate(DateFromNum([pwdLastSet]))", "NULL"},
      {"FormatDateTime(DateFromNum([pwdLastSet]),\"yyyy\")", "NULL"}, {"DateAdd(\"d\",1,DateFromNum([pwdLastSet]))", "NULL"},
      {"DNComponent([dn],1)", "NULL"}, {"DNComponentRev([dn],1)", "NULL"}, {"EscapeDNComponent([mail])", "NULL"},
      {"IsBitSet([userAccountControl],2)", "NULL"}, {"BitAnd([userAccountControl],2)", "NULL"},
      {"BitOr([userAccountControl],2)", "NULL"}, {"CertThumbprint([objectGUID])", "NULL"},
      {"Select($i,[proxyAddresses],$i)", "NULL"}, {"Where($i,[proxyAddresses],True)", "NULL"}, {"With($v,[mail],$v)", "NULL"},
      // A null condition is not true.
      {"IIF([mail],1,2)", "2"}, {"Switch([mail],1)", "NULL"}, {"[mail] = \"x\"", "NULL"}, {"[mail] & \"x\"", "x"},
  };
  for (const Case& c : cases) EXPECT_EQ(f.show(c.text), c.expected) << c.text;
}

TEST(EdgeCases, NullInLaterArguments) {
  Fixture f;
  // A count or index that is null is a type mismatch: there is no number to use.
  EXPECT_EQ(f.show("Left(\"abc\",[memberCount])"),
            "ERROR sync-rule-error-type-mismatch-exception: Left expects a number as argument 2, got null");
  EXPECT_EQ(f.show("Mid(\"abc\",[memberCount],1)"),
            "ERROR sync-rule-error-type-mismatch-exception: Mid expects a number as argument 2, got null");
  EXPECT_EQ(f.show("Word(\"a b\",[memberCount],\" \")"),
            "ERROR sync-rule-error-type-mismatch-exception: Word expects a number as argument 2, got null");
  EXPECT_EQ(f.show("Item(Split(\"a,b\",\",\"),[memberCount])"),
            "ERROR sync-rule-error-type-mismatch-exception: Item expects a number as argument 2, got null");
  // Documented: "PadCharacter can be a space character, but it cannot be a null value".
  EXPECT_EQ(f.show("PadLeft(\"a\",3,[mail])"), "ERROR sync-rule-error-argument-exception: PadLeft needs a pad character; it cannot be null");
  EXPECT_EQ(f.show("PadRight(\"a\",3,\" \") & \"|\""), "a  |");
  // Join: "If Delimiter is a zero-length string ("") or Nothing, all items ... are concatenated".
  f.set("proxyAddresses", {"a", "b"});
  EXPECT_EQ(f.show("Join([proxyAddresses],[mail])"), "ab");
  // A null search string is found at the start, as VBA's InStr does with "".
  EXPECT_EQ(f.show("InStr(\"abc\",[mail])"), "1");
  EXPECT_EQ(f.show("Replace(\"abc\",\"b\",[mail])"), "ac");
}

TEST(EdgeCases, OutOfRangeIndexesAndCounts) {
  Fixture f;
  f.set("proxyAddresses", {"a", "b", "c"});
  EXPECT_EQ(f.show("Item([proxyAddresses],-1)"),
            "ERROR sync-rule-error-argument-out-of-range-exception: Item index -1 is outside 1..3; use ItemOrNull to get NULL instead");
  EXPECT_EQ(f.show("ItemOrNull([proxyAddresses],0)"), "NULL");
  EXPECT_EQ(f.show("ItemOrNull([proxyAddresses],-3)"), "NULL");
  EXPECT_EQ(f.show("Mid(\"abc\",4,1)"), "abc");  // start > length: the input
  EXPECT_EQ(f.show("Mid(\"abc\",3,9)"), "c");    // as many as possible
  EXPECT_EQ(f.show("Word(\"a b\",-2,\" \")"), "");
  EXPECT_EQ(f.show("Word(\"abc\",1,\",\")"), "abc");  // no delimiter: the one word
  EXPECT_EQ(f.show("Word(\"abc\",2,\",\")"), "");
  // "... or string does not contain any words identified by delimiters": only delimiters.
  EXPECT_EQ(f.show("Word(\",,,\",1,\",\")"), "");
  EXPECT_EQ(f.show("Word(\",a,,b\",2,\",\")"), "b");  // runs of delimiters separate once
  EXPECT_EQ(f.show("DNComponent(CRef(\"cn=a,dc=x\"),3)"), "NULL");
  EXPECT_EQ(f.show("DNComponentRev(CRef(\"cn=a,dc=x\"),0)"), "NULL");
  EXPECT_EQ(f.show("Split(\"a,b,c\",\",\",0)"),
            "ERROR sync-rule-error-argument-out-of-range-exception: Split limit must be 1 or more, got 0");
  EXPECT_EQ(f.show("Count(Split(\"a,b,c\",\",\",1))"), "1");
}

TEST(EdgeCases, MultiValuedInputsApplyPerValue) {
  Fixture f;
  f.set("proxyAddresses", {"ab", "cab", "ab"});
  struct Case {
    const char* text;
    const char* expected;
  };
  const Case per_value[] = {
      {"Left([proxyAddresses],2)", "ab\nca\nab"},
      {"Right([proxyAddresses],1)", "b\nb\nb"},
      {"Mid([proxyAddresses],2,2)", "b\nab\nb"},
      {"PadLeft([proxyAddresses],4,\"*\")", "**ab\n*cab\n**ab"},
      {"Replace([proxyAddresses],\"a\",\"A\")", "Ab\ncAb\nAb"},
      {"ReplaceChars([proxyAddresses],\"a:4\")", "4b\nc4b\n4b"},
      {"UCase([proxyAddresses])", "AB\nCAB\nAB"},
      {"PCase([proxyAddresses])", "Ab\nCab\nAb"},
      {"ConvertToUTF8Hex([proxyAddresses])", "6162\n636162\n6162"},
      {"ConvertToBase64([proxyAddresses],UTF8)", "YWI=\nY2Fi\nYWI="},
      {"InStr([proxyAddresses],\"b\")", "2\n3\n2"},
      {"Len([proxyAddresses]) + 1", "3\n4\n3"},
      {"[proxyAddresses] = \"ab\"", "True\nFalse\nTrue"},
      {"IIF([proxyAddresses] = \"ab\", \"Y\", \"N\")", "Y\nN\nY"},
      {"\"x:\" & [proxyAddresses]", "x:ab\nx:cab\nx:ab"},
      {"DNComponent(CRef(\"cn=\" & [proxyAddresses] & \",dc=x\"),1)", "ab\ncab\nab"},
  };
  for (const Case& c : per_value) EXPECT_EQ(f.show(c.text), c.expected) << c.text;
  // The multi-valued family takes the attribute as a whole.
  const Case whole[] = {
      {"Count([proxyAddresses])", "3"},   {"Item([proxyAddresses],2)", "cab"},
      {"Join([proxyAddresses],\";\")", "ab;cab;ab"}, {"Contains([proxyAddresses],\"c\")", "2"},
      {"RemoveDuplicates([proxyAddresses])", "ab\ncab"}, {"IsPresent([proxyAddresses])", "True"},
      {"IsNull([proxyAddresses])", "False"},
  };
  for (const Case& c : whole) EXPECT_EQ(f.show(c.text), c.expected) << c.text;
  // A per-value error names the value that failed.
  f.set("otherTelephone", {"1", "x"});
  EXPECT_EQ(f.show("CNum([otherTelephone])"),
            "ERROR sync-rule-error-type-mismatch-exception: CNum cannot convert string \"x\" to a number; check it with IsNumeric first");
}

}  // namespace
}  // namespace idsync::expr::testing
