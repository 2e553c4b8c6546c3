// ObjectTable keeps its objects in raw slots with a bitmap of the live ones (no optional
// flag per slot): every object it constructs is destroyed exactly once — on erase, on clear,
// when a table is moved over, and with the table — and never one it did not construct.
#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "model/objects.h"
#include "sync/object_table.h"

namespace idsync {
namespace {

// Counts live instances; a destroyed one is poisoned so a double destruction shows.
struct Counted {
  static inline int live = 0;
  std::string text;
  bool alive = true;
  Counted() { ++live; }
  explicit Counted(std::string t) : text(std::move(t)) { ++live; }
  Counted(const Counted& o) : text(o.text) {
    EXPECT_TRUE(o.alive);
    ++live;
  }
  Counted(Counted&& o) noexcept : text(std::move(o.text)) { ++live; }
  Counted& operator=(const Counted& o) = default;
  Counted& operator=(Counted&& o) noexcept = default;
  ~Counted() {
    EXPECT_TRUE(alive) << "destroyed twice";
    alive = false;
    --live;
  }
};

TEST(ObjectTableTest, DestroysEachObjectExactlyOnce) {
  Counted::live = 0;
  {
    ObjectTable<Counted> table;
    for (uint64_t id = 1; id <= 3000; ++id) table.emplace(id, Counted("o" + std::to_string(id)));
    EXPECT_EQ(Counted::live, 3000);
    for (uint64_t id = 2; id <= 3000; id += 2) ASSERT_TRUE(table.erase(id));
    EXPECT_EQ(Counted::live, 1500);
    for (uint64_t id = 5000; id < 5100; ++id) table[id].text = "reused";  // into freed slots
    EXPECT_EQ(Counted::live, 1600);
    size_t seen = 0;
    for (const auto& [id, c] : table) {
      EXPECT_TRUE(c.alive);
      EXPECT_EQ(c.text, id >= 5000 ? "reused" : "o" + std::to_string(id));
      ++seen;
    }
    EXPECT_EQ(seen, 1600u) << "iteration skips the freed slots";

    ObjectTable<Counted> other;
    other.emplace(1, Counted("other"));
    other = std::move(table);  // the one object `other` held goes
    EXPECT_EQ(Counted::live, 1600);
    EXPECT_EQ(other.size(), 1600u);
    EXPECT_EQ(table.size(), 0u);  // NOLINT(bugprone-use-after-move)
    EXPECT_EQ(table.begin(), table.end());
    ObjectTable<Counted> moved(std::move(other));
    EXPECT_EQ(Counted::live, 1600);
    ASSERT_NE(moved.find(1), nullptr);
    EXPECT_EQ(moved.find(1)->text, "o1");
    moved.clear();
    EXPECT_EQ(Counted::live, 0);
    EXPECT_TRUE(moved.empty());
    moved.emplace(7, Counted("again"));
    EXPECT_EQ(Counted::live, 1);
  }
  EXPECT_EQ(Counted::live, 0) << "the table's destructor destroys what is left";
}

TEST(ObjectTableTest, SlotIsTheBarePair) {
  // No flag word per slot: a table of CS objects costs the pair and a bit.
  ObjectTable<CsObject> table;
  for (uint64_t id = 1; id <= 1024; ++id) table.emplace(id, CsObject{});
  size_t per_object = table.memory_bytes() / 1024;
  EXPECT_LE(per_object, sizeof(std::pair<const uint64_t, CsObject>) + 20) << per_object;
}

}  // namespace
}  // namespace idsync
