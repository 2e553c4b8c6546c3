// PendingChanges (model/pending_changes.h): a pending export's changes in one heap block per
// object, read back change by change in id order, in the narrow (u16) or wide (u32) form, with
// an exact heap count and the store's bytes unchanged (issue 5).
#include "model/pending_changes.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/memory_usage.h"
#include "model/objects.h"
#include "stored_chunks.h"

namespace idsync {
namespace {

struct Change {
  AttrId id;
  ValueOp op;
  ValueList values;
};

ValueList members(size_t n) {
  ValueList out;
  for (size_t i = 0; i < n; ++i) out.push_back("CN=Member " + std::to_string(i) + ",OU=People,DC=example,DC=com");
  return out;
}

PendingChanges build(const std::vector<Change>& changes) {
  PendingChanges::Builder b;
  for (const Change& c : changes) b.add(c.id, c.op, c.values);
  return b.finish();
}

// The list as plain changes, in its order, read through operator[].
std::vector<Change> read_back(const PendingChanges& list) {
  std::vector<Change> out;
  for (size_t i = 0; i < list.size(); ++i) out.push_back({list[i].id, list[i].op, list[i].values.to_list()});
  return out;
}

void expect_same(const std::vector<Change>& got, const std::vector<Change>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(got[i].id, want[i].id) << i;
    EXPECT_EQ(got[i].op, want[i].op) << i;
    EXPECT_EQ(got[i].values, want[i].values) << i;
  }
}

size_t value_count(const std::vector<Change>& changes) {
  size_t n = 0;
  for (const Change& c : changes) n += c.values.size();
  return n;
}

size_t value_bytes(const std::vector<Change>& changes) {
  size_t n = 0;
  for (const Change& c : changes)
    for (const std::string& v : c.values) n += v.size();
  return n;
}

// The layout of model/pending_changes.h: head, entries and sentinel, offsets, bytes.
size_t expected_block_bytes(const std::vector<Change>& changes, size_t t) {
  return t + 2 * t * (changes.size() + 1) + t * (value_count(changes) + 1) + value_bytes(changes);
}

TEST(PendingChangesTest, EmptyIsOnePointerAndHoldsNoBlock) {
  static_assert(sizeof(PendingChanges) == 8);
  PendingChanges p;
  EXPECT_TRUE(p.empty());
  EXPECT_EQ(p.size(), 0u);
  EXPECT_TRUE(p.begin() == p.end());
  EXPECT_EQ(p.heap_block(), nullptr);
  EXPECT_EQ(p.block_bytes(), 0u);
  EXPECT_FALSE(p.narrow());
  EXPECT_EQ(p.find(3), 0u) << "absent: size()";
  PendingChanges::Builder b;
  EXPECT_EQ(b.finish().heap_block(), nullptr) << "no change allocates nothing";
  EXPECT_EQ(p, PendingChanges());
  const HeapBytes h = heap_bytes(p);
  EXPECT_EQ(h.allocated, 0u);
  EXPECT_EQ(h.payload, 0u);
  EXPECT_EQ(h.values, 0u);
}

TEST(PendingChangesTest, OneChangeRoundTrips) {
  const std::vector<Change> want = {{12, ValueOp::kReplace, {"Alice"}}};
  const PendingChanges p = build(want);
  ASSERT_EQ(p.size(), 1u);
  expect_same(read_back(p), want);
  EXPECT_TRUE(p.narrow());
  EXPECT_EQ(p.block_bytes(), expected_block_bytes(want, 2));
  EXPECT_EQ(p.find(12), 0u);
  EXPECT_EQ(p.find(11), 1u);
  EXPECT_EQ(p.find(13), 1u);
}

// Given in any order, read in id order; the changes of one id keep the order they were given
// in (the outbound plan stages an attribute's add before its delete; the list keeps any order).
TEST(PendingChangesTest, ManyAttributesComeBackInIdOrderKeepingTheOrderWithinAnId) {
  const std::vector<Change> given = {
      {40, ValueOp::kReplace, {"Sales"}},
      {7, ValueOp::kAdd, {"CN=a,DC=x", "CN=b,DC=x"}},
      {3, ValueOp::kReplace, {"Ann"}},
      {7, ValueOp::kDelete, {"CN=c,DC=x"}},
      {25, ValueOp::kDelete, {"CN=z,DC=x"}},
      {25, ValueOp::kAdd, {"CN=y,DC=x"}},
      {1, ValueOp::kReplace, {}},  // removes the attribute
      {9, ValueOp::kDelete, {}},   // removes every value
  };
  const PendingChanges p = build(given);
  std::vector<Change> want = given;
  std::stable_sort(want.begin(), want.end(), [](const Change& a, const Change& b) { return a.id < b.id; });
  expect_same(read_back(p), want);
  EXPECT_EQ(want[2].op, ValueOp::kAdd);
  EXPECT_EQ(want[3].op, ValueOp::kDelete);
  EXPECT_EQ(want[5].op, ValueOp::kDelete) << "the order given, not the op's order";
  // The iterator yields the same as operator[].
  size_t i = 0;
  for (const PendingChange c : p) {
    EXPECT_EQ(c.id, want[i].id);
    EXPECT_EQ(c.op, want[i].op);
    EXPECT_TRUE(c.values == want[i].values);
    ++i;
  }
  EXPECT_EQ(i, want.size());
  EXPECT_EQ(p.begin()->id, 1u);
  // find gives the first change of an id.
  EXPECT_EQ(p.find(7), 2u);
  EXPECT_EQ(p.find(25), 5u);
  EXPECT_EQ(p.find(40), 7u);
  EXPECT_EQ(p.find(8), p.size());
  EXPECT_EQ(p.find(100), p.size());
  EXPECT_TRUE(p[0].values.empty());
  EXPECT_TRUE(p[4].values.empty());
  EXPECT_EQ(p.block_bytes(), expected_block_bytes(want, 2));
}

TEST(PendingChangesTest, BinaryValuesWithNulsAndEmptyValuesRoundTrip) {
  const std::string nuls("\0\x01\xff\0", 4);
  const std::vector<Change> want = {
      {2, ValueOp::kReplace, {nuls, "", std::string(1, '\0')}},
      {5, ValueOp::kAdd, {"", ""}},
      {6, ValueOp::kReplace, {std::string(300, '\xfe')}},
  };
  const PendingChanges p = build(want);
  expect_same(read_back(p), want);
  EXPECT_EQ(p[0].values[0].size(), 4u);
  EXPECT_EQ(p[0].values[0], nuls);
  EXPECT_EQ(heap_bytes(p).payload, value_bytes(want));
}

TEST(PendingChangesTest, ValueByValueBuildsTheSameAsWholeChanges) {
  const ValueList adds = members(5), deletes = members(2);
  PendingChanges::Builder b;
  b.start(8, ValueOp::kDelete, deletes.size());
  for (const std::string& v : deletes) b.value(v);
  b.start(4, ValueOp::kAdd);
  for (const std::string& v : adds) b.value(v);
  b.start(6, ValueOp::kDelete);  // started, no value: a delete of every value
  EXPECT_EQ(b.size(), 3u);
  const PendingChanges p = b.finish();
  EXPECT_EQ(b.size(), 0u) << "finish empties the builder";
  EXPECT_EQ(p, build({{4, ValueOp::kAdd, adds}, {6, ValueOp::kDelete, {}}, {8, ValueOp::kDelete, deletes}}));
  // Reused: nothing of the first list leaks into the second; reset drops what was staged.
  b.add(1, ValueOp::kReplace, ValueList{"x"});
  b.reset();
  b.add(2, ValueOp::kReplace, ValueList{"y"});
  expect_same(read_back(b.finish()), {{2, ValueOp::kReplace, {"y"}}});
}

// A big group losing 10,000 members: one change of 10,000 values in the wide form, every value
// read back, staged value by value as the outbound plan does.
TEST(PendingChangesTest, TenThousandValueMemberDeleteRoundTripsInTheWideForm) {
  const ValueList gone = members(10000);
  PendingChanges::Builder b;
  b.add(3, ValueOp::kReplace, ValueList{"All Staff"});
  b.start(7, ValueOp::kDelete);
  for (const std::string& v : gone) b.value(v);
  b.add(7, ValueOp::kAdd, ValueList{"CN=New,DC=example,DC=com"});
  const PendingChanges p = b.finish();
  const std::vector<Change> want = {{3, ValueOp::kReplace, {"All Staff"}},
                                    {7, ValueOp::kDelete, gone},
                                    {7, ValueOp::kAdd, {"CN=New,DC=example,DC=com"}}};
  EXPECT_FALSE(p.narrow()) << "over 64 KiB";
  expect_same(read_back(p), want);
  EXPECT_EQ(p[1].values.size(), 10000u);
  EXPECT_EQ(p[1].values[9999], gone[9999]);
  EXPECT_EQ(p.block_bytes(), expected_block_bytes(want, 4));
  const HeapBytes h = heap_bytes(p);
  EXPECT_EQ(h.allocated, heap_block_size(p.heap_block()));
  EXPECT_EQ(h.values, 10002u);
  EXPECT_EQ(h.payload, value_bytes(want));
}

// The narrow form holds a block of at most 64 KiB (kNarrowMaxBytes), ids below 2^16 and fewer
// than 2^14 values (their index shares a u16 with the op); one byte, id or value more and the
// block is wide, and reads back the same.
TEST(PendingChangesTest, NarrowUpToSixtyFourKibibytesThenWide) {
  // One change of one value: head 2 + entries 8 + offsets 4 + the bytes.
  const size_t fixed = 2 + 4 * 2 + 2 * 2;
  const std::vector<Change> at_limit = {{1, ValueOp::kReplace, {std::string(kNarrowMaxBytes - fixed, 'a')}}};
  const PendingChanges narrow = build(at_limit);
  EXPECT_TRUE(narrow.narrow());
  EXPECT_EQ(narrow.block_bytes(), kNarrowMaxBytes);
  expect_same(read_back(narrow), at_limit);
  const std::vector<Change> over = {{1, ValueOp::kReplace, {std::string(kNarrowMaxBytes - fixed + 1, 'a')}}};
  const PendingChanges wide = build(over);
  EXPECT_FALSE(wide.narrow());
  EXPECT_EQ(wide.block_bytes(), expected_block_bytes(over, 4));
  expect_same(read_back(wide), over);
  EXPECT_NE(narrow, wide);

  const std::vector<Change> id_16 = {{65535, ValueOp::kAdd, {"x"}}};
  EXPECT_TRUE(build(id_16).narrow());
  const std::vector<Change> id_17 = {{65536, ValueOp::kAdd, {"x"}}, {2, ValueOp::kDelete, {"y"}}};
  const PendingChanges big_id = build(id_17);
  EXPECT_FALSE(big_id.narrow());
  EXPECT_EQ(big_id[1].id, 65536u);
  EXPECT_EQ(big_id.find(65536), 1u);

  // Empty values take no bytes: 2^14 - 1 of them fit the narrow form, 2^14 do not.
  const std::vector<Change> most = {{4, ValueOp::kAdd, ValueList((1u << 14) - 1, "")}, {5, ValueOp::kDelete, {}}};
  const PendingChanges most_values = build(most);
  EXPECT_TRUE(most_values.narrow());
  expect_same(read_back(most_values), most);
  const std::vector<Change> too_many = {{4, ValueOp::kAdd, ValueList(1u << 14, "")}, {5, ValueOp::kDelete, {}}};
  const PendingChanges too_many_values = build(too_many);
  EXPECT_FALSE(too_many_values.narrow());
  expect_same(read_back(too_many_values), too_many);
  EXPECT_EQ(too_many_values[1].op, ValueOp::kDelete) << "the op survives an index above 2^14";
}

TEST(PendingChangesTest, EqualityIsByChangesInTheirOrder) {
  const std::vector<Change> a = {{1, ValueOp::kReplace, {"a"}}, {2, ValueOp::kAdd, {"b", "c"}}};
  EXPECT_EQ(build(a), build(a));
  EXPECT_EQ(build(a), build({a[1], a[0]})) << "the ids put them in order";
  EXPECT_NE(build(a), build({{1, ValueOp::kReplace, {"a"}}, {2, ValueOp::kDelete, {"b", "c"}}})) << "the op";
  EXPECT_NE(build(a), build({{1, ValueOp::kReplace, {"a"}}, {2, ValueOp::kAdd, {"bc"}}})) << "the same bytes cut differently";
  EXPECT_NE(build(a), build({{1, ValueOp::kReplace, {"a"}}, {3, ValueOp::kAdd, {"b", "c"}}})) << "the id";
  EXPECT_NE(build(a), build({a[0]}));
  EXPECT_NE(build(a), PendingChanges());
  const Change add{7, ValueOp::kAdd, {"x"}}, del{7, ValueOp::kDelete, {"y"}};
  EXPECT_NE(build({add, del}), build({del, add})) << "the order within an id is part of the list";
}

TEST(PendingChangesTest, CopyAndMoveKeepTheChangesAndOwnership) {
  const std::vector<Change> want = {{1, ValueOp::kReplace, members(3)}, {4, ValueOp::kDelete, {}}};
  PendingChanges a = build(want);
  PendingChanges b = a;
  EXPECT_EQ(a, b);
  EXPECT_NE(a.heap_block(), b.heap_block()) << "a copy has its own block";
  const void* block = b.heap_block();
  PendingChanges c = std::move(b);
  EXPECT_EQ(c.heap_block(), block) << "a move takes the block";
  EXPECT_TRUE(b.empty());  // NOLINT(bugprone-use-after-move): moved-from is empty by contract
  PendingChanges& alias = c;
  c = alias;  // self-assignment keeps the changes
  expect_same(read_back(c), want);
  a = PendingChanges();
  EXPECT_EQ(a.heap_block(), nullptr);
  a = c;
  EXPECT_EQ(a, c);
}

// The exact byte count: one block of entries, offsets and bytes; the accounting reports the
// allocator's size of that block and the value bytes, nothing estimated.
TEST(PendingChangesTest, OneExactBlockAndTheAccountingCountsIt) {
  std::vector<Change> want;
  for (AttrId id = 1; id <= 25; ++id) want.push_back({id, ValueOp::kReplace, {"value of attribute " + std::to_string(id)}});
  want.push_back({30, ValueOp::kReplace, members(4)});
  const PendingChanges p = build(want);
  EXPECT_TRUE(p.narrow());
  EXPECT_EQ(p.block_bytes(), expected_block_bytes(want, 2));
  const HeapBytes h = heap_bytes(p);
  EXPECT_EQ(h.allocated, heap_block_size(p.heap_block()));
  EXPECT_GE(h.allocated, p.block_bytes());
  EXPECT_EQ(h.payload, value_bytes(want));
  EXPECT_EQ(h.values, value_count(want));
  EXPECT_EQ(h.slack, 0u);
  // Beside the values: 4 bytes per change, 2 per value and 8, before the allocator's rounding.
  EXPECT_EQ(p.block_bytes() - h.payload, 4 * want.size() + 2 * value_count(want) + 8);
}

CsObject with_changes(const std::vector<Change>& changes) {
  CsObject o;
  o.id = 7;
  o.dn = "CN=x,DC=example";
  o.pending_export.kind = PendingExportKind::kUpdate;
  o.pending_export.new_dn = "CN=y,DC=example";
  o.pending_export.changes = build(changes);
  return o;
}

TEST(PendingChangesTest, PendingExportChangesRoundTripThroughTheStoreBytes) {
  const CsObject o = with_changes({{3, ValueOp::kAdd, members(2)}, {5, ValueOp::kDelete, {}}, {9, ValueOp::kReplace, {"", "v"}}});
  CsObject decoded;
  ASSERT_TRUE(decode_cs_body(encode_cs_body(o), decoded).ok());
  EXPECT_EQ(decoded.pending_export, o.pending_export);
  EXPECT_EQ(decoded.pending_export.changes.thaw()[2].values, (ValueList{"", "v"}));
  EXPECT_EQ(encode_cs_body(decoded), encode_cs_body(o)) << "decoding and encoding again gives the same bytes";
  // The changes as the store has always written them: a count, then per change its id, op, a
  // value count and each value with its length (varints), found whole in the body.
  const std::string body = encode_cs_body(o);
  const std::string third = std::string("\x09\x02\x02") + std::string("\x00", 1) + "\x01v";
  EXPECT_NE(body.find(third), std::string::npos) << "id 9, op kReplace, 2 values: \"\" and \"v\"";
  const std::string second = std::string("\x05\x01", 2) + std::string("\x00", 1) + third;
  EXPECT_NE(body.find(std::string("\x03", 1) + "\x03" + std::string("\x00", 1) + "\x02"), std::string::npos)
      << "3 changes, then id 3, op kAdd, 2 values";
  EXPECT_NE(body.find(second), std::string::npos) << "id 5, op kDelete, no value, then the third change";
}

// A 10,000-value delete makes the body layout 2 (the list in chunks): decoded from its chunks
// it is the same list, and encoding it again gives the same body and chunks.
TEST(PendingChangesTest, AHugeMemberDeleteRoundTripsThroughTheChunkedLayout) {
  const CsObject o = with_changes({{2, ValueOp::kReplace, {"All Staff"}},
                                   {7, ValueOp::kDelete, members(10000)},
                                   {7, ValueOp::kAdd, {"CN=New,DC=example,DC=com"}}});
  EncodedBody body;
  encode_cs_body_chunked(o, body);
  ASSERT_TRUE(body.chunked());
  const StoredChunks chunks = stored(body);
  CsObject decoded;
  ASSERT_TRUE(decode_cs_body(body.body, decoded, &chunks).ok());
  EXPECT_EQ(decoded.pending_export, o.pending_export);
  EXPECT_EQ(decoded.pending_export.changes.thaw()[1].values, members(10000));
  EncodedBody again;
  encode_cs_body_chunked(decoded, again);
  EXPECT_EQ(again.body, body.body);
  ASSERT_EQ(again.chunks.size(), body.chunks.size());
  for (size_t i = 0; i < body.chunks.size(); ++i) EXPECT_EQ(again.chunks[i].hash, body.chunks[i].hash) << i;
}

// A damaged body is an error, not a partial list: the changes of the blob are all or nothing.
TEST(PendingChangesTest, ADamagedBodyIsAnErrorNamingTheObjectKind) {
  const std::string body = encode_cs_body(with_changes({{3, ValueOp::kAdd, members(2)}}));
  CsObject decoded;
  const Status s = decode_cs_body(std::string_view(body).substr(0, body.size() - 6), decoded);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("connector space object"), std::string::npos) << s.message();
}

}  // namespace
}  // namespace idsync
