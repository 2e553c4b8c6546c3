// Large value lists stored out of line in content-defined chunks (schema 2, model/objects.h
// "Layout 2"): huge objects round-trip, one changed value rewrites one or two chunks (counted
// through the store's write statistics), deletions remove chunks, damaged or missing chunks
// are clear errors, the consistency check finds them, and a schema 1 store upgrades.
#include <algorithm>
#include <optional>
#include <set>

#include "store/consistency.h"
#include "store/schema.h"
#include "store_test_util.h"

namespace idsync::store_test {
namespace {

constexpr AttrId kMember = 7;

ValueList members(size_t n, size_t skip = static_cast<size_t>(-1)) {
  ValueList out;
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    if (i == skip) continue;
    out.push_back("CN=Member " + std::to_string(i) + ",OU=People,DC=Example,DC=Com");
  }
  return out;
}

CsObject huge_group(CsId id, size_t n) {
  CsObject o = sample_cs(id, 1, "CN=Huge " + std::to_string(id) + ",OU=Groups,DC=Example");
  o.object_type = "group";
  o.hologram.set(kMember, members(n));
  return o;
}

int64_t count_chunks(const std::string& path) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  int64_t n = -1;
  if (sqlite3_prepare_v2(db, "SELECT count(*) FROM value_chunks", -1, &st, nullptr) == SQLITE_OK &&
      sqlite3_step(st) == SQLITE_ROW) {
    n = sqlite3_column_int64(st, 0);
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return n;
}

// The chunks of `body` as the store hands them back to a decode.
StoredChunks stored(const EncodedBody& body) {
  StoredChunks chunks;
  for (const ValueChunk& c : body.chunks) {
    chunks.refs.push_back(c.hash);
    chunks.data.emplace_back(c.hash, c.data);
  }
  std::sort(chunks.data.begin(), chunks.data.end());
  return chunks;
}

// What the store keeps in its own columns, not in the body: copied onto a decoded object.
void copy_row_columns(const CsObject& from, CsObject& to) {
  to.id = from.id;
  to.connector = from.connector;
  to.anchor = from.anchor;
  to.dn = from.dn;
  to.object_type = from.object_type;
  to.state = from.state;
  to.mv = from.mv;
}

std::optional<CsObject> read_cs(Store& store, CsId id) {
  auto r = store.find_cs_by_id(id);
  EXPECT_TRUE(r.ok()) << r.status().to_string();
  return r.ok() ? *r : std::nullopt;
}

TEST(ValueChunkEncoding, SmallObjectsKeepLayoutOneByteForByte) {
  CsObject o = sample_cs(5, 1, "CN=Small");
  o.hologram.set(kMember, members(kChunkedMinValues - 1));
  EncodedBody body;
  encode_cs_body_chunked(o, body);
  EXPECT_FALSE(body.chunked());
  EXPECT_EQ(body.body, encode_cs_body(o));
  EncodedBody mv;
  encode_mv_body_chunked(o.hologram, mv);
  EXPECT_FALSE(mv.chunked());
  EXPECT_EQ(mv.body, encode_attribute_set(o.hologram));
}

TEST(ValueChunkEncoding, OneRemovedValueChangesOneOrTwoChunks) {
  CsObject before = huge_group(1, 100000), after = huge_group(1, 100000);
  after.hologram.set(kMember, members(100000, 54321));
  EncodedBody a, b;
  encode_cs_body_chunked(before, a);
  encode_cs_body_chunked(after, b);
  ASSERT_GT(a.chunks.size(), 50u);
  std::set<uint64_t> old_hashes;
  for (const ValueChunk& c : a.chunks) {
    old_hashes.insert(c.hash);
    EXPECT_LE(c.data.size(), kChunkMaxBytes + 128);
  }
  size_t fresh = 0;
  for (const ValueChunk& c : b.chunks) fresh += old_hashes.count(c.hash) == 0 ? 1 : 0;
  EXPECT_GE(fresh, 1u);
  EXPECT_LE(fresh, 2u);
}

// An object with several huge lists (hologram, pending import, a pending export) has them cut
// on several threads: the chunks must come out numbered as one list after the other would —
// each distinct chunk once, in order of first use, its bytes copied only when not held — and
// decode to the same object.
TEST(ValueChunkEncoding, SeveralHugeListsCutInParallelEncodeAsOneListAtATime) {
  CsObject o = huge_group(4, 30000);
  o.pending_import = PendingImportKind::kUpdate;
  o.import_state.set(kMember, members(30000, 12345));
  o.pending_export.kind = PendingExportKind::kUpdate;
  o.pending_export.changes.push_back({kMember, ValueOp::kAdd, members(2000)});
  std::vector<uint64_t> expected;
  std::vector<uint64_t> hologram_hashes;
  const ValueList pending = o.pending_export.changes[0].values.to_list();
  for (const ValueList* list : std::initializer_list<const ValueList*>{o.hologram.get(kMember).list(),
                                                                      o.import_state.get(kMember).list(), &pending}) {
    ASSERT_NE(list, nullptr);  // lists this long are held out of line
    AttributeSet alone;
    alone.set(kMember, *list);
    EncodedBody one;
    encode_mv_body_chunked(alone, one);
    for (const ValueChunk& c : one.chunks) {
      if (std::find(expected.begin(), expected.end(), c.hash) == expected.end()) expected.push_back(c.hash);
      if (list == o.hologram.get(kMember).list()) hologram_hashes.push_back(c.hash);
    }
  }
  std::sort(hologram_hashes.begin(), hologram_hashes.end());
  EncodedBody body, again;
  encode_cs_body_chunked(o, body, &hologram_hashes);
  encode_cs_body_chunked(o, again, &hologram_hashes);
  EXPECT_EQ(body.body, again.body);
  std::vector<uint64_t> got;
  StoredChunks chunks;
  for (const ValueChunk& c : body.chunks) {
    got.push_back(c.hash);
    bool held = std::binary_search(hologram_hashes.begin(), hologram_hashes.end(), c.hash);
    EXPECT_EQ(c.held, held);
    EXPECT_EQ(c.data.empty(), held);
    chunks.refs.push_back(c.hash);
  }
  EXPECT_EQ(got, expected);
  // The held chunks as the store would hand them back: from an encoding without `held`.
  EncodedBody full;
  encode_cs_body_chunked(o, full);
  EXPECT_EQ(full.body, body.body);
  for (const ValueChunk& c : full.chunks) chunks.data.emplace_back(c.hash, c.data);
  std::sort(chunks.data.begin(), chunks.data.end());
  CsObject back;
  ASSERT_TRUE(decode_cs_body(body.body, back, &chunks).ok());
  copy_row_columns(o, back);
  EXPECT_EQ(back, o);
}

TEST(ValueChunkEncoding, DamagedOrMissingChunkIsAStoreError) {
  CsObject o = huge_group(3, 5000);
  EncodedBody body;
  encode_cs_body_chunked(o, body);
  ASSERT_TRUE(body.chunked());
  StoredChunks chunks = stored(body);
  CsObject back;
  ASSERT_TRUE(decode_cs_body(body.body, back, &chunks).ok());
  copy_row_columns(o, back);
  EXPECT_EQ(back, o);

  StoredChunks flipped = chunks;
  flipped.data[0].second[3] ^= 0x20;
  Status s = decode_cs_body(body.body, back, &flipped);
  EXPECT_EQ(s.code(), ErrorCode::kStoreError);
  EXPECT_NE(s.message().find("damaged"), std::string::npos) << s.to_string();

  StoredChunks missing = chunks;
  missing.data.erase(missing.data.begin());
  s = decode_cs_body(body.body, back, &missing);
  EXPECT_EQ(s.code(), ErrorCode::kStoreError);
  EXPECT_NE(s.message().find("missing"), std::string::npos) << s.to_string();

  // A chunked body without its chunk list, and truncated bodies: errors, never reads past.
  EXPECT_EQ(decode_cs_body(body.body, back, nullptr).code(), ErrorCode::kStoreError);
  for (size_t cut = 0; cut < body.body.size(); cut += 7) {
    EXPECT_EQ(decode_cs_body(std::string_view(body.body).substr(0, cut), back, &chunks).code(),
              ErrorCode::kStoreError);
  }
  // Any flipped byte of the body decodes to something or to kStoreError (ASan/UBSan prove the
  // "never reads past" part in the sanitizer run).
  for (size_t i = 0; i < body.body.size(); ++i) {
    std::string bad = body.body;
    bad[i] = static_cast<char>(bad[i] ^ 0x5a);
    Status flipped_body = decode_cs_body(bad, back, &chunks);
    EXPECT_TRUE(flipped_body.ok() || flipped_body.code() == ErrorCode::kStoreError) << flipped_body.to_string();
  }
}

TEST_F(StoreTest, HugeAndSmallObjectsRoundTrip) {
  auto store = open_store();
  ASSERT_NE(store, nullptr);
  CsObject group = huge_group(10, 20000);
  group.pending_import = PendingImportKind::kUpdate;
  group.import_state = group.hologram;
  group.import_state.remove_value(kMember, "CN=Member 5,OU=People,DC=Example,DC=Com");
  group.pending_export.kind = PendingExportKind::kUpdate;
  group.pending_export.changes.push_back(AttrChange{kMember, ValueOp::kAdd, members(3000)});
  group.unconfirmed.set(kMember, members(600));
  CsObject small = sample_cs(11, 1, "CN=Small");
  MvObject mv;
  mv.id = 20;
  mv.object_type = "group";
  mv.attributes.set(kMember, members(20000));
  mv.attributes.set(2, {"Huge"});
  ASSERT_TRUE(store->begin().ok());
  ASSERT_TRUE(store->put_cs_many({&group, &small}).ok());
  ASSERT_TRUE(store->put_mv(mv).ok());
  ASSERT_TRUE(store->commit().ok());
  // The hologram and the pending import share all chunks but one: stored once.
  const StoreWriteStats& stats = store->write_stats();
  EXPECT_GT(stats.chunks_written, 0u);
  EXPECT_LT(stats.chunk_bytes_written, 3u * 20000u * 48u);

  EXPECT_EQ(read_cs(*store, 10), group);
  EXPECT_EQ(read_cs(*store, 11), small);
  auto by_dn = store->find_cs_by_dn(1, group.dn.str());
  ASSERT_TRUE(by_dn.ok() && by_dn->has_value());
  EXPECT_EQ(**by_dn, group);
  auto m = store->find_mv(20);
  ASSERT_TRUE(m.ok() && m->has_value());
  EXPECT_EQ(**m, mv);

  // A fresh connection (no chunk index in memory) reads and scans the same.
  store.reset();
  store = open_store(OpenMode::kMustExist);
  ASSERT_NE(store, nullptr);
  std::vector<CsObject> loaded;
  ASSERT_TRUE(store->load_cs(1, [&](CsObject&& o) {
    loaded.push_back(std::move(o));
    return Status::Ok();
  }).ok());
  ASSERT_EQ(loaded.size(), 2u);
  EXPECT_EQ(loaded[0], group);
  EXPECT_EQ(loaded[1], small);
  std::vector<MvObject> mvs;
  ASSERT_TRUE(store->load_mv([&](MvObject&& o) {
    mvs.push_back(std::move(o));
    return Status::Ok();
  }).ok());
  ASSERT_EQ(mvs.size(), 1u);
  EXPECT_EQ(mvs[0], mv);
}

TEST_F(StoreTest, OneValueChangedInAHundredThousandWritesOneOrTwoChunks) {
  auto store = open_store();
  ASSERT_NE(store, nullptr);
  CsObject group = huge_group(10, 100000);
  MvObject mv;
  mv.id = 20;
  mv.object_type = "group";
  mv.attributes.set(kMember, group.hologram.get(kMember).to_list());
  ASSERT_TRUE(store->put_cs(group).ok());
  ASSERT_TRUE(store->put_mv(mv).ok());
  const uint64_t full_bytes = store->write_stats().chunk_bytes_written;
  ASSERT_GT(full_bytes, 2u * 100000u * 40u);
  const int64_t chunks_before = count_chunks(path_);

  // Reopen: the store must find what the row holds without having written it itself.
  store.reset();
  store = open_store(OpenMode::kMustExist);
  ASSERT_NE(store, nullptr);
  group.hologram.remove_value(kMember, "CN=Member 777,OU=People,DC=Example,DC=Com");
  mv.attributes.add_value(kMember, "CN=Newcomer,OU=People,DC=Example,DC=Com");
  ASSERT_TRUE(store->begin().ok());
  ASSERT_TRUE(store->put_cs_many({&group}).ok());
  ASSERT_TRUE(store->put_mv_many({&mv}).ok());
  ASSERT_TRUE(store->commit().ok());
  const StoreWriteStats& stats = store->write_stats();
  EXPECT_EQ(stats.rows, 2u);
  EXPECT_GE(stats.chunks_written, 2u);
  EXPECT_LE(stats.chunks_written, 4u);  // one or two per object
  EXPECT_EQ(stats.chunks_deleted, stats.chunks_written);
  EXPECT_LT(stats.chunk_bytes_written, full_bytes / 40);
  EXPECT_LT(stats.body_bytes, 64u * 1024u);  // the bodies only list chunks
  EXPECT_EQ(count_chunks(path_), chunks_before);

  EXPECT_EQ(read_cs(*store, 10), group);
  auto m = store->find_mv(20);
  ASSERT_TRUE(m.ok() && m->has_value());
  EXPECT_EQ(**m, mv);

  // Writing the same object again writes no chunk at all.
  store->reset_write_stats();
  ASSERT_TRUE(store->put_cs(group).ok());
  EXPECT_EQ(store->write_stats().chunks_written, 0u);
  EXPECT_EQ(store->write_stats().chunks_deleted, 0u);
}

TEST_F(StoreTest, TheSameHugeObjectTwiceInOneWriteKeepsTheLastVersionWhole) {
  auto store = open_store();
  ASSERT_NE(store, nullptr);
  CsObject v1 = huge_group(10, 5000);
  ASSERT_TRUE(store->put_cs(v1).ok());
  // v2 drops chunks v1 holds; v3 (encoded before v2 is written) counts on them being held.
  CsObject v2 = v1, v3 = v1;
  v2.hologram.set(kMember, members(600));
  v3.hologram.remove_value(kMember, "CN=Member 4000,OU=People,DC=Example,DC=Com");
  ASSERT_TRUE(store->begin().ok());
  ASSERT_TRUE(store->put_cs_many({&v2, &v3}).ok());
  ASSERT_TRUE(store->commit().ok());
  EXPECT_EQ(read_cs(*store, 10), v3);
  auto report = store->check_value_chunks(10);
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->findings.empty()) << report->findings[0];
}

