// Gathers an export preview: streams the connector space once, keeping counts of everything
// and the riskiest / first rows in bounded lists (sorted and trimmed as they grow), so memory
// follows max_rows, not the size of the export.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>

#include "idsync/configuration.h"
#include "idsync/private_file.h"
#include "ops/object_views.h"
#include "ops/preview_report.h"
#include "ops/server_impl.h"
#include "sync/export_limits.h"

namespace idsync {

namespace {

constexpr size_t kMaxValuesShown = 5;
constexpr size_t kMaxValueBytes = 256;

// Attributes that identify an object across systems: changing one re-keys or orphans it.
bool is_anchor_attribute(const std::string& name, const std::string& configured) {
  static const char* kKnown[] = {"sourceAnchor", "ms-DS-ConsistencyGuid", "objectGUID", "immutableId",
                                 "onPremisesImmutableId", "cloudAnchor"};
  if (!configured.empty() && iequals(name, configured)) return true;
  for (const char* k : kKnown)
    if (iequals(name, k)) return true;
  return false;
}

std::string show_value(std::string_view v, AttrType type) {
  std::string s = type == AttrType::kBinary ? base64_encode(v) : std::string(v);
  if (s.size() > kMaxValueBytes) {
    size_t cut = kMaxValueBytes;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;  // not inside a character
    s = s.substr(0, cut) + "…";
  }
  return s;
}

std::string show_values(ValuesView values, AttrType type) {
  std::string out;
  for (size_t i = 0; i < values.size() && i < kMaxValuesShown; ++i) out += (i ? "; " : "") + show_value(values[i], type);
  if (values.size() > kMaxValuesShown) out += "; … and " + std::to_string(values.size() - kMaxValuesShown) + " more";
  return out;
}

bool riskier(const PreviewItem& a, const PreviewItem& b) {
  if (a.risk != b.risk) return a.risk < b.risk;
  if (a.weight != b.weight) return a.weight > b.weight;
  return a.dn < b.dn;
}

// Appends, and trims to the `cap` riskiest whenever the list has doubled.
void bounded_push(std::vector<PreviewItem>& list, const PreviewItem& item, size_t cap) {
  list.push_back(item);
  if (list.size() >= 2 * cap + 1) {
    std::sort(list.begin(), list.end(), riskier);
    list.resize(cap);
  }
}

void finish(std::vector<PreviewItem>& list, size_t cap) {
  std::sort(list.begin(), list.end(), riskier);
  if (list.size() > cap) list.resize(cap);
}

class Collector {
 public:
  Collector(const AttributeTable& attrs, const std::string& anchor_attr, PreviewReport& report)
      : attrs_(attrs), anchor_attr_(anchor_attr), report_(report) {}

