// Evaluating one attribute flow for one object.
#include "rules/compiled_rule.h"

namespace idsync {

namespace {

class SetContext : public expr::EvalContext {
 public:
  SetContext(const CompiledRule& rule, const AttributeSet& source, std::string_view dn, const AttributeSet* imported)
      : rule_(rule), source_(source), imported_(imported) {
    if (!dn.empty()) dn_.emplace_back(dn);
  }
  ValuesView values(uint32_t id) const override {
    if (id == kDnAttr) return dn_.empty() ? ValuesView() : ValuesView(dn_);
    return source_.get(id);
  }
  ValuesView imported_values(uint32_t id) const override {
    return imported_ != nullptr ? imported_->get(id) : source_.get(id);
  }
  const std::string* parameter(std::string_view name) const override {
    for (const auto& [key, value] : rule_.parameters)
      if (key == name) return &value;
    return nullptr;
  }

 private:
  const CompiledRule& rule_;
  const AttributeSet& source_;
  const AttributeSet* imported_;
  ValueList dn_;
};

}  // namespace

Result<FlowOutcome> evaluate_flow(const CompiledRule& rule, const CompiledFlow& flow, const AttributeSet& source,
                                  std::string_view dn, const AttributeSet* imported) {
  FlowOutcome out;
  switch (flow.type) {
    case FlowType::kDirect: {
      if (flow.direct_source == kDnAttr) {
        if (dn.empty()) return out;
        out.kind = FlowOutcome::kValues;
        out.values = {std::string(dn)};
        break;
      }
      const ValuesView v = source.get(flow.direct_source);
      if (v.empty()) return out;  // NULL: contributes nothing
      out.kind = FlowOutcome::kValues;
      out.values = v.to_list();
      break;
    }
    case FlowType::kConstant:
      out.kind = FlowOutcome::kValues;
      out.values = flow.constant;
      break;
    case FlowType::kExpression: {
      SetContext context(rule, source, dn, imported);
      auto value = flow.program->evaluate(context);
      if (!value.ok()) return value.status();
      switch (value->kind) {
        case expr::Kind::kNull: return out;
        case expr::Kind::kIgnoreThisFlow: out.kind = FlowOutcome::kIgnore; return out;
        case expr::Kind::kAuthoritativeNull: out.kind = FlowOutcome::kAuthoritativeNull; return out;
        default: break;
      }
      out.kind = FlowOutcome::kValues;
      out.values = std::move(value->values);
      if (out.values.empty()) out.kind = FlowOutcome::kNull;
      break;
    }
  }
  // Values land in canonical form for the destination's type ("True" → "TRUE").
  if (flow.destination != kDnAttr &&
      (flow.destination_type == AttrType::kBoolean || flow.destination_type == AttrType::kInteger ||
       flow.destination_type == AttrType::kDateTime)) {
    for (std::string& v : out.values) {
      auto c = canonicalize_value(flow.destination_type, v);
      if (!c.ok())
        return Status::Error(ErrorCode::kExpressionError,
                             "sync-rule-error-type-mismatch-exception: flow to '" + flow.destination_name +
                                 "': " + c.status().message());
      v = std::move(c).value();
    }
  }
  if (!flow.destination_multi && out.values.size() > 1 && flow.destination != kDnAttr) {
    out.values.resize(1);  // a single-valued attribute keeps the first value
  }
  return out;
}

}  // namespace idsync
