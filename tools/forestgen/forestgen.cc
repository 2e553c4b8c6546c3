// forestgen: deterministic Active Directory forest and change-set generator.
//
// Design: every property of object i is a pure function of (seed, i) — a tagged hash gives O(1)
// answers to "is user u a service account", "who is u's manager", "which users are members of
// group g, at which position", so references can be written without holding the forest.
//
// Change rounds compose without replaying earlier rounds because each kind of change owns a
// slice of an index space:
//   adds     round r adds users U + (r-1)*A .. U + r*A - 1 (new, never deleted)
//   deletes  a fixed permutation of the base users; round r deletes positions
//            [(r-1)*D, r*D) — "deleted by round r" is pos(u) < r*D. Only the first half of the
//            permutation is ever deleted; the second half ("protected") never is, and is where
//            manager changes and new users' managers point, so no later cleanup is needed.
//   member   deletes: event t = (r-1)*K + j removes, from group perm(t % G), the base member at
//            position t / G (each (group, position) is visited at most once across all rounds);
//            void (a description change instead) when that member is a deleted user.
//   member   adds: this round's new users join groups of their site.
//   cleanup  deleting a user removes it from every group still holding it (base membership minus
//            earlier member-delete events) and clears `manager` on its reports (a user whose
//            base manager can be deleted never gets a manager change).
#include "idsync/forestgen/forestgen.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <condition_variable>
#include <mutex>
#include <map>
#include <numeric>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

namespace idsync::forestgen {

namespace tables {  // defined in forestgen_tables.cc
extern const char* const kFirstNames[];
extern const std::size_t kFirstNameCount;
extern const char* const kLastNames[];
extern const std::size_t kLastNameCount;
struct City {
  const char* name;
  const char* code;
  const char* state;
  const char* country;
  const char* country_name;
  const char* postal;
  const char* phone;
  const char* street;
};
extern const City kCities[];
extern const std::size_t kCityCount;
struct Department {
  const char* name;
  unsigned weight;
  const char* titles[4];
};
extern const Department kDepartments[];
extern const std::size_t kDepartmentCount;
extern const char* const kGroupPurposes[];
extern const std::size_t kGroupPurposeCount;
struct Partner {
  const char* company;
  const char* domain;
};
extern const Partner kPartners[];
extern const std::size_t kPartnerCount;
extern const char* const kAliasDomains[];
extern const std::size_t kAliasDomainCount;
extern const char* const kServiceApps[];
extern const std::size_t kServiceAppCount;
extern const char* const kSpecialGroupNames[];
extern const std::size_t kSpecialGroupNameCount;
extern const char* const kUserDescriptions[];
extern const std::size_t kUserDescriptionCount;
}  // namespace tables

void append_escaped(std::string& out, std::string_view v);

namespace {

using namespace tables;

__extension__ typedef unsigned __int128 u128;

constexpr uint64_t kGolden = 0x9E3779B97F4A7C15ull;
constexpr uint64_t kNone = ~0ull;

// splitmix64 finalizer: a bijection on 64-bit values.
inline uint64_t mix64(uint64_t z) {
  z += kGolden;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

class Rng {  // splitmix64 stream
 public:
  explicit Rng(uint64_t seed) : s_(seed) {}
  uint64_t next() { return mix64(s_ += kGolden); }
  uint64_t below(uint64_t n) { return n == 0 ? 0 : static_cast<uint64_t>((static_cast<u128>(next()) * n) >> 64); }
  bool percent(unsigned p) { return below(100) < p; }
  double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

 private:
  uint64_t s_;
};

inline uint64_t mulmod(uint64_t a, uint64_t b, uint64_t m) {
  return static_cast<uint64_t>(static_cast<u128>(a) * b % m);
}

uint64_t modinv(uint64_t a, uint64_t m) {  // a coprime to m
  if (m <= 1) return 0;
  int64_t t = 0, nt = 1;
  int64_t r = static_cast<int64_t>(m), nr = static_cast<int64_t>(a % m);
  while (nr != 0) {
    int64_t q = r / nr;
    std::tie(t, nt) = std::make_pair(nt, t - q * nt);
    std::tie(r, nr) = std::make_pair(nr, r - q * nr);
  }
  if (t < 0) t += static_cast<int64_t>(m);
  return static_cast<uint64_t>(t);
}

uint64_t coprime_to(uint64_t m, uint64_t h) {
  if (m <= 2) return 1;
  uint64_t a = h % m;
  if (a < 2) a = 2;
  while (std::gcd(a, m) != 1) a = (a + 1 < m) ? a + 1 : 1;
  return a;
}

// x -> (a*x + b) mod m: a bijection on [0, m) with an O(1) inverse.
struct Perm {
  uint64_t m = 1, a = 1, b = 0, ainv = 0;
  Perm() = default;
  Perm(uint64_t modulus, uint64_t h) : m(std::max<uint64_t>(modulus, 1)) {
    a = coprime_to(m, h);
    b = mix64(h) % m;
    ainv = modinv(a, m);
  }
  uint64_t fwd(uint64_t x) const { return (mulmod(x, a, m) + b) % m; }
  uint64_t inv(uint64_t y) const { return mulmod((y + m - b) % m, ainv, m); }
};

// ---- text helpers ----------------------------------------------------------------------------

// Latin-1 supplement U+00C0..U+00FF without diacritics ('_' = dropped).
constexpr char kLatin1Fold[] = "AAAAAAACEEEEIIIIDNOOOOO_OUUUUYTsaaaaaaaceeeeiiiidnooooo_ouuuuyty";

std::string fold_ascii(std::string_view s, bool keep_hyphen) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    char a = 0;
    if (c < 0x80) {
      a = static_cast<char>(c);
    } else if (c == 0xC3 && i + 1 < s.size()) {
      auto d = static_cast<unsigned char>(s[++i]);
      if (d >= 0x80 && d <= 0xBF) a = kLatin1Fold[d - 0x80];
    } else {
      while (i + 1 < s.size() && (static_cast<unsigned char>(s[i + 1]) & 0xC0) == 0x80) ++i;
      continue;
    }
    if (a >= 'A' && a <= 'Z') a = static_cast<char>(a - 'A' + 'a');
    if ((a >= 'a' && a <= 'z') || (a >= '0' && a <= '9') || (keep_hyphen && a == '-')) out.push_back(a);
  }
  return out;
}

constexpr char kHex[] = "0123456789abcdef";

std::string hex_string(uint64_t v, int digits) {
  std::string s(static_cast<size_t>(digits), '0');
  for (int i = digits - 1; i >= 0; --i, v >>= 4) s[static_cast<size_t>(i)] = kHex[v & 15];
  return s;
}

std::string guid_string(const std::string& g) {  // Microsoft layout: Data1..3 little-endian
  auto b = [&](int i) { return static_cast<unsigned>(static_cast<unsigned char>(g[static_cast<size_t>(i)])); };
  char buf[40];
  std::snprintf(buf, sizeof(buf), "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b(3), b(2),
                b(1), b(0), b(5), b(4), b(7), b(6), b(8), b(9), b(10), b(11), b(12), b(13), b(14), b(15));
  return buf;
}

std::string upper(std::string s) {
  for (char& c : s)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return s;
}

// sAMAccountName may not contain " / \ [ ] : ; | = , + * ? < >; spaces become '-'.
std::string sanitize_sam(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (std::strchr("\"/\\[]:;|=,+*?<>", c) != nullptr && c != 0) continue;
    if (c == ' ') c = '-';
    if (c == '-' && (out.empty() || out.back() == '-')) continue;
    out.push_back(c);
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out;
}

std::string mail_nickname(std::string_view sam) {
  std::string out;
  for (char c : sam)
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-') out.push_back(c);
  return out;
}

// ---- time --------------------------------------------------------------------------------------

constexpr int64_t kT0 = 1262563200;  // 2010-01-04: the forest's first accounts
constexpr int64_t kT1 = 1717372800;  // 2024-06-03: the base forest's snapshot
constexpr int64_t kDay = 86400;

std::string generalized_time(int64_t t) {  // AD's "YYYYMMDDHHMMSS.0Z"
  int64_t days = t / kDay, secs = t % kDay;
  // civil_from_days (H. Hinnant)
  int64_t z = days + 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t y = yoe + era * 400;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  int64_t d = doy - (153 * mp + 2) / 5 + 1;
  int64_t m = mp < 10 ? mp + 3 : mp - 9;
  if (m <= 2) ++y;
  char buf[17] = {};
  auto put = [&](int pos, int64_t v, int digits) {
    for (int i = digits - 1; i >= 0; --i, v /= 10) buf[pos + i] = static_cast<char>('0' + v % 10);
  };
  put(0, y, 4);
  put(4, m, 2);
  put(6, d, 2);
  put(8, secs / 3600, 2);
  put(10, secs / 60 % 60, 2);
  put(12, secs % 60, 2);
  buf[14] = '.';
  buf[15] = '0';
  buf[16] = 'Z';
  return std::string(buf, 17);
}

std::string filetime(int64_t t) { return std::to_string((t + 11644473600LL) * 10000000LL); }

// ---- tables ------------------------------------------------------------------------------------

struct NameInfo {
  std::string display;
  std::string sam;   // folded, alphanumeric only
  std::string mail;  // folded, alphanumeric and '-'
  int initial = 0;   // 0..25 (first names)
  uint32_t initial_pos = 0;
};

struct Tables {
  std::vector<NameInfo> first, last;
  std::array<uint32_t, 26> initial_count{};
  std::vector<uint32_t> dept_by_percent;  // 100 slots
};

const Tables& tbl() {
  static const Tables t = [] {
    Tables t;
    for (size_t i = 0; i < kFirstNameCount; ++i) {
      NameInfo n;
      n.display = kFirstNames[i];
      n.sam = fold_ascii(n.display, false);
      n.mail = fold_ascii(n.display, true);
      n.initial = n.sam.empty() ? 0 : std::clamp(n.sam[0] - 'a', 0, 25);
      n.initial_pos = t.initial_count[static_cast<size_t>(n.initial)]++;
      t.first.push_back(std::move(n));
    }
    for (size_t i = 0; i < kLastNameCount; ++i) {
      NameInfo n;
      n.display = kLastNames[i];
      n.sam = fold_ascii(n.display, false);
      n.mail = fold_ascii(n.display, true);
      t.last.push_back(std::move(n));
    }
    for (uint32_t d = 0; d < kDepartmentCount; ++d)
      for (unsigned w = 0; w < kDepartments[d].weight; ++w) t.dept_by_percent.push_back(d);
    while (t.dept_by_percent.size() < 100) t.dept_by_percent.push_back(0);
    return t;
  }();
  return t;
}

enum Tag : uint64_t {
  kTagGuidStruct, kTagGuidSpecial, kTagGuidUser, kTagGuidGroup, kTagGuidContact,
  kTagUserAttrs, kTagGroupAttrs, kTagContactAttrs, kTagSpecialAttrs, kTagService, kTagComma,
  kTagNoUpn, kTagManager, kTagGroupLayout, kTagMailGroup, kTagDept, kTagPartner,
  kTagDeletePerm, kTagGroupEventPerm, kTagModifyPerm, kTagModify, kTagAddGroup, kTagNewManager,
  kTagNames, kTagSid, kTagCount
};

struct PersonName {
  uint32_t first = 0, last = 0;
  uint64_t dup = 0;
};

struct PersonStrings {
  std::string cn, given, sn, initials, mail_local, sam;
};

enum class MemberKind : uint8_t { kUser, kGroup, kContact };
struct MemberRef {
  MemberKind kind;
  uint64_t index;
};

struct GroupLayout {
  int mode = 0;  // 0: users of the group's site, 1: users of the whole forest, 2: "All Staff"
  uint64_t nu = 0, ng = 0, nc = 0;
  uint64_t site = 0, modulus = 1, start = 0, stride = 1;
  uint64_t gspan = 1, gbase = 0, cbase = 0;
  uint64_t total() const { return nu + ng + nc; }
};

class Builder {
 public:
  explicit Builder(Entry& e, size_t n) : e_(e) { e_.attributes.reserve(n); }
  void one(const char* name, std::string v) {
    Attribute a;
    a.name = name;
    a.values.push_back(std::move(v));
    e_.attributes.push_back(std::move(a));
  }
  void many(const char* name, ValueList v) {
    if (!v.empty()) e_.attributes.push_back(Attribute{name, std::move(v)});
  }

