// Sync cycles on a small generated forest with the demo configuration (the Entra Connect
// default rules): Initial then Delta lands in the cloud directory exactly what the rules say,
// a Delta cycle without changes exports nothing, and the same input gives the same store.
#include <fstream>

#include "idsync/file/ldif.h"
#include "idsync/forestgen/forestgen.h"
#include "scenario.h"

namespace idsync::scenario {
namespace {

constexpr uint64_t kObjects = 1200;

std::string base64(std::string_view in) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    uint32_t n = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8) | uint8_t(in[i + 2]);
    out += {kAlphabet[n >> 18], kAlphabet[(n >> 12) & 63], kAlphabet[(n >> 6) & 63], kAlphabet[n & 63]};
  }
  if (i + 1 == in.size()) {
    uint32_t n = uint8_t(in[i]) << 16;
    out += {kAlphabet[n >> 18], kAlphabet[(n >> 12) & 63], '=', '='};
  } else if (i + 2 == in.size()) {
    uint32_t n = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8);
    out += {kAlphabet[n >> 18], kAlphabet[(n >> 12) & 63], kAlphabet[(n >> 6) & 63], '='};
  }
  return out;
}

std::string hex_upper(std::string_view in) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : in) {
    out.push_back(kHex[(uint8_t(c) >> 4) & 15]);
    out.push_back(kHex[uint8_t(c) & 15]);
  }
  return out;
}

// The demo configuration, taken from the idsync tool's source so that the test follows it.
std::string demo_configuration(const fs::path& dir) {
  std::string source = read_text(fs::path(IDSYNC_SOURCE_DIR) / "tools/idsync/demo_config.cc");
  size_t start = source.find("R\"JSON(");
  size_t end = source.find(")JSON\"");
  if (start == std::string::npos || end == std::string::npos) return {};
  std::string text = source.substr(start + 7, end - start - 7);
  auto replace_all = [&](const std::string& from, const std::string& to) {
    for (size_t pos = text.find(from); pos != std::string::npos; pos = text.find(from, pos + to.size()))
      text.replace(pos, from.size(), to);
  };
  replace_all("${DIR}", dir.string());
  replace_all("${DOMAIN_DN}", "DC=contoso,DC=com");
  replace_all("${DOMAIN}", "contoso.com");
  replace_all("${NETBIOS}", "CONTOSO");
  return text;
}

// What the rules say the cloud should hold for one on-premises object: its DN and UPN, or
// nothing when the object is out of scope or cloud-filtered.
struct Expected {
  std::string dn;
  std::string upn;  // users only
  std::string display_name;
};

std::optional<Expected> expected_cloud_object(const Entry& e) {
  auto has = [&](const char* name) { return e.find(name) != nullptr; };
  auto first = [&](const char* name) { return std::string(e.first(name)); };
  bool critical = has("isCriticalSystemObject");
  bool critical_true = critical && iequals(first("isCriticalSystemObject"), "TRUE");
  std::string guid = has("mS-DS-ConsistencyGuid") ? first("mS-DS-ConsistencyGuid") : first("objectGUID");
  Expected out;
  out.dn = "CN={" + hex_upper(base64(guid)) + "}";
  if (e.object_type == "user") {
    if (critical_true) return std::nullopt;
    if (first("adminDescription").rfind("User_", 0) == 0) return std::nullopt;
    std::string sam = first("sAMAccountName");
    std::string nick = first("mailNickname");
    bool filtered = critical || !has("sAMAccountName") || sam == "SUPPORT_388945a0" ||
                    nick.rfind("SystemMailbox{", 0) == 0 || sam.rfind("SYSTEMMAILBOX{", 0) == 0 ||
                    sam.rfind("AAD_", 0) == 0 || (sam.rfind("CAS_", 0) == 0 && sam.find('}') != std::string::npos) ||
                    sam.rfind("MSOL_", 0) == 0 || sam == "krbtgt";
    if (filtered) return std::nullopt;
    out.upn = has("userPrincipalName") ? first("userPrincipalName") : sam + "@contoso.com";
    out.display_name = has("displayName") && !first("displayName").empty() ? first("displayName") : first("cn");
    return out;
  }
  if (e.object_type == "group") {
    if (critical_true) return std::nullopt;
    out.display_name = first("cn");
    return out;
  }
  if (e.object_type == "contact") {
    out.display_name = has("displayName") && !first("displayName").empty() ? first("displayName") : first("cn");
    return out;
  }
  return std::nullopt;
}

