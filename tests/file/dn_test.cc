#include "idsync/dn.h"

#include <gtest/gtest.h>

namespace idsync {
namespace {

TEST(Dn, ParsesSimpleDn) {
  auto dn = parse_dn("CN=Ann Lee,OU=Sales,DC=corp,DC=example");
  ASSERT_TRUE(dn.ok()) << dn.status().message();
  ASSERT_EQ(dn->size(), 4u);
  EXPECT_EQ((*dn)[0], (Rdn{{"CN", "Ann Lee"}}));
  EXPECT_EQ((*dn)[1], (Rdn{{"OU", "Sales"}}));
  EXPECT_EQ((*dn)[3], (Rdn{{"DC", "example"}}));
}

TEST(Dn, EmptyDnIsTheRoot) {
  auto dn = parse_dn("");
  ASSERT_TRUE(dn.ok());
  EXPECT_TRUE(dn->empty());
}

TEST(Dn, UnescapesEverySpecialCharacter) {
  struct Case {
    const char* text;
    std::string value;
  };
  const Case cases[] = {
      {"CN=Lee\\, Ann", "Lee, Ann"},   {"CN=a\\+b", "a+b"},       {"CN=a\\\"b", "a\"b"},
      {"CN=a\\\\b", "a\\b"},           {"CN=a\\<b\\>", "a<b>"},   {"CN=a\\;b", "a;b"},
      {"CN=a\\=b", "a=b"},             {"CN=\\#1", "#1"},         {"CN=\\ lead", " lead"},
      {"CN=trail\\ ", "trail "},       {"CN=\\ \\ ", "  "},       {"CN=a\\2Cb", "a,b"},
      {"CN=caf\\C3\\A9", "caf\xC3\xA9"}, {"CN=x\\0Ay", "x\ny"},   {"CN=nul\\00", std::string("nul\0", 4)},
      {"CN=caf\xC3\xA9", "caf\xC3\xA9"}, {"CN=", ""},             {"CN=mid # hash", "mid # hash"},
  };
  for (const Case& c : cases) {
    auto dn = parse_dn(c.text);
    ASSERT_TRUE(dn.ok()) << c.text << ": " << dn.status().message();
    ASSERT_EQ(dn->size(), 1u) << c.text;
    ASSERT_EQ((*dn)[0].size(), 1u) << c.text;
    EXPECT_EQ((*dn)[0][0].value, c.value) << c.text;
  }
}

TEST(Dn, SpacesAroundSeparatorsAreIgnored) {
  auto dn = parse_dn(" CN = Ann Lee , OU=Sales ;DC=x ");
  ASSERT_TRUE(dn.ok()) << dn.status().message();
  ASSERT_EQ(dn->size(), 3u);
  EXPECT_EQ((*dn)[0][0].type, "CN");
  EXPECT_EQ((*dn)[0][0].value, "Ann Lee");
  EXPECT_EQ((*dn)[1][0].value, "Sales");
  EXPECT_EQ((*dn)[2][0].value, "x");
}

TEST(Dn, MultiValuedRdn) {
  auto dn = parse_dn("CN=Ann+UID=ann\\+1,DC=x");
  ASSERT_TRUE(dn.ok());
  ASSERT_EQ((*dn)[0].size(), 2u);
  EXPECT_EQ((*dn)[0][1], (Ava{"UID", "ann+1"}));
  EXPECT_EQ(format_dn(*dn), "CN=Ann+UID=ann\\+1,DC=x");
}

TEST(Dn, HexStringValueIsBerDecoded) {
  auto dn = parse_dn("1.3.6.1.4.1.1466.0=#04024869,DC=x");
  ASSERT_TRUE(dn.ok()) << dn.status().message();
  EXPECT_EQ((*dn)[0][0].type, "1.3.6.1.4.1.1466.0");
  EXPECT_EQ((*dn)[0][0].value, "Hi");
  EXPECT_FALSE(parse_dn("CN=#zz").ok());
  EXPECT_FALSE(parse_dn("CN=#0405").ok());  // length says 5, one byte follows... none
}

TEST(Dn, ErrorsSayWhatAndWhere) {
  auto bad = parse_dn("CN=a=b,DC=x");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(bad.status().message(), "invalid DN 'CN=a=b,DC=x': unescaped '=' at position 5");

  const char* invalid[] = {"CN=a,",     "CN=a,,DC=x", "=a",       "CN",        "CN=a\\",
                           "CN=a\\q",   "CN=a\\4",    "CN=a\"b",  "CN=a<b",    "CN=a>b",
                           "C N=a",     "CN=a,DC",    "CN=a+",    ",CN=a"};
  for (const char* text : invalid) {
    auto r = parse_dn(text);
    EXPECT_FALSE(r.ok()) << text;
    if (!r.ok()) {
      EXPECT_NE(r.status().message().find(std::string("'") + text + "'"), std::string::npos)
          << r.status().message();
      EXPECT_NE(r.status().message().find("at position"), std::string::npos) << r.status().message();
    }
  }
  EXPECT_NE(parse_dn("CN=a\\q").status().message().find("invalid escape '\\q'"), std::string::npos);
}

TEST(Dn, EscapeValue) {
  EXPECT_EQ(escape_dn_value("Lee, Ann"), "Lee\\, Ann");
  EXPECT_EQ(escape_dn_value("a+b\"c\\d<e>f;g=h"), "a\\+b\\\"c\\\\d\\<e\\>f\\;g\\=h");
  EXPECT_EQ(escape_dn_value(" lead"), "\\ lead");
  EXPECT_EQ(escape_dn_value("trail "), "trail\\ ");
  EXPECT_EQ(escape_dn_value(" "), "\\ ");
  EXPECT_EQ(escape_dn_value("#x#"), "\\#x#");
  EXPECT_EQ(escape_dn_value(std::string("a\0b\nc", 5)), "a\\00b\\0Ac");
  EXPECT_EQ(escape_dn_value("caf\xC3\xA9"), "caf\xC3\xA9");
  EXPECT_EQ(escape_dn_value("mid space"), "mid space");
}

TEST(Dn, EscapeThenParseRoundTripsEveryByte) {
  std::string all;
  for (int c = 0; c < 256; ++c) all.push_back(static_cast<char>(c));
  const std::string values[] = {all, " ", "  x  ", "#", ",+\"\\<>;=", "a\\", "\\20"};
  for (const std::string& v : values) {
    std::string dn = make_dn("CN", v, "DC=x");
    auto parsed = parse_dn(dn);
    ASSERT_TRUE(parsed.ok()) << parsed.status().message();
    ASSERT_EQ(parsed->size(), 2u);
    EXPECT_EQ((*parsed)[0][0].value, v);
    auto value = rdn_value(dn);
    ASSERT_TRUE(value.ok());
    EXPECT_EQ(*value, v);
  }
}

TEST(Dn, NormalizeIsCaseAndSpaceInsensitive) {
  auto a = normalize_dn("CN=Ann Lee,OU=Sales,DC=Corp");
  auto b = normalize_dn("cn = ann lee , ou=SALES;dc=corp");
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(*a, "cn=ann lee,ou=sales,dc=corp");
  EXPECT_EQ(*a, *b);
  // Escaping variants of one value normalize alike.
  EXPECT_EQ(normalize_dn("CN=Lee\\, Ann,DC=x").value(), normalize_dn("cn=LEE\\2C ANN,dc=X").value());
  EXPECT_EQ(normalize_dn("CN=Lee\\2c Ann").value(), "cn=lee\\, ann");
  EXPECT_EQ(normalize_dn("CN=\\41bc").value(), "cn=abc");
  // AVA order in a multi-valued RDN does not matter.
  EXPECT_EQ(normalize_dn("UID=b+CN=a,DC=x").value(), normalize_dn("cn=A+uid=B,dc=x").value());
  // Different values stay different.
  EXPECT_NE(normalize_dn("CN=a,DC=x").value(), normalize_dn("CN=a ,DC=y").value());
  EXPECT_NE(normalize_dn("CN=a\\ ,DC=x").value(), normalize_dn("CN=a,DC=x").value());
  // Non-ASCII bytes are kept as they are (ASCII-only case folding).
  EXPECT_EQ(normalize_dn("CN=\xC3\x89T\xC3\x89").value(), "cn=\xC3\x89t\xC3\x89");
  EXPECT_FALSE(normalize_dn("CN=a=b").ok());
  EXPECT_TRUE(dn_equals("CN=X,DC=y", "cn=x, dc=Y"));
  EXPECT_FALSE(dn_equals("CN=X,DC=y", "cn=x,dc=z"));
  EXPECT_FALSE(dn_equals("CN=a=b", "CN=a=b"));
}

TEST(Dn, NormalizeFastPathAgreesWithParser) {
  // Strings the fast path accepts must give the same result as the slow path would.
  const char* dns[] = {"CN=Ann,OU=X,DC=y", "cn=a-b.c_d,dc=y", "CN=,DC=x", "CN=\xC3\xA9,DC=x",
                       "OU=A B C,DC=x"};
  for (const char* text : dns) {
    auto parsed = parse_dn(text);
    ASSERT_TRUE(parsed.ok()) << text;
    std::string expected;
    for (size_t r = 0; r < parsed->size(); ++r) {
      if (r) expected += ",";
      std::string t = (*parsed)[r][0].type, v = (*parsed)[r][0].value;
      for (char& c : t) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      for (char& c : v) if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
      expected += t + "=" + escape_dn_value(v);
    }
    EXPECT_EQ(normalize_dn(text).value(), expected) << text;
  }
}

TEST(Dn, RdnAndParent) {
  EXPECT_EQ(rdn("CN=Lee\\, Ann,OU=X,DC=y"), "CN=Lee\\, Ann");
  EXPECT_EQ(parent_dn("CN=Lee\\, Ann,OU=X,DC=y"), "OU=X,DC=y");
  EXPECT_EQ(parent_dn("CN=a , OU=X"), "OU=X");
  EXPECT_EQ(rdn("CN=a , OU=X"), "CN=a");
  EXPECT_EQ(rdn("CN=a\\ ,OU=X"), "CN=a\\ ");
  EXPECT_EQ(rdn("CN=a\\\\,OU=X"), "CN=a\\\\");
  EXPECT_EQ(parent_dn("CN=a\\\\,OU=X"), "OU=X");
  EXPECT_EQ(parent_dn("DC=com"), "");
  EXPECT_EQ(rdn("DC=com"), "DC=com");
  EXPECT_EQ(parent_dn(""), "");
  EXPECT_EQ(rdn_value("CN=Lee\\, Ann,OU=X").value(), "Lee, Ann");
  EXPECT_EQ(rdn_value("CN=Ann+UID=a,OU=X").value(), "Ann");
  EXPECT_FALSE(rdn_value("CN=a=b,OU=X").ok());
  EXPECT_EQ(dn_depth("CN=a\\,b,OU=X;DC=y"), 3u);
  EXPECT_EQ(dn_depth(""), 0u);
  EXPECT_EQ(make_dn("CN", "Lee, Ann", "OU=X,DC=y"), "CN=Lee\\, Ann,OU=X,DC=y");
  EXPECT_EQ(make_dn("DC", "com", ""), "DC=com");
}

TEST(Dn, ParseRdn) {
  auto r = parse_rdn("CN=a+SN=b");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->size(), 2u);
  EXPECT_FALSE(parse_rdn("CN=a,DC=x").ok());
  EXPECT_FALSE(parse_rdn("").ok());
  EXPECT_EQ(format_rdn(*r), "CN=a+SN=b");
}

}  // namespace
}  // namespace idsync
