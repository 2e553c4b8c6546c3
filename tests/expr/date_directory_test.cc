// Date / time and directory families, and the functions only the default rules use.
#include "expr_testing.h"

namespace idsync::expr::testing {
namespace {

TEST(DateFunctions, DocumentedExamples) {
  Fixture f;
  EXPECT_EQ(f.show("DateFromNum(129699324000000000)"), "2012-01-01T23:00:00.000Z");
  EXPECT_EQ(f.show("NumFromDate(CDate(\"2012-01-01 23:00:00\"))"), "129699324000000000");
  EXPECT_EQ(f.show("CDate(\"2013-01-10 4:00 PM -8\")"), "2013-01-11T00:00:00.000Z");
  EXPECT_EQ(f.show("DateAdd(\"m\", 3, CDate(\"2001-01-01\"))"), "2001-04-01T00:00:00.000Z");
  EXPECT_EQ(f.show("FormatDateTime(CDate(\"12/25/2007\"),\"yyyy-MM-dd\")"), "2007-12-25");
  f.set("pwdLastSet", {"130543784930000000"});
  EXPECT_EQ(f.show("IIF(IsPresent([pwdLastSet]),CStr(FormatDateTime(DateFromNum([pwdLastSet]),\"yyyyMMddHHmmss.0Z\")),NULL)"),
            "20140905081453.0Z");
}

TEST(DateFunctions, EdgeCases) {
  Fixture f;
  EXPECT_EQ(f.show("DateAdd(\"m\", 1, CDate(\"2024-01-31\"))"), "2024-02-29T00:00:00.000Z");
  EXPECT_EQ(f.show("DateAdd(\"yyyy\", -1, CDate(\"2024-02-29T10:00:00Z\"))"), "2023-02-28T10:00:00.000Z");
  EXPECT_EQ(f.show("DateAdd(\"ww\", 2, CDate(\"2024-01-01\"))"), "2024-01-15T00:00:00.000Z");
  EXPECT_EQ(f.show("DateAdd(\"n\", 90, CDate(\"2024-01-01\"))"), "2024-01-01T01:30:00.000Z");
  EXPECT_EQ(f.show("DateAdd(\"x\", 1, CDate(\"2024-01-01\"))"),
            "ERROR sync-rule-error-argument-exception: DateAdd interval must be one of yyyy, q, m, y, d, w, ww, h, n, s; got \"x\"");
  EXPECT_EQ(f.show("FormatDateTime(CDate(\"2024-03-05T07:08:09.123Z\"),\"dddd d MMM yy hh:mm:ss.fff tt 'literal'\")"),
            "Tuesday 5 Mar 24 07:08:09.123 AM literal");
  EXPECT_EQ(f.show("IsDate(\"2024-02-30\") & IsDate(\"2024-02-29\") & IsDate(\"soon\")"), "FalseTrueFalse");
  EXPECT_EQ(f.show("CDate(\"soon\")"),
            "ERROR sync-rule-error-type-mismatch-exception: CDate expects a date as argument 1, got string \"soon\"; check it with IsDate first");
  EXPECT_EQ(f.show("DateFromNum(9223372036854775807)"),
            "ERROR sync-rule-error-argument-out-of-range-exception: DateFromNum: 9223372036854775807 is not a date (AD writes 9223372036854775807 for 'never')");
  EXPECT_EQ(f.show("Now() > CDate(\"2020-01-01\")"), "True");
  EXPECT_EQ(f.show("IsDate(Now())"), "True");
}

TEST(DateFunctions, ParsedForms) {
  Fixture f;
  const std::pair<const char*, const char*> forms[] = {
      {"2013-01-10T16:00:00Z", "2013-01-10T16:00:00.000Z"},
      {"2013-01-10 16:00:00+02:00", "2013-01-10T14:00:00.000Z"},
      {"2013-01-10T16:00:00.123-05:30", "2013-01-10T21:30:00.123Z"},
      {"1/10/2013 4:00 PM", "2013-01-10T16:00:00.000Z"},
      {"Jan 10 2013", "2013-01-10T00:00:00.000Z"},
      {"January 10, 2013 4:30 PM", "2013-01-10T16:30:00.000Z"},
      {"10 jan 2013 16:00:00Z", "2013-01-10T16:00:00.000Z"},
      {"10 September 2013", "2013-09-10T00:00:00.000Z"},
      {"20130110160000.0Z", "2013-01-10T16:00:00.000Z"},  // LDAP generalized time (whenCreated)
      {"20130110160000.5+0100", "2013-01-10T15:00:00.500Z"},
      {"2013011016Z", "2013-01-10T16:00:00.000Z"},
  };
  for (auto [text, expected] : forms) EXPECT_EQ(f.show(std::string("CDate(\"") + text + "\")"), expected) << text;
  for (const char* bad : {"Jam 10 2013", "10 Ja 2013", "20131310160000.0Z", "201301101", "Jan 32 2013", "10.01.2013"})
    EXPECT_EQ(f.show(std::string("IsDate(\"") + bad + "\")"), "False") << bad;
}

TEST(DirectoryFunctions, DNComponents) {
  Fixture f;
  f.set("dn", {"cn=Joe,ou=Atlanta,ou=GA,ou=US, dc=contoso,dc=com"});
  EXPECT_EQ(f.show("DNComponent(CRef([dn]),1)"), "Joe");
  EXPECT_EQ(f.show("DNComponentRev(CRef([dn]),3)"), "US");
  EXPECT_EQ(f.show("DNComponentRev(CRef([dn]),1,\"DC\")"), "US");
  EXPECT_EQ(f.show("DNComponent(CRef([dn]),9)"), "NULL");
  f.set("dn", {"CN=Doe\\, John\\0ACNF:0f1e2d3c,OU=Users,DC=contoso,DC=com"});
  EXPECT_EQ(f.show("DNComponent(CRef([dn]),1)"), "Doe\\, John\\0ACNF:0f1e2d3c");
  EXPECT_EQ(f.show("CBool(InStr(DNComponent(CRef([dn]),1),\"\\\\0ACNF:\")>0)"), "True");
  EXPECT_EQ(f.show("EscapeDNComponent(\"cn=Doe, John <Sales>\")"), "cn=Doe\\, John \\<Sales\\>");
  EXPECT_EQ(f.show("EscapeDNComponent(\"CN=#1 \")"), "CN=\\#1\\ ");
  // Regression: an '=' inside the value was left raw, giving a DN IdSync's own parser rejects.
  EXPECT_EQ(f.show("EscapeDNComponent(\"CN=a = b\")"), "CN=a \\= b");
}

TEST(UndocumentedFunctions, UsedByDefaultRules) {
  Fixture f;
  EXPECT_EQ(f.show("CBin(2,1) & CBin(258,2)"), "AgIB");  // 02 02 01
  EXPECT_EQ(f.show("CNum(CBin(258,2))"), "258");
  EXPECT_EQ(f.show("CBin(256,1)"), "ERROR sync-rule-error-overflow-exception: CBin: 256 does not fit in 1 bytes");
  EXPECT_EQ(f.show("Concat(\"a\", 1, [displayName], \"b\")"), "a1b");
  EXPECT_EQ(f.show("RegexIsMatch(\"SMTP:a@b.com\", \"^SMTP:[^@]+@\")"), "True");
  EXPECT_EQ(f.show("RegexIsMatch(\"x\", \"(\")").substr(0, 80),
            "ERROR sync-rule-error-argument-exception: RegexIsMatch pattern \"(\" is not a vali");
  EXPECT_EQ(f.show("ConvertToUTF8Hex(Thumbprint(\"abc\"))"),
            "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD");
  EXPECT_EQ(f.show("Len(Thumbprint(CBin(1,1)))"), "32");
}

TEST(UndocumentedFunctions, SearchableDeviceKeyRule) {
  Fixture f;
  // version 0, 3 filler bytes, 2-byte length (2), 1 byte type, 2 header bytes, then key "KEY".
  std::string key("\x00\x01\x02\x03\x02\x00\x09\xAA\xBBKEY", 12);
  f.set("searchableDeviceKey", {key});
  const char* rule =
      "IIF(IsNull([searchableDeviceKey]), NULL, IIF(CNum(Mid([searchableDeviceKey],1,1))=0, "
      "Mid([searchableDeviceKey],1,7+CNum(Mid([searchableDeviceKey],5,2))) & "
      "CBin(Len(Thumbprint(Mid([searchableDeviceKey],8+CNum(Mid([searchableDeviceKey],5,2)),Len([searchableDeviceKey])))),2) & "
      "CBin(2,1) & Thumbprint(Mid([searchableDeviceKey],8+CNum(Mid([searchableDeviceKey],5,2)),Len([searchableDeviceKey]))) & "
      "Mid([searchableDeviceKey],8+CNum(Mid([searchableDeviceKey],5,2)),Len([searchableDeviceKey])), NULL))";
  auto r = f.run(rule);
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->kind, Kind::kBinary);
  std::string expected = key.substr(0, 9) + std::string("\x20\x00\x02", 3);
  ASSERT_EQ(r->values[0].size(), 9u + 3u + 32u + 3u);
  EXPECT_EQ(r->values[0].substr(0, 12), expected);
  EXPECT_EQ(r->values[0].substr(44), "KEY");
}

}  // namespace
}  // namespace idsync::expr::testing
