// Store::Impl and what the store's translation units share (store.cc, store_chunks.cc,
// store_runs.cc): the prepared statements, the statement wrapper, the connection's knowledge
// of what the file holds. Internal to core/src/store.
#pragma once

#include <sqlite3.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <memory>
#include <cstring>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "model/objects.h"
#include "store/store.h"
#include "store/wal_checkpointer.h"

namespace idsync {

namespace store_detail {

constexpr int kBusyTimeoutMs = 5000;
// Negative = KiB: 32 MiB of page cache per connection. A full sync rewrites more pages than
// any cache holds, and the OS page cache serves re-reads; measured at 100,000 objects, a
// 256 MiB cache saved no time and added ~200 MB to peak RSS (ISSUE-5 notes).
constexpr const char* kPragmas[] = {
    "PRAGMA synchronous=NORMAL",
    "PRAGMA foreign_keys=OFF",
    "PRAGMA cache_size=-32768",
    "PRAGMA temp_store=MEMORY",
};

// A put_*_many of at least kBigWriteRows rows in a transaction raises the page cache to
// kBigWriteCachePragma until commit / rollback. Rows scattered over a large file dirty one page
// each; with 32 MiB the cache spills dirty pages to the WAL mid-transaction and reads them
// back. Measured on 80,000 random-row updates of a 300,000-row, 16 KiB-page file: 1.65 s with
// 32 MiB, 1.27 s with 256 MiB (mmap: 1.57 s, not used: its pages count in the resident set).
// 128 MiB: most of the gain for half of the resident cost.
constexpr size_t kBigWriteRows = 2000;
constexpr const char* kBigWriteCachePragma = "PRAGMA cache_size=-131072";
constexpr const char* kNormalCachePragma = "PRAGMA cache_size=-32768";

// A commit that leaves at least this many frames in the WAL has it checkpointed on the
// WalCheckpointer's thread (SQLite's automatic checkpoint, which this replaces, uses the
// same threshold inside the commit).
constexpr int kCheckpointFrames = 1000;
// begin() waits for a checkpoint still running when the WAL holds more than this, so that
// back-to-back large writes cannot grow it without bound (a WAL that is being checkpointed
// cannot restart from its beginning).
constexpr int64_t kMaxWalBytes = int64_t{1} << 30;

inline std::string errno_text(int err) { return std::strerror(err); }

inline ErrorCode code_for_sqlite(int rc) {
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return ErrorCode::kBusy;
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
    case SQLITE_PERM: return ErrorCode::kIoError;
    default: return ErrorCode::kStoreError;
  }
}

// The prepared statements a Store reuses; prepared on first use, finalized with the Store.
enum StmtId : int {
  kBegin,
  kCommit,
  kRollback,
  kSavepoint,
  kRelease,
  kRollbackTo,
  kGetSetting,
  kPutSetting,
  kLoadAttributes,
  kClearAttributes,
  kInsertAttribute,
  kLoadConnectors,
  kPutConnector,
  kDeleteConnector,
  kDeleteConnectorCs,
  kLoadRules,
  kClearRules,
  kInsertRule,
  kLoadCs,
  kPutCs,
  kDeleteCs,
  kFindCsByDn,
  kFindCsById,
  kFindCsByAnchor,
  kFindCsByMv,
  kCountCs,
  kLoadMv,
  kPutMv,
  kDeleteMv,
  kFindMv,
  kMaxRunNumber,
  kGetSequence,
  kRaiseSequence,
  kInsertRun,
  kQueryRuns,
  kPurgeRuns,
  kNextId,
  kLoadChunkIndex,
  kReadChunks,
  kInsertChunk,
  kDeleteChunk,
  kDeleteRowChunks,
  kDeleteConnectorChunks,
  kCheckChunks,
  kCheckCsRefs,
  kCheckMvRefs,
  kDataVersion,
  kUpdateCsRow,
  kUpdateCsRowAndLink,
  kCheckKeyHashes,
  kStmtCount
};

#define IDSYNC_CS_COLUMNS "id, connector, anchor, dn, object_type, state, mv, body, chunks"

constexpr std::array<const char*, kStmtCount> kStmtSql = {
    "BEGIN IMMEDIATE",
    "COMMIT",
    "ROLLBACK",
    "SAVEPOINT idsync_op",
    "RELEASE idsync_op",
    "ROLLBACK TO idsync_op",
    "SELECT value FROM settings WHERE key = ?1",
    "INSERT INTO settings(key, value) VALUES(?1, ?2) "
    "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
    "SELECT id, name, type, multi, space FROM attributes ORDER BY id",
    "DELETE FROM attributes",
    "INSERT INTO attributes(id, name, type, multi, space) VALUES(?1, ?2, ?3, ?4, ?5)",
    "SELECT id, name, json FROM connectors ORDER BY id",
    "INSERT INTO connectors(id, name, json) VALUES(?1, ?2, ?3) "
    "ON CONFLICT(id) DO UPDATE SET name = excluded.name, json = excluded.json",
    "DELETE FROM connectors WHERE id = ?1",
    "DELETE FROM cs_objects WHERE connector = ?1",
    "SELECT id, json FROM rules ORDER BY position, id",
    "DELETE FROM rules",
    "INSERT INTO rules(id, position, json) VALUES(?1, ?2, ?3)",
    // A rowid-order table scan: streams in id order without sorting a whole connector space.
    "SELECT " IDSYNC_CS_COLUMNS " FROM cs_objects NOT INDEXED WHERE connector = ?1 ORDER BY id",
    "INSERT INTO cs_objects(id, connector, anchor, dn, dn_hash, object_type, state, mv, "
    "pending_import, pending_export, body, chunks, anchor_hash) "
    "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) "
    "ON CONFLICT(id) DO UPDATE SET connector = excluded.connector, anchor = excluded.anchor, "
    "dn = excluded.dn, dn_hash = excluded.dn_hash, object_type = excluded.object_type, "
    "state = excluded.state, mv = excluded.mv, pending_import = excluded.pending_import, "
    "pending_export = excluded.pending_export, body = excluded.body, chunks = excluded.chunks, "
    "anchor_hash = excluded.anchor_hash",
    "DELETE FROM cs_objects WHERE id = ?1",
    // Every row whose hash matches, in id order: the caller keeps the first whose DN / anchor
    // is the one asked for (a hash collision must never return another object).
    "SELECT " IDSYNC_CS_COLUMNS " FROM cs_objects WHERE connector = ?1 AND dn_hash = ?2 ORDER BY id",
    "SELECT " IDSYNC_CS_COLUMNS " FROM cs_objects WHERE id = ?1",
    "SELECT " IDSYNC_CS_COLUMNS " FROM cs_objects WHERE connector = ?1 AND anchor_hash = ?2 ORDER BY id",
    "SELECT " IDSYNC_CS_COLUMNS " FROM cs_objects WHERE mv = ?1 ORDER BY id",
    "SELECT COUNT(*), COALESCE(SUM(pending_import != 0), 0), COALESCE(SUM(pending_export != 0), 0), "
    "COALESCE(SUM(pending_export = 3), 0), COALESCE(SUM(mv = 0), 0) FROM cs_objects WHERE connector = ?1",
    "SELECT id, object_type, body, chunks FROM mv_objects ORDER BY id",
    "INSERT INTO mv_objects(id, object_type, body, chunks) VALUES(?1, ?2, ?3, ?4) "
    "ON CONFLICT(id) DO UPDATE SET object_type = excluded.object_type, body = excluded.body, "
    "chunks = excluded.chunks",
    "DELETE FROM mv_objects WHERE id = ?1",
    "SELECT id, object_type, body, chunks FROM mv_objects WHERE id = ?1",
    "SELECT COALESCE(MAX(run_number), 0) FROM runs WHERE connector = ?1",
    "SELECT next FROM sequences WHERE name = ?1",
    "INSERT INTO sequences(name, next) VALUES(?1, ?2) "
    "ON CONFLICT(name) DO UPDATE SET next = MAX(next, excluded.next)",
    "INSERT INTO runs(run_id, connector, run_profile, run_number, result, start_time, end_time, "
    "json) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    "SELECT run_id, connector, run_profile, run_number, result, start_time, end_time, json "
    "FROM runs WHERE (?1 = '' OR connector = ?1) AND (?2 = '' OR result = ?2) "
    "AND (?3 = 0 OR run_id = ?3) ORDER BY run_id DESC LIMIT ?4",
    "DELETE FROM runs WHERE end_time < ?1",
    "INSERT INTO sequences(name, next) VALUES(?1, 1 + ?2) "
    "ON CONFLICT(name) DO UPDATE SET next = next + ?2 RETURNING next",
    "SELECT kind, row, hash FROM value_chunks",
    "SELECT hash, data FROM value_chunks WHERE kind = ?1 AND row = ?2",
    "INSERT INTO value_chunks(kind, row, hash, data) VALUES(?1, ?2, ?3, ?4)",
    "DELETE FROM value_chunks WHERE kind = ?1 AND row = ?2 AND hash = ?3",
    "DELETE FROM value_chunks WHERE kind = ?1 AND row = ?2",
    "DELETE FROM value_chunks WHERE kind = 0 AND row IN (SELECT id FROM cs_objects WHERE connector = ?1)",
    "SELECT kind, row, hash, data FROM value_chunks ORDER BY kind, row",
    "SELECT id, connector, dn, chunks FROM cs_objects WHERE chunks IS NOT NULL",
    "SELECT id, chunks FROM mv_objects WHERE chunks IS NOT NULL",
    "PRAGMA data_version",
    // put_cs when the indexed columns are as stored: SQLite maintains only the indexes whose
    // columns are set (the two small partial ones).
    "UPDATE cs_objects SET dn = ?4, object_type = ?6, state = ?7, pending_import = ?9, pending_export = ?10, "
    "body = ?11, chunks = ?12 WHERE id = ?1",
    // ... and a changed MV link (a join): only the MV index is maintained.
    "UPDATE cs_objects SET dn = ?4, object_type = ?6, state = ?7, mv = ?8, pending_import = ?9, "
    "pending_export = ?10, body = ?11, chunks = ?12 WHERE id = ?1",
    "SELECT id, connector, dn, anchor, dn_hash, anchor_hash FROM cs_objects ORDER BY id",
};

#undef IDSYNC_CS_COLUMNS

// A borrowed (cached) or owned prepared statement; resets (or finalizes) when it goes out of
// scope so the cached statement is ready for the next call.
class Stmt {
 public:
  Stmt() = default;
  Stmt(sqlite3_stmt* s, bool owned) : s_(s), owned_(owned) {}
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  Stmt& operator=(Stmt&& other) noexcept {
    std::swap(s_, other.s_);
    std::swap(owned_, other.owned_);
    return *this;
  }
  ~Stmt() {
    if (s_ == nullptr) return;
    if (owned_) {
      sqlite3_finalize(s_);
    } else {
      sqlite3_reset(s_);
    }
  }

