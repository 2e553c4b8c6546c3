#include "model/objects.h"

// Inlined: the short-input path of the per-value chunk boundary hash was a library call per
// value of every huge list encoded (the same function either way, so the same chunks).
#define XXH_INLINE_ALL
#include <xxhash.h>

#include <tbb/parallel_for.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <memory>
#include <unordered_map>

namespace idsync {

const char* pending_import_kind_name(PendingImportKind kind) {
  switch (kind) {
    case PendingImportKind::kNone: return "none";
    case PendingImportKind::kAdd: return "add";
    case PendingImportKind::kUpdate: return "update";
    case PendingImportKind::kDelete: return "delete";
    case PendingImportKind::kDeleteAdd: return "delete-add";
  }
  return "none";
}

const char* pending_export_kind_name(PendingExportKind kind) {
  switch (kind) {
    case PendingExportKind::kNone: return "none";
    case PendingExportKind::kAdd: return "add";
    case PendingExportKind::kUpdate: return "update";
    case PendingExportKind::kDelete: return "delete";
  }
  return "none";
}

const char* connector_state_name(ConnectorState state) {
  switch (state) {
    case ConnectorState::kNormal: return "normal";
    case ConnectorState::kExplicitConnector: return "explicit-connector";
    case ConnectorState::kExplicitDisconnector: return "explicit-disconnector";
    case ConnectorState::kFiltered: return "filtered";
  }
  return "normal";
}

namespace {

void put_varint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

// The length as a varint, then the bytes: one append each (the varint built on the stack),
// since the encoding of a huge list is this call per value.
void put_bytes(std::string& out, std::string_view bytes) {
  char head[10];
  size_t n = 0;
  uint64_t size = bytes.size();
  while (size >= 0x80) {
    head[n++] = static_cast<char>((size & 0x7f) | 0x80);
    size >>= 7;
  }
  head[n++] = static_cast<char>(size);
  out.append(head, n).append(bytes);
}

class Reader {
 public:
  explicit Reader(std::string_view data) : data_(data) {}
  bool varint(uint64_t& v) {
    v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos_ >= data_.size()) return false;
      auto byte = static_cast<unsigned char>(data_[pos_++]);
      v |= static_cast<uint64_t>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) return true;
    }
    return false;
  }
  template <class Str>  // std::string or a compact string (model/compact_string.h)
  bool bytes(Str& out) {
    std::string_view v;
    if (!view(v)) return false;
    out.assign(v);
    return true;
  }
  // A length-prefixed value, in place.
  bool view(std::string_view& out) {
    uint64_t n = 0;
    if (!varint(n) || n > data_.size() - pos_) return false;
    out = data_.substr(pos_, n);
    pos_ += n;
    return true;
  }
  bool done() const { return pos_ == data_.size(); }
  // Bytes left: every encoded value or attribute takes at least one, so a count above this
  // is damage, and reserving min(count, remaining()) is exact for good data and bounded for bad.
  size_t remaining() const { return data_.size() - pos_; }
  bool fixed64(uint64_t& v) {
    if (data_.size() - pos_ < 8) return false;
    v = 0;
    for (int i = 0; i < 8; ++i) v |= static_cast<uint64_t>(static_cast<unsigned char>(data_[pos_ + i])) << (8 * i);
    pos_ += 8;
    return true;
  }

 private:
  std::string_view data_;
  size_t pos_ = 0;
};

void put_set(std::string& out, const AttributeSet& set) {
  put_varint(out, set.size());
  for (const AttrEntry a : set.items()) {
    put_varint(out, a.id);
    put_varint(out, a.values.size());
    for (std::string_view v : a.values) put_bytes(out, v);
  }
}

// The builder is the caller's, reused from set to set, so decoding a set allocates its block
// once and copies each value once, straight from the blob.
bool read_set(Reader& r, AttributeSet& set, AttributeSet::Builder& builder) {
  set.clear();
  uint64_t n = 0;
  if (!r.varint(n)) return false;
  builder.reserve(std::min<uint64_t>(n, r.remaining()));
  for (uint64_t i = 0; i < n; ++i) {
    uint64_t id = 0, count = 0;
    if (!r.varint(id) || !r.varint(count)) return false;
    builder.start(static_cast<AttrId>(id), std::min<uint64_t>(count, r.remaining()));
    for (uint64_t j = 0; j < count; ++j) {
      std::string_view v;
      if (!r.view(v)) return false;
      builder.value(v);
    }
  }
  set = builder.finish();
  return true;
}

