#include "store/store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <string>
#include <vector>

#include "store_test_util.h"

namespace idsync {
namespace {

using store_test::make_set;
using store_test::sample_cs;
using store_test::StoreTest;

std::vector<CsObject> load_all_cs(Store& store, ConnectorId connector) {
  std::vector<CsObject> out;
  Status s = store.load_cs(connector, [&](CsObject&& o) {
    out.push_back(std::move(o));
    return Status::Ok();
  });
  EXPECT_TRUE(s.ok()) << s.to_string();
  return out;
}

std::vector<MvObject> load_all_mv(Store& store) {
  std::vector<MvObject> out;
  Status s = store.load_mv([&](MvObject&& o) {
    out.push_back(std::move(o));
    return Status::Ok();
  });
  EXPECT_TRUE(s.ok()) << s.to_string();
  return out;
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

TEST_F(StoreTest, CreateAndReopenRoundTripsEveryTable) {
  AttributeTable attrs;
  attrs.intern("objectClass", AttrType::kString, true);
  attrs.intern("displayName");
  attrs.intern("member", AttrType::kReference, true);
  attrs.intern("objectGUID", AttrType::kBinary);
  attrs.intern("accountEnabled", AttrType::kBoolean);

  std::vector<ConnectorRow> connectors = {{1, "AD", R"({"type":"ad"})"}, {7, "HR CSV", R"({"type":"csv"})"}};
  std::vector<RuleRow> rules = {{"zz-guid", R"({"name":"In from AD"})"},
                                {"aa-guid", R"({"name":"Out to LDAP"})"},
                                {"mm-guid", "{}"}};

  CsObject full = sample_cs(10, 1, "CN=Alice,OU=Users,DC=example,DC=com");
  full.pending_import = PendingImportKind::kUpdate;
  full.import_state = make_set({{1, {"Alice B"}}});
  full.import_dn = "CN=Alice B,OU=Users,DC=example,DC=com";
  full.pending_export.kind = PendingExportKind::kUpdate;
  full.pending_export.new_dn = "CN=Alice C,OU=Users,DC=example,DC=com";
  PendingChanges::Builder changes;
  changes.add(1, ValueOp::kReplace, ValueList{"Alice C"});
  changes.add(2, ValueOp::kAdd, ValueList{"x"});
  changes.add(3, ValueOp::kDelete, {});
  full.pending_export.changes = changes.finish();
  full.unconfirmed = make_set({{4, {"TRUE"}}});
  full.state = ConnectorState::kExplicitConnector;
  full.placeholder = true;
  full.provisioned = true;
  full.export_error = true;
  full.mv = 99;
  full.error = "last export failed: constraint violation";

  CsObject bare;  // everything empty but the id
  bare.id = 11;
  bare.connector = 1;

  CsObject other = sample_cs(12, 7, "uid=bob,ou=people");
  other.anchor = std::string(16, '\0');
  other.state = ConnectorState::kFiltered;

  MvObject mv1{99, "person", make_set({{1, {"Alice"}}, {3, {"#100", "#101"}}})};
  MvObject mv2{100, "group", {}};

  {
    auto store = open_store();
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->begin().ok());
    ASSERT_TRUE(store->put_setting("staging", "true").ok());
    ASSERT_TRUE(store->put_setting("empty", "").ok());
    ASSERT_TRUE(store->put_setting("staging", "false").ok());
    ASSERT_TRUE(store->save_attributes(attrs).ok());
    for (const auto& c : connectors) ASSERT_TRUE(store->put_connector(c).ok());
    ASSERT_TRUE(store->replace_rules(rules).ok());
    ASSERT_TRUE(store->put_cs(full).ok());
    ASSERT_TRUE(store->put_cs(bare).ok());
    ASSERT_TRUE(store->put_cs(other).ok());
    ASSERT_TRUE(store->put_mv(mv1).ok());
    ASSERT_TRUE(store->put_mv(mv2).ok());
    RunRow run{0, "AD", "Full Import", 0, "success", 1000, 2000, R"({"adds":3})"};
    ASSERT_TRUE(store->append_run(run).ok());
    ASSERT_TRUE(store->next_id("cs", 12).ok());
    ASSERT_TRUE(store->commit().ok());
  }

  auto store = open_store(OpenMode::kMustExist);
  ASSERT_TRUE(store);
  auto staging = store->get_setting("staging");
  ASSERT_TRUE(staging.ok());
  EXPECT_EQ(*staging, std::optional<std::string>("false"));
  EXPECT_EQ(*store->get_setting("empty"), std::optional<std::string>(""));
  EXPECT_EQ(*store->get_setting("missing"), std::nullopt);

  AttributeTable loaded;
  ASSERT_TRUE(store->load_attributes(loaded).ok());
  ASSERT_EQ(loaded.size(), attrs.size());
  for (AttrId i = 0; i < attrs.size(); ++i) {
    EXPECT_EQ(loaded.info(i).name, attrs.info(i).name);
    EXPECT_EQ(loaded.info(i).type, attrs.info(i).type);
    EXPECT_EQ(loaded.info(i).multi_valued, attrs.info(i).multi_valued);
  }
  EXPECT_EQ(loaded.find("DISPLAYNAME"), attrs.find("displayName"));

  auto cons = store->load_connectors();
  ASSERT_TRUE(cons.ok());
  ASSERT_EQ(cons->size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ((*cons)[i].id, connectors[i].id);
    EXPECT_EQ((*cons)[i].name, connectors[i].name);
    EXPECT_EQ((*cons)[i].json, connectors[i].json);
  }

  auto loaded_rules = store->load_rules();
  ASSERT_TRUE(loaded_rules.ok());
  ASSERT_EQ(loaded_rules->size(), rules.size());
  for (size_t i = 0; i < rules.size(); ++i) {  // order as given, not by id
    EXPECT_EQ((*loaded_rules)[i].id, rules[i].id);
    EXPECT_EQ((*loaded_rules)[i].json, rules[i].json);
  }

  auto cs1 = load_all_cs(*store, 1);
  ASSERT_EQ(cs1.size(), 2u);
  EXPECT_EQ(cs1[0], full);
  EXPECT_EQ(cs1[1], bare);
  auto cs7 = load_all_cs(*store, 7);
  ASSERT_EQ(cs7.size(), 1u);
  EXPECT_EQ(cs7[0], other);
  EXPECT_EQ(cs7[0].anchor.size(), 16u);
  EXPECT_TRUE(load_all_cs(*store, 3).empty());

  auto by_id = store->find_cs_by_id(10);
  ASSERT_TRUE(by_id.ok());
  ASSERT_TRUE(by_id->has_value());
  EXPECT_EQ(**by_id, full);
  EXPECT_FALSE(store->find_cs_by_id(12345)->has_value());

  auto mvs = load_all_mv(*store);
  ASSERT_EQ(mvs.size(), 2u);
  EXPECT_EQ(mvs[0], mv1);
  EXPECT_EQ(mvs[1], mv2);
  auto found_mv = store->find_mv(99);
  ASSERT_TRUE(found_mv.ok());
  ASSERT_TRUE(found_mv->has_value());
  EXPECT_EQ(**found_mv, mv1);
  EXPECT_FALSE(store->find_mv(5)->has_value());

  auto runs = store->query_runs({});
  ASSERT_TRUE(runs.ok());
  ASSERT_EQ(runs->size(), 1u);
  EXPECT_EQ((*runs)[0].connector, "AD");
  EXPECT_EQ((*runs)[0].run_profile, "Full Import");
  EXPECT_EQ((*runs)[0].run_number, 1);
  EXPECT_EQ((*runs)[0].result, "success");
  EXPECT_EQ((*runs)[0].start_time, 1000);
  EXPECT_EQ((*runs)[0].end_time, 2000);
  EXPECT_EQ((*runs)[0].json, R"({"adds":3})");

  EXPECT_EQ(*store->next_id("cs"), 13u);
  EXPECT_TRUE(store->check_integrity().ok());
}

TEST_F(StoreTest, FindByDnIsCaseInsensitiveAndFollowsRenames) {
  auto store = open_store();
  ASSERT_TRUE(store);
  CsObject o = sample_cs(1, 1, "CN=Alice,DC=Example,DC=com");
  ASSERT_TRUE(store->put_cs(o).ok());
  ASSERT_TRUE(store->put_cs(sample_cs(2, 2, "CN=Alice,DC=Example,DC=com")).ok());

  auto hit = store->find_cs_by_dn(1, "cn=alice,dc=example,dc=COM");
  ASSERT_TRUE(hit.ok());
  ASSERT_TRUE(hit->has_value());
  EXPECT_EQ(**hit, o);
  EXPECT_EQ((*store->find_cs_by_dn(2, "CN=ALICE,DC=EXAMPLE,DC=COM"))->id, 2u);
  EXPECT_FALSE(store->find_cs_by_dn(3, "CN=Alice,DC=Example,DC=com")->has_value());

  o.dn = "CN=Alicia,DC=Example,DC=com";  // replace by id moves the DN index entry
  ASSERT_TRUE(store->put_cs(o).ok());
  EXPECT_FALSE(store->find_cs_by_dn(1, "CN=Alice,DC=Example,DC=com")->has_value());
  EXPECT_TRUE(store->find_cs_by_dn(1, "cn=alicia,dc=example,dc=com")->has_value());

  ASSERT_TRUE(store->delete_cs(1).ok());
  EXPECT_FALSE(store->find_cs_by_id(1)->has_value());
  EXPECT_TRUE(store->delete_cs(1).ok());  // deleting a missing object is not an error
}

TEST_F(StoreTest, DeleteConnectorRemovesItsConnectorSpace) {
  auto store = open_store();
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->put_connector({1, "AD", "{}"}).ok());
  ASSERT_TRUE(store->put_connector({2, "LDAP", "{}"}).ok());
  for (CsId id = 1; id <= 6; ++id) {
    ASSERT_TRUE(store->put_cs(sample_cs(id, id % 2 == 0 ? 2 : 1, "cn=" + std::to_string(id))).ok());
  }
  ASSERT_TRUE(store->delete_connector(1).ok());
  auto cons = store->load_connectors();
  ASSERT_TRUE(cons.ok());
  ASSERT_EQ(cons->size(), 1u);
  EXPECT_EQ((*cons)[0].name, "LDAP");
  EXPECT_TRUE(load_all_cs(*store, 1).empty());
  auto rest = load_all_cs(*store, 2);
  ASSERT_EQ(rest.size(), 3u);
  EXPECT_EQ(rest[0].id, 2u);
  EXPECT_EQ(rest[2].id, 6u);
}

TEST_F(StoreTest, ConnectorNamesAreUniqueAndUpdatesReplace) {
  auto store = open_store();
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->put_connector({1, "AD", "{}"}).ok());
  ASSERT_TRUE(store->put_connector({1, "AD renamed", R"({"v":2})"}).ok());
  Status clash = store->put_connector({2, "AD renamed", "{}"});
  EXPECT_EQ(clash.code(), ErrorCode::kInvalidArgument);
  EXPECT_TRUE(contains(clash.message(), "AD renamed")) << clash.message();
  auto cons = store->load_connectors();
  ASSERT_EQ(cons->size(), 1u);
  EXPECT_EQ((*cons)[0].json, R"({"v":2})");
}

