// libFuzzer target: the SCIM connector's reader of server answers (connectors/scim/
// scim_reader.cc) over arbitrary bytes taken as a response body: ListResponse pages and the
// entries made from their resources (with the default user and group attribute maps),
// ServiceProviderConfig, /Schemas, BulkResponse operations and error details. Beyond "no
// crash, no exception, no sanitizer report", the properties checked are those import relies
// on: every listed resource has its id as anchor, the DN of a resource with an externalId
// decodes back to that externalId, a reference value is always the DN of a resource listed,
// no attribute is delivered without values, a bulk status is an HTTP code or 0, and an error
// excerpt stays short.
//
// tests/fuzz/regressions/scim/ holds hostile answers the connector mishandled before its reader
// was moved into scim_reader.cc (found by reading the code while doing that, not by this
// fuzzer): a negative totalResults (became a huge size_t: an endless page loop), a numeric id
// (a member lookup answer made dn_of throw json::type_error), a BulkResponse status of 1e300
// (cast to long: undefined behaviour), members that are objects, null or plain strings.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>
#include <unordered_map>

#include "mapping.h"
#include "scim_reader.h"
#include "scim_util.h"

namespace {

using idsync::scim::AttributeMap;
using nlohmann::json;

const AttributeMap& user_map() {
  static const AttributeMap m = [] {
    auto built = AttributeMap::build("user", "", {});
    if (!built.ok()) std::abort();
    return *built;
  }();
  return m;
}

const AttributeMap& group_map() {
  static const AttributeMap m = [] {
    auto built = AttributeMap::build("group", "", {});
    if (!built.ok()) std::abort();
    return *built;
  }();
  return m;
}

void check_list(const std::string& body) {
  auto page = idsync::scim::read_list_response(body);
  if (!page.ok()) {
    if (page.status().message().empty()) std::abort();
    return;
  }
  std::unordered_map<std::string, std::string> id_to_dn;
  std::set<std::string> dns;
  for (const json& r : page->resources) {
    std::string id = idsync::scim::resource_id(r);
    if (id.empty()) std::abort();  // read_list_response admits only resources with a string id
    std::string dn = idsync::scim::resource_dn(r);
    id_to_dn[id] = dn;
    dns.insert(dn);
    const json* ext = idsync::scim::find_member(r, "externalId");
    if (ext != nullptr && ext->is_string() && !ext->get<std::string>().empty()) {
      std::string back;
      if (!idsync::scim::external_id_from_dn(dn, back) || back != ext->get<std::string>()) std::abort();
    }
  }
  for (const json& r : page->resources) {
    for (const AttributeMap* map : {&user_map(), &group_map()}) {
      idsync::EntryChange c = idsync::scim::resource_to_change("user", *map, r, id_to_dn);
      if (c.anchor != idsync::scim::resource_id(r) || c.dn.rfind("CN=", 0) != 0) std::abort();
      for (const idsync::Attribute& a : c.attributes) {
        if (a.values.empty()) std::abort();
        const idsync::scim::MappedAttribute* m = map->find(a.name);
        if (m == nullptr) std::abort();
        if (m->type == idsync::AttrType::kReference)
          for (const std::string& v : a.values)
            if (dns.count(v) == 0) std::abort();
      }
    }
  }
}

void check_object(const std::string& body) {
  auto j = idsync::scim::read_json_object(body);
  if (!j.ok()) return;
  auto spc = idsync::scim::read_service_provider_config(*j, true);
  if (spc.ok() && spc->bulk_max_operations > 0 && spc->bulk_max_bytes == 0 &&
      idsync::scim::find_member(*idsync::scim::find_member(*j, "bulk"), "maxPayloadSize") == nullptr)
    std::abort();  // a missing payload limit reads as the 1 MiB default
  for (size_t pos = 0; pos < 8; ++pos) {
    auto op = idsync::scim::read_bulk_operation(*j, pos);
    if (op && op->status != 0 && (op->status < 100 || op->status > 599)) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 65536) return 0;
  const std::string body(reinterpret_cast<const char*>(data), size);
  check_list(body);
  check_object(body);
  (void)idsync::scim::read_schema_attributes(body);
  idsync::scim::HttpResponse res;
  res.status = 400;
  res.body = body;
  std::string detail = idsync::scim::server_detail(res);
  if (detail.empty()) std::abort();
  if (idsync::scim::excerpt(body).size() > 123) std::abort();  // 120 characters and "..."
  return 0;
}
