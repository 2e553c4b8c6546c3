// Full and delta synchronization.
//
// Three passes, each over a deterministic (id-sorted) work list, so that the result never
// depends on the order objects were imported in:
//   1. apply pending imports of the connector's objects, then join / project / disconnect;
//   2. recompute every touched metaverse object from all the CS objects linked to it
//      (inbound flows, precedence, merge types), deleting those no rule holds any more;
//   3. outbound: provision / join / deprovision and recompute pending exports in every
//      target connector for each metaverse object that changed (full sync: every one touched).
//
// Parallelism (oneTBB): the expensive part of each pass — scoping, join candidate lookup, flow
// evaluation with precedence, desired target state, the pending-export diff — reads the state
// and writes only into a result slot of its own work item (plus flags of CS objects linked to
// that item's metaverse object, which no other item touches). A serial step then applies the
// slots in id order: links, MV id allocation for projections, indexes, dirty marks, counters
// and errors. So nothing on the per-object path takes a lock, and 1 thread and N threads give
// the same store, the same counters and the same pending exports: every decision that depends
// on another object (an ambiguous join, a projection's MV id, a provisioning DN conflict) is
// made in the serial step, in id order, never by thread timing.
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <array>
#include <map>
#include <set>
#include <atomic>
#include <charconv>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

#include "idsync/expression.h"
#include "sync/cold_pass.h"
#include "sync/id_set.h"
#include "sync/mv_cold_pass.h"
#include "sync/packed_outcomes.h"
#include "sync/steps.h"

namespace idsync {

namespace {

constexpr const char* kMvRefPrefix = "#";

struct Contribution {
  int precedence;
  size_t order;
  CsId source;
  MergeType merge;
  FlowOutcome outcome;
  bool execute_once;
};

// Contributions to the attributes of one object, in the order the flows ran: one flat vector
// per object instead of a map node and a vector per attribute.
struct AttrContribution {
  AttrId attr;
  bool dropped = false;  // taken out (a carried attribute): contributes nothing
  Contribution c;
};
using ContributionList = std::vector<AttrContribution>;

// A range of one attribute's contributions, handed to resolve().
struct ContributionRange {
  AttrContribution* first;
  AttrContribution* last;
  size_t size() const { return static_cast<size_t>(last - first); }
  Contribution& operator[](size_t i) const { return first[i].c; }
};

// Live contributions to `attr`, and taking them all out.
size_t live_count(const ContributionList& list, AttrId attr) {
  return static_cast<size_t>(std::count_if(list.begin(), list.end(), [&](const AttrContribution& a) {
    return a.attr == attr && !a.dropped;
  }));
}
void drop(ContributionList& list, AttrId attr) {
  for (AttrContribution& a : list)
    if (a.attr == attr) a.dropped = true;
}

// Calls fn(attr, range) for each attribute with contributions, in attribute order; within an
// attribute the contributions keep the order the flows ran in (a stable sort by attribute).
template <class Fn>
void for_each_attribute(ContributionList& list, Fn&& fn) {
  // Insertion sort: stable, no buffer, and quick for the few dozen flows of one object.
  for (size_t i = 1; i < list.size(); ++i)
    for (size_t k = i; k > 0 && list[k].attr < list[k - 1].attr; --k) std::swap(list[k], list[k - 1]);
  for (size_t i = 0; i < list.size();) {
    size_t j = i;
    while (j < list.size() && list[j].attr == list[i].attr) ++j;
    // Dropped entries sort together with their attribute; a dropped attribute has no live one.
    size_t live = i;
    for (size_t k = i; k < j; ++k)
      if (!list[k].dropped) {
        if (live != k) std::swap(list[live], list[k]);
        ++live;
      }
    if (live > i) fn(list[i].attr, ContributionRange{list.data() + i, list.data() + live});
    i = j;
  }
}

// Resolves contributions for one attribute into its values; nullopt = attribute absent.
std::optional<ValueList> resolve(ContributionRange list, ValuesView existing) {
  // Insertion sort: stable, and no buffer for the one to three contributions an attribute has.
  auto before = [](const Contribution& a, const Contribution& b) {
    if (a.precedence != b.precedence) return a.precedence < b.precedence;
    if (a.order != b.order) return a.order < b.order;
    return a.source < b.source;
  };
  for (size_t i = 1; i < list.size(); ++i)
    for (size_t k = i; k > 0 && before(list[k], list[k - 1]); --k) std::swap(list.first[k], list.first[k - 1]);
  for (size_t i = 0; i < list.size(); ++i) {
    Contribution& c = list[i];
    if (c.outcome.kind == FlowOutcome::kNull || c.outcome.kind == FlowOutcome::kIgnore) continue;
    if (c.outcome.kind == FlowOutcome::kAuthoritativeNull) return std::nullopt;
    if (c.execute_once && existing) return existing.to_list();
    if (c.merge == MergeType::kMerge || c.merge == MergeType::kMergeCaseInsensitive) {
      ValueList merged;
      std::set<std::string> keys;
      for (size_t k = i; k < list.size(); ++k) {
        if (list[k].outcome.kind == FlowOutcome::kAuthoritativeNull) break;
        if (list[k].outcome.kind != FlowOutcome::kValues) continue;
        for (const std::string& v : list[k].outcome.values) {
          std::string key = c.merge == MergeType::kMergeCaseInsensitive ? to_lower_ascii(v) : v;
          if (keys.insert(key).second) merged.push_back(v);
        }
      }
      return merged;
    }
    return std::move(c.outcome.values);
  }
  return std::nullopt;
}

// What a parallel work item found and the serial step must record: errors (in the order they
// occurred), sync-error counts, CS objects to mark dirty.
struct Deferred {
  struct Error {
    std::string dn, type, message;
  };
  std::vector<Error> errors;
  uint64_t sync_errors = 0;
  std::vector<const CsObject*> marks;
  // Reference lists whose every value was seen linked, and the generation then (LinkChecks).
  std::vector<std::pair<LinkChecks::Key, uint64_t>> linked_lists;
};

// Rules in precedence order, ties in rule order: an insertion sort, stable like std::stable_sort
// but without its temporary buffer (an allocation per object per pass for a list of one to three).
void sort_by_precedence(std::vector<const CompiledRule*>& rules) {
  for (size_t i = 1; i < rules.size(); ++i)
    for (size_t k = i; k > 0 && rules[k]->def.precedence < rules[k - 1]->def.precedence; --k)
      std::swap(rules[k], rules[k - 1]);
}

// Runs body(i) for i in [0, n) on the TBB pool. Work items are independent by construction
// (see the file comment), so the grain only trades scheduling overhead for balance.
template <class Body>
void parallel_each(size_t n, const Body& body) {
  tbb::parallel_for(tbb::blocked_range<size_t>(0, n, 64), [&](const tbb::blocked_range<size_t>& r) {
    for (size_t i = r.begin(); i != r.end(); ++i) body(i);
  });
}

std::atomic<size_t> recompute_chunk{kDefaultRecomputeChunk};

class Synchronizer {
 public:
  Synchronizer(SyncState& state, ConnectorSpace& space, StepResult& result, const ProgressCallback& progress)
      : state_(state), space_(space), result_(result), progress_(progress) {
    member_attr_ = state_.attrs().find(space_.id, "member");
    // Scoping by group membership (ISMEMBEROF) makes one object's scope depend on another
    // group's members: a value-level carry could not tell that scope stayed the same.
    for (const CompiledRule& r : state_.rules())
      for (const auto& group : r.scope)
        for (const CompiledScopeCondition& c : group)
          if (c.op == ScopeOperator::kIsMemberOf || c.op == ScopeOperator::kIsNotMemberOf) membership_scoping_ = true;
  }

  Status run(bool delta) {
    carry_allowed_ = delta && !membership_scoping_;
    // A delta synchronization looks only at the objects marked since the last one (a superset
    // of those with a pending import or an unresolved reference), never at the whole space.
    std::vector<CsId> candidates = state_.take_sync_candidates(space_);
    std::vector<CsId> work;
    if (delta) {
      for (CsId id : candidates)
        if (const CsObject* o = space_.find(id);
            o != nullptr && (o->pending_import != PendingImportKind::kNone || o->unresolved_refs))
          work.push_back(id);
    } else {
      work.reserve(space_.objects.size());
      for (const auto& [id, o] : space_.objects) work.push_back(id);
      std::sort(work.begin(), work.end());
    }
    total_ = work.size();
    stats_.cs_examined = work.size();
    inbound_pass(work);
    if (!delta) {
      // Full sync re-evaluates every metaverse object this connector reaches.
      for (const auto& [id, o] : space_.objects)
        if (o.mv != 0) touched_mv_.insert(o.mv);
    }
    std::vector<MvId> changed = recompute_pass(delta);
    // Link (provision / join / deprovision) everything first, so that references between
    // objects provisioned in this same run resolve when the exports are computed. Both passes
    // work on one item list: the plan pass reuses the rules in scope and the flow outcomes
    // the link pass found (the metaverse objects do not change in between).
    std::vector<OutboundItem> items = outbound_items(changed);
    link_pass(items);
    plan_pass(items);
    for (MvId id : deleted_mv_) deprovision_all(id);
    stats_.reference_values_resolved = resolved_.load();
    stats_.reference_values_carried = carried_.load();
    stats_.reference_values_checked = checked_.load();
    state_.sync_statistics() = stats_;
    // The applied imports' states became the holograms: cold already unless the import left
    // them plain. Only those objects: a delta synchronization stays O(changes).
    ColdBatch cold(space_);
    for (CsId id : applied_)
      if (CsObject* o = space_.find(id)) cold.add(*o);
    cold.flush();
    return Status::Ok();
  }

 private:
  // The step counter `name` (a string literal), created at 0 on first use as counters[name]
  // would be. The serial steps bump a counter or two per object: caching the map node by the
  // literal's address saves building a string and searching the map each time.
  uint64_t& counter(const char* name) {
    for (const auto& [key, value] : counter_cache_)
      if (key == name) return *value;
    uint64_t* value = &result_.counters[name];
    counter_cache_.emplace_back(name, value);
    return *value;
  }

