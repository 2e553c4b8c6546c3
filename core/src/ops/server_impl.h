// Server's private state, shared by the files that implement Server (server.cc: runs and
// queries; operations.cc: scheduler, staging, overrides, stop, purge).
#pragma once

#include <memory>

#include "idsync/server.h"
#include "store/store.h"
#include "sync/sync_state.h"

namespace idsync {

struct Server::Impl {
  std::unique_ptr<Store> store;
  const ConnectorRegistry* registry = nullptr;
  // The engine state of the last run, kept while it is current (SyncState::is_current), so
  // that a delta run does not load the whole store again.
  std::unique_ptr<SyncState> resident_state;
};

// Setting keys.
inline constexpr const char* kSchedulerSetting = "scheduler";
inline constexpr const char* kStopRequestedSetting = "stop_requested";
inline constexpr const char* kDeletionThresholdSetting = "deletion_threshold";
inline constexpr const char* kMemberRemovalLimitSetting = "member_removal_limit";
inline constexpr const char* kLastCycleSetting = "last_cycle";  // {"policy","result","startMs","endMs"}
inline std::string override_setting(const std::string& connector) { return "override." + to_lower_ascii(connector); }

// Writes one setting in its own transaction.
Status put_setting_now(Store& store, const std::string& key, const std::string& value);
Result<SchedulerSettings> load_scheduler(Store& store);
// The deletion threshold and the group member-removal limit as the next export applies them.
Result<ExportLimits> load_export_limits(Server& server);
Result<ConnectorOverride> load_override(Store& store, const std::string& connector);

}  // namespace idsync
