#include "store/store.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/task_group.h>
#include <sys/file.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <limits>
#include <memory>
#include <unordered_map>
#include <unordered_set>
#include <string_view>
#include <thread>
#include <utility>

#include "store/schema.h"

namespace idsync {

namespace {

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

std::string errno_text(int err) { return std::strerror(err); }

ErrorCode code_for_sqlite(int rc) {
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
    "INSERT INTO cs_objects(id, connector, anchor, dn, dn_norm, object_type, state, mv, "
    "pending_import, pending_export, body, chunks) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) "
    "ON CONFLICT(id) DO UPDATE SET connector = excluded.connector, anchor = excluded.anchor, "
    "dn = excluded.dn, dn_norm = excluded.dn_norm, object_type = excluded.object_type, "
    "state = excluded.state, mv = excluded.mv, pending_import = excluded.pending_import, "
    "pending_export = excluded.pending_export, body = excluded.body, chunks = excluded.chunks",
    "DELETE FROM cs_objects WHERE id = ?1",
    "SELECT " IDSYNC_CS_COLUMNS " FROM cs_objects WHERE connector = ?1 AND dn_norm = ?2 "
    "ORDER BY id LIMIT 1",
    "SELECT " IDSYNC_CS_COLUMNS " FROM cs_objects WHERE id = ?1",
    "SELECT " IDSYNC_CS_COLUMNS " FROM cs_objects WHERE connector = ?1 AND anchor = ?2 ORDER BY id LIMIT 1",
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

int64_t as_sql(uint64_t id) { return static_cast<int64_t>(id); }

// value_chunks.kind
constexpr int kCsChunks = 0;
constexpr int kMvChunks = 1;
uint64_t chunk_row_key(int kind, uint64_t id) { return id * 2 + static_cast<uint64_t>(kind); }

// dn_norm: the DN with ASCII letters lowercased (locale-independent), as put_cs stores it and
// find_cs_by_dn looks it up.
void normalize_dn(std::string_view dn, std::string& out) {
  out.assign(dn);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
}

}  // namespace

struct Store::Impl {
  std::string path;
  sqlite3* db = nullptr;
  int lock_fd = -1;
  bool bulk_load = false;  // the cs_objects indexes are dropped in the open transaction
  uint64_t writes = 0;     // writes that can change engine state; see change_marker()
  std::array<sqlite3_stmt*, kStmtCount> stmts{};
  std::string dn_norm;  // scratch for put_cs / find_cs_by_dn
  StoreWriteStats stats;
  // What this connection knows the file holds, so that writes touch only what changed.
  // Valid while no other connection has committed (data_version) and nothing rolled back;
  // ensure_current() forgets it all otherwise.
  // - chunk_index: the chunk hashes each row holds in value_chunks (sorted), keyed by
  //   chunk_row_key, rows with chunks only (loaded on the first write that needs it). A write
  //   finds the chunks to add and remove without a query per row.
  // - cs_keys: by CS id, a fingerprint of the row's indexed columns (connector, anchor,
  //   dn_norm, mv) as read or written; 0 = unknown. A write whose fingerprint matches updates
  //   the other columns only, so SQLite leaves the DN, anchor and MV indexes alone (measured:
  //   a random-row update that sets the indexed columns costs ~1.7x one that does not).
  std::unordered_map<uint64_t, std::vector<uint64_t>> chunk_index;
  bool chunk_index_loaded = false;
  std::vector<uint64_t> cs_keys;
  bool memory_valid = false;
  bool memory_checked = false;  // checked in the open transaction: others cannot write
  int64_t memory_version = 0;
  std::string key_scratch;
  bool big_cache = false;  // kBigWriteCachePragma applies until the transaction ends

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
  static constexpr uint64_t kMaxKnownCsId = uint64_t{1} << 26;  // 512 MiB of cs_keys at most
  // Thread-safe; `scratch` is the caller's.
  static uint64_t cs_key(const CsObject& o, std::string_view norm, std::string& scratch) {
    scratch.clear();
    auto put64 = [&](uint64_t v) { scratch.append(reinterpret_cast<const char*>(&v), sizeof v); };
    put64(o.connector);
    put64(o.mv);
    put64(o.anchor.size());
    scratch.append(o.anchor);
    scratch.append(norm);
    uint64_t h = value_chunk_hash(scratch);
    return h == 0 ? 1 : h;
  }
  // The key of a row as read (any thread).
  static uint64_t cs_read_key(const CsObject& o) {
    std::string norm, scratch;
    normalize_dn(o.dn, norm);
    return cs_key(o, norm, scratch);
  }
  void remember_cs(const CsObject& o, uint64_t key) {
    if (o.id >= kMaxKnownCsId) return;
    if (o.id >= cs_keys.size()) cs_keys.resize(std::max<uint64_t>(o.id + 1, cs_keys.size() * 3 / 2), 0);
    cs_keys[o.id] = key;
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
  Status write_cs(const CsObject& o, const EncodedBody& body, std::string_view dn_norm);
  Status write_mv(const MvObject& o, const EncodedBody& body);

  Status read_mv(const Stmt& st, MvObject& o) {
    o.id = static_cast<MvId>(st.int64(0));
    o.object_type = st.text(1);
    StoredChunks chunks;
    const bool chunked = !st.is_null(3);
    if (chunked) IDSYNC_RETURN_IF_ERROR(read_chunks(kMvChunks, o.id, st.blob(3), chunks));
    Status s = decode_mv_body(st.blob(2), o.attributes, chunked ? &chunks : nullptr);
    if (!s.ok()) return s.with_context(prefix() + "metaverse object " + std::to_string(o.id));
    return Status::Ok();
  }
};

namespace {

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

// ---- opening -------------------------------------------------------------------------------

// Runs a one-value query; returns the SQLite result code (SQLITE_OK when it produced a value
// or no row, `out` = 0 then).
int single_int(sqlite3* db, const char* sql, int64_t& out) {
  out = 0;
  sqlite3_stmt* s = nullptr;
  int rc = sqlite3_prepare_v2(db, sql, -1, &s, nullptr);
  if (rc == SQLITE_OK) {
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) out = sqlite3_column_int64(s, 0);
    if (rc == SQLITE_ROW || rc == SQLITE_DONE) rc = SQLITE_OK;
  }
  sqlite3_finalize(s);
  return rc;
}

std::string create_hint(const std::string& path) {
  return "create it with `idsync store create --store " + path +
         "`, or pass --store with the path of an existing store";
}

std::string foreign_hint() {
  return "check the --store path, or create a new store with `idsync store create`";
}

struct StoreState {
  bool fresh = false;        // an empty SQLite file: no tables, no application id
  int64_t schema_version = 0;
};

// Reads what the file is: fresh, an IdSync store of some schema version, or foreign.
Status inspect(Store::Impl& d, StoreState& state) {
  int64_t app_id = 0, objects = 0;
  int rc = single_int(d.db, "PRAGMA application_id", app_id);
  if (rc == SQLITE_OK) rc = single_int(d.db, "SELECT count(*) FROM sqlite_schema", objects);
  if ((rc & 0xff) == SQLITE_NOTADB) {
    return Status::Error(ErrorCode::kStoreError,
                         "store " + d.path + " is not an IdSync store: it is not a SQLite database (" +
                             sqlite3_errmsg(d.db) + "); " + foreign_hint());
  }
  if (rc != SQLITE_OK) return d.fail("read the store header", rc);
  state = StoreState{};
  if (app_id == 0 && objects == 0) {
    state.fresh = true;
    return Status::Ok();
  }
  std::string foreign = "store " + d.path +
                        " is not an IdSync store: it is a SQLite database of another application; " +
                        foreign_hint();
  if (app_id != store_schema::kApplicationId) return Status::Error(ErrorCode::kStoreError, foreign);

  sqlite3_stmt* s = nullptr;
  rc = sqlite3_prepare_v2(d.db, "SELECT key, value FROM meta WHERE key IN ('application', 'schema_version')",
                          -1, &s, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(s);
    if ((rc & 0xff) == SQLITE_ERROR) {  // no meta table
      return Status::Error(ErrorCode::kStoreError,
                           "store " + d.path + " is damaged: it has no version table; restore it from a backup");
    }
    return d.fail("read the schema version", rc);
  }
  bool marker = false, have_version = false;
  std::string version_text;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    std::string_view key(reinterpret_cast<const char*>(sqlite3_column_text(s, 0)));
    const auto* value = reinterpret_cast<const char*>(sqlite3_column_text(s, 1));
    std::string_view v = value != nullptr ? value : "";
    if (key == "application") marker = v == store_schema::kApplicationMarker;
    if (key == "schema_version") {
      have_version = true;
      version_text = v;
    }
  }
  sqlite3_finalize(s);
  if (rc != SQLITE_DONE) return d.fail("read the schema version", rc);
  if (!marker) return Status::Error(ErrorCode::kStoreError, foreign);
  int64_t version = 0;
  bool valid = have_version && !version_text.empty() && version_text.size() < 10 &&
               std::all_of(version_text.begin(), version_text.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (valid) version = std::stoll(version_text);
  if (!valid || version < 1) {
    return Status::Error(ErrorCode::kStoreError, "store " + d.path + " is damaged: its schema version \"" +
                                                     version_text + "\" is not valid; restore it from a backup");
  }
  state.schema_version = version;
  return Status::Ok();
}

Status newer_error(const std::string& path, int64_t version) {
  return Status::Error(ErrorCode::kStoreError,
                       "store " + path + " was written by a newer IdSync (schema " + std::to_string(version) +
                           "); upgrade IdSync (this version understands schema " +
                           std::to_string(kSchemaVersion) + " and older)");
}

// Brings the store to kSchemaVersion in one transaction.
Status migrate(Store::Impl& d) {
  const auto& list = store_schema::migrations();
  if (list.size() != static_cast<size_t>(kSchemaVersion)) {
    return Status::Error(ErrorCode::kInternal, "store migrations list " + std::to_string(list.size()) +
                                                   " versions but kSchemaVersion is " +
                                                   std::to_string(kSchemaVersion));
  }
  IDSYNC_RETURN_IF_ERROR(d.exec_sql("BEGIN IMMEDIATE", "start the schema upgrade"));
  auto abort = [&](Status s) {
    sqlite3_exec(d.db, "ROLLBACK", nullptr, nullptr, nullptr);
    return s;
  };
  // Another process may have initialized or upgraded the store while we waited for the lock.
  StoreState state;
  Status s = inspect(d, state);
  if (!s.ok()) return abort(s);
  int64_t from = state.fresh ? 0 : state.schema_version;
  if (from > kSchemaVersion) return abort(newer_error(d.path, from));
  for (const store_schema::Migration& m : list) {
    if (m.to_version <= from) continue;
    std::string what = "upgrade the schema to version " + std::to_string(m.to_version);
    for (std::string_view step : m.steps) {
      std::string sql(step);
      s = d.exec_sql(sql.c_str(), what);
      if (!s.ok()) return abort(s);
    }
    if (m.to_version == 1) {
      std::string sql = "PRAGMA application_id=" + std::to_string(store_schema::kApplicationId);
      s = d.exec_sql(sql.c_str(), what);
      if (s.ok()) {
        sql = "INSERT INTO meta(key, value) VALUES('application', '" +
              std::string(store_schema::kApplicationMarker) + "')";
        s = d.exec_sql(sql.c_str(), what);
      }
      if (!s.ok()) return abort(s);
    }
    std::string sql = "INSERT INTO meta(key, value) VALUES('schema_version', '" + std::to_string(m.to_version) +
                      "') ON CONFLICT(key) DO UPDATE SET value = excluded.value";
    s = d.exec_sql(sql.c_str(), what);
    if (!s.ok()) return abort(s);
  }
  s = d.exec_sql("COMMIT", "commit the schema upgrade");
  if (!s.ok()) return abort(s);
  return Status::Ok();
}

}  // namespace

Store::Store(std::string path, std::unique_ptr<Impl> impl) : path_(std::move(path)), impl_(std::move(impl)) {}

Store::~Store() = default;

Result<std::unique_ptr<Store>> Store::open(const std::string& path, OpenMode mode) {
  if (path.empty()) {
    return Status::Error(ErrorCode::kInvalidArgument, "no store path given; pass --store <file>");
  }
  const bool read_only = mode == OpenMode::kReadOnly;
  bool created = false;
  struct stat st{};
  if (::stat(path.c_str(), &st) != 0) {
    int err = errno;
    if (err != ENOENT && err != ENOTDIR) {
      return Status::Error(ErrorCode::kIoError, "store " + path + ": cannot access the store file: " +
                                                    errno_text(err) + "; check the path and its permissions");
    }
    if (mode != OpenMode::kCreateIfMissing) {
      return Status::Error(ErrorCode::kNotFound, "store " + path + " does not exist; " + create_hint(path));
    }
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
      err = errno;
      if (err != EEXIST) {
        return Status::Error(ErrorCode::kIoError, "store " + path + ": cannot create the store file: " +
                                                      errno_text(err) +
                                                      "; check that its directory exists and is writable");
      }
    } else {
      (void)fchmod(fd, 0600);  // exactly 0600 whatever the umask
      close(fd);
      created = true;
    }
  } else if (S_ISDIR(st.st_mode)) {
    return Status::Error(ErrorCode::kIoError, "store " + path +
                                                  " is a directory, not a store file; pass the path of the "
                                                  "store file itself (e.g. " +
                                                  path + "/idsync.db)");
  }
  if (!created) {
    int fd = ::open(path.c_str(), (read_only ? O_RDONLY : O_RDWR) | O_CLOEXEC);
    if (fd < 0) {
      int err = errno;
      return Status::Error(ErrorCode::kIoError,
                           "store " + path + ": cannot open the store file for " +
                               (read_only ? "reading" : "reading and writing") + ": " + errno_text(err) +
                               "; check the file's owner and permissions (the account running IdSync needs " +
                               (read_only ? "read" : "read and write") + " access)");
    }
    close(fd);
  }

