// Export safety limits, checked before an export run sends anything (REFERENCE.md
// "Operations", "Prevent accidental deletes"). When one trips, the export of that connector
// sends nothing, its pending exports stay for review, and the run ends with a stopped-* result
// naming what tripped.
//
// - The deletion threshold mirrors Get-ADSyncExportDeletionThreshold: DeletionPrevention is
//   Disabled, EnabledForCount (more than ThresholdCount deletes trip it; 500 by default) or
//   EnabledForPercentage (more than ThresholdPercentage percent of the connector space objects
//   trip it). Result: stopped-deletion-threshold-exceeded.
// - The group member-removal limit (beyond the reference product) protects large groups from a
//   broken source: per group (any object losing values of a multi-valued reference attribute
//   such as member) and per export run, more than `count` removals, or, for groups holding at
//   least `min_members` members, more than `percentage` percent of them, trip it. Deleting a
//   whole group is a delete (the deletion threshold's business), not a member removal.
//   Result: stopped-group-member-removal-limit-exceeded, with every offending group named.
#pragma once

#include <cstdint>
#include <string>

#include "idsync/status.h"

namespace idsync {

enum class DeletionPrevention : uint8_t { kDisabled, kEnabledForCount, kEnabledForPercentage };

struct DeletionThreshold {
  DeletionPrevention prevention = DeletionPrevention::kEnabledForCount;
  uint64_t count = 500;     // ThresholdCount: deletes per connector and export run
  uint32_t percentage = 0;  // ThresholdPercentage: 1..100 of the connector space objects; 0 = not set
  bool operator==(const DeletionThreshold&) const = default;
};

struct MemberRemovalLimit {
  bool enabled = true;
  uint64_t count = 500;        // removals from one group per export run; 0 = no count limit
  uint32_t percentage = 50;    // of the group's members before the export; 0 = no percentage limit
  uint64_t min_members = 100;  // the percentage applies to groups with at least this many members
  bool operator==(const MemberRemovalLimit&) const = default;
};

struct ExportLimits {
  DeletionThreshold deletion;
  MemberRemovalLimit member_removal;
};

inline constexpr const char* kDeletionThresholdExceeded = "stopped-deletion-threshold-exceeded";
inline constexpr const char* kMemberRemovalLimitExceeded = "stopped-group-member-removal-limit-exceeded";

const char* deletion_prevention_name(DeletionPrevention p);  // "Disabled", "EnabledForCount", ...

// Whether `deletes` out of `objects` connector space objects trip the threshold.
bool deletion_threshold_exceeded(const DeletionThreshold& t, uint64_t deletes, uint64_t objects);
// Whether removing `removals` of a group's `members_before` members trips the limit.
bool member_removal_limit_exceeded(const MemberRemovalLimit& l, uint64_t removals, uint64_t members_before);

// Settings as JSON with the Get-ADSyncExportDeletionThreshold field names (DeletionPrevention,
// ThresholdPercentage, ThresholdCount) and, for the member limit, Enabled, ThresholdCount,
// ThresholdPercentage, MinimumGroupSize. Parsing accepts what these write; a bare number is
// the older form of the deletion threshold (a count; 0 = disabled).
std::string deletion_threshold_to_json(const DeletionThreshold& t);
Result<DeletionThreshold> deletion_threshold_from_json(const std::string& text);
std::string member_removal_limit_to_json(const MemberRemovalLimit& l);
Result<MemberRemovalLimit> member_removal_limit_from_json(const std::string& text);
// kInvalidArgument when a value is out of range (a percentage above 100, an enabled count of 0).
Status validate(const DeletionThreshold& t);
Status validate(const MemberRemovalLimit& l);

}  // namespace idsync
