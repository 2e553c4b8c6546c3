// Interned attribute names for one server: every attribute of every connector space and of
// the metaverse gets a small dense id, so objects store (id, values) pairs, never names.
//
// Each space (the metaverse, each connector) has its own attributes: "pwdLastSet" is an
// integer in AD and a string in the metaverse, so the two are different ids. Names compare
// case-insensitively (LDAP) within a space; the first spelling seen is kept for display.
// Thread safety: intern() is for configuration time (single thread); lookups are read-only
// and safe from many threads once configuration is loaded.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "idsync/value_types.h"

namespace idsync {

using AttrId = uint32_t;
using SpaceId = uint32_t;  // kMetaverseSpace, or a connector's id
inline constexpr SpaceId kMetaverseSpace = 0;

struct AttrInfo {
  SpaceId space = kMetaverseSpace;
  std::string name;
  AttrType type = AttrType::kString;
  bool multi_valued = false;
};

class AttributeTable {
 public:
  // Returns the id of `name`, adding it with `type` / `multi_valued` when new. An existing
  // attribute keeps its type; multi_valued widens (single → multi) if any space says multi.
  AttrId intern(SpaceId space, std::string_view name, AttrType type = AttrType::kString, bool multi_valued = false);
  std::optional<AttrId> find(SpaceId space, std::string_view name) const;
  // The metaverse's attributes.
  AttrId intern(std::string_view name, AttrType type = AttrType::kString, bool multi_valued = false) {
    return intern(kMetaverseSpace, name, type, multi_valued);
  }
  std::optional<AttrId> find(std::string_view name) const { return find(kMetaverseSpace, name); }
  const AttrInfo& info(AttrId id) const { return attrs_[id]; }
  size_t size() const { return attrs_.size(); }
  // Restores a table exactly as saved (ids are positions).
  void restore(std::vector<AttrInfo> attrs);
  const std::vector<AttrInfo>& all() const { return attrs_; }

 private:
  std::vector<AttrInfo> attrs_;
  std::unordered_map<std::string, AttrId> by_lower_name_;
};

}  // namespace idsync
