// What the "scim" connector is made from, once its options are read and checked
// (scim_config.cc). Internal to the connector library.
#pragma once

#include <memory>
#include <string>

#include "http.h"
#include "idsync/connector.h"
#include "mapping.h"

namespace idsync::scim {

struct ScimSettings {
  ConnectorConfig config;
  HttpOptions http;
  std::string base_url;  // without a trailing '/'
  AttributeMap user_map, group_map;
  bool users = true, groups = true;  // resource types
  size_t page_size = 200;
  size_t patch_chunk = 100;
  size_t export_batch = 1000;  // fewer batch ends, where the pipeline drains
  long delta_overlap_ms = 2000;
  bool bulk = true;  // use /Bulk when the server supports it
};

std::unique_ptr<Connector> make_scim_connector(ScimSettings settings);

}  // namespace idsync::scim