class CycleTest : public ::testing::Test {
 protected:
  // Writes the forest and the demo configuration into `s`'s directory and imports it.
  static void prepare(Scenario& s, forestgen::ForestOptions& options) {
    options.objects = kObjects;
    options.seed = 7;
    options.domain = "contoso.com";
    fs::create_directories(s.dir() / "onprem/changes");
    fs::create_directories(s.dir() / "cloud/changes");
    write_text(s.dir() / "cloud/directory.ldif", "version: 1\n");
    std::ofstream out(s.dir() / "onprem/forest.ldif", std::ios::binary);
    file::LdifWriter writer(out);
    Status st = forestgen::generate_forest(options, [&](Entry&& e) { return writer.write_entry(e); });
    ASSERT_TRUE(st.ok()) << st.to_string();
    out.close();
    auto config = parse_configuration(demo_configuration(s.dir()));
    ASSERT_TRUE(config.ok()) << config.status().to_string();
    s.config() = *config;
    ASSERT_TRUE(s.apply().ok());
  }

  static void write_change_set(Scenario& s, const forestgen::ForestOptions& options, forestgen::ChangeStats& stats) {
    std::ofstream out(s.dir() / "onprem/changes/round-0001.ldif", std::ios::binary);
    file::LdifWriter writer(out);
    forestgen::ChangeOptions changes;
    Status st = forestgen::generate_changes(options, changes, [&](EntryChange&& c) { return writer.write_change(c); },
                                            &stats);
    ASSERT_TRUE(st.ok()) << st.to_string();
  }

  // Compares the cloud directory with what the rules say for the on-premises directory.
  static void expect_cloud_matches(Scenario& s, const std::string& when) {
    auto onprem = s.directory("contoso.com");
    auto cloud = s.directory("cloud");
    std::map<std::string, Expected> expected;
    size_t upn_fallbacks = 0, filtered_specials = 0;
    for (const auto& [key, e] : onprem) {
      auto x = expected_cloud_object(e);
      if (!x) {
        std::string sam(e.first("sAMAccountName"));
        if (sam.rfind("MSOL_", 0) == 0 || sam.rfind("SYSTEMMAILBOX{", 0) == 0) ++filtered_specials;
        continue;
      }
      if (e.object_type == "user" && e.find("userPrincipalName") == nullptr) ++upn_fallbacks;
      expected[normalized(x->dn)] = *x;
    }
    EXPECT_GT(upn_fallbacks, 0u) << when << ": the forest should exercise the UPN fallback";
    EXPECT_GT(filtered_specials, 0u) << when << ": the forest should hold MSOL_ / SYSTEMMAILBOX{ accounts";
    EXPECT_EQ(cloud.size(), expected.size()) << when;
    size_t missing = 0, wrong = 0;
    for (const auto& [dn, x] : expected) {
      auto it = cloud.find(dn);
      if (it == cloud.end()) {
        if (++missing <= 5) ADD_FAILURE() << when << ": missing in the cloud: " << x.dn;
        continue;
      }
      const Entry& c = it->second;
      bool ok = first_value(c, "displayName") == x.display_name && (x.upn.empty() || first_value(c, "userPrincipalName") == x.upn);
      if (!ok && ++wrong <= 5)
        ADD_FAILURE() << when << ": " << x.dn << " has UPN '" << first_value(c, "userPrincipalName") << "' (expected '"
                      << x.upn << "'), displayName '" << first_value(c, "displayName") << "' (expected '"
                      << x.display_name << "')";
    }
    for (const auto& [dn, c] : cloud) {
      std::string sam = first_value(c, "onPremisesSamAccountName");
      EXPECT_FALSE(sam.rfind("MSOL_", 0) == 0 || sam.rfind("SYSTEMMAILBOX{", 0) == 0) << when << ": " << c.dn;
      if (!expected.count(dn)) ADD_FAILURE() << when << ": unexpected in the cloud: " << c.dn;
    }
    EXPECT_EQ(missing, 0u);
    EXPECT_EQ(wrong, 0u);
  }

