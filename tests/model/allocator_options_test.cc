// Every IdSync executable links tools/alloc/mimalloc_options.cc (CMake idsync_executable): freed
// memory goes back to the OS at once (issue 5), unless the environment says otherwise.
#include <gtest/gtest.h>
#include <mimalloc.h>

#include <cstdlib>
#include <string>

namespace idsync {
namespace {

TEST(AllocatorOptionsTest, FreedMemoryIsDecommittedWithoutDelayUnlessTheEnvironmentSaysOtherwise) {
  const char* env = std::getenv("MIMALLOC_DECOMMIT_DELAY");
  const long expected = env != nullptr && *env != '\0' ? std::stol(env) : 0;
  EXPECT_EQ(mi_option_get(mi_option_decommit_delay), expected);
}

}  // namespace
}  // namespace idsync
