#include "idsync/forestgen/forestgen.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "idsync/value_types.h"

namespace idsync::forestgen {
namespace {

std::vector<Entry> generate(const ForestOptions& o) {
  std::vector<Entry> out;
  Status s = generate_forest(o, [&](Entry&& e) {
    out.push_back(std::move(e));
    return Status::Ok();
  });
  EXPECT_TRUE(s.ok()) << s.to_string();
  return out;
}

std::vector<EntryChange> changes(const ForestOptions& o, const ChangeOptions& c, ChangeStats* stats = nullptr) {
  std::vector<EntryChange> out;
  Status s = generate_changes(
      o, c,
      [&](EntryChange&& ch) {
        out.push_back(std::move(ch));
        return Status::Ok();
      },
      stats);
  EXPECT_TRUE(s.ok()) << s.to_string();
  return out;
}

// The DN after the first RDN (handles RFC 4514 escapes).
std::string parent_dn(const std::string& dn) {
  for (size_t i = 0; i < dn.size(); ++i) {
    if (dn[i] == '\\') {
      ++i;
      continue;
    }
    if (dn[i] == ',') return dn.substr(i + 1);
  }
  return {};
}

uint64_t fnv(uint64_t h, std::string_view s) {
  for (unsigned char c : s) h = (h ^ c) * 0x100000001B3ull;
  return (h ^ 0xFF) * 0x100000001B3ull;
}

uint64_t digest(const std::vector<Entry>& entries) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (const Entry& e : entries) {
    h = fnv(h, e.dn);
    h = fnv(h, e.object_type);
    h = fnv(h, e.anchor);
    for (const Attribute& a : e.attributes) {
      h = fnv(h, a.name);
      for (const std::string& v : a.values) h = fnv(h, v);
    }
  }
  return h;
}

uint64_t digest(const std::vector<EntryChange>& changes) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (const EntryChange& c : changes) {
    h = fnv(h, change_kind_name(c.kind));
    h = fnv(h, c.dn);
    for (const Attribute& a : c.attributes) {
      h = fnv(h, a.name);
      for (const std::string& v : a.values) h = fnv(h, v);
    }
    for (const AttributeChange& a : c.changes) {
      h = fnv(h, a.name);
      h = fnv(h, std::to_string(static_cast<int>(a.op)));
      for (const std::string& v : a.values) h = fnv(h, v);
    }
  }
  return h;
}

// A 20,000-object forest shared by the read-only tests.
const std::vector<Entry>& forest20k() {
  static const std::vector<Entry> f = [] {
    ForestOptions o;
    o.objects = 20000;
    o.seed = 7;
    return generate(o);
  }();
  return f;
}

TEST(ForestGen, EmitsExactlyTheRequestedCount) {
  for (uint64_t n : {0ull, 1ull, 4ull, 5ull, 6ull, 17ull, 999ull, 1000ull, 12345ull, 100000ull}) {
    ForestOptions o;
    o.objects = n;
    uint64_t count = 0;
    std::map<std::string, uint64_t> by_type;
    ASSERT_TRUE(generate_forest(o, [&](Entry&& e) {
                  ++count;
                  ++by_type[e.object_type];
                  return Status::Ok();
                }).ok());
    EXPECT_EQ(count, n);
    auto plan = plan_forest(o);
    ASSERT_TRUE(plan.ok());
    EXPECT_EQ(plan->containers + plan->organizational_units + plan->special_accounts + plan->users + plan->groups +
                  plan->contacts,
              n);
    EXPECT_EQ(by_type["group"], plan->groups);
    EXPECT_EQ(by_type["contact"], plan->contacts);
    EXPECT_EQ(by_type["user"], plan->users + plan->special_accounts);
    EXPECT_EQ(by_type["organizationalUnit"], plan->organizational_units);
  }
}

TEST(ForestGen, ProportionsFor100K) {
  ForestOptions o;
  auto plan = plan_forest(o);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->domain_dn, "DC=contoso,DC=com");
  EXPECT_EQ(plan->organizational_units, 500u);  // 0.5%
  EXPECT_EQ(plan->groups, 10000u);
  EXPECT_EQ(plan->contacts, 4000u);
  EXPECT_EQ(plan->special_accounts, 10u);
  EXPECT_NEAR(static_cast<double>(plan->users) / 100000.0, 0.85, 0.01);
}

