// Private to the store: the schema and its migrations.
//
// Migrations are an ordered list: entry i takes a store from schema version i to i + 1, and
// every entry's steps run in one transaction together with the schema_version update. To
// add schema version 2, append an entry here and raise kSchemaVersion in store.h.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace idsync::store_schema {

// PRAGMA application_id of every IdSync store ("IDSY"); a SQLite file without it is foreign.
inline constexpr int32_t kApplicationId = 0x49445359;
// meta('application') marker, written with the first migration.
inline constexpr std::string_view kApplicationMarker = "idsync";

// The page size of a new store (existing stores keep theirs: SQLite fixes it at creation).
inline constexpr const char* kPageSizePragma = "PRAGMA page_size=16384";

struct Migration {
  int to_version;                       // the schema version after this migration
  std::vector<std::string_view> steps;  // SQL statements, run in order
};

// The secondary indexes of cs_objects as the current schema defines them (the DDL text, also
// used by migration 1). Store::begin_bulk_load() drops them and commit() recreates them from
// this list, so a migration that changes them must update it too.
const std::vector<std::string_view>& cs_object_indexes();
// The names of those indexes, for DROP INDEX.
const std::vector<std::string_view>& cs_object_index_names();

// All migrations in order; migrations()[i].to_version == i + 1.
const std::vector<Migration>& migrations();

}  // namespace idsync::store_schema
