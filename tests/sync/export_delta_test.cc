// An export looks only at the objects with a pending export: the connector space keeps them
// as a set (ConnectorSpace::pending_exports), maintained where pending exports are set and
// cleared and rebuilt when the state is loaded from the store. The engine's export statistics
// show how many objects an export looked at; no timing is involved.
#include <algorithm>
#include <map>
#include <set>

#include "scenario.h"
#include "store/store.h"
#include "sync/steps.h"
#include "sync/sync_state.h"

namespace idsync::scenario {
namespace {

constexpr int kUsers = 200;

std::string user_dn(int i) { return "CN=User " + std::to_string(i) + ",OU=People,DC=hr"; }
std::string dir_user_dn(int i) { return "CN=User " + std::to_string(i) + ",OU=People,DC=dir"; }
const char* kGroupDn = "CN=All,OU=Groups,DC=hr";
const char* kDirGroupDn = "CN=All,OU=Groups,DC=dir";

// The ids of the objects of `space` with a pending export, found by looking at every one.
std::set<CsId> scan_pending(const ConnectorSpace& space) {
  std::set<CsId> out;
  for (const auto& [id, o] : space.objects)
    if (!o.pending_export.empty()) out.insert(id);
  return out;
}

std::set<CsId> kept_pending(const ConnectorSpace& space) {
  return std::set<CsId>(space.pending_exports.begin(), space.pending_exports.end());
}

class ExportDeltaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    standard_setup(s_);
    std::string content;
    std::vector<std::string> members;
    for (int i = 0; i < kUsers; ++i) {
      content += hr_user("u" + std::to_string(i), "User " + std::to_string(i));
      members.push_back(user_dn(i));
    }
    content += hr_group("g1", "All", members);
    s_.set_content("hr", content);
    ASSERT_TRUE(s_.apply().ok());
    initial_round(s_);
    store_ = std::move(Store::open(s_.store_path(), OpenMode::kMustExist)).value();
  }

  std::unique_ptr<SyncState> load() {
    auto state = SyncState::load(*store_);
    EXPECT_TRUE(state.ok()) << state.status().to_string();
    return state.ok() ? std::move(state).value() : nullptr;
  }

  std::unique_ptr<Connector> connector(const ConnectorSpace& space) {
    auto created = s_.registry().create(ConnectorConfig{space.def.name, space.def.type, space.def.options, space.def.schema});
    EXPECT_TRUE(created.ok()) << created.status().to_string();
    return created.ok() ? std::move(created).value() : nullptr;
  }

  // A Delta Import and a Delta Synchronization of "hr" on `state`, saved, the way a server
  // with resident state runs them.
  void delta_import_and_sync(SyncState& state) {
    ConnectorSpace& hr = *state.space("hr");
    auto c = connector(hr);
    ASSERT_NE(c, nullptr);
    auto watermark = store_->get_setting("watermark.hr");
    ASSERT_TRUE(watermark.ok());
    std::string wm = watermark->value_or("");
    StepResult import_step, sync_step;
    ASSERT_TRUE(run_import(state, hr, *c, /*delta=*/true, wm, import_step, {}).ok());
    ASSERT_TRUE(state.save(*store_, {{"watermark.hr", wm}}).ok());
    ASSERT_TRUE(run_sync(state, hr, /*delta=*/true, sync_step, {}).ok());
    ASSERT_TRUE(state.save(*store_).ok());
  }

  StepResult export_dir(SyncState& state) {
    ConnectorSpace& dir = *state.space("dir");
    StepResult step;
    auto c = connector(dir);
    EXPECT_NE(c, nullptr);
    if (c == nullptr) return step;
    Status s = run_export(state, dir, *c, ExportLimits{}, step, {});
    EXPECT_TRUE(s.ok()) << s.to_string();
    EXPECT_TRUE(state.save(*store_).ok());
    return step;
  }

  Scenario s_;
  std::unique_ptr<Store> store_;
};

