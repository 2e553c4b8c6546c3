// LDAP search filters built from values (RFC 4515): every value is escaped, so a user name
// like "a*b(c)" matches itself and never widens or breaks the filter.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace idsync::ldap {

// Escapes a value for use in a filter: '*' '(' ')' '\' NUL and every byte that is not printable
// ASCII or part of valid UTF-8 become "\xx" (so binary values such as objectGUID work too).
std::string escape_filter_value(std::string_view value);
// Every byte as "\xx": the form AD expects for binary attributes like objectGUID.
std::string escape_filter_binary(std::string_view value);
// "(attr=escaped)"
std::string equality_filter(std::string_view attr, std::string_view value);
// The import filter: (&(|(objectClass=a)(objectClass=b))<extra>), or (objectClass=*).
std::string import_filter(const std::vector<std::string>& object_classes, const std::string& extra);

}  // namespace idsync::ldap
