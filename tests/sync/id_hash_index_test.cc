// The compact indexes of the in-memory state: IdHashIndex (hash → id, keys checked against
// the objects), ObjectTable (objects by dense id), and the DN / anchor lookups of a
// ConnectorSpace built on them — with hash collisions forced, many keys, and removals.
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "idsync/dn.h"
#include "sync/id_hash_index.h"
#include "sync/object_table.h"
#include "sync/sync_state.h"

namespace idsync {
namespace {

// Keys by id, as objects hold them; the index itself keeps none.
struct Keys {
  std::map<uint64_t, std::string> by_id;
  auto is(const std::string& key) const {
    return [this, key](uint64_t id) {
      auto it = by_id.find(id);
      return it != by_id.end() && it->second == key;
    };
  }
};

TEST(IdHashIndexTest, ForcedCollisionsNeverGiveAnotherKeysId) {
  IdHashIndex index;
  Keys keys;
  // Every key under one hash: each lookup must walk the chain and check the keys.
  constexpr uint64_t kSameHash = 42;
  for (uint64_t id = 1; id <= 200; ++id) {
    keys.by_id[id] = "key-" + std::to_string(id);
    index.assign(kSameHash, id, keys.is(keys.by_id[id]));
  }
  EXPECT_EQ(index.size(), 200u);
  for (uint64_t id = 1; id <= 200; ++id) EXPECT_EQ(index.find(kSameHash, keys.is("key-" + std::to_string(id))), id);
  EXPECT_EQ(index.find(kSameHash, keys.is("key-absent")), 0u);
  EXPECT_EQ(index.find(kSameHash + 1, keys.is("key-7")), 0u) << "another hash never matches";
}

TEST(IdHashIndexTest, AssignReplacesTheEntryOfTheSameKey) {
  IdHashIndex index;
  Keys keys;
  keys.by_id[1] = "alice";
  keys.by_id[2] = "bob";
  index.assign(7, 1, keys.is("alice"));
  index.assign(7, 2, keys.is("bob"));  // collides with alice, another key: a second entry
  keys.by_id[3] = "alice";             // a new object takes alice's key, as map[key] = id does
  index.assign(7, 3, keys.is("alice"));
  EXPECT_EQ(index.size(), 2u);
  EXPECT_EQ(index.find(7, keys.is("alice")), 3u);
  EXPECT_EQ(index.find(7, keys.is("bob")), 2u);
  index.assign(7, 3, keys.is("alice"));  // again: no duplicate
  EXPECT_EQ(index.size(), 2u);
}

TEST(IdHashIndexTest, EraseRemovesOnlyThatIdAndKeepsTheChainReachable) {
  IdHashIndex index;
  Keys keys;
  // Hashes 0..3 share home slots in a small table; erasing from the middle of a chain must
  // shift the later entries back so that they are still found.
  for (uint64_t id = 1; id <= 12; ++id) {
    keys.by_id[id] = "k" + std::to_string(id);
    index.add(id % 4, id);
  }
  EXPECT_EQ(index.erase(1, 5), 1u);
  EXPECT_EQ(index.erase(1, 5), 0u);
  EXPECT_EQ(index.erase(2, 5), 0u) << "the id under another hash is not this entry";
  for (uint64_t id = 1; id <= 12; ++id) {
    uint64_t found = index.find(id % 4, keys.is("k" + std::to_string(id)));
    EXPECT_EQ(found, id == 5 ? 0u : id) << id;
  }
  EXPECT_EQ(index.size(), 11u);
}

TEST(IdHashIndexTest, MultimapAddForEachAndEraseAll) {
  IdHashIndex index;
  index.add(9, 1);
  index.add(9, 2);
  index.add(9, 1);  // the same object twice (two equal values)
  std::multiset<uint64_t> seen;
  index.for_each(9, [&](uint64_t id) { seen.insert(id); });
  EXPECT_EQ(seen, (std::multiset<uint64_t>{1, 1, 2}));
  EXPECT_EQ(index.erase(9, 1), 2u);
  seen.clear();
  index.for_each(9, [&](uint64_t id) { seen.insert(id); });
  EXPECT_EQ(seen, (std::multiset<uint64_t>{2}));
}

// Random adds and erases with few distinct hashes (many collisions, wrap-around chains),
// checked against std::multimap after every step.
TEST(IdHashIndexTest, MatchesAReferenceMultimapUnderRandomChurn) {
  IdHashIndex index;
  std::multimap<uint64_t, uint64_t> reference;
  std::mt19937_64 rng(7);
  for (int step = 0; step < 10000; ++step) {
    uint64_t hash = rng() % 37 * 0x9E3779B97F4A7C15ull;  // 37 hashes spread over the table
    uint64_t id = 1 + rng() % 500;
    if (rng() % 3 == 0) {
      size_t expected = 0;
      for (auto it = reference.lower_bound(hash); it != reference.end() && it->first == hash;)
        if (it->second == id) {
          it = reference.erase(it);
          ++expected;
        } else {
          ++it;
        }
      ASSERT_EQ(index.erase(hash, id), expected);
    } else {
      index.add(hash, id);
      reference.emplace(hash, id);
    }
    ASSERT_EQ(index.size(), reference.size());
    if (step % 97 == 0) {
      for (uint64_t h = 0; h < 37; ++h) {
        uint64_t hh = h * 0x9E3779B97F4A7C15ull;
        std::multiset<uint64_t> got, want;
        index.for_each(hh, [&](uint64_t x) { got.insert(x); });
        for (auto [it, end] = reference.equal_range(hh); it != end; ++it) want.insert(it->second);
        ASSERT_EQ(got, want) << "hash " << h << " at step " << step;
      }
    }
  }
}

TEST(ObjectTableTest, FindsByIdKeepsAddressesAndReusesSlots) {
  ObjectTable<std::string> table;
  std::vector<const std::string*> addresses;
  for (uint64_t id = 1; id <= 5000; ++id) addresses.push_back(&table.emplace(id * 3, std::to_string(id)));
  EXPECT_EQ(table.size(), 5000u);
  for (uint64_t id = 1; id <= 5000; ++id) {
    ASSERT_NE(table.find(id * 3), nullptr);
    EXPECT_EQ(*table.find(id * 3), std::to_string(id));
    EXPECT_EQ(table.find(id * 3), addresses[id - 1]) << "objects never move";
  }
  EXPECT_EQ(table.find(4), nullptr);
  EXPECT_EQ(table.find(1u << 30), nullptr) << "an id past every page";
  EXPECT_EQ(table.emplace(3, "other"), "1") << "emplace keeps what is there";
  EXPECT_TRUE(table.erase(3));
  EXPECT_FALSE(table.erase(3));
  EXPECT_EQ(table.find(3), nullptr);
  table[100000] = "new";  // takes the freed slot
  EXPECT_EQ(table.find(100000), addresses[0]);
  size_t n = 0;
  std::set<uint64_t> ids;
  for (const auto& [id, value] : table) {
    ++n;
    ids.insert(id);
    EXPECT_EQ(*table.find(id), value);
  }
  EXPECT_EQ(n, table.size());
  EXPECT_EQ(ids.count(3), 0u);
  EXPECT_EQ(ids.count(100000), 1u);
}

CsObject object(CsId id, std::string dn, std::string anchor) {
  CsObject o;
  o.id = id;
  o.dn = std::move(dn);
  o.anchor = std::move(anchor);
  return o;
}

TEST(ConnectorSpaceIndexTest, DnLookupNormalizesAndFollowsRenames) {
  ConnectorSpace space;
  for (CsId id = 1; id <= 3000; ++id)
    space.index(space.objects.emplace(id, object(id, "CN=User " + std::to_string(id) + ",OU=People,DC=x", "a" + std::to_string(id))));
  for (CsId id = 1; id <= 3000; id += 7) {
    CsObject* o = space.find_by_dn("cn=user " + std::to_string(id) + ", ou=PEOPLE,dc=X");  // another spelling
    ASSERT_NE(o, nullptr) << id;
    EXPECT_EQ(o->id, id);
    EXPECT_EQ(space.find_by_anchor("a" + std::to_string(id)), o);
  }
  EXPECT_EQ(space.find_by_dn("CN=User 0,OU=People,DC=x"), nullptr);
  EXPECT_EQ(space.find_by_anchor("A1"), nullptr) << "anchors are raw bytes: case matters";

  CsObject& o = *space.find(10);
  std::string old_dn(o.dn), old_anchor(o.anchor);
  o.dn = "CN=Renamed,OU=People,DC=x";
  o.anchor = "moved";
  space.reindex(o, old_anchor, old_dn);
  EXPECT_EQ(space.find_by_dn(old_dn), nullptr);
  EXPECT_EQ(space.find_by_anchor(old_anchor), nullptr);
  EXPECT_EQ(space.find_by_dn("cn=renamed,ou=people,dc=x"), &o);
  EXPECT_EQ(space.find_by_anchor("moved"), &o);

  // A second object with the same DN takes the key (the last indexed wins); removing it
  // leaves no entry behind for the first one to be found through by accident.
  space.index(space.objects.emplace(5000, object(5000, "CN=User 11,OU=People,DC=x", "")));
  EXPECT_EQ(space.find_by_dn("CN=User 11,OU=People,DC=x")->id, 5000u);
  space.unindex(*space.find(5000));
  space.objects.erase(5000);
  EXPECT_EQ(space.find_by_dn("CN=User 11,OU=People,DC=x"), nullptr);
  EXPECT_EQ(space.find_by_anchor("a11")->id, 11u);
}

// The batched lookup of a group's members answers exactly as one lookup per DN: found, absent,
// other spellings, an empty DN, repeats, and lists that end inside a batch.
TEST(ConnectorSpaceIndexTest, FindManyByDnAnswersAsFindByDnInOrder) {
  ConnectorSpace space;
  for (CsId id = 1; id <= 500; ++id)
    space.index(space.objects.emplace(id, object(id, "CN=Member " + std::to_string(id) + ",OU=G,DC=x", "")));
  for (size_t length : {0u, 1u, 15u, 16u, 17u, 40u}) {
    std::vector<std::string> dns;
    for (size_t i = 0; i < length; ++i) {
      switch (i % 5) {
        case 0: dns.push_back("CN=Member " + std::to_string(1 + i * 7) + ",OU=G,DC=x"); break;
        case 1: dns.push_back("cn=member " + std::to_string(2 + i) + ", ou=g,DC=X"); break;
        case 2: dns.push_back("CN=Nobody " + std::to_string(i) + ",OU=G,DC=x"); break;
        case 3: dns.push_back(i % 2 ? "" : "not a dn"); break;
        default: dns.push_back(dns.front()); break;
      }
    }
    std::vector<const CsObject*> batched;
    space.find_many_by_dn(dns, [&](const CsObject* o) { batched.push_back(o); });
    ASSERT_EQ(batched.size(), dns.size()) << length;
    size_t found = 0;
    for (size_t i = 0; i < dns.size(); ++i) {
      EXPECT_EQ(batched[i], space.find_by_dn(dns[i])) << length << " " << dns[i];
      found += batched[i] != nullptr ? 1 : 0;
    }
    if (length >= 15) {
      EXPECT_GT(found, length / 3) << "the lists must hold members that exist";
    }
  }
}

TEST(IdHashIndexTest, FirstGivesTheFirstIdUnderAHashUnchecked) {
  IdHashIndex index;
  EXPECT_EQ(index.first(42), 0u);
  index.prefetch(42);  // a hint on an empty index: no effect, no crash
  index.add(42, 7);
  index.add(42, 9);
  index.add(43, 8);
  EXPECT_EQ(index.first(42), 7u);
  EXPECT_EQ(index.first(43), 8u);
  EXPECT_EQ(index.first(44), 0u);
  index.erase(42, 7);
  EXPECT_EQ(index.first(42), 9u);
}

TEST(ConnectorSpaceIndexTest, DnKeysOfUnusualDnsMatchNormalizeDn) {
  for (std::string dn : {"CN=Ann\\, Lee,OU=X", "cn = Ann + uid=ann , dc=y", "CN=#04024869,DC=z", "not a dn",
                         "CN=Ünïcode,DC=z", ""}) {
    std::string into = "previous contents that must not leak into the key";
    dn_key_into(dn, into);
    EXPECT_EQ(into, dn_key(dn)) << dn;
    auto normalized = normalize_dn(dn);
    if (normalized.ok()) {
      EXPECT_EQ(into, *normalized) << dn;
    }
  }
}

}  // namespace
}  // namespace idsync
