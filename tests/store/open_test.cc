// Opening stores: creation, modes, schema versions and files that are not IdSync stores.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <fstream>
#include <string>

#include "store/store.h"
#include "store_test_util.h"

namespace idsync {
namespace {

using store_test::StoreTest;

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
}

TEST_F(StoreTest, NewStoreFileHasMode0600AndIsWal) {
  auto store = open_store();
  ASSERT_TRUE(store);
  EXPECT_EQ(store->path(), path_);
  ASSERT_TRUE(store->put_setting("x", "y").ok());
  struct stat st{};
  ASSERT_EQ(stat(path_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(stat((path_ + "-wal").c_str(), &st), 0) << "journal_mode=WAL expected";
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  ASSERT_TRUE(store->acquire_run_lock("test").ok());
  ASSERT_EQ(stat((path_ + ".lock").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(StoreTest, SchemaAndMarkersAreWritten) {
  { ASSERT_TRUE(open_store()); }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  auto single = [&](const char* sql) {
    sqlite3_stmt* s = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db, sql, -1, &s, nullptr), SQLITE_OK) << sql;
    std::string out;
    if (sqlite3_step(s) == SQLITE_ROW) out = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
    return out;
  };
  EXPECT_EQ(single("SELECT value FROM meta WHERE key = 'schema_version'"), std::to_string(kSchemaVersion));
  EXPECT_EQ(single("SELECT value FROM meta WHERE key = 'application'"), "idsync");
  EXPECT_NE(single("PRAGMA application_id"), "0");
  EXPECT_EQ(single("PRAGMA journal_mode"), "wal");
  for (const char* table : {"settings", "attributes", "connectors", "rules", "cs_objects", "mv_objects", "runs",
                            "sequences"}) {
    EXPECT_EQ(single((std::string("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = '") + table +
                      "'")
                         .c_str()),
              "1")
        << table;
  }
  EXPECT_EQ(single("SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'cs_objects'"), "3");  // DN hash, anchor hash, MV link
  sqlite3_close(db);
}

// New stores get 16 KiB pages (large objects rarely overflow; fewer WAL frames per full sync);
// a store created with SQLite's default 4 KiB pages keeps them and works as before.
TEST_F(StoreTest, NewStoresUseLargePagesAndOlderPageSizesStillOpen) {
  auto page_size = [](const std::string& path) {
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    sqlite3_stmt* s = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db, "PRAGMA page_size", -1, &s, nullptr), SQLITE_OK);
    int64_t size = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : -1;
    sqlite3_finalize(s);
    sqlite3_close(db);
    return size;
  };
  { ASSERT_TRUE(open_store()); }
  EXPECT_EQ(page_size(path_), 16384);

  const std::string old_path = path_ + ".4k";
  raw_exec(old_path, "PRAGMA page_size=4096; CREATE TABLE placeholder(x); DROP TABLE placeholder");
  ASSERT_EQ(page_size(old_path), 4096);
  // An empty SQLite file with a page size is not yet a store: make it one by the usual path
  // (open with create), which must not try to change the fixed page size.
  {
    auto r = Store::open(old_path, OpenMode::kCreateIfMissing);
    ASSERT_TRUE(r.ok()) << r.status().to_string();
    CsObject o;
    o.id = 7;
    o.connector = 1;
    o.dn = "CN=Old Page Size";
    ASSERT_TRUE((*r)->begin().ok());
    ASSERT_TRUE((*r)->put_cs(o).ok());
    ASSERT_TRUE((*r)->commit().ok());
  }
  auto again = Store::open(old_path, OpenMode::kMustExist);
  ASSERT_TRUE(again.ok()) << again.status().to_string();
  auto found = (*again)->find_cs_by_dn(1, "cn=old page size");
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->id, 7u);
  again->reset();
  EXPECT_EQ(page_size(old_path), 4096);
  for (const char* suffix : {"", "-wal", "-shm"}) std::remove((old_path + suffix).c_str());
}

TEST_F(StoreTest, NewerSchemaIsRefused) {
  { ASSERT_TRUE(open_store()); }
  raw_exec(path_, "UPDATE meta SET value = '" + std::to_string(kSchemaVersion + 1) + "' WHERE key = 'schema_version'");
  for (OpenMode mode : {OpenMode::kMustExist, OpenMode::kCreateIfMissing, OpenMode::kReadOnly}) {
    auto r = Store::open(path_, mode);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), ErrorCode::kStoreError);
    const std::string& m = r.status().message();
    EXPECT_TRUE(contains(m, "written by a newer IdSync (schema " + std::to_string(kSchemaVersion + 1) + ")")) << m;
    EXPECT_TRUE(contains(m, "upgrade IdSync")) << m;
    EXPECT_TRUE(contains(m, path_)) << m;
  }
}

