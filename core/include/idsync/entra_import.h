// Import of a Microsoft Entra Connect (Azure AD Connect) configuration export into an IdSync
// Configuration.
//
// The export folder holds SynchronizationRules/*.xml (one rule each), Connectors/*.xml (one
// management agent each: schema, attribute inclusion, partitions, run profiles) and
// GlobalSettings/MV.xml (metaverse schema and global parameters). The importer carries over what
// IdSync can represent and lists everything else, with the reason, in the report: nothing is
// dropped silently.
//
// Mapping:
// - rules: every field of a SyncRule; <src>text</src> without <attr> is a Constant flow, one
//   <attr> without <expression> a Direct flow, anything with <expression> an Expression flow.
//   Rules are ordered by precedence (then name). Connector GUIDs resolve to connector names.
// - connectors: name, id, role (AD → on-premises; Windows Azure Active Directory → cloud), run
//   profiles, schema (the attribute inclusion list when there is one; object types are the
//   classes selected in the partition filter, with inherited attributes), the %Domain.*% /
//   %Forest.*% parameters. The directory driver is chosen by EntraImportOptions: by default an
//   "ldif" connector reading <base_dir>/<connector file name>.ldif.
// - attributes named by a rule but missing from a schema are added to that schema (reported).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "idsync/configuration.h"
#include "idsync/status.h"

namespace idsync {

// How one Entra connector becomes an IdSync connector.
struct EntraConnectorOverride {
  std::string type;                            // empty: keep the default ("ldif")
  std::map<std::string, std::string> options;  // merged over the default options
  bool replace_options = false;                // true: `options` replace the defaults entirely
  std::string name;                            // empty: keep the Entra connector name
};

struct EntraImportOptions {
  // Where the default ldif connectors read and write: <base_dir>/<file-safe connector name>.ldif
  // (e.g. "contoso.com.ldif", "contoso.onmicrosoft.com_-_AAD.ldif"). Relative paths stay
  // relative (to the directory the engine runs in).
  std::string base_dir = ".";
  // Keyed by Entra connector name or id (GUID, with or without braces, any case).
  std::map<std::string, EntraConnectorOverride> connectors;
  // Defaults for connectors without an override:
  //   on-premises (AD):   ldif, anchor = objectGUID, object_types = the partition filter classes
  //   cloud (Azure AD):   ldif, anchor = cloudAnchor, assign_anchor = true, object_types = ...
  std::string default_type = "ldif";
  // Rules whose connector is not in Connectors/: an error (false) or skipped with a report
  // line (true).
  bool skip_rules_of_unknown_connectors = false;
};

struct EntraImportReport {
  std::vector<std::string> imported;  // what was carried over (one line per item or summary)
  std::vector<std::string> skipped;   // "<what>: <why>" for everything not carried over
  std::vector<std::string> added_attributes;  // "<schema>: <attribute> (<type>), used by rule '<name>'"
  size_t rules = 0;
  size_t connectors = 0;
  // "62 rules, 2 connectors imported" followed by the skipped items, one per line.
  std::string text() const;
};

// Reads the export in `folder`. Errors (kParseError / kNotFound / kInvalidArgument) name the XML
// file and the element. The returned Configuration passes parse_configuration(write_configuration)
// unchanged and compiles in Server::import_configuration.
Result<Configuration> import_entra_configuration(const std::string& folder, const EntraImportOptions& options,
                                                 EntraImportReport& report);

// The default file name part for a connector: characters other than [A-Za-z0-9._-] become '_'.
std::string entra_connector_file_name(const std::string& connector_name);

}  // namespace idsync
