// ColdChanges: the changes of a pending export (model/pending_changes.h), held plain while a
// step works on them and compressed ("frozen", by their connector space's pending-export codec)
// between steps (issue 5: after the Initial cycle's on-premises full sync every cloud object
// holds its whole add as a pending export, ~740 MB plain at 1M, through the cloud full sync
// and into the export).
//
// 8 bytes: the PendingChanges block pointer, or (low bit set) a cold block (model/cold_block.h)
// whose frame is exactly the PendingChanges block's bytes. Only a narrow block is frozen (the
// wide form holds a big group's member changes: never compressed or copied, so changing one
// member of a huge group stays O(1)), and only when the cold block is smaller.
//
// Reading: view(scratch) gives the plain changes by reference, or thaws them into `scratch`
// (valid until this object or the scratch changes); thaw() gives a plain copy. Read a cold
// list once per object (CsSetsView::pending_changes). Writing: assign a PendingChanges. A copy
// is always plain, so no copy can outlive the codec; a move keeps the form. Equality compares
// contents, whatever the forms.
//
// Lifetime: the codec must outlive every list frozen with it (ConnectorSpace declares its
// codecs before its objects). Thread safety: as a PendingChanges; const members (view, thaw)
// may run on many threads at once.
#pragma once

#include <string_view>
#include <utility>

#include "model/cold_block.h"
#include "model/pending_changes.h"

namespace idsync {

class SetCodec;
struct HeapBytes;

class ColdChanges {
 public:
  ColdChanges() = default;
  ColdChanges(PendingChanges changes) : changes_(std::move(changes)) {}  // NOLINT: plain ColdChanges
  ColdChanges(const ColdChanges& other) : changes_(other.thaw()) {}
  ColdChanges(ColdChanges&& other) noexcept : changes_(std::move(other.changes_)) {}
  ColdChanges& operator=(const ColdChanges& other);
  ColdChanges& operator=(ColdChanges&& other) noexcept;
  ColdChanges& operator=(PendingChanges changes);
  ~ColdChanges() { release_cold(); }

  bool empty() const { return changes_.block_ == nullptr; }  // a cold list is never empty
  bool cold() const { return cold_block::tagged(changes_.block_); }

  // The changes: themselves when plain, else thawed into `scratch` (replacing what it held).
  const PendingChanges& view(PendingChanges& scratch) const {
    if (!cold()) return changes_;
    scratch = thaw();
    return scratch;
  }
  // The changes when plain, else null.
  const PendingChanges* if_plain() const { return cold() ? nullptr : &changes_; }
  // A plain copy of the changes.
  PendingChanges thaw() const;
  void clear();

  // Compresses the changes with `codec` when plain, narrow and the cold block is smaller; true
  // when they are cold afterwards. The codec must outlive this object.
  bool freeze(const SetCodec& codec);
  // Whether freeze would look at the changes at all (plain, not empty, narrow).
  bool freezable() const { return !cold() && changes_.narrow(); }
  // The bytes freeze would compress (empty unless freezable): what a codec is trained on.
  std::string_view freezable_bytes() const;
  // The codec of a cold list (null when plain).
  const SetCodec* codec() const { return cold() ? cold_block::codec(changes_.block_) : nullptr; }

  friend bool operator==(const ColdChanges& a, const ColdChanges& b);
  // A cold list: the cold block as allocated; its payload and values are those of the thawed
  // changes. A plain one: the PendingChanges'.
  friend HeapBytes heap_bytes(const ColdChanges& changes);

 private:
  void release_cold();
  const char* block() const { return changes_.block_; }  // plain or tagged

  PendingChanges changes_;  // when cold: block_ is the tagged cold block, never used as changes
};

}  // namespace idsync
