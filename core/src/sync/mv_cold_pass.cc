#include "sync/mv_cold_pass.h"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <atomic>

namespace idsync {

namespace {

// Freezes the freezable sets of `objects` (distinct, all freezable), training a codec first
// when due.
ColdPassResult freeze_objects(SyncState& state, const std::vector<MvObject*>& objects) {
  ColdPassResult result;
  if (objects.empty()) return result;
  auto& codecs = state.mv_set_codecs();
  result.trained = train_cold_codec(codecs, state.mv_codec_samples(), objects.size(),
                                    [&](size_t i) { return objects[i]->attributes.freezable_bytes(); });
  if (codecs.empty()) {  // nothing to gain (yet): all stay plain
    result.kept = objects.size();
    return result;
  }
  // Built before the pass and read-only during it.
  const SetCodec& codec = *codecs.back();
  std::atomic<size_t> frozen{0};
  tbb::parallel_for(tbb::blocked_range<size_t>(0, objects.size(), 256), [&](const tbb::blocked_range<size_t>& r) {
    size_t f = 0;
    for (size_t i = r.begin(); i != r.end(); ++i) f += objects[i]->attributes.freeze(codec);
    frozen += f;
  });
  result.frozen = frozen.load();
  result.kept = objects.size() - result.frozen;
  return result;
}

}  // namespace

ColdPassResult MvColdBatch::flush() {
  ColdPassResult result;
  if (cold_sets_enabled()) {
    // By id: an object added twice is frozen once, and the codec's sample is the same
    // whatever the order the step handed the objects over in.
    std::sort(pending_.begin(), pending_.end(), [](const MvObject* a, const MvObject* b) { return a->id < b->id; });
    pending_.erase(std::unique(pending_.begin(), pending_.end()), pending_.end());
    std::erase_if(pending_, [](const MvObject* o) { return !o->attributes.freezable(); });
    result = freeze_objects(state_, pending_);
  }
  pending_.clear();
  return result;
}

ColdPassResult freeze_mv_cold_sets(SyncState& state) {
  if (!cold_sets_enabled()) return {};
  std::vector<MvObject*> objects;
  for (const auto& [id, o] : state.metaverse())
    if (o.attributes.freezable()) objects.push_back(state.mv(id));
  std::sort(objects.begin(), objects.end(), [](const MvObject* a, const MvObject* b) { return a->id < b->id; });
  return freeze_objects(state, objects);
}

}  // namespace idsync