  auto impl = std::make_unique<Impl>();
  impl->path = path;
  auto cleanup_created = [&] {
    if (!created) return;
    impl.reset();
    ::unlink(path.c_str());
    ::unlink((path + "-wal").c_str());
    ::unlink((path + "-shm").c_str());
  };
  int flags = (read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE) | SQLITE_OPEN_NOMUTEX;
  int rc = sqlite3_open_v2(path.c_str(), &impl->db, flags, nullptr);
  if (rc != SQLITE_OK) {
    Status s = impl->fail("open the store", rc);
    cleanup_created();
    return s;
  }
  sqlite3_busy_timeout(impl->db, kBusyTimeoutMs);
  if (!read_only && sqlite3_db_readonly(impl->db, "main") == 1) {
    return Status::Error(ErrorCode::kIoError, "store " + path +
                                                  ": the store file can only be opened read-only; check the "
                                                  "permissions of the file and its directory");
  }

  Impl& d = *impl;
  StoreState state;
  Status s = inspect(d, state);
  if (!s.ok()) {
    cleanup_created();
    return s;
  }
  if (!state.fresh && state.schema_version > kSchemaVersion) return newer_error(path, state.schema_version);
  if (state.fresh && mode != OpenMode::kCreateIfMissing) {
    return Status::Error(ErrorCode::kStoreError,
                         "store " + path + " is an empty file, not an IdSync store; " + create_hint(path));
  }
  if (state.fresh && !read_only) {
    // Fixed when the file is created. 16 KiB pages instead of SQLite's 4 KiB: a connector
    // space row with its attribute blob is often 1-3 KiB, so fewer rows spill to overflow
    // pages, b-trees are shallower, and a full sync's commit checkpoints a quarter of the WAL
    // frames; measured at 100,000 objects, the save phase of a full sync took ~30% less.
    s = d.exec_sql(store_schema::kPageSizePragma, "set the page size of the new store");
    if (!s.ok()) {
      cleanup_created();
      return s;
    }
  }
  if (!read_only) {
    int64_t ignored = 0;
    rc = single_int(d.db, "PRAGMA journal_mode=WAL", ignored);
    if (rc != SQLITE_OK) {
      s = d.fail("switch the store to WAL mode", rc);
      cleanup_created();
      return s;
    }
  }
  for (const char* pragma : kPragmas) {
    s = d.exec_sql(pragma, std::string("apply \"") + pragma + "\"");
    if (!s.ok()) {
      cleanup_created();
      return s;
    }
  }
  if (state.fresh || state.schema_version < kSchemaVersion) {
    if (read_only) {
      return Status::Error(ErrorCode::kStoreError,
                           "store " + path + " has schema " + std::to_string(state.schema_version) +
                               " and needs an upgrade to schema " + std::to_string(kSchemaVersion) +
                               "; open it once without read-only (any idsync command that changes it) to upgrade");
    }
    s = migrate(d);
    if (!s.ok()) {
      cleanup_created();
      return s;
    }
  }
  return std::unique_ptr<Store>(new Store(path, std::move(impl)));
}

// ---- run lock ------------------------------------------------------------------------------

Status Store::acquire_run_lock(const std::string& what) {
  Impl& d = *impl_;
  if (d.lock_fd >= 0) {
    return Status::Error(ErrorCode::kInternal, "store " + path_ + ": the run lock is already held by this process");
  }
  const std::string lock_path = path_ + ".lock";
  int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    int err = errno;
    return Status::Error(ErrorCode::kIoError, "store " + path_ + ": cannot open the run lock file " + lock_path +
                                                  ": " + errno_text(err) +
                                                  "; check that the store's directory is writable");
  }
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int err = errno;
    if (err != EWOULDBLOCK) {
      close(fd);
      return Status::Error(ErrorCode::kIoError,
                           "store " + path_ + ": cannot lock " + lock_path + ": " + errno_text(err));
    }
    // The holder writes its description right after locking; give it a moment if it is empty.
    std::string holder;
    for (int attempt = 0; attempt < 10 && holder.empty(); ++attempt) {
      if (attempt > 0) std::this_thread::sleep_for(std::chrono::milliseconds(10));
      char buf[4096];
      ssize_t n = pread(fd, buf, sizeof buf, 0);
      if (n > 0) holder.assign(buf, static_cast<size_t>(n));
      while (!holder.empty() && (holder.back() == '\n' || holder.back() == '\r')) holder.pop_back();
    }
    close(fd);
    std::string description = "another IdSync run";
    // "pid N: <what>"
    if (holder.rfind("pid ", 0) == 0) {
      size_t colon = holder.find(": ");
      if (colon != std::string::npos) {
        description = holder.substr(colon + 2) + " (" + holder.substr(0, colon) + ")";
      }
    }
    return Status::Error(ErrorCode::kBusy, "the store " + path_ + " is busy: " + description +
                                               " is running; wait for it to finish or stop it");
  }
  std::string text = "pid " + std::to_string(getpid()) + ": " + what + "\n";
  if (ftruncate(fd, 0) != 0 || pwrite(fd, text.data(), text.size(), 0) != static_cast<ssize_t>(text.size())) {
    int err = errno;
    flock(fd, LOCK_UN);
    close(fd);
    return Status::Error(ErrorCode::kIoError,
                         "store " + path_ + ": cannot write the run lock file " + lock_path + ": " + errno_text(err));
  }
  d.lock_fd = fd;
  return Status::Ok();
}

