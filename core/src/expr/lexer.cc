#include "expr/lexer.h"

#include <cctype>

namespace idsync::expr {

const char* token_type_name(TokenType type) {
  switch (type) {
    case TokenType::kEnd: return "end of expression";
    case TokenType::kNumber: return "number";
    case TokenType::kString: return "string";
    case TokenType::kAttribute: return "attribute";
    case TokenType::kParameter: return "parameter";
    case TokenType::kVariable: return "variable";
    case TokenType::kIdentifier: return "name";
    case TokenType::kLParen: return "'('";
    case TokenType::kRParen: return "')'";
    case TokenType::kComma: return "','";
    case TokenType::kOperator: return "operator";
  }
  return "token";
}

namespace {

Status error_at(size_t pos, const std::string& message) {
  return Status::Error(ErrorCode::kParseError, "column " + std::to_string(pos + 1) + ": " + message);
}

bool is_ident_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool is_ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

Result<std::vector<Token>> tokenize(std::string_view text) {
  std::vector<Token> tokens;
  size_t i = 0;
  const size_t n = text.size();
  auto push = [&tokens](TokenType type, std::string t, size_t pos) {
    Token tok;
    tok.type = type;
    tok.text = std::move(t);
    tok.column = static_cast<uint32_t>(pos + 1);
    tokens.push_back(std::move(tok));
  };
  while (i < n) {
    char c = text[i];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      ++i;
      continue;
    }
    size_t start = i;
    if (c == '"') {
      std::string value;
      ++i;
      bool closed = false;
      while (i < n) {
        char d = text[i];
        if (d == '"') {
          if (i + 1 < n && text[i + 1] == '"') {  // VBA style doubled quote
            value += '"';
            i += 2;
            continue;
          }
          ++i;
          closed = true;
          break;
        }
        if (d == '\\' && i + 1 < n && (text[i + 1] == '"' || text[i + 1] == '\\')) {
          value += text[i + 1];
          i += 2;
          continue;
        }
        value += d;
        ++i;
      }
      if (!closed) return error_at(start, "unterminated string; expected a closing '\"'");
      push(TokenType::kString, std::move(value), start);
      continue;
    }
    if (c == '[') {
      size_t end = text.find(']', i + 1);
      if (end == std::string_view::npos)
        return error_at(start, "expected ']' to close the attribute name");
      std::string name(text.substr(i + 1, end - i - 1));
      if (name.empty()) return error_at(start, "expected an attribute name between '[' and ']'");
      push(TokenType::kAttribute, std::move(name), start);
      i = end + 1;
      continue;
    }
    if (c == '%') {
      size_t end = text.find('%', i + 1);
      if (end == std::string_view::npos)
        return error_at(start, "expected '%' to close the parameter name");
      std::string name(text.substr(i + 1, end - i - 1));
      if (name.empty()) return error_at(start, "expected a parameter name between '%' and '%'");
      push(TokenType::kParameter, std::move(name), start);
      i = end + 1;
      continue;
    }
    if (c == '$') {
      ++i;
      while (i < n && is_ident_char(text[i])) ++i;
      if (i == start + 1) return error_at(start, "expected a variable name after '$'");
      push(TokenType::kVariable, std::string(text.substr(start, i - start)), start);
      continue;
    }
    if (std::isdigit(static_cast<unsigned char>(c))) {
      uint64_t value = 0;
      while (i < n && std::isdigit(static_cast<unsigned char>(text[i]))) {
        uint64_t digit = static_cast<uint64_t>(text[i] - '0');
        // One more than INT64_MAX is allowed so that -9223372036854775808 can be written.
        if (value > (uint64_t{1} << 63) / 10 || value * 10 + digit > (uint64_t{1} << 63))
          return error_at(start, "number is outside the 64-bit range");
        value = value * 10 + digit;
        ++i;
      }
      if (i < n && is_ident_start(text[i]))
        return error_at(i, "expected an operator, ',' or ')' after the number");
      Token tok;
      tok.type = TokenType::kNumber;
      tok.text = std::string(text.substr(start, i - start));
      tok.number = static_cast<int64_t>(value);  // 2^63 wraps to INT64_MIN; the parser checks
      tok.column = static_cast<uint32_t>(start + 1);
      tokens.push_back(std::move(tok));
      continue;
    }
    if (c == '&' && i + 2 < n && (text[i + 1] == 'H' || text[i + 1] == 'h') &&
        hex_digit(text[i + 2]) >= 0) {
      i += 2;
      uint64_t value = 0;
      size_t digits = 0;
      while (i < n && hex_digit(text[i]) >= 0) {
        if (++digits > 16) return error_at(start, "hexadecimal number is longer than 64 bits");
        value = value * 16 + static_cast<uint64_t>(hex_digit(text[i]));
        ++i;
      }
      Token tok;
      tok.type = TokenType::kNumber;
      tok.text = std::string(text.substr(start, i - start));
      tok.number = static_cast<int64_t>(value);
      tok.column = static_cast<uint32_t>(start + 1);
      tokens.push_back(std::move(tok));
      continue;
    }
    if (is_ident_start(c)) {
      while (i < n && is_ident_char(text[i])) ++i;
      push(TokenType::kIdentifier, std::string(text.substr(start, i - start)), start);
      continue;
    }
    switch (c) {
      case '(': push(TokenType::kLParen, "(", start); ++i; continue;
      case ')': push(TokenType::kRParen, ")", start); ++i; continue;
      case ',': push(TokenType::kComma, ",", start); ++i; continue;
      default: break;
    }
    static constexpr std::string_view kTwo[] = {"<=", ">=", "<>", "&&", "||"};
    bool matched = false;
    for (std::string_view op : kTwo) {
      if (text.substr(i, 2) == op) {
        push(TokenType::kOperator, std::string(op), start);
        i += 2;
        matched = true;
        break;
      }
    }
    if (matched) continue;
    if (std::string_view("<>=+-*/&").find(c) != std::string_view::npos) {
      push(TokenType::kOperator, std::string(1, c), start);
      ++i;
      continue;
    }
    if (c == '|') return error_at(start, "expected '||' (a single '|' is not an operator)");
    if (static_cast<unsigned char>(c) >= 0x80)
      return error_at(start, "unexpected character; note that strings need straight quotes \"...\", not smart quotes");
    return error_at(start, std::string("unexpected character '") + c + "'");
  }
  Token end;
  end.type = TokenType::kEnd;
  end.column = static_cast<uint32_t>(n + 1);
  tokens.push_back(std::move(end));
  return tokens;
}

}  // namespace idsync::expr
