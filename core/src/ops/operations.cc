// Server operations: scheduler state, staging mode, connector overrides, stop requests, run
// history purge. They write small settings in their own transactions, so they work while a
// cycle holds the run lock (SQLite's busy timeout covers the cycle's short commits).
#include <nlohmann/json.hpp>

#include "ops/server_impl.h"

namespace idsync {

Status put_setting_now(Store& store, const std::string& key, const std::string& value) {
  IDSYNC_RETURN_IF_ERROR(store.begin());
  Status s = store.put_setting(key, value);
  if (!s.ok()) {
    store.rollback();
    return s;
  }
  return store.commit();
}

Result<SchedulerSettings> load_scheduler(Store& store) {
  auto v = store.get_setting(kSchedulerSetting);
  if (!v.ok()) return v.status();
  if (!v->has_value()) return SchedulerSettings{};
  return scheduler_from_json(**v);
}

Result<ConnectorOverride> load_override(Store& store, const std::string& connector) {
  auto v = store.get_setting(override_setting(connector));
  if (!v.ok()) return v.status();
  ConnectorOverride o;
  if (!v->has_value()) return o;
  try {
    auto j = nlohmann::json::parse(**v);
    o.full_import_required = j.value("FullImportRequired", false);
    o.full_sync_required = j.value("FullSyncRequired", false);
  } catch (const std::exception& e) {
    return Status::Error(ErrorCode::kStoreError, "damaged override of connector '" + connector + "': " + e.what());
  }
  return o;
}

Result<SchedulerSettings> Server::scheduler() { return load_scheduler(*impl_->store); }

Status Server::set_scheduler(const SchedulerSettings& settings) {
  if (settings.customized_sync_cycle_interval_s < 0 || settings.purge_run_history_interval_s <= 0)
    return Status::Error(ErrorCode::kInvalidArgument,
                         "intervals must be positive (CustomizedSyncCycleInterval may be 0 = not set)");
  if (settings.next_sync_cycle_policy_type != "Delta" && settings.next_sync_cycle_policy_type != "Initial")
    return Status::Error(ErrorCode::kInvalidArgument, "NextSyncCyclePolicyType must be Delta or Initial, not '" +
                                                          settings.next_sync_cycle_policy_type + "'");
  return put_setting_now(*impl_->store, kSchedulerSetting, scheduler_to_json(settings, false));
}

Result<std::optional<std::string>> Server::running() { return impl_->store->run_lock_holder(); }

Result<ConnectorOverride> Server::connector_override(const std::string& connector) {
  auto names = impl_->store->load_connectors();
  if (!names.ok()) return names.status();
  for (const ConnectorRow& row : *names)
    if (iequals(row.name, connector)) return load_override(*impl_->store, row.name);
  return Status::Error(ErrorCode::kNotFound, "no connector named '" + connector + "'");
}

Status Server::set_connector_override(const std::string& connector, const ConnectorOverride& value) {
  auto names = impl_->store->load_connectors();
  if (!names.ok()) return names.status();
  for (const ConnectorRow& row : *names) {
    if (!iequals(row.name, connector)) continue;
    nlohmann::json j = {{"FullImportRequired", value.full_import_required},
                        {"FullSyncRequired", value.full_sync_required}};
    return put_setting_now(*impl_->store, override_setting(row.name), j.dump());
  }
  return Status::Error(ErrorCode::kNotFound, "no connector named '" + connector + "'");
}

Status Server::request_stop() { return put_setting_now(*impl_->store, kStopRequestedSetting, "1"); }

Result<int64_t> Server::purge_run_history(int64_t before_ms) {
  Store& store = *impl_->store;
  IDSYNC_RETURN_IF_ERROR(store.begin());
  auto n = store.purge_runs_before(before_ms);
  if (!n.ok()) {
    store.rollback();
    return n.status();
  }
  IDSYNC_RETURN_IF_ERROR(store.commit());
  return n;
}

}  // namespace idsync
