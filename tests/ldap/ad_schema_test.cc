// The "ad" connector's schema discovery against a real Samba AD DC: every attribute AD itself
// declares as an octet string (attributeSyntax 2.5.5.10, oMSyntax 4: objectGUID, thumbnailPhoto,
// logonHours, ...) or a SID (2.5.5.17: objectSid, sIDHistory, ...) is discovered as binary,
// whatever syntax OID the subschema entry shows for it, so its values are never read as text
// (and shown with U+FFFD); ordinary strings stay strings.
#include <gtest/gtest.h>

#include <set>

#include "ldap_servers.h"
#include "ldap_test_util.h"

namespace idsync::ldap::testing {
namespace {

// lDAPDisplayName of every attributeSchema object with `syntax`, read with ldapsearch.
std::set<std::string> attributes_with_syntax(const SambaDc& dc, const std::string& syntax) {
  std::set<std::string> out;
  for (const LdifEntry& e : ldapsearch(dc.ldap_cli("ldapsearch") + " -E pr=500/noprompt -b 'CN=Schema,CN=Configuration," +
                                       SambaDc::kBase + "' '(&(objectClass=attributeSchema)(attributeSyntax=" + syntax +
                                       "))' lDAPDisplayName"))
    for (const std::string& n : e.values("ldapdisplayname")) out.insert(n);
  return out;
}

TEST(AdSchemaTest, OctetStringAndSidAttributesAreDiscoveredAsBinary) {
  SambaDc* dc = nullptr;
  try {
    dc = &SambaDc::shared();
  } catch (const std::exception& e) {
    FAIL() << "the Samba AD DC could not be started: " << e.what();
  }
  std::set<std::string> octets = attributes_with_syntax(*dc, "2.5.5.10");
  std::set<std::string> sids = attributes_with_syntax(*dc, "2.5.5.17");
  // The schema has them (a query that returned nothing would prove nothing).
  for (const char* a : {"objectGUID", "thumbnailPhoto", "logonHours", "mS-DS-ConsistencyGuid"})
    EXPECT_TRUE(octets.count(a)) << a;
  for (const char* a : {"objectSid", "sIDHistory"}) EXPECT_TRUE(sids.count(a)) << a;

  auto c = make_connector("ad", {{"uri", dc->uri()}, {"bind_dn", SambaDc::kAdmin}, {"password_file", dc->password_file()}});
  auto schema = c->discover_schema();
  ASSERT_TRUE(schema.ok()) << schema.status().to_string();
  std::string not_binary;
  for (const std::set<std::string>* names : {&octets, &sids})
    for (const std::string& n : *names) {
      const SchemaAttribute* a = schema->find_attribute(n);
      if (a == nullptr || a->type != AttrType::kBinary) not_binary += " " + n + (a == nullptr ? "(missing)" : "");
    }
  EXPECT_TRUE(not_binary.empty()) << "not discovered as binary:" << not_binary;
  EXPECT_EQ(schema->find_attribute("sAMAccountName")->type, AttrType::kString);
  EXPECT_EQ(schema->find_attribute("description")->type, AttrType::kString);
  EXPECT_EQ(schema->find_attribute("member")->type, AttrType::kReference);
}

}  // namespace
}  // namespace idsync::ldap::testing
