// csanalyzer: the export analyzer. Reads a csexport XML file (written by `idsync csexport` or by
// Microsoft's csexport.exe) and writes one CSV row per changed attribute of the chosen delta,
// so a pending export can be reviewed in a spreadsheet before it is sent.
//
// Contract:
// - Input is read as a stream, one <cs-object> element at a time: memory holds one object, not
//   the file. UTF-8 (with or without BOM) and UTF-16 (with BOM) files are accepted. Elements
//   and attributes the analyzer does not know are ignored.
// - The CSV starts with kCsAnalyzerHeader; cells are quoted per RFC 4180 (CRLF line ends) and a
//   cell starting with = + - @ TAB or CR gets a leading apostrophe so spreadsheets do not run it
//   as a formula.
// - A malformed object or a file that is not a csexport file ends the run with kParseError
//   naming the object; the rows written before stay written.
// Thread safety: reentrant; no shared state.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <map>
#include <string>
#include <string_view>

#include "idsync/status.h"

namespace idsync {

inline constexpr const char* kCsAnalyzerHeader =
    "ObjectType,DN,OMODT,ChangedAttrCount,AttrName,AMODT,ATYPE,IsMultiValued,ValueChangeCount,ValueAdds,"
    "ValueDeletes,OldValue,NewValue";

struct CsAnalyzerOptions {
  // Which delta of each <cs-object> to analyze: "unapplied-export" (the pending export),
  // "unconfirmed-export", "escrowed-export" or "pending-import".
  std::string delta_kind = "unapplied-export";
};

struct CsAnalyzerCounts {
  uint64_t objects = 0;
  uint64_t attribute_changes = 0;
};

struct CsAnalyzerSummary {
  uint64_t objects_read = 0;        // <cs-object> elements in the file
  uint64_t objects_analyzed = 0;    // of those, with the chosen delta
  uint64_t rows = 0;                // CSV rows written (header excluded)
  std::map<std::string, CsAnalyzerCounts> by_omodt;  // "Add", "Update", "Delete", ...
};

bool is_csanalyzer_delta_kind(std::string_view kind);

[[nodiscard]] Result<CsAnalyzerSummary> analyze_csexport(std::istream& xml, std::ostream& csv,
                                                         const CsAnalyzerOptions& options);
// `csv_path` empty = standard output. The CSV file is created or replaced.
[[nodiscard]] Result<CsAnalyzerSummary> analyze_csexport_file(const std::string& xml_path, const std::string& csv_path,
                                                              const CsAnalyzerOptions& options);

// The summary as text lines ("Add: 2 objects, 7 attribute changes") and as CSV
// ("OMODT,Objects,ChangedAttributes").
std::string format_csanalyzer_summary(const CsAnalyzerSummary& summary, const CsAnalyzerOptions& options);
std::string format_csanalyzer_summary_csv(const CsAnalyzerSummary& summary);

// One CSV cell: formula-neutralised, then quoted when it holds , " CR or LF (or starts / ends
// with a space).
std::string csv_cell(std::string_view value);

}  // namespace idsync
