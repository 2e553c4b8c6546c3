// PackedOutcomes: a provisioning preview's flow outcomes (rules/compiled_rule.h FlowOutcome),
// packed in one block while they wait for the plan pass.
//
// Why: a full sync that provisions previews every (MV object, target) pair in the link pass
// and keeps the outcomes until the plan pass maps and diffs them, after every object has been
// linked (sync_step.cc). As a vector of FlowOutcome (a vector of std::string each) that was
// ~470 bytes per provisioned object at 100K objects, held for all of them at once: the full
// sync's peak at 1M was ~0.5 GB above the state it leaves (issue 5). Packed, an outcome costs
// its kind, its value count and its values' lengths and bytes, in one allocation per object;
// the plan pass unpacks one round of objects at a time.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "rules/compiled_rule.h"

namespace idsync {

class PackedOutcomes {
 public:
  PackedOutcomes() = default;
  // Packs `outcomes` (in rule and flow order) exactly sized.
  explicit PackedOutcomes(const std::vector<FlowOutcome>& outcomes);
  PackedOutcomes(PackedOutcomes&& o) noexcept : bytes_(std::move(o.bytes_)), size_(std::exchange(o.size_, 0)) {}
  PackedOutcomes& operator=(PackedOutcomes&& o) noexcept {
    bytes_ = std::move(o.bytes_);  // frees the block held before
    size_ = std::exchange(o.size_, 0);
    return *this;
  }

  bool empty() const { return size_ == 0; }
  // The outcomes as they were packed (appended to `out`, which is cleared first).
  void unpack(std::vector<FlowOutcome>& out) const;
  size_t heap_bytes() const { return size_; }

 private:
  // A value count (varint), then per outcome: kind (1 byte), value count (varint), per value
  // its length (varint) and bytes. Not a std::string: assigning an empty one to it keeps the
  // buffer (libstdc++), and an item reset in the plan pass must free its block.
  std::unique_ptr<char[]> bytes_;
  size_t size_ = 0;
};

}  // namespace idsync
