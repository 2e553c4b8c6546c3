// SyncState: the whole server in memory for one run — connector spaces, metaverse, compiled
// rules and the indexes that join and reference resolution need — loaded from the store at the
// start of a run and written back (only what changed) at the end of each step.
//
// Objects are kept by id in ObjectTables whose slots never move, so pointers stay valid while a
// step adds objects elsewhere; DN, anchor and join indexes are IdHashIndexes (hash → id,
// checked against the object's own key). Every change goes through mark_*() so save() writes exactly the
// changed rows in one transaction.
#pragma once

#include <iterator>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "idsync/configuration.h"
#include "idsync/run_result.h"
#include "model/attribute_table.h"
#include "model/objects.h"
#include "model/set_codec.h"
#include "rules/compiled_rule.h"
#include "store/store.h"
#include "sync/id_hash_index.h"
#include "sync/id_set.h"
#include "sync/link_checks.h"
#include "sync/object_table.h"

namespace idsync {

// The key under which a DN is indexed: RFC 4514 normalized (case-insensitive).
std::string dn_key(std::string_view dn);
// The same into `out` (replaced; its capacity reused): no allocation for the common DN.
void dn_key_into(std::string_view dn, std::string& out);
// The hash under which ConnectorSpace::by_dn files a DN: XXH3 of dn_key(dn).
uint64_t dn_key_hash(std::string_view key);
// dn_key(a) == dn_key(b), without allocating; the same spelling up to ASCII case decides at once.
bool same_dn_key(std::string_view a, std::string_view b);

struct ConnectorSpace {
  ConnectorId id = 0;
  ConnectorDefinition def;
  // The codecs of this space's cold attribute sets (model/cold_set.h, sync/cold_pass.h), the
  // newest last (the one new sets are frozen with). Declared before the objects, so that they
  // are destroyed after them: a cold set never outlives its codec. Read-only while a freeze
  // pass or any step runs; only the cold pass adds one, before it freezes anything.
  std::vector<std::unique_ptr<SetCodec>> set_codecs;
  size_t codec_samples = 0;  // sets the newest training looked at (0: never tried)
  // The same for the changes of cold pending exports (model/cold_changes.h): a PendingChanges
  // block is laid out unlike an AttributeSet block, so it has a dictionary of its own, trained
  // on pending-export blocks.
  std::vector<std::unique_ptr<SetCodec>> pending_codecs;
  size_t pending_codec_samples = 0;
  ObjectTable<CsObject> objects;
  IdHashIndex by_anchor;  // XXH3 of the anchor bytes → id
  IdHashIndex by_dn;      // dn_key_hash(dn_key(dn)) → id
  // Objects joined to no metaverse object (cs.mv == 0), kept by SyncState::link / unlink /
  // new_cs_object / remove_cs, so that an outbound join looks only at these instead of
  // scanning the whole space in every delta synchronization.
  IdSet disconnectors;
  // Every object marked changed since the last synchronization of this space: a superset of
  // those a delta synchronization must look at (a pending import or an unresolved reference).
  // Lets a delta synchronization cost O(changes), not O(objects). A bitmap: a mark is one bit,
  // however often an object is marked (a full sync marks every object it provisions twice).
  IdSet sync_candidates;
  // Objects whose pending export is not empty, kept by SyncState::mark_cs / remove_cs and
  // rebuilt on load, so that an export visits only them: O(pending exports), not O(objects).
  // A pending export is always changed together with mark_cs (or it would not be saved).
  IdSet pending_exports;