  uint64_t& export_pending_counter(PendingExportKind kind) {
    auto k = static_cast<size_t>(kind);
    if (export_pending_counters_[k] == nullptr)
      export_pending_counters_[k] = &result_.counters[std::string("export-pending-") + pending_export_kind_name(kind)];
    return *export_pending_counters_[k];
  }

  void tick() {
    ++done_;
    if (progress_ && done_ % 10000 == 0) progress_(Progress{space_.def.name, result_.step_type, done_, total_});
  }

  void apply(const Deferred& d) {
    for (const Deferred::Error& e : d.errors) record_error(result_, e.dn, e.type, e.message);
    if (d.sync_errors != 0) counter("sync-error") += d.sync_errors;
    for (const CsObject* o : d.marks) state_.mark_cs(*o);
    for (const auto& [key, generation] : d.linked_lists) state_.link_checks().note(key, generation);
  }

  bool is_member_of(const CsObject& o, const std::string& group_dn) {
    CsObject* group = space_.find_by_dn(group_dn);
    if (group == nullptr || !member_attr_) return false;
    AttributeSet scratch;
    const ValuesView members = group->hologram.view(scratch).get(*member_attr_);
    std::string key = dn_key(o.dn);
    for (std::string_view m : members)
      if (dn_key(m) == key) return true;
    return false;
  }

  std::vector<const CompiledRule*> inbound_rules_in_scope(const CsObject& o, const InternedName* mv_type = nullptr) {
    AttributeSet scratch;
    return inbound_rules_in_scope(o, o.hologram.view(scratch), mv_type);
  }

  // The same against `hologram` in place of the object's own (its state before this run).
  std::vector<const CompiledRule*> inbound_rules_in_scope(const CsObject& o, const AttributeSet& hologram,
                                                          const InternedName* mv_type) {
    std::vector<const CompiledRule*> out;
    for (const CompiledRule& r : state_.rules()) {
      if (r.def.disabled || r.def.direction != Direction::kInbound || r.connector != o.connector) continue;
      if (!iequals(r.def.source_object_type, o.object_type)) continue;
      if (mv_type != nullptr && !iequals(r.def.target_object_type, *mv_type)) continue;
      if (in_scope(r, hologram, [&](const std::string& g) { return is_member_of(o, g); }, o.dn)) out.push_back(&r);
    }
    sort_by_precedence(out);
    return out;
  }

  // ---- pass 1: inbound ----

  struct InboundPlan {
    CsObject* object = nullptr;
    bool imported = false;
    std::vector<const CompiledRule*> rules;
    const CompiledRule* join_rule = nullptr;
    bool has_join_value = false;
    MvId join_target = 0;  // the first join group's single candidate, 0 = none
  };

  void inbound_pass(const std::vector<CsId>& work) {
    // Serial: apply the staged imports (they change holograms that scoping of other objects
    // reads, e.g. group membership, and the DN index).
    std::vector<InboundPlan> plans;
    plans.reserve(work.size());
    for (CsId id : work) {
      tick();
      InboundPlan p;
      if (apply_import(id, p)) plans.push_back(std::move(p));
    }
    // Parallel: scoping and join candidates, against the join index as the previous pass left
    // it (projections made below have no attributes yet, so they cannot be joined in this pass).
    parallel_each(plans.size(), [&](size_t i) {
      InboundPlan& p = plans[i];
      AttributeSet scratch;
      const AttributeSet& hologram = p.object->hologram.view(scratch);  // thawed once for both
      p.rules = inbound_rules_in_scope(*p.object, hologram, nullptr);
      if (!p.rules.empty() && p.object->mv == 0) find_join(hologram, p);
    });
    // Serial, in id order: join / project / disconnect.
    for (InboundPlan& p : plans) connect(p);
  }

  // Applies the pending import of one object; false when nothing more is to be done with it.
  bool apply_import(CsId id, InboundPlan& p) {
    CsObject* o = space_.find(id);
    if (o == nullptr) return false;
    p.object = o;
    p.imported = o->pending_import != PendingImportKind::kNone;
    if (o->unresolved_refs) had_unresolved_.insert(id);
    if (p.imported) applied_.insert(id);
    switch (o->pending_import) {
      case PendingImportKind::kDelete: {
        ++counter("deleted");
        if (o->mv != 0) {
          touched_mv_.insert(o->mv);
          relinked_mv_.insert(o->mv);
        }
        state_.remove_cs(space_, id);
        return false;
      }
      case PendingImportKind::kDeleteAdd:
        if (o->mv != 0) {
          touched_mv_.insert(o->mv);
          relinked_mv_.insert(o->mv);
          state_.unlink(*o);
        }
        [[fallthrough]];
      case PendingImportKind::kAdd:
      case PendingImportKind::kUpdate: {
        // An update keeps the state it replaces for this run: a long reference attribute
        // (a group's members) is then carried as a value-level change (carry_inbound).
        if (carry_allowed_ && o->pending_import == PendingImportKind::kUpdate && o->import_dn.empty())
          previous_hologram_[id] = std::move(o->hologram);
        o->hologram = std::move(o->import_state);
        o->import_state.clear();
        if (!o->import_dn.empty()) {
          CompactString old_dn = std::move(o->dn);  // only a rename needs it: no copy per object
          o->dn = std::move(o->import_dn);
          o->import_dn.clear();
          space_.reindex(*o, o->anchor, old_dn);
        }
        o->pending_import = PendingImportKind::kNone;
        break;
      }
      case PendingImportKind::kNone: break;
    }
    // Only what changes is written back: a full sync of an unchanged space writes nothing here.
    if (p.imported || o->unresolved_refs) state_.mark_cs(*o);
    o->unresolved_refs = false;
    if (o->state == ConnectorState::kExplicitDisconnector || o->state == ConnectorState::kFiltered) {
      ++counter("disconnector-filtered");
      return false;
    }
    return true;
  }

  // Read-only: the join rule and the metaverse object its first unambiguous group matches.
  void find_join(const AttributeSet& hologram, InboundPlan& p) {
    for (const CompiledRule* r : p.rules)
      if (!r->joins.empty()) {
        p.join_rule = r;
        break;
      }
    if (p.join_rule == nullptr) return;
    for (const auto& group : p.join_rule->joins) {
      std::optional<std::vector<MvId>> candidates;
      for (const CompiledJoinCondition& c : group) {
        std::vector<MvId> matches;
        if (const ValuesView values = hologram.get(c.cs_attr)) {
          p.has_join_value = true;
          std::vector<MvId> ids;
          for (std::string_view v : values) state_.join_candidates(c.mv_attr, v, c.case_sensitive, ids);
          for (MvId id : ids) {
            const MvObject* mv = state_.mv(id);
            if (mv != nullptr && iequals(mv->object_type, p.join_rule->def.target_object_type)) matches.push_back(id);
          }
        }
        std::sort(matches.begin(), matches.end());
        matches.erase(std::unique(matches.begin(), matches.end()), matches.end());
        if (!candidates) {
          candidates = std::move(matches);
        } else {
          std::vector<MvId> both;
          std::set_intersection(candidates->begin(), candidates->end(), matches.begin(), matches.end(),
                                std::back_inserter(both));
          candidates = std::move(both);
        }
      }
      if (candidates && candidates->size() == 1) {  // zero or several: next group
        p.join_target = candidates->front();
        return;
      }
    }
  }

  void connect(InboundPlan& p) {
    CsObject& o = *p.object;
    if (p.rules.empty()) {
      // An object an outbound Provision rule created is held by that rule, not by inbound
      // rules: a target without inbound rules (MIM style) must not lose it on import, or the
      // next sync would provision a duplicate. Outbound scope decides its deprovisioning.
      if (o.mv != 0 && o.provisioned) {
        touched_mv_.insert(o.mv);
        if (p.imported) reimported_mv_.insert(o.mv);
        return;
      }
      if (o.mv != 0 && o.state != ConnectorState::kExplicitConnector) {
        touched_mv_.insert(o.mv);
        relinked_mv_.insert(o.mv);
        state_.unlink(o);
        ++counter("disconnected");
      } else if (o.mv == 0) {
        ++counter("disconnector");
      }
      return;
    }
    if (o.mv == 0) join_or_project(o, p);
    if (o.mv != 0) {
      touched_mv_.insert(o.mv);
      if (p.imported) reimported_mv_.insert(o.mv);
      ++counter("connector-flow");
    }
  }

  void join_or_project(CsObject& o, const InboundPlan& p) {
    if (p.join_target != 0) {
      MvId target = p.join_target;
      for (const auto& [connector, cs] : state_.links(target)) {
        if (connector == o.connector) {
          ++counter("join-failure");
          std::string message = "ambiguous join: metaverse object " + std::to_string(target) +
                                " is already joined to another object of connector '" + space_.def.name + "' (" +
                                space_.find(cs)->dn + "); correct the join attribute values";
          o.error = message;
          record_error(result_, o.dn, "ambiguous-import-flow-from-multiple-connectors", message);
          return;
        }
      }
      state_.link(o, target);
      relinked_mv_.insert(target);
      o.error.clear();
      ++counter("joined");
      return;
    }
    for (const CompiledRule* r : p.rules) {
      if (r->def.link_type != LinkType::kProvision) continue;
      if (p.join_rule != nullptr && !p.has_join_value) {
        // Projection needs a join value, so the object can be found again later.
        ++counter("disconnector");
        return;
      }
      // MV ids are allocated here, in CS id order: the same ids whatever the thread count.
      MvObject& mv = state_.new_mv_object(r->def.target_object_type);
      state_.link(o, mv.id);
      relinked_mv_.insert(mv.id);
      ++counter("projected");
      return;
    }
    ++counter("disconnector");
  }

  // Maps reference values (DNs in `space`) to metaverse ids; false when one is unresolved.
  bool to_mv_refs(ConnectorSpace& space, ValueList& values) {
    ValueList out;
    bool all = to_mv_refs(space, values, out);
    values = std::move(out);
    return all;
  }