  // Binds without copying: the bytes must stay alive until the statement is reset.
  int bind(int i, std::string_view v) {
    return sqlite3_bind_text(s_, i, v.data() != nullptr ? v.data() : "", static_cast<int>(v.size()),
                             SQLITE_STATIC);
  }
  int bind_blob(int i, std::string_view v) {
    return sqlite3_bind_blob(s_, i, v.data() != nullptr ? v.data() : "", static_cast<int>(v.size()),
                             SQLITE_STATIC);
  }
  int bind(int i, int64_t v) { return sqlite3_bind_int64(s_, i, v); }
  int bind_null(int i) { return sqlite3_bind_null(s_, i); }
  void reset() { sqlite3_reset(s_); }
  int step() { return sqlite3_step(s_); }

  int64_t int64(int col) const { return sqlite3_column_int64(s_, col); }
  std::string_view text_view(int col) const {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s_, col));
    int n = sqlite3_column_bytes(s_, col);
    return p != nullptr ? std::string_view(p, static_cast<size_t>(n)) : std::string_view();
  }
  bool is_null(int col) const { return sqlite3_column_type(s_, col) == SQLITE_NULL; }
  std::string text(int col) const {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s_, col));
    int n = sqlite3_column_bytes(s_, col);
    return p != nullptr ? std::string(p, static_cast<size_t>(n)) : std::string();
  }
  std::string_view blob(int col) const {
    const auto* p = static_cast<const char*>(sqlite3_column_blob(s_, col));
    int n = sqlite3_column_bytes(s_, col);
    return p != nullptr ? std::string_view(p, static_cast<size_t>(n)) : std::string_view();
  }

 private:
  sqlite3_stmt* s_ = nullptr;
  bool owned_ = false;
};

