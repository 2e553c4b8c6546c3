// The LDIF export's compact DN view (connectors/file/ldif_dn_directory.h) and its streamed DN
// snapshot: the same answers as the full directory state, in a fraction of the memory.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "../../connectors/file/ldif_dn_directory.h"
#include "../../connectors/file/ldif_dn_snapshot.h"
#include "temp_dir.h"

namespace idsync::file {
namespace {

namespace fs = std::filesystem;

EntryChange change(ChangeKind kind, std::string dn, std::string new_dn = {}) {
  EntryChange c;
  c.kind = kind;
  c.dn = std::move(dn);
  c.new_dn = std::move(new_dn);
  return c;
}

std::vector<std::string> live(const DnDirectory& d) {
  std::vector<std::string> out;
  d.for_each_live_dn([&](std::string_view dn) { out.emplace_back(dn); });
  return out;
}

TEST(DnDirectoryTest, AddsDeletesAndRejectsAsTheDirectoryWould) {
  DnDirectory d;
  ASSERT_TRUE(d.add_dn("OU=People,DC=corp", "t").ok());
  ASSERT_TRUE(d.add_dn("CN=Ann,OU=People,DC=corp", "t").ok());
  // The same DN however it is written: case and spaces do not make another entry.
  Status dup = d.add_dn("cn=ann, ou=people,dc=CORP", "ctx");
  EXPECT_EQ(dup.code(), ErrorCode::kConnectorError);
  EXPECT_EQ(dup.message(), "ctx: cannot add 'cn=ann, ou=people,dc=CORP': an entry with that DN already exists");
  EXPECT_TRUE(d.contains("CN=ANN,OU=People,DC=corp"));
  EntryChange mod = change(ChangeKind::kModify, "CN=Bob,OU=People,DC=corp");
  Status missing = d.apply(mod, "ctx");
  EXPECT_EQ(missing.message(), "ctx: cannot modify 'CN=Bob,OU=People,DC=corp': no such entry");
  EntryChange del = change(ChangeKind::kDelete, "cn=ann,ou=people,dc=corp");
  ASSERT_TRUE(d.apply(del, "t").ok());
  EXPECT_FALSE(d.contains("CN=Ann,OU=People,DC=corp"));
  EXPECT_FALSE(d.apply(del, "t").ok());
  ASSERT_TRUE(d.add_dn("CN=Ann,OU=People,DC=corp", "t").ok());  // free again after the delete
  EXPECT_EQ(d.live_count(), 2u);
  EXPECT_EQ(live(d), (std::vector<std::string>{"OU=People,DC=corp", "CN=Ann,OU=People,DC=corp"}));
  Status bad = d.add_dn("not a dn", "ctx");
  EXPECT_FALSE(bad.ok());
  EXPECT_EQ(d.live_count(), 2u);
}

TEST(DnDirectoryTest, ARenameMovesItsSubtreeAndKeepsTheOrder) {
  DnDirectory d;
  for (const char* dn : {"OU=People,DC=corp", "CN=Ann,OU=People,DC=corp", "OU=Sub,OU=People,DC=corp",
                         "CN=Bob,OU=Sub,OU=People,DC=corp", "CN=Cy,OU=Others,DC=corp", "OU=Former,DC=corp"})
    ASSERT_TRUE(d.add_dn(dn, "t").ok());
  EntryChange taken = change(ChangeKind::kRename, "CN=Ann,OU=People,DC=corp", "ou=sub,ou=people,dc=corp");
  Status s = d.apply(taken, "ctx");
  EXPECT_NE(s.message().find("an entry with that DN already exists"), std::string::npos) << s.message();
  EntryChange move = change(ChangeKind::kRename, "OU=People,DC=corp", "OU=Staff,OU=Former,DC=corp");
  ASSERT_TRUE(d.apply(move, "t").ok());
  EXPECT_EQ(live(d), (std::vector<std::string>{"OU=Staff,OU=Former,DC=corp", "CN=Ann,OU=Staff,OU=Former,DC=corp",
                                               "OU=Sub,OU=Staff,OU=Former,DC=corp",
                                               "CN=Bob,OU=Sub,OU=Staff,OU=Former,DC=corp", "CN=Cy,OU=Others,DC=corp",
                                               "OU=Former,DC=corp"}));
  EXPECT_FALSE(d.contains("CN=Bob,OU=Sub,OU=People,DC=corp"));
  EXPECT_TRUE(d.contains("cn=bob,ou=sub,ou=staff,ou=former,dc=corp"));
  // The moved subtree's child counts moved too: renaming the moved OU again moves its children.
  EntryChange again = change(ChangeKind::kRename, "OU=Sub,OU=Staff,OU=Former,DC=corp", "OU=Team,DC=corp");
  ASSERT_TRUE(d.apply(again, "t").ok());
  EXPECT_TRUE(d.contains("CN=Bob,OU=Team,DC=corp"));
  EXPECT_TRUE(d.contains("CN=Ann,OU=Staff,OU=Former,DC=corp"));
  EXPECT_EQ(d.live_count(), 6u);
}

// The reason it exists (issue 5): the full directory state held ~450 bytes per DN.
TEST(DnDirectoryTest, HoldsLittleMoreThanTheDnBytes) {
  DnDirectory d;
  constexpr size_t kDns = 50000;
  size_t dn_bytes = 0;
  for (size_t i = 0; i < kDns; ++i) {
    const std::string dn = "CN=User " + std::to_string(i) + ",OU=Users,OU=Sales,DC=contoso,DC=com";
    dn_bytes += dn.size();
    ASSERT_TRUE(d.add_dn(dn, "t").ok());
  }
  EXPECT_LT(d.heap_bytes(), dn_bytes + kDns * 100) << d.heap_bytes() / kDns << " bytes per DN";
}

TEST(DnSnapshotTest, AStreamedSnapshotOfMoreThanOneBufferReadsBackWhole) {
  TempDir dir{"idsync_dn_directory_test"};
  DnSnapshot snapshot;
  snapshot.files = {FileStamp{"/x/people.ldif", 10, 20, 30}, FileStamp{"20260101T000000Z-000001.ldif", 1, 2, 3}};
  for (size_t i = 0; i < 40000; ++i)  // ~2.4 MB: the 1 MB write buffer is flushed twice
    snapshot.dns.push_back("CN=User " + std::to_string(i) + ",OU=Users,DC=contoso,DC=com");
  const fs::path path = dir.path() / ".export-dns";
  ASSERT_TRUE(write_dn_snapshot(path, snapshot).ok());
  std::optional<DnSnapshot> back = read_dn_snapshot(path);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->files, snapshot.files);
  EXPECT_EQ(back->dns, snapshot.dns);

