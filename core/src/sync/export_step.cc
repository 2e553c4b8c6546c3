// Export: send each pending export to the directory, parents before children and deletes
// last (children first). A rejected object keeps its pending export and records the
// directory's message; the rest goes on. What was sent waits in the object's "unconfirmed"
// escrow until an import shows it (export confirmation).
#include <algorithm>
#include <string_view>
#include <unordered_set>

#include "sync/cold_pass.h"
#include "sync/export_limits.h"
#include "sync/steps.h"

namespace idsync {

namespace {

size_t dn_depth(std::string_view dn) {
  size_t depth = 1;
  for (size_t i = 0; i < dn.size(); ++i) {
    if (dn[i] == '\\') {
      ++i;
    } else if (dn[i] == ',') {
      ++depth;
    }
  }
  return depth;
}

// The change to send for `o`'s pending export. The pending export keeps its values packed
// (model/pending_changes.h); the connector gets them as a ValueList, unpacked here one batch of
// objects at a time, so the unpacked copies stay bounded by the batch (issue 5).
EntryChange make_change(const CsObject& o, const AttributeTable& attrs) {
  EntryChange c;
  c.dn = o.dn;
  c.anchor = o.anchor;
  c.object_type = o.object_type;
  PendingChanges scratch;
  const PendingChanges& changes = o.pending_export.changes.view(scratch);  // thawed once when cold
  switch (o.pending_export.kind) {
    case PendingExportKind::kAdd:
      c.kind = ChangeKind::kAdd;
      c.attributes.reserve(changes.size());
      for (const PendingChange a : changes)
        c.attributes.push_back(Attribute{attrs.info(a.id).name, a.values.to_list()});
      break;
    case PendingExportKind::kDelete: c.kind = ChangeKind::kDelete; break;
    default:
      c.kind = o.pending_export.new_dn.empty() ? ChangeKind::kModify : ChangeKind::kRename;
      c.new_dn = o.pending_export.new_dn;
      c.changes.reserve(changes.size());
      for (const PendingChange a : changes)
        c.changes.push_back(AttributeChange{attrs.info(a.id).name, a.op, a.values.to_list()});
      break;
  }
  return c;
}

// The values the directory holds after `o`'s pending export, for the exported attributes.
// Copies the packed values straight into the escrow set (no intermediate list); the caller
// discards the pending export next.
void escrow(CsObject& o) {
  PendingChanges thawed;
  const PendingChanges& changes = o.pending_export.changes.view(thawed);  // thawed once when cold
  if (o.pending_export.kind == PendingExportKind::kAdd) {
    AttributeSet::Builder held;  // packed once; an exported value replaces an older escrow
    AttributeSet scratch;
    const AttributeSet& unconfirmed = o.unconfirmed.view(scratch);
    held.reserve(unconfirmed.size() + changes.size());
    for (const AttrEntry a : unconfirmed.items()) held.add(a.id, a.values.to_list());
    for (const PendingChange a : changes) {
      held.start(a.id, a.values.size());
      for (std::string_view v : a.values) held.value(v);
    }
    o.unconfirmed = held.finish();
    return;
  }
  AttributeSet& unconfirmed = o.unconfirmed.plain();  // frozen again by the step's cold pass
  CsSetsView sets(o);  // the imported state, thawed once (the unconfirmed set is not read through it)
  for (const PendingChange a : changes) {
    if (a.op == ValueOp::kReplace) {  // the new values whatever was there: no copy of the old
      unconfirmed.set(a.id, a.values.to_list());
      continue;
    }
    ValueList values;
    if (unconfirmed.has(a.id)) {
      values = unconfirmed.take(a.id);  // replaced below: move, do not copy
    } else if (const ValuesView h = sets.imported().get(a.id)) {
      values = h.to_list();
    }
    // One pass over the held values whatever the number of changed ones: a search per changed
    // value made the export of a huge group losing thousands of members quadratic (at 1M
    // objects, a 500,000-member group losing 5,000 took most of a minute).
    if (a.op == ValueOp::kAdd) {
      values.reserve(values.size() + a.values.size());  // no reallocation: the views stay valid
      std::unordered_set<std::string_view> present(values.begin(), values.end());
      for (std::string_view v : a.values)
        if (present.insert(v).second) values.emplace_back(v);
    } else if (a.op == ValueOp::kDelete) {
      std::unordered_set<std::string_view> gone(a.values.begin(), a.values.end());
      values.erase(std::remove_if(values.begin(), values.end(), [&](const std::string& v) { return gone.count(v) != 0; }),
                   values.end());
    }
    // An empty escrow entry records "exported as removed"; AttributeSet drops empty lists, so
    // removals are confirmed by the hologram losing the attribute instead.
    unconfirmed.set(a.id, std::move(values));
  }
}

// What the directory accepted, waiting for end_export to make it durable: one pointer per object
// and the anchors the directory assigned packed in one buffer. A vector of {object, std::string}
// held ~72 bytes per object (a 16-byte GUID does not fit a string's inline buffer); an Initial
// cycle exports every object at once (issue 5).
class SentList {
 public:
  void add(CsObject* o, std::string_view new_anchor) {
    objects_.push_back(o);
    anchors_.append(new_anchor);
    anchor_ends_.push_back(anchors_.size());
  }
  size_t size() const { return objects_.size(); }
  CsObject& object(size_t i) const { return *objects_[i]; }
  // Empty when the directory assigned none.
  std::string_view new_anchor(size_t i) const {
    const size_t begin = i == 0 ? 0 : anchor_ends_[i - 1];
    return std::string_view(anchors_).substr(begin, anchor_ends_[i] - begin);
  }

