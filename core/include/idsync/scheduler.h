// The sync scheduler's state and its arithmetic (REFERENCE.md "Operations"): when the next
// cycle is due, with which policy, and when run history is purged. Field names follow
// Get-ADSyncScheduler so that scripts and administrators read the same words.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "idsync/status.h"

namespace idsync {

struct SchedulerSettings {
  int64_t allowed_sync_cycle_interval_s = 30 * 60;      // AllowedSyncCycleInterval: the shortest allowed
  int64_t customized_sync_cycle_interval_s = 0;          // CustomizedSyncCycleInterval: 0 = not set
  std::string next_sync_cycle_policy_type = "Delta";     // NextSyncCyclePolicyType: Delta | Initial
  int64_t next_sync_cycle_start_ms = 0;                  // NextSyncCycleStartTimeInUTC (unix ms); 0 = now
  int64_t purge_run_history_interval_s = 7 * 24 * 3600;  // PurgeRunHistoryInterval
  bool sync_cycle_enabled = true;                        // SyncCycleEnabled
  bool maintenance_enabled = true;                       // MaintenanceEnabled (run history purge)
  bool staging_mode_enabled = false;                     // StagingModeEnabled
  bool scheduler_suspended = false;                      // SchedulerSuspended
  bool operator==(const SchedulerSettings&) const = default;
};

// CurrentlyEffectiveSyncCycleInterval: the customized interval, but never below the allowed one.
int64_t effective_sync_cycle_interval_s(const SchedulerSettings& s);

// Whether a cycle should start at `now_ms`.
bool sync_cycle_due(const SchedulerSettings& s, int64_t now_ms);

// After a cycle that started at `start_ms`: the next start time and policy (Delta).
void schedule_next_cycle(SchedulerSettings& s, int64_t start_ms);

// JSON with the Get-ADSyncScheduler field names (plus SyncCycleInProgress, supplied by the
// caller since it is the state of the run lock, not a setting).
std::string scheduler_to_json(const SchedulerSettings& s, bool sync_cycle_in_progress);
Result<SchedulerSettings> scheduler_from_json(const std::string& json);

// Per-connector overrides honoured once by the next cycle, then cleared
// (Set-ADSyncSchedulerConnectorOverride).
struct ConnectorOverride {
  bool full_import_required = false;
  bool full_sync_required = false;
  bool operator==(const ConnectorOverride&) const = default;
};

}  // namespace idsync
