// Multi-valued family: Contains, Count, Item, ItemOrNull, Join, RemoveDuplicates, Split.
// Indexes are 1-based. A single value counts as a collection of one.
#include <unordered_set>

#include "expr/function_table.h"
#include "expr/text_util.h"
#include "expr/value_util.h"

namespace idsync::expr {

namespace {

using Args = std::span<const Value>;

Result<Value> fn_contains(Args args) {
  const Value& coll = args[0];
  if (is_nullish(coll) || is_nullish(args[1])) return Value::number(0);
  auto search = text_arg(args, 1, "Contains");
  if (!search.ok()) return search.status();
  bool ignore_case = false;
  if (args.size() > 2) {
    auto mode = text_arg(args, 2, "Contains");
    if (!mode.ok()) return mode.status();
    if (*mode == "CaseInsensitive") ignore_case = true;
    else if (*mode != "CaseSensitive")
      return runtime_error(kErrArgument, "Contains case type must be CaseSensitive or CaseInsensitive, got \"" + *mode + "\"");
  }
  for (size_t i = 0; i < coll.values.size(); ++i) {
    const std::string& v = coll.values[i];
    bool hit = coll.kind == Kind::kReference
                   ? (ignore_case ? equals_ignore_case(v, *search) : v == *search)
                   : find_text(v, *search, 0, ignore_case) != std::string::npos;
    if (hit) return Value::number(static_cast<int64_t>(i + 1));
  }
  return Value::number(0);
}

Result<Value> fn_count(Args args) {
  return Value::number(is_nullish(args[0]) ? 0 : static_cast<int64_t>(args[0].values.size()));
}

Result<Value> item(Args args, bool or_null) {
  std::string_view name = or_null ? "ItemOrNull" : "Item";
  const Value& coll = args[0];
  if (is_nullish(coll)) return Value::null();
  auto index = number_arg(args, 1, name);
  if (!index.ok()) return index.status();
  if (*index < 1 || static_cast<uint64_t>(*index) > coll.values.size()) {
    if (or_null) return Value::null();
    return runtime_error(kErrOutOfRange, "Item index " + std::to_string(*index) + " is outside 1.." +
                                             std::to_string(coll.values.size()) + "; use ItemOrNull to get NULL instead");
  }
  return element(coll, static_cast<size_t>(*index - 1));
}

Result<Value> fn_item(Args args) { return item(args, false); }
Result<Value> fn_item_or_null(Args args) { return item(args, true); }

Result<Value> fn_join(Args args) {
  const Value& coll = args[0];
  if (is_nullish(coll)) return Value::null();
  if (coll.kind == Kind::kBinary) return runtime_error(kErrTypeMismatch, "Join needs strings, got binary values");
  std::string delimiter = " ";
  if (args.size() > 1) {
    if (is_nullish(args[1])) {
      delimiter.clear();
    } else {
      auto d = text_arg(args, 1, "Join");
      if (!d.ok()) return d.status();
      delimiter = std::move(*d);
    }
  }
  std::string out;
  for (size_t i = 0; i < coll.values.size(); ++i) {
    if (i > 0) out += delimiter;
    out += *as_text(element(coll, i));
    if (out.size() > kMaxValueBytes) return value_too_large("Join", out.size());
  }
  return Value::string(std::move(out));
}

Result<Value> fn_remove_duplicates(Args args) {
  const Value& coll = args[0];
  if (is_nullish(coll)) return Value::null();
  std::unordered_set<std::string_view> seen;
  ValueList out;
  for (const auto& v : coll.values)
    if (seen.insert(v).second) out.push_back(v);
  return make_multi(coll.kind, std::move(out));
}

Result<Value> fn_split(Args args) {
  if (is_nullish(args[0])) return Value::null();
  auto s = text_arg(args, 0, "Split");
  if (!s.ok()) return s.status();
  auto d = text_arg(args, 1, "Split");
  if (!d.ok()) return d.status();
  int64_t limit = INT64_MAX;
  if (args.size() > 2) {
    auto l = number_arg(args, 2, "Split");
    if (!l.ok()) return l.status();
    if (*l < 1) return runtime_error(kErrOutOfRange, "Split limit must be 1 or more, got " + std::to_string(*l));
    limit = *l;
  }
  if (char_count(*d) != 1)
    return runtime_error(kErrArgument, "Split needs a single delimiter character, got \"" + *d + "\"");
  ValueList out;
  size_t pos = 0;
  while (static_cast<int64_t>(out.size()) + 1 < limit) {
    size_t hit = s->find(*d, pos);
    if (hit == std::string::npos) break;
    out.push_back(s->substr(pos, hit - pos));
    pos = hit + d->size();
  }
  out.push_back(s->substr(pos));  // the last value keeps the rest, as .NET String.Split does
  return Value{Kind::kString, true, std::move(out)};
}

constexpr FunctionDef kMultivalued[] = {
    {"Contains", 2, 3, "vss", fn_contains},
    {"Count", 1, 1, "v", fn_count},
    {"Item", 2, 2, "vs", fn_item},
    {"ItemOrNull", 2, 2, "vs", fn_item_or_null},
    {"Join", 1, 2, "vs", fn_join},
    {"RemoveDuplicates", 1, 1, "v", fn_remove_duplicates},
    {"Split", 2, 3, "sss", fn_split},
};

}  // namespace

std::span<const FunctionDef> multivalued_functions() { return kMultivalued; }

}  // namespace idsync::expr
