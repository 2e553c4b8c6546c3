// The store consistency check (`idsync store check`): a consistent store passes, and each kind
// of damage a crash or a bug could leave is reported naming the object.
#include "store/consistency.h"
#include "store_test_util.h"

namespace idsync::store_test {
namespace {

class ConsistencyTest : public StoreTest {
 protected:
  // Connector 1 "AD" with two joined objects and their MV objects; ids 1..2, sequences ahead.
  std::unique_ptr<Store> consistent_store() {
    auto store = open_store();
    EXPECT_TRUE(store->begin().ok());
    EXPECT_TRUE(store->put_connector(ConnectorRow{1, "AD", "{}"}).ok());
    for (uint64_t i = 1; i <= 2; ++i) {
      MvObject mv;
      mv.id = i;
      mv.object_type = "person";
      EXPECT_TRUE(store->put_mv(mv).ok());
      CsObject cs = sample_cs(i, 1, "CN=U" + std::to_string(i) + ",DC=x");
      cs.mv = i;
      EXPECT_TRUE(store->put_cs(cs).ok());
    }
    EXPECT_TRUE(store->put_setting("next_cs_id", "3").ok());
    EXPECT_TRUE(store->put_setting("next_mv_id", "3").ok());
    EXPECT_TRUE(store->commit().ok());
    return store;
  }

  std::string findings(Store& store) {
    auto report = check_store_consistency(store);
    EXPECT_TRUE(report.ok()) << report.status().to_string();
    std::string all;
    for (const std::string& f : report->findings) all += f + "\n";
    return all;
  }
};

TEST_F(ConsistencyTest, ConsistentStorePasses) {
  auto store = consistent_store();
  auto report = check_store_consistency(*store);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->cs_objects, 2u);
  EXPECT_EQ(report->mv_objects, 2u);
  EXPECT_EQ(report->links, 2u);
  EXPECT_TRUE(report->findings.empty()) << findings(*store);
  EXPECT_TRUE(consistency_status(*report).ok());
}

TEST_F(ConsistencyTest, LinkToMissingMetaverseObjectAndOrphanAreFound) {
  auto store = consistent_store();
  ASSERT_TRUE(store->begin().ok());
  ASSERT_TRUE(store->delete_mv(2).ok());  // CS U2 now points nowhere
  MvObject orphan;
  orphan.id = 5;
  orphan.object_type = "person";
  ASSERT_TRUE(store->put_mv(orphan).ok());
  ASSERT_TRUE(store->put_setting("next_mv_id", "6").ok());
  ASSERT_TRUE(store->commit().ok());
  std::string f = findings(*store);
  EXPECT_NE(f.find("'CN=U2,DC=x' (cs id 2) is linked to metaverse object 2, which does not exist"), std::string::npos) << f;
  EXPECT_NE(f.find("metaverse object 5 has no connector space object linked to it"), std::string::npos) << f;
  auto report = check_store_consistency(*store);
  Status s = consistency_status(*report);
  EXPECT_EQ(s.code(), ErrorCode::kStoreError);
  EXPECT_NE(s.message().find("Run a full import and full synchronization"), std::string::npos) << s.message();
}

TEST_F(ConsistencyTest, DuplicateAnchorAndDuplicateDnAreFound) {
  auto store = consistent_store();
  ASSERT_TRUE(store->begin().ok());
  CsObject same_anchor = sample_cs(3, 1, "CN=Other,DC=x");
  same_anchor.anchor = sample_cs(1, 1, "").anchor;
  CsObject same_dn = sample_cs(4, 1, "cn=u2,dc=X");
  ASSERT_TRUE(store->put_cs(same_anchor).ok());
  ASSERT_TRUE(store->put_cs(same_dn).ok());
  ASSERT_TRUE(store->put_setting("next_cs_id", "5").ok());
  ASSERT_TRUE(store->commit().ok());
  std::string f = findings(*store);
  EXPECT_NE(f.find("'CN=Other,DC=x' (cs id 3) has the same anchor as cs id 1 (duplicate object)"), std::string::npos) << f;
  EXPECT_NE(f.find("'cn=u2,dc=X' (cs id 4) has the same DN as cs id 2 (duplicate object)"), std::string::npos) << f;
}

TEST_F(ConsistencyTest, MalformedPendingExportAndSequenceBehindAreFound) {
  auto store = consistent_store();
  ASSERT_TRUE(store->begin().ok());
  CsObject o = sample_cs(1, 1, "CN=U1,DC=x");
  o.mv = 1;
  o.pending_export.kind = PendingExportKind::kDelete;
  PendingChanges::Builder changes;
  changes.add(1, ValueOp::kReplace, ValueList{"x"});
  o.pending_export.changes = changes.finish();
  ASSERT_TRUE(store->put_cs(o).ok());
  ASSERT_TRUE(store->put_setting("next_cs_id", "2").ok());
  ASSERT_TRUE(store->commit().ok());
  std::string f = findings(*store);
  EXPECT_NE(f.find("'CN=U1,DC=x' (cs id 1) has a pending delete that also carries attribute changes"), std::string::npos) << f;
  EXPECT_NE(f.find("next_cs_id is 2 but id 2 is already in use"), std::string::npos) << f;
}

}  // namespace
}  // namespace idsync::store_test
