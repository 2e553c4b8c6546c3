// The server store: one SQLite file that holds everything a server knows.
//
// Contract:
// - open() creates the file (mode 0600) when asked to, applies migrations up to
//   kSchemaVersion, and refuses a newer or foreign file with kStoreError saying what to do.
// - WAL mode, synchronous=NORMAL, 16 KiB pages for new stores (older stores keep theirs), a
//   32 MiB page cache (128 MiB during a transaction that writes 2000+ rows in one put_*_many).
// - The WAL is checkpointed on a background thread after a commit that leaves 1000+ frames
//   in it, not inside the commit; begin() waits for that checkpoint only when the WAL has
//   grown past 1 GiB, and closing the Store waits for it.
// - A write changes only what changed: put_cs leaves the DN / anchor / MV indexes alone when
//   those columns are as this Store last read or wrote them (the MV index alone is updated
//   when only the link changed), and a huge value list rewrites only
//   the chunks it does not hold yet (write_stats() counts both).
// - Writes happen inside begin()/commit() transactions from one thread (put_cs_many / load_cs
//   use oneTBB tasks only to encode / decode blobs, never to touch SQLite); readers in other
//   processes keep working while a run writes.
// - acquire_run_lock() takes the server's single-run lock (an flock on "<path>.lock" holding
//   the holder's pid and description); a second holder gets kBusy at once, naming what runs.
// - Objects are stored as compact blobs (model/objects.h) with indexed anchor / DN / MV-link
//   columns (schema 3: the DN and anchor indexes hold 64-bit hashes of the normalized DN and
//   of the anchor; a lookup checks the row's DN / anchor itself, so a collision never returns
//   another object); large value lists (a big group's members) as content-defined chunks in
//   value_chunks, so that one changed value rewrites one chunk, not the list; configuration
//   items (connectors, rules, settings) as JSON text owned by ops/.
// - Every method returns a Status naming what failed; after an error inside a transaction the
//   caller rolls back and the last committed state is intact.
// Thread safety: one Store per thread; not shared.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "idsync/status.h"
#include "model/attribute_table.h"
#include "model/objects.h"

namespace idsync {

inline constexpr int kSchemaVersion = 3;

enum class OpenMode { kCreateIfMissing, kMustExist, kReadOnly };

struct ConnectorRow {
  ConnectorId id = 0;
  std::string name;
  std::string json;  // the connector definition, serialized by ops/
};

struct RuleRow {
  std::string id;    // the rule's GUID
  std::string json;
};

struct RunRow {
  int64_t run_id = 0;          // assigned by append_run when 0
  std::string connector;
  std::string run_profile;
  int64_t run_number = 0;      // per connector, assigned by append_run when 0
  std::string result;          // "success", "completed-sync-errors", "stopped-..."
  int64_t start_time = 0;      // unix milliseconds, UTC
  int64_t end_time = 0;
  std::string json;            // the full run record with steps, counters and object errors
};

struct CsCounts {
  int64_t objects = 0;
  int64_t pending_imports = 0;
  int64_t pending_exports = 0;
  int64_t pending_export_deletes = 0;
  int64_t disconnectors = 0;
};

// What this Store wrote to connector space / metaverse rows since it was opened (or the
// statistics were reset): tests prove that a small change to a huge object writes little.
struct StoreWriteStats {
  uint64_t rows = 0;                 // CS / MV rows written
  uint64_t rows_without_index_changes = 0;  // of them, CS rows written without touching the
                                            // DN / anchor / MV indexes (those columns unchanged)
  uint64_t rows_with_only_link_changes = 0;  // CS rows whose only indexed change was the MV link
                                             // (only the MV index touched)
  uint64_t body_bytes = 0;           // bytes of their bodies
  uint64_t chunks_written = 0;       // value chunks inserted (model/objects.h "Layout 2")
  uint64_t chunk_bytes_written = 0;
  uint64_t chunks_deleted = 0;       // chunks a row no longer refers to, and those of deleted rows
  // SQLite's page cache on this connection (sqlite3_db_status): pages read from the file or
  // the WAL because the cache lacked them, pages written to the WAL (at commit and when the
  // cache spilled), and how many of those were spilled mid-transaction.
  uint64_t pages_read = 0;
  uint64_t pages_written = 0;
  uint64_t pages_spilled = 0;
  uint64_t page_size = 0;
};

// What check_value_chunks found.
struct ValueChunkReport {
  uint64_t chunks = 0;
  std::vector<std::string> findings;  // each names the object and the chunk
  bool unreadable = false;            // a chunk is missing or damaged: loading that object fails
};

struct RunQuery {
  std::string connector;       // empty = all
  std::string result;          // empty = all
  int64_t run_id = 0;          // 0 = all
  int64_t limit = 100;         // newest first
};

class Store {
 public:
  static Result<std::unique_ptr<Store>> open(const std::string& path, OpenMode mode);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  const std::string& path() const { return path_; }

  // The single-run lock. `what` describes the run ("Delta cycle", "Full Import on 'AD'").
  Status acquire_run_lock(const std::string& what);
  void release_run_lock();
  // What holds the run lock now ("Delta sync cycle (pid 42)"), without taking it; nullopt when
  // nothing runs. A holder that died (even by SIGKILL) no longer counts.
  Result<std::optional<std::string>> run_lock_holder();