TEST_F(ExportDeltaTest, AnExportLooksOnlyAtThePendingExports) {
  std::unique_ptr<SyncState> state = load();
  ASSERT_NE(state, nullptr);
  ConnectorSpace& dir = *state->space("dir");
  ASSERT_EQ(dir.objects.size(), static_cast<size_t>(kUsers + 1));
  EXPECT_TRUE(dir.pending_exports.empty());

  // Three users change, one is deleted (and leaves the group): five pending exports.
  std::string changes;
  for (int i : {3, 4, 5}) changes += "dn: " + user_dn(i) + "\nchangetype: modify\nreplace: title\ntitle: Pilot\n-\n\n";
  changes += std::string("dn: ") + kGroupDn + "\nchangetype: modify\ndelete: member\nmember: " + user_dn(9) + "\n-\n\n";
  changes += "dn: " + user_dn(9) + "\nchangetype: delete\n\n";
  s_.add_changes("hr", changes);
  delta_import_and_sync(*state);
  EXPECT_EQ(kept_pending(dir), scan_pending(dir));
  EXPECT_EQ(dir.pending_exports.size(), 5u);
  // Rebuilt the same from the store.
  {
    std::unique_ptr<SyncState> loaded = load();
    ASSERT_NE(loaded, nullptr);
    EXPECT_EQ(kept_pending(*loaded->space("dir")), scan_pending(dir));
  }

  StepResult step = export_dir(*state);
  EXPECT_EQ(state->export_statistics().cs_examined, 5u);
  EXPECT_EQ(counter(step, "export-update"), 4u);
  EXPECT_EQ(counter(step, "export-delete"), 1u);
  EXPECT_TRUE(dir.pending_exports.empty());
  EXPECT_TRUE(scan_pending(dir).empty());
  {
    std::unique_ptr<SyncState> loaded = load();
    ASSERT_NE(loaded, nullptr);
    EXPECT_TRUE(loaded->space("dir")->pending_exports.empty());
  }
  // The directory holds the changes.
  auto directory = s_.directory("dir");
  EXPECT_EQ(directory.count(normalized(dir_user_dn(9))), 0u);
  EXPECT_EQ(std::string(directory.at(normalized(dir_user_dn(4))).first("title")), "Pilot");
  const Attribute* members = directory.at(normalized(kDirGroupDn)).find("member");
  ASSERT_NE(members, nullptr);
  EXPECT_EQ(members->values.size(), static_cast<size_t>(kUsers - 1));

  // Nothing pending: the next export looks at nothing and sends nothing.
  StepResult quiet = export_dir(*state);
  EXPECT_EQ(state->export_statistics().cs_examined, 0u);
  EXPECT_EQ(counter(quiet, "export-update") + counter(quiet, "export-add") + counter(quiet, "export-delete"), 0u);
}

TEST_F(ExportDeltaTest, ARejectedExportStaysPendingAndIsLookedAtAgain) {
  std::unique_ptr<SyncState> state = load();
  ASSERT_NE(state, nullptr);
  ConnectorSpace& dir = *state->space("dir");
  // Someone deleted the user in the target directory behind our back: the update is rejected
  // ("no such entry") and keeps its pending export.
  s_.add_changes("dir", "dn: " + dir_user_dn(7) + "\nchangetype: delete\n\n");
  s_.add_changes("hr", "dn: " + user_dn(7) + "\nchangetype: modify\nreplace: title\ntitle: Pilot\n-\n\n" + "dn: " +
                           user_dn(8) + "\nchangetype: modify\nreplace: title\ntitle: Pilot\n-\n\n");
  delta_import_and_sync(*state);
  ASSERT_EQ(dir.pending_exports.size(), 2u);
  // The export moves the values into the change it sends and back: the rejected object keeps
  // its pending export value for value, the accepted one escrows what it sent.
  const CsObject* rejected = nullptr;
  const CsObject* accepted = nullptr;
  for (CsId id : dir.pending_exports) (dir.find(id)->dn == dir_user_dn(7) ? rejected : accepted) = dir.find(id);
  ASSERT_TRUE(rejected != nullptr && accepted != nullptr);
  const PendingExport rejected_before = rejected->pending_export;
  ASSERT_FALSE(rejected_before.changes.empty());
  ASSERT_FALSE(rejected_before.changes.thaw().front().values.empty());
  StepResult step = export_dir(*state);
  EXPECT_EQ(counter(step, "export-update"), 1u);
  EXPECT_EQ(counter(step, "export-failure"), 1u);
  ASSERT_EQ(kept_pending(dir), scan_pending(dir));
  ASSERT_EQ(dir.pending_exports.size(), 1u);
  EXPECT_EQ(dir.find(*dir.pending_exports.begin())->dn, dir_user_dn(7));
  EXPECT_EQ(rejected->pending_export, rejected_before);
  const AttrId title = state->attrs().find(dir.id, "title").value_or(0);
  EXPECT_EQ(accepted->unconfirmed.thaw().get(title).to_list(), ValueList{"Pilot"});
  {
    std::unique_ptr<SyncState> loaded = load();
    ASSERT_NE(loaded, nullptr);
    EXPECT_EQ(kept_pending(*loaded->space("dir")), scan_pending(dir));
  }
  StepResult again = export_dir(*state);
  EXPECT_EQ(state->export_statistics().cs_examined, 1u);
  EXPECT_EQ(counter(again, "export-failure"), 1u);
}

// The real LDIF connector, whose end_export fails after it has accepted every change: the
// directory never made them durable (a full disk at the commit, a lost connection).
class FailingEndExport final : public Connector {
 public:
  explicit FailingEndExport(std::unique_ptr<Connector> real) : real_(std::move(real)) {}
  ConnectorCapabilities capabilities() const override { return real_->capabilities(); }
  Result<ConnectorSchema> discover_schema() override { return real_->discover_schema(); }
  Status full_import(ImportSink& sink, std::string& wm) override { return real_->full_import(sink, wm); }
  Status delta_import(ImportSink& sink, std::string& wm) override { return real_->delta_import(sink, wm); }
  Status begin_export() override { return real_->begin_export(); }
  ExportResult export_change(const EntryChange& change) override {
    ++accepted;
    return real_->export_change(change);
  }
  Status end_export() override {
    return Status::Error(ErrorCode::kIoError, "the change file could not be committed (test: end_export fails)");
  }
  size_t accepted = 0;

