#include "ops/object_views.h"

#include "expr/text_util.h"
#include "idsync/csexport.h"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace idsync {

using nlohmann::ordered_json;

// One base64 codec for the whole engine: the expression library's (ConvertToBase64 uses it).
std::string base64_encode(std::string_view bytes) { return expr::base64_encode(bytes); }

std::optional<std::string> base64_decode(std::string_view text) {
  std::string out;
  if (!expr::base64_decode(text, out)) return std::nullopt;
  return out;
}

namespace {

ordered_json values_json(const AttributeTable& attrs, AttrId id, ValuesView values) {
  ordered_json out = ordered_json::array();
  bool binary = attrs.info(id).type == AttrType::kBinary;
  for (std::string_view v : values) out.push_back(binary ? base64_encode(v) : std::string(v));
  return out;
}

ordered_json set_json(const AttributeTable& attrs, const AttributeSet& set) {
  ordered_json out = ordered_json::object();
  std::vector<std::pair<std::string, AttrEntry>> sorted;
  for (const AttrEntry a : set.items()) sorted.emplace_back(attrs.info(a.id).name, a);
  std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& [name, a] : sorted) out[name] = values_json(attrs, a.id, a.values);
  return out;
}

// Connector names and the attribute table: what turns stored ids into names.
struct Names {
  AttributeTable attrs;
  std::vector<ConnectorRow> connectors;

  Status load(Store& store) {
    IDSYNC_RETURN_IF_ERROR(store.load_attributes(attrs));
    auto rows = store.load_connectors();
    if (!rows.ok()) return rows.status();
    connectors = std::move(rows).value();
    return Status::Ok();
  }
  const ConnectorRow* by_name(const std::string& name) const {
    for (const ConnectorRow& c : connectors)
      if (iequals(c.name, name)) return &c;
    return nullptr;
  }
  std::string name_of(ConnectorId id) const {
    for (const ConnectorRow& c : connectors)
      if (c.id == id) return c.name;
    return std::to_string(id);
  }
  Result<const ConnectorRow*> require(const std::string& name) const {
    const ConnectorRow* c = by_name(name);
    if (c == nullptr)
      return Status::Error(ErrorCode::kNotFound,
                           "no connector named '" + name + "'; `idsync connector list` shows the configured ones");
    return c;
  }
};

ordered_json cs_json(const Names& names, const CsObject& o, bool full) {
  const AttributeTable& attrs = names.attrs;
  ordered_json j = {{"id", o.id},
                    {"connector", names.name_of(o.connector)},
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
  CsSetsView sets(o);
  j["hologram"] = set_json(attrs, sets.hologram());
  if (o.pending_import != PendingImportKind::kNone) {
    j["pendingImportState"] = set_json(attrs, sets.import_state());
    if (!o.import_dn.empty()) j["pendingImportDn"] = o.import_dn;
  }
  if (!o.pending_export.empty()) {
    ordered_json changes = ordered_json::array();
    for (const PendingChange c : sets.pending_changes()) {
      const char* op = c.op == ValueOp::kAdd ? "add" : c.op == ValueOp::kDelete ? "delete" : "replace";
      changes.push_back(
          {{"attribute", attrs.info(c.id).name}, {"operation", op}, {"values", values_json(attrs, c.id, c.values)}});
    }
    j["pendingExportChanges"] = changes;
    if (!o.pending_export.new_dn.empty()) j["pendingExportNewDn"] = o.pending_export.new_dn;
  }
  if (!o.unconfirmed.empty()) j["unconfirmedExport"] = set_json(attrs, sets.unconfirmed());
  return j;
}

bool is_stop(const Status& s) { return s.code() == ErrorCode::kStopped; }

}  // namespace

