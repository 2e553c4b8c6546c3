// Scoping filters. String comparisons are case-insensitive, as Entra Connect's are; when both
// sides are numbers they compare as numbers. A multi-valued attribute satisfies a positive
// operator when any value does, and a negative operator (NOTEQUAL, NOTCONTAINS, ...) when no
// value matches the positive form, so an absent attribute is "not equal" to anything.
#include <charconv>

#include "rules/compiled_rule.h"

namespace idsync {

namespace {

std::optional<int64_t> as_number(std::string_view s) {
  int64_t n = 0;
  if (s.empty()) return std::nullopt;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return n;
}

bool starts_with_ci(std::string_view s, std::string_view prefix_lower) {
  return s.size() >= prefix_lower.size() && iequals(s.substr(0, prefix_lower.size()), prefix_lower);
}

bool ends_with_ci(std::string_view s, std::string_view suffix_lower) {
  return s.size() >= suffix_lower.size() && iequals(s.substr(s.size() - suffix_lower.size()), suffix_lower);
}

int compare(std::string_view value, const CompiledScopeCondition& c) {
  auto n = as_number(value);
  if (n && c.number) return *n < *c.number ? -1 : (*n > *c.number ? 1 : 0);
  std::string lower = to_lower_ascii(value);
  return lower.compare(c.value_lower) < 0 ? -1 : (lower == c.value_lower ? 0 : 1);
}

// The positive form of an operator on one value.
bool value_matches(ScopeOperator positive, std::string_view v, const CompiledScopeCondition& c) {
  switch (positive) {
    case ScopeOperator::kEqual: return compare(v, c) == 0;
    case ScopeOperator::kLessThan: return compare(v, c) < 0;
    case ScopeOperator::kLessThanOrEqual: return compare(v, c) <= 0;
    case ScopeOperator::kGreaterThan: return compare(v, c) > 0;
    case ScopeOperator::kGreaterThanOrEqual: return compare(v, c) >= 0;
    case ScopeOperator::kContains: return to_lower_ascii(v).find(c.value_lower) != std::string::npos;
    case ScopeOperator::kStartsWith: return starts_with_ci(v, c.value_lower);
    case ScopeOperator::kEndsWith: return ends_with_ci(v, c.value_lower);
    case ScopeOperator::kIsIn: {
      std::string lower = to_lower_ascii(v);
      for (const std::string& item : c.list)
        if (item == lower) return true;
      return false;
    }
    case ScopeOperator::kIsBitSet: {
      auto n = as_number(v);
      return n && c.number && (*n & *c.number) == *c.number;
    }
    default: return false;
  }
}

bool condition_holds(const CompiledScopeCondition& c, const AttributeSet& source,
                     const std::function<bool(const std::string&)>& is_member_of, std::string_view dn) {
  ValueList dn_value;
  ValuesView values;
  if (c.attr == kDnAttr) {
    if (!dn.empty()) dn_value.emplace_back(dn);
    values = ValuesView(dn_value);
  } else {
    values = source.get(c.attr);
  }
  auto any = [&](ScopeOperator positive) {
    for (std::string_view v : values)
      if (value_matches(positive, v, c)) return true;
    return false;
  };
  switch (c.op) {
    case ScopeOperator::kIsNull: return values.empty();
    case ScopeOperator::kIsNotNull: return !values.empty();
    case ScopeOperator::kNotEqual: return !any(ScopeOperator::kEqual);
    case ScopeOperator::kNotContains: return !any(ScopeOperator::kContains);
    case ScopeOperator::kNotStartsWith: return !any(ScopeOperator::kStartsWith);
    case ScopeOperator::kNotEndsWith: return !any(ScopeOperator::kEndsWith);
    case ScopeOperator::kIsNotIn: return !any(ScopeOperator::kIsIn);
    case ScopeOperator::kIsBitNotSet: {
      // An absent flag attribute has no bit set.
      if (values.empty()) return true;
      return !any(ScopeOperator::kIsBitSet);
    }
    case ScopeOperator::kIsMemberOf: return is_member_of && is_member_of(c.value);
    case ScopeOperator::kIsNotMemberOf: return !(is_member_of && is_member_of(c.value));
    default: return any(c.op);
  }
}

}  // namespace

bool in_scope(const CompiledRule& rule, const AttributeSet& source,
              const std::function<bool(const std::string&)>& is_member_of, std::string_view dn) {
  if (rule.scope.empty()) return true;
  for (const auto& group : rule.scope) {
    bool all = true;
    for (const CompiledScopeCondition& c : group) {
      if (!condition_holds(c, source, is_member_of, dn)) {
        all = false;
        break;
      }
    }
    if (all) return true;
  }
  return false;
}

}  // namespace idsync
