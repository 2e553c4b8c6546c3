// The compact string types of the in-memory objects (model/compact_string.h,
// model/interned_name.h): empty forms, the inline / heap boundary of ShortString, copies,
// moves, self-assignment, comparison with every string-like kind, raw bytes with NULs, and
// interning from many threads at once.
#include <gtest/gtest.h>

#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include "model/compact_string.h"
#include "model/interned_name.h"
#include "model/memory_usage.h"
#include "model/objects.h"

namespace idsync {
namespace {

using namespace std::string_literals;

template <class S>
class CompactStringTypesTest : public ::testing::Test {};
using StringTypes = ::testing::Types<CompactString, ShortString>;
TYPED_TEST_SUITE(CompactStringTypesTest, StringTypes);

// Lengths around ShortString's 16 inline bytes and well past them.
const std::vector<size_t> kLengths = {0, 1, 15, 16, 17, 64, 4000};

std::string bytes_of(size_t n) {
  std::string s;
  for (size_t i = 0; i < n; ++i) s.push_back(static_cast<char>(i * 37 + 1));
  return s;
}

TYPED_TEST(CompactStringTypesTest, EmptyByDefaultAndAfterClear) {
  TypeParam s;
  EXPECT_TRUE(s.empty());
  EXPECT_EQ(s.size(), 0u);
  EXPECT_EQ(s, "");
  EXPECT_EQ(s.heap_block(), nullptr) << "an empty string owns no block";
  s = "CN=x";
  EXPECT_FALSE(s.empty());
  s.clear();
  EXPECT_TRUE(s.empty());
  EXPECT_EQ(s.heap_block(), nullptr);
  s = std::string();
  EXPECT_TRUE(s.empty());
  EXPECT_EQ(s.heap_block(), nullptr) << "assigning an empty string frees the block";
}

TYPED_TEST(CompactStringTypesTest, KeepsEveryLengthByteForByte) {
  for (size_t n : kLengths) {
    std::string want = bytes_of(n);
    TypeParam s(want);
    EXPECT_EQ(s.size(), n);
    EXPECT_EQ(std::string_view(s), want);
    EXPECT_EQ(s.str(), want);
    EXPECT_EQ(s, want);
    EXPECT_EQ(std::string(s.begin(), s.end()), want);
  }
}

TYPED_TEST(CompactStringTypesTest, EmbeddedNulsAreBytes) {
  std::string raw = "\0a\0\0b"s;
  TypeParam s(raw);
  EXPECT_EQ(s.size(), 5u);
  EXPECT_EQ(s, raw);
  EXPECT_NE(s, "\0a\0\0c"s);
  EXPECT_NE(s, "") << "a leading NUL is not the end of the string";
  std::string guid = "\0\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\0"s;
  ASSERT_EQ(guid.size(), 16u);
  TypeParam g(guid);
  EXPECT_EQ(g.size(), 16u);
  EXPECT_EQ(g, guid);
}

TYPED_TEST(CompactStringTypesTest, CopiesAreIndependentAndMovesSteal) {
  for (size_t n : kLengths) {
    std::string want = bytes_of(n);
    TypeParam a(want);
    TypeParam b(a);
    EXPECT_EQ(b, want);
    if (n != 0) {
      EXPECT_TRUE(a.heap_block() == nullptr || a.heap_block() != b.heap_block()) << "a copy has its own block";
    }
    a = "changed";
    EXPECT_EQ(b, want) << "changing the original leaves the copy";
    const void* block = b.heap_block();
    TypeParam c(std::move(b));
    EXPECT_EQ(c, want);
    EXPECT_EQ(c.heap_block(), block) << "a move takes the block, no copy";
    EXPECT_TRUE(b.empty()) << "a moved-from string is empty";  // NOLINT(bugprone-use-after-move)
    TypeParam d("x");
    d = std::move(c);
    EXPECT_EQ(d, want);
    EXPECT_TRUE(c.empty());  // NOLINT(bugprone-use-after-move)
    auto& alias = d;
    d = alias;  // self-assignment keeps the bytes
    EXPECT_EQ(d, want);
    d = std::move(alias);
    EXPECT_EQ(d, want) << "self-move keeps the bytes";
  }
}

TYPED_TEST(CompactStringTypesTest, AssignFromItsOwnBytes) {
  for (size_t n : kLengths) {
    if (n < 2) continue;
    std::string want = bytes_of(n);
    TypeParam s(want);
    s = std::string_view(s).substr(1);  // the source lives in the block being replaced
    EXPECT_EQ(s, want.substr(1));
  }
}

TYPED_TEST(CompactStringTypesTest, ComparesWithEveryStringKind) {
  TypeParam a("CN=Alice"), b("CN=Bob"), a2(std::string("CN=Alice"));
  EXPECT_TRUE(a == a2);
  EXPECT_FALSE(a == b);
  EXPECT_TRUE(a != b);
  EXPECT_TRUE(a == "CN=Alice");
  EXPECT_TRUE("CN=Alice" == a);
  EXPECT_TRUE(a == std::string("CN=Alice"));
  EXPECT_TRUE(std::string("CN=Alice") == a);
  EXPECT_TRUE(a == std::string_view("CN=Alice"));
  EXPECT_FALSE(a == "cn=alice") << "comparison is byte for byte, case included";
  EXPECT_TRUE(a < b);
  EXPECT_TRUE(a < "CN=Alicf");
  EXPECT_TRUE(TypeParam("ab") < TypeParam("abc")) << "a prefix sorts first";
  std::set<TypeParam> ordered{b, a, a2};
  EXPECT_EQ(ordered.size(), 2u);
  EXPECT_EQ(*ordered.begin(), a);
  std::unordered_set<TypeParam> hashed{a, a2, b};
  EXPECT_EQ(hashed.size(), 2u);
  EXPECT_EQ(std::hash<TypeParam>{}(a), std::hash<std::string_view>{}("CN=Alice"));
}

TYPED_TEST(CompactStringTypesTest, ConcatenatesAndPrints) {
  TypeParam dn("OU=People");
  EXPECT_EQ("CN=x," + dn, "CN=x,OU=People");
  EXPECT_EQ(std::string("CN=x,") + dn, "CN=x,OU=People");
  EXPECT_EQ(dn + ",DC=x", "OU=People,DC=x");
  std::ostringstream out;
  out << dn;
  EXPECT_EQ(out.str(), "OU=People");
  std::string s = "DN: ";
  s += dn;
  EXPECT_EQ(s, "DN: OU=People");
}

TEST(CompactStringTest, IsOnePointerAndNulTerminated) {
  static_assert(sizeof(CompactString) == sizeof(void*));
  CompactString s("CN=x");
  EXPECT_STREQ(s.c_str(), "CN=x");
  EXPECT_STREQ(CompactString().c_str(), "");
  HeapBytes b = heap_bytes(s);
  EXPECT_EQ(b.payload, 4u);
  EXPECT_GE(b.allocated, 4u + 4u + 1u) << "size prefix, bytes and NUL in one block";
  EXPECT_EQ(heap_bytes(CompactString()).allocated, 0u);
}

TEST(ShortStringTest, SixteenBytesInlineSeventeenOnTheHeap) {
  ShortString guid(bytes_of(16));
  EXPECT_TRUE(guid.is_inline());
  EXPECT_EQ(guid.heap_block(), nullptr);
  EXPECT_EQ(heap_bytes(guid).allocated, 0u) << "a GUID anchor costs no heap block";
  ShortString longer(bytes_of(17));
  EXPECT_FALSE(longer.is_inline());
  EXPECT_NE(longer.heap_block(), nullptr);
  EXPECT_GT(heap_bytes(longer).allocated, 17u);
  // Switching forms in both directions frees or takes the block.
  longer = bytes_of(3);
  EXPECT_TRUE(longer.is_inline());
  EXPECT_EQ(longer, bytes_of(3));
  guid = bytes_of(40);
  EXPECT_FALSE(guid.is_inline());
  EXPECT_EQ(guid, bytes_of(40));
  ShortString a(bytes_of(5)), b(bytes_of(30));
  a.swap(b);
  EXPECT_EQ(a, bytes_of(30));
  EXPECT_EQ(b, bytes_of(5));
}

TEST(InternedNameTest, EqualNamesShareOneCopy) {
  InternedName a("user"), b(std::string("us") + "er"), c("group"), empty;
  EXPECT_EQ(a, b);
  EXPECT_EQ(a.identity(), b.identity()) << "one copy per name";
  EXPECT_NE(a.identity(), c.identity());
  EXPECT_NE(a, c);
  EXPECT_TRUE(empty.empty());
  EXPECT_EQ(empty.identity(), nullptr);
  EXPECT_EQ(InternedName("").identity(), nullptr);
  EXPECT_EQ(a, "user");
  EXPECT_NE(a, "User") << "interning keeps the case as given";
  EXPECT_STREQ(a.c_str(), "user");
  EXPECT_EQ(a.string(), "user");
  EXPECT_EQ(empty.string(), "");
  a = "contact";
  EXPECT_EQ(a, "contact");
  EXPECT_EQ(b, "user") << "an assignment changes only that holder";
}

TEST(InternedNameTest, InternsFromManyThreadsAtOnce) {
  // Every thread interns the same names (and a few of its own) in a different order: each
  // name must end with exactly one copy, whichever thread inserted it.
  constexpr int kThreads = 8, kNames = 200;
  std::vector<std::vector<const void*>> seen(kThreads, std::vector<const void*>(kNames));
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([t, &seen] {
      for (int i = 0; i < kNames; ++i) {
        int n = (i * 7 + t * 13) % kNames;
        InternedName name("concurrent-type-" + std::to_string(n));
        seen[t][n] = name.identity();
        InternedName own("thread-" + std::to_string(t) + "-" + std::to_string(i % 3));
        EXPECT_EQ(own.str(), "thread-" + std::to_string(t) + "-" + std::to_string(i % 3));
      }
    });
  }
  for (auto& th : threads) th.join();
  std::set<const void*> distinct;
  for (int n = 0; n < kNames; ++n) {
    for (int t = 1; t < kThreads; ++t) EXPECT_EQ(seen[t][n], seen[0][n]) << "name " << n;
    distinct.insert(seen[0][n]);
    EXPECT_EQ(InternedName("concurrent-type-" + std::to_string(n)).identity(), seen[0][n]);
  }
  EXPECT_EQ(distinct.size(), static_cast<size_t>(kNames));
}

TEST(CsObjectLayoutTest, FitsInOneHundredTwelveBytes) {
  // Two of these per directory object at a million users: each 8 bytes here is 16 MB.
  EXPECT_LE(sizeof(CsObject), 112u);
  EXPECT_LE(sizeof(MvObject), 24u);
  CsObject o;
  o.placeholder = true;
  o.unresolved_refs = true;
  EXPECT_TRUE(o.placeholder);
  EXPECT_FALSE(o.provisioned) << "the packed flags stay apart";
  EXPECT_FALSE(o.export_error);
  EXPECT_TRUE(o.unresolved_refs);
  o.pending_import = PendingImportKind::kDeleteAdd;  // the largest value of each packed enum
  o.state = ConnectorState::kFiltered;
  o.pending_export.kind = PendingExportKind::kDelete;
  o.connector = 0xffffffffu;
  o.anchor = std::string(16, '\xff');
  EXPECT_EQ(o.pending_import, PendingImportKind::kDeleteAdd);
  EXPECT_EQ(o.state, ConnectorState::kFiltered);
  EXPECT_TRUE(o.placeholder && o.unresolved_refs && !o.provisioned && !o.export_error);
  // The fields in the pending export's tail padding survive assigning a whole new one.
  o.pending_export = PendingExport{};
  EXPECT_EQ(o.pending_export.kind, PendingExportKind::kNone);
  EXPECT_EQ(o.connector, 0xffffffffu);
  EXPECT_EQ(o.anchor, std::string(16, '\xff'));
  EXPECT_EQ(o.pending_import, PendingImportKind::kDeleteAdd);
  EXPECT_TRUE(o.placeholder && o.unresolved_refs);
}

TEST(CsObjectLayoutTest, EncodesTheSameBytesAsBefore) {
  // The store's blob of a CS object is unchanged by the compact fields: strings as varint
  // length + bytes, the four flags as one varint in the order placeholder, provisioned,
  // export_error, unresolved_refs. The expected bytes are the layout-1 encoding, spelled out.
  CsObject o;
  o.import_dn = "CN=New";
  o.pending_export.kind = PendingExportKind::kUpdate;
  o.pending_export.new_dn = "CN=N2";
  o.provisioned = true;
  o.unresolved_refs = true;
  o.error = "bad";
  std::string blob = encode_cs_body(o);
  CsObject back;
  ASSERT_TRUE(decode_cs_body(blob, back).ok());
  EXPECT_EQ(back.import_dn, "CN=New");
  EXPECT_EQ(back.pending_export.new_dn, "CN=N2");
  EXPECT_EQ(back.error, "bad");
  EXPECT_TRUE(back.provisioned && back.unresolved_refs && !back.placeholder && !back.export_error);
  EXPECT_EQ(encode_cs_body(back), blob);
  // layout 1, empty hologram, no pending import, empty import state, import DN, export kind
  // update, rename target, no changes, no unconfirmed values, flags 2|8, error.
  EXPECT_EQ(blob, "\x01\x00\x00\x00" "\x06" "CN=New" "\x02" "\x05" "CN=N2" "\x00\x00" "\x0a" "\x03" "bad"s);
}

}  // namespace
}  // namespace idsync
