// ReadAhead runs a producer on its own thread a bounded number of items ahead: the consumer
// sees the producer's exact sequence (items in order, then its end or its error), memory stays
// bounded, and a consumer that stops early never hangs or leaks the thread.
#include "idsync/file/read_ahead.h"

#include <gtest/gtest.h>

#include <atomic>
#include <sstream>

#include "idsync/file/ldif.h"

namespace idsync::file {
namespace {

TEST(ReadAheadTest, ItemsComeOutInOrderThenTheEnd) {
  int next = 0;
  ReadAhead<int> ahead([&](int& out) -> Result<bool> {
    if (next == 10000) return false;
    out = next++;
    return true;
  }, /*batch_size=*/7, /*max_batches=*/3);
  int v = -1;
  for (int expected = 0; expected < 10000; ++expected) {
    auto more = ahead.next(v);
    ASSERT_TRUE(more.ok());
    ASSERT_TRUE(*more);
    ASSERT_EQ(v, expected);
  }
  for (int again = 0; again < 2; ++again) {  // the end stays the end
    auto more = ahead.next(v);
    ASSERT_TRUE(more.ok());
    EXPECT_FALSE(*more);
  }
}

TEST(ReadAheadTest, AnErrorComesAfterEveryItemMadeBeforeIt) {
  int next = 0;
  ReadAhead<int> ahead([&](int& out) -> Result<bool> {
    if (next == 5) return Status::Error(ErrorCode::kParseError, "line 42: bad record");
    out = next++;
    return true;
  }, 2, 2);
  int v = -1;
  for (int expected = 0; expected < 5; ++expected) {
    auto more = ahead.next(v);
    ASSERT_TRUE(more.ok() && *more);
    EXPECT_EQ(v, expected);
  }
  auto more = ahead.next(v);
  ASSERT_FALSE(more.ok());
  EXPECT_EQ(more.status().code(), ErrorCode::kParseError);
  EXPECT_EQ(more.status().message(), "line 42: bad record");
}

TEST(ReadAheadTest, TheProducerStaysABoundedNumberOfItemsAhead) {
  std::atomic<int> produced{0};
  {
    ReadAhead<int> ahead([&](int& out) -> Result<bool> {
      out = produced.fetch_add(1);
      return true;  // endless: only the bound stops it
    }, 4, 3);
    int v = -1;
    ASSERT_TRUE(ahead.next(v).ok());
    // Wait (bounded) until the producer has filled what it may buffer, then check it stopped.
    for (int i = 0; i < 2000 && produced.load() < 4 * 4; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    // The batch being consumed, max_batches queued, and the one the producer holds waiting.
    EXPECT_LE(produced.load(), 4 * (1 + 3 + 1));
  }  // the destructor stops the endless producer and joins it
}

TEST(ReadAheadTest, AConsumerThatStopsEarlyDoesNotHang) {
  std::atomic<int> produced{0};
  {
    ReadAhead<int> ahead([&](int& out) -> Result<bool> {
      out = produced.fetch_add(1);
      return true;
    }, 1, 1);
  }  // never read from: destruction must still return
  SUCCEED();
}

// Parsing through the read-ahead gives what LdifReader gives, the parse error included.
TEST(ReadAheadTest, LdifRecordsAndTheirErrorsAreUnchanged) {
  std::string text = "version: 1\n\ndn: CN=A,DC=x\nobjectClass: user\ncn: A\n\n"
                     "dn: CN=B,DC=x\nobjectClass: user\ncn: B\n\n"
                     "dn: CN=C,DC=x\nthis line has no colon\n\n";
  std::istringstream direct_in(text), ahead_in(text);
  LdifReader direct(direct_in, "people.ldif");
  LdifReader reader(ahead_in, "people.ldif");
  LdifRecord rec;
  ReadAhead<std::string> ahead([&](std::string& dn) -> Result<bool> {
    auto more = reader.next(rec);
    if (!more.ok() || !*more) return more;
    dn = rec.entry.dn;
    return true;
  });
  LdifRecord expected;
  std::string dn;
  bool saw_error = false;
  for (;;) {
    auto want = direct.next(expected);
    auto got = ahead.next(dn);
    ASSERT_EQ(want.ok(), got.ok());
    if (!want.ok()) {
      EXPECT_EQ(got.status().message(), want.status().message());
      EXPECT_NE(got.status().message().find("people.ldif"), std::string::npos) << got.status().message();
      saw_error = true;
      break;
    }
    ASSERT_EQ(*want, *got);
    if (!*want) break;
    EXPECT_EQ(dn, expected.entry.dn);
  }
  EXPECT_TRUE(saw_error) << "the third record is malformed";
}

}  // namespace
}  // namespace idsync::file
