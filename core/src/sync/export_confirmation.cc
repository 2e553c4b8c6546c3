#include "sync/export_confirmation.h"

#include <algorithm>

#include <xxhash.h>

#include "sync/steps.h"

namespace idsync {

namespace {

// An order-independent hash of a list of values: the same values in any order match, in
// linear time whatever the number of values.
uint64_t values_sum(ValuesView values) {
  uint64_t sum = 0;
  for (std::string_view v : values) sum += XXH3_64bits(v.data(), v.size());
  return sum;
}

}  // namespace

bool ExportConfirmation::confirm(const CsObject& o, const AttributeSet& escrow, const AttributeSet& imported,
                                 bool report) {
  bool all = true;
  for (const AttrEntry a : escrow.items()) {
    const ValuesView now = imported.get(a.id);
    if (now.size() == a.values.size() && values_sum(now) == values_sum(a.values)) continue;
    all = false;
    if (!report) return false;
    ++result_.counters["exported-change-not-reimported"];
    record_error(result_, o.dn, "exported-change-not-reimported",
                 "the value exported to '" + state_.attrs().info(a.id).name +
                     "' was not seen on import; it will be exported again");
  }
  return all;
}

void ExportConfirmation::staged(CsObject& o, bool first) {
  if (o.unconfirmed.empty()) return;
  if (!first) {
    held_.push_back(o.id);  // held since an earlier showing (or put back by shown_again)
    return;
  }
  AttributeSet escrow_scratch, imported_scratch;
  const AttributeSet& escrow = o.unconfirmed.view(escrow_scratch);
  if (!confirm(o, escrow, imported_state(o).view(imported_scratch), false)) {
    held_.push_back(o.id);  // the final state decides, at the end
    return;
  }
  ids_.clear();
  for (const AttrEntry a : escrow.items()) ids_.push_back(a.id);
  confirmed_.add(o.id, uint64_t{intern(ids_)} + 1);
  o.unconfirmed.clear();
  state_.mark_cs(o);
}

void ExportConfirmation::shown_again(CsObject& o) {
  const uint64_t list = confirmed_.find(o.id, [](uint64_t) { return true; });
  if (list == 0) return;
  confirmed_.erase(o.id, list);
  // The state that confirmed the escrow holds its values: the escrow is those values.
  AttributeSet scratch;
  const AttributeSet& seen = imported_state(o).view(scratch);
  AttributeSet::Builder escrow;
  for (AttrId id : lists_[list - 1]) {
    const ValuesView values = seen.get(id);
    escrow.start(id, values.size());
    for (std::string_view v : values) escrow.value(v);
  }
  o.unconfirmed = escrow.finish();
  held_.push_back(o.id);
}

void ExportConfirmation::deleted(const CsObject& o) {
  if (!o.unconfirmed.empty()) held_.push_back(o.id);
}

void ExportConfirmation::finish() {
  std::sort(held_.begin(), held_.end());  // an object shown twice is confirmed once
  held_.erase(std::unique(held_.begin(), held_.end()), held_.end());
  for (CsId id : held_) {
    CsObject* o = space_.find(id);
    if (o == nullptr || o->unconfirmed.empty()) continue;
    // A deleted object is gone: nothing left to confirm.
    if (o->pending_import != PendingImportKind::kDelete) {
      AttributeSet escrow_scratch, imported_scratch;
      confirm(*o, o->unconfirmed.view(escrow_scratch), imported_state(*o).view(imported_scratch), true);
    }
    o->unconfirmed.clear();
    state_.mark_cs(*o);
  }
  std::vector<CsId>().swap(held_);
  confirmed_.clear();
}

uint32_t ExportConfirmation::intern(const std::vector<AttrId>& ids) {
  std::vector<uint32_t>& same_hash = lists_by_hash_[XXH3_64bits(ids.data(), ids.size() * sizeof(AttrId))];
  for (uint32_t i : same_hash)
    if (lists_[i] == ids) return i;
  lists_.push_back(ids);
  same_hash.push_back(static_cast<uint32_t>(lists_.size() - 1));
  return same_hash.back();
}

}  // namespace idsync