  // Lookups are safe from many threads while nothing is indexed, unindexed, added or removed.
  CsObject* find(CsId id) { return objects.find(id); }
  const CsObject* find(CsId id) const { return objects.find(id); }
  CsObject* find_by_anchor(std::string_view anchor);
  CsObject* find_by_dn(std::string_view dn);
  // The same with `key` = dn_key(dn) already at hand.
  CsObject* find_by_dn_key(std::string_view key);
  // find_by_dn of every DN in `dns` (a range of strings), calling fn(object or nullptr) in
  // order. Long lists (a group's members) are looked up in batches whose memory reads overlap
  // (prefetched in rounds: index slot, object, DN text), since each lookup would otherwise wait
  // for three or four cache misses in turn once the space outgrows the caches. The answers are
  // find_by_dn's: the prefetches are hints only.
  template <class Range, class Fn>
  void find_many_by_dn(const Range& dns, Fn&& fn);
  // Re-indexes after the anchor or DN of `o` changed (old values given).
  void reindex(const CsObject& o, std::string_view old_anchor, std::string_view old_dn);
  void index(const CsObject& o);
  // The same with `key` = dn_key(o.dn) already at hand.
  void index_with_key(const CsObject& o, std::string_view key);
  void unindex(const CsObject& o);
};

template <class Range, class Fn>
void ConnectorSpace::find_many_by_dn(const Range& dns, Fn&& fn) {
  constexpr size_t kBatch = 16;
  thread_local std::string keys[kBatch];
  auto it = std::begin(dns);
  const auto end = std::end(dns);
  while (it != end) {
    size_t n = 0;
    for (auto at = it; at != end && n < kBatch; ++at, ++n) {
      dn_key_into(*at, keys[n]);
      by_dn.prefetch(dn_key_hash(keys[n]));
    }
    if (n > 1) {
      const CsObject* found[kBatch];
      for (size_t i = 0; i < n; ++i) {
        found[i] = find(by_dn.first(dn_key_hash(keys[i])));
        if (found[i] != nullptr) __builtin_prefetch(found[i]);
      }
      for (size_t i = 0; i < n; ++i)
        if (found[i] != nullptr) __builtin_prefetch(found[i]->dn.data());
    }
    for (size_t i = 0; i < n; ++i, ++it) fn(find_by_dn_key(keys[i]));
  }
}

// What the last synchronization step looked at, so that tests can prove a delta
// synchronization costs O(changes) — without timing it.
struct SyncStatistics {
  uint64_t cs_examined = 0;                // connector space objects in the inbound work list
  uint64_t mv_recomputed = 0;              // metaverse objects recomputed from their sources
  uint64_t outbound_planned = 0;           // (metaverse object, target) pending exports computed
  uint64_t reference_values_resolved = 0;  // reference values mapped DN → metaverse or back
  uint64_t reference_values_carried = 0;   // reference values kept without being resolved again
  uint64_t reference_values_checked = 0;   // carried values checked to be still linked (id lookup)
};

// What the last export step looked at, for the same purpose: an export costs O(pending exports).
struct ExportStatistics {
  uint64_t cs_examined = 0;  // connector space objects the export looked at
};

class SyncState {
 public:
  // Loads configuration, rules, connector spaces and the metaverse from `store`.
  static Result<std::unique_ptr<SyncState>> load(Store& store);

  // Writes what changed since the last save, in one transaction, together with `settings`.
  Status save(Store& store, const std::map<std::string, std::string>& settings = {});
  // The same writes inside a transaction the caller holds (no commit, no bookkeeping reset).
  Status write(Store& store, const std::map<std::string, std::string>& settings = {});

  // True when nothing changed the store since this state was loaded or last saved, and the
  // state holds no unsaved change: a server may then keep it for the next run instead of
  // loading the whole store again (which costs O(objects)).
  bool is_current(Store& store) const;

  AttributeTable& attrs() { return attrs_; }
  const Configuration& configuration() const { return config_; }
  ConnectorSpace* space(std::string_view connector_name);
  ConnectorSpace* space(ConnectorId id);
  std::vector<ConnectorSpace*> spaces();
  const std::vector<CompiledRule>& rules() const { return rules_; }

  // Connector spaces.
  CsObject& new_cs_object(ConnectorSpace& space);
  void mark_cs(const CsObject& o);
  // The ids a delta synchronization of `space` must consider (sorted, unique; a superset of
  // the objects with a pending import or unresolved references), and forgets them.
  std::vector<CsId> take_sync_candidates(ConnectorSpace& space);
  void remove_cs(ConnectorSpace& space, CsId id);

  // Metaverse.
  MvObject* mv(MvId id);
  MvObject& new_mv_object(const std::string& object_type);
  void mark_mv(MvId id) { dirty_mv_.insert(id); }
  void remove_mv(MvId id);
  const ObjectTable<MvObject>& metaverse() const { return mv_; }
  // The codecs of the metaverse's cold attribute sets (sync/mv_cold_pass.h), the newest last;
  // as ConnectorSpace::set_codecs: read-only while a step runs, only the cold pass adds one.
  std::vector<std::unique_ptr<SetCodec>>& mv_set_codecs() { return mv_set_codecs_; }
  size_t& mv_codec_samples() { return mv_codec_samples_; }
  // CS objects linked to an MV object, as (connector, cs id), in link order. Lists live in a
  // vector by MV id: the reference is valid until the next link() / unlink() (which may grow
  // it), so copy the list before linking while iterating.
  const std::vector<std::pair<ConnectorId, CsId>>& links(MvId id) const;
  void link(CsObject& cs, MvId mv);
  void unlink(CsObject& cs);

