// Import of the Entra Connect configuration export (the 62 default rules, the AD and Azure AD
// connectors, the metaverse) and a run of a generated forest through the imported rules.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "idsync/entra_import.h"
#include "idsync/file/file_connectors.h"
#include "idsync/file/ldif.h"
#include "idsync/forestgen/forestgen.h"
#include "idsync/server.h"

namespace idsync {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const std::string kExport = IDSYNC_SHARED_DIR "/reference/entra-connect-config-export";
const std::string kAd = "contoso.com";
const std::string kAad = "contoso.onmicrosoft.com - AAD";

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "idsync-entra-test-XXXXXX").string();
    if (mkdtemp(tmpl.data()) != nullptr) path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

Configuration import_or_die(EntraImportReport& report, const std::string& base_dir = "/data/idsync") {
  EntraImportOptions options;
  options.base_dir = base_dir;
  auto c = import_entra_configuration(kExport, options, report);
  EXPECT_TRUE(c.ok()) << c.status().to_string();
  return c.ok() ? std::move(c).value() : Configuration{};
}

const SyncRule* find_rule(const Configuration& c, const std::string& name) {
  for (const SyncRule& r : c.rules)
    if (r.name == name) return &r;
  return nullptr;
}

const AttributeFlow* find_flow(const SyncRule& r, const std::string& destination) {
  for (const AttributeFlow& f : r.flows)
    if (f.destination == destination) return &f;
  return nullptr;
}

bool contains_line(const std::vector<std::string>& lines, const std::string& a, const std::string& b = "") {
  for (const std::string& l : lines)
    if (l.find(a) != std::string::npos && l.find(b) != std::string::npos) return true;
  return false;
}

// A writable copy of the reference export under `tmp` (the reference files are read-only; the
// copies must be writable and removable). Returns the folder.
fs::path writable_export_copy(const TempDir& tmp) {
  fs::path out = tmp.path() / "export";
  fs::copy(kExport, out, fs::copy_options::recursive);
  fs::permissions(out, fs::perms::owner_write, fs::perm_options::add);
  for (const auto& e : fs::recursive_directory_iterator(out))
    fs::permissions(e.path(), fs::perms::owner_write, fs::perm_options::add);
  return out;
}

const char* const kUserJoinRuleFile = "SynchronizationRules/SynchronizationRule_{0b088913-b613-4d9d-9563-9988b7719ed6}.xml";

