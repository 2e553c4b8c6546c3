// Full and delta import: stage what the directory says as pending imports on connector space
// objects, confirm earlier exports, and (full import) mark objects the directory no longer has
// as pending deletes. Nothing here touches the metaverse; synchronization applies the stage.
#include <algorithm>
#include <chrono>
#include <functional>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include "idsync/dn.h"
#include "sync/cold_pass.h"
#include "sync/export_confirmation.h"
#include "sync/id_set.h"
#include "sync/steps.h"

namespace idsync {

void record_error(StepResult& result, std::string_view dn, const std::string& type, const std::string& message) {
  ++result.error_count;
  if (result.errors.size() < kMaxRecordedErrors) result.errors.push_back(ObjectError{std::string(dn), type, message});
}

namespace {

class Stager : public ImportSink {
 public:
  // `directory_types`: what the connector says of attributes the configured schema omits.
  Stager(SyncState& state, ConnectorSpace& space, const ConnectorSchema& directory_types, StepResult& result,
         const ProgressCallback& progress)
      : state_(state), space_(space), directory_types_(directory_types), result_(result), progress_(progress),
        confirmation_(state, space, result), cold_(space) {}

  Status on_change(EntryChange&& change) override {
    ++read_;
    if (progress_ && read_ % 10000 == 0) progress_(Progress{space_.def.name, result_.step_type, read_, 0});
    switch (change.kind) {
      case ChangeKind::kAdd: stage_full(change.dn, change.object_type, change.anchor, change.attributes); break;
      case ChangeKind::kModify:
      case ChangeKind::kRename: stage_changes(change); break;
      case ChangeKind::kDelete: stage_delete(change); break;
    }
    return Status::Ok();
  }
  void on_progress(uint64_t) override {}

  const IdSet& seen() const { return seen_; }
  // Freezes the objects staged since the last batch (sync/cold_pass.h).
  void flush_cold() { cold_.flush(); }

 private:
  // Converts an entry's attributes to an AttributeSet with canonical values; false (and an
  // error recorded) when a value does not fit its declared type.
  bool to_set(const std::string& dn, const std::vector<Attribute>& in, AttributeSet& out) {
    AttributeSet::Builder built;  // packed once, exactly sized: kept as the pending import, then the hologram
    built.reserve(in.size());
    for (const Attribute& a : in) {
      if (a.values.empty()) continue;
      const ResolvedAttr& r = resolve(a);
      AttrId id = r.id;
      AttrType type = r.type;
      ValueList values;
      values.reserve(a.values.size());
      for (const std::string& v : a.values) {
        if (type == AttrType::kInteger || type == AttrType::kBoolean || type == AttrType::kDateTime) {
          auto c = canonicalize_value(type, v);
          if (!c.ok()) {
            fail(dn, "attribute '" + a.name + "': " + c.status().message() +
                         "; correct the value in the directory or the attribute's type in the connector schema");
            return false;
          }
          values.push_back(std::move(c).value());
        } else {
          values.push_back(v);
        }
      }
      built.add(id, std::move(values));
    }
    out = built.finish();
    return true;
  }

  struct ResolvedAttr {
    AttrId id;
    AttrType type;
    bool declared;
  };
  struct NameHash {
    using is_transparent = void;
    size_t operator()(std::string_view v) const { return std::hash<std::string_view>{}(v); }
  };

  // The attribute id and type for a name as the connector spells it, looked up in the schema
  // and the attribute table once per import instead of once per value (a linear,
  // case-insensitive schema scan per attribute was a fifth of a full import's staging).
  // `count`: how many values an object holds in it (an undeclared attribute becomes
  // multi-valued when any object has several).
  const ResolvedAttr& resolve(const Attribute& a) { return resolve(a.name, a.values.size()); }
  const ResolvedAttr& resolve(const std::string& name, size_t count) {
    auto it = resolved_.find(std::string_view(name));
    if (it != resolved_.end()) {
      // An attribute the schema does not declare becomes multi-valued when any object has
      // several values, as interning it again would record.
      if (!it->second.declared && count > 1 && !state_.attrs().info(it->second.id).multi_valued)
        state_.attrs().intern(space_.id, name, AttrType::kString, true);
      return it->second;
    }
    // The configured schema wins; then the type the connector gives; else a string.
    const SchemaAttribute* declared = space_.def.schema.find_attribute(name);
    const SchemaAttribute* typed = declared ? nullptr : directory_types_.find_attribute(name);
    AttrId id = declared ? state_.attrs().intern(space_.id, declared->name, declared->type, declared->multi_valued)
                : typed  ? state_.attrs().intern(space_.id, name, typed->type, typed->multi_valued || count > 1)
                         : state_.attrs().intern(space_.id, name, AttrType::kString, count > 1);
    ResolvedAttr r{id, state_.attrs().info(id).type, declared != nullptr};
    return resolved_.emplace(name, r).first->second;
  }