bool read_set(Reader& r, AttributeSet& set) {
  thread_local AttributeSet::Builder builder;  // its buffers serve every set this thread loads
  bool ok = read_set(r, set, builder);
  if (!ok) builder.reset();  // drop what a damaged blob left staged
  return ok;
}

Status damaged(const char* what) {
  return Status::Error(ErrorCode::kStoreError,
                       std::string("damaged ") + what +
                           " record in the store; restore the store from a backup or rebuild it "
                           "with an Initial cycle");
}

// Layout 1's value lists: the count, then the values.
struct InlineLists {
  void put_list(std::string& out, ValuesView values) {
    put_varint(out, values.size());
    for (std::string_view v : values) put_bytes(out, v);
  }
  void put_set(std::string& out, const AttributeSet& set) { idsync::put_set(out, set); }
};

// Every field of a CS body after its layout version, in order: hologram, pending import
// (kind, state, dn), pending export (kind, new dn, changes), unconfirmed, flags, error. The
// layouts differ only in how `lists` writes value lists (ChunkWriter for layout 2).
// `sets`: the object's (cold sets and pending changes thawed there, once each: the bytes are
// the plain ones').
template <typename Lists>
void put_cs_fields(std::string& out, const CsObject& o, CsSetsView& sets, Lists& lists) {
  lists.put_set(out, sets.hologram());
  put_varint(out, static_cast<uint64_t>(o.pending_import));
  lists.put_set(out, sets.import_state());
  put_bytes(out, o.import_dn);
  put_varint(out, static_cast<uint64_t>(o.pending_export.kind));
  put_bytes(out, o.pending_export.new_dn);
  const PendingChanges& pending = sets.pending_changes();
  put_varint(out, pending.size());
  for (const PendingChange c : pending) {
    put_varint(out, c.id);
    put_varint(out, static_cast<uint64_t>(c.op));
    lists.put_list(out, c.values);
  }
  lists.put_set(out, sets.unconfirmed());
  put_varint(out, (o.placeholder ? 1u : 0u) | (o.provisioned ? 2u : 0u) | (o.export_error ? 4u : 0u) |
                      (o.unresolved_refs ? 8u : 0u));
  put_bytes(out, o.error);
}

}  // namespace

std::string encode_attribute_set(const AttributeSet& set) {
  std::string out;
  put_set(out, set);
  return out;
}

Status decode_attribute_set(std::string_view blob, AttributeSet& set) {
  Reader r(blob);
  if (!read_set(r, set) || !r.done()) return damaged("attribute set");
  return Status::Ok();
}

// Layout version 1: hologram, pending import (kind, state, dn), pending export (kind, new dn,
// changes), unconfirmed, flags, error.
namespace {

std::string encode_cs_body_with(const CsObject& o, CsSetsView& sets) {
  std::string out;
  put_varint(out, 1);
  InlineLists lists;
  put_cs_fields(out, o, sets, lists);
  return out;
}

}  // namespace

std::string encode_cs_body(const CsObject& o) {
  CsSetsView sets(o);
  return encode_cs_body_with(o, sets);
}