  static uint64_t exported(const CycleResult& cycle) {
    uint64_t n = 0;
    for (const RunResult& r : cycle.runs)
      for (const StepResult& st : r.steps)
        for (const char* k : {"export-add", "export-update", "export-rename", "export-delete"}) n += counter(st, k);
    return n;
  }
};

TEST_F(CycleTest, InitialThenDeltaLandsWhatTheRulesSay) {
  Scenario s;
  forestgen::ForestOptions options;
  prepare(s, options);
  if (HasFatalFailure()) return;

  CycleResult initial = s.cycle(CyclePolicy::kInitial);
  EXPECT_EQ(initial.result, "Success");
  for (const RunResult& r : initial.runs)
    EXPECT_EQ(r.result.rfind("stopped-", 0), std::string::npos) << r.connector << " " << r.run_profile << ": " << r.result;
  expect_cloud_matches(s, "after the Initial cycle");
  EXPECT_GT(exported(initial), 0u);

  forestgen::ChangeStats stats;
  write_change_set(s, options, stats);
  if (HasFatalFailure()) return;
  EXPECT_GT(stats.adds, 0u);
  EXPECT_GT(stats.deletes, 0u);
  EXPECT_GT(stats.modifies, 0u);
  CycleResult delta = s.cycle(CyclePolicy::kDelta);
  EXPECT_EQ(delta.result, "Success");
  expect_cloud_matches(s, "after the Delta cycle");
  uint64_t deletes = 0, adds = 0;
  for (const RunResult& r : delta.runs)
    if (r.connector == "cloud" && r.run_profile == "Export") {
      deletes += counter(r.steps.at(0), "export-delete");
      adds += counter(r.steps.at(0), "export-add");
    }
  EXPECT_GT(deletes, 0u);
  EXPECT_GT(adds, 0u);

  CycleResult idle = s.cycle(CyclePolicy::kDelta);
  EXPECT_EQ(idle.result, "Success");
  EXPECT_EQ(exported(idle), 0u);
  for (const RunResult& r : idle.runs)
    for (const StepResult& st : r.steps)
      EXPECT_EQ(counter(st, "exported-change-not-reimported"), 0u) << r.connector << " " << r.run_profile;
  expect_cloud_matches(s, "after an idle Delta cycle");
}

json without_anchors(json list) {
  for (auto& o : list) o.erase("anchor");  // the cloud assigns random anchors on export
  return list;
}

TEST_F(CycleTest, SameInputTwiceGivesTheSameStore) {
  Scenario a, b;
  forestgen::ForestOptions options;
  prepare(a, options);
  if (HasFatalFailure()) return;
  prepare(b, options);
  if (HasFatalFailure()) return;
  a.cycle(CyclePolicy::kInitial);
  b.cycle(CyclePolicy::kInitial);
  EXPECT_EQ(a.server().mv_list_json("", 0).value(), b.server().mv_list_json("", 0).value());
  EXPECT_EQ(a.server().cs_list_json("contoso.com", false, 0).value(),
            b.server().cs_list_json("contoso.com", false, 0).value());
  EXPECT_EQ(without_anchors(a.cs_list("cloud")), without_anchors(b.cs_list("cloud")));
}

}  // namespace
}  // namespace idsync::scenario
