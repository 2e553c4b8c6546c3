// Attribute mapping between connector attributes (what sync rules see) and SCIM paths.
//
// A SCIM path names where a value lives in a resource (RFC 7644 §3.10, the subset needed):
//   userName                       a simple attribute
//   name.givenName                 a sub-attribute of a complex attribute
//   emails[type eq "work"].value   the sub-attribute of the element of a given type
//   members.value                  every element of a multi-valued attribute
//   urn:...:enterprise:2.0:User:department   an attribute of an extension schema
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "idsync/connector.h"
#include "idsync/status.h"

namespace idsync::scim {

inline constexpr const char* kEnterpriseUrn = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
inline constexpr const char* kUserSchema = "urn:ietf:params:scim:schemas:core:2.0:User";
inline constexpr const char* kGroupSchema = "urn:ietf:params:scim:schemas:core:2.0:Group";

struct ScimPath {
  std::string text;         // as written
  std::string urn;          // extension schema, or empty for the core schema
  std::string attribute;    // top-level attribute
  std::string type_filter;  // value of [type eq "..."], or empty
  std::string sub;          // sub-attribute, or empty
  bool multi_valued = false;  // the SCIM attribute is multi-valued (emails, members, ...)

  static Result<ScimPath> parse(const std::string& text);
  // The path of the top-level attribute with its schema ("urn:...:manager", "emails").
  std::string attribute_path() const;
};

struct MappedAttribute {
  std::string name;  // connector attribute
  ScimPath path;
  AttrType type = AttrType::kString;
  bool multi_valued = false;  // connector attribute holds several values
};

// The mapping for one resource type.
class AttributeMap {
 public:
  // Defaults for "user" or "group", with `overrides` ("name=path;name2=path2"; "name=" drops a
  // default) applied. Types come from `schema` (the connector schema) where it declares them.
  static Result<AttributeMap> build(const std::string& object_type, const std::string& overrides,
                                    const ConnectorSchema& schema);

  const std::vector<MappedAttribute>& attributes() const { return attributes_; }
  const MappedAttribute* find(std::string_view name) const;
  // The connector attribute mapped to a path whose top-level attribute is `scim_attribute`.
  const MappedAttribute* find_scim(std::string_view scim_attribute) const;

 private:
  std::vector<MappedAttribute> attributes_;
};

// Values at `path` in `resource`, as canonical IdSync strings (booleans TRUE/FALSE).
ValueList read_values(const nlohmann::json& resource, const ScimPath& path);

// Writes `values` (already JSON-typed) at `path` into a resource being created.
void write_values(nlohmann::json& resource, const ScimPath& path, const std::vector<nlohmann::json>& values);

// A canonical IdSync value as the JSON value SCIM expects for `type`.
nlohmann::json to_json_value(AttrType type, const std::string& value);

// Case-insensitive member lookup in a JSON object; nullptr when absent.
const nlohmann::json* find_member(const nlohmann::json& object, std::string_view key);

}  // namespace idsync::scim