Status decode_cs_body(std::string_view blob, CsObject& o) {
  Reader r(blob);
  uint64_t version = 0, kind = 0, count = 0, flags = 0;
  if (!r.varint(version) || version != 1) return damaged("connector space object");
  if (!read_set(r, o.hologram.plain()) || !r.varint(kind) || kind > 4) return damaged("connector space object");
  o.pending_import = static_cast<PendingImportKind>(kind);
  if (!read_set(r, o.import_state.plain()) || !r.bytes(o.import_dn)) return damaged("connector space object");
  if (!r.varint(kind) || kind > 3) return damaged("connector space object");
  o.pending_export.kind = static_cast<PendingExportKind>(kind);
  if (!r.bytes(o.pending_export.new_dn) || !r.varint(count)) return damaged("connector space object");
  o.pending_export.changes.clear();
  PendingChanges::Builder changes;  // the values go from the blob into the builder, then the block
  for (uint64_t i = 0; i < count; ++i) {
    uint64_t id = 0, op = 0, n = 0;
    if (!r.varint(id) || !r.varint(op) || op > 2 || !r.varint(n)) return damaged("connector space object");
    changes.start(static_cast<AttrId>(id), static_cast<ValueOp>(op), std::min<uint64_t>(n, r.remaining()));
    for (uint64_t j = 0; j < n; ++j) {
      std::string_view v;
      if (!r.view(v)) return damaged("connector space object");
      changes.value(v);
    }
  }
  o.pending_export.changes = changes.finish();
  if (!read_set(r, o.unconfirmed.plain()) || !r.varint(flags) || !r.bytes(o.error) || !r.done())
    return damaged("connector space object");
  o.placeholder = flags & 1;
  o.provisioned = flags & 2;
  o.export_error = flags & 4;
  o.unresolved_refs = flags & 8;
  return Status::Ok();
}

// ---- layout 2 ------------------------------------------------------------------------------

namespace {

// About one value in 512 ends a chunk once it holds kChunkMinBytes: ~30-40 KiB chunks for
// DN-valued members.
constexpr uint64_t kBoundaryMask = 0x1ff;

bool needs_chunks(ValuesView values) { return values.size() >= kChunkedMinValues; }

// Whether two views of huge lists are the same list of one object: the address of the first
// value's bytes tells them apart (a ValueList's string or a place in a packed block).
bool same_list(ValuesView a, ValuesView b) {
  return a.size() == b.size() && !a.empty() && a.front().data() == b.front().data();
}

bool set_needs_chunks(const AttributeSet& set) {
  for (const AttrEntry a : set.items())
    if (needs_chunks(a.values)) return true;
  return false;
}

// One huge list cut into its chunks, in order (a chunk may repeat): each with its hash, and its
// bytes unless `held` (sorted, may be null) lists it. Depends on nothing but its arguments, so
// the lists of one object are cut in parallel.
void cut_list(ValuesView values, const std::vector<uint64_t>* held, std::vector<ValueChunk>& pieces) {
  std::string data;  // only chunks the store lacks are copied out of it
  data.reserve(kChunkMaxBytes + 64 * 1024);
  auto finish = [&] {
    uint64_t hash = value_chunk_hash(data);
    if (held != nullptr && std::binary_search(held->begin(), held->end(), hash)) {
      pieces.push_back(ValueChunk{hash, std::string(), true});
    } else {
      pieces.push_back(ValueChunk{hash, data, false});
    }
    data.clear();
  };
  for (std::string_view v : values) {
    put_bytes(data, v);
    if (data.size() >= kChunkMaxBytes ||
        (data.size() >= kChunkMinBytes && (XXH3_64bits(v.data(), v.size()) & kBoundaryMask) == 0)) {
      finish();
    }
  }
  if (!data.empty()) finish();
}

// Whether `cut` (a list's remembered chunk hashes, AttributeSet::chunk_cut) can stand for
// cutting the list again: the store holds every one of its chunks for this row, so none needs
// its bytes. The cut depends only on the values, and any change to them dropped it.
bool cut_usable(const std::vector<uint64_t>* cut, const std::vector<uint64_t>* held) {
  if (cut == nullptr || held == nullptr || cut->empty()) return false;
  for (uint64_t hash : *cut)
    if (!std::binary_search(held->begin(), held->end(), hash)) return false;
  return true;
}

// Collects the distinct chunks of one object while its body is written.
class ChunkWriter {
 public:
  // `precut`: huge lists of the object already cut (cut_list), by address.
  ChunkWriter(std::vector<ValueChunk>& chunks, const std::vector<uint64_t>* held,
              std::vector<std::pair<ValuesView, std::vector<ValueChunk>>>* precut = nullptr)
      : chunks_(chunks), held_(held), precut_(precut) {
    chunks_.clear();
  }