 private:
  std::vector<CsObject*> objects_;
  std::vector<size_t> anchor_ends_;  // where object i's anchor ends in anchors_
  std::string anchors_;
};

}  // namespace

Status run_export(SyncState& state, ConnectorSpace& space, Connector& connector, const ExportLimits& limits,
                  StepResult& result, const ProgressCallback& progress) {
  // Only the objects with a pending export (the space keeps them as a set): an export of 10K
  // changes in a space of 1M objects looks at 10K, not 1M.
  std::vector<CsObject*> work;
  work.reserve(space.pending_exports.size());
  for (CsId id : space.pending_exports)
    if (CsObject* o = space.find(id); o != nullptr && !o->pending_export.empty()) work.push_back(o);
  state.export_statistics() = ExportStatistics{space.pending_exports.size()};
  IDSYNC_RETURN_IF_ERROR(check_export_limits(space, work, state.attrs(), limits, result));
  // Adds and updates parents first, then deletes children first; by id within a depth. The
  // keys are computed once, not in every comparison (a DN scan each, n log n times).
  struct Order {
    bool is_delete;
    size_t depth;
    CsId id;
    CsObject* object;
  };
  std::vector<Order> order;
  order.reserve(work.size());
  for (CsObject* o : work)
    order.push_back(Order{o->pending_export.kind == PendingExportKind::kDelete, dn_depth(o->dn), o->id, o});
  std::sort(order.begin(), order.end(), [](const Order& a, const Order& b) {
    if (a.is_delete != b.is_delete) return b.is_delete;  // deletes last
    if (a.depth != b.depth) return a.is_delete ? a.depth > b.depth : a.depth < b.depth;
    return a.id < b.id;
  });
  for (size_t i = 0; i < order.size(); ++i) work[i] = order[i].object;
  std::vector<Order>().swap(order);
  IDSYNC_RETURN_IF_ERROR(connector.begin_export().with_context("connector '" + space.def.name + "'"));
  SentList sent;
  uint64_t done = 0;
  // Drivers that overlap requests take the changes in batches (in the same order).
  const size_t batch = std::max<size_t>(1, connector.export_batch_size());
  for (size_t start = 0; start < work.size(); start += batch) {
    const size_t end = std::min(work.size(), start + batch);
    std::vector<EntryChange> changes;
    changes.reserve(end - start);
    for (size_t i = start; i < end; ++i) changes.push_back(make_change(*work[i], state.attrs()));
    std::vector<ExportResult> results;
    if (batch == 1) {
      results.push_back(connector.export_change(changes.front()));
    } else {
      std::vector<const EntryChange*> refs;
      for (const EntryChange& c : changes) refs.push_back(&c);
      results = connector.export_changes(refs);
    }
    for (size_t i = start; i < end; ++i) {
      CsObject* o = work[i];
      ExportResult& r = results[i - start];
      if (!r.status.ok()) {
        o->export_error = true;
        o->error = r.status.message();
        state.mark_cs(*o);
        ++result.counters["export-failure"];
        record_error(result, o->dn, "export-error", r.status.message());
      } else {
        sent.add(o, r.new_anchor);
      }
      if (progress && ++done % 10000 == 0) progress(Progress{space.def.name, result.step_type, done, work.size()});
    }
  }
  // Only once the directory has made the changes durable do we mark them exported.
  IDSYNC_RETURN_IF_ERROR(connector.end_export().with_context("connector '" + space.def.name + "'"));
  ColdBatch cold(space);  // the escrows frozen in batches as they are made (sync/cold_pass.h)
  for (size_t i = 0; i < sent.size(); ++i) {
    CsObject& o = sent.object(i);
    switch (o.pending_export.kind) {
      case PendingExportKind::kAdd: ++result.counters["export-add"]; break;
      case PendingExportKind::kUpdate:
        ++result.counters[o.pending_export.new_dn.empty() ? "export-update" : "export-rename"];
        break;
      case PendingExportKind::kDelete: ++result.counters["export-delete"]; break;
      case PendingExportKind::kNone: break;
    }
    if (o.pending_export.kind == PendingExportKind::kDelete) {
      state.remove_cs(space, o.id);
      continue;
    }
    escrow(o);
    std::string old_anchor(o.anchor), old_dn(o.dn);
    if (const std::string_view assigned = sent.new_anchor(i); !assigned.empty()) o.anchor = assigned;
    if (!o.pending_export.new_dn.empty()) o.dn = o.pending_export.new_dn;
    if (o.anchor != old_anchor || o.dn != old_dn) space.reindex(o, old_anchor, old_dn);
    o.pending_export = PendingExport{};
    o.export_error = false;
    o.error.clear();
    state.mark_cs(o);
    cold.add(o);
  }
  cold.flush();
  if (result.error_count > 0 && result.result == "success") result.result = "completed-export-errors";
  return Status::Ok();
}

}  // namespace idsync
