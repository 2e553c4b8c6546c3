#include "model/attribute_table.h"

namespace idsync {

namespace {
std::string key_of(SpaceId space, std::string_view name) {
  std::string key = std::to_string(space);
  key.push_back('\x1f');
  key += to_lower_ascii(name);
  return key;
}
}  // namespace

AttrId AttributeTable::intern(SpaceId space, std::string_view name, AttrType type, bool multi_valued) {
  std::string key = key_of(space, name);
  auto it = by_lower_name_.find(key);
  if (it != by_lower_name_.end()) {
    if (multi_valued) attrs_[it->second].multi_valued = true;
    return it->second;
  }
  AttrId id = static_cast<AttrId>(attrs_.size());
  attrs_.push_back(AttrInfo{space, std::string(name), type, multi_valued});
  by_lower_name_.emplace(std::move(key), id);
  return id;
}

std::optional<AttrId> AttributeTable::find(SpaceId space, std::string_view name) const {
  auto it = by_lower_name_.find(key_of(space, name));
  if (it == by_lower_name_.end()) return std::nullopt;
  return it->second;
}

void AttributeTable::restore(std::vector<AttrInfo> attrs) {
  attrs_ = std::move(attrs);
  by_lower_name_.clear();
  for (AttrId id = 0; id < attrs_.size(); ++id) by_lower_name_.emplace(key_of(attrs_[id].space, attrs_[id].name), id);
}

}  // namespace idsync
