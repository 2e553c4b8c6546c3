// The C API: each function is a few lines that call the C++ surface and end in one shared
// error-saving path. No exception crosses the boundary.
#include "idsync/idsync.h"

#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <string>

#include "idsync/file/file_connectors.h"
#include "idsync/scim/scim_connector.h"
#include "idsync/ldap/ldap_connector.h"
#include "idsync/server.h"

// For the shims added for the PowerShell module (below the original ones).
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>

#include "idsync/csanalyzer.h"
#include "idsync/csexport.h"
#include "idsync/export_limits.h"
#include "idsync/value_types.h"

struct idsync_server {
  std::unique_ptr<idsync::Server> server;
  std::string error;
};

namespace {

using idsync::ErrorCode;
using idsync::Status;

const idsync::ConnectorRegistry& registry() {
  static const idsync::ConnectorRegistry instance = [] {
    idsync::ConnectorRegistry r;
    idsync::file::register_file_connectors(r);
    idsync::register_scim_connector(r);
    idsync::ldap::register_ldap_connectors(r);
    return r;
  }();
  return instance;
}

int code_of(ErrorCode code) {
  switch (code) {
    case ErrorCode::kOk: return IDSYNC_OK;
    case ErrorCode::kInvalidArgument:
    case ErrorCode::kExpressionError:
    case ErrorCode::kUnsupported: return IDSYNC_EINVAL;
    case ErrorCode::kNotFound: return IDSYNC_ENOTFOUND;
    case ErrorCode::kParseError: return IDSYNC_EPARSE;
    case ErrorCode::kIoError: return IDSYNC_EIO;
    case ErrorCode::kBusy: return IDSYNC_EBUSY;
    case ErrorCode::kStoreError: return IDSYNC_ESTORE;
    case ErrorCode::kConnectorError: return IDSYNC_ECONNECTOR;
    case ErrorCode::kStopped: return IDSYNC_ESTOPPED;
    case ErrorCode::kInternal: return IDSYNC_EINTERNAL;
  }
  return IDSYNC_EINTERNAL;
}

int save(idsync_server* h, const Status& s) {
  if (h != nullptr) h->error = s.ok() ? std::string() : s.message();
  return code_of(s.code());
}

int fail(idsync_server* h, int code, const std::string& message) {
  if (h != nullptr) h->error = message;
  return code;
}

char* copy_out(const std::string& s) {
  char* p = static_cast<char*>(std::malloc(s.size() + 1));
  if (p != nullptr) std::memcpy(p, s.c_str(), s.size() + 1);
  return p;
}

int give(idsync_server* h, char** out, const std::string& s) {
  if (out == nullptr) return IDSYNC_OK;
  *out = copy_out(s);
  return *out != nullptr ? save(h, Status::Ok()) : fail(h, IDSYNC_EINTERNAL, "out of memory");
}

idsync::ProgressCallback progress_of(idsync_progress_fn fn, void* user) {
  if (fn == nullptr) return {};
  return [fn, user](const idsync::Progress& p) { fn(user, p.connector.c_str(), p.step.c_str(), p.done, p.total); };
}

// Runs `body` (returning int) for a live handle; maps exceptions to IDSYNC_EINTERNAL.
template <class Body>
int guarded(idsync_server* h, Body&& body) {
  if (h == nullptr) return IDSYNC_EINVAL;
  if (!h->server) return fail(h, IDSYNC_EINVAL, "this handle's store is not open: " + h->error);
  try {
    return body(*h->server);
  } catch (const std::bad_alloc&) {
    return fail(h, IDSYNC_EINTERNAL, "out of memory");
  } catch (const std::exception& e) {
    return fail(h, IDSYNC_EINTERNAL, std::string("internal error: ") + e.what());
  } catch (...) {
    return fail(h, IDSYNC_EINTERNAL, "internal error");
  }
}

const char* or_empty(const char* s) { return s != nullptr ? s : ""; }

bool stopped(const std::string& result) { return result.rfind("stopped-", 0) == 0; }

}  // namespace

