// IdSync's own consistency check of a server store, beyond SQLite's integrity check: what must
// hold between connector spaces, the metaverse, pending exports, watermarks and id sequences
// after any run, and therefore after any crash and restart (tests/chaos proves it).
//
// Checked:
//  - links both ways: a CS object's MV link names an existing MV object; every MV object has
//    at least one CS object linked to it (an MV object nothing holds is a leak);
//  - no duplicate object: within a connector no two CS objects share an anchor (when set) or
//    a DN (ASCII case-insensitive, as the store indexes it);
//  - pending exports are well formed: none carries changes or a new DN without a kind, a
//    delete carries no changes;
//  - value chunks (large value lists stored out of line): every chunk an object refers to is
//    present and intact, no chunk is left without its object (an orphan); a missing or
//    damaged chunk ends the check there, naming the objects, since they cannot be loaded;
//  - the DN and anchor hashes the store indexes (schema 3) are those of each row's DN and
//    anchor, so that no lookup misses an object;
//  - id sequences are ahead of every id in use (next_cs_id, next_mv_id), so no id is reused.
// Watermarks are the connector's business (an LDIF watermark names a change file): the chaos
// test checks them against the directory. Reads only; call it outside a write transaction.
#pragma once

#include <string>
#include <vector>

#include "idsync/status.h"
#include "store/store.h"

namespace idsync {

struct ConsistencyReport {
  uint64_t cs_objects = 0;
  uint64_t mv_objects = 0;
  uint64_t links = 0;
  uint64_t pending_exports = 0;
  uint64_t value_chunks = 0;
  std::vector<std::string> findings;  // empty when consistent; at most kMaxFindings
  static constexpr size_t kMaxFindings = 50;
};

// Fails only when the store cannot be read; inconsistencies are findings in the report.
Result<ConsistencyReport> check_store_consistency(Store& store);

// The report as a Status: ok, or kStoreError listing the findings and what to do.
Status consistency_status(const ConsistencyReport& report);

}  // namespace idsync