Result<std::optional<std::string>> Store::run_lock_holder() {
  const std::string lock_path = path_ + ".lock";
  int fd = ::open(lock_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::optional<std::string>();  // never locked
  char buf[4096];
  ssize_t n = pread(fd, buf, sizeof buf, 0);
  close(fd);
  std::string holder = n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
  while (!holder.empty() && (holder.back() == '\n' || holder.back() == '\r')) holder.pop_back();
  if (holder.rfind("pid ", 0) != 0) return std::optional<std::string>();
  size_t colon = holder.find(": ");
  if (colon == std::string::npos) return std::optional<std::string>();
  pid_t pid = static_cast<pid_t>(std::atol(holder.c_str() + 4));
  if (pid <= 0 || (::kill(pid, 0) != 0 && errno == ESRCH)) return std::optional<std::string>();
  return std::optional<std::string>(holder.substr(colon + 2) + " (" + holder.substr(0, colon) + ")");
}

void Store::release_run_lock() {
  Impl& d = *impl_;
  if (d.lock_fd < 0) return;
  (void)ftruncate(d.lock_fd, 0);
  flock(d.lock_fd, LOCK_UN);
  close(d.lock_fd);
  d.lock_fd = -1;
}

// ---- transactions --------------------------------------------------------------------------

Status Store::begin() {
  Impl& d = *impl_;
  if (sqlite3_get_autocommit(d.db) == 0) {
    return Status::Error(ErrorCode::kInternal, d.prefix() + "begin: a transaction is already open");
  }
  Stmt st;
  IDSYNC_RETURN_IF_ERROR(d.prepare(kBegin, st));
  int rc = st.step();
  d.memory_checked = false;
  if (rc == SQLITE_DONE) return Status::Ok();
  if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED) {
    return Status::Error(ErrorCode::kBusy,
                         "the store " + path_ + " is busy: another process has been writing to it for more than " +
                             std::to_string(kBusyTimeoutMs / 1000) +
                             " seconds; wait for it to finish and try again");
  }
  return d.fail("start a transaction", rc);
}

Status Store::begin_bulk_load() {
  Impl& d = *impl_;
  if (sqlite3_get_autocommit(d.db) != 0) {
    return Status::Error(ErrorCode::kInternal, d.prefix() + "begin_bulk_load: no transaction is open");
  }
  if (d.bulk_load) return Status::Ok();
  for (std::string_view name : store_schema::cs_object_index_names()) {
    std::string sql = "DROP INDEX IF EXISTS " + std::string(name);
    IDSYNC_RETURN_IF_ERROR(d.exec_sql(sql.c_str(), "start a bulk load (drop index " + std::string(name) + ")"));
  }
  d.bulk_load = true;
  return Status::Ok();
}

Status Store::commit() {
  Impl& d = *impl_;
  if (sqlite3_get_autocommit(d.db) != 0) {
    d.bulk_load = false;
    return Status::Error(ErrorCode::kInternal, d.prefix() + "commit: no transaction is open");
  }
  if (d.bulk_load) {
    for (std::string_view ddl : store_schema::cs_object_indexes()) {
      std::string sql(ddl);
      IDSYNC_RETURN_IF_ERROR(d.exec_sql(sql.c_str(), "rebuild the connector space indexes after a bulk load"));
    }
    d.bulk_load = false;
  }
  d.memory_checked = false;
  Status s = d.exec(kCommit, "commit the transaction");
  if (!s.ok()) d.forget();
  d.end_big_write();
  return s;
}

void Store::rollback() {
  Impl& d = *impl_;
  ++d.writes;  // what was written in the transaction is gone: state built on it is stale
  d.bulk_load = false;  // the dropped indexes come back with the rollback
  d.forget();  // what was written in the transaction is gone
  d.end_big_write();
  if (sqlite3_get_autocommit(d.db) != 0) return;
  if (!d.exec(kRollback, "roll back").ok()) sqlite3_exec(d.db, "ROLLBACK", nullptr, nullptr, nullptr);
}

