#include "idsync/entry.h"

namespace idsync {

const Attribute* Entry::find(std::string_view name) const {
  for (const Attribute& a : attributes)
    if (iequals(a.name, name)) return &a;
  return nullptr;
}

Attribute* Entry::find(std::string_view name) {
  for (Attribute& a : attributes)
    if (iequals(a.name, name)) return &a;
  return nullptr;
}

void Entry::set(std::string_view name, ValueList values) {
  for (auto it = attributes.begin(); it != attributes.end(); ++it) {
    if (!iequals(it->name, name)) continue;
    if (values.empty()) {
      attributes.erase(it);
    } else {
      it->values = std::move(values);
    }
    return;
  }
  if (!values.empty()) attributes.push_back(Attribute{std::string(name), std::move(values)});
}

std::string_view Entry::first(std::string_view name) const {
  const Attribute* a = find(name);
  if (a == nullptr || a->values.empty()) return {};
  return a->values.front();
}

const char* change_kind_name(ChangeKind kind) {
  switch (kind) {
    case ChangeKind::kAdd: return "add";
    case ChangeKind::kModify: return "modify";
    case ChangeKind::kDelete: return "delete";
    case ChangeKind::kRename: return "rename";
  }
  return "modify";
}

}  // namespace idsync