  // The canonical form of values of `type`; false (and an error recorded) when one does not fit.
  bool canonicalize(const std::string& dn, const std::string& name, AttrType type, ValueList& values) {
    if (type != AttrType::kInteger && type != AttrType::kBoolean && type != AttrType::kDateTime) return true;
    for (std::string& v : values) {
      auto c = canonicalize_value(type, v);
      if (!c.ok()) {
        fail(dn, "attribute '" + name + "': " + c.status().message() +
                     "; correct the value in the directory or the attribute's type in the connector schema");
        return false;
      }
      v = std::move(c).value();
    }
    return true;
  }

  void fail(const std::string& dn, const std::string& message) {
    ++result_.counters["stage-failure"];
    record_error(result_, dn, "import-error", message);
  }

  CsObject* locate(const std::string& anchor, const std::string& dn) { return locate_by_key(anchor, dn_key(dn)); }
  // `key` is dn_key(dn), computed once by the caller that also indexes a new object by it.
  CsObject* locate_by_key(const std::string& anchor, const std::string& key) {
    if (CsObject* o = space_.find_by_anchor(anchor)) return o;
    CsObject* o = space_.find_by_dn_key(key);
    // A DN match with a different, known anchor is another object that reused the DN.
    if (o != nullptr && !anchor.empty() && !o->anchor.empty() && o->anchor != anchor) return nullptr;
    return o;
  }

  void stage_full(const std::string& dn, const std::string& object_type, const std::string& anchor,
                  const std::vector<Attribute>& attributes) {
    AttributeSet attrs;
    if (!to_set(dn, attributes, attrs)) return;
    std::string key = dn_key(dn);
    CsObject* o = locate_by_key(anchor, key);
    if (o == nullptr) {
      CsObject& n = state_.new_cs_object(space_);
      n.anchor = anchor;
      n.dn = dn;
      n.object_type = object_type;
      n.pending_import = PendingImportKind::kAdd;
      n.import_state = std::move(attrs);
      space_.index_with_key(n, key);
      seen_.insert(n.id);
      ++result_.counters["stage-add"];
      cold_.add(n);  // a full import stages every object: frozen in batches, not all at the end
      return;
    }
    // Export confirmation is against the object's final state (sync/export_confirmation.h):
    // a delta import may report several changes of one object.
    if (o->anchor.empty() && !anchor.empty()) {
      std::string old_anchor(o->anchor);
      o->anchor = anchor;
      space_.reindex(*o, old_anchor, o->dn);
      state_.mark_cs(*o);
    }
    const ColdSet& baseline = o->pending_import == PendingImportKind::kNone ||
                                      o->pending_import == PendingImportKind::kDelete
                                  ? o->hologram
                                  : o->import_state;
    AttributeSet scratch;
    bool changed = !(attrs == baseline.view(scratch));
    stage_state(*o, dn, object_type, std::move(attrs), changed);
    cold_.add(*o);
  }

  // Stages `attrs` as the new state of `o` (found by the caller); `changed`: whether they
  // differ from the state the import started from.
  void stage_state(CsObject& object, const std::string& dn, std::string_view object_type, AttributeSet&& attrs,
                   bool changed) {
    CsObject* o = &object;
    const bool first = seen_.insert(o->id);
    if (!first) confirmation_.shown_again(*o);
    bool was_placeholder = o->placeholder;
    std::string_view current_dn = o->import_dn.empty() ? o->dn : o->import_dn;
    // Any difference in the DN text is a rename, a change of case included.
    bool renamed = current_dn != dn;
    bool type_changed = !object_type.empty() && !o->object_type.empty() && !iequals(object_type, o->object_type);
    changed = changed || o->pending_import == PendingImportKind::kDelete;
    // Only what this import changes is marked: an object the directory shows unchanged is
    // neither rewritten in the store nor handed to the next delta synchronization.
    if (was_placeholder || type_changed || changed || renamed) state_.mark_cs(*o);
    if (was_placeholder) {
      o->placeholder = false;
      o->object_type = object_type;
      o->pending_import = PendingImportKind::kAdd;
      o->import_state = std::move(attrs);
      ++result_.counters["stage-add"];
    } else if (type_changed) {
      o->pending_import = PendingImportKind::kDeleteAdd;
      o->import_state = std::move(attrs);
      o->import_dn = dn;
      o->object_type = object_type;
      ++result_.counters["stage-delete-add"];
    } else if (changed || renamed) {
      if (o->pending_import != PendingImportKind::kAdd) o->pending_import = PendingImportKind::kUpdate;
      o->import_state = std::move(attrs);
      if (renamed) o->import_dn = dn;
      ++result_.counters[renamed ? "stage-rename" : "stage-update"];
    } else {
      ++result_.counters["stage-no-change"];
    }
    confirmation_.staged(*o, first);
  }

