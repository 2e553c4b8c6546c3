// The export analyzer on files as Microsoft's csexport writes them (hand-written from the
// documented "Connector Space Export XML" schema, with elements IdSync never writes), in UTF-8
// and UTF-16, large enough to cross the reader's chunk boundaries, and on broken input.
#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "idsync/csanalyzer.h"

namespace idsync {
namespace {

// A csexport.exe style file: transient=, <objectclass>, <dn-value> with <anchor>, error details
// with dates, lineage in <cs-mv-links>, <last-import-delta-time>, comments and CDATA.
const std::string kMicrosoftSample = R"XML(<?xml version="1.0" encoding="UTF-8"?>
<!-- csexport "fabrikam.com" export.xml /f:x ; a <cs-object cs-dn="fake"> in a comment is no object -->
<cs-objects>
<cs-object cs-dn="CN=Jon Smith,OU=Users,DC=fabrikam,DC=com" id="{68C3525F-1235-41EE-BD97-431BE85A0ACA}" transient="false" object-type="user">
  <unapplied-export>
    <delta operation="update" dn="CN=Jon Smith,OU=Users,DC=fabrikam,DC=com">
      <anchor encoding="base64">EgAAAFUASwA=</anchor>
      <primary-objectclass>user</primary-objectclass>
      <objectclass>
        <oc-value>top</oc-value>
        <oc-value>user</oc-value>
      </objectclass>
      <attr name="department" type="string" multivalued="false" operation="replace">
        <value>Finance</value>
      </attr>
      <attr name="proxyAddresses" type="string" multivalued="true" operation="update">
        <value operation="add">smtp:jon@fabrikam.com</value>
        <value operation="add">smtp:j.smith@fabrikam.com</value>
        <value operation="delete">SMTP:jsmith@contoso.com</value>
      </attr>
      <dn-attr name="manager" multivalued="false" operation="replace">
        <dn-value>
          <dn>CN=Mary,OU=Users,DC=fabrikam,DC=com</dn>
          <anchor encoding="base64">EsCCxQI=</anchor>
        </dn-value>
      </dn-attr>
      <!-- </cs-object> inside a comment ends nothing -->
      <attr name="telephoneNumber" type="string" multivalued="false" operation="delete">
        <value>+1 425 555 0100</value>
      </attr>
      <attr name="extensionAttribute1" type="string" multivalued="false" operation="add">
        <value>=HYPERLINK("http://evil")</value>
      </attr>
    </delta>
  </unapplied-export>
  <sequencers/>
  <synchronized-hologram>
    <entry dn="CN=Jon Smith,OU=Users,DC=fabrikam,DC=com">
      <anchor encoding="base64">EgAAAFUASwA=</anchor>
      <primary-objectclass>user</primary-objectclass>
      <objectclass>
        <oc-value>top</oc-value>
        <oc-value>user</oc-value>
      </objectclass>
      <dn-attr name="manager" multivalued="false">
        <dn-value>
          <dn>CN=Old Boss,OU=Users,DC=fabrikam,DC=com</dn>
          <anchor encoding="base64">AA==</anchor>
        </dn-value>
      </dn-attr>
      <attr name="department" type="string" multivalued="false">
        <value>Sales</value>
      </attr>
      <attr name="proxyAddresses" type="string" multivalued="true">
        <value>SMTP:jsmith@contoso.com</value>
        <value>smtp:x@fabrikam.com</value>
      </attr>
      <attr name="telephoneNumber" type="string" multivalued="false">
        <value>+1 425 555 0100</value>
      </attr>
    </entry>
  </synchronized-hologram>
  <unapplied-export-hologram>
    <entry dn="CN=Jon Smith,OU=Users,DC=fabrikam,DC=com"><primary-objectclass>user</primary-objectclass></entry>
  </unapplied-export-hologram>
  <connector>1</connector>
  <connector-state>normal</connector-state>
  <import-errordetail first-occurred="2024-01-02 10:00:00.000" date-occurred="2024-01-03 10:00:00.000" retry-count="1" error-type="sync-rule-error">
    <import-status><algorithm-step>sync-rule-flow</algorithm-step></import-status>
  </import-errordetail>
  <cs-mv-links>
    <cs-mv-value lineage-id="{11111111-2222-3333-4444-555555555555}" lineage-type="sync-rule" lineage-time="2024-01-02 10:00:00.000" mv-object-id="{AAAAAAAA-BBBB-CCCC-DDDD-EEEEEEEEEEEE}"/>
  </cs-mv-links>
  <last-import-delta-time>2024-01-02 10:00:00.000</last-import-delta-time>
</cs-object>
<cs-object cs-dn="CN=New Person,OU=Users,DC=fabrikam,DC=com" id="{78C3525F-1235-41EE-BD97-431BE85A0ACB}" object-type="user">
  <unapplied-export>
    <delta operation="add" dn="CN=New Person,OU=Users,DC=fabrikam,DC=com">
      <primary-objectclass>user</primary-objectclass>
      <attr name="displayName" type="string" multivalued="false">
        <value><![CDATA[Zoë & <Person> 🙂]]></value>
      </attr>
      <attr name="userCertificate" type="binary" multivalued="true">
        <value encoding="base64">AQID</value>
        <value encoding="base64">BAUG</value>
      </attr>
      <attr name="userAccountControl" type="integer" multivalued="false">
        <value>512</value>
      </attr>
      <attr name="msExchHideFromAddressLists" type="boolean" multivalued="false">
        <value>true</value>
      </attr>
    </delta>
  </unapplied-export>
  <connector>1</connector>
  <connector-state>normal</connector-state>
</cs-object>
<cs-object cs-dn="CN=Gone,OU=Groups,DC=fabrikam,DC=com" id="{88C3525F-1235-41EE-BD97-431BE85A0ACC}" object-type="group">
  <unapplied-export>
    <delta operation="delete" dn="CN=Gone,OU=Groups,DC=fabrikam,DC=com">
      <anchor encoding="base64">ZqXeAQI=</anchor>
      <primary-objectclass>group</primary-objectclass>
    </delta>
  </unapplied-export>
  <connector>0</connector>
  <connector-state>explicit</connector-state>
</cs-object>
<cs-object cs-dn="CN=Old Name,OU=A,DC=f" id="{98C3525F-1235-41EE-BD97-431BE85A0ACD}" object-type="contact">
  <unapplied-export>
    <delta operation="update" dn="CN=New Name,OU=A,DC=f">
      <primary-objectclass>contact</primary-objectclass>
      <attr name="cn" type="string" multivalued="false" operation="replace"><value>New Name</value></attr>
    </delta>
  </unapplied-export>
  <synchronized-hologram>
    <entry dn="CN=Old Name,OU=A,DC=f">
      <attr name="cn" type="string" multivalued="false"><value>Old Name</value></attr>
    </entry>
  </synchronized-hologram>
</cs-object>
<cs-object cs-dn="CN=Quiet,OU=Users,DC=fabrikam,DC=com" id="{A8C3525F-1235-41EE-BD97-431BE85A0ACE}" object-type="user">
  <pending-import>
    <delta operation="update" dn="CN=Quiet,OU=Users,DC=fabrikam,DC=com">
      <attr name="title" type="string" multivalued="false" operation="replace"><value>Boss</value></attr>
    </delta>
  </pending-import>
</cs-object>
</cs-objects>
)XML";

const std::string kExpectedRows =
    "user,\"CN=Jon Smith,OU=Users,DC=fabrikam,DC=com\",Update,5,department,Replace,string,False,2,1,1,Sales,Finance\r\n"
    "user,\"CN=Jon Smith,OU=Users,DC=fabrikam,DC=com\",Update,5,proxyAddresses,Update,string,True,3,2,1,,\r\n"
    "user,\"CN=Jon Smith,OU=Users,DC=fabrikam,DC=com\",Update,5,manager,Replace,reference,False,2,1,1,"
    "\"CN=Old Boss,OU=Users,DC=fabrikam,DC=com\",\"CN=Mary,OU=Users,DC=fabrikam,DC=com\"\r\n"
    "user,\"CN=Jon Smith,OU=Users,DC=fabrikam,DC=com\",Update,5,telephoneNumber,Delete,string,False,1,0,1,"
    "'+1 425 555 0100,\r\n"
    "user,\"CN=Jon Smith,OU=Users,DC=fabrikam,DC=com\",Update,5,extensionAttribute1,Add,string,False,1,1,0,,"
    "\"'=HYPERLINK(\"\"http://evil\"\")\"\r\n"
    "user,\"CN=New Person,OU=Users,DC=fabrikam,DC=com\",Add,4,displayName,Add,string,False,1,1,0,,"
    "Zoë & <Person> 🙂\r\n"
    "user,\"CN=New Person,OU=Users,DC=fabrikam,DC=com\",Add,4,userCertificate,Add,binary,True,2,2,0,,\r\n"
    "user,\"CN=New Person,OU=Users,DC=fabrikam,DC=com\",Add,4,userAccountControl,Add,integer,False,1,1,0,,512\r\n"
    "user,\"CN=New Person,OU=Users,DC=fabrikam,DC=com\",Add,4,msExchHideFromAddressLists,Add,boolean,False,1,1,0,,"
    "true\r\n"
    "group,\"CN=Gone,OU=Groups,DC=fabrikam,DC=com\",Delete,0,,,,,,,,,\r\n"
    "contact,\"CN=Old Name,OU=A,DC=f\",Update,2,DN,Replace,dn,False,1,1,1,\"CN=Old Name,OU=A,DC=f\","
    "\"CN=New Name,OU=A,DC=f\"\r\n"
    "contact,\"CN=Old Name,OU=A,DC=f\",Update,2,cn,Replace,string,False,2,1,1,Old Name,New Name\r\n";

std::string header() { return std::string(kCsAnalyzerHeader) + "\r\n"; }

Result<CsAnalyzerSummary> analyze(const std::string& xml, std::string& csv, const std::string& kind = "unapplied-export") {
  std::istringstream in(xml);
  std::ostringstream out;
  CsAnalyzerOptions options;
  options.delta_kind = kind;
  auto r = analyze_csexport(in, out, options);
  csv = out.str();
  return r;
}

// UTF-8 → UTF-16LE with a BOM, as Windows tools often write XML.
std::string utf16le(const std::string& s) {
  std::string out = "\xFF\xFE";
  auto unit = [&](uint32_t u) {
    out += static_cast<char>(u & 0xFF);
    out += static_cast<char>(u >> 8);
  };
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    uint32_t cp;
    size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : 4;
    cp = n == 1 ? c : n == 2 ? (c & 0x1F) : n == 3 ? (c & 0x0F) : (c & 0x07);
    for (size_t k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    i += n;
    if (cp >= 0x10000) {
      cp -= 0x10000;
      unit(0xD800 + (cp >> 10));
      unit(0xDC00 + (cp & 0x3FF));
    } else {
      unit(cp);
    }
  }
  return out;
}

TEST(CsAnalyzer, MicrosoftCsexportFileGivesOneRowPerChangedAttribute) {
  std::string csv;
  auto summary = analyze(kMicrosoftSample, csv);
  ASSERT_TRUE(summary.ok()) << summary.status().to_string();
  EXPECT_EQ(csv, header() + kExpectedRows);
  EXPECT_EQ(summary->objects_read, 5u);
  EXPECT_EQ(summary->objects_analyzed, 4u);
  EXPECT_EQ(summary->rows, 12u);
  EXPECT_EQ(summary->by_omodt["Update"].objects, 2u);
  EXPECT_EQ(summary->by_omodt["Update"].attribute_changes, 7u);
  EXPECT_EQ(summary->by_omodt["Add"].objects, 1u);
  EXPECT_EQ(summary->by_omodt["Delete"].objects, 1u);
  EXPECT_EQ(format_csanalyzer_summary_csv(*summary),
            "OMODT,Objects,ChangedAttributes\r\nAdd,1,4\r\nDelete,1,0\r\nUpdate,2,7\r\n");
}

// Group membership as csexport.exe writes it (a multi-valued dn-attr with per-value
// operations), and the whole-object delta operations replace and delete-add.
TEST(CsAnalyzer, MicrosoftGroupMembersReplaceAndDeleteAdd) {
  const std::string xml = R"XML(<?xml version="1.0" encoding="UTF-8"?>
<cs-objects>
<cs-object cs-dn="CN=Big,OU=Groups,DC=f" id="{B8C3525F-1235-41EE-BD97-431BE85A0ACF}" object-type="group">
  <unapplied-export>
    <delta operation="update" dn="CN=Big,OU=Groups,DC=f">
      <anchor encoding="base64">ZqXeAQI=</anchor>
      <primary-objectclass>group</primary-objectclass>
      <dn-attr name="member" multivalued="true" operation="update">
        <dn-value operation="add"><dn>CN=A,DC=f</dn><anchor encoding="base64">AQ==</anchor></dn-value>
        <dn-value operation="add"><dn>CN=B,DC=f</dn></dn-value>
        <dn-value operation="delete"><dn>CN=C,DC=f</dn></dn-value>
        <dn-value operation="delete"><dn>CN=D,DC=f</dn></dn-value>
        <dn-value operation="delete"><dn>CN=E,DC=f</dn></dn-value>
      </dn-attr>
    </delta>
  </unapplied-export>
</cs-object>
<cs-object cs-dn="CN=R,DC=f" id="{C8C3525F-1235-41EE-BD97-431BE85A0AC0}" object-type="user">
  <unapplied-export>
    <delta operation="replace" dn="CN=R,DC=f">
      <primary-objectclass>user</primary-objectclass>
      <attr name="title" type="string" multivalued="false"><value>X</value></attr>
    </delta>
  </unapplied-export>
</cs-object>
<cs-object cs-dn="CN=DA,DC=f" id="{D8C3525F-1235-41EE-BD97-431BE85A0AC1}" object-type="user">
  <unapplied-export>
    <delta operation="delete-add" dn="CN=DA,DC=f">
      <primary-objectclass>user</primary-objectclass>
      <attr name="title" type="string" multivalued="false"><value>Y</value></attr>
    </delta>
  </unapplied-export>
</cs-object>
</cs-objects>
)XML";
  std::string csv;
  auto summary = analyze(xml, csv);
  ASSERT_TRUE(summary.ok()) << summary.status().to_string();
  EXPECT_EQ(csv, header() +
                     "group,\"CN=Big,OU=Groups,DC=f\",Update,1,member,Update,reference,True,5,2,3,,\r\n"
                     "user,\"CN=R,DC=f\",Replace,1,title,Replace,string,False,1,1,0,,X\r\n"
                     "user,\"CN=DA,DC=f\",Delete-Add,1,title,Add,string,False,1,1,0,,Y\r\n");
  EXPECT_EQ(summary->by_omodt["Update"].objects, 1u);
  EXPECT_EQ(summary->by_omodt["Replace"].objects, 1u);
  EXPECT_EQ(summary->by_omodt["Delete-Add"].objects, 1u);
}

