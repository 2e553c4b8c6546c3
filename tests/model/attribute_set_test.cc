// AttributeSet as one packed block with long lists out of line: every mutator on both forms,
// crossing the out-of-line threshold both ways, the builder, copies, equality, the view, and
// round trips through both store layouts.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "model/objects.h"
#include "stored_chunks.h"

namespace idsync {
namespace {

ValueList members(size_t n, size_t from = 0) {
  ValueList out;
  for (size_t i = from; i < from + n; ++i) out.push_back("CN=User " + std::to_string(i) + ",OU=People,DC=example,DC=com");
  return out;
}

// What a set must hold, checked through every read path.
void expect_holds(const AttributeSet& set, AttrId id, const ValueList& want) {
  ValuesView v = set.get(id);
  ASSERT_EQ(v.size(), want.size()) << "attribute " << id;
  EXPECT_EQ(static_cast<bool>(v), !want.empty());
  EXPECT_EQ(set.has(id), !want.empty());
  EXPECT_EQ(v.to_list(), want);
  for (size_t i = 0; i < want.size(); ++i) ASSERT_EQ(v[i], want[i]) << i;
  size_t i = 0;
  for (std::string_view s : v) ASSERT_EQ(s, want[i++]);
  EXPECT_EQ(i, want.size());
}

TEST(AttributeSetTest, AnEmptySetHasNothingAndNoBlock) {
  AttributeSet set;
  EXPECT_TRUE(set.empty());
  EXPECT_EQ(set.size(), 0u);
  EXPECT_EQ(set.block_bytes(), 0u);
  EXPECT_FALSE(set.get(3));
  EXPECT_EQ(set.items().begin(), set.items().end());
  EXPECT_TRUE(set.take(3).empty());
  set.remove_value(3, "x");
  set.erase(3);
  EXPECT_TRUE(set.empty());
  EXPECT_EQ(set, AttributeSet());
}

TEST(AttributeSetTest, SetKeepsAttributesSortedAndEmptyValuesAsValues) {
  AttributeSet set;
  set.set(9, {"nine"});
  set.set(2, {"two", "", "deux"});  // an empty value is a value (binary attributes have them)
  set.set(5, {""});
  std::vector<AttrId> ids;
  for (const AttrEntry a : set.items()) ids.push_back(a.id);
  EXPECT_EQ(ids, (std::vector<AttrId>{2, 5, 9}));
  expect_holds(set, 2, {"two", "", "deux"});
  expect_holds(set, 5, {""});
  expect_holds(set, 9, {"nine"});
  expect_holds(set, 4, {});
  set.set(2, {});  // an empty list removes the attribute
  expect_holds(set, 2, {});
  EXPECT_EQ(set.size(), 2u);
}

TEST(AttributeSetTest, MutatorsOnPackedAttributes) {
  AttributeSet set;
  set.set(1, {"a"});
  set.set(3, {"c1", "c2"});
  set.add_value(1, "b");
  set.add_value(1, "a");  // present: no change
  set.add_value(2, "new");
  expect_holds(set, 1, {"a", "b"});
  expect_holds(set, 2, {"new"});
  set.remove_value(3, "c1");
  set.remove_value(3, "absent");
  expect_holds(set, 3, {"c2"});
  set.remove_value(3, "c2");  // the last value: the attribute goes
  expect_holds(set, 3, {});
  EXPECT_EQ(set.take(1), (ValueList{"a", "b"}));
  expect_holds(set, 1, {});
  expect_holds(set, 2, {"new"});
  set.erase(2);
  EXPECT_TRUE(set.empty());
  EXPECT_EQ(set.block_bytes(), 0u);
}

TEST(AttributeSetTest, ALongListIsHeldOutOfLineAndChangedInPlace) {
  AttributeSet set;
  set.set(1, {"small"});
  set.set(7, members(kOutOfLineValues));
  set.set(9, {"after"});
  EXPECT_FALSE(set.out_of_line(1));
  ASSERT_TRUE(set.out_of_line(7));
  const size_t block = set.block_bytes();
  EXPECT_LT(block, 200u);  // the list is not in the block
  expect_holds(set, 7, members(kOutOfLineValues));
  expect_holds(set, 1, {"small"});
  expect_holds(set, 9, {"after"});

  set.add_value(7, "CN=Newcomer");
  set.remove_value(7, members(1, 3).front());
  EXPECT_EQ(set.block_bytes(), block);  // no repack
  ValueList want = members(kOutOfLineValues);
  want.erase(want.begin() + 3);
  want.push_back("CN=Newcomer");
  expect_holds(set, 7, want);

  // take() hands the list over without copying it; set() of a long list adopts it.
  const std::string* first = &*set.get(7).list()->begin();
  ValueList taken = set.take(7);
  EXPECT_EQ(&taken.front(), first);
  EXPECT_FALSE(set.has(7));
  taken.push_back("CN=Another");
  want.push_back("CN=Another");
  set.set(7, std::move(taken));
  EXPECT_TRUE(set.out_of_line(7));
  EXPECT_EQ(&*set.get(7).list()->begin(), first);
  expect_holds(set, 7, want);
  set.set(7, members(kOutOfLineValues + 1, 5));  // long replaced by long
  expect_holds(set, 7, members(kOutOfLineValues + 1, 5));
  expect_holds(set, 9, {"after"});
}

TEST(AttributeSetTest, AListCrossesTheThresholdBothWays) {
  AttributeSet set;
  set.set(2, {"x"});
  ValueList list = members(kOutOfLineValues - 1);
  set.set(4, list);
  EXPECT_FALSE(set.out_of_line(4));  // one short: packed
  set.add_value(4, "CN=Last");
  list.push_back("CN=Last");
  EXPECT_TRUE(set.out_of_line(4));  // grown to the threshold: out of line
  expect_holds(set, 4, list);
  // Shrinking keeps it out of line down to half the threshold, then packs it again.
  while (list.size() >= kOutOfLineValues / 2) {
    set.remove_value(4, list.back());
    list.pop_back();
    expect_holds(set, 4, list);
  }
  EXPECT_FALSE(set.out_of_line(4));
  expect_holds(set, 4, list);
  expect_holds(set, 2, {"x"});
  // set() decides by size alone.
  set.set(4, members(kOutOfLineValues));
  EXPECT_TRUE(set.out_of_line(4));
  set.set(4, members(3));
  EXPECT_FALSE(set.out_of_line(4));
  expect_holds(set, 4, members(3));
  // A long list emptied value by value goes away.
  set.set(6, members(kOutOfLineValues));
  for (const std::string& m : members(kOutOfLineValues)) set.remove_value(6, m);
  EXPECT_FALSE(set.has(6));
  EXPECT_EQ(set.size(), 2u);
}

TEST(AttributeSetTest, EqualityComparesValuesWhateverTheForm) {
  // 300 values: packed when set, still out of line when shrunk to 300 from 600.
  AttributeSet packed, outside;
  packed.set(1, members(300));
  packed.set(2, {"b"});
  outside.set(2, {"b"});
  outside.set(1, members(600));
  for (const std::string& m : members(300, 300)) outside.remove_value(1, m);
  ASSERT_FALSE(packed.out_of_line(1));
  ASSERT_TRUE(outside.out_of_line(1));
  EXPECT_EQ(packed, outside);
  EXPECT_EQ(outside, packed);
  outside.add_value(1, "CN=Extra");
  EXPECT_FALSE(packed == outside);

  AttributeSet a, b;
  a.set(1, {"x", "y"});
  b.set(1, {"y", "x"});  // order matters
  EXPECT_FALSE(a == b);
  b.set(1, {"x", "y"});
  EXPECT_EQ(a, b);
  b.set(3, {"z"});
  EXPECT_FALSE(a == b);
  a.set(2, {"z"});  // same values under another id
  EXPECT_FALSE(a == b);
  AttributeSet c, d;
  c.set(1, {"ab", "c"});
  d.set(1, {"a", "bc"});  // same bytes, other boundaries
  EXPECT_FALSE(c == d);
}

TEST(AttributeSetTest, CopiesAreDeepAndMovesLeaveTheSourceEmpty) {
  AttributeSet set;
  set.set(1, {"one"});
  set.set(5, members(kOutOfLineValues + 10));
  AttributeSet copy = set;
  EXPECT_EQ(copy, set);
  EXPECT_NE(copy.get(5).list(), set.get(5).list());
  set.add_value(5, "CN=Only in the original");
  set.add_value(1, "two");
  expect_holds(copy, 5, members(kOutOfLineValues + 10));
  expect_holds(copy, 1, {"one"});
  copy = set;
  EXPECT_EQ(copy, set);
  copy = copy;  // NOLINT: self-assignment keeps the set
  EXPECT_EQ(copy, set);
  AttributeSet moved = std::move(copy);
  EXPECT_EQ(moved, set);
  EXPECT_TRUE(copy.empty());  // NOLINT: a moved-from set is empty
  moved = AttributeSet();
  EXPECT_TRUE(moved.empty());
}

TEST(AttributeSetTest, TheViewIteratesLikeAListAndWorksWithAlgorithms) {
  AttributeSet set;
  set.set(1, {"alpha", "beta", "gamma"});
  ValuesView v = set.get(1);
  EXPECT_EQ(v.front(), "alpha");
  EXPECT_EQ(v.back(), "gamma");
  EXPECT_EQ(v.end() - v.begin(), 3);
  EXPECT_EQ(*(v.begin() + 1), "beta");
  EXPECT_EQ(std::find(v.begin(), v.end(), "gamma") - v.begin(), 2);
  EXPECT_TRUE(v.contains("beta"));
  EXPECT_FALSE(v.contains("bet"));
  EXPECT_EQ(v.value_bytes(), 14u);
  EXPECT_TRUE(v == (ValueList{"alpha", "beta", "gamma"}));
  const ValueList list{"alpha", "beta", "gamma"};
  EXPECT_TRUE(v == ValuesView(list));
  ValuesView none;
  EXPECT_FALSE(none);
  EXPECT_TRUE(none.empty());
  EXPECT_EQ(none.begin(), none.end());
  EXPECT_TRUE(none.to_list().empty());
  // items() gives the same views as get().
  for (const AttrEntry a : set.items()) EXPECT_TRUE(a.values == set.get(a.id));
  auto it = set.items().begin();
  EXPECT_EQ(it->id, 1u);
  EXPECT_EQ(it->values.size(), 3u);
}

TEST(AttributeSetTest, TheBuilderSortsKeepsTheLastOfAnIdAndDropsEmptyAttributes) {
  AttributeSet::Builder b;
  b.add(9, {"nine"});
  b.add(3, {"three"});
  b.start(5);
  b.value("five");
  b.value("");
  b.add(3, {"three again"});  // the later one counts
  b.add(7, {});                // empty: left out
  b.start(8);                  // no values: left out
  AttributeSet set = b.finish();
  EXPECT_EQ(set.size(), 3u);
  expect_holds(set, 3, {"three again"});
  expect_holds(set, 5, {"five", ""});
  expect_holds(set, 9, {"nine"});
  EXPECT_FALSE(set.has(7));
  EXPECT_FALSE(set.has(8));
  // Reusable: the next set starts empty.
  b.add(1, {"one"});
  AttributeSet next = b.finish();
  EXPECT_EQ(next.size(), 1u);
  expect_holds(next, 1, {"one"});
  EXPECT_TRUE(b.finish().empty());
}

TEST(AttributeSetTest, TheBuilderPutsLongListsOutOfLineWhateverTheHint) {
  AttributeSet::Builder b;
  b.start(2, 0);  // hint too small: decided when finished
  for (const std::string& m : members(kOutOfLineValues)) b.value(m);
  b.start(4, kOutOfLineValues);  // hinted: straight into a list
  for (const std::string& m : members(kOutOfLineValues, 1000)) b.value(m);
  b.add(6, members(kOutOfLineValues + 3, 2000));
  b.add(1, {"small"});
  b.start(3, kOutOfLineValues);  // hinted long, given short: still a short list
  b.value("short");
  AttributeSet set = b.finish();
  EXPECT_TRUE(set.out_of_line(2));
  EXPECT_TRUE(set.out_of_line(4));
  EXPECT_TRUE(set.out_of_line(6));
  EXPECT_FALSE(set.out_of_line(1));
  expect_holds(set, 2, members(kOutOfLineValues));
  expect_holds(set, 4, members(kOutOfLineValues, 1000));
  expect_holds(set, 6, members(kOutOfLineValues + 3, 2000));
  expect_holds(set, 1, {"small"});
  expect_holds(set, 3, {"short"});
  b.start(1, kOutOfLineValues);
  b.value("staged then dropped");
  b.reset();
  EXPECT_TRUE(b.finish().empty());
}

AttributeSet mixed() {
  AttributeSet set;
  set.set(1, {"cn"});
  set.set(2, {"", std::string("\0bin\xff", 5)});
  set.set(3, members(kOutOfLineValues + 7));
  set.set(4, members(40));
  set.set(6, members(2 * kOutOfLineValues, 5000));
  return set;
}

TEST(AttributeSetTest, RoundTripsThroughBothStoreLayouts) {
  const AttributeSet set = mixed();
  AttributeSet decoded;
  ASSERT_TRUE(decode_attribute_set(encode_attribute_set(set), decoded).ok());
  EXPECT_EQ(decoded, set);
  EXPECT_TRUE(decoded.out_of_line(3));
  EXPECT_TRUE(decoded.out_of_line(6));
  EXPECT_FALSE(decoded.out_of_line(4));

  EncodedBody body;
  encode_mv_body_chunked(set, body);
  ASSERT_TRUE(body.chunked());
  const StoredChunks chunks = stored(body);
  AttributeSet from_chunks;
  ASSERT_TRUE(decode_mv_body(body.body, from_chunks, &chunks).ok());
  EXPECT_EQ(from_chunks, set);

  CsObject o;
  o.hologram = set;
  o.pending_import = PendingImportKind::kUpdate;
  o.import_state = set;
  o.import_state.plain().add_value(4, "CN=Added");
  o.unconfirmed.plain().set(4, {"believed"});
  CsObject back;
  ASSERT_TRUE(decode_cs_body(encode_cs_body(o), back).ok());
  EXPECT_EQ(back.hologram, o.hologram);
  EXPECT_EQ(back.import_state, o.import_state);
  EXPECT_EQ(back.unconfirmed, o.unconfirmed);
}

TEST(AttributeSetTest, ADamagedBlobLeavesNothingHalfBuilt) {
  std::string blob = encode_attribute_set(mixed());
  AttributeSet decoded;
  for (size_t cut : {blob.size() - 1, blob.size() / 2, size_t{3}}) {
    EXPECT_FALSE(decode_attribute_set(std::string_view(blob).substr(0, cut), decoded).ok()) << cut;
  }
  // The thread's builder is clean again: a good blob decodes exactly.
  AttributeSet small;
  small.set(1, {"one"});
  ASSERT_TRUE(decode_attribute_set(encode_attribute_set(small), decoded).ok());
  EXPECT_EQ(decoded, small);
}

}  // namespace
}  // namespace idsync
