// Names of the rule enums as Entra Connect writes them, and their parsers.
#include <array>
#include <utility>

#include "idsync/sync_rule.h"
#include "idsync/value_types.h"

namespace idsync {

namespace {

template <class E, size_t N>
std::optional<E> parse_from(const std::array<std::pair<const char*, E>, N>& table, std::string_view s) {
  for (const auto& [name, value] : table)
    if (iequals(name, s)) return value;
  return std::nullopt;
}

template <class E, size_t N>
const char* name_of(const std::array<std::pair<const char*, E>, N>& table, E value) {
  for (const auto& [name, v] : table)
    if (v == value) return name;
  return "?";
}

constexpr std::array<std::pair<const char*, Direction>, 2> kDirections{{
    {"Inbound", Direction::kInbound}, {"Outbound", Direction::kOutbound}}};
constexpr std::array<std::pair<const char*, LinkType>, 3> kLinkTypes{{
    {"Join", LinkType::kJoin}, {"Provision", LinkType::kProvision}, {"StickyJoin", LinkType::kStickyJoin}}};
constexpr std::array<std::pair<const char*, ScopeOperator>, 20> kOperators{{
    {"EQUAL", ScopeOperator::kEqual},
    {"NOTEQUAL", ScopeOperator::kNotEqual},
    {"LESSTHAN", ScopeOperator::kLessThan},
    {"LESSTHAN_OR_EQUAL", ScopeOperator::kLessThanOrEqual},
    {"GREATERTHAN", ScopeOperator::kGreaterThan},
    {"GREATERTHAN_OR_EQUAL", ScopeOperator::kGreaterThanOrEqual},
    {"CONTAINS", ScopeOperator::kContains},
    {"NOTCONTAINS", ScopeOperator::kNotContains},
    {"STARTSWITH", ScopeOperator::kStartsWith},
    {"NOTSTARTSWITH", ScopeOperator::kNotStartsWith},
    {"ENDSWITH", ScopeOperator::kEndsWith},
    {"NOTENDSWITH", ScopeOperator::kNotEndsWith},
    {"ISNULL", ScopeOperator::kIsNull},
    {"ISNOTNULL", ScopeOperator::kIsNotNull},
    {"ISIN", ScopeOperator::kIsIn},
    {"ISNOTIN", ScopeOperator::kIsNotIn},
    {"ISBITSET", ScopeOperator::kIsBitSet},
    {"ISBITNOTSET", ScopeOperator::kIsBitNotSet},
    {"ISMEMBEROF", ScopeOperator::kIsMemberOf},
    {"ISNOTMEMBEROF", ScopeOperator::kIsNotMemberOf},
}};
constexpr std::array<std::pair<const char*, FlowType>, 3> kFlowTypes{{
    {"Direct", FlowType::kDirect}, {"Constant", FlowType::kConstant}, {"Expression", FlowType::kExpression}}};
constexpr std::array<std::pair<const char*, MergeType>, 4> kMergeTypes{{
    {"Update", MergeType::kUpdate}, {"Replace", MergeType::kReplace}, {"Merge", MergeType::kMerge},
    {"MergeCaseInsensitive", MergeType::kMergeCaseInsensitive}}};

}  // namespace

const char* direction_name(Direction d) { return name_of(kDirections, d); }
const char* link_type_name(LinkType t) { return name_of(kLinkTypes, t); }
const char* scope_operator_name(ScopeOperator op) { return name_of(kOperators, op); }
const char* flow_type_name(FlowType t) { return name_of(kFlowTypes, t); }
const char* merge_type_name(MergeType t) { return name_of(kMergeTypes, t); }
std::optional<Direction> parse_direction(std::string_view s) { return parse_from(kDirections, s); }
std::optional<LinkType> parse_link_type(std::string_view s) { return parse_from(kLinkTypes, s); }
std::optional<ScopeOperator> parse_scope_operator(std::string_view s) { return parse_from(kOperators, s); }
std::optional<FlowType> parse_flow_type(std::string_view s) { return parse_from(kFlowTypes, s); }
std::optional<MergeType> parse_merge_type(std::string_view s) { return parse_from(kMergeTypes, s); }

}  // namespace idsync
