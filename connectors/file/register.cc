#include "idsync/file/file_connectors.h"

namespace idsync::file {

void register_file_connectors(ConnectorRegistry& /*registry*/) {}

}  // namespace idsync::file
