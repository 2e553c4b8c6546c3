#include "idsync/entry.h"
#include "idsync/value_types.h"

#include <gtest/gtest.h>

namespace idsync {
namespace {

TEST(ValueTypes, CanonicalIntegers) {
  EXPECT_EQ(canonicalize_value(AttrType::kInteger, "+007").value(), "7");
  EXPECT_EQ(canonicalize_value(AttrType::kInteger, " -42 ").value(), "-42");
  auto bad = canonicalize_value(AttrType::kInteger, "12a");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("'12a'"), std::string::npos);
}

TEST(ValueTypes, CanonicalBooleansAndDates) {
  EXPECT_EQ(canonicalize_value(AttrType::kBoolean, "True").value(), "TRUE");
  EXPECT_EQ(canonicalize_value(AttrType::kBoolean, "0").value(), "FALSE");
  EXPECT_FALSE(canonicalize_value(AttrType::kBoolean, "maybe").ok());
  EXPECT_EQ(canonicalize_value(AttrType::kDateTime, "2024-03-01").value(), "2024-03-01T00:00:00.000Z");
  EXPECT_EQ(canonicalize_value(AttrType::kDateTime, "20240301123456.0Z").value(), "2024-03-01T12:34:56.000Z");
  EXPECT_FALSE(canonicalize_value(AttrType::kDateTime, "2024-13-01").ok());
}

TEST(Entry, SetFindAndRemoveAreCaseInsensitive) {
  Entry e;
  e.set("mail", {"a@x"});
  e.set("MAIL", {"b@x"});
  ASSERT_EQ(e.attributes.size(), 1u);
  EXPECT_EQ(e.first("Mail"), "b@x");
  e.set("mail", {});
  EXPECT_EQ(e.find("mail"), nullptr);
}

}  // namespace
}  // namespace idsync
