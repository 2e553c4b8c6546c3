#include "ldap_schema.h"

#include <ldap_schema.h>

#include <functional>
#include <unordered_map>
#include <unordered_set>

namespace idsync::ldap {

AttrType type_for_syntax(std::string_view oid) {
  static const std::pair<std::string_view, AttrType> kMap[] = {
      {"1.3.6.1.4.1.1466.115.121.1.12", AttrType::kReference},  // DN
      {"1.3.6.1.4.1.1466.115.121.1.27", AttrType::kInteger},
      {"1.2.840.113556.1.4.906", AttrType::kInteger},           // AD large integer
      {"1.3.6.1.4.1.1466.115.121.1.7", AttrType::kBoolean},
      {"1.3.6.1.4.1.1466.115.121.1.24", AttrType::kDateTime},   // GeneralizedTime
      {"1.3.6.1.4.1.1466.115.121.1.40", AttrType::kBinary},     // octet string
      {"1.3.6.1.4.1.1466.115.121.1.5", AttrType::kBinary},      // binary
      {"1.3.6.1.4.1.1466.115.121.1.8", AttrType::kBinary},      // certificate
      {"1.3.6.1.4.1.1466.115.121.1.9", AttrType::kBinary},      // certificate list
      {"1.3.6.1.4.1.1466.115.121.1.10", AttrType::kBinary},     // certificate pair
      {"1.3.6.1.4.1.1466.115.121.1.28", AttrType::kBinary},     // JPEG
      {"1.2.840.113556.1.4.907", AttrType::kBinary},            // NT security descriptor
      {"1.2.840.113556.1.4.903", AttrType::kString},            // DN-Binary (kept as text)
  };
  for (const auto& [o, t] : kMap)
    if (o == oid) return t;
  return AttrType::kString;
}

namespace {

struct AttrInfo {
  std::string name;
  std::string syntax;
  std::string sup;
  bool single = false;
};

struct ClassInfo {
  std::string name;
  int kind = LDAP_SCHEMA_STRUCTURAL;
  std::vector<std::string> sups;
  std::vector<std::string> attrs;  // must + may, as written (names or OIDs)
};

std::vector<std::string> list(char** v) {
  std::vector<std::string> out;
  if (v != nullptr)
    for (char** p = v; *p != nullptr; ++p) out.emplace_back(*p);
  return out;
}

}  // namespace

Result<ConnectorSchema> discover_ldap_schema(Session& session) {
  std::string subschema = session.root().subschema_subentry;
  if (subschema.empty()) subschema = "cn=Subschema";
  auto values = session.read_entry(subschema, {"attributeTypes", "objectClasses"});
  if (!values.ok()) return values.status();
  if ((*values)[0].empty())
    return Status::Error(ErrorCode::kConnectorError,
                         "LDAP server " + session.options().uri + ": the subschema entry '" +
                             subschema + "' returned no attributeTypes; the bind account may "
                             "lack read access to the schema");
  std::vector<AttrInfo> attrs;
  std::unordered_map<std::string, size_t> by_key;  // lowercased name or OID → index
  for (const std::string& text : (*values)[0]) {
    int code = 0;
    const char* err = nullptr;
    LDAPAttributeType* at = ldap_str2attributetype(text.c_str(), &code, &err, LDAP_SCHEMA_ALLOW_ALL);
    if (at == nullptr) continue;  // a server-specific extension we cannot read: skip the type
    AttrInfo info;
    info.name = at->at_names && at->at_names[0] ? at->at_names[0] : at->at_oid;
    info.syntax = at->at_syntax_oid ? at->at_syntax_oid : "";
    info.sup = at->at_sup_oid ? at->at_sup_oid : "";
    info.single = at->at_single_value != 0;
    size_t idx = attrs.size();
    if (at->at_oid) by_key.emplace(to_lower_ascii(at->at_oid), idx);
    for (const std::string& n : list(at->at_names)) by_key.emplace(to_lower_ascii(n), idx);
    ldap_attributetype_free(at);
    attrs.push_back(std::move(info));
  }
  // Syntax inherited from the superior type ("name" → cn, sn, ...).
  std::function<std::string(size_t, int)> syntax_of = [&](size_t i, int depth) -> std::string {
    if (!attrs[i].syntax.empty() || attrs[i].sup.empty() || depth > 16) return attrs[i].syntax;
    auto it = by_key.find(to_lower_ascii(attrs[i].sup));
    return it == by_key.end() ? std::string() : syntax_of(it->second, depth + 1);
  };
  ConnectorSchema schema;
  for (size_t i = 0; i < attrs.size(); ++i) {
    std::string syntax = syntax_of(i, 0);
    // Syntax OIDs may carry a length bound: "1.3.6.1.4.1.1466.115.121.1.15{256}".
    if (size_t brace = syntax.find('{'); brace != std::string::npos) syntax.resize(brace);
    schema.attributes.push_back(SchemaAttribute{attrs[i].name, type_for_syntax(syntax), !attrs[i].single});
  }
  std::vector<ClassInfo> classes;
  std::unordered_map<std::string, size_t> class_key;
  for (const std::string& text : (*values)[1]) {
    int code = 0;
    const char* err = nullptr;
    LDAPObjectClass* oc = ldap_str2objectclass(text.c_str(), &code, &err, LDAP_SCHEMA_ALLOW_ALL);
    if (oc == nullptr) continue;
    ClassInfo info;
    info.name = oc->oc_names && oc->oc_names[0] ? oc->oc_names[0] : oc->oc_oid;
    info.kind = oc->oc_kind;
    info.sups = list(oc->oc_sup_oids);
    info.attrs = list(oc->oc_at_oids_must);
    for (std::string& a : list(oc->oc_at_oids_may)) info.attrs.push_back(std::move(a));
    size_t idx = classes.size();
    if (oc->oc_oid) class_key.emplace(to_lower_ascii(oc->oc_oid), idx);
    for (const std::string& n : list(oc->oc_names)) class_key.emplace(to_lower_ascii(n), idx);
    ldap_objectclass_free(oc);
    classes.push_back(std::move(info));
  }
  const auto& wanted = session.options().object_classes;
  for (size_t c = 0; c < classes.size(); ++c) {
    bool take = false;
    if (wanted.empty()) {
      take = classes[c].kind == LDAP_SCHEMA_STRUCTURAL;
    } else {
      for (const std::string& w : wanted) take = take || iequals(w, classes[c].name);
    }
    if (!take) continue;
    SchemaObjectType type{classes[c].name, {}};
    std::unordered_set<size_t> seen_attrs, seen_classes;
    std::vector<size_t> todo = {c};
    while (!todo.empty()) {
      size_t k = todo.back();
      todo.pop_back();
      if (!seen_classes.insert(k).second) continue;
      for (const std::string& a : classes[k].attrs) {
        auto it = by_key.find(to_lower_ascii(a));
        if (it != by_key.end() && seen_attrs.insert(it->second).second)
          type.attributes.push_back(attrs[it->second].name);
      }
      for (const std::string& s : classes[k].sups) {
        auto it = class_key.find(to_lower_ascii(s));
        if (it != class_key.end()) todo.push_back(it->second);
      }
    }
    schema.object_types.push_back(std::move(type));
  }
  return schema;
}

}  // namespace idsync::ldap