TEST_F(StoreTest, ReplaceRulesReplacesAndRejectsDuplicateIds) {
  auto store = open_store();
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->replace_rules({{"a", "1"}, {"b", "2"}}).ok());
  ASSERT_TRUE(store->replace_rules({{"c", "3"}}).ok());
  auto rules = store->load_rules();
  ASSERT_EQ(rules->size(), 1u);
  EXPECT_EQ((*rules)[0].id, "c");
  Status dup = store->replace_rules({{"x", "1"}, {"x", "2"}});
  EXPECT_EQ(dup.code(), ErrorCode::kInvalidArgument);
  rules = store->load_rules();  // the failed replace left the previous rules
  ASSERT_EQ(rules->size(), 1u);
  EXPECT_EQ((*rules)[0].id, "c");
}

TEST_F(StoreTest, SinkCanCallBackIntoTheStoreAndStopTheScan) {
  auto store = open_store();
  ASSERT_TRUE(store);
  for (CsId id = 1; id <= 5; ++id) ASSERT_TRUE(store->put_cs(sample_cs(id, 1, "cn=" + std::to_string(id))).ok());
  int seen = 0;
  Status s = store->load_cs(1, [&](CsObject&& o) {
    auto again = store->find_cs_by_id(o.id);
    EXPECT_TRUE(again.ok() && again->has_value() && **again == o);
    // A nested scan of the same connector uses its own statement.
    int inner = 0;
    EXPECT_TRUE(store->load_cs(1, [&](CsObject&&) {
                       ++inner;
                       return Status::Ok();
                     }).ok());
    EXPECT_EQ(inner, 5);
    if (++seen == 3) return Status::Error(ErrorCode::kStopped, "enough");
    return Status::Ok();
  });
  EXPECT_EQ(s.code(), ErrorCode::kStopped);
  EXPECT_EQ(seen, 3);
  EXPECT_EQ(load_all_cs(*store, 1).size(), 5u);  // the cached statement was reset
}

