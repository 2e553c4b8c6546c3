// Walks a compiled Node tree against one EvalContext. Reentrant: all per-evaluation state
// (variable slots) lives in the Frame on the caller's stack.
#pragma once

#include <vector>

#include "expr/ast.h"
#include "idsync/expression.h"

namespace idsync::expr {

struct Frame {
  const EvalContext& context;
  std::vector<Value> slots;
};

Result<Value> evaluate_node(const Node& node, Frame& frame);

// Operators on two already evaluated operands (multi-valued operands apply per value).
Result<Value> apply_binary(BinaryOp op, const Value& left, const Value& right);

}  // namespace idsync::expr
