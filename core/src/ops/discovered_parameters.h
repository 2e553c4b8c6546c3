// Rule parameters a connector discovers in its directory (Connector::discover_parameters():
// %Domain.FQDN%, %Domain.Netbios%, %Domain.LDAP%, %Forest.*% of an "ad" connector), kept with the
// connector so that its rules see them without the administrator copying them by hand.
//
// Rules read a connector's parameters from its stored definition, so the store keeps the
// effective set there: the explicit parameters plus the discovered values of the names the
// administrator did not set (explicit values always win). The setting
// "discovered_parameters.<connector>" records the discovered values and which names were filled
// in from them, so that
//  - configuration export and diff show the explicit parameters only (strip_discovered),
//  - a configuration import keeps the discovered values for the names it does not set, and a
//    sync run without a connection still sees them,
//  - a later discovery replaces only what discovery filled in.
#pragma once

#include <map>
#include <set>
#include <string>

#include "idsync/configuration.h"
#include "store/store.h"

namespace idsync {

struct DiscoveredParameters {
  std::map<std::string, std::string> values;  // as last discovered
  std::set<std::string> filled;               // the names filled into the stored definition
};

Result<DiscoveredParameters> load_discovered_parameters(Store& store, const std::string& connector);
// Writes the setting (inside the caller's transaction).
Status put_discovered_parameters(Store& store, const std::string& connector, const DiscoveredParameters& d);

// Fills `def` (explicit parameters only) with the `discovered` values it does not set; returns
// the record of what was filled.
DiscoveredParameters fill_discovered(ConnectorDefinition& def, const std::map<std::string, std::string>& discovered);

// Removes the parameters discovery filled into `def` (read from the store), leaving the explicit ones.
Status strip_discovered(Store& store, ConnectorDefinition& def);

// Records a new discovery for connector `name`: its stored definition and the setting are
// updated in one transaction. Returns false when nothing changed (and nothing was written).
Result<bool> store_discovered_parameters(Store& store, const std::string& name,
                                         const std::map<std::string, std::string>& discovered);

}  // namespace idsync
