/*
 * idsync.h — the C API of IdSync: a thin, stable surface over the engine for other languages
 * (the PowerShell module P/Invokes it).
 *
 * Conventions:
 *  1. Handles are opaque. idsync_open() pairs with idsync_close(); idsync_close(NULL) is a no-op.
 *  2. Every function that can fail returns an int status: IDSYNC_OK (0) or one of the
 *     IDSYNC_E* codes below. After a failure, idsync_errmsg(handle) describes it (what failed,
 *     on which object, what to do). The message belongs to the handle and stays valid until the
 *     next call on that handle.
 *  3. Strings are UTF-8 and NUL-terminated. Strings the library hands out (char** out
 *     parameters) are allocated by it and must be released with idsync_free().
 *  4. Structured results (run results, objects, configurations) are JSON documents; their
 *     fields are those of `idsync ... --json` and of the README.
 *  5. No C++ exception crosses this boundary.
 *  6. A handle is used by one thread at a time. Open one handle per thread: many handles on one
 *     store may read while another handle runs a cycle; a second run on the same store (from
 *     any handle or process) fails at once with IDSYNC_EBUSY.
 *  7. Published functions never change meaning; a changed behaviour gets a new name (_v2).
 */
#ifndef IDSYNC_IDSYNC_H_
#define IDSYNC_IDSYNC_H_

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define IDSYNC_EXPORT __attribute__((visibility("default")))
#else
#define IDSYNC_EXPORT
#endif

enum {
  IDSYNC_OK = 0,
  IDSYNC_EINVAL = 1,       /* bad argument, configuration or expression */
  IDSYNC_ENOTFOUND = 2,    /* no such store, connector, run profile or object */
  IDSYNC_EPARSE = 3,       /* malformed input (JSON, LDIF, ...) */
  IDSYNC_EIO = 4,          /* file system or network failure */
  IDSYNC_EBUSY = 5,        /* another run holds the store */
  IDSYNC_ESTORE = 6,       /* the store failed or is damaged */
  IDSYNC_ECONNECTOR = 7,   /* a directory answered with an error */
  IDSYNC_ESTOPPED = 8,     /* a run stopped (threshold, error limit, stop request) */
  IDSYNC_EINTERNAL = 9     /* a bug: please report it */
};

/* Open flags. */
enum { IDSYNC_OPEN_EXISTING = 0, IDSYNC_OPEN_CREATE = 1 };

/* Cycle policies. */
enum { IDSYNC_POLICY_DELTA = 0, IDSYNC_POLICY_INITIAL = 1 };

typedef struct idsync_server idsync_server;

/* Progress of a long run: called on the running thread. */
typedef void (*idsync_progress_fn)(void* user, const char* connector, const char* step, uint64_t done,
                                   uint64_t total);

/* The library version, e.g. "0.1.0". Static storage; never freed. */
IDSYNC_EXPORT const char* idsync_version(void);

/* Releases memory handed out by the library. NULL is a no-op. */
IDSYNC_EXPORT void idsync_free(void* p);

/* Opens the server store at `path`. On failure *out is a handle whose idsync_errmsg() tells
 * why (close it); it is NULL only when memory ran out. */
IDSYNC_EXPORT int idsync_open(const char* path, int flags, idsync_server** out);
IDSYNC_EXPORT void idsync_close(idsync_server* server);
IDSYNC_EXPORT const char* idsync_errmsg(const idsync_server* server);

/* Configuration as JSON (README "Configuration file"). Import replaces the whole configuration
 * and refuses it, changing nothing, when a rule does not compile. */
IDSYNC_EXPORT int idsync_config_import(idsync_server* server, const char* json);
IDSYNC_EXPORT int idsync_config_export(idsync_server* server, char** json_out);

/* Runs. *result_out (may be NULL) receives the run record(s) as JSON; a run that ran but
 * ended in a stopped-* state returns IDSYNC_ESTOPPED with the record filled in. */
IDSYNC_EXPORT int idsync_run_profile(idsync_server* server, const char* connector, const char* run_profile,
                                     idsync_progress_fn progress, void* user, char** result_out);
IDSYNC_EXPORT int idsync_run_cycle(idsync_server* server, int policy, idsync_progress_fn progress, void* user,
                                   char** result_out);

/* Run history, newest first. `connector` and `result` may be NULL (all); run_id 0 = all. */
IDSYNC_EXPORT int idsync_run_history(idsync_server* server, const char* connector, const char* result, int64_t run_id,
                                     int64_t limit, char** json_out);

/* Objects. `key` is a DN, "anchor:<base64>", or "id:<n>" / "{...}" (the object id, as csexport's
 * <cs-object id=> GUID). A missing object is IDSYNC_ENOTFOUND. */
IDSYNC_EXPORT int idsync_cs_object(idsync_server* server, const char* connector, const char* key, char** json_out);
IDSYNC_EXPORT int idsync_cs_list(idsync_server* server, const char* connector, int pending_export_only, int64_t limit,
                                 char** json_out);
IDSYNC_EXPORT int idsync_mv_object(idsync_server* server, uint64_t id, char** json_out);
IDSYNC_EXPORT int idsync_mv_list(idsync_server* server, const char* object_type, int64_t limit, char** json_out);

/* Export deletion threshold: deletes per connector and export run; 0 = off. */
IDSYNC_EXPORT int idsync_deletion_threshold_get(idsync_server* server, uint64_t* count_out);
IDSYNC_EXPORT int idsync_deletion_threshold_set(idsync_server* server, uint64_t count);

/* ---- Added for the PowerShell module (all thin shims over server.h, csexport.h, csanalyzer.h,
 * configuration.h). ---- */

