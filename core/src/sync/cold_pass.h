// The cold pass: each step that changes a connector space's attribute sets or pending exports
// (import, synchronization, export, the load of the state, a confirming import) freezes the
// plain holograms, pending import states and unconfirmed export sets it wrote that gain
// (model/cold_set.h), and the changes of the pending exports it wrote (model/cold_changes.h),
// in parallel passes over batches of those objects (O(changes) for a delta step). Steps work
// on plain sets and changes and thaw cold ones on demand; a pass runs between the step's own
// parallel work, never beside it.
//
// The space has two codecs, one for its sets and one for its pending-export blocks (laid out
// differently, so trained apart). Each is trained on the first pass that finds enough blocks
// of its kind (a deterministic sample: every k-th in the order given, ~kColdSamples blocks),
// and trained again only when a pass has four times the sample the newest codec saw (older
// codecs stay: the blocks frozen with them keep pointing at them). No codec (too little to
// gain): the blocks stay plain, the run goes on. Contents never depend on the thread count;
// the compressed bytes may.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string_view>
#include <vector>

#include "sync/sync_state.h"

namespace idsync {

inline constexpr size_t kColdSamples = 4000;

struct ColdPassResult {
  size_t frozen = 0;   // sets (or pending changes) compressed by this pass
  size_t kept = 0;     // freezable ones left plain (no codec, or too small to gain)
  bool trained = false;
  ColdPassResult& operator+=(const ColdPassResult& o) {
    frozen += o.frozen;
    kept += o.kept;
    trained = trained || o.trained;
    return *this;
  }
};

// Freezes objects as a step hands them over, a batch at a time, so that a step that writes
// every object of a space (the load of the state, a full import) never holds the whole space
// plain: add() each object after writing its sets or pending export; every kColdBatch objects
// (and at flush()) the batch's sets and pending changes are frozen in parallel passes. The
// first batch trains the space's codecs when it has none (every k-th object of the batch). Objects added must not be erased before the next
// flush; an object may be added more than once. Calls come from one thread; the parallel pass
// touches only the batch's objects.
inline constexpr size_t kColdBatch = 4 * 4096;
class ColdBatch {
 public:
  explicit ColdBatch(ConnectorSpace& space) : space_(space) {}
  ColdBatch(const ColdBatch&) = delete;
  ColdBatch& operator=(const ColdBatch&) = delete;
  void add(CsObject& o) {
    pending_.push_back(&o);
    if (pending_.size() >= kColdBatch) flush();
  }
  void flush();

 private:
  ConnectorSpace& space_;
  std::vector<CsObject*> pending_;
};

// The training every kind of cold block shares (the spaces' sets and pending exports, the
// metaverse's sets): when `codecs` has none yet, or the last training (`codec_samples` blocks,
// updated here) saw far fewer blocks than this batch of `count` offers, trains a codec from
// every k-th of the batch's blocks (sample(i): the bytes of block i, empty for none) and
// appends it. True when one was added; deterministic for a given batch.
bool train_cold_codec(std::vector<std::unique_ptr<SetCodec>>& codecs, size_t& codec_samples, size_t count,
                      const std::function<std::string_view(size_t)>& sample);

// Freezes every plain set and pending export's changes of `space` (a scan of the whole space:
// the steps use ColdBatch over the objects they wrote instead). Needs exclusive access to the
// space.
ColdPassResult freeze_cold_sets(ConnectorSpace& space);

// Freezes `changes` (distinct, plain or cold, each of a pending export that `space` holds or
// will hold: the synchronization freezes its planned exports before they land), training the
// space's pending-export codec first when due (every k-th in the order given). One parallel
// pass touching only `changes`; nothing when freezing is off.
ColdPassResult freeze_pending_changes(ConnectorSpace& space, const std::vector<ColdChanges*>& changes);

// Whether the passes freeze anything (default on): the connector spaces' passes (sets and
// pending exports) and the metaverse's (sync/mv_cold_pass.h) alike, one switch for every cold
// block. Process-wide, set between runs: tests and benchmarks compare a run with freezing off;
// results and stores must be the same.
void set_cold_sets(bool on);
// The default, from the environment variable IDSYNC_COLD_SETS (its value, or null when unset):
// "0", "off", "false" or "no" turn freezing off, for a server with memory to spare that would
// rather not spend the CPU on compression; anything else (or unset) leaves it on.
bool cold_sets_setting(const char* value);
bool cold_sets_enabled();

}  // namespace idsync
