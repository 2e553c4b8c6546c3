#include "sync/sync_state.h"

#include <algorithm>

#include <xxhash.h>

#include "idsync/dn.h"
#include "sync/cold_pass.h"
#include "sync/mv_cold_pass.h"

namespace idsync {

namespace {
// Below this many connector space writes, maintaining the indexes row by row costs less than
// rebuilding them.
constexpr size_t kBulkLoadMinRows = 20000;
}  // namespace

std::string dn_key(std::string_view dn) {
  std::string key;
  dn_key_into(dn, key);
  return key;
}

void dn_key_into(std::string_view dn, std::string& out) {
  // A DN that does not parse still needs a stable key: fall back to lowercase text.
  if (normalize_dn_into(dn, out).ok()) return;
  out.resize(dn.size());
  for (size_t i = 0; i < dn.size(); ++i) {
    char c = dn[i];
    out[i] = c >= 'A' && c <= 'Z' ? static_cast<char>(c + ('a' - 'A')) : c;
  }
}

uint64_t dn_key_hash(std::string_view key) { return XXH3_64bits(key.data(), key.size()); }

namespace {

uint64_t anchor_hash(std::string_view anchor) { return XXH3_64bits(anchor.data(), anchor.size()); }

// Per-thread buffers for the keys of the DN index: a lookup normalizes the DN it is given and
// the DN of the object it finds (to rule out a hash collision) without allocating.
std::string& query_key_buffer() {
  thread_local std::string buffer;
  return buffer;
}
std::string& object_key_buffer() {
  thread_local std::string buffer;
  return buffer;
}

// True when `o` is filed under `key` in the DN index: its own DN has that key. A key is in
// canonical form and dn_key depends on a DN's text only up to ASCII case, so a DN equal to the
// key but for case has that key: the usual hit costs one comparison, not a normalization.
bool has_dn_key(const CsObject* o, std::string_view key) {
  if (o == nullptr || o->dn.empty()) return false;
  if (iequals(o->dn, key)) return true;
  std::string& buffer = object_key_buffer();
  dn_key_into(o->dn, buffer);
  return buffer == key;
}

}  // namespace

bool same_dn_key(std::string_view a, std::string_view b) {
  if (iequals(a, b)) return true;
  std::string& x = query_key_buffer();
  std::string& y = object_key_buffer();
  dn_key_into(a, x);
  dn_key_into(b, y);
  return x == y;
}

// ---- ConnectorSpace ----

CsObject* ConnectorSpace::find_by_anchor(std::string_view anchor) {
  if (anchor.empty()) return nullptr;
  uint64_t id = by_anchor.find(anchor_hash(anchor), [&](uint64_t candidate) {
    const CsObject* o = find(candidate);
    return o != nullptr && o->anchor == anchor;
  });
  return id == 0 ? nullptr : find(id);
}

CsObject* ConnectorSpace::find_by_dn(std::string_view dn) {
  std::string& key = query_key_buffer();
  dn_key_into(dn, key);
  return find_by_dn_key(key);
}

CsObject* ConnectorSpace::find_by_dn_key(std::string_view key) {
  uint64_t id = by_dn.find(dn_key_hash(key), [&](uint64_t candidate) { return has_dn_key(find(candidate), key); });
  return id == 0 ? nullptr : find(id);
}

void ConnectorSpace::index(const CsObject& o) {
  if (o.dn.empty()) {
    index_with_key(o, {});
    return;
  }
  std::string& key = query_key_buffer();
  dn_key_into(o.dn, key);
  index_with_key(o, key);
}

void ConnectorSpace::index_with_key(const CsObject& o, std::string_view key) {
  if (!o.anchor.empty())
    by_anchor.assign(anchor_hash(o.anchor), o.id, [&](uint64_t other) {
      const CsObject* x = find(other);
      return x != nullptr && x->anchor == o.anchor;
    });
  if (!o.dn.empty())
    by_dn.assign(dn_key_hash(key), o.id, [&](uint64_t other) { return has_dn_key(find(other), key); });
}

void ConnectorSpace::unindex(const CsObject& o) {
  // Only the entries of `o` itself: an entry for the same key that another object holds stays.
  if (!o.anchor.empty()) by_anchor.erase(anchor_hash(o.anchor), o.id);
  if (!o.dn.empty()) {
    std::string& key = query_key_buffer();
    dn_key_into(o.dn, key);
    by_dn.erase(dn_key_hash(key), o.id);
  }
}

void ConnectorSpace::reindex(const CsObject& o, std::string_view old_anchor, std::string_view old_dn) {
  if (!old_anchor.empty()) by_anchor.erase(anchor_hash(old_anchor), o.id);
  if (!old_dn.empty()) {
    std::string& key = query_key_buffer();
    dn_key_into(old_dn, key);
    by_dn.erase(dn_key_hash(key), o.id);
  }
  index(o);
}

// ---- SyncState ----

Result<std::unique_ptr<SyncState>> SyncState::load(Store& store) {
  auto state = std::make_unique<SyncState>();
  // Taken first: a change committed while loading makes the state not current.
  auto marker = store.change_marker();
  if (!marker.ok()) return marker.status();
  state->marker_ = *marker;
  IDSYNC_RETURN_IF_ERROR(store.load_attributes(state->attrs_));
  state->saved_attr_count_ = state->attrs_.size();

  auto meta = store.get_setting("metaverse");
  if (!meta.ok()) return meta.status();
  if (meta->has_value()) {
    auto parsed = parse_configuration(**meta);
    if (!parsed.ok()) return parsed.status().with_context("store setting 'metaverse'");
    state->config_.metaverse = std::move(parsed->metaverse);
    state->config_.global_parameters = std::move(parsed->global_parameters);
  }
  for (const char* key : {"next_cs_id", "next_mv_id"}) {
    auto v = store.get_setting(key);
    if (!v.ok()) return v.status();
    uint64_t n = v->has_value() ? std::stoull(**v) : 1;
    (std::string(key) == "next_cs_id" ? state->next_cs_id_ : state->next_mv_id_) = n;
  }

  auto connectors = store.load_connectors();
  if (!connectors.ok()) return connectors.status();
  for (const ConnectorRow& row : *connectors) {
    auto def = parse_connector_json(row.json);
    if (!def.ok()) return def.status().with_context("connector '" + row.name + "' in the store");
    auto space = std::make_unique<ConnectorSpace>();
    space->id = row.id;
    space->def = std::move(def).value();
    // Intern the connector's declared attributes so that types are known before any import.
    for (const SchemaAttribute& a : space->def.schema.attributes)
      state->attrs_.intern(space->id, a.name, a.type, a.multi_valued);
    state->config_.connectors.push_back(space->def);
    ConnectorSpace* raw = space.get();
    state->spaces_.push_back(std::move(space));
    ColdBatch cold(*raw);  // the store hands out plain sets: frozen as they come, a batch at a time
    IDSYNC_RETURN_IF_ERROR(store.load_cs(row.id, [&](CsObject&& o) {
      raw->index(o);
      if (o.mv == 0) raw->disconnectors.insert(o.id);
      if (o.pending_import != PendingImportKind::kNone || o.unresolved_refs) raw->sync_candidates.insert(o.id);
      if (!o.pending_export.empty()) raw->pending_exports.insert(o.id);
      CsId id = o.id;
      MvId mv = o.mv;
      cold.add(raw->objects.emplace(id, std::move(o)));
      if (mv != 0) state->links_for(mv).emplace_back(raw->id, id);
      return Status::Ok();
    }));
    cold.flush();
  }
  for (const SchemaAttribute& a : state->config_.metaverse.attributes) state->attrs_.intern(a.name, a.type, a.multi_valued);

  IDSYNC_RETURN_IF_ERROR(state->load_rules(store));
  MvColdBatch mv_cold(*state);  // plain from the store: frozen as they come, a batch at a time
  IDSYNC_RETURN_IF_ERROR(store.load_mv([&](MvObject&& o) {
    MvId id = o.id;
    state->add_to_join_index(o);
    mv_cold.add(state->mv_.emplace(id, std::move(o)));
    return Status::Ok();
  }));
  mv_cold.flush();
  // Links come from CS objects in id order per connector; keep a stable order for determinism.
  for (auto& list : state->links_) std::sort(list.begin(), list.end());
  // Every list the saved link-check notes name was seen linked when this store was written.
  auto notes = store.get_setting(Store::kLinkChecksSetting);
  if (!notes.ok()) return notes.status();
  if (notes->has_value()) state->seed_link_checks(**notes);
  return state;
}

Status SyncState::load_rules(Store& store) {
  auto rows = store.load_rules();
  if (!rows.ok()) return rows.status();
  size_t order = 0;
  for (const RuleRow& row : *rows) {
    auto rule = parse_rule_json(row.json);
    if (!rule.ok()) return rule.status().with_context("rule " + row.id + " in the store");
    config_.rules.push_back(*rule);
    ConnectorSpace* cs = space(rule->connector);
    if (cs == nullptr)
      return Status::Error(ErrorCode::kInvalidArgument,
                           "rule '" + rule->name + "' names connector '" + rule->connector + "', which does not exist");
    SchemaView cs_view{"connector '" + cs->def.name + "'", &cs->def.schema, cs->id};
    SchemaView mv_view{"the metaverse", &config_.metaverse, kMetaverseSpace};
    bool inbound = rule->direction == Direction::kInbound;
    auto compiled = compile_rule(*rule, order++, cs->id, inbound ? cs_view : mv_view, inbound ? mv_view : cs_view, attrs_);
    if (!compiled.ok()) return compiled.status();
    // Parameters visible to this rule's expressions: global ones, then the connector's own.
    for (const auto& [k, v] : config_.global_parameters) compiled->parameters.emplace_back(k, v);
    for (const auto& [k, v] : cs->def.parameters) compiled->parameters.emplace_back(k, v);
    compiled->parameters.emplace_back("Connector.ID", cs->def.id);
    for (const auto& group : compiled->joins)
      for (const CompiledJoinCondition& j : group) {
        if (j.mv_attr >= join_attr_kind_.size()) join_attr_kind_.resize(size_t{j.mv_attr} + 1, kNotJoin);
        join_attr_kind_[j.mv_attr] = j.case_sensitive ? kJoinCaseSensitive : kJoinCaseInsensitive;
      }
    rules_.push_back(std::move(compiled).value());
  }
  return Status::Ok();
}

Status SyncState::save(Store& store, const std::map<std::string, std::string>& settings) {
  IDSYNC_RETURN_IF_ERROR(store.begin());
  Status body = write(store, settings);
  if (!body.ok()) {
    store.rollback();
    return body;
  }
  IDSYNC_RETURN_IF_ERROR(store.commit());
  auto marker = store.change_marker();
  if (!marker.ok()) return marker.status();
  marker_ = *marker;
  saved_attr_count_ = attrs_.size();
  dirty_cs_.clear();
  removed_cs_.clear();
  dirty_mv_.clear();
  removed_mv_.clear();
  return Status::Ok();
}

Status SyncState::write(Store& store, const std::map<std::string, std::string>& settings) {
    if (attrs_.size() != saved_attr_count_) IDSYNC_RETURN_IF_ERROR(store.save_attributes(attrs_));
    // Rewriting a large part of the connector spaces (a full import or full sync) is far
    // cheaper with the secondary indexes dropped and rebuilt in one sorted pass at commit
    // than with five index entries maintained per row (ARCHITECTURE.md "Floors").
    size_t cs_rows = 0;
    for (const auto& space : spaces_) cs_rows += space->objects.size();
    size_t cs_writes = dirty_cs_.size() + removed_cs_.size();
    if (cs_writes >= kBulkLoadMinRows && cs_writes * 4 >= cs_rows) IDSYNC_RETURN_IF_ERROR(store.begin_bulk_load());
    for (const auto& [id, connector] : removed_cs_) IDSYNC_RETURN_IF_ERROR(store.delete_cs(id));
    std::vector<const CsObject*> cs_rows_to_write;  // in id order; encoded in parallel by the store
    for (CsId id : dirty_cs_) {
      if (removed_cs_.count(id)) continue;
      for (auto& space : spaces_) {
        if (const CsObject* o = space->find(id)) {
          cs_rows_to_write.push_back(o);
          break;
        }
      }
    }
    IDSYNC_RETURN_IF_ERROR(store.put_cs_many(cs_rows_to_write));
    for (MvId id : removed_mv_) IDSYNC_RETURN_IF_ERROR(store.delete_mv(id));
    std::vector<const MvObject*> mv_rows_to_write;
    for (MvId id : dirty_mv_) {
      if (const MvObject* o = mv_.find(id)) mv_rows_to_write.push_back(o);
    }
    IDSYNC_RETURN_IF_ERROR(store.put_mv_many(mv_rows_to_write));
    IDSYNC_RETURN_IF_ERROR(store.put_setting("next_cs_id", std::to_string(next_cs_id_)));
    IDSYNC_RETURN_IF_ERROR(store.put_setting("next_mv_id", std::to_string(next_mv_id_)));
    // Always written, so that notes an unlink in this state outdated never outlive it.
    IDSYNC_RETURN_IF_ERROR(store.put_setting(Store::kLinkChecksSetting, saved_link_checks()));
    for (const auto& [k, v] : settings) IDSYNC_RETURN_IF_ERROR(store.put_setting(k, v));
    return Status::Ok();
}

std::string SyncState::saved_link_checks() const {
  return link_checks_.saved([&](const LinkChecks::Key& key) -> size_t {
    const MvObject* o = mv_.find(key.mv);
    AttributeSet scratch;  // noted lists are long ones: their sets stay plain, no thaw
    return o == nullptr ? 0 : o->attributes.view(scratch).get(key.attr).size();
  });
}

void SyncState::seed_link_checks(std::string_view saved) {
  link_checks_.seed(saved, [&](const LinkChecks::Key& key) {
    const ConnectorSpace* s = nullptr;
    for (const auto& space : spaces_)
      if (space->id == key.connector) s = space.get();
    const MvObject* o = mv_.find(key.mv);
    AttributeSet scratch;
    return s != nullptr && o != nullptr && o->attributes.view(scratch).has(key.attr);
  });
}

bool SyncState::is_current(Store& store) const {
  if (!dirty_cs_.empty() || !removed_cs_.empty() || !dirty_mv_.empty() || !removed_mv_.empty()) return false;
  if (attrs_.size() != saved_attr_count_) return false;
  auto marker = store.change_marker();
  return marker.ok() && *marker == marker_;
}

ConnectorSpace* SyncState::space(std::string_view name) {
  for (auto& s : spaces_)
    if (iequals(s->def.name, name)) return s.get();
  return nullptr;
}

ConnectorSpace* SyncState::space(ConnectorId id) {
  for (auto& s : spaces_)
    if (s->id == id) return s.get();
  return nullptr;
}

std::vector<ConnectorSpace*> SyncState::spaces() {
  std::vector<ConnectorSpace*> out;
  for (auto& s : spaces_) out.push_back(s.get());
  return out;
}

void SyncState::mark_cs(const CsObject& o) {
  dirty_cs_.insert(o.id);
  for (auto& s : spaces_)
    if (s->id == o.connector) {
      s->sync_candidates.insert(o.id);
      if (o.pending_export.empty()) {
        s->pending_exports.erase(o.id);
      } else {
        s->pending_exports.insert(o.id);
      }
      return;
    }
}

std::vector<CsId> SyncState::take_sync_candidates(ConnectorSpace& space) {
  std::vector<CsId> out;
  out.reserve(space.sync_candidates.size());
  out.assign(space.sync_candidates.begin(), space.sync_candidates.end());  // ascending, unique
  space.sync_candidates.clear();
  return out;
}

CsObject& SyncState::new_cs_object(ConnectorSpace& space) {
  CsId id = next_cs_id_++;
  CsObject& o = space.objects[id];
  o.id = id;
  o.connector = space.id;
  space.disconnectors.insert(id);
  mark_cs(o);
  return o;
}

void SyncState::remove_cs(ConnectorSpace& space, CsId id) {
  CsObject* o = space.find(id);
  if (o == nullptr) return;
  if (o->mv != 0) unlink(*o);
  space.unindex(*o);
  space.disconnectors.erase(id);
  space.pending_exports.erase(id);
  space.objects.erase(id);
  dirty_cs_.erase(id);
  removed_cs_[id] = space.id;
}

MvObject* SyncState::mv(MvId id) { return mv_.find(id); }

std::vector<std::pair<ConnectorId, CsId>>& SyncState::links_for(MvId id) {
  if (id >= links_.size()) links_.resize(std::max<size_t>(id + 1, next_mv_id_));
  return links_[id];
}

MvObject& SyncState::new_mv_object(const std::string& object_type) {
  MvId id = next_mv_id_++;
  MvObject& o = mv_[id];
  o.id = id;
  o.object_type = object_type;
  dirty_mv_.insert(id);
  return o;
}

void SyncState::remove_mv(MvId id) {
  MvObject* o = mv_.find(id);
  if (o == nullptr) return;
  remove_from_join_index(*o);
  link_checks_.unlinked(id, 0, mv_.size());
  link_checks_.forget(id);
  mv_.erase(id);
  if (id < links_.size()) std::vector<std::pair<ConnectorId, CsId>>().swap(links_[id]);
  dirty_mv_.erase(id);
  removed_mv_.insert(id);
}

const std::vector<std::pair<ConnectorId, CsId>>& SyncState::links(MvId id) const {
  static const std::vector<std::pair<ConnectorId, CsId>> kNone;
  return id < links_.size() ? links_[id] : kNone;
}

void SyncState::link(CsObject& cs, MvId mv) {
  if (cs.mv == mv) return;
  if (cs.mv != 0) unlink(cs);
  cs.mv = mv;
  if (ConnectorSpace* s = space(cs.connector)) s->disconnectors.erase(cs.id);
  auto& list = links_for(mv);
  list.emplace_back(cs.connector, cs.id);
  std::sort(list.begin(), list.end());
  mark_cs(cs);
}

void SyncState::unlink(CsObject& cs) {
  if (cs.mv == 0) return;
  link_checks_.unlinked(cs.mv, cs.connector, mv_.size());
  if (cs.mv < links_.size()) {
    auto& list = links_[cs.mv];
    list.erase(std::remove(list.begin(), list.end(), std::make_pair(cs.connector, cs.id)), list.end());
    if (list.empty()) std::vector<std::pair<ConnectorId, CsId>>().swap(list);
  }
  cs.mv = 0;
  if (ConnectorSpace* s = space(cs.connector)) s->disconnectors.insert(cs.id);
  mark_cs(cs);
}

namespace {

// XXH3 of join_key(attr, value, case_sensitive), built in a per-thread buffer.
uint64_t join_hash(AttrId attr, std::string_view value, bool case_sensitive) {
  thread_local std::string key;
  join_key_into(attr, value, case_sensitive, key);
  return XXH3_64bits(key.data(), key.size());
}

}  // namespace

void SyncState::add_to_join_index(const MvObject& o) {
  AttributeSet scratch;
  for (const AttrEntry a : o.attributes.view(scratch).items()) {
    if (!is_join_attribute(a.id)) continue;
    bool cs = join_case_sensitive(a.id);
    for (std::string_view v : a.values) join_index_.add(join_hash(a.id, v, cs), o.id);
  }
}

void SyncState::remove_from_join_index(const MvObject& o) {
  AttributeSet scratch;
  for (const AttrEntry a : o.attributes.view(scratch).items()) {
    if (!is_join_attribute(a.id)) continue;
    bool cs = join_case_sensitive(a.id);
    for (std::string_view v : a.values) join_index_.erase(join_hash(a.id, v, cs), o.id);
  }
}

void SyncState::join_hashes(const AttributeSet& attributes, std::vector<uint64_t>& out) const {
  out.clear();
  for (const AttrEntry a : attributes.items()) {
    if (!is_join_attribute(a.id)) continue;
    bool cs = join_case_sensitive(a.id);
    for (std::string_view v : a.values) out.push_back(join_hash(a.id, v, cs));
  }
}

void SyncState::rejoin_index(MvId id, const std::vector<uint64_t>& before, const std::vector<uint64_t>& after) {
  for (uint64_t hash : before) join_index_.erase(hash, id);
  for (uint64_t hash : after) join_index_.add(hash, id);
}

void SyncState::index_mv_attributes(const MvObject& before, const MvObject& after) {
  remove_from_join_index(before);
  add_to_join_index(after);
}

void SyncState::join_candidates(AttrId mv_attr, std::string_view value, bool case_sensitive,
                                std::vector<MvId>& out) const {
  std::string key = join_key(mv_attr, value, case_sensitive);
  uint64_t hash = XXH3_64bits(key.data(), key.size());
  bool indexed_case = join_case_sensitive(mv_attr);
  thread_local std::string candidate_key;
  thread_local AttributeSet scratch;  // a candidate's set, thawed once for its values
  join_index_.for_each(hash, [&](uint64_t id) {
    const MvObject* mv = mv_.find(id);
    if (mv == nullptr) return;
    const ValuesView values = mv->attributes.view(scratch).get(mv_attr);
    for (std::string_view v : values) {
      join_key_into(mv_attr, v, indexed_case, candidate_key);
      if (candidate_key == key) {
        out.push_back(id);
        break;
      }
    }
  });
}

}  // namespace idsync