extern "C" {

const char* idsync_version(void) { return "0.1.0"; }

void idsync_free(void* p) { std::free(p); }

int idsync_open(const char* path, int flags, idsync_server** out) {
  if (out == nullptr) return IDSYNC_EINVAL;
  *out = new (std::nothrow) idsync_server;
  if (*out == nullptr) return IDSYNC_EINTERNAL;
  if (path == nullptr) return fail(*out, IDSYNC_EINVAL, "no store path given");
  try {
    auto mode = flags & IDSYNC_OPEN_CREATE ? idsync::StoreOpenMode::kCreateIfMissing : idsync::StoreOpenMode::kMustExist;
    auto server = idsync::Server::open(path, mode, registry());
    if (!server.ok()) return save(*out, server.status());
    (*out)->server = std::move(server).value();
    return IDSYNC_OK;
  } catch (...) {
    return fail(*out, IDSYNC_EINTERNAL, "internal error while opening the store");
  }
}

void idsync_close(idsync_server* server) { delete server; }

const char* idsync_errmsg(const idsync_server* server) {
  return server == nullptr ? "no handle (NULL)" : server->error.c_str();
}

int idsync_config_import(idsync_server* h, const char* json) {
  return guarded(h, [&](idsync::Server& s) {
    auto config = idsync::parse_configuration(or_empty(json));
    if (!config.ok()) return save(h, config.status());
    return save(h, s.import_configuration(*config));
  });
}

int idsync_config_export(idsync_server* h, char** json_out) {
  return guarded(h, [&](idsync::Server& s) {
    auto config = s.configuration();
    if (!config.ok()) return save(h, config.status());
    return give(h, json_out, idsync::write_configuration(*config));
  });
}

int idsync_run_profile(idsync_server* h, const char* connector, const char* run_profile, idsync_progress_fn progress,
                       void* user, char** result_out) {
  return guarded(h, [&](idsync::Server& s) {
    auto run = s.run_profile(or_empty(connector), or_empty(run_profile), progress_of(progress, user));
    if (!run.ok()) return save(h, run.status());
    int rc = give(h, result_out, idsync::run_result_to_json(*run));
    return rc == IDSYNC_OK && stopped(run->result) ? fail(h, IDSYNC_ESTOPPED, "the run ended " + run->result) : rc;
  });
}

int idsync_run_cycle(idsync_server* h, int policy, idsync_progress_fn progress, void* user, char** result_out) {
  return guarded(h, [&](idsync::Server& s) {
    auto p = policy == IDSYNC_POLICY_INITIAL ? idsync::CyclePolicy::kInitial : idsync::CyclePolicy::kDelta;
    auto cycle = s.run_cycle(p, progress_of(progress, user));
    if (!cycle.ok()) return save(h, cycle.status());
    std::string json = "{\"policy\":\"" + cycle->policy + "\",\"result\":\"" + cycle->result + "\",\"runs\":[";
    for (size_t i = 0; i < cycle->runs.size(); ++i) json += (i ? "," : "") + idsync::run_result_to_json(cycle->runs[i]);
    json += "]}";
    int rc = give(h, result_out, json);
    return rc == IDSYNC_OK && cycle->result != "Success" ? fail(h, IDSYNC_ESTOPPED, "the cycle failed: a run stopped") : rc;
  });
}

int idsync_run_history(idsync_server* h, const char* connector, const char* result, int64_t run_id, int64_t limit,
                       char** json_out) {
  return guarded(h, [&](idsync::Server& s) {
    auto runs = s.run_history(idsync::RunHistoryQuery{or_empty(connector), or_empty(result), run_id, limit});
    if (!runs.ok()) return save(h, runs.status());
    std::string json = "[";
    for (size_t i = 0; i < runs->size(); ++i) json += (i ? "," : "") + idsync::run_result_to_json((*runs)[i]);
    return give(h, json_out, json + "]");
  });
}

int idsync_cs_object(idsync_server* h, const char* connector, const char* key, char** json_out) {
  return guarded(h, [&](idsync::Server& s) {
    auto o = s.cs_object_json(or_empty(connector), or_empty(key));
    if (!o.ok()) return save(h, o.status());
    if (!o->has_value())
      return fail(h, IDSYNC_ENOTFOUND, std::string("connector '") + or_empty(connector) + "' holds no object '" + or_empty(key) + "'");
    return give(h, json_out, **o);
  });
}

int idsync_cs_list(idsync_server* h, const char* connector, int pending_export_only, int64_t limit, char** json_out) {
  return guarded(h, [&](idsync::Server& s) {
    auto list = s.cs_list_json(or_empty(connector), pending_export_only != 0, limit);
    if (!list.ok()) return save(h, list.status());
    return give(h, json_out, *list);
  });
}

int idsync_mv_object(idsync_server* h, uint64_t id, char** json_out) {
  return guarded(h, [&](idsync::Server& s) {
    auto o = s.mv_object_json(id);
    if (!o.ok()) return save(h, o.status());
    if (!o->has_value()) return fail(h, IDSYNC_ENOTFOUND, "no metaverse object " + std::to_string(id));
    return give(h, json_out, **o);
  });
}

int idsync_mv_list(idsync_server* h, const char* object_type, int64_t limit, char** json_out) {
  return guarded(h, [&](idsync::Server& s) {
    auto list = s.mv_list_json(or_empty(object_type), limit);
    if (!list.ok()) return save(h, list.status());
    return give(h, json_out, *list);
  });
}

int idsync_deletion_threshold_get(idsync_server* h, uint64_t* count_out) {
  return guarded(h, [&](idsync::Server& s) {
    if (count_out == nullptr) return fail(h, IDSYNC_EINVAL, "count_out is NULL");
    auto t = s.deletion_threshold();
    if (!t.ok()) return save(h, t.status());
    *count_out = *t;
    return save(h, Status::Ok());
  });
}

int idsync_deletion_threshold_set(idsync_server* h, uint64_t count) {
  return guarded(h, [&](idsync::Server& s) { return save(h, s.set_deletion_threshold(count)); });
}

// ---- Shims the PowerShell module needs. Each one calls server.h / csexport.h / csanalyzer.h /
// configuration.h; the engine logic stays there.

int idsync_run_profile_v2(idsync_server* h, const char* connector, const char* run_profile, int flags,
                          idsync_progress_fn progress, void* user, char** result_out) {
  return guarded(h, [&](idsync::Server& s) {
    idsync::RunOptions options;
    options.force_export = (flags & IDSYNC_RUN_FORCE_EXPORT) != 0;
    auto run = s.run_profile(or_empty(connector), or_empty(run_profile), progress_of(progress, user), options);
    if (!run.ok()) return save(h, run.status());
    int rc = give(h, result_out, idsync::run_result_to_json(*run));
    return rc == IDSYNC_OK && stopped(run->result) ? fail(h, IDSYNC_ESTOPPED, "the run ended " + run->result) : rc;
  });
}

int idsync_stop(idsync_server* h) {
  return guarded(h, [&](idsync::Server& s) { return save(h, s.request_stop()); });
}

int idsync_running(idsync_server* h, char** what_out) {
  return guarded(h, [&](idsync::Server& s) {
    auto running = s.running();
    if (!running.ok()) return save(h, running.status());
    return give(h, what_out, running->value_or(""));
  });
}

int idsync_status(idsync_server* h, char** json_out) {
  return guarded(h, [&](idsync::Server& s) {
    auto status = s.status_json();
    if (!status.ok()) return save(h, status.status());
    return give(h, json_out, *status);
  });
}

int idsync_connector_list(idsync_server* h, char** json_out) {
  return guarded(h, [&](idsync::Server& s) {
    auto config = s.configuration();
    if (!config.ok()) return save(h, config.status());
    std::string json = "[";
    for (size_t i = 0; i < config->connectors.size(); ++i)
      json += (i ? "," : "") + idsync::write_connector_json(config->connectors[i]);
    return give(h, json_out, json + "]");
  });
}

int idsync_scheduler_get(idsync_server* h, char** json_out) {
  return guarded(h, [&](idsync::Server& s) {
    auto settings = s.scheduler();
    if (!settings.ok()) return save(h, settings.status());
    auto running = s.running();
    if (!running.ok()) return save(h, running.status());
    return give(h, json_out, idsync::scheduler_to_json(*settings, running->has_value()));
  });
}

int idsync_scheduler_set(idsync_server* h, const char* json_changes) {
  return guarded(h, [&](idsync::Server& s) {
    auto changes = nlohmann::json::parse(or_empty(json_changes), nullptr, false);
    if (!changes.is_object())
      return fail(h, IDSYNC_EPARSE, "the scheduler changes must be a JSON object of Get-ADSyncScheduler fields");
    auto current = s.scheduler();
    if (!current.ok()) return save(h, current.status());
    // Merge the changes into the current settings' JSON and read the whole back, so one parser
    // (scheduler_from_json) checks every field.
    auto merged = nlohmann::json::parse(idsync::scheduler_to_json(*current, false));
    for (auto& [key, value] : changes.items()) {
      if (!merged.contains(key) || key == "CurrentlyEffectiveSyncCycleInterval" || key == "SyncCycleInProgress")
        return fail(h, IDSYNC_EINVAL, "'" + key + "' is not a scheduler setting that can be changed");
      merged[key] = value;
    }
    auto settings = idsync::scheduler_from_json(merged.dump());
    if (!settings.ok()) return fail(h, IDSYNC_EINVAL, "scheduler setting refused: " + settings.status().message());
    return save(h, s.set_scheduler(*settings));
  });
}

int idsync_staging_get(idsync_server* h, int* enabled_out) {
  return guarded(h, [&](idsync::Server& s) {
    if (enabled_out == nullptr) return fail(h, IDSYNC_EINVAL, "enabled_out is NULL");
    auto settings = s.scheduler();
    if (!settings.ok()) return save(h, settings.status());
    *enabled_out = settings->staging_mode_enabled ? 1 : 0;
    return save(h, Status::Ok());
  });
}

int idsync_staging_set(idsync_server* h, int enabled) {
  return guarded(h, [&](idsync::Server& s) {
    auto settings = s.scheduler();
    if (!settings.ok()) return save(h, settings.status());
    settings->staging_mode_enabled = enabled != 0;
    return save(h, s.set_scheduler(*settings));
  });
}

int idsync_override_get(idsync_server* h, const char* connector, int* full_import_out, int* full_sync_out) {
  return guarded(h, [&](idsync::Server& s) {
    if (full_import_out == nullptr || full_sync_out == nullptr) return fail(h, IDSYNC_EINVAL, "an out parameter is NULL");
    auto o = s.connector_override(or_empty(connector));
    if (!o.ok()) return save(h, o.status());
    *full_import_out = o->full_import_required ? 1 : 0;
    *full_sync_out = o->full_sync_required ? 1 : 0;
    return save(h, Status::Ok());
  });
}

int idsync_override_set(idsync_server* h, const char* connector, int full_import_required, int full_sync_required) {
  return guarded(h, [&](idsync::Server& s) {
    return save(h, s.set_connector_override(or_empty(connector),
                                            idsync::ConnectorOverride{full_import_required != 0, full_sync_required != 0}));
  });
}

}  // extern "C"

