// Program and compile(): the public face of the expression subsystem.
#include <string>
#include <vector>

#include "expr/evaluator.h"
#include "expr/parser.h"
#include "idsync/expression.h"

namespace idsync::expr {

struct Program::Impl {
  std::string text;
  std::unique_ptr<Node> root;
  std::vector<uint32_t> attributes;
  uint32_t slots = 0;
};

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
  return evaluate_node(*impl_->root, frame);
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
  return Program(std::move(impl));
}

}  // namespace idsync::expr
