// AttributeSet's two block forms (model/attribute_set.h): narrow (u16 counts, ids and offsets)
// while the block fits in 64 KiB, wide (u32) beyond. Crossing the boundary both ways by a value
// added and removed, every read path and mutator in both forms, long lists out of line in
// both, copies / moves / equality across forms, and damaged blobs of both.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "model/memory_usage.h"
#include "model/objects.h"

namespace idsync {
namespace {

// One attribute, one value of `n` bytes: a narrow block of 4 (head) + 4 * 2 (entry, sentinel)
// + 2 * 2 (offsets) + n bytes.
constexpr size_t kOneValueNarrowOverhead = 16;

void expect_holds(const AttributeSet& set, AttrId id, const ValueList& want) {
  ValuesView v = set.get(id);
  ASSERT_EQ(v.size(), want.size()) << "attribute " << id;
  EXPECT_EQ(set.has(id), !want.empty());
  EXPECT_EQ(v.to_list(), want);
  size_t bytes = 0;
  for (size_t i = 0; i < want.size(); ++i) {
    ASSERT_EQ(v[i], want[i]) << i;
    bytes += want[i].size();
  }
  if (v.list() == nullptr) {
    EXPECT_EQ(v.value_bytes(), bytes);
  }
  size_t i = 0;
  for (std::string_view s : v) ASSERT_EQ(s, want[i++]);
}

// The same attributes through items(), in id order.
std::vector<std::pair<AttrId, ValueList>> listed(const AttributeSet& set) {
  std::vector<std::pair<AttrId, ValueList>> out;
  for (const AttrEntry& e : set.items()) out.emplace_back(e.id, e.values.to_list());
  return out;
}

ValueList users(size_t n, size_t from = 0) {
  ValueList out;
  for (size_t i = from; i < from + n; ++i) out.push_back("CN=User " + std::to_string(i) + ",OU=People,DC=example,DC=com");
  return out;
}

TEST(AttributeSetFormsTest, AnEmptySetIsNeitherForm) {
  AttributeSet set;
  EXPECT_FALSE(set.narrow());
  EXPECT_EQ(set.block_bytes(), 0u);
  EXPECT_FALSE(set.get(1));
  EXPECT_FALSE(set.get(70000));
}

TEST(AttributeSetFormsTest, ABlockOfExactly64KiBIsNarrowAndOneByteMoreIsWide) {
  const std::string at_limit(kNarrowMaxBytes - kOneValueNarrowOverhead, 'a');
  AttributeSet narrow;
  narrow.set(1, {at_limit});
  ASSERT_TRUE(narrow.narrow());
  EXPECT_EQ(narrow.block_bytes(), kNarrowMaxBytes);
  expect_holds(narrow, 1, {at_limit});

  const std::string over = at_limit + "b";
  AttributeSet wide;
  wide.set(1, {over});
  ASSERT_FALSE(wide.narrow());
  EXPECT_EQ(wide.block_bytes(), 8 + 8 * 2 + 4 * 2 + over.size());
  expect_holds(wide, 1, {over});
  EXPECT_FALSE(narrow == wide);
}

TEST(AttributeSetFormsTest, AValueAddedCrossesTo64KiBAndRemovedComesBack) {
  const std::string big(kNarrowMaxBytes - kOneValueNarrowOverhead, 'a');
  AttributeSet set;
  set.set(5, {big});
  ASSERT_TRUE(set.narrow());
  const AttributeSet before = set;

  set.add_value(9, "x");  // one attribute, one value and one byte more: over the limit
  ASSERT_FALSE(set.narrow());
  EXPECT_EQ(set.block_bytes(), 8 + 8 * 3 + 4 * 3 + big.size() + 1);
  expect_holds(set, 5, {big});
  expect_holds(set, 9, {"x"});
  EXPECT_FALSE(set.get(7));
  EXPECT_FALSE(set == before);

  set.remove_value(9, "x");
  ASSERT_TRUE(set.narrow());
  EXPECT_EQ(set, before);
  EXPECT_EQ(set.block_bytes(), kNarrowMaxBytes);

  // A second value in the same attribute, then taken out with take().
  set.add_value(5, "y");
  ASSERT_FALSE(set.narrow());
  expect_holds(set, 5, {big, "y"});
  ValueList taken = set.take(5);
  EXPECT_EQ(taken, (ValueList{big, "y"}));
  EXPECT_TRUE(set.empty());
  EXPECT_FALSE(set.narrow());
}

TEST(AttributeSetFormsTest, AnIdBeyondSixteenBitsMakesTheBlockWide) {
  AttributeSet set;
  set.set(3, {"three"});
  ASSERT_TRUE(set.narrow());
  set.set(65535, {"last narrow id"});
  ASSERT_TRUE(set.narrow());
  expect_holds(set, 65535, {"last narrow id"});
  EXPECT_FALSE(set.get(65536));
  EXPECT_FALSE(set.get(65535 + 65536 + 3));  // would alias id 3 if truncated to 16 bits
  set.set(65536, {"wide id"});
  ASSERT_FALSE(set.narrow());
  expect_holds(set, 3, {"three"});
  expect_holds(set, 65535, {"last narrow id"});
  expect_holds(set, 65536, {"wide id"});
  EXPECT_FALSE(set.get(65535 + 65536 + 3));
  set.erase(65536);
  ASSERT_TRUE(set.narrow());
  EXPECT_EQ(listed(set), (std::vector<std::pair<AttrId, ValueList>>{{3, {"three"}}, {65535, {"last narrow id"}}}));
}

TEST(AttributeSetFormsTest, EveryMutatorWorksTheSameInBothForms) {
  // The same operations on a narrow set and on one made wide by a filler attribute past 64 KiB.
  for (bool make_wide : {false, true}) {
    SCOPED_TRACE(make_wide ? "wide" : "narrow");
    AttributeSet set;
    if (make_wide) set.set(60, {std::string(kNarrowMaxBytes, 'f')});
    set.set(10, {"a", "b", "c"});
    set.set(2, {""});
    set.add_value(10, "d");
    set.add_value(10, "b");  // present: no change
    set.remove_value(10, "a");
    set.remove_value(10, "zz");  // absent: no change
    set.set(30, users(kOutOfLineValues));  // out of line
    set.add_value(30, "CN=Added");
    set.remove_value(30, users(1).front());
    ASSERT_EQ(set.narrow(), !make_wide);
    expect_holds(set, 10, {"b", "c", "d"});
    expect_holds(set, 2, {""});
    EXPECT_TRUE(set.out_of_line(30));
    EXPECT_FALSE(set.out_of_line(10));
    ValueList long_list = users(kOutOfLineValues - 1, 1);
    long_list.push_back("CN=Added");
    expect_holds(set, 30, long_list);
    ValueList taken = set.take(10);
    EXPECT_EQ(taken, (ValueList{"b", "c", "d"}));
    EXPECT_FALSE(set.has(10));
    expect_holds(set, 30, long_list);
    set.erase(30);
    EXPECT_FALSE(set.has(30));
    expect_holds(set, 2, {""});
    EXPECT_EQ(set.narrow(), !make_wide);
    EXPECT_EQ(set.size(), make_wide ? 2u : 1u);
  }
}

TEST(AttributeSetFormsTest, TheBuilderPicksTheFormByTheBlocksSize) {
  AttributeSet::Builder builder;
  builder.start(4);
  builder.value("four");
  builder.add(1, {"one", "uno"});
  AttributeSet narrow = builder.finish();
  ASSERT_TRUE(narrow.narrow());
  expect_holds(narrow, 1, {"one", "uno"});
  expect_holds(narrow, 4, {"four"});

  builder.start(4);
  builder.value("four");
  builder.add(1, {"one", std::string(kNarrowMaxBytes, 'u')});
  AttributeSet wide = builder.finish();
  ASSERT_FALSE(wide.narrow());
  expect_holds(wide, 1, {"one", std::string(kNarrowMaxBytes, 'u')});
  expect_holds(wide, 4, {"four"});

  // Built in one go or attribute by attribute: the same block, byte for byte.
  AttributeSet by_set;
  by_set.set(4, {"four"});
  by_set.set(1, {"one", "uno"});
  EXPECT_EQ(by_set, narrow);
  EXPECT_EQ(by_set.block_bytes(), narrow.block_bytes());
}

TEST(AttributeSetFormsTest, CopiesMovesAndEqualityAcrossForms) {
  AttributeSet narrow;
  narrow.set(1, {"one"});
  narrow.set(7, users(kOutOfLineValues + 3));
  AttributeSet wide = narrow;
  wide.set(2, {std::string(kNarrowMaxBytes, 'w')});
  ASSERT_TRUE(narrow.narrow());
  ASSERT_FALSE(wide.narrow());
  EXPECT_FALSE(narrow == wide);
  EXPECT_FALSE(wide == narrow);

  // A copy keeps the form and owns its own long list.
  AttributeSet narrow_copy = narrow, wide_copy = wide;
  EXPECT_TRUE(narrow_copy.narrow());
  EXPECT_FALSE(wide_copy.narrow());
  EXPECT_EQ(narrow_copy, narrow);
  EXPECT_EQ(wide_copy, wide);
  EXPECT_NE(wide_copy.get(7).list(), wide.get(7).list());
  wide_copy.add_value(7, "CN=Only in the copy");
  EXPECT_FALSE(wide_copy == wide);
  expect_holds(wide, 7, users(kOutOfLineValues + 3));

  // Assigning one form over the other, and moving, carry the form with the contents.
  AttributeSet target = narrow;
  target = wide;
  EXPECT_FALSE(target.narrow());
  EXPECT_EQ(target, wide);
  target = narrow;
  EXPECT_TRUE(target.narrow());
  EXPECT_EQ(target, narrow);
  AttributeSet moved = std::move(wide_copy);
  EXPECT_FALSE(moved.narrow());
  EXPECT_TRUE(wide_copy.empty());  // NOLINT: a moved-from set is empty
  target = std::move(moved);
  EXPECT_FALSE(target.narrow());
  expect_holds(target, 2, {std::string(kNarrowMaxBytes, 'w')});

  // Shrunk back under the limit the wide set is narrow again and equal to the narrow one.
  target.erase(2);
  target.remove_value(7, "CN=Only in the copy");
  ASSERT_TRUE(target.narrow());
  EXPECT_EQ(target, narrow);
}

TEST(AttributeSetFormsTest, BothFormsRoundTripThroughTheStoreEncodingAndHeapAccounting) {
  AttributeSet narrow;
  narrow.set(1, users(40));
  narrow.set(3, users(kOutOfLineValues, 100));
  AttributeSet wide = narrow;
  wide.set(2, users(500, 1000));  // 2,000 values of 40 bytes more: over 64 KiB
  wide.set(4, users(500, 2000));
  wide.set(5, users(500, 3000));
  wide.set(6, users(500, 4000));
  ASSERT_TRUE(narrow.narrow());
  ASSERT_FALSE(wide.narrow());
  for (const AttributeSet* set : {&narrow, &wide}) {
    AttributeSet decoded;
    ASSERT_TRUE(decode_attribute_set(encode_attribute_set(*set), decoded).ok());
    EXPECT_EQ(decoded, *set);
    EXPECT_EQ(decoded.narrow(), set->narrow());
    EXPECT_EQ(decoded.block_bytes(), set->block_bytes());
    EXPECT_TRUE(decoded.out_of_line(3));
    HeapBytes b = heap_bytes(decoded);
    EXPECT_EQ(b.values, set == &narrow ? 40u + kOutOfLineValues : 40u + 4 * 500 + kOutOfLineValues);
    EXPECT_EQ(b.slack, 0u);
  }
  // The encoding does not depend on the form: the same attributes encode the same whatever
  // form the set in memory had (the narrow one is a subset of the wide one here).
  AttributeSet wide_then_narrow = wide;
  for (AttrId id : {2, 4, 5, 6}) wide_then_narrow.erase(id);
  EXPECT_EQ(encode_attribute_set(wide_then_narrow), encode_attribute_set(narrow));
}

TEST(AttributeSetFormsTest, ADamagedBlobOfEitherFormLeavesNothingHalfBuilt) {
  AttributeSet narrow;
  narrow.set(1, users(30));
  narrow.set(2, {"x"});
  AttributeSet wide = narrow;
  wide.set(3, {std::string(kNarrowMaxBytes + 10, 'w')});
  ASSERT_TRUE(narrow.narrow());
  ASSERT_FALSE(wide.narrow());
  for (const AttributeSet* set : {&narrow, &wide}) {
    const std::string blob = encode_attribute_set(*set);
    AttributeSet decoded;
    for (size_t cut : {blob.size() - 1, blob.size() / 2, size_t{3}})
      EXPECT_FALSE(decode_attribute_set(std::string_view(blob).substr(0, cut), decoded).ok()) << cut;
    ASSERT_TRUE(decode_attribute_set(blob, decoded).ok());
    EXPECT_EQ(decoded, *set);
  }
}

}  // namespace
}  // namespace idsync