namespace {

// Index of the rule with this id, else of the one with this name; -1 when none.
long find_rule(const std::vector<idsync::SyncRule>& rules, const std::string& key) {
  for (size_t i = 0; i < rules.size(); ++i)
    if (rules[i].id == key) return static_cast<long>(i);
  for (size_t i = 0; i < rules.size(); ++i)
    if (idsync::iequals(rules[i].name, key)) return static_cast<long>(i);
  return -1;
}

// A random (version 4) GUID in the "{...}" form rule ids take.
std::string new_rule_id() {
  std::random_device rd;
  std::mt19937_64 gen((static_cast<uint64_t>(rd()) << 32) ^ rd());
  uint64_t a = gen(), b = gen();
  a = (a & ~0xF000ull) | 0x4000ull;                              // version 4
  b = (b & 0x3FFFFFFFFFFFFFFFull) | 0x8000000000000000ull;        // RFC 4122 variant
  char buf[40];
  std::snprintf(buf, sizeof buf, "{%08x-%04x-%04x-%04x-%012llx}", static_cast<unsigned>(a >> 32),
                static_cast<unsigned>((a >> 16) & 0xFFFF), static_cast<unsigned>(a & 0xFFFF),
                static_cast<unsigned>(b >> 48), static_cast<unsigned long long>(b & 0xFFFFFFFFFFFFull));
  return buf;
}

}  // namespace

