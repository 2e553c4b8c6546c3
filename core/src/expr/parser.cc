#include "expr/parser.h"

#include <algorithm>
#include <utility>

#include "expr/lexer.h"
#include "expr/value_util.h"

namespace idsync::expr {

const char* binary_op_text(BinaryOp op) {
  switch (op) {
    case BinaryOp::kAdd: return "+";
    case BinaryOp::kSub: return "-";
    case BinaryOp::kMul: return "*";
    case BinaryOp::kDiv: return "/";
    case BinaryOp::kConcat: return "&";
    case BinaryOp::kEq: return "=";
    case BinaryOp::kNe: return "<>";
    case BinaryOp::kLt: return "<";
    case BinaryOp::kLe: return "<=";
    case BinaryOp::kGt: return ">";
    case BinaryOp::kGe: return ">=";
    case BinaryOp::kAnd: return "&&";
    case BinaryOp::kOr: return "||";
  }
  return "?";
}

namespace {

using NodePtr = std::unique_ptr<Node>;

struct OpInfo {
  std::string_view text;
  BinaryOp op;
  int tier;  // 1 arithmetic/concat, 2 comparison, 3 logic
};

constexpr OpInfo kOps[] = {
    {"+", BinaryOp::kAdd, 1},  {"-", BinaryOp::kSub, 1},  {"*", BinaryOp::kMul, 1},
    {"/", BinaryOp::kDiv, 1},  {"&", BinaryOp::kConcat, 1}, {"=", BinaryOp::kEq, 2},
    {"<>", BinaryOp::kNe, 2},  {"<", BinaryOp::kLt, 2},   {"<=", BinaryOp::kLe, 2},
    {">", BinaryOp::kGt, 2},   {">=", BinaryOp::kGe, 2},  {"&&", BinaryOp::kAnd, 3},
    {"||", BinaryOp::kOr, 3},
};

// Bare names that stand for a string: the enumeration arguments of InStr, Contains,
// ConvertFromBase64 and friends.
constexpr std::string_view kEnumNames[] = {"vbTextCompare", "vbBinaryCompare", "CaseInsensitive",
                                           "CaseSensitive", "Unicode",       "UTF8",
                                           "ASCII"};

constexpr std::string_view kConstants[] = {"True", "False", "NULL", "CRLF", "IgnoreThisFlow",
                                           "AuthoritativeNull"};

class Parser {
 public:
  Parser(std::vector<Token> tokens, const AttributeResolver& resolver)
      : tokens_(std::move(tokens)), resolver_(resolver) {}

  Result<ParsedProgram> run() {
    auto root = parse_tier(3);
    if (!root.ok()) return root.status();
    if (peek().type != TokenType::kEnd) {
      if (peek().type == TokenType::kRParen) return error(peek(), "unexpected ')' with no matching '('");
      return error(peek(), "expected an operator or the end of the expression, found " + describe_token(peek()));
    }
    ParsedProgram out;
    out.root = std::move(*root);
    out.attributes = std::move(attributes_);
    out.slots = slots_;
    return out;
  }

 private:
  const Token& peek() const { return tokens_[pos_]; }
  const Token& take() { return tokens_[pos_++]; }

  static std::string describe_token(const Token& t) {
    switch (t.type) {
      case TokenType::kEnd: return "the end of the expression";
      case TokenType::kString: return "string \"" + t.text + "\"";
      case TokenType::kAttribute: return "attribute [" + t.text + "]";
      case TokenType::kParameter: return "parameter %" + t.text + "%";
      case TokenType::kOperator: return "operator '" + t.text + "'";
      default: return "'" + t.text + "'";
    }
  }

  static Status error(const Token& at, const std::string& message) {
    return Status::Error(ErrorCode::kParseError, "column " + std::to_string(at.column) + ": " + message);
  }

  static NodePtr make(NodeType type, uint32_t column) {
    auto node = std::make_unique<Node>();
    node->type = type;
    node->column = column;
    return node;
  }

  static const OpInfo* op_of(const Token& t) {
    if (t.type != TokenType::kOperator) return nullptr;
    for (const auto& info : kOps)
      if (info.text == t.text) return &info;
    return nullptr;
  }

  // tier 0 is a unary operand; tiers 1..3 are left-associative chains.
  Result<NodePtr> parse_tier(int tier) {
    if (tier == 0) return parse_unary();
    auto left = parse_tier(tier - 1);
    if (!left.ok()) return left;
    NodePtr node = std::move(*left);
    while (const OpInfo* info = op_of(peek())) {
      if (info->tier != tier) break;
      const Token& op_tok = take();
      auto right = parse_tier(tier - 1);
      if (!right.ok()) return right;
      auto bin = make(NodeType::kBinary, op_tok.column);
      bin->op = info->op;
      bin->args.push_back(std::move(node));
      bin->args.push_back(std::move(*right));
      node = std::move(bin);
      IDSYNC_RETURN_IF_ERROR(set_depth(*node, op_tok));
    }
    return node;
  }