Result<Store::ChangeMarker> Store::change_marker() {
  Impl& d = *impl_;
  int64_t version = 0;
  int rc = single_int(d.db, "PRAGMA data_version", version);
  if (rc != SQLITE_OK) return d.fail("read the data version", rc);
  return ChangeMarker{d.writes, version};
}

// ---- settings ------------------------------------------------------------------------------

Result<std::optional<std::string>> Store::get_setting(const std::string& key) {
  Impl& d = *impl_;
  Stmt st;
  IDSYNC_RETURN_IF_ERROR(d.prepare(kGetSetting, st));
  st.bind(1, key);
  int rc = st.step();
  if (rc == SQLITE_ROW) return std::optional<std::string>(st.text(0));
  if (rc == SQLITE_DONE) return std::optional<std::string>();
  return d.fail("read setting '" + key + "'", rc);
}

Status Store::put_setting(const std::string& key, const std::string& value) {
  Impl& d = *impl_;
  if (key == "metaverse" || key == "next_cs_id" || key == "next_mv_id") ++d.writes;
  Stmt st;
  IDSYNC_RETURN_IF_ERROR(d.prepare(kPutSetting, st));
  st.bind(1, key);
  st.bind(2, value);
  int rc = st.step();
  if (rc != SQLITE_DONE) return d.fail("write setting '" + key + "'", rc);
  return Status::Ok();
}

// ---- attribute table -----------------------------------------------------------------------

Status Store::load_attributes(AttributeTable& table) {
  Impl& d = *impl_;
  Stmt st;
  IDSYNC_RETURN_IF_ERROR(d.prepare(kLoadAttributes, st));
  std::vector<AttrInfo> attrs;
  int rc;
  while ((rc = st.step()) == SQLITE_ROW) {
    int64_t id = st.int64(0);
    AttrInfo info;
    info.name = st.text(1);
    std::string type = st.text(2);
    auto parsed = parse_attr_type(type);
    if (id != static_cast<int64_t>(attrs.size()) || !parsed) {
      return Status::Error(ErrorCode::kStoreError,
                           d.prefix() + "the attribute table is damaged at attribute " + std::to_string(id) + " ('" +
                               info.name + "', type '" + type +
                               "'); restore the store from a backup");
    }
    info.type = *parsed;
    info.multi_valued = st.int64(3) != 0;
    info.space = static_cast<SpaceId>(st.int64(4));
    attrs.push_back(std::move(info));
  }
  if (rc != SQLITE_DONE) return d.fail("read the attribute table", rc);
  table.restore(std::move(attrs));
  return Status::Ok();
}

Status Store::save_attributes(const AttributeTable& table) {
  Impl& d = *impl_;
  ++d.writes;
  Savepoint sp(d);
  IDSYNC_RETURN_IF_ERROR(sp.begin("write the attribute table"));
  IDSYNC_RETURN_IF_ERROR(d.exec(kClearAttributes, "write the attribute table"));
  Stmt st;
  IDSYNC_RETURN_IF_ERROR(d.prepare(kInsertAttribute, st));
  const auto& all = table.all();
  for (size_t i = 0; i < all.size(); ++i) {
    st.bind(1, static_cast<int64_t>(i));
    st.bind(2, all[i].name);
    st.bind(3, std::string_view(attr_type_name(all[i].type)));
    st.bind(4, static_cast<int64_t>(all[i].multi_valued ? 1 : 0));
    st.bind(5, static_cast<int64_t>(all[i].space));
    int rc = st.step();
    if (rc != SQLITE_DONE) return d.fail("write attribute '" + all[i].name + "'", rc);
    st.reset();
  }
  return sp.release("write the attribute table");
}

// ---- connectors and rules ------------------------------------------------------------------

Result<std::vector<ConnectorRow>> Store::load_connectors() {
  Impl& d = *impl_;
  Stmt st;
  IDSYNC_RETURN_IF_ERROR(d.prepare(kLoadConnectors, st));
  std::vector<ConnectorRow> rows;
  int rc;
  while ((rc = st.step()) == SQLITE_ROW) {
    rows.push_back(ConnectorRow{static_cast<ConnectorId>(st.int64(0)), st.text(1), st.text(2)});
  }
  if (rc != SQLITE_DONE) return d.fail("read the connectors", rc);
  return rows;
}

Status Store::put_connector(const ConnectorRow& row) {
  Impl& d = *impl_;
  ++d.writes;
  Stmt st;
  IDSYNC_RETURN_IF_ERROR(d.prepare(kPutConnector, st));
  st.bind(1, static_cast<int64_t>(row.id));
  st.bind(2, row.name);
  st.bind(3, row.json);
  int rc = st.step();
  if (rc == SQLITE_DONE) return Status::Ok();
  if ((rc & 0xff) == SQLITE_CONSTRAINT) {
    return Status::Error(ErrorCode::kInvalidArgument, d.prefix() + "cannot write connector '" + row.name + "' (id " +
                                                          std::to_string(row.id) +
                                                          "): another connector already has this name");
  }
  return d.fail("write connector '" + row.name + "' (id " + std::to_string(row.id) + ")", rc);
}

Status Store::delete_connector(ConnectorId id) {
  Impl& d = *impl_;
  ++d.writes;
  std::string what = "delete connector " + std::to_string(id);
  Savepoint sp(d);
  IDSYNC_RETURN_IF_ERROR(sp.begin(what));
  d.forget();  // its rows and chunks go: rebuilt on the next write
  {
    Stmt st;
    IDSYNC_RETURN_IF_ERROR(d.prepare(kDeleteConnectorChunks, st));
    st.bind(1, static_cast<int64_t>(id));
    int rc = st.step();
    if (rc != SQLITE_DONE) return d.fail(what + "'s value chunks", rc);
    d.stats.chunks_deleted += static_cast<uint64_t>(sqlite3_changes(d.db));
  }
  {
    Stmt st;
    IDSYNC_RETURN_IF_ERROR(d.prepare(kDeleteConnectorCs, st));
    st.bind(1, static_cast<int64_t>(id));
    int rc = st.step();
    if (rc != SQLITE_DONE) return d.fail(what + "'s connector space", rc);
  }
  {
    Stmt st;
    IDSYNC_RETURN_IF_ERROR(d.prepare(kDeleteConnector, st));
    st.bind(1, static_cast<int64_t>(id));
    int rc = st.step();
    if (rc != SQLITE_DONE) return d.fail(what, rc);
  }
  return sp.release(what);
}

Result<std::vector<RuleRow>> Store::load_rules() {
  Impl& d = *impl_;
  Stmt st;
  IDSYNC_RETURN_IF_ERROR(d.prepare(kLoadRules, st));
  std::vector<RuleRow> rows;
  int rc;
  while ((rc = st.step()) == SQLITE_ROW) rows.push_back(RuleRow{st.text(0), st.text(1)});
  if (rc != SQLITE_DONE) return d.fail("read the sync rules", rc);
  return rows;
}

Status Store::replace_rules(const std::vector<RuleRow>& rules) {
  Impl& d = *impl_;
  ++d.writes;
  Savepoint sp(d);
  IDSYNC_RETURN_IF_ERROR(sp.begin("write the sync rules"));
  IDSYNC_RETURN_IF_ERROR(d.exec(kClearRules, "write the sync rules"));
  for (size_t i = 0; i < rules.size(); ++i) {
    Stmt st;
    IDSYNC_RETURN_IF_ERROR(d.prepare(kInsertRule, st));
    st.bind(1, rules[i].id);
    st.bind(2, static_cast<int64_t>(i));
    st.bind(3, rules[i].json);
    int rc = st.step();
    if ((rc & 0xff) == SQLITE_CONSTRAINT) {
      return Status::Error(ErrorCode::kInvalidArgument,
                           d.prefix() + "cannot write the sync rules: two rules have the id " + rules[i].id);
    }
    if (rc != SQLITE_DONE) return d.fail("write sync rule " + rules[i].id, rc);
  }
  return sp.release("write the sync rules");
}

