#include "ops/object_views.h"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace idsync {

using nlohmann::ordered_json;

std::string base64_encode(std::string_view in) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    uint32_t n = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8) | uint8_t(in[i + 2]);
    out += {kAlphabet[n >> 18], kAlphabet[(n >> 12) & 63], kAlphabet[(n >> 6) & 63], kAlphabet[n & 63]};
  }
  if (i + 1 == in.size()) {
    uint32_t n = uint8_t(in[i]) << 16;
    out += {kAlphabet[n >> 18], kAlphabet[(n >> 12) & 63], '=', '='};
  } else if (i + 2 == in.size()) {
    uint32_t n = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8);
    out += {kAlphabet[n >> 18], kAlphabet[(n >> 12) & 63], kAlphabet[(n >> 6) & 63], '='};
  }
  return out;
}

std::optional<std::string> base64_decode(std::string_view in) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  std::string out;
  uint32_t buf = 0;
  int bits = 0;
  for (char c : in) {
    if (c == '=') break;
    int v = value(c);
    if (v < 0) return std::nullopt;
    buf = (buf << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buf >> bits) & 0xff));
    }
  }
  return out;
}

namespace {

ordered_json values_json(const AttributeTable& attrs, AttrId id, const ValueList& values) {
  ordered_json out = ordered_json::array();
  bool binary = attrs.info(id).type == AttrType::kBinary;
  for (const std::string& v : values) out.push_back(binary ? base64_encode(v) : v);
  return out;
}

ordered_json set_json(const AttributeTable& attrs, const AttributeSet& set) {
  ordered_json out = ordered_json::object();
  std::vector<std::pair<std::string, const AttrValues*>> sorted;
  for (const AttrValues& a : set.items()) sorted.emplace_back(attrs.info(a.id).name, &a);
  std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& [name, a] : sorted) out[name] = values_json(attrs, a->id, a->values);
  return out;
}

ordered_json cs_json(SyncState& state, const ConnectorSpace& space, const CsObject& o, bool full) {
  const AttributeTable& attrs = state.attrs();
  ordered_json j = {{"id", o.id},
                    {"connector", space.def.name},
                    {"dn", o.dn},
                    {"anchor", base64_encode(o.anchor)},
                    {"objectType", o.object_type},
                    {"connectorState", connector_state_name(o.state)},
                    {"mvObjectId", o.mv},
                    {"placeholder", o.placeholder},
                    {"provisioned", o.provisioned},
                    {"pendingImport", pending_import_kind_name(o.pending_import)},
                    {"pendingExport", pending_export_kind_name(o.pending_export.kind)}};
  if (!o.error.empty()) j["error"] = o.error;
  if (!full) return j;
  j["hologram"] = set_json(attrs, o.hologram);
  if (o.pending_import != PendingImportKind::kNone) {
    j["pendingImportState"] = set_json(attrs, o.import_state);
    if (!o.import_dn.empty()) j["pendingImportDn"] = o.import_dn;
  }
  if (!o.pending_export.empty()) {
    ordered_json changes = ordered_json::array();
    for (const AttrChange& c : o.pending_export.changes) {
      const char* op = c.op == ValueOp::kAdd ? "add" : c.op == ValueOp::kDelete ? "delete" : "replace";
      changes.push_back({{"attribute", attrs.info(c.id).name}, {"operation", op}, {"values", values_json(attrs, c.id, c.values)}});
    }
    j["pendingExportChanges"] = changes;
    if (!o.pending_export.new_dn.empty()) j["pendingExportNewDn"] = o.pending_export.new_dn;
  }
  if (!o.unconfirmed.empty()) j["unconfirmedExport"] = set_json(attrs, o.unconfirmed);
  return j;
}

}  // namespace

Result<std::optional<std::string>> find_cs_object_json(SyncState& state, const std::string& connector,
                                                       const std::string& key) {
  ConnectorSpace* space = state.space(connector);
  if (space == nullptr) return Status::Error(ErrorCode::kNotFound, "no connector named '" + connector + "'");
  CsObject* o = nullptr;
  if (key.rfind("anchor:", 0) == 0) {
    auto anchor = base64_decode(key.substr(7));
    if (!anchor) return Status::Error(ErrorCode::kInvalidArgument, "'" + key.substr(7) + "' is not base64");
    o = space->find_by_anchor(*anchor);
  } else {
    o = space->find_by_dn(key);
  }
  if (o == nullptr) return std::optional<std::string>();
  return std::optional<std::string>(cs_json(state, *space, *o, true).dump(2));
}

Result<std::optional<std::string>> find_mv_object_json(SyncState& state, uint64_t id) {
  MvObject* mv = state.mv(id);
  if (mv == nullptr) return std::optional<std::string>();
  ordered_json j = {{"id", mv->id}, {"objectType", mv->object_type}};
  j["attributes"] = set_json(state.attrs(), mv->attributes);
  ordered_json links = ordered_json::array();
  for (const auto& [connector, cs] : state.links(id)) {
    ConnectorSpace* space = state.space(connector);
    const CsObject* o = space ? space->find(cs) : nullptr;
    if (o != nullptr) links.push_back({{"connector", space->def.name}, {"dn", o->dn}, {"csObjectId", o->id}});
  }
  j["connectors"] = links;
  return std::optional<std::string>(j.dump(2));
}

Result<std::string> list_cs_json(SyncState& state, const std::string& connector, bool pending_export_only,
                                 int64_t limit) {
  ConnectorSpace* space = state.space(connector);
  if (space == nullptr) return Status::Error(ErrorCode::kNotFound, "no connector named '" + connector + "'");
  std::vector<const CsObject*> objects;
  for (const auto& [id, o] : space->objects)
    if (!pending_export_only || !o.pending_export.empty()) objects.push_back(&o);
  std::sort(objects.begin(), objects.end(), [](const CsObject* a, const CsObject* b) { return a->id < b->id; });
  ordered_json out = ordered_json::array();
  for (const CsObject* o : objects) {
    if (limit > 0 && static_cast<int64_t>(out.size()) >= limit) break;
    out.push_back(cs_json(state, *space, *o, false));
  }
  return out.dump(2);
}

Result<std::string> list_mv_json(SyncState& state, const std::string& object_type, int64_t limit) {
  std::vector<const MvObject*> objects;
  for (const auto& [id, o] : state.metaverse())
    if (object_type.empty() || iequals(o.object_type, object_type)) objects.push_back(&o);
  std::sort(objects.begin(), objects.end(), [](const MvObject* a, const MvObject* b) { return a->id < b->id; });
  ordered_json out = ordered_json::array();
  for (const MvObject* o : objects) {
    if (limit > 0 && static_cast<int64_t>(out.size()) >= limit) break;
    out.push_back({{"id", o->id}, {"objectType", o->object_type}, {"attributes", set_json(state.attrs(), o->attributes)}});
  }
  return out.dump(2);
}

}  // namespace idsync
