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

// The block's size is exact: a 20-byte header and sentinel, 8 bytes per attribute and 4 per
// value beside the value bytes; the allocator may round it up to its size class (mimalloc's
// classes are at most about 1/7 apart: a quarter is a safe bound).
TEST(AttributeSetMemoryTest, TheBlockIsTheValueBytesPlusEightPerAttributeAndFourPerValue) {
  for (auto [attributes, values_each] : {std::pair<size_t, size_t>{1, 1}, {30, 1}, {37, 5}, {3, 200}}) {
    AttributeSet set = sample(attributes, values_each);
    HeapBytes b = heap_bytes(set);
    const uint64_t values = attributes * values_each;
    ASSERT_EQ(b.values, values);
    const uint64_t exact = b.payload + 8 * attributes + 4 * values + 20;
    EXPECT_EQ(set.block_bytes(), exact) << attributes << " x " << values_each;
    EXPECT_GE(b.allocated, exact);
    EXPECT_LE(b.allocated, exact + exact / 4 + 16) << attributes << " x " << values_each;
  }
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