 private:
  Entry& e_;
};

// ---- the forest --------------------------------------------------------------------------------

class Forest {
 public:
  explicit Forest(const ForestOptions& o);
  Status validate() const;
  ForestLayout layout_info() const;
  Status generate(const std::function<Status(Entry&&)>& emit) const;
  Status changes(const ChangeOptions& co, const std::function<Status(EntryChange&&)>& emit,
                 ChangeStats* stats) const;

 private:
  uint64_t h(Tag t, uint64_t i) const { return mix64(tag_base_[t] ^ i); }

  // layout
  uint64_t users_at_site(uint64_t s) const { return U > s ? (U - 1 - s) / S + 1 : 0; }
  uint64_t groups_at_site(uint64_t s) const { return G > s ? (G - 1 - s) / S + 1 : 0; }

  // identity
  std::string guid(Tag t, uint64_t i) const;
  std::string sid(uint64_t rid) const;

  // people
  PersonName person(uint64_t k, bool contact) const;
  PersonStrings person_strings(const PersonName& pn, bool comma) const;
  void append_person_cn(std::string& out, const PersonName& pn, bool comma) const;
  bool is_service(uint64_t u) const { return u < U && u >= 16 && h(kTagService, u) % 100 == 0; }
  std::string service_cn(uint64_t u) const {
    const char* app = kServiceApps[(h(kTagService, u) / 100) % kServiceAppCount];
    return std::string("svc-") + app + "-" + std::to_string(u);
  }
  bool comma_form(uint64_t u) const { return h(kTagComma, u) % 100 < 7; }
  uint32_t dept_of(uint64_t u) const { return tbl().dept_by_percent[h(kTagDept, u) % 100]; }
  std::string user_cn(uint64_t u) const;
  std::string user_dn(uint64_t u) const;
  uint64_t base_manager(uint64_t u) const;
  uint64_t protected_user(uint64_t hash, uint64_t exclude) const;
  int64_t user_created(uint64_t u) const;

  std::string group_cn(uint64_t g) const;
  std::string group_dn(uint64_t g) const { return "CN=" + escape_dn_value(group_cn(g)) + sfx_groups_[g % S]; }
  bool group_mail_enabled(uint64_t g) const { return (g == 0 && H > 0) || h(kTagMailGroup, g) % 100 < 30; }
  GroupLayout group_layout(uint64_t g) const;
  MemberRef member_at(const GroupLayout& l, uint64_t p) const;
  std::string member_dn(MemberRef m) const;

  const Partner& partner_of(uint64_t c) const { return kPartners[partners_[h(kTagPartner, c) % partners_.size()]]; }
  std::string contact_cn(uint64_t c) const;
  std::string contact_dn(uint64_t c) const { return "CN=" + escape_dn_value(contact_cn(c)) + sfx_contacts_[c % S]; }

  Entry make_struct(uint64_t i) const;
  Entry make_special(uint64_t i) const;
  Entry make_user(uint64_t u, int64_t created) const;
  Entry make_group(uint64_t g) const;
  Entry make_contact(uint64_t c) const;
  Entry make_object(uint64_t i) const;  // i-th object in emission order

  ForestOptions o_;
  Status invalid_;
 public:
  uint64_t N = 0, S = 1, n_struct = 0, n_special = 0, U = 0, G = 0, C = 0, H = 0;
  bool users_container = false;

