// ColdChanges (model/cold_changes.h) over the shared cold block (model/cold_block.h): round
// trips of narrow pending-export blocks through the compressed form, what stays plain (empty,
// too small, a wide block), copies plain and equal, moves keeping the form, equality across
// forms, the heap accounting, and the store bytes of an object whose pending export is cold.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "model/cold_changes.h"
#include "model/memory_usage.h"
#include "model/objects.h"
#include "model/set_codec.h"

namespace idsync {
namespace {

// A provisioning add as the outbound plan stages it: every attribute of a user, kReplace.
PendingChanges add_of(int i) {
  PendingChanges::Builder b;
  const std::string n = std::to_string(i);
  b.add(1, ValueOp::kReplace, ValueList{"CN=User " + n + ",OU=People,DC=cloud,DC=example"});
  b.add(2, ValueOp::kReplace, ValueList{"user" + n + "@example.com"});
  b.add(3, ValueOp::kReplace, ValueList{"User " + n});
  b.add(4, ValueOp::kReplace, ValueList{"Department " + std::to_string(i % 17)});
  b.add(5, ValueOp::kReplace, ValueList{"smtp:user" + n + "@example.com", "SMTP:User." + n + "@example.com"});
  b.add(7, ValueOp::kReplace, ValueList{"Title of user " + std::to_string(i % 5), "+1 555 0100 " + n});
  b.add(9, ValueOp::kReplace, ValueList{std::string("\x01\x05\x00\x00", 4) + n + std::string(12, '\0')});
  return b.finish();
}

// An update: an add and a delete of one attribute, a kReplace of another, a kDelete of all.
PendingChanges update_of(int i) {
  PendingChanges::Builder b;
  b.add(40, ValueOp::kAdd, ValueList{"CN=User " + std::to_string(i + 1) + ",OU=People,DC=cloud,DC=example"});
  b.add(40, ValueOp::kDelete, ValueList{"CN=User " + std::to_string(i + 2) + ",OU=People,DC=cloud,DC=example"});
  b.add(3, ValueOp::kReplace, ValueList{"Renamed user " + std::to_string(i), "second value"});
  b.add(8, ValueOp::kDelete, ValueList{});
  b.add(4, ValueOp::kReplace, ValueList{"Department " + std::to_string(i % 17) + " and a longer description"});
  return b.finish();
}

std::unique_ptr<SetCodec> codec_for_adds() {
  std::vector<ColdChanges> blocks;
  for (int i = 0; i < 2000; ++i) blocks.emplace_back(add_of(i));
  std::vector<std::string_view> samples;
  for (const ColdChanges& c : blocks) samples.push_back(c.freezable_bytes());
  return SetCodec::train(samples);
}

const SetCodec& codec() {
  static std::unique_ptr<SetCodec> c = codec_for_adds();
  return *c;
}

// What a list holds, change by change, for comparing without the block.
std::vector<std::tuple<AttrId, ValueOp, ValueList>> contents(const PendingChanges& p) {
  std::vector<std::tuple<AttrId, ValueOp, ValueList>> out;
  for (const PendingChange c : p) out.emplace_back(c.id, c.op, c.values.to_list());
  return out;
}

void expect_round_trip(const PendingChanges& changes) {
  ColdChanges cold(changes);
  ASSERT_TRUE(cold.freezable());
  ASSERT_TRUE(cold.freeze(codec()));
  ASSERT_TRUE(cold.cold());
  EXPECT_FALSE(cold.empty());
  EXPECT_FALSE(cold.freezable()) << "a cold list is not frozen again";
  EXPECT_TRUE(cold.freezable_bytes().empty());
  EXPECT_EQ(cold.if_plain(), nullptr);
  EXPECT_EQ(cold.codec(), &codec());
  EXPECT_EQ(cold.thaw(), changes);
  PendingChanges scratch;
  const PendingChanges& seen = cold.view(scratch);
  EXPECT_EQ(&seen, &scratch) << "a cold list is thawed into the scratch";
  EXPECT_EQ(seen, changes);
  EXPECT_EQ(contents(seen), contents(changes));
  EXPECT_EQ(seen.block_bytes(), changes.block_bytes());
  EXPECT_EQ(cold, ColdChanges(changes)) << "equal contents, whatever the form";
  EXPECT_TRUE(cold.freeze(codec())) << "freezing a cold list again is a no-op";
}

TEST(ColdChangesTest, NarrowAddsAndUpdatesRoundTrip) {
  for (int i : {0, 1, 77, 1999, 123456}) {
    SCOPED_TRACE(i);
    ASSERT_TRUE(add_of(i).narrow());
    expect_round_trip(add_of(i));
    ASSERT_TRUE(update_of(i).narrow());
    expect_round_trip(update_of(i));  // laid out like the adds: the add codec still gains
  }
}

TEST(ColdChangesTest, EmptyAndTinyListsStayPlain) {
  ColdChanges empty;
  EXPECT_FALSE(empty.freezable());
  EXPECT_FALSE(empty.freeze(codec()));
  EXPECT_TRUE(empty.empty());
  EXPECT_FALSE(empty.cold());
  EXPECT_EQ(empty.codec(), nullptr);
  PendingChanges::Builder b;
  b.add(1, ValueOp::kReplace, ValueList{"x"});
  const PendingChanges tiny = b.finish();
  ColdChanges small(tiny);
  EXPECT_TRUE(small.freezable());
  EXPECT_FALSE(small.freeze(codec())) << "a 16-byte block: a cold block cannot be smaller";
  EXPECT_FALSE(small.cold());
  EXPECT_EQ(*small.if_plain(), tiny);
}

// A huge group's member change is wide: never compressed or copied, read in place.
TEST(ColdChangesTest, AWideBlockStaysPlainInPlace) {
  PendingChanges::Builder b;
  ValueList members;
  for (int i = 0; i < 3000; ++i) members.push_back("CN=User " + std::to_string(i) + ",OU=People,DC=cloud,DC=example");
  b.add(40, ValueOp::kAdd, members);
  ColdChanges wide(b.finish());
  ASSERT_NE(wide.if_plain(), nullptr);
  ASSERT_FALSE(wide.if_plain()->narrow());
  const void* block = wide.if_plain()->heap_block();
  EXPECT_FALSE(wide.freezable());
  EXPECT_TRUE(wide.freezable_bytes().empty());
  EXPECT_FALSE(wide.freeze(codec()));
  EXPECT_FALSE(wide.cold());
  EXPECT_EQ(wide.if_plain()->heap_block(), block) << "neither copied nor moved";
  PendingChanges scratch;
  EXPECT_EQ(&wide.view(scratch), wide.if_plain()) << "a plain list is read in place";
  EXPECT_TRUE(scratch.empty());
}

TEST(ColdChangesTest, CopiesArePlainAndEqualMovesKeepTheForm) {
  const PendingChanges changes = add_of(42);
  ColdChanges cold(changes);
  ASSERT_TRUE(cold.freeze(codec()));
  ColdChanges copy(cold);
  EXPECT_FALSE(copy.cold()) << "a copy never points at the codec";
  EXPECT_EQ(copy, cold);
  ColdChanges assigned;
  assigned = cold;
  EXPECT_FALSE(assigned.cold());
  EXPECT_EQ(*assigned.if_plain(), changes);
  ColdChanges moved(std::move(cold));
  EXPECT_TRUE(moved.cold());
  EXPECT_TRUE(cold.empty());  // NOLINT(bugprone-use-after-move): a moved-from list is empty
  ColdChanges target(add_of(1));
  target = std::move(moved);
  EXPECT_TRUE(target.cold());
  EXPECT_EQ(target.thaw(), changes);
  // Assigning plain changes over cold ones frees the cold block and holds the new ones.
  target = add_of(2);
  EXPECT_FALSE(target.cold());
  EXPECT_EQ(*target.if_plain(), add_of(2));
  ASSERT_TRUE(target.freeze(codec()));
  target.clear();
  EXPECT_TRUE(target.empty());
  EXPECT_FALSE(target.cold());
}

TEST(ColdChangesTest, EqualityComparesContentsAcrossForms) {
  ColdChanges a(add_of(11)), b(add_of(11)), c(add_of(12)), d(update_of(11));
  ASSERT_TRUE(a.freeze(codec()));
  EXPECT_EQ(a, b);
  EXPECT_EQ(b, a);
  ASSERT_TRUE(b.freeze(codec()));
  EXPECT_EQ(a, b) << "the same frame";
  ASSERT_TRUE(c.freeze(codec()));
  EXPECT_FALSE(a == c);
  ASSERT_TRUE(d.freeze(codec()));
  EXPECT_FALSE(a == d);
  EXPECT_FALSE(a == ColdChanges());
  EXPECT_FALSE(ColdChanges() == a);
  EXPECT_EQ(ColdChanges(), ColdChanges());
  // The same contents frozen with another codec (a retrained one) are equal too.
  std::vector<ColdChanges> blocks;
  for (int i = 0; i < 500; ++i) blocks.emplace_back(update_of(i));
  std::vector<std::string_view> samples;
  for (const ColdChanges& u : blocks) samples.push_back(u.freezable_bytes());
  std::unique_ptr<SetCodec> other = SetCodec::train(samples);
  ASSERT_NE(other, nullptr);
  ColdChanges e(add_of(11));
  ASSERT_TRUE(e.freeze(*other));
  EXPECT_EQ(e.codec(), other.get());
  EXPECT_EQ(a, e);
}

TEST(ColdChangesTest, HeapBytesCountTheColdBlockAndTheValuesItHolds) {
  ColdChanges cold(add_of(77));
  const HeapBytes plain = heap_bytes(cold);
  EXPECT_EQ(plain.allocated, heap_block_size(cold.if_plain()->heap_block()));
  ASSERT_TRUE(cold.freeze(codec()));
  const HeapBytes frozen = heap_bytes(cold);
  EXPECT_LT(frozen.allocated, plain.allocated);
  EXPECT_GT(frozen.allocated, 0u);
  EXPECT_EQ(frozen.payload, plain.payload) << "the values it holds, not how";
  EXPECT_EQ(frozen.values, plain.values);
  EXPECT_EQ(frozen.slack, 0u);
}

// The store encoder reads a cold pending export through one thaw: the bytes are the plain
// ones', and decoding them gives the plain changes back. The view thaws once per object.
TEST(ColdChangesTest, AColdPendingExportEncodesToThePlainBytes) {
  CsObject o;
  o.id = 7;
  o.dn = "CN=User 7,OU=People,DC=cloud,DC=example";
  o.pending_export.kind = PendingExportKind::kUpdate;
  o.pending_export.changes = update_of(7);
  const std::string plain = encode_cs_body(o);
  EncodedBody plain_chunked;
  encode_cs_body_chunked(o, plain_chunked);
  ASSERT_TRUE(o.pending_export.changes.freeze(codec()));
  EXPECT_EQ(encode_cs_body(o), plain);
  EncodedBody cold_chunked;
  encode_cs_body_chunked(o, cold_chunked);
  EXPECT_EQ(cold_chunked.body, plain_chunked.body);
  EXPECT_FALSE(cold_chunked.chunked());
  CsObject decoded;
  ASSERT_TRUE(decode_cs_body(plain, decoded).ok());
  EXPECT_FALSE(decoded.pending_export.changes.cold()) << "the decoder hands out plain changes";
  EXPECT_EQ(decoded.pending_export, o.pending_export);
  {
    CsSetsView sets(o);
    const PendingChanges* first = &sets.pending_changes();
    EXPECT_EQ(&sets.pending_changes(), first) << "thawed once";
    EXPECT_EQ(*first, update_of(7));
  }
}

// A narrow block long enough for the store's chunks (600 values, under 64 KiB) may be cold:
// the chunked body and its chunks are those of the plain list.
TEST(ColdChangesTest, AColdListLongEnoughForChunksEncodesToThePlainChunks) {
  CsObject o;
  o.id = 8;
  o.dn = "CN=Group,OU=Groups,DC=cloud,DC=example";
  o.pending_export.kind = PendingExportKind::kUpdate;
  PendingChanges::Builder b;
  ValueList members;
  for (int i = 0; i < 600; ++i) members.push_back("CN=U" + std::to_string(i) + ",DC=c");
  b.add(40, ValueOp::kAdd, members);
  b.add(3, ValueOp::kReplace, ValueList{"Group"});
  o.pending_export.changes = b.finish();
  ASSERT_TRUE(o.pending_export.changes.if_plain()->narrow());
  EncodedBody plain;
  encode_cs_body_chunked(o, plain);
  ASSERT_TRUE(plain.chunked());
  ASSERT_TRUE(o.pending_export.changes.freeze(codec()));
  EncodedBody cold;
  encode_cs_body_chunked(o, cold);
  EXPECT_EQ(cold.body, plain.body);
  ASSERT_EQ(cold.chunks.size(), plain.chunks.size());
  for (size_t i = 0; i < cold.chunks.size(); ++i) {
    EXPECT_EQ(cold.chunks[i].hash, plain.chunks[i].hash);
    EXPECT_EQ(cold.chunks[i].data, plain.chunks[i].data);
  }
}

}  // namespace
}  // namespace idsync