extern "C" {

int idsync_rule_list(idsync_server* h, char** json_out) {
  return guarded(h, [&](idsync::Server& s) {
    auto config = s.configuration();
    if (!config.ok()) return save(h, config.status());
    std::string json = "[";
    for (size_t i = 0; i < config->rules.size(); ++i) json += (i ? "," : "") + idsync::write_rule_json(config->rules[i]);
    return give(h, json_out, json + "]");
  });
}

int idsync_rule_get(idsync_server* h, const char* id_or_name, char** json_out) {
  return guarded(h, [&](idsync::Server& s) {
    auto config = s.configuration();
    if (!config.ok()) return save(h, config.status());
    long i = find_rule(config->rules, or_empty(id_or_name));
    if (i < 0) return fail(h, IDSYNC_ENOTFOUND, std::string("no sync rule with id or name '") + or_empty(id_or_name) + "'");
    return give(h, json_out, idsync::write_rule_json(config->rules[static_cast<size_t>(i)]));
  });
}

int idsync_rule_put(idsync_server* h, const char* rule_json, char** id_out) {
  return guarded(h, [&](idsync::Server& s) {
    auto rule = idsync::parse_rule_json(or_empty(rule_json));
    if (!rule.ok()) return save(h, rule.status());
    if (rule->id.empty()) rule->id = new_rule_id();
    auto config = s.configuration();
    if (!config.ok()) return save(h, config.status());
    bool replaced = false;
    for (idsync::SyncRule& r : config->rules)
      if (r.id == rule->id) r = *rule, replaced = true;
    if (!replaced) config->rules.push_back(*rule);
    int rc = save(h, s.import_configuration(*config));
    return rc == IDSYNC_OK ? give(h, id_out, rule->id) : rc;
  });
}

int idsync_rule_remove(idsync_server* h, const char* id) {
  return guarded(h, [&](idsync::Server& s) {
    auto config = s.configuration();
    if (!config.ok()) return save(h, config.status());
    auto& rules = config->rules;
    auto before = rules.size();
    std::erase_if(rules, [&](const idsync::SyncRule& r) { return r.id == or_empty(id); });
    if (rules.size() == before) return fail(h, IDSYNC_ENOTFOUND, std::string("no sync rule with id '") + or_empty(id) + "'");
    return save(h, s.import_configuration(*config));
  });
}

int idsync_purge_run_history(idsync_server* h, int64_t before_ms, int64_t* removed_out) {
  return guarded(h, [&](idsync::Server& s) {
    auto n = s.purge_run_history(before_ms);
    if (!n.ok()) return save(h, n.status());
    if (removed_out != nullptr) *removed_out = *n;
    return save(h, Status::Ok());
  });
}

int idsync_csexport(idsync_server* h, const char* connector, const char* file, const char* filter, const char* sections,
                    char** stats_out) {
  return guarded(h, [&](idsync::Server& s) {
    idsync::CsExportRequest request{s.store_path(), or_empty(connector), or_empty(file), {}, {}};
    if (filter != nullptr && *filter != '\0') {
      auto f = idsync::parse_csexport_filter(filter);
      if (!f.ok()) return save(h, f.status());
      request.filter = *f;
    }
    if (sections != nullptr && *sections != '\0') {
      auto o = idsync::parse_csexport_sections(sections);
      if (!o.ok()) return save(h, o.status());
      request.sections = *o;
    }
    auto stats = idsync::csexport(request);
    if (!stats.ok()) return save(h, stats.status());
    return give(h, stats_out,
                "{\"examined\":" + std::to_string(stats->examined) + ",\"written\":" + std::to_string(stats->written) + "}");
  });
}

int idsync_pending_exports(idsync_server* h, const char* connector, char** csv_out) {
  return guarded(h, [&](idsync::Server& s) {
    std::error_code ec;
    std::string dir = (std::filesystem::temp_directory_path(ec) / "idsync-pending-XXXXXX").string();
    if (ec || ::mkdtemp(dir.data()) == nullptr)
      return fail(h, IDSYNC_EIO, "cannot create a temporary folder for the csexport file; check TMPDIR");
    struct Cleanup {
      std::string d;
      ~Cleanup() {
        std::error_code ignored;
        std::filesystem::remove_all(d, ignored);
      }
    } cleanup{dir};
    auto filter = idsync::parse_csexport_filter("x");
    if (!filter.ok()) return save(h, filter.status());
    idsync::CsExportRequest request{s.store_path(), or_empty(connector), dir + "/pending.xml", *filter, {}};
    auto stats = idsync::csexport(request);
    if (!stats.ok()) return save(h, stats.status());
    std::ifstream xml(request.file, std::ios::binary);
    std::ostringstream csv;
    auto summary = idsync::analyze_csexport(xml, csv, idsync::CsAnalyzerOptions{});
    if (!summary.ok()) return save(h, summary.status());
    return give(h, csv_out, csv.str());
  });
}

// ---- Export limits in full (idsync/export_limits.h). Set merges the given fields into the
// current settings and reads the whole back with the engine's parser, like idsync_scheduler_set.

}  // extern "C"