TEST(ForestGen, ParentsBeforeChildrenAndUniqueDns) {
  const auto& f = forest20k();
  std::unordered_set<std::string> seen;
  for (const Entry& e : f) {
    const std::string parent = parent_dn(e.dn);
    EXPECT_TRUE(parent == "DC=contoso,DC=com" || seen.count(parent)) << e.dn;
    EXPECT_TRUE(seen.insert(e.dn).second) << "duplicate DN " << e.dn;
  }
}

TEST(ForestGen, ObjectClassesInAdOrder) {
  const std::map<std::string, std::vector<std::string>> expected = {
      {"user", {"top", "person", "organizationalPerson", "user"}},
      {"group", {"top", "group"}},
      {"contact", {"top", "person", "organizationalPerson", "contact"}},
      {"organizationalUnit", {"top", "organizationalUnit"}},
      {"container", {"top", "container"}},
  };
  for (const Entry& e : forest20k()) {
    const Attribute* oc = e.find("objectClass");
    ASSERT_NE(oc, nullptr) << e.dn;
    ASSERT_TRUE(expected.count(e.object_type)) << e.object_type;
    EXPECT_EQ(oc->values, expected.at(e.object_type)) << e.dn;
    EXPECT_EQ(oc->values.back(), e.object_type);
  }
}

TEST(ForestGen, DeterministicPerSeed) {
  ForestOptions o;
  o.objects = 5000;
  o.seed = 42;
  const uint64_t a = digest(generate(o));
  EXPECT_EQ(a, digest(generate(o)));
  o.seed = 43;
  EXPECT_NE(a, digest(generate(o)));
}

TEST(ForestGen, ThreadsDoNotChangeTheOutput) {
  ForestOptions o;
  o.objects = 30000;
  o.threads = 1;
  const uint64_t inline_digest = digest(generate(o));
  o.threads = 3;
  EXPECT_EQ(digest(generate(o)), inline_digest);
  int calls = 0;
  Status s = generate_forest(o, [&](Entry&&) {
    return ++calls == 5000 ? Status::Error(ErrorCode::kIoError, "disk full") : Status::Ok();
  });
  EXPECT_EQ(s.code(), ErrorCode::kIoError);
  EXPECT_EQ(calls, 5000);
}

TEST(ForestGen, EveryReferenceResolves) {
  const auto& f = forest20k();
  std::unordered_set<std::string> dns;
  for (const Entry& e : f) dns.insert(e.dn);
  uint64_t members = 0, managers = 0, nested = 0, users = 0;
  std::unordered_set<std::string> group_dns;
  for (const Entry& e : f)
    if (e.object_type == "group") group_dns.insert(e.dn);
  for (const Entry& e : f) {
    if (const Attribute* m = e.find("member")) {
      std::unordered_set<std::string> distinct;
      for (const std::string& v : m->values) {
        EXPECT_TRUE(dns.count(v)) << e.dn << " member " << v;
        EXPECT_TRUE(distinct.insert(v).second) << e.dn << " lists " << v << " twice";
        EXPECT_NE(v, e.dn);
        nested += group_dns.count(v);
        ++members;
      }
    }
    if (e.object_type == "user" && e.find("employeeID")) {
      ++users;
      if (const Attribute* m = e.find("manager")) {
        ASSERT_EQ(m->values.size(), 1u);
        EXPECT_TRUE(dns.count(m->values[0])) << e.dn << " manager " << m->values[0];
        EXPECT_NE(m->values[0], e.dn);
        ++managers;
      }
    }
  }
  EXPECT_GT(members, 10000u);
  EXPECT_GT(nested, 50u);
  const double manager_share = static_cast<double>(managers) / static_cast<double>(users);
  EXPECT_NEAR(manager_share, 0.70, 0.05);
}