/* Run flags for idsync_run_profile_v2. */
enum { IDSYNC_RUN_FORCE_EXPORT = 1 /* export even in staging mode (an explicit administrator decision) */ };

/* Like idsync_run_profile, with flags (IDSYNC_RUN_*). */
IDSYNC_EXPORT int idsync_run_profile_v2(idsync_server* server, const char* connector, const char* run_profile, int flags,
                                        idsync_progress_fn progress, void* user, char** result_out);

/* Asks the running cycle or run profile (in any process) to stop at its next step boundary. */
IDSYNC_EXPORT int idsync_stop(idsync_server* server);

/* What runs on this store now ("Delta sync cycle (pid 42)"), or "" when nothing does. */
IDSYNC_EXPORT int idsync_running(idsync_server* server, char** what_out);

/* Health as JSON (`idsync status`): per connector the last run and pending changes, the
 * scheduler, what runs now, the last cycle. */
IDSYNC_EXPORT int idsync_status(idsync_server* server, char** json_out);

/* The configured connectors: a JSON array of connector definitions (README "Configuration
 * file": name, id, type, role, options, parameters, schema, runProfiles). */
IDSYNC_EXPORT int idsync_connector_list(idsync_server* server, char** json_out);

/* Scheduler with the Get-ADSyncScheduler field names (plus SyncCycleInProgress). Set takes a
 * JSON object holding only the fields to change (same names and formats as get: intervals as
 * "HH:MM:SS" or "D.HH:MM:SS", NextSyncCycleStartTimeInUTC as "YYYY-MM-DDTHH:MM:SSZ"); the
 * others keep their values. A bad field changes nothing. */
IDSYNC_EXPORT int idsync_scheduler_get(idsync_server* server, char** json_out);
IDSYNC_EXPORT int idsync_scheduler_set(idsync_server* server, const char* json_changes);

/* Staging mode (the scheduler's StagingModeEnabled): imports and syncs run, exports do not. */
IDSYNC_EXPORT int idsync_staging_get(idsync_server* server, int* enabled_out);
IDSYNC_EXPORT int idsync_staging_set(idsync_server* server, int enabled);

/* Per-connector overrides honoured once by the next cycle (Set-ADSyncSchedulerConnectorOverride).
 * An unknown connector is IDSYNC_ENOTFOUND. */
IDSYNC_EXPORT int idsync_override_get(idsync_server* server, const char* connector, int* full_import_out,
                                      int* full_sync_out);
IDSYNC_EXPORT int idsync_override_set(idsync_server* server, const char* connector, int full_import_required,
                                      int full_sync_required);

/* Sync rules as JSON (README "Configuration file", syncRules[]). List gives an array in
 * configuration order; get finds one by id ("{...}") or, failing that, by name (case-insensitive).
 * Put adds a rule, or replaces the one with the same id; a rule without id gets a new GUID,
 * handed back in *id_out (may be NULL). Put and remove recompile every rule and change nothing
 * when one does not compile. They take the run lock (IDSYNC_EBUSY while a run holds the store). */
IDSYNC_EXPORT int idsync_rule_list(idsync_server* server, char** json_out);
IDSYNC_EXPORT int idsync_rule_get(idsync_server* server, const char* id_or_name, char** json_out);
IDSYNC_EXPORT int idsync_rule_put(idsync_server* server, const char* rule_json, char** id_out);
IDSYNC_EXPORT int idsync_rule_remove(idsync_server* server, const char* id);

/* Removes run history records that ended before `before_ms` (unix ms); *removed_out (may be
 * NULL) receives how many. */
IDSYNC_EXPORT int idsync_purge_run_history(idsync_server* server, int64_t before_ms, int64_t* removed_out);

/* csexport: writes connector `connector`'s space to the new file `file` (never overwritten).
 * `filter` is the text after /f: ("x", "d=CN=Ann,...", ...) and `sections` the letters after
 * /o: ("ebhdp"); NULL or "" means all. *stats_out (may be NULL) receives
 * {"examined":N,"written":N}. */
IDSYNC_EXPORT int idsync_csexport(idsync_server* server, const char* connector, const char* file, const char* filter,
                                  const char* sections, char** stats_out);

/* The export analyzer over a connector's pending exports: csexport /f:x into a private temp
 * file, then the analyzer's CSV (header kCsAnalyzerHeader, RFC 4180) into *csv_out. */
IDSYNC_EXPORT int idsync_pending_exports(idsync_server* server, const char* connector, char** csv_out);

/* Export limits in full (README "Preventing accidental deletes"), as JSON with the fields of
 * `idsync threshold show` (DeletionPrevention "Disabled" | "EnabledForCount" |
 * "EnabledForPercentage", ThresholdPercentage 1..100, ThresholdCount) and of
 * `idsync member-limit show` (Enabled, ThresholdCount, ThresholdPercentage 0..100,
 * MinimumGroupSize). Set takes a JSON object holding only the fields to change; the others keep
 * their values. Not JSON or a wrong type is IDSYNC_EPARSE; an unknown field, an unknown
 * DeletionPrevention or an out-of-range value (negative, a percentage above 100, an enabled
 * count of 0) is IDSYNC_EINVAL. A refused change changes nothing. */
IDSYNC_EXPORT int idsync_deletion_threshold_settings_get(idsync_server* server, char** json_out);
IDSYNC_EXPORT int idsync_deletion_threshold_settings_set(idsync_server* server, const char* json_changes);
IDSYNC_EXPORT int idsync_member_removal_limit_get(idsync_server* server, char** json_out);
IDSYNC_EXPORT int idsync_member_removal_limit_set(idsync_server* server, const char* json_changes);

#ifdef __cplusplus
}
#endif

#endif /* IDSYNC_IDSYNC_H_ */