namespace {

// The merged settings JSON, or an error naming the refused field. `current` is the engine's
// JSON of the settings now; `changes` what the caller gave.
idsync::Result<nlohmann::json> merge_limit_changes(const std::string& current, const char* changes, const char* what) {
  auto merged = nlohmann::json::parse(current);
  const std::string fields = merged.dump();  // one line, for the messages
  auto given = nlohmann::json::parse(or_empty(changes), nullptr, false);
  if (!given.is_object())
    return Status::Error(ErrorCode::kParseError, std::string("the ") + what + " must be a JSON object of its fields: " + fields);
  for (auto& [key, value] : given.items()) {
    if (!merged.contains(key))
      return Status::Error(ErrorCode::kInvalidArgument, "'" + key + "' is not a field of the " + what + " (its fields: " + fields + ")");
    merged[key] = value;
  }
  return merged;
}

// The engine's parser reads numbers into unsigned fields; a negative, fractional or too large
// value would come back changed. Refuse it instead of storing something else than was asked.
Status check_read_back(const nlohmann::json& merged, const std::string& parsed_json, const char* what) {
  auto parsed = nlohmann::json::parse(parsed_json);
  for (auto& [key, value] : merged.items()) {
    const auto& back = parsed[key];
    bool same = value.is_number()   ? value.is_number_unsigned() && back.is_number_unsigned() &&
                                        value.get<uint64_t>() == back.get<uint64_t>()
                : value.is_string() ? back.is_string() && idsync::iequals(value.get<std::string>(), back.get<std::string>())
                                    : value == back;
    if (!same)
      return Status::Error(ErrorCode::kInvalidArgument, std::string("the ") + what + " field '" + key + "' cannot be " +
                                                            value.dump() + " (it takes a whole number in range)");
  }
  return Status::Ok();
}

// A parser failure on caller input is malformed input, not a damaged store.
int refuse_parsed(idsync_server* h, const Status& s, const char* what) {
  if (s.code() != ErrorCode::kStoreError) return fail(h, code_of(s.code()), std::string(what) + " refused: " + s.message());
  return fail(h, IDSYNC_EPARSE, std::string(what) + " refused, a field has the wrong type: " + s.message());
}

}  // namespace

