// Cold attribute sets through the steps (sync/cold_pass.h, sync/mv_cold_pass.h): after an
// import, a sync, an export and the confirming import of a generated forest the connector
// spaces' and the metaverse's sets are compressed, a full sync over them changes nothing, a
// delta round refreezes only what it changed, the store is exactly the one a run with freezing
// off leaves, and the heap walk shows the smaller holograms and metaverse attributes. A huge
// group's member list stays plain. The pending exports are cold between steps too, and their
// export is the one a run with freezing off makes.
#include <map>
#include <sstream>

#include "model/memory_usage.h"
#include "step_driver.h"
#include "sync/cold_pass.h"
#include "sync/mv_cold_pass.h"
#include "sync/state_memory.h"
#include "sync/steps.h"

namespace idsync::scenario {
namespace {

constexpr int kUsers = 1500;
constexpr int kHugeMembers = 700;  // past the out-of-line size (attribute_set.h)

std::string user_dn(int i) { return "CN=User " + std::to_string(1000 + i) + ",OU=People,DC=hr"; }
// The delta round of the tests below: one user's title, and one member leaving the huge group.
const std::string kDeltaRound = "dn: " + user_dn(5) + "\nchangetype: modify\nreplace: title\ntitle: Pilot\n-\n\n" +
                                "dn: CN=Everyone,OU=Groups,DC=hr\nchangetype: modify\ndelete: member\nmember: " +
                                user_dn(1) + "\n-\n\n";

struct RestoreCold {
  ~RestoreCold() { set_cold_sets(true); }
};

// One server driven step by step over its SyncState, as a run profile would.
class Cycle : public StepDriver {
 public:
  explicit Cycle(bool cold) {
    set_cold_sets(cold);
    standard_setup(s_);
    std::string hr;
    for (int i = 0; i < kUsers; ++i)
      hr += hr_user("u" + std::to_string(i), "User " + std::to_string(1000 + i),
                    "title: Title " + std::to_string(i % 13) + "\nmail: u" + std::to_string(i) +
                        "@hr.example\ndepartment: Department " + std::to_string(i % 7) + "\n");
    std::vector<std::string> everyone, few;
    for (int i = 0; i < kHugeMembers; ++i) everyone.push_back(user_dn(i));
    for (int i = 0; i < 20; ++i) few.push_back(user_dn(i * 3));
    hr += hr_group("g-all", "Everyone", everyone);
    hr += hr_group("g-few", "Few", few);
    s_.set_content("hr", hr);
    EXPECT_TRUE(s_.apply().ok());
    open();
  }
  // Each import and export saves, as a run profile does.
  void import(const std::string& name, bool delta) {
    ASSERT_NO_FATAL_FAILURE(StepDriver::import(name, delta));
    save();
  }
  void export_to(const std::string& name) {
    ASSERT_NO_FATAL_FAILURE(StepDriver::export_to(name));
    save();
  }

  // The Initial cycle of the forest: hr in, provisioned to dir, exported and confirmed.
  void initial() {
    ASSERT_NO_FATAL_FAILURE(import("hr", false));
    sync("hr");
    save();
    ASSERT_NO_FATAL_FAILURE(export_to("dir"));
    ASSERT_NO_FATAL_FAILURE(import("dir", false));
    sync("dir");
    save();
  }

