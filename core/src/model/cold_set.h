// ColdSet: an attribute set that is held plain while a step works on it and compressed
// ("frozen", by its connector space's SetCodec) while it is cold (issue 5: the holograms,
// pending import states and unconfirmed exports of a connector space are most of a loaded
// state's heap and are read once or twice per run).
//
// 8 bytes: the AttributeSet's block pointer, or (low bit set) a cold block (model/cold_block.h)
// whose frame is exactly the AttributeSet block's bytes. Only a set without out-of-line lists
// is frozen (its block has no pointers), and only when the cold block is smaller: a huge
// group's member list is never compressed or copied, so changing one member stays O(1).
//
// Reading: view(scratch) gives the plain set by reference, or thaws it into `scratch` (the
// reference is valid until the set or the scratch changes); thaw() gives a plain copy. In a
// loop over many attributes of one object, view once and read the view. Writing: assign an
// AttributeSet, or plain() (thaws in place) and change it. A copy of a ColdSet is always
// plain, so no copy can outlive the codec; a move keeps the form. Equality compares contents.
//
// Lifetime: the codec must outlive every set frozen with it (ConnectorSpace declares its
// codec before its objects). Thread safety: as an AttributeSet; const members (view, thaw)
// may run on many threads at once.
#pragma once

#include <cstdint>
#include <string_view>
#include <utility>

#include "model/attribute_set.h"
#include "model/cold_block.h"

namespace idsync {

class SetCodec;
struct HeapBytes;

class ColdSet {
 public:
  ColdSet() = default;
  ColdSet(AttributeSet set) : set_(std::move(set)) {}  // NOLINT: a set is a plain ColdSet
  ColdSet(const ColdSet& other) : set_(other.thaw()) {}
  ColdSet(ColdSet&& other) noexcept : set_(std::move(other.set_)) {}
  ColdSet& operator=(const ColdSet& other);
  ColdSet& operator=(ColdSet&& other) noexcept;
  ColdSet& operator=(AttributeSet set);
  ~ColdSet() { release_cold(); }

  bool empty() const { return set_.block_ == nullptr; }  // a cold set is never empty
  bool cold() const { return cold_block::tagged(set_.block_); }

  // The set: itself when plain, else thawed into `scratch` (replacing what it held).
  const AttributeSet& view(AttributeSet& scratch) const {
    if (!cold()) return set_;
    scratch = thaw();
    return scratch;
  }
  // The set when plain, else null (a cold set has no out-of-line list to look at).
  const AttributeSet* if_plain() const { return cold() ? nullptr : &set_; }
  // A plain copy of the set.
  AttributeSet thaw() const;
  // The set made plain in place, to change it; it stays plain until frozen again.
  AttributeSet& plain();
  void clear();

  // Compresses the set with `codec` when it is plain, has no out-of-line list and the cold
  // block is smaller; true when the set is cold afterwards. The codec must outlive the set.
  bool freeze(const SetCodec& codec);
  // Whether freeze would look at the set at all (plain, not empty, no out-of-line list).
  bool freezable() const;
  // The bytes freeze would compress (empty unless freezable): what a codec is trained on.
  std::string_view freezable_bytes() const;
  // The codec of a cold set (null when plain).
  const SetCodec* codec() const;

  friend bool operator==(const ColdSet& a, const ColdSet& b);
  // A cold set: the cold block as allocated; its payload and values are those of the thawed
  // set (what it holds, not how). A plain one: the AttributeSet's.
  friend HeapBytes heap_bytes(const ColdSet& set);

 private:
  void release_cold();
  const char* block() const { return set_.block_; }  // plain or tagged

  AttributeSet set_;  // when cold: block_ is the tagged cold block, never used as a set
};

}  // namespace idsync