 private:
  std::string domain_dn_, label_, company_, onmicrosoft_;
  std::array<uint64_t, kTagCount> tag_base_{};
  std::array<uint32_t, 3> sid_sub_{};
  uint64_t name_mul_[2] = {1, 1}, name_off_[2] = {0, 0};
  std::vector<std::string> site_name_, site_code_, sfx_site_, sfx_users_, sfx_groups_, sfx_contacts_, sfx_svc_;
  std::vector<uint32_t> site_city_;
  std::vector<size_t> partners_;
  std::vector<std::string> alias_domains_;
  Perm del_perm_;
};

Forest::Forest(const ForestOptions& o) : o_(o) {
  if (o.domain.empty() || o.domain.front() == '.' || o.domain.back() == '.' ||
      o.domain.find("..") != std::string::npos || o.domain.find_first_of(", =+\"\\<>;") != std::string::npos) {
    invalid_ = Status::Error(ErrorCode::kInvalidArgument,
                             "forestgen: domain '" + o.domain + "' is not a DNS name such as contoso.com");
    return;
  }
  const uint64_t seed_key = mix64(o.seed ^ 0x6964737963ull);
  for (uint64_t t = 0; t < kTagCount; ++t) tag_base_[t] = mix64(seed_key ^ (t * 0x100000001B3ull) ^ (t << 56));

  N = o.objects;
  S = std::max<uint64_t>(1, N / 1000);
  n_special = N >= 1000 ? std::max<uint64_t>(10, N / 10000) : 0;
  users_container = n_special > 0;
  const uint64_t struct_full = 5 * S + (users_container ? 1 : 0);
  n_struct = std::min(N, struct_full);
  const uint64_t rem = N - n_struct - n_special;
  G = std::min<uint64_t>(static_cast<uint64_t>(std::llround(static_cast<double>(N) * 0.10)), rem);
  C = std::min<uint64_t>(static_cast<uint64_t>(std::llround(static_cast<double>(N) * 0.04)), rem - G);
  U = rem - G - C;
  H = o.huge_group_members;
  if (H > 0 && (G == 0 || H > U)) {
    invalid_ = Status::Error(ErrorCode::kInvalidArgument,
                             "forestgen: huge_group_members=" + std::to_string(H) + " exceeds the " +
                                 std::to_string(U) + " users of a " + std::to_string(N) +
                                 "-object forest (or the forest has no groups)");
    return;
  }

  domain_dn_ = domain_to_dn(o.domain);
  label_ = o.domain.substr(0, o.domain.find('.'));
  company_ = label_;
  if (!company_.empty() && company_[0] >= 'a' && company_[0] <= 'z') company_[0] = static_cast<char>(company_[0] - 32);
  company_ += " Ltd.";
  onmicrosoft_ = fold_ascii(label_, true) + ".mail.onmicrosoft.com";
  for (int i = 0; i < 3; ++i)
    sid_sub_[static_cast<size_t>(i)] = static_cast<uint32_t>(h(kTagSid, static_cast<uint64_t>(i)) % 3000000000u + 1000000000u);

  const uint64_t fl = tbl().first.size() * tbl().last.size();
  for (int k = 0; k < 2; ++k) {
    name_mul_[k] = coprime_to(fl, h(kTagNames, static_cast<uint64_t>(2 * k)) | 1);
    name_off_[k] = h(kTagNames, static_cast<uint64_t>(2 * k + 1)) % fl;
  }

  site_name_.resize(S);
  site_code_.resize(S);
  site_city_.resize(S);
  sfx_site_.resize(S);
  sfx_users_.resize(S);
  sfx_groups_.resize(S);
  sfx_contacts_.resize(S);
  sfx_svc_.resize(S);
  for (uint64_t s = 0; s < S; ++s) {
    const auto ci = static_cast<uint32_t>(s % kCityCount);
    const uint64_t rep = s / kCityCount;
    site_city_[s] = ci;
    site_name_[s] = kCities[ci].name;
    site_code_[s] = kCities[ci].code;
    if (rep > 0) {
      site_name_[s] += " " + std::to_string(rep + 1);
      site_code_[s] += std::to_string(rep + 1);
    }
    sfx_site_[s] = ",OU=" + escape_dn_value(site_name_[s]) + "," + domain_dn_;
    sfx_users_[s] = ",OU=Users" + sfx_site_[s];
    sfx_groups_[s] = ",OU=Groups" + sfx_site_[s];
    sfx_contacts_[s] = ",OU=Contacts" + sfx_site_[s];
    sfx_svc_[s] = ",OU=Service Accounts" + sfx_site_[s];
  }
  for (size_t i = 0; i < kPartnerCount; ++i)
    if (!iequals(kPartners[i].domain, o.domain)) partners_.push_back(i);
  for (size_t i = 0; i < kAliasDomainCount; ++i)
    if (!iequals(kAliasDomains[i], o.domain)) alias_domains_.emplace_back(kAliasDomains[i]);
  del_perm_ = Perm(U, h(kTagDeletePerm, 0));
}

Status Forest::validate() const { return invalid_; }

ForestLayout Forest::layout_info() const {
  ForestLayout l;
  l.containers = users_container && n_struct > 0 ? 1 : 0;
  l.organizational_units = n_struct - l.containers;
  l.special_accounts = n_special;
  l.users = U;
  l.groups = G;
  l.contacts = C;
  l.sites = S;
  l.domain_dn = domain_dn_;
  return l;
}

std::string Forest::guid(Tag t, uint64_t i) const {
  const uint64_t a = h(t, i);
  const uint64_t b = mix64(a ^ tag_base_[t] ^ 0x5bd1e995ull);
  std::string g(16, '\0');
  for (int k = 0; k < 8; ++k) {
    g[static_cast<size_t>(k)] = static_cast<char>(a >> (8 * k));
    g[static_cast<size_t>(8 + k)] = static_cast<char>(b >> (8 * k));
  }
  g[7] = static_cast<char>((static_cast<unsigned char>(g[7]) & 0x0F) | 0x40);  // version 4
  g[8] = static_cast<char>((static_cast<unsigned char>(g[8]) & 0x3F) | 0x80);  // RFC 4122 variant
  return g;
}

std::string Forest::sid(uint64_t rid) const {  // S-1-5-21-a-b-c-rid, binary as AD stores it
  std::string s;
  s.reserve(28);
  s.push_back(1);  // revision
  s.push_back(5);  // sub-authority count
  const unsigned char auth[6] = {0, 0, 0, 0, 0, 5};
  s.append(reinterpret_cast<const char*>(auth), 6);
  auto put = [&](uint32_t v) {
    for (int k = 0; k < 4; ++k) s.push_back(static_cast<char>(v >> (8 * k)));
  };
  put(21);
  for (uint32_t v : sid_sub_) put(v);
  put(static_cast<uint32_t>(rid));
  return s;
}

PersonName Forest::person(uint64_t k, bool contact) const {
  const uint64_t nf = tbl().first.size();
  const uint64_t fl = nf * tbl().last.size();
  const uint64_t x = (mulmod(k % fl, name_mul_[contact], fl) + name_off_[contact]) % fl;
  return PersonName{static_cast<uint32_t>(x % nf), static_cast<uint32_t>(x / nf), k / fl};
}

PersonStrings Forest::person_strings(const PersonName& pn, bool comma) const {
  const Tables& t = tbl();
  const NameInfo& f = t.first[pn.first];
  const NameInfo& l = t.last[pn.last];
  // Namesakes are told apart by one or two middle initials, then by a number.
  std::string ini_upper, ini_lower;
  uint64_t number = 0;
  if (pn.dup >= 1 && pn.dup <= 26) {
    ini_upper.push_back(static_cast<char>('A' + pn.dup - 1));
  } else if (pn.dup > 26 && pn.dup <= 26 + 676) {
    const uint64_t e = pn.dup - 27;
    ini_upper.push_back(static_cast<char>('A' + e / 26));
    ini_upper.push_back(static_cast<char>('A' + e % 26));
  } else if (pn.dup > 26 + 676) {
    number = pn.dup - 701;
  }
  std::string middle;  // "A." or "A. B."
  for (char c : ini_upper) {
    if (!middle.empty()) middle.push_back(' ');
    middle.push_back(c);
    middle.push_back('.');
    ini_lower.push_back(static_cast<char>(c - 'A' + 'a'));
  }
  PersonStrings ps;
  ps.given = f.display;
  ps.sn = l.display;
  ps.initials = ini_upper;
  if (comma) {
    ps.cn = l.display + ", " + f.display;
    if (!middle.empty()) ps.cn += " " + middle;
  } else {
    ps.cn = f.display + " ";
    if (!middle.empty()) ps.cn += middle + " ";
    ps.cn += l.display;
  }
  if (number) ps.cn += " " + std::to_string(number);
  ps.mail_local = f.mail + ".";
  for (char c : ini_lower) {
    ps.mail_local.push_back(c);
    ps.mail_local.push_back('.');
  }
  ps.mail_local += l.mail;
  if (number) ps.mail_local += std::to_string(number);
  const uint64_t rank = pn.dup * t.initial_count[static_cast<size_t>(f.initial)] + f.initial_pos;
  ps.sam.push_back(static_cast<char>('a' + f.initial));
  ps.sam += l.sam;
  if (rank) ps.sam += std::to_string(rank + 1);
  return ps;
}

// The cn alone (what person_strings(...).cn returns), without temporaries: DNs of members and
// managers are the hot path of generation.
void Forest::append_person_cn(std::string& out, const PersonName& pn, bool comma) const {
  const Tables& t = tbl();
  const std::string& first = t.first[pn.first].display;
  const std::string& last = t.last[pn.last].display;
  char middle[8];
  size_t ml = 0;
  uint64_t number = 0;
  if (pn.dup >= 1 && pn.dup <= 26) {
    middle[ml++] = static_cast<char>('A' + pn.dup - 1);
    middle[ml++] = '.';
  } else if (pn.dup > 26 && pn.dup <= 26 + 676) {
    const uint64_t e = pn.dup - 27;
    middle[ml++] = static_cast<char>('A' + e / 26);
    middle[ml++] = '.';
    middle[ml++] = ' ';
    middle[ml++] = static_cast<char>('A' + e % 26);
    middle[ml++] = '.';
  } else if (pn.dup > 26 + 676) {
    number = pn.dup - 701;
  }
  if (comma) {
    out += last;
    out += ", ";
    out += first;
    if (ml) {
      out += ' ';
      out.append(middle, ml);
    }
  } else {
    out += first;
    out += ' ';
    if (ml) {
      out.append(middle, ml);
      out += ' ';
    }
    out += last;
  }
  if (number) {
    out += ' ';
    out += std::to_string(number);
  }
}

std::string Forest::user_cn(uint64_t u) const {
  if (is_service(u)) return service_cn(u);
  return person_strings(person(u, false), comma_form(u)).cn;
}

std::string Forest::user_dn(uint64_t u) const {
  const uint64_t s = u % S;
  std::string out;
  out.reserve(120);
  out += "CN=";
  if (is_service(u)) {
    out += service_cn(u);
    out += sfx_svc_[s];
    return out;
  }
  thread_local std::string cn;
  cn.clear();
  append_person_cn(cn, person(u, false), comma_form(u));
  append_escaped(out, cn);
  out += sfx_users_[s];
  return out;
}

uint64_t Forest::base_manager(uint64_t u) const {
  if (u >= U) return protected_user(h(kTagNewManager, u), u);
  if (u < 8 || is_service(u)) return kNone;
  const uint64_t hm = h(kTagManager, u);
  if (hm % 100 >= 72) return kNone;
  uint64_t m = (hm >> 8) % std::max<uint64_t>(1, u / 8);  // managers have lower indexes: a tree
  while (m > 0 && is_service(m)) --m;
  return m;
}

// A base user that no round ever deletes (second half of the delete permutation).
uint64_t Forest::protected_user(uint64_t hash, uint64_t exclude) const {
  if (U == 0) return kNone;
  const uint64_t cap = U / 2, span = U - cap;
  for (uint64_t k = 0; k < std::min<uint64_t>(span, 64); ++k) {
    const uint64_t m = del_perm_.fwd(cap + (hash + k) % span);
    if (m != exclude && !is_service(m)) return m;
  }
  return kNone;
}

int64_t Forest::user_created(uint64_t u) const {
  const int64_t span = kT1 - kT0;
  const int64_t base = kT0 + static_cast<int64_t>(static_cast<double>(span) * static_cast<double>(u) /
                                                  static_cast<double>(std::max<uint64_t>(U, 1)));
  const int64_t jitter = static_cast<int64_t>(h(kTagUserAttrs, u ^ 0xC0FFEE) % (40 * kDay)) - 20 * kDay;
  return std::clamp(base + jitter, kT0, kT1 - kDay);
}

std::string Forest::group_cn(uint64_t g) const {
  if (g == 0 && H > 0) return "All Staff";
  const uint64_t s = g % S, j = g / S;
  if (s == 0 && j >= 1 && j <= kSpecialGroupNameCount) return kSpecialGroupNames[j - 1];
  const uint64_t dept = j % kDepartmentCount;
  const uint64_t purpose = (j / kDepartmentCount) % kGroupPurposeCount;
  const uint64_t n = j / (kDepartmentCount * kGroupPurposeCount);
  std::string cn = site_code_[s] + " " + kDepartments[dept].name + " " + kGroupPurposes[purpose];
  if (n) cn += " " + std::to_string(n + 1);
  return cn;
}

GroupLayout Forest::group_layout(uint64_t g) const {
  GroupLayout l;
  if (g == 0 && H > 0) {
    l.mode = 2;
    l.nu = H;
    return l;
  }
  Rng rng(h(kTagGroupLayout, g));
  const uint64_t r = rng.below(1000);
  uint64_t size;
  bool global = false;
  if (r < 40) {
    size = rng.below(5);
  } else if (r < 950) {
    const double x = rng.unit();
    size = 5 + static_cast<uint64_t>(45.0 * x * x);
  } else if (r < 995) {
    size = 50 + rng.below(201);
  } else {
    size = 250 + rng.below(2251);
    global = true;
  }
  l.site = g % S;
  l.mode = global ? 1 : 0;
  l.modulus = global ? U : users_at_site(l.site);
  l.nu = std::min(size, l.modulus);
  const uint64_t start = rng.next(), stride = rng.next();
  if (l.nu > 0) {
    l.start = start % l.modulus;
    l.stride = coprime_to(l.modulus, stride);
  }
  const uint64_t nest = rng.below(100), nested = rng.below(3), gbase = rng.next();
  if (nest < 10 && g + 1 < G) {  // nest only groups with a higher index: no cycles
    l.gspan = G - g - 1;
    l.ng = std::min<uint64_t>(1 + nested, l.gspan);
    l.gbase = gbase % l.gspan;
  }
  const uint64_t with_contacts = rng.below(100), ncontacts = rng.below(2), cbase = rng.next();
  if (C > 0 && with_contacts < 25 && group_mail_enabled(g)) {
    l.nc = std::min<uint64_t>(1 + ncontacts, C);
    l.cbase = cbase % C;
  }
  return l;
}

MemberRef Forest::member_at(const GroupLayout& l, uint64_t p) const {
  if (p < l.nu) {
    if (l.mode == 2) return {MemberKind::kUser, p};
    const uint64_t x = (l.start + mulmod(p, l.stride, l.modulus)) % l.modulus;
    return {MemberKind::kUser, l.mode == 1 ? x : l.site + S * x};
  }
  p -= l.nu;
  if (p < l.ng) return {MemberKind::kGroup, 0};  // patched below (needs the owning group)
  p -= l.ng;
  return {MemberKind::kContact, (l.cbase + p) % C};
}

std::string Forest::member_dn(MemberRef m) const {
  switch (m.kind) {
    case MemberKind::kUser: return user_dn(m.index);
    case MemberKind::kGroup: return group_dn(m.index);
    case MemberKind::kContact: return contact_dn(m.index);
  }
  return {};
}

std::string Forest::contact_cn(uint64_t c) const {
  PersonStrings ps = person_strings(person(c, true), false);
  return ps.cn + " (" + partner_of(c).company + ")";
}

// ---- entries -----------------------------------------------------------------------------------

Entry Forest::make_struct(uint64_t i) const {
  Entry e;
  Builder b(e, 8);
  e.anchor = guid(kTagGuidStruct, i);
  if (users_container && i == 0) {
    e.dn = "CN=Users," + domain_dn_;
    e.object_type = "container";
    b.many("objectClass", {"top", "container"});
    b.one("cn", "Users");
    b.one("name", "Users");
    b.one("description", "Default container for upgraded user accounts");
    b.one("objectGUID", e.anchor);
    b.one("isCriticalSystemObject", "TRUE");
    b.one("showInAdvancedViewOnly", "FALSE");
    b.one("whenCreated", generalized_time(kT0 - 30 * kDay));
    return e;
  }
  const uint64_t j = i - (users_container ? 1 : 0);
  const uint64_t s = j / 5, k = j % 5;
  const City& city = kCities[site_city_[s]];
  e.object_type = "organizationalUnit";
  b.many("objectClass", {"top", "organizationalUnit"});
  static const char* const kChildren[] = {"Users", "Groups", "Contacts", "Service Accounts"};
  const std::string ou = k == 0 ? site_name_[s] : kChildren[k - 1];
  e.dn = k == 0 ? "OU=" + escape_dn_value(ou) + "," + domain_dn_ : "OU=" + ou + sfx_site_[s];
  b.one("ou", ou);
  b.one("name", ou);
  b.one("description", k == 0 ? site_name_[s] + " site (" + city.country_name + ")"
                              : ou + " of the " + site_name_[s] + " site");
  b.one("objectGUID", e.anchor);
  if (k == 0) {
    b.one("l", city.name);
    b.one("st", city.state);
    b.one("c", city.country);
  }
  b.one("whenCreated", generalized_time(kT0 - 20 * kDay + static_cast<int64_t>(s) * 600 + static_cast<int64_t>(k) * 7));
  return e;
}

Entry Forest::make_special(uint64_t i) const {
  Entry e;
  Builder b(e, 16);
  Rng rng(h(kTagSpecialAttrs, i));
  e.object_type = "user";
  e.anchor = guid(kTagGuidSpecial, i);
  const std::string ref_guid = guid_string(guid(kTagSpecialAttrs, i));
  std::string cn, sam, description, nickname, rtd, display;
  uint64_t rid = 1105 + 3 * i;
  const char* uac = "66048";
  bool critical = false;
  enum Kind { kKrbtgt, kAdmin, kGuest, kSupport, kMsol, kAad, kSysMbx, kCas, kDiscovery, kCnf };
  const Kind kind = i < 4 ? static_cast<Kind>(i) : static_cast<Kind>(kMsol + (i - 4) % 6);
  switch (kind) {
    case kKrbtgt:
      cn = sam = "krbtgt", rid = 502, uac = "514", critical = true;
      description = "Key Distribution Center Service Account";
      break;
    case kAdmin:
      cn = sam = "Administrator", rid = 500, uac = "66048", critical = true;
      description = "Built-in account for administering the computer/domain";
      break;
    case kGuest:
      cn = sam = "Guest", rid = 501, uac = "66082", critical = true;
      description = "Built-in account for guest access to the computer/domain";
      break;
    case kSupport:
      cn = sam = "SUPPORT_388945a0", uac = "66050";
      description = "This is a vendor's account for the Help and Support Service";
      break;
    case kMsol:
      cn = sam = "MSOL_" + hex_string(rng.next(), 12);
      description = "Account created by Microsoft Azure Active Directory Connect with installation identifier " +
                    hex_string(rng.next(), 32) + " running on computer AADC" + std::to_string(i) +
                    " configured to synchronize to tenant " + fold_ascii(label_, true) +
                    ".onmicrosoft.com. This account must have directory replication permissions in the local "
                    "Active Directory and write permission on certain attributes to enable Hybrid Deployment.";
      break;
    case kAad:
      cn = sam = "AAD_" + hex_string(rng.next(), 12);
      description = "Service account for the Azure AD Connect synchronization service";
      break;
    case kSysMbx:
      cn = sam = nickname = "SystemMailbox{" + ref_guid + "}";
      display = "Microsoft Exchange";
      rtd = "8388608";  // ArbitrationMailbox
      uac = "514";
      break;
    case kCas:
      cn = sam = nickname = "CAS_{" + hex_string(rng.next(), 16) + "}";
      uac = "514";
      break;
    case kDiscovery:
      cn = "DiscoverySearchMailbox {" + upper(ref_guid) + "}";
      nickname = "DiscoverySearchMailbox{" + upper(ref_guid) + "}";
      sam = "SM_" + hex_string(rng.next(), 17);
      display = "Discovery Search Mailbox";
      rtd = "536870912";  // DiscoveryMailbox
      uac = "514";
      break;
    case kCnf: {  // a replication-conflict duplicate of a regular user: "<name>\nCNF:<guid>"
      cn = (U > 0 ? user_cn(rng.below(U)) : std::string("Replicated User")) + "\nCNF:" + ref_guid;
      sam = "$DUPLICATE-" + hex_string(rid, 6);
      uac = "514";
      break;
    }
  }
  e.dn = "CN=" + escape_dn_value(cn) + ",CN=Users," + domain_dn_;
  b.many("objectClass", {"top", "person", "organizationalPerson", "user"});
  b.one("cn", cn);
  b.one("name", cn);
  if (!display.empty()) b.one("displayName", display);
  b.one("sAMAccountName", sam);
  b.one("objectGUID", e.anchor);
  b.one("objectSid", sid(rid));
  if (!description.empty()) b.one("description", description);
  if (!nickname.empty()) {
    const std::string mail = nickname + "@" + o_.domain;
    b.one("mail", mail);
    b.one("mailNickname", nickname);
    b.many("proxyAddresses", {"SMTP:" + mail});
    b.one("msExchRecipientTypeDetails", rtd.empty() ? "8388608" : rtd);
  }
  if (critical) b.one("isCriticalSystemObject", "TRUE");
  b.one("userAccountControl", uac);
  const int64_t created = kT0 - 25 * kDay + static_cast<int64_t>(i) * 3600;
  b.one("pwdLastSet", filetime(created + static_cast<int64_t>(rng.below(365)) * kDay));
  b.one("whenCreated", generalized_time(created));
  return e;
}

Entry Forest::make_user(uint64_t u, int64_t created) const {
  Entry e;
  Builder b(e, 36);
  Rng rng(h(kTagUserAttrs, u));
  const uint64_t s = u % S;
  const City& city = kCities[site_city_[s]];
  e.object_type = "user";
  e.anchor = guid(kTagGuidUser, u);
  if (created < 0) created = user_created(u);
  const bool no_upn = h(kTagNoUpn, u) % 100 < 2;
  const std::string& domain = o_.domain;

  if (is_service(u)) {
    const std::string cn = service_cn(u);
    e.dn = "CN=" + cn + sfx_svc_[s];
    b.many("objectClass", {"top", "person", "organizationalPerson", "user"});
    b.one("cn", cn);
    b.one("name", cn);
    b.one("sAMAccountName", cn.size() <= 20 ? cn : "svc" + std::to_string(u));
    if (!no_upn) b.one("userPrincipalName", cn + "@" + domain);
    b.one("objectGUID", e.anchor);
    b.one("objectSid", sid(1103 + 3 * u));
    b.one("description", "Service account for " + cn.substr(4, cn.rfind('-') - 4) + " (" + site_name_[s] + ")");
    b.one("department", "IT");
    b.one("company", company_);
    b.one("userAccountControl", "66048");
    b.one("pwdLastSet", filetime(created + static_cast<int64_t>(rng.below(30)) * kDay));
    b.one("accountExpires", "9223372036854775807");
    b.one("whenCreated", generalized_time(created));
    return e;
  }

  const PersonStrings ps = person_strings(person(u, false), comma_form(u));
  e.dn = "CN=" + escape_dn_value(ps.cn) + sfx_users_[s];
  b.many("objectClass", {"top", "person", "organizationalPerson", "user"});
  b.one("cn", ps.cn);
  b.one("name", ps.cn);
  b.one("givenName", ps.given);
  b.one("sn", ps.sn);
  if (!ps.initials.empty()) b.one("initials", ps.initials);
  b.one("displayName", ps.cn);
  b.one("sAMAccountName", ps.sam);
  if (!no_upn) b.one("userPrincipalName", ps.mail_local + "@" + domain);
  b.one("objectGUID", e.anchor);
  b.one("objectSid", sid(1103 + 3 * u));
  const std::string mail = ps.mail_local + "@" + domain;
  b.one("mail", mail);
  b.one("mailNickname", ps.mail_local);
  ValueList proxies;
  proxies.reserve(4);
  proxies.push_back("SMTP:" + mail);
  proxies.push_back("smtp:" + ps.sam + "@" + domain);
  if (rng.percent(40)) proxies.push_back("smtp:" + ps.mail_local + "@" + onmicrosoft_);
  if (rng.percent(5))
    proxies.push_back("X500:/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=" +
                      hex_string(rng.next(), 16) + hex_string(rng.next(), 16) + "-" + ps.sam);
  b.many("proxyAddresses", std::move(proxies));
  const Department& dept = kDepartments[dept_of(u)];
  b.one("department", dept.name);
  std::string title;
  if (u < 8 && u < U) {
    static const char* const kExec[] = {"Chief Executive Officer", "Chief Operating Officer", "Chief Financial Officer",
                                        "Chief Technology Officer", "Chief Marketing Officer", "General Counsel",
                                        "Chief People Officer", "Chief Information Officer"};
    title = kExec[u];
  } else if (u < U / 64) {
    title = std::string("Director, ") + dept.name;
  } else if (u < U / 8) {
    title = std::string(dept.name) + " Manager";
  } else {
    title = dept.titles[rng.below(4)];
    if (rng.percent(20)) title = "Senior " + title;
  }
  b.one("title", title);
  b.one("company", company_);
  b.one("telephoneNumber", std::string(city.phone) + " " + std::to_string(200 + rng.below(800)) + " " +
                               std::to_string(1000 + rng.below(9000)));
  if (rng.percent(60))
    b.one("mobile", std::string(city.phone) + " " + std::to_string(500 + rng.below(500)) + " " +
                        std::to_string(1000 + rng.below(9000)));
  const uint64_t building = 1 + rng.below(6);
  b.one("physicalDeliveryOfficeName", site_code_[s] + "-B" + std::to_string(building) + "/" +
                                          std::to_string(1 + rng.below(12)) + std::to_string(10 + rng.below(90)));
  b.one("streetAddress", std::to_string(100 + building * 20) + " " + city.street);
  b.one("l", city.name);
  b.one("st", city.state);
  b.one("postalCode", city.postal);
  b.one("c", city.country);
  b.one("co", city.country_name);
  b.one("employeeID", std::to_string(100000 + u));
  const uint64_t mgr = base_manager(u);
  if (mgr != kNone) b.one("manager", user_dn(mgr));
  const uint64_t uac = rng.below(100);
  b.one("userAccountControl", uac < 5 ? "514" : uac < 8 ? "66048" : "512");
  b.one("pwdLastSet", filetime(created + static_cast<int64_t>(rng.below(static_cast<uint64_t>(
                                              std::max<int64_t>(kDay, kT1 - created)))) ));
  b.one("accountExpires", "9223372036854775807");
  b.one("whenCreated", generalized_time(created));
  if (rng.percent(8)) b.one("description", kUserDescriptions[rng.below(kUserDescriptionCount)]);
  if (rng.percent(50)) b.one("mS-DS-ConsistencyGuid", e.anchor);
  return e;
}

Entry Forest::make_group(uint64_t g) const {
  Entry e;
  Builder b(e, 16);
  Rng rng(h(kTagGroupAttrs, g));
  const uint64_t s = g % S;
  const std::string cn = group_cn(g);
  e.dn = "CN=" + escape_dn_value(cn) + sfx_groups_[s];
  e.object_type = "group";
  e.anchor = guid(kTagGuidGroup, g);
  const bool mail_enabled = group_mail_enabled(g);
  const std::string sam = sanitize_sam(cn);
  b.many("objectClass", {"top", "group"});
  b.one("cn", cn);
  b.one("name", cn);
  b.one("sAMAccountName", sam);
  b.one("objectGUID", e.anchor);
  b.one("objectSid", sid(1104 + 3 * g));
  std::string description;
  if (g == 0 && H > 0) {
    description = "All employees of " + company_;
  } else {
    const uint64_t j = g / S;
    description = std::string(kGroupPurposes[(j / kDepartmentCount) % kGroupPurposeCount]) + " - " +
                  kDepartments[j % kDepartmentCount].name + ", " + site_name_[s];
  }
  b.one("description", description);
  const uint64_t t = rng.below(100);
  const char* group_type;
  if (g == 0 && H > 0) group_type = "8";
  else if (mail_enabled) group_type = t < 70 ? "8" : "-2147483640";  // universal distribution / security
  else group_type = t < 70 ? "-2147483646" : t < 95 ? "-2147483644" : "-2147483640";
  b.one("groupType", group_type);
  if (mail_enabled) {
    const std::string nick = mail_nickname(sam);
    const std::string mail = nick + "@" + o_.domain;
    b.one("displayName", cn);
    b.one("mail", mail);
    b.one("mailNickname", nick);
    b.many("proxyAddresses", {"SMTP:" + mail, "smtp:" + nick + "@" + onmicrosoft_});
  }
  const GroupLayout l = group_layout(g);
  ValueList members;
  members.reserve(l.total());
  for (uint64_t p = 0; p < l.total(); ++p) {
    MemberRef m = member_at(l, p);
    if (m.kind == MemberKind::kGroup) m.index = g + 1 + (l.gbase + (p - l.nu)) % l.gspan;
    members.push_back(member_dn(m));
  }
  b.many("member", std::move(members));
  b.one("whenCreated", generalized_time(kT0 + static_cast<int64_t>(rng.below(static_cast<uint64_t>(kT1 - kT0)))));
  return e;
}

Entry Forest::make_contact(uint64_t c) const {
  Entry e;
  Builder b(e, 16);
  Rng rng(h(kTagContactAttrs, c));
  const PersonStrings ps = person_strings(person(c, true), false);
  const Partner& partner = partner_of(c);
  const std::string cn = ps.cn + " (" + partner.company + ")";
  e.dn = "CN=" + escape_dn_value(cn) + sfx_contacts_[c % S];
  e.object_type = "contact";
  e.anchor = guid(kTagGuidContact, c);
  const std::string mail = ps.mail_local + "@" + partner.domain;
  b.many("objectClass", {"top", "person", "organizationalPerson", "contact"});
  b.one("cn", cn);
  b.one("name", cn);
  b.one("displayName", cn);
  b.one("givenName", ps.given);
  b.one("sn", ps.sn);
  b.one("objectGUID", e.anchor);
  b.one("mail", mail);
  b.one("mailNickname", ps.mail_local + ".ext");
  b.one("targetAddress", "SMTP:" + mail);
  b.many("proxyAddresses", {"SMTP:" + mail});
  b.one("company", partner.company);
  if (rng.percent(50)) b.one("telephoneNumber", "+1 555 " + std::to_string(100 + rng.below(900)) + " " +
                                                    std::to_string(1000 + rng.below(9000)));
  b.one("description", std::string("External contact - ") + partner.company);
  b.one("whenCreated", generalized_time(kT0 + static_cast<int64_t>(rng.below(static_cast<uint64_t>(kT1 - kT0)))));
  return e;
}

Entry Forest::make_object(uint64_t i) const {
  if (i < n_struct) return make_struct(i);
  i -= n_struct;
  if (i < n_special) return make_special(i);
  i -= n_special;
  if (i < U) return make_user(i, -1);
  i -= U;
  if (i < G) return make_group(i);
  return make_contact(i - G);
}

// Objects are built in batches on worker threads (each object is a pure function of its index)
// and emitted in order on the calling thread.
Status Forest::generate(const std::function<Status(Entry&&)>& emit) const {
  constexpr uint64_t kBatch = 2048;
  unsigned threads = o_.threads != 0 ? o_.threads : std::max(1u, std::thread::hardware_concurrency());
  threads = std::min(threads, 64u);
  if (threads <= 1 || N < 2 * kBatch) {
    for (uint64_t i = 0; i < N; ++i) IDSYNC_RETURN_IF_ERROR(emit(make_object(i)));
    return Status::Ok();
  }
  // A ring of 2*threads batch slots; worker w builds batches w, w + threads, ... Persistent
  // workers keep each thread's allocator heap alive (cheaper cross-thread frees).
  struct Slot {
    std::vector<Entry> entries;
    uint64_t batch = ~0ull;  // which batch the slot holds; ~0: empty
  };
  const uint64_t batches = (N + kBatch - 1) / kBatch;
  const uint64_t ring = 2ull * threads;
  std::vector<Slot> slots(ring);
  std::mutex mu;
  std::condition_variable filled, drained;
  bool stop = false;
  std::vector<std::thread> workers;
  for (unsigned w = 0; w < threads; ++w) {
    workers.emplace_back([&, w] {
      for (uint64_t b = w; b < batches; b += threads) {
        Slot& slot = slots[b % ring];
        {
          std::unique_lock lock(mu);
          drained.wait(lock, [&] { return stop || slot.batch == ~0ull; });
          if (stop) return;
        }
        std::vector<Entry> built;
        const uint64_t begin = b * kBatch, end = std::min(N, begin + kBatch);
        built.reserve(end - begin);
        for (uint64_t i = begin; i < end; ++i) built.push_back(make_object(i));
        {
          std::lock_guard lock(mu);
          slot.entries = std::move(built);
          slot.batch = b;
        }
        filled.notify_all();
      }
    });
  }
  Status result;
  for (uint64_t b = 0; b < batches && result.ok(); ++b) {
    Slot& slot = slots[b % ring];
    std::vector<Entry> batch;
    {
      std::unique_lock lock(mu);
      filled.wait(lock, [&] { return slot.batch == b; });
      batch = std::move(slot.entries);
      slot.entries = {};
      slot.batch = ~0ull;
    }
    drained.notify_all();
    for (Entry& e : batch) {
      result = emit(std::move(e));
      if (!result.ok()) break;
    }
  }
  {
    std::lock_guard lock(mu);
    stop = true;
  }
  drained.notify_all();
  for (std::thread& t : workers) t.join();
  return result;
}

// ---- change sets -------------------------------------------------------------------------------

Status Forest::changes(const ChangeOptions& co, const std::function<Status(EntryChange&&)>& emit,
                       ChangeStats* stats) const {
  for (double f : {co.add_fraction, co.delete_fraction, co.modify_fraction})
    if (!std::isfinite(f) || f < 0 || f > 1)
      return Status::Error(ErrorCode::kInvalidArgument, "forestgen: change fractions must be between 0 and 1");
  if (co.round < 1) return Status::Error(ErrorCode::kInvalidArgument, "forestgen: change rounds start at 1");
  const double n = static_cast<double>(N);
  const uint64_t A = static_cast<uint64_t>(std::llround(n * co.add_fraction));
  const uint64_t D = static_cast<uint64_t>(std::llround(n * co.delete_fraction));
  const uint64_t M = static_cast<uint64_t>(std::llround(n * co.modify_fraction));
  const uint64_t r = co.round;
  if (D > 0 && r * D > U / 2)
    return Status::Error(ErrorCode::kInvalidArgument,
                         "forestgen: round " + std::to_string(r) + " would delete " + std::to_string(r * D) +
                             " users in total, more than half of the " + std::to_string(U) +
                             " base users; use a larger forest or a smaller delete_fraction");
  ChangeStats st;
  const int64_t round_time = kT1 + static_cast<int64_t>(r) * kDay;

  auto deleted_through = [&](uint64_t u, uint64_t rr) { return u < U && D > 0 && del_perm_.inv(u) < rr * D; };
  auto deleted_now = [&](uint64_t u) {
    if (u >= U || D == 0) return false;
    const uint64_t p = del_perm_.inv(u);
    return p >= (r - 1) * D && p < r * D;
  };

  // 1. Adds: new hires beyond the base user range.
  const uint64_t first_new = U + (r - 1) * A;
  for (uint64_t j = 0; j < A; ++j) {
    const uint64_t idx = first_new + j;
    Entry e = make_user(idx, round_time + static_cast<int64_t>(j % 36000));
    EntryChange c;
    c.kind = ChangeKind::kAdd;
    c.dn = std::move(e.dn);
    c.object_type = std::move(e.object_type);
    c.anchor = std::move(e.anchor);
    c.attributes = std::move(e.attributes);
    IDSYNC_RETURN_IF_ERROR(emit(std::move(c)));
    ++st.adds;
  }

  // 2. Group changes: link cleanup for deleted users, member deletes, member adds.
  struct GroupMod {
    ValueList add, del;
    bool direct = false, note = false;
  };
  std::map<uint64_t, GroupMod> gmods;
  const uint64_t Mg = G > 0 ? static_cast<uint64_t>(std::llround(static_cast<double>(M) * 0.3)) : 0;
  const uint64_t Ka = A > 0 ? Mg / 2 : 0;  // member adds (this round's new users)
  const uint64_t Kd = Mg - Ka;             // positional member deletes
  const Perm gperm(G, h(kTagGroupEventPerm, 0));
  if (D > 0 && G > 0) {
    for (uint64_t g = 0; g < G; ++g) {
      const GroupLayout l = group_layout(g);
      const uint64_t slot = Kd > 0 ? gperm.inv(g) : 0;
      for (uint64_t p = 0; p < l.nu; ++p) {
        const uint64_t x = member_at(l, p).index;
        if (!deleted_now(x)) continue;
        if (Kd > 0 && (slot + p * G) / Kd + 1 < r) continue;  // an earlier round removed it already
        gmods[g].del.push_back(user_dn(x));
      }
    }
  }
  for (uint64_t j = 0; j < Kd; ++j) {
    const uint64_t t = (r - 1) * Kd + j;
    const uint64_t g = gperm.fwd(t % G), p = t / G;
    GroupMod& gm = gmods[g];
    gm.direct = true;
    const GroupLayout l = group_layout(g);
    if (p >= l.total()) {
      gm.note = true;
      continue;
    }
    MemberRef m = member_at(l, p);
    if (m.kind == MemberKind::kGroup) m.index = g + 1 + (l.gbase + (p - l.nu)) % l.gspan;
    if (m.kind == MemberKind::kUser && deleted_through(m.index, r)) {
      gm.note = true;  // the member left with its account; review the group instead
      continue;
    }
    gm.del.push_back(member_dn(m));
  }
  for (uint64_t j = 0; j < Ka; ++j) {
    const uint64_t idx = first_new + j % A, pass = j / A;
    const uint64_t s = idx % S, gs = groups_at_site(s), hg = h(kTagAddGroup, idx);
    const uint64_t choices = gs > 0 ? gs : G;
    const uint64_t g = gs > 0 ? s + S * ((hg + pass) % gs) : (hg + pass) % G;
    GroupMod& gm = gmods[g];
    gm.direct = true;
    if (pass >= choices) {
      gm.note = true;
      continue;
    }
    gm.add.push_back(user_dn(idx));
  }
  uint64_t direct_groups = 0;
  for (const auto& [g, gm] : gmods) direct_groups += gm.direct ? 1 : 0;

  // 3. User changes: managers of deleted users, then purposeful modifies.
  struct UserMod {
    bool clear_manager = false, direct = false;
  };
  std::map<uint64_t, UserMod> umods;
  if (D > 0) {
    for (uint64_t u = 0; u < U; ++u) {
      if (deleted_through(u, r)) continue;
      const uint64_t m = base_manager(u);
      if (m != kNone && deleted_now(m)) umods[u].clear_manager = true;
    }
  }
  const uint64_t Mu = M > direct_groups ? M - direct_groups : 0;
  const uint64_t population = U + (r - 1) * A;
  uint64_t taken = 0;
  if (population > 0 && Mu > 0) {
    const Perm mperm(population, h(kTagModifyPerm, r));
    for (uint64_t q = 0; q < population && taken < Mu; ++q) {
      const uint64_t idx = mperm.fwd(q);
      if (deleted_through(idx, r)) continue;
      umods[idx].direct = true;
      ++taken;
    }
  }
  st.modifies = direct_groups + taken;

  const std::string review = "Membership reviewed " + generalized_time(round_time).substr(0, 8);
  for (auto& [g, gm] : gmods) {
    EntryChange c;
    c.kind = ChangeKind::kModify;
    c.dn = group_dn(g);
    c.object_type = "group";
    c.anchor = guid(kTagGuidGroup, g);
    if (!gm.del.empty()) c.changes.push_back(AttributeChange{"member", ValueOp::kDelete, std::move(gm.del)});
    if (!gm.add.empty()) c.changes.push_back(AttributeChange{"member", ValueOp::kAdd, std::move(gm.add)});
    if (gm.note) c.changes.push_back(AttributeChange{"info", ValueOp::kReplace, {review}});
    if (!gm.direct) ++st.reference_cleanups;
    IDSYNC_RETURN_IF_ERROR(emit(std::move(c)));
  }

  const std::string alias_domain =
      alias_domains_.empty()
          ? "r" + std::to_string(r) + "." + onmicrosoft_
          : ((r - 1) / alias_domains_.size() > 0 ? "m" + std::to_string((r - 1) / alias_domains_.size()) + "." : "") +
                alias_domains_[(r - 1) % alias_domains_.size()];
  for (const auto& [idx, um] : umods) {
    EntryChange c;
    c.kind = ChangeKind::kModify;
    c.dn = user_dn(idx);
    c.object_type = "user";
    c.anchor = guid(kTagGuidUser, idx);
    if (um.clear_manager)
      c.changes.push_back(AttributeChange{"manager", ValueOp::kDelete, {user_dn(base_manager(idx))}});
    if (um.direct) {
      Rng rng(h(kTagModify, idx) ^ mix64(r));
      const bool service = is_service(idx);
      const uint64_t bm = idx < U ? base_manager(idx) : kNone;
      const bool manager_changeable =
          !service && !um.clear_manager && (bm == kNone || idx >= U || del_perm_.inv(bm) >= U / 2);
      const City& city = kCities[site_city_[idx % S]];
      // title 30, department 10, phone 15, mobile 10, office 5, proxy 10, manager 10, description 5, uac 5
      static constexpr unsigned kWeights[] = {30, 10, 15, 10, 5, 10, 10, 5, 5};
      const uint64_t count = 1 + rng.below(3);
      unsigned used = 0;
      for (uint64_t k = 0; k < count; ++k) {
        uint64_t pick = rng.below(100), kind = 0;
        while (pick >= kWeights[kind]) pick -= kWeights[kind++];
        if (service && (kind == 1 || kind == 3 || kind == 5 || kind == 6 || kind == 8)) kind = 7;
        if (kind == 6 && !manager_changeable) kind = 0;
        if (used & (1u << kind)) continue;
        used |= 1u << kind;
        const Department& dept = kDepartments[dept_of(idx)];
        switch (kind) {
          case 0:
            c.changes.push_back({"title", ValueOp::kReplace, {std::string("Senior ") + dept.titles[rng.below(4)]}});
            break;
          case 1: {
            const Department& nd = kDepartments[rng.below(kDepartmentCount)];
            c.changes.push_back({"department", ValueOp::kReplace, {nd.name}});
            if (!(used & 1u)) c.changes.push_back({"title", ValueOp::kReplace, {nd.titles[rng.below(4)]}});
            used |= 1u;
            break;
          }
          case 2:
            c.changes.push_back({"telephoneNumber", ValueOp::kReplace,
                                 {std::string(city.phone) + " " + std::to_string(200 + rng.below(800)) + " " +
                                  std::to_string(1000 + rng.below(9000))}});
            break;
          case 3:
            c.changes.push_back({"mobile", ValueOp::kReplace,
                                 {std::string(city.phone) + " " + std::to_string(500 + rng.below(500)) + " " +
                                  std::to_string(1000 + rng.below(9000))}});
            break;
          case 4: {
            const uint64_t building = 1 + rng.below(6);
            c.changes.push_back({"physicalDeliveryOfficeName", ValueOp::kReplace,
                                 {site_code_[idx % S] + "-B" + std::to_string(building) + "/" +
                                  std::to_string(1 + rng.below(12)) + std::to_string(10 + rng.below(90))}});
            c.changes.push_back(
                {"streetAddress", ValueOp::kReplace, {std::to_string(100 + building * 20) + " " + city.street}});
            break;
          }
          case 5: {
            const PersonStrings ps = person_strings(person(idx, false), comma_form(idx));
            c.changes.push_back({"proxyAddresses", ValueOp::kAdd, {"smtp:" + ps.mail_local + "@" + alias_domain}});
            break;
          }
          case 6: {
            const uint64_t m = protected_user(rng.next(), idx);
            if (m != kNone) c.changes.push_back({"manager", ValueOp::kReplace, {user_dn(m)}});
            break;
          }
          case 7:
            c.changes.push_back(
                {"description", ValueOp::kReplace, {kUserDescriptions[rng.below(kUserDescriptionCount)]}});
            break;
          case 8:
            c.changes.push_back({"userAccountControl", ValueOp::kReplace, {rng.percent(70) ? "514" : "512"}});
            break;
          default: break;
        }
      }
      if (c.changes.empty() || (um.clear_manager && c.changes.size() == 1))
        c.changes.push_back({"description", ValueOp::kReplace, {kUserDescriptions[rng.below(kUserDescriptionCount)]}});
    } else {
      ++st.reference_cleanups;
    }
    IDSYNC_RETURN_IF_ERROR(emit(std::move(c)));
  }

  // 4. Deletes.
  for (uint64_t j = 0; j < D; ++j) {
    const uint64_t u = del_perm_.fwd((r - 1) * D + j);
    EntryChange c;
    c.kind = ChangeKind::kDelete;
    c.dn = user_dn(u);
    c.object_type = "user";
    c.anchor = guid(kTagGuidUser, u);
    IDSYNC_RETURN_IF_ERROR(emit(std::move(c)));
    ++st.deletes;
  }
  if (stats) *stats = st;
  return Status::Ok();
}

}  // namespace

