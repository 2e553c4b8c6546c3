// The cold pass: at the end of each step that changes a connector space's attribute sets
// (import, synchronization, export, the load of the state, a confirming import), every plain
// hologram, pending import state and unconfirmed export set of the space that gains is frozen
// (model/cold_set.h) in one parallel pass. Steps work on plain sets and thaw cold ones on
// demand; the pass runs when the step's own parallel work is over, never beside it.
//
// The space's codec is trained on the first pass that finds enough sets (a deterministic
// sample: every k-th object in table order, ~kColdSamples sets), and trained again only when
// the space has grown to four times the sample the newest codec saw (older codecs stay: the
// sets frozen with them keep pointing at them). No codec (too little to gain): the sets stay
// plain, the run goes on. Contents never depend on the thread count; the compressed bytes may.
#pragma once

#include <cstddef>

#include "sync/sync_state.h"

namespace idsync {

inline constexpr size_t kColdSamples = 4000;

struct ColdPassResult {
  size_t frozen = 0;   // sets compressed by this pass
  size_t kept = 0;     // freezable sets left plain (no codec, or too small to gain)
  bool trained = false;
};

// Freezes the plain sets of `space` (see above). Needs exclusive access to the space.
ColdPassResult freeze_cold_sets(ConnectorSpace& space);
// freeze_cold_sets of every space of `state`.
void freeze_cold_sets(SyncState& state);

// Whether the passes freeze anything (default on). Process-wide, set between runs: tests and
// benchmarks compare a run with freezing off; results and stores must be the same.
void set_cold_sets(bool on);
bool cold_sets_enabled();

}  // namespace idsync