// ---- connector space -----------------------------------------------------------------------

Status Store::load_cs(ConnectorId connector, const std::function<Status(CsObject&&)>& sink) {
  // Rows are read here a chunk at a time, their bodies decoded on oneTBB tasks (the
  // allocation-heavy part of a load), then handed to the sink in id order on this thread: the
  // sink sees exactly the sequence, and a damaged row exactly the error, of a row-by-row scan.
  constexpr size_t kDecodeChunk = 1024;
  struct Row {
    CsObject object;
    int64_t state = 0;
    std::string body;
    std::unique_ptr<StoredChunks> chunks;  // layout 2 rows only
    uint64_t key = 0;                      // Impl::cs_keys
    Status status = Status::Ok();
  };
  Impl& d = *impl_;
  IDSYNC_RETURN_IF_ERROR(d.ensure_current());
  Stmt st;
  IDSYNC_RETURN_IF_ERROR(d.prepare(kLoadCs, st));
  st.bind(1, static_cast<int64_t>(connector));
  std::vector<Row> chunk;
  chunk.reserve(kDecodeChunk);
  int rc = SQLITE_ROW;
  while (rc == SQLITE_ROW) {
    chunk.clear();
    while (chunk.size() < kDecodeChunk && (rc = st.step()) == SQLITE_ROW) {
      Row& row = chunk.emplace_back();
      row.state = Impl::read_cs_columns(st, row.object);
      row.body.assign(st.blob(7));
      if (!st.is_null(8)) {
        row.chunks = std::make_unique<StoredChunks>();
        row.status = d.read_chunks(kCsChunks, row.object.id, st.blob(8), *row.chunks);
      }
    }
    tbb::parallel_for(tbb::blocked_range<size_t>(0, chunk.size(), 64), [&](const tbb::blocked_range<size_t>& r) {
      for (size_t i = r.begin(); i != r.end(); ++i) {
        Row& row = chunk[i];
        if (!row.status.ok()) continue;
        row.status = d.finish_cs(row.state, row.body, row.chunks.get(), row.object);
        row.key = Impl::cs_read_key(row.object);
        row.body = std::string();  // free it now rather than with the chunk
        row.chunks.reset();
      }
    });
    for (Row& row : chunk) {
      IDSYNC_RETURN_IF_ERROR(row.status);
      d.remember_cs(row.object, row.key);
      IDSYNC_RETURN_IF_ERROR(sink(std::move(row.object)));
    }
  }
  if (rc != SQLITE_DONE) return d.fail("read the connector space of connector " + std::to_string(connector), rc);
  return Status::Ok();
}

namespace {

// How many objects one encoding task prepares while the writer writes the previous chunk.
constexpr size_t kEncodeChunk = 4096;

struct EncodedRow {
  EncodedBody body;
  std::string dn_norm;  // connector space rows only
};

// Encodes objects[begin, end) into `out` in parallel, then calls write(object, row) for each
// object in order on this thread, while the next chunk is encoded on the others.
template <typename T, typename Encode, typename Write>
Status write_pipelined(const std::vector<const T*>& objects, Encode encode, Write write) {
  auto encode_chunk = [&](size_t begin, size_t end, std::vector<EncodedRow>& out) {
    out.resize(end - begin);
    tbb::parallel_for(tbb::blocked_range<size_t>(begin, end, 256), [&](const tbb::blocked_range<size_t>& r) {
      for (size_t i = r.begin(); i != r.end(); ++i) encode(*objects[i], out[i - begin]);
    });
  };
  const size_t n = objects.size();
  std::vector<EncodedRow> ready, next;
  if (n > 0) encode_chunk(0, std::min(n, kEncodeChunk), ready);
  for (size_t begin = 0; begin < n; begin += kEncodeChunk) {
    const size_t end = std::min(n, begin + kEncodeChunk);
    tbb::task_group encoding;
    if (end < n) encoding.run([&] { encode_chunk(end, std::min(n, end + kEncodeChunk), next); });
    Status s = Status::Ok();
    for (size_t i = begin; i < end && s.ok(); ++i) s = write(*objects[i], ready[i - begin]);
    encoding.wait();  // before returning, even on an error: the task uses this frame
    IDSYNC_RETURN_IF_ERROR(s);
    std::swap(ready, next);
  }
  return Status::Ok();
}

}  // namespace

Status Store::put_cs(const CsObject& o) {
  Impl& d = *impl_;
  IDSYNC_RETURN_IF_ERROR(d.ensure_chunk_index());
  EncodedBody body;
  encode_cs_body_chunked(o, body, d.held_chunks(kCsChunks, o.id));
  normalize_dn(o.dn, d.dn_norm);
  return d.write_cs(o, body, d.dn_norm);
}

Status Store::put_cs_many(const std::vector<const CsObject*>& objects) {
  auto held = impl_->held_snapshot(kCsChunks, objects);
  if (!held.ok()) return held.status();
  IDSYNC_RETURN_IF_ERROR(impl_->begin_big_write(objects.size()));
  return write_pipelined(
      objects,
      [&](const CsObject& o, EncodedRow& row) {
        auto it = held->find(o.id);
        encode_cs_body_chunked(o, row.body, it != held->end() ? &it->second : nullptr);
        normalize_dn(o.dn, row.dn_norm);
      },
      [&](const CsObject& o, const EncodedRow& row) { return impl_->write_cs(o, row.body, row.dn_norm); });
}

Status Store::Impl::write_cs(const CsObject& o, const EncodedBody& encoded, std::string_view norm) {
  Impl& d = *this;
  IDSYNC_RETURN_IF_ERROR(d.ensure_chunk_index());
  EncodedBody full;
  if (!d.still_held(kCsChunks, o.id, encoded)) encode_cs_body_chunked(o, full, nullptr);
  const EncodedBody& body = full.body.empty() ? encoded : full;
  ++d.writes;
  if (o.id == 0) {
    return Status::Error(ErrorCode::kInvalidArgument,
                         d.prefix() + "cannot write connector space object '" + o.dn + "': it has no id");
  }
  IDSYNC_RETURN_IF_ERROR(d.ensure_current());
  const uint64_t key = Impl::cs_key(o, norm, d.key_scratch);
  const bool same_key = o.id < d.cs_keys.size() && d.cs_keys[o.id] == key;
  const std::string refs = body.chunked() ? pack_chunk_refs(body.chunks) : std::string();
  auto write = [&](StmtId id) -> Status {
    Stmt st;
    IDSYNC_RETURN_IF_ERROR(d.prepare(id, st));
    st.bind(1, as_sql(o.id));
    if (id == kPutCs) {
      st.bind(2, static_cast<int64_t>(o.connector));
      st.bind_blob(3, o.anchor);
      st.bind(5, norm);
      st.bind(8, as_sql(o.mv));
    }
    st.bind(4, o.dn);
    st.bind(6, o.object_type);
    st.bind(7, static_cast<int64_t>(o.state));
    st.bind(9, static_cast<int64_t>(o.pending_import));
    st.bind(10, static_cast<int64_t>(o.pending_export.kind));
    st.bind_blob(11, body.body);
    if (body.chunked()) {
      st.bind_blob(12, refs);
    } else {
      st.bind_null(12);
    }
    int rc = st.step();
    if (rc != SQLITE_DONE) return d.fail("write connector space object " + std::to_string(o.id), rc);
    return Status::Ok();
  };
  IDSYNC_RETURN_IF_ERROR(write(same_key ? kUpdateCsRow : kPutCs));
  if (same_key && sqlite3_changes(d.db) != 1) {
    IDSYNC_RETURN_IF_ERROR(write(kPutCs));  // the row is gone after all: insert it
  }
  if (same_key) ++d.stats.rows_without_index_changes;
  d.remember_cs(o, key);
  ++d.stats.rows;
  d.stats.body_bytes += body.body.size();
  return d.write_chunks(kCsChunks, o.id, body.chunks);
}

