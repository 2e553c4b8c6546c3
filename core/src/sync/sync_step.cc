// Full and delta synchronization.
//
// Three passes, each over a deterministic (id-sorted) work list, so that the result never
// depends on the order objects were imported in — and so that each pass can later run in
// parallel over its list:
//   1. apply pending imports of the connector's objects, then join / project / disconnect;
//   2. recompute every touched metaverse object from all the CS objects linked to it
//      (inbound flows, precedence, merge types), deleting those no rule holds any more;
//   3. outbound: provision / join / deprovision and recompute pending exports in every
//      target connector for each metaverse object that changed (full sync: every one touched).
#include <algorithm>
#include <map>
#include <set>
#include <tuple>
#include <unordered_map>

#include "idsync/expression.h"
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

// Resolves contributions for one attribute into its values; nullopt = attribute absent.
std::optional<ValueList> resolve(std::vector<Contribution>& list, const ValueList* existing) {
  std::stable_sort(list.begin(), list.end(), [](const Contribution& a, const Contribution& b) {
    if (a.precedence != b.precedence) return a.precedence < b.precedence;
    if (a.order != b.order) return a.order < b.order;
    return a.source < b.source;
  });
  for (size_t i = 0; i < list.size(); ++i) {
    Contribution& c = list[i];
    if (c.outcome.kind == FlowOutcome::kNull || c.outcome.kind == FlowOutcome::kIgnore) continue;
    if (c.outcome.kind == FlowOutcome::kAuthoritativeNull) return std::nullopt;
    if (c.execute_once && existing != nullptr) return *existing;
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

class Synchronizer {
 public:
  Synchronizer(SyncState& state, ConnectorSpace& space, StepResult& result, const ProgressCallback& progress)
      : state_(state), space_(space), result_(result), progress_(progress) {}

  Status run(bool delta) {
    std::vector<CsId> work;
    for (const auto& [id, o] : space_.objects)
      if (!delta || o.pending_import != PendingImportKind::kNone || o.unresolved_refs) work.push_back(id);
    std::sort(work.begin(), work.end());
    total_ = work.size();
    for (CsId id : work) {
      inbound_object(id);
      tick();
    }
    if (!delta) {
      // Full sync re-evaluates every metaverse object this connector reaches.
      for (const auto& [id, o] : space_.objects)
        if (o.mv != 0) touched_mv_.insert(o.mv);
    }
    std::set<MvId> changed;
    for (MvId id : touched_mv_) {
      // An import into an object linked to this MV object may show that the directory no
      // longer holds what we exported (the import dropped those values from the escrow):
      // its pending export must be computed again even when the MV object did not change.
      if (recompute_mv(id) || !delta || reimported_mv_.count(id)) changed.insert(id);
    }
    // Link (provision / join / deprovision) everything first, so that references between
    // objects provisioned in this same run resolve when the exports are computed.
    for (MvId id : changed) outbound(id, /*plan=*/false);
    for (MvId id : changed) outbound(id, /*plan=*/true);
    for (MvId id : deleted_mv_) deprovision_all(id);
    return Status::Ok();
  }

 private:
  void tick() {
    ++done_;
    if (progress_ && done_ % 10000 == 0) progress_(Progress{space_.def.name, result_.step_type, done_, total_});
  }

  bool is_member_of(const CsObject& o, const std::string& group_dn) {
    CsObject* group = space_.find_by_dn(group_dn);
    if (group == nullptr) return false;
    auto member = state_.attrs().find(space_.id, "member");
    if (!member) return false;
    const ValueList* members = group->hologram.get(*member);
    if (members == nullptr) return false;
    std::string key = dn_key(o.dn);
    for (const std::string& m : *members)
      if (dn_key(m) == key) return true;
    return false;
  }

  std::vector<const CompiledRule*> inbound_rules_in_scope(const CsObject& o, const std::string* mv_type = nullptr) {
    std::vector<const CompiledRule*> out;
    for (const CompiledRule& r : state_.rules()) {
      if (r.def.disabled || r.def.direction != Direction::kInbound || r.connector != o.connector) continue;
      if (!iequals(r.def.source_object_type, o.object_type)) continue;
      if (mv_type != nullptr && !iequals(r.def.target_object_type, *mv_type)) continue;
      if (in_scope(r, o.hologram, [&](const std::string& g) { return is_member_of(o, g); }, o.dn)) out.push_back(&r);
    }
    std::stable_sort(out.begin(), out.end(),
                     [](const CompiledRule* a, const CompiledRule* b) { return a->def.precedence < b->def.precedence; });
    return out;
  }

  // Pass 1 for one object.
  void inbound_object(CsId id) {
    CsObject* o = space_.find(id);
    if (o == nullptr) return;
    const bool imported = o->pending_import != PendingImportKind::kNone;
    switch (o->pending_import) {
      case PendingImportKind::kDelete: {
        ++result_.counters["deleted"];
        if (o->mv != 0) touched_mv_.insert(o->mv);
        state_.remove_cs(space_, id);
        return;
      }
      case PendingImportKind::kDeleteAdd:
        if (o->mv != 0) {
          touched_mv_.insert(o->mv);
          state_.unlink(*o);
        }
        [[fallthrough]];
      case PendingImportKind::kAdd:
      case PendingImportKind::kUpdate: {
        std::string old_dn = o->dn;
        o->hologram = std::move(o->import_state);
        o->import_state.clear();
        if (!o->import_dn.empty()) {
          o->dn = std::move(o->import_dn);
          o->import_dn.clear();
          space_.reindex(*o, o->anchor, old_dn);
        }
        o->pending_import = PendingImportKind::kNone;
        break;
      }
      case PendingImportKind::kNone: break;
    }
    state_.mark_cs(*o);
    o->unresolved_refs = false;
    if (o->state == ConnectorState::kExplicitDisconnector || o->state == ConnectorState::kFiltered) {
      ++result_.counters["disconnector-filtered"];
      return;
    }
    auto rules = inbound_rules_in_scope(*o);
    if (rules.empty()) {
      // An object an outbound Provision rule created is held by that rule, not by inbound
      // rules: a target without inbound rules (MIM style) must not lose it on import, or the
      // next sync would provision a duplicate. Outbound scope decides its deprovisioning.
      if (o->mv != 0 && o->provisioned) {
        touched_mv_.insert(o->mv);
        if (imported) reimported_mv_.insert(o->mv);
        return;
      }
      if (o->mv != 0 && o->state != ConnectorState::kExplicitConnector) {
        touched_mv_.insert(o->mv);
        state_.unlink(*o);
        ++result_.counters["disconnected"];
      } else if (o->mv == 0) {
        ++result_.counters["disconnector"];
      }
      return;
    }
    if (o->mv == 0) join_or_project(*o, rules);
    if (o->mv != 0) {
      touched_mv_.insert(o->mv);
      if (imported) reimported_mv_.insert(o->mv);
      ++result_.counters["connector-flow"];
    }
  }

  void join_or_project(CsObject& o, const std::vector<const CompiledRule*>& rules) {
    const CompiledRule* join_rule = nullptr;
    for (const CompiledRule* r : rules)
      if (!r->joins.empty()) {
        join_rule = r;
        break;
      }
    bool has_join_value = false;
    if (join_rule != nullptr) {
      for (const auto& group : join_rule->joins) {
        std::optional<std::set<MvId>> candidates;
        for (const CompiledJoinCondition& c : group) {
          std::set<MvId> matches;
          if (const ValueList* values = o.hologram.get(c.cs_attr)) {
            has_join_value = true;
            for (const std::string& v : *values)
              if (const auto* ids = state_.join_candidates(join_key(c.mv_attr, v, c.case_sensitive)))
                for (MvId id : *ids) {
                  const MvObject* mv = state_.mv(id);
                  if (mv != nullptr && iequals(mv->object_type, join_rule->def.target_object_type)) matches.insert(id);
                }
          }
          if (!candidates) {
            candidates = std::move(matches);
          } else {
            std::set<MvId> both;
            std::set_intersection(candidates->begin(), candidates->end(), matches.begin(), matches.end(),
                                  std::inserter(both, both.end()));
            candidates = std::move(both);
          }
        }
        if (!candidates || candidates->size() != 1) continue;  // zero or several: next group
        MvId target = *candidates->begin();
        for (const auto& [connector, cs] : state_.links(target)) {
          if (connector == o.connector) {
            ++result_.counters["join-failure"];
            std::string message = "ambiguous join: metaverse object " + std::to_string(target) +
                                  " is already joined to another object of connector '" + space_.def.name + "' (" +
                                  space_.find(cs)->dn + "); correct the join attribute values";
            o.error = message;
            record_error(result_, o.dn, "ambiguous-import-flow-from-multiple-connectors", message);
            return;
          }
        }
        state_.link(o, target);
        o.error.clear();
        ++result_.counters["joined"];
        return;
      }
    }
    for (const CompiledRule* r : rules) {
      if (r->def.link_type != LinkType::kProvision) continue;
      if (join_rule != nullptr && !has_join_value && !join_rule->joins.empty()) {
        // Projection needs a join value, so the object can be found again later.
        ++result_.counters["disconnector"];
        return;
      }
      MvObject& mv = state_.new_mv_object(r->def.target_object_type);
      state_.link(o, mv.id);
      ++result_.counters["projected"];
      return;
    }
    ++result_.counters["disconnector"];
  }

  // Maps reference values (DNs in `space`) to metaverse ids; false when one is unresolved.
  bool to_mv_refs(ConnectorSpace& space, ValueList& values) {
    bool all = true;
    ValueList out;
    for (const std::string& dn : values) {
      CsObject* target = space.find_by_dn(dn);
      if (target != nullptr && target->mv != 0) {
        out.push_back(kMvRefPrefix + std::to_string(target->mv));
      } else {
        all = false;
      }
    }
    values = std::move(out);
    return all;
  }

  // Pass 2: returns true when the object's attributes changed (or it was deleted).
  bool recompute_mv(MvId id) {
    MvObject* mv = state_.mv(id);
    if (mv == nullptr) return false;
    std::map<AttrId, std::vector<Contribution>> contributions;
    bool held = false;
    std::vector<std::pair<ConnectorId, CsId>> links = state_.links(id);
    for (const auto& [connector_id, cs_id] : links) {
      ConnectorSpace* space = state_.space(connector_id);
      CsObject* cs = space ? space->find(cs_id) : nullptr;
      if (cs == nullptr) continue;
      auto rules = inbound_rules_in_scope(*cs, &mv->object_type);
      for (const CompiledRule* r : rules) {
        if (!cs->provisioned && (r->def.link_type == LinkType::kProvision || r->def.link_type == LinkType::kStickyJoin))
          held = true;
        for (const CompiledFlow& f : r->flows) {
          auto outcome = evaluate_flow(*r, f, cs->hologram, cs->dn);
          if (!outcome.ok()) {
            flow_error(*cs, *r, f, outcome.status());
            continue;
          }
          if (f.destination_type == AttrType::kReference && outcome->kind == FlowOutcome::kValues) {
            if (!to_mv_refs(*space, outcome->values)) {
              cs->unresolved_refs = true;
              state_.mark_cs(*cs);
            }
            if (outcome->values.empty()) outcome->kind = FlowOutcome::kNull;
          }
          contributions[f.destination].push_back(
              Contribution{r->def.precedence, r->order, cs_id, f.merge, std::move(outcome).value(), f.execute_once});
        }
      }
      if (cs->state == ConnectorState::kExplicitConnector && !cs->provisioned) held = true;
    }
    if (!held) {
      deleted_mv_.insert(id);
      ++result_.counters["mv-deleted"];
      return true;
    }
    MvObject updated;
    updated.id = mv->id;
    updated.object_type = mv->object_type;
    for (auto& [attr, list] : contributions) {
      auto values = resolve(list, mv->attributes.get(attr));
      if (values && !values->empty()) updated.attributes.set(attr, std::move(*values));
    }
    if (updated.attributes == mv->attributes) return false;
    state_.index_mv_attributes(*mv, updated);
    mv->attributes = std::move(updated.attributes);
    state_.mark_mv(id);
    ++result_.counters["mv-updated"];
    return true;
  }

  void flow_error(CsObject& cs, const CompiledRule& r, const CompiledFlow& f, const Status& s) {
    std::string message = s.message();
    std::string type = expr::error_kind(message);
    std::string text = "rule '" + r.def.name + "', flow to '" + f.destination_name + "': " + message;
    cs.error = text;
    state_.mark_cs(cs);
    ++result_.counters["sync-error"];
    record_error(result_, cs.dn, type, text);
  }

  // ---- pass 3: outbound ----

  std::vector<const CompiledRule*> outbound_rules(const MvObject& mv, ConnectorId target) {
    std::vector<const CompiledRule*> out;
    for (const CompiledRule& r : state_.rules()) {
      if (r.def.disabled || r.def.direction != Direction::kOutbound || r.connector != target) continue;
      if (!iequals(r.def.source_object_type, mv.object_type)) continue;
      if (in_scope(r, mv.attributes)) out.push_back(&r);
    }
    std::stable_sort(out.begin(), out.end(),
                     [](const CompiledRule* a, const CompiledRule* b) { return a->def.precedence < b->def.precedence; });
    return out;
  }

  std::set<ConnectorId> outbound_targets(const std::string& mv_type) {
    std::set<ConnectorId> out;
    for (const CompiledRule& r : state_.rules())
      if (!r.def.disabled && r.def.direction == Direction::kOutbound && iequals(r.def.source_object_type, mv_type))
        out.insert(r.connector);
    return out;
  }

  CsObject* linked_in(MvId mv, ConnectorSpace& target) {
    for (const auto& [connector, cs] : state_.links(mv))
      if (connector == target.id) return target.find(cs);
    return nullptr;
  }

  void outbound(MvId id, bool plan) {
    MvObject* mv = state_.mv(id);
    if (mv == nullptr) return;
    for (ConnectorId target_id : outbound_targets(mv->object_type)) {
      ConnectorSpace* target = state_.space(target_id);
      if (target != nullptr) outbound_to(*mv, *target, plan);
    }
  }

  struct Desired {
    bool has_dn = false;
    std::string dn;
    std::map<AttrId, std::optional<ValueList>> attrs;  // nullopt = remove
    std::string object_type;
  };

  bool compute_desired(const MvObject& mv, ConnectorSpace& target, const std::vector<const CompiledRule*>& rules,
                       Desired& out, CsObject* existing) {
    std::map<AttrId, std::vector<Contribution>> contributions;
    bool unresolved = false;
    for (const CompiledRule* r : rules) {
      if (out.object_type.empty()) out.object_type = r->def.target_object_type;
      for (const CompiledFlow& f : r->flows) {
        auto outcome = evaluate_flow(*r, f, mv.attributes);
        if (!outcome.ok()) {
          std::string message = "rule '" + r->def.name + "', flow to '" + f.destination_name +
                                "' for metaverse object " + std::to_string(mv.id) + ": " + outcome.status().message();
          ++result_.counters["sync-error"];
          record_error(result_, existing ? existing->dn : "#" + std::to_string(mv.id),
                       expr::error_kind(outcome.status().message()), message);
          return false;
        }
        if (f.destination == kDnAttr) {
          if (outcome->kind == FlowOutcome::kValues && !outcome->values.empty() && !out.has_dn) {
            out.has_dn = true;
            out.dn = outcome->values.front();
          }
          continue;
        }
        if (f.destination_type == AttrType::kReference && outcome->kind == FlowOutcome::kValues) {
          ValueList dns;
          for (const std::string& ref : outcome->values) {
            CsObject* t = nullptr;
            if (ref.rfind(kMvRefPrefix, 0) == 0) t = linked_in(std::stoull(ref.substr(1)), target);
            if (t != nullptr) {
              dns.push_back(t->dn);
            } else {
              unresolved = true;
            }
          }
          outcome->values = std::move(dns);
        }
        contributions[f.destination].push_back(Contribution{r->def.precedence, r->order, 0, f.merge,
                                                            std::move(outcome).value(), f.execute_once});
      }
    }
    for (auto& [attr, list] : contributions) {
      bool all_ignore = std::all_of(list.begin(), list.end(),
                                    [](const Contribution& c) { return c.outcome.kind == FlowOutcome::kIgnore; });
      if (all_ignore) continue;  // IgnoreThisFlow: neither sets nor removes
      const ValueList* current = existing ? existing->hologram.get(attr) : nullptr;
      auto values = resolve(list, current);
      if (values && values->empty()) values.reset();
      out.attrs[attr] = std::move(values);
    }
    if (unresolved && existing != nullptr) {
      existing->unresolved_refs = true;
      state_.mark_cs(*existing);
    }
    return true;
  }

  // Disconnectors of `target` by the value of one attribute, built once per run on first use.
  using ValueIndex = std::unordered_map<std::string, std::vector<CsId>>;
  ValueIndex& disconnector_index(ConnectorSpace& target, AttrId attr, bool case_sensitive) {
    auto key = std::make_tuple(target.id, attr, case_sensitive);
    auto it = disconnector_index_.find(key);
    if (it != disconnector_index_.end()) return it->second;
    ValueIndex& index = disconnector_index_[key];
    for (const auto& [cs_id, cs] : target.objects) {
      if (cs.mv != 0 || cs.placeholder) continue;
      if (const ValueList* values = imported_state(cs).get(attr); values != nullptr && !values->empty())
        index[join_key(0, values->front(), case_sensitive)].push_back(cs_id);
    }
    for (auto& [value, ids] : index) std::sort(ids.begin(), ids.end());
    return index;
  }

  // Outbound join: a target object no metaverse object holds yet whose join attributes equal
  // the metaverse object's. The first group with exactly one match wins.
  CsObject* outbound_join(const MvObject& mv, ConnectorSpace& target, const std::vector<const CompiledRule*>& rules) {
    for (const CompiledRule* r : rules) {
      for (const auto& group : r->joins) {
        std::optional<std::vector<CsId>> candidates;
        for (const CompiledJoinCondition& c : group) {
          const ValueList* mv_values = mv.attributes.get(c.mv_attr);
          std::vector<CsId> matches;
          if (mv_values != nullptr) {
            ValueIndex& index = disconnector_index(target, c.cs_attr, c.case_sensitive);
            auto hit = index.find(join_key(0, mv_values->front(), c.case_sensitive));
            if (hit != index.end()) matches = hit->second;
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

  void outbound_to(MvObject& mv, ConnectorSpace& target, bool plan) {
    auto rules = outbound_rules(mv, target.id);
    CsObject* existing = linked_in(mv.id, target);
    if (plan) {
      if (existing == nullptr || rules.empty()) return;
      Desired desired;
      if (compute_desired(mv, target, rules, desired, existing)) plan_export(*existing, target, desired);
      return;
    }
    if (rules.empty()) {
      if (existing != nullptr) deprovision(*existing, target);
      return;
    }
    if (existing == nullptr) {
      const CompiledRule* provision = nullptr;
      for (const CompiledRule* r : rules)
        if (r->def.link_type == LinkType::kProvision) {
          provision = r;
          break;
        }
      bool any_join = std::any_of(rules.begin(), rules.end(), [](const CompiledRule* r) { return !r->joins.empty(); });
      if (any_join) existing = outbound_join(mv, target, rules);
      if (existing != nullptr) {
        state_.link(*existing, mv.id);
        ++result_.counters["export-joined"];
      } else if (provision != nullptr) {
        Desired desired;
        if (!compute_desired(mv, target, rules, desired, nullptr)) return;
        if (!desired.has_dn || desired.dn.empty()) {
          ++result_.counters["sync-error"];
          record_error(result_, "#" + std::to_string(mv.id), "sync-rule-error-provisioning",
                       "rule '" + provision->def.name + "' provisions to connector '" + target.def.name +
                           "' but no flow sets 'dn'; add a flow to the destination 'dn'");
          return;
        }
        if (CsObject* same_dn = target.find_by_dn(desired.dn); same_dn != nullptr && same_dn->mv == 0) {
          // Reverse join by DN: the directory already has the object.
          existing = same_dn;
          state_.link(*existing, mv.id);
          ++result_.counters["export-joined"];
        } else if (same_dn != nullptr) {
          ++result_.counters["sync-error"];
          record_error(result_, desired.dn, "provisioning-dn-conflict",
                       "cannot provision metaverse object " + std::to_string(mv.id) + " to '" + target.def.name +
                           "': the DN is held by an object joined to metaverse object " + std::to_string(same_dn->mv));
          return;
        } else {
          CsObject& created = state_.new_cs_object(target);
          created.dn = desired.dn;
          created.object_type = desired.object_type;
          created.provisioned = true;
          target.index(created);
          state_.link(created, mv.id);
          existing = &created;
          ++result_.counters["provisioned"];
        }
      }
    }
  }

  // The pending export = what the rules want minus what the directory is believed to hold
  // (the hologram overlaid with exports not yet confirmed).
  void plan_export(CsObject& o, ConnectorSpace& target, const Desired& desired) {
    PendingExport pe;
    // What the directory holds as far as we know: the newest import (applied or still
    // pending), overlaid below with exports not yet confirmed.
    const AttributeSet& imported = imported_state(o);
    bool never_exported = imported.empty() && o.unconfirmed.empty() &&
                          (o.pending_export.kind == PendingExportKind::kAdd || o.provisioned);
    if (o.pending_export.kind == PendingExportKind::kDelete) return;  // deprovisioning wins
    if (never_exported) {
      pe.kind = PendingExportKind::kAdd;
      for (const auto& [attr, values] : desired.attrs)
        if (values) pe.changes.push_back(AttrChange{attr, ValueOp::kReplace, *values});
      if (desired.has_dn && desired.dn != o.dn) {
        std::string old = o.dn;
        o.dn = desired.dn;
        target.reindex(o, o.anchor, old);
      }
    } else {
      for (const auto& [attr, values] : desired.attrs) {
        const ValueList* believed = o.unconfirmed.get(attr);
        if (believed == nullptr) believed = imported.get(attr);
        static const ValueList kNone;
        const ValueList& have = believed ? *believed : kNone;
        const ValueList& want = values ? *values : kNone;
        if (state_.attrs().info(attr).multi_valued) {
          ValueList adds, deletes;
          std::set<std::string> have_set(have.begin(), have.end()), want_set(want.begin(), want.end());
          for (const std::string& v : want)
            if (!have_set.count(v)) adds.push_back(v);
          for (const std::string& v : have)
            if (!want_set.count(v)) deletes.push_back(v);
          if (!adds.empty()) pe.changes.push_back(AttrChange{attr, ValueOp::kAdd, std::move(adds)});
          if (!deletes.empty()) pe.changes.push_back(AttrChange{attr, ValueOp::kDelete, std::move(deletes)});
        } else if (have != want) {
          pe.changes.push_back(AttrChange{attr, ValueOp::kReplace, want});
        }
      }
      if (desired.has_dn && dn_key(desired.dn) != dn_key(o.dn)) pe.new_dn = desired.dn;
      if (!pe.changes.empty() || !pe.new_dn.empty()) pe.kind = PendingExportKind::kUpdate;
    }
    if (pe == o.pending_export) return;
    o.pending_export = std::move(pe);
    state_.mark_cs(o);
    if (!o.pending_export.empty()) ++result_.counters[std::string("export-pending-") + pending_export_kind_name(o.pending_export.kind)];
  }

  void deprovision(CsObject& o, ConnectorSpace& target) {
    (void)target;
    if (o.provisioned) {
      if (o.pending_export.kind == PendingExportKind::kAdd && imported_state(o).empty() && o.unconfirmed.empty()) {
        // Never exported: nothing to delete in the directory.
        state_.remove_cs(target, o.id);
        ++result_.counters["deprovisioned"];
        return;
      }
      o.pending_export = PendingExport{PendingExportKind::kDelete, {}, {}};
      state_.unlink(o);
      state_.mark_cs(o);
      ++result_.counters["deprovisioned"];
    } else {
      state_.unlink(o);
      ++result_.counters["disconnected"];
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
  ConnectorSpace& space_;
  StepResult& result_;
  const ProgressCallback& progress_;
  std::set<MvId> touched_mv_;
  std::set<MvId> reimported_mv_;  // MV objects with a linked CS object whose import was applied
  std::set<MvId> deleted_mv_;
  std::map<std::tuple<ConnectorId, AttrId, bool>, ValueIndex> disconnector_index_;
  uint64_t done_ = 0, total_ = 0;
};

}  // namespace

Status run_sync(SyncState& state, ConnectorSpace& space, bool delta, StepResult& result,
                const ProgressCallback& progress) {
  Synchronizer sync(state, space, result, progress);
  return sync.run(delta);
}

}  // namespace idsync
