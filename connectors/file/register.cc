#include "idsync/file/file_connectors.h"

namespace idsync::file {

void register_file_connectors(ConnectorRegistry& registry) {
  registry.add("ldif", create_ldif_connector);
  registry.add("csv", create_csv_connector);
}

}  // namespace idsync::file
