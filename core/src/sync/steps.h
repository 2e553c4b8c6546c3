// The run profile steps over a loaded SyncState: import (full / delta), synchronization
// (full / delta) and export. Each fills a StepResult with the reference product's counters
// and per-object errors; a failure that stops the step comes back as a Status and leaves the
// state unsaved, so the store keeps its last committed state.
#pragma once

#include <string>

#include "idsync/connector.h"
#include "idsync/export_limits.h"
#include "idsync/run_result.h"
#include "sync/sync_state.h"

namespace idsync {

// Records a per-object error in `result` (counting all, keeping the first kMaxRecordedErrors).
void record_error(StepResult& result, std::string_view dn, const std::string& type, const std::string& message);

Status run_import(SyncState& state, ConnectorSpace& space, Connector& connector, bool delta,
                  std::string& watermark, StepResult& result, const ProgressCallback& progress);

Status run_sync(SyncState& state, ConnectorSpace& space, bool delta, StepResult& result,
                const ProgressCallback& progress);

// Metaverse objects a synchronization recomputes per parallel round: each round's plans (a new
// attribute set per object) are applied before the next round is planned, so at most this
// many plans are in memory instead of one per metaverse object (issue 5). The outbound link
// and plan passes work in rounds of as many items (provisioning previews, export plans).
// Large enough to keep every core busy. Results do not depend on it; tests set a tiny value
// to prove that.
// 0 restores the default. Process-wide; set it between runs, not during one.
inline constexpr size_t kDefaultRecomputeChunk = 16384;
void set_recompute_chunk(size_t objects);

// Exports the pending exports of `space`. When they exceed `limits` (the deletion threshold,
// the group member-removal limit) nothing is sent and the step stops (sync/export_limits.h).
Status run_export(SyncState& state, ConnectorSpace& space, Connector& connector, const ExportLimits& limits,
                  StepResult& result, const ProgressCallback& progress);

}  // namespace idsync
