// Every <expression> of the 62 default synchronization rules of the reference configuration
// compiles, and a few representative ones evaluate as the rules intend.
#include <filesystem>
#include <fstream>
#include <sstream>

#include "expr_testing.h"

namespace idsync::expr::testing {
namespace {

std::string unescape_xml(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '&') {
      out += s[i];
      continue;
    }
    static constexpr std::pair<std::string_view, char> kEntities[] = {
        {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
    bool done = false;
    for (auto [entity, c] : kEntities) {
      if (s.substr(i, entity.size()) == entity) {
        out += c;
        i += entity.size() - 1;
        done = true;
        break;
      }
    }
    if (!done) out += '&';
  }
  return out;
}

struct Expression {
  std::string file;
  std::string text;
};

std::vector<Expression> default_rule_expressions() {
  std::vector<Expression> out;
  std::filesystem::path dir = std::filesystem::path(IDSYNC_SHARED_DIR) / "reference/entra-connect-config-export/SynchronizationRules";
  if (!std::filesystem::is_directory(dir)) return out;  // the caller's assertion names the folder
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".xml") continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream buf;
    buf << in.rdbuf();
    std::string xml = buf.str();
    size_t pos = 0;
    while ((pos = xml.find("<expression>", pos)) != std::string::npos) {
      size_t start = pos + 12;
      size_t end = xml.find("</expression>", start);
      if (end == std::string::npos) break;
      out.push_back({entry.path().filename().string(), unescape_xml(std::string_view(xml).substr(start, end - start))});
      pos = end;
    }
  }
  return out;
}

TEST(DefaultRules, EveryExpressionCompiles) {
  auto expressions = default_rule_expressions();
  ASSERT_GE(expressions.size(), 300u) << "expected the 62 default rules under " << IDSYNC_SHARED_DIR
                                  << "/reference/entra-connect-config-export/SynchronizationRules";
  MapResolver any(true);
  size_t compiled = 0;
  for (const auto& e : expressions) {
    auto program = compile(e.text, any);
    EXPECT_TRUE(program.ok()) << e.file << ": " << e.text << "\n  " << program.status().message();
    compiled += program.ok();
  }
  EXPECT_EQ(compiled, expressions.size());
}

TEST(DefaultRules, CloudFilteredUserRuleEvaluates) {
  const char* rule =
      "IIF(IsPresent([isCriticalSystemObject]) || IsPresent([sAMAccountName]) = False || [sAMAccountName] = "
      "\"SUPPORT_388945a0\" || Left([mailNickname], 14) = \"SystemMailbox{\" || Left([sAMAccountName], 4) = \"AAD_\" || "
      "(Left([mailNickname], 4) = \"CAS_\" && (InStr([mailNickname], \"}\") > 0)) || (Left([sAMAccountName], 4) = \"CAS_\" && "
      "(InStr([sAMAccountName], \"}\") > 0)) || Left([sAMAccountName], 5) = \"MSOL_\" || "
      "CBool(IIF(IsPresent([msExchRecipientTypeDetails]),BitAnd([msExchRecipientTypeDetails],&H21C07000) > 0,NULL)) || "
      "CBool(InStr(DNComponent(CRef([dn]),1),\"\\\\0ACNF:\")>0), True, NULL)";
  Fixture f;
  f.declare("isCriticalSystemObject", AttrType::kBoolean, false);
  f.declare("msExchRecipientTypeDetails", AttrType::kInteger, false);
  f.set("dn", {"CN=John Doe,OU=Users,DC=contoso,DC=com"});
  f.set("sAMAccountName", {"jdoe"});
  EXPECT_EQ(f.show(rule), "NULL");  // an ordinary user is not filtered
  f.set("sAMAccountName", {"MSOL_1234"});
  EXPECT_EQ(f.show(rule), "True");
  f.set("sAMAccountName", {"jdoe"});
  f.set("msExchRecipientTypeDetails", {"8192"});  // 0x2000: a system mailbox bit of &H21C07000
  EXPECT_EQ(f.show(rule), "True");
  f.set("msExchRecipientTypeDetails", {"1"});
  f.set("dn", {"CN=John Doe\\0ACNF:7a8b,OU=Users,DC=contoso,DC=com"});
  EXPECT_EQ(f.show(rule), "True");
  f.context.attrs.erase(f.resolver.id("sAMAccountName"));
  f.set("dn", {"CN=John Doe,OU=Users,DC=contoso,DC=com"});
  EXPECT_EQ(f.show(rule), "True");  // no sAMAccountName
}

TEST(DefaultRules, SourceAnchorRules) {
  Fixture f;
  f.declare("cloudSourceAnchor", AttrType::kString, false);
  f.declare("sourceAnchor", AttrType::kString, false);
  f.declare("cloudAnchor", AttrType::kString, false);
  f.declare("sourceObjectType", AttrType::kString, false);
  f.set("sourceAnchor", {"AQID"});
  EXPECT_EQ(f.show("\"CN={\" & ConvertToUTF8Hex([sourceAnchor]) & \"}\""), "CN={41514944}");
  const char* rule =
      "IIF(IsPresent([cloudSourceAnchor]), IIF(Word([cloudAnchor],1,\"_\")=[sourceObjectType],IIF([cloudSourceAnchor] = "
      "[sourceAnchor],[sourceAnchor],Error(\"SourceAnchor attribute has changed.\")),[sourceAnchor]),[sourceAnchor])";
  EXPECT_EQ(f.show(rule), "AQID");
  f.set("cloudSourceAnchor", {"AQIE"});
  f.set("cloudAnchor", {"User_0f1e"});
  f.set("sourceObjectType", {"User"});
  EXPECT_EQ(f.show(rule), "ERROR sync-rule-error-function-triggered: SourceAnchor attribute has changed.");
  f.set("cloudSourceAnchor", {"AQID"});
  EXPECT_EQ(f.show(rule), "AQID");
}

}  // namespace
}  // namespace idsync::expr::testing
