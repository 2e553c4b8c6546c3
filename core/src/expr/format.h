// Renders an expression result for people (the CLI's `idsync expr`): one value per line,
// booleans as True / False, numbers in decimal, binary as base64, date-times in canonical
// UTC form. Null renders as "NULL", and the flow constants as "IgnoreThisFlow" /
// "AuthoritativeNull". No trailing newline.
#pragma once

#include <string>

#include "idsync/expression.h"

namespace idsync::expr {

std::string format_value(const Value& value);

}  // namespace idsync::expr