std::string read_all(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

// Every test needs the reference export; without it each one fails here, naming the folder,
// instead of running on an empty configuration (and crashing on an empty rule list).
void require_reference_export() {
  for (const char* part : {"SynchronizationRules", "Connectors", "GlobalSettings"})
    ASSERT_TRUE(fs::is_directory(fs::path(kExport) / part))
        << "the reference Entra Connect export is missing: expected the folder " << (fs::path(kExport) / part).string()
        << " (the shared reference material, ../shared/reference from the repository root)";
}

class EntraImport : public ::testing::Test {
 protected:
  void SetUp() override { require_reference_export(); }
};

TEST_F(EntraImport, ImportsEveryRuleOrderedByPrecedence) {
  EntraImportReport report;
  Configuration c = import_or_die(report);
  ASSERT_EQ(c.rules.size(), 62u);
  EXPECT_EQ(report.rules, 62u);
  EXPECT_EQ(report.connectors, 2u);
  std::set<std::string> ids;
  for (size_t i = 0; i < c.rules.size(); ++i) {
    const SyncRule& r = c.rules[i];
    EXPECT_TRUE(r.connector == kAd || r.connector == kAad) << r.name << ": " << r.connector;
    EXPECT_FALSE(r.immutable_tag.empty()) << r.name;
    EXPECT_TRUE(ids.insert(r.id).second) << r.id;
    if (i > 0) {
      EXPECT_LT(c.rules[i - 1].precedence, r.precedence) << r.name;
    }
  }
  EXPECT_EQ(c.rules.front().name, "In from AD - User Join");
  EXPECT_EQ(c.rules.back().name, "In from AD - Device Common");
  EXPECT_NE(report.text().find("62 rules, 2 connectors imported"), std::string::npos);
}

TEST_F(EntraImport, RuleCountsPerDirectionAndConnector) {
  EntraImportReport report;
  Configuration c = import_or_die(report);
  std::map<std::pair<std::string, Direction>, int> counts;
  for (const SyncRule& r : c.rules) ++counts[{r.connector, r.direction}];
  EXPECT_EQ((counts[{kAd, Direction::kInbound}]), 21);
  EXPECT_EQ((counts[{kAd, Direction::kOutbound}]), 8);
  EXPECT_EQ((counts[{kAad, Direction::kInbound}]), 7);
  EXPECT_EQ((counts[{kAad, Direction::kOutbound}]), 26);
  int provision = 0, disabled = 0;
  for (const SyncRule& r : c.rules) {
    provision += r.link_type == LinkType::kProvision;
    disabled += r.disabled;
  }
  EXPECT_EQ(provision, 9);
  EXPECT_EQ(disabled, 0);
}

// Checked against SynchronizationRule_{0b088913-b613-4d9d-9563-9988b7719ed6}.xml.
TEST_F(EntraImport, UserJoinRuleMatchesItsXml) {
  EntraImportReport report;
  Configuration c = import_or_die(report);
  const SyncRule* r = find_rule(c, "In from AD - User Join");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->id, "{0b088913-b613-4d9d-9563-9988b7719ed6}");
  EXPECT_EQ(r->description, "");
  EXPECT_EQ(r->immutable_tag, "Microsoft.InfromADUserJoin.003");
  EXPECT_EQ(r->direction, Direction::kInbound);
  EXPECT_FALSE(r->disabled);
  EXPECT_EQ(r->connector, kAd);
  EXPECT_EQ(r->source_object_type, "user");
  EXPECT_EQ(r->target_object_type, "person");
  EXPECT_EQ(r->link_type, LinkType::kProvision);
  EXPECT_EQ(r->precedence, 100);
  // One scope group: isCriticalSystemObject NOTEQUAL TRUE and adminDescription NOTSTARTSWITH User_.
  ASSERT_EQ(r->scope.size(), 1u);
  ASSERT_EQ(r->scope[0].conditions.size(), 2u);
  EXPECT_EQ(r->scope[0].conditions[0], (ScopeCondition{"isCriticalSystemObject", ScopeOperator::kNotEqual, "TRUE"}));
  EXPECT_EQ(r->scope[0].conditions[1], (ScopeCondition{"adminDescription", ScopeOperator::kNotStartsWith, "User_"}));
  // Five join groups of one condition each, tried in order.
  const std::vector<JoinGroup> joins = {
      {{{"objectSid", "objectSid", false}}},
      {{{"msExchMasterAccountSid", "objectSid", false}}},
      {{{"objectSid", "msExchMasterAccountSid", false}}},
      {{{"msRTCSIP-OriginatorSid", "objectSid", false}}},
      {{{"objectSid", "msRTCSIP-OriginatorSid", false}}},
  };
  EXPECT_EQ(r->joins, joins);
  ASSERT_EQ(r->flows.size(), 1u);
  const AttributeFlow& f = r->flows[0];
  EXPECT_EQ(f.type, FlowType::kExpression);
  EXPECT_EQ(f.destination, "cloudFiltered");
  EXPECT_EQ(f.sources, (std::vector<std::string>{"mailNickname", "sAMAccountName"}));
  EXPECT_EQ(f.merge, MergeType::kUpdate);
  EXPECT_FALSE(f.execute_once);
  EXPECT_EQ(f.expression,
            "IIF(IsPresent([isCriticalSystemObject]) || IsPresent([sAMAccountName]) = False || [sAMAccountName] = "
            "\"SUPPORT_388945a0\" || Left([mailNickname], 14) = \"SystemMailbox{\" || Left([sAMAccountName], 4) = "
            "\"AAD_\" || (Left([mailNickname], 4) = \"CAS_\" && (InStr([mailNickname], \"}\") > 0)) || "
            "(Left([sAMAccountName], 4) = \"CAS_\" && (InStr([sAMAccountName], \"}\") > 0)) || Left([sAMAccountName], "
            "5) = \"MSOL_\" || CBool(IIF(IsPresent([msExchRecipientTypeDetails]),BitAnd([msExchRecipientTypeDetails],&"
            "H21C07000) > 0,NULL)) || CBool(InStr(DNComponent(CRef([dn]),1),\"\\\\0ACNF:\")>0), True, NULL)");
}