TEST_F(StoreTest, ShrinkingBelowTheThresholdAndDeletingRemoveChunks) {
  auto store = open_store();
  ASSERT_NE(store, nullptr);
  CsObject a = huge_group(10, 3000), b = huge_group(11, 3000), c = huge_group(12, 3000);
  c.connector = 2;
  MvObject mv;
  mv.id = 20;
  mv.object_type = "group";
  mv.attributes.set(kMember, members(3000));
  ASSERT_TRUE(store->put_connector(ConnectorRow{1, "AD", "{}"}).ok());
  ASSERT_TRUE(store->put_connector(ConnectorRow{2, "Cloud", "{}"}).ok());
  for (const CsObject* o : {&a, &b, &c}) ASSERT_TRUE(store->put_cs(*o).ok());
  ASSERT_TRUE(store->put_mv(mv).ok());
  const int64_t per_object = count_chunks(path_) / 4;
  ASSERT_GT(per_object, 1);

  a.hologram.set(kMember, members(10));  // back to inline
  ASSERT_TRUE(store->put_cs(a).ok());
  EXPECT_EQ(count_chunks(path_), 3 * per_object);
  EXPECT_EQ(read_cs(*store, 10), a);
  ASSERT_TRUE(store->delete_cs(11).ok());
  EXPECT_EQ(count_chunks(path_), 2 * per_object);
  ASSERT_TRUE(store->delete_mv(20).ok());
  EXPECT_EQ(count_chunks(path_), per_object);
  ASSERT_TRUE(store->delete_connector(2).ok());
  EXPECT_EQ(count_chunks(path_), 0);

  // A rolled back transaction leaves the old chunks, and the store still knows them.
  ASSERT_TRUE(store->put_cs(b).ok());
  ASSERT_TRUE(store->begin().ok());
  ASSERT_TRUE(store->delete_cs(11).ok());
  store->rollback();
  EXPECT_EQ(read_cs(*store, 11), b);
  ASSERT_TRUE(store->delete_cs(11).ok());
  EXPECT_EQ(count_chunks(path_), 0);
}

