#include "sync/packed_outcomes.h"

#include <stdexcept>

namespace idsync {

PackedOutcomes PackedOutcomes::pack(const std::vector<FlowOutcome>& outcomes) {
  static_assert(FlowOutcome::kAuthoritativeNull < (1u << kKindBits), "every kind fits in the id's low bits");
  if (outcomes.size() >= (size_t{1} << (32 - kKindBits))) throw std::length_error("too many flow outcomes to pack");
  thread_local PendingChanges::Builder builder;  // its buffers are kept from one item to the next
  builder.reset();
  for (size_t i = 0; i < outcomes.size(); ++i)
    builder.add(static_cast<AttrId>(i << kKindBits | outcomes[i].kind), ValueOp::kReplace, outcomes[i].values);
  PackedOutcomes out;
  out.outcomes_ = builder.finish();
  return out;
}

std::vector<FlowOutcome> PackedOutcomes::unpack() const {
  std::vector<FlowOutcome> out;
  out.reserve(outcomes_.size());
  for (const PendingChange c : outcomes_)
    out.push_back(FlowOutcome{static_cast<FlowOutcome::Kind>(c.id & ((1u << kKindBits) - 1)), c.values.to_list()});
  return out;
}

}  // namespace idsync