TEST_F(EntraImport, FlowKindsMergeTypesAndExecuteOnce) {
  EntraImportReport report;
  Configuration c = import_or_die(report);
  const SyncRule* computer = find_rule(c, "In from AD - Computer Join");
  ASSERT_NE(computer, nullptr);
  const AttributeFlow* created = find_flow(*computer, "cloudCreated");
  ASSERT_NE(created, nullptr);
  EXPECT_EQ(created->type, FlowType::kConstant);
  EXPECT_EQ(created->expression, "False");
  EXPECT_TRUE(created->execute_once);
  const AttributeFlow* owner = find_flow(*computer, "registeredOwnerReference");
  ASSERT_NE(owner, nullptr);
  EXPECT_EQ(owner->type, FlowType::kDirect);
  EXPECT_EQ(owner->sources, (std::vector<std::string>{"mS-DS-CreatorSID"}));
  EXPECT_TRUE(owner->execute_once);
  const SyncRule* common = find_rule(c, "In from AD - User Common");
  ASSERT_NE(common, nullptr);
  const AttributeFlow* upn = find_flow(*common, "userPrincipalName");
  ASSERT_NE(upn, nullptr);
  EXPECT_EQ(upn->type, FlowType::kExpression);
  EXPECT_NE(upn->expression.find("[sAMAccountName]&\"@\"&%Domain.FQDN%"), std::string::npos);
  const AttributeFlow* domain = find_flow(*common, "domainFQDN");
  ASSERT_NE(domain, nullptr);
  EXPECT_EQ(domain->type, FlowType::kExpression);
  EXPECT_TRUE(domain->sources.empty());
  EXPECT_EQ(domain->expression, "%Domain.FQDN%");
  size_t flows = 0, mci = 0, constants = 0;
  for (const SyncRule& r : c.rules)
    for (const AttributeFlow& f : r.flows) {
      ++flows;
      mci += f.merge == MergeType::kMergeCaseInsensitive;
      constants += f.type == FlowType::kConstant;
    }
  EXPECT_EQ(flows, 1200u);
  EXPECT_EQ(mci, 5u);
  EXPECT_EQ(constants, 7u);
  // Four scope groups (ORed) on the group rule; case-sensitive sourceAnchor joins on the cloud side.
  const SyncRule* group = find_rule(c, "Out to AAD - Group Join");
  ASSERT_NE(group, nullptr);
  ASSERT_EQ(group->scope.size(), 4u);
  EXPECT_EQ(group->scope[1].conditions[4], (ScopeCondition{"memberCount", ScopeOperator::kLessThan, "50000"}));
  EXPECT_EQ(group->scope[0].conditions[1], (ScopeCondition{"sourceAnchor", ScopeOperator::kIsNotNull, ""}));
  const SyncRule* aad_user = find_rule(c, "In from AAD - User Join");
  ASSERT_NE(aad_user, nullptr);
  ASSERT_EQ(aad_user->joins.size(), 1u);
  EXPECT_TRUE(aad_user->joins[0].conditions[0].case_sensitive);
  const SyncRule* enabled = find_rule(c, "In from AD - User AccountEnabled");
  ASSERT_NE(enabled, nullptr);
  EXPECT_EQ(enabled->scope[0].conditions[0], (ScopeCondition{"userAccountControl", ScopeOperator::kIsBitNotSet, "2"}));
}

