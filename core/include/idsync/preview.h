// idsync preview: the pending exports of one connector as a single self-contained HTML page
// an administrator reads before letting an export go (typically on a staging server, or after
// a rule change). Beyond the reference product, which only has csexport + the export analyzer.
//
// The page shows: whether the next export would stop (deletion threshold, group member-removal
// limit), counts by object type and operation, the riskiest changes first (deletes, anchor
// and userPrincipalName changes, member removals from large groups, renames), and a table of
// every pending export with a search box that filters its rows.
//
// Contract:
// - Reads the store read-only (a run may hold it meanwhile); changes nothing.
// - The page loads nothing from anywhere: no external script, style, font or image; a
//   Content-Security-Policy forbids it, and the one inline script carries a per-page nonce,
//   so markup smuggled into directory data could not run even if it escaped escaping.
// - Every value from the directory is HTML-escaped; bytes that are not valid UTF-8 and
//   control characters are shown as \xNN; binary values are shown in base64.
// - Counts cover every pending export; the tables hold at most max_rows / max_risky rows
//   (the page says so when it holds fewer), so the page stays usable on a large export.
// Thread safety: reentrant; no shared state.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>

#include "idsync/status.h"

namespace idsync {

struct PreviewRequest {
  std::string store_path;
  std::string connector;     // compared case-insensitively
  size_t max_rows = 20000;   // rows of the searchable table
  size_t max_risky = 1000;   // rows of the riskiest-changes table
};

struct PreviewStats {
  uint64_t pending = 0;  // pending exports of the connector
  uint64_t risky = 0;    // of those, with at least one risk
  uint64_t rows = 0;     // rows written to the searchable table
  bool would_stop = false;  // the next export would stop on a limit
};

[[nodiscard]] Result<PreviewStats> write_export_preview(const PreviewRequest& request, std::ostream& html);
// Writes to `html_path` (created or replaced); on error no partial file is left behind.
[[nodiscard]] Result<PreviewStats> write_export_preview_file(const PreviewRequest& request, const std::string& html_path);

// Text as HTML character data or attribute value: & < > " ' escaped; invalid UTF-8 and control
// characters (but tab, LF) as \xNN.
std::string html_escape(std::string_view text);

}  // namespace idsync