Status Store::delete_cs(CsId id) {
  Impl& d = *impl_;
  ++d.writes;
  Stmt st;
  IDSYNC_RETURN_IF_ERROR(d.prepare(kDeleteCs, st));
  st.bind(1, as_sql(id));
  int rc = st.step();
  if (rc != SQLITE_DONE) return d.fail("delete connector space object " + std::to_string(id), rc);
  if (id < d.cs_keys.size()) d.cs_keys[id] = 0;
  return d.delete_row_chunks(kCsChunks, id);
}

Result<std::optional<CsObject>> Store::find_cs_by_dn(ConnectorId connector, const std::string& dn) {
  Impl& d = *impl_;
  std::string norm;
  normalize_dn(dn, norm);
  Stmt st;
  IDSYNC_RETURN_IF_ERROR(d.ensure_current());
  IDSYNC_RETURN_IF_ERROR(d.prepare(kFindCsByDn, st));
  st.bind(1, static_cast<int64_t>(connector));
  st.bind(2, norm);
  int rc = st.step();
  if (rc == SQLITE_DONE) return std::optional<CsObject>();
  if (rc != SQLITE_ROW) {
    return d.fail("look up '" + dn + "' in the connector space of connector " + std::to_string(connector), rc);
  }
  CsObject o;
  IDSYNC_RETURN_IF_ERROR(d.read_cs(st, o));
  return std::optional<CsObject>(std::move(o));
}

Result<std::optional<CsObject>> Store::find_cs_by_id(CsId id) {
  Impl& d = *impl_;
  Stmt st;
  IDSYNC_RETURN_IF_ERROR(d.ensure_current());
  IDSYNC_RETURN_IF_ERROR(d.prepare(kFindCsById, st));
  st.bind(1, as_sql(id));
  int rc = st.step();
  if (rc == SQLITE_DONE) return std::optional<CsObject>();
  if (rc != SQLITE_ROW) return d.fail("read connector space object " + std::to_string(id), rc);
  CsObject o;
  IDSYNC_RETURN_IF_ERROR(d.read_cs(st, o));
  return std::optional<CsObject>(std::move(o));
}

Result<std::optional<CsObject>> Store::find_cs_by_anchor(ConnectorId connector, const std::string& anchor) {
  Impl& d = *impl_;
  Stmt st;
  IDSYNC_RETURN_IF_ERROR(d.ensure_current());
  IDSYNC_RETURN_IF_ERROR(d.prepare(kFindCsByAnchor, st));
  st.bind(1, static_cast<int64_t>(connector));
  st.bind_blob(2, anchor);
  int rc = st.step();
  if (rc == SQLITE_DONE) return std::optional<CsObject>();
  if (rc != SQLITE_ROW) return d.fail("look up an anchor in the connector space of connector " + std::to_string(connector), rc);
  CsObject o;
  IDSYNC_RETURN_IF_ERROR(d.read_cs(st, o));
  return std::optional<CsObject>(std::move(o));
}

Result<std::vector<CsObject>> Store::find_cs_by_mv(MvId mv) {
  Impl& d = *impl_;
  Stmt st;
  IDSYNC_RETURN_IF_ERROR(d.ensure_current());
  IDSYNC_RETURN_IF_ERROR(d.prepare(kFindCsByMv, st));
  st.bind(1, as_sql(mv));
  std::vector<CsObject> out;
  int rc;
  while ((rc = st.step()) == SQLITE_ROW) {
    CsObject o;
    IDSYNC_RETURN_IF_ERROR(d.read_cs(st, o));
    out.push_back(std::move(o));
  }
  if (rc != SQLITE_DONE) return d.fail("read the connector space objects joined to metaverse object " + std::to_string(mv), rc);
  return out;
}

Result<CsCounts> Store::count_cs(ConnectorId connector) {
  Impl& d = *impl_;
  Stmt st;
  IDSYNC_RETURN_IF_ERROR(d.prepare(kCountCs, st));
  st.bind(1, static_cast<int64_t>(connector));
  int rc = st.step();
  if (rc != SQLITE_ROW) return d.fail("count the connector space of connector " + std::to_string(connector), rc);
  CsCounts c;
  c.objects = st.int64(0);
  c.pending_imports = st.int64(1);
  c.pending_exports = st.int64(2);
  c.pending_export_deletes = st.int64(3);
  c.disconnectors = st.int64(4);
  return c;
}

// ---- metaverse -----------------------------------------------------------------------------

Status Store::load_mv(const std::function<Status(MvObject&&)>& sink) {
  Impl& d = *impl_;
  Stmt st;
  IDSYNC_RETURN_IF_ERROR(d.prepare(kLoadMv, st));
  int rc;
  while ((rc = st.step()) == SQLITE_ROW) {
    MvObject o;
    IDSYNC_RETURN_IF_ERROR(d.read_mv(st, o));
    IDSYNC_RETURN_IF_ERROR(sink(std::move(o)));
  }
  if (rc != SQLITE_DONE) return d.fail("read the metaverse", rc);
  return Status::Ok();
}

Status Store::put_mv(const MvObject& o) {
  IDSYNC_RETURN_IF_ERROR(impl_->ensure_chunk_index());
  EncodedBody body;
  encode_mv_body_chunked(o.attributes, body, impl_->held_chunks(kMvChunks, o.id));
  return impl_->write_mv(o, body);
}

Status Store::put_mv_many(const std::vector<const MvObject*>& objects) {
  auto held = impl_->held_snapshot(kMvChunks, objects);
  if (!held.ok()) return held.status();
  IDSYNC_RETURN_IF_ERROR(impl_->begin_big_write(objects.size()));
  return write_pipelined(
      objects,
      [&](const MvObject& o, EncodedRow& row) {
        auto it = held->find(o.id);
        encode_mv_body_chunked(o.attributes, row.body, it != held->end() ? &it->second : nullptr);
      },
      [&](const MvObject& o, const EncodedRow& row) { return impl_->write_mv(o, row.body); });
}

Status Store::Impl::write_mv(const MvObject& o, const EncodedBody& encoded) {
  Impl& d = *this;
  IDSYNC_RETURN_IF_ERROR(d.ensure_chunk_index());
  EncodedBody full;
  if (!d.still_held(kMvChunks, o.id, encoded)) encode_mv_body_chunked(o.attributes, full, nullptr);
  const EncodedBody& body = full.body.empty() ? encoded : full;
  ++d.writes;
  if (o.id == 0) {
    return Status::Error(ErrorCode::kInvalidArgument, d.prefix() + "cannot write a metaverse object without an id");
  }
  Stmt st;
  IDSYNC_RETURN_IF_ERROR(d.prepare(kPutMv, st));
  st.bind(1, as_sql(o.id));
  st.bind(2, o.object_type);
  st.bind_blob(3, body.body);
  std::string refs;
  if (body.chunked()) {
    refs = pack_chunk_refs(body.chunks);
    st.bind_blob(4, refs);
  } else {
    st.bind_null(4);
  }
  int rc = st.step();
  if (rc != SQLITE_DONE) return d.fail("write metaverse object " + std::to_string(o.id), rc);
  ++d.stats.rows;
  d.stats.body_bytes += body.body.size();
  return d.write_chunks(kMvChunks, o.id, body.chunks);
}

Status Store::delete_mv(MvId id) {
  Impl& d = *impl_;
  ++d.writes;
  Stmt st;
  IDSYNC_RETURN_IF_ERROR(d.prepare(kDeleteMv, st));
  st.bind(1, as_sql(id));
  int rc = st.step();
  if (rc != SQLITE_DONE) return d.fail("delete metaverse object " + std::to_string(id), rc);
  return d.delete_row_chunks(kMvChunks, id);
}