Result<std::optional<std::string>> find_cs_object_json(Store& store, const std::string& connector,
                                                       const std::string& key) {
  Names names;
  IDSYNC_RETURN_IF_ERROR(names.load(store));
  auto row = names.require(connector);
  if (!row.ok()) return row.status();
  Result<std::optional<CsObject>> found = std::optional<CsObject>();
  if (key.rfind("anchor:", 0) == 0) {
    auto anchor = base64_decode(key.substr(7));
    if (!anchor) return Status::Error(ErrorCode::kInvalidArgument, "'" + key.substr(7) + "' is not base64");
    found = store.find_cs_by_anchor((*row)->id, *anchor);
  } else if (key.rfind("id:", 0) == 0 || key.rfind("{", 0) == 0) {
    // The object id, as Get-ADSyncCSObject -Identifier and csexport's <cs-object id=> give it.
    uint64_t id = parse_cs_object_guid(key.rfind("id:", 0) == 0 ? std::string_view(key).substr(3) : std::string_view(key));
    if (id == 0) return Status::Error(ErrorCode::kInvalidArgument, "'" + key + "' is not a connector space object id");
    found = store.find_cs_by_id(id);
    if (found.ok() && found->has_value() && (**found).connector != (*row)->id) found = std::optional<CsObject>();
  } else {
    found = store.find_cs_by_dn((*row)->id, key);
  }
  if (!found.ok()) return found.status();
  if (!found->has_value()) return std::optional<std::string>();
  return std::optional<std::string>(cs_json(names, **found, true).dump(2, ' ', false, kInvalidUtf8));
}

Result<std::optional<std::string>> find_mv_object_json(Store& store, uint64_t id) {
  Names names;
  IDSYNC_RETURN_IF_ERROR(names.load(store));
  auto mv = store.find_mv(id);
  if (!mv.ok()) return mv.status();
  if (!mv->has_value()) return std::optional<std::string>();
  ordered_json j = {{"id", (*mv)->id}, {"objectType", (*mv)->object_type}};
  AttributeSet scratch;  // the store hands out plain sets; view() in case that changes
  j["attributes"] = set_json(names.attrs, (*mv)->attributes.view(scratch));
  auto linked = store.find_cs_by_mv(id);
  if (!linked.ok()) return linked.status();
  ordered_json links = ordered_json::array();
  for (const CsObject& o : *linked)
    links.push_back({{"connector", names.name_of(o.connector)}, {"dn", o.dn}, {"csObjectId", o.id}});
  j["connectors"] = links;
  return std::optional<std::string>(j.dump(2, ' ', false, kInvalidUtf8));
}

Result<std::string> list_cs_json(Store& store, const std::string& connector, bool pending_export_only, int64_t limit) {
  Names names;
  IDSYNC_RETURN_IF_ERROR(names.load(store));
  auto row = names.require(connector);
  if (!row.ok()) return row.status();
  ordered_json out = ordered_json::array();
  Status s = store.load_cs((*row)->id, [&](CsObject&& o) {
    if (pending_export_only && o.pending_export.empty()) return Status::Ok();
    out.push_back(cs_json(names, o, false));
    if (limit > 0 && static_cast<int64_t>(out.size()) >= limit) return Status::Error(ErrorCode::kStopped, "");
    return Status::Ok();
  });
  if (!s.ok() && !is_stop(s)) return s;
  return out.dump(2, ' ', false, kInvalidUtf8);
}

Result<std::string> list_mv_json(Store& store, const std::string& object_type, int64_t limit) {
  Names names;
  IDSYNC_RETURN_IF_ERROR(names.load(store));
  ordered_json out = ordered_json::array();
  Status s = store.load_mv([&](MvObject&& o) {
    if (!object_type.empty() && !iequals(o.object_type, object_type)) return Status::Ok();
    AttributeSet scratch;
    out.push_back(
        {{"id", o.id}, {"objectType", o.object_type}, {"attributes", set_json(names.attrs, o.attributes.view(scratch))}});
    if (limit > 0 && static_cast<int64_t>(out.size()) >= limit) return Status::Error(ErrorCode::kStopped, "");
    return Status::Ok();
  });
  if (!s.ok() && !is_stop(s)) return s;
  return out.dump(2, ' ', false, kInvalidUtf8);
}

}  // namespace idsync
