// Size attacks: one attribute with 1,000,000 values through import, sync, export and the
// confirming import (the megabyte value is in hostile_values_test.cc).
#include "sync/scenario.h"

namespace idsync::scenario {
namespace {

// Regression: export confirmation compared multi-valued attributes with a std::find per value
// (quadratic); with a million values the confirming import of this test did not finish in 10
// minutes.
TEST(HostileSizeTest, AMillionValuesInOneAttributeArriveIntact) {
  constexpr size_t kValues = 1000000;
  Scenario s;
  standard_setup(s);
  for (SyncRule& r : s.config().rules) {
    if (r.name == "In from HR - User") r.flows.push_back(direct("proxyAddresses", "proxyAddresses", MergeType::kUpdate));
    if (r.name == "Out to DIR - User") r.flows.push_back(direct("proxyAddresses", "proxyAddresses", MergeType::kUpdate));
  }
  std::string extra;
  extra.reserve(kValues * 40);
  for (size_t i = 0; i < kValues; ++i) extra += "proxyAddresses: smtp:alias" + std::to_string(i) + "@contoso.com\n";
  s.set_content("hr", hr_user("big", "Big Mailbox", extra) + hr_user("u1", "Ann Lee"));
  ASSERT_TRUE(s.apply().ok());
  initial_round(s);
  auto dir = s.directory("dir");
  auto it = dir.find(normalized("CN=Big Mailbox,OU=People,DC=dir"));
  ASSERT_NE(it, dir.end());
  const Attribute* proxies = it->second.find("proxyAddresses");
  ASSERT_NE(proxies, nullptr);
  ASSERT_EQ(proxies->values.size(), kValues);
  EXPECT_EQ(proxies->values.front(), "smtp:alias0@contoso.com");
  EXPECT_EQ(proxies->values.back(), "smtp:alias999999@contoso.com");
  // Nothing left to export: the confirming import matched all million values.
  json cs = s.cs("dir", "CN=Big Mailbox,OU=People,DC=dir");
  EXPECT_EQ(cs["pendingExport"], "none") << cs.dump().substr(0, 300);
}

}  // namespace
}  // namespace idsync::scenario
