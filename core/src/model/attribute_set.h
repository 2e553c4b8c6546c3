// AttributeSet: the attributes of one object as a flat vector of (id, values) sorted by id.
//
// No map per object: lookups are a binary search over a few dozen entries, iteration is
// cache-friendly, and two sets compare (and diff) in one merge pass. An attribute with no
// values is never stored.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "idsync/value_types.h"
#include "model/attribute_table.h"

namespace idsync {

struct AttrValues {
  AttrId id;
  ValueList values;
  bool operator==(const AttrValues&) const = default;
};

class AttributeSet {
 public:
  const ValueList* get(AttrId id) const;
  bool has(AttrId id) const { return get(id) != nullptr; }
  // Replaces the values; an empty list removes the attribute.
  void set(AttrId id, ValueList values);
  void erase(AttrId id) { set(id, {}); }
  // Adds `value` unless present (exact byte comparison); removes it if present.
  void add_value(AttrId id, std::string value);
  void remove_value(AttrId id, const std::string& value);
  // Removes the attribute and hands back its values (empty when absent), so a caller can
  // change a long list in place and set() it back without copying it.
  ValueList take(AttrId id);

  const std::vector<AttrValues>& items() const { return items_; }
  bool empty() const { return items_.empty(); }
  size_t size() const { return items_.size(); }
  // Removes every attribute and frees the items block too (not only the values): a cleared
  // pending import or escrow must not keep its capacity on each of a million objects.
  void clear() { std::vector<AttrValues>().swap(items_); }
  // Room for `n` attributes in one block, so that a set built attribute by attribute (import,
  // decode) is sized exactly instead of doubling (which left up to half the block unused).
  void reserve(size_t n) { items_.reserve(n); }
  // Trims the items block and every value list to their sizes (one reallocation each where
  // there is slack), for a set that is kept long after it was built.
  void shrink_to_fit();
  bool operator==(const AttributeSet&) const = default;

 private:
  std::vector<AttrValues> items_;
};

}  // namespace idsync
