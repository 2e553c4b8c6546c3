#include "idsync/scheduler.h"

#include <algorithm>
#include <ctime>
#include <nlohmann/json.hpp>

#include "idsync/value_types.h"

namespace idsync {

using nlohmann::ordered_json;

int64_t effective_sync_cycle_interval_s(const SchedulerSettings& s) {
  if (s.customized_sync_cycle_interval_s <= 0) return s.allowed_sync_cycle_interval_s;
  return std::max(s.customized_sync_cycle_interval_s, s.allowed_sync_cycle_interval_s);
}

bool sync_cycle_due(const SchedulerSettings& s, int64_t now_ms) {
  if (!s.sync_cycle_enabled || s.scheduler_suspended) return false;
  return now_ms >= s.next_sync_cycle_start_ms;
}

void schedule_next_cycle(SchedulerSettings& s, int64_t start_ms) {
  s.next_sync_cycle_start_ms = start_ms + effective_sync_cycle_interval_s(s) * 1000;
  s.next_sync_cycle_policy_type = "Delta";
}

namespace {

// "HH:MM:SS" or "D.HH:MM:SS", as PowerShell prints a TimeSpan.
std::string timespan(int64_t seconds) {
  int64_t days = seconds / 86400;
  seconds %= 86400;
  char buf[48];
  if (days > 0) {
    std::snprintf(buf, sizeof buf, "%lld.%02lld:%02lld:%02lld", static_cast<long long>(days),
                  static_cast<long long>(seconds / 3600), static_cast<long long>(seconds / 60 % 60),
                  static_cast<long long>(seconds % 60));
  } else {
    std::snprintf(buf, sizeof buf, "%02lld:%02lld:%02lld", static_cast<long long>(seconds / 3600),
                  static_cast<long long>(seconds / 60 % 60), static_cast<long long>(seconds % 60));
  }
  return buf;
}

std::optional<int64_t> parse_timespan(const std::string& text) {
  long long d = 0, h = 0, m = 0, s = 0;
  if (std::sscanf(text.c_str(), "%lld.%lld:%lld:%lld", &d, &h, &m, &s) == 4) return ((d * 24 + h) * 60 + m) * 60 + s;
  if (std::sscanf(text.c_str(), "%lld:%lld:%lld", &h, &m, &s) == 3) return (h * 60 + m) * 60 + s;
  return std::nullopt;
}

std::string utc(int64_t ms) {
  std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::optional<int64_t> parse_utc(const std::string& text) {
  std::tm tm{};
  if (std::sscanf(text.c_str(), "%d-%d-%dT%d:%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
                  &tm.tm_sec) != 6)
    return std::nullopt;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return static_cast<int64_t>(timegm(&tm)) * 1000;
}

}  // namespace

std::string scheduler_to_json(const SchedulerSettings& s, bool in_progress) {
  ordered_json j = {
      {"AllowedSyncCycleInterval", timespan(s.allowed_sync_cycle_interval_s)},
      {"CurrentlyEffectiveSyncCycleInterval", timespan(effective_sync_cycle_interval_s(s))},
      {"CustomizedSyncCycleInterval",
       s.customized_sync_cycle_interval_s > 0 ? ordered_json(timespan(s.customized_sync_cycle_interval_s)) : ordered_json()},
      {"NextSyncCyclePolicyType", s.next_sync_cycle_policy_type},
      {"NextSyncCycleStartTimeInUTC", utc(s.next_sync_cycle_start_ms)},
      {"PurgeRunHistoryInterval", timespan(s.purge_run_history_interval_s)},
      {"SyncCycleEnabled", s.sync_cycle_enabled},
      {"MaintenanceEnabled", s.maintenance_enabled},
      {"StagingModeEnabled", s.staging_mode_enabled},
      {"SchedulerSuspended", s.scheduler_suspended},
      {"SyncCycleInProgress", in_progress},
  };
  return j.dump(2);
}

Result<SchedulerSettings> scheduler_from_json(const std::string& text) {
  try {
    auto j = ordered_json::parse(text);
    SchedulerSettings s;
    auto span = [&](const char* key, int64_t& out) -> Status {
      if (!j.contains(key) || j[key].is_null()) return Status::Ok();
      auto v = parse_timespan(j[key].get<std::string>());
      if (!v) return Status::Error(ErrorCode::kParseError, std::string(key) + ": expected HH:MM:SS or D.HH:MM:SS");
      out = *v;
      return Status::Ok();
    };
    IDSYNC_RETURN_IF_ERROR(span("AllowedSyncCycleInterval", s.allowed_sync_cycle_interval_s));
    IDSYNC_RETURN_IF_ERROR(span("CustomizedSyncCycleInterval", s.customized_sync_cycle_interval_s));
    IDSYNC_RETURN_IF_ERROR(span("PurgeRunHistoryInterval", s.purge_run_history_interval_s));
    s.next_sync_cycle_policy_type = j.value("NextSyncCyclePolicyType", std::string("Delta"));
    if (j.contains("NextSyncCycleStartTimeInUTC")) {
      auto t = parse_utc(j["NextSyncCycleStartTimeInUTC"].get<std::string>());
      if (!t) return Status::Error(ErrorCode::kParseError, "NextSyncCycleStartTimeInUTC: expected YYYY-MM-DDTHH:MM:SSZ");
      s.next_sync_cycle_start_ms = *t;
    }
    s.sync_cycle_enabled = j.value("SyncCycleEnabled", true);
    s.maintenance_enabled = j.value("MaintenanceEnabled", true);
    s.staging_mode_enabled = j.value("StagingModeEnabled", false);
    s.scheduler_suspended = j.value("SchedulerSuspended", false);
    return s;
  } catch (const std::exception& e) {
    return Status::Error(ErrorCode::kStoreError, std::string("damaged scheduler settings: ") + e.what());
  }
}

}  // namespace idsync