extern "C" {

int idsync_deletion_threshold_settings_get(idsync_server* h, char** json_out) {
  return guarded(h, [&](idsync::Server& s) {
    if (json_out == nullptr) return fail(h, IDSYNC_EINVAL, "json_out is NULL");
    auto t = s.deletion_threshold_settings();
    if (!t.ok()) return save(h, t.status());
    return give(h, json_out, idsync::deletion_threshold_to_json(*t));
  });
}

int idsync_deletion_threshold_settings_set(idsync_server* h, const char* json_changes) {
  return guarded(h, [&](idsync::Server& s) {
    const char* what = "deletion threshold";
    auto current = s.deletion_threshold_settings();
    if (!current.ok()) return save(h, current.status());
    auto merged = merge_limit_changes(idsync::deletion_threshold_to_json(*current), json_changes, what);
    if (!merged.ok()) return save(h, merged.status());
    auto t = idsync::deletion_threshold_from_json(merged->dump());
    if (!t.ok()) return refuse_parsed(h, t.status(), what);
    if (Status back = check_read_back(*merged, idsync::deletion_threshold_to_json(*t), what); !back.ok()) return save(h, back);
    return save(h, s.set_deletion_threshold_settings(*t));
  });
}

int idsync_member_removal_limit_get(idsync_server* h, char** json_out) {
  return guarded(h, [&](idsync::Server& s) {
    if (json_out == nullptr) return fail(h, IDSYNC_EINVAL, "json_out is NULL");
    auto l = s.member_removal_limit();
    if (!l.ok()) return save(h, l.status());
    return give(h, json_out, idsync::member_removal_limit_to_json(*l));
  });
}

int idsync_member_removal_limit_set(idsync_server* h, const char* json_changes) {
  return guarded(h, [&](idsync::Server& s) {
    const char* what = "group member-removal limit";
    auto current = s.member_removal_limit();
    if (!current.ok()) return save(h, current.status());
    auto merged = merge_limit_changes(idsync::member_removal_limit_to_json(*current), json_changes, what);
    if (!merged.ok()) return save(h, merged.status());
    auto l = idsync::member_removal_limit_from_json(merged->dump());
    if (!l.ok()) return refuse_parsed(h, l.status(), what);
    if (Status back = check_read_back(*merged, idsync::member_removal_limit_to_json(*l), what); !back.ok()) return save(h, back);
    return save(h, s.set_member_removal_limit(*l));
  });
}

}  // extern "C"
