// The directory-facing object model that connectors read and write.
//
// Connectors see names, not the engine's interned ids: an Entry is what one directory object
// looks like on the wire. Attribute names compare case-insensitively (LDAP rules); values are
// canonical byte strings (value_types.h). An Entry never holds the same attribute twice.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "idsync/value_types.h"

namespace idsync {

struct Attribute {
  std::string name;
  ValueList values;
};

struct Entry {
  std::string dn;
  std::string object_type;  // the primary object class: "user", "group", "person", ...
  std::string anchor;       // immutable identifier in this directory (raw bytes); may be empty
  std::vector<Attribute> attributes;

  const Attribute* find(std::string_view name) const;
  Attribute* find(std::string_view name);
  // Replaces (or removes, when `values` is empty) the attribute's values.
  void set(std::string_view name, ValueList values);
  // First value or an empty view.
  std::string_view first(std::string_view name) const;
};

enum class ValueOp : uint8_t { kAdd, kDelete, kReplace };

// A change to one attribute. kReplace with no values removes the attribute; kDelete with no
// values removes every value.
struct AttributeChange {
  std::string name;
  ValueOp op = ValueOp::kReplace;
  ValueList values;
};

enum class ChangeKind : uint8_t {
  kAdd,     // a new object: `entry` holds all its attributes
  kModify,  // `changes` lists the attribute changes
  kDelete,  // the object is gone
  kRename,  // DN changed to `new_dn` (a rename or a move); `changes` may list changes too
};

const char* change_kind_name(ChangeKind kind);

// One object-level change: what a delta import reports and what an export sends.
struct EntryChange {
  ChangeKind kind = ChangeKind::kModify;
  std::string dn;         // the DN before the change
  std::string new_dn;     // kRename only
  std::string object_type;
  std::string anchor;     // when known; lets the engine match without the DN
  std::vector<Attribute> attributes;        // kAdd: the full object
  std::vector<AttributeChange> changes;     // kModify / kRename
};

}  // namespace idsync
