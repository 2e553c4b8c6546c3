#include "sync/export_limits.h"

#include <set>

#include "sync/steps.h"

namespace idsync {

const char* deletion_prevention_name(DeletionPrevention p) {
  switch (p) {
    case DeletionPrevention::kDisabled: return "Disabled";
    case DeletionPrevention::kEnabledForCount: return "EnabledForCount";
    case DeletionPrevention::kEnabledForPercentage: return "EnabledForPercentage";
  }
  return "Disabled";
}

bool deletion_threshold_exceeded(const DeletionThreshold& t, uint64_t deletes, uint64_t objects) {
  switch (t.prevention) {
    case DeletionPrevention::kDisabled: return false;
    case DeletionPrevention::kEnabledForCount: return t.count > 0 && deletes > t.count;
    case DeletionPrevention::kEnabledForPercentage:
      // Integer arithmetic: "more than P percent" is deletes * 100 > P * objects.
      return t.percentage > 0 && deletes * 100 > uint64_t{t.percentage} * objects;
  }
  return false;
}

bool member_removal_limit_exceeded(const MemberRemovalLimit& l, uint64_t removals, uint64_t members_before) {
  if (!l.enabled || removals == 0) return false;
  if (l.count > 0 && removals > l.count) return true;
  return l.percentage > 0 && members_before >= l.min_members && removals * 100 > uint64_t{l.percentage} * members_before;
}

std::vector<MemberRemoval> member_removals(const CsObject& o, const AttributeTable& attrs) {
  std::vector<MemberRemoval> out;
  if (o.pending_export.kind != PendingExportKind::kUpdate) return out;
  CsSetsView sets(o);  // thawed once for all the changes
  for (const PendingChange a : sets.pending_changes()) {
    const AttrInfo& info = attrs.info(a.id);
    if (info.type != AttrType::kReference || !info.multi_valued) continue;
    // What the directory holds: exports not yet confirmed over the last import.
    ValuesView believed = sets.unconfirmed().get(a.id);
    if (!believed) believed = sets.imported().get(a.id);
    uint64_t before = believed.size();
    uint64_t removed = 0;
    if (a.op == ValueOp::kDelete) {
      removed = a.values.size();
    } else if (a.op == ValueOp::kReplace && believed) {
      std::set<std::string, std::less<>> kept(a.values.begin(), a.values.end());
      for (std::string_view v : believed) removed += kept.count(v) ? 0 : 1;
    }
    if (removed == 0) continue;
    bool merged = false;
    for (MemberRemoval& m : out)
      if (m.attr == a.id) {
        m.removals += removed;
        merged = true;
      }
    if (!merged) out.push_back(MemberRemoval{a.id, removed, before});
  }
  return out;
}

Status check_export_limits(const ConnectorSpace& space, const std::vector<CsObject*>& pending,
                           const AttributeTable& attrs, const ExportLimits& limits, StepResult& result) {
  uint64_t deletes = 0;
  for (const CsObject* o : pending)
    if (o->pending_export.kind == PendingExportKind::kDelete) ++deletes;
  // Only a percentage threshold with deletes pending needs the object count (a pass over the
  // space); otherwise the check costs O(pending exports).
  uint64_t objects = 0;
  if (limits.deletion.prevention == DeletionPrevention::kEnabledForPercentage && deletes > 0)
    for (const auto& [id, o] : space.objects) objects += o.placeholder ? 0 : 1;
  const std::string& name = space.def.name;
  const DeletionThreshold& t = limits.deletion;
  if (deletion_threshold_exceeded(t, deletes, objects)) {
    result.result = kDeletionThresholdExceeded;
    result.counters["export-delete-pending"] = deletes;
    std::string limit = t.prevention == DeletionPrevention::kEnabledForPercentage
                            ? std::to_string(t.percentage) + "% of the " + std::to_string(objects) +
                                  " connector space objects"
                            : std::to_string(t.count) + " deletes";
    return Status::Error(ErrorCode::kStopped,
                         "export to '" + name + "' stopped, nothing was exported: " + std::to_string(deletes) +
                             " deletes are pending, more than the deletion threshold of " + limit +
                             "; review them (idsync preview " + name +
                             ") and raise or disable the threshold (idsync threshold enable / disable)");
  }

  const MemberRemovalLimit& l = limits.member_removal;
  if (!l.enabled) return Status::Ok();
  uint64_t groups = 0;
  std::string first;
  for (const CsObject* o : pending) {
    for (const MemberRemoval& m : member_removals(*o, attrs)) {
      if (!member_removal_limit_exceeded(l, m.removals, m.members_before)) continue;
      std::string what = std::to_string(m.removals) + " of its " + std::to_string(m.members_before) + " " +
                         attrs.info(m.attr).name + " values would be removed";
      record_error(result, o->dn, "group-member-removal-limit-exceeded", what);
      if (groups++ == 0) first = "group " + o->dn.str() + ": " + what;
    }
  }
  if (groups == 0) return Status::Ok();
  result.result = kMemberRemovalLimitExceeded;
  result.counters["export-groups-over-member-removal-limit"] = groups;
  std::string rule = l.count > 0 ? "more than " + std::to_string(l.count) + " removals" : std::string();
  if (l.percentage > 0)
    rule += (rule.empty() ? "" : ", or ") + std::string("more than ") + std::to_string(l.percentage) +
            "% of a group with at least " + std::to_string(l.min_members) + " members";
  return Status::Error(ErrorCode::kStopped,
                       "export to '" + name + "' stopped, nothing was exported: " + first +
                           (groups > 1 ? " (and " + std::to_string(groups - 1) + " more groups, see the run's errors)" : "") +
                           "; that exceeds the group member-removal limit (" + rule + " per export run); review it (idsync preview " +
                           name + ") and raise or disable the limit (idsync member-limit enable / disable)");
}

}  // namespace idsync
