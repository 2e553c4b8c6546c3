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
#include <atomic>
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
#include "store/store_impl.h"

namespace idsync {

namespace store_detail {

namespace {
std::atomic<KeyHashFunction> g_key_hash_override{nullptr};

template <bool kDn>
void sql_key_hash(sqlite3_context* ctx, int /*argc*/, sqlite3_value** argv) {
  const auto* p = static_cast<const char*>(sqlite3_value_blob(argv[0]));
  std::string_view bytes(p != nullptr ? p : "", static_cast<size_t>(sqlite3_value_bytes(argv[0])));
  if constexpr (kDn) {
    std::string norm;
    normalize_dn(bytes, norm);
    sqlite3_result_int64(ctx, key_hash(norm));
  } else {
    sqlite3_result_int64(ctx, key_hash(bytes));
  }
}
}  // namespace

int64_t key_hash(std::string_view bytes) {
  KeyHashFunction fn = g_key_hash_override.load(std::memory_order_relaxed);
  return static_cast<int64_t>(fn != nullptr ? fn(bytes) : value_chunk_hash(bytes));
}

void set_key_hash_for_testing(KeyHashFunction fn) { g_key_hash_override.store(fn); }

int register_key_functions(sqlite3* db) {
  constexpr int kFlags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_DIRECTONLY;
  int rc = sqlite3_create_function_v2(db, "idsync_dn_hash", 1, kFlags, nullptr, &sql_key_hash<true>, nullptr, nullptr,
                                      nullptr);
  if (rc == SQLITE_OK) {
    rc = sqlite3_create_function_v2(db, "idsync_anchor_hash", 1, kFlags, nullptr, &sql_key_hash<false>, nullptr,
                                    nullptr, nullptr);
  }
  return rc;
}

}  // namespace store_detail

using namespace store_detail;

namespace {

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
  rc = single_int(d.db, "PRAGMA page_size", d.page_size);
  if (rc != SQLITE_OK) {
    s = d.fail("read the page size", rc);
    cleanup_created();
    return s;
  }
  if (!read_only) {
    // Replaces SQLite's automatic checkpoint (wal_hook and wal_autocheckpoint share one slot).
    d.checkpointer = std::make_unique<WalCheckpointer>(path);
    sqlite3_wal_hook(d.db, &Impl::on_wal_commit, &d);
  }
  if (state.fresh || state.schema_version < kSchemaVersion) {
    if (read_only) {
      return Status::Error(ErrorCode::kStoreError,
                           "store " + path + " has schema " + std::to_string(state.schema_version) +
                               " and needs an upgrade to schema " + std::to_string(kSchemaVersion) +
                               "; open it once without read-only (any idsync command that changes it) to upgrade");
    }
    rc = register_key_functions(d.db);
    if (rc != SQLITE_OK) {
      s = d.fail("register the key hash functions for the schema upgrade", rc);
      cleanup_created();
      return s;
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
  d.bound_wal();
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
  // Its objects' links go with them, unseen by the sync state's saved link-check notes.
  IDSYNC_RETURN_IF_ERROR(put_setting(kLinkChecksSetting, ""));
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

namespace {

// How many rows one decoding task handles while this thread reads the next ones.
constexpr size_t kDecodeChunk = 1024;

// Reads rows with read(Row&) on this thread a chunk at a time (false: no more rows), decodes
// each with decode(Row&) on oneTBB tasks, and hands them to deliver(Row&) in order on this
// thread. Reading chunk k+1 and delivering chunk k-1 overlap the decoding of chunk k (on 2
// cores, this thread's SQLite and sink work runs beside the allocation-heavy decoding, not
// after it). The sink sees exactly the sequence, and a damaged row exactly the error, of a
// row-by-row scan: deliver stops at the first failure.
template <typename Row, typename Read, typename Decode, typename Deliver>
Status read_pipelined(Read read, Decode decode, Deliver deliver) {
  auto decode_chunk = [&](std::vector<Row>& rows) {
    tbb::parallel_for(tbb::blocked_range<size_t>(0, rows.size(), 64), [&](const tbb::blocked_range<size_t>& r) {
      for (size_t i = r.begin(); i != r.end(); ++i) decode(rows[i]);
    });
  };
  std::vector<Row> decoding, ready;
  bool more = true;
  Status read_error = Status::Ok();  // reported after the rows read before it are delivered
  auto fill = [&](std::vector<Row>& rows) {
    rows.clear();
    while (more && rows.size() < kDecodeChunk) {
      Row& row = rows.emplace_back();
      Result<bool> got = read(row);
      if (!got.ok() || !*got) {
        if (!got.ok()) read_error = got.status();
        rows.pop_back();
        more = false;
      }
    }
  };
  decoding.reserve(kDecodeChunk);
  ready.reserve(kDecodeChunk);
  fill(decoding);
  while (!decoding.empty()) {
    Status s = Status::Ok();
    {
      tbb::task_group group;
      group.run([&] { decode_chunk(decoding); });
      for (Row& row : ready) {
        s = deliver(row);
        if (!s.ok()) break;
      }
      if (s.ok()) fill(ready);  // the chunk after the one being decoded
      group.wait();  // before returning, even on an error: the task uses this frame
    }
    IDSYNC_RETURN_IF_ERROR(s);
    std::swap(ready, decoding);  // ready = decoded; decoding = the chunk just read
  }
  for (Row& row : ready) IDSYNC_RETURN_IF_ERROR(deliver(row));
  return read_error;
}

}  // namespace

Status Store::load_cs(ConnectorId connector, const std::function<Status(CsObject&&)>& sink) {
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
  return read_pipelined<Row>(
      [&](Row& row) -> Result<bool> {
        int rc = st.step();
        if (rc == SQLITE_DONE) return false;
        if (rc != SQLITE_ROW) return d.fail("read the connector space of connector " + std::to_string(connector), rc);
        row.state = Impl::read_cs_columns(st, row.object);
        row.body.assign(st.blob(7));
        if (!st.is_null(8)) {
          row.chunks = std::make_unique<StoredChunks>();
          row.status = d.read_chunks(kCsChunks, row.object.id, st.blob(8), *row.chunks);
        }
        return true;
      },
      [&](Row& row) {
        if (!row.status.ok()) return;
        row.status = d.finish_cs(row.state, row.body, row.chunks.get(), row.object);
        row.key = Impl::cs_read_key(row.object);
        row.body = std::string();  // free it now rather than with the chunk
        row.chunks.reset();
      },
      [&](Row& row) -> Status {
        IDSYNC_RETURN_IF_ERROR(row.status);
        d.remember_cs(row.object, row.key);
        return sink(std::move(row.object));
      });
}

namespace {

// How many objects one encoding task prepares while the writer writes the previous chunk.
constexpr size_t kEncodeChunk = 4096;

struct EncodedRow {
  EncodedBody body;
  CsRowKeys keys;  // connector space rows only
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
  return d.write_cs(o, body, cs_row_keys(o, d.dn_norm));
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
        thread_local std::string norm;
        row.keys = cs_row_keys(o, norm);
      },
      [&](const CsObject& o, const EncodedRow& row) { return impl_->write_cs(o, row.body, row.keys); });
}

Status Store::Impl::write_cs(const CsObject& o, const EncodedBody& encoded, const CsRowKeys& keys) {
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
  const uint64_t key = keys.fingerprint;
  const bool same_names = o.id < d.cs_keys.size() && d.cs_keys[o.id].names == key;
  const bool same_key = same_names && d.cs_keys[o.id].mv == o.mv;
  const StmtId update = same_key ? kUpdateCsRow : same_names ? kUpdateCsRowAndLink : kPutCs;
  const std::string refs = body.chunked() ? pack_chunk_refs(body.chunks) : std::string();
  auto write = [&](StmtId id) -> Status {
    Stmt st;
    IDSYNC_RETURN_IF_ERROR(d.prepare(id, st));
    st.bind(1, as_sql(o.id));
    if (id == kPutCs) {
      st.bind(2, static_cast<int64_t>(o.connector));
      st.bind_blob(3, o.anchor);
      st.bind(5, keys.dn_hash);
      st.bind(13, keys.anchor_hash);
    }
    if (id != kUpdateCsRow) st.bind(8, as_sql(o.mv));
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
  IDSYNC_RETURN_IF_ERROR(write(update));
  if (update != kPutCs && sqlite3_changes(d.db) != 1) {
    IDSYNC_RETURN_IF_ERROR(write(kPutCs));  // the row is gone after all: insert it
  }
  if (update == kUpdateCsRow) ++d.stats.rows_without_index_changes;
  if (update == kUpdateCsRowAndLink) ++d.stats.rows_with_only_link_changes;
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
  if (id < d.cs_keys.size()) d.cs_keys[id] = Impl::KnownCsKeys{};
  return d.delete_row_chunks(kCsChunks, id);
}

Result<std::optional<CsObject>> Store::find_cs_by_dn(ConnectorId connector, const std::string& dn) {
  Impl& d = *impl_;
  std::string norm, row_norm;
  normalize_dn(dn, norm);
  Stmt st;
  IDSYNC_RETURN_IF_ERROR(d.ensure_current());
  IDSYNC_RETURN_IF_ERROR(d.prepare(kFindCsByDn, st));
  st.bind(1, static_cast<int64_t>(connector));
  st.bind(2, key_hash(norm));
  return d.first_match(st, "look up '" + dn + "' in the connector space of connector " + std::to_string(connector),
                       [&](const Stmt& row) {
                         normalize_dn(row.text_view(3), row_norm);
                         return row_norm == norm;
                       });
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
  st.bind(2, key_hash(anchor));
  return d.first_match(st, "look up an anchor in the connector space of connector " + std::to_string(connector),
                       [&](const Stmt& row) { return row.blob(2) == anchor; });
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
  struct Row {
    MvObject object;
    std::string body;
    std::unique_ptr<StoredChunks> chunks;  // layout 2 rows only
    Status status = Status::Ok();
  };
  Impl& d = *impl_;
  Stmt st;
  IDSYNC_RETURN_IF_ERROR(d.prepare(kLoadMv, st));
  return read_pipelined<Row>(
      [&](Row& row) -> Result<bool> {
        int rc = st.step();
        if (rc == SQLITE_DONE) return false;
        if (rc != SQLITE_ROW) return d.fail("read the metaverse", rc);
        row.object.id = static_cast<MvId>(st.int64(0));
        row.object.object_type = st.text(1);
        row.body.assign(st.blob(2));
        if (!st.is_null(3)) {
          row.chunks = std::make_unique<StoredChunks>();
          row.status = d.read_chunks(kMvChunks, row.object.id, st.blob(3), *row.chunks);
        }
        return true;
      },
      [&](Row& row) {
        if (!row.status.ok()) return;
        row.status = d.finish_mv(row.body, row.chunks.get(), row.object);
        row.body = std::string();
        row.chunks.reset();
      },
      [&](Row& row) -> Status {
        IDSYNC_RETURN_IF_ERROR(row.status);
        return sink(std::move(row.object));
      });
}

Status Store::put_mv(const MvObject& o) {
  IDSYNC_RETURN_IF_ERROR(impl_->ensure_chunk_index());
  EncodedBody body;
  AttributeSet scratch;  // a cold set, thawed: the bytes are those of the plain set
  encode_mv_body_chunked(o.attributes.view(scratch), body, impl_->held_chunks(kMvChunks, o.id));
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
        AttributeSet scratch;  // a cold set is thawed here, on the encoding thread
        encode_mv_body_chunked(o.attributes.view(scratch), row.body, it != held->end() ? &it->second : nullptr);
      },
      [&](const MvObject& o, const EncodedRow& row) { return impl_->write_mv(o, row.body); });
}

Status Store::Impl::write_mv(const MvObject& o, const EncodedBody& encoded) {
  Impl& d = *this;
  IDSYNC_RETURN_IF_ERROR(d.ensure_chunk_index());
  EncodedBody full;
  if (!d.still_held(kMvChunks, o.id, encoded)) {
    AttributeSet scratch;
    encode_mv_body_chunked(o.attributes.view(scratch), full, nullptr);
  }
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

// ---- what this connection knows --------------------------------------------------------------------------

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

void Store::wait_for_checkpoint() {
  if (impl_->checkpointer != nullptr) impl_->checkpointer->wait_idle();
}

uint64_t Store::checkpoints_completed() const {
  return impl_->checkpointer != nullptr ? impl_->checkpointer->completed() : 0;
}

const StoreWriteStats& Store::write_stats() const {
  Impl& d = *impl_;
  const std::array<int, 3> now = d.page_counters();
  d.stats.pages_read = static_cast<uint64_t>(now[0] - d.page_counters_base[0]);
  d.stats.pages_written = static_cast<uint64_t>(now[1] - d.page_counters_base[1]);
  d.stats.pages_spilled = static_cast<uint64_t>(now[2] - d.page_counters_base[2]);
  d.stats.page_size = static_cast<uint64_t>(d.page_size);
  return d.stats;
}

void Store::reset_write_stats() {
  impl_->stats = StoreWriteStats{};
  impl_->page_counters_base = impl_->page_counters();
}

// ---- integrity -----------------------------------------------------------------------------

Result<std::vector<std::string>> Store::check_key_hashes(size_t max_findings) {
  Impl& d = *impl_;
  Stmt st;
  IDSYNC_RETURN_IF_ERROR(d.prepare(kCheckKeyHashes, st));
  std::vector<std::string> findings;
  std::string norm;
  int rc;
  while ((rc = st.step()) == SQLITE_ROW && findings.size() < max_findings) {
    normalize_dn(st.text_view(2), norm);
    const bool dn_ok = st.int64(4) == key_hash(norm);
    const bool anchor_ok = st.int64(5) == key_hash(st.blob(3));
    if (dn_ok && anchor_ok) continue;
    findings.push_back("connector space object " + std::to_string(st.int64(0)) + " ('" + st.text(2) +
                       "', connector " + std::to_string(st.int64(1)) + ") has a stale " +
                       (dn_ok ? "anchor" : anchor_ok ? "DN" : "DN and anchor") +
                       " hash: lookups by it miss the object");
  }
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) return d.fail("check the DN and anchor hashes", rc);
  return findings;
}

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