TEST_F(EntraImport, ConnectorsMetaverseAndParameters) {
  EntraImportReport report;
  Configuration c = import_or_die(report, "/data/idsync");
  ASSERT_EQ(c.connectors.size(), 2u);
  const ConnectorDefinition* ad = c.find_connector(kAd);
  const ConnectorDefinition* aad = c.find_connector(kAad);
  ASSERT_NE(ad, nullptr);
  ASSERT_NE(aad, nullptr);
  EXPECT_EQ(ad->id, "{AE4DB4CC-B16B-4EB2-ACF5-837CA84E4D7D}");
  EXPECT_EQ(ad->role, ConnectorRole::kOnPremises);
  EXPECT_EQ(aad->role, ConnectorRole::kCloud);
  EXPECT_EQ(ad->type, "ldif");
  EXPECT_EQ(ad->options.at("path"), "/data/idsync/contoso.com.ldif");
  EXPECT_EQ(ad->options.at("anchor"), "objectGUID");
  EXPECT_EQ(ad->options.at("object_types"),
            "computer,contact,foreignSecurityPrincipal,group,inetOrgPerson,msDS-Device,user,container,domainDNS,"
            "organizationalUnit");
  EXPECT_EQ(aad->options.at("path"), "/data/idsync/contoso.onmicrosoft.com_-_AAD.ldif");
  EXPECT_EQ(aad->options.at("anchor"), "cloudAnchor");
  EXPECT_EQ(aad->options.at("assign_anchor"), "true");
  const std::map<std::string, std::string> want = {
      {"Domain.FQDN", "contoso.com"},        {"Domain.Netbios", "CONTOSO"}, {"Domain.LDAP", "DC=contoso,DC=com"},
      {"Forest.FQDN", "contoso.com"},        {"Forest.Netbios", "CONTOSO"}, {"Forest.LDAP", "DC=contoso,DC=com"}};
  for (const auto& [k, v] : want) {
    ASSERT_TRUE(ad->parameters.count(k)) << k;
    EXPECT_EQ(ad->parameters.at(k), v) << k;
  }
  for (const ConnectorDefinition* d : {ad, aad}) {
    ASSERT_EQ(d->run_profiles.size(), 5u) << d->name;
    std::map<std::string, std::vector<StepType>> profiles;
    for (const RunProfile& p : d->run_profiles) profiles[p.name] = p.steps;
    EXPECT_EQ(profiles["Full Import"], std::vector<StepType>{StepType::kFullImport});
    EXPECT_EQ(profiles["Delta Import"], std::vector<StepType>{StepType::kDeltaImport});
    EXPECT_EQ(profiles["Full Synchronization"], std::vector<StepType>{StepType::kFullSync});
    EXPECT_EQ(profiles["Delta Synchronization"], std::vector<StepType>{StepType::kDeltaSync});
    EXPECT_EQ(profiles["Export"], std::vector<StepType>{StepType::kExport});
  }
  // AD schema: the 132 included attributes with their DSML types, plus those the rules add.
  const SchemaAttribute* guid = ad->schema.find_attribute("objectGUID");
  ASSERT_NE(guid, nullptr);
  EXPECT_EQ(guid->type, AttrType::kBinary);
  EXPECT_FALSE(guid->multi_valued);
  const SchemaAttribute* member = ad->schema.find_attribute("member");
  ASSERT_NE(member, nullptr);
  EXPECT_EQ(member->type, AttrType::kReference);
  EXPECT_TRUE(member->multi_valued);
  const SchemaAttribute* proxies = ad->schema.find_attribute("proxyAddresses");
  ASSERT_NE(proxies, nullptr);
  EXPECT_TRUE(proxies->multi_valued);
  EXPECT_EQ(ad->schema.find_attribute("userAccountControl")->type, AttrType::kInteger);
  EXPECT_EQ(ad->schema.find_attribute("pwdLastSet")->type, AttrType::kInteger);
  EXPECT_EQ(ad->schema.find_attribute("isCriticalSystemObject")->type, AttrType::kBoolean);
  EXPECT_EQ(ad->schema.find_attribute("whenCreated"), nullptr);  // not in the inclusion list
  size_t added_to_ad = 0;
  for (const std::string& a : report.added_attributes) added_to_ad += a.rfind("connector '" + kAd + "'", 0) == 0;
  EXPECT_EQ(ad->schema.attributes.size(), 132u + added_to_ad);
  EXPECT_NE(ad->schema.find_attribute("dn"), nullptr);  // [dn] in the cloudFiltered expression
  EXPECT_TRUE(contains_line(report.added_attributes, "connector '" + kAd + "': dn"));
  ASSERT_EQ(ad->schema.object_types.size(), 10u);
  const SchemaObjectType* user = nullptr;
  for (const SchemaObjectType& t : ad->schema.object_types)
    if (t.name == "user") user = &t;
  ASSERT_NE(user, nullptr);
  for (const char* a : {"sAMAccountName", "userPrincipalName", "objectGUID", "cn", "proxyAddresses"})
    EXPECT_NE(std::find(user->attributes.begin(), user->attributes.end(), a), user->attributes.end()) << a;
  size_t added_to_aad = 0;
  for (const std::string& a : report.added_attributes) added_to_aad += a.rfind("connector '" + kAad + "'", 0) == 0;
  EXPECT_EQ(aad->schema.attributes.size(), 161u + added_to_aad);  // its attribute inclusion list
  EXPECT_EQ(aad->schema.find_attribute("sourceAnchor")->type, AttrType::kString);
  // Metaverse.
  EXPECT_GE(c.metaverse.attributes.size(), 219u);
  ASSERT_EQ(c.metaverse.object_types.size(), 3u);
  EXPECT_EQ(c.metaverse.object_types[0].name, "person");
  EXPECT_EQ(c.metaverse.object_types[0].attributes.size(), 182u);
  EXPECT_EQ(c.metaverse.find_attribute("cloudFiltered")->type, AttrType::kBoolean);
  EXPECT_EQ(c.metaverse.find_attribute("objectSid")->type, AttrType::kBinary);
  EXPECT_EQ(c.global_parameters.size(), 37u);
  EXPECT_EQ(c.global_parameters.at("Microsoft.Synchronize.TimeInterval"), "00:30:00");
  EXPECT_EQ(c.global_parameters.at("Microsoft.SynchronizationOption.AnchorAttribute"), "objectGUID");
}

