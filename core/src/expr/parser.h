// Recursive-descent parser: tokens -> resolved Node tree.
//
// Operator priority. The reference docs say every operator has the same priority and they
// evaluate left to right (so 1 + 2 * 3 is 9). The default synchronization rules, however, are
// written as `Left([a], 4) = "CAS_" && InStr([a], "}") > 0` and `X || [b] = "c" || ...`, which
// only work if comparisons bind tighter than && and ||. IdSync therefore uses three tiers, each
// strictly left to right with equal priority inside the tier:
//   1. + - * / &        (arithmetic and concatenation)
//   2. < <= <> = > >=   (comparison)
//   3. && ||            (logic, short-circuit)
// tests/expr/operator_priority_test.cc finds every place in the 62 default rules where the tiers
// meet (six expressions, all comparison inside && / ||) and pins each one's meaning.
// Unary minus applies to the operand that follows it.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "expr/ast.h"
#include "idsync/expression.h"

namespace idsync::expr {

// Nesting limit (parentheses, calls, operator chains): the parser, the evaluator and the tree's
// destructor all recurse over it, so deeper input is a syntax error rather than a stack
// overflow. The default rules nest at most a dozen levels.
inline constexpr uint32_t kMaxNesting = 200;

struct ParsedProgram {
  std::unique_ptr<Node> root;
  std::vector<uint32_t> attributes;  // unique, in order of first reference
  uint32_t slots = 0;                // variables ($item, With) in the evaluation frame
};

Result<ParsedProgram> parse(std::string_view text, const AttributeResolver& resolver);

}  // namespace idsync::expr
