/* Drives every function of idsync.h from plain C, including the error paths. Prints one line per
 * check and "N passed, M failed" at the end; exits non-zero when any check fails. */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "idsync/idsync.h"

static int passed = 0, failed = 0;

#define CHECK(cond, what)                                              \
  do {                                                                 \
    if (cond) {                                                        \
      ++passed;                                                        \
    } else {                                                           \
      ++failed;                                                        \
      fprintf(stderr, "FAILED %s:%d: %s (%s)\n", __FILE__, __LINE__, what, #cond); \
    }                                                                  \
  } while (0)

static void write_file(const char* path, const char* text) {
  FILE* f = fopen(path, "w");
  if (f == NULL) {
    perror(path);
    exit(2);
  }
  fputs(text, f);
  fclose(f);
}

static int progress_calls = 0;
static void on_progress(void* user, const char* connector, const char* step, uint64_t done, uint64_t total) {
  (void)user;
  (void)connector;
  (void)step;
  (void)done;
  (void)total;
  ++progress_calls;
}

/* What a second handle sees while the first one runs a cycle. */
struct during_run {
  idsync_server* reader;
  int calls, saw_running, saw_in_progress, rule_put_busy, stop_ok;
};

static void probe_progress(void* user, const char* connector, const char* step, uint64_t done, uint64_t total) {
  struct during_run* p = (struct during_run*)user;
  char* text = NULL;
  (void)connector;
  (void)step;
  (void)done;
  (void)total;
  if (p->calls++ > 0) return;
  if (idsync_running(p->reader, &text) == IDSYNC_OK && strstr(text, "cycle") != NULL) p->saw_running = 1;
  idsync_free(text);
  text = NULL;
  if (idsync_scheduler_get(p->reader, &text) == IDSYNC_OK && strstr(text, "\"SyncCycleInProgress\": true") != NULL)
    p->saw_in_progress = 1;
  idsync_free(text);
  p->rule_put_busy = idsync_rule_put(p->reader,
                                     "{\"name\": \"x\", \"direction\": \"Inbound\", \"connector\": \"hr\","
                                     " \"sourceObjectType\": \"person\", \"targetObjectType\": \"person\"}",
                                     NULL) == IDSYNC_EBUSY;
  p->stop_ok = idsync_stop(p->reader) == IDSYNC_OK;
}

int main(void) {
  char dir[] = "/tmp/idsync-capi-XXXXXX";
  if (mkdtemp(dir) == NULL) {
    perror("mkdtemp");
    return 2;
  }
  char path[512], store[512], config[8192];
  snprintf(path, sizeof path, "%s/source.ldif", dir);
  write_file(path,
             "version: 1\n\n"
             "dn: CN=Ann Lee,OU=People,DC=example,DC=com\nobjectClass: person\nuid: ann\ncn: Ann Lee\n"
             "mail: ann@example.com\n\n"
             "dn: CN=Bo Chan,OU=People,DC=example,DC=com\nobjectClass: person\nuid: bo\ncn: Bo Chan\n\n");
  snprintf(path, sizeof path, "%s/target.ldif", dir);
  write_file(path, "version: 1\n");
  snprintf(store, sizeof store, "%s/idsync.db", dir);
  snprintf(config, sizeof config,
           "{\"idsyncConfiguration\": 1,"
           " \"metaverse\": {\"attributes\": [{\"name\": \"uid\"}, {\"name\": \"displayName\"}, {\"name\": \"mail\"}],"
           "   \"objectTypes\": [{\"name\": \"person\", \"attributes\": []}]},"
           " \"connectors\": ["
           "  {\"name\": \"hr\", \"type\": \"ldif\", \"role\": \"on-premises\","
           "   \"options\": {\"path\": \"%s/source.ldif\", \"anchor\": \"uid\"}},"
           "  {\"name\": \"cloud\", \"type\": \"ldif\", \"role\": \"cloud\","
           "   \"options\": {\"path\": \"%s/target.ldif\", \"anchor\": \"uid\"}}],"
           " \"syncRules\": ["
           "  {\"name\": \"In from HR\", \"direction\": \"Inbound\", \"connector\": \"hr\", \"sourceObjectType\": \"person\","
           "   \"targetObjectType\": \"person\", \"linkType\": \"Provision\", \"precedence\": 10,"
           "   \"joins\": [[{\"csAttribute\": \"uid\", \"mvAttribute\": \"uid\"}]],"
           "   \"flows\": [{\"type\": \"Direct\", \"destination\": \"uid\", \"sources\": [\"uid\"]},"
           "     {\"type\": \"Direct\", \"destination\": \"displayName\", \"sources\": [\"cn\"]},"
           "     {\"type\": \"Direct\", \"destination\": \"mail\", \"sources\": [\"mail\"]}]},"
           "  {\"name\": \"Out to cloud\", \"direction\": \"Outbound\", \"connector\": \"cloud\", \"sourceObjectType\": \"person\","
           "   \"targetObjectType\": \"person\", \"linkType\": \"Provision\", \"precedence\": 20,"
           "   \"flows\": [{\"type\": \"Expression\", \"destination\": \"dn\", \"sources\": [\"uid\"], \"expression\": \"\\\"uid=\\\" & [uid] & \\\",o=cloud\\\"\"},"
           "     {\"type\": \"Direct\", \"destination\": \"uid\", \"sources\": [\"uid\"]},"
           "     {\"type\": \"Direct\", \"destination\": \"cn\", \"sources\": [\"displayName\"]}]}]}",
           dir, dir);

  idsync_server* s = NULL;
  char* out = NULL;
  uint64_t count = 0;

  CHECK(strcmp(idsync_version(), "0.1.0") == 0, "version");
  idsync_free(NULL);
  idsync_close(NULL);
  CHECK(strlen(idsync_errmsg(NULL)) > 0, "errmsg of NULL");
  CHECK(idsync_open(store, IDSYNC_OPEN_CREATE, NULL) == IDSYNC_EINVAL, "open without out");

  /* Opening a store that does not exist without the create flag. */
  CHECK(idsync_open(store, IDSYNC_OPEN_EXISTING, &s) == IDSYNC_ENOTFOUND, "open missing store");
  CHECK(strstr(idsync_errmsg(s), "idsync.db") != NULL, "message names the store");
  CHECK(idsync_config_export(s, &out) == IDSYNC_EINVAL, "calls on a failed handle are refused");
  idsync_close(s);

  CHECK(idsync_open(store, IDSYNC_OPEN_CREATE, &s) == IDSYNC_OK, "create store");
  CHECK(access(store, F_OK) == 0, "store file exists");

  /* Configuration: a broken one is refused, a good one imported and exported back. */
  CHECK(idsync_config_import(s, "{ not json") == IDSYNC_EPARSE, "malformed configuration");
  CHECK(strlen(idsync_errmsg(s)) > 0, "parse error message");
  CHECK(idsync_config_import(s, config) == IDSYNC_OK, "import configuration");
  CHECK(idsync_config_import(s, config) == IDSYNC_OK, "importing the same configuration again");
  CHECK(idsync_config_export(s, &out) == IDSYNC_OK && strstr(out, "\"In from HR\"") != NULL, "export configuration");
  idsync_free(out);
  out = NULL;

  /* Runs. */
  CHECK(idsync_run_profile(s, "nope", "Full Import", NULL, NULL, &out) == IDSYNC_ENOTFOUND, "unknown connector");
  CHECK(strstr(idsync_errmsg(s), "nope") != NULL, "message names the connector");
  CHECK(idsync_run_profile(s, "hr", "Sideways Import", NULL, NULL, &out) == IDSYNC_ENOTFOUND, "unknown run profile");
  CHECK(idsync_run_cycle(s, IDSYNC_POLICY_INITIAL, on_progress, NULL, &out) == IDSYNC_OK, "initial cycle");
  CHECK(progress_calls >= 6, "progress reported for every step of the cycle");
  if (out != NULL) CHECK(strstr(out, "\"result\":\"Success\"") != NULL, "cycle result Success");
  idsync_free(out);
  out = NULL;
  CHECK(idsync_run_profile(s, "hr", "Delta Synchronization", on_progress, NULL, &out) == IDSYNC_OK, "run profile");
  if (out != NULL) CHECK(strstr(out, "\"result\":\"success\"") != NULL, "run result success");
  idsync_free(out);
  out = NULL;

  /* History. */
  CHECK(idsync_run_history(s, NULL, NULL, 0, 100, &out) == IDSYNC_OK && strstr(out, "\"Full Import\"") != NULL,
        "history");
  idsync_free(out);
  out = NULL;
  CHECK(idsync_run_history(s, "hr", "success", 0, 1, &out) == IDSYNC_OK && out[0] == '[', "filtered history");
  idsync_free(out);
  out = NULL;

  /* Objects. */
  CHECK(idsync_cs_object(s, "hr", "CN=Ann Lee,OU=People,DC=example,DC=com", &out) == IDSYNC_OK &&
            strstr(out, "ann@example.com") != NULL,
        "cs object by DN");
  idsync_free(out);
  out = NULL;
  CHECK(idsync_cs_object(s, "hr", "CN=Nobody,DC=example,DC=com", &out) == IDSYNC_ENOTFOUND, "missing cs object");
  CHECK(idsync_cs_object(s, "hr", "anchor:YW5u", &out) == IDSYNC_OK && strstr(out, "Ann Lee") != NULL,
        "cs object by anchor");
  idsync_free(out);
  out = NULL;
  CHECK(idsync_cs_list(s, "cloud", 0, 10, &out) == IDSYNC_OK && strstr(out, "uid=ann,o=cloud") != NULL,
        "cs list of the target");
  idsync_free(out);
  out = NULL;
  CHECK(idsync_cs_list(s, "nope", 0, 10, &out) == IDSYNC_ENOTFOUND, "cs list of unknown connector");
  CHECK(idsync_mv_list(s, "person", 0, &out) == IDSYNC_OK && strstr(out, "Bo Chan") != NULL, "mv list");
  idsync_free(out);
  out = NULL;
  CHECK(idsync_mv_object(s, 1, &out) == IDSYNC_OK && strstr(out, "\"connectors\"") != NULL, "mv object");
  idsync_free(out);
  out = NULL;
  CHECK(idsync_mv_object(s, 999999, &out) == IDSYNC_ENOTFOUND, "missing mv object");

  /* Deletion threshold. */
  CHECK(idsync_deletion_threshold_get(s, &count) == IDSYNC_OK && count == 500, "default threshold 500");
  CHECK(idsync_deletion_threshold_get(s, NULL) == IDSYNC_EINVAL, "threshold without out");
  CHECK(idsync_deletion_threshold_set(s, 42) == IDSYNC_OK, "set threshold");
  CHECK(idsync_deletion_threshold_get(s, &count) == IDSYNC_OK && count == 42, "threshold read back");

  /* Deletion threshold in full: JSON with the Get-ADSyncExportDeletionThreshold fields. */
  CHECK(idsync_deletion_threshold_settings_get(s, &out) == IDSYNC_OK && strstr(out, "\"EnabledForCount\"") != NULL &&
            strstr(out, "\"ThresholdCount\": 42") != NULL && strstr(out, "\"ThresholdPercentage\": 0") != NULL,
        "threshold settings show the count set above");
  idsync_free(out);
  out = NULL;
  CHECK(idsync_deletion_threshold_settings_get(s, NULL) == IDSYNC_EINVAL, "threshold settings without out");
  CHECK(idsync_deletion_threshold_settings_set(
            s, "{\"DeletionPrevention\": \"EnabledForPercentage\", \"ThresholdPercentage\": 10}") == IDSYNC_OK,
        "threshold by percentage");
  CHECK(idsync_deletion_threshold_settings_get(s, &out) == IDSYNC_OK && strstr(out, "\"EnabledForPercentage\"") != NULL &&
            strstr(out, "\"ThresholdPercentage\": 10") != NULL && strstr(out, "\"ThresholdCount\": 42") != NULL,
        "percentage read back, the count kept");
  idsync_free(out);
  out = NULL;
  CHECK(idsync_deletion_threshold_get(s, &count) == IDSYNC_OK && count == 42, "the count form still reads ThresholdCount");
  /* Refused changes change nothing. */
  CHECK(idsync_deletion_threshold_settings_set(s, "{\"ThresholdCount\": ") == IDSYNC_EPARSE, "threshold: not JSON");
  CHECK(idsync_deletion_threshold_settings_set(s, NULL) == IDSYNC_EPARSE, "threshold: NULL changes");
  CHECK(idsync_deletion_threshold_settings_set(s, "500") == IDSYNC_EPARSE, "threshold: not an object");
  CHECK(idsync_deletion_threshold_settings_set(s, "{\"ThresholdCount\": \"many\"}") == IDSYNC_EPARSE &&
            strstr(idsync_errmsg(s), "deletion threshold") != NULL,
        "threshold: wrong type");
  CHECK(idsync_deletion_threshold_settings_set(s, "{\"ThresholdPercentage\": 101}") == IDSYNC_EINVAL &&
            strstr(idsync_errmsg(s), "ThresholdPercentage") != NULL,
        "threshold: percentage above 100");
  CHECK(idsync_deletion_threshold_settings_set(s, "{\"ThresholdPercentage\": 4294967306}") == IDSYNC_EINVAL,
        "threshold: a percentage that would wrap to 10");
  CHECK(idsync_deletion_threshold_settings_set(s, "{\"ThresholdCount\": -1}") == IDSYNC_EINVAL &&
            strstr(idsync_errmsg(s), "ThresholdCount") != NULL,
        "threshold: negative count");
  CHECK(idsync_deletion_threshold_settings_set(s, "{\"DeletionPrevention\": \"EnabledForCount\", \"ThresholdCount\": 0}") ==
            IDSYNC_EINVAL,
        "threshold: enabled count of 0");
  CHECK(idsync_deletion_threshold_settings_set(s, "{\"DeletionPrevention\": \"Sometimes\"}") == IDSYNC_EINVAL &&
            strstr(idsync_errmsg(s), "Sometimes") != NULL,
        "threshold: unknown DeletionPrevention");
  CHECK(idsync_deletion_threshold_settings_set(s, "{\"ThresholdCont\": 5}") == IDSYNC_EINVAL &&
            strstr(idsync_errmsg(s), "ThresholdCont") != NULL,
        "threshold: unknown field");
  CHECK(idsync_deletion_threshold_settings_get(s, &out) == IDSYNC_OK && strstr(out, "\"EnabledForPercentage\"") != NULL &&
            strstr(out, "\"ThresholdPercentage\": 10") != NULL && strstr(out, "\"ThresholdCount\": 42") != NULL,
        "refused threshold changes changed nothing");
  idsync_free(out);
  out = NULL;
  CHECK(idsync_deletion_threshold_settings_set(s, "{\"DeletionPrevention\": \"disabled\"}") == IDSYNC_OK &&
            idsync_deletion_threshold_get(s, &count) == IDSYNC_OK && count == 0,
        "threshold disabled (case-insensitive name)");
  CHECK(idsync_deletion_threshold_settings_set(s, "{\"DeletionPrevention\": \"EnabledForCount\"}") == IDSYNC_OK &&
            idsync_deletion_threshold_get(s, &count) == IDSYNC_OK && count == 42,
        "threshold back to the count");

  /* Group member-removal limit. */
  CHECK(idsync_member_removal_limit_get(s, &out) == IDSYNC_OK && strstr(out, "\"Enabled\": true") != NULL &&
            strstr(out, "\"ThresholdCount\": 500") != NULL && strstr(out, "\"ThresholdPercentage\": 50") != NULL &&
            strstr(out, "\"MinimumGroupSize\": 100") != NULL,
        "member limit defaults");
  idsync_free(out);
  out = NULL;
  CHECK(idsync_member_removal_limit_get(s, NULL) == IDSYNC_EINVAL, "member limit without out");
  CHECK(idsync_member_removal_limit_set(s, "{\"ThresholdCount\": 20, \"MinimumGroupSize\": 10}") == IDSYNC_OK,
        "member limit set");
  CHECK(idsync_member_removal_limit_get(s, &out) == IDSYNC_OK && strstr(out, "\"ThresholdCount\": 20") != NULL &&
            strstr(out, "\"MinimumGroupSize\": 10") != NULL && strstr(out, "\"ThresholdPercentage\": 50") != NULL,
        "member limit read back, the percentage kept");
  idsync_free(out);
  out = NULL;
  CHECK(idsync_member_removal_limit_set(s, "{\"Enabled\": ") == IDSYNC_EPARSE, "member limit: not JSON");
  CHECK(idsync_member_removal_limit_set(s, "{\"Enabled\": \"yes\"}") == IDSYNC_EPARSE, "member limit: wrong type");
  CHECK(idsync_member_removal_limit_set(s, "{\"ThresholdPercentage\": 150}") == IDSYNC_EINVAL &&
            strstr(idsync_errmsg(s), "ThresholdPercentage") != NULL,
        "member limit: percentage above 100");
  CHECK(idsync_member_removal_limit_set(s, "{\"MinimumGroupSize\": -3}") == IDSYNC_EINVAL, "member limit: negative size");
  CHECK(idsync_member_removal_limit_set(s, "{\"ThresholdCount\": 0, \"ThresholdPercentage\": 0}") == IDSYNC_EINVAL,
        "member limit: enabled with no limit at all");
  CHECK(idsync_member_removal_limit_set(s, "{\"Members\": 5}") == IDSYNC_EINVAL && strstr(idsync_errmsg(s), "Members") != NULL,
        "member limit: unknown field");
  CHECK(idsync_member_removal_limit_get(s, &out) == IDSYNC_OK && strstr(out, "\"Enabled\": true") != NULL &&
            strstr(out, "\"ThresholdCount\": 20") != NULL && strstr(out, "\"ThresholdPercentage\": 50") != NULL &&
            strstr(out, "\"MinimumGroupSize\": 10") != NULL,
        "refused member limit changes changed nothing");
  idsync_free(out);
  out = NULL;
  CHECK(idsync_member_removal_limit_set(s, "{\"Enabled\": false}") == IDSYNC_OK, "member limit disabled");
  CHECK(idsync_member_removal_limit_get(s, &out) == IDSYNC_OK && strstr(out, "\"Enabled\": false") != NULL &&
            strstr(out, "\"ThresholdCount\": 20") != NULL,
        "member limit disabled keeps its values");
  idsync_free(out);
  out = NULL;
  CHECK(idsync_member_removal_limit_set(s, "{\"Enabled\": true, \"ThresholdCount\": 500, \"MinimumGroupSize\": 100}") ==
            IDSYNC_OK,
        "member limit back to the defaults");

  /* Objects by id (Get-ADSyncCSObject -Identifier). */
  CHECK(idsync_cs_object(s, "cloud", "id:999999", &out) == IDSYNC_ENOTFOUND, "missing cs object by id");
  CHECK(idsync_cs_object(s, "hr", "id:", &out) == IDSYNC_EINVAL, "empty cs object id");
  CHECK(idsync_cs_object(s, "hr", "id:1", &out) == IDSYNC_OK && strstr(out, "\"dn\"") != NULL, "cs object by id");
  idsync_free(out);
  out = NULL;
  CHECK(idsync_cs_object(s, "hr", "{00000000-0000-0000-0000-000000000001}", &out) == IDSYNC_OK, "cs object by GUID");
  idsync_free(out);
  out = NULL;

  /* Every added function refuses a NULL handle. */
  {
    int a = 0, b = 0;
    int64_t n = 0;
    CHECK(idsync_run_profile_v2(NULL, "hr", "Full Import", 0, NULL, NULL, &out) == IDSYNC_EINVAL, "v2 without handle");
    CHECK(idsync_stop(NULL) == IDSYNC_EINVAL, "stop without handle");
    CHECK(idsync_running(NULL, &out) == IDSYNC_EINVAL, "running without handle");
    CHECK(idsync_status(NULL, &out) == IDSYNC_EINVAL, "status without handle");
    CHECK(idsync_scheduler_get(NULL, &out) == IDSYNC_EINVAL, "scheduler get without handle");
    CHECK(idsync_scheduler_set(NULL, "{}") == IDSYNC_EINVAL, "scheduler set without handle");
    CHECK(idsync_staging_get(NULL, &a) == IDSYNC_EINVAL, "staging get without handle");
    CHECK(idsync_staging_set(NULL, 1) == IDSYNC_EINVAL, "staging set without handle");
    CHECK(idsync_override_get(NULL, "hr", &a, &b) == IDSYNC_EINVAL, "override get without handle");
    CHECK(idsync_override_set(NULL, "hr", 1, 1) == IDSYNC_EINVAL, "override set without handle");
    CHECK(idsync_deletion_threshold_settings_get(NULL, &out) == IDSYNC_EINVAL, "threshold settings get without handle");
    CHECK(idsync_deletion_threshold_settings_set(NULL, "{}") == IDSYNC_EINVAL, "threshold settings set without handle");
    CHECK(idsync_member_removal_limit_get(NULL, &out) == IDSYNC_EINVAL, "member limit get without handle");
    CHECK(idsync_member_removal_limit_set(NULL, "{}") == IDSYNC_EINVAL, "member limit set without handle");
    CHECK(idsync_rule_list(NULL, &out) == IDSYNC_EINVAL, "rule list without handle");
    CHECK(idsync_rule_get(NULL, "x", &out) == IDSYNC_EINVAL, "rule get without handle");
    CHECK(idsync_rule_put(NULL, "{}", &out) == IDSYNC_EINVAL, "rule put without handle");
    CHECK(idsync_rule_remove(NULL, "x") == IDSYNC_EINVAL, "rule remove without handle");
    CHECK(idsync_purge_run_history(NULL, 0, &n) == IDSYNC_EINVAL, "purge without handle");
    CHECK(idsync_csexport(NULL, "hr", "/tmp/x.xml", NULL, NULL, &out) == IDSYNC_EINVAL, "csexport without handle");
    CHECK(idsync_pending_exports(NULL, "hr", &out) == IDSYNC_EINVAL, "pending exports without handle");
  }

  /* Connectors, status, what runs. */
  CHECK(idsync_connector_list(s, &out) == IDSYNC_OK && strstr(out, "\"hr\"") != NULL &&
            strstr(out, "\"runProfiles\"") != NULL,
        "connector list with run profiles");
  idsync_free(out);
  out = NULL;
  CHECK(idsync_connector_list(NULL, &out) == IDSYNC_EINVAL, "connector list without handle");
  CHECK(idsync_status(s, &out) == IDSYNC_OK && strstr(out, "hr") != NULL, "status");
  idsync_free(out);
  out = NULL;
  CHECK(idsync_running(s, &out) == IDSYNC_OK && out != NULL && out[0] == '\0', "nothing runs");
  idsync_free(out);
  out = NULL;
  CHECK(idsync_stop(s) == IDSYNC_OK, "stop request");
  /* A stop request is for the run in progress: a run starting later clears it and runs. */
  CHECK(idsync_run_cycle(s, IDSYNC_POLICY_DELTA, NULL, NULL, &out) == IDSYNC_OK &&
            strstr(out, "\"result\":\"Success\"") != NULL,
        "a stale stop request does not stop the next cycle");
  idsync_free(out);
  out = NULL;

  /* Scheduler. */
  CHECK(idsync_scheduler_get(s, &out) == IDSYNC_OK && strstr(out, "\"AllowedSyncCycleInterval\"") != NULL &&
            strstr(out, "\"SyncCycleInProgress\": false") != NULL,
        "scheduler fields");
  idsync_free(out);
  out = NULL;
  CHECK(idsync_scheduler_set(s, "{\"CustomizedSyncCycleInterval\": \"01:00:00\", \"SyncCycleEnabled\": false}") ==
            IDSYNC_OK,
        "scheduler set");
  CHECK(idsync_scheduler_get(s, &out) == IDSYNC_OK && strstr(out, "\"CustomizedSyncCycleInterval\": \"01:00:00\"") &&
            strstr(out, "\"SyncCycleEnabled\": false") && strstr(out, "\"MaintenanceEnabled\": true"),
        "scheduler read back; other fields kept");
  idsync_free(out);
  out = NULL;
  CHECK(idsync_scheduler_set(s, "[1]") == IDSYNC_EPARSE, "scheduler changes not an object");
  CHECK(idsync_scheduler_set(s, "{\"Bogus\": 1}") == IDSYNC_EINVAL && strstr(idsync_errmsg(s), "Bogus"),
        "unknown scheduler field named");
  CHECK(idsync_scheduler_set(s, "{\"NextSyncCyclePolicyType\": \"Sometimes\"}") == IDSYNC_EINVAL, "bad policy type");
  CHECK(idsync_scheduler_set(s, "{\"PurgeRunHistoryInterval\": \"soon\"}") == IDSYNC_EINVAL, "bad interval");
  CHECK(idsync_scheduler_get(s, &out) == IDSYNC_OK && strstr(out, "\"NextSyncCyclePolicyType\": \"Delta\""),
        "refused changes changed nothing");
  idsync_free(out);
  out = NULL;

  /* Staging mode. */
  int flag = -1, flag2 = -1;
  CHECK(idsync_staging_get(s, &flag) == IDSYNC_OK && flag == 0, "staging off by default");
  CHECK(idsync_staging_get(s, NULL) == IDSYNC_EINVAL, "staging get without out");
  CHECK(idsync_staging_set(s, 1) == IDSYNC_OK, "staging on");
  CHECK(idsync_staging_get(s, &flag) == IDSYNC_OK && flag == 1, "staging read back");
  CHECK(idsync_run_profile(s, "cloud", "Export", NULL, NULL, &out) == IDSYNC_ESTOPPED &&
            strstr(idsync_errmsg(s), "staging") != NULL,
        "export refused in staging mode");
  idsync_free(out);
  out = NULL;
  CHECK(idsync_run_profile_v2(s, "cloud", "Export", IDSYNC_RUN_FORCE_EXPORT, on_progress, NULL, &out) == IDSYNC_OK &&
            strstr(out, "\"Export\"") != NULL,
        "forced export in staging mode");
  idsync_free(out);
  out = NULL;
  CHECK(idsync_run_profile_v2(s, "nope", "Export", 0, NULL, NULL, &out) == IDSYNC_ENOTFOUND, "v2 unknown connector");
  CHECK(idsync_staging_set(s, 0) == IDSYNC_OK, "staging off");

  /* Connector overrides. */
  CHECK(idsync_override_get(s, "hr", &flag, &flag2) == IDSYNC_OK && flag == 0 && flag2 == 0, "no override");
  CHECK(idsync_override_set(s, "hr", 1, 0) == IDSYNC_OK, "set override");
  CHECK(idsync_override_get(s, "HR", &flag, &flag2) == IDSYNC_OK && flag == 1 && flag2 == 0, "override read back");
  CHECK(idsync_override_get(s, "nope", &flag, &flag2) == IDSYNC_ENOTFOUND, "override of unknown connector");
  CHECK(idsync_override_set(s, "nope", 1, 1) == IDSYNC_ENOTFOUND, "set override of unknown connector");
  CHECK(idsync_override_get(s, "hr", NULL, &flag2) == IDSYNC_EINVAL, "override get without out");

  /* Sync rules. */
  char* id = NULL;
  CHECK(idsync_rule_list(s, &out) == IDSYNC_OK && strstr(out, "\"In from HR\"") && strstr(out, "\"Out to cloud\""),
        "rule list");
  idsync_free(out);
  out = NULL;
  CHECK(idsync_rule_get(s, "in from hr", &out) == IDSYNC_OK && strstr(out, "\"Inbound\"") != NULL, "rule by name");
  idsync_free(out);
  out = NULL;
  CHECK(idsync_rule_get(s, "No such rule", &out) == IDSYNC_ENOTFOUND, "missing rule");
  const char* new_rule =
      "{\"name\": \"Mail to cloud\", \"direction\": \"Outbound\", \"connector\": \"cloud\", \"sourceObjectType\": \"person\","
      " \"targetObjectType\": \"person\", \"linkType\": \"Join\", \"precedence\": 30,"
      " \"scope\": [[{\"attribute\": \"mail\", \"operator\": \"ISNOTNULL\"}]],"
      " \"flows\": [{\"type\": \"Direct\", \"destination\": \"mail\", \"sources\": [\"mail\"]}]}";
  CHECK(idsync_rule_put(s, new_rule, &id) == IDSYNC_OK && id != NULL && id[0] == '{' && strlen(id) == 38, "rule added");
  CHECK(idsync_rule_get(s, id, &out) == IDSYNC_OK && strstr(out, "\"Mail to cloud\"") != NULL, "new rule by id");
  idsync_free(out);
  out = NULL;
  CHECK(idsync_rule_put(s, "{\"name\": 1}", NULL) == IDSYNC_EPARSE && strstr(idsync_errmsg(s), "name") != NULL,
        "malformed rule refused, naming the field");
  CHECK(idsync_rule_put(s,
                        "{\"name\": \"Broken\", \"direction\": \"Inbound\", \"connector\": \"hr\", \"sourceObjectType\": \"person\","
                        " \"targetObjectType\": \"person\", \"flows\": [{\"type\": \"Expression\", \"destination\": \"mail\","
                        " \"expression\": \"Left([uid], \"}]}",
                        NULL) != IDSYNC_OK,
        "rule with a broken expression refused");
  CHECK(idsync_rule_get(s, "Broken", &out) == IDSYNC_ENOTFOUND, "refused rule not stored");
  {
    char replaced[1024];
    char* same_id = NULL;
    snprintf(replaced, sizeof replaced,
             "{\"id\": \"%s\", \"name\": \"Mail to cloud\", \"direction\": \"Outbound\", \"connector\": \"cloud\","
             " \"sourceObjectType\": \"person\", \"targetObjectType\": \"person\", \"precedence\": 31, \"disabled\": true}",
             id);
    CHECK(idsync_rule_put(s, replaced, &same_id) == IDSYNC_OK && same_id != NULL && strcmp(same_id, id) == 0,
          "rule replaced under its id");
    idsync_free(same_id);
    CHECK(idsync_rule_list(s, &out) == IDSYNC_OK && strstr(out, "\"precedence\":31") != NULL &&
              strstr(out, "\"precedence\":30") == NULL,
          "the replaced rule is the only one with that id");
    idsync_free(out);
    out = NULL;
  }
  CHECK(idsync_rule_remove(s, "{no-such-id}") == IDSYNC_ENOTFOUND, "remove missing rule");
  CHECK(idsync_rule_remove(s, id) == IDSYNC_OK, "rule removed");
  CHECK(idsync_rule_get(s, id, &out) == IDSYNC_ENOTFOUND, "removed rule is gone");
  idsync_free(id);
  id = NULL;

  /* Pending exports and csexport: a changed source gives the cloud a pending update. */
  snprintf(path, sizeof path, "%s/source.ldif", dir);
  write_file(path,
             "version: 1\n\n"
             "dn: CN=Ann Lee,OU=People,DC=example,DC=com\nobjectClass: person\nuid: ann\ncn: Ann Leigh\n"
             "mail: ann@example.com\n\n"
             "dn: CN=Bo Chan,OU=People,DC=example,DC=com\nobjectClass: person\nuid: bo\ncn: Bo Chan\n\n");
  CHECK(idsync_run_profile(s, "hr", "Full Import", NULL, NULL, NULL) == IDSYNC_OK, "re-import");
  CHECK(idsync_run_profile(s, "hr", "Delta Synchronization", NULL, NULL, NULL) == IDSYNC_OK, "re-sync");
  CHECK(idsync_pending_exports(s, "cloud", &out) == IDSYNC_OK &&
            strncmp(out, "ObjectType,DN,OMODT,ChangedAttrCount,AttrName,AMODT", 51) == 0 && strstr(out, "Ann Leigh") != NULL,
        "pending exports as analyzer CSV");
  idsync_free(out);
  out = NULL;
  CHECK(idsync_pending_exports(s, "nope", &out) == IDSYNC_ENOTFOUND, "pending exports of unknown connector");
  snprintf(path, sizeof path, "%s/cloud.xml", dir);
  CHECK(idsync_csexport(s, "cloud", path, "x", "", &out) == IDSYNC_OK && strstr(out, "\"written\":1") != NULL,
        "csexport of pending exports");
  idsync_free(out);
  out = NULL;
  CHECK(idsync_csexport(s, "cloud", path, NULL, NULL, &out) == IDSYNC_EIO, "csexport never overwrites");
  CHECK(idsync_csexport(s, "cloud", "/tmp/never.xml", "q", NULL, &out) == IDSYNC_EINVAL, "csexport bad filter");
  CHECK(idsync_csexport(s, "cloud", "/tmp/never.xml", NULL, "z", &out) == IDSYNC_EINVAL, "csexport bad sections");

  /* Run history purge: everything ended before "far in the future". */
  int64_t removed = -1;
  CHECK(idsync_purge_run_history(s, 0, &removed) == IDSYNC_OK && removed == 0, "purge before 1970 removes nothing");
  CHECK(idsync_purge_run_history(s, INT64_C(9000000000000), &removed) == IDSYNC_OK && removed >= 5, "purge all");
  CHECK(idsync_run_history(s, NULL, NULL, 0, 100, &out) == IDSYNC_OK && strcmp(out, "[]") == 0, "history empty");
  idsync_free(out);
  out = NULL;

  /* While a cycle runs (seen from its progress callback), a second handle reads, sees what runs,
   * is refused writes that need the run lock, and can ask the cycle to stop. */
  {
    struct during_run probe = {NULL, 0, 0, 0, 0, 0};
    CHECK(idsync_open(store, IDSYNC_OPEN_EXISTING, &probe.reader) == IDSYNC_OK, "probe handle");
    int rc = idsync_run_cycle(s, IDSYNC_POLICY_INITIAL, probe_progress, &probe, &out);
    CHECK(probe.calls > 0, "progress during the probed cycle");
    CHECK(probe.saw_running, "idsync_running names the cycle while it runs");
    CHECK(probe.saw_in_progress, "SyncCycleInProgress is true while it runs");
    CHECK(probe.rule_put_busy, "rule changes are refused with IDSYNC_EBUSY while it runs");
    CHECK(probe.stop_ok, "stop request from the second handle");
    CHECK(rc == IDSYNC_ESTOPPED && out != NULL && strstr(out, "\"result\":\"Stopped\"") != NULL, "the cycle stopped");
    idsync_free(out);
    out = NULL;
    idsync_close(probe.reader);
  }

  /* A second handle on the same store reads while the first is open. */
  idsync_server* reader = NULL;
  CHECK(idsync_open(store, IDSYNC_OPEN_EXISTING, &reader) == IDSYNC_OK, "second handle");
  CHECK(idsync_mv_list(reader, NULL, 1, &out) == IDSYNC_OK, "second handle reads");
  idsync_free(out);
  idsync_close(reader);
  idsync_close(s);

  char cmd[600];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
  printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