TEST_F(EntraImport, ReportListsWhatIsNotCarried) {
  EntraImportReport report;
  Configuration c = import_or_die(report);
  const auto& s = report.skipped;
  EXPECT_TRUE(contains_line(s, "connector 'contoso.com'", "password hash synchronization"));
  EXPECT_TRUE(contains_line(s, "container (OU) filter", "OU=CORP,DC=contoso,DC=com"));
  EXPECT_TRUE(contains_line(s, "rule 'In from AD - User AccountEnabled'", "EnablePasswordSync"));
  EXPECT_TRUE(contains_line(s, "rule 'Out to AAD - User Join'", "EnablePasswordSync"));
  EXPECT_TRUE(contains_line(s, "credentials", "password"));
  EXPECT_TRUE(contains_line(s, "not in the attribute inclusion list"));
  EXPECT_TRUE(contains_line(s, "Microsoft.OptionalFeature.PasswordHashSync=False"));
  EXPECT_TRUE(contains_line(s, "password-change-history-size"));
  EXPECT_TRUE(contains_line(s, "run profile step settings"));
  std::string text = report.text();
  for (const std::string& line : s) EXPECT_NE(text.find(line), std::string::npos);
}

TEST_F(EntraImport, RoundTripsThroughJson) {
  EntraImportReport report;
  Configuration c = import_or_die(report);
  std::string text = write_configuration(c);
  auto parsed = parse_configuration(text);
  ASSERT_TRUE(parsed.ok()) << parsed.status().to_string();
  EXPECT_EQ(write_configuration(*parsed), text);
  EXPECT_EQ(parsed->rules, c.rules);
  ASSERT_EQ(parsed->connectors.size(), c.connectors.size());
  for (size_t i = 0; i < c.connectors.size(); ++i)
    EXPECT_EQ(write_connector_json(parsed->connectors[i]), write_connector_json(c.connectors[i]));
  EXPECT_EQ(parsed->global_parameters, c.global_parameters);
}

TEST_F(EntraImport, ErrorsNameTheFileAndElement) {
  EntraImportReport report;
  auto missing = import_entra_configuration("/nonexistent/export", {}, report);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), ErrorCode::kNotFound);

  TempDir tmp;
  fs::path rule = writable_export_copy(tmp) / kUserJoinRuleFile;
  std::string xml = read_all(rule);
  size_t pos = xml.find("<csOperator>NOTSTARTSWITH</csOperator>");
  ASSERT_NE(pos, std::string::npos);
  xml.replace(pos, 38, "<csOperator>STARTSLIKE</csOperator>");
  {
    std::ofstream out(rule, std::ios::trunc);
    out << xml;
  }
  auto bad = import_entra_configuration((tmp.path() / "export").string(), {}, report);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), ErrorCode::kParseError);
  EXPECT_NE(bad.status().message().find("SynchronizationRule_{0b088913-b613-4d9d-9563-9988b7719ed6}.xml"), std::string::npos)
      << bad.status().message();
  EXPECT_NE(bad.status().message().find("synchronizationCriteria/conditions/scope[2]/csOperator"), std::string::npos)
      << bad.status().message();
  EXPECT_NE(bad.status().message().find("STARTSLIKE"), std::string::npos);
}

