// The compiled form of an expression: a tree whose calls already point at their FunctionDef,
// whose attributes are resolved ids and whose variables are frame slots. Immutable after
// compile(), so one tree serves any number of concurrent evaluations.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "expr/function_table.h"
#include "idsync/expression.h"

namespace idsync::expr {

enum class NodeType : uint8_t {
  kLiteral,        // literal
  kAttribute,      // attr
  kImportedValue,  // attr (ImportedValue("name"))
  kValueCount,     // attr (ValueCount("name"))
  kParameter,      // name
  kVariable,       // slot
  kCall,           // function, args
  kBinary,         // op, args[0..1]
  kNegate,         // args[0]
};

// Calls the allocation-free fast lane (fast_eval.cc) evaluates itself; kNone goes through the
// generic evaluator. Resolved once at compile time.
enum class FastOp : uint8_t {
  kNone, kIsPresent, kIsNullOrEmpty, kIsNull, kLeft, kRight, kTrim, kLTrim, kRTrim, kLCase, kUCase,
  kInStr, kCBool, kBitAnd, kBitOr, kLen, kCRef, kDNComponent,
};

enum class BinaryOp : uint8_t { kAdd, kSub, kMul, kDiv, kConcat, kEq, kNe, kLt, kLe, kGt, kGe, kAnd, kOr };

const char* binary_op_text(BinaryOp op);

struct Node {
  NodeType type = NodeType::kLiteral;
  BinaryOp op = BinaryOp::kAdd;
  uint32_t column = 1;
  uint32_t depth = 1;  // height of the subtree: bounded by the parser (kMaxNesting)
  uint32_t slot = 0;
  AttrRef attr;
  Value literal;
  std::string name;  // parameter or attribute name, for messages
  const FunctionDef* function = nullptr;
  FastOp fast = FastOp::kNone;
  std::optional<int64_t> number_literal;  // a number literal's value, parsed once (fast lane)
  std::vector<std::unique_ptr<Node>> args;
};

}  // namespace idsync::expr
