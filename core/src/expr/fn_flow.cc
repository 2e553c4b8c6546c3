// Program flow family. IIF, Switch, Select, Where and With are special forms evaluated by the
// evaluator (they decide which arguments run); Error is an ordinary function.
#include "expr/function_table.h"
#include "expr/value_util.h"

namespace idsync::expr {

namespace {

using Args = std::span<const Value>;

Result<Value> fn_error(Args args) {
  std::string message = is_nullish(args[0]) ? std::string() : as_text(args[0]).value_or("");
  return runtime_error(kErrFunctionTriggered, message);
}

constexpr FunctionDef kFlow[] = {
    {"Error", 1, 1, "v", fn_error},
    {"IIF", 3, 3, "", nullptr, Special::kIIF},
    {"Select", 3, 3, "", nullptr, Special::kSelect},
    {"Switch", 2, kVariadic, "", nullptr, Special::kSwitch},
    {"Where", 3, 3, "", nullptr, Special::kWhere},
    {"With", 3, 3, "", nullptr, Special::kWith},
};

}  // namespace

std::span<const FunctionDef> flow_functions() { return kFlow; }

}  // namespace idsync::expr
