// ColdSet (model/cold_set.h) and its codec (model/set_codec.h): round trips of every kind of
// block through the compressed form, what stays plain (empty, too small, an out-of-line list),
// copies plain and equal, moves keeping the form, equality across forms, the heap accounting,
// and a frame that does not decompress stopping the process instead of handing out garbage.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "model/cold_set.h"
#include "model/memory_usage.h"
#include "model/objects.h"
#include "model/set_codec.h"

namespace idsync {
namespace {

// A directory user as an import would stage it: the same attribute ids, similar values.
AttributeSet user(int i) {
  AttributeSet::Builder b;
  const std::string n = std::to_string(i);
  b.add(1, {"CN=User " + n + ",OU=People,DC=example,DC=com"});
  b.add(2, {"user" + n + "@example.com"});
  b.add(3, {"User " + n});
  b.add(4, {"Department " + std::to_string(i % 17)});
  b.add(5, {"smtp:user" + n + "@example.com", "SMTP:User." + n + "@example.com"});
  b.add(7, {"Title of user " + std::to_string(i % 5), "+1 555 0100 " + n});
  b.add(9, {std::string("\x01\x05\x00\x00", 4) + n + std::string(12, '\0')});  // objectSid-like
  return b.finish();
}

std::unique_ptr<SetCodec> codec_for_users() {
  std::vector<ColdSet> sets;
  for (int i = 0; i < 2000; ++i) sets.emplace_back(user(i));
  std::vector<std::string_view> samples;
  for (const ColdSet& s : sets) samples.push_back(s.freezable_bytes());
  return SetCodec::train(samples);
}

const SetCodec& codec() {
  static std::unique_ptr<SetCodec> c = codec_for_users();
  return *c;
}

TEST(SetCodecTest, TrainsADictionaryThatGainsOnSetsOfOneDirectory) {
  const SetCodec& c = codec();
  EXPECT_TRUE(c.has_dictionary());
  EXPECT_GT(c.dictionary_bytes(), 0u);
  EXPECT_LE(c.dictionary_bytes(), SetCodec::kMaxDictionaryBytes);
  EXPECT_GE(c.sample_gain(), SetCodec::kMinGain);
  EXPECT_GT(c.heap_bytes(), c.dictionary_bytes());
}

TEST(SetCodecTest, RandomBytesGiveNoCodec) {
  std::mt19937_64 rng(7);
  std::vector<std::string> raw(500);
  for (std::string& s : raw) {
    s.resize(400);
    for (char& ch : s) ch = static_cast<char>(rng());
  }
  std::vector<std::string_view> samples(raw.begin(), raw.end());
  EXPECT_EQ(SetCodec::train(samples), nullptr) << "nothing to gain: the sets stay plain";
  EXPECT_EQ(SetCodec::train({}), nullptr);
}

TEST(SetCodecTest, AFrameThatDoesNotDecompressStopsTheProcess) {
  std::string packed;
  const ColdSet set(user(1));
  const std::string_view raw = set.freezable_bytes();
  codec().compress(raw, packed);
  std::string out(raw.size(), '\0');
  codec().decompress(packed, out.data(), out.size());
  EXPECT_EQ(out, raw);
  std::string damaged = packed;
  damaged[damaged.size() / 2] ^= 0x5a;
  damaged.resize(damaged.size() - 3);
  EXPECT_DEATH(codec().decompress(damaged, out.data(), out.size()), "cold attribute set decompression failed");
  // The right frame into a buffer of the wrong size is as wrong.
  std::string shorter(raw.size() - 1, '\0');
  EXPECT_DEATH(codec().decompress(packed, shorter.data(), shorter.size()), "cold attribute set decompression failed");
}

// Freezes a copy of `set` and checks it thaws back to exactly `set` through every read path.
void expect_round_trip(const AttributeSet& set) {
  ColdSet cold(set);
  ASSERT_TRUE(cold.freeze(codec()));
  ASSERT_TRUE(cold.cold());
  EXPECT_FALSE(cold.empty());
  EXPECT_EQ(cold.if_plain(), nullptr);
  EXPECT_EQ(cold.codec(), &codec());
  EXPECT_EQ(cold.thaw(), set);
  AttributeSet scratch;
  const AttributeSet& seen = cold.view(scratch);
  EXPECT_EQ(&seen, &scratch) << "a cold set is thawed into the scratch";
  EXPECT_EQ(seen, set);
  for (size_t i = 0; i < set.size(); ++i) EXPECT_EQ(seen.get(set.at(i).id).to_list(), set.at(i).values.to_list());
  EXPECT_EQ(cold, ColdSet(set)) << "equal contents, whatever the form";
  EXPECT_EQ(encode_attribute_set(cold.thaw()), encode_attribute_set(set));
}

TEST(ColdSetTest, NarrowBlocksRoundTrip) {
  for (int i : {0, 1, 77, 1999, 123456}) {
    SCOPED_TRACE(i);
    ASSERT_TRUE(user(i).narrow());
    expect_round_trip(user(i));
  }
}

TEST(ColdSetTest, WideBlocksRoundTrip) {
  AttributeSet set = user(5);
  ValueList big;  // 400 values (packed, under the out-of-line size) of ~300 bytes: past 64 KiB
  for (int i = 0; i < 400; ++i) big.push_back("CN=Member " + std::to_string(i) + std::string(280, 'x'));
  set.set(20, big);
  ASSERT_FALSE(set.narrow());
  ASSERT_FALSE(set.out_of_line(20));
  expect_round_trip(set);
}

TEST(ColdSetTest, BinaryValuesWithNulsRoundTrip) {
  AttributeSet set = user(3);
  std::string zeros(64, '\0');
  std::string mixed("\0a\0b\xff\0", 6);
  set.set(30, {zeros, mixed, std::string(1, '\0')});
  expect_round_trip(set);
  EXPECT_EQ(ColdSet(set).thaw().get(30)[1], mixed);
}

TEST(ColdSetTest, EmptyAndTinySetsStayPlain) {
  ColdSet empty;
  EXPECT_FALSE(empty.freezable());
  EXPECT_FALSE(empty.freeze(codec()));
  EXPECT_TRUE(empty.empty());
  EXPECT_FALSE(empty.cold());
  AttributeSet tiny;
  tiny.set(1, {"x"});
  ColdSet small(tiny);
  EXPECT_TRUE(small.freezable());
  EXPECT_FALSE(small.freeze(codec())) << "16 bytes plain: a cold block cannot be smaller";
  EXPECT_FALSE(small.cold());
  EXPECT_EQ(small.thaw(), tiny);
}

TEST(ColdSetTest, ASetWithAnOutOfLineListStaysPlainAndKeepsItsList) {
  AttributeSet group = user(8);
  ValueList members;
  for (int i = 0; i < 600; ++i) members.push_back("CN=User " + std::to_string(i) + ",OU=People,DC=example,DC=com");
  group.set(40, members);
  ASSERT_TRUE(group.out_of_line(40));
  ColdSet cold(std::move(group));
  const AttributeSet* before = cold.if_plain();
  ASSERT_NE(before, nullptr);
  const std::string* list = cold.if_plain()->get(40).list()->data();
  EXPECT_FALSE(cold.freezable());
  EXPECT_FALSE(cold.freeze(codec()));
  EXPECT_FALSE(cold.cold());
  EXPECT_EQ(cold.if_plain()->get(40).list()->data(), list) << "the list is neither copied nor moved";
  // A one-member change stays on the list in place.
  cold.plain().add_value(40, "CN=New,OU=People,DC=example,DC=com");
  EXPECT_EQ(cold.if_plain()->get(40).size(), 601u);
  EXPECT_TRUE(cold.if_plain()->out_of_line(40));
}

TEST(ColdSetTest, CopiesArePlainAndEqualMovesKeepTheForm) {
  const AttributeSet set = user(42);
  ColdSet cold(set);
  ASSERT_TRUE(cold.freeze(codec()));
  ColdSet copy(cold);
  EXPECT_FALSE(copy.cold()) << "a copy never points at the codec";
  EXPECT_EQ(copy, cold);
  ColdSet assigned;
  assigned = cold;
  EXPECT_FALSE(assigned.cold());
  EXPECT_EQ(*assigned.if_plain(), set);
  ColdSet moved(std::move(cold));
  EXPECT_TRUE(moved.cold());
  EXPECT_TRUE(cold.empty());  // NOLINT(bugprone-use-after-move): a moved-from set is empty
  ColdSet target(user(1));
  target = std::move(moved);
  EXPECT_TRUE(target.cold());
  EXPECT_EQ(target.thaw(), set);
  // Assigning a plain set over a cold one frees the cold block and holds the new set.
  target = user(2);
  EXPECT_FALSE(target.cold());
  EXPECT_EQ(*target.if_plain(), user(2));
}

TEST(ColdSetTest, PlainThawsInPlaceForAChange) {
  ColdSet cold(user(9));
  ASSERT_TRUE(cold.freeze(codec()));
  AttributeSet& set = cold.plain();
  EXPECT_FALSE(cold.cold());
  set.set(4, {"Moved"});
  EXPECT_EQ(cold.thaw().get(4).to_list(), ValueList{"Moved"});
  ASSERT_TRUE(cold.freeze(codec()));
  EXPECT_EQ(cold.thaw().get(4).to_list(), ValueList{"Moved"});
  cold.clear();
  EXPECT_TRUE(cold.empty());
}

TEST(ColdSetTest, EqualityComparesContentsAcrossForms) {
  ColdSet a(user(11)), b(user(11)), c(user(12));
  ASSERT_TRUE(a.freeze(codec()));
  EXPECT_EQ(a, b);
  ASSERT_TRUE(b.freeze(codec()));
  EXPECT_EQ(a, b);
  ASSERT_TRUE(c.freeze(codec()));
  EXPECT_FALSE(a == c);
  EXPECT_FALSE(a == ColdSet());
}

TEST(ColdSetTest, HeapBytesCountTheColdBlockAndTheValuesItHolds) {
  const AttributeSet set = user(77);
  ColdSet cold(set);
  const HeapBytes plain = heap_bytes(cold);
  ASSERT_TRUE(cold.freeze(codec()));
  const HeapBytes frozen = heap_bytes(cold);
  EXPECT_LT(frozen.allocated, plain.allocated);
  EXPECT_GT(frozen.allocated, 0u);
  EXPECT_EQ(frozen.payload, plain.payload) << "the values it holds, not how";
  EXPECT_EQ(frozen.values, plain.values);
}

// The readers' helper: each set thawed once, imported() following the pending import.
TEST(ColdSetTest, CsSetsViewThawsEachSetOnceAndFollowsThePendingImport) {
  CsObject o;
  o.hologram = user(1);
  o.import_state = user(2);
  ASSERT_TRUE(o.hologram.freeze(codec()));
  {
    CsSetsView sets(o);
    const AttributeSet* first = &sets.hologram();
    EXPECT_EQ(&sets.hologram(), first) << "thawed once";
    EXPECT_EQ(&sets.imported(), first) << "no pending import: the hologram";
    EXPECT_EQ(sets.hologram(), user(1));
    EXPECT_TRUE(sets.unconfirmed().empty());
  }
  o.pending_import = PendingImportKind::kUpdate;
  CsSetsView sets(o);
  EXPECT_EQ(&sets.imported(), o.import_state.if_plain()) << "a plain set is read in place";
  EXPECT_EQ(sets.imported(), user(2));
}

TEST(ColdSetTest, MvViewReadsAPlainSetInPlaceAndAColdOneThawedOnce) {
  MvObject o;
  o.id = 7;
  o.object_type = "person";
  o.attributes = user(3);
  {
    const MvView view(o);
    EXPECT_EQ(&view.attributes, o.attributes.if_plain()) << "a plain set is read in place, not copied";
    EXPECT_EQ(view.id, 7u);
    EXPECT_EQ(view.object_type, "person");
    EXPECT_EQ(&view.object, &o);
  }
  ASSERT_TRUE(o.attributes.freeze(codec()));
  const MvView view(o);
  EXPECT_EQ(view.attributes, user(3));
  EXPECT_TRUE(o.attributes.cold()) << "viewing leaves the object's set cold";
  const AttributeSet* thawed = &view.attributes;
  EXPECT_EQ(view.attributes.get(2).front(), "user3@example.com");
  EXPECT_EQ(&view.attributes, thawed) << "one thaw for every read of the view";
}

}  // namespace
}  // namespace idsync
