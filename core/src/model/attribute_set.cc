#include "model/attribute_set.h"

#include <algorithm>

namespace idsync {

namespace {
template <typename Items>
auto lower(Items& items, AttrId id) {
  return std::lower_bound(items.begin(), items.end(), id, [](const auto& a, AttrId key) { return a.id < key; });
}
}  // namespace

ValuesView AttributeSet::get(AttrId id) const {
  auto it = lower(items_, id);
  if (it == items_.end() || it->id != id) return {};
  return ValuesView(it->values);
}

void AttributeSet::set(AttrId id, ValueList values) {
  auto it = lower(items_, id);
  bool found = it != items_.end() && it->id == id;
  if (values.empty()) {
    if (found) items_.erase(it);
  } else if (found) {
    it->values = std::move(values);
  } else {
    items_.insert(it, Stored{id, std::move(values)});
  }
}

void AttributeSet::add_value(AttrId id, std::string value) {
  auto it = lower(items_, id);
  if (it == items_.end() || it->id != id) {
    items_.insert(it, Stored{id, ValueList{std::move(value)}});
    return;
  }
  if (std::find(it->values.begin(), it->values.end(), value) == it->values.end())
    it->values.push_back(std::move(value));
}

void AttributeSet::remove_value(AttrId id, std::string_view value) {
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
  for (Stored& a : items_)
    if (a.values.capacity() != a.values.size()) a.values.shrink_to_fit();
}

bool operator==(const AttributeSet& a, const AttributeSet& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    AttrEntry x = a.at(i), y = b.at(i);
    if (x.id != y.id || !(x.values == y.values)) return false;
  }
  return true;
}

void AttributeSet::Builder::add(AttrId id, ValueList values) { staged_.push_back({id, std::move(values)}); }

void AttributeSet::Builder::start(AttrId id, size_t count_hint) {
  staged_.push_back({id, {}});
  staged_.back().values.reserve(count_hint);
}

void AttributeSet::Builder::value(std::string_view v) { staged_.back().values.emplace_back(v); }

AttributeSet AttributeSet::Builder::finish() {
  // Stable: of two entries with one id the later one is kept.
  std::stable_sort(staged_.begin(), staged_.end(), [](const Staged& a, const Staged& b) { return a.id < b.id; });
  AttributeSet out;
  out.items_.reserve(staged_.size());
  for (size_t i = 0; i < staged_.size(); ++i) {
    if (i + 1 < staged_.size() && staged_[i + 1].id == staged_[i].id) continue;
    if (staged_[i].values.empty()) continue;
    out.items_.push_back({staged_[i].id, std::move(staged_[i].values)});
  }
  out.items_.shrink_to_fit();
  staged_.clear();
  return out;
}

}  // namespace idsync