  // Sets the height of `node` from its children; too deep is a syntax error.
  Status set_depth(Node& node, const Token& at) {
    uint32_t d = 0;
    for (const auto& arg : node.args) d = std::max(d, arg->depth);
    node.depth = d + 1;
    if (node.depth > kMaxNesting) return too_deep(at);
    return Status::Ok();
  }

  static Status too_deep(const Token& at) {
    return error(at, "the expression is nested too deeply (more than " + std::to_string(kMaxNesting) +
                         " levels of parentheses, calls or operators); split it into several flows or simplify it");
  }

  // Every level of nesting passes through here, so this bounds the parser's own recursion.
  Result<NodePtr> parse_unary() {
    if (++nesting_ > kMaxNesting) return too_deep(peek());
    auto r = parse_unary_inner();
    --nesting_;
    return r;
  }

  Result<NodePtr> parse_unary_inner() {
    if (peek().type == TokenType::kOperator && peek().text == "-") {
      const Token& minus = take();
      if (peek().type == TokenType::kNumber) {  // fold -123 into a literal
        const Token& num = take();
        auto lit = make(NodeType::kLiteral, minus.column);
        lit->literal = Value::number(static_cast<int64_t>(0ULL - static_cast<uint64_t>(num.number)));
        return lit;
      }
      auto operand = parse_unary();
      if (!operand.ok()) return operand;
      auto neg = make(NodeType::kNegate, minus.column);
      neg->args.push_back(std::move(*operand));
      IDSYNC_RETURN_IF_ERROR(set_depth(*neg, minus));
      return neg;
    }
    return parse_primary();
  }

  Result<NodePtr> parse_primary() {
    const Token& t = peek();
    switch (t.type) {
      case TokenType::kNumber: {
        take();
        if (t.number < 0 && t.text[0] != '&')
          return error(t, "number is outside the 64-bit range");
        auto lit = make(NodeType::kLiteral, t.column);
        lit->literal = Value::number(t.number);
        return lit;
      }
      case TokenType::kString: {
        take();
        auto lit = make(NodeType::kLiteral, t.column);
        lit->literal = Value::string(t.text);
        return lit;
      }
      case TokenType::kAttribute: {
        take();
        auto ref = resolve_attribute(t, t.text);
        if (!ref.ok()) return ref.status();
        auto node = make(NodeType::kAttribute, t.column);
        node->attr = *ref;
        node->name = t.text;
        return node;
      }
      case TokenType::kParameter: {
        take();
        auto node = make(NodeType::kParameter, t.column);
        node->name = t.text;
        return node;
      }
      case TokenType::kVariable: {
        take();
        for (auto it = scope_.rbegin(); it != scope_.rend(); ++it) {
          if (it->first == t.text) {
            auto node = make(NodeType::kVariable, t.column);
            node->slot = it->second;
            node->name = t.text;
            return node;
          }
        }
        return error(t, "variable " + t.text + " is not defined here; variables are introduced by the first argument of Select, Where or With");
      }
      case TokenType::kLParen: {
        take();
        auto inner = parse_tier(3);
        if (!inner.ok()) return inner;
        if (peek().type != TokenType::kRParen)
          return error(peek(), "expected ')' to close the '(' at column " + std::to_string(t.column) +
                                   ", found " + describe_token(peek()));
        take();
        return inner;
      }
      case TokenType::kIdentifier: return parse_name();
      case TokenType::kEnd: return error(t, "expected a value (attribute, string, number, function call or '('), found the end of the expression");
      default:
        return error(t, "expected a value (attribute, string, number, function call or '('), found " + describe_token(t));
    }
  }

  Result<AttrRef> resolve_attribute(const Token& at, const std::string& name) {
    auto ref = resolver_.resolve(name);
    if (!ref)
      return error(at, "unknown attribute '" + name + "' (attribute names are case-sensitive; check the schema)");
    if (std::find(attributes_.begin(), attributes_.end(), ref->id) == attributes_.end())
      attributes_.push_back(ref->id);
    return *ref;
  }

  Result<NodePtr> parse_constant(const Token& t) {
    auto lit = make(NodeType::kLiteral, t.column);
    if (t.text == "True") lit->literal = Value::boolean(true);
    else if (t.text == "False") lit->literal = Value::boolean(false);
    else if (t.text == "NULL") lit->literal = Value::null();
    else if (t.text == "CRLF") lit->literal = Value::string("\r\n");
    else if (t.text == "IgnoreThisFlow") lit->literal = Value{Kind::kIgnoreThisFlow, false, {}};
    else if (t.text == "AuthoritativeNull") lit->literal = Value{Kind::kAuthoritativeNull, false, {}};
    return lit;
  }