inline int64_t as_sql(uint64_t id) { return static_cast<int64_t>(id); }

// value_chunks.kind
constexpr int kCsChunks = 0;
constexpr int kMvChunks = 1;
inline uint64_t chunk_row_key(int kind, uint64_t id) { return id * 2 + static_cast<uint64_t>(kind); }

// The DN with ASCII letters lowercased (locale-independent): find_cs_by_dn matches DNs in
// this form, and the dn_hash column is the key hash of it.
inline void normalize_dn(std::string_view dn, std::string& out) {
  out.assign(dn);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
}

// The dn_hash / anchor_hash columns (schema 3): XXH3-64 of the normalized DN / the anchor's
// bytes (value_chunk_hash, fixed: stored hashes must stay valid), as a signed SQLite integer.
// Thread-safe. Tests may replace the hash (set_key_hash_for_testing) to force collisions.
int64_t key_hash(std::string_view bytes);
using KeyHashFunction = uint64_t (*)(std::string_view);
// nullptr restores the real hash. Set it before opening a store, and restore it after closing.
void set_key_hash_for_testing(KeyHashFunction fn);
// Registers idsync_dn_hash(dn) and idsync_anchor_hash(anchor) on `db` for migration 3.
int register_key_functions(sqlite3* db);

// The hashed index columns of a connector space row (dn_hash, anchor_hash) and a fingerprint
// of them with the connector, for Impl::cs_keys. Computed on any thread.
struct CsRowKeys {
  int64_t dn_hash = 0;
  int64_t anchor_hash = 0;
  uint64_t fingerprint = 0;  // never 0
};
inline CsRowKeys cs_row_keys(const CsObject& o, std::string& norm_scratch) {
  normalize_dn(o.dn, norm_scratch);
  CsRowKeys k;
  k.dn_hash = key_hash(norm_scratch);
  k.anchor_hash = key_hash(o.anchor);
  const uint64_t parts[3] = {o.connector, static_cast<uint64_t>(k.dn_hash), static_cast<uint64_t>(k.anchor_hash)};
  k.fingerprint = value_chunk_hash(std::string_view(reinterpret_cast<const char*>(parts), sizeof parts));
  if (k.fingerprint == 0) k.fingerprint = 1;
  return k;
}

}  // namespace store_detail

