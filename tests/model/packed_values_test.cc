// PackedValues (model/packed_values.h): a pending export change's values in one exact block,
// read like a ValueList, and its heap accounting (issue 5).
#include "model/packed_values.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "model/memory_usage.h"
#include "model/objects.h"

namespace idsync {
namespace {

ValueList sample_values(size_t n) {
  ValueList out;
  for (size_t i = 0; i < n; ++i) out.push_back("CN=Member " + std::to_string(i) + ",OU=People,DC=example,DC=com");
  return out;
}

TEST(PackedValuesTest, EmptyIsOnePointerAndHoldsNoBlock) {
  static_assert(sizeof(PackedValues) == 8);
  PackedValues p;
  EXPECT_TRUE(p.empty());
  EXPECT_EQ(p.size(), 0u);
  EXPECT_EQ(p.begin(), p.end());
  EXPECT_EQ(p.heap_block(), nullptr);
  EXPECT_EQ(p.block_bytes(), 0u);
  EXPECT_EQ(p, ValueList{});
  EXPECT_EQ(p, PackedValues(ValueList{}));
  EXPECT_EQ(PackedValues(ValueList{}).heap_block(), nullptr) << "an empty list allocates nothing";
  EXPECT_TRUE(p.to_list().empty());
  EXPECT_TRUE(p.view().empty());
}

TEST(PackedValuesTest, ReadsBackEveryValueInOrderIncludingEmptyAndBinaryOnes) {
  const ValueList values = {"alpha", "", std::string("\0\x01\xff", 3), "a much longer value than the inline buffer of a string"};
  const PackedValues p(values);
  ASSERT_EQ(p.size(), values.size());
  EXPECT_FALSE(p.empty());
  for (size_t i = 0; i < values.size(); ++i) EXPECT_EQ(p[i], values[i]) << i;
  EXPECT_EQ(p.front(), "alpha");
  EXPECT_EQ(p.back(), values.back());
  EXPECT_TRUE(std::equal(p.begin(), p.end(), values.begin(), values.end()));
  EXPECT_EQ(p.end() - p.begin(), 4);
  EXPECT_EQ(p.to_list(), values);
  EXPECT_EQ(p, values);
  EXPECT_TRUE(p.view() == values);
  EXPECT_TRUE(p.contains(""));
  EXPECT_FALSE(p.contains("alph"));
  size_t sum = 0;
  for (const std::string& v : values) sum += v.size();
  EXPECT_EQ(p.value_bytes(), sum);
}

TEST(PackedValuesTest, BuildsFromEveryKindOfSourceToTheSameList) {
  const ValueList values = sample_values(7);
  std::vector<std::string_view> views(values.begin(), values.end());
  const PackedValues from_list(values);
  EXPECT_EQ(PackedValues(std::span<const std::string_view>(views)), from_list);
  EXPECT_EQ(PackedValues(ValuesView(values)), from_list);
  EXPECT_EQ(PackedValues({"x", "y"}), (ValueList{"x", "y"}));
  AttributeSet set;
  set.set(4, values);
  EXPECT_EQ(PackedValues(set.get(4)), from_list) << "from a set's packed values";
}

TEST(PackedValuesTest, EqualityIsByValuesAndOrder) {
  EXPECT_EQ(PackedValues({"a", "b"}), PackedValues({"a", "b"}));
  EXPECT_NE(PackedValues({"a", "b"}), PackedValues({"b", "a"}));
  EXPECT_NE(PackedValues({"ab"}), PackedValues({"a", "b"})) << "the same bytes cut differently";
  EXPECT_NE(PackedValues({"a"}), PackedValues());
  EXPECT_FALSE(PackedValues({"a", "b"}) == (ValueList{"a"}));
  EXPECT_FALSE(PackedValues({"a", "c"}) == (ValueList{"a", "b"}));
}

TEST(PackedValuesTest, CopyAndMoveKeepTheValuesAndOwnership) {
  PackedValues a(sample_values(3));
  PackedValues b = a;
  EXPECT_EQ(a, b);
  EXPECT_NE(a.heap_block(), b.heap_block()) << "a copy has its own block";
  const void* block = b.heap_block();
  PackedValues c = std::move(b);
  EXPECT_EQ(c.heap_block(), block) << "a move takes the block";
  EXPECT_TRUE(b.empty());  // NOLINT(bugprone-use-after-move): moved-from is empty by contract
  PackedValues& alias = c;
  c = alias;  // self-assignment keeps the values
  EXPECT_EQ(c, sample_values(3));
  c = PackedValues({"z"});
  EXPECT_EQ(c, (ValueList{"z"}));
  a = PackedValues();
  EXPECT_EQ(a.heap_block(), nullptr);
}

// The exact byte count: one block of count, offsets and bytes; the accounting reports the
// allocator's size of that block and the value bytes, nothing estimated.
TEST(PackedValuesTest, OneExactBlockAndTheAccountingCountsIt) {
  const ValueList values = sample_values(100);
  size_t sum = 0;
  for (const std::string& v : values) sum += v.size();
  const PackedValues p(values);
  EXPECT_EQ(p.block_bytes(), 4 * (values.size() + 2) + sum);
  const HeapBytes b = heap_bytes(p);
  EXPECT_EQ(b.allocated, heap_block_size(p.heap_block()));
  EXPECT_GE(b.allocated, p.block_bytes());
  EXPECT_EQ(b.payload, sum);
  EXPECT_EQ(b.values, values.size());
  EXPECT_EQ(b.slack, 0u);
  // The ValueList it replaces: a 32-byte string per value in a vector block, plus a string
  // block per value of this length; the packed list costs 4 bytes per value beyond the bytes.
  EXPECT_LT(b.allocated, heap_bytes(values).allocated);
  EXPECT_LT(b.allocated - b.payload, heap_bytes(values).allocated - b.payload - 32 * values.size());
  EXPECT_EQ(heap_bytes(PackedValues()).allocated, 0u);
}

TEST(PackedValuesTest, PendingExportChangesRoundTripThroughTheStoreBytes) {
  CsObject o;
  o.id = 7;
  o.dn = "CN=x,DC=example";
  o.pending_export.kind = PendingExportKind::kUpdate;
  o.pending_export.changes.push_back({3, ValueOp::kAdd, sample_values(2)});
  o.pending_export.changes.push_back({5, ValueOp::kDelete, {}});
  o.pending_export.changes.push_back({9, ValueOp::kReplace, {"", "v"}});
  // The layout of the bytes is unchanged: the values are written one by one as before.
  CsObject decoded;
  ASSERT_TRUE(decode_cs_body(encode_cs_body(o), decoded).ok());
  EXPECT_EQ(decoded.pending_export, o.pending_export);
  EXPECT_EQ(decoded.pending_export.changes[2].values, (ValueList{"", "v"}));
  EXPECT_EQ(encode_cs_body(decoded), encode_cs_body(o)) << "decoding and encoding again gives the same bytes";
  // The change's values as the store has always written them: a count, then each value with
  // its length (varints), found whole in the body.
  const std::string body = encode_cs_body(o);
  const std::string third = std::string("\x09\x02\x02") + std::string("\x00", 1) + "\x01v";
  EXPECT_NE(body.find(third), std::string::npos) << "id 9, op kReplace, 2 values: \"\" and \"v\"";
}

}  // namespace
}  // namespace idsync