 public:
  // Confirms (or reports) the unconfirmed exports still held by objects this import showed,
  // against each object's final imported state (sync/export_confirmation.h).
  void confirm_seen() { confirmation_.finish(); }

 private:
  // A modify or rename: the object's current state with the changes applied attribute by
  // attribute. One copy of the object and no comparison of the attributes left alone: a
  // one-member change to a 500,000-member group used to rebuild the entry by attribute name,
  // convert it again and compare all of it, several passes over every member.
  void stage_changes(EntryChange& change) {
    CsObject* o = locate(change.anchor, change.dn);
    if (o == nullptr || o->placeholder) {
      fail(change.dn, std::string("a ") + change_kind_name(change.kind) +
                          " was imported for an object this connector space does not hold; run a Full Import");
      return;
    }
    const ColdSet& current = o->pending_import == PendingImportKind::kNone ? o->hologram : o->import_state;
    // A cold set thaws into a copy of its own; a plain one (maybe a huge group's) is copied.
    AttributeSet next = current.cold() ? current.thaw() : copy_state(*current.if_plain());
    bool changed = false;
    if (change.kind == ChangeKind::kRename && !change.new_dn.empty()) {
      // A modrdn replaces the old RDN values with the new ones, as the directory does (the
      // reader reports "deleteoldrdn: 0" as explicit adds in change.changes). Without this the
      // hologram kept the old value (e.g. cn) until the next Full Import, which then staged a
      // spurious update, and a dn flow built from that attribute never renamed the target.
      std::string_view old_dn = o->import_dn.empty() ? o->dn : o->import_dn;
      auto old_rdn = parse_rdn(rdn(old_dn));
      auto new_rdn = parse_rdn(rdn(change.new_dn));
      if (new_rdn.ok()) {
        if (old_rdn.ok()) {
          for (const Ava& ava : *old_rdn) {
            std::optional<AttrId> id = state_.attrs().find(space_.id, ava.type);
            if (!id || !next.has(*id)) continue;
            ValueList values = next.take(*id);
            size_t before = values.size();
            values.erase(std::remove_if(values.begin(), values.end(),
                                        [&](const std::string& v) { return iequals(v, ava.value); }),
                         values.end());
            changed = changed || values.size() != before;
            next.set(*id, std::move(values));
          }
        }
        for (const Ava& ava : *new_rdn) {
          AttrId id = resolve(ava.type, 0).id;
          ValueList values = next.take(id);
          ValueList added{ava.value};
          if (!canonicalize(change.dn, ava.type, resolve(ava.type, 0).type, added)) return;
          if (std::none_of(values.begin(), values.end(), [&](const std::string& v) { return iequals(v, added.front()); })) {
            values.push_back(std::move(added.front()));
            changed = true;
          }
          resolve(ava.type, values.size());
          next.set(id, std::move(values));
        }
      }
    }
    for (AttributeChange& c : change.changes)
      if (!apply_change(change.dn, c, next, changed)) return;
    std::string dn = change.kind == ChangeKind::kRename && !change.new_dn.empty()
                         ? change.new_dn
                         : (o->import_dn.empty() ? o->dn : o->import_dn).str();
    stage_state(*o, dn, o->object_type, std::move(next), changed);
    cold_.add(*o);
  }

  // A copy of `from` whose long lists are copied on several threads: the copy of a 500,000-member
  // group's members (one allocation each) is most of staging a one-member change to it.
  static AttributeSet copy_state(const AttributeSet& from) {
    constexpr size_t kParallelCopyMin = 32768;
    AttributeSet::Builder out;
    out.reserve(from.size());
    for (const AttrEntry a : from.items()) {
      if (a.values.size() < kParallelCopyMin) {
        out.start(a.id, a.values.size());
        for (std::string_view v : a.values) out.value(v);
        continue;
      }
      ValueList copy(a.values.size());
      tbb::parallel_for(tbb::blocked_range<size_t>(0, copy.size(), 8192), [&](const tbb::blocked_range<size_t>& r) {
        for (size_t i = r.begin(); i != r.end(); ++i) copy[i] = a.values[i];
      });
      out.add(a.id, std::move(copy));
    }
    return out.finish();
  }