// ---- public API --------------------------------------------------------------------------------

namespace {
int escape_kind(std::string_view v, size_t i) {
  const auto c = static_cast<unsigned char>(v[i]);
  if (c < 0x20 || c == 0x7F) return 2;  // as \XX
  switch (c) {
    case ',': case '+': case '"': case '\\': case '<': case '>': case ';': return 1;
    case '#': return i == 0 ? 1 : 0;
    case ' ': return (i == 0 || i + 1 == v.size()) ? 1 : 0;
    default: return 0;
  }
}
}  // namespace

void append_escaped(std::string& out, std::string_view v) {
  size_t i = 0;
  while (i < v.size() && escape_kind(v, i) == 0) ++i;
  out.append(v.data(), i);
  for (; i < v.size(); ++i) {
    const int k = escape_kind(v, i);
    if (k == 1) {
      out.push_back('\\');
      out.push_back(v[i]);
    } else if (k == 2) {
      static constexpr char kUpperHex[] = "0123456789ABCDEF";
      const auto c = static_cast<unsigned char>(v[i]);
      out.push_back('\\');
      out.push_back(kUpperHex[c >> 4]);
      out.push_back(kUpperHex[c & 15]);
    } else {
      out.push_back(v[i]);
    }
  }
}

std::string escape_dn_value(std::string_view v) {
  std::string out;
  out.reserve(v.size() + 4);
  append_escaped(out, v);
  return out;
}