Result<std::optional<MvObject>> Store::find_mv(MvId id) {
  Impl& d = *impl_;
  Stmt st;
  IDSYNC_RETURN_IF_ERROR(d.prepare(kFindMv, st));
  st.bind(1, as_sql(id));
  int rc = st.step();
  if (rc == SQLITE_DONE) return std::optional<MvObject>();
  if (rc != SQLITE_ROW) return d.fail("read metaverse object " + std::to_string(id), rc);
  MvObject o;
  IDSYNC_RETURN_IF_ERROR(d.read_mv(st, o));
  return std::optional<MvObject>(std::move(o));
}

// ---- value chunks --------------------------------------------------------------------------

Status Store::Impl::ensure_current() {
  if (memory_valid && memory_checked) return Status::Ok();
  int64_t version = 0;
  {
    Stmt st;
    IDSYNC_RETURN_IF_ERROR(prepare(kDataVersion, st));
    int rc = st.step();
    if (rc != SQLITE_ROW) return fail("read the data version", rc);
    version = st.int64(0);
  }
  if (!memory_valid || version != memory_version) {
    chunk_index.clear();
    chunk_index_loaded = false;
    cs_keys.clear();
  }
  memory_valid = true;
  memory_version = version;
  memory_checked = sqlite3_get_autocommit(db) == 0;
  return Status::Ok();
}

Status Store::Impl::ensure_chunk_index() {
  IDSYNC_RETURN_IF_ERROR(ensure_current());
  if (!chunk_index_loaded) {
    int rc;
    Stmt st;
    IDSYNC_RETURN_IF_ERROR(prepare(kLoadChunkIndex, st));
    while ((rc = st.step()) == SQLITE_ROW) {
      chunk_index[chunk_row_key(static_cast<int>(st.int64(0)), static_cast<uint64_t>(st.int64(1)))].push_back(
          static_cast<uint64_t>(st.int64(2)));
    }
    if (rc != SQLITE_DONE) return fail("read the value chunk index", rc);
    for (auto& [key, hashes] : chunk_index) std::sort(hashes.begin(), hashes.end());
    chunk_index_loaded = true;
  }
  return Status::Ok();
}

Status Store::Impl::write_chunks(int kind, uint64_t id, const std::vector<ValueChunk>& chunks) {
  IDSYNC_RETURN_IF_ERROR(ensure_chunk_index());
  const uint64_t key = chunk_row_key(kind, id);
  auto it = chunk_index.find(key);
  if (it == chunk_index.end() && chunks.empty()) return Status::Ok();  // ordinary rows stop here
  static const std::vector<uint64_t> kNone;
  const std::vector<uint64_t>& held = it != chunk_index.end() ? it->second : kNone;
  std::vector<uint64_t> wanted;
  wanted.reserve(chunks.size());
  for (const ValueChunk& c : chunks) {
    wanted.push_back(c.hash);
    if (std::binary_search(held.begin(), held.end(), c.hash)) continue;
    Stmt st;
    IDSYNC_RETURN_IF_ERROR(prepare(kInsertChunk, st));
    st.bind(1, static_cast<int64_t>(kind));
    st.bind(2, as_sql(id));
    st.bind(3, static_cast<int64_t>(c.hash));
    st.bind_blob(4, c.data);
    int rc = st.step();
    if (rc != SQLITE_DONE) return fail("write a value chunk of " + row_name(kind, id), rc);
    ++stats.chunks_written;
    stats.chunk_bytes_written += c.data.size();
  }
  std::sort(wanted.begin(), wanted.end());
  for (uint64_t hash : held) {
    if (std::binary_search(wanted.begin(), wanted.end(), hash)) continue;
    Stmt st;
    IDSYNC_RETURN_IF_ERROR(prepare(kDeleteChunk, st));
    st.bind(1, static_cast<int64_t>(kind));
    st.bind(2, as_sql(id));
    st.bind(3, static_cast<int64_t>(hash));
    int rc = st.step();
    if (rc != SQLITE_DONE) return fail("delete a value chunk of " + row_name(kind, id), rc);
    ++stats.chunks_deleted;
  }
  if (wanted.empty()) {
    chunk_index.erase(key);
  } else {
    chunk_index[key] = std::move(wanted);
  }
  return Status::Ok();
}

Status Store::Impl::delete_row_chunks(int kind, uint64_t id) {
  IDSYNC_RETURN_IF_ERROR(ensure_chunk_index());
  auto it = chunk_index.find(chunk_row_key(kind, id));
  if (it == chunk_index.end()) return Status::Ok();
  Stmt st;
  IDSYNC_RETURN_IF_ERROR(prepare(kDeleteRowChunks, st));
  st.bind(1, static_cast<int64_t>(kind));
  st.bind(2, as_sql(id));
  int rc = st.step();
  if (rc != SQLITE_DONE) return fail("delete the value chunks of " + row_name(kind, id), rc);
  stats.chunks_deleted += static_cast<uint64_t>(sqlite3_changes(db));
  chunk_index.erase(it);
  return Status::Ok();
}

Status Store::Impl::read_chunks(int kind, uint64_t id, std::string_view refs, StoredChunks& out) {
  if (!unpack_chunk_refs(refs, out.refs)) {
    return Status::Error(ErrorCode::kStoreError, prefix() + row_name(kind, id) +
                                                     ": its list of value chunks is damaged; restore the store "
                                                     "from a backup or rebuild it with an Initial cycle");
  }
  out.data.clear();
  Stmt st;
  IDSYNC_RETURN_IF_ERROR(prepare(kReadChunks, st));
  st.bind(1, static_cast<int64_t>(kind));
  st.bind(2, as_sql(id));
  int rc;
  while ((rc = st.step()) == SQLITE_ROW) {
    out.data.emplace_back(static_cast<uint64_t>(st.int64(0)), std::string(st.blob(1)));
  }
  if (rc != SQLITE_DONE) return fail("read the value chunks of " + row_name(kind, id), rc);
  std::sort(out.data.begin(), out.data.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  return Status::Ok();
}

Result<ValueChunkReport> Store::check_value_chunks(size_t max_findings) {
  Impl& d = *impl_;
  ValueChunkReport report;
  auto add = [&](std::string finding) {
    if (report.findings.size() < max_findings) report.findings.push_back(std::move(finding));
  };
  // Every chunk referred to, with the name of the object referring to it.
  struct Owner {
    std::string name;
    std::unordered_set<uint64_t> refs;
    std::unordered_set<uint64_t> found;
  };
  std::unordered_map<uint64_t, Owner> owners;  // by chunk_row_key
  auto note_refs = [&](int kind, uint64_t id, std::string_view packed, std::string name) {
    std::vector<uint64_t> refs;
    Owner& owner = owners[chunk_row_key(kind, id)];
    owner.name = std::move(name);
    if (!unpack_chunk_refs(packed, refs)) {
      add(owner.name + " has a damaged list of value chunks");
      report.unreadable = true;
    }
    owner.refs.insert(refs.begin(), refs.end());
  };
  int rc;
  {
    Stmt st;
    IDSYNC_RETURN_IF_ERROR(d.prepare(kCheckCsRefs, st));
    while ((rc = st.step()) == SQLITE_ROW) {
      const auto id = static_cast<uint64_t>(st.int64(0));
      note_refs(kCsChunks, id, st.blob(3),
                "connector space object '" + st.text(2) + "' (cs id " + std::to_string(id) + ", connector " +
                    std::to_string(st.int64(1)) + ")");
    }
    if (rc != SQLITE_DONE) return d.fail("read the value chunk lists of the connector spaces", rc);
  }
  {
    Stmt st;
    IDSYNC_RETURN_IF_ERROR(d.prepare(kCheckMvRefs, st));
    while ((rc = st.step()) == SQLITE_ROW) {
      const auto id = static_cast<uint64_t>(st.int64(0));
      note_refs(kMvChunks, id, st.blob(1), "metaverse object " + std::to_string(id));
    }
    if (rc != SQLITE_DONE) return d.fail("read the value chunk lists of the metaverse", rc);
  }
  {
    Stmt st;
    IDSYNC_RETURN_IF_ERROR(d.prepare(kCheckChunks, st));
    while ((rc = st.step()) == SQLITE_ROW) {
      ++report.chunks;
      const int kind = static_cast<int>(st.int64(0));
      const auto id = static_cast<uint64_t>(st.int64(1));
      const auto hash = static_cast<uint64_t>(st.int64(2));
      char hex[17];
      std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(hash));
      auto it = owners.find(chunk_row_key(kind, id));
      if (it == owners.end() || it->second.refs.count(hash) == 0) {
        add(std::string("value chunk ") + hex + " belongs to " + d.row_name(kind, id) +
            (it == owners.end() ? ", which does not exist or has no chunks" : ", which does not refer to it") +
            " (orphan chunk)");
        continue;
      }
      it->second.found.insert(hash);
      if (value_chunk_hash(st.blob(3)) != hash) {
        add(it->second.name + " has a damaged value chunk " + hex + " (its bytes do not match its hash)");
        report.unreadable = true;
      }
    }
    if (rc != SQLITE_DONE) return d.fail("read the value chunks", rc);
  }
  for (const auto& [key, owner] : owners) {
    for (uint64_t hash : owner.refs) {
      if (owner.found.count(hash) != 0) continue;
      char hex[17];
      std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(hash));
      add(owner.name + " is missing its value chunk " + hex);
      report.unreadable = true;
    }
  }
  return report;
}

