// A sync rule compiled against the server's attribute table: attribute names resolved to ids,
// expressions compiled once, scope values pre-parsed. Immutable after compile, so many threads
// may evaluate one CompiledRule at once.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "idsync/connector.h"
#include "idsync/expression.h"
#include "idsync/sync_rule.h"
#include "model/attribute_set.h"
#include "model/objects.h"

namespace idsync {

// The pseudo-attribute "dn": the object's DN, as a source on a connector-space side ([dn] in an
// expression, a Direct flow, a scope condition) and as an outbound flow destination.
inline constexpr AttrId kDnAttr = 0xFFFFFFFFu;

struct CompiledScopeCondition {
  AttrId attr;
  ScopeOperator op;
  std::string value;               // as written
  std::string value_lower;         // for case-insensitive string operators
  std::optional<int64_t> number;   // when the value is numeric
  std::vector<std::string> list;   // ISIN / ISNOTIN, lowercased
};

struct CompiledJoinCondition {
  AttrId cs_attr;
  AttrId mv_attr;
  bool case_sensitive;
};

struct CompiledFlow {
  AttrId destination;
  AttrType destination_type;
  bool destination_multi;
  FlowType type;
  AttrId direct_source = 0;        // Direct
  ValueList constant;              // Constant (canonical for the destination type)
  std::optional<expr::Program> program;  // Expression
  MergeType merge;
  bool execute_once;
  std::string destination_name;
};

struct CompiledRule {
  SyncRule def;
  size_t order = 0;                // position in the rule list: the last tie-breaker
  ConnectorId connector = 0;
  std::vector<std::vector<CompiledScopeCondition>> scope;
  std::vector<std::vector<CompiledJoinCondition>> joins;
  std::vector<CompiledFlow> flows;
  std::vector<std::pair<std::string, std::string>> parameters;  // %Name% → value for this rule
};

// Which attribute names a side of a rule may use. An empty `known` list accepts every name
// (a connector whose schema has not been declared or discovered).
struct SchemaView {
  std::string description;             // "connector 'AD'" / "the metaverse"
  const ConnectorSchema* schema = nullptr;
  SpaceId space = kMetaverseSpace;     // whose attribute ids
};

// Compiles `rule`. Errors name the rule, the flow or condition, and the attribute or the
// expression position: "rule 'In from AD - User Join', flow to 'displayName': ...".
Result<CompiledRule> compile_rule(const SyncRule& rule, size_t order, ConnectorId connector,
                                  const SchemaView& source, const SchemaView& target,
                                  AttributeTable& attrs);

// Scoping filter: groups ORed, conditions ANDed; no groups = in scope.
// `is_member_of` answers ISMEMBEROF (DN of a group); may be empty (then never a member).
// `dn` is the source object's DN (empty for a metaverse object).
bool in_scope(const CompiledRule& rule, const AttributeSet& source,
              const std::function<bool(const std::string& group_dn)>& is_member_of = {}, std::string_view dn = {});

// The normalized join value of `values`' first value (lowercased unless case-sensitive).
std::string join_key(AttrId mv_attr, std::string_view value, bool case_sensitive);
// The same into `out` (replaced; its capacity reused): no allocation in a hot loop.
void join_key_into(AttrId mv_attr, std::string_view value, bool case_sensitive, std::string& out);

// One flow's outcome for one object.
struct FlowOutcome {
  enum Kind : uint8_t { kValues, kNull, kIgnore, kAuthoritativeNull } kind = kNull;
  ValueList values;
};

// Evaluates a flow against `source` (with rule parameters). Runtime expression errors come back
// as kExpressionError with the documented error kind in the message.
Result<FlowOutcome> evaluate_flow(const CompiledRule& rule, const CompiledFlow& flow,
                                  const AttributeSet& source, std::string_view dn = {},
                                  const AttributeSet* imported = nullptr);

}  // namespace idsync