  // The same from `dns` (left as they are) into `out`.
  static bool to_mv_refs(ConnectorSpace& space, ValuesView dns, ValueList& out) {
    bool all = true;
    out.reserve(out.size() + dns.size());
    space.find_many_by_dn(dns, [&](const CsObject* target) {
      if (target != nullptr && target->mv != 0) {
        out.push_back(mv_ref(target->mv));
      } else {
        all = false;
      }
    });
    return all;
  }

  // "#<id>": short enough to stay in the string's own buffer (no allocation).
  static std::string mv_ref(MvId id) {
    char text[24];
    text[0] = kMvRefPrefix[0];
    auto [end, ec] = std::to_chars(text + 1, text + sizeof text, id);
    return std::string(text, end);
  }

  // ---- pass 2: recompute the metaverse ----

  // A value-level change of one reference attribute of a metaverse object: the old values
  // minus those at `removed_at` (ascending), then `added` appended — exactly what recomputing
  // it from the source's new values would give, without resolving the unchanged ones again.
  struct CarriedRefs {
    AttrId attr = 0;
    std::vector<size_t> removed_at;
    ValueList added;  // metaverse references ("#id")
    uint64_t checked_at = 0;  // the LinkChecks generation when the kept values were seen linked
  };

  struct MvPlan {
    bool held = false;
    bool changed = false;
    AttributeSet attributes;  // the new attributes when changed (carried ones excepted)
    ColdSet replaced;         // the object's old attributes once applied, freed in parallel
    std::vector<CarriedRefs> carried;
    Deferred deferred;
    // The object's join index entries before and after (SyncState::join_hashes), computed in
    // the parallel part so that the serial step only moves entries; not computed (false) when a
    // carried attribute is a join attribute (its new values are known only in the serial step).
    bool join_hashed = false;
    std::vector<uint64_t> join_before, join_after;
  };

  // What changed in a metaverse object's carried reference attributes this run, for the
  // outbound pass: the values removed and added ("#id"), and the object's other attributes
  // before the change (outbound scoping is checked against them).
  struct MvRefDelta {
    struct Values {
      AttrId attr = 0;
      ValueList removed, added;
    };
    std::vector<Values> attrs;
    AttributeSet before;  // the attributes before this run, carried ones left out
  };

  std::vector<MvId> recompute_pass(bool delta) {
    std::vector<MvId> changed = recompute_touched(delta);
    // Only this pass reads the holograms that applied updates replaced: free them now, in
    // parallel (one attribute set per updated object), not serially when the run ends.
    std::vector<ColdSet*> replaced;
    replaced.reserve(previous_hologram_.size());
    for (auto& [id, set] : previous_hologram_) replaced.push_back(&set);
    parallel_each(replaced.size(), [&](size_t i) { ColdSet gone = std::move(*replaced[i]); });
    previous_hologram_.clear();
    return changed;
  }

  std::vector<MvId> recompute_touched(bool delta) {
    std::vector<MvId> touched(touched_mv_.begin(), touched_mv_.end());
    stats_.mv_recomputed = touched.size();
    std::vector<MvId> changed;
    // In chunks: a plan holds the object's whole new attribute set until it is applied, so
    // planning every object first held a second copy of the metaverse at the peak (issue 5).
    // The result is the same: a plan reads only its own MV object, its linked CS objects and
    // links, which applying another plan does not change.
    const size_t chunk = recompute_chunk.load(std::memory_order_relaxed);
    for (size_t begin = 0; begin < touched.size(); begin += chunk) {
      const size_t count = std::min(chunk, touched.size() - begin);
      std::vector<MvPlan> plans(count);
      parallel_each(count, [&](size_t i) { plans[i] = recompute_mv(touched[begin + i]); });
      apply_recomputed(touched, begin, plans, delta, changed);
    }
    mv_cold_.flush();
    return changed;
  }

  // Applies the plans of touched[begin, begin + plans.size()) serially, in id order.
  // The objects it changes are handed to the metaverse's cold pass as they are applied: frozen
  // a batch at a time, so that a full sync never holds the whole metaverse plain, and only
  // those, so that a delta sync stays O(changes). The outbound passes thaw each once per item.
  void apply_recomputed(const std::vector<MvId>& touched, size_t begin, std::vector<MvPlan>& plans, bool delta,
                        std::vector<MvId>& changed) {
    for (size_t i = 0; i < plans.size(); ++i) {
      MvId id = touched[begin + i];
      MvPlan& p = plans[i];
      apply(p.deferred);
      bool modified = false;
      if (MvObject* mv = state_.mv(id)) {
        if (!p.held) {
          deleted_mv_.insert(id);
          ++counter("mv-deleted");
          modified = true;
        } else if (p.changed) {
          if (!p.join_hashed) state_.unindex_mv_attributes(*mv);
          forget_uncarried_checks(id, p.carried);
          if (!p.carried.empty()) carry_into(*mv, p);
          // The old set goes into the plan, freed in parallel below.
          p.replaced = std::move(mv->attributes);
          mv->attributes = std::move(p.attributes);
          if (p.join_hashed) {
            state_.rejoin_index(id, p.join_before, p.join_after);
          } else {
            state_.reindex_mv_attributes(*mv);
          }
          state_.mark_mv(id);
          mv_cold_.add(*mv);
          ++counter("mv-updated");
          modified = true;
        } else {
          // Carried without a change: the kept values were seen linked all the same.
          for (const CarriedRefs& c : p.carried)
            state_.link_checks().note(LinkChecks::Key{id, c.attr, space_.id, false}, c.checked_at);
        }
      }
      // An import into an object linked to this MV object may show that the directory no
      // longer holds what we exported (the import dropped those values from the escrow):
      // its pending export must be computed again even when the MV object did not change.
      if (modified || !delta || reimported_mv_.count(id)) changed.push_back(id);
    }
    // Freeing what the plans still hold (the objects' old attributes among it) is per-object
    // work like the rest: in parallel.
    parallel_each(plans.size(), [&](size_t i) { plans[i] = MvPlan{}; });
  }

  // Applies the carried attributes of `p` to `mv` in place (moving the long lists, never
  // copying them) and moves them into p.attributes; records the delta for the outbound pass.
  void carry_into(MvObject& mv, MvPlan& p) {
    MvRefDelta& delta = mv_deltas_[mv.id];
    // Plain already when a carried list is long (out of line); else thawed here, once.
    AttributeSet& attributes = mv.attributes.plain();
    for (CarriedRefs& c : p.carried) {
      note_carried_checks(mv.id, c);
      ValueList values = attributes.take(c.attr);
      MvRefDelta::Values d;
      d.attr = c.attr;
      size_t next = 0, kept = 0;
      for (size_t i = 0; i < values.size(); ++i) {
        if (next < c.removed_at.size() && c.removed_at[next] == i) {
          d.removed.push_back(std::move(values[i]));
          ++next;
          continue;
        }
        if (kept != i) values[kept] = std::move(values[i]);
        ++kept;
      }
      values.resize(kept);
      d.added = c.added;
      for (std::string& v : c.added) values.push_back(std::move(v));
      p.attributes.set(c.attr, std::move(values));
      delta.attrs.push_back(std::move(d));
    }
    delta.before = std::move(attributes);  // the carried attributes were taken out above
  }

  // The lists of `mv`'s attributes other than the carried ones may change any way: forget
  // when they were last seen linked.
  void forget_uncarried_checks(MvId mv, const std::vector<CarriedRefs>& carried) {
    std::vector<AttrId> forget;
    state_.link_checks().for_each(mv, [&](const LinkChecks::Key& k) {
      bool kept = std::any_of(carried.begin(), carried.end(), [&](const CarriedRefs& c) { return c.attr == k.attr; });
      if (!kept && (forget.empty() || forget.back() != k.attr)) forget.push_back(k.attr);
    });
    for (AttrId attr : forget) state_.link_checks().forget(mv, attr);
  }

  // A carried list becomes kept values (seen linked from this space at c.checked_at) plus
  // added ones (resolved through this space's links): note that. What a target's note said
  // holds now only for the kept values, so it moves to prior_outbound_ for carry_outbound of
  // this run, which checks the added values itself and notes the list again.
  void note_carried_checks(MvId mv, const CarriedRefs& c) {
    LinkChecks& checks = state_.link_checks();
    std::vector<LinkChecks::Key> keys;
    checks.for_each(mv, [&](const LinkChecks::Key& k) {
      if (k.attr == c.attr) keys.push_back(k);
    });
    for (const LinkChecks::Key& k : keys) {
      auto at = checks.take(k);
      if (k.outbound && at) prior_outbound_[k] = *at;
    }
    checks.note(LinkChecks::Key{mv, c.attr, space_.id, false}, c.checked_at);
  }

  // True when `a` and `b` hold the same attributes, leaving out the carried ones.
  static bool same_except(const AttributeSet& a, const AttributeSet& b, const std::vector<CarriedRefs>& carried) {
    auto skip = [&](AttrId id) {
      return std::any_of(carried.begin(), carried.end(), [&](const CarriedRefs& c) { return c.attr == id; });
    };
    auto x = a.items().begin(), y = b.items().begin();
    while (true) {
      while (x != a.items().end() && skip(x->id)) ++x;
      while (y != b.items().end() && skip(y->id)) ++y;
      if (x == a.items().end() || y == b.items().end()) return x == a.items().end() && y == b.items().end();
      if (x->id != y->id || !(x->values == y->values)) return false;
      ++x;
      ++y;
    }
  }

  // A reference flow whose evaluation waits until it is known whether it can be carried.
  struct HeldFlow {
    CsObject* cs;
    const AttributeSet* hologram;  // cs's, thawed for this plan
    ConnectorSpace* space;
    const CompiledRule* rule;
    const CompiledFlow* flow;
    size_t slot;  // its place in the object's ContributionList
    std::vector<const CompiledRule*> rules;  // the source's rules in scope now
  };

  // A Direct flow of a multi-valued reference into the metaverse or out of it, taken as it is:
  // the only kind whose result maps value by value onto its source's values.
  static bool carriable(const CompiledFlow& f) {
    return f.type == FlowType::kDirect && f.direct_source != kDnAttr && f.destination_type == AttrType::kReference &&
           f.destination_multi && (f.merge == MergeType::kUpdate || f.merge == MergeType::kReplace) && !f.execute_once;
  }

