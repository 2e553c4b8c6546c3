// csexport: MIM's connector space export tool. Writes the objects of one connector space to a
// file in the MIM "Connector Space Export XML" format (root <cs-objects>, one <cs-object> per
// object with its deltas, holograms, connector state and error details), so tools written for
// csexport.exe files - and `idsync csanalyzer` - read it.
//
// Contract:
// - csexport() opens the store read-only (a run may hold the store meanwhile) and never
//   overwrites anything: an existing target file is refused with kIoError before the store is
//   opened. It creates the file exclusively (O_EXCL), so a file appearing meanwhile is not
//   overwritten either.
// - It streams: each object is written as the store yields it (connector space id order) and
//   only a small output buffer is held, so memory does not grow with the connector space.
// - On any error after the file was created, the partial file is removed and the error names
//   the connector, the file and what to do. Nothing in the store changes.
// Thread safety: every function here is reentrant; there is no shared state.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "idsync/status.h"

namespace idsync {

// /f: which objects to export. MIM allows exactly one filter; kAll when none is given.
enum class CsExportFilterKind : uint8_t {
  kAll,
  kDn,              // d="DN": the object with this DN, or with this anchor (base64 or raw)
  kRdn,             // r="rdn": objects whose first RDN is this one ("CN=Ann Lee")
  kGuid,            // g="guid": the object with this id (see format_cs_object_guid)
  kDisconnectors,   // s: objects not joined to the metaverse
  kImportErrors,    // i: objects with an import / synchronization error
  kExportErrors,    // e: objects whose last export failed
  kPendingImports,  // m: objects with a staged import not yet synchronized
  kPendingExports,  // x: objects with an export waiting to be sent
};

struct CsExportFilter {
  CsExportFilterKind kind = CsExportFilterKind::kAll;
  std::string value;  // the DN, RDN or GUID for kDn / kRdn / kGuid
};

// /o: which parts of each <cs-object> to write. All of them when /o is not given.
struct CsExportSections {
  bool errors = true;          // e: <import-errordetail>, <export-errordetail>
  bool base = true;            // b: <connector>, <connector-state>, <cs-mv-links>
  bool holograms = true;       // h: <synchronized-hologram>, <unapplied-export-hologram>, ...
  bool deltas = true;          // d: <unapplied-export>, <unconfirmed-export>
  bool pending_imports = true; // p: <pending-import> (and <pending-import-hologram> with h)
};

struct CsExportRequest {
  std::string store_path;
  std::string connector;  // the connector (management agent) name, compared case-insensitively
  std::string file;       // the XML file to create; must not exist
  CsExportFilter filter;
  CsExportSections sections;
};

struct CsExportStats {
  uint64_t examined = 0;  // objects read from the store
  uint64_t written = 0;   // objects written to the file
};

[[nodiscard]] Result<CsExportStats> csexport(const CsExportRequest& request);

// Parses the text after "/f:" ("x", "d=CN=Ann,DC=x", "r=\"CN=Ann\"", "g={...}"); surrounding
// quotes of a value are removed. kInvalidArgument naming the accepted letters otherwise.
[[nodiscard]] Result<CsExportFilter> parse_csexport_filter(std::string_view text);
// Parses the letters after "/o:" (any combination of e, b, h, d, p).
[[nodiscard]] Result<CsExportSections> parse_csexport_sections(std::string_view letters);

// A connector space object id as the <cs-object id=> GUID: "{00000000-0000-0000-XXXX-XXXXXXXXXXXX}"
// holding the 64-bit id in hex. parse_cs_object_guid() accepts that form (braces optional) or
// a plain decimal id; nullopt-like 0 when the text is neither.
std::string format_cs_object_guid(uint64_t id);
uint64_t parse_cs_object_guid(std::string_view text);

}  // namespace idsync