TEST_F(StoreTest, RollbackLeavesTheLastCommittedState) {
  CsObject a = sample_cs(1, 1, "cn=a");
  {
    auto store = open_store();
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->begin().ok());
    ASSERT_TRUE(store->put_cs(a).ok());
    ASSERT_TRUE(store->put_setting("watermark", "1").ok());
    ASSERT_TRUE(store->commit().ok());

    ASSERT_TRUE(store->begin().ok());
    CsObject changed = a;
    changed.dn = "cn=changed";
    changed.pending_export.kind = PendingExportKind::kDelete;
    ASSERT_TRUE(store->put_cs(changed).ok());
    ASSERT_TRUE(store->put_cs(sample_cs(2, 1, "cn=b")).ok());
    ASSERT_TRUE(store->put_setting("watermark", "2").ok());
    ASSERT_TRUE(store->put_mv({5, "person", {}}).ok());
    EXPECT_EQ(*store->next_id("mv"), 1u);
    store->rollback();

    EXPECT_EQ(**store->find_cs_by_id(1), a);
    EXPECT_FALSE(store->find_cs_by_id(2)->has_value());
    EXPECT_EQ(*store->get_setting("watermark"), std::optional<std::string>("1"));
    EXPECT_FALSE(store->find_mv(5)->has_value());
    store->rollback();  // no transaction: harmless
    EXPECT_EQ(store->commit().code(), ErrorCode::kInternal);

    // An uncommitted transaction is rolled back when the store closes.
    ASSERT_TRUE(store->begin().ok());
    EXPECT_EQ(store->begin().code(), ErrorCode::kInternal);
    ASSERT_TRUE(store->put_setting("watermark", "3").ok());
  }
  auto store = open_store(OpenMode::kMustExist);
  ASSERT_TRUE(store);
  EXPECT_EQ(load_all_cs(*store, 1), std::vector<CsObject>{a});
  EXPECT_EQ(*store->get_setting("watermark"), std::optional<std::string>("1"));
  EXPECT_EQ(*store->next_id("mv"), 1u);
}

