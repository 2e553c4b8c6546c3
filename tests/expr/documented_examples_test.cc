// Examples from Microsoft's "Entra Connect Sync: Functions Reference", with the documented
// results (the families' own test files hold the rest; this file collects the text-family
// and date examples that were missing).
#include "expr_testing.h"

namespace idsync::expr::testing {
namespace {

TEST(DocumentedExamples, Text) {
  Fixture f;
  EXPECT_EQ(f.show("Left(\"John Doe\", 3)"), "Joh");
  EXPECT_EQ(f.show("Right(\"John Doe\", 3)"), "Doe");
  EXPECT_EQ(f.show("Mid(\"John Doe\", 3, 5)"), "hn Do");
  EXPECT_EQ(f.show("Mid(\"John Doe\", 6, 3)"), "Doe");
  EXPECT_EQ(f.show("Len(\"John Doe\")"), "8");
  EXPECT_EQ(f.show("LCase(\"TeSt\")"), "test");
  EXPECT_EQ(f.show("UCase(\"TeSt\")"), "TEST");
  EXPECT_EQ(f.show("LTrim(\" Test \")"), "Test ");
  EXPECT_EQ(f.show("RTrim(\" Test \")"), " Test");
  EXPECT_EQ(f.show("Trim(\" Test \")"), "Test");
  EXPECT_EQ(f.show("InStr(\"The quick brown fox\",\"quick\")"), "5");
  EXPECT_EQ(f.show("InStr(\"repEated\",\"e\",3,vbBinaryCompare)"), "7");
  EXPECT_EQ(f.show("InStrRev(\"abbcdbbbef\",\"bb\")"), "7");
  EXPECT_EQ(f.show("PadLeft(\"User\", 10, \"0\")"), "000000User");
  EXPECT_EQ(f.show("PadRight(\"User\", 10, \"0\")"), "User000000");
  EXPECT_EQ(f.show("Word(\"The quick brown fox\",3,\" \")"), "brown");
  EXPECT_EQ(f.show("Word(\"This,string!has&many separators\",3,\",!&#\")"), "has");
  EXPECT_EQ(f.show("ReplaceChars(\"Räksmörgås\", \"’:,Ä:A,Ë:E,Ö:O,Ü:U,ä:a,ë:e,ö:o,ü:u\")"), "Raksmorgås");
  EXPECT_EQ(f.show("ReplaceChars(\"O’Neil\", \"’:,Ä:A,Ë:E,Ö:O,Ü:U,ä:a,ë:e,ö:o,ü:u\")"), "ONeil");
  f.set("displayName", {"One Microsoft Way\r\nRedmond"});
  EXPECT_EQ(f.show("Replace([displayName],\"\\r\\n\",\", \")"), "One Microsoft Way, Redmond");
}

TEST(DocumentedExamples, DatesAndConversions) {
  Fixture f;
  EXPECT_EQ(f.show("DateFromNum(129699324000000000)"), "2012-01-01T23:00:00.000Z");
  EXPECT_EQ(f.show("NumFromDate(DateFromNum(129699324000000000))"), "129699324000000000");
  EXPECT_EQ(f.show("DateAdd(\"m\", 3, CDate(\"2001-01-01\"))"), "2001-04-01T00:00:00.000Z");
  EXPECT_EQ(f.show("CNum(\"123\")"), "123");
  EXPECT_EQ(f.show("IsNumeric(\"123\")"), "True");
  EXPECT_EQ(f.show("IsGuid(\"{00112233-4455-6677-8899-AABBCCDDEEFF}\")"), "True");
  EXPECT_EQ(f.show("BitOr(&HF,&HF7)"), "255");
}

}  // namespace
}  // namespace idsync::expr::testing
