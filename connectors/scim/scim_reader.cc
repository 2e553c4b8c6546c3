#include "scim_reader.h"

#include <cstdlib>

#include "scim_util.h"

namespace idsync::scim {

using json = nlohmann::json;

Result<json> read_json_object(const std::string& body) {
  json j = json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return Status::Error(ErrorCode::kParseError,
                         "the answer is not a JSON object (" + std::to_string(body.size()) + " bytes: '" + excerpt(body) +
                             "'); check option base_url: it must be the SCIM endpoint, not a web page or proxy");
  return j;
}

Result<ListPage> read_list_response(const std::string& body) {
  auto j = read_json_object(body);
  if (!j.ok()) return j.status();
  json* resources = const_cast<json*>(find_member(*j, "Resources"));
  const json* total = find_member(*j, "totalResults");
  // is_number_unsigned: a negative count (or a float) would turn into an endless page loop.
  if (total == nullptr || !total->is_number_unsigned() || (resources != nullptr && !resources->is_array()))
    return Status::Error(ErrorCode::kConnectorError,
                         "the answer is not a SCIM ListResponse (no totalResults / Resources: '" + excerpt(body) +
                             "'); check option base_url");
  ListPage page;
  page.total = total->get<size_t>();
  if (resources == nullptr) return page;
  page.resources.reserve(resources->size());
  for (json& r : *resources) {
    if (!r.is_object() || resource_id(r).empty())
      return Status::Error(ErrorCode::kConnectorError, "a resource without a string \"id\": '" + excerpt(r.dump()) +
                                                           "'; the server does not speak SCIM 2.0 here");
    page.resources.push_back(std::move(r));
  }
  return page;
}

Result<ProviderFeatures> read_service_provider_config(const json& spc, bool use_bulk) {
  if (!spc.is_object() || (find_member(spc, "patch") == nullptr && find_member(spc, "filter") == nullptr))
    return Status::Error(ErrorCode::kConnectorError,
                         "not a SCIM ServiceProviderConfig (no patch / filter entries); check option base_url");
  auto flag = [&](const json* feature) {
    const json* s = feature == nullptr || !feature->is_object() ? nullptr : find_member(*feature, "supported");
    return s != nullptr && s->is_boolean() && s->get<bool>();
  };
  ProviderFeatures f;
  f.filter = flag(find_member(spc, "filter"));
  f.patch = flag(find_member(spc, "patch"));
  const json* bulk = find_member(spc, "bulk");
  if (use_bulk && flag(bulk)) {
    const json* ops = find_member(*bulk, "maxOperations");
    const json* size = find_member(*bulk, "maxPayloadSize");
    f.bulk_max_operations = ops != nullptr && ops->is_number_unsigned() ? ops->get<size_t>() : 0;
    f.bulk_max_bytes = size != nullptr && size->is_number_unsigned() ? size->get<size_t>() : 1048576;
  }
  return f;
}

std::set<std::string> read_schema_attributes(const std::string& body) {
  std::set<std::string> out;
  json j = json::parse(body, nullptr, false);
  const json* list = j.is_object() ? find_member(j, "Resources") : nullptr;
  if (list == nullptr || !list->is_array()) return out;
  for (const json& s : *list) {
    if (!s.is_object()) continue;
    const json* id = find_member(s, "id");
    const json* attrs = find_member(s, "attributes");
    if (id == nullptr || !id->is_string() || attrs == nullptr || !attrs->is_array()) continue;
    for (const json& a : *attrs) {
      const json* n = a.is_object() ? find_member(a, "name") : nullptr;
      if (n != nullptr && n->is_string()) out.insert(to_lower_ascii(id->get<std::string>() + ":" + n->get<std::string>()));
    }
  }
  return out;
}

std::string resource_id(const json& resource) {
  const json* id = resource.is_object() ? find_member(resource, "id") : nullptr;
  return id != nullptr && id->is_string() ? id->get<std::string>() : std::string();
}

std::string resource_dn(const json& resource) {
  const json* ext = resource.is_object() ? find_member(resource, "externalId") : nullptr;
  if (ext != nullptr && ext->is_string() && !ext->get<std::string>().empty())
    return "CN={" + hex_upper(ext->get<std::string>()) + "}";
  return "CN=" + resource_id(resource);
}

EntryChange resource_to_change(const std::string& object_type, const AttributeMap& map, const json& resource,
                               const std::unordered_map<std::string, std::string>& id_to_dn) {
  EntryChange c;
  c.kind = ChangeKind::kAdd;
  c.object_type = object_type;
  c.anchor = resource_id(resource);
  c.dn = resource_dn(resource);
  for (const MappedAttribute& m : map.attributes()) {
    ValueList values = read_values(resource, m.path);
    if (m.type == AttrType::kReference) {
      ValueList dns;
      for (const std::string& id : values)
        if (auto it = id_to_dn.find(id); it != id_to_dn.end()) dns.push_back(it->second);
      values = std::move(dns);
    }
    if (!values.empty()) c.attributes.push_back(Attribute{m.name, std::move(values)});
  }
  return c;
}

std::optional<BulkOperationResult> read_bulk_operation(const json& bulk_response, size_t pos) {
  const json* ops = bulk_response.is_object() ? find_member(bulk_response, "Operations") : nullptr;
  if (ops == nullptr || !ops->is_array() || pos >= ops->size()) return std::nullopt;
  const json& op = (*ops)[pos];
  const json* st = op.is_object() ? find_member(op, "status") : nullptr;
  if (st == nullptr) return std::nullopt;
  BulkOperationResult r;
  // RFC 7644 writes the status as a string ("201"); some servers send a number. Anything that
  // is not an HTTP code is no answer (a double far out of range must not reach a cast).
  long code = 0;
  if (st->is_string()) {
    const std::string text = st->get<std::string>();
    char* end = nullptr;
    code = std::strtol(text.c_str(), &end, 10);
    if (end == text.c_str()) code = 0;
  } else if (st->is_number_integer()) {
    code = st->get<long>();
  }
  r.status = code >= 100 && code <= 599 ? code : 0;
  if (const json* response = find_member(op, "response"); response != nullptr) r.body = response->dump();
  if (const json* location = find_member(op, "location"); location != nullptr && location->is_string())
    r.location = location->get<std::string>();
  return r;
}

}  // namespace idsync::scim