using namespace store_detail;

struct Store::Impl {
  std::string path;
  sqlite3* db = nullptr;
  int lock_fd = -1;
  bool bulk_load = false;  // the cs_objects indexes are dropped in the open transaction
  uint64_t writes = 0;     // writes that can change engine state; see change_marker()
  std::array<sqlite3_stmt*, kStmtCount> stmts{};
  std::string dn_norm;  // scratch for put_cs / find_cs_by_dn
  StoreWriteStats stats;
  // sqlite3_db_status counters when the statistics were reset (they count since open).
  std::array<int, 3> page_counters_base{};
  std::array<int, 3> page_counters() const {
    std::array<int, 3> out{};
    const int ops[3] = {SQLITE_DBSTATUS_CACHE_MISS, SQLITE_DBSTATUS_CACHE_WRITE, SQLITE_DBSTATUS_CACHE_SPILL};
    for (int i = 0; i < 3; ++i) {
      int high = 0;
      sqlite3_db_status(db, ops[i], &out[static_cast<size_t>(i)], &high, 0);
    }
    return out;
  }
  // What this connection knows the file holds, so that writes touch only what changed.
  // Valid while no other connection has committed (data_version) and nothing rolled back;
  // ensure_current() forgets it all otherwise.
  // - chunk_index: the chunk hashes each row holds in value_chunks (sorted), keyed by
  //   chunk_row_key, rows with chunks only (loaded on the first write that needs it). A write
  //   finds the chunks to add and remove without a query per row.
  // - cs_keys: by CS id, a fingerprint of the row's DN / anchor index columns (connector,
  //   dn_hash, anchor_hash; 0 = unknown) and its MV link, as read or written. A write whose
  //   fingerprint matches updates the other columns only, so SQLite leaves the DN and anchor
  //   indexes alone, and the MV index too unless the link changed (measured: a random-row
  //   update that sets the indexed columns costs ~1.7x one that does not; a full sync links
  //   every on-premises row and changes nothing else that is indexed).
  std::unordered_map<uint64_t, std::vector<uint64_t>> chunk_index;
  bool chunk_index_loaded = false;
  struct KnownCsKeys {
    uint64_t names = 0;
    MvId mv = 0;
  };
  std::vector<KnownCsKeys> cs_keys;
  bool memory_valid = false;
  bool memory_checked = false;  // checked in the open transaction: others cannot write
  int64_t memory_version = 0;
  bool big_cache = false;  // kBigWriteCachePragma applies until the transaction ends
  int64_t page_size = 0;
  int64_t wal_frames = 0;  // the WAL's length after the last commit (wal hook)
  std::unique_ptr<WalCheckpointer> checkpointer;  // writable stores only

