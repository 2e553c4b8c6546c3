// Directory family: DNComponent, DNComponentRev, EscapeDNComponent.
// Components are split at unescaped commas; the value after '=' is returned as written in the
// DN (still escaped), so InStr(DNComponent(CRef([dn]),1),"\\0ACNF:") finds the escaped
// newline AD puts in conflict (CNF) names.
#include <vector>

#include "expr/function_table.h"
#include "expr/text_util.h"
#include "expr/value_util.h"

namespace idsync::expr {

namespace {

using Args = std::span<const Value>;

std::string_view trim_spaces(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ' && !(s.size() >= 2 && s[s.size() - 2] == '\\')) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> split_dn(std::string_view dn) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (size_t i = 0; i < dn.size(); ++i) {
    if (dn[i] == '\\') {
      ++i;  // the escaped character never separates
    } else if (dn[i] == ',') {
      parts.push_back(trim_spaces(dn.substr(start, i - start)));
      start = i + 1;
    }
  }
  if (!dn.empty()) parts.push_back(trim_spaces(dn.substr(start)));
  return parts;
}

std::string_view component_value(std::string_view rdn) {
  size_t eq = rdn.find('=');
  return eq == std::string_view::npos ? rdn : trim_spaces(rdn.substr(eq + 1));
}

}  // namespace

// One pass, no list of parts: the fast lane calls this for every object.
std::optional<std::string_view> dn_component_view(std::string_view dn, int64_t n) {
  if (n < 1 || dn.empty()) return std::nullopt;
  size_t start = 0;
  int64_t index = 1;
  for (size_t i = 0; i < dn.size(); ++i) {
    if (dn[i] == '\\') {
      ++i;  // the escaped character never separates
    } else if (dn[i] == ',') {
      if (index == n) return component_value(trim_spaces(dn.substr(start, i - start)));
      ++index;
      start = i + 1;
    }
  }
  if (index == n) return component_value(trim_spaces(dn.substr(start)));
  return std::nullopt;
}

namespace {

Result<Value> dn_component(Args args, bool reverse) {
  std::string_view name = reverse ? "DNComponentRev" : "DNComponent";
  if (is_nullish(args[0])) return Value::null();
  auto dn = text_arg(args, 0, name);
  if (!dn.ok()) return dn.status();
  auto n = number_arg(args, 1, name);
  if (!n.ok()) return n.status();
  if (!reverse) {
    auto v = dn_component_view(*dn, *n);
    return v ? Value::string(std::string(*v)) : Value::null();
  }
  auto parts = split_dn(*dn);
  if (args.size() > 2) {
    auto option = text_arg(args, 2, name);
    if (!option.ok()) return option.status();
    if (!iequals(*option, "DC"))
      return runtime_error(kErrArgument, "DNComponentRev option must be \"DC\", got \"" + *option + "\"");
    std::vector<std::string_view> kept;
    for (auto p : parts)
      if (!(p.size() >= 3 && iequals(p.substr(0, 3), "dc="))) kept.push_back(p);
    parts = std::move(kept);
  }
  if (*n < 1 || static_cast<uint64_t>(*n) > parts.size()) return Value::null();
  size_t index = reverse ? parts.size() - static_cast<size_t>(*n) : static_cast<size_t>(*n - 1);
  return Value::string(std::string(component_value(parts[index])));
}

Result<Value> fn_dn_component(Args args) { return dn_component(args, false); }
Result<Value> fn_dn_component_rev(Args args) { return dn_component(args, true); }

// RFC 4514 escaping of the value part ("cn=Doe, John" -> "cn=Doe\, John").
Result<Value> fn_escape_dn_component(Args args) {
  if (is_nullish(args[0])) return Value::null();
  auto s = text_arg(args, 0, "EscapeDNComponent");
  if (!s.ok()) return s.status();
  size_t eq = s->find('=');
  size_t begin = eq == std::string::npos ? 0 : eq + 1;
  std::string out = s->substr(0, begin);
  std::string_view value = std::string_view(*s).substr(begin);
  for (size_t i = 0; i < value.size(); ++i) {
    char c = value[i];
    // '=' too: RFC 4514 allows it raw, but IdSync's DN parser (model/dn.cc) requires "\=".
    bool special = c == ',' || c == '+' || c == '"' || c == '\\' || c == '<' || c == '>' || c == ';' || c == '=' ||
                   (i == 0 && (c == '#' || c == ' ')) || (i + 1 == value.size() && c == ' ');
    if (c == '\r' || c == '\n' || c == '\0') {
      static constexpr char kHex[] = "0123456789ABCDEF";
      out += '\\';
      out += kHex[(c >> 4) & 15];
      out += kHex[c & 15];
      continue;
    }
    if (special) out += '\\';
    out += c;
  }
  return Value::string(std::move(out));
}

constexpr FunctionDef kDirectory[] = {
    {"DNComponent", 2, 2, "ss", fn_dn_component},
    {"DNComponentRev", 2, 3, "sss", fn_dn_component_rev},
    {"EscapeDNComponent", 1, 1, "s", fn_escape_dn_component},
};

}  // namespace

std::span<const FunctionDef> directory_functions() { return kDirectory; }

}  // namespace idsync::expr
