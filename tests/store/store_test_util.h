// Shared helpers for the store tests: a temporary directory per test and sample objects.
#pragma once

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <filesystem>
#include <string>

#include "store/store.h"

namespace idsync::store_test {

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "idsync-store-test-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    path_ = (dir_ / "idsync.db").string();
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  std::unique_ptr<Store> open_store(OpenMode mode = OpenMode::kCreateIfMissing) {
    auto r = Store::open(path_, mode);
    EXPECT_TRUE(r.ok()) << r.status().to_string();
    if (!r.ok()) return nullptr;
    return std::move(r).value();
  }

  // Runs one SQL script on the store file through a plain SQLite connection.
  void raw_exec(const std::string& file, const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
    char* err = nullptr;
    int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
    EXPECT_EQ(rc, SQLITE_OK) << (err != nullptr ? err : "");
    sqlite3_free(err);
    sqlite3_close(db);
  }

  std::filesystem::path dir_;
  std::string path_;
};

inline AttributeSet make_set(std::initializer_list<std::pair<AttrId, ValueList>> items) {
  AttributeSet set;
  for (const auto& [id, values] : items) set.set(id, values);
  return set;
}

inline CsObject sample_cs(CsId id, ConnectorId connector, const std::string& dn) {
  CsObject o;
  o.id = id;
  o.connector = connector;
  o.anchor = std::string("\x00\x01\xffguid\x00", 8) + std::to_string(id);
  o.dn = dn;
  o.object_type = "user";
  o.hologram = make_set({{1, {"Alice"}}, {2, {"a", "b", std::string("\x00bin", 4)}}});
  return o;
}

}  // namespace idsync::store_test
