// The export safety limits (idsync/export_limits.h) applied to one connector's pending
// exports. A file of its own so the export step only calls it: the step sends nothing when
// check_export_limits() returns an error.
#pragma once

#include <vector>

#include "idsync/export_limits.h"
#include "idsync/run_result.h"
#include "model/attribute_table.h"
#include "sync/sync_state.h"

namespace idsync {

// Values a pending export removes from one multi-valued reference attribute (a group's
// member list), and how many values the directory held before.
struct MemberRemoval {
  AttrId attr = 0;
  uint64_t removals = 0;
  uint64_t members_before = 0;
};

// The member removals of `o`'s pending export (empty unless it is an update that removes
// values of a multi-valued reference attribute).
std::vector<MemberRemoval> member_removals(const CsObject& o, const AttributeTable& attrs);

// Ok when `pending` (the objects of `space` with a pending export) stays within `limits`.
// Otherwise sets result.result to the stopped-* status, records each offending object as an
// error, and returns kStopped with a message naming the connector, the counts and what to do.
Status check_export_limits(const ConnectorSpace& space, const std::vector<CsObject*>& pending,
                           const AttributeTable& attrs, const ExportLimits& limits, StepResult& result);

}  // namespace idsync