TEST(CsAnalyzer, Utf16FileReadsTheSameAsUtf8) {
  std::string xml = kMicrosoftSample;
  xml.replace(xml.find("UTF-8"), 5, "UTF-16");
  std::string csv;
  auto summary = analyze(utf16le(xml), csv);
  ASSERT_TRUE(summary.ok()) << summary.status().to_string();
  EXPECT_EQ(csv, header() + kExpectedRows);
}

TEST(CsAnalyzer, DeltaKindChoosesTheDelta) {
  std::string csv;
  auto summary = analyze(kMicrosoftSample, csv, "pending-import");
  ASSERT_TRUE(summary.ok()) << summary.status().to_string();
  EXPECT_EQ(csv, header() + "user,\"CN=Quiet,OU=Users,DC=fabrikam,DC=com\",Update,1,title,Replace,string,False,1,1,0,,Boss\r\n");
  EXPECT_EQ(analyze(kMicrosoftSample, csv, "escrowed-export")->rows, 0u);
  EXPECT_EQ(analyze(kMicrosoftSample, csv, "bogus").status().code(), ErrorCode::kInvalidArgument);
}

TEST(CsAnalyzer, StreamsObjectsAcrossChunkBoundaries) {
  // ~11 MB: many 1 MiB chunks, objects and tags split between them.
  std::string xml = "<?xml version=\"1.0\"?>\n<cs-objects>\n";
  const int kObjects = 30000;
  for (int i = 0; i < kObjects; ++i) {
    std::string n = std::to_string(i);
    xml += "<cs-object cs-dn=\"CN=u" + n + ",DC=x\" id=\"{" + n + "}\" object-type=\"user\"><unapplied-export>"
           "<delta operation=\"update\" dn=\"CN=u" + n + ",DC=x\"><attr name=\"title\" type=\"string\" "
           "multivalued=\"false\" operation=\"replace\"><value>t" + n + "</value></attr>"
           "<attr name=\"description\" type=\"string\" multivalued=\"false\" operation=\"add\"><value>" +
           std::string(200, 'd') + "</value></attr></delta></unapplied-export></cs-object>\n";
    if (i % 1000 == 0) xml += "<!-- <cs-object cs-dn=\"not one\"> --><![CDATA[ignored?]]>\n";
  }
  xml += "</cs-objects>\n";
  std::string csv;
  auto summary = analyze(xml, csv);
  ASSERT_TRUE(summary.ok()) << summary.status().to_string();
  EXPECT_EQ(summary->objects_read, static_cast<uint64_t>(kObjects));
  EXPECT_EQ(summary->rows, 2u * kObjects);
  std::string last = "user,\"CN=u29999,DC=x\",Update,2,title,Replace,string,False,1,1,0,,t29999\r\n";
  EXPECT_NE(csv.find(last), std::string::npos);
}

