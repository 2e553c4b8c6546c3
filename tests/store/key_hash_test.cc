// Schema 3: the DN and anchor indexes hold 64-bit hashes (store_impl.h key_hash). A lookup
// must check the row itself, so that two objects whose hashes collide are never confused,
// and a store written by schema 2 (DN text in dn_norm, five indexes) must migrate with every
// object intact, or not at all.
#include <signal.h>
#include <sqlite3.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "store/consistency.h"
#include "store/schema.h"
#include "store/store_impl.h"
#include "store_test_util.h"

namespace idsync::store_test {
namespace {

// Every DN and anchor gets the same hash while it lives.
class CollidingHashes {
 public:
  CollidingHashes() { store_detail::set_key_hash_for_testing([](std::string_view) -> uint64_t { return 42; }); }
  ~CollidingHashes() { store_detail::set_key_hash_for_testing(nullptr); }
  CollidingHashes(const CollidingHashes&) = delete;
  CollidingHashes& operator=(const CollidingHashes&) = delete;
};

std::string single_text(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* s = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr), SQLITE_OK) << sql << ": " << sqlite3_errmsg(db);
  std::string out;
  if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0) != nullptr) {
    out = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
  }
  sqlite3_finalize(s);
  sqlite3_close(db);
  return out;
}

void expect_dn(Store& store, ConnectorId connector, std::string_view dn_text, const CsObject* want) {
  const std::string dn(dn_text);
  auto got = store.find_cs_by_dn(connector, dn);
  ASSERT_TRUE(got.ok()) << got.status().to_string();
  if (want == nullptr) {
    EXPECT_FALSE(got->has_value()) << dn << " found as object " << (*got)->id;
  } else {
    ASSERT_TRUE(got->has_value()) << dn;
    EXPECT_EQ(**got, *want) << dn;
  }
}

void expect_anchor(Store& store, ConnectorId connector, std::string_view anchor_bytes, const CsObject* want) {
  const std::string anchor(anchor_bytes);
  auto got = store.find_cs_by_anchor(connector, anchor);
  ASSERT_TRUE(got.ok()) << got.status().to_string();
  if (want == nullptr) {
    EXPECT_FALSE(got->has_value()) << "found as object " << (*got)->id;
  } else {
    ASSERT_TRUE(got->has_value()) << "anchor of object " << want->id;
    EXPECT_EQ(**got, *want);
  }
}

TEST_F(StoreTest, LookupsByCollidingHashesReturnOnlyTheObjectAskedFor) {
  CollidingHashes collide;
  auto store = open_store();
  ASSERT_NE(store, nullptr);
  CsObject a = sample_cs(1, 1, "CN=Ann,OU=People");
  CsObject b = sample_cs(2, 1, "CN=Bob,OU=People");
  CsObject c = sample_cs(3, 1, "CN=Cat,OU=People");
  CsObject other = sample_cs(4, 2, "CN=Ann,OU=People");  // same DN, another connector
  for (const CsObject* o : {&a, &b, &c, &other}) ASSERT_TRUE(store->put_cs(*o).ok());
  // The collision is real: every row has the same stored hashes.
  EXPECT_EQ(single_text(path_, "SELECT count(DISTINCT dn_hash) || '/' || count(DISTINCT anchor_hash) FROM cs_objects"),
            "1/1");

  expect_dn(*store, 1, "cn=bob,ou=people", &b);
  expect_dn(*store, 1, "CN=CAT,OU=PEOPLE", &c);
  expect_dn(*store, 1, a.dn, &a);
  expect_dn(*store, 2, a.dn, &other);
  expect_dn(*store, 1, "CN=Dan,OU=People", nullptr);
  expect_anchor(*store, 1, b.anchor, &b);
  expect_anchor(*store, 1, c.anchor, &c);
  expect_anchor(*store, 2, other.anchor, &other);
  expect_anchor(*store, 1, other.anchor, nullptr);
  expect_anchor(*store, 1, "no such anchor", nullptr);

  // A rename, a delete and a bulk load keep it so.
  b.dn = "CN=Robert,OU=People";
  ASSERT_TRUE(store->put_cs(b).ok());
  expect_dn(*store, 1, "CN=Bob,OU=People", nullptr);
  expect_dn(*store, 1, "cn=robert,ou=people", &b);
  ASSERT_TRUE(store->delete_cs(a.id).ok());
  expect_dn(*store, 1, "CN=Ann,OU=People", nullptr);
  expect_anchor(*store, 1, a.anchor, nullptr);
  expect_dn(*store, 2, "CN=Ann,OU=People", &other);

  std::vector<CsObject> many;
  for (CsId id = 10; id < 60; ++id) many.push_back(sample_cs(id, 1, "CN=User " + std::to_string(id) + ",OU=Bulk"));
  std::vector<const CsObject*> ptrs;
  for (const CsObject& o : many) ptrs.push_back(&o);
  ASSERT_TRUE(store->begin().ok());
  ASSERT_TRUE(store->begin_bulk_load().ok());
  ASSERT_TRUE(store->put_cs_many(ptrs).ok());
  ASSERT_TRUE(store->commit().ok());
  for (const CsObject& o : many) {
    expect_dn(*store, 1, "cn=user " + std::to_string(o.id) + ",ou=bulk", &o);
    expect_anchor(*store, 1, o.anchor, &o);
  }
  expect_dn(*store, 1, "CN=Cat,OU=People", &c);
  EXPECT_TRUE(store->check_integrity().ok());
}

