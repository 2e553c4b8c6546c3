// The C API: each function is a few lines that call the C++ surface and end in one shared
// error-saving path. No exception crosses the boundary.
#include "idsync/idsync.h"

#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <string>

#include "idsync/file/file_connectors.h"
#include "idsync/ldap/ldap_connector.h"
#include "idsync/server.h"

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

}  // extern "C"
