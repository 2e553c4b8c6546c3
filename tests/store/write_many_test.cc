// put_cs_many / put_mv_many: the bulk writes of a full import or sync, with bodies encoded on
// other threads. They must store exactly what put_cs / put_mv one by one would, in order, over
// several encoding chunks, and stop at a bad object with the same clear error.
#include <tbb/global_control.h>

#include "store_test_util.h"

namespace idsync::store_test {
namespace {

constexpr int kObjects = 10000;  // more than two encoding chunks

std::vector<CsObject> many_cs() {
  std::vector<CsObject> out;
  for (int i = 1; i <= kObjects; ++i) {
    CsObject o = sample_cs(static_cast<CsId>(i), 1, "CN=User " + std::to_string(i) + ",OU=People,DC=Example");
    o.hologram.plain().set(3, {std::string(static_cast<size_t>(i % 97), 'v') + std::to_string(i)});
    out.push_back(std::move(o));
  }
  return out;
}

void expect_stored(Store& store, const std::vector<CsObject>& objects) {
  std::vector<CsObject> loaded;
  ASSERT_TRUE(store.load_cs(1, [&](CsObject&& o) {
    loaded.push_back(std::move(o));
    return Status::Ok();
  }).ok());
  ASSERT_EQ(loaded.size(), objects.size());
  for (size_t i = 0; i < objects.size(); ++i) ASSERT_EQ(loaded[i], objects[i]) << "object " << objects[i].id;
  // The DN index was written from the parallel-normalized DN.
  auto found = store.find_cs_by_dn(1, "cn=user 4097,ou=people,dc=example");
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->id, 4097u);
}

TEST_F(StoreTest, PutManyStoresWhatPutOneByOneStores) {
  std::vector<CsObject> objects = many_cs();
  std::vector<const CsObject*> pointers;
  for (const CsObject& o : objects) pointers.push_back(&o);
  std::vector<MvObject> mv(3 * 4096 + 5);
  std::vector<const MvObject*> mv_pointers;
  for (size_t i = 0; i < mv.size(); ++i) {
    mv[i].id = i + 1;
    mv[i].object_type = "person";
    mv[i].attributes.plain().set(2, {"Person " + std::to_string(i)});
    mv_pointers.push_back(&mv[i]);
  }
  auto store = open_store();
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->begin().ok());
  ASSERT_TRUE(store->begin_bulk_load().ok());
  ASSERT_TRUE(store->put_cs_many(pointers).ok());
  ASSERT_TRUE(store->put_mv_many(mv_pointers).ok());
  ASSERT_TRUE(store->commit().ok());
  expect_stored(*store, objects);
  size_t n = 0;
  ASSERT_TRUE(store->load_mv([&](MvObject&& o) {
    EXPECT_EQ(o, mv[n]);
    ++n;
    return Status::Ok();
  }).ok());
  EXPECT_EQ(n, mv.size());
}

TEST_F(StoreTest, PutManyWorksWithOneThread) {
  tbb::global_control one(tbb::global_control::max_allowed_parallelism, 1);
  std::vector<CsObject> objects = many_cs();
  std::vector<const CsObject*> pointers;
  for (const CsObject& o : objects) pointers.push_back(&o);
  auto store = open_store();
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->begin().ok());
  ASSERT_TRUE(store->put_cs_many(pointers).ok());
  ASSERT_TRUE(store->commit().ok());
  expect_stored(*store, objects);
}

TEST_F(StoreTest, PutManyStopsAtAnObjectWithoutIdAndNamesIt) {
  std::vector<CsObject> objects = many_cs();
  objects[5000].id = 0;  // in the second chunk
  objects[5000].dn = "CN=No Id,DC=Example";
  std::vector<const CsObject*> pointers;
  for (const CsObject& o : objects) pointers.push_back(&o);
  auto store = open_store();
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->begin().ok());
  Status s = store->put_cs_many(pointers);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(s.message().find("CN=No Id,DC=Example"), std::string::npos) << s.message();
  store->rollback();
  auto counts = store->count_cs(1);
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->objects, 0);  // the caller rolled back: nothing of the batch remains
}

}  // namespace
}  // namespace idsync::store_test