std::string domain_to_dn(std::string_view domain) {
  std::string out;
  size_t start = 0;
  while (start <= domain.size()) {
    size_t dot = domain.find('.', start);
    if (dot == std::string_view::npos) dot = domain.size();
    if (!out.empty()) out.push_back(',');
    out += "DC=" + escape_dn_value(domain.substr(start, dot - start));
    start = dot + 1;
  }
  return out;
}

std::string sid_to_string(std::string_view b) {
  if (b.size() < 8) return {};
  const auto byte = [&](size_t i) { return static_cast<uint64_t>(static_cast<unsigned char>(b[i])); };
  const size_t count = byte(1);
  if (b.size() != 8 + 4 * count) return {};
  uint64_t authority = 0;
  for (size_t i = 2; i < 8; ++i) authority = (authority << 8) | byte(i);
  std::string s = "S-" + std::to_string(byte(0)) + "-" + std::to_string(authority);
  for (size_t k = 0; k < count; ++k) {
    const size_t o = 8 + 4 * k;
    s += "-" + std::to_string(byte(o) | byte(o + 1) << 8 | byte(o + 2) << 16 | byte(o + 3) << 24);
  }
  return s;
}

Result<ForestLayout> plan_forest(const ForestOptions& options) {
  Forest f(options);
  IDSYNC_RETURN_IF_ERROR(f.validate());
  return f.layout_info();
}

Status generate_forest(const ForestOptions& options, const std::function<Status(Entry&&)>& emit) {
  Forest f(options);
  IDSYNC_RETURN_IF_ERROR(f.validate());
  return f.generate(emit);
}

Status generate_changes(const ForestOptions& options, const ChangeOptions& changes,
                        const std::function<Status(EntryChange&&)>& emit, ChangeStats* stats) {
  Forest f(options);
  IDSYNC_RETURN_IF_ERROR(f.validate());
  return f.changes(changes, emit, stats);
}

}  // namespace idsync::forestgen