  // The outcome of an inbound flow, with references mapped to metaverse ids; nullopt after an
  // error (recorded in `d`).
  // `hologram`: cs's, thawed once for all its flows.
  std::optional<FlowOutcome> inbound_outcome(CsObject& cs, const AttributeSet& hologram, ConnectorSpace& space,
                                             const CompiledRule& r, const CompiledFlow& f, Deferred& d) {
    if (f.type == FlowType::kDirect && f.direct_source != kDnAttr && f.destination_type == AttrType::kReference) {
      // What evaluate_flow gives for a Direct flow, without copying every member DN first.
      FlowOutcome out;
      const ValuesView dns = hologram.get(f.direct_source);
      if (!dns) return out;  // NULL: contributes nothing
      ValueList first;
      if (!f.destination_multi && dns.size() > 1) first.emplace_back(dns.front());
      const ValuesView source = first.empty() ? dns : ValuesView(first);
      resolved_ += source.size();
      if (!to_mv_refs(space, source, out.values)) {
        cs.unresolved_refs = true;
        d.marks.push_back(&cs);
      }
      out.kind = out.values.empty() ? FlowOutcome::kNull : FlowOutcome::kValues;
      return out;
    }
    auto outcome = evaluate_flow(r, f, hologram, cs.dn);
    if (!outcome.ok()) {
      flow_error(cs, r, f, outcome.status(), d);
      return std::nullopt;
    }
    if (f.destination_type == AttrType::kReference && outcome->kind == FlowOutcome::kValues) {
      resolved_ += outcome->values.size();
      if (!to_mv_refs(space, outcome->values)) {
        cs.unresolved_refs = true;
        d.marks.push_back(&cs);
      }
      if (outcome->values.empty()) outcome->kind = FlowOutcome::kNull;
    }
    return std::move(outcome).value();
  }

  // Read-only but for flags of the CS objects linked to `id` (no other work item's).
  MvPlan recompute_mv(MvId id) {
    MvPlan plan;
    const MvObject* object = state_.mv(id);
    if (object == nullptr) {
      plan.held = true;
      return plan;
    }
    const MvView view(*object);  // its attributes thawed once for the whole plan
    const MvView* mv = &view;
    ContributionList contributions;
    contributions.reserve(32);
    std::vector<HeldFlow> held;
    const std::vector<std::pair<ConnectorId, CsId>>& links = state_.links(id);
    size_t sources_changed = 0;  // linked objects whose import was applied this run
    // The linked objects' holograms, each thawed once for all its rules and flows; reserved so
    // that the held flows' pointers stay valid.
    std::vector<AttributeSet> thawed;
    thawed.reserve(links.size());
    for (const auto& [connector_id, cs_id] : links) {
      ConnectorSpace* space = state_.space(connector_id);
      CsObject* cs = space ? space->find(cs_id) : nullptr;
      if (cs == nullptr) continue;
      if (cs->connector == space_.id && applied_.count(cs_id)) ++sources_changed;
      const AttributeSet& hologram = cs->hologram.cold() ? thawed.emplace_back(cs->hologram.thaw()) : *cs->hologram.if_plain();
      auto rules = inbound_rules_in_scope(*cs, hologram, &mv->object_type);
      bool may_carry = carry_allowed_ && previous_hologram_.count(cs_id) != 0;
      for (const CompiledRule* r : rules) {
        if (!cs->provisioned && (r->def.link_type == LinkType::kProvision || r->def.link_type == LinkType::kStickyJoin))
          plan.held = true;
        for (const CompiledFlow& f : r->flows) {
          if (may_carry && carriable(f)) {
            held.push_back(HeldFlow{cs, &hologram, space, r, &f, contributions.size(), rules});
            contributions.push_back(AttrContribution{
                f.destination, false,
                Contribution{r->def.precedence, r->order, cs_id, f.merge, FlowOutcome{}, f.execute_once}});
            continue;
          }
          auto outcome = inbound_outcome(*cs, hologram, *space, *r, f, plan.deferred);
          if (!outcome) continue;
          contributions.push_back(AttrContribution{
              f.destination, false,
              Contribution{r->def.precedence, r->order, cs_id, f.merge, std::move(*outcome), f.execute_once}});
        }
      }
      if (cs->state == ConnectorState::kExplicitConnector && !cs->provisioned) plan.held = true;
    }
    if (!plan.held) return plan;
    for (HeldFlow& h : held) {
      if (contributions[h.slot].dropped) continue;  // its attribute was carried already
      if (live_count(contributions, h.flow->destination) == 1 && sources_changed == 1 && carry_inbound(*mv, h, plan)) {
        drop(contributions, h.flow->destination);
        continue;
      }
      auto outcome = inbound_outcome(*h.cs, *h.hologram, *h.space, *h.rule, *h.flow, plan.deferred);
      contributions[h.slot].c.outcome = outcome ? std::move(*outcome) : FlowOutcome{};
    }
    AttributeSet::Builder attributes;  // packed once, not once per attribute
    for_each_attribute(contributions, [&](AttrId attr, ContributionRange list) {
      auto values = resolve(list, mv->attributes.get(attr));
      if (values && !values->empty()) attributes.add(attr, std::move(*values));
    });
    plan.attributes = attributes.finish();
    bool carried_change = std::any_of(plan.carried.begin(), plan.carried.end(), [](const CarriedRefs& c) {
      return !c.removed_at.empty() || !c.added.empty();
    });
    plan.changed = carried_change || !same_except(plan.attributes, mv->attributes, plan.carried);
    if (!plan.changed) plan.attributes.clear();
    auto carried_join = [&](const CarriedRefs& c) { return state_.is_join_attribute(c.attr); };
    if (plan.changed && std::none_of(plan.carried.begin(), plan.carried.end(), carried_join)) {
      plan.join_hashed = true;
      state_.join_hashes(mv->attributes, plan.join_before);
      state_.join_hashes(plan.attributes, plan.join_after);
    }
    return plan;
  }

  // The new values of `h`'s destination = its old values with the source's removed values
  // taken out and its added values resolved and appended — when the old values are known to
  // be exactly the old source values resolved one to one: the source is the attribute's only
  // contributor, it stayed linked and in the same rules' scope, none of its references was
  // unresolved, and the counts agree. Otherwise false: the flow is evaluated in full.
  bool carry_inbound(const MvView& mv, const HeldFlow& h, MvPlan& plan) {
    const CsObject& cs = *h.cs;
    if (had_unresolved_.count(cs.id) || relinked_mv_.count(mv.id)) return false;
    AttributeSet scratch;
    const AttributeSet& before = previous_hologram_.at(cs.id).view(scratch);
    if (inbound_rules_in_scope(cs, before, &mv.object_type) != h.rules) return false;
    const ValuesView from = before.get(h.flow->direct_source);
    const ValuesView to = h.hologram->get(h.flow->direct_source);
    const ValuesView current = mv.attributes.get(h.flow->destination);
    if (current.size() != from.size()) return false;
    CarriedRefs c;
    c.attr = h.flow->destination;
    // new = old without some values, then some appended (how a delta import applies a
    // modify); an insertion elsewhere shows as a removal and a re-add, still exact.
    std::vector<size_t> removed;
    size_t j = 0;
    for (size_t i = 0; i < from.size(); ++i) {
      if (j < to.size() && from[i] == to[j]) {
        ++j;
      } else {
        removed.push_back(i);
      }
    }
    for (size_t k = j; k < to.size(); ++k) {
      CsObject* target = h.space->find_by_dn(to[k]);
      if (target == nullptr || target->mv == 0) return false;  // unresolved: the full path marks it
      c.added.push_back(mv_ref(target->mv));
    }
    // The values kept must still resolve as they did: a member deleted or disconnected (in
    // this run or since the group last changed) no longer does. A full evaluation drops it
    // and marks the source as holding an unresolved reference; so does the carry, as one more
    // value delete — the group's other members stay carried. One id parse and one link lookup
    // per kept value; no DN is normalized or looked up again.
    bool dropped = false;
    // Nothing unlinked since every value of the list was last seen linked: they all still are.
    // Some objects unlinked since: only the values naming one of them need the lookup.
    const LinkChecks::Key key{mv.id, c.attr, space_.id, false};
    c.checked_at = state_.link_checks().generation();
    if (current && state_.link_checks().still_linked(key)) {
      c.removed_at = removed;
    } else if (current) {
      std::optional<UnlinkedIds> suspects = unlinked_since(key, current.size());
      size_t next = 0, looked_up = 0;
      for (size_t i = 0; i < current.size(); ++i) {
        if (next < removed.size() && removed[next] == i) {
          c.removed_at.push_back(i);
          ++next;
          continue;
        }
        const std::string_view value = current[i];
        if (suspects && !suspects->suspect(ref_id(value))) continue;
        ++looked_up;
        if (!linked_from(value, space_.id)) {
          // Its source DN (the same position: the counts agree) may now name an object linked
          // to another metaverse object (a delete-add this run): a full evaluation maps it there.
          ++resolved_;
          const CsObject* now = h.space->find_by_dn(from[i]);
          if (now != nullptr && now->mv != 0) return false;
          c.removed_at.push_back(i);
          dropped = true;
        }
      }
      checked_ += looked_up;
    }
    if (dropped) {
      h.cs->unresolved_refs = true;
      plan.deferred.marks.push_back(h.cs);
    }
    resolved_ += c.added.size();
    carried_ += from.size() - c.removed_at.size();
    plan.carried.push_back(std::move(c));
    return true;
  }

  void flow_error(CsObject& cs, const CompiledRule& r, const CompiledFlow& f, const Status& s, Deferred& d) {
    std::string message = s.message();
    std::string type = expr::error_kind(message);
    std::string text = "rule '" + r.def.name + "', flow to '" + f.destination_name + "': " + message;
    cs.error = text;
    d.marks.push_back(&cs);
    ++d.sync_errors;
    d.errors.push_back({cs.dn.str(), type, text});
  }