// Nothing is dropped quietly: elements the importer does not read, inside a rule's scope,
// join and flows, and files that are not XML, each get a report line naming where they were.
TEST_F(EntraImport, UnknownElementsAndStrayFilesAreReported) {
  TempDir tmp;
  fs::path rule = writable_export_copy(tmp) / kUserJoinRuleFile;
  std::string xml = read_all(rule);
  auto insert_after = [&](const std::string& marker, const std::string& text) {
    size_t at = xml.find(marker);
    ASSERT_NE(at, std::string::npos) << marker;
    xml.insert(at + marker.size(), text);
  };
  insert_after("<dest>cloudFiltered</dest>", "<transform>Legacy</transform>");
  insert_after("<csOperator>NOTSTARTSWITH</csOperator>", "<csNote>x</csNote>");
  insert_after("<ilmAttribute>msExchMasterAccountSid</ilmAttribute>", "<weight>2</weight>");
  {
    std::ofstream out(rule, std::ios::trunc);
    out << xml;
  }
  std::ofstream(tmp.path() / "export/SynchronizationRules/notes.txt") << "exported by hand\n";
  EntraImportReport report;
  auto c = import_entra_configuration((tmp.path() / "export").string(), {}, report);
  ASSERT_TRUE(c.ok()) << c.status().to_string();
  EXPECT_EQ(c->rules.size(), 62u);
  const auto& s = report.skipped;
  EXPECT_TRUE(contains_line(s, "rule 'In from AD - User Join', flow to 'cloudFiltered'", "<mapping/transform> not understood"))
      << report.text();
  EXPECT_TRUE(contains_line(s, "rule 'In from AD - User Join' scope", "<scope/csNote> not understood")) << report.text();
  EXPECT_TRUE(contains_line(s, "rule 'In from AD - User Join' join", "<condition/weight> not understood")) << report.text();
  EXPECT_TRUE(contains_line(s, "SynchronizationRules/notes.txt", "not read")) << report.text();
  // The unmodified export reports none of these.
  EntraImportReport clean;
  import_or_die(clean);
  EXPECT_FALSE(contains_line(clean.skipped, "not understood")) << clean.text();
  EXPECT_FALSE(contains_line(clean.skipped, "not an XML file")) << clean.text();
}

TEST_F(EntraImport, ExpressionSyntaxErrorNamesFileRuleFlowAndColumn) {
  TempDir tmp;
  fs::path rule = writable_export_copy(tmp) / kUserJoinRuleFile;
  std::string xml = read_all(rule);
  const std::string good = "Left([mailNickname], 14) = &quot;SystemMailbox{&quot;";
  size_t at = xml.find(good);
  if (at == std::string::npos) at = xml.find("Left([mailNickname], 14) = \"SystemMailbox{\"");
  ASSERT_NE(at, std::string::npos);
  xml.insert(at + std::string("Left([mailNickname], 14) =").size(), " =");
  {
    std::ofstream out(rule, std::ios::trunc);
    out << xml;
  }
  EntraImportReport report;
  auto bad = import_entra_configuration((tmp.path() / "export").string(), {}, report);
  ASSERT_FALSE(bad.ok());
  const std::string& m = bad.status().message();
  EXPECT_NE(m.find("SynchronizationRule_{0b088913-b613-4d9d-9563-9988b7719ed6}.xml"), std::string::npos) << m;
  EXPECT_NE(m.find("rule 'In from AD - User Join', flow to 'cloudFiltered'"), std::string::npos) << m;
  EXPECT_NE(m.find("column 151: expected a value (attribute, string, number, function call or '('), found operator '='"),
            std::string::npos)
      << m;
}

TEST_F(EntraImport, OverridesChooseTheDriver) {
  EntraImportOptions options;
  options.base_dir = "/srv";
  options.connectors["{b891884f-051e-4a83-95af-2544101c9083}"] = {"csv", {{"path", "/srv/cloud.csv"}}, true, "cloud"};
  EntraImportReport report;
  auto c = import_entra_configuration(kExport, options, report);
  ASSERT_TRUE(c.ok()) << c.status().to_string();
  const ConnectorDefinition* cloud = c->find_connector("cloud");
  ASSERT_NE(cloud, nullptr);
  EXPECT_EQ(cloud->type, "csv");
  EXPECT_EQ(cloud->options, (std::map<std::string, std::string>{{"path", "/srv/cloud.csv"}}));
  for (const SyncRule& r : c->rules) EXPECT_TRUE(r.connector == kAd || r.connector == "cloud") << r.connector;
}

// ---- a server run ----

class EntraServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    require_reference_export();
    file::register_file_connectors(registry_);
    ASSERT_FALSE(tmp_.path().empty());
    EntraImportReport report;
    config_ = import_or_die(report, tmp_.path().string());
    auto server = Server::open((tmp_.path() / "idsync.db").string(), StoreOpenMode::kCreateIfMissing, registry_);
    ASSERT_TRUE(server.ok()) << server.status().to_string();
    server_ = std::move(server).value();
  }

  ConnectorRegistry registry_;
  TempDir tmp_;
  Configuration config_;
  std::unique_ptr<Server> server_;
};

TEST_F(EntraServerTest, ServerAcceptsTheImportedConfiguration) {
  Status s = server_->import_configuration(config_);
  ASSERT_TRUE(s.ok()) << s.to_string();
  auto back = server_->configuration();
  ASSERT_TRUE(back.ok()) << back.status().to_string();
  EXPECT_EQ(back->rules, config_.rules);
  EXPECT_EQ(back->connectors.size(), 2u);
  EXPECT_EQ(back->global_parameters, config_.global_parameters);
}

std::string base64(std::string_view in) {
  static const char* k = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    uint32_t n = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8) | uint8_t(in[i + 2]);
    for (int s = 18; s >= 0; s -= 6) out.push_back(k[(n >> s) & 63]);
  }
  if (i + 1 == in.size()) {
    uint32_t n = uint8_t(in[i]) << 16;
    out += {k[(n >> 18) & 63], k[(n >> 12) & 63], '=', '='};
  } else if (i + 2 == in.size()) {
    uint32_t n = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8);
    out += {k[(n >> 18) & 63], k[(n >> 12) & 63], k[(n >> 6) & 63], '='};
  }
  return out;
}

std::string utf8_hex(std::string_view s) {
  static const char* k = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) out += {k[c >> 4], k[c & 15]};
  return out;
}

std::string first_value(const json& attrs, const std::string& name) {
  auto it = attrs.find(name);
  if (it == attrs.end()) return "";
  if (it->is_array()) return it->empty() ? "" : (*it)[0].get<std::string>();
  return it->get<std::string>();
}

struct SourceUser {
  std::string sam, upn, guid, dn;
  bool critical = false;
};

