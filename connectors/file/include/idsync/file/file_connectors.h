// The file connectors: "ldif" (RFC 2849) and "csv".
//
// "ldif" options:
//   path           the content LDIF file: the directory's baseline (required; created empty
//                  on the first export when missing)
//   delta_dir      folder of change-record files (default "<path>.changes/"); the directory
//                  state is the content file plus every "*.ldif" in delta_dir applied in
//                  file-name order
//   anchor         attribute whose first value is the anchor (e.g. objectGUID); empty: none
//   assign_anchor  "true": an exported add without the anchor attribute gets a random
//                  16-byte GUID in it, returned as ExportResult::new_anchor (needs anchor)
//   object_types   optional comma list; entries of other types are skipped on import
// Watermark: the name of the last change file applied ("" when none).
//
// "csv" options:
//   path                    the CSV file (required; created on the first export)
//   dn_column               column holding the DN (default "dn")
//   anchor                  column holding the anchor (optional; stays an attribute too)
//   object_type             fixed object type (default "person"), or
//   object_type_column      column holding each row's object type
//   delimiter               one character (default ","; "tab" or "\t" for a tab)
//   multi_value_separator   splits cells of multi-valued attributes (default ";"; empty:
//                           never split). Attributes the schema declares single-valued are
//                           never split.
// Binary attributes (config.schema type binary) are base64 in cells. Full import only.
#pragma once

#include <memory>

#include "idsync/connector.h"

namespace idsync::file {

// Adds the "ldif" and "csv" connector types to `registry`.
void register_file_connectors(ConnectorRegistry& registry);

// The factories behind those types; errors name the bad option.
Result<std::unique_ptr<Connector>> create_ldif_connector(const ConnectorConfig& config);
Result<std::unique_ptr<Connector>> create_csv_connector(const ConnectorConfig& config);

}  // namespace idsync::file
