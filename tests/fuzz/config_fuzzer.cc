// libFuzzer target: the configuration JSON reader (`idsync config import`). Beyond "no crash",
// the documented property: a configuration it accepts, written back, parses again and writes
// the same text (import → export → import is stable), and every error names what is wrong.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "idsync/configuration.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 65536) return 0;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto config = idsync::parse_configuration(text);
  if (!config.ok()) {
    if (config.status().message().empty()) std::abort();
    return 0;
  }
  std::string once = idsync::write_configuration(*config);
  auto again = idsync::parse_configuration(once);
  if (!again.ok()) std::abort();  // our own export must import
  if (idsync::write_configuration(*again) != once) std::abort();
  return 0;
}