TEST_F(StoreTest, SecondWriterGetsBusyAfterTheTimeout) {
  auto first = open_store();
  auto second = open_store(OpenMode::kMustExist);
  ASSERT_TRUE(first && second);
  ASSERT_TRUE(first->begin().ok());
  ASSERT_TRUE(first->put_setting("k", "v").ok());
  Status s = second->begin();
  EXPECT_EQ(s.code(), ErrorCode::kBusy);
  EXPECT_TRUE(contains(s.message(), path_)) << s.message();
  EXPECT_TRUE(contains(s.message(), "busy")) << s.message();
  // Readers keep working while the writer holds its transaction (WAL).
  EXPECT_EQ(*second->get_setting("k"), std::nullopt);
  ASSERT_TRUE(first->commit().ok());
  EXPECT_EQ(*second->get_setting("k"), std::optional<std::string>("v"));
  ASSERT_TRUE(second->begin().ok());
  ASSERT_TRUE(second->commit().ok());
}

TEST_F(StoreTest, RunHistoryNumbersQueriesAndPurges) {
  auto store = open_store();
  ASSERT_TRUE(store);
  auto add = [&](const std::string& connector, const std::string& profile, const std::string& result,
                 int64_t end) {
    RunRow row{0, connector, profile, 0, result, end - 10, end, "{}"};
    auto id = store->append_run(row);
    EXPECT_TRUE(id.ok()) << id.status().to_string();
    EXPECT_EQ(*id, row.run_id);
    return row;
  };
  RunRow a1 = add("AD", "Full Import", "success", 100);
  RunRow a2 = add("AD", "Delta Import", "completed-sync-errors", 200);
  RunRow l1 = add("LDAP", "Export", "success", 300);
  RunRow a3 = add("AD", "Delta Sync", "success", 400);
  EXPECT_EQ(a1.run_number, 1);
  EXPECT_EQ(a2.run_number, 2);
  EXPECT_EQ(l1.run_number, 1);
  EXPECT_EQ(a3.run_number, 3);
  EXPECT_LT(a1.run_id, a2.run_id);
  EXPECT_LT(l1.run_id, a3.run_id);

  auto all = store->query_runs({});
  ASSERT_EQ(all->size(), 4u);
  EXPECT_EQ((*all)[0].run_id, a3.run_id);  // newest first
  EXPECT_EQ((*all)[3].run_id, a1.run_id);

  auto ad = store->query_runs({"AD", "", 0, 100});
  ASSERT_EQ(ad->size(), 3u);
  EXPECT_EQ((*ad)[0].run_number, 3);
  EXPECT_EQ((*ad)[2].run_number, 1);

  auto ok_runs = store->query_runs({"", "success", 0, 100});
  EXPECT_EQ(ok_runs->size(), 3u);
  auto ad_ok = store->query_runs({"AD", "success", 0, 100});
  EXPECT_EQ(ad_ok->size(), 2u);
  auto one = store->query_runs({"", "", l1.run_id, 100});
  ASSERT_EQ(one->size(), 1u);
  EXPECT_EQ((*one)[0].connector, "LDAP");
  auto limited = store->query_runs({"", "", 0, 2});
  ASSERT_EQ(limited->size(), 2u);
  EXPECT_EQ((*limited)[1].run_id, l1.run_id);
  EXPECT_TRUE(store->query_runs({"nobody", "", 0, 100})->empty());

  // An explicit run number is kept, and numbering continues after it.
  RunRow explicit_row{0, "LDAP", "Export", 10, "success", 500, 510, "{}"};
  ASSERT_TRUE(store->append_run(explicit_row).ok());
  EXPECT_EQ(explicit_row.run_number, 10);
  EXPECT_EQ(add("LDAP", "Export", "success", 600).run_number, 11);

  auto purged = store->purge_runs_before(300);  // end_time < 300: a1, a2
  ASSERT_TRUE(purged.ok());
  EXPECT_EQ(*purged, 2);
  EXPECT_EQ(store->query_runs({"AD", "", 0, 100})->size(), 1u);
  EXPECT_EQ(*store->purge_runs_before(300), 0);

  // Purging everything of a connector does not restart its numbering or reuse run ids.
  EXPECT_EQ(*store->purge_runs_before(1000), 4);
  RunRow after = add("AD", "Full Import", "success", 2000);
  EXPECT_EQ(after.run_number, 4);
  EXPECT_GT(after.run_id, a3.run_id + 2);
}

