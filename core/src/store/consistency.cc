#include "store/consistency.h"

#include <charconv>
#include <map>
#include <unordered_map>
#include <unordered_set>

namespace idsync {

namespace {

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

uint64_t parse_u64(const std::string& text) {
  uint64_t v = 0;
  std::from_chars(text.data(), text.data() + text.size(), v);
  return v;
}

class Findings {
 public:
  explicit Findings(ConsistencyReport& r) : r_(r) {}
  void add(std::string what) {
    if (r_.findings.size() < ConsistencyReport::kMaxFindings) r_.findings.push_back(std::move(what));
  }

 private:
  ConsistencyReport& r_;
};

}  // namespace

Result<ConsistencyReport> check_store_consistency(Store& store) {
  ConsistencyReport report;
  Findings findings(report);

  // Value chunks first: an object with a missing or damaged chunk cannot be loaded, so the
  // checks below would stop at the first one instead of listing them.
  auto chunks = store.check_value_chunks(ConsistencyReport::kMaxFindings);
  if (!chunks.ok()) return chunks.status();
  report.value_chunks = chunks->chunks;
  for (std::string& f : chunks->findings) findings.add(std::move(f));
  if (chunks->unreadable) return report;

  auto hashes = store.check_key_hashes(ConsistencyReport::kMaxFindings);
  if (!hashes.ok()) return hashes.status();
  for (std::string& f : *hashes) findings.add(std::move(f));

  auto connectors = store.load_connectors();
  if (!connectors.ok()) return connectors.status();
  std::map<ConnectorId, std::string> names;
  for (const ConnectorRow& c : *connectors) names[c.id] = c.name;

  std::unordered_set<MvId> mv_ids;
  MvId max_mv = 0;
  IDSYNC_RETURN_IF_ERROR(store.load_mv([&](MvObject&& o) {
    ++report.mv_objects;
    if (o.id == 0) findings.add("a metaverse object has id 0");
    mv_ids.insert(o.id);
    max_mv = std::max(max_mv, o.id);
    return Status::Ok();
  }));

  std::unordered_set<MvId> linked;
  CsId max_cs = 0;
  for (const auto& [cid, name] : names) {
    std::unordered_map<std::string, CsId> by_anchor, by_dn;
    IDSYNC_RETURN_IF_ERROR(store.load_cs(cid, [&](CsObject&& o) {
      ++report.cs_objects;
      max_cs = std::max(max_cs, o.id);
      const std::string who = "connector '" + name + "' object '" + o.dn + "' (cs id " + std::to_string(o.id) + ")";
      if (o.mv != 0) {
        ++report.links;
        linked.insert(o.mv);
        if (mv_ids.count(o.mv) == 0)
          findings.add(who + " is linked to metaverse object " + std::to_string(o.mv) + ", which does not exist");
      }
      if (!o.anchor.empty()) {
        auto [it, fresh] = by_anchor.emplace(o.anchor, o.id);
        if (!fresh)
          findings.add(who + " has the same anchor as cs id " + std::to_string(it->second) + " (duplicate object)");
      }
      if (!o.dn.empty() && !o.placeholder) {
        auto [it, fresh] = by_dn.emplace(lower_ascii(o.dn), o.id);
        if (!fresh)
          findings.add(who + " has the same DN as cs id " + std::to_string(it->second) + " (duplicate object)");
      }
      const PendingExport& pe = o.pending_export;
      if (!pe.empty()) ++report.pending_exports;
      if (pe.empty() && (!pe.changes.empty() || !pe.new_dn.empty()))
        findings.add(who + " has export changes without a pending export");
      if (pe.kind == PendingExportKind::kDelete && !pe.changes.empty())
        findings.add(who + " has a pending delete that also carries attribute changes");
      return Status::Ok();
    }));
  }

  for (MvId id : mv_ids)
    if (linked.count(id) == 0)
      findings.add("metaverse object " + std::to_string(id) + " has no connector space object linked to it");

  for (const char* key : {"next_cs_id", "next_mv_id"}) {
    auto v = store.get_setting(key);
    if (!v.ok()) return v.status();
    uint64_t max_id = std::string_view(key) == "next_cs_id" ? max_cs : max_mv;
    if (max_id == 0) continue;
    uint64_t next = v->has_value() ? parse_u64(**v) : 0;
    if (next <= max_id)
      findings.add(std::string(key) + " is " + std::to_string(next) + " but id " + std::to_string(max_id) +
                   " is already in use: new objects would reuse ids");
  }
  return report;
}

Status consistency_status(const ConsistencyReport& report) {
  if (report.findings.empty()) return Status::Ok();
  std::string message = "the store's consistency check found " + std::to_string(report.findings.size()) +
                        (report.findings.size() >= ConsistencyReport::kMaxFindings ? "+" : "") + " problem(s): ";
  for (size_t i = 0; i < report.findings.size(); ++i) {
    if (i > 0) message += "; ";
    message += report.findings[i];
  }
  message += ". Run a full import and full synchronization of the connectors named, or rebuild the store from "
             "the directories (README \"Disaster recovery\")";
  return Status::Error(ErrorCode::kStoreError, std::move(message));
}

}  // namespace idsync
