#include "model/cold_changes.h"

#include "model/memory_usage.h"

namespace idsync {

void ColdChanges::release_cold() {
  if (!cold()) return;
  cold_block::release(changes_.block_);
  changes_.block_ = nullptr;
}

ColdChanges& ColdChanges::operator=(const ColdChanges& other) {
  if (this != &other) *this = other.thaw();
  return *this;
}

ColdChanges& ColdChanges::operator=(ColdChanges&& other) noexcept {
  if (this != &other) {
    release_cold();
    changes_ = std::move(other.changes_);  // moves the block pointer, tagged or not
  }
  return *this;
}

ColdChanges& ColdChanges::operator=(PendingChanges changes) {
  release_cold();
  changes_ = std::move(changes);
  return *this;
}

PendingChanges ColdChanges::thaw() const {
  if (!cold()) return changes_;
  PendingChanges out;
  out.block_ = cold_block::thaw(changes_.block_);  // a block is self-contained: nothing else to own
  return out;
}

void ColdChanges::clear() {
  release_cold();
  changes_ = PendingChanges();
}

std::string_view ColdChanges::freezable_bytes() const {
  return freezable() ? std::string_view(changes_.block_, changes_.block_bytes()) : std::string_view();
}

bool ColdChanges::freeze(const SetCodec& codec) {
  if (cold()) return true;
  if (!freezable()) return false;
  char* cold = cold_block::freeze(codec, std::string_view(changes_.block_, changes_.block_bytes()));
  if (cold == nullptr) return false;
  changes_ = PendingChanges();  // frees the plain block
  changes_.block_ = cold;
  return true;
}

bool operator==(const ColdChanges& a, const ColdChanges& b) {
  if (!a.cold() && !b.cold()) return a.changes_ == b.changes_;
  if (a.cold() && b.cold()) {
    if (cold_block::raw_size(a.block()) != cold_block::raw_size(b.block())) return false;
    if (cold_block::same_frame(a.block(), b.block())) return true;
  } else if (a.empty() || b.empty()) {
    return false;  // one cold (never empty), the other empty
  }
  PendingChanges sa, sb;
  return a.view(sa) == b.view(sb);
}

HeapBytes heap_bytes(const ColdChanges& changes) {
  if (!changes.cold()) return heap_bytes(changes.changes_);
  HeapBytes out = heap_bytes(changes.thaw());
  out.allocated = cold_block::allocated(changes.block());
  out.slack = 0;
  return out;
}

}  // namespace idsync