TEST_F(StoreTest, NextIdIsPersistedAndPerSequence) {
  {
    auto store = open_store();
    ASSERT_TRUE(store);
    EXPECT_EQ(*store->next_id("cs"), 1u);
    EXPECT_EQ(*store->next_id("cs", 10), 2u);
    EXPECT_EQ(*store->next_id("cs"), 12u);
    EXPECT_EQ(*store->next_id("mv", 5), 1u);
    EXPECT_EQ(store->next_id("cs", 0).status().code(), ErrorCode::kInvalidArgument);
    ASSERT_TRUE(store->begin().ok());
    EXPECT_EQ(*store->next_id("mv"), 6u);
    ASSERT_TRUE(store->commit().ok());
  }
  auto store = open_store(OpenMode::kMustExist);
  ASSERT_TRUE(store);
  EXPECT_EQ(*store->next_id("cs"), 13u);
  EXPECT_EQ(*store->next_id("mv"), 7u);
}

TEST_F(StoreTest, PutRejectsObjectsWithoutId) {
  auto store = open_store();
  ASSERT_TRUE(store);
  EXPECT_EQ(store->put_cs(sample_cs(0, 1, "cn=x")).code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(store->put_mv({0, "person", {}}).code(), ErrorCode::kInvalidArgument);
}

TEST_F(StoreTest, DamagedBodyIsReportedWithTheObjectId) {
  {
    auto store = open_store();
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->put_cs(sample_cs(42, 1, "cn=x")).ok());
  }
  raw_exec(path_, "UPDATE cs_objects SET body = x'01ff' WHERE id = 42");
  auto store = open_store(OpenMode::kMustExist);
  ASSERT_TRUE(store);
  auto found = store->find_cs_by_id(42);
  ASSERT_FALSE(found.ok());
  EXPECT_EQ(found.status().code(), ErrorCode::kStoreError);
  EXPECT_TRUE(contains(found.status().message(), "connector space object 42")) << found.status().message();
  EXPECT_TRUE(contains(found.status().message(), path_)) << found.status().message();
  Status s = store->load_cs(1, [](CsObject&&) { return Status::Ok(); });
  EXPECT_EQ(s.code(), ErrorCode::kStoreError);
}