TEST(ForestGen, AnchorsSamsMailsAndSidsAreUnique) {
  std::unordered_set<std::string> anchors, sams, mails, proxies, sids;
  for (const Entry& e : forest20k()) {
    ASSERT_EQ(e.anchor.size(), 16u) << e.dn;
    EXPECT_EQ(e.first("objectGUID"), e.anchor);
    EXPECT_TRUE(anchors.insert(e.anchor).second) << "duplicate anchor at " << e.dn;
    if (auto sam = e.first("sAMAccountName"); !sam.empty()) {
      EXPECT_TRUE(sams.insert(to_lower_ascii(sam)).second) << "duplicate sAMAccountName " << sam;
      if (e.object_type == "user" && e.find("employeeID")) {
        EXPECT_LE(sam.size(), 20u) << sam;
      }
    }
    if (auto mail = e.first("mail"); !mail.empty()) {
      EXPECT_TRUE(mails.insert(to_lower_ascii(mail)).second) << "duplicate mail " << mail;
    }
    if (const Attribute* p = e.find("proxyAddresses")) {
      for (const std::string& v : p->values) {
        EXPECT_TRUE(proxies.insert(to_lower_ascii(v.substr(v.find(':')))).second) << "duplicate proxy " << v;
      }
    }
    if (auto sid = e.first("objectSid"); !sid.empty()) {
      const std::string text = sid_to_string(sid);
      EXPECT_EQ(text.rfind("S-1-5-21-", 0), 0u) << text;
      EXPECT_TRUE(sids.insert(text).second) << "duplicate SID " << text;
    }
  }
}

TEST(ForestGen, UserAttributesLookLikeActiveDirectory) {
  uint64_t regular = 0, without_upn = 0, disabled = 0, consistency = 0, comma_names = 0, utf8 = 0;
  for (const Entry& e : forest20k()) {
    if (e.object_type != "user" || !e.find("employeeID")) continue;
    ++regular;
    EXPECT_GE(e.attributes.size(), 24u) << e.dn;
    for (const char* a : {"cn", "displayName", "givenName", "sn", "mail", "department", "title", "company",
                          "telephoneNumber", "physicalDeliveryOfficeName", "streetAddress", "l", "st", "postalCode",
                          "c", "co", "pwdLastSet", "whenCreated", "userAccountControl", "objectSid"})
      EXPECT_FALSE(e.first(a).empty()) << e.dn << " lacks " << a;
    if (e.first("userPrincipalName").empty()) ++without_upn;
    if (e.first("userAccountControl") == "514") ++disabled;
    if (const Attribute* c = e.find("mS-DS-ConsistencyGuid")) {
      ++consistency;
      EXPECT_EQ(c->values[0], e.anchor);
    }
    const Attribute* p = e.find("proxyAddresses");
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(p->values[0], "SMTP:" + std::string(e.first("mail")));
    EXPECT_GE(p->values.size(), 2u);
    EXPECT_TRUE(canonicalize_value(AttrType::kDateTime, e.first("whenCreated")).ok()) << e.first("whenCreated");
    EXPECT_TRUE(canonicalize_value(AttrType::kInteger, e.first("pwdLastSet")).ok());
    if (e.dn.find("\\,") != std::string::npos) ++comma_names;
    if (std::any_of(e.dn.begin(), e.dn.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; })) ++utf8;
  }
  const double n = static_cast<double>(regular);
  EXPECT_NEAR(without_upn / n, 0.02, 0.008);
  EXPECT_NEAR(disabled / n, 0.05, 0.015);
  EXPECT_NEAR(consistency / n, 0.50, 0.03);
  EXPECT_GT(comma_names, 100u);  // "Smith, John" style names need escaping
  EXPECT_GT(utf8, 100u);
}

TEST(ForestGen, GroupsAndContacts) {
  uint64_t groups = 0, mail_enabled = 0, small = 0, large = 0;
  std::set<std::string> types;
  for (const Entry& e : forest20k()) {
    if (e.object_type == "group") {
      ++groups;
      types.insert(std::string(e.first("groupType")));
      if (!e.first("mail").empty()) ++mail_enabled;
      const Attribute* m = e.find("member");
      const size_t n = m ? m->values.size() : 0;
      if (n >= 5 && n <= 50) ++small;
      if (n > 200) ++large;
    } else if (e.object_type == "contact") {
      EXPECT_EQ(e.first("targetAddress"), "SMTP:" + std::string(e.first("mail")));
      for (const char* a : {"cn", "displayName", "givenName", "sn", "mail", "proxyAddresses"})
        EXPECT_FALSE(e.first(a).empty()) << e.dn << " lacks " << a;
      EXPECT_EQ(e.find("objectSid"), nullptr);
    }
  }
  EXPECT_EQ(groups, 2000u);
  EXPECT_NEAR(static_cast<double>(mail_enabled) / groups, 0.30, 0.04);
  EXPECT_GT(static_cast<double>(small) / groups, 0.75);
  EXPECT_GT(large, 0u);
  EXPECT_TRUE(types.count("-2147483646"));  // global security
  EXPECT_TRUE(types.count("-2147483644"));  // domain local security
  EXPECT_TRUE(types.count("-2147483640"));  // universal security
  EXPECT_TRUE(types.count("8"));            // universal distribution
}

