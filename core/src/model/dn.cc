#include "idsync/dn.h"

#include <algorithm>

#include "idsync/value_types.h"

namespace idsync {

namespace {

bool is_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}

bool is_type_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c == '-' || c == '.' || c == '_';
}

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + ('a' - 'A')) : c; }

// Characters that may follow a backslash as themselves (RFC 4514 "special" plus space).
bool is_escapable(char c) {
  switch (c) {
    case ' ': case '"': case '#': case '+': case ',': case ';':
    case '<': case '=': case '>': case '\\':
      return true;
    default:
      return false;
  }
}

std::string printable(char c) {
  auto u = static_cast<unsigned char>(c);
  if (u < 0x20 || u == 0x7f) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    return std::string("\\x") + kHex[u >> 4] + kHex[u & 15];
  }
  return std::string(1, c);
}

// Parses DN text one AVA at a time. `single_rdn` makes an RDN separator an error.
class DnParser {
 public:
  DnParser(std::string_view dn, bool single_rdn) : s_(dn), single_rdn_(single_rdn) {}

  Status parse(std::vector<Rdn>& out) {
    skip_spaces();
    if (i_ == s_.size()) return Status::Ok();  // the root DN
    Rdn current;
    for (;;) {
      Ava ava;
      IDSYNC_RETURN_IF_ERROR(parse_type(ava.type));
      IDSYNC_RETURN_IF_ERROR(parse_value(ava.value));
      current.push_back(std::move(ava));
      if (i_ == s_.size()) break;
      char sep = s_[i_];
      size_t sep_pos = i_;
      ++i_;
      if (sep == '+') continue;
      if (single_rdn_) return error("unescaped '" + std::string(1, sep) + "' in an RDN", sep_pos);
      out.push_back(std::move(current));
      current.clear();
      skip_spaces();
      if (i_ == s_.size()) return error("empty RDN after the last separator", sep_pos);
    }
    out.push_back(std::move(current));
    return Status::Ok();
  }

 private:
  Status error(const std::string& what, size_t pos) const {
    return Status::Error(ErrorCode::kInvalidArgument, "invalid DN '" + std::string(s_) + "': " +
                                                          what + " at position " +
                                                          std::to_string(pos + 1));
  }

  void skip_spaces() {
    while (i_ < s_.size() && s_[i_] == ' ') ++i_;
  }

  Status parse_type(std::string& type) {
    skip_spaces();
    size_t start = i_;
    while (i_ < s_.size() && is_type_char(s_[i_])) ++i_;
    size_t end = i_;
    skip_spaces();
    if (i_ == s_.size() || s_[i_] != '=') {
      if (i_ < s_.size() && s_[i_] != ',' && s_[i_] != ';' && s_[i_] != '+')
        return error("invalid character '" + printable(s_[i_]) + "' in attribute type", i_);
      if (start == end) return error("empty RDN", start);
      return error("attribute type '" + std::string(s_.substr(start, end - start)) +
                       "' is not followed by '='",
                   end);
    }
    if (start == end) return error("empty attribute type before '='", i_);
    type.assign(s_.substr(start, end - start));
    ++i_;  // '='
    return Status::Ok();
  }

  Status parse_value(std::string& value) {
    skip_spaces();  // a leading space of the value itself must be escaped
    if (i_ < s_.size() && s_[i_] == '#') return parse_hex_value(value);
    size_t significant = 0;  // value length without unescaped trailing spaces
    while (i_ < s_.size()) {
      char c = s_[i_];
      if (c == ',' || c == ';' || c == '+') break;
      if (c == '\\') {
        if (i_ + 1 >= s_.size()) return error("unfinished escape '\\' at the end", i_);
        char n = s_[i_ + 1];
        if (is_hex(n)) {
          if (i_ + 2 >= s_.size() || !is_hex(s_[i_ + 2]))
            return error("invalid hex escape '\\" + std::string(s_.substr(i_ + 1, 2)) + "'", i_);
          value.push_back(static_cast<char>(hex_value(n) * 16 + hex_value(s_[i_ + 2])));
          i_ += 3;
        } else if (is_escapable(n)) {
          value.push_back(n);
          i_ += 2;
        } else {
          return error("invalid escape '\\" + printable(n) + "'", i_);
        }
        significant = value.size();
        continue;
      }
      if (c == '=' || c == '"' || c == '<' || c == '>' || c == '\0')
        return error("unescaped '" + printable(c) + "'", i_);
      value.push_back(c);
      if (c != ' ') significant = value.size();
      ++i_;
    }
    value.resize(significant);
    return Status::Ok();
  }