  // A value list: (count << 1) then the values inline, or (chunk count << 1 | 1) then the
  // index of each chunk in the object's chunk list.
  void put_list(std::string& out, ValuesView values) {
    if (!needs_chunks(values)) {
      put_varint(out, static_cast<uint64_t>(values.size()) << 1);
      for (std::string_view v : values) put_bytes(out, v);
      return;
    }
    std::vector<ValueChunk>* pieces = nullptr;
    if (precut_ != nullptr)
      for (auto& [list, cut] : *precut_)
        if (same_list(list, values)) pieces = &cut;
    if (pieces == nullptr) {
      own_.clear();
      cut_list(values, held_, own_);
      pieces = &own_;
    }
    last_cut_ = std::make_shared<std::vector<uint64_t>>();
    last_cut_->reserve(pieces->size());
    put_varint(out, (static_cast<uint64_t>(pieces->size()) << 1) | 1);
    for (ValueChunk& piece : *pieces) {
      last_cut_->push_back(piece.hash);
      auto [it, fresh] = index_.emplace(piece.hash, static_cast<uint32_t>(chunks_.size()));
      if (fresh) chunks_.push_back(std::move(piece));
      put_varint(out, it->second);
    }
  }

  // An out-of-line list unchanged since it was last cut (cut_usable): the same chunk indexes a
  // cut would give, all held, without reading a value.
  void put_cut_list(std::string& out, const std::vector<uint64_t>& cut) {
    put_varint(out, (static_cast<uint64_t>(cut.size()) << 1) | 1);
    for (uint64_t hash : cut) {
      auto [it, fresh] = index_.emplace(hash, static_cast<uint32_t>(chunks_.size()));
      if (fresh) chunks_.push_back(ValueChunk{hash, std::string(), true});
      put_varint(out, it->second);
    }
  }

  // A set's out-of-line lists reuse their remembered cut when it is usable, and remember the
  // one they were cut into otherwise.
  void put_set(std::string& out, const AttributeSet& set) {
    put_varint(out, set.size());
    for (const AttrEntry a : set.items()) {
      put_varint(out, a.id);
      const bool out_of_line = needs_chunks(a.values) && a.values.list() != nullptr;
      if (!out_of_line) {
        put_list(out, a.values);
        continue;
      }
      std::shared_ptr<const std::vector<uint64_t>> cut = set.chunk_cut(a.id);
      if (cut_usable(cut.get(), held_)) {
        put_cut_list(out, *cut);
        continue;
      }
      put_list(out, a.values);
      set.remember_chunk_cut(a.id, std::move(last_cut_));
    }
  }

 private:
  std::vector<ValueChunk>& chunks_;
  const std::vector<uint64_t>* held_;
  std::vector<std::pair<ValuesView, std::vector<ValueChunk>>>* precut_;
  std::vector<ValueChunk> own_;
  std::shared_ptr<std::vector<uint64_t>> last_cut_;  // the hashes of the last list cut, in order
  std::unordered_map<uint64_t, uint32_t> index_;
};

class ChunkReader {
 public:
  explicit ChunkReader(const StoredChunks& chunks) : chunks_(chunks) {}

  // Appends the values of one list; `error` names what is wrong when it returns false. `cut`
  // (may be null) gets the hashes of the chunks a chunked list was read from, in order (left
  // empty for an inline one).
  bool read_list(Reader& r, ValueList& values, std::string& error, std::vector<uint64_t>* cut = nullptr) {
    uint64_t head = 0;
    if (!r.varint(head)) return false;
    uint64_t n = head >> 1;
    if ((head & 1) == 0) {
      values.reserve(std::min<uint64_t>(n, r.remaining()));  // exact for good data, bounded for bad
      for (uint64_t j = 0; j < n; ++j) {
        std::string v;
        if (!r.bytes(v)) return false;
        values.push_back(std::move(v));
      }
      return true;
    }
    for (uint64_t j = 0; j < n; ++j) {
      uint64_t index = 0;
      if (!r.varint(index)) return false;
      if (index >= chunks_.refs.size()) {
        error = "it refers to value chunk " + std::to_string(index) + " of " + std::to_string(chunks_.refs.size());
        return false;
      }
      const uint64_t hash = chunks_.refs[index];
      if (cut != nullptr) cut->push_back(hash);
      const std::string* data = chunks_.find(hash);
      if (data == nullptr) {
        error = "its value chunk " + hex(hash) + " is missing";
        return false;
      }
      if (value_chunk_hash(*data) != hash) {
        error = "its value chunk " + hex(hash) + " is damaged (its bytes do not match its hash)";
        return false;
      }
      Reader c(*data);
      while (!c.done()) {
        std::string v;
        if (!c.bytes(v)) {
          error = "its value chunk " + hex(hash) + " is damaged";
          return false;
        }
        values.push_back(std::move(v));
      }
    }
    values.shrink_to_fit();  // a chunked list grew by doubling: give back up to half its block
    return true;
  }