const StoreWriteStats& Store::write_stats() const { return impl_->stats; }

void Store::reset_write_stats() { impl_->stats = StoreWriteStats{}; }

// ---- run history ---------------------------------------------------------------------------

Result<int64_t> Store::append_run(RunRow& row) {
  Impl& d = *impl_;
  const std::string what = "record run of " + row.run_profile + " on '" + row.connector + "'";
  // Run numbers continue after a purge: the last number handed out per connector is kept in
  // the sequences table as well.
  const std::string sequence = "run_number:" + row.connector;
  Savepoint sp(d);
  IDSYNC_RETURN_IF_ERROR(sp.begin(what));
  int64_t number = row.run_number;
  if (number == 0) {
    int64_t max_in_runs = 0, next_in_sequence = 1;
    {
      Stmt st;
      IDSYNC_RETURN_IF_ERROR(d.prepare(kMaxRunNumber, st));
      st.bind(1, row.connector);
      int rc = st.step();
      if (rc != SQLITE_ROW) return d.fail(what, rc);
      max_in_runs = st.int64(0);
    }
    {
      Stmt st;
      IDSYNC_RETURN_IF_ERROR(d.prepare(kGetSequence, st));
      st.bind(1, sequence);
      int rc = st.step();
      if (rc == SQLITE_ROW) {
        next_in_sequence = st.int64(0);
      } else if (rc != SQLITE_DONE) {
        return d.fail(what, rc);
      }
    }
    number = std::max(max_in_runs + 1, next_in_sequence);
  }
  {
    Stmt st;
    IDSYNC_RETURN_IF_ERROR(d.prepare(kRaiseSequence, st));
    st.bind(1, sequence);
    st.bind(2, number + 1);
    int rc = st.step();
    if (rc != SQLITE_DONE) return d.fail(what, rc);
  }
  int64_t run_id = 0;
  {
    Stmt st;
    IDSYNC_RETURN_IF_ERROR(d.prepare(kInsertRun, st));
    if (row.run_id != 0) {
      st.bind(1, row.run_id);
    } else {
      st.bind_null(1);  // SQLite assigns the id
    }
    st.bind(2, row.connector);
    st.bind(3, row.run_profile);
    st.bind(4, number);
    st.bind(5, row.result);
    st.bind(6, row.start_time);
    st.bind(7, row.end_time);
    st.bind(8, row.json);
    int rc = st.step();
    if (rc != SQLITE_DONE) return d.fail(what, rc);
    run_id = sqlite3_last_insert_rowid(d.db);
  }
  IDSYNC_RETURN_IF_ERROR(sp.release(what));
  row.run_id = run_id;
  row.run_number = number;
  return run_id;
}

Result<std::vector<RunRow>> Store::query_runs(const RunQuery& query) {
  Impl& d = *impl_;
  Stmt st;
  IDSYNC_RETURN_IF_ERROR(d.prepare(kQueryRuns, st));
  st.bind(1, query.connector);
  st.bind(2, query.result);
  st.bind(3, query.run_id);
  st.bind(4, query.limit > 0 ? query.limit : int64_t{-1});
  std::vector<RunRow> rows;
  int rc;
  while ((rc = st.step()) == SQLITE_ROW) {
    RunRow r;
    r.run_id = st.int64(0);
    r.connector = st.text(1);
    r.run_profile = st.text(2);
    r.run_number = st.int64(3);
    r.result = st.text(4);
    r.start_time = st.int64(5);
    r.end_time = st.int64(6);
    r.json = st.text(7);
    rows.push_back(std::move(r));
  }
  if (rc != SQLITE_DONE) return d.fail("read the run history", rc);
  return rows;
}

Result<int64_t> Store::purge_runs_before(int64_t unix_ms) {
  Impl& d = *impl_;
  Stmt st;
  IDSYNC_RETURN_IF_ERROR(d.prepare(kPurgeRuns, st));
  st.bind(1, unix_ms);
  int rc = st.step();
  if (rc != SQLITE_DONE) return d.fail("purge the run history", rc);
  return static_cast<int64_t>(sqlite3_changes(d.db));
}

// ---- sequences -----------------------------------------------------------------------------

Result<uint64_t> Store::next_id(const std::string& sequence, uint64_t count) {
  Impl& d = *impl_;
  if (count == 0 || count > static_cast<uint64_t>(std::numeric_limits<int32_t>::max())) {
    return Status::Error(ErrorCode::kInvalidArgument, d.prefix() + "cannot allocate " + std::to_string(count) +
                                                          " ids from sequence '" + sequence + "'");
  }
  Stmt st;
  IDSYNC_RETURN_IF_ERROR(d.prepare(kNextId, st));
  st.bind(1, sequence);
  st.bind(2, static_cast<int64_t>(count));
  int rc = st.step();
  if (rc != SQLITE_ROW) return d.fail("allocate ids from sequence '" + sequence + "'", rc);
  int64_t next = st.int64(0);
  rc = st.step();
  if (rc != SQLITE_DONE) return d.fail("allocate ids from sequence '" + sequence + "'", rc);
  return static_cast<uint64_t>(next) - count;
}

// ---- integrity -----------------------------------------------------------------------------

Status Store::check_integrity() {
  Impl& d = *impl_;
  sqlite3_stmt* s = nullptr;
  int rc = sqlite3_prepare_v2(d.db, "PRAGMA integrity_check(20)", -1, &s, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(s);
    return d.fail("check the store's integrity", rc);
  }
  std::vector<std::string> findings;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
    findings.emplace_back(p != nullptr ? p : "");
  }
  Status failed = rc != SQLITE_DONE ? d.fail("check the store's integrity", rc) : Status::Ok();
  sqlite3_finalize(s);
  IDSYNC_RETURN_IF_ERROR(failed);
  if (findings.size() == 1 && findings[0] == "ok") return Status::Ok();
  std::string message = d.prefix() + "the integrity check found problems: ";
  for (size_t i = 0; i < findings.size(); ++i) {
    if (i > 0) message += "; ";
    message += findings[i];
  }
  message += ". Restore the store from a backup";
  return Status::Error(ErrorCode::kStoreError, std::move(message));
}

}  // namespace idsync