TEST_F(StoreTest, ForeignSqliteFileIsRefused) {
  raw_exec(path_, "CREATE TABLE customers(id INTEGER PRIMARY KEY, name TEXT); INSERT INTO customers VALUES(1, 'x')");
  auto r = Store::open(path_, OpenMode::kCreateIfMissing);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kStoreError);
  EXPECT_TRUE(contains(r.status().message(), path_)) << r.status().message();
  EXPECT_TRUE(contains(r.status().message(), "not an IdSync store")) << r.status().message();
  EXPECT_TRUE(contains(r.status().message(), "--store")) << r.status().message();

  // The refused file is left untouched.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* s = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_schema", -1, &s, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(s), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(s, 0), 1);
  sqlite3_finalize(s);
  sqlite3_close(db);
}

TEST_F(StoreTest, SqliteFileWithOurIdButNoMarkerIsRefused) {
  raw_exec(path_, "PRAGMA application_id = 1229214553; CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT)");
  auto r = Store::open(path_, OpenMode::kMustExist);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kStoreError);
  EXPECT_TRUE(contains(r.status().message(), "not an IdSync store")) << r.status().message();
}

TEST_F(StoreTest, NonSqliteFilesAreRefused) {
  std::string big(8192, 'x');
  for (const std::string& content : {std::string("hello, this is not a database\n"), big}) {
    write_file(path_, content);
    for (OpenMode mode : {OpenMode::kCreateIfMissing, OpenMode::kMustExist, OpenMode::kReadOnly}) {
      auto r = Store::open(path_, mode);
      ASSERT_FALSE(r.ok());
      EXPECT_EQ(r.status().code(), ErrorCode::kStoreError);
      const std::string& m = r.status().message();
      EXPECT_TRUE(contains(m, path_)) << m;
      EXPECT_TRUE(contains(m, "not a SQLite database")) << m;
      EXPECT_TRUE(contains(m, "idsync store create")) << m;
    }
    // Not overwritten.
    std::ifstream in(path_, std::ios::binary);
    std::string back((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(back, content);
  }
}

TEST_F(StoreTest, MissingFileWithMustExistIsNotFound) {
  for (OpenMode mode : {OpenMode::kMustExist, OpenMode::kReadOnly}) {
    auto r = Store::open(path_, mode);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), ErrorCode::kNotFound);
    const std::string& m = r.status().message();
    EXPECT_TRUE(contains(m, path_)) << m;
    EXPECT_TRUE(contains(m, "idsync store create")) << m;
    EXPECT_TRUE(contains(m, "--store")) << m;
  }
  EXPECT_FALSE(std::filesystem::exists(path_));
}

TEST_F(StoreTest, EmptyFileIsInitializedOnlyWhenCreating) {
  write_file(path_, "");
  auto r = Store::open(path_, OpenMode::kMustExist);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kStoreError);
  EXPECT_TRUE(contains(r.status().message(), "idsync store create")) << r.status().message();
  ASSERT_TRUE(open_store(OpenMode::kCreateIfMissing));
  ASSERT_TRUE(open_store(OpenMode::kMustExist));
}

TEST_F(StoreTest, PathInMissingDirectoryIsAClearIoError) {
  std::string path = (dir_ / "no-such-dir" / "idsync.db").string();
  auto r = Store::open(path, OpenMode::kCreateIfMissing);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kIoError);
  EXPECT_TRUE(contains(r.status().message(), path)) << r.status().message();
  EXPECT_TRUE(contains(r.status().message(), "directory")) << r.status().message();

  auto must = Store::open(path, OpenMode::kMustExist);
  ASSERT_FALSE(must.ok());
  EXPECT_EQ(must.status().code(), ErrorCode::kNotFound);
  EXPECT_TRUE(contains(must.status().message(), path)) << must.status().message();
}

TEST_F(StoreTest, DirectoryAsPathIsAClearIoError) {
  for (OpenMode mode : {OpenMode::kCreateIfMissing, OpenMode::kMustExist, OpenMode::kReadOnly}) {
    auto r = Store::open(dir_.string(), mode);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), ErrorCode::kIoError);
    EXPECT_TRUE(contains(r.status().message(), dir_.string())) << r.status().message();
    EXPECT_TRUE(contains(r.status().message(), "is a directory")) << r.status().message();
  }
}

TEST_F(StoreTest, FileUnderANonDirectoryIsAClearError) {
  write_file(path_, "");
  std::string path = path_ + "/inner.db";  // ENOTDIR
  auto r = Store::open(path, OpenMode::kCreateIfMissing);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kIoError);
  EXPECT_TRUE(contains(r.status().message(), path)) << r.status().message();
}

TEST_F(StoreTest, EmptyPathIsRejected) {
  auto r = Store::open("", OpenMode::kCreateIfMissing);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
}

TEST_F(StoreTest, ReopeningTwiceAndConcurrentOpensWork) {
  auto a = open_store();
  auto b = open_store();
  auto c = open_store(OpenMode::kMustExist);
  ASSERT_TRUE(a && b && c);
  ASSERT_TRUE(a->put_setting("k", "1").ok());
  EXPECT_EQ(*c->get_setting("k"), std::optional<std::string>("1"));
}

}  // namespace
}  // namespace idsync