  bool read_set(Reader& r, AttributeSet& set, std::string& error) {
    set.clear();
    uint64_t n = 0;
    if (!r.varint(n)) return false;
    AttributeSet::Builder builder;
    builder.reserve(std::min<uint64_t>(n, r.remaining()));
    // The cuts of the chunked lists, remembered on the set built (a list read from its chunks
    // saves as those chunks until it changes); for an id given twice, the last list's.
    std::vector<std::pair<AttrId, std::shared_ptr<const std::vector<uint64_t>>>> cuts;
    for (uint64_t i = 0; i < n; ++i) {
      uint64_t id = 0;
      ValueList values;
      cut_.clear();
      if (!r.varint(id) || !read_list(r, values, error, &cut_)) return false;
      const auto attr = static_cast<AttrId>(id);
      std::erase_if(cuts, [&](const auto& c) { return c.first == attr; });
      if (!cut_.empty()) cuts.emplace_back(attr, std::make_shared<std::vector<uint64_t>>(cut_));
      builder.add(attr, std::move(values));
    }
    set = builder.finish();
    for (auto& [attr, cut] : cuts) set.remember_chunk_cut(attr, std::move(cut));
    return true;
  }

  static std::string hex(uint64_t v) {
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
    return buf;
  }

 private:
  const StoredChunks& chunks_;
  std::vector<uint64_t> cut_;  // the chunks of the list being read
};

Status damaged_chunked(const char* what, const std::string& error) {
  return Status::Error(ErrorCode::kStoreError,
                       std::string("damaged ") + what + " record in the store" + (error.empty() ? "" : ": ") +
                           error + "; restore the store from a backup or rebuild it with an Initial cycle");
}

}  // namespace

const std::string* StoredChunks::find(uint64_t hash) const {
  auto it = std::lower_bound(data.begin(), data.end(), hash,
                             [](const std::pair<uint64_t, std::string>& e, uint64_t h) { return e.first < h; });
  return it != data.end() && it->first == hash ? &it->second : nullptr;
}

uint64_t value_chunk_hash(std::string_view data) { return XXH3_64bits(data.data(), data.size()); }

std::string pack_chunk_refs(const std::vector<ValueChunk>& chunks) {
  std::string out;
  out.reserve(chunks.size() * 8);
  for (const ValueChunk& c : chunks) {
    for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((c.hash >> (8 * i)) & 0xff));
  }
  return out;
}

bool unpack_chunk_refs(std::string_view packed, std::vector<uint64_t>& refs) {
  refs.clear();
  if (packed.size() % 8 != 0) return false;
  Reader r(packed);
  refs.reserve(packed.size() / 8);
  while (!r.done()) {
    uint64_t h = 0;
    if (!r.fixed64(h)) return false;
    refs.push_back(h);
  }
  return true;
}