  // ---- pass 3: outbound ----

  std::vector<const CompiledRule*> outbound_rules(const MvView& mv, ConnectorId target) {
    return outbound_rules(mv.attributes, mv.object_type, target);
  }

  std::vector<const CompiledRule*> outbound_rules(const AttributeSet& attributes, std::string_view mv_type,
                                                  ConnectorId target) {
    std::vector<const CompiledRule*> out;
    for (const CompiledRule& r : state_.rules()) {
      if (r.def.disabled || r.def.direction != Direction::kOutbound || r.connector != target) continue;
      if (!iequals(r.def.source_object_type, mv_type)) continue;
      if (in_scope(r, attributes)) out.push_back(&r);
    }
    sort_by_precedence(out);
    return out;
  }

  // The target connectors of outbound rules for an MV object type, sorted (serial only: the
  // outbound passes look them up when they build their item list).
  const std::vector<ConnectorId>& outbound_targets(std::string_view mv_type) {
    std::string key = to_lower_ascii(mv_type);
    auto it = outbound_targets_.find(key);
    if (it != outbound_targets_.end()) return it->second;
    std::set<ConnectorId> out;
    for (const CompiledRule& r : state_.rules())
      if (!r.def.disabled && r.def.direction == Direction::kOutbound && iequals(r.def.source_object_type, mv_type))
        out.insert(r.connector);
    return outbound_targets_[key] = std::vector<ConnectorId>(out.begin(), out.end());
  }

  CsObject* linked_in(MvId mv, ConnectorSpace& target) {
    for (const auto& [connector, cs] : state_.links(mv))
      if (connector == target.id) return target.find(cs);
    return nullptr;
  }

  struct Desired {
    bool has_dn = false;
    std::string dn;
    std::vector<std::pair<AttrId, std::optional<ValueList>>> attrs;  // by attribute id; nullopt = remove
    std::string object_type;
    // Reference attributes carried value by value: the target DNs the metaverse change
    // removes and adds; plan_export folds them into the pending export it already holds.
    struct Carried {
      ValueList removed, added;
    };
    std::map<AttrId, Carried> carried;
  };

  // The outcome of an outbound flow, references mapped to DNs in `target`; sets `unresolved`
  // when one has no object there yet. nullopt after an error (recorded in `d`).
  std::optional<FlowOutcome> outbound_outcome(const MvView& mv, ConnectorSpace& target, const CompiledRule& r,
                                              const CompiledFlow& f, CsObject* existing, bool& unresolved,
                                              Deferred& d) {
    auto outcome = outbound_evaluate(mv, r, f, existing, d);
    if (outcome) map_to_target(target, f, *outcome, unresolved);
    return outcome;
  }

  // The outcome of an outbound flow as the expression gives it (references still "#id"): it
  // depends only on the metaverse object's attributes and the rule. nullopt after an error
  // (recorded in `d`).
  static std::optional<FlowOutcome> outbound_evaluate(const MvView& mv, const CompiledRule& r, const CompiledFlow& f,
                                                      const CsObject* existing, Deferred& d) {
    auto outcome = evaluate_flow(r, f, mv.attributes);
    if (!outcome.ok()) {
      std::string message = "rule '" + r.def.name + "', flow to '" + f.destination_name + "' for metaverse object " +
                            std::to_string(mv.id) + ": " + outcome.status().message();
      ++d.sync_errors;
      d.errors.push_back(
          {existing ? existing->dn.str() : "#" + std::to_string(mv.id), expr::error_kind(outcome.status().message()), message});
      return std::nullopt;
    }
    return std::move(outcome).value();
  }

  // Maps the references of an outbound flow's outcome to DNs in `target`; sets `unresolved`
  // when one has no object there yet.
  void map_to_target(ConnectorSpace& target, const CompiledFlow& f, FlowOutcome& outcome, bool& unresolved) {
    if (f.destination == kDnAttr || f.destination_type != AttrType::kReference || outcome.kind != FlowOutcome::kValues)
      return;
    resolved_ += outcome.values.size();
    ValueList dns;
    dns.reserve(outcome.values.size());
    const ValueList& refs = outcome.values;
    // In batches whose memory reads overlap, as find_many_by_dn does for the inbound side:
    // the link list, the CS object and its DN text of each reference are prefetched in rounds
    // (hints only: the answers are ref_target's).
    constexpr size_t kBatch = 16;
    for (size_t begin = 0; begin < refs.size(); begin += kBatch) {
      const size_t n = std::min(kBatch, refs.size() - begin);
      if (n > 1) {
        MvId ids[kBatch];
        for (size_t i = 0; i < n; ++i) {
          ids[i] = ref_id(refs[begin + i]);
          if (ids[i] != 0) __builtin_prefetch(state_.links(ids[i]).data());
        }
        const CsObject* found[kBatch];
        for (size_t i = 0; i < n; ++i) {
          found[i] = ids[i] == 0 ? nullptr : linked_in(ids[i], target);
          if (found[i] != nullptr) __builtin_prefetch(found[i]);
        }
        for (size_t i = 0; i < n; ++i)
          if (found[i] != nullptr) __builtin_prefetch(found[i]->dn.data());
      }
      for (size_t i = begin; i < begin + n; ++i) {
        if (CsObject* t = ref_target(refs[i], target)) {
          dns.emplace_back(t->dn);
        } else {
          unresolved = true;
        }
      }
    }
    outcome.values = std::move(dns);
  }

  // The link pass's provisioning preview of an (MV object, target) pair: the DN and object
  // type the object would be created with. It evaluates every flow as computing the whole
  // desired state would (an error in any flow stops the provisioning and is recorded), and
  // keeps the outcomes before references are mapped (`raw`, in rule and flow order): they
  // depend only on the MV object's attributes and the rules, which linking leaves as they
  // are, so the plan pass maps and diffs them instead of evaluating every flow again.
  // Read-only; errors go to `d`.
  static bool preview_provisioning(const MvView& mv, const std::vector<const CompiledRule*>& rules, Desired& out,
                                   std::vector<FlowOutcome>& raw, Deferred& d) {
    size_t flows = 0;
    for (const CompiledRule* r : rules) flows += r->flows.size();
    raw.reserve(flows);
    for (const CompiledRule* r : rules) {
      if (out.object_type.empty()) out.object_type = r->def.target_object_type;
      for (const CompiledFlow& f : r->flows) {
        auto outcome = outbound_evaluate(mv, *r, f, nullptr, d);
        if (!outcome) {
          raw.clear();
          return false;
        }
        if (f.destination == kDnAttr && outcome->kind == FlowOutcome::kValues && !outcome->values.empty() &&
            !out.has_dn) {
          out.has_dn = true;
          out.dn = outcome->values.front();
        }
        raw.push_back(std::move(*outcome));
      }
    }
    return true;
  }

  CsObject* ref_target(std::string_view ref, ConnectorSpace& target) {
    MvId id = ref_id(ref);
    return id == 0 ? nullptr : linked_in(id, target);
  }

  // The metaverse id of a reference value ("#id"); 0 when it is not one.
  static MvId ref_id(std::string_view ref) {
    MvId id = 0;
    if (ref.size() < 2 || ref[0] != kMvRefPrefix[0]) return 0;
    auto [end, ec] = std::from_chars(ref.data() + 1, ref.data() + ref.size(), id);
    return ec == std::errc() && end == ref.data() + ref.size() ? id : 0;
  }

  // The objects unlinked from `key`'s connector since its note: the kept values naming none of
  // them are still linked (sync/link_checks.h). nullopt (check every value) without a note, when
  // the log no longer reaches it, or when so much was unlinked that the lookups cost as much.
  // Sorting the values out costs a log entry per unlink since and a bit per id: not worth it
  // for a short list, nor when the unlinks since are many for the list's size.
  std::optional<UnlinkedIds> unlinked_since(const LinkChecks::Key& key, size_t list_size) const {
    std::optional<uint64_t> at = state_.link_checks().noted_at(key);
    return at ? unlinked_since(key.connector, *at, list_size) : std::nullopt;
  }
  std::optional<UnlinkedIds> unlinked_since(ConnectorId connector, uint64_t at, size_t list_size) const {
    if (list_size < kSavedLinkCheckMinValues) return std::nullopt;
    std::vector<MvId> ids;
    if (!state_.link_checks().unlinked_after(connector, at, ids, LinkChecks::max_unlinks_for(list_size)))
      return std::nullopt;
    return UnlinkedIds(ids);
  }

  // True when the metaverse object `ref` names is still linked to an object of `connector`.
  bool linked_from(std::string_view ref, ConnectorId connector) const {
    MvId id = ref_id(ref);
    if (id == 0) return false;
    for (const auto& [c, cs] : state_.links(id))
      if (c == connector) return true;
    return false;
  }

