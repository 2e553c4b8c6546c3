#include "model/objects.h"

#include <algorithm>

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

void put_bytes(std::string& out, std::string_view bytes) {
  put_varint(out, bytes.size());
  out.append(bytes);
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
  bool bytes(std::string& out) {
    uint64_t n = 0;
    if (!varint(n) || n > data_.size() - pos_) return false;
    out.assign(data_.substr(pos_, n));
    pos_ += n;
    return true;
  }
  bool done() const { return pos_ == data_.size(); }
  // Bytes left: every encoded value or attribute takes at least one, so a count above this
  // is damage, and reserving min(count, remaining()) is exact for good data and bounded for bad.
  size_t remaining() const { return data_.size() - pos_; }

 private:
  std::string_view data_;
  size_t pos_ = 0;
};

void put_set(std::string& out, const AttributeSet& set) {
  put_varint(out, set.size());
  for (const AttrValues& a : set.items()) {
    put_varint(out, a.id);
    put_varint(out, a.values.size());
    for (const std::string& v : a.values) put_bytes(out, v);
  }
}

bool read_set(Reader& r, AttributeSet& set) {
  set.clear();
  uint64_t n = 0;
  if (!r.varint(n)) return false;
  // Exact sizes: a vector grown by doubling leaves up to half its block unused, on every
  // attribute set of every object loaded (7% of a loaded state's memory before this).
  set.reserve(std::min<uint64_t>(n, r.remaining()));
  for (uint64_t i = 0; i < n; ++i) {
    uint64_t id = 0, count = 0;
    if (!r.varint(id) || !r.varint(count)) return false;
    ValueList values;
    values.reserve(std::min<uint64_t>(count, r.remaining()));
    for (uint64_t j = 0; j < count; ++j) {
      std::string v;
      if (!r.bytes(v)) return false;
      values.push_back(std::move(v));
    }
    set.set(static_cast<AttrId>(id), std::move(values));
  }
  return true;
}

Status damaged(const char* what) {
  return Status::Error(ErrorCode::kStoreError,
                       std::string("damaged ") + what +
                           " record in the store; restore the store from a backup or rebuild it "
                           "with an Initial cycle");
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
std::string encode_cs_body(const CsObject& o) {
  std::string out;
  put_varint(out, 1);
  put_set(out, o.hologram);
  put_varint(out, static_cast<uint64_t>(o.pending_import));
  put_set(out, o.import_state);
  put_bytes(out, o.import_dn);
  put_varint(out, static_cast<uint64_t>(o.pending_export.kind));
  put_bytes(out, o.pending_export.new_dn);
  put_varint(out, o.pending_export.changes.size());
  for (const AttrChange& c : o.pending_export.changes) {
    put_varint(out, c.id);
    put_varint(out, static_cast<uint64_t>(c.op));
    put_varint(out, c.values.size());
    for (const std::string& v : c.values) put_bytes(out, v);
  }
  put_set(out, o.unconfirmed);
  put_varint(out, (o.placeholder ? 1u : 0u) | (o.provisioned ? 2u : 0u) | (o.export_error ? 4u : 0u) |
                   (o.unresolved_refs ? 8u : 0u));
  put_bytes(out, o.error);
  return out;
}

Status decode_cs_body(std::string_view blob, CsObject& o) {
  Reader r(blob);
  uint64_t version = 0, kind = 0, count = 0, flags = 0;
  if (!r.varint(version) || version != 1) return damaged("connector space object");
  if (!read_set(r, o.hologram) || !r.varint(kind) || kind > 4) return damaged("connector space object");
  o.pending_import = static_cast<PendingImportKind>(kind);
  if (!read_set(r, o.import_state) || !r.bytes(o.import_dn)) return damaged("connector space object");
  if (!r.varint(kind) || kind > 3) return damaged("connector space object");
  o.pending_export.kind = static_cast<PendingExportKind>(kind);
  if (!r.bytes(o.pending_export.new_dn) || !r.varint(count)) return damaged("connector space object");
  o.pending_export.changes.clear();
  o.pending_export.changes.reserve(std::min<uint64_t>(count, r.remaining()));
  for (uint64_t i = 0; i < count; ++i) {
    uint64_t id = 0, op = 0, n = 0;
    if (!r.varint(id) || !r.varint(op) || op > 2 || !r.varint(n)) return damaged("connector space object");
    AttrChange c{static_cast<AttrId>(id), static_cast<ValueOp>(op), {}};
    c.values.reserve(std::min<uint64_t>(n, r.remaining()));
    for (uint64_t j = 0; j < n; ++j) {
      std::string v;
      if (!r.bytes(v)) return damaged("connector space object");
      c.values.push_back(std::move(v));
    }
    o.pending_export.changes.push_back(std::move(c));
  }
  if (!read_set(r, o.unconfirmed) || !r.varint(flags) || !r.bytes(o.error) || !r.done())
    return damaged("connector space object");
  o.placeholder = flags & 1;
  o.provisioned = flags & 2;
  o.export_error = flags & 4;
  o.unresolved_refs = flags & 8;
  return Status::Ok();
}

}  // namespace idsync
