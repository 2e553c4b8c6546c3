#include "store/schema.h"

#include <iterator>

namespace idsync::store_schema {

namespace {

// Schema 1 and 2: the DN and anchor indexes held the text / blob itself, and two partial
// indexes listed the rows with pending imports / exports.
constexpr std::string_view kCsIndexesV1[] = {
    "CREATE INDEX cs_objects_by_dn ON cs_objects(connector, dn_norm)",
    "CREATE INDEX cs_objects_by_anchor ON cs_objects(connector, anchor)",
    "CREATE INDEX cs_objects_by_mv ON cs_objects(mv)",
    "CREATE INDEX cs_objects_pending_import ON cs_objects(connector) WHERE pending_import != 0",
    "CREATE INDEX cs_objects_pending_export ON cs_objects(connector) WHERE pending_export != 0",
};

// Schema 3 on: 64-bit hashes of the normalized DN and of the anchor (store_impl.h key_hash),
// verified against the row on every lookup. An index entry is ~16 bytes instead of the DN's
// ~60-150, sorted as integers when a bulk load rebuilds it.
constexpr std::string_view kCsIndexes[] = {
    "CREATE INDEX cs_objects_by_dn_hash ON cs_objects(connector, dn_hash)",
    "CREATE INDEX cs_objects_by_anchor_hash ON cs_objects(connector, anchor_hash)",
    "CREATE INDEX cs_objects_by_mv ON cs_objects(mv)",
};

}  // namespace

const std::vector<std::string_view>& cs_object_indexes() {
  static const std::vector<std::string_view> kList(std::begin(kCsIndexes), std::end(kCsIndexes));
  return kList;
}

const std::vector<std::string_view>& cs_object_index_names() {
  static const std::vector<std::string_view> kList = {
      "cs_objects_by_dn_hash", "cs_objects_by_anchor_hash", "cs_objects_by_mv"};
  return kList;
}

const std::vector<Migration>& migrations() {
  static const std::vector<Migration> kMigrations = {
      {1,
       {
           "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)",
           "CREATE TABLE settings(key TEXT PRIMARY KEY, value TEXT NOT NULL)",
           "CREATE TABLE attributes(id INTEGER PRIMARY KEY, space INTEGER NOT NULL DEFAULT 0, name TEXT NOT NULL, "
           "type TEXT NOT NULL, multi INTEGER NOT NULL)",
           "CREATE TABLE connectors(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, "
           "json TEXT NOT NULL)",
           "CREATE TABLE rules(id TEXT PRIMARY KEY, position INTEGER NOT NULL, json TEXT NOT NULL)",
           "CREATE TABLE cs_objects(id INTEGER PRIMARY KEY, connector INTEGER NOT NULL, "
           "anchor BLOB NOT NULL, dn TEXT NOT NULL, dn_norm TEXT NOT NULL, "
           "object_type TEXT NOT NULL, state INTEGER NOT NULL, mv INTEGER NOT NULL, "
           "pending_import INTEGER NOT NULL, pending_export INTEGER NOT NULL, body BLOB NOT NULL)",
           kCsIndexesV1[0],
           kCsIndexesV1[1],
           kCsIndexesV1[2],
           kCsIndexesV1[3],
           kCsIndexesV1[4],
           "CREATE TABLE mv_objects(id INTEGER PRIMARY KEY, object_type TEXT NOT NULL, "
           "body BLOB NOT NULL)",
           "CREATE TABLE runs(run_id INTEGER PRIMARY KEY AUTOINCREMENT, connector TEXT NOT NULL, "
           "run_profile TEXT NOT NULL, run_number INTEGER NOT NULL, result TEXT NOT NULL, "
           "start_time INTEGER NOT NULL, end_time INTEGER NOT NULL, json TEXT NOT NULL)",
           "CREATE INDEX runs_by_connector ON runs(connector, run_number)",
           "CREATE INDEX runs_by_end_time ON runs(end_time)",
           "CREATE TABLE sequences(name TEXT PRIMARY KEY, next INTEGER NOT NULL)",
       }},
      // 2: large value lists out of line (model/objects.h "Layout 2"). A row's chunks column
      // lists the hashes of the chunks its body refers to (NULL = none, layout 1); each chunk
      // is stored once per row, found by (kind 0 = connector space / 1 = metaverse, row id, hash).
      {2,
       {
           "ALTER TABLE cs_objects ADD COLUMN chunks BLOB",
           "ALTER TABLE mv_objects ADD COLUMN chunks BLOB",
           "CREATE TABLE value_chunks(id INTEGER PRIMARY KEY, kind INTEGER NOT NULL, row INTEGER NOT NULL, "
           "hash INTEGER NOT NULL, data BLOB NOT NULL)",
           "CREATE UNIQUE INDEX value_chunks_by_row ON value_chunks(kind, row, hash)",
       }},
      // 3: cheaper rows (issue 5). The DN and anchor indexes hold 64-bit hashes instead of the
      // text (dn_norm, a second copy of every DN, is gone); the two partial pending-import /
      // export indexes go: no query uses them (count_cs scans the connector's rows anyway),
      // and every full sync rebuilt them and every delta row moved an entry in them.
      // idsync_dn_hash / idsync_anchor_hash are registered on the store's connection
      // (store_impl.h register_key_functions); the stored schema does not refer to them.
      {3,
       {
           "DROP INDEX IF EXISTS cs_objects_by_dn",
           "DROP INDEX IF EXISTS cs_objects_by_anchor",
           "DROP INDEX IF EXISTS cs_objects_pending_import",
           "DROP INDEX IF EXISTS cs_objects_pending_export",
           "ALTER TABLE cs_objects ADD COLUMN dn_hash INTEGER NOT NULL DEFAULT 0",
           "ALTER TABLE cs_objects ADD COLUMN anchor_hash INTEGER NOT NULL DEFAULT 0",
           "UPDATE cs_objects SET dn_hash = idsync_dn_hash(dn), anchor_hash = idsync_anchor_hash(anchor)",
           "ALTER TABLE cs_objects DROP COLUMN dn_norm",
           kCsIndexes[0],
           kCsIndexes[1],
       }},
      // {4, {"ALTER TABLE ...", ...}},   <- the next schema version goes here
  };
  return kMigrations;
}

}  // namespace idsync::store_schema