  // Applies one attribute change to `state`, looking only at that attribute; sets `changed`
  // when it changes anything. False (and an error recorded) when a value does not fit its type.
  bool apply_change(const std::string& dn, AttributeChange& c, AttributeSet& state, bool& changed) {
    const ResolvedAttr r = resolve(c.name, 0);
    if (!canonicalize(dn, c.name, r.type, c.values)) return false;
    ValueList values = state.take(r.id);
    const size_t before = values.size();
    switch (c.op) {
      case ValueOp::kReplace:
        changed = changed || values != c.values;
        values = std::move(c.values);
        break;
      case ValueOp::kAdd:
        if (values.empty()) {
          values = std::move(c.values);
        } else if (c.values.size() <= 4) {  // a few values: a scan each
          for (std::string& v : c.values)
            if (std::find(values.begin(), values.end(), v) == values.end()) values.push_back(std::move(v));
        } else {  // many: one hash set, so adding to a huge group stays linear
          values.reserve(values.size() + c.values.size());  // no reallocation: the views stay valid
          std::unordered_set<std::string_view> present(values.begin(), values.end());
          for (std::string& v : c.values)
            if (!present.count(v)) {
              values.push_back(std::move(v));
              present.insert(values.back());
            }
        }
        changed = changed || values.size() != before;
        break;
      case ValueOp::kDelete:
        if (c.values.empty()) {
          values.clear();
        } else if (c.values.size() <= 4) {
          // A few values (a member leaving a huge group): compared directly, which for most
          // values stops at the length or the first bytes, instead of hashing all of them.
          values.erase(std::remove_if(values.begin(), values.end(),
                                      [&](const std::string& v) {
                                        return std::find(c.values.begin(), c.values.end(), v) != c.values.end();
                                      }),
                       values.end());
        } else {
          // One pass over the values whatever the number of deletes.
          std::unordered_set<std::string_view> gone(c.values.begin(), c.values.end());
          values.erase(std::remove_if(values.begin(), values.end(),
                                      [&](const std::string& v) { return gone.count(v) != 0; }),
                       values.end());
        }
        changed = changed || values.size() != before;
        break;
    }
    resolve(c.name, values.size());
    state.set(r.id, std::move(values));
    return true;
  }

  void stage_delete(const EntryChange& change) {
    CsObject* o = locate(change.anchor, change.dn);
    if (o == nullptr || o->placeholder) {
      ++result_.counters["stage-no-change"];
      return;
    }
    if (!seen_.insert(o->id)) confirmation_.shown_again(*o);
    confirmation_.deleted(*o);
    stage_delete(*o);
  }

 public:
  void stage_delete(CsObject& o) {
    if (o.pending_import == PendingImportKind::kDelete) return;
    o.pending_import = PendingImportKind::kDelete;
    o.import_state.clear();
    o.import_dn.clear();
    state_.mark_cs(o);
    ++result_.counters["stage-delete"];
  }

 private:
  SyncState& state_;
  ConnectorSpace& space_;
  const ConnectorSchema& directory_types_;
  StepResult& result_;
  const ProgressCallback& progress_;
  uint64_t read_ = 0;
  IdSet seen_;  // one bit per id: a full import shows every object
  ExportConfirmation confirmation_;
  std::unordered_map<std::string, ResolvedAttr, NameHash, std::equal_to<>> resolved_;
  ColdBatch cold_;
};

}  // namespace

Status run_import(SyncState& state, ConnectorSpace& space, Connector& connector, bool delta, std::string& watermark,
                  StepResult& result, const ProgressCallback& progress) {
  auto directory_types = connector.attribute_types();
  if (!directory_types.ok())
    return directory_types.status().with_context("connector '" + space.def.name +
                                                 "': reading the directory's attribute types before the import");
  Stager stager(state, space, *directory_types, result, progress);
  Status s = delta ? connector.delta_import(stager, watermark) : connector.full_import(stager, watermark);
  if (!s.ok()) return s.with_context("connector '" + space.def.name + "'");
  stager.confirm_seen();
  if (!delta) {
    // Whatever the directory no longer holds is a pending delete — except objects we
    // provisioned and have not exported yet, and placeholders.
    std::vector<CsObject*> gone;
    for (auto& [id, o] : space.objects) {
      if (stager.seen().count(id) || o.placeholder) continue;
      if (o.pending_export.kind == PendingExportKind::kAdd) continue;
      if (o.hologram.empty() && o.pending_import == PendingImportKind::kNone) continue;
      gone.push_back(&o);
    }
    std::sort(gone.begin(), gone.end(), [](const CsObject* a, const CsObject* b) { return a->id < b->id; });
    for (CsObject* o : gone) stager.stage_delete(*o);
  }
  stager.flush_cold();  // every set the import wrote went through the stager's batch: O(changes)
  return Status::Ok();
}

}  // namespace idsync
