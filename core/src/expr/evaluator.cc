#include "expr/evaluator.h"

#include <array>
#include <span>
#include <string>

#include "expr/value_util.h"

namespace idsync::expr {

namespace {

std::string at_column(const Node& node) { return " (column " + std::to_string(node.column) + ")"; }

// A number operand of an arithmetic operator: numbers, and strings that read as one.
std::optional<int64_t> numeric(const Value& v) {
  if (v.kind == Kind::kNumber || v.kind == Kind::kString) return parse_int64(v.values[0]);
  return std::nullopt;
}

Status operand_mismatch(BinaryOp op, const Value& l, const Value& r, std::string_view hint) {
  return runtime_error(kErrTypeMismatch, std::string("operator '") + binary_op_text(op) + "' cannot combine " +
                                             describe(l) + " and " + describe(r) + std::string(hint));
}

Result<Value> arithmetic(BinaryOp op, const Value& l, const Value& r) {
  if (is_nullish(l) || is_nullish(r)) return Value::null();
  auto a = numeric(l);
  auto b = numeric(r);
  if (!a || !b) return operand_mismatch(op, l, r, op == BinaryOp::kAdd ? "; use & to join strings" : "; both must be numbers");
  int64_t out = 0;
  bool overflow = false;
  switch (op) {
    case BinaryOp::kAdd: overflow = __builtin_add_overflow(*a, *b, &out); break;
    case BinaryOp::kSub: overflow = __builtin_sub_overflow(*a, *b, &out); break;
    case BinaryOp::kMul: overflow = __builtin_mul_overflow(*a, *b, &out); break;
    case BinaryOp::kDiv:
      if (*b == 0) return runtime_error(kErrDivideByZero, "division by zero: " + std::to_string(*a) + " / 0");
      if (*a == INT64_MIN && *b == -1) overflow = true;
      else out = *a / *b;
      break;
    default: break;
  }
  if (overflow)
    return runtime_error(kErrOverflow, std::to_string(*a) + " " + binary_op_text(op) + " " + std::to_string(*b) +
                                           " does not fit in a 64-bit number");
  return Value::number(out);
}

Result<Value> concat(const Value& l, const Value& r) {
  if (is_nullish(l) && is_nullish(r)) return Value::null();
  size_t bytes = (is_nullish(l) ? 0 : l.values[0].size()) + (is_nullish(r) ? 0 : r.values[0].size());
  if (bytes > kMaxValueBytes) return value_too_large("operator '&'", bytes);
  if (l.kind == Kind::kBinary || r.kind == Kind::kBinary) {
    std::string bytes;
    for (const Value* v : {&l, &r}) {
      if (is_nullish(*v)) continue;
      bytes += v->kind == Kind::kBinary ? v->values[0] : *as_text(*v);
    }
    return make_binary(std::move(bytes));
  }
  std::string text;
  if (!is_nullish(l)) text += *as_text(l);
  if (!is_nullish(r)) text += *as_text(r);
  return Value::string(std::move(text));
}

// -1, 0, 1; an error when the operands have no common type.
Result<int> compare(BinaryOp op, const Value& l, const Value& r) {
  auto sign = [](auto a, auto b) { return a < b ? -1 : (a > b ? 1 : 0); };
  if (l.kind == Kind::kBoolean || r.kind == Kind::kBoolean) {
    auto a = truth(l, "comparison");
    auto b = truth(r, "comparison");
    if (!a.ok() || !b.ok()) return operand_mismatch(op, l, r, "");
    return sign(int(*a), int(*b));
  }
  if (l.kind == Kind::kNumber || r.kind == Kind::kNumber) {
    auto a = numeric(l);
    auto b = numeric(r);
    if (!a || !b) return operand_mismatch(op, l, r, "; a number compares only with a number");
    return sign(*a, *b);
  }
  // Strings, references, date-times (canonical text orders chronologically) and binaries
  // compare ordinally: case-sensitive, byte by byte.
  return sign(l.values[0].compare(r.values[0]), 0);
}

Result<Value> comparison(BinaryOp op, const Value& l, const Value& r) {
  if (is_nullish(l) || is_nullish(r)) return Value::null();
  auto c = compare(op, l, r);
  if (!c.ok()) return c.status();
  switch (op) {
    case BinaryOp::kEq: return Value::boolean(*c == 0);
    case BinaryOp::kNe: return Value::boolean(*c != 0);
    case BinaryOp::kLt: return Value::boolean(*c < 0);
    case BinaryOp::kLe: return Value::boolean(*c <= 0);
    case BinaryOp::kGt: return Value::boolean(*c > 0);
    case BinaryOp::kGe: return Value::boolean(*c >= 0);
    default: return Value::null();
  }
}

// Three-valued logic: null is unknown; unknown && false is false, unknown || true is true.
Result<std::optional<bool>> tristate(const Value& v, BinaryOp op) {
  if (is_nullish(v)) return std::optional<bool>();
  auto t = truth(v, std::string("operator '") + binary_op_text(op) + "'");
  if (!t.ok()) return t.status();
  return std::optional<bool>(*t);
}

Result<Value> logic(BinaryOp op, const Value& l, const Value& r) {
  auto a = tristate(l, op);
  if (!a.ok()) return a.status();
  auto b = tristate(r, op);
  if (!b.ok()) return b.status();
  bool dominant = op == BinaryOp::kOr;  // the value that decides on its own
  if (*a == dominant || *b == dominant) return Value::boolean(dominant);
  if (!a->has_value() || !b->has_value()) return Value::null();
  return Value::boolean(!dominant);
}

Result<Value> scalar_binary(BinaryOp op, const Value& l, const Value& r) {
  switch (op) {
    case BinaryOp::kConcat: return concat(l, r);
    case BinaryOp::kAdd:
    case BinaryOp::kSub:
    case BinaryOp::kMul:
    case BinaryOp::kDiv: return arithmetic(op, l, r);
    case BinaryOp::kAnd:
    case BinaryOp::kOr: return logic(op, l, r);
    default: return comparison(op, l, r);
  }
}

size_t total_bytes(const Value& v) {
  size_t n = 0;
  for (const auto& s : v.values) n += s.size();
  return n;
}

bool fn_output_fits(const Value& v) {
  if (v.values.size() == 1) return v.values[0].size() <= kMaxValueBytes;
  return total_bytes(v) <= kMaxValueBytes;
}

bool is_multi(const Value& v) { return v.multi && !is_nullish(v); }

// Appends a per-value result to a multi-valued accumulator; nulls contribute nothing.
void collect(Value& out, Value&& r) {
  if (is_nullish(r)) return;
  if (out.kind == Kind::kNull) out.kind = r.kind;
  for (auto& s : r.values) out.values.push_back(std::move(s));
}

Value finish_multi(Value out) {
  if (out.values.empty()) return Value::null();
  out.multi = true;
  return out;
}

// Calls fn once, or once per value when a scalar parameter received several values.
Result<Value> call_function(const Node& node, std::span<const Value> args) {
  const FunctionDef& fn = *node.function;
  size_t count = 0;
  bool mapped = false;
  for (size_t i = 0; i < args.size(); ++i) {
    if (!fn.scalar_param(i) || !is_multi(args[i])) continue;
    if (mapped && args[i].values.size() != count)
      return runtime_error(kErrTypeMismatch, std::string(fn.name) + " got multi-valued arguments with different numbers of values (" +
                                                 std::to_string(count) + " and " + std::to_string(args[i].values.size()) + ")" + at_column(node));
    count = args[i].values.size();
    mapped = true;
  }
  if (!mapped) return fn.impl(args);
  std::vector<Value> one(args.size());
  Value out;
  for (size_t j = 0; j < count; ++j) {
    for (size_t i = 0; i < args.size(); ++i)
      one[i] = (fn.scalar_param(i) && is_multi(args[i])) ? element(args[i], j) : args[i];
    auto r = fn.impl(one);
    if (!r.ok()) return r;
    collect(out, std::move(*r));
  }
  return finish_multi(std::move(out));
}

Result<Value> evaluate_iif(const Node& node, Frame& frame) {
  auto cond = evaluate_node(*node.args[0], frame);
  if (!cond.ok()) return cond;
  if (!is_multi(*cond)) {
    auto t = truth(*cond, "IIF");
    if (!t.ok()) return Status(t.status().code(), t.status().message() + at_column(node));
    return evaluate_node(*node.args[*t ? 1 : 2], frame);
  }
  // A multi-valued condition selects per value, e.g.
  // IIF(InStr([proxyAddresses],"SIP:")=1,NULL,[proxyAddresses]) drops the SIP addresses.
  std::optional<Value> branch[2];
  Value out;
  for (size_t j = 0; j < cond->values.size(); ++j) {
    auto t = truth(element(*cond, j), "IIF");
    if (!t.ok()) return t.status();
    int b = *t ? 0 : 1;
    if (!branch[b]) {
      auto v = evaluate_node(*node.args[1 + b], frame);
      if (!v.ok()) return v;
      branch[b] = std::move(*v);
    }
    const Value& chosen = *branch[b];
    if (is_multi(chosen)) {
      if (chosen.values.size() != cond->values.size())
        return runtime_error(kErrTypeMismatch, "IIF has a condition with " + std::to_string(cond->values.size()) +
                                                   " values but a result with " + std::to_string(chosen.values.size()) + at_column(node));
      collect(out, element(chosen, j));
    } else {
      collect(out, Value(chosen));
    }
  }
  return finish_multi(std::move(out));
}

Result<Value> evaluate_switch(const Node& node, Frame& frame) {
  // Every condition is evaluated (as documented), only the chosen value is.
  std::optional<size_t> chosen;
  for (size_t i = 0; i < node.args.size(); i += 2) {
    auto cond = evaluate_node(*node.args[i], frame);
    if (!cond.ok()) return cond;
    if (is_multi(*cond) && cond->values.size() > 1)
      return runtime_error(kErrTypeMismatch, "condition " + std::to_string(i / 2 + 1) + " of Switch has " +
                                                 std::to_string(cond->values.size()) + " values; expected one" + at_column(node));
    auto t = truth(*cond, "Switch");
    if (!t.ok()) return t.status();
    if (*t && !chosen) chosen = i + 1;
  }
  if (!chosen) return Value::null();
  return evaluate_node(*node.args[*chosen], frame);
}

Result<Value> evaluate_each(const Node& node, Frame& frame, bool select) {
  auto coll = evaluate_node(*node.args[0], frame);
  if (!coll.ok() || is_nullish(*coll)) return coll;
  Value out;
  if (!select) out.kind = coll->kind;
  for (size_t j = 0; j < coll->values.size(); ++j) {
    frame.slots[node.slot] = element(*coll, j);
    auto r = evaluate_node(*node.args[1], frame);
    if (!r.ok()) return r;
    if (select) {
      collect(out, std::move(*r));
    } else {
      auto t = truth(*r, "the condition of Where");
      if (!t.ok()) return t.status();
      if (*t) out.values.push_back(coll->values[j]);
    }
  }
  return finish_multi(std::move(out));
}

Value attribute_value(const AttrRef& attr, ValuesView values) {
  if (values.empty()) return Value::null();
  return {kind_of(attr.type), attr.multi_valued || values.size() > 1, values.to_list()};
}

}  // namespace

Result<Value> apply_binary(BinaryOp op, const Value& left, const Value& right) {
  bool lm = is_multi(left);
  bool rm = is_multi(right);
  if (!lm && !rm) return scalar_binary(op, left, right);
  if (lm && rm && left.values.size() != right.values.size())
    return runtime_error(kErrTypeMismatch, std::string("operator '") + binary_op_text(op) +
                                               "' got multi-valued operands with different numbers of values (" +
                                               std::to_string(left.values.size()) + " and " +
                                               std::to_string(right.values.size()) + ")");
  size_t n = lm ? left.values.size() : right.values.size();
  Value out;
  for (size_t j = 0; j < n; ++j) {
    auto r = scalar_binary(op, lm ? element(left, j) : left, rm ? element(right, j) : right);
    if (!r.ok()) return r;
    collect(out, std::move(*r));
  }
  return finish_multi(std::move(out));
}

Result<Value> evaluate_node(const Node& node, Frame& frame) {
  switch (node.type) {
    case NodeType::kLiteral: return node.literal;
    case NodeType::kAttribute: return attribute_value(node.attr, frame.context.values(node.attr.id));
    case NodeType::kImportedValue:
      return attribute_value(node.attr, frame.context.imported_values(node.attr.id));
    case NodeType::kValueCount: {
      return Value::number(static_cast<int64_t>(frame.context.values(node.attr.id).size()));
    }
    case NodeType::kParameter: {
      const std::string* value = frame.context.parameter(node.name);
      if (!value)
        return runtime_error(kErrParameter, "parameter %" + node.name + "% is not defined for this connector" +
                                                at_column(node) + "; define it as a global or connector parameter");
      return Value::string(*value);
    }
    case NodeType::kVariable: return frame.slots[node.slot];
    case NodeType::kNegate: {
      auto v = evaluate_node(*node.args[0], frame);
      if (!v.ok()) return v;
      auto r = apply_binary(BinaryOp::kSub, Value::number(0), *v);
      if (!r.ok()) return Status(r.status().code(), r.status().message() + at_column(node));
      return r;
    }
    case NodeType::kBinary: {
      auto left = evaluate_node(*node.args[0], frame);
      if (!left.ok()) return left;
      if ((node.op == BinaryOp::kAnd || node.op == BinaryOp::kOr) && !is_multi(*left)) {
        // Short-circuit: `Contains(...) > 0 && Item(..., Contains(...))` must not evaluate the
        // Item call when nothing was found.
        auto a = tristate(*left, node.op);
        if (!a.ok()) return Status(a.status().code(), a.status().message() + at_column(node));
        if (*a == (node.op == BinaryOp::kOr)) return Value::boolean(node.op == BinaryOp::kOr);
      }
      auto right = evaluate_node(*node.args[1], frame);
      if (!right.ok()) return right;
      auto r = apply_binary(node.op, *left, *right);
      if (!r.ok()) return Status(r.status().code(), r.status().message() + at_column(node));
      return r;
    }
    case NodeType::kCall: break;
  }
  const FunctionDef& fn = *node.function;
  switch (fn.special) {
    case Special::kIIF: return evaluate_iif(node, frame);
    case Special::kSwitch: return evaluate_switch(node, frame);
    case Special::kSelect: return evaluate_each(node, frame, true);
    case Special::kWhere: return evaluate_each(node, frame, false);
    case Special::kWith: {
      auto sub = evaluate_node(*node.args[0], frame);
      if (!sub.ok()) return sub;
      frame.slots[node.slot] = std::move(*sub);
      return evaluate_node(*node.args[1], frame);
    }
    default: break;
  }
  // Arguments live on the stack for the usual arities: no vector per call.
  constexpr size_t kInline = 4;
  std::array<Value, kInline> inline_args;
  std::vector<Value> heap_args;
  std::span<Value> args;
  if (node.args.size() <= kInline) {
    args = std::span<Value>(inline_args.data(), node.args.size());
  } else {
    heap_args.resize(node.args.size());
    args = heap_args;
  }
  for (size_t i = 0; i < node.args.size(); ++i) {
    auto v = evaluate_node(*node.args[i], frame);
    if (!v.ok()) return v;
    args[i] = std::move(*v);
  }
  auto result = call_function(node, args);
  if (result.ok() && !fn_output_fits(*result))
    return value_too_large(fn.name, total_bytes(*result));
  return result;
}

}  // namespace idsync::expr
