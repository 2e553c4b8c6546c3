#include "expr/function_table.h"

#include <string>
#include <unordered_map>

#include "expr/text_util.h"

namespace idsync::expr {

namespace {

struct Table {
  std::unordered_map<std::string_view, const FunctionDef*> exact;
  std::unordered_map<std::string, const FunctionDef*> folded;
  Table() {
    for (auto family : {text_functions(), conversion_functions(), evaluation_functions(),
                        multivalued_functions(), flow_functions(), math_functions(), date_functions(),
                        directory_functions(), guid_sid_functions(), certificate_functions(),
                        undocumented_functions()}) {
      for (const FunctionDef& def : family) {
        exact.emplace(def.name, &def);
        folded.emplace(to_lower_utf8(def.name), &def);
      }
    }
  }
};

const Table& table() {
  static const Table t;  // built once, thread-safe (magic static), read-only afterwards
  return t;
}

}  // namespace

const FunctionDef* find_function(std::string_view name) {
  auto it = table().exact.find(name);
  return it == table().exact.end() ? nullptr : it->second;
}

const FunctionDef* find_function_ignore_case(std::string_view name) {
  auto it = table().folded.find(to_lower_utf8(name));
  return it == table().folded.end() ? nullptr : it->second;
}

}  // namespace idsync::expr
