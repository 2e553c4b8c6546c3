// forestgen: a realistic, deterministic Active Directory forest and change-set generator.
//
// Every object is a pure function of (options, object index): nothing of the forest is held in
// memory, so a million-object forest streams out in seconds and any object (its DN, GUID,
// attributes, group membership) can be regenerated on demand. Change sets for round r are
// computed against the forest as it stands after rounds 1..r-1, without replaying them: each
// kind of change draws from its own slice of the index space (see forestgen.cc).
//
// Layout of a forest of N objects (emitted parents before children, in this order):
//   CN=Users,<domain>                         the default container (when special accounts exist)
//   OU=<Site>,<domain>                        one per ~1000 objects (cities, "Seattle 2" beyond 40)
//     OU=Users / OU=Groups / OU=Contacts / OU=Service Accounts
//   special accounts in CN=Users               krbtgt, Administrator, Guest, SUPPORT_388945a0,
//                                              MSOL_*, AAD_*, SystemMailbox{..}, CAS_{..},
//                                              DiscoverySearchMailbox, a CNF conflict object
//                                              (max(10, N/10000) when N >= 1000)
//   users    ~85%  (about 1% of them service accounts in OU=Service Accounts)
//   groups    10%  (member: users of the group's site, some global groups, ~10% nest groups)
//   contacts   4%
// The domain root (DC=...) itself is the partition and is not emitted.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "idsync/entry.h"
#include "idsync/status.h"

namespace idsync::forestgen {

struct ForestOptions {
  uint64_t objects = 100000;  // exact number of entries emitted
  uint64_t seed = 1;
  std::string domain = "contoso.com";
  // > 0: the first group is "All Staff" with exactly this many user members (<= user count).
  uint64_t huge_group_members = 0;
  // Threads that build objects. 1: built inline (fastest when `emit` is cheap: entries freed on
  // another thread cost mimalloc more than building them); >1: that many workers build batches
  // ahead while `emit` runs (helps when emit is expensive, e.g. writes LDIF); 0: one per core.
  // The output never depends on it, and `emit` is always called on the calling thread, in order.
  unsigned threads = 1;
};

// How generate_forest splits `objects`; useful to tests and benchmarks.
struct ForestLayout {
  uint64_t containers = 0;        // CN=Users
  uint64_t organizational_units = 0;
  uint64_t special_accounts = 0;  // users the Entra Connect default rules filter out
  uint64_t users = 0;             // regular and service accounts (special accounts excluded)
  uint64_t groups = 0;
  uint64_t contacts = 0;
  uint64_t sites = 0;
  std::string domain_dn;          // "DC=contoso,DC=com"
};

Result<ForestLayout> plan_forest(const ForestOptions& options);

// Emits exactly options.objects entries, parents before children. Stops at the first non-ok
// Status returned by `emit` and returns it.
Status generate_forest(const ForestOptions& options, const std::function<Status(Entry&&)>& emit);

struct ChangeOptions {
  // Fractions of the base object count (ForestOptions::objects), rounded to nearest.
  double add_fraction = 0.01;
  double delete_fraction = 0.01;
  double modify_fraction = 0.05;
  uint32_t round = 1;  // rounds compose when every round uses the same options
};

struct ChangeStats {
  uint64_t adds = 0;                // kAdd: new users
  uint64_t deletes = 0;             // kDelete: existing users
  uint64_t modifies = 0;            // objects changed on purpose (= round(objects * modify_fraction))
  uint64_t reference_cleanups = 0;  // other kModify: groups/users that only lose a reference to a
                                    // user deleted in this change set (AD's implicit link cleanup)
};

// A change set against the forest after rounds 1..round-1 were applied. Order: adds, then
// modifies (groups, then users; member adds of new users come after their kAdd, member deletes of
// deleted users before the kDelete), then deletes. At most one change per DN. Deletes are drawn
// from half of the base users, so round * deletes must not exceed half the users.
Status generate_changes(const ForestOptions& options, const ChangeOptions& changes,
                        const std::function<Status(EntryChange&&)>& emit,
                        ChangeStats* stats = nullptr);

// RFC 4514 escaping of one attribute value inside an RDN: ',' '+' '"' '\' '<' '>' ';',
// a leading '#' or space, a trailing space, and control characters as \XX.
std::string escape_dn_value(std::string_view value);
// "contoso.com" -> "DC=contoso,DC=com".
std::string domain_to_dn(std::string_view domain);
// Binary SID (as objectSid holds it) -> "S-1-5-21-...", or "" when malformed.
std::string sid_to_string(std::string_view binary_sid);

}  // namespace idsync::forestgen