  // sqlite3_wal_hook: after every commit of this connection.
  static int on_wal_commit(void* self, sqlite3* /*db*/, const char* /*schema*/, int frames) {
    auto* d = static_cast<Impl*>(self);
    d->wal_frames = frames;
    if (frames >= kCheckpointFrames && d->checkpointer != nullptr) d->checkpointer->request();
    return SQLITE_OK;
  }
  // Before a write transaction: bounds the WAL (kMaxWalBytes).
  void bound_wal() {
    if (checkpointer == nullptr || wal_frames * page_size <= kMaxWalBytes) return;
    checkpointer->wait_idle();
  }

  Status begin_big_write(size_t rows) {
    // A bulk load appends: its pages are written once, a larger cache would only cost memory.
    if (big_cache || bulk_load || rows < kBigWriteRows || sqlite3_get_autocommit(db) != 0) return Status::Ok();
    IDSYNC_RETURN_IF_ERROR(exec_sql(kBigWriteCachePragma, "raise the page cache for a large write"));
    big_cache = true;
    return Status::Ok();
  }
  void end_big_write() {
    if (!big_cache) return;
    big_cache = false;
    (void)exec_sql(kNormalCachePragma, "restore the page cache");  // frees the extra pages
  }

  ~Impl() {
    if (db != nullptr && sqlite3_get_autocommit(db) == 0) sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    // First: its connection must not be the last one, whose close checkpoints what is left.
    checkpointer.reset();
    for (sqlite3_stmt*& s : stmts) {
      sqlite3_finalize(s);
      s = nullptr;
    }
    if (db != nullptr) sqlite3_close_v2(db);
    if (lock_fd >= 0) {
      (void)ftruncate(lock_fd, 0);
      flock(lock_fd, LOCK_UN);
      close(lock_fd);
    }
  }

  std::string prefix() const { return "store " + path + ": "; }

  // "store <path>: cannot <what>: <sqlite message>", with a hint for the cases an
  // administrator can act on.
  Status fail(std::string_view what, int rc) const {
    std::string message = prefix() + "cannot " + std::string(what) + ": " +
                          (db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    ErrorCode code = code_for_sqlite(rc);
    if (code == ErrorCode::kBusy) {
      message += "; another process is writing to this store — wait for it to finish and try again";
    } else if ((rc & 0xff) == SQLITE_FULL) {
      message += "; free disk space and run again";
    } else if ((rc & 0xff) == SQLITE_READONLY) {
      message += "; the store was opened read-only or its file is not writable";
    }
    return Status::Error(code, std::move(message));
  }

  Status prepare(StmtId id, Stmt& out) {
    sqlite3_stmt*& cached = stmts[id];
    if (cached == nullptr) {
      int rc = sqlite3_prepare_v3(db, kStmtSql[id], -1, SQLITE_PREPARE_PERSISTENT, &cached, nullptr);
      if (rc != SQLITE_OK) {
        cached = nullptr;
        return fail(std::string("prepare statement \"") + kStmtSql[id] + "\"", rc);
      }
    }
    if (sqlite3_stmt_busy(cached) == 0) {
      out = Stmt(cached, false);
      return Status::Ok();
    }
    // In use further up the stack (a sink calling back into the store): use a private copy.
    sqlite3_stmt* fresh = nullptr;
    int rc = sqlite3_prepare_v2(db, kStmtSql[id], -1, &fresh, nullptr);
    if (rc != SQLITE_OK) return fail(std::string("prepare statement \"") + kStmtSql[id] + "\"", rc);
    out = Stmt(fresh, true);
    return Status::Ok();
  }

  // Runs a statement with no result rows.
  Status exec(StmtId id, std::string_view what) {
    Stmt st;
    IDSYNC_RETURN_IF_ERROR(prepare(id, st));
    int rc = st.step();
    if (rc != SQLITE_DONE) return fail(what, rc);
    return Status::Ok();
  }

  Status exec_sql(const char* sql, std::string_view what) {
    int rc = sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) return fail(what, rc);
    return Status::Ok();
  }