  Result<NodePtr> parse_name() {
    const Token& t = take();
    bool call = peek().type == TokenType::kLParen;
    if (!call) {
      for (auto c : kConstants)
        if (c == t.text) return parse_constant(t);
      for (auto e : kEnumNames) {
        if (e == t.text) {
          auto lit = make(NodeType::kLiteral, t.column);
          lit->literal = Value::string(t.text);
          return lit;
        }
      }
      for (auto c : kConstants)
        if (iequals(c, t.text))
          return error(t, "unknown name '" + t.text + "'; constants are case-sensitive: did you mean " + std::string(c) + "?");
      if (find_function(t.text))
        return error(peek(), "expected '(' after the function name " + t.text);
      return error(t, "unknown name '" + t.text + "'; expected a function call, a constant (True, False, NULL, CRLF, IgnoreThisFlow, AuthoritativeNull), [attribute] or \"string\"");
    }
    if (t.text == "AuthoritativeNull") {  // also written as a call
      take();
      if (peek().type != TokenType::kRParen) return error(peek(), "expected ')': AuthoritativeNull takes no arguments");
      take();
      return parse_constant(t);
    }
    const FunctionDef* fn = find_function(t.text);
    if (!fn) {
      if (const FunctionDef* near = find_function_ignore_case(t.text))
        return error(t, "unknown function '" + t.text + "'; function names are case-sensitive: did you mean " + std::string(near->name) + "?");
      return error(t, "unknown function '" + t.text + "'");
    }
    take();  // (
    auto node = make(NodeType::kCall, t.column);
    node->function = fn;
    node->name = t.text;
    size_t scope_depth = scope_.size();
    size_t index = 0;
    if (peek().type != TokenType::kRParen) {
      while (true) {
        auto arg = parse_argument(*fn, index, *node);
        if (!arg.ok()) return arg.status();
        if (*arg) node->args.push_back(std::move(*arg));
        ++index;
        if (peek().type == TokenType::kComma) {
          take();
          continue;
        }
        if (peek().type == TokenType::kRParen) break;
        return error(peek(), "expected ',' or ')' after argument " + std::to_string(index) + " of " + t.text +
                                 ", found " + describe_token(peek()));
      }
    }
    take();  // )
    scope_.resize(scope_depth);
    return finish_call(t, *fn, index, std::move(node));
  }

  // Parses argument `index`; binding functions take a $variable first, which becomes the
  // node's slot (nullptr is returned, nothing is added to args).
  Result<NodePtr> parse_argument(const FunctionDef& fn, size_t index, Node& call) {
    bool binds = fn.special == Special::kSelect || fn.special == Special::kWhere || fn.special == Special::kWith;
    if (binds && index == 0) {
      if (peek().type != TokenType::kVariable)
        return error(peek(), "expected a $variable as the first argument of " + std::string(fn.name) +
                                 ", found " + describe_token(peek()));
      call.name = take().text;  // binding calls keep their variable's name
      call.slot = slots_++;
      return NodePtr();
    }
    if ((fn.special == Special::kImportedValue || fn.special == Special::kValueCount) && index == 0) {
      if (peek().type != TokenType::kString)
        return error(peek(), "expected the attribute name as a string, e.g. " + std::string(fn.name) + "(\"member\")");
      const Token& s = take();
      auto ref = resolve_attribute(s, s.text);
      if (!ref.ok()) return ref.status();
      auto node = make(fn.special == Special::kImportedValue ? NodeType::kImportedValue : NodeType::kValueCount, s.column);
      node->attr = *ref;
      node->name = s.text;
      return node;
    }
    auto arg = parse_tier(3);
    if (!arg.ok()) return arg;
    if (binds && index == 1) scope_.emplace_back(call.name, call.slot);  // in scope for the body
    return arg;
  }

  Result<NodePtr> finish_call(const Token& t, const FunctionDef& fn, size_t count, NodePtr node) {
    auto plural = [](size_t n) { return std::to_string(n) + (n == 1 ? " argument" : " arguments"); };
    if (count < fn.min_args || (fn.max_args != kVariadic && count > fn.max_args)) {
      std::string expect;
      if (fn.min_args == fn.max_args) expect = plural(fn.min_args);
      else if (fn.max_args == kVariadic) expect = "at least " + plural(fn.min_args);
      else expect = std::to_string(fn.min_args) + " to " + plural(fn.max_args);
      return error(t, std::string(fn.name) + " takes " + expect + ", got " + std::to_string(count));
    }
    if (fn.special == Special::kSwitch && count % 2 != 0)
      return error(t, "Switch takes pairs of condition and value, got " + std::to_string(count) + " arguments");
    if (fn.special == Special::kImportedValue || fn.special == Special::kValueCount) {
      NodePtr inner = std::move(node->args[0]);
      inner->column = t.column;
      return inner;
    }
    IDSYNC_RETURN_IF_ERROR(set_depth(*node, t));
    return node;
  }

  std::vector<Token> tokens_;
  size_t pos_ = 0;
  const AttributeResolver& resolver_;
  std::vector<uint32_t> attributes_;
  std::vector<std::pair<std::string, uint32_t>> scope_;
  uint32_t slots_ = 0;
  uint32_t nesting_ = 0;
};

}  // namespace

Result<ParsedProgram> parse(std::string_view text, const AttributeResolver& resolver) {
  auto tokens = tokenize(text);
  if (!tokens.ok()) return tokens.status();
  Parser parser(std::move(*tokens), resolver);
  return parser.run();
}

}  // namespace idsync::expr
