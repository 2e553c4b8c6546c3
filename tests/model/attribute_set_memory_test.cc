// AttributeSet memory (issue 5): a set is one exact block (long lists apart), clear() frees it,
// and the heap accounting of model/memory_usage.h counts what is really there.
#include <gtest/gtest.h>

#include "model/memory_usage.h"
#include "model/objects.h"

namespace idsync {
namespace {

AttributeSet sample(size_t attributes, size_t values_each) {
  AttributeSet set;
  for (size_t a = 0; a < attributes; ++a) {
    ValueList values;
    for (size_t v = 0; v < values_each; ++v)
      values.push_back("CN=Member " + std::to_string(a * 1000 + v) + ",OU=People,DC=example,DC=com");
    set.set(static_cast<AttrId>(a * 3 + 1), std::move(values));
  }
  return set;
}

TEST(AttributeSetMemoryTest, DecodedSetsHaveNoCapacitySlack) {
  AttributeSet built = sample(37, 5);  // 37 attributes: a doubling vector would hold 64 slots
  built.add_value(200, "x");
  AttributeSet decoded;
  ASSERT_TRUE(decode_attribute_set(encode_attribute_set(built), decoded).ok());
  ASSERT_EQ(decoded, built);
  EXPECT_EQ(heap_bytes(decoded).slack, 0u);
}

TEST(AttributeSetMemoryTest, ALongValueListDecodesToItsExactSize) {
  AttributeSet built = sample(1, 5000);
  AttributeSet decoded;
  ASSERT_TRUE(decode_attribute_set(encode_attribute_set(built), decoded).ok());
  EXPECT_EQ(decoded.get(1).size(), 5000u);
  EXPECT_EQ(heap_bytes(decoded).slack, 0u);
}

TEST(AttributeSetMemoryTest, AnAbsurdCountInDamagedDataReservesNothingLarge) {
  // One attribute claiming 2^40 values, then nothing: rejected, without reserving for 2^40.
  std::string blob = {'\x01', '\x05', '\x80', '\x80', '\x80', '\x80', '\x80', '\x20'};
  AttributeSet decoded;
  EXPECT_FALSE(decode_attribute_set(blob, decoded).ok());
}

TEST(AttributeSetMemoryTest, ClearFreesTheItemsBlock) {
  AttributeSet set = sample(20, 2);
  ASSERT_GT(heap_bytes(set).allocated, 0u);
  set.clear();
  EXPECT_TRUE(set.empty());
  EXPECT_EQ(heap_bytes(set).allocated, 0u);
}

TEST(AttributeSetMemoryTest, ShrinkToFitTrimsOutOfLineLists) {
  AttributeSet set = sample(9, 3);
  for (int i = 0; i < 600; ++i) set.add_value(1, "member " + std::to_string(i));  // out of line, grown by doubling
  ASSERT_TRUE(set.out_of_line(1));
  ASSERT_GT(heap_bytes(set).slack, 0u);
  AttributeSet copy = set;
  set.shrink_to_fit();
  EXPECT_EQ(set, copy);
  EXPECT_EQ(heap_bytes(set).slack, 0u);
}

TEST(AttributeSetMemoryTest, APackedSetHasNoSlackAtAll) {
  AttributeSet set = sample(9, 3);  // built by set(), attribute by attribute
  set.add_value(1, "one more");
  EXPECT_EQ(heap_bytes(set).slack, 0u);
}

// The block's size is exact. Narrow form (the block fits in 64 KiB): a 10-byte header and
// sentinel, 4 bytes per attribute and 2 per value beside the value bytes; wide form: 20, 8
// and 4. The allocator may round it up to its size class (mimalloc's classes are at most
// about 1/7 apart: a quarter is a safe bound).
TEST(AttributeSetMemoryTest, TheBlockIsTheValueBytesPlusFourPerAttributeAndTwoPerValueWhenNarrow) {
  for (auto [attributes, values_each] : {std::pair<size_t, size_t>{1, 1}, {30, 1}, {37, 5}, {3, 200}}) {
    AttributeSet set = sample(attributes, values_each);
    ASSERT_TRUE(set.narrow()) << attributes << " x " << values_each;
    HeapBytes b = heap_bytes(set);
    const uint64_t values = attributes * values_each;
    ASSERT_EQ(b.values, values);
    const uint64_t exact = b.payload + 4 * attributes + 2 * values + 10;
    EXPECT_EQ(set.block_bytes(), exact) << attributes << " x " << values_each;
    EXPECT_GE(b.allocated, exact);
    EXPECT_LE(b.allocated, exact + exact / 4 + 16) << attributes << " x " << values_each;
  }
}

TEST(AttributeSetMemoryTest, TheBlockIsTheValueBytesPlusEightPerAttributeAndFourPerValueWhenWide) {
  // About 1,600 to 1,800 values of ~42 bytes (over 64 KiB): wide by their bytes.
  for (auto [attributes, values_each] : {std::pair<size_t, size_t>{4, 450}, {20, 80}, {200, 8}}) {
    AttributeSet set = sample(attributes, values_each);
    HeapBytes b = heap_bytes(set);
    const uint64_t values = attributes * values_each;
    ASSERT_EQ(b.values, values);
    ASSERT_GT(b.payload + 4 * attributes + 2 * values + 10, kNarrowMaxBytes);
    ASSERT_FALSE(set.narrow()) << attributes << " x " << values_each;
    const uint64_t exact = b.payload + 8 * attributes + 4 * values + 20;
    EXPECT_EQ(set.block_bytes(), exact) << attributes << " x " << values_each;
    EXPECT_GE(b.allocated, exact);
    EXPECT_LE(b.allocated, exact + exact / 4 + 16) << attributes << " x " << values_each;
  }
  // An id above 2^16 makes even a small set wide.
  AttributeSet set;
  set.set(70000, {"abc"});
  set.set(2, {"de", "f"});
  ASSERT_FALSE(set.narrow());
  EXPECT_EQ(set.block_bytes(), 6u + 8 * 2 + 4 * 3 + 20);
}

// A long list out of line costs its pointer after the packed block, padded to 8, in either form.
TEST(AttributeSetMemoryTest, AnOutOfLineListCostsAPointerAfterTheBlockInEitherForm) {
  AttributeSet set = sample(2, 3);
  set.set(1000, ValueList(kOutOfLineValues, "member"));
  ASSERT_TRUE(set.out_of_line(1000));
  ASSERT_TRUE(set.narrow());
  const size_t payload = heap_bytes(sample(2, 3)).payload;
  const size_t end = payload + 4 * 3 + 2 * 6 + 10;
  EXPECT_EQ(set.block_bytes(), ((end + 7) & ~size_t{7}) + 8);
  AttributeSet wide = sample(20, 80);
  wide.set(1000, ValueList(kOutOfLineValues, "member"));
  ASSERT_FALSE(wide.narrow());
  const size_t wide_end = heap_bytes(sample(20, 80)).payload + 8 * 21 + 4 * 1600 + 20;
  EXPECT_EQ(wide.block_bytes(), ((wide_end + 7) & ~size_t{7}) + 8);
}

// What issue 5 is about: a user-like object (30 attributes of 5..60 bytes, two multi-valued)
// costs at most 1.5x its value bytes, where a std::string per value and a vector per
// attribute cost about 4.5x.
TEST(AttributeSetMemoryTest, AUserLikeObjectCostsLessThanOneAndAHalfTimesItsValueBytes) {
  AttributeSet::Builder builder;
  for (AttrId a = 0; a < 30; ++a) {
    builder.start(a * 2 + 1);
    const size_t n = a == 7 ? 6 : (a == 11 ? 3 : 1);
    for (size_t v = 0; v < n; ++v) builder.value(std::string(5 + (a * 7 + v * 13) % 56, static_cast<char>('a' + a % 26)));
  }
  AttributeSet set = builder.finish();
  HeapBytes b = heap_bytes(set);
  ASSERT_EQ(set.size(), 30u);
  EXPECT_LT(static_cast<double>(b.allocated), 1.5 * static_cast<double>(b.payload))
      << b.allocated << " bytes for " << b.payload << " value bytes";
}

TEST(AttributeSetMemoryTest, HeapBytesCountsValuesPayloadAndBlocks) {
  AttributeSet set;
  set.set(1, {"short", std::string(100, 'x')});
  HeapBytes b = heap_bytes(set);
  EXPECT_EQ(b.values, 2u);
  EXPECT_EQ(b.payload, 105u);
  // One block: both values' bytes, their offsets and the attribute's entry.
  EXPECT_GE(b.allocated, 105u + 8 + 2 * 4);
}

}  // namespace
}  // namespace idsync