  // One row of a lookup; call ensure_current() before the query.
  Status read_cs(const Stmt& st, CsObject& o) {
    int64_t state = read_cs_columns(st, o);
    if (st.is_null(8)) {
      IDSYNC_RETURN_IF_ERROR(finish_cs(state, st.blob(7), nullptr, o));
    } else {
      StoredChunks chunks;
      IDSYNC_RETURN_IF_ERROR(read_chunks(kCsChunks, o.id, st.blob(8), chunks));
      IDSYNC_RETURN_IF_ERROR(finish_cs(state, st.blob(7), &chunks, o));
    }
    remember_read(o);
    return Status::Ok();
  }

  // The chunks of one row, on the SQLite thread (decoding may then run on any thread).
  Status read_chunks(int kind, uint64_t id, std::string_view refs, StoredChunks& out);
  Status ensure_current();
  Status ensure_chunk_index();
  void forget() {
    memory_valid = false;
    memory_checked = false;
  }
  static constexpr uint64_t kMaxKnownCsId = uint64_t{1} << 26;  // 1 GiB of cs_keys at most
  // The key of a row as read (any thread).
  static uint64_t cs_read_key(const CsObject& o) {
    std::string norm;
    return cs_row_keys(o, norm).fingerprint;
  }
  void remember_cs(const CsObject& o, uint64_t key) {
    if (o.id >= kMaxKnownCsId) return;
    if (o.id >= cs_keys.size()) cs_keys.resize(std::max<uint64_t>(o.id + 1, cs_keys.size() * 3 / 2));
    cs_keys[o.id] = KnownCsKeys{key, o.mv};
  }
  // After a read of `o` on the SQLite thread.
  void remember_read(const CsObject& o) { remember_cs(o, cs_read_key(o)); }
  // Makes value_chunks hold exactly `chunks` for the row: inserts those it lacks, deletes
  // those no longer referred to.
  Status write_chunks(int kind, uint64_t id, const std::vector<ValueChunk>& chunks);
  Status delete_row_chunks(int kind, uint64_t id);
  // The chunk hashes the row holds (sorted), or null; call ensure_chunk_index() first.
  const std::vector<uint64_t>* held_chunks(int kind, uint64_t id) const {
    auto it = chunk_index.find(chunk_row_key(kind, id));
    return it != chunk_index.end() ? &it->second : nullptr;
  }
  // Whether every chunk the encoder left out as held is still held (it is, unless the same
  // object came twice in one put_*_many).
  bool still_held(int kind, uint64_t id, const EncodedBody& body) const {
    const std::vector<uint64_t>* held = nullptr;
    for (const ValueChunk& c : body.chunks) {
      if (!c.held) continue;
      if (held == nullptr) held = held_chunks(kind, id);
      if (held == nullptr || !std::binary_search(held->begin(), held->end(), c.hash)) return false;
    }
    return true;
  }
  // For put_*_many: copies of the held lists of those objects, for the encoding threads.
  template <typename T>
  Result<std::unordered_map<uint64_t, std::vector<uint64_t>>> held_snapshot(int kind, const std::vector<const T*>& objects) {
    IDSYNC_RETURN_IF_ERROR(ensure_chunk_index());
    std::unordered_map<uint64_t, std::vector<uint64_t>> out;
    if (chunk_index.empty()) return out;
    for (const T* o : objects) {
      if (const std::vector<uint64_t>* held = held_chunks(kind, o->id)) out[o->id] = *held;
    }
    return out;
  }
  std::string row_name(int kind, uint64_t id) const {
    return (kind == kCsChunks ? "connector space object " : "metaverse object ") + std::to_string(id);
  }