  // Read-only but for `existing`'s unresolved flag (existing is linked to `mv`: no other
  // work item's); errors go to `d`.
  // `raw`, when not null, holds the outcomes preview_provisioning evaluated for these rules:
  // they are taken (moved) in place of evaluating the flows again.
  // `sets`: existing's sets (thawed on use), null when existing is.
  bool compute_desired(const MvView& mv, ConnectorSpace& target, const std::vector<const CompiledRule*>& rules,
                       Desired& out, CsObject* existing, CsSetsView* sets, Deferred& d,
                       std::vector<FlowOutcome>* raw = nullptr) {
    ContributionList contributions;
    contributions.reserve(32);
    struct Held {
      const CompiledRule* rule;
      const CompiledFlow* flow;
      size_t slot;
      size_t index;  // the flow's place in rule and flow order (in `raw`)
    };
    std::vector<Held> held;
    bool may_carry = carry_allowed_ && existing != nullptr && mv_deltas_.count(mv.id) != 0;
    bool unresolved = false;
    // The outcome of the flow at `index` in rule and flow order: the preview's, or evaluated now.
    auto outcome_of = [&](const CompiledRule& r, const CompiledFlow& f, size_t index) -> std::optional<FlowOutcome> {
      if (raw == nullptr) return outbound_outcome(mv, target, r, f, existing, unresolved, d);
      FlowOutcome outcome = std::move((*raw)[index]);
      map_to_target(target, f, outcome, unresolved);
      return outcome;
    };
    size_t index = 0;
    for (const CompiledRule* r : rules) {
      if (out.object_type.empty()) out.object_type = r->def.target_object_type;
      for (const CompiledFlow& f : r->flows) {
        const size_t at = index++;
        if (may_carry && f.destination != kDnAttr && carriable(f)) {
          held.push_back(Held{r, &f, contributions.size(), at});
          contributions.push_back(AttrContribution{
              f.destination, false, Contribution{r->def.precedence, r->order, 0, f.merge, FlowOutcome{}, f.execute_once}});
          continue;
        }
        auto outcome = outcome_of(*r, f, at);
        if (!outcome) return false;
        if (f.destination == kDnAttr) {
          if (outcome->kind == FlowOutcome::kValues && !outcome->values.empty() && !out.has_dn) {
            out.has_dn = true;
            out.dn = outcome->values.front();
          }
          continue;
        }
        contributions.push_back(AttrContribution{
            f.destination, false,
            Contribution{r->def.precedence, r->order, 0, f.merge, std::move(*outcome), f.execute_once}});
      }
    }
    for (const Held& h : held) {
      if (contributions[h.slot].dropped) continue;  // its attribute was carried already
      Desired::Carried carried;
      if (live_count(contributions, h.flow->destination) == 1 &&
          carry_outbound(mv, target, *existing, *sets, *h.flow, rules, carried, d)) {
        out.carried[h.flow->destination] = std::move(carried);
        drop(contributions, h.flow->destination);
        continue;
      }
      auto outcome = outcome_of(*h.rule, *h.flow, h.index);
      if (!outcome) return false;
      contributions[h.slot].c.outcome = std::move(*outcome);
    }
    out.attrs.reserve(contributions.size());
    const AttributeSet* hologram = sets != nullptr ? &sets->hologram() : nullptr;
    for_each_attribute(contributions, [&](AttrId attr, ContributionRange list) {
      bool all_ignore = true;
      for (size_t i = 0; i < list.size(); ++i) all_ignore = all_ignore && list[i].outcome.kind == FlowOutcome::kIgnore;
      if (all_ignore) return;  // IgnoreThisFlow: neither sets nor removes
      const ValuesView current = hologram ? hologram->get(attr) : ValuesView();
      auto values = resolve(list, current);
      if (values && values->empty()) values.reset();
      out.attrs.emplace_back(attr, std::move(values));
    });
    if (unresolved && existing != nullptr) {
      existing->unresolved_refs = true;
      d.marks.push_back(existing);
    }
    return true;
  }

  // The target side of a carried reference attribute: when `o`'s pending export was last
  // computed against what the directory is believed to hold now (no import since, not linked
  // this run, the same rules in scope) and the counts agree, the metaverse change maps onto
  // a value-level change of that pending export (plan_export folds it in). Otherwise false:
  // the flow is evaluated and diffed in full.
  bool carry_outbound(const MvView& mv, ConnectorSpace& target, const CsObject& o, CsSetsView& sets,
                      const CompiledFlow& f,
                      const std::vector<const CompiledRule*>& rules, Desired::Carried& out, Deferred& d) {
    const MvRefDelta& delta = mv_deltas_.at(mv.id);
    const MvRefDelta::Values* values = nullptr;
    for (const MvRefDelta::Values& v : delta.attrs)
      if (v.attr == f.direct_source) values = &v;
    if (values == nullptr) return false;
    // An import applied to `o` itself this run (the synchronized space is also the target)
    // changed what the directory is believed to hold: diff in full.
    if (applied_.count(o.id) || relinked_mv_.count(mv.id) || linked_this_run_.count(o.id)) return false;
    if (o.pending_import != PendingImportKind::kNone) return false;
    if (o.pending_export.kind != PendingExportKind::kNone && o.pending_export.kind != PendingExportKind::kUpdate)
      return false;
    if (!state_.attrs().info(f.destination).multi_valued) return false;
    if (imported_state(o).empty() && o.unconfirmed.empty() && o.provisioned) return false;  // never exported
    // The same outbound rules were in scope before this run's change: no scoping reads a
    // carried attribute, and scoping over the attributes before gives the same rules.
    for (const CompiledRule& r : state_.rules()) {
      if (r.def.direction != Direction::kOutbound || r.connector != target.id) continue;
      for (const auto& group : r.scope)
        for (const CompiledScopeCondition& c : group)
          for (const MvRefDelta::Values& v : delta.attrs)
            if (c.attr == v.attr) return false;
    }
    if (outbound_rules(delta.before, mv.object_type, target.id) != rules) return false;
    size_t adds = 0, deletes = 0;
    for (const PendingChange c : sets.pending_changes()) {
      if (c.id != f.destination) continue;
      if (c.op == ValueOp::kReplace) return false;
      (c.op == ValueOp::kAdd ? adds : deletes) += c.values.size();
    }
    ValuesView believed = sets.unconfirmed().get(f.destination);
    if (!believed) believed = sets.imported().get(f.destination);
    const ValuesView now = mv.attributes.get(f.direct_source);
    size_t before_count = now.size() + values->removed.size() - values->added.size();
    // The values kept must still have their object in the target (not deprovisioned or
    // disconnected since): one id parse and one link lookup each — unless nothing was unlinked
    // since every value of the list before this run's change was seen linked in the target.
    const LinkChecks::Key key{mv.id, f.direct_source, target.id, true};
    const uint64_t generation = state_.link_checks().generation();
    auto prior = prior_outbound_.find(key);
    bool still_linked = prior != prior_outbound_.end() && prior->second == generation;
    if (now && !still_linked) {
      std::optional<UnlinkedIds> suspects;
      if (prior != prior_outbound_.end()) suspects = unlinked_since(target.id, prior->second, now.size());
      size_t looked_up = 0;
      for (size_t i = 0; i + values->added.size() < now.size(); ++i) {
        if (suspects && !suspects->suspect(ref_id(now[i]))) continue;
        ++looked_up;
        if (ref_target(now[i], target) == nullptr) {
          checked_ += looked_up;
          return false;
        }
      }
      checked_ += looked_up;
    }
    if (believed.size() + adds != before_count + deletes) return false;
    for (const std::string& ref : values->removed) {
      CsObject* t = ref_target(ref, target);
      if (t == nullptr) return false;
      out.removed.emplace_back(t->dn);
    }
    for (const std::string& ref : values->added) {
      CsObject* t = ref_target(ref, target);
      if (t == nullptr) return false;  // unresolved: the full path marks it
      out.added.emplace_back(t->dn);
    }
    resolved_ += out.removed.size() + out.added.size();
    carried_ += before_count - values->removed.size();
    d.linked_lists.emplace_back(key, generation);
    return true;
  }

  // Disconnectors of `target` by the value of one attribute, built once per run on first use.
  using ValueIndex = std::unordered_map<std::string, std::vector<CsId>>;
  ValueIndex& disconnector_index(ConnectorSpace& target, AttrId attr, bool case_sensitive) {
    auto key = std::make_tuple(target.id, attr, case_sensitive);
    auto it = disconnector_index_.find(key);
    if (it != disconnector_index_.end()) return it->second;
    ValueIndex& index = disconnector_index_[key];
    for (CsId cs_id : target.disconnectors) {
      const CsObject* found = target.find(cs_id);
      if (found == nullptr) continue;
      const CsObject& cs = *found;
      if (cs.mv != 0 || cs.placeholder) continue;
      AttributeSet scratch;
      if (const ValuesView values = imported_state(cs).view(scratch).get(attr))
        index[join_key(0, values.front(), case_sensitive)].push_back(cs_id);
    }
    for (auto& [value, ids] : index) std::sort(ids.begin(), ids.end());
    return index;
  }

  // Outbound join: a target object no metaverse object holds yet whose join attributes equal
  // the metaverse object's. The first group with exactly one match wins.
  CsObject* outbound_join(const MvObject& mv, ConnectorSpace& target, const std::vector<const CompiledRule*>& rules) {
    std::optional<MvView> view;  // its attributes, thawed on the first value read
    for (const CompiledRule* r : rules) {
      for (const auto& group : r->joins) {
        std::optional<std::vector<CsId>> candidates;
        for (const CompiledJoinCondition& c : group) {
          std::vector<CsId> matches;
          // Built already and empty (a target provisioned into from empty): nothing can match,
          // so the metaverse object's value need not even be read.
          auto built = disconnector_index_.find(std::make_tuple(target.id, c.cs_attr, c.case_sensitive));
          const bool none = built != disconnector_index_.end() && built->second.empty();
          const ValuesView mv_values = none ? ValuesView() : (view ? *view : view.emplace(mv)).attributes.get(c.mv_attr);
          if (mv_values) {
            ValueIndex& index = disconnector_index(target, c.cs_attr, c.case_sensitive);
            // No disconnector holds the attribute (a target provisioned into from empty): no
            // key to build. Else the key goes into a reused buffer (this part is serial).
            if (!index.empty()) {
              join_key_into(0, mv_values.front(), c.case_sensitive, join_key_buffer_);
              auto hit = index.find(join_key_buffer_);
              if (hit != index.end()) matches = hit->second;
            }
          }
          if (candidates) {
            std::vector<CsId> both;
            std::set_intersection(candidates->begin(), candidates->end(), matches.begin(), matches.end(),
                                  std::back_inserter(both));
            matches = std::move(both);
          }
          candidates = std::move(matches);
        }
        if (!candidates) continue;
        std::vector<CsObject*> live;
        for (CsId id : *candidates)
          if (CsObject* cs = target.find(id); cs != nullptr && cs->mv == 0) live.push_back(cs);
        if (live.size() == 1) return live.front();
      }
    }
    return nullptr;
  }

