// Large value lists stored out of line in content-defined chunks (schema 2, model/objects.h
// "Layout 2"): huge objects round-trip, one changed value rewrites one or two chunks (counted
// through the store's write statistics), deletions remove chunks, damaged or missing chunks
// are clear errors, the consistency check finds them, and a schema 1 store upgrades.
#include <algorithm>
#include <functional>
#include <optional>
#include <random>
#include <set>

#include <xxhash.h>

#include "store/consistency.h"
#include "store/schema.h"
#include "store_test_util.h"
#include "stored_chunks.h"

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
  o.hologram.plain().set(kMember, members(n));
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
  o.hologram.plain().set(kMember, members(kChunkedMinValues - 1));
  EncodedBody body;
  encode_cs_body_chunked(o, body);
  EXPECT_FALSE(body.chunked());
  EXPECT_EQ(body.body, encode_cs_body(o));
  EncodedBody mv;
  encode_mv_body_chunked(o.hologram.plain(), mv);
  EXPECT_FALSE(mv.chunked());
  EXPECT_EQ(mv.body, encode_attribute_set(o.hologram.plain()));
}

TEST(ValueChunkEncoding, OneRemovedValueChangesOneOrTwoChunks) {
  CsObject before = huge_group(1, 100000), after = huge_group(1, 100000);
  after.hologram.plain().set(kMember, members(100000, 54321));
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
  o.import_state.plain().set(kMember, members(30000, 12345));
  o.pending_export.kind = PendingExportKind::kUpdate;
  PendingChanges::Builder changes;
  changes.add(kMember, ValueOp::kAdd, members(2000));
  o.pending_export.changes = changes.finish();
  std::vector<uint64_t> expected;
  std::vector<uint64_t> hologram_hashes;
  const ValueList pending = o.pending_export.changes.if_plain()->front().values.to_list();
  for (const ValueList* list : std::initializer_list<const ValueList*>{o.hologram.plain().get(kMember).list(),
                                                                      o.import_state.plain().get(kMember).list(), &pending}) {
    ASSERT_NE(list, nullptr);  // lists this long are held out of line
    AttributeSet alone;
    alone.set(kMember, *list);
    EncodedBody one;
    encode_mv_body_chunked(alone, one);
    for (const ValueChunk& c : one.chunks) {
      if (std::find(expected.begin(), expected.end(), c.hash) == expected.end()) expected.push_back(c.hash);
      if (list == o.hologram.plain().get(kMember).list()) hologram_hashes.push_back(c.hash);
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

// The chunks of a list as the format defines them (model/objects.h "Layout 2"), cut value by
// value: a chunk ends after a value once its encoded bytes (varint length, then the bytes of
// each value) reach kChunkMaxBytes, or reach kChunkMinBytes and the value's XXH3 has its low
// nine bits clear. The encoder (and any faster cutter that replaces it) must give exactly these
// chunks, or stores written by other versions would no longer share them.
std::vector<std::string> reference_cut(const ValueList& values) {
  std::vector<std::string> chunks;
  std::string data;
  for (const std::string& v : values) {
    uint64_t size = v.size();
    while (size >= 0x80) {
      data.push_back(static_cast<char>((size & 0x7f) | 0x80));
      size >>= 7;
    }
    data.push_back(static_cast<char>(size));
    data += v;
    if (data.size() >= kChunkMaxBytes || (data.size() >= kChunkMinBytes && (XXH3_64bits(v.data(), v.size()) & 0x1ff) == 0)) {
      chunks.push_back(std::move(data));
      data.clear();
    }
  }
  if (!data.empty()) chunks.push_back(std::move(data));
  return chunks;
}

TEST(ValueChunkEncoding, TheEncoderCutsExactlyByTheLayoutRule) {
  std::mt19937_64 random(42);
  for (size_t n : {size_t{512}, size_t{5000}, size_t{70000}, size_t{300000}}) {
    ValueList values;
    for (size_t i = 0; i < n; ++i) {
      const uint64_t r = random();
      std::string v = "CN=User " + std::to_string(r % 1000003) + ",OU=People,DC=corp,DC=example,DC=com";
      if (r % 97 == 0) v.clear();                        // an empty value: one byte
      if (r % 89 == 0) v.append(200, 'x');               // a two-byte length
      if (n == 5000 && i == 2500) v.assign(300000, 'y');  // a value longer than a chunk
      values.push_back(std::move(v));
    }
    AttributeSet set;
    set.set(kMember, values);
    EncodedBody body;
    encode_mv_body_chunked(set, body);
    const std::vector<std::string> want = reference_cut(values);
    std::vector<uint64_t> order = *set.chunk_cut(kMember);  // the list's chunks, in order
    ASSERT_EQ(order.size(), want.size()) << n;
    for (size_t k = 0; k < want.size(); ++k) ASSERT_EQ(order[k], XXH3_64bits(want[k].data(), want[k].size())) << n << " " << k;
    StoredChunks chunks = stored(body);
    for (size_t k = 0; k < want.size(); ++k) {
      const std::string* data = chunks.find(order[k]);
      ASSERT_NE(data, nullptr);
      EXPECT_EQ(*data, want[k]);
    }
    AttributeSet back;
    ASSERT_TRUE(decode_mv_body(body.body, back, &chunks).ok());
    EXPECT_EQ(back, set);
  }
}

// ---- remembered cuts (AttributeSet::chunk_cut): an unchanged huge list saves as the chunks it
// was last written or read as, without a new cut; any change to it must never be skipped.

// The hashes of `body`'s chunks, sorted: what the store holds for the row once it is written.
std::vector<uint64_t> held_hashes(const EncodedBody& body) {
  std::vector<uint64_t> out;
  for (const ValueChunk& c : body.chunks) out.push_back(c.hash);
  std::sort(out.begin(), out.end());
  return out;
}

// `set` encoded as a row holding `old`'s chunks, decoded from the chunks the store would then
// hold (the old ones and those written): a stale cut would decode to the old values.
AttributeSet saved_over(const AttributeSet& set, const EncodedBody& old) {
  const std::vector<uint64_t> held = held_hashes(old);
  EncodedBody body;
  encode_mv_body_chunked(set, body, &held);
  StoredChunks chunks;
  for (const ValueChunk& c : body.chunks) chunks.refs.push_back(c.hash);
  for (const ValueChunk& c : old.chunks) chunks.data.emplace_back(c.hash, c.data);
  for (const ValueChunk& c : body.chunks)
    if (!c.held) chunks.data.emplace_back(c.hash, c.data);
  std::sort(chunks.data.begin(), chunks.data.end());
  chunks.data.erase(std::unique(chunks.data.begin(), chunks.data.end()), chunks.data.end());
  AttributeSet back;
  Status s = decode_mv_body(body.body, back, body.chunked() ? &chunks : nullptr);  // no list that long: layout 1
  EXPECT_TRUE(s.ok()) << s.to_string();
  return back;
}

// A group of `n` members as read back from the store: decoded from its chunks, so its list
// remembers them. `body` gets the encoding.
AttributeSet read_back(size_t n, EncodedBody& body) {
  AttributeSet set;
  set.set(kMember, members(n));
  set.set(2, {"Huge"});
  encode_mv_body_chunked(set, body);
  AttributeSet back;
  StoredChunks chunks = stored(body);
  EXPECT_TRUE(decode_mv_body(body.body, back, &chunks).ok());
  EXPECT_EQ(back, set);
  return back;
}

TEST(ValueChunksRememberedCut, AListReadFromItsChunksSavesAsThemWithoutBytes) {
  EncodedBody body;
  AttributeSet set = read_back(20000, body);
  auto cut = set.chunk_cut(kMember);
  ASSERT_NE(cut, nullptr);
  StoredChunks chunks = stored(body);
  EXPECT_EQ(*cut, chunks.refs);  // in list order, one per chunk the list was read from
  EXPECT_EQ(set.chunk_cut(2), nullptr);  // a short list has none
  const std::vector<uint64_t> held = held_hashes(body);
  EncodedBody again;
  encode_mv_body_chunked(set, again, &held);
  EXPECT_EQ(again.body, body.body);  // byte for byte what a new cut gives
  for (const ValueChunk& c : again.chunks) {
    EXPECT_TRUE(c.held);
    EXPECT_TRUE(c.data.empty());
  }
  // Without the chunks held (a new row, or the store lost them) the list is cut again.
  EncodedBody fresh;
  encode_mv_body_chunked(set, fresh, nullptr);
  EXPECT_EQ(fresh.body, body.body);
  for (const ValueChunk& c : fresh.chunks) EXPECT_FALSE(c.data.empty());
  // A cut made while encoding is remembered too.
  AttributeSet built;
  built.set(kMember, members(20000));
  EXPECT_EQ(built.chunk_cut(kMember), nullptr);
  EncodedBody first;
  encode_mv_body_chunked(built, first);
  ASSERT_NE(built.chunk_cut(kMember), nullptr);
  EXPECT_EQ(*built.chunk_cut(kMember), stored(first).refs);
}

// Every way to change the list drops its cut: saved over the old chunks, each decodes to the
// changed values — also when the change keeps the count (one value replaced) or the block.
TEST(ValueChunksRememberedCut, EveryChangeToTheListIsSavedInFull) {
  const std::string replaced = "CN=Member 4321,OU=People,DC=Example,DC=Com";
  const std::string newcomer = "CN=Newcomer,OU=People,DC=Example,DC=Com";
  using Change = std::function<void(AttributeSet&)>;
  const std::vector<std::pair<const char*, Change>> changes = {
      {"set, same count", [&](AttributeSet& s) {
         ValueList v = s.get(kMember).to_list();
         v[4321] = newcomer;
         s.set(kMember, std::move(v));
       }},
      {"set, shorter", [&](AttributeSet& s) { s.set(kMember, members(15000)); }},
      {"add_value", [&](AttributeSet& s) { s.add_value(kMember, newcomer); }},
      {"remove_value", [&](AttributeSet& s) { s.remove_value(kMember, replaced); }},
      {"remove then add (same count)", [&](AttributeSet& s) {
         s.remove_value(kMember, replaced);
         s.add_value(kMember, newcomer);
       }},
      {"take, change in place, set back", [&](AttributeSet& s) {
         ValueList v = s.take(kMember);
         v[10] = newcomer;
         s.set(kMember, std::move(v));
       }},
      {"take, set back unchanged", [&](AttributeSet& s) { s.set(kMember, s.take(kMember)); }},
      {"erase", [&](AttributeSet& s) { s.erase(kMember); }},
      {"shrunk below the out-of-line size", [&](AttributeSet& s) { s.set(kMember, members(300)); }},
      {"another attribute set", [&](AttributeSet& s) { s.set(3, {"x"}); }},
      {"assigned a copy of another set", [&](AttributeSet& s) {
         AttributeSet other;
         other.set(kMember, members(20000, 99));
         s = other;
       }},
      {"built again", [&](AttributeSet& s) {
         AttributeSet::Builder b;
         b.add(kMember, members(20000, 5));
         s = b.finish();
       }},
  };
  for (const auto& [name, change] : changes) {
    EncodedBody old;
    AttributeSet set = read_back(20000, old);
    ASSERT_NE(set.chunk_cut(kMember), nullptr);
    change(set);
    AttributeSet want = set;  // a copy: whatever cut `set` has, the values are what counts
    EXPECT_EQ(saved_over(set, old), want) << name;
    // And saved once more, now over its own chunks (the cut remembered at that save).
    EncodedBody mine;
    encode_mv_body_chunked(set, mine);
    if (mine.chunked()) {
      EXPECT_EQ(saved_over(set, mine), want) << name;
    }
  }
}

// Copies share the cut (the same values) until one of them changes; a moved set keeps it.
TEST(ValueChunksRememberedCut, CopiesAndMovesKeepACutOnlyForTheSameValues) {
  EncodedBody old;
  AttributeSet original = read_back(20000, old);
  AttributeSet copy = original;
  ASSERT_NE(copy.chunk_cut(kMember), nullptr);
  original.remove_value(kMember, "CN=Member 7,OU=People,DC=Example,DC=Com");
  EXPECT_EQ(original.chunk_cut(kMember), nullptr);
  ASSERT_NE(copy.chunk_cut(kMember), nullptr);
  EXPECT_EQ(saved_over(copy, old).get(kMember).size(), 20000u);
  EXPECT_EQ(saved_over(original, old), original);
  AttributeSet moved = std::move(copy);
  ASSERT_NE(moved.chunk_cut(kMember), nullptr);
  EXPECT_EQ(saved_over(moved, old).get(kMember).size(), 20000u);
  moved.add_value(kMember, "CN=Newcomer,OU=People,DC=Example,DC=Com");
  EXPECT_EQ(saved_over(moved, old), moved);
}

// Through the store: a group read back and saved unchanged cuts nothing and writes no chunk;
// one value changed in its pending import (the delta import of a one-member change) cuts that
// list alone, and the row reads back as written.
TEST_F(StoreTest, AnUnchangedHugeListReadFromTheStoreSavesWithoutANewCut) {
  auto store = open_store();
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->put_cs(huge_group(10, 50000)).ok());
  store.reset();
  store = open_store(OpenMode::kMustExist);
  ASSERT_NE(store, nullptr);
  std::optional<CsObject> group = read_cs(*store, 10);
  ASSERT_TRUE(group.has_value());
  ASSERT_NE(group->hologram.plain().chunk_cut(kMember), nullptr);
  const std::vector<uint64_t> cut = *group->hologram.plain().chunk_cut(kMember);
  group->pending_import = PendingImportKind::kUpdate;
  group->import_state = group->hologram;
  group->import_state.plain().remove_value(kMember, "CN=Member 777,OU=People,DC=Example,DC=Com");
  store->reset_write_stats();
  ASSERT_TRUE(store->begin().ok());
  ASSERT_TRUE(store->put_cs_many({&*group}).ok());
  ASSERT_TRUE(store->commit().ok());
  EXPECT_LE(store->write_stats().chunks_written, 2u);
  EXPECT_EQ(*group->hologram.plain().chunk_cut(kMember), cut);
  ASSERT_NE(group->import_state.plain().chunk_cut(kMember), nullptr);
  std::optional<CsObject> back = read_cs(*store, 10);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(*back, *group);
  // The synchronization then makes the pending import the hologram: saved as it was cut.
  group->hologram = std::move(group->import_state);
  group->import_state.clear();
  group->pending_import = PendingImportKind::kNone;
  store->reset_write_stats();
  ASSERT_TRUE(store->put_cs(*group).ok());
  EXPECT_EQ(store->write_stats().chunks_written, 0u);
  EXPECT_EQ(read_cs(*store, 10), *group);
  auto report = store->check_value_chunks(10);
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->findings.empty()) << report->findings[0];
}

TEST_F(StoreTest, HugeAndSmallObjectsRoundTrip) {
  auto store = open_store();
  ASSERT_NE(store, nullptr);
  CsObject group = huge_group(10, 20000);
  group.pending_import = PendingImportKind::kUpdate;
  group.import_state = group.hologram;
  group.import_state.plain().remove_value(kMember, "CN=Member 5,OU=People,DC=Example,DC=Com");
  group.pending_export.kind = PendingExportKind::kUpdate;
  PendingChanges::Builder changes;
  changes.add(kMember, ValueOp::kAdd, members(3000));
  group.pending_export.changes = changes.finish();
  group.unconfirmed.plain().set(kMember, members(600));
  CsObject small = sample_cs(11, 1, "CN=Small");
  MvObject mv;
  mv.id = 20;
  mv.object_type = "group";
  mv.attributes.plain().set(kMember, members(20000));
  mv.attributes.plain().set(2, {"Huge"});
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
  mv.attributes.plain().set(kMember, group.hologram.plain().get(kMember).to_list());
  ASSERT_TRUE(store->put_cs(group).ok());
  ASSERT_TRUE(store->put_mv(mv).ok());
  const uint64_t full_bytes = store->write_stats().chunk_bytes_written;
  ASSERT_GT(full_bytes, 2u * 100000u * 40u);
  const int64_t chunks_before = count_chunks(path_);

  // Reopen: the store must find what the row holds without having written it itself.
  store.reset();
  store = open_store(OpenMode::kMustExist);
  ASSERT_NE(store, nullptr);
  group.hologram.plain().remove_value(kMember, "CN=Member 777,OU=People,DC=Example,DC=Com");
  mv.attributes.plain().add_value(kMember, "CN=Newcomer,OU=People,DC=Example,DC=Com");
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
  v2.hologram.plain().set(kMember, members(600));
  v3.hologram.plain().remove_value(kMember, "CN=Member 4000,OU=People,DC=Example,DC=Com");
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
  mv.attributes.plain().set(kMember, members(3000));
  ASSERT_TRUE(store->put_connector(ConnectorRow{1, "AD", "{}"}).ok());
  ASSERT_TRUE(store->put_connector(ConnectorRow{2, "Cloud", "{}"}).ok());
  for (const CsObject* o : {&a, &b, &c}) ASSERT_TRUE(store->put_cs(*o).ok());
  ASSERT_TRUE(store->put_mv(mv).ok());
  const int64_t per_object = count_chunks(path_) / 4;
  ASSERT_GT(per_object, 1);

  a.hologram.plain().set(kMember, members(10));  // back to inline
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
  mv.attributes.plain().set(kMember, members(3000));
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
    const std::string body = encode_attribute_set(mv.attributes.thaw());
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
  group.hologram.plain().add_value(kMember, "CN=Newcomer");
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