TEST(ForestGen, SpecialAccountsForTheDefaultFilters) {
  ForestOptions o;
  o.objects = 100000;
  std::vector<Entry> specials;
  ASSERT_TRUE(generate_forest(o, [&](Entry&& e) {
                if (e.dn.find(",CN=Users,DC=contoso,DC=com") != std::string::npos) specials.push_back(std::move(e));
                return Status::Ok();
              }).ok());
  ASSERT_EQ(specials.size(), 10u);
  auto has = [&](auto pred) { return std::any_of(specials.begin(), specials.end(), pred); };
  auto sam_starts = [&](const std::string& prefix) {
    return has([&](const Entry& e) { return e.first("sAMAccountName").substr(0, prefix.size()) == prefix; });
  };
  EXPECT_TRUE(sam_starts("krbtgt"));
  EXPECT_TRUE(sam_starts("Administrator"));
  EXPECT_TRUE(sam_starts("SUPPORT_388945a0"));
  EXPECT_TRUE(sam_starts("MSOL_"));
  EXPECT_TRUE(sam_starts("AAD_"));
  EXPECT_TRUE(sam_starts("SystemMailbox{"));
  EXPECT_TRUE(sam_starts("CAS_{"));
  EXPECT_TRUE(has([](const Entry& e) { return e.first("msExchRecipientTypeDetails") == "536870912"; }));
  EXPECT_TRUE(has([](const Entry& e) { return e.dn.find("\\0ACNF:") != std::string::npos; }));
  EXPECT_TRUE(has([](const Entry& e) { return e.first("isCriticalSystemObject") == "TRUE"; }));
  for (const Entry& e : specials) {
    const std::string sid = sid_to_string(e.first("objectSid"));
    if (e.first("sAMAccountName") == "krbtgt") {
      EXPECT_EQ(sid.substr(sid.rfind('-')), "-502");
    }
    if (e.first("sAMAccountName") == "Administrator") {
      EXPECT_EQ(sid.substr(sid.rfind('-')), "-500");
    }
  }
}

TEST(ForestGen, HugeGroupHasExactlyNMembers) {
  ForestOptions o;
  o.objects = 20000;
  o.huge_group_members = 15000;
  uint64_t found = 0;
  ASSERT_TRUE(generate_forest(o, [&](Entry&& e) {
                if (e.first("cn") == "All Staff") {
                  ++found;
                  const Attribute* m = e.find("member");
                  EXPECT_NE(m, nullptr);
                  if (m) {
                    EXPECT_EQ(m->values.size(), 15000u);
                    EXPECT_EQ(std::set<std::string>(m->values.begin(), m->values.end()).size(), 15000u);
                  }
                }
                return Status::Ok();
              }).ok());
  EXPECT_EQ(found, 1u);
  o.huge_group_members = 19000;  // more than the users of the forest
  EXPECT_EQ(generate_forest(o, [](Entry&&) { return Status::Ok(); }).code(), ErrorCode::kInvalidArgument);
}

TEST(ForestGen, EmitErrorStopsGeneration) {
  ForestOptions o;
  o.objects = 1000;
  int calls = 0;
  Status s = generate_forest(o, [&](Entry&&) {
    return ++calls == 3 ? Status::Error(ErrorCode::kIoError, "disk full") : Status::Ok();
  });
  EXPECT_EQ(s.code(), ErrorCode::kIoError);
  EXPECT_EQ(calls, 3);
}

TEST(ForestGen, InvalidDomainIsRejected) {
  ForestOptions o;
  o.domain = "bad,domain";
  EXPECT_EQ(generate_forest(o, [](Entry&&) { return Status::Ok(); }).code(), ErrorCode::kInvalidArgument);
  o.domain = "fabrikam.co.uk";
  o.objects = 50;
  auto f = generate(o);
  ASSERT_EQ(f.size(), 50u);
  EXPECT_NE(f.back().dn.find(",DC=fabrikam,DC=co,DC=uk"), std::string::npos);
}

