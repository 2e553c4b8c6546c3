#include "sync/cold_pass.h"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <string_view>
#include <vector>

namespace idsync {

namespace {

// IDSYNC_COLD_SETS=off in the environment keeps every set plain (more memory, less CPU).
std::atomic<bool> enabled{cold_sets_setting(std::getenv("IDSYNC_COLD_SETS"))};

// The first freezable set of an object: what the codec is trained on.
std::string_view sample_of(const CsObject& o) {
  for (const ColdSet* s : {&o.hologram, &o.import_state, &o.unconfirmed})
    if (s->freezable()) return s->freezable_bytes();
  return {};
}

bool any_freezable(const CsObject& o) {
  return o.hologram.freezable() || o.import_state.freezable() || o.unconfirmed.freezable() ||
         o.pending_export.changes.freezable();
}

// Trains a (new) codec when the space has none yet or has grown well past the last sample.
bool maybe_train(ConnectorSpace& space, const std::vector<CsObject*>& objects) {
  return train_cold_codec(space.set_codecs, space.codec_samples, objects.size(),
                          [&](size_t i) { return sample_of(*objects[i]); });
}

}  // namespace

bool train_cold_codec(std::vector<std::unique_ptr<SetCodec>>& codecs, size_t& codec_samples, size_t count,
                      const std::function<std::string_view(size_t)>& sample) {
  const size_t want = std::min(count, kColdSamples);
  if (want < 16 || (codec_samples != 0 && want < 4 * codec_samples)) return false;
  const size_t step = std::max<size_t>(1, count / kColdSamples);
  std::vector<std::string_view> samples;
  samples.reserve(want);
  for (size_t i = 0; i < count && samples.size() < kColdSamples; i += step)
    if (std::string_view s = sample(i); !s.empty()) samples.push_back(s);
  codec_samples = samples.size();
  std::unique_ptr<SetCodec> codec = SetCodec::train(samples);
  if (codec == nullptr) return false;
  codecs.push_back(std::move(codec));
  return true;
}

bool cold_sets_setting(const char* value) {
  if (value == nullptr) return true;
  const std::string_view v(value);
  return !(v == "0" || v == "off" || v == "OFF" || v == "false" || v == "no");
}

void set_cold_sets(bool on) { enabled.store(on, std::memory_order_relaxed); }
bool cold_sets_enabled() { return enabled.load(std::memory_order_relaxed); }

namespace {

// Freezes the freezable sets of `objects` (distinct), training a codec first when due.
ColdPassResult freeze_objects(ConnectorSpace& space, const std::vector<CsObject*>& objects) {
  ColdPassResult result;
  if (objects.empty()) return result;
  result.trained = maybe_train(space, objects);
  if (space.set_codecs.empty()) {  // nothing to gain in this space (yet): all stay plain
    for (const CsObject* o : objects)
      result.kept += o->hologram.freezable() + o->import_state.freezable() + o->unconfirmed.freezable();
    return result;
  }
  // Built before the pass and read-only during it (TSan: no write beside the readers).
  const SetCodec& codec = *space.set_codecs.back();
  std::atomic<size_t> frozen{0}, kept{0};
  tbb::parallel_for(tbb::blocked_range<size_t>(0, objects.size(), 256), [&](const tbb::blocked_range<size_t>& r) {
    size_t f = 0, k = 0;
    for (size_t i = r.begin(); i != r.end(); ++i)
      for (ColdSet* s : {&objects[i]->hologram, &objects[i]->import_state, &objects[i]->unconfirmed}) {
        if (!s->freezable()) continue;
        (s->freeze(codec) ? f : k) += 1;
      }
    frozen += f;
    kept += k;
  });
  result.frozen = frozen.load();
  result.kept = kept.load();
  return result;
}

// The pending changes of `objects` (distinct) that freeze would look at.
std::vector<ColdChanges*> freezable_pending(const std::vector<CsObject*>& objects) {
  std::vector<ColdChanges*> out;
  for (CsObject* o : objects)
    if (o->pending_export.changes.freezable()) out.push_back(&o->pending_export.changes);
  return out;
}

}  // namespace

ColdPassResult freeze_pending_changes(ConnectorSpace& space, const std::vector<ColdChanges*>& changes) {
  ColdPassResult result;
  if (!cold_sets_enabled() || changes.empty()) return result;
  result.trained = train_cold_codec(space.pending_codecs, space.pending_codec_samples, changes.size(),
                                    [&](size_t i) { return changes[i]->freezable_bytes(); });
  if (space.pending_codecs.empty()) {
    for (const ColdChanges* c : changes) result.kept += c->freezable();
    return result;
  }
  const SetCodec& codec = *space.pending_codecs.back();  // read-only during the pass
  std::atomic<size_t> frozen{0}, kept{0};
  tbb::parallel_for(tbb::blocked_range<size_t>(0, changes.size(), 256), [&](const tbb::blocked_range<size_t>& r) {
    size_t f = 0, k = 0;
    for (size_t i = r.begin(); i != r.end(); ++i) {
      if (!changes[i]->freezable()) continue;
      (changes[i]->freeze(codec) ? f : k) += 1;
    }
    frozen += f;
    kept += k;
  });
  result.frozen = frozen.load();
  result.kept = kept.load();
  return result;
}

ColdPassResult freeze_cold_sets(ConnectorSpace& space) {
  if (!cold_sets_enabled()) return {};
  std::vector<CsObject*> objects;
  for (auto& [id, o] : space.objects)
    if (any_freezable(o)) objects.push_back(&o);
  ColdPassResult result = freeze_objects(space, objects);
  result += freeze_pending_changes(space, freezable_pending(objects));
  return result;
}

void ColdBatch::flush() {
  if (cold_sets_enabled()) {
    std::sort(pending_.begin(), pending_.end());  // an object added twice is frozen once
    pending_.erase(std::unique(pending_.begin(), pending_.end()), pending_.end());
    std::erase_if(pending_, [](const CsObject* o) { return !any_freezable(*o); });
    freeze_objects(space_, pending_);
    freeze_pending_changes(space_, freezable_pending(pending_));
  }
  pending_.clear();
}

}  // namespace idsync
