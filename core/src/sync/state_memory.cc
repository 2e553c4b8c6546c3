#include "sync/state_memory.h"

#include <cstdio>

#include "sync/sync_state.h"

namespace idsync {

namespace {

// std::set / std::map nodes: three pointers and a colour word, then the value.
template <typename Tree>
uint64_t tree_bytes(const Tree& t, size_t value_size) {
  return t.size() * heap_block_estimate(4 * sizeof(void*) + value_size);
}

}  // namespace

// Friend of SyncState: reads its private containers.
class StateMemoryWalker {
 public:
  static StateMemory walk(const SyncState& s) {
    StateMemory out;
    for (const auto& space : s.spaces_) walk_space(*space, out);
    MemoryRow mv{"metaverse: objects (nodes, type)", s.mv_.size(), {}};
    MemoryRow attrs{"metaverse: attributes", s.mv_.size(), {}};
    mv.bytes.allocated = s.mv_.memory_bytes();
    // The object type is an interned name: one shared copy per type, nothing per object.
    // A cold set counts its compressed block; its payload and values are those it holds.
    for (const auto& [id, o] : s.mv_) attrs.bytes += heap_bytes(o.attributes);
    MemoryRow codecs{"metaverse: cold set codecs (zstd dictionaries)", s.mv_set_codecs_.size(), {}};
    for (const auto& codec : s.mv_set_codecs_) codecs.bytes.allocated += codec->heap_bytes();
    MemoryRow links{"metaverse: links to CS objects", s.mv_.size(), {}};
    links.bytes.allocated = s.links_.capacity() * sizeof(s.links_[0]);
    for (const auto& list : s.links_)
      if (list.capacity() != 0) links.bytes.allocated += heap_block_size(list.data());
    MemoryRow join{"metaverse: join index", s.join_index_.size(), {}};
    join.bytes.allocated = s.join_index_.memory_bytes();
    MemoryRow dirty{"unsaved change marks (dirty / removed sets)",
                    s.dirty_cs_.size() + s.removed_cs_.size() + s.dirty_mv_.size() + s.removed_mv_.size(), {}};
    dirty.bytes.allocated = s.dirty_cs_.memory_bytes() + tree_bytes(s.removed_cs_, 16) + s.dirty_mv_.memory_bytes() +
                            s.removed_mv_.memory_bytes();
    for (auto* row : {&mv, &attrs, &codecs, &links, &join, &dirty}) out.rows.push_back(std::move(*row));
    return out;
  }

 private:
  static void walk_space(const ConnectorSpace& space, StateMemory& out) {
    const std::string p = "cs " + space.def.name + ": ";
    size_t n = space.objects.size();
    MemoryRow objects{p + "objects (nodes, anchor, DN, type, error)", n, {}};
    MemoryRow hologram{p + "hologram", n, {}};
    MemoryRow import_state{p + "pending import state", 0, {}};
    MemoryRow pending{p + "pending export", 0, {}};
    MemoryRow unconfirmed{p + "unconfirmed exports", 0, {}};
    objects.bytes.allocated = space.objects.memory_bytes();
    for (const auto& [id, o] : space.objects) {
      // The object's own strings are not attribute values. The type is interned (no block);
      // a GUID-sized anchor is inline; the DN and the rarely set strings have a block each.
      HeapBytes b = heap_bytes(o.anchor);
      for (const CompactString* s : {&o.dn, &o.import_dn, &o.error, &o.pending_export.new_dn}) b += heap_bytes(*s);
      b.values = 0;
      objects.bytes += b;
      hologram.bytes += heap_bytes(o.hologram);
      HeapBytes staged = heap_bytes(o.import_state);
      if (staged.allocated != 0) ++import_state.count;
      import_state.bytes += staged;
      HeapBytes pe = heap_bytes(o.pending_export.changes);  // the rename target: with the strings
      if (pe.allocated != 0 || !o.pending_export.empty()) ++pending.count;
      pending.bytes += pe;
      HeapBytes u = heap_bytes(o.unconfirmed);
      if (u.allocated != 0) ++unconfirmed.count;
      unconfirmed.bytes += u;
    }
    MemoryRow by_anchor{p + "anchor index", space.by_anchor.size(), {}};
    by_anchor.bytes.allocated = space.by_anchor.memory_bytes();
    MemoryRow by_dn{p + "DN index", space.by_dn.size(), {}};
    by_dn.bytes.allocated = space.by_dn.memory_bytes();
    MemoryRow codecs{p + "cold set codecs (zstd dictionaries)", space.set_codecs.size(), {}};
    for (const auto& codec : space.set_codecs) codecs.bytes.allocated += codec->heap_bytes();
    MemoryRow pending_codecs{p + "cold pending export codecs (zstd dictionaries)", space.pending_codecs.size(), {}};
    for (const auto& codec : space.pending_codecs) pending_codecs.bytes.allocated += codec->heap_bytes();
    MemoryRow lists{p + "disconnectors and sync candidates", space.disconnectors.size() + space.sync_candidates.size(), {}};
    lists.bytes.allocated = space.disconnectors.memory_bytes() + space.sync_candidates.memory_bytes();
    for (auto* row : {&objects, &hologram, &import_state, &pending, &unconfirmed, &codecs, &pending_codecs, &by_anchor,
                      &by_dn, &lists})
      out.rows.push_back(std::move(*row));
  }
};

StateMemory measure_state_memory(const SyncState& state) { return StateMemoryWalker::walk(state); }

uint64_t StateMemory::total_allocated() const {
  uint64_t n = 0;
  for (const auto& r : rows) n += r.bytes.allocated;
  return n;
}

uint64_t StateMemory::total_payload() const {
  uint64_t n = 0;
  for (const auto& r : rows) n += r.bytes.payload;
  return n;
}

const MemoryRow* StateMemory::find(const std::string& name) const {
  for (const auto& r : rows)
    if (r.name == name) return &r;
  return nullptr;
}

std::string StateMemory::table() const {
  std::string out;
  char line[256];
  double total = static_cast<double>(total_allocated());
  std::snprintf(line, sizeof line, "  %-52s %9s %10s %8s %9s %9s %6s\n", "structure", "entries", "values", "MB",
                "data MB", "slack MB", "share");
  out += line;
  uint64_t values = 0, slack = 0;
  for (const auto& r : rows) {
    values += r.bytes.values;
    slack += r.bytes.slack;
    std::snprintf(line, sizeof line, "  %-52s %9llu %10llu %8.1f %9.1f %9.1f %5.1f%%\n", r.name.c_str(),
                  static_cast<unsigned long long>(r.count), static_cast<unsigned long long>(r.bytes.values),
                  static_cast<double>(r.bytes.allocated) / 1e6, static_cast<double>(r.bytes.payload) / 1e6,
                  static_cast<double>(r.bytes.slack) / 1e6,
                  total > 0 ? 100.0 * static_cast<double>(r.bytes.allocated) / total : 0.0);
    out += line;
  }
  std::snprintf(line, sizeof line, "  %-52s %9s %10llu %8.1f %9.1f %9.1f\n", "total", "",
                static_cast<unsigned long long>(values), total / 1e6, static_cast<double>(total_payload()) / 1e6,
                static_cast<double>(slack) / 1e6);
  out += line;
  return out;
}

}  // namespace idsync