  // The indexed columns of a connector space row; returns its raw state for finish_cs.
  static int64_t read_cs_columns(const Stmt& st, CsObject& o) {
    o.id = static_cast<CsId>(st.int64(0));
    o.connector = static_cast<ConnectorId>(st.int64(1));
    o.anchor.assign(st.blob(2));
    o.dn = st.text(3);
    o.object_type = st.text(4);
    o.mv = static_cast<MvId>(st.int64(6));
    return st.int64(5);
  }

  // Checks the state and decodes the body; touches nothing but `o` (runs on any thread).
  Status finish_cs(int64_t state, std::string_view body, const StoredChunks* chunks, CsObject& o) const {
    if (state < 0 || state > static_cast<int64_t>(ConnectorState::kFiltered)) {
      return Status::Error(ErrorCode::kStoreError,
                           prefix() + "connector space object " + std::to_string(o.id) +
                               " has an unknown connector state " + std::to_string(state) +
                               "; restore the store from a backup or rebuild it with an Initial cycle");
    }
    o.state = static_cast<ConnectorState>(state);
    Status s = decode_cs_body(body, o, chunks);
    if (!s.ok()) return s.with_context(prefix() + "connector space object " + std::to_string(o.id));
    return Status::Ok();
  }

  // One connector space / metaverse row with its body already encoded (put_cs, put_cs_many).
  Status write_cs(const CsObject& o, const EncodedBody& body, const CsRowKeys& keys);
  // find_cs_by_dn / find_cs_by_anchor: the first row of `st` (kFindCsByDn / kFindCsByAnchor,
  // bound) for which matches(st) holds.
  template <typename Matches>
  Result<std::optional<CsObject>> first_match(Stmt& st, std::string_view what, Matches matches) {
    int rc;
    while ((rc = st.step()) == SQLITE_ROW) {
      if (!matches(st)) continue;  // another row with the same hash
      CsObject o;
      IDSYNC_RETURN_IF_ERROR(read_cs(st, o));
      return std::optional<CsObject>(std::move(o));
    }
    if (rc != SQLITE_DONE) return fail(what, rc);
    return std::optional<CsObject>();
  }
  Status write_mv(const MvObject& o, const EncodedBody& body);

  Status read_mv(const Stmt& st, MvObject& o) {
    o.id = static_cast<MvId>(st.int64(0));
    o.object_type = st.text(1);
    StoredChunks chunks;
    const bool chunked = !st.is_null(3);
    if (chunked) IDSYNC_RETURN_IF_ERROR(read_chunks(kMvChunks, o.id, st.blob(3), chunks));
    return finish_mv(st.blob(2), chunked ? &chunks : nullptr, o);
  }
  // Decodes the body of `o` (id set); touches nothing but `o` (runs on any thread).
  Status finish_mv(std::string_view body, const StoredChunks* chunks, MvObject& o) const {
    Status s = decode_mv_body(body, o.attributes.plain(), chunks);  // plain: frozen by the state, if at all
    if (!s.ok()) return s.with_context(prefix() + "metaverse object " + std::to_string(o.id));
    return Status::Ok();
  }
};

namespace store_detail {


// A nested transaction around a multi-statement operation: works inside begin()/commit() and
// on its own; undone unless released.
class Savepoint {
 public:
  explicit Savepoint(Store::Impl& d) : d_(d) {}
  Status begin(std::string_view what) {
    IDSYNC_RETURN_IF_ERROR(d_.exec(kSavepoint, what));
    open_ = true;
    return Status::Ok();
  }
  Status release(std::string_view what) {
    Status s = d_.exec(kRelease, what);
    if (s.ok()) open_ = false;
    return s;
  }
  ~Savepoint() {
    if (!open_) return;
    (void)d_.exec(kRollbackTo, "undo");
    (void)d_.exec(kRelease, "undo");
  }

 private:
  Store::Impl& d_;
  bool open_ = false;
};

}  // namespace store_detail

}  // namespace idsync
