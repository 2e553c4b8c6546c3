#include "model/attribute_set.h"

#include <algorithm>

namespace idsync {

namespace {
auto lower(std::vector<AttrValues>& items, AttrId id) {
  return std::lower_bound(items.begin(), items.end(), id,
                          [](const AttrValues& a, AttrId key) { return a.id < key; });
}
}  // namespace

const ValueList* AttributeSet::get(AttrId id) const {
  auto it = std::lower_bound(items_.begin(), items_.end(), id,
                             [](const AttrValues& a, AttrId key) { return a.id < key; });
  if (it == items_.end() || it->id != id) return nullptr;
  return &it->values;
}

void AttributeSet::set(AttrId id, ValueList values) {
  auto it = lower(items_, id);
  bool found = it != items_.end() && it->id == id;
  if (values.empty()) {
    if (found) items_.erase(it);
  } else if (found) {
    it->values = std::move(values);
  } else {
    items_.insert(it, AttrValues{id, std::move(values)});
  }
}

void AttributeSet::add_value(AttrId id, std::string value) {
  auto it = lower(items_, id);
  if (it == items_.end() || it->id != id) {
    items_.insert(it, AttrValues{id, ValueList{std::move(value)}});
    return;
  }
  if (std::find(it->values.begin(), it->values.end(), value) == it->values.end())
    it->values.push_back(std::move(value));
}

void AttributeSet::remove_value(AttrId id, const std::string& value) {
  auto it = lower(items_, id);
  if (it == items_.end() || it->id != id) return;
  auto v = std::find(it->values.begin(), it->values.end(), value);
  if (v != it->values.end()) it->values.erase(v);
  if (it->values.empty()) items_.erase(it);
}

ValueList AttributeSet::take(AttrId id) {
  auto it = lower(items_, id);
  if (it == items_.end() || it->id != id) return {};
  ValueList values = std::move(it->values);
  items_.erase(it);
  return values;
}

void AttributeSet::shrink_to_fit() {
  if (items_.capacity() != items_.size()) items_.shrink_to_fit();
  for (AttrValues& a : items_)
    if (a.values.capacity() != a.values.size()) a.values.shrink_to_fit();
}

}  // namespace idsync
