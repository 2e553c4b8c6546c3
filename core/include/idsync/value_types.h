// Attribute value types as the schema declares them, and their canonical text form.
//
// Every value travels and is stored as a byte string in canonical form for its type:
//   String     UTF-8 text
//   Integer    decimal, optional leading '-', no leading zeros ("0", "-42")
//   Binary     raw bytes (LDIF and CSV write them base64)
//   Boolean    "TRUE" or "FALSE" (as LDAP and AD write them)
//   Reference  a DN in the connector space; an MV object id ("#<decimal>") in the metaverse
//   DateTime   UTC, "YYYY-MM-DDTHH:MM:SS.fffZ"
// Keeping one representation makes holograms, diffs and storage type-independent; the type
// matters only where values are compared, converted or written out.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "idsync/status.h"

namespace idsync {

enum class AttrType : uint8_t { kString, kInteger, kBinary, kBoolean, kReference, kDateTime };

using ValueList = std::vector<std::string>;

const char* attr_type_name(AttrType type);                      // "string", "integer", ...
std::optional<AttrType> parse_attr_type(std::string_view name);  // case-insensitive

// Converts text written by a user or a file (e.g. "True", "+007", "2024-01-02") to canonical
// form for `type`; an error names the value and the expected form.
Result<std::string> canonicalize_value(AttrType type, std::string_view text);

// Case-insensitive ASCII comparison, as LDAP attribute names and DNs compare.
bool iequals(std::string_view a, std::string_view b);
std::string to_lower_ascii(std::string_view s);

}  // namespace idsync