  // Every stored CS object of `connector`, as the store encodes it (layout 1 or 2), in id order.
  // The LDIF target assigns a random GUID anchor on export (the directory's choice, not the
  // engine's): for "dir" the anchor and the hologram's guid are left out.
  std::vector<std::string> stored(const std::string& connector) {
    std::vector<std::string> out;
    const std::optional<AttrId> guid = state_->attrs().find(state_->space(connector)->id, "guid");
    Status st = store_->load_cs(state_->space(connector)->id, [&](CsObject&& o) {
      if (connector == "dir" && guid) {
        o.hologram.plain().erase(*guid);
        o.anchor = "";
      }
      EncodedBody body;
      encode_cs_body_chunked(o, body);
      std::string row = std::to_string(o.id) + " " + o.dn.str() + " " + std::to_string(o.mv) + " " + o.anchor.str() + "\n";
      row += body.body;
      for (const ValueChunk& c : body.chunks) row += c.data;
      out.push_back(std::move(row));
      return Status::Ok();
    });
    EXPECT_TRUE(st.ok()) << st.to_string();
    return out;
  }
  std::vector<std::string> stored_mv() {
    std::vector<std::string> out;
    Status st = store_->load_mv([&](MvObject&& o) {
      out.push_back(std::to_string(o.id) + " " + o.object_type.str() + "\n" + encode_attribute_set(o.attributes.thaw()));
      return Status::Ok();
    });
    EXPECT_TRUE(st.ok()) << st.to_string();
    return out;
  }

};

struct Counts {
  size_t cold = 0, plain = 0;
};
Counts count(const ConnectorSpace& space, ColdSet CsObject::*set) {
  Counts c;
  for (const auto& [id, o] : space.objects) {
    const ColdSet& s = o.*set;
    if (s.empty()) continue;
    (s.cold() ? c.cold : c.plain) += 1;
  }
  return c;
}

Counts count_mv(const SyncState& state) {
  Counts c;
  for (const auto& [id, o] : state.metaverse()) {
    if (o.attributes.empty()) continue;
    (o.attributes.cold() ? c.cold : c.plain) += 1;
  }
  return c;
}

// The metaverse object a CS object of `space` is joined to.
const MvObject* mv_of(SyncState& state, const std::string& space, const std::string& dn) {
  const CsObject* o = state.space(space)->find_by_dn(dn);
  return o == nullptr ? nullptr : state.mv(o->mv);
}

TEST(ColdSetsTest, AfterTheInitialCycleTheSetsAreColdAndAFullSyncChangesNothing) {
  RestoreCold restore;
  Cycle cold(true);
  ASSERT_NO_FATAL_FAILURE(cold.import("hr", false));
  // The import states of the space: compressed by the import's cold pass.
  Counts staged = count(*cold.state_->space("hr"), &CsObject::import_state);
  EXPECT_EQ(staged.plain, 1u) << "only the huge group (its member list is out of line)";
  EXPECT_EQ(staged.cold, static_cast<size_t>(kUsers + 1));
  ASSERT_FALSE(cold.state_->space("hr")->set_codecs.empty());
  EXPECT_TRUE(cold.state_->space("hr")->set_codecs.back()->has_dictionary());

  cold.sync("hr");
  cold.save();
  ASSERT_NO_FATAL_FAILURE(cold.export_to("dir"));
  // What was exported waits in the unconfirmed sets of dir, compressed by the export's pass.
  Counts escrow = count(*cold.state_->space("dir"), &CsObject::unconfirmed);
  EXPECT_GE(escrow.cold, static_cast<size_t>(kUsers));
  ASSERT_NO_FATAL_FAILURE(cold.import("dir", false));
  cold.sync("dir");
  cold.save();

  Counts hr = count(*cold.state_->space("hr"), &CsObject::hologram);
  EXPECT_EQ(hr.plain, 1u) << "the huge group alone stays plain";
  EXPECT_EQ(hr.cold, static_cast<size_t>(kUsers + 1));
  // The target's sets are smaller (a GUID, the uid, a few flowed values): a set whose cold
  // block would not be a smaller heap block stays plain.
  Counts dir = count(*cold.state_->space("dir"), &CsObject::hologram);
  EXPECT_GT(dir.cold, static_cast<size_t>(kUsers / 10));
  EXPECT_EQ(dir.cold + dir.plain, static_cast<size_t>(kUsers + 2));
  EXPECT_FALSE(cold.state_->space("dir")->find_by_dn("CN=Everyone,OU=Groups,DC=dir")->hologram.cold());
  for (const char* space : {"hr", "dir"}) {
    EXPECT_EQ(count(*cold.state_->space(space), &CsObject::unconfirmed).cold +
                  count(*cold.state_->space(space), &CsObject::unconfirmed).plain,
              0u) << "the confirming import emptied the escrow";
  }
  // The metaverse too: every user's attributes. The huge group's stay plain (out-of-line
  // members), and so do the small group's: its 20 members are short "#id" references, and
  // the cold block would be no smaller a heap block.
  Counts mv = count_mv(*cold.state_);
  EXPECT_EQ(mv.plain, 2u) << "the two groups";
  EXPECT_EQ(mv.cold, static_cast<size_t>(kUsers));
  EXPECT_FALSE(mv_of(*cold.state_, "hr", "CN=Everyone,OU=Groups,DC=hr")->attributes.cold());
  EXPECT_FALSE(mv_of(*cold.state_, "hr", "CN=Few,OU=Groups,DC=hr")->attributes.cold());
  ASSERT_EQ(cold.state_->mv_set_codecs().size(), 1u) << "trained once, on the first batch";
  EXPECT_TRUE(cold.state_->mv_set_codecs().back()->has_dictionary());
  // A state loaded from the store is cold too (the load's pass).
  cold.reload();
  EXPECT_EQ(count(*cold.state_->space("hr"), &CsObject::hologram).cold, static_cast<size_t>(kUsers + 1));
  mv = count_mv(*cold.state_);
  EXPECT_EQ(mv.plain, 2u);
  EXPECT_EQ(mv.cold, static_cast<size_t>(kUsers));
  ASSERT_EQ(cold.state_->mv_set_codecs().size(), 1u);

  // A full sync of every space over the cold sets finds nothing to change.
  ASSERT_TRUE(cold.state_->is_current(*cold.store_));
  for (const char* space : {"hr", "dir"}) {
    StepResult step = cold.sync(space);
    EXPECT_EQ(step.counters.count("export-pending-update"), 0u) << space;
    EXPECT_EQ(step.counters.count("provisioned"), 0u) << space;
  }
  EXPECT_TRUE(cold.state_->is_current(*cold.store_)) << "a full sync over cold sets changed something";

  // A change to one member of the huge group and one user: a delta round over cold sets.
  cold.s_.add_changes("hr", kDeltaRound);
  ASSERT_NO_FATAL_FAILURE(cold.import("hr", true));
  StepResult delta = cold.sync("hr", true);
  cold.save();
  EXPECT_EQ(delta.counters["export-pending-update"], 2u);
  const CsObject* target = cold.state_->space("dir")->find_by_dn("CN=User 1005,OU=People,DC=dir");
  ASSERT_NE(target, nullptr);
  const PendingChanges changes = target->pending_export.changes.thaw();
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes.front().values.to_list(), ValueList{"Pilot"});
}

TEST(ColdSetsTest, TheStoreIsExactlyTheOneOfARunWithFreezingOff) {
  RestoreCold restore;
  std::vector<std::string> cold_hr, cold_dir, cold_mv, plain_hr, plain_dir, plain_mv;
  MemoryRow cold_hologram, plain_hologram, cold_mv_row, plain_mv_row;
  {
    Cycle cold(true);
    ASSERT_NO_FATAL_FAILURE(cold.initial());
    cold_hologram = cold.row("cs hr: hologram");
    cold_mv_row = cold.row("metaverse: attributes");
    EXPECT_EQ(cold.row("metaverse: cold set codecs (zstd dictionaries)").count, 1u);
    EXPECT_GT(cold.row("metaverse: cold set codecs (zstd dictionaries)").bytes.allocated, 0u);
    cold_hr = cold.stored("hr");
    cold_dir = cold.stored("dir");
    cold_mv = cold.stored_mv();
  }
  {
    Cycle plain(false);
    ASSERT_NO_FATAL_FAILURE(plain.initial());
    EXPECT_TRUE(plain.state_->space("hr")->set_codecs.empty()) << "freezing off trains no codec";
    EXPECT_EQ(count(*plain.state_->space("hr"), &CsObject::hologram).cold, 0u);
    EXPECT_TRUE(plain.state_->mv_set_codecs().empty()) << "one switch for the metaverse too";
    EXPECT_EQ(count_mv(*plain.state_).cold, 0u);
    plain_hologram = plain.row("cs hr: hologram");
    plain_mv_row = plain.row("metaverse: attributes");
    plain_hr = plain.stored("hr");
    plain_dir = plain.stored("dir");
    plain_mv = plain.stored_mv();
    // Freezing a whole space at once afterwards gives the same sets in the cold form.
    set_cold_sets(true);
    ConnectorSpace& hr = *plain.state_->space("hr");
    std::vector<AttributeSet> before;
    for (const auto& [id, o] : hr.objects) before.push_back(o.hologram.thaw());
    ColdPassResult pass = freeze_cold_sets(hr);
    EXPECT_TRUE(pass.trained);
    EXPECT_EQ(pass.frozen, static_cast<size_t>(kUsers + 1));
    EXPECT_EQ(pass.kept, 0u) << "every user's and the small group's set gains";
    EXPECT_FALSE(hr.find_by_dn("CN=Everyone,OU=Groups,DC=hr")->hologram.cold()) << "not even looked at";
    size_t i = 0;
    for (const auto& [id, o] : hr.objects) EXPECT_EQ(o.hologram.thaw(), before[i++]);
    EXPECT_EQ(freeze_cold_sets(hr).frozen, 0u) << "nothing left to freeze";
    // And the whole metaverse.
    std::vector<AttributeSet> mv_before;
    for (const auto& [id, o] : plain.state_->metaverse()) mv_before.push_back(o.attributes.thaw());
    ColdPassResult mv_pass = freeze_mv_cold_sets(*plain.state_);
    EXPECT_TRUE(mv_pass.trained);
    EXPECT_EQ(mv_pass.frozen, static_cast<size_t>(kUsers));
    EXPECT_EQ(mv_pass.kept, 1u) << "the small group: no smaller heap block (the huge one is not even looked at)";
    i = 0;
    for (const auto& [id, o] : plain.state_->metaverse()) EXPECT_EQ(o.attributes.thaw(), mv_before[i++]);
    EXPECT_EQ(freeze_mv_cold_sets(*plain.state_).frozen, 0u) << "nothing left to freeze";
  }
  ASSERT_EQ(cold_hr.size(), static_cast<size_t>(kUsers + 2));
  ASSERT_EQ(cold_hr.size(), plain_hr.size());
  for (size_t i = 0; i < cold_hr.size(); ++i) ASSERT_EQ(cold_hr[i], plain_hr[i]) << "hr object " << i;
  ASSERT_EQ(cold_dir.size(), static_cast<size_t>(kUsers + 2));
  ASSERT_EQ(cold_dir.size(), plain_dir.size());
  for (size_t i = 0; i < cold_dir.size(); ++i) ASSERT_EQ(cold_dir[i], plain_dir[i]) << "dir object " << i;
  ASSERT_EQ(cold_mv.size(), plain_mv.size());
  for (size_t i = 0; i < cold_mv.size(); ++i) ASSERT_EQ(cold_mv[i], plain_mv[i]) << "mv object " << i;

  // The heap walk: the same values in much less heap (these short test users gain ~1.7x; the
  // large-forest benchmark's directory objects ~2.4x).
  EXPECT_EQ(cold_hologram.bytes.payload, plain_hologram.bytes.payload);
  EXPECT_EQ(cold_hologram.bytes.values, plain_hologram.bytes.values);
  EXPECT_LT(cold_hologram.bytes.allocated * 3, plain_hologram.bytes.allocated * 2)
      << "cold " << cold_hologram.bytes.allocated << " plain " << plain_hologram.bytes.allocated;
  EXPECT_EQ(cold_mv_row.bytes.payload, plain_mv_row.bytes.payload);
  EXPECT_EQ(cold_mv_row.bytes.values, plain_mv_row.bytes.values);
  EXPECT_LT(cold_mv_row.bytes.allocated * 3, plain_mv_row.bytes.allocated * 2)
      << "cold " << cold_mv_row.bytes.allocated << " plain " << plain_mv_row.bytes.allocated;
}

// A delta round over a cold metaverse: one user's attribute and one member of the huge group.
// Only those two metaverse objects are recomputed; the user's set is frozen again by the step,
// the group's stays plain (its member list changed in place), every other set is untouched.
TEST(ColdSetsTest, ADeltaRoundOverAColdMetaverseRefreezesOnlyWhatItChanged) {
  RestoreCold restore;
  Cycle cold(true);
  ASSERT_NO_FATAL_FAILURE(cold.initial());
  cold.reload();
  SyncState& state = *cold.state_;
  const MvObject* user = mv_of(state, "hr", user_dn(5));
  const MvObject* group = mv_of(state, "hr", "CN=Everyone,OU=Groups,DC=hr");
  ASSERT_NE(user, nullptr);
  ASSERT_NE(group, nullptr);
  ASSERT_TRUE(user->attributes.cold());
  std::map<MvId, AttributeSet> before;
  for (const auto& [id, o] : state.metaverse()) before[id] = o.attributes.thaw();
  const std::optional<AttrId> title = state.attrs().find("title");
  const std::optional<AttrId> member = state.attrs().find("member");
  ASSERT_TRUE(title && member);
  ASSERT_EQ(before[group->id].get(*member).size(), static_cast<size_t>(kHugeMembers));

  cold.s_.add_changes("hr", kDeltaRound);
  ASSERT_NO_FATAL_FAILURE(cold.import("hr", true));
  StepResult delta = cold.sync("hr", true);
  cold.save();
  EXPECT_EQ(state.sync_statistics().mv_recomputed, 2u) << "O(changes): the user and the group";
  EXPECT_EQ(delta.counters["mv-updated"], 2u);
  EXPECT_EQ(delta.counters["export-pending-update"], 2u);
  EXPECT_GE(state.sync_statistics().reference_values_carried, static_cast<uint64_t>(kHugeMembers - 2))
      << "the group's members carried, not resolved again";

  EXPECT_TRUE(user->attributes.cold()) << "the changed user is frozen again at the end of the step";
  EXPECT_EQ(user->attributes.thaw().get(*title).to_list(), ValueList{"Pilot"});
  EXPECT_FALSE(group->attributes.cold());
  EXPECT_EQ(group->attributes.thaw().get(*member).size(), static_cast<size_t>(kHugeMembers - 1));
  size_t same = 0;
  for (const auto& [id, o] : state.metaverse()) {
    if (id == user->id || id == group->id) continue;
    EXPECT_EQ(o.attributes.thaw(), before[id]) << "metaverse object " << id;
    if (o.attributes.cold()) ++same;
  }
  EXPECT_EQ(same, static_cast<size_t>(kUsers - 1)) << "every other user's set still cold";
  // What the delta round stored is what the state holds.
  std::vector<std::string> stored = cold.stored_mv();
  cold.reload();
  EXPECT_EQ(mv_of(*cold.state_, "hr", user_dn(5))->attributes.thaw().get(*title).to_list(), ValueList{"Pilot"});
  EXPECT_EQ(count_mv(*cold.state_).cold, static_cast<size_t>(kUsers));
  EXPECT_EQ(cold.stored_mv(), stored);
}

Counts count_pending(const ConnectorSpace& space) {
  Counts c;
  for (const auto& [id, o] : space.objects) {
    if (o.pending_export.changes.empty()) continue;
    (o.pending_export.changes.cold() ? c.cold : c.plain) += 1;
  }
  return c;
}

// The change files the export wrote to dir (not its DN snapshot), in name order, without what the directory chose
// itself (the GUID it assigns on export).
std::string exported_ldif(const Scenario& s) {
  std::vector<fs::path> files;
  for (const auto& f : fs::directory_iterator(s.changes_dir("dir")))
    if (f.path().extension() == ".ldif" && f.path().filename().string()[0] != '.') files.push_back(f.path());
  std::sort(files.begin(), files.end());
  std::string out, line;
  for (const fs::path& f : files) {
    std::istringstream in(read_text(f));
    while (std::getline(in, line))
      if (line.rfind("guid:", 0) != 0) out += line + "\n";
  }
  return out;
}

// Pending exports cold between steps (model/cold_changes.h): the on-premises full sync of the
// Initial cycle provisions every user and group to dir and leaves their adds compressed (the
// plan pass freezes each round before it lands); a state loaded from the store holds them
// cold too; a delta round plans one add again; and the export sends exactly what a run with
// freezing off sends, leaving the same store.
TEST(ColdPendingExportsTest, TheAddsAreColdAfterTheFullSyncAndExportAsWithFreezingOff) {
  RestoreCold restore;
  struct Seen {
    std::vector<std::string> synced, delta, exported;
    std::string ldif;
    MemoryRow pending, codecs;
  } seen[2];
  for (bool on : {true, false}) {
    SCOPED_TRACE(on ? "freezing on" : "freezing off");
    Seen& out = seen[on ? 0 : 1];
    Cycle c(on);
    ASSERT_NO_FATAL_FAILURE(c.import("hr", false));
    c.sync("hr");
    c.save();
    const ConnectorSpace& dir = *c.state_->space("dir");
    const Counts pending = count_pending(dir);
    EXPECT_EQ(pending.cold + pending.plain, static_cast<size_t>(kUsers + 2)) << "every user and both groups";
    if (on) {
      EXPECT_EQ(pending.plain, 0u) << "every add gains, the 700-member group's (a narrow block) too";
      ASSERT_FALSE(dir.pending_codecs.empty());
      EXPECT_TRUE(dir.pending_codecs.back()->has_dictionary());
      EXPECT_TRUE(c.state_->space("hr")->pending_codecs.empty()) << "hr has no pending export";
    } else {
      EXPECT_EQ(pending.cold, 0u);
      EXPECT_TRUE(dir.pending_codecs.empty()) << "freezing off trains no codec";
    }
    out.pending = c.row("cs dir: pending export");
    out.codecs = c.row("cs dir: cold pending export codecs (zstd dictionaries)");
    out.synced = c.stored("dir");
    c.reload();
    EXPECT_EQ(count_pending(*c.state_->space("dir")).cold, on ? static_cast<size_t>(kUsers + 2) : 0u)
        << "the load freezes what it decodes";

    // A delta round before the export: one user's title changes, its add is planned again.
    c.s_.add_changes("hr", "dn: " + user_dn(7) + "\nchangetype: modify\nreplace: title\ntitle: Pilot\n-\n\n");
    ASSERT_NO_FATAL_FAILURE(c.import("hr", true));
    StepResult delta = c.sync("hr", true);
    c.save();
    EXPECT_EQ(delta.counters["export-pending-add"], 1u);
    const CsObject* target = c.state_->space("dir")->find_by_dn("CN=User 1007,OU=People,DC=dir");
    ASSERT_NE(target, nullptr);
    EXPECT_EQ(target->pending_export.changes.cold(), on) << "the new add frozen by the plan pass";
    const PendingChanges add = target->pending_export.changes.thaw();
    bool pilot = false;
    for (const PendingChange ch : add)
      for (std::string_view v : ch.values) pilot = pilot || v == "Pilot";
    EXPECT_TRUE(pilot);
    out.delta = c.stored("dir");

    ASSERT_NO_FATAL_FAILURE(c.export_to("dir"));
    EXPECT_EQ(count_pending(*c.state_->space("dir")).cold + count_pending(*c.state_->space("dir")).plain, 0u);
    out.ldif = exported_ldif(c.s_);
    out.exported = c.stored("dir");
  }
  const Seen& cold = seen[0];
  const Seen& plain = seen[1];
  ASSERT_EQ(cold.synced.size(), static_cast<size_t>(kUsers + 2));
  for (auto part : {&Seen::synced, &Seen::delta, &Seen::exported}) {
    ASSERT_EQ((cold.*part).size(), (plain.*part).size());
    for (size_t i = 0; i < (cold.*part).size(); ++i) ASSERT_EQ((cold.*part)[i], (plain.*part)[i]) << "dir object " << i;
  }
  EXPECT_NE(cold.ldif.find("title: Pilot"), std::string::npos);
  EXPECT_GT(cold.ldif.size(), static_cast<size_t>(100 * kUsers));
  EXPECT_TRUE(cold.ldif == plain.ldif) << "the export sends the same changes";
  // The heap walk: the same values in less heap, and the codec as a row of its own.
  EXPECT_EQ(cold.pending.count, plain.pending.count);
  EXPECT_EQ(cold.pending.bytes.payload, plain.pending.bytes.payload);
  EXPECT_EQ(cold.pending.bytes.values, plain.pending.bytes.values);
  EXPECT_LT(cold.pending.bytes.allocated * 3, plain.pending.bytes.allocated * 2)
      << "cold " << cold.pending.bytes.allocated << " plain " << plain.pending.bytes.allocated;
  EXPECT_EQ(cold.codecs.count, 1u);
  EXPECT_GT(cold.codecs.bytes.allocated, 0u);
  EXPECT_EQ(plain.codecs.count, 0u);
}

// IDSYNC_COLD_SETS: the values that turn freezing off, and everything else leaves it on.
TEST(ColdSetsSettingTest, OffValuesTurnFreezingOffAndAnythingElseLeavesItOn) {
  for (const char* off : {"0", "off", "OFF", "false", "no"}) EXPECT_FALSE(cold_sets_setting(off)) << off;
  for (const char* on : {"1", "on", "yes", "", "true"}) EXPECT_TRUE(cold_sets_setting(on)) << on;
  EXPECT_TRUE(cold_sets_setting(nullptr)) << "unset: on";
}

}  // namespace
}  // namespace idsync::scenario
