#include "expr/format.h"

#include "expr/text_util.h"

namespace idsync::expr {

std::string format_value(const Value& value) {
  switch (value.kind) {
    case Kind::kNull: return "NULL";
    case Kind::kIgnoreThisFlow: return "IgnoreThisFlow";
    case Kind::kAuthoritativeNull: return "AuthoritativeNull";
    default: break;
  }
  if (value.values.empty()) return "NULL";
  std::string out;
  for (size_t i = 0; i < value.values.size(); ++i) {
    if (i > 0) out += '\n';
    const std::string& v = value.values[i];
    switch (value.kind) {
      case Kind::kBoolean: out += v == "TRUE" ? "True" : "False"; break;
      case Kind::kBinary: out += base64_encode(v); break;
      default: out += v; break;
    }
  }
  return out;
}

}  // namespace idsync::expr
