// load_cs / load_mv read rows on the SQLite thread and decode them on oneTBB tasks, a chunk of
// 1,024 rows ahead of the sink: the sink must still see exactly what a row-by-row scan gives —
// every row in id order, the rows before a damaged one and then that row's error, and a stop
// by the sink ending the scan at once.
#include "store_test_util.h"

namespace idsync::store_test {
namespace {

constexpr int kRows = 3000;     // three decoding chunks
constexpr int kDamaged = 2500;  // in the third

class LoadPipelineTest : public StoreTest {
 protected:
  void fill() {
    auto store = open_store();
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->begin().ok());
    for (int i = 1; i <= kRows; ++i) {
      ASSERT_TRUE(store->put_cs(sample_cs(static_cast<CsId>(i), 1, "CN=U" + std::to_string(i))).ok());
      MvObject mv;
      mv.id = static_cast<MvId>(i);
      mv.object_type = "person";
      mv.attributes.plain().set(2, {"Person " + std::to_string(i)});
      ASSERT_TRUE(store->put_mv(mv).ok());
    }
    ASSERT_TRUE(store->commit().ok());
  }
};

TEST_F(LoadPipelineTest, EveryRowArrivesInIdOrder) {
  fill();
  auto store = open_store(OpenMode::kMustExist);
  ASSERT_NE(store, nullptr);
  int n = 0;
  ASSERT_TRUE(store->load_cs(1, [&](CsObject&& o) {
    ++n;
    EXPECT_EQ(o, sample_cs(static_cast<CsId>(n), 1, "CN=U" + std::to_string(n)));
    return Status::Ok();
  }).ok());
  EXPECT_EQ(n, kRows);
  n = 0;
  ASSERT_TRUE(store->load_mv([&](MvObject&& o) {
    ++n;
    EXPECT_EQ(o.id, static_cast<MvId>(n));
    const AttributeSet attributes = o.attributes.thaw();  // kept: the view points into it
    const ValuesView v = attributes.get(2);
    EXPECT_TRUE(v.size() == 1 && v[0] == "Person " + std::to_string(n));
    return Status::Ok();
  }).ok());
  EXPECT_EQ(n, kRows);
}

TEST_F(LoadPipelineTest, DamagedRowEndsTheScanAfterTheRowsBeforeIt) {
  fill();
  raw_exec(path_, "UPDATE cs_objects SET body = x'01ff' WHERE id = " + std::to_string(kDamaged) +
                      "; UPDATE mv_objects SET body = x'01ff' WHERE id = " + std::to_string(kDamaged));
  auto store = open_store(OpenMode::kMustExist);
  ASSERT_NE(store, nullptr);
  int n = 0;
  Status s = store->load_cs(1, [&](CsObject&& o) {
    EXPECT_EQ(o.id, static_cast<CsId>(++n));
    return Status::Ok();
  });
  EXPECT_EQ(s.code(), ErrorCode::kStoreError);
  EXPECT_NE(s.message().find("connector space object " + std::to_string(kDamaged)), std::string::npos) << s.message();
  EXPECT_EQ(n, kDamaged - 1);
  n = 0;
  s = store->load_mv([&](MvObject&& o) {
    EXPECT_EQ(o.id, static_cast<MvId>(++n));
    return Status::Ok();
  });
  EXPECT_EQ(s.code(), ErrorCode::kStoreError);
  EXPECT_NE(s.message().find("metaverse object " + std::to_string(kDamaged)), std::string::npos) << s.message();
  EXPECT_EQ(n, kDamaged - 1);
}

TEST_F(LoadPipelineTest, SinkStopEndsTheScanAndTheStoreStaysUsable) {
  fill();
  auto store = open_store(OpenMode::kMustExist);
  ASSERT_NE(store, nullptr);
  for (int stop_at : {1, 1024, 1025, 2999}) {
    int n = 0;
    Status s = store->load_mv([&](MvObject&&) {
      if (++n == stop_at) return Status::Error(ErrorCode::kStopped, "enough");
      return Status::Ok();
    });
    EXPECT_EQ(s.code(), ErrorCode::kStopped);
    EXPECT_EQ(n, stop_at);
  }
  int n = 0;
  ASSERT_TRUE(store->load_cs(1, [&](CsObject&&) {
    ++n;
    return Status::Ok();
  }).ok());
  EXPECT_EQ(n, kRows);  // the cached statement was reset after the stopped scans
  auto found = store->find_mv(kRows);
  ASSERT_TRUE(found.ok() && found->has_value());
}

}  // namespace
}  // namespace idsync::store_test