TEST_F(StoreTest, StoredHashesAreOfTheNormalizedDnAndTheAnchor) {
  auto store = open_store();
  ASSERT_NE(store, nullptr);
  CsObject o = sample_cs(5, 1, "CN=Mixed Case,DC=Example");
  ASSERT_TRUE(store->put_cs(o).ok());
  store.reset();
  EXPECT_EQ(single_text(path_, "SELECT dn_hash FROM cs_objects WHERE id = 5"),
            std::to_string(static_cast<int64_t>(value_chunk_hash("cn=mixed case,dc=example"))));
  EXPECT_EQ(single_text(path_, "SELECT anchor_hash FROM cs_objects WHERE id = 5"),
            std::to_string(static_cast<int64_t>(value_chunk_hash(o.anchor))));
}

// `idsync store check` (check_store_consistency) reports a row whose stored hash is not that of
// its DN or anchor: lookups by it would miss the object.
TEST_F(StoreTest, TheConsistencyCheckReportsStaleHashes) {
  {
    auto store = open_store();
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->put_cs(sample_cs(1, 1, "CN=Fine")).ok());
    ASSERT_TRUE(store->put_cs(sample_cs(2, 1, "CN=Stale DN")).ok());
    ASSERT_TRUE(store->put_cs(sample_cs(3, 1, "CN=Stale Anchor")).ok());
    auto clean = store->check_key_hashes(10);
    ASSERT_TRUE(clean.ok());
    EXPECT_TRUE(clean->empty());
  }
  raw_exec(path_, "UPDATE cs_objects SET dn_hash = dn_hash + 1 WHERE id = 2; "
                  "UPDATE cs_objects SET anchor_hash = 7 WHERE id = 3");
  auto store = open_store(OpenMode::kMustExist);
  ASSERT_NE(store, nullptr);
  expect_dn(*store, 1, "CN=Stale DN", nullptr);  // what the check is there for
  auto report = check_store_consistency(*store);
  ASSERT_TRUE(report.ok()) << report.status().to_string();
  std::string all;
  for (const std::string& f : report->findings) all += f + "\n";
  EXPECT_NE(all.find("connector space object 2 ('CN=Stale DN', connector 1) has a stale DN hash"), std::string::npos)
      << all;
  EXPECT_NE(all.find("connector space object 3 ('CN=Stale Anchor', connector 1) has a stale anchor hash"),
            std::string::npos)
      << all;
  EXPECT_EQ(all.find("object 1 "), std::string::npos) << all;
}

// A store as schema 2 wrote it: the DN text in dn_norm, the five indexes of schema 1, layout-2
// bodies with their chunks in value_chunks.
class SchemaTwoStoreTest : public StoreTest {
 protected:
  static constexpr AttrId kMember = 5;