TEST_F(StoreTest, AnotherConnectionsWritesAreSeenBeforeChunksAreDiffed) {
  auto first = open_store();
  auto second = open_store(OpenMode::kMustExist);
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  CsObject group = huge_group(10, 3000);
  ASSERT_TRUE(first->put_cs(huge_group(10, 10)).ok());  // first's index: no chunks for 10
  ASSERT_TRUE(second->put_cs(group).ok());               // another connection adds them
  ASSERT_TRUE(first->delete_cs(10).ok());
  EXPECT_EQ(count_chunks(path_), 0);
}

TEST_F(StoreTest, ConsistencyCheckFindsMissingDamagedAndOrphanChunks) {
  {
    auto store = open_store();
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->put_connector(ConnectorRow{1, "AD", "{}"}).ok());
    ASSERT_TRUE(store->put_setting("next_cs_id", "100").ok());
    CsObject group = huge_group(10, 3000);
    ASSERT_TRUE(store->put_cs(group).ok());
    auto report = check_store_consistency(*store);
    ASSERT_TRUE(report.ok()) << report.status().to_string();
    EXPECT_TRUE(report->findings.empty()) << consistency_status(*report).to_string();
    EXPECT_GT(report->value_chunks, 1u);
  }
  raw_exec(path_, "DELETE FROM value_chunks WHERE id = (SELECT min(id) FROM value_chunks)");
  {
    auto store = open_store(OpenMode::kMustExist);
    ASSERT_NE(store, nullptr);
    auto report = check_store_consistency(*store);
    ASSERT_TRUE(report.ok()) << report.status().to_string();
    ASSERT_EQ(report->findings.size(), 1u);
    EXPECT_NE(report->findings[0].find("'CN=Huge 10,OU=Groups,DC=Example' (cs id 10"), std::string::npos)
        << report->findings[0];
    EXPECT_NE(report->findings[0].find("missing its value chunk"), std::string::npos) << report->findings[0];
    // Loading it is a clear error naming the object, not a crash.
    auto found = store->find_cs_by_id(10);
    ASSERT_FALSE(found.ok());
    EXPECT_EQ(found.status().code(), ErrorCode::kStoreError);
    EXPECT_NE(found.status().message().find("connector space object 10"), std::string::npos)
        << found.status().to_string();
    EXPECT_NE(found.status().message().find("missing"), std::string::npos) << found.status().to_string();
  }
  raw_exec(path_,
           "UPDATE value_chunks SET data = x'00' || substr(data, 2) WHERE id = (SELECT max(id) FROM value_chunks);"
           "INSERT INTO value_chunks(kind, row, hash, data) VALUES(0, 99, 12345, x'0161')");
  {
    auto store = open_store(OpenMode::kMustExist);
    ASSERT_NE(store, nullptr);
    auto report = check_store_consistency(*store);
    ASSERT_TRUE(report.ok()) << report.status().to_string();
    std::string all;
    for (const std::string& f : report->findings) all += f + "\n";
    EXPECT_NE(all.find("missing its value chunk"), std::string::npos) << all;
    EXPECT_NE(all.find("damaged value chunk"), std::string::npos) << all;
    EXPECT_NE(all.find("connector space object 99, which does not exist or has no chunks (orphan chunk)"),
              std::string::npos)
        << all;
  }
}

