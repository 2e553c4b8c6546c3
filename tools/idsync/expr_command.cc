// idsync expr: evaluate one expression against attribute values given on the command line,
// without a store — try a rule's expression before deploying it.
#include <iostream>
#include <map>

#include <nlohmann/json.hpp>

#include "commands.h"
#include "idsync/expression.h"

namespace idsync::cli {

namespace {

// Attributes from --attr NAME=VALUE; a repeated NAME makes a multi-valued attribute.
class CommandLineAttributes : public expr::AttributeResolver, public expr::EvalContext {
 public:
  Status add_attribute(const std::string& assignment) {
    size_t eq = assignment.find('=');
    if (eq == std::string::npos || eq == 0)
      return Status::Error(ErrorCode::kInvalidArgument, "--attr '" + assignment + "': expected NAME=VALUE");
    std::string name = assignment.substr(0, eq);
    auto [it, added] = ids_.emplace(name, static_cast<uint32_t>(values_.size()));
    if (added) values_.emplace_back();
    values_[it->second].push_back(assignment.substr(eq + 1));
    return Status::Ok();
  }
  Status add_parameter(const std::string& assignment) {
    size_t eq = assignment.find('=');
    if (eq == std::string::npos || eq == 0)
      return Status::Error(ErrorCode::kInvalidArgument, "--param '" + assignment + "': expected NAME=VALUE");
    parameters_[assignment.substr(0, eq)] = assignment.substr(eq + 1);
    return Status::Ok();
  }

  // Names the command line did not give still resolve: the attribute is simply absent
  // (null), as it would be on an object that lacks it.
  std::optional<expr::AttrRef> resolve(std::string_view name) const override {
    auto it = ids_.find(std::string(name));
    if (it == ids_.end()) {
      auto [added, inserted] = ids_.emplace(std::string(name), static_cast<uint32_t>(values_.size()));
      values_.emplace_back();
      it = added;
    }
    bool multi = values_[it->second].size() > 1;
    return expr::AttrRef{it->second, AttrType::kString, multi};
  }
  ValuesView values(uint32_t id) const override {
    return id < values_.size() ? ValuesView(values_[id]) : ValuesView();
  }
  const std::string* parameter(std::string_view name) const override {
    auto it = parameters_.find(std::string(name));
    return it == parameters_.end() ? nullptr : &it->second;
  }

 private:
  mutable std::map<std::string, uint32_t> ids_;
  mutable std::vector<ValueList> values_;
  std::map<std::string, std::string> parameters_;
};

const char* kind_name(expr::Kind kind) {
  switch (kind) {
    case expr::Kind::kNull: return "null";
    case expr::Kind::kString: return "string";
    case expr::Kind::kNumber: return "number";
    case expr::Kind::kBoolean: return "boolean";
    case expr::Kind::kDateTime: return "datetime";
    case expr::Kind::kBinary: return "binary";
    case expr::Kind::kReference: return "reference";
    case expr::Kind::kIgnoreThisFlow: return "IgnoreThisFlow";
    case expr::Kind::kAuthoritativeNull: return "AuthoritativeNull";
  }
  return "null";
}

}  // namespace

void add_expr_command(CLI::App& app, GlobalOptions& global) {
  struct Args {
    std::string expression;
    std::vector<std::string> attrs, params;
    bool json = false;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = app.add_subcommand("expr", "evaluate a sync-rule expression against given attribute values");
  cmd->add_option("expression", args->expression, "the expression, e.g. 'IIF(IsPresent([upn]),[upn],[sam]&\"@x\")'")
      ->required();
  cmd->add_option("--attr,-a", args->attrs, "NAME=VALUE; repeat NAME for a multi-valued attribute");
  cmd->add_option("--param,-p", args->params, "NAME=VALUE for %NAME% parameters, e.g. Domain.FQDN=contoso.com");
  cmd->add_flag("--json", args->json, "print the result's type and values as JSON");
  cmd->callback([&global, args] {
    CommandLineAttributes attributes;
    for (const std::string& a : args->attrs)
      if (Status s = attributes.add_attribute(a); !s.ok()) return void(global.exit_code = report(s));
    for (const std::string& p : args->params)
      if (Status s = attributes.add_parameter(p); !s.ok()) return void(global.exit_code = report(s));
    auto program = expr::compile(args->expression, attributes);
    if (!program.ok()) {
      std::cerr << "idsync: " << program.status().message() << "\n";
      global.exit_code = kExitFailed;
      return;
    }
    auto value = program->evaluate(attributes);
    if (!value.ok()) {
      std::cerr << "idsync: " << value.status().message() << "\n";
      global.exit_code = kExitFailed;
      return;
    }
    if (args->json) {
      nlohmann::json j = {{"type", kind_name(value->kind)}, {"multiValued", value->multi}};
      nlohmann::json values = nlohmann::json::array();
      for (const std::string& v : value->values) {
        expr::Value one{value->kind, false, {v}};
        values.push_back(value->kind == expr::Kind::kNumber ? nlohmann::json(std::stoll(v))
                         : value->kind == expr::Kind::kBoolean ? nlohmann::json(v == "TRUE")
                                                                : nlohmann::json(expr::format_value(one)));
      }
      j["values"] = values;
      // Invalid UTF-8 in a result shows as U+FFFD; dump() would throw and abort the CLI.
      std::cout << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
      return;
    }
    switch (value->kind) {
      case expr::Kind::kNull:
      case expr::Kind::kIgnoreThisFlow:
      case expr::Kind::kAuthoritativeNull: return;  // nothing: the flow would contribute no value
      default: break;
    }
    for (const std::string& v : value->values) std::cout << expr::format_value(expr::Value{value->kind, false, {v}}) << "\n";
  });
}

}  // namespace idsync::cli