  void SetUp() override {
    StoreTest::SetUp();
    std::string sql = "PRAGMA application_id=" + std::to_string(store_schema::kApplicationId) + ";";
    for (int v = 0; v < 2; ++v) {
      for (std::string_view step : store_schema::migrations()[static_cast<size_t>(v)].steps) sql += std::string(step) + ";";
    }
    sql += "INSERT INTO meta(key, value) VALUES('application', 'idsync'), ('schema_version', '2');";
    raw_exec(path_, sql);
    for (CsId id = 1; id <= 400; ++id) {
      ConnectorId connector = id % 2 == 0 ? 1 : 2;
      CsObject o = sample_cs(id, connector, "CN=User " + std::to_string(id) + (id % 3 == 0 ? ",OU=Sales" : ",ou=sales"));
      o.mv = id % 5 == 0 ? 0 : 1000 + id;
      if (id % 7 == 0) o.pending_import = PendingImportKind::kUpdate;
      if (id % 11 == 0) o.pending_export.kind = PendingExportKind::kUpdate;
      if (id == 99) {  // a huge group: layout 2, members in value chunks
        ValueList members;
        for (int i = 0; i < 3000; ++i) members.push_back("CN=Member " + std::to_string(i) + ",OU=Sales");
        o.hologram.plain().set(kMember, members);
      }
      objects_.push_back(std::move(o));
    }
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    sqlite3_stmt* row = nullptr;
    sqlite3_stmt* chunk = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(db,
                                 "INSERT INTO cs_objects(id, connector, anchor, dn, dn_norm, object_type, state, mv, "
                                 "pending_import, pending_export, body, chunks) "
                                 "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                                 -1, &row, nullptr),
              SQLITE_OK);
    ASSERT_EQ(sqlite3_prepare_v2(db, "INSERT INTO value_chunks(kind, row, hash, data) VALUES(0, ?1, ?2, ?3)", -1,
                                 &chunk, nullptr),
              SQLITE_OK);
    sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
    for (const CsObject& o : objects_) {
      EncodedBody body;
      encode_cs_body_chunked(o, body);
      std::string norm;
      store_detail::normalize_dn(o.dn, norm);
      const std::string refs = body.chunked() ? pack_chunk_refs(body.chunks) : std::string();
      sqlite3_bind_int64(row, 1, static_cast<int64_t>(o.id));
      sqlite3_bind_int64(row, 2, static_cast<int64_t>(o.connector));
      sqlite3_bind_blob(row, 3, o.anchor.data(), static_cast<int>(o.anchor.size()), SQLITE_TRANSIENT);
      sqlite3_bind_text(row, 4, o.dn.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(row, 5, norm.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(row, 6, o.object_type.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64(row, 7, static_cast<int64_t>(o.state));
      sqlite3_bind_int64(row, 8, static_cast<int64_t>(o.mv));
      sqlite3_bind_int64(row, 9, static_cast<int64_t>(o.pending_import));
      sqlite3_bind_int64(row, 10, static_cast<int64_t>(o.pending_export.kind));
      sqlite3_bind_blob(row, 11, body.body.data(), static_cast<int>(body.body.size()), SQLITE_TRANSIENT);
      if (body.chunked()) {
        sqlite3_bind_blob(row, 12, refs.data(), static_cast<int>(refs.size()), SQLITE_TRANSIENT);
      } else {
        sqlite3_bind_null(row, 12);
      }
      ASSERT_EQ(sqlite3_step(row), SQLITE_DONE) << sqlite3_errmsg(db);
      sqlite3_reset(row);
      for (const ValueChunk& c : body.chunks) {
        sqlite3_bind_int64(chunk, 1, static_cast<int64_t>(o.id));
        sqlite3_bind_int64(chunk, 2, static_cast<int64_t>(c.hash));
        sqlite3_bind_blob(chunk, 3, c.data.data(), static_cast<int>(c.data.size()), SQLITE_TRANSIENT);
        ASSERT_EQ(sqlite3_step(chunk), SQLITE_DONE) << sqlite3_errmsg(db);
        sqlite3_reset(chunk);
      }
    }
    sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
    sqlite3_finalize(row);
    sqlite3_finalize(chunk);
    sqlite3_close(db);
    ASSERT_GT(std::stoi(single_text(path_, "SELECT count(*) FROM value_chunks")), 1);
  }

  // Every object, by id, by DN (in another case), by anchor and by MV link; the counts.
  void expect_every_object(Store& store) {
    for (const CsObject& o : objects_) {
      auto by_id = store.find_cs_by_id(o.id);
      ASSERT_TRUE(by_id.ok() && by_id->has_value()) << o.id;
      EXPECT_EQ(**by_id, o);
      std::string upper = o.dn.str();
      for (char& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      expect_dn(store, o.connector, upper, &o);
      expect_anchor(store, o.connector, o.anchor, &o);
      if (o.mv != 0) {
        auto by_mv = store.find_cs_by_mv(o.mv);
        ASSERT_TRUE(by_mv.ok());
        ASSERT_EQ(by_mv->size(), 1u);
        EXPECT_EQ((*by_mv)[0], o);
      }
    }
    for (ConnectorId connector : {ConnectorId{1}, ConnectorId{2}}) {
      CsCounts want;
      for (const CsObject& o : objects_) {
        if (o.connector != connector) continue;
        ++want.objects;
        want.pending_imports += o.pending_import != PendingImportKind::kNone;
        want.pending_exports += o.pending_export.kind != PendingExportKind::kNone;
        want.disconnectors += o.mv == 0;
      }
      auto got = store.count_cs(connector);
      ASSERT_TRUE(got.ok());
      EXPECT_EQ(got->objects, want.objects);
      EXPECT_EQ(got->pending_imports, want.pending_imports);
      EXPECT_EQ(got->pending_exports, want.pending_exports);
      EXPECT_EQ(got->disconnectors, want.disconnectors);
    }
  }

  std::vector<CsObject> objects_;
};

TEST_F(SchemaTwoStoreTest, MigratesToHashedIndexesWithEveryObject) {
  {
    auto store = open_store(OpenMode::kMustExist);
    ASSERT_NE(store, nullptr);
    expect_every_object(*store);
    EXPECT_TRUE(store->check_integrity().ok());
    auto report = check_store_consistency(*store);
    ASSERT_TRUE(report.ok()) << report.status().to_string();
    EXPECT_TRUE(report->findings.empty()) << report->findings[0];
    // Writes after the upgrade: a rename and a changed member list.
    objects_[10].dn = "CN=Renamed,OU=Sales";
    objects_[98].hologram.plain().add_value(kMember, "CN=Newcomer");
    ASSERT_TRUE(store->put_cs(objects_[10]).ok());
    ASSERT_TRUE(store->put_cs(objects_[98]).ok());
    expect_dn(*store, objects_[10].connector, "CN=User 11,ou=sales", nullptr);
  }
  EXPECT_EQ(single_text(path_, "SELECT value FROM meta WHERE key = 'schema_version'"), "3");
  EXPECT_EQ(single_text(path_, "SELECT count(*) FROM pragma_table_info('cs_objects') WHERE name = 'dn_norm'"), "0");
  EXPECT_EQ(single_text(path_, "SELECT group_concat(name, ' ') FROM (SELECT name FROM sqlite_schema WHERE "
                               "type = 'index' AND tbl_name = 'cs_objects' ORDER BY name)"),
            "cs_objects_by_anchor_hash cs_objects_by_dn_hash cs_objects_by_mv");
  auto store = open_store(OpenMode::kMustExist);
  ASSERT_NE(store, nullptr);
  expect_every_object(*store);
}

// A migration that fails part way leaves the schema-2 store as it was; the next open, once
// the cause is gone, upgrades it.
TEST_F(SchemaTwoStoreTest, AFailedMigrationLeavesTheStoreAsItWas) {
  raw_exec(path_, "CREATE TABLE cs_objects_by_dn_hash(x)");  // the new index's name is taken
  {
    auto r = Store::open(path_, OpenMode::kMustExist);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.status().message().find("upgrade the schema to version 3"), std::string::npos) << r.status().to_string();
  }
  EXPECT_EQ(single_text(path_, "SELECT value FROM meta WHERE key = 'schema_version'"), "2");
  EXPECT_EQ(single_text(path_, "SELECT count(*) FROM cs_objects WHERE dn_norm LIKE 'cn=user %'"), "400");
  EXPECT_EQ(single_text(path_, "SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'cs_objects'"),
            "5");
  raw_exec(path_, "DROP TABLE cs_objects_by_dn_hash");
  auto store = open_store(OpenMode::kMustExist);
  ASSERT_NE(store, nullptr);
  expect_every_object(*store);
}

// kill -9 in the middle of the upgrade (inside its UPDATE of the hashes, the 200th row): the
// store is still the schema-2 store it was, and the next open upgrades it.
std::atomic<int> g_hash_calls{0};
uint64_t hash_then_die(std::string_view bytes) {
  if (g_hash_calls.fetch_add(1) == 200) raise(SIGKILL);
  return value_chunk_hash(bytes);
}

TEST_F(SchemaTwoStoreTest, AnUpgradeKilledHalfWayLeavesTheStoreAsItWas) {
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive the test
    store_detail::set_key_hash_for_testing(&hash_then_die);
    auto store = Store::open(path_, OpenMode::kMustExist);
    _exit(store.ok() ? 0 : 2);  // not reached: killed during the upgrade
  }
  int status = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  pid_t done = 0;
  while ((done = waitpid(child, &status, WNOHANG)) == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (done == 0) {
    kill(child, SIGKILL);
    waitpid(child, &status, 0);
    FAIL() << "the upgrading child did not finish within 120 s";
  }
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "the child exited with status " << status;
  EXPECT_EQ(single_text(path_, "SELECT value FROM meta WHERE key = 'schema_version'"), "2");
  EXPECT_EQ(single_text(path_, "SELECT count(*) FROM cs_objects WHERE dn_norm LIKE 'cn=user %'"), "400");
  auto store = open_store(OpenMode::kMustExist);
  ASSERT_NE(store, nullptr);
  expect_every_object(*store);
  EXPECT_TRUE(store->check_integrity().ok());
}

// Read-only opening of a schema-2 store is refused with what to do; nothing is changed.
TEST_F(SchemaTwoStoreTest, ReadOnlyOpenAsksForTheUpgrade) {
  auto r = Store::open(path_, OpenMode::kReadOnly);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("needs an upgrade to schema 3"), std::string::npos) << r.status().to_string();
  EXPECT_EQ(single_text(path_, "SELECT value FROM meta WHERE key = 'schema_version'"), "2");
}

}  // namespace
}  // namespace idsync::store_test
