// Operator priority, settled against the 62 default rules of the reference export.
//
// The declarative-provisioning page says every operator has the same priority and they run
// left to right. This test finds every place in the default rules where operators of
// different tiers (arithmetic/concatenation, comparison, logic) meet without parentheses,
// pins that list (six expressions, all of them comparison inside an && / || chain), shows that
// the literal left-to-right reading breaks them, and checks that IdSync's reading gives each
// the meaning Microsoft's "default configuration" page describes for it.
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "expr/lexer.h"
#include "expr_testing.h"

namespace idsync::expr::testing {
namespace {

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

std::string unescape_xml(std::string s) {
  static constexpr std::pair<std::string_view, std::string_view> kEntities[] = {
      {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&apos;", "'"}, {"&amp;", "&"}};
  for (auto [entity, c] : kEntities)
    for (size_t at = 0; (at = s.find(entity, at)) != std::string::npos; at += c.size()) s.replace(at, entity.size(), c);
  return s;
}

std::string between(const std::string& xml, const std::string& tag, size_t from = 0) {
  size_t a = xml.find("<" + tag + ">", from);
  if (a == std::string::npos) return "";
  a += tag.size() + 2;
  size_t b = xml.find("</" + tag + ">", a);
  return b == std::string::npos ? "" : xml.substr(a, b - a);
}

// "rule name -> destination" for every expression flow of the reference export.
std::map<std::string, std::string> rule_expressions() {
  std::map<std::string, std::string> out;
  auto dir = std::filesystem::path(IDSYNC_SHARED_DIR) / "reference/entra-connect-config-export/SynchronizationRules";
  if (!std::filesystem::is_directory(dir)) return out;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::string xml = read_text(entry.path());
    std::string name = between(xml, "name");
    for (size_t at = 0; (at = xml.find("<mapping>", at)) != std::string::npos; ++at) {
      std::string mapping = xml.substr(at, xml.find("</mapping>", at) - at);
      std::string expression = between(mapping, "expression");
      if (!expression.empty()) out[name + " -> " + between(mapping, "dest")] = unescape_xml(expression);
    }
  }
  return out;
}

int tier_of(const std::string& op) {
  if (op == "&&" || op == "||") return 3;
  if (op == "=" || op == "<>" || op == "<" || op == "<=" || op == ">" || op == ">=") return 2;
  return 1;
}

// True when two binary operators of different tiers share one parenthesis level (or one
// function argument), i.e. when the priority rule decides the meaning.
bool mixes_tiers(const std::string& text) {
  auto tokens = tokenize(text);
  if (!tokens.ok()) return false;
  std::vector<std::set<int>> levels(1);
  bool operand_before = false;
  for (const auto& t : *tokens) {
    switch (t.type) {
      case TokenType::kLParen: levels.emplace_back(); operand_before = false; break;
      case TokenType::kRParen: levels.pop_back(); operand_before = true; break;
      case TokenType::kComma: levels.back().clear(); operand_before = false; break;
      case TokenType::kOperator:
        if (operand_before) {  // binary, not a unary minus
          levels.back().insert(tier_of(t.text));
          if (levels.back().size() > 1) return true;
        }
        operand_before = false;
        break;
      default: operand_before = true; break;
    }
  }
  return false;
}

class OperatorPriority : public ::testing::Test {
 protected:
  void SetUp() override {
    rules = rule_expressions();
    ASSERT_EQ(rules.size() > 0, true) << "the reference export is missing: expected the default rules under "
                                      << IDSYNC_SHARED_DIR << "/reference/entra-connect-config-export/SynchronizationRules";
    f.declare("isCriticalSystemObject", AttrType::kBoolean, false);
    f.declare("msExchRecipientTypeDetails", AttrType::kInteger, false);
    f.declare("msExchHideFromAddressLists", AttrType::kBoolean, false);
    f.set("dn", {"CN=Someone,OU=Staff,DC=contoso,DC=com"});
  }
  const std::string& rule(const std::string& key) {
    static const std::string kNone;
    auto it = rules.find(key);
    EXPECT_NE(it, rules.end()) << "no expression flow " << key << " in the reference export";
    return it == rules.end() ? kNone : it->second;
  }
  std::map<std::string, std::string> rules;
  Fixture f;
};

TEST_F(OperatorPriority, OnlySixDefaultExpressionsDependOnIt) {
  std::set<std::string> mixed;
  for (const auto& [key, text] : rules)
    if (mixes_tiers(text)) mixed.insert(key);
  EXPECT_EQ(mixed, (std::set<std::string>{
                       "In from AD - Contact Join -> cloudFiltered",
                       "In from AD - Contact Join -> mailEnabled",
                       "In from AD - Group Join -> cloudFiltered",
                       "In from AD - Group Join -> mailEnabled",
                       "In from AD - InetOrgPerson Join -> cloudFiltered",
                       "In from AD - User Join -> cloudFiltered",
                   }));
  // Each of them mixes comparison (tier 2) with && / || (tier 3) and nothing else.
  for (const auto& key : mixed) {
    auto tokens = tokenize(rules[key]);
    ASSERT_TRUE(tokens.ok());
    for (const auto& t : *tokens) {
      if (t.type == TokenType::kOperator) {
        EXPECT_NE(tier_of(t.text), 1) << key << " uses " << t.text;
      }
    }
  }
}

TEST_F(OperatorPriority, LiteralLeftToRightWouldBreakTheUserFilter) {
  // Strictly left to right, "A || B = False || [sAMAccountName] = ..." means
  // "((A || B) = False) || [sAMAccountName] ...": a Boolean ORed with a string, for every
  // ordinary user. The rule cannot mean that, and the product does not fail on every user.
  f.set("sAMAccountName", {"jdoe"});
  EXPECT_EQ(f.show("((IsPresent([isCriticalSystemObject]) || IsPresent([sAMAccountName])) = False) || [sAMAccountName]"),
            "ERROR sync-rule-error-type-mismatch-exception: operator '||' expects a condition (a boolean), got string \"jdoe\" (column 80)");
  // IdSync's reading: comparisons first, then the || chain, left to right.
  EXPECT_EQ(f.show("IsPresent([isCriticalSystemObject]) || IsPresent([sAMAccountName]) = False || [sAMAccountName] = \"SUPPORT_388945a0\""),
            "False");
}

TEST_F(OperatorPriority, UserAndInetOrgPersonCloudFiltered) {
  for (const char* key : {"In from AD - User Join -> cloudFiltered", "In from AD - InetOrgPerson Join -> cloudFiltered"}) {
    SCOPED_TRACE(key);
    Fixture& o = f;
    const std::string& text = rule(key);
    auto reset = [&] {
      for (const char* a : {"isCriticalSystemObject", "mailNickname", "msExchRecipientTypeDetails"})
        o.context.attrs.erase(o.resolver.id(a));
      o.set("sAMAccountName", {"jdoe"});
      o.set("dn", {"CN=John Doe,OU=Staff,DC=contoso,DC=com"});
    };
    reset();
    EXPECT_EQ(o.show(text), "NULL");  // an ordinary user is synchronized
    o.set("isCriticalSystemObject", {"TRUE"});
    EXPECT_EQ(o.show(text), "True");
    reset();
    o.context.attrs.erase(o.resolver.id("sAMAccountName"));
    EXPECT_EQ(o.show(text), "True");  // IsPresent([sAMAccountName]) = False
    for (const char* sam : {"SUPPORT_388945a0", "AAD_0123456789ab", "CAS_{0f1e}", "MSOL_0123456789ab"}) {
      reset();
      o.set("sAMAccountName", {sam});
      EXPECT_EQ(o.show(text), "True") << sam;
    }
    reset();
    o.set("sAMAccountName", {"CAS_admin"});  // CAS_ without '}' is a person
    EXPECT_EQ(o.show(text), "NULL");
    for (auto [nick, expected] : {std::pair{"SystemMailbox{1f05a927}", "True"}, {"CAS_{1f05}", "True"}, {"CAS_x", "NULL"},
                                  {"jdoe", "NULL"}}) {
      reset();
      o.set("mailNickname", {nick});
      EXPECT_EQ(o.show(text), expected) << nick;
    }
    reset();
    o.set("msExchRecipientTypeDetails", {"8192"});  // SystemMailbox, one of &H21C07000
    EXPECT_EQ(o.show(text), "True");
    o.set("msExchRecipientTypeDetails", {"1"});  // UserMailbox
    EXPECT_EQ(o.show(text), "NULL");
    reset();
    o.set("dn", {"CN=John Doe\\0ACNF:0f1e2d3c,OU=Staff,DC=contoso,DC=com"});
    EXPECT_EQ(o.show(text), "True");
  }
}

TEST_F(OperatorPriority, GroupCloudFiltered) {
  const std::string& text = rule("In from AD - Group Join -> cloudFiltered");
  f.set("sAMAccountName", {"Sales"});
  EXPECT_EQ(f.show(text), "NULL");
  f.set("sAMAccountName", {"MSOL_AD_Sync_RichCoexistence"});
  EXPECT_EQ(f.show(text), "True");
  f.set("sAMAccountName", {"Sales"});
  f.set("msExchRecipientTypeDetails", {"1073741824"});  // &H40000000: RoleGroup
  EXPECT_EQ(f.show(text), "True");
  f.set("msExchRecipientTypeDetails", {"8"});
  EXPECT_EQ(f.show(text), "NULL");
  f.set("isCriticalSystemObject", {"TRUE"});
  EXPECT_EQ(f.show(text), "True");
}

TEST_F(OperatorPriority, ContactCloudFiltered) {
  const std::string& text = rule("In from AD - Contact Join -> cloudFiltered");
  f.set("displayName", {"Jane Partner"});
  EXPECT_EQ(f.show(text), "NULL");
  f.set("displayName", {"Jane Partner (MSOL)"});
  EXPECT_EQ(f.show(text), "NULL");  // (MSOL) alone is not enough ...
  f.set("msExchHideFromAddressLists", {"TRUE"});
  EXPECT_EQ(f.show(text), "True");  // ... hidden from the address lists as well is
  f.set("displayName", {"Jane Partner"});
  f.set("mailNickname", {"CAS_{77}"});
  EXPECT_EQ(f.show(text), "True");
}

TEST_F(OperatorPriority, GroupAndContactMailEnabled) {
  for (const char* key : {"In from AD - Group Join -> mailEnabled", "In from AD - Contact Join -> mailEnabled"}) {
    SCOPED_TRACE(key);
    Fixture o;
    const std::string& text = rule(key);
    EXPECT_EQ(o.show(text), "False");  // neither proxyAddresses nor mail
    o.set("mail", {"nomailbox"});
    EXPECT_EQ(o.show(text), "False");  // mail without '@'
    o.set("mail", {"sales@contoso.com"});
    EXPECT_EQ(o.show(text), "True");  // IsPresent([mail]) = True && (InStr([mail], "@") > 0)
    o.context.attrs.erase(o.resolver.id("mail"));
    o.set("proxyAddresses", {"smtp:sales@contoso.com"});
    EXPECT_EQ(o.show(text), "False");  // no primary SMTP: address
    o.set("proxyAddresses", {"smtp:sales@contoso.com", "SMTP:sales@fabrikam.com"});
    EXPECT_EQ(o.show(text), "True");
  }
}

TEST(OperatorPriorityRules, EachTierIsLeftToRightWithEqualPriority) {
  Fixture f;
  // Tier 1 (+ - * / &): the documented rule, no arithmetic precedence.
  EXPECT_EQ(f.show("3 - 1 * 2"), "4");
  EXPECT_EQ(f.show("2 * 5 + 3"), "13");
  EXPECT_EQ(f.show("2 * (5 + 3)"), "16");
  EXPECT_EQ(f.show("1 + 2 & \"x\""), "3x");
  // Tier 2 after tier 1: "Len(x) - 1 > 3" compares the difference.
  EXPECT_EQ(f.show("Len(\"abcde\") - 1 > 3"), "True");
  EXPECT_EQ(f.show("5 > 3 + 1"), "True");
  // Tier 3 (&& ||) last, equal priority between them, left to right: the default rules always
  // parenthesize when they mix && and ||, so nothing there contradicts the documented rule.
  EXPECT_EQ(f.show("True || False && False"), "False");
  EXPECT_EQ(f.show("False && False || True"), "True");
  EXPECT_EQ(f.show("1 = 1 && 2 = 2"), "True");
}

}  // namespace
}  // namespace idsync::expr::testing