  std::optional<DnSnapshotFile> opened = open_dn_snapshot(path);
  ASSERT_TRUE(opened.has_value());
  EXPECT_EQ(opened->dn_count, snapshot.dns.size());
  size_t seen = 0;
  Status stop = opened->each_dn([&](std::string_view dn) {
    EXPECT_EQ(dn, snapshot.dns[seen]);
    return ++seen == 3 ? Status::Error(ErrorCode::kStopped, "enough") : Status::Ok();
  });
  EXPECT_EQ(stop.code(), ErrorCode::kStopped);
  EXPECT_EQ(seen, 3u);
}

TEST(DnSnapshotTest, ASourceThatGivesOtherThanTheAnnouncedCountLeavesNoSnapshot) {
  TempDir dir{"idsync_dn_directory_test"};
  const fs::path path = dir.path() / ".export-dns";
  Status s = write_dn_snapshot(path, {}, 3, [](const std::function<void(std::string_view)>& sink) {
    sink("CN=a,DC=x");
    sink("CN=b,DC=x");
  });
  EXPECT_EQ(s.code(), ErrorCode::kInternal);
  EXPECT_FALSE(fs::exists(path));
  EXPECT_FALSE(fs::exists(dir.path() / ".export-dns.tmp"));
}

}  // namespace
}  // namespace idsync::file