 private:
  std::unique_ptr<Connector> real_;  // destroyed without end_export: its temp file goes
};

// Every user changes: an export of hundreds of objects at once leaves every object's escrow
// holding what was sent, its DN index entry in place, no pending export, and the counters
// counting each object once.
TEST_F(ExportDeltaTest, AnExportOfEveryObjectEscrowsEachOneAsSent) {
  std::unique_ptr<SyncState> state = load();
  ASSERT_NE(state, nullptr);
  ConnectorSpace& dir = *state->space("dir");
  std::string changes;
  for (int i = 0; i < kUsers; ++i)
    changes += "dn: " + user_dn(i) + "\nchangetype: modify\nreplace: title\ntitle: Title " + std::to_string(i) + "\n-\n\n";
  s_.add_changes("hr", changes);
  delta_import_and_sync(*state);
  ASSERT_EQ(dir.pending_exports.size(), static_cast<size_t>(kUsers));
  StepResult step = export_dir(*state);
  EXPECT_EQ(counter(step, "export-update"), static_cast<uint64_t>(kUsers));
  EXPECT_TRUE(dir.pending_exports.empty());
  EXPECT_TRUE(scan_pending(dir).empty());
  const AttrId title = state->attrs().find(dir.id, "title").value_or(0);
  size_t escrowed = 0;
  for (const auto& [id, o] : dir.objects) {
    if (o.object_type != "user") continue;
    const std::string dn(o.dn);
    const std::string number = dn.substr(std::string("CN=User ").size(), dn.find(',') - std::string("CN=User ").size());
    EXPECT_EQ(o.unconfirmed.thaw().get(title).to_list(), ValueList{"Title " + number}) << dn;
    EXPECT_EQ(dir.find_by_dn(dn), &o) << dn;  // the DN index still finds it
    ++escrowed;
  }
  EXPECT_EQ(escrowed, static_cast<size_t>(kUsers));
  auto directory = s_.directory("dir");
  EXPECT_EQ(std::string(directory.at(normalized(dir_user_dn(17))).first("title")), "Title 17");
}

// "Only once the directory has made the changes durable do we mark them exported": when
// end_export fails after every change was accepted, every pending export stays as it was,
// value for value, nothing is escrowed and the step fails naming the connector.
TEST_F(ExportDeltaTest, AnEndExportThatFailsAfterEveryChangeLeavesEveryPendingExport) {
  std::unique_ptr<SyncState> state = load();
  ASSERT_NE(state, nullptr);
  ConnectorSpace& dir = *state->space("dir");
  std::string changes;
  for (int i = 0; i < kUsers; ++i)
    changes += "dn: " + user_dn(i) + "\nchangetype: modify\nreplace: title\ntitle: Pilot\n-\n\n";
  changes += "dn: " + user_dn(3) + "\nchangetype: delete\n\n";
  s_.add_changes("hr", changes);
  delta_import_and_sync(*state);
  std::map<CsId, PendingExport> before;
  for (CsId id : dir.pending_exports) before[id] = dir.find(id)->pending_export;
  ASSERT_EQ(before.size(), static_cast<size_t>(kUsers));  // 199 updates and user 3's delete
  ASSERT_EQ(std::count_if(before.begin(), before.end(),
                          [](const auto& p) { return p.second.kind == PendingExportKind::kDelete; }),
            1);

  FailingEndExport failing(connector(dir));
  StepResult step;
  Status s = run_export(*state, dir, failing, ExportLimits{}, step, {});
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("connector 'dir'"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("could not be committed"), std::string::npos) << s.message();
  EXPECT_EQ(failing.accepted, before.size());
  EXPECT_EQ(counter(step, "export-update") + counter(step, "export-delete"), 0u);
  EXPECT_EQ(kept_pending(dir), scan_pending(dir));
  ASSERT_EQ(dir.pending_exports.size(), before.size());
  const AttrId title = state->attrs().find(dir.id, "title").value_or(0);
  for (const auto& [id, pending] : before) {
    const CsObject* o = dir.find(id);
    ASSERT_NE(o, nullptr) << id;  // the delete was not applied either
    EXPECT_EQ(o->pending_export, pending) << o->dn;
    EXPECT_FALSE(o->unconfirmed.thaw().has(title)) << o->dn;
  }
  // The directory has none of it.
  auto directory = s_.directory("dir");
  EXPECT_EQ(directory.count(normalized(dir_user_dn(3))), 1u);
  EXPECT_EQ(directory.at(normalized(dir_user_dn(5))).find("title"), nullptr);
}

}  // namespace
}  // namespace idsync::scenario
