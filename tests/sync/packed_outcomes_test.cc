// PackedOutcomes (sync/packed_outcomes.h): a provisioning preview's flow outcomes in one block,
// unpacked to the same outcomes in the same order, every kind and value kept.
#include "sync/packed_outcomes.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace idsync {
namespace {

void expect_same(const std::vector<FlowOutcome>& got, const std::vector<FlowOutcome>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(got[i].kind, want[i].kind) << i;
    EXPECT_EQ(got[i].values, want[i].values) << i;
  }
}

TEST(PackedOutcomesTest, EveryKindAndValueComesBackInFlowOrder) {
  const std::vector<FlowOutcome> want = {
      {FlowOutcome::kValues, {"CN=Ann,OU=People,DC=x"}},
      {FlowOutcome::kNull, {}},
      {FlowOutcome::kIgnore, {}},
      {FlowOutcome::kAuthoritativeNull, {}},
      {FlowOutcome::kValues, {"b", "", std::string("\0\xff", 2), "a"}},  // not sorted, kept so
      {FlowOutcome::kValues, {}},
  };
  const PackedOutcomes p = PackedOutcomes::pack(want);
  EXPECT_EQ(p.size(), want.size());
  EXPECT_NE(p.heap_block(), nullptr);
  expect_same(p.unpack(), want);
  expect_same(p.unpack(), want);  // unpacking leaves the block as it was
}

TEST(PackedOutcomesTest, NoOutcomeHoldsNoBlockAndManyFlowsFitTheWideForm) {
  const PackedOutcomes none = PackedOutcomes::pack({});
  EXPECT_EQ(none.heap_block(), nullptr);
  EXPECT_TRUE(none.unpack().empty());
  // More flows than the narrow form's ids (2^14 with the kind in the low bits).
  std::vector<FlowOutcome> many;
  for (int i = 0; i < 20000; ++i)
    many.push_back({i % 3 == 0 ? FlowOutcome::kNull : FlowOutcome::kValues,
                    i % 3 == 0 ? ValueList{} : ValueList{"v" + std::to_string(i)}});
  expect_same(PackedOutcomes::pack(many).unpack(), many);
}

}  // namespace
}  // namespace idsync
