#include "mapping.h"

#include <algorithm>

#include "idsync/value_types.h"

namespace idsync::scim {

using nlohmann::json;

namespace {

// RFC 7643 multi-valued attributes of the core schemas.
bool is_multi_valued_scim(std::string_view attribute) {
  static constexpr const char* kMulti[] = {"emails", "phoneNumbers", "ims", "photos", "addresses", "groups",
                                           "entitlements", "roles", "x509Certificates", "members"};
  for (const char* m : kMulti)
    if (iequals(attribute, m)) return true;
  return false;
}

struct Default {
  const char* name;
  const char* path;
  AttrType type;
  bool multi;
};

const std::vector<Default>& user_defaults() {
  static const std::vector<Default> d = {
      {"sourceAnchor", "externalId", AttrType::kString, false},
      {"userPrincipalName", "userName", AttrType::kString, false},
      {"displayName", "displayName", AttrType::kString, false},
      {"givenName", "name.givenName", AttrType::kString, false},
      {"surname", "name.familyName", AttrType::kString, false},
      {"accountEnabled", "active", AttrType::kBoolean, false},
      {"mail", "emails[type eq \"work\"].value", AttrType::kString, false},
      {"jobTitle", "title", AttrType::kString, false},
      {"telephoneNumber", "phoneNumbers[type eq \"work\"].value", AttrType::kString, false},
      {"mobile", "phoneNumbers[type eq \"mobile\"].value", AttrType::kString, false},
      {"city", "addresses[type eq \"work\"].locality", AttrType::kString, false},
      {"state", "addresses[type eq \"work\"].region", AttrType::kString, false},
      {"country", "addresses[type eq \"work\"].country", AttrType::kString, false},
      {"department", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department", AttrType::kString, false},
      {"companyName", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:organization", AttrType::kString,
       false},
      {"employeeId", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber", AttrType::kString,
       false},
      {"manager", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value", AttrType::kReference,
       false},
  };
  return d;
}

const std::vector<Default>& group_defaults() {
  static const std::vector<Default> d = {
      {"sourceAnchor", "externalId", AttrType::kString, false},
      {"displayName", "displayName", AttrType::kString, false},
      {"member", "members.value", AttrType::kReference, true},
  };
  return d;
}

std::string scalar_text(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "TRUE" : "FALSE";
  if (v.is_number_integer()) return std::to_string(v.get<int64_t>());
  if (v.is_number()) return v.dump();
  return {};
}

bool matches_type(const json& element, const std::string& type) {
  if (type.empty()) return true;
  const json* t = find_member(element, "type");
  return t != nullptr && t->is_string() && iequals(t->get<std::string>(), type);
}

}  // namespace

const json* find_member(const json& object, std::string_view key) {
  if (!object.is_object()) return nullptr;
  auto exact = object.find(std::string(key));
  if (exact != object.end()) return &*exact;
  for (auto it = object.begin(); it != object.end(); ++it)
    if (iequals(it.key(), key)) return &it.value();
  return nullptr;
}

Result<ScimPath> ScimPath::parse(const std::string& text) {
  ScimPath p;
  p.text = text;
  std::string rest = text;
  if (rest.rfind("urn:", 0) == 0) {
    size_t colon = rest.rfind(':');
    p.urn = rest.substr(0, colon);
    rest = rest.substr(colon + 1);
  }
  size_t bracket = rest.find('[');
  if (bracket != std::string::npos) {
    size_t close = rest.find(']', bracket);
    if (close == std::string::npos)
      return Status::Error(ErrorCode::kInvalidArgument, "SCIM path '" + text + "' has '[' without ']'");
    std::string filter = rest.substr(bracket + 1, close - bracket - 1);
    // Only [type eq "..."] selects an element: it is what RFC 7643 uses to tell work from home.
    size_t q1 = filter.find('"');
    size_t q2 = q1 == std::string::npos ? q1 : filter.find('"', q1 + 1);
    std::string head = to_lower_ascii(filter.substr(0, q1 == std::string::npos ? filter.size() : q1));
    head.erase(std::remove(head.begin(), head.end(), ' '), head.end());
    if (head != "typeeq" || q2 == std::string::npos)
      return Status::Error(ErrorCode::kInvalidArgument,
                           "SCIM path '" + text + "': only a [type eq \"...\"] filter is supported in a mapping");
    p.type_filter = filter.substr(q1 + 1, q2 - q1 - 1);
    p.attribute = rest.substr(0, bracket);
    rest = rest.substr(close + 1);
    if (!rest.empty() && rest[0] == '.') p.sub = rest.substr(1);
    p.multi_valued = true;
  } else {
    size_t dot = rest.find('.');
    p.attribute = rest.substr(0, dot);
    if (dot != std::string::npos) p.sub = rest.substr(dot + 1);
    p.multi_valued = is_multi_valued_scim(p.attribute);
  }
  if (p.attribute.empty())
    return Status::Error(ErrorCode::kInvalidArgument, "SCIM path '" + text + "' names no attribute");
  return p;
}

std::string ScimPath::attribute_path() const { return urn.empty() ? attribute : urn + ":" + attribute; }

Result<AttributeMap> AttributeMap::build(const std::string& object_type, const std::string& overrides,
                                         const ConnectorSchema& schema) {
  std::vector<std::pair<std::string, std::string>> entries;
  std::map<std::string, std::pair<AttrType, bool>> default_types;
  for (const Default& d : iequals(object_type, "group") ? group_defaults() : user_defaults()) {
    entries.emplace_back(d.name, d.path);
    default_types[to_lower_ascii(d.name)] = {d.type, d.multi};
  }
  size_t start = 0;
  while (start < overrides.size()) {
    size_t end = overrides.find(';', start);
    if (end == std::string::npos) end = overrides.size();
    std::string item = overrides.substr(start, end - start);
    start = end + 1;
    while (!item.empty() && item.front() == ' ') item.erase(0, 1);
    while (!item.empty() && item.back() == ' ') item.pop_back();
    if (item.empty()) continue;
    size_t eq = item.find('=');
    if (eq == std::string::npos || eq == 0)
      return Status::Error(ErrorCode::kInvalidArgument, "attribute map entry '" + item +
                                                            "' must be <connector attribute>=<SCIM path>");
    std::string name = item.substr(0, eq), path = item.substr(eq + 1);
    auto it = std::find_if(entries.begin(), entries.end(), [&](const auto& e) { return iequals(e.first, name); });
    if (it != entries.end()) entries.erase(it);
    if (!path.empty()) entries.emplace_back(name, path);
  }
  AttributeMap map;
  for (const auto& [name, text] : entries) {
    auto path = ScimPath::parse(text);
    if (!path.ok())
      return Status::Error(ErrorCode::kInvalidArgument, "attribute map entry '" + name + "=" + text + "': " +
                                                            path.status().message());
    MappedAttribute m;
    m.name = name;
    m.path = std::move(*path);
    if (const SchemaAttribute* declared = schema.find_attribute(name)) {
      m.type = declared->type;
      m.multi_valued = declared->multi_valued;
    } else if (auto d = default_types.find(to_lower_ascii(name)); d != default_types.end()) {
      m.type = d->second.first;
      m.multi_valued = d->second.second;
    }
    map.attributes_.push_back(std::move(m));
  }
  return map;
}

const MappedAttribute* AttributeMap::find(std::string_view name) const {
  for (const MappedAttribute& m : attributes_)
    if (iequals(m.name, name)) return &m;
  return nullptr;
}

const MappedAttribute* AttributeMap::find_scim(std::string_view scim_attribute) const {
  for (const MappedAttribute& m : attributes_)
    if (iequals(m.path.attribute, scim_attribute) && m.path.urn.empty()) return &m;
  return nullptr;
}

ValueList read_values(const json& resource, const ScimPath& path) {
  ValueList out;
  const json* node = &resource;
  if (!path.urn.empty()) node = find_member(resource, path.urn);
  if (node == nullptr) return out;
  const json* a = find_member(*node, path.attribute);
  if (a == nullptr || a->is_null()) return out;
  auto take = [&](const json& v) {
    const json* x = path.sub.empty() ? &v : find_member(v, path.sub);
    if (x == nullptr || x->is_null() || x->is_object() || x->is_array()) return;
    std::string s = scalar_text(*x);
    if (!s.empty() || x->is_string()) out.push_back(std::move(s));
  };
  if (a->is_array()) {
    for (const json& e : *a)
      if (matches_type(e, path.type_filter)) take(e);
  } else {
    take(*a);
  }
  return out;
}

void write_values(json& resource, const ScimPath& path, const std::vector<json>& values) {
  if (values.empty()) return;
  json* node = &resource;
  if (!path.urn.empty()) {
    node = &resource[path.urn];
    if (!node->is_object()) *node = json::object();
  }
  json& a = (*node)[path.attribute];
  if (!path.multi_valued) {
    if (path.sub.empty()) {
      a = values.front();
    } else {
      if (!a.is_object()) a = json::object();
      a[path.sub] = values.front();
    }
    return;
  }
  if (!a.is_array()) a = json::array();
  for (const json& v : values) {
    json* target = nullptr;
    // One value for a typed element joins an element of that type that lacks this
    // sub-attribute (addresses[type eq "work"] gathers locality, region and country).
    if (values.size() == 1 && !path.type_filter.empty() && !path.sub.empty()) {
      for (json& e : a)
        if (matches_type(e, path.type_filter) && find_member(e, path.sub) == nullptr) target = &e;
    }
    if (target == nullptr) {
      json e = json::object();
      if (!path.type_filter.empty()) e["type"] = path.type_filter;
      a.push_back(std::move(e));
      target = &a.back();
    }
    if (path.sub.empty()) {
      *target = v;
    } else {
      (*target)[path.sub] = v;
    }
  }
}

json to_json_value(AttrType type, const std::string& value) {
  switch (type) {
    case AttrType::kBoolean: return iequals(value, "TRUE");
    case AttrType::kInteger: {
      char* end = nullptr;
      long long n = std::strtoll(value.c_str(), &end, 10);
      if (end != nullptr && *end == '\0' && !value.empty()) return n;
      return value;
    }
    default: return value;
  }
}

}  // namespace idsync::scim
