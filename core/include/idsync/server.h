// Server: one IdSync sync server, backed by one store file. The entry point for the CLI,
// the C API and the PowerShell module.
//
// Contract:
// - open() opens (or creates) the store; it does not take the run lock. Queries work while
//   another process runs a cycle.
// - run_profile() and run_cycle() take the store's run lock for their duration: a second
//   start, from any process, fails at once with kBusy naming what runs.
// - Each step commits its results in one transaction; a step that fails (directory down,
//   malformed input) commits nothing, so the store keeps its last committed state, and the
//   run history records the failure.
// Thread safety: a Server is used from one thread at a time.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "idsync/configuration.h"
#include "idsync/connector.h"
#include "idsync/export_limits.h"
#include "idsync/run_result.h"
#include "idsync/scheduler.h"
#include "idsync/status.h"

namespace idsync {

class Store;

enum class StoreOpenMode { kCreateIfMissing, kMustExist };
enum class CyclePolicy { kDelta, kInitial };

struct CycleResult {
  std::string policy;              // "Initial" / "Delta"
  std::string result = "Success";  // "Success", "Failed" (a run stopped) or "Stopped" (Stop-SyncCycle)
  bool staging_mode = false;       // exports were suppressed
  std::vector<RunResult> runs;
};

struct RunOptions {
  bool force_export = false;  // export even in staging mode (an explicit administrator decision)
};

struct RunHistoryQuery {
  std::string connector;
  std::string result;
  int64_t run_id = 0;
  int64_t limit = 100;
  int64_t run_number = 0;  // with `connector`: that connector's run of this number (RunNumber)
};

class Server {
 public:
  static Result<std::unique_ptr<Server>> open(const std::string& store_path, StoreOpenMode mode,
                                              const ConnectorRegistry& registry);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  const std::string& store_path() const;

  // Replaces the whole configuration. Every rule is compiled first: a rule naming an unknown
  // attribute or holding a broken expression is refused and nothing changes. Connector spaces
  // of connectors that remain (same name) are kept; those of removed connectors are deleted.
  Status import_configuration(const Configuration& config);
  Result<Configuration> configuration();

  // In staging mode an Export is refused (kStopped) unless options.force_export.
  Result<RunResult> run_profile(const std::string& connector, const std::string& run_profile,
                                const ProgressCallback& progress = {}, const RunOptions& options = {});
  Result<CycleResult> run_cycle(CyclePolicy policy, const ProgressCallback& progress = {});

  Result<std::vector<RunResult>> run_history(const RunHistoryQuery& query);

  // Objects as JSON documents (the CLI prints them; the C API hands them out).
  // `key` is a DN or, prefixed with "anchor:", a base64 anchor, or "id:<n>" / "{...}" (the object id).
  Result<std::optional<std::string>> cs_object_json(const std::string& connector, const std::string& key);
  Result<std::optional<std::string>> mv_object_json(uint64_t mv_id);
  // A page of connector space objects: DN, type, state, pending import / export.
  Result<std::string> cs_list_json(const std::string& connector, bool pending_export_only, int64_t limit);
  Result<std::string> mv_list_json(const std::string& object_type, int64_t limit);

  // Export deletion threshold (per connector and export run); 0 disables it. The count form
  // of the settings below: ThresholdCount, or 0 when DeletionPrevention is Disabled; setting a
  // count switches to EnabledForCount.
  Result<uint64_t> deletion_threshold();
  Status set_deletion_threshold(uint64_t count);
  // The export limits in full (idsync/export_limits.h); set_* refuses out-of-range values.
  Result<DeletionThreshold> deletion_threshold_settings();
  Status set_deletion_threshold_settings(const DeletionThreshold& settings);
  Result<MemberRemovalLimit> member_removal_limit();
  Status set_member_removal_limit(const MemberRemovalLimit& settings);

  // Operations (REFERENCE.md "Operations"). These work while a run holds the store.
  Result<SchedulerSettings> scheduler();
  Status set_scheduler(const SchedulerSettings& settings);
  // What runs on this store now ("Delta sync cycle (pid 42)"); nullopt when nothing does.
  Result<std::optional<std::string>> running();
  Result<ConnectorOverride> connector_override(const std::string& connector);
  Status set_connector_override(const std::string& connector, const ConnectorOverride& value);
  // Asks the running cycle or run profile (in any process) to stop at the next step boundary.
  Status request_stop();
  // Removes run history records that ended before `before_ms`; returns how many.
  Result<int64_t> purge_run_history(int64_t before_ms);

  // Health (the Connect Health of a Linux service): per connector the last run, its result and
  // the pending changes; the scheduler; what runs now; the last cycle. As JSON for `idsync
  // status`, and as Prometheus text exposition for alerting on failed or overdue cycles.
  Result<std::string> status_json();
  Result<std::string> metrics_text();

  // `idsync store check`: SQLite's integrity check, then IdSync's consistency check (links
  // both ways, no duplicate object, well-formed pending exports, id sequences ahead of every
  // id). Ok, or kStoreError listing what is wrong and what to do. `summary` (may be null)
  // receives "N connector space objects, M metaverse objects, ..." when it passes.
  Status check_store(std::string* summary = nullptr);

  struct Impl;

 private:
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

std::string run_result_to_json(const RunResult& run);
Result<RunResult> run_result_from_json(const std::string& json);

}  // namespace idsync