// A store as schema 1 wrote it: its tables, its version marker and layout-1 bodies.
TEST_F(StoreTest, SchemaOneStoreUpgradesAndKeepsItsObjects) {
  std::string sql = "PRAGMA application_id=" + std::to_string(0x49445359) + ";";
  for (std::string_view step : store_schema::migrations()[0].steps) sql += std::string(step) + ";";
  sql += "INSERT INTO meta(key, value) VALUES('application', 'idsync'), ('schema_version', '1');";
  raw_exec(path_, sql);
  CsObject small = sample_cs(1, 1, "CN=Old");
  CsObject group = huge_group(2, 3000);
  MvObject mv;
  mv.id = 3;
  mv.object_type = "group";
  mv.attributes.set(kMember, members(3000));
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(db,
                                 "INSERT INTO cs_objects(id, connector, anchor, dn, dn_norm, object_type, state, mv, "
                                 "pending_import, pending_export, body) VALUES(?1, 1, ?2, ?3, lower(?3), ?4, 0, 0, 0, 0, ?5)",
                                 -1, &st, nullptr),
              SQLITE_OK);
    for (const CsObject* o : {&small, &group}) {
      const std::string body = encode_cs_body(*o);
      sqlite3_bind_int64(st, 1, static_cast<int64_t>(o->id));
      sqlite3_bind_blob(st, 2, o->anchor.data(), static_cast<int>(o->anchor.size()), SQLITE_TRANSIENT);
      sqlite3_bind_text(st, 3, o->dn.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(st, 4, o->object_type.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_blob(st, 5, body.data(), static_cast<int>(body.size()), SQLITE_TRANSIENT);
      ASSERT_EQ(sqlite3_step(st), SQLITE_DONE);
      sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    const std::string body = encode_attribute_set(mv.attributes);
    ASSERT_EQ(sqlite3_prepare_v2(db, "INSERT INTO mv_objects(id, object_type, body) VALUES(3, 'group', ?1)", -1, &st,
                                 nullptr),
              SQLITE_OK);
    sqlite3_bind_blob(st, 1, body.data(), static_cast<int>(body.size()), SQLITE_TRANSIENT);
    ASSERT_EQ(sqlite3_step(st), SQLITE_DONE);
    sqlite3_finalize(st);
    sqlite3_close(db);
  }

  auto store = open_store(OpenMode::kMustExist);
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(count_chunks(path_), 0);  // the table exists now, the old rows are untouched
  EXPECT_EQ(read_cs(*store, 1), small);
  EXPECT_EQ(read_cs(*store, 2), group);
  auto m = store->find_mv(3);
  ASSERT_TRUE(m.ok() && m->has_value());
  EXPECT_EQ(**m, mv);
  // The next write of the old group moves its members out of line.
  group.hologram.add_value(kMember, "CN=Newcomer");
  ASSERT_TRUE(store->put_cs(group).ok());
  EXPECT_GT(count_chunks(path_), 1);
  EXPECT_EQ(read_cs(*store, 2), group);
  store.reset();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = 'schema_version'", -1, &st, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, 0))), std::to_string(kSchemaVersion));
  sqlite3_finalize(st);
  sqlite3_close(db);
}

}  // namespace
}  // namespace idsync::store_test
