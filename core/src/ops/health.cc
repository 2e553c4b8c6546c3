// `idsync status` and the Prometheus metrics: read-only views over the store that an operator
// (or an alerting system) uses to see that cycles run, succeed, and keep up.
#include <chrono>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "ops/object_views.h"
#include "ops/server_impl.h"

namespace idsync {

using nlohmann::ordered_json;

namespace {

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

struct ConnectorHealth {
  std::string name;
  std::string role;
  CsCounts counts;
  std::vector<RunResult> last_runs;  // newest run of each run profile
  int64_t threshold_trips = 0;       // stopped-deletion-threshold-exceeded runs in the kept history
  int64_t member_limit_trips = 0;    // stopped-group-member-removal-limit-exceeded runs
};

struct Health {
  std::vector<ConnectorHealth> connectors;
  SchedulerSettings scheduler;
  std::optional<std::string> running;
  std::optional<ordered_json> last_cycle;
  uint64_t deletion_threshold = 0;
  DeletionThreshold deletion;
  MemberRemovalLimit member_removal;
};

Result<Health> collect(Server& server, Store& store) {
  Health h;
  auto scheduler = server.scheduler();
  if (!scheduler.ok()) return scheduler.status();
  h.scheduler = *scheduler;
  auto running = server.running();
  if (!running.ok()) return running.status();
  h.running = *running;
  auto threshold = server.deletion_threshold();
  if (!threshold.ok()) return threshold.status();
  h.deletion_threshold = *threshold;
  auto deletion = server.deletion_threshold_settings();
  if (!deletion.ok()) return deletion.status();
  h.deletion = *deletion;
  auto member = server.member_removal_limit();
  if (!member.ok()) return member.status();
  h.member_removal = *member;
  auto last = store.get_setting(kLastCycleSetting);
  if (!last.ok()) return last.status();
  if (last->has_value()) h.last_cycle = ordered_json::parse(**last, nullptr, false);
  auto rows = store.load_connectors();
  if (!rows.ok()) return rows.status();
  for (const ConnectorRow& row : *rows) {
    ConnectorHealth c;
    c.name = row.name;
    auto def = parse_connector_json(row.json);
    c.role = def.ok() && def->role == ConnectorRole::kCloud ? "cloud" : "on-premises";
    auto counts = store.count_cs(row.id);
    if (!counts.ok()) return counts.status();
    c.counts = *counts;
    auto runs = server.run_history(RunHistoryQuery{row.name, "", 0, 1000});
    if (!runs.ok()) return runs.status();
    std::set<std::string> seen;
    for (RunResult& r : *runs) {
      if (r.result == kDeletionThresholdExceeded) ++c.threshold_trips;
      if (r.result == kMemberRemovalLimitExceeded) ++c.member_limit_trips;
      if (seen.insert(r.run_profile).second) c.last_runs.push_back(std::move(r));
    }
    h.connectors.push_back(std::move(c));
  }
  return h;
}

std::string utc(int64_t ms) {
  std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// Prometheus label values: backslash, quote and newline escaped.
std::string label(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

class Exposition {
 public:
  void family(const std::string& name, const char* type, const std::string& help) {
    out_ << "# HELP " << name << " " << help << "\n# TYPE " << name << " " << type << "\n";
  }
  void sample(const std::string& name, const std::vector<std::pair<std::string, std::string>>& labels, double value) {
    out_ << name;
    if (!labels.empty()) {
      out_ << "{";
      for (size_t i = 0; i < labels.size(); ++i)
        out_ << (i ? "," : "") << labels[i].first << "=\"" << label(labels[i].second) << "\"";
      out_ << "}";
    }
    out_ << " " << value << "\n";
  }
  std::string str() const { return out_.str(); }

 private:
  std::ostringstream out_;
};

}  // namespace

Result<std::string> Server::status_json() {
  auto h = collect(*this, *impl_->store);
  if (!h.ok()) return h.status();
  ordered_json j;
  j["store"] = impl_->store->path();
  j["running"] = h->running ? ordered_json(*h->running) : ordered_json();
  j["stagingMode"] = h->scheduler.staging_mode_enabled;
  j["syncCycleEnabled"] = h->scheduler.sync_cycle_enabled && !h->scheduler.scheduler_suspended;
  j["nextSyncCycle"] = {{"policy", h->scheduler.next_sync_cycle_policy_type},
                        // 0 means "due now": show when that is rather than the epoch.
                        {"startUtc", utc(h->scheduler.next_sync_cycle_start_ms > 0 ? h->scheduler.next_sync_cycle_start_ms
                                                                                    : now_ms())},
                        {"overdue", h->scheduler.sync_cycle_enabled && !h->scheduler.scheduler_suspended &&
                                        h->scheduler.next_sync_cycle_start_ms > 0 &&
                                        now_ms() - h->scheduler.next_sync_cycle_start_ms > 10 * 60 * 1000}};
  j["lastCycle"] = h->last_cycle ? *h->last_cycle : ordered_json();
  j["deletionThreshold"] = h->deletion_threshold;
  j["exportLimits"] = {{"deletionThreshold", ordered_json::parse(deletion_threshold_to_json(h->deletion))},
                       {"groupMemberRemovalLimit", ordered_json::parse(member_removal_limit_to_json(h->member_removal))}};
  j["connectors"] = ordered_json::array();
  for (const ConnectorHealth& c : h->connectors) {
    ordered_json runs = ordered_json::array();
    for (const RunResult& r : c.last_runs) {
      uint64_t errors = 0;
      for (const StepResult& s : r.steps) errors += s.error_count;
      runs.push_back({{"runProfile", r.run_profile}, {"result", r.result}, {"endUtc", utc(r.end_ms)},
                      {"seconds", (r.end_ms - r.start_ms) / 1000.0}, {"errors", errors}, {"runId", r.run_id}});
    }
    j["connectors"].push_back({{"name", c.name},
                               {"role", c.role},
                               {"objects", c.counts.objects},
                               {"disconnectors", c.counts.disconnectors},
                               {"pendingImports", c.counts.pending_imports},
                               {"pendingExports", c.counts.pending_exports},
                               {"pendingExportDeletes", c.counts.pending_export_deletes},
                               {"deletionThresholdTrips", c.threshold_trips},
                               {"memberRemovalLimitTrips", c.member_limit_trips},
                               {"lastRuns", runs}});
  }
  return j.dump(2, ' ', false, kInvalidUtf8);
}

Result<std::string> Server::metrics_text() {
  auto h = collect(*this, *impl_->store);
  if (!h.ok()) return h.status();
  Exposition e;
  e.family("idsync_sync_cycle_in_progress", "gauge", "1 while a sync cycle or run profile holds the store.");
  e.sample("idsync_sync_cycle_in_progress", {}, h->running ? 1 : 0);
  e.family("idsync_staging_mode", "gauge", "1 when the server is in staging mode (no exports).");
  e.sample("idsync_staging_mode", {}, h->scheduler.staging_mode_enabled ? 1 : 0);
  e.family("idsync_scheduler_enabled", "gauge", "1 when scheduled cycles run (enabled and not suspended).");
  e.sample("idsync_scheduler_enabled", {}, h->scheduler.sync_cycle_enabled && !h->scheduler.scheduler_suspended ? 1 : 0);
  e.family("idsync_next_sync_cycle_timestamp_seconds", "gauge",
           "When the next cycle is due (alert when time() is well past it: cycles are overdue).");
  e.sample("idsync_next_sync_cycle_timestamp_seconds", {}, h->scheduler.next_sync_cycle_start_ms / 1000.0);
  if (h->last_cycle && h->last_cycle->is_object()) {
    const ordered_json& c = *h->last_cycle;
    double start = c.value("startMs", int64_t{0}) / 1000.0, end = c.value("endMs", int64_t{0}) / 1000.0;
    e.family("idsync_last_sync_cycle_end_timestamp_seconds", "gauge", "When the last sync cycle ended.");
    e.sample("idsync_last_sync_cycle_end_timestamp_seconds", {{"policy", c.value("policy", "")}}, end);
    e.family("idsync_last_sync_cycle_duration_seconds", "gauge", "How long the last sync cycle took.");
    e.sample("idsync_last_sync_cycle_duration_seconds", {{"policy", c.value("policy", "")}}, end - start);
    e.family("idsync_last_sync_cycle_success", "gauge", "1 when the last sync cycle succeeded.");
    e.sample("idsync_last_sync_cycle_success", {{"policy", c.value("policy", "")}},
             c.value("result", "") == "Success" ? 1 : 0);
  }
  e.family("idsync_connector_objects", "gauge", "Objects in the connector space.");
  for (const auto& c : h->connectors) e.sample("idsync_connector_objects", {{"connector", c.name}}, c.counts.objects);
  e.family("idsync_pending_exports", "gauge", "Objects waiting to be exported, by operation.");
  for (const auto& c : h->connectors) {
    e.sample("idsync_pending_exports", {{"connector", c.name}, {"operation", "any"}}, c.counts.pending_exports);
    e.sample("idsync_pending_exports", {{"connector", c.name}, {"operation", "delete"}}, c.counts.pending_export_deletes);
  }
  e.family("idsync_pending_imports", "gauge", "Objects with an import not yet synchronized.");
  for (const auto& c : h->connectors) e.sample("idsync_pending_imports", {{"connector", c.name}}, c.counts.pending_imports);
  e.family("idsync_deletion_threshold_trips", "gauge",
           "Export runs stopped by the deletion threshold, within the kept run history.");
  for (const auto& c : h->connectors) e.sample("idsync_deletion_threshold_trips", {{"connector", c.name}}, c.threshold_trips);
  e.family("idsync_member_removal_limit_trips", "gauge",
           "Export runs stopped by the group member-removal limit, within the kept run history.");
  for (const auto& c : h->connectors)
    e.sample("idsync_member_removal_limit_trips", {{"connector", c.name}}, c.member_limit_trips);
  e.family("idsync_last_run_success", "gauge", "1 when the newest run of this run profile succeeded.");
  for (const auto& c : h->connectors)
    for (const RunResult& r : c.last_runs)
      e.sample("idsync_last_run_success", {{"connector", c.name}, {"run_profile", r.run_profile}, {"result", r.result}},
               r.result == "success" ? 1 : 0);
  e.family("idsync_last_run_duration_seconds", "gauge", "Duration of the newest run of this run profile.");
  for (const auto& c : h->connectors)
    for (const RunResult& r : c.last_runs)
      e.sample("idsync_last_run_duration_seconds", {{"connector", c.name}, {"run_profile", r.run_profile}},
               (r.end_ms - r.start_ms) / 1000.0);
  e.family("idsync_last_run_end_timestamp_seconds", "gauge", "When the newest run of this run profile ended.");
  for (const auto& c : h->connectors)
    for (const RunResult& r : c.last_runs)
      e.sample("idsync_last_run_end_timestamp_seconds", {{"connector", c.name}, {"run_profile", r.run_profile}},
               r.end_ms / 1000.0);
  e.family("idsync_last_run_errors", "gauge", "Object errors in the newest run of this run profile.");
  for (const auto& c : h->connectors)
    for (const RunResult& r : c.last_runs) {
      uint64_t n = 0;
      for (const StepResult& s : r.steps) n += s.error_count;
      e.sample("idsync_last_run_errors", {{"connector", c.name}, {"run_profile", r.run_profile}}, static_cast<double>(n));
    }
  e.family("idsync_last_run_objects", "gauge", "Step counters of the newest run of this run profile.");
  for (const auto& c : h->connectors)
    for (const RunResult& r : c.last_runs)
      for (const StepResult& s : r.steps)
        for (const auto& [counter, value] : s.counters)
          e.sample("idsync_last_run_objects", {{"connector", c.name}, {"run_profile", r.run_profile}, {"counter", counter}},
                   static_cast<double>(value));
  return e.str();
}

}  // namespace idsync