  // "#" hexstring: the BER encoding of the value. Decodes the primitive string types.
  Status parse_hex_value(std::string& value) {
    size_t start = i_++;
    std::string ber;
    while (i_ + 1 < s_.size() && is_hex(s_[i_]) && is_hex(s_[i_ + 1])) {
      ber.push_back(static_cast<char>(hex_value(s_[i_]) * 16 + hex_value(s_[i_ + 1])));
      i_ += 2;
    }
    skip_spaces();
    if (i_ < s_.size() && s_[i_] != ',' && s_[i_] != ';' && s_[i_] != '+')
      return error("invalid character '" + printable(s_[i_]) + "' in a '#' hex value", i_);
    auto b = [&](size_t k) { return static_cast<unsigned char>(ber[k]); };
    if (ber.size() >= 2) {
      unsigned char tag = b(0);
      bool string_tag = tag == 0x04 || tag == 0x0c || tag == 0x13 || tag == 0x14 || tag == 0x16;
      size_t len = b(1), header = 2;
      if (len & 0x80) {
        size_t n = len & 0x7f;
        len = 0;
        if (n == 0 || n > 4 || ber.size() < 2 + n) string_tag = false;
        for (size_t k = 0; string_tag && k < n; ++k) len = (len << 8) | b(2 + k);
        header = 2 + n;
      }
      if (string_tag && header + len == ber.size()) {
        value.assign(ber, header, len);
        return Status::Ok();
      }
    }
    return error("'#' hex value is not a BER-encoded string (escape a literal '#' as '\\#')",
                 start);
  }

  std::string_view s_;
  bool single_rdn_;
  size_t i_ = 0;
};

// Finds the first unescaped RDN separator (',' or ';'); npos when none.
size_t find_rdn_separator(std::string_view dn) {
  for (size_t i = 0; i < dn.size(); ++i) {
    char c = dn[i];
    if (c == '\\') {
      ++i;  // skips the escaped char, or the first digit of a hex pair
    } else if (c == ',' || c == ';') {
      return i;
    }
  }
  return std::string_view::npos;
}

// Trims unescaped spaces at both ends of a piece of DN text.
std::string_view trim_dn_text(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') {
    // A space preceded by an odd number of backslashes is escaped and stays.
    size_t backslashes = 0;
    for (size_t k = s.size() - 1; k > 0 && s[k - 1] == '\\'; --k) ++backslashes;
    if (backslashes % 2 == 1) break;
    s.remove_suffix(1);
  }
  return s;
}

// The common DN ("CN=Ann Lee,OU=Sales,DC=x"): no escapes, no specials, no spaces at the
// separators, one '=' per RDN. Its canonical form is its ASCII lowercase; anything else takes
// the full parser.
bool try_fast_normalize(std::string_view dn, std::string& out) {
  out.resize(dn.size());  // keeps the capacity a caller's reused buffer already has
  char* w = out.data();
  bool in_type = true;
  size_t segment_start = 0;
  for (size_t i = 0; i < dn.size(); ++i) {
    char c = dn[i];
    auto u = static_cast<unsigned char>(c);
    if (in_type) {
      if (c == '=') {
        if (i == segment_start) return false;
        in_type = false;
        // Value must not start with a space or '#', nor be followed by a space at its end.
        if (i + 1 < dn.size() && (dn[i + 1] == ' ' || dn[i + 1] == '#')) return false;
      } else if (!is_type_char(c)) {
        return false;
      }
    } else {
      if (c == ',') {
        if (dn[i - 1] == ' ' || i + 1 == dn.size()) return false;
        in_type = true;
        segment_start = i + 1;
      } else if (u < 0x20 || u == 0x7f || c == '\\' || c == '"' || c == '+' || c == ';' ||
                 c == '<' || c == '>' || c == '=') {
        return false;
      }
    }
    w[i] = lower(c);
  }
  if (dn.empty()) return true;
  return !in_type && dn.back() != ' ';
}

}  // namespace

Result<std::vector<Rdn>> parse_dn(std::string_view dn) {
  std::vector<Rdn> rdns;
  IDSYNC_RETURN_IF_ERROR(DnParser(dn, false).parse(rdns));
  return rdns;
}

