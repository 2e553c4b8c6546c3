// The export limits as store settings and as the JSON `idsync threshold show` and
// `idsync member-limit show` print (Get-ADSyncExportDeletionThreshold field names).
#include <nlohmann/json.hpp>

#include "idsync/export_limits.h"
#include "idsync/value_types.h"

namespace idsync {

using nlohmann::ordered_json;

std::string deletion_threshold_to_json(const DeletionThreshold& t) {
  return ordered_json{{"DeletionPrevention", deletion_prevention_name(t.prevention)},
                      {"ThresholdPercentage", t.percentage},
                      {"ThresholdCount", t.count}}
      .dump(2);
}

Result<DeletionThreshold> deletion_threshold_from_json(const std::string& text) {
  DeletionThreshold t;
  try {
    auto j = ordered_json::parse(text);
    if (j.is_number_unsigned()) {  // the older form: a count, 0 = disabled
      t.count = j.get<uint64_t>();
      t.prevention = t.count == 0 ? DeletionPrevention::kDisabled : DeletionPrevention::kEnabledForCount;
      if (t.count == 0) t.count = 500;
      return t;
    }
    std::string p = j.value("DeletionPrevention", "EnabledForCount");
    if (iequals(p, "Disabled")) {
      t.prevention = DeletionPrevention::kDisabled;
    } else if (iequals(p, "EnabledForCount")) {
      t.prevention = DeletionPrevention::kEnabledForCount;
    } else if (iequals(p, "EnabledForPercentage")) {
      t.prevention = DeletionPrevention::kEnabledForPercentage;
    } else {
      return Status::Error(ErrorCode::kInvalidArgument,
                           "DeletionPrevention '" + p + "' is not Disabled, EnabledForCount or EnabledForPercentage");
    }
    t.percentage = j.value("ThresholdPercentage", uint32_t{0});
    t.count = j.value("ThresholdCount", uint64_t{500});
  } catch (const std::exception& e) {
    return Status::Error(ErrorCode::kStoreError, std::string("damaged deletion threshold setting: ") + e.what());
  }
  return t;
}

std::string member_removal_limit_to_json(const MemberRemovalLimit& l) {
  return ordered_json{{"Enabled", l.enabled},
                      {"ThresholdCount", l.count},
                      {"ThresholdPercentage", l.percentage},
                      {"MinimumGroupSize", l.min_members}}
      .dump(2);
}

Result<MemberRemovalLimit> member_removal_limit_from_json(const std::string& text) {
  MemberRemovalLimit l;
  try {
    auto j = ordered_json::parse(text);
    l.enabled = j.value("Enabled", true);
    l.count = j.value("ThresholdCount", l.count);
    l.percentage = j.value("ThresholdPercentage", l.percentage);
    l.min_members = j.value("MinimumGroupSize", l.min_members);
  } catch (const std::exception& e) {
    return Status::Error(ErrorCode::kStoreError, std::string("damaged group member-removal limit setting: ") + e.what());
  }
  return l;
}

Status validate(const DeletionThreshold& t) {
  if (t.percentage > 100)
    return Status::Error(ErrorCode::kInvalidArgument, "ThresholdPercentage must be 1..100, not " + std::to_string(t.percentage));
  if (t.prevention == DeletionPrevention::kEnabledForPercentage && t.percentage == 0)
    return Status::Error(ErrorCode::kInvalidArgument, "EnabledForPercentage needs a ThresholdPercentage of 1..100");
  if (t.prevention == DeletionPrevention::kEnabledForCount && t.count == 0)
    return Status::Error(ErrorCode::kInvalidArgument,
                         "EnabledForCount needs a ThresholdCount of at least 1 (disable the threshold instead)");
  return Status::Ok();
}

Status validate(const MemberRemovalLimit& l) {
  if (l.percentage > 100)
    return Status::Error(ErrorCode::kInvalidArgument, "ThresholdPercentage must be 0..100, not " + std::to_string(l.percentage));
  if (l.enabled && l.count == 0 && l.percentage == 0)
    return Status::Error(ErrorCode::kInvalidArgument,
                         "an enabled group member-removal limit needs a ThresholdCount or a ThresholdPercentage "
                         "(disable the limit instead)");
  return Status::Ok();
}

}  // namespace idsync