// Layout 2 of a CS body: as layout 1 with version 2, every value list written by put_list.
void encode_cs_body_chunked(const CsObject& o, EncodedBody& out, const std::vector<uint64_t>* held) {
  // A cold set never holds an out-of-line list, so never a list long enough for chunks.
  // Cold pending changes may hold a list that long (a narrow block holds up to 2^14 values):
  // thawed once here for the test, the cut and the body alike (the cut finds lists by address).
  auto set_large = [](const ColdSet& s) { return s.if_plain() != nullptr && set_needs_chunks(*s.if_plain()); };
  CsSetsView sets(o);
  const PendingChanges& pending = sets.pending_changes();
  bool large = set_large(o.hologram) || set_large(o.import_state) || set_large(o.unconfirmed) ||
               std::any_of(pending.begin(), pending.end(), [](const PendingChange c) { return needs_chunks(c.values); });
  if (!large) {
    out.body = encode_cs_body_with(o, sets);
    out.chunks.clear();
    return;
  }
  // An object with several huge lists (a group's hologram and its pending import, saved by
  // every import that changes it) has them cut on several threads; the writer then only
  // numbers the chunks, in the order a sequential cut would, so the bytes are the same.
  // By where the values are (an out-of-line list of a set, or a pending export's packed list).
  std::vector<std::pair<ValuesView, std::vector<ValueChunk>>> precut;
  auto add = [&](ValuesView values) {
    if (needs_chunks(values)) precut.emplace_back(values, std::vector<ValueChunk>());
  };
  // A list whose remembered cut is usable is not cut at all (ChunkWriter::put_set).
  for (const AttributeSet* set : {o.hologram.if_plain(), o.import_state.if_plain(), o.unconfirmed.if_plain()})
    if (set != nullptr)
      for (const AttrEntry a : set->items())
        if (!cut_usable(set->chunk_cut(a.id).get(), held)) add(a.values);
  for (const PendingChange c : pending) add(c.values);
  if (precut.size() > 1) {
    tbb::parallel_for(size_t{0}, precut.size(), [&](size_t i) { cut_list(precut[i].first, held, precut[i].second); });
  } else {
    precut.clear();
  }
  ChunkWriter w(out.chunks, held, &precut);
  out.body.clear();
  put_varint(out.body, 2);
  put_cs_fields(out.body, o, sets, w);
}

void encode_mv_body_chunked(const AttributeSet& set, EncodedBody& out, const std::vector<uint64_t>* held) {
  if (!set_needs_chunks(set)) {
    out.body = encode_attribute_set(set);
    out.chunks.clear();
    return;
  }
  ChunkWriter w(out.chunks, held);
  out.body.clear();
  w.put_set(out.body, set);
}

Status decode_cs_body(std::string_view blob, CsObject& o, const StoredChunks* chunks) {
  if (chunks == nullptr) {
    if (!blob.empty() && blob[0] == 2) {
      return damaged_chunked("connector space object", "it has value chunks but the store lists none");
    }
    return decode_cs_body(blob, o);
  }
  const char* what = "connector space object";
  Reader r(blob);
  ChunkReader cr(*chunks);
  std::string error;
  uint64_t version = 0, kind = 0, count = 0, flags = 0;
  if (!r.varint(version) || version != 2) return damaged_chunked(what, "it has chunks but not layout 2");
  if (!cr.read_set(r, o.hologram.plain(), error) || !r.varint(kind) || kind > 4) return damaged_chunked(what, error);
  o.pending_import = static_cast<PendingImportKind>(kind);
  if (!cr.read_set(r, o.import_state.plain(), error) || !r.bytes(o.import_dn)) return damaged_chunked(what, error);
  if (!r.varint(kind) || kind > 3) return damaged_chunked(what, error);
  o.pending_export.kind = static_cast<PendingExportKind>(kind);
  if (!r.bytes(o.pending_export.new_dn) || !r.varint(count)) return damaged_chunked(what, error);
  o.pending_export.changes.clear();
  PendingChanges::Builder changes;
  ValueList values;  // one change's values at a time, read whole or from its chunks
  for (uint64_t i = 0; i < count; ++i) {
    uint64_t id = 0, op = 0;
    if (!r.varint(id) || !r.varint(op) || op > 2) return damaged_chunked(what, error);
    values.clear();
    if (!cr.read_list(r, values, error)) return damaged_chunked(what, error);
    changes.add(static_cast<AttrId>(id), static_cast<ValueOp>(op), values);
  }
  o.pending_export.changes = changes.finish();
  if (!cr.read_set(r, o.unconfirmed.plain(), error) || !r.varint(flags) || !r.bytes(o.error) || !r.done())
    return damaged_chunked(what, error);
  o.placeholder = flags & 1;
  o.provisioned = flags & 2;
  o.export_error = flags & 4;
  o.unresolved_refs = flags & 8;
  return Status::Ok();
}

Status decode_mv_body(std::string_view blob, AttributeSet& set, const StoredChunks* chunks) {
  if (chunks == nullptr) return decode_attribute_set(blob, set);
  Reader r(blob);
  ChunkReader cr(*chunks);
  std::string error;
  if (!cr.read_set(r, set, error) || !r.done()) return damaged_chunked("metaverse object", error);
  return Status::Ok();
}

}  // namespace idsync
