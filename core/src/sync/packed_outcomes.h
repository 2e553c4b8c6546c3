// PackedOutcomes: the flow outcomes of one provisioning preview in one heap block, kept from
// the link pass of a synchronization to its plan pass (sync_step.cc, OutboundItem).
//
// Issue 5: the preview of every object the run provisions is kept until its export is planned
// (the plan takes the outcomes instead of evaluating the flows again). At the Initial cycle
// that is every cloud object, all at once before the first plan: as a vector of FlowOutcome
// (a std::string per value) it was the largest transient of the full sync, about three times
// the value bytes. Packed as a PendingChanges block (model/pending_changes.h) whose change i
// is the outcome of flow i (id = i << 2 | the outcome's kind), it costs about 1.4 times; the
// plan unpacks one item at a time.
#pragma once

#include <vector>

#include "model/pending_changes.h"
#include "rules/compiled_rule.h"

namespace idsync {

class PackedOutcomes {
 public:
  // The outcomes, in flow order.
  static PackedOutcomes pack(const std::vector<FlowOutcome>& outcomes);
  // The outcomes again, in the order they were packed.
  std::vector<FlowOutcome> unpack() const;
  size_t size() const { return outcomes_.size(); }
  // The heap block (null when there is no outcome), for tests.
  const void* heap_block() const { return outcomes_.heap_block(); }

 private:
  static constexpr unsigned kKindBits = 2;  // FlowOutcome::Kind has four values
  PendingChanges outcomes_;                 // change i: id i << 2 | kind, op kReplace
};

}  // namespace idsync
