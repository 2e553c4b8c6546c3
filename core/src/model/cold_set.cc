#include "model/cold_set.h"

#include "model/memory_usage.h"

namespace idsync {

void ColdSet::release_cold() {
  if (!cold()) return;
  cold_block::release(set_.block_);
  set_.block_ = nullptr;
}

ColdSet& ColdSet::operator=(const ColdSet& other) {
  if (this != &other) *this = other.thaw();
  return *this;
}

ColdSet& ColdSet::operator=(ColdSet&& other) noexcept {
  if (this != &other) {
    release_cold();
    set_ = std::move(other.set_);  // moves the block pointer, tagged or not
  }
  return *this;
}

ColdSet& ColdSet::operator=(AttributeSet set) {
  release_cold();
  set_ = std::move(set);
  return *this;
}

AttributeSet ColdSet::thaw() const {
  if (!cold()) return set_;
  AttributeSet out;
  out.block_ = cold_block::thaw(set_.block_);  // a block without out-of-line lists: nothing else to own
  return out;
}

AttributeSet& ColdSet::plain() {
  if (cold()) {
    AttributeSet thawed = thaw();
    release_cold();
    set_ = std::move(thawed);
  }
  return set_;
}

void ColdSet::clear() {
  release_cold();
  set_.clear();
}

bool ColdSet::freezable() const { return !cold() && !empty() && set_.nlarge() == 0; }

std::string_view ColdSet::freezable_bytes() const {
  return freezable() ? std::string_view(set_.block_, set_.block_bytes()) : std::string_view();
}

const SetCodec* ColdSet::codec() const { return cold() ? cold_block::codec(set_.block_) : nullptr; }

bool ColdSet::freeze(const SetCodec& codec) {
  if (cold()) return true;
  if (!freezable()) return false;
  char* cold = cold_block::freeze(codec, std::string_view(set_.block_, set_.block_bytes()));
  if (cold == nullptr) return false;
  set_.clear();  // no out-of-line lists: frees the block alone
  set_.block_ = cold;
  return true;
}

bool operator==(const ColdSet& a, const ColdSet& b) {
  if (!a.cold() && !b.cold()) return a.set_ == b.set_;
  if (a.cold() && b.cold()) {
    if (cold_block::raw_size(a.block()) != cold_block::raw_size(b.block())) return false;
    if (cold_block::same_frame(a.block(), b.block())) return true;
  }
  AttributeSet sa, sb;
  return a.view(sa) == b.view(sb);
}

HeapBytes heap_bytes(const ColdSet& set) {
  if (!set.cold()) return heap_bytes(set.set_);
  HeapBytes out = heap_bytes(set.thaw());
  out.allocated = cold_block::allocated(set.block());
  out.slack = 0;
  return out;
}

}  // namespace idsync
