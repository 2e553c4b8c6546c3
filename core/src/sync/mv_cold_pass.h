// The metaverse's cold pass: the metaverse objects' attribute sets are cold between steps as
// the connector spaces' sets are (sync/cold_pass.h, model/cold_set.h; issue 5: at 1M they are
// the largest plain part of a loaded state). Frozen by codecs SyncState owns (trained on the
// first batch, a deterministic sample, as a space's are), in parallel passes over only the
// objects a step wrote: the load of the state, and each round of a synchronization's
// recompute pass (so that a full sync never holds the whole metaverse plain and a delta sync
// stays O(changes)). IDSYNC_COLD_SETS=off (set_cold_sets(false)) keeps them plain too.
//
// A set with an out-of-line list (a huge group's members) is never frozen: changing one member
// stays O(1). Contents never depend on the thread count; the compressed bytes may.
#pragma once

#include <vector>

#include "sync/cold_pass.h"
#include "sync/sync_state.h"

namespace idsync {

// Freezes metaverse objects as a step hands them over, kColdBatch at a time (and at flush()),
// in one parallel pass per batch; the first batch trains the metaverse's codec when it has
// none. Objects added must not be removed before the next flush; an object may be added more
// than once. Calls come from one thread; the parallel pass touches only the batch's objects.
class MvColdBatch {
 public:
  explicit MvColdBatch(SyncState& state) : state_(state) {}
  MvColdBatch(const MvColdBatch&) = delete;
  MvColdBatch& operator=(const MvColdBatch&) = delete;
  void add(MvObject& o) {
    pending_.push_back(&o);
    if (pending_.size() >= kColdBatch) flush();
  }
  ColdPassResult flush();

 private:
  SyncState& state_;
  std::vector<MvObject*> pending_;
};

// Freezes every plain set of the metaverse (a scan: the steps use MvColdBatch over the objects
// they wrote instead). Needs exclusive access to the state.
ColdPassResult freeze_mv_cold_sets(SyncState& state);

}  // namespace idsync
