// Export confirmation during an import (REFERENCE.md "Export confirmation"): values an export
// sent wait in the object's "unconfirmed" escrow; when an import shows the object again, the
// values seen confirm them, and any that are missing are reported and dropped so the next sync
// computes a fresh export. They are confirmed against the object's final imported state: a
// delta import may show an object several times.
//
// Most objects are shown once, and then the first state seen is the final one. So the escrow
// is confirmed as soon as the object is staged: when every escrowed value is seen, the escrow
// is dropped at once and only the list of its attribute ids is kept (interned: the objects of
// one export share a handful of lists), with the object's id in a flat hash table. An
// escrow is put back from the staged state (which showed every escrowed value) only if the object
// is shown again. Why (issue 5): a confirming import of a whole forest stages every object's
// new state while each still held its cold escrow; at 1M objects releasing them at first
// sight lowered the import's peak by ~310 MB (2,724 to 2,410 MB). An escrow that does not match at once stays in place and is confirmed
// at the end, as before, so what is reported, and in which order (by object id), is the same.
//
// One thread (the import's stager); the space must not change under it except through the
// stager's staging.
#pragma once

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "sync/id_hash_index.h"
#include "sync/sync_state.h"

namespace idsync {

struct StepResult;

class ExportConfirmation {
 public:
  ExportConfirmation(SyncState& state, ConnectorSpace& space, StepResult& result)
      : state_(state), space_(space), result_(result) {}
  ExportConfirmation(const ExportConfirmation&) = delete;
  ExportConfirmation& operator=(const ExportConfirmation&) = delete;

  // Before the import changes `o`, which it has shown before: an escrow confirmed at first
  // sight is put back, from the state that confirmed it, so that the final state decides.
  void shown_again(CsObject& o);
  // After the import has staged what it shows of `o` (`first`: the first time this import
  // shows it). A first sight that shows every escrowed value confirms the escrow now.
  void staged(CsObject& o, bool first);
  // `o` is shown deleted: an escrow it holds is dropped at the end (nothing left to confirm,
  // unless a later change of this import shows it again).
  void deleted(const CsObject& o);
  // Confirms or reports every escrow still held by an object this import showed, against the
  // object's final imported state, in id order.
  void finish();

 private:
  // Reports the escrowed values that `imported` does not hold (by count and an
  // order-independent hash of each attribute's values). True when there were none.
  bool confirm(const CsObject& o, const AttributeSet& escrow, const AttributeSet& imported, bool report);
  uint32_t intern(const std::vector<AttrId>& ids);

  SyncState& state_;
  ConnectorSpace& space_;
  StepResult& result_;
  std::vector<CsId> held_;  // objects left with an escrow to confirm at the end (may repeat)
  // Confirmed at first sight: hash = the object's id itself (so a match is exact), "id" = the
  // index + 1 of its escrow's attribute list in lists_.
  IdHashIndex confirmed_;
  std::vector<std::vector<AttrId>> lists_;
  std::unordered_map<uint64_t, std::vector<uint32_t>> lists_by_hash_;
  std::vector<AttrId> ids_;  // scratch
};

}  // namespace idsync
