// Issue 5 (peak memory of a cycle): the steps release what they no longer need, proved with
// the heap walk of sync/state_memory.h over one SyncState driven through import, sync, export
// and the confirming import — byte counts, not timing.
#include "model/memory_usage.h"
#include "step_driver.h"
#include "sync/state_memory.h"
#include "sync/steps.h"

namespace idsync::scenario {
namespace {

constexpr int kUsers = 40;

class MemoryReleaseTest : public ::testing::Test, public StepDriver {
 protected:
  void SetUp() override {
    standard_setup(s_);
    std::string hr;
    std::vector<std::string> members;
    for (int i = 0; i < kUsers; ++i) {
      std::string cn = "User " + std::to_string(100 + i);
      hr += hr_user("u" + std::to_string(i), cn, "title: Clerk\nmail: u" + std::to_string(i) + "@hr.example\n");
      members.push_back("CN=" + cn + ",OU=People,DC=hr");
    }
    hr += hr_group("g1", "Everyone", members);
    s_.set_content("hr", hr);
    ASSERT_TRUE(s_.apply().ok());
    open();
  }
};

TEST_F(MemoryReleaseTest, ImportStagesExactlySizedSetsAndSyncFreesThemEntirely) {
  import("hr", false);
  MemoryRow staged = row("cs hr: pending import state");
  EXPECT_EQ(staged.count, static_cast<uint64_t>(kUsers + 1));
  EXPECT_GT(staged.bytes.payload, 0u);
  EXPECT_EQ(staged.bytes.slack, 0u) << "an imported set is reserved to its size, not grown by doubling";

  sync("hr");
  MemoryRow after = row("cs hr: pending import state");
  EXPECT_EQ(after.count, 0u);
  EXPECT_EQ(after.bytes.allocated, 0u) << "applied pending imports keep no block (not even an empty items block)";
  MemoryRow hologram = row("cs hr: hologram");
  EXPECT_EQ(hologram.bytes.payload, staged.bytes.payload) << "the staged values became the hologram";
  EXPECT_EQ(hologram.bytes.slack, 0u);
  MemoryRow mv = row("metaverse: attributes");
  EXPECT_EQ(mv.count, static_cast<uint64_t>(kUsers + 1));
  EXPECT_EQ(mv.bytes.slack, 0u) << "metaverse attribute sets are trimmed when the sync builds them";
  MemoryRow pending = row("cs dir: pending export");
  EXPECT_EQ(pending.count, static_cast<uint64_t>(kUsers + 1));
  EXPECT_EQ(pending.bytes.slack, 0u);
}

// The provisioning adds hold their changes in one block per object (model/pending_changes.h):
// entries, offsets and the value bytes, nothing else; the heap walk counts exactly those
// blocks and the value bytes of the changes, no estimate.
TEST_F(MemoryReleaseTest, PendingExportValuesArePackedAndCountedToTheByte) {
  import("hr", false);
  sync("hr");
  uint64_t objects = 0, allocated = 0, payload = 0, values = 0;
  for (const auto& [id, o] : state_->space("dir")->objects) {
    if (o.pending_export.empty()) continue;
    ++objects;
    const PendingChanges changes = o.pending_export.changes.thaw();  // the plain block, cold or not
    ASSERT_NE(changes.heap_block(), nullptr) << "an add carries attributes";
    uint64_t bytes = 0, count = 0;
    for (const PendingChange c : changes) {
      for (std::string_view v : c.values) bytes += v.size();
      count += c.values.size();
    }
    // Narrow (u16) form: a 2-byte head, 4 bytes per change and the sentinel, 2 per value and
    // one more offset, then the bytes.
    EXPECT_TRUE(changes.narrow());
    EXPECT_EQ(changes.block_bytes(), 2 + 4 * (changes.size() + 1) + 2 * (count + 1) + bytes)
        << "one block, nothing but the changes";
    // The block as held: the plain one, or the cold one (model/cold_changes.h).
    allocated += o.pending_export.changes.cold() ? heap_bytes(o.pending_export.changes).allocated
                                                 : heap_block_size(changes.heap_block());
    payload += bytes;
    values += count;
  }
  ASSERT_EQ(objects, static_cast<uint64_t>(kUsers + 1));
  MemoryRow pending = row("cs dir: pending export");
  EXPECT_EQ(pending.count, objects);
  EXPECT_EQ(pending.bytes.allocated, allocated);
  EXPECT_EQ(pending.bytes.payload, payload);
  EXPECT_EQ(pending.bytes.values, values);
  EXPECT_EQ(pending.bytes.slack, 0u);
  EXPECT_GT(values, static_cast<uint64_t>(3 * kUsers)) << "the adds carry the users' attributes and the members";
}

TEST_F(MemoryReleaseTest, TheConfirmingImportFreesTheEscrowOfExportedValues) {
  import("hr", false);
  sync("hr");
  export_to("dir");
  MemoryRow escrow = row("cs dir: unconfirmed exports");
  EXPECT_EQ(escrow.count, static_cast<uint64_t>(kUsers + 1));
  EXPECT_GT(escrow.bytes.payload, 0u);
  EXPECT_EQ(row("cs dir: pending export").bytes.allocated, 0u) << "exported changes are released, not cleared";

  import("dir", true);
  MemoryRow confirmed = row("cs dir: unconfirmed exports");
  EXPECT_EQ(confirmed.count, 0u);
  EXPECT_EQ(confirmed.bytes.allocated, 0u) << "a confirmed escrow keeps no block";
  sync("dir");
  EXPECT_EQ(row("cs dir: pending import state").bytes.allocated, 0u);
  // The whole walk adds up: nothing staged or escrowed is left, and the state still holds
  // every value (holograms and metaverse).
  StateMemory m = measure_state_memory(*state_);
  EXPECT_GT(m.total_payload(), 0u);
  EXPECT_GE(m.total_allocated(), m.total_payload());
}

// Confirmation judges the final state of an object the import shows several times (the escrow
// waits, cold, until the import ends): a value changed back is confirmed, a value
// changed away is reported, and a reordered multi-valued attribute is confirmed.
TEST_F(MemoryReleaseTest, ConfirmationJudgesTheFinalStateOfAnObjectSeenSeveralTimes) {
  import("hr", false);
  sync("hr");
  export_to("dir");
  std::vector<std::string> members;
  for (int i = kUsers - 1; i >= 0; --i) members.push_back("CN=User " + std::to_string(100 + i) + ",OU=People,DC=dir");
  std::string reordered = "dn: CN=Everyone,OU=Groups,DC=dir\nchangetype: modify\nreplace: member\n";
  for (const std::string& m : members) reordered += "member: " + m + "\n";
  s_.add_changes("dir",
                 "dn: CN=User 100,OU=People,DC=dir\nchangetype: modify\nreplace: title\ntitle: Other\n-\n\n"
                 "dn: CN=User 100,OU=People,DC=dir\nchangetype: modify\nreplace: title\ntitle: Clerk\n-\n\n"
                 "dn: CN=User 101,OU=People,DC=dir\nchangetype: modify\nreplace: title\ntitle: Changed\n-\n\n" +
                     reordered + "-\n\n");
  StepResult step = import_with_errors("dir", true);
  EXPECT_EQ(counter(step, "exported-change-not-reimported"), 1u);
  ASSERT_EQ(step.errors.size(), 1u);
  EXPECT_EQ(step.errors[0].dn, "CN=User 101,OU=People,DC=dir");
  EXPECT_NE(step.errors[0].message.find("'title'"), std::string::npos) << step.errors[0].message;
  EXPECT_EQ(row("cs dir: unconfirmed exports").bytes.allocated, 0u);
}

}  // namespace
}  // namespace idsync::scenario
