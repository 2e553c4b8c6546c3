// put_cs updates only the non-indexed columns when the row's indexed columns (connector,
// anchor, DN, MV link) are as this Store last read or wrote them. The lookups must stay right
// whatever changed, also when another connection changed the row in between.
#include "store_test_util.h"

namespace idsync::store_test {
namespace {

void expect_found_by_all_indexes(Store& store, const CsObject& o) {
  auto by_dn = store.find_cs_by_dn(o.connector, o.dn.str());
  ASSERT_TRUE(by_dn.ok() && by_dn->has_value()) << o.dn;
  EXPECT_EQ(**by_dn, o);
  auto by_anchor = store.find_cs_by_anchor(o.connector, o.anchor.str());
  ASSERT_TRUE(by_anchor.ok() && by_anchor->has_value());
  EXPECT_EQ(**by_anchor, o);
  auto by_mv = store.find_cs_by_mv(o.mv);
  ASSERT_TRUE(by_mv.ok());
  ASSERT_EQ(by_mv->size(), 1u);
  EXPECT_EQ((*by_mv)[0], o);
}

TEST_F(StoreTest, UnchangedIndexedColumnsAreNotRewrittenAndChangedOnesAre) {
  auto store = open_store();
  ASSERT_NE(store, nullptr);
  CsObject o = sample_cs(7, 1, "CN=Alice,OU=People");
  o.mv = 70;
  ASSERT_TRUE(store->put_cs(o).ok());
  EXPECT_EQ(store->write_stats().rows_without_index_changes, 0u);

  o.hologram.plain().set(3, {"new value"});
  o.pending_import = PendingImportKind::kUpdate;
  ASSERT_TRUE(store->put_cs(o).ok());
  EXPECT_EQ(store->write_stats().rows_without_index_changes, 1u);
  expect_found_by_all_indexes(*store, o);
  auto counts = store->count_cs(1);
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->pending_imports, 1);  // the count follows the flag

  o.pending_import = PendingImportKind::kNone;
  ASSERT_TRUE(store->put_cs(o).ok());
  counts = store->count_cs(1);
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->pending_imports, 0);

  // A rename and a new join go through the indexes.
  const std::string old_dn(o.dn);
  o.dn = "CN=Alice Smith,OU=People";
  o.mv = 71;
  ASSERT_TRUE(store->put_cs(o).ok());
  EXPECT_EQ(store->write_stats().rows_without_index_changes, 2u);
  expect_found_by_all_indexes(*store, o);
  auto gone = store->find_cs_by_dn(1, old_dn);
  ASSERT_TRUE(gone.ok());
  EXPECT_FALSE(gone->has_value());
  auto old_mv = store->find_cs_by_mv(70);
  ASSERT_TRUE(old_mv.ok());
  EXPECT_TRUE(old_mv->empty());
}

// A join (the MV link set, nothing else indexed changed) updates the MV index only; the DN and
// anchor lookups still find the row, the old link does not.
TEST_F(StoreTest, AChangedLinkAloneUpdatesTheMvIndexOnly) {
  auto store = open_store();
  ASSERT_NE(store, nullptr);
  CsObject o = sample_cs(7, 1, "CN=Alice,OU=People");
  ASSERT_TRUE(store->put_cs(o).ok());
  o.mv = 70;
  o.hologram.plain().set(3, {"joined"});
  ASSERT_TRUE(store->put_cs(o).ok());
  EXPECT_EQ(store->write_stats().rows_with_only_link_changes, 1u);
  EXPECT_EQ(store->write_stats().rows_without_index_changes, 0u);
  expect_found_by_all_indexes(*store, o);
  o.mv = 71;  // a move to another MV object, through a bulk write
  ASSERT_TRUE(store->begin().ok());
  ASSERT_TRUE(store->put_cs_many({&o}).ok());
  ASSERT_TRUE(store->commit().ok());
  EXPECT_EQ(store->write_stats().rows_with_only_link_changes, 2u);
  expect_found_by_all_indexes(*store, o);
  auto old_link = store->find_cs_by_mv(70);
  ASSERT_TRUE(old_link.ok());
  EXPECT_TRUE(old_link->empty());
  o.mv = 0;  // disconnected
  ASSERT_TRUE(store->put_cs(o).ok());
  EXPECT_EQ(store->write_stats().rows_with_only_link_changes, 3u);
  auto counts = store->count_cs(1);
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->disconnectors, 1);
  auto none = store->find_cs_by_mv(71);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  EXPECT_TRUE(store->check_integrity().ok());
  // A reopened store (keys known from load_cs) takes the same path.
  store.reset();
  store = open_store(OpenMode::kMustExist);
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->load_cs(1, [](CsObject&&) { return Status::Ok(); }).ok());
  o.mv = 72;
  ASSERT_TRUE(store->put_cs(o).ok());
  EXPECT_EQ(store->write_stats().rows_with_only_link_changes, 1u);
  expect_found_by_all_indexes(*store, o);
}

TEST_F(StoreTest, RowsChangedByAnotherConnectionAreRewrittenWhole) {
  auto first = open_store();
  auto second = open_store(OpenMode::kMustExist);
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  CsObject o = sample_cs(7, 1, "CN=Alice,OU=People");
  o.mv = 70;
  ASSERT_TRUE(first->put_cs(o).ok());
  CsObject renamed = o;
  renamed.dn = "CN=Renamed,OU=People";
  ASSERT_TRUE(second->put_cs(renamed).ok());
  // `first` last wrote the old DN; writing it back must restore the DN index too.
  o.hologram.plain().set(3, {"x"});
  ASSERT_TRUE(first->put_cs(o).ok());
  EXPECT_EQ(first->write_stats().rows_without_index_changes, 0u);
  expect_found_by_all_indexes(*first, o);
  auto stale = first->find_cs_by_dn(1, renamed.dn.str());
  ASSERT_TRUE(stale.ok());
  EXPECT_FALSE(stale->has_value());
}

TEST_F(StoreTest, RolledBackWritesAreNotTakenForWhatTheRowHolds) {
  auto store = open_store();
  ASSERT_NE(store, nullptr);
  CsObject o = sample_cs(7, 1, "CN=Alice,OU=People");
  ASSERT_TRUE(store->put_cs(o).ok());
  CsObject renamed = o;
  renamed.dn = "CN=Renamed,OU=People";
  ASSERT_TRUE(store->begin().ok());
  ASSERT_TRUE(store->put_cs(renamed).ok());
  store->rollback();
  ASSERT_TRUE(store->put_cs(renamed).ok());  // the file still holds the old DN
  auto found = store->find_cs_by_dn(1, renamed.dn.str());
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ(**found, renamed);
  // A deleted row is inserted again, not updated into nothing.
  ASSERT_TRUE(store->delete_cs(7).ok());
  ASSERT_TRUE(store->put_cs(renamed).ok());
  auto back = store->find_cs_by_id(7);
  ASSERT_TRUE(back.ok() && back->has_value());
  EXPECT_EQ(**back, renamed);
}

}  // namespace
}  // namespace idsync::store_test