TEST(CsAnalyzer, BrokenInputIsAParseErrorNamingTheObject) {
  std::string csv;
  std::string truncated = kMicrosoftSample.substr(0, kMicrosoftSample.find("<cs-object cs-dn=\"CN=Gone") + 60);
  auto r = analyze(truncated, csv);
  EXPECT_EQ(r.status().code(), ErrorCode::kParseError);
  EXPECT_NE(r.status().message().find("truncated"), std::string::npos) << r.status().message();

  r = analyze("<cs-objects><cs-object cs-dn=\"x\"><unapplied-export></cs-object></cs-objects>", csv);
  EXPECT_EQ(r.status().code(), ErrorCode::kParseError);
  EXPECT_NE(r.status().message().find("cs-object 1"), std::string::npos) << r.status().message();

  r = analyze("<?xml version=\"1.0\"?><run-history/>", csv);
  EXPECT_EQ(r.status().code(), ErrorCode::kParseError);
  EXPECT_NE(r.status().message().find("not a csexport file"), std::string::npos) << r.status().message();

  r = analyze("<cs-objects/>", csv);  // an empty export is fine
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  EXPECT_EQ(csv, header());
}

TEST(CsAnalyzer, CsvCellsAreQuotedAndFormulasNeutralised) {
  EXPECT_EQ(csv_cell(""), "");
  EXPECT_EQ(csv_cell("plain"), "plain");
  EXPECT_EQ(csv_cell("=1+2"), "'=1+2");
  EXPECT_EQ(csv_cell("+1 425"), "'+1 425");
  EXPECT_EQ(csv_cell("-2"), "'-2");
  EXPECT_EQ(csv_cell("@SUM(A1:A9)"), "'@SUM(A1:A9)");
  EXPECT_EQ(csv_cell("\tcmd"), "'\tcmd");
  EXPECT_EQ(csv_cell("\rcmd"), "\"'\rcmd\"");
  EXPECT_EQ(csv_cell("a,b"), "\"a,b\"");
  EXPECT_EQ(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csv_cell("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(csv_cell("=cmd|' /C calc'!A0,x"), "\"'=cmd|' /C calc'!A0,x\"");
  EXPECT_EQ(csv_cell(" padded "), "\" padded \"");
  EXPECT_EQ(csv_cell("a=b"), "a=b");
}

}  // namespace
}  // namespace idsync
