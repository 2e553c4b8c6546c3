#include "idsync/server.h"

#include <chrono>
#include <nlohmann/json.hpp>

#include "ops/discovered_parameters.h"
#include "ops/object_views.h"
#include "ops/server_impl.h"
#include "store/store.h"
#include "sync/steps.h"
#include "sync/sync_state.h"

namespace idsync {

using nlohmann::ordered_json;

namespace {

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Server::~Server() = default;

const std::string& Server::store_path() const { return impl_->store->path(); }

Result<std::unique_ptr<Server>> Server::open(const std::string& path, StoreOpenMode mode,
                                             const ConnectorRegistry& registry) {
  auto store = Store::open(path, mode == StoreOpenMode::kMustExist ? OpenMode::kMustExist : OpenMode::kCreateIfMissing);
  if (!store.ok()) return store.status();
  auto impl = std::make_unique<Impl>();
  impl->store = std::move(store).value();
  impl->registry = &registry;
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

Status Server::import_configuration(const Configuration& config) {
  Store& store = *impl_->store;
  IDSYNC_RETURN_IF_ERROR(store.acquire_run_lock("configuration import"));
  struct Unlock {
    Store& s;
    ~Unlock() { s.release_run_lock(); }
  } unlock{store};
  for (const ConnectorDefinition& c : config.connectors)
    if (!impl_->registry->has(c.type))
      return Status::Error(ErrorCode::kInvalidArgument,
                           "connector '" + c.name + "' has unknown type '" + c.type + "'");
  auto existing = store.load_connectors();
  if (!existing.ok()) return existing.status();
  IDSYNC_RETURN_IF_ERROR(store.begin());
  Status s = [&]() -> Status {
    ConnectorId next = 1;
    for (const ConnectorRow& row : *existing) next = std::max(next, row.id + 1);
    for (const ConnectorRow& row : *existing) {
      if (config.find_connector(row.name) != nullptr) continue;
      IDSYNC_RETURN_IF_ERROR(store.delete_connector(row.id));
      IDSYNC_RETURN_IF_ERROR(put_discovered_parameters(store, row.name, {}));  // not for a new namesake
    }
    for (const ConnectorDefinition& c : config.connectors) {
      ConnectorRow row;
      row.id = next;
      for (const ConnectorRow& old : *existing)
        if (iequals(old.name, c.name)) row.id = old.id;
      if (row.id == next) ++next;
      row.name = c.name;
      ConnectorDefinition def = c;
      if (def.run_profiles.empty()) def.run_profiles = standard_run_profiles();
      // Parameters discovered by earlier imports stay for the names this definition does not set.
      auto discovered = load_discovered_parameters(store, c.name);
      if (!discovered.ok()) return discovered.status();
      if (!discovered->values.empty())
        IDSYNC_RETURN_IF_ERROR(put_discovered_parameters(store, c.name, fill_discovered(def, discovered->values)));
      row.json = write_connector_json(def);
      IDSYNC_RETURN_IF_ERROR(store.put_connector(row));
    }
    std::vector<RuleRow> rules;
    for (const SyncRule& r : config.rules) {
      SyncRule rule = r;
      if (rule.id.empty()) rule.id = "{rule-" + std::to_string(rules.size() + 1) + "}";
      rules.push_back(RuleRow{rule.id, write_rule_json(rule)});
    }
    IDSYNC_RETURN_IF_ERROR(store.replace_rules(rules));
    Configuration meta;
    meta.metaverse = config.metaverse;
    meta.global_parameters = config.global_parameters;
    IDSYNC_RETURN_IF_ERROR(store.put_setting("metaverse", write_configuration(meta)));
    // Compile everything inside the transaction: a bad rule refuses the whole import.
    auto state = SyncState::load(store);
    if (!state.ok()) return state.status();
    return (*state)->write(store);
  }();
  if (!s.ok()) {
    store.rollback();
    return s;
  }
  return store.commit();
}

// Read from the stored definitions only (not through SyncState::load, which also loads every
// connector space and metaverse object): listing connectors or rules stays cheap on a store
// with millions of objects. The order is the one SyncState uses.
Result<Configuration> Server::configuration() {
  Store& store = *impl_->store;
  Configuration c;
  auto meta = store.get_setting("metaverse");
  if (!meta.ok()) return meta.status();
  if (meta->has_value()) {
    auto parsed = parse_configuration(**meta);
    if (!parsed.ok()) return parsed.status().with_context("store setting 'metaverse'");
    c.metaverse = std::move(parsed->metaverse);
    c.global_parameters = std::move(parsed->global_parameters);
  }
  auto connectors = store.load_connectors();
  if (!connectors.ok()) return connectors.status();
  for (const ConnectorRow& row : *connectors) {
    auto def = parse_connector_json(row.json);
    if (!def.ok()) return def.status().with_context("connector '" + row.name + "' in the store");
    IDSYNC_RETURN_IF_ERROR(strip_discovered(store, *def));  // the administrator's own parameters
    c.connectors.push_back(std::move(def).value());
  }
  auto rules = store.load_rules();
  if (!rules.ok()) return rules.status();
  for (const RuleRow& row : *rules) {
    auto rule = parse_rule_json(row.json);
    if (!rule.ok()) return rule.status().with_context("rule " + row.id + " in the store");
    c.rules.push_back(std::move(rule).value());
  }
  return c;
}

namespace {

class RunContext {
 public:
  // `resident` (may be null) holds the state a previous run left; it is used when still
  // current and receives this run's state at the end.
  RunContext(Store& store, const ConnectorRegistry& registry, std::unique_ptr<SyncState>* resident = nullptr)
      : store_(store), registry_(registry), resident_(resident) {}
  ~RunContext() {
    if (resident_ != nullptr && state_ && consistent_) *resident_ = std::move(state_);
  }

  Status load() {
    if (resident_ != nullptr && *resident_ && (*resident_)->is_current(store_)) {
      state_ = std::move(*resident_);
      consistent_ = true;
      return Status::Ok();
    }
    if (resident_ != nullptr) resident_->reset();  // stale: free it before loading again
    auto state = SyncState::load(store_);
    consistent_ = state.ok();
    if (!state.ok()) return state.status();
    state_ = std::move(state).value();
    return Status::Ok();
  }

  SyncState& state() { return *state_; }

  // Runs one step; commits on success; on failure reloads the last committed state.
  StepResult run_step(ConnectorSpace& target, StepType type, int number, const ExportLimits& limits,
                      const ProgressCallback& progress) {
    StepResult step;
    step.step_number = number;
    step.step_type = step_type_name(type);
    auto start = std::chrono::steady_clock::now();
    prepared_.reset();
    ConnectorSpace* discovered = &target;
    if (type == StepType::kFullImport || type == StepType::kDeltaImport) discovered = discover_parameters(target, step);
    if (discovered == nullptr) {
      prepared_.reset();
      step.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      return step;
    }
    ConnectorSpace& space = *discovered;
    // Announce the step, so a caller shows what runs even when the step ends before the first
    // every-10,000-objects report.
    if (progress) progress(Progress{space.def.name, step.step_type, 0, 0});
    Status s = execute(space, type, limits, step, progress);
    if (s.ok()) {
      if (step.result == "success" && step.error_count > 0)
        step.result = type == StepType::kExport ? "completed-export-errors"
                      : (type == StepType::kFullImport || type == StepType::kDeltaImport) ? "completed-import-errors"
                                                                                             : "completed-sync-errors";
      if (step.error_count > kMaxRecordedErrors) step.result = "stopped-error-limit";
      std::map<std::string, std::string> settings;
      if (type == StepType::kFullImport || type == StepType::kDeltaImport) settings["watermark." + space.def.name] = watermark_;
      Status saved = state_->save(store_, settings);
      if (!saved.ok()) {
        step.result = "stopped-database-error";
        record_error(step, "", "store-error", saved.message());
        (void)load();
      }
    } else {
      if (step.result == "success") step.result = s.code() == ErrorCode::kConnectorError || s.code() == ErrorCode::kIoError
                                                      ? "stopped-connectivity"
                                                  : s.code() == ErrorCode::kParseError ? "stopped-import-error"
                                                                                        : "stopped-server";
      record_error(step, "", step.result, s.message());
      Status reloaded = load();  // drop what the failed step staged in memory
      if (!reloaded.ok()) record_error(step, "", "store-error", reloaded.message());
    }
    step.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return step;
  }

 private:
  // Before an import: asks the connector for the parameters its directory defines
  // (%Domain.FQDN%, ...) and keeps those the administrator did not set with the connector
  // (discovered_parameters.h). When they changed, the engine state is loaded again so that the
  // rules compile with them; returns the connector's space in the current state (nullptr after
  // a failed reload, recorded in `step`). A failed discovery is recorded as an error of the
  // step and the import goes on with the parameters stored before.
  ConnectorSpace* discover_parameters(ConnectorSpace& space, StepResult& step) {
    const std::string name = space.def.name;
    ConnectorConfig config{space.def.name, space.def.type, space.def.options, space.def.schema};
    auto connector = registry_.create(config);
    if (!connector.ok()) return &space;  // the import step reports it
    prepared_ = std::move(connector).value();  // the import uses this instance: one per step
    auto found = prepared_->discover_parameters();
    if (!found.ok()) {
      record_error(step, "", "parameter-discovery",
                   "connector '" + name + "': discovering its parameters (%Domain.*%, %Forest.*%) failed: " +
                       found.status().message() + "; the rules use the parameters stored before, or set them "
                       "in the connector definition's \"parameters\"");
      return &space;
    }
    auto changed = store_discovered_parameters(store_, name, *found);
    if (!changed.ok()) {
      record_error(step, "", "store-error", changed.status().message());
      return &space;
    }
    if (!*changed) return &space;
    Status reloaded = load();
    if (!reloaded.ok()) {
      step.result = "stopped-database-error";
      record_error(step, "", "store-error", reloaded.message());
      return nullptr;
    }
    ConnectorSpace* current = state_->space(name);
    if (current == nullptr) {
      step.result = "stopped-server";
      record_error(step, "", "store-error", "connector '" + name + "' is gone from the store after its parameters were stored");
    }
    return current;
  }

  Status execute(ConnectorSpace& space, StepType type, const ExportLimits& limits, StepResult& step,
                 const ProgressCallback& progress) {
    switch (type) {
      case StepType::kFullSync: return run_sync(*state_, space, false, step, progress);
      case StepType::kDeltaSync: return run_sync(*state_, space, true, step, progress);
      default: break;
    }
    ConnectorConfig config{space.def.name, space.def.type, space.def.options, space.def.schema};
    std::unique_ptr<Connector> prepared = std::move(prepared_);
    Result<std::unique_ptr<Connector>> connector =
        prepared ? Result<std::unique_ptr<Connector>>(std::move(prepared)) : registry_.create(config);
    if (!connector.ok()) return connector.status();
    if (type == StepType::kExport) return run_export(*state_, space, **connector, limits, step, progress);
    auto wm = store_.get_setting("watermark." + space.def.name);
    if (!wm.ok()) return wm.status();
    watermark_ = wm->value_or("");
    if (type == StepType::kFullImport) watermark_.clear();
    return run_import(*state_, space, **connector, type == StepType::kDeltaImport, watermark_, step, progress);
  }

  Store& store_;
  const ConnectorRegistry& registry_;
  std::unique_ptr<SyncState>* resident_;
  bool consistent_ = false;  // state_ equals the store (loaded, or saved after each step)
  std::unique_ptr<SyncState> state_;
  std::string watermark_;
  std::unique_ptr<Connector> prepared_;  // created for the parameter discovery of this import step
};

std::string overall_result(const std::vector<StepResult>& steps) {
  for (const StepResult& s : steps)
    if (s.result != "success") return s.result;
  return "success";
}

}  // namespace

Result<uint64_t> Server::deletion_threshold() {
  auto t = deletion_threshold_settings();
  if (!t.ok()) return t.status();
  return t->prevention == DeletionPrevention::kDisabled ? 0 : t->count;
}

Status Server::set_deletion_threshold(uint64_t count) {
  auto t = deletion_threshold_settings();
  if (!t.ok()) return t.status();
  if (count == 0) {
    t->prevention = DeletionPrevention::kDisabled;
  } else {
    t->prevention = DeletionPrevention::kEnabledForCount;
    t->count = count;
  }
  return set_deletion_threshold_settings(*t);
}

Result<DeletionThreshold> Server::deletion_threshold_settings() {
  auto v = impl_->store->get_setting(kDeletionThresholdSetting);
  if (!v.ok()) return v.status();
  return v->has_value() ? deletion_threshold_from_json(**v) : DeletionThreshold{};
}

Status Server::set_deletion_threshold_settings(const DeletionThreshold& settings) {
  IDSYNC_RETURN_IF_ERROR(validate(settings));
  return put_setting_now(*impl_->store, kDeletionThresholdSetting, deletion_threshold_to_json(settings));
}

Result<MemberRemovalLimit> Server::member_removal_limit() {
  auto v = impl_->store->get_setting(kMemberRemovalLimitSetting);
  if (!v.ok()) return v.status();
  return v->has_value() ? member_removal_limit_from_json(**v) : MemberRemovalLimit{};
}

Status Server::set_member_removal_limit(const MemberRemovalLimit& settings) {
  IDSYNC_RETURN_IF_ERROR(validate(settings));
  return put_setting_now(*impl_->store, kMemberRemovalLimitSetting, member_removal_limit_to_json(settings));
}

Result<ExportLimits> load_export_limits(Server& server) {
  ExportLimits limits;
  auto t = server.deletion_threshold_settings();
  if (!t.ok()) return t.status();
  auto m = server.member_removal_limit();
  if (!m.ok()) return m.status();
  limits.deletion = *t;
  limits.member_removal = *m;
  return limits;
}

namespace {

bool stop_requested(Store& store) {
  auto v = store.get_setting(kStopRequestedSetting);
  return v.ok() && v->has_value() && **v == "1";
}

Result<RunResult> run_one(Store& store, RunContext& context, const std::string& connector_name,
                          const std::string& profile_name, const ExportLimits& limits, const ProgressCallback& progress) {
  ConnectorSpace* space = context.state().space(connector_name);
  if (space == nullptr)
    return Status::Error(ErrorCode::kNotFound, "no connector named '" + connector_name +
                                                   "'; `idsync connector list` shows the configured ones");
  const RunProfile* profile = nullptr;
  for (const RunProfile& p : space->def.run_profiles)
    if (iequals(p.name, profile_name)) profile = &p;
  if (profile == nullptr) {
    std::string known;
    for (const RunProfile& p : space->def.run_profiles) known += (known.empty() ? "" : ", ") + p.name;
    return Status::Error(ErrorCode::kNotFound, "connector '" + space->def.name + "' has no run profile '" +
                                                   profile_name + "' (it has: " + known + ")");
  }
  RunResult run;
  run.connector = space->def.name;
  run.run_profile = profile->name;
  run.start_ms = now_ms();
  int number = 1;
  std::vector<StepType> steps = profile->steps;
  std::string name = space->def.name;
  for (StepType t : steps) {
    if (stop_requested(store)) {
      // A safe point: the previous step committed, this one has not started.
      StepResult stopped;
      stopped.step_number = number;
      stopped.step_type = step_type_name(t);
      stopped.result = "stopped-by-request";
      run.steps.push_back(std::move(stopped));
      break;
    }
    ConnectorSpace* current = context.state().space(name);  // reloads may replace spaces
    run.steps.push_back(context.run_step(*current, t, number++, limits, progress));
    if (run.steps.back().result.rfind("stopped-", 0) == 0) break;
  }
  run.result = overall_result(run.steps);
  run.end_ms = now_ms();
  RunRow row;
  row.connector = run.connector;
  row.run_profile = run.run_profile;
  row.result = run.result;
  row.start_time = run.start_ms;
  row.end_time = run.end_ms;
  row.json = run_result_to_json(run);
  IDSYNC_RETURN_IF_ERROR(store.begin());
  auto appended = store.append_run(row);
  if (!appended.ok()) {
    store.rollback();
    return appended.status();
  }
  IDSYNC_RETURN_IF_ERROR(store.commit());
  run.run_id = row.run_id;
  run.run_number = row.run_number;
  return run;
}

}  // namespace

Result<RunResult> Server::run_profile(const std::string& connector, const std::string& profile,
                                      const ProgressCallback& progress, const RunOptions& options) {
  Store& store = *impl_->store;
  IDSYNC_RETURN_IF_ERROR(store.acquire_run_lock("run profile '" + profile + "' on connector '" + connector + "'"));
  struct Unlock {
    Store& s;
    ~Unlock() { s.release_run_lock(); }
  } unlock{store};
  auto limits = load_export_limits(*this);
  if (!limits.ok()) return limits.status();
  auto scheduler = load_scheduler(store);
  if (!scheduler.ok()) return scheduler.status();
  RunContext context(store, *impl_->registry, &impl_->resident_state);
  IDSYNC_RETURN_IF_ERROR(context.load());
  if (scheduler->staging_mode_enabled && !options.force_export) {
    if (ConnectorSpace* space = context.state().space(connector)) {
      for (const RunProfile& p : space->def.run_profiles) {
        if (!iequals(p.name, profile)) continue;
        for (StepType t : p.steps)
          if (t == StepType::kExport)
            return Status::Error(ErrorCode::kStopped,
                                 "the server is in staging mode, so run profile '" + p.name + "' on '" + space->def.name +
                                     "' would export nothing; preview the pending exports with `idsync cs list " +
                                     space->def.name + " --pending-export`, and export anyway with --force-export");
      }
    }
  }
  IDSYNC_RETURN_IF_ERROR(put_setting_now(store, kStopRequestedSetting, "0"));
  return run_one(store, context, connector, profile, *limits, progress);
}

Result<CycleResult> Server::run_cycle(CyclePolicy policy, const ProgressCallback& progress) {
  Store& store = *impl_->store;
  std::string policy_name = policy == CyclePolicy::kInitial ? "Initial" : "Delta";
  IDSYNC_RETURN_IF_ERROR(store.acquire_run_lock(policy_name + " sync cycle"));
  struct Unlock {
    Store& s;
    ~Unlock() { s.release_run_lock(); }
  } unlock{store};
  auto limits = load_export_limits(*this);
  if (!limits.ok()) return limits.status();
  auto scheduler = load_scheduler(store);
  if (!scheduler.ok()) return scheduler.status();
  IDSYNC_RETURN_IF_ERROR(put_setting_now(store, kStopRequestedSetting, "0"));
  RunContext context(store, *impl_->registry, &impl_->resident_state);
  IDSYNC_RETURN_IF_ERROR(context.load());

  std::vector<std::string> on_prem, cloud;
  std::map<std::string, ConnectorOverride> overrides;
  for (ConnectorSpace* s : context.state().spaces()) {
    (s->def.role == ConnectorRole::kCloud ? cloud : on_prem).push_back(s->def.name);
    auto o = load_override(store, s->def.name);
    if (!o.ok()) return o.status();
    overrides[s->def.name] = *o;
  }
  bool initial = policy == CyclePolicy::kInitial;
  auto import = [&](const std::string& c) {
    return initial || overrides[c].full_import_required ? "Full Import" : "Delta Import";
  };
  auto sync = [&](const std::string& c) {
    return initial || overrides[c].full_sync_required ? "Full Synchronization" : "Delta Synchronization";
  };
  // The documented order: imports from on-premises, import from the cloud, syncs from
  // on-premises, sync from the cloud, export to the cloud, export to on-premises, then a
  // delta import of every exported-to connector to confirm the exports. Staging mode runs
  // the imports and syncs only.
  std::vector<std::pair<std::string, std::string>> plan;
  for (const auto& c : on_prem) plan.emplace_back(c, import(c));
  for (const auto& c : cloud) plan.emplace_back(c, import(c));
  for (const auto& c : on_prem) plan.emplace_back(c, sync(c));
  for (const auto& c : cloud) plan.emplace_back(c, sync(c));
  if (!scheduler->staging_mode_enabled) {
    for (const auto& c : cloud) plan.emplace_back(c, "Export");
    for (const auto& c : on_prem) plan.emplace_back(c, "Export");
  }

  CycleResult cycle;
  cycle.policy = policy_name;
  cycle.staging_mode = scheduler->staging_mode_enabled;
  const int64_t cycle_start = now_ms();
  // Records the cycle's outcome for `idsync status` and the metrics, however it ends: a cycle
  // that returns an error before finish() is recorded as Failed.
  struct RecordCycle {
    Store& store;
    std::string policy;
    int64_t start;
    std::string result = "Failed";
    size_t runs = 0;
    void finish(const CycleResult& c) {
      result = c.result;
      runs = c.runs.size();
    }
    ~RecordCycle() {
      nlohmann::ordered_json j = {
          {"policy", policy}, {"result", result}, {"startMs", start}, {"endMs", now_ms()}, {"runs", runs}};
      (void)put_setting_now(store, kLastCycleSetting, j.dump());
    }
  } record_cycle{store, policy_name, cycle_start};
  std::set<std::string> exported;
  for (const auto& [connector, profile] : plan) {
    if (stop_requested(store)) {
      cycle.result = "Stopped";
      record_cycle.finish(cycle);
      return cycle;
    }
    auto run = run_one(store, context, connector, profile, *limits, progress);
    if (!run.ok()) return run.status();
    if (profile == std::string("Export") && run->steps.size() == 1) {
      const auto& counters = run->steps[0].counters;
      for (const char* k : {"export-add", "export-update", "export-rename", "export-delete"})
        if (counters.count(k)) exported.insert(connector);
    }
    if (run->result.rfind("stopped-", 0) == 0) cycle.result = "Failed";
    cycle.runs.push_back(std::move(run).value());
  }
  for (const auto& [connector, profile] : plan) {
    if (profile != std::string("Export") || !exported.count(connector)) continue;
    if (stop_requested(store)) {
      cycle.result = "Stopped";
      record_cycle.finish(cycle);
      return cycle;
    }
    auto run = run_one(store, context, connector, "Delta Import", *limits, progress);
    if (!run.ok()) return run.status();
    if (run->result.rfind("stopped-", 0) == 0) cycle.result = "Failed";
    cycle.runs.push_back(std::move(run).value());
  }
  // Overrides are honoured once: clear those this cycle used, for the connectors whose runs
  // all completed.
  for (auto& [connector, o] : overrides) {
    if (!o.full_import_required && !o.full_sync_required) continue;
    bool completed = true;
    for (const RunResult& r : cycle.runs)
      if (iequals(r.connector, connector) && r.result.rfind("stopped-", 0) == 0) completed = false;
    if (completed) IDSYNC_RETURN_IF_ERROR(put_setting_now(store, override_setting(connector), "{}"));
  }
  record_cycle.finish(cycle);
  if (initial && cycle.result == "Success" && scheduler->next_sync_cycle_policy_type != "Delta") {
    auto latest = load_scheduler(store);
    if (latest.ok()) {
      latest->next_sync_cycle_policy_type = "Delta";
      IDSYNC_RETURN_IF_ERROR(set_scheduler(*latest));
    }
  }
  return cycle;
}

Result<std::vector<RunResult>> Server::run_history(const RunHistoryQuery& query) {
  if (query.run_number != 0 && query.connector.empty())
    return Status::Error(ErrorCode::kInvalidArgument, "a run number is counted per connector: give the connector too");
  // Run numbers are per connector; the store has no index on them, so a run-number query reads
  // that connector's kept history (7 days by default) and picks the run.
  auto rows = impl_->store->query_runs(
      RunQuery{query.connector, query.result, query.run_id, query.run_number != 0 ? 0 : query.limit});
  if (!rows.ok()) return rows.status();
  std::vector<RunResult> out;
  for (const RunRow& row : *rows) {
    if (query.run_number != 0 && row.run_number != query.run_number) continue;
    auto run = run_result_from_json(row.json);
    if (!run.ok()) return run.status();
    run->run_id = row.run_id;
    run->run_number = row.run_number;
    out.push_back(std::move(run).value());
  }
  return out;
}

Result<std::optional<std::string>> Server::cs_object_json(const std::string& connector, const std::string& key) {
  return find_cs_object_json(*impl_->store, connector, key);
}

Result<std::optional<std::string>> Server::mv_object_json(uint64_t id) {
  return find_mv_object_json(*impl_->store, id);
}

Result<std::string> Server::cs_list_json(const std::string& connector, bool pending_export_only, int64_t limit) {
  return list_cs_json(*impl_->store, connector, pending_export_only, limit);
}

Result<std::string> Server::mv_list_json(const std::string& object_type, int64_t limit) {
  return list_mv_json(*impl_->store, object_type, limit);
}

std::string run_result_to_json(const RunResult& run) {
  ordered_json j = {{"runId", run.run_id},         {"runNumber", run.run_number}, {"connector", run.connector},
                    {"runProfile", run.run_profile}, {"result", run.result},        {"startMs", run.start_ms},
                    {"endMs", run.end_ms}};
  j["steps"] = ordered_json::array();
  for (const StepResult& s : run.steps) {
    ordered_json step = {{"stepNumber", s.step_number}, {"stepType", s.step_type}, {"result", s.result},
                         {"seconds", s.seconds},        {"errorCount", s.error_count}};
    step["counters"] = s.counters;
    step["errors"] = ordered_json::array();
    for (const ObjectError& e : s.errors)
      step["errors"].push_back({{"dn", e.dn}, {"errorType", e.error_type}, {"message", e.message}});
    j["steps"].push_back(step);
  }
  return j.dump(-1, ' ', false, kInvalidUtf8);
}

Result<RunResult> run_result_from_json(const std::string& text) {
  try {
    auto j = ordered_json::parse(text);
    RunResult r;
    r.run_id = j.value("runId", int64_t{0});
    r.run_number = j.value("runNumber", int64_t{0});
    r.connector = j.value("connector", "");
    r.run_profile = j.value("runProfile", "");
    r.result = j.value("result", "");
    r.start_ms = j.value("startMs", int64_t{0});
    r.end_ms = j.value("endMs", int64_t{0});
    for (const auto& s : j["steps"]) {
      StepResult step;
      step.step_number = s.value("stepNumber", 0);
      step.step_type = s.value("stepType", "");
      step.result = s.value("result", "");
      step.seconds = s.value("seconds", 0.0);
      step.error_count = s.value("errorCount", uint64_t{0});
      step.counters = s["counters"].get<std::map<std::string, uint64_t>>();
      for (const auto& e : s["errors"])
        step.errors.push_back(ObjectError{e.value("dn", ""), e.value("errorType", ""), e.value("message", "")});
      r.steps.push_back(std::move(step));
    }
    return r;
  } catch (const std::exception& e) {
    return Status::Error(ErrorCode::kStoreError, std::string("damaged run history record: ") + e.what());
  }
}

}  // namespace idsync
