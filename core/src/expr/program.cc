// Program and compile(): the public face of the expression subsystem.
#include <string>
#include <vector>

#include "expr/evaluator.h"
#include "expr/fast_eval.h"
#include "expr/parser.h"
#include "idsync/expression.h"

namespace idsync::expr {

struct Program::Impl {
  std::string text;
  std::unique_ptr<Node> root;
  std::vector<uint32_t> attributes;
  uint32_t slots = 0;
  bool fast = false;  // the root has a fast-lane form
};

namespace {

// Functions whose result depends on more than their arguments are never folded.
bool foldable(const FunctionDef& fn) {
  static constexpr std::string_view kImpure[] = {"Now", "RandomNum", "Guid", "Error"};
  for (auto name : kImpure)
    if (fn.name == name) return false;
  return fn.special == Special::kNone || fn.special == Special::kIIF || fn.special == Special::kSwitch;
}

class NoContext : public EvalContext {
 public:
  ValuesView values(uint32_t) const override { return {}; }
  const std::string* parameter(std::string_view) const override { return nullptr; }
};

// Constant folding: a call or operator whose operands are all literals is evaluated once, here.
// One that fails (Item(...) out of range, 1/0) is left alone so the error is still reported
// for every object, as the product does.
void fold_constants(Node& node) {
  for (auto& arg : node.args) fold_constants(*arg);
  bool candidate = node.type == NodeType::kBinary || node.type == NodeType::kNegate ||
                   (node.type == NodeType::kCall && node.function && foldable(*node.function));
  if (!candidate) return;
  for (const auto& arg : node.args)
    if (arg->type != NodeType::kLiteral) return;
  NoContext none;
  Frame frame{none, {}};
  auto value = evaluate_node(node, frame);
  if (!value.ok()) return;
  node.type = NodeType::kLiteral;
  node.literal = std::move(*value);
  node.args.clear();
  node.function = nullptr;
}

}  // namespace

Program::Program() : impl_(std::make_unique<Impl>()) {
  // An empty program evaluates to NULL.
  impl_->root = std::make_unique<Node>();
}
Program::~Program() = default;
Program::Program(Program&&) noexcept = default;
Program& Program::operator=(Program&&) noexcept = default;
Program::Program(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Result<Value> Program::evaluate(const EvalContext& context) const {
  Frame frame{context, std::vector<Value>(impl_->slots)};
  if (impl_->fast && fast_lane_enabled()) {
    Value out;
    if (fast_evaluate(*impl_->root, frame, out) == FastResult::kOk) return out;
  }
  return evaluate_node(*impl_->root, frame);
}

Status Program::evaluate_into(const EvalContext& context, Value& out) const {
  Frame frame{context, std::vector<Value>(impl_->slots)};
  if (impl_->fast && fast_lane_enabled() && fast_evaluate(*impl_->root, frame, out) == FastResult::kOk) return Status::Ok();
  auto r = evaluate_node(*impl_->root, frame);
  if (!r.ok()) return r.status();
  out = std::move(*r);
  return Status::Ok();
}

const std::vector<uint32_t>& Program::attributes() const { return impl_->attributes; }
const std::string& Program::text() const { return impl_->text; }

Result<Program> compile(std::string_view text, const AttributeResolver& resolver) {
  auto parsed = parse(text, resolver);
  if (!parsed.ok()) return parsed.status();
  auto impl = std::make_unique<Program::Impl>();
  impl->text = std::string(text);
  impl->root = std::move(parsed->root);
  impl->attributes = std::move(parsed->attributes);
  impl->slots = parsed->slots;
  fold_constants(*impl->root);
  prepare_fast(*impl->root);
  // A root the fast lane would only hand to the generic evaluator gains nothing from it.
  const Node& root = *impl->root;
  impl->fast = root.type == NodeType::kBinary || root.type == NodeType::kAttribute ||
               (root.type == NodeType::kCall &&
                (root.fast != FastOp::kNone || root.function->special == Special::kIIF));
  return Program(std::move(impl));
}

std::string error_kind(std::string_view message) {
  constexpr std::string_view kPrefix = "sync-rule-error";
  if (message.substr(0, kPrefix.size()) != kPrefix) return std::string(kPrefix);
  size_t end = kPrefix.size();
  while (end < message.size() && (message[end] == '-' || (message[end] >= 'a' && message[end] <= 'z'))) ++end;
  if (end < message.size() && message[end] != ':') return std::string(kPrefix);
  return std::string(message.substr(0, end));
}

}  // namespace idsync::expr