  // Join index over the MV attributes that any join condition uses: XXH3 of the normalized
  // join value (join_key) → MV ids. Read-only lookups are safe from many threads while no
  // index_mv_attributes / remove_mv runs (the parallel sync phases only read it).
  void index_mv_attributes(const MvObject& before, const MvObject& after);
  // The same for a change made in place: unindex before changing `o`, reindex after.
  void unindex_mv_attributes(const MvObject& o) { remove_from_join_index(o); }
  void reindex_mv_attributes(const MvObject& o) { add_to_join_index(o); }
  // Appends to `out` the MV objects whose `mv_attr` holds `value` (normalized as join_key
  // does with `case_sensitive`). A hash collision never yields a wrong candidate: each one is
  // checked against the MV object's values. Duplicates are possible; callers dedupe.
  void join_candidates(AttrId mv_attr, std::string_view value, bool case_sensitive, std::vector<MvId>& out) const;
  // The join index entries of a metaverse object with `attributes`, into `out` (replaced), in
  // the order add_to_join_index makes them. Read-only: safe from many threads, so the parallel
  // part of a sync computes them and the serial part only calls rejoin_index.
  void join_hashes(const AttributeSet& attributes, std::vector<uint64_t>& out) const;
  // Replaces the join index entries of `id`: those in `before` (its entries, as join_hashes gave
  // them for its attributes until now) go, those in `after` come. The same as unindexing the old
  // attributes and reindexing the new ones.
  void rejoin_index(MvId id, const std::vector<uint64_t>& before, const std::vector<uint64_t>& after);
  bool is_join_attribute(AttrId id) const { return id < join_attr_kind_.size() && join_attr_kind_[id] != kNotJoin; }

  // When the carried values of a reference list were last seen linked (sync/link_checks.h);
  // unlink() and remove_mv() move its generation.
  LinkChecks& link_checks() { return link_checks_; }
  const LinkChecks& link_checks() const { return link_checks_; }

  // Filled by each run_sync.
  SyncStatistics& sync_statistics() { return sync_statistics_; }
  // Filled by each run_export.
  ExportStatistics& export_statistics() { return export_statistics_; }

 private:
  friend class StateMemoryWalker;  // sync/state_memory.cc: reads the containers to sum their memory
  Status load_rules(Store& store);
  void add_to_join_index(const MvObject& o);
  void remove_from_join_index(const MvObject& o);
  bool join_case_sensitive(AttrId id) const { return id < join_attr_kind_.size() && join_attr_kind_[id] == kJoinCaseSensitive; }
  // The link-check notes worth saving (sync/link_checks.h), and seeding them at load.
  std::string saved_link_checks() const;
  void seed_link_checks(std::string_view saved);
  // The link list of `id`, grown to hold it.
  std::vector<std::pair<ConnectorId, CsId>>& links_for(MvId id);

  Configuration config_;
  Store::ChangeMarker marker_;  // the store's marker when loaded or last saved
  AttributeTable attrs_;
  size_t saved_attr_count_ = 0;
  std::vector<std::unique_ptr<ConnectorSpace>> spaces_;
  // Declared before the metaverse, so that they are destroyed after it: a cold set never
  // outlives its codec.
  std::vector<std::unique_ptr<SetCodec>> mv_set_codecs_;
  size_t mv_codec_samples_ = 0;  // sets the newest training looked at (0: never tried)
  ObjectTable<MvObject> mv_;
  std::vector<std::vector<std::pair<ConnectorId, CsId>>> links_;  // by MV id
  std::vector<CompiledRule> rules_;
  // By attribute id: whether a join condition uses it, and how it compares. A flat table: the
  // join index is kept for every attribute of every metaverse object a sync changes.
  enum JoinAttrKind : uint8_t { kNotJoin, kJoinCaseInsensitive, kJoinCaseSensitive };
  std::vector<JoinAttrKind> join_attr_kind_;
  IdHashIndex join_index_;  // XXH3 of join_key → MV id (a multimap)
  uint64_t next_cs_id_ = 1;
  uint64_t next_mv_id_ = 1;
  IdSet dirty_cs_;
  std::map<CsId, ConnectorId> removed_cs_;
  IdSet dirty_mv_;
  IdSet removed_mv_;
  LinkChecks link_checks_;
  SyncStatistics sync_statistics_;
  ExportStatistics export_statistics_;
};

}  // namespace idsync
