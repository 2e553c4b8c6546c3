// The file connectors: "ldif" (RFC 2849) and "csv".
#pragma once

#include "idsync/connector.h"

namespace idsync::file {

// Adds the "ldif" and "csv" connector types to `registry`.
void register_file_connectors(ConnectorRegistry& registry);

}  // namespace idsync::file