TEST_F(StoreTest, ReadOnlyModeReadsButDoesNotWrite) {
  {
    auto store = open_store();
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->put_setting("a", "b").ok());
  }
  auto store = open_store(OpenMode::kReadOnly);
  ASSERT_TRUE(store);
  EXPECT_EQ(*store->get_setting("a"), std::optional<std::string>("b"));
  Status s = store->put_setting("a", "c");
  EXPECT_FALSE(s.ok());
  EXPECT_TRUE(contains(s.message(), "write setting 'a'")) << s.message();
  EXPECT_TRUE(contains(s.message(), path_)) << s.message();
}

int count_cs_indexes(const std::string& path) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* s = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'cs_objects'",
                               -1, &s, nullptr),
            SQLITE_OK);
  int n = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int(s, 0) : -1;
  sqlite3_finalize(s);
  sqlite3_close(db);
  return n;
}

TEST_F(StoreTest, BulkLoadRebuildsIndexesOnCommitAndRestoresThemOnRollback) {
  auto store = open_store();
  ASSERT_TRUE(store);
  EXPECT_EQ(store->begin_bulk_load().code(), ErrorCode::kInternal);  // needs a transaction

  ASSERT_TRUE(store->begin().ok());
  ASSERT_TRUE(store->begin_bulk_load().ok());
  ASSERT_TRUE(store->begin_bulk_load().ok());  // idempotent
  for (CsId id = 1; id <= 50; ++id) ASSERT_TRUE(store->put_cs(sample_cs(id, 1, "CN=U" + std::to_string(id))).ok());
  EXPECT_TRUE(store->find_cs_by_dn(1, "cn=u7")->has_value());  // works (by scan) meanwhile
  ASSERT_TRUE(store->commit().ok());
  EXPECT_EQ(count_cs_indexes(path_), 3);
  EXPECT_EQ((*store->find_cs_by_dn(1, "cn=u42"))->id, 42u);
  EXPECT_TRUE(store->check_integrity().ok());

  ASSERT_TRUE(store->begin().ok());
  ASSERT_TRUE(store->begin_bulk_load().ok());
  ASSERT_TRUE(store->put_cs(sample_cs(51, 1, "CN=U51")).ok());
  store->rollback();
  EXPECT_EQ(count_cs_indexes(path_), 3);
  EXPECT_FALSE(store->find_cs_by_id(51)->has_value());
  EXPECT_EQ(load_all_cs(*store, 1).size(), 50u);

  // A later ordinary transaction does not rebuild anything.
  ASSERT_TRUE(store->begin().ok());
  ASSERT_TRUE(store->put_cs(sample_cs(52, 1, "CN=U52")).ok());
  ASSERT_TRUE(store->commit().ok());
  EXPECT_EQ((*store->find_cs_by_dn(1, "cn=u52"))->id, 52u);
  EXPECT_TRUE(store->check_integrity().ok());
}

TEST_F(StoreTest, IntegrityCheckPasses) {
  auto store = open_store();
  ASSERT_TRUE(store);
  for (CsId id = 1; id <= 100; ++id) ASSERT_TRUE(store->put_cs(sample_cs(id, 1, "cn=" + std::to_string(id))).ok());
  EXPECT_TRUE(store->check_integrity().ok());
}

}  // namespace
}  // namespace idsync
