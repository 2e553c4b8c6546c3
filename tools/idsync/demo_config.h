// The demo's configuration: an on-premises AD forest in LDIF, a cloud directory in LDIF, and a
// rule set modelled on the Entra Connect defaults (join on the source anchor, cloudFiltered for
// system accounts, the userPrincipalName fallback, the cloud DN built from the sourceAnchor).
#pragma once

#include <string>

namespace idsync::cli {

// The configuration JSON with its file paths under `dir`.
std::string demo_configuration_json(const std::string& dir, const std::string& domain);

}  // namespace idsync::cli