TEST_F(EntraServerTest, GeneratedForestRunsThroughTheDefaultRules) {
  ASSERT_TRUE(server_->import_configuration(config_).ok());
  // The forest, as the AD connector's LDIF file; the cloud starts empty.
  forestgen::ForestOptions fo;
  fo.objects = 1000;  // the generator adds the special accounts (MSOL_, SystemMailbox{...}) from 1000 on
  fo.seed = 7;
  fo.domain = "contoso.com";
  std::map<std::string, SourceUser> users;  // by sAMAccountName
  {
    std::ofstream out(config_.find_connector(kAd)->options.at("path"), std::ios::binary);
    file::LdifWriter writer(out);
    Status s = forestgen::generate_forest(fo, [&](Entry&& e) {
      if (e.object_type == "user") {
        SourceUser u;
        u.sam = std::string(e.first("sAMAccountName"));
        u.upn = std::string(e.first("userPrincipalName"));
        u.guid = std::string(e.first("objectGUID"));
        u.critical = e.first("isCriticalSystemObject") == "TRUE";
        u.dn = e.dn;
        users[u.sam] = u;
      }
      return writer.write_entry(e);
    });
    ASSERT_TRUE(s.ok()) << s.to_string();
    ASSERT_TRUE(writer.status().ok());
  }
  {
    std::ofstream out(config_.find_connector(kAad)->options.at("path"), std::ios::binary);
    out << "version: 1\n";
  }
  // Every flow of every default rule evaluates without an error on every object; in particular
  // MV pwdLastSet (a string in MV.xml) takes "CStr(FormatDateTime(DateFromNum([pwdLastSet]),...))"
  // of AD's Large Integer pwdLastSet: each space keeps its own attribute types.
  for (const char* profile : {"Full Import", "Full Synchronization"}) {
    auto run = server_->run_profile(kAd, profile);
    ASSERT_TRUE(run.ok()) << profile << ": " << run.status().to_string();
    for (const StepResult& step : run->steps)
      for (const ObjectError& e : step.errors)
        ADD_FAILURE() << profile << ": " << e.dn << ": " << e.error_type << ": " << e.message;
    EXPECT_EQ(run->result, "success") << profile;
  }

  auto mv = server_->mv_list_json("person", 0);
  ASSERT_TRUE(mv.ok()) << mv.status().to_string();
  json persons = json::parse(*mv);
  std::map<std::string, json> by_sam;
  for (const json& p : persons) {
    std::string sam = first_value(p["attributes"], "accountName");
    if (!sam.empty()) by_sam[sam] = p["attributes"];
  }
  size_t checked_filtered = 0, checked_upn_fallback = 0, checked_anchor = 0;
  std::string cnf_filtered = "absent";
  for (const auto& [sam, u] : users) {
    if (u.critical) {  // krbtgt, Administrator, Guest: out of the join rule's scope, never projected
      EXPECT_EQ(by_sam.count(sam), 0u) << sam;
      continue;
    }
    ASSERT_EQ(by_sam.count(sam), 1u) << sam << " was not projected";
    const json& a = by_sam[sam];
    const bool special = sam.rfind("MSOL_", 0) == 0 || sam.rfind("SystemMailbox{", 0) == 0 || sam.rfind("AAD_", 0) == 0 ||
                         sam.rfind("CAS_", 0) == 0 || sam == "SUPPORT_388945a0" ||
                         sam.rfind("SM_", 0) == 0;  // DiscoverySearchMailbox: msExchRecipientTypeDetails in &H21C07000
    if (special) {
      EXPECT_EQ(first_value(a, "cloudFiltered"), "TRUE") << sam;
      ++checked_filtered;
    } else if (sam.rfind("$DUPLICATE-", 0) == 0) {
      // A replication conflict (CN=...\0ACNF:<guid>): the rule's CBool(InStr(DNComponent(CRef([dn]),1),
      // "\\0ACNF:")>0) clause filters it through [dn], the object's DN.
      cnf_filtered = first_value(a, "cloudFiltered");
    } else {
      EXPECT_EQ(first_value(a, "cloudFiltered"), "") << sam << " is filtered but should not be";
    }
    if (u.upn.empty()) {
      EXPECT_EQ(first_value(a, "userPrincipalName"), sam + "@contoso.com") << sam;
      ++checked_upn_fallback;
    } else {
      EXPECT_EQ(first_value(a, "userPrincipalName"), u.upn) << sam;
    }
    EXPECT_EQ(first_value(a, "sourceAnchor"), base64(u.guid)) << sam;
    ++checked_anchor;
  }
  EXPECT_GE(checked_filtered, 4u);
  EXPECT_EQ(cnf_filtered, "TRUE") << "the replication-conflict object must be cloudFiltered";
  EXPECT_GT(checked_upn_fallback, 0u);
  EXPECT_GT(checked_anchor, 800u);

  // The cloud side: import (nothing there yet) and sync; users in scope of "Out to AAD - User
  // Join" wait as adds named CN={<UTF-8 hex of sourceAnchor>}.
  for (const char* profile : {"Full Import", "Full Synchronization"}) {
    auto run = server_->run_profile(kAad, profile);
    ASSERT_TRUE(run.ok()) << profile << ": " << run.status().to_string();
    for (const StepResult& step : run->steps)
      for (const ObjectError& e : step.errors)
        ADD_FAILURE() << profile << ": " << e.dn << ": " << e.error_type << ": " << e.message;
  }
  auto cs = server_->cs_list_json(kAad, true, 0);
  ASSERT_TRUE(cs.ok()) << cs.status().to_string();
  std::map<std::string, json> pending;
  for (const json& o : json::parse(*cs)) pending[o["dn"].get<std::string>()] = o;
  size_t expected_users = 0;
  for (const auto& [sam, a] : by_sam) {
    const std::string dn = "CN={" + utf8_hex(first_value(a, "sourceAnchor")) + "}";
    const bool in_scope = first_value(a, "sourceObjectType") == "User" && first_value(a, "cloudFiltered") != "TRUE" &&
                          !first_value(a, "sourceAnchor").empty() && !first_value(a, "accountEnabled").empty();
    if (!in_scope) {
      EXPECT_EQ(pending.count(dn), 0u) << sam << " is filtered but provisioned to the cloud";
      continue;
    }
    ++expected_users;
    ASSERT_EQ(pending.count(dn), 1u) << sam << ": no pending export " << dn;
    EXPECT_EQ(pending[dn]["objectType"], "user") << sam;
    EXPECT_EQ(pending[dn]["pendingExport"], "add") << sam;
  }
  EXPECT_GT(expected_users, 800u);
}

}  // namespace
}  // namespace idsync
