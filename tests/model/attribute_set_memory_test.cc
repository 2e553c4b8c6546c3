// AttributeSet memory (issue 5): decoded sets are sized exactly, clear() frees the block, and
// the heap accounting of model/memory_usage.h counts what is really there.
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

TEST(AttributeSetMemoryTest, ShrinkToFitTrimsItemsAndValueLists) {
  AttributeSet set = sample(9, 3);  // built by set(): items grown by doubling to 16
  set.add_value(1, "one more");     // a value list grown past its size
  ASSERT_GT(heap_bytes(set).slack, 0u);
  AttributeSet copy = set;
  set.shrink_to_fit();
  EXPECT_EQ(set, copy);
  EXPECT_EQ(heap_bytes(set).slack, 0u);
}

TEST(AttributeSetMemoryTest, HeapBytesCountsValuesPayloadAndBlocks) {
  AttributeSet set;
  set.set(1, {"short", std::string(100, 'x')});
  HeapBytes b = heap_bytes(set);
  EXPECT_EQ(b.values, 2u);
  EXPECT_EQ(b.payload, 105u);
  // Whatever the layout, both values' bytes are on the heap once the set holds them... but
  // the 5-byte one may be inline in a std::string: at least the long value's bytes.
  EXPECT_GE(b.allocated, 100u + 2 * sizeof(uint32_t));
}

}  // namespace
}  // namespace idsync
