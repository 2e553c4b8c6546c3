// Text family with the documented examples and edge cases.
#include "expr_testing.h"

namespace idsync::expr::testing {
namespace {

TEST(TextFunctions, LeftRight) {
  Fixture f;
  EXPECT_EQ(f.show("Left(\"John Doe\", 3)"), "Joh");
  EXPECT_EQ(f.show("Left(\"John Doe\", 0)"), "");
  EXPECT_EQ(f.show("Left(\"John Doe\", -1)"), "John Doe");
  EXPECT_EQ(f.show("Left(\"John Doe\", 99)"), "John Doe");
  EXPECT_EQ(f.show("Left([displayName], 3)"), "");  // null -> ""
  EXPECT_EQ(f.show("Right(\"John Doe\", 3)"), "Doe");
  EXPECT_EQ(f.show("Right(\"John Doe\", 0)"), "");
  EXPECT_EQ(f.show("Right(\"John Doe\", -5)"), "John Doe");
  EXPECT_EQ(f.show("Right(\"John Doe\", 50)"), "John Doe");
  EXPECT_EQ(f.show("Right([displayName], 2)"), "");
  EXPECT_EQ(f.show("Left(\"Jörg\", 2)"), "Jö");  // characters, not bytes
}

TEST(TextFunctions, Mid) {
  Fixture f;
  EXPECT_EQ(f.show("Mid(\"John Doe\", 3, 5)"), "hn Do");
  EXPECT_EQ(f.show("Mid(\"John Doe\", 6, 999)"), "Doe");
  EXPECT_EQ(f.show("Mid(\"John Doe\", 3, 0)"), "");
  EXPECT_EQ(f.show("Mid(\"John Doe\", 3, -1)"), "John Doe");
  EXPECT_EQ(f.show("Mid(\"John Doe\", 9, 1)"), "John Doe");  // start past the end
  EXPECT_EQ(f.show("Mid(\"John Doe\", 0, 2)"), "John Doe");
  EXPECT_EQ(f.show("Mid([displayName], 1, 2)"), "");
  EXPECT_EQ(f.show("Mid(\"SMTP:a@b.c\", 6)"), "a@b.c");  // two-argument form of the docs' example
}

TEST(TextFunctions, LenCaseTrim) {
  Fixture f;
  EXPECT_EQ(f.show("Len(\"John Doe\")"), "8");
  EXPECT_EQ(f.show("Len(\"Åsa\")"), "3");
  EXPECT_EQ(f.show("LCase(\"TeSt\")"), "test");
  EXPECT_EQ(f.show("UCase(\"TeSt\")"), "TEST");
  EXPECT_EQ(f.show("UCase(\"straße öl\")"), "STRAßE ÖL");
  EXPECT_EQ(f.show("PCase(\"TEsT\")"), "Test");
  EXPECT_EQ(f.show("PCase(LCase(\"TEST\"))"), "Test");
  EXPECT_EQ(f.show("PCase(\"TEST\")"), "TEST");  // all-capital words (acronyms) are kept
  EXPECT_EQ(f.show("PCase(\"john  van DER berg\")"), "John  Van DER Berg");
  EXPECT_EQ(f.show("Trim(\" Test \")"), "Test");
    EXPECT_EQ(f.show("LTrim(\" Test \") & \"|\""), "Test |");
  EXPECT_EQ(f.show("RTrim(\" Test \") & \"|\""), " Test|");
  EXPECT_EQ(f.show("Trim(\"\t x\u00a0\")"), "x");
  EXPECT_EQ(f.show("Trim([displayName])"), "NULL");  // absent stays absent
}

TEST(TextFunctions, InStr) {
  Fixture f;
  EXPECT_EQ(f.show("InStr(\"The quick brown fox\",\"quick\")"), "5");
  EXPECT_EQ(f.show("InStr(\"repEated\",\"e\",3,vbBinaryCompare)"), "7");
  EXPECT_EQ(f.show("InStr(\"repEated\",\"e\",3,vbTextCompare)"), "4");
  EXPECT_EQ(f.show("InStr(\"abc\",\"z\")"), "0");
  EXPECT_EQ(f.show("InStr([mail],\"@\")"), "0");
  EXPECT_EQ(f.show("InStr(\"äbc\",\"c\")"), "3");
  EXPECT_EQ(f.show("InStrRev(\"abbcdbbbef\",\"bb\")"), "7");
  EXPECT_EQ(f.show("InStrRev(\"abcabc\",\"bc\",5)"), "2");
  EXPECT_EQ(f.show("InStrRev(\"abc\",\"z\")"), "0");
  EXPECT_EQ(f.show("InStr(\"abc\",\"b\",0)"), "ERROR sync-rule-error-argument-out-of-range-exception: InStr start must be 1 or more, got 0");
}

TEST(TextFunctions, ReplaceAndReplaceChars) {
  Fixture f;
  f.set("description", {"One Microsoft Way\r\nRedmond"});
  EXPECT_EQ(f.show("Replace(Item([description],1),\"\\r\\n\",\", \")"), "One Microsoft Way, Redmond");
  EXPECT_EQ(f.show("Replace(\"a-b-c\",\"-\",\"\")"), "abc");
  EXPECT_EQ(f.show("Replace(\"aaa\",\"a\",\"aa\")"), "aaaaaa");
  EXPECT_EQ(f.show("ReplaceChars(\"Räksmörgås\",\"’:,Å:A,Ä:A,Ö:O,å:a,ä:a,ö:o\")"), "Raksmorgas");
  EXPECT_EQ(f.show("ReplaceChars(\"O’Neil\",\"’:,Å:A\")"), "ONeil");
  EXPECT_EQ(f.show("ReplaceChars(\"Straße\",\" ß : ss \")"), "Strasse");
  EXPECT_EQ(f.show("ReplaceChars(\"Göta\",\"ö,oe\")"), "Goeta");  // the reference's "{source},{target}" form
  EXPECT_EQ(f.show("ReplaceChars(\"x\",\"a:b,c\")"),
            "ERROR sync-rule-error-argument-exception: ReplaceChars pattern entry 2 must be one source character, ':' and a target, e.g. \"é:e,ß:ss\"");
  EXPECT_EQ(f.show("ReplaceChars([displayName],\"a:b\")"), "NULL");
  EXPECT_EQ(f.show("ReplaceChars(\"x\",\"ab:c\")"),
            "ERROR sync-rule-error-argument-exception: ReplaceChars pattern entry 1 must be one source character, ':' and a target, e.g. \"é:e,ß:ss\"");
}

TEST(TextFunctions, PadAndWord) {
  Fixture f;
  EXPECT_EQ(f.show("PadLeft(\"User\", 10, \"0\")"), "000000User");
  EXPECT_EQ(f.show("PadRight(\"User\", 10, \"0\")"), "User000000");
  EXPECT_EQ(f.show("PadLeft(\"User\", 2, \"0\")"), "User");
  EXPECT_EQ(f.show("PadLeft([displayName], 5, \"0\")"), "");
  EXPECT_EQ(f.show("PadRight([displayName], 5, \"0\")"), "");
  EXPECT_EQ(f.show("PadLeft(\"x\", 3, \"ab\")"), "ERROR sync-rule-error-argument-exception: PadLeft needs exactly one pad character, got \"ab\"");
  EXPECT_EQ(f.show("Word(\"The quick brown fox\",3,\" \")"), "brown");
  EXPECT_EQ(f.show("Word(\"This,string!has&many separators\",3,\",!&#\")"), "has");
  EXPECT_EQ(f.show("Word(\"This,string!has&many separators\",4,\",!&#\")"), "many separators");
  EXPECT_EQ(f.show("Word(\"a b\",0,\" \")"), "");
  EXPECT_EQ(f.show("Word(\"a b\",3,\" \")"), "");
  EXPECT_EQ(f.show("Word([displayName],1,\" \")"), "");
  EXPECT_EQ(f.show("Word(\"User_1234\",1,\"_\")"), "User");
}

TEST(TextFunctions, MultiValuedAppliesPerValue) {
  Fixture f;
  f.set("proxyAddresses", {" SMTP:a@contoso.com ", "smtp:b@fabrikam.com", "SIP:a@contoso.com"});
  EXPECT_EQ(f.show("Trim([proxyAddresses])"), "SMTP:a@contoso.com\nsmtp:b@fabrikam.com\nSIP:a@contoso.com");
  EXPECT_EQ(f.show("Word(Trim([proxyAddresses]),1,\"@\") & \"@contoso.com\""),
            "SMTP:a@contoso.com\nsmtp:b@contoso.com\nSIP:a@contoso.com");
  EXPECT_EQ(f.show("IIF(InStr(Trim([proxyAddresses]),\"SIP:\")=1,NULL,Trim([proxyAddresses]))"),
            "SMTP:a@contoso.com\nsmtp:b@fabrikam.com");
  EXPECT_EQ(f.show("Len([proxyAddresses])"), "20\n19\n17");
  auto r = f.run("UCase([proxyAddresses])");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->multi);
  EXPECT_EQ(r->kind, Kind::kString);
}

}  // namespace
}  // namespace idsync::expr::testing