  PreviewItem item(const CsObject& o) {
    PreviewItem it;
    it.object_type = o.object_type;
    it.dn = o.dn;
    const PendingExport& pe = o.pending_export;
    std::vector<std::string> risks;
    auto add_risk = [&](Risk r, std::string text) {
      it.risk = std::min(it.risk, r);
      risks.push_back(std::move(text));
    };
    switch (pe.kind) {
      case PendingExportKind::kAdd: it.operation = "Add"; break;
      case PendingExportKind::kDelete: it.operation = "Delete"; break;
      default: it.operation = pe.new_dn.empty() ? "Update" : "Rename"; break;
    }
    it.new_dn = pe.new_dn;
    if (pe.kind == PendingExportKind::kDelete) add_risk(Risk::kDelete, "deletes the object from " + report_.connector);
    if (!pe.new_dn.empty()) add_risk(Risk::kRename, "moves or renames the object to " + pe.new_dn);
    CsSetsView sets(o);  // thawed once for all the changes
    for (const PendingChange a : sets.pending_changes()) {
      const AttrInfo& info = attrs_.info(a.id);
      PreviewChange c;
      c.attribute = info.name;
      ValuesView believed = sets.unconfirmed().get(a.id);
      if (!believed) believed = sets.imported().get(a.id);
      if (pe.kind == PendingExportKind::kAdd) {
        c.operation = "set";
        c.new_text = show_values(a.values, info.type);
      } else {
        switch (a.op) {
          case ValueOp::kReplace:
            c.operation = "replace";
            if (believed) c.old_text = show_values(believed, info.type);
            c.new_text = show_values(a.values, info.type);
            break;
          case ValueOp::kAdd:
            c.operation = "add values";
            c.new_text = "+" + std::to_string(a.values.size()) + ": " + show_values(a.values, info.type);
            break;
          case ValueOp::kDelete:
            c.operation = "remove values";
            c.old_text = "-" + std::to_string(a.values.size()) + ": " + show_values(a.values, info.type);
            break;
        }
        bool has_old = !believed.empty();
        if (has_old && is_anchor_attribute(info.name, anchor_attr_))
          add_risk(Risk::kAnchorChange, "changes the anchor " + info.name + " (the object may be orphaned or duplicated)");
        if (has_old && iequals(info.name, "userPrincipalName"))
          add_risk(Risk::kUpnChange, "changes the sign-in name (userPrincipalName) from " + show_value(believed.front(), info.type) +
                                         (a.values.empty() ? " to nothing" : " to " + show_value(a.values.front(), info.type)));
      }
      it.changes.push_back(std::move(c));
    }
    for (const MemberRemoval& m : member_removals(o, attrs_)) {
      bool large = m.members_before >= report_.member_removal.min_members;
      bool over = member_removal_limit_exceeded(report_.member_removal, m.removals, m.members_before);
      if (!large && !over) continue;
      it.weight = std::max(it.weight, m.removals);
      std::string text = "removes " + std::to_string(m.removals) + " of " + std::to_string(m.members_before) + " " +
                         attrs_.info(m.attr).name + " values";
      if (over) {
        it.over_limit = true;
        text += " (over the group member-removal limit: the export would stop)";
        if (++groups_over_limit_ <= kMaxGroupReasons) report_.stop_reasons.push_back("group " + o.dn + ": " + text);
      }
      add_risk(Risk::kMemberRemovals, text);
    }
    for (size_t i = 0; i < risks.size(); ++i) it.risk_detail += (i ? "; " : "") + risks[i];
    return it;
  }

  // Called once after the scan: names how many over-limit groups were not listed.
  void finish() {
    if (groups_over_limit_ > kMaxGroupReasons)
      report_.stop_reasons.push_back("and " + std::to_string(groups_over_limit_ - kMaxGroupReasons) +
                                     " more groups over the group member-removal limit");
  }

