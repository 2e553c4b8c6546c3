// PackedOutcomes (core/src/sync/packed_outcomes.h): a provisioning preview's flow outcomes
// come back from their packed block exactly as they went in.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sync/packed_outcomes.h"

namespace idsync {
namespace {

FlowOutcome outcome(FlowOutcome::Kind kind, ValueList values) {
  FlowOutcome o;
  o.kind = kind;
  o.values = std::move(values);
  return o;
}

void expect_same(const std::vector<FlowOutcome>& a, const std::vector<FlowOutcome>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].kind, b[i].kind) << "outcome " << i;
    EXPECT_EQ(a[i].values, b[i].values) << "outcome " << i;
  }
}

TEST(PackedOutcomesTest, EveryKindAndValueComesBackInOrder) {
  std::vector<FlowOutcome> in;
  in.push_back(outcome(FlowOutcome::kValues, {"CN=Ann,OU=People,DC=contoso,DC=com"}));
  in.push_back(outcome(FlowOutcome::kNull, {}));
  in.push_back(outcome(FlowOutcome::kIgnore, {}));
  in.push_back(outcome(FlowOutcome::kAuthoritativeNull, {}));
  in.push_back(outcome(FlowOutcome::kValues, {"", std::string("a\0b", 3), "#12345"}));  // empty and binary values
  in.push_back(outcome(FlowOutcome::kValues, {std::string(300, 'x'), std::string(70000, '\xff')}));  // 2- and 3-byte lengths
  ValueList many;
  for (int i = 0; i < 1000; ++i) many.push_back("#" + std::to_string(i));
  in.push_back(outcome(FlowOutcome::kValues, many));  // a 2-byte value count

  const PackedOutcomes packed(in);
  std::vector<FlowOutcome> out{outcome(FlowOutcome::kValues, {"left over"})};  // replaced, not appended to
  packed.unpack(out);
  expect_same(out, in);
  packed.unpack(out);  // unpacking leaves the block as it was
  expect_same(out, in);
}

TEST(PackedOutcomesTest, NoOutcomesAndNothingPackedAreBothEmptyLists) {
  std::vector<FlowOutcome> out{outcome(FlowOutcome::kNull, {})};
  PackedOutcomes().unpack(out);
  EXPECT_TRUE(out.empty());
  const PackedOutcomes none{std::vector<FlowOutcome>{}};
  out.push_back(outcome(FlowOutcome::kNull, {}));
  none.unpack(out);
  EXPECT_TRUE(out.empty());
}

// Why it exists: one exact block instead of a vector of strings per outcome.
TEST(PackedOutcomesTest, HoldsTheValueBytesAndLittleElse) {
  std::vector<FlowOutcome> in;
  size_t value_bytes = 0;
  for (int i = 0; i < 30; ++i) {
    in.push_back(outcome(FlowOutcome::kValues, {"value of attribute " + std::to_string(i)}));
    value_bytes += in.back().values[0].size();
  }
  const PackedOutcomes packed(in);
  EXPECT_LE(packed.heap_bytes(), value_bytes + 3 * in.size() + 16);
}

// The plan pass resets each item once it has unpacked it: the block must go then, not when
// the whole item list goes at the end of the run.
TEST(PackedOutcomesTest, AssigningAnEmptyOneFreesTheBlockAndAMovedFromOneIsEmpty) {
  std::vector<FlowOutcome> in{outcome(FlowOutcome::kValues, {std::string(100, 'v')})};
  PackedOutcomes packed(in);
  ASSERT_GT(packed.heap_bytes(), 100u);
  PackedOutcomes taken(std::move(packed));
  EXPECT_TRUE(packed.empty());  // NOLINT(bugprone-use-after-move): moved-from is specified here
  std::vector<FlowOutcome> out;
  packed.unpack(out);
  EXPECT_TRUE(out.empty());
  taken.unpack(out);
  expect_same(out, in);
  taken = PackedOutcomes();
  EXPECT_TRUE(taken.empty());
  EXPECT_EQ(taken.heap_bytes(), 0u);
}

}  // namespace
}  // namespace idsync