  // One (MV object, target connector) pair of the outbound passes: what the link pass hands
  // on to the plan pass. Kept small: there is one per MV object and target for the whole run.
  struct OutboundItem {
    MvId mv = 0;
    ConnectorSpace* target = nullptr;
    bool preview_ok = false;  // the provisioning preview evaluated every flow without an error
    std::vector<const CompiledRule*> rules;  // the outbound rules in scope (both passes)
    // The preview's flow outcomes, references unmapped: the plan pass takes them (see
    // preview_provisioning) instead of evaluating the flows again. Packed: they wait for every
    // item of the run to be linked (issue 5).
    PackedOutcomes raw;
  };

  // What the link pass works out for one item and needs only until the item is linked: held
  // for one round of items at a time (kDefaultRecomputeChunk), not for every item of the run.
  struct LinkWork {
    CsObject* existing = nullptr;
    // The provisioning preview (DN and object type), computed in parallel.
    const CompiledRule* provision = nullptr;
    Desired preview;
    std::string preview_dn_key;  // dn_key(preview.dn), computed in parallel
    Deferred deferred;
  };

  std::vector<OutboundItem> outbound_items(const std::vector<MvId>& ids) {
    std::vector<OutboundItem> items;
    items.reserve(ids.size());
    // Runs of one object type are the rule: look its targets up once per run, not per object.
    const InternedName* type = nullptr;
    const std::vector<ConnectorId>* targets = nullptr;
    for (MvId id : ids) {
      const MvObject* mv = state_.mv(id);
      if (mv == nullptr) continue;
      if (type == nullptr || !iequals(*type, mv->object_type)) {
        type = &mv->object_type;
        targets = &outbound_targets(mv->object_type);
      }
      for (ConnectorId target_id : *targets) {
        ConnectorSpace* target = state_.space(target_id);
        if (target == nullptr) continue;
        OutboundItem& item = items.emplace_back();
        item.mv = id;
        item.target = target;
      }
    }
    return items;
  }

  // Provision / join / deprovision. Scoping and the provisioning DN are computed in
  // parallel (they read only the MV object); linking is serial, in MV id order.
  // In rounds of a fixed number of items (the recompute chunk): a round's parallel part reads
  // only its items' own MV objects and links, which linking the rounds before does not change
  // (each item links only its own MV object in its own target), so the result is that of one
  // round for all, while only one round of previews and scratch is held at a time.
  void link_pass(std::vector<OutboundItem>& items) {
    const size_t chunk = recompute_chunk.load(std::memory_order_relaxed);
    std::vector<LinkWork> work;
    for (size_t begin = 0; begin < items.size(); begin += chunk) {
      const size_t count = std::min(chunk, items.size() - begin);
      work.clear();
      work.resize(count);
      parallel_each(count, [&](size_t k) {
        OutboundItem& it = items[begin + k];
        LinkWork& w = work[k];
        const MvView mv(*state_.mv(it.mv));  // thawed once for scoping and the preview
        it.rules = outbound_rules(mv, it.target->id);
        w.existing = linked_in(it.mv, *it.target);
        if (w.existing != nullptr || it.rules.empty()) return;
        for (const CompiledRule* r : it.rules)
          if (r->def.link_type == LinkType::kProvision) {
            w.provision = r;
            break;
          }
        if (w.provision == nullptr) return;
        std::vector<FlowOutcome> raw;
        it.preview_ok = preview_provisioning(mv, it.rules, w.preview, raw, w.deferred);
        if (it.preview_ok) it.raw = PackedOutcomes(raw);
        if (it.preview_ok && w.preview.has_dn && !w.preview.dn.empty()) dn_key_into(w.preview.dn, w.preview_dn_key);
      });
      // Each provisioning preview may add an object to its target's DN index: grow each index
      // once per round rather than step by step in the serial loop (it grows by doubling).
      std::map<ConnectorSpace*, size_t> may_provision;
      for (size_t k = 0; k < count; ++k)
        if (items[begin + k].preview_ok) ++may_provision[items[begin + k].target];
      for (const auto& [target, n] : may_provision) target->by_dn.reserve(target->by_dn.size() + n);
      for (size_t k = 0; k < count; ++k) link_to(*state_.mv(items[begin + k].mv), items[begin + k], work[k]);
    }
  }

  void link_to(MvObject& mv, const OutboundItem& it, LinkWork& w) {
    ConnectorSpace& target = *it.target;
    CsObject* existing = w.existing;
    if (it.rules.empty()) {
      if (existing != nullptr) deprovision(*existing, target);
      return;
    }
    if (existing != nullptr) {
      adopt(*existing, mv, it.rules);
      return;
    }
    bool any_join = std::any_of(it.rules.begin(), it.rules.end(), [](const CompiledRule* r) { return !r->joins.empty(); });
    if (any_join) existing = outbound_join(mv, target, it.rules);
    if (existing != nullptr) {
      state_.link(*existing, mv.id);
      adopt(*existing, mv, it.rules);
      linked_this_run_.insert(existing->id);
      ++counter("export-joined");
      return;
    }
    if (w.provision == nullptr) return;
    apply(w.deferred);
    if (!it.preview_ok) return;
    const Desired& desired = w.preview;
    if (!desired.has_dn || desired.dn.empty()) {
      ++counter("sync-error");
      record_error(result_, "#" + std::to_string(mv.id), "sync-rule-error-provisioning",
                   "rule '" + w.provision->def.name + "' provisions to connector '" + target.def.name +
                       "' but no flow sets 'dn'; add a flow to the destination 'dn'");
      return;
    }
    if (CsObject* same_dn = target.find_by_dn_key(w.preview_dn_key); same_dn != nullptr && same_dn->mv == 0) {
      // Reverse join by DN: the directory already has the object.
      state_.link(*same_dn, mv.id);
      adopt(*same_dn, mv, it.rules);
      linked_this_run_.insert(same_dn->id);
      ++counter("export-joined");
    } else if (same_dn != nullptr) {
      ++counter("sync-error");
      record_error(result_, desired.dn, "provisioning-dn-conflict",
                   "cannot provision metaverse object " + std::to_string(mv.id) + " to '" + target.def.name +
                       "': the DN is held by an object joined to metaverse object " + std::to_string(same_dn->mv));
    } else {
      CsObject& created = state_.new_cs_object(target);
      created.dn = std::move(w.preview.dn);
      created.object_type = std::move(w.preview.object_type);
      created.provisioned = true;
      target.index_with_key(created, w.preview_dn_key);
      state_.link(created, mv.id);
      linked_this_run_.insert(created.id);
      ++counter("provisioned");
    }
  }

  // An object an outbound Provision rule would have created, found in the directory and joined
  // instead (a rebuilt or staging server, a reverse join by DN), is that rule's as if it had
  // created it: when its MV object is deleted or leaves the rule's scope, the directory object
  // is deleted, as Entra Connect does with hard-matched cloud objects. Without this a server
  // rebuilt from the directories never deletes what a deleted source object left in a target.
  // Not an object that itself holds the MV object (an inbound Provision / StickyJoin rule in
  // scope: the connector is its source too), nor one an administrator pinned.
  void adopt(CsObject& o, const MvObject& mv, const std::vector<const CompiledRule*>& rules) {
    if (o.provisioned || o.state != ConnectorState::kNormal) return;
    if (std::none_of(rules.begin(), rules.end(), [](const CompiledRule* r) { return r->def.link_type == LinkType::kProvision; }))
      return;
    for (const CompiledRule* r : inbound_rules_in_scope(o, &mv.object_type))
      if (r->def.link_type == LinkType::kProvision || r->def.link_type == LinkType::kStickyJoin) return;
    o.provisioned = true;
    state_.mark_cs(o);
  }

  struct ExportPlan {
    CsObject* object = nullptr;
    ConnectorSpace* target = nullptr;
    bool update = false;        // the pending export changes
    PendingExport pending;
    std::optional<std::string> dn;  // the never-exported object takes the desired DN
    Deferred deferred;
  };

  // Pending exports, computed in parallel (each item writes only its own slot and its own
  // linked CS object's flags) and applied serially in MV id order. In rounds of the recompute
  // chunk, so that only one round of plans is held at a time (issue 5): a plan reads its own
  // CS object's pending export and other objects' DNs (mapping references), so the DN changes
  // of never-exported objects wait until every round is planned, as with one round for all.
  void plan_pass(std::vector<OutboundItem>& items) {
    stats_.outbound_planned = items.size();
    const size_t chunk = recompute_chunk.load(std::memory_order_relaxed);
    std::vector<ExportPlan> plans;
    struct Rename {
      CsObject* object;
      ConnectorSpace* target;
      std::string dn;
    };
    std::vector<Rename> renames;
    for (size_t begin = 0; begin < items.size(); begin += chunk) {
      const size_t count = std::min(chunk, items.size() - begin);
      plans.clear();
      plans.resize(count);
      parallel_each(count, [&](size_t k) {
        OutboundItem& it = items[begin + k];
        ExportPlan& plan = plans[k];
        ConnectorSpace& target = *it.target;
        const MvObject& object = *state_.mv(it.mv);
        CsObject* existing = linked_in(it.mv, target);
        // The item is done with here: its rules and raw outcomes move out and are freed.
        std::vector<FlowOutcome> raw;
        it.raw.unpack(raw);
        std::vector<const CompiledRule*> rules = std::move(it.rules);
        const bool previewed = it.preview_ok;
        it = OutboundItem{};
        if (existing == nullptr || rules.empty()) return;
        const MvView mv(object);  // thawed once for the desired state (only for an item that has one)
        Desired desired;
        CsSetsView sets(*existing);  // its cold sets thawed once, for the desired state and the diff
        if (compute_desired(mv, target, rules, desired, existing, &sets, plan.deferred, previewed ? &raw : nullptr))
          plan_export(*existing, sets, target, std::move(desired), plan);
      });
      freeze_planned(plans);
      for (ExportPlan& plan : plans) {
        apply(plan.deferred);
        if (plan.object != nullptr) {
          CsObject& o = *plan.object;
          if (plan.dn) renames.push_back({&o, plan.target, std::move(*plan.dn)});
          if (plan.update) {
            o.pending_export = std::move(plan.pending);
            state_.mark_cs(o);
            if (!o.pending_export.empty()) ++export_pending_counter(o.pending_export.kind);
          }
        }
        plan = ExportPlan{};
      }
    }
    for (Rename& r : renames) {
      CompactString old = std::move(r.object->dn);
      r.object->dn = std::move(r.dn);
      r.target->reindex(*r.object, r.object->anchor, old);
      state_.mark_cs(*r.object);
    }
  }