 private:
  const AttributeTable& attrs_;
  static constexpr uint64_t kMaxGroupReasons = 20;
  std::string anchor_attr_;
  PreviewReport& report_;
  uint64_t groups_over_limit_ = 0;
};

Result<std::optional<std::string>> setting(Store& store, const char* key) { return store.get_setting(key); }

}  // namespace

const char* risk_name(Risk r) {
  switch (r) {
    case Risk::kDelete: return "delete";
    case Risk::kAnchorChange: return "anchor change";
    case Risk::kUpnChange: return "UPN change";
    case Risk::kMemberRemovals: return "member removals";
    case Risk::kRename: return "rename";
    case Risk::kNone: return "";
  }
  return "";
}

Result<PreviewReport> collect_preview(const PreviewRequest& request) {
  auto opened = Store::open(request.store_path, OpenMode::kReadOnly);
  if (!opened.ok()) return opened.status();
  Store& store = **opened;
  AttributeTable attrs;
  IDSYNC_RETURN_IF_ERROR(store.load_attributes(attrs));
  auto rows = store.load_connectors();
  if (!rows.ok()) return rows.status();
  const ConnectorRow* row = nullptr;
  for (const ConnectorRow& r : *rows)
    if (iequals(r.name, request.connector)) row = &r;
  if (row == nullptr)
    return Status::Error(ErrorCode::kNotFound, "no connector named '" + request.connector +
                                                   "'; `idsync connector list` shows the configured ones");
  auto def = parse_connector_json(row->json);
  if (!def.ok()) return def.status().with_context("connector '" + row->name + "'");

  PreviewReport report;
  report.connector = row->name;
  report.store_path = request.store_path;
  auto t = setting(store, kDeletionThresholdSetting);
  if (!t.ok()) return t.status();
  if (t->has_value()) {
    auto parsed = deletion_threshold_from_json(**t);
    if (!parsed.ok()) return parsed.status();
    report.deletion = *parsed;
  }
  auto m = setting(store, kMemberRemovalLimitSetting);
  if (!m.ok()) return m.status();
  if (m->has_value()) {
    auto parsed = member_removal_limit_from_json(**m);
    if (!parsed.ok()) return parsed.status();
    report.member_removal = *parsed;
  }
  auto scheduler = load_scheduler(store);
  if (!scheduler.ok()) return scheduler.status();
  report.staging_mode = scheduler->staging_mode_enabled;

  auto anchor = def->options.find("anchor");
  Collector collector(attrs, anchor == def->options.end() ? std::string() : anchor->second, report);
  size_t max_rows = std::max<size_t>(request.max_rows, 1), max_risky = std::max<size_t>(request.max_risky, 1);
  Status s = store.load_cs(row->id, [&](CsObject&& o) {
    if (!o.placeholder) ++report.objects;
    if (o.pending_export.empty()) return Status::Ok();
    ++report.pending;
    PreviewItem it = collector.item(o);
    if (it.operation == "Delete") ++report.deletes;
    ++report.counts[it.object_type][it.operation];
    if (it.risk != Risk::kNone) {
      ++report.risk_counts[it.risk];
      bounded_push(report.risky, it, max_risky);
    }
    bounded_push(report.rows, it, max_rows);
    return Status::Ok();
  });
  if (!s.ok()) return s.with_context("preview of connector '" + row->name + "'");
  collector.finish();
  finish(report.risky, max_risky);
  finish(report.rows, max_rows);
  if (deletion_threshold_exceeded(report.deletion, report.deletes, report.objects)) {
    std::string limit = report.deletion.prevention == DeletionPrevention::kEnabledForPercentage
                            ? std::to_string(report.deletion.percentage) + "% of the " + std::to_string(report.objects) + " objects"
                            : std::to_string(report.deletion.count);
    report.stop_reasons.insert(report.stop_reasons.begin(), std::to_string(report.deletes) +
                                                                " deletes exceed the deletion threshold (" + limit + ")");
  }
  return report;
}

Result<PreviewStats> write_export_preview(const PreviewRequest& request, std::ostream& html) {
  auto report = collect_preview(request);
  if (!report.ok()) return report.status();
  // A fresh nonce per page: only the page's own script may run.
  std::random_device rd;
  std::string nonce;
  static const char kDigits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
  for (int i = 0; i < 24; ++i) nonce += kDigits[rd() % 36];
  render_preview_html(*report, nonce, html);
  if (!html) return Status::Error(ErrorCode::kIoError, "writing the preview of connector '" + report->connector + "' failed");
  PreviewStats stats;
  stats.pending = report->pending;
  for (const auto& [risk, n] : report->risk_counts) stats.risky += n;
  stats.rows = report->rows.size();
  stats.would_stop = !report->stop_reasons.empty();
  return stats;
}

Result<PreviewStats> write_export_preview_file(const PreviewRequest& request, const std::string& html_path) {
  std::string temp = html_path + ".tmp";
  Result<PreviewStats> stats = Status::Error(ErrorCode::kIoError, "");
  {
    IDSYNC_RETURN_IF_ERROR(prepare_private_file(temp));  // the page shows directory data
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    if (!out)
      return Status::Error(ErrorCode::kIoError, "cannot create " + temp + "; check that its folder exists and is writable");
    stats = write_export_preview(request, out);
    out.flush();
    if (stats.ok() && !out) stats = Status::Error(ErrorCode::kIoError, "cannot write " + temp + " (disk full?)");
  }
  std::error_code ec;
  if (!stats.ok()) {
    std::filesystem::remove(temp, ec);
    return stats;
  }
  std::filesystem::rename(temp, html_path, ec);
  if (ec) {
    std::filesystem::remove(temp, ec);
    return Status::Error(ErrorCode::kIoError, "cannot write " + html_path + ": " + ec.message());
  }
  return stats;
}

}  // namespace idsync