TEST(DnEscaping, Rfc4514) {
  EXPECT_EQ(escape_dn_value("John Smith"), "John Smith");
  EXPECT_EQ(escape_dn_value("Smith, John"), "Smith\\, John");
  EXPECT_EQ(escape_dn_value("a+b\"c\\d<e>f;g"), "a\\+b\\\"c\\\\d\\<e\\>f\\;g");
  EXPECT_EQ(escape_dn_value("#hash # inside"), "\\#hash # inside");
  EXPECT_EQ(escape_dn_value(" lead and trail "), "\\ lead and trail\\ ");
  EXPECT_EQ(escape_dn_value("line\nCNF:x"), "line\\0ACNF:x");
  EXPECT_EQ(escape_dn_value("M\xC3\xBCller"), "M\xC3\xBCller");
  EXPECT_EQ(domain_to_dn("contoso.com"), "DC=contoso,DC=com");
}

TEST(Sid, BinaryRoundTrip) {
  const std::string sid("\x01\x05\x00\x00\x00\x00\x00\x05\x15\x00\x00\x00\x01\x00\x00\x00\x02\x00\x00\x00\x03\x00\x00"
                        "\x00\xf4\x01\x00\x00",
                        28);
  EXPECT_EQ(sid_to_string(sid), "S-1-5-21-1-2-3-500");
  EXPECT_EQ(sid_to_string("junk"), "");
}

// ---- change sets ---------------------------------------------------------------------------------

TEST(ChangeGen, CountsFollowTheFractions) {
  ForestOptions o;
  o.objects = 50000;
  ChangeOptions c;
  ChangeStats st;
  auto set = changes(o, c, &st);
  std::map<ChangeKind, uint64_t> by_kind;
  std::set<std::string> dns;
  for (const EntryChange& ch : set) {
    ++by_kind[ch.kind];
    EXPECT_TRUE(dns.insert(ch.dn).second) << "two changes for " << ch.dn;
    EXPECT_EQ(ch.anchor.size(), 16u);
    if (ch.kind == ChangeKind::kModify) {
      EXPECT_FALSE(ch.changes.empty()) << ch.dn;
    }
  }
  EXPECT_EQ(by_kind[ChangeKind::kAdd], 500u);
  EXPECT_EQ(by_kind[ChangeKind::kDelete], 500u);
  EXPECT_EQ(st.adds, 500u);
  EXPECT_EQ(st.deletes, 500u);
  EXPECT_EQ(st.modifies, 2500u);
  EXPECT_EQ(by_kind[ChangeKind::kModify], st.modifies + st.reference_cleanups);
  EXPECT_GT(st.reference_cleanups, 0u);
  EXPECT_EQ(by_kind[ChangeKind::kRename], 0u);
  // The 3-argument form works too and is deterministic.
  EXPECT_EQ(digest(set), digest(changes(o, c)));
  o.seed = 2;
  EXPECT_NE(digest(set), digest(changes(o, c)));
}

TEST(ChangeGen, TooManyRoundsIsAnError) {
  ForestOptions o;
  o.objects = 2000;
  ChangeOptions c;
  c.delete_fraction = 0.2;
  c.round = 4;  // 4 * 400 deletes > half of ~1700 users
  Status s = generate_changes(o, c, [](EntryChange&&) { return Status::Ok(); });
  EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument);
  c.round = 0;
  EXPECT_EQ(generate_changes(o, c, [](EntryChange&&) { return Status::Ok(); }).code(), ErrorCode::kInvalidArgument);
}

