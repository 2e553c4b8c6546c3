// Conversion, GUID/SID, evaluation and math families.
#include "expr_testing.h"

namespace idsync::expr::testing {
namespace {

TEST(ConversionFunctions, CBoolCNumCStrCRef) {
  Fixture f;
  f.set("userAccountControl", {"514"});
  EXPECT_EQ(f.show("CBool(BitAnd([userAccountControl],2))"), "True");
  EXPECT_EQ(f.show("CBool(0)"), "False");
  EXPECT_EQ(f.show("CBool(\"True\")"), "True");
  EXPECT_EQ(f.show("CBool([displayName])"), "NULL");
  EXPECT_EQ(f.show("CBool(\"maybe\")"), "ERROR sync-rule-error-type-mismatch-exception: CBool expects a condition (a boolean), got string \"maybe\"");
  EXPECT_EQ(f.show("CNum(\"42\") + 1"), "43");
  EXPECT_EQ(f.show("CNum(\"4x\")"), "ERROR sync-rule-error-type-mismatch-exception: CNum cannot convert string \"4x\" to a number; check it with IsNumeric first");
  EXPECT_EQ(f.show("CStr(42) & \"|\" & CStr(True)"), "42|True");
  EXPECT_EQ(f.show("CStr([displayName])"), "NULL");
  auto ref = f.run("CRef(\"CN=Joe,DC=contoso,DC=com\")");
  ASSERT_TRUE(ref.ok());
  EXPECT_EQ(ref->kind, Kind::kReference);
  EXPECT_EQ(f.show("CStr(CRef(\"cn=Joe,dc=contoso,dc=com\"))"), "cn=Joe,dc=contoso,dc=com");
}

TEST(ConversionFunctions, Base64AndUtf8Hex) {
  Fixture f;
  EXPECT_EQ(f.show("ConvertToBase64(\"Hello world!\")"), "SABlAGwAbABvACAAdwBvAHIAbABkACEA");
  EXPECT_EQ(f.show("ConvertFromBase64(\"SABlAGwAbABvACAAdwBvAHIAbABkACEA\")"), "Hello world!");
  EXPECT_EQ(f.show("ConvertFromBase64(\"SGVsbG8gd29ybGQh\", UTF8)"), "Hello world!");
  EXPECT_EQ(f.show("ConvertToBase64(\"Hello world!\", UTF8)"), "SGVsbG8gd29ybGQh");
  EXPECT_EQ(f.show("ConvertFromBase64(\"@@\")"), "ERROR sync-rule-error-argument-exception: ConvertFromBase64 got text that is not base64: \"@@\"");
  EXPECT_EQ(f.show("ConvertToUTF8Hex(\"Hello world!\")"), "48656C6C6F20776F726C6421");
  EXPECT_EQ(f.show("ConvertFromUTF8Hex(\"48656C6C6F20776F726C6421\")"), "Hello world!");
  EXPECT_EQ(f.show("ConvertToUTF8Hex(\"é\")"), "C3A9");
  f.set("objectGUID", {std::string("\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10", 16)});
  EXPECT_EQ(f.show("ConvertToBase64([objectGUID])"), "AQIDBAUGBwgJCgsMDQ4PEA==");
}

TEST(ConversionFunctions, GuidAndSid) {
  Fixture f;
  f.set("objectGUID", {std::string("\x33\x22\x11\x00\x55\x44\x77\x66\x88\x99\xaa\xbb\xcc\xdd\xee\xff", 16)});
  EXPECT_EQ(f.show("StringFromGuid([objectGUID])"), "00112233-4455-6677-8899-aabbccddeeff");
  EXPECT_EQ(f.show("StringFromGuid(CGuid(\"{00112233-4455-6677-8899-AABBCCDDEEFF}\"))"), "00112233-4455-6677-8899-aabbccddeeff");
  EXPECT_EQ(f.show("CGuid(\"00112233-4455-6677-8899-aabbccddeeff\") = [objectGUID]"), "True");
  EXPECT_EQ(f.show("IsGuid(\"00001111-aaaa-2222-bbbb-3333cccc4444\")"), "True");
  EXPECT_EQ(f.show("IsGuid(\"{00001111-aaaa-2222-bbbb-3333cccc4444}\")"), "True");
  EXPECT_EQ(f.show("IsGuid(\"00001111-aaaa-2222-bbbb\")"), "False");
  EXPECT_EQ(f.show("IIF(IsGuid(\"nope\"),CGuid(\"nope\"),NULL)"), "NULL");
  EXPECT_EQ(f.show("IsGuid(Guid())"), "True");
  EXPECT_EQ(f.show("Guid() = Guid()"), "False");
  // S-1-5-21-1004336348-1177238915-682003330-512
  f.set("objectSid", {std::string("\x01\x05\x00\x00\x00\x00\x00\x05\x15\x00\x00\x00\xdc\xf4\xdc\x3b\x83\x3d\x2b\x46\x82\x8b\xa6\x28\x00\x02\x00\x00", 28)});
  EXPECT_EQ(f.show("StringFromSid([objectSid])"), "S-1-5-21-1004336348-1177238915-682003330-512");
  f.set("objectSid", {std::string("\x01\x05\x00", 3)});
  EXPECT_EQ(f.show("StringFromSid([objectSid])"), "ERROR sync-rule-error-argument-exception: StringFromSid got 3 bytes, which is not a valid SID");
}

TEST(EvaluationFunctions, PresenceAndTypeTests) {
  Fixture f;
  f.set("mail", {""});
  f.set("sn", {"Doe"});
  f.set("proxyAddresses", {"a", "b"});
  f.set("objectGUID", {"\x01\x02"});
  EXPECT_EQ(f.show("IsNull([displayName]) & IsNull([mail]) & IsNull([sn])"), "TrueFalseFalse");
  EXPECT_EQ(f.show("IsEmpty([displayName]) & IsEmpty([mail]) & IsEmpty([sn])"), "FalseTrueFalse");
  EXPECT_EQ(f.show("IsNullOrEmpty([displayName]) & IsNullOrEmpty([mail]) & IsNullOrEmpty([sn])"), "TrueTrueFalse");
  EXPECT_EQ(f.show("IsPresent([displayName]) & IsPresent([mail]) & IsPresent([sn])"), "FalseFalseTrue");
  EXPECT_EQ(f.show("IsPresent([proxyAddresses])"), "True");  // one answer for the whole attribute
  EXPECT_EQ(f.show("IsString([sn]) & IsString([objectGUID]) & IsString([displayName]) & IsString(5)"), "TrueFalseFalseTrue");
  EXPECT_EQ(f.show("IsNumeric(\"42\") & IsNumeric(\" -7 \") & IsNumeric(\"4.2\") & IsNumeric(\"x\") & IsNumeric(7)"),
            "TrueTrueFalseFalseTrue");
  EXPECT_EQ(f.show("IsBitSet(&HF,4)"), "True");
  EXPECT_EQ(f.show("IsBitSet(&HF,16)"), "False");
}

TEST(MathFunctions, BitsAndRandom) {
  Fixture f;
  f.set("groupType", {"-2147483646"});
  EXPECT_EQ(f.show("BitAnd(&HF, &HF7)"), "7");
  EXPECT_EQ(f.show("BitOr(&HF0, 5)"), "245");
  EXPECT_EQ(f.show("CBool(BitAnd([groupType],-2147483648))"), "True");
  EXPECT_EQ(f.show("BitAnd(\"x\", 1)"), "ERROR sync-rule-error-type-mismatch-exception: BitAnd expects a number as argument 1, got string \"x\"");
  for (int i = 0; i < 20; ++i) {
    auto r = f.run("RandomNum(100,999)");
    ASSERT_TRUE(r.ok());
    int64_t n = std::stoll(r->values[0]);
    EXPECT_GE(n, 100);
    EXPECT_LE(n, 999);
  }
}

TEST(Operators, ArithmeticComparisonAndNulls) {
  Fixture f;
  f.set("memberCount", {"50001"});
  EXPECT_EQ(f.show("[memberCount] > 50000"), "True");
  EXPECT_EQ(f.show("\"abc\" = \"ABC\""), "False");  // ordinal, case-sensitive
  EXPECT_EQ(f.show("\"abc\" < \"abd\""), "True");
  EXPECT_EQ(f.show("\"10\" = 10"), "True");
  EXPECT_EQ(f.show("[displayName] = \"x\""), "NULL");
  EXPECT_EQ(f.show("[displayName] & \"x\""), "x");
  EXPECT_EQ(f.show("[displayName] + 1"), "NULL");
  EXPECT_EQ(f.show("7 / 2"), "3");
  EXPECT_EQ(f.show("1 / 0"), "ERROR sync-rule-error-divide-by-zero-exception: division by zero: 1 / 0 (column 3)");
  EXPECT_EQ(f.show("9223372036854775807 + 1"),
            "ERROR sync-rule-error-overflow-exception: 9223372036854775807 + 1 does not fit in a 64-bit number (column 21)");
  EXPECT_EQ(f.show("\"a\" = 1"),
            "ERROR sync-rule-error-type-mismatch-exception: operator '=' cannot combine string \"a\" and number \"1\"; a number compares only with a number (column 5)");
  EXPECT_EQ(f.show("[cloudSOAExchMailbox] = True"), "NULL");
  f.set("cloudSOAExchMailbox", {"TRUE"});
  EXPECT_EQ(f.show("[cloudSOAExchMailbox] = True"), "True");
  EXPECT_EQ(f.show("NULL && False"), "False");
  EXPECT_EQ(f.show("NULL || True"), "True");
  EXPECT_EQ(f.show("NULL && True"), "NULL");
}

TEST(Operators, ParametersAtRuntime) {
  Fixture f;
  f.context.params["Domain.FQDN"] = "contoso.com";
  f.set("sAMAccountName", {"jdoe"});
  EXPECT_EQ(f.show("[sAMAccountName]&\"@\"&%Domain.FQDN%"), "jdoe@contoso.com");
  EXPECT_EQ(f.show("%Forest.LDAP%"),
            "ERROR sync-rule-error-parameter-not-found-exception: parameter %Forest.LDAP% is not defined for this connector "
            "(column 1); define it as a global or connector parameter");
}

}  // namespace
}  // namespace idsync::expr::testing