Result<Rdn> parse_rdn(std::string_view text) {
  std::vector<Rdn> rdns;
  IDSYNC_RETURN_IF_ERROR(DnParser(text, true).parse(rdns));
  if (rdns.empty())
    return Status::Error(ErrorCode::kInvalidArgument,
                         "invalid RDN '" + std::string(text) + "': it is empty");
  return std::move(rdns.front());
}

std::string escape_dn_value(std::string_view value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(value.size() + 4);
  for (size_t i = 0; i < value.size(); ++i) {
    char c = value[i];
    auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '"': case '+': case ',': case ';': case '<': case '>': case '\\': case '=':
        out.push_back('\\');
        out.push_back(c);
        continue;
      case ' ':
        if (i == 0 || i + 1 == value.size()) out.push_back('\\');
        out.push_back(c);
        continue;
      case '#':
        if (i == 0) out.push_back('\\');
        out.push_back(c);
        continue;
      default:
        break;
    }
    if (u < 0x20 || u == 0x7f) {
      out.push_back('\\');
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 15]);
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string format_rdn(const Rdn& rdn) {
  std::string out;
  for (size_t k = 0; k < rdn.size(); ++k) {
    if (k > 0) out.push_back('+');
    out += rdn[k].type;
    out.push_back('=');
    out += escape_dn_value(rdn[k].value);
  }
  return out;
}

std::string format_dn(const std::vector<Rdn>& rdns) {
  std::string out;
  for (size_t k = 0; k < rdns.size(); ++k) {
    if (k > 0) out.push_back(',');
    out += format_rdn(rdns[k]);
  }
  return out;
}

Result<std::string> normalize_dn(std::string_view dn) {
  std::string out;
  IDSYNC_RETURN_IF_ERROR(normalize_dn_into(dn, out));
  return out;
}

Status normalize_dn_into(std::string_view dn, std::string& out) {
  if (try_fast_normalize(dn, out)) return Status::Ok();
  auto parsed = parse_dn(dn);
  if (!parsed.ok()) return parsed.status();
  out.clear();
  for (size_t r = 0; r < parsed->size(); ++r) {
    Rdn& rdn = (*parsed)[r];
    for (Ava& ava : rdn) {
      for (char& c : ava.type) c = lower(c);
      for (char& c : ava.value) c = lower(c);
    }
    if (rdn.size() > 1) {
      std::sort(rdn.begin(), rdn.end(), [](const Ava& a, const Ava& b) {
        return a.type != b.type ? a.type < b.type : a.value < b.value;
      });
    }
    if (r > 0) out.push_back(',');
    for (size_t k = 0; k < rdn.size(); ++k) {
      if (k > 0) out.push_back('+');
      out += rdn[k].type;
      out.push_back('=');
      out += escape_dn_value(rdn[k].value);
    }
  }
  return Status::Ok();
}

bool dn_equals(std::string_view a, std::string_view b) {
  auto na = normalize_dn(a);
  auto nb = normalize_dn(b);
  return na.ok() && nb.ok() && *na == *nb;
}

std::string_view rdn(std::string_view dn) {
  size_t sep = find_rdn_separator(dn);
  return trim_dn_text(sep == std::string_view::npos ? dn : dn.substr(0, sep));
}

std::string_view parent_dn(std::string_view dn) {
  size_t sep = find_rdn_separator(dn);
  if (sep == std::string_view::npos) return {};
  return trim_dn_text(dn.substr(sep + 1));
}

Result<std::string> rdn_value(std::string_view dn) {
  auto parsed = parse_rdn(rdn(dn));
  if (!parsed.ok()) return parsed.status();
  return std::move(parsed->front().value);
}

size_t dn_depth(std::string_view dn) {
  if (trim_dn_text(dn).empty()) return 0;
  size_t depth = 1;
  for (size_t i = 0; i < dn.size(); ++i) {
    if (dn[i] == '\\') {
      ++i;
    } else if (dn[i] == ',' || dn[i] == ';') {
      ++depth;
    }
  }
  return depth;
}

std::string make_dn(std::string_view rdn_type, std::string_view value, std::string_view parent) {
  std::string out;
  out.reserve(rdn_type.size() + value.size() + parent.size() + 4);
  out += rdn_type;
  out.push_back('=');
  out += escape_dn_value(value);
  if (!parent.empty()) {
    out.push_back(',');
    out += parent;
  }
  return out;
}

}  // namespace idsync
