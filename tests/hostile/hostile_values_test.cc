// Directory data that tries to break things, through the real LDIF connectors, the engine, the
// store, csexport and the analyzer: invalid UTF-8, NUL bytes, control characters, a megabyte
// value, XML special characters, LDAP filter and CSV formula injections. Each value must arrive
// in the target directory byte for byte, csexport must write well-formed XML that gives the
// bytes back, and the analyzer's CSV must neutralise formulas.
#include <pugixml.hpp>

#include <sstream>

#include "idsync/csanalyzer.h"
#include "idsync/csexport.h"
#include "idsync/file/ldif.h"
#include "ops/object_views.h"
#include "sync/scenario.h"

namespace idsync::scenario {
namespace {

std::string b64(std::string_view bytes) {
  static const char* t = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    uint32_t n = (uint8_t(bytes[i]) << 16) | (uint8_t(bytes[i + 1]) << 8) | uint8_t(bytes[i + 2]);
    out += {t[n >> 18], t[(n >> 12) & 63], t[(n >> 6) & 63], t[n & 63]};
  }
  if (i + 1 == bytes.size()) {
    uint32_t n = uint8_t(bytes[i]) << 16;
    out += {t[n >> 18], t[(n >> 12) & 63], '=', '='};
  } else if (i + 2 == bytes.size()) {
    uint32_t n = (uint8_t(bytes[i]) << 16) | (uint8_t(bytes[i + 1]) << 8);
    out += {t[n >> 18], t[(n >> 12) & 63], t[(n >> 6) & 63], '='};
  }
  return out;
}

// The values every test user carries in `title` (one per user) and `description`.
struct Hostile {
  std::string name, value;
};

std::vector<Hostile> hostile_values() {
  return {
      {"invalid-utf8", std::string("caf\xe9 \xff\xfe \xc3\x28 \xed\xa0\x80 end")},
      {"nul-bytes", std::string("before\0after\0", 13)},
      {"control-chars", std::string("tab\there\r\nline\x01\x1f\x7f")},
      {"xml-special", "<a href=\"x\">&amp; ' ]]> </a> &#0; <!-- -->"},
      {"ldap-filter", "*)(|(uid=*))(objectClass=*"},
      {"formula-cmd", "=cmd|' /C calc'!A0"},
      {"formula-plus", "+SUM(1,2)"},
      {"formula-at", "@HYPERLINK(\"http://evil\")"},
      {"formula-minus", "-2+3"},
      {"leading-space", "  spaced ends  "},
      {"megabyte", std::string(1 << 20, 'M') + "\xff"},
  };
}

std::string hostile_user(int i, const Hostile& h) {
  return "dn: CN=User " + std::to_string(i) + ",OU=People,DC=hr\nobjectClass: top\nobjectClass: user\nuid: u" +
         std::to_string(i) + "\ncn: User " + std::to_string(i) + "\nsn: " + h.name + "\ntitle:: " + b64(h.value) +
         "\ndepartment:: " + b64(h.value) + "\n\n";
}

class HostileValuesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    standard_setup(s_);
    std::string content;
    auto values = hostile_values();
    for (size_t i = 0; i < values.size(); ++i) content += hostile_user(static_cast<int>(i), values[i]);
    s_.set_content("hr", content);
    ASSERT_TRUE(s_.apply().ok());
  }
  Scenario s_;
};

TEST_F(HostileValuesTest, EveryValueReachesTheTargetByteForByte) {
  initial_round(s_);
  auto dir = s_.directory("dir");
  auto values = hostile_values();
  ASSERT_EQ(dir.size(), values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    std::string dn = "CN=User " + std::to_string(i) + ",OU=People,DC=dir";
    auto it = dir.find(normalized(dn));
    ASSERT_NE(it, dir.end()) << values[i].name << ": " << dn << " was not exported";
    EXPECT_EQ(std::string(it->second.first("title")), values[i].value) << values[i].name;
    EXPECT_EQ(std::string(it->second.first("department")), values[i].value) << values[i].name;
  }
  // Nothing is pending any more, and the store is consistent.
  std::string summary;
  Status check = s_.server().check_store(&summary);
  EXPECT_TRUE(check.ok()) << check.to_string();
  EXPECT_NE(summary.find("0 pending exports"), std::string::npos) << summary;
}

