// libFuzzer target: the export analyzer's csexport XML reader (the streaming <cs-object> scanner
// plus pugixml per object) and its CSV writer, over arbitrary bytes and every delta kind.
// Beyond "no crash", two properties: the CSV always starts with the documented header, and no
// cell starts with a formula character (= + - @ TAB CR) unneutralised.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>
#include <string_view>

#include "idsync/csanalyzer.h"

namespace {

// Each CSV cell (RFC 4180, quoted or not) must not begin with a formula trigger.
void check_cells(std::string_view csv) {
  size_t i = 0;
  bool at_cell_start = true;
  while (i < csv.size()) {
    char c = csv[i];
    if (at_cell_start) {
      at_cell_start = false;
      size_t first = i;
      if (c == '"') {
        first = i + 1;
        if (first < csv.size()) {
          char f = csv[first];
          if (f == '=' || f == '+' || f == '-' || f == '@' || f == '\t' || f == '\r') std::abort();
        }
        // Skip the quoted cell.
        size_t j = first;
        for (;;) {
          if (j >= csv.size()) std::abort();  // unterminated quote
          if (csv[j] == '"') {
            if (j + 1 < csv.size() && csv[j + 1] == '"') {
              j += 2;
              continue;
            }
            break;
          }
          ++j;
        }
        i = j + 1;
        continue;
      }
      if (c == '=' || c == '+' || c == '-' || c == '@' || c == '\t') std::abort();
    }
    if (c == ',') {
      at_cell_start = true;
    } else if (c == '\n') {
      at_cell_start = true;
    }
    ++i;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1 || size > 65536) return 0;
  static const char* kinds[] = {"unapplied-export", "unconfirmed-export", "escrowed-export", "pending-import"};
  idsync::CsAnalyzerOptions options;
  options.delta_kind = kinds[data[0] % 4];
  std::istringstream xml(std::string(reinterpret_cast<const char*>(data) + 1, size - 1));
  std::ostringstream csv;
  auto summary = idsync::analyze_csexport(xml, csv, options);
  std::string text = csv.str();
  if (summary.ok()) {
    if (text.rfind(idsync::kCsAnalyzerHeader, 0) != 0) std::abort();
    (void)idsync::format_csanalyzer_summary(*summary, options);
    (void)idsync::format_csanalyzer_summary_csv(*summary);
  } else if (summary.status().message().empty()) {
    std::abort();  // an error must say what is wrong
  }
  check_cells(text);
  return 0;
}
