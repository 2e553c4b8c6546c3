// Reading what a SCIM server answers (RFC 7644): pure functions over response bodies, with no
// requests, so that the connector and its fuzzer (tests/fuzz/scim_fuzzer.cc) run the same code.
// A server is not trusted: any JSON (wrong types, huge numbers, missing members) gives a clear
// error or is skipped, never an exception or a crash. Errors say what is wrong and quote the
// start of the body; the caller adds which request it was.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "idsync/connector.h"
#include "idsync/status.h"
#include "mapping.h"

namespace idsync::scim {

// The body as a JSON object.
Result<nlohmann::json> read_json_object(const std::string& body);

// One page of a ListResponse: totalResults (a non-negative integer) and Resources, each an
// object with a string "id".
struct ListPage {
  size_t total = 0;
  std::vector<nlohmann::json> resources;
};
Result<ListPage> read_list_response(const std::string& body);

// What /ServiceProviderConfig says the server supports. An object with neither "patch" nor
// "filter" is not a ServiceProviderConfig (error). `use_bulk` false: bulk is left off.
struct ProviderFeatures {
  bool filter = false;
  bool patch = false;
  size_t bulk_max_operations = 0;  // 0: no /Bulk
  size_t bulk_max_bytes = 0;
};
Result<ProviderFeatures> read_service_provider_config(const nlohmann::json& spc, bool use_bulk);

// The attributes a /Schemas answer declares, as lower-case "<schema urn>:<attribute>"; empty
// when the body is not a ListResponse of schemas.
std::set<std::string> read_schema_attributes(const std::string& body);

// The string "id" of a resource, or "" when it has none.
std::string resource_id(const nlohmann::json& resource);

// The DN of a resource: CN={<UTF-8 hex of externalId>}, else CN=<id>.
std::string resource_dn(const nlohmann::json& resource);

// A resource as an imported entry of `object_type`: anchor = id, the DN above and the mapped
// attributes; reference values (ids) become DNs through `id_to_dn`, unknown ids are left out.
EntryChange resource_to_change(const std::string& object_type, const AttributeMap& map, const nlohmann::json& resource,
                               const std::unordered_map<std::string, std::string>& id_to_dn);

// The result of operation `pos` of a BulkResponse's "Operations"; nullopt when the answer has
// none (or no "status") for it. A status that is not an HTTP code in 100..599 reads as 0.
struct BulkOperationResult {
  long status = 0;
  std::string body;      // the operation's "response", as JSON text ("" when absent)
  std::string location;  // "location" ("" when absent)
};
std::optional<BulkOperationResult> read_bulk_operation(const nlohmann::json& bulk_response, size_t pos);

}  // namespace idsync::scim
