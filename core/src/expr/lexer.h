// Splits expression text into tokens. Columns are 1-based byte positions.
//
// String literals: "..." with "" or \" for a quote and \\ for a backslash; any other backslash
// sequence is kept as written (so Replace() can interpret \n, \r, \t itself, as documented).
// Numbers are decimal 64-bit integers; &H<hex> is hexadecimal (read as 64 bits, so &HFFFFFFFF
// is 4294967295).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "idsync/status.h"

namespace idsync::expr {

enum class TokenType : uint8_t {
  kEnd,
  kNumber,     // number
  kString,     // text (unescaped)
  kAttribute,  // text = name between [ ]
  kParameter,  // text = name between % %
  kVariable,   // text = name including the leading $
  kIdentifier, // function name, constant or enumeration value
  kLParen,
  kRParen,
  kComma,
  kOperator,   // text = the operator
};

struct Token {
  TokenType type = TokenType::kEnd;
  std::string text;
  int64_t number = 0;
  uint32_t column = 1;
};

const char* token_type_name(TokenType type);

// All tokens, ending with kEnd; a kParseError names the column on malformed text.
Result<std::vector<Token>> tokenize(std::string_view text);

}  // namespace idsync::expr