// Regression: cs_object_json (`idsync cs show`) threw nlohmann type_error 316 on a value that
// is not UTF-8.
TEST_F(HostileValuesTest, InvalidUtf8ValueDoesNotBreakObjectJsonOrHistory) {
  initial_round(s_);
  // JSON cannot carry invalid UTF-8: the views must still answer (never throw), for every
  // object, connector space list and the run history.
  for (size_t i = 0; i < hostile_values().size(); ++i) {
    std::string dn = "CN=User " + std::to_string(i) + ",OU=People,DC=hr";
    auto cs = s_.server().cs_object_json("hr", dn);
    ASSERT_TRUE(cs.ok()) << cs.status().to_string();
    ASSERT_TRUE(cs->has_value()) << dn;
    EXPECT_FALSE(json::parse(**cs).is_null()) << dn;
  }
  EXPECT_TRUE(s_.server().cs_list_json("dir", false, 0).ok());
  EXPECT_TRUE(s_.server().mv_list_json("", 0).ok());
  auto history = s_.server().run_history({});
  ASSERT_TRUE(history.ok()) << history.status().to_string();
  EXPECT_FALSE(history->empty());
}

TEST_F(HostileValuesTest, CsexportWritesWellFormedXmlAndTheAnalyzerNeutralisesFormulas) {
  s_.run("hr", "Full Import");
  s_.run("hr", "Full Synchronization");  // dir now holds pending adds with every value
  CsExportRequest req;
  req.store_path = s_.store_path();
  req.connector = "dir";
  req.file = (s_.dir() / "dir.xml").string();
  auto stats = csexport(req);
  ASSERT_TRUE(stats.ok()) << stats.status().to_string();
  EXPECT_EQ(stats->written, hostile_values().size());

  std::string xml = read_text(req.file);
  pugi::xml_document doc;
  pugi::xml_parse_result parsed = doc.load_string(xml.c_str(), pugi::parse_default);
  ASSERT_TRUE(parsed) << parsed.description() << " at offset " << parsed.offset;
  ASSERT_EQ(xml.find('\0'), std::string::npos);
  // Each pending add's title gives back the exact bytes (base64 when XML cannot hold them).
  std::map<std::string, std::string> by_value;
  for (const Hostile& h : hostile_values()) by_value[h.name] = h.value;
  size_t seen = 0;
  for (pugi::xml_node o : doc.child("cs-objects").children("cs-object")) {
    pugi::xml_node delta = o.child("unapplied-export").child("delta");
    ASSERT_TRUE(delta) << o.attribute("cs-dn").value();
    for (pugi::xml_node a : delta.children("attr")) {
      if (std::string(a.attribute("name").value()) != "title") continue;
      pugi::xml_node v = a.child("value");
      std::string text = v.text().get();
      if (std::string(v.attribute("encoding").value()) == "base64") {
        auto decoded = base64_decode(text);
        ASSERT_TRUE(decoded.has_value()) << text;
        text = *decoded;
      }
      bool found = false;
      for (const auto& [name, value] : by_value) found = found || value == text;
      EXPECT_TRUE(found) << o.attribute("cs-dn").value() << ": title came back as '" << text.substr(0, 80) << "'";
      ++seen;
    }
  }
  EXPECT_EQ(seen, hostile_values().size());

  std::ifstream in(req.file, std::ios::binary);
  std::ostringstream csv;
  auto summary = analyze_csexport(in, csv, CsAnalyzerOptions{});
  ASSERT_TRUE(summary.ok()) << summary.status().to_string();
  std::string text = csv.str();
  EXPECT_EQ(text.find(",=cmd"), std::string::npos);
  EXPECT_EQ(text.find(",+SUM"), std::string::npos);
  EXPECT_EQ(text.find(",@HYPERLINK"), std::string::npos);
  EXPECT_EQ(text.find(",-2+3"), std::string::npos);
  EXPECT_NE(text.find("'=cmd|' /C calc'!A0"), std::string::npos);
  EXPECT_NE(text.find("'+SUM(1,2)"), std::string::npos);
  EXPECT_NE(text.find("'@HYPERLINK"), std::string::npos);
}

}  // namespace
}  // namespace idsync::scenario