// Applies change sets to an in-memory directory, checking each one strictly: adds are new, deletes
// and modifies target existing objects, value adds are absent, value deletes present.
class Directory {
 public:
  explicit Directory(std::vector<Entry> entries) {
    for (Entry& e : entries) objects_.emplace(e.dn, std::move(e));
  }
  void apply(const std::vector<EntryChange>& set) {
    for (const EntryChange& c : set) {
      switch (c.kind) {
        case ChangeKind::kAdd: {
          ASSERT_FALSE(objects_.count(c.dn)) << "add of existing " << c.dn;
          ASSERT_TRUE(objects_.count(parent_dn(c.dn))) << "add without parent " << c.dn;
          Entry e;
          e.dn = c.dn;
          e.object_type = c.object_type;
          e.anchor = c.anchor;
          e.attributes = c.attributes;
          objects_.emplace(c.dn, std::move(e));
          break;
        }
        case ChangeKind::kDelete: {
          auto it = objects_.find(c.dn);
          ASSERT_NE(it, objects_.end()) << "delete of missing " << c.dn;
          EXPECT_EQ(it->second.anchor, c.anchor);
          objects_.erase(it);
          break;
        }
        case ChangeKind::kModify: {
          auto it = objects_.find(c.dn);
          ASSERT_NE(it, objects_.end()) << "modify of missing " << c.dn;
          EXPECT_EQ(it->second.anchor, c.anchor);
          Entry& e = it->second;
          for (const AttributeChange& a : c.changes) {
            Attribute* attr = e.find(a.name);
            ValueList values = attr ? attr->values : ValueList{};
            if (a.op == ValueOp::kReplace) {
              values = a.values;
            } else if (a.op == ValueOp::kAdd) {
              for (const std::string& v : a.values) {
                EXPECT_EQ(std::find(values.begin(), values.end(), v), values.end())
                    << c.dn << ": " << a.name << " already holds " << v;
                values.push_back(v);
              }
            } else {
              for (const std::string& v : a.values) {
                auto pos = std::find(values.begin(), values.end(), v);
                EXPECT_NE(pos, values.end()) << c.dn << ": " << a.name << " does not hold " << v;
                if (pos != values.end()) values.erase(pos);
              }
            }
            e.set(a.name, std::move(values));
          }
          ++modified_;
          break;
        }
        case ChangeKind::kRename: FAIL() << "unexpected rename";
      }
    }
  }
  void expect_references_resolve() const {
    uint64_t refs = 0;
    for (const auto& [dn, e] : objects_)
      for (const char* name : {"member", "manager"})
        if (const Attribute* a = e.find(name))
          for (const std::string& v : a->values) {
            ++refs;
            EXPECT_TRUE(objects_.count(v)) << dn << " " << name << " -> missing " << v;
          }
    EXPECT_GT(refs, 0u);
  }
  size_t size() const { return objects_.size(); }

 private:
  std::unordered_map<std::string, Entry> objects_;
  uint64_t modified_ = 0;
};

TEST(ChangeGen, RoundsComposeOnAnInMemoryDirectory) {
  ForestOptions o;
  o.objects = 20000;
  o.seed = 3;
  o.huge_group_members = 5000;
  Directory dir(generate(o));
  dir.expect_references_resolve();
  size_t expected = 20000;
  std::set<std::string> deleted, added;
  for (uint32_t round = 1; round <= 4; ++round) {
    ChangeOptions c;
    c.round = round;
    ChangeStats st;
    auto set = changes(o, c, &st);
    for (const EntryChange& ch : set) {
      if (ch.kind == ChangeKind::kDelete) {
        EXPECT_TRUE(deleted.insert(ch.dn).second) << "deleted twice: " << ch.dn;
      }
      if (ch.kind == ChangeKind::kAdd) {
        EXPECT_TRUE(added.insert(ch.dn).second) << "added twice: " << ch.dn;
      }
    }
    dir.apply(set);
    if (HasFatalFailure() || HasNonfatalFailure()) return;
    expected += st.adds - st.deletes;
    EXPECT_EQ(dir.size(), expected) << "round " << round;
    EXPECT_EQ(st.modifies, 1000u);
    dir.expect_references_resolve();
  }
}

TEST(ChangeGen, OnlyModifiesWhenAddsAndDeletesAreZero) {
  ForestOptions o;
  o.objects = 10000;
  ChangeOptions c;
  c.add_fraction = 0;
  c.delete_fraction = 0;
  c.modify_fraction = 0.1;
  ChangeStats st;
  auto set = changes(o, c, &st);
  EXPECT_EQ(set.size(), 1000u);
  EXPECT_EQ(st.modifies, 1000u);
  EXPECT_EQ(st.reference_cleanups, 0u);
  Directory dir(generate(o));
  dir.apply(set);
  c.round = 2;
  dir.apply(changes(o, c));
  dir.expect_references_resolve();
}


}  // namespace
}  // namespace idsync::forestgen
