// Sync rules (declarative provisioning), as an administrator defines them.
//
// The meaning follows Entra Connect (../shared/REFERENCE.md "Sync rules"): scope → join →
// projection / provisioning → attribute flow → precedence. Inbound rules read a connector
// space object type and write a metaverse object type; outbound rules read the metaverse and
// write a connector space object type. Lower precedence numbers win.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace idsync {

enum class Direction { kInbound, kOutbound };
enum class LinkType { kJoin, kProvision, kStickyJoin };

enum class ScopeOperator {
  kEqual, kNotEqual, kLessThan, kLessThanOrEqual, kGreaterThan, kGreaterThanOrEqual,
  kContains, kNotContains, kStartsWith, kNotStartsWith, kEndsWith, kNotEndsWith,
  kIsNull, kIsNotNull, kIsIn, kIsNotIn, kIsBitSet, kIsBitNotSet, kIsMemberOf, kIsNotMemberOf,
};

enum class FlowType { kDirect, kConstant, kExpression };
enum class MergeType { kUpdate, kReplace, kMerge, kMergeCaseInsensitive };

// Clauses in a group are ANDed; groups are ORed. An empty scope means every object.
struct ScopeCondition {
  std::string attribute;
  ScopeOperator op = ScopeOperator::kEqual;
  std::string value;  // ISIN / ISNOTIN: values separated by ';'
  bool operator==(const ScopeCondition&) const = default;
};
struct ScopeGroup {
  std::vector<ScopeCondition> conditions;
  bool operator==(const ScopeGroup&) const = default;
};

// Join: groups are tried in order; the first with exactly one match wins.
struct JoinCondition {
  std::string cs_attribute;
  std::string mv_attribute;
  bool case_sensitive = false;
  bool operator==(const JoinCondition&) const = default;
};
struct JoinGroup {
  std::vector<JoinCondition> conditions;
  bool operator==(const JoinGroup&) const = default;
};

struct AttributeFlow {
  FlowType type = FlowType::kDirect;
  std::vector<std::string> sources;  // Direct: one attribute; Expression: those it reads
  std::string destination;           // "dn" on an outbound rule sets the target's DN
  std::string expression;            // Expression: the text; Constant: the value
  MergeType merge = MergeType::kUpdate;
  bool execute_once = false;
  bool operator==(const AttributeFlow&) const = default;
};

struct SyncRule {
  std::string id;                    // a GUID, "{...}" form
  std::string name;
  std::string description;
  std::string immutable_tag;
  Direction direction = Direction::kInbound;
  std::string connector;             // connector name
  std::string source_object_type;
  std::string target_object_type;
  LinkType link_type = LinkType::kJoin;
  int precedence = 100;
  bool disabled = false;
  std::vector<ScopeGroup> scope;
  std::vector<JoinGroup> joins;
  std::vector<AttributeFlow> flows;
  bool operator==(const SyncRule&) const = default;
};

const char* direction_name(Direction d);
const char* link_type_name(LinkType t);
const char* scope_operator_name(ScopeOperator op);   // the Entra token: "ISBITNOTSET", ...
const char* flow_type_name(FlowType t);
const char* merge_type_name(MergeType t);
std::optional<Direction> parse_direction(std::string_view s);      // case-insensitive
std::optional<LinkType> parse_link_type(std::string_view s);
std::optional<ScopeOperator> parse_scope_operator(std::string_view s);
std::optional<FlowType> parse_flow_type(std::string_view s);
std::optional<MergeType> parse_merge_type(std::string_view s);

}  // namespace idsync
