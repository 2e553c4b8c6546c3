// AttributeSet: the attributes of one object, sorted by id, each a non-empty list of values.
//
// Lookups are a binary search over a few dozen entries, iteration is cache-friendly, and two
// sets compare (and diff) in one merge pass. An attribute with no values is never stored.
// Values are read through ValuesView (idsync/values_view.h), so callers do not depend on how
// the set keeps them; a view is invalidated by any change to the set.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "idsync/value_types.h"
#include "idsync/values_view.h"
#include "model/attribute_table.h"

namespace idsync {

struct HeapBytes;

// One attribute as items() shows it.
struct AttrEntry {
  AttrId id;
  ValuesView values;
};

class AttributeSet {
 public:
  // Values of `id`; an empty (false) view when absent.
  ValuesView get(AttrId id) const;
  bool has(AttrId id) const { return !get(id).empty(); }
  // Replaces the values; an empty list removes the attribute.
  void set(AttrId id, ValueList values);
  void erase(AttrId id) { set(id, {}); }
  // Adds `value` unless present (exact byte comparison); removes it if present.
  void add_value(AttrId id, std::string value);
  void remove_value(AttrId id, std::string_view value);
  // Removes the attribute and hands back its values (empty when absent), so a caller can
  // change a long list in place and set() it back without copying it.
  ValueList take(AttrId id);

  bool empty() const { return items_.empty(); }
  size_t size() const { return items_.size(); }
  // The i-th attribute in id order (i < size()).
  AttrEntry at(size_t i) const { return {items_[i].id, ValuesView(items_[i].values)}; }

  class Items;
  // The attributes in id order, as (id, values) entries.
  Items items() const;

  // Removes every attribute and frees the storage.
  void clear() { std::vector<Stored>().swap(items_); }
  // Trims the storage to its size, for a set kept long after it was built.
  void shrink_to_fit();

  friend bool operator==(const AttributeSet& a, const AttributeSet& b);
  // The heap this set holds (model/memory_usage.h).
  friend HeapBytes heap_bytes(const AttributeSet& set);

  // Builds a set in one go from attributes given one after another (an import entry, a
  // decoded blob, a recomputed metaverse object), instead of re-sorting it per attribute.
  // Attributes may come in any id order; for an id given twice the last one counts; an
  // attribute with no values is left out.
  class Builder {
   public:
    // Room for `attributes` attributes (a hint).
    void reserve(size_t attributes) { staged_.reserve(attributes); }
    // A whole attribute.
    void add(AttrId id, ValueList values);
    // An attribute given value by value: start(), then value() for each.
    void start(AttrId id, size_t count_hint = 0);
    void value(std::string_view v);
    // The set built; the builder is empty afterwards and can be reused.
    AttributeSet finish();

   private:
    struct Staged {
      AttrId id;
      ValueList values;
    };
    std::vector<Staged> staged_;
  };

 private:
  struct Stored {
    AttrId id;
    ValueList values;
  };
  std::vector<Stored> items_;
};

// Iterates the attributes of a set in id order; invalidated by any change to the set.
class AttributeSet::Items {
 public:
  class iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = AttrEntry;
    using difference_type = std::ptrdiff_t;
    using reference = AttrEntry;
    struct Arrow {
      AttrEntry entry;
      const AttrEntry* operator->() const { return &entry; }
    };
    using pointer = Arrow;
    iterator() = default;
    iterator(const AttributeSet* set, size_t i) : set_(set), i_(i) {}
    AttrEntry operator*() const { return set_->at(i_); }
    Arrow operator->() const { return {set_->at(i_)}; }
    iterator& operator++() { ++i_; return *this; }
    iterator operator++(int) { iterator t = *this; ++i_; return t; }
    friend bool operator==(const iterator& a, const iterator& b) { return a.i_ == b.i_; }

   private:
    const AttributeSet* set_ = nullptr;
    size_t i_ = 0;
  };
  explicit Items(const AttributeSet& set) : set_(&set) {}
  iterator begin() const { return {set_, 0}; }
  iterator end() const { return {set_, set_->size()}; }
  size_t size() const { return set_->size(); }
  bool empty() const { return set_->empty(); }

 private:
  const AttributeSet* set_;
};

inline AttributeSet::Items AttributeSet::items() const { return Items(*this); }

}  // namespace idsync