  // The round's new pending exports frozen in one parallel pass per target before they land
  // (sync/cold_pass.h), so that a full sync that provisions every object never holds all the
  // adds plain at once (issue 5). Only this round's plans: a delta sync stays O(changes).
  static void freeze_planned(std::vector<ExportPlan>& plans) {
    if (!cold_sets_enabled()) return;
    std::vector<std::pair<ConnectorSpace*, std::vector<ColdChanges*>>> by_target;  // one or two targets
    for (ExportPlan& plan : plans) {
      if (!plan.update || !plan.pending.changes.freezable()) continue;
      auto at = std::find_if(by_target.begin(), by_target.end(), [&](const auto& t) { return t.first == plan.target; });
      if (at == by_target.end()) at = by_target.insert(by_target.end(), {plan.target, {}});
      at->second.push_back(&plan.pending.changes);
    }
    for (auto& [target, changes] : by_target) freeze_pending_changes(*target, changes);
  }

  // The pending export = what the rules want minus what the directory is believed to hold
  // (the hologram overlaid with exports not yet confirmed). Read-only; the result goes to `plan`
  // (the values of `desired` move into it).
  void plan_export(CsObject& o, CsSetsView& sets, ConnectorSpace& target, Desired&& desired, ExportPlan& plan) {
    plan.object = &o;
    plan.target = &target;
    PendingExport pe;
    // What the directory holds as far as we know: the newest import (applied or still
    // pending), overlaid below with exports not yet confirmed.
    bool never_exported = imported_state(o).empty() && o.unconfirmed.empty() &&
                          (o.pending_export.kind == PendingExportKind::kAdd || o.provisioned);
    if (o.pending_export.kind == PendingExportKind::kDelete) return;  // deprovisioning wins
    // The changes are staged here and packed once into one block (model/pending_changes.h);
    // the builder's buffers are kept per thread from one object to the next.
    thread_local PendingChanges::Builder changes;
    changes.reset();
    if (never_exported) {
      pe.kind = PendingExportKind::kAdd;
      for (auto& [attr, values] : desired.attrs)
        if (values) changes.add(attr, ValueOp::kReplace, *values);
      if (desired.has_dn && desired.dn != o.dn) plan.dn = desired.dn;
    } else {
      for (auto& [attr, values] : desired.attrs) {
        ValuesView have = sets.unconfirmed().get(attr);
        if (!have) have = sets.imported().get(attr);
        const ValuesView want = values ? ValuesView(*values) : ValuesView();
        if (state_.attrs().info(attr).multi_valued) {
          if (have == want) continue;  // the usual case: nothing to diff
          // The adds, then the deletes, each staged value by value (no list in between).
          if (have.size() * want.size() <= 256) {
            // Short lists: a scan beats building two hash sets.
            stage_missing(changes, attr, ValueOp::kAdd, want, [&](std::string_view v) { return have.contains(v); });
            stage_missing(changes, attr, ValueOp::kDelete, have, [&](std::string_view v) { return want.contains(v); });
          } else {
            std::unordered_set<std::string_view> have_set(have.begin(), have.end()), want_set(want.begin(), want.end());
            stage_missing(changes, attr, ValueOp::kAdd, want, [&](std::string_view v) { return have_set.count(v) != 0; });
            stage_missing(changes, attr, ValueOp::kDelete, have, [&](std::string_view v) { return want_set.count(v) != 0; });
          }
        } else if (!(have == want)) {
          changes.add(attr, ValueOp::kReplace, want);
        }
      }
      for (const auto& [attr, carried] : desired.carried) fold_carried(sets.pending_changes(), attr, carried, changes);
      if (desired.has_dn && !same_dn_key(desired.dn, o.dn)) pe.new_dn = desired.dn;
      if (changes.size() != 0 || !pe.new_dn.empty()) pe.kind = PendingExportKind::kUpdate;
    }
    pe.changes = changes.finish();  // one exact block, kept until exported (then escrowed)
    // The same pending export as held: compared against the held changes as thawed once above.
    if (pe.kind == o.pending_export.kind && pe.new_dn == o.pending_export.new_dn &&
        *pe.changes.if_plain() == sets.pending_changes())
      return;
    plan.update = true;
    plan.pending = std::move(pe);
  }

  // Stages a change `op` of `attr` with the values of `from` that `present` does not find;
  // nothing when there are none.
  template <class Present>
  static void stage_missing(PendingChanges::Builder& changes, AttrId attr, ValueOp op, ValuesView from,
                            const Present& present) {
    bool started = false;
    for (std::string_view v : from) {
      if (present(v)) continue;
      if (!started) changes.start(attr, op);
      started = true;
      changes.value(v);
    }
  }

  // The pending export of a carried attribute: the one `o` holds with the metaverse change
  // applied value by value — a removed value an unexported add still holds cancels that add,
  // else it becomes a delete; an added value cancels a pending delete, else it becomes an add.
  // Staged in `changes` after what it holds of the attribute (the builder keeps that order
  // among the changes of one attribute).
  static void fold_carried(const PendingChanges& held, AttrId attr, const Desired::Carried& carried,
                           PendingChanges::Builder& changes) {
    ValuesView adds, deletes;
    for (size_t i = held.find(attr); i < held.size(); ++i) {
      const PendingChange c = held[i];
      if (c.id != attr) break;
      (c.op == ValueOp::kAdd ? adds : deletes) = c.values;
    }
    // A value removed and added again (an insertion the positional diff saw as both) is no change.
    std::unordered_map<std::string_view, int> net;
    for (const std::string& v : carried.removed) --net[v];
    for (const std::string& v : carried.added) ++net[v];
    std::unordered_set<std::string_view> in_adds(adds.begin(), adds.end()), in_deletes(deletes.begin(), deletes.end());
    bool started = false;
    auto stage = [&](ValueOp op, std::string_view v) {
      if (!started) changes.start(attr, op);
      started = true;
      changes.value(v);
    };
    // The add first, then the delete, as the diff of an attribute stages them.
    for (std::string_view v : adds)
      if (net[v] >= 0) stage(ValueOp::kAdd, v);
    for (const std::string& v : carried.added)
      if (net[v] > 0 && !in_deletes.count(v)) stage(ValueOp::kAdd, v);
    started = false;
    for (std::string_view v : deletes)
      if (net[v] <= 0) stage(ValueOp::kDelete, v);
    for (const std::string& v : carried.removed)
      if (net[v] < 0 && !in_adds.count(v)) stage(ValueOp::kDelete, v);
  }

  void deprovision(CsObject& o, ConnectorSpace& target) {
    if (o.provisioned) {
      if (o.pending_export.kind == PendingExportKind::kAdd && imported_state(o).empty() && o.unconfirmed.empty()) {
        // Never exported: nothing to delete in the directory.
        state_.remove_cs(target, o.id);
        ++counter("deprovisioned");
        return;
      }
      o.pending_export = PendingExport{.kind = PendingExportKind::kDelete};
      state_.unlink(o);
      state_.mark_cs(o);
      ++counter("deprovisioned");
    } else {
      state_.unlink(o);
      ++counter("disconnected");
    }
  }

  void deprovision_all(MvId id) {
    std::vector<std::pair<ConnectorId, CsId>> links = state_.links(id);
    for (const auto& [connector, cs_id] : links) {
      ConnectorSpace* space = state_.space(connector);
      CsObject* cs = space ? space->find(cs_id) : nullptr;
      if (cs != nullptr) deprovision(*cs, *space);
    }
    state_.remove_mv(id);
  }

  SyncState& state_;
  MvColdBatch mv_cold_{state_};  // the MV objects the recompute pass changed, frozen in batches
  ConnectorSpace& space_;
  StepResult& result_;
  const ProgressCallback& progress_;
  std::optional<AttrId> member_attr_;
  IdSet touched_mv_;
  // Value-level carry of reference attributes (delta synchronization only): what the
  // inbound pass saw, read by the parallel parts of the later passes.
  bool membership_scoping_ = false;
  bool carry_allowed_ = false;
  std::unordered_map<CsId, ColdSet> previous_hologram_;  // state an applied update replaced
  IdSet applied_;          // objects of this space whose import was applied
  IdSet had_unresolved_;   // objects that had unresolved references before
  IdSet relinked_mv_;      // MV objects that gained or lost a link this run
  // Targets' LinkChecks notes of the lists carried inbound this run (see note_carried_checks).
  std::map<LinkChecks::Key, uint64_t> prior_outbound_;
  IdSet linked_this_run_;  // target objects provisioned or joined this run
  std::unordered_map<MvId, MvRefDelta> mv_deltas_;
  SyncStatistics stats_;
  std::atomic<uint64_t> resolved_{0}, carried_{0}, checked_{0};
  IdSet reimported_mv_;  // MV objects with a linked CS object whose import was applied
  IdSet deleted_mv_;
  std::map<std::tuple<ConnectorId, AttrId, bool>, ValueIndex> disconnector_index_;
  std::unordered_map<std::string, std::vector<ConnectorId>> outbound_targets_;
  uint64_t done_ = 0, total_ = 0;
  std::vector<std::pair<const char*, uint64_t*>> counter_cache_;  // nodes of result_.counters
  std::string join_key_buffer_;  // outbound_join's lookup key
  std::array<uint64_t*, 4> export_pending_counters_{};  // by PendingExportKind
};

}  // namespace

void set_recompute_chunk(size_t objects) {
  recompute_chunk.store(objects == 0 ? kDefaultRecomputeChunk : objects, std::memory_order_relaxed);
}

Status run_sync(SyncState& state, ConnectorSpace& space, bool delta, StepResult& result,
                const ProgressCallback& progress) {
  Synchronizer sync(state, space, result, progress);
  return sync.run(delta);
}

}  // namespace idsync