  Status begin();
  Status commit();
  void rollback();

  // Identifies the state of the engine's data (connector spaces, metaverse, rules, connectors,
  // attributes and the settings the engine holds in memory). It changes with every write of
  // those through this Store, every rollback, and every commit by another connection (SQLite's
  // data_version), so a caller keeping that data in memory knows it is still current when
  // the marker it took after its own last commit is unchanged.
  struct ChangeMarker {
    uint64_t writes = 0;
    int64_t data_version = 0;
    bool operator==(const ChangeMarker&) const = default;
  };
  Result<ChangeMarker> change_marker();

  // Added: bulk-load mode for the current transaction. Drops the connector-space secondary
  // indexes (DN, anchor, MV link, pending import / export) so put_cs only appends rows;
  // commit() rebuilds them in one sorted pass (rollback() restores them untouched). While it
  // is on, find_cs_by_dn and other indexed lookups scan the table: use it for loads that do
  // not look objects up, e.g. a full import into an empty connector space. Requires begin().
  Status begin_bulk_load();

  // Settings: small named text values (scheduler, staging mode, thresholds, watermarks).
  Result<std::optional<std::string>> get_setting(const std::string& key);
  Status put_setting(const std::string& key, const std::string& value);
  // The setting holding the sync state's saved link-check notes (sync/link_checks.h). They
  // hold only while nothing unlinks behind the sync state: delete_connector clears it.
  static constexpr const char* kLinkChecksSetting = "link_checks";

  // The interned attribute table, saved whole when it grew.
  Status load_attributes(AttributeTable& table);
  Status save_attributes(const AttributeTable& table);

  Result<std::vector<ConnectorRow>> load_connectors();
  Status put_connector(const ConnectorRow& row);        // insert or replace by id
  Status delete_connector(ConnectorId id);               // also its CS objects

  Result<std::vector<RuleRow>> load_rules();
  Status replace_rules(const std::vector<RuleRow>& rules);

  // Connector space. load_cs streams every object of one connector in id order; a sink that
  // returns kStopped ends the scan early and load_cs returns that status.
  Status load_cs(ConnectorId connector, const std::function<Status(CsObject&&)>& sink);
  Status put_cs(const CsObject& object);                 // insert or replace by id
  // put_cs for many objects, written in the given order; their blobs are encoded on other
  // threads (oneTBB) a chunk ahead of this one's writes. For the bulk saves of a full import
  // or sync. On an error the objects before the failing one are written (the caller rolls back).
  Status put_cs_many(const std::vector<const CsObject*>& objects);
  Status delete_cs(CsId id);
  Result<std::optional<CsObject>> find_cs_by_dn(ConnectorId connector, const std::string& dn);
  Result<std::optional<CsObject>> find_cs_by_id(CsId id);
  Result<std::optional<CsObject>> find_cs_by_anchor(ConnectorId connector, const std::string& anchor);
  Result<std::vector<CsObject>> find_cs_by_mv(MvId mv);   // the objects joined to `mv`, by id
  Result<CsCounts> count_cs(ConnectorId connector);

  // Metaverse.
  Status load_mv(const std::function<Status(MvObject&&)>& sink);
  Status put_mv(const MvObject& object);
  Status put_mv_many(const std::vector<const MvObject*>& objects);  // as put_cs_many
  Status delete_mv(MvId id);
  Result<std::optional<MvObject>> find_mv(MvId id);

  // Run history.
  Result<int64_t> append_run(RunRow& row);   // fills run_id and run_number
  Result<std::vector<RunRow>> query_runs(const RunQuery& query);
  Result<int64_t> purge_runs_before(int64_t unix_ms);   // returns how many were removed

  // Next free ids, persisted so they are never reused.
  Result<uint64_t> next_id(const std::string& sequence, uint64_t count = 1);

  // SQLite's integrity check; kStoreError with its findings when not "ok".
  Status check_integrity();

  // Checks every value chunk against the rows: a chunk a row refers to is present and its
  // bytes match its hash; no chunk belongs to a row that is gone or no longer refers to it.
  // At most `max_findings` findings. Fails only when the store cannot be read.
  Result<ValueChunkReport> check_value_chunks(size_t max_findings);

  // Checks that every connector space row's dn_hash / anchor_hash are those of its DN and
  // anchor (a stale hash would hide the object from find_cs_by_dn / find_cs_by_anchor). At
  // most `max_findings` findings, each naming the object. Fails only when the store cannot
  // be read.
  Result<std::vector<std::string>> check_key_hashes(size_t max_findings);

  // A commit that leaves 1000+ frames in the WAL has them copied back into the store file on
  // a background thread (store/wal_checkpointer.h): the commit returns once the frames are in
  // the WAL, where they are safe. This waits until no such checkpoint runs or is pending
  // (tests, tools that copy the file); closing the Store waits as well.
  void wait_for_checkpoint();
  uint64_t checkpoints_completed() const;  // background checkpoints finished since open()

  const StoreWriteStats& write_stats() const;
  void reset_write_stats();

  struct Impl;

 private:
  Store(std::string path, std::unique_ptr<Impl> impl);
  std::string path_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace idsync
