// Text family: Left, Right, Mid, Len, case and trimming, searching, replacing, padding, Word.
// Positions and lengths count characters (bytes for binary values, which Left, Right, Mid and
// Len also accept: the default rules slice searchableDeviceKey this way).
#include <algorithm>
#include <cstdint>
#include <unordered_map>

#include "expr/function_table.h"
#include "expr/text_util.h"
#include "expr/value_util.h"

namespace idsync::expr {

namespace {

using Args = std::span<const Value>;

// The text (or bytes) of the first argument with its character offsets.
struct Chars {
  std::string text;
  std::vector<size_t> offsets;  // size() - 1 characters
  bool binary = false;
  size_t count() const { return offsets.size() - 1; }
  Value slice(size_t from, size_t n) const {  // in characters, clipped
    from = std::min(from, count());
    n = std::min(n, count() - from);
    std::string part = text.substr(offsets[from], offsets[from + n] - offsets[from]);
    return binary ? make_binary(std::move(part)) : Value::string(std::move(part));
  }
  Value whole() const { return binary ? make_binary(text) : Value::string(text); }
};

Result<Chars> chars_arg(Args args, size_t index, std::string_view fn) {
  Chars c;
  const Value& v = args[index];
  if (v.kind == Kind::kBinary) {
    c.text = v.values[0];
    c.binary = true;
    c.offsets.resize(c.text.size() + 1);
    for (size_t i = 0; i <= c.text.size(); ++i) c.offsets[i] = i;
    return c;
  }
  auto text = text_arg(args, index, fn);
  if (!text.ok()) return text.status();
  c.text = std::move(*text);
  c.offsets = char_offsets(c.text);
  return c;
}

Result<Value> fn_left_right(Args args, bool left) {
  std::string_view name = left ? "Left" : "Right";
  if (is_nullish(args[0])) return Value::string("");
  auto n = number_arg(args, 1, name);
  if (!n.ok()) return n.status();
  auto c = chars_arg(args, 0, name);
  if (!c.ok()) return c.status();
  if (*n == 0) return c->binary ? make_binary("") : Value::string("");
  if (*n < 0 || static_cast<uint64_t>(*n) >= c->count()) return c->whole();
  size_t k = static_cast<size_t>(*n);
  return left ? c->slice(0, k) : c->slice(c->count() - k, k);
}

Result<Value> fn_left(Args args) { return fn_left_right(args, true); }
Result<Value> fn_right(Args args) { return fn_left_right(args, false); }

Result<Value> fn_mid(Args args) {
  if (is_nullish(args[0])) return Value::string("");
  auto start = number_arg(args, 1, "Mid");
  if (!start.ok()) return start.status();
  auto c = chars_arg(args, 0, "Mid");
  if (!c.ok()) return c.status();
  int64_t n = static_cast<int64_t>(c->count());
  if (args.size() > 2) {
    auto count = number_arg(args, 2, "Mid");
    if (!count.ok()) return count.status();
    n = *count;
  }
  if (n == 0) return c->binary ? make_binary("") : Value::string("");
  if (n < 0 || *start <= 0 || static_cast<uint64_t>(*start) > c->count()) return c->whole();
  return c->slice(static_cast<size_t>(*start - 1), static_cast<size_t>(n));
}

Result<Value> fn_len(Args args) {
  if (is_nullish(args[0])) return Value::number(0);
  if (args[0].kind == Kind::kBinary) return Value::number(static_cast<int64_t>(args[0].values[0].size()));
  auto t = text_arg(args, 0, "Len");
  if (!t.ok()) return t.status();
  return Value::number(static_cast<int64_t>(char_count(*t)));
}

template <std::string (*F)(std::string_view)>
Result<Value> map_text(Args args, std::string_view name) {
  if (is_nullish(args[0])) return Value::null();
  auto t = text_arg(args, 0, name);
  if (!t.ok()) return t.status();
  return Value::string(F(*t));
}

std::string lower(std::string_view s) { return to_lower_utf8(s); }
std::string upper(std::string_view s) { return to_upper_utf8(s); }

// .NET TextInfo.ToTitleCase over space-delimited words: a word written entirely in capitals
// (an acronym) is left alone, any other word becomes Capitalized.
std::string proper(std::string_view s) {
  std::string out;
  size_t pos = 0;
  while (pos < s.size()) {
    size_t start = pos;
    char32_t cp = decode_utf8(s, pos);
    if (is_white_space(cp)) {
      out.append(s.substr(start, pos - start));
      continue;
    }
    size_t end = pos;
    bool has_lower = is_lower_cp(cp);
    while (end < s.size()) {
      size_t next = end;
      char32_t c2 = decode_utf8(s, next);
      if (is_white_space(c2)) break;
      has_lower = has_lower || is_lower_cp(c2);
      end = next;
    }
    std::string_view word = s.substr(start, end - start);
    if (!has_lower) {
      out.append(word);
    } else {
      append_utf8(out, to_upper_cp(cp));
      out += to_lower_utf8(word.substr(pos - start));
    }
    pos = end;
  }
  return out;
}

Result<Value> fn_lcase(Args args) { return map_text<lower>(args, "LCase"); }
Result<Value> fn_ucase(Args args) { return map_text<upper>(args, "UCase"); }
Result<Value> fn_pcase(Args args) { return map_text<proper>(args, "PCase"); }

std::string trim_impl(std::string_view s, bool left, bool right) { return std::string(trim_view(s, left, right)); }

std::string trim_both(std::string_view s) { return trim_impl(s, true, true); }
std::string trim_left(std::string_view s) { return trim_impl(s, true, false); }
std::string trim_right(std::string_view s) { return trim_impl(s, false, true); }

Result<Value> fn_trim(Args args) { return map_text<trim_both>(args, "Trim"); }
Result<Value> fn_ltrim(Args args) { return map_text<trim_left>(args, "LTrim"); }
Result<Value> fn_rtrim(Args args) { return map_text<trim_right>(args, "RTrim"); }

// Replace's monikers: \n, \r and \t stand for the control characters.
std::string monikers(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) {
      char c = s[i + 1];
      if (c == 'n' || c == 'r' || c == 't') {
        out += c == 'n' ? '\n' : (c == 'r' ? '\r' : '\t');
        ++i;
        continue;
      }
    }
    out += s[i];
  }
  return out;
}

Result<Value> fn_replace(Args args) {
  if (is_nullish(args[0])) return Value::null();
  auto s = text_arg(args, 0, "Replace");
  if (!s.ok()) return s.status();
  std::string from;
  std::string to;
  if (!is_nullish(args[1])) {
    auto t = text_arg(args, 1, "Replace");
    if (!t.ok()) return t.status();
    from = monikers(*t);
  }
  if (!is_nullish(args[2])) {
    auto t = text_arg(args, 2, "Replace");
    if (!t.ok()) return t.status();
    to = monikers(*t);
  }
  if (from.empty()) return Value::string(std::move(*s));
  std::string out;
  size_t pos = 0;
  while (true) {
    size_t hit = s->find(from, pos);
    if (hit == std::string::npos) break;
    out.append(*s, pos, hit - pos);
    out += to;
    pos = hit + from.size();
    if (out.size() > kMaxValueBytes) return value_too_large("Replace", out.size());
  }
  out.append(*s, pos);
  return Value::string(std::move(out));
}

Result<Value> fn_replace_chars(Args args) {
  if (is_nullish(args[0])) return Value::null();
  auto s = text_arg(args, 0, "ReplaceChars");
  if (!s.ok()) return s.status();
  auto pattern = text_arg(args, 1, "ReplaceChars");
  if (!pattern.ok()) return pattern.status();
  // Pattern: entries separated by ','; white space is ignored. An entry is "source:target"
  // (an empty target removes the character). The reference's own format line ends with
  // "{sourceN},{targetN}" and its example with "ö,o", so a lone one-character entry followed
  // by an entry without ':' is a source and its target as well.
  std::vector<std::vector<char32_t>> entries(1);
  size_t pos = 0;
  while (pos < pattern->size()) {
    char32_t cp = decode_utf8(*pattern, pos);
    if (is_white_space(cp)) continue;
    if (cp == U',') entries.emplace_back();
    else entries.back().push_back(cp);
  }
  auto has_colon = [](const std::vector<char32_t>& e) { return std::find(e.begin(), e.end(), U':') != e.end(); };
  std::unordered_map<char32_t, std::string> map;
  for (size_t i = 0; i < entries.size(); ++i) {
    const auto& entry = entries[i];
    if (entry.empty()) continue;
    std::string target;
    if (entry.size() >= 2 && entry[1] == U':') {
      for (size_t k = 2; k < entry.size(); ++k) append_utf8(target, entry[k]);
    } else if (entry.size() == 1 && i + 1 < entries.size() && !has_colon(entries[i + 1])) {
      for (char32_t c : entries[++i]) append_utf8(target, c);
    } else {
      return runtime_error(kErrArgument, "ReplaceChars pattern entry " + std::to_string(i + 1) +
                                             " must be one source character, ':' and a target, e.g. \"é:e,ß:ss\"");
    }
    map[entry[0]] = std::move(target);
  }
  std::string out;
  pos = 0;
  while (pos < s->size()) {
    size_t start = pos;
    char32_t cp = decode_utf8(*s, pos);
    auto it = map.find(cp);
    if (it == map.end()) out.append(*s, start, pos - start);
    else out += it->second;
    if (out.size() > kMaxValueBytes) return value_too_large("ReplaceChars", out.size());
  }
  return Value::string(std::move(out));
}

Result<bool> compare_mode(Args args, size_t index, std::string_view fn) {
  if (args.size() <= index) return false;
  auto mode = text_arg(args, index, fn);
  if (!mode.ok()) return mode.status();
  if (*mode == "vbBinaryCompare" || *mode == "0") return false;
  if (*mode == "vbTextCompare" || *mode == "1") return true;
  return runtime_error(kErrArgument, std::string(fn) + " compare must be vbBinaryCompare or vbTextCompare, got \"" + *mode + "\"");
}

Result<Value> fn_instr(Args args, bool reverse) {
  std::string_view name = reverse ? "InStrRev" : "InStr";
  if (is_nullish(args[0])) return Value::number(0);
  auto hay = text_arg(args, 0, name);
  if (!hay.ok()) return hay.status();
  auto needle = is_nullish(args[1]) ? Result<std::string>(std::string()) : text_arg(args, 1, name);
  if (!needle.ok()) return needle.status();
  auto ignore_case = compare_mode(args, 3, name);
  if (!ignore_case.ok()) return ignore_case.status();
  auto offsets = char_offsets(*hay);
  size_t count = offsets.size() - 1;
  int64_t start = reverse ? -1 : 1;
  if (args.size() > 2) {
    auto s = number_arg(args, 2, name);
    if (!s.ok()) return s.status();
    start = *s;
  }
  auto position = [&](size_t byte) -> int64_t {
    if (byte == std::string::npos) return 0;
    return static_cast<int64_t>(std::lower_bound(offsets.begin(), offsets.end(), byte) - offsets.begin()) + 1;
  };
  if (!reverse) {
    if (start < 1) return runtime_error(kErrOutOfRange, "InStr start must be 1 or more, got " + std::to_string(start));
    if (static_cast<uint64_t>(start) > count + 1) return Value::number(0);
    return Value::number(position(find_text(*hay, *needle, offsets[start - 1], *ignore_case)));
  }
  if (start == 0 || start < -1)
    return runtime_error(kErrOutOfRange, "InStrRev start must be -1 or 1 or more, got " + std::to_string(start));
  // The match must lie within the first `start` characters.
  size_t limit = (start == -1 || static_cast<uint64_t>(start) >= count) ? hay->size() : offsets[start];
  std::string_view window(hay->data(), limit);
  if (needle->size() > window.size()) return Value::number(0);
  return Value::number(position(rfind_text(window, *needle, window.size() - needle->size(), *ignore_case)));
}

Result<Value> fn_instr_fwd(Args args) { return fn_instr(args, false); }
Result<Value> fn_instr_rev(Args args) { return fn_instr(args, true); }

Result<Value> fn_pad(Args args, bool left) {
  std::string_view name = left ? "PadLeft" : "PadRight";
  if (is_nullish(args[0])) return Value::string("");
  auto s = text_arg(args, 0, name);
  if (!s.ok()) return s.status();
  auto length = number_arg(args, 1, name);
  if (!length.ok()) return length.status();
  if (is_nullish(args[2]))  // documented: "PadCharacter can be a space character, but it cannot be a null value"
    return runtime_error(kErrArgument, std::string(name) + " needs a pad character; it cannot be null");
  auto pad = text_arg(args, 2, name);
  if (!pad.ok()) return pad.status();
  if (char_count(*pad) != 1)
    return runtime_error(kErrArgument, std::string(name) + " needs exactly one pad character, got \"" + *pad + "\"");
  size_t have = char_count(*s);
  if (*length <= 0 || static_cast<uint64_t>(*length) <= have) return Value::string(std::move(*s));
  uint64_t fill_bytes = (static_cast<uint64_t>(*length) - have) * pad->size();
  if (fill_bytes > kMaxValueBytes || s->size() + fill_bytes > kMaxValueBytes)
    return value_too_large(name, static_cast<size_t>(std::min<uint64_t>(fill_bytes, SIZE_MAX)));
  std::string fill;
  for (size_t i = have; i < static_cast<uint64_t>(*length); ++i) fill += *pad;
  return Value::string(left ? fill + *s : *s + fill);
}

Result<Value> fn_pad_left(Args args) { return fn_pad(args, true); }
Result<Value> fn_pad_right(Args args) { return fn_pad(args, false); }

Result<Value> fn_word(Args args) {
  if (is_nullish(args[0])) return Value::string("");
  auto s = text_arg(args, 0, "Word");
  if (!s.ok()) return s.status();
  auto n = number_arg(args, 1, "Word");
  if (!n.ok()) return n.status();
  auto delims = is_nullish(args[2]) ? Result<std::string>(std::string()) : text_arg(args, 2, "Word");
  if (!delims.ok()) return delims.status();
  if (*n < 1) return Value::string("");
  std::vector<char32_t> set;
  for (size_t p = 0; p < delims->size();) set.push_back(decode_utf8(*delims, p));
  // Runs of delimiters separate words; empty words are not counted.
  int64_t index = 0;
  size_t pos = 0;
  size_t word_start = std::string::npos;
  while (true) {
    size_t here = pos;
    bool at_end = pos >= s->size();
    bool is_delim = false;
    if (!at_end) {
      char32_t cp = decode_utf8(*s, pos);
      is_delim = std::find(set.begin(), set.end(), cp) != set.end();
    }
    if (at_end || is_delim) {
      if (word_start != std::string::npos) {
        if (++index == *n) return Value::string(s->substr(word_start, here - word_start));
        word_start = std::string::npos;
      }
      if (at_end) break;
    } else if (word_start == std::string::npos) {
      word_start = here;
    }
  }
  return Value::string("");
}

constexpr FunctionDef kText[] = {
    {"InStr", 2, 4, "ssss", fn_instr_fwd},
    {"InStrRev", 2, 4, "ssss", fn_instr_rev},
    {"LCase", 1, 1, "s", fn_lcase},
    {"Left", 2, 2, "ss", fn_left},
    {"Len", 1, 1, "s", fn_len},
    {"LTrim", 1, 1, "s", fn_ltrim},
    {"Mid", 2, 3, "sss", fn_mid},
    {"PadLeft", 3, 3, "sss", fn_pad_left},
    {"PadRight", 3, 3, "sss", fn_pad_right},
    {"PCase", 1, 1, "s", fn_pcase},
    {"Replace", 3, 3, "sss", fn_replace},
    {"ReplaceChars", 2, 2, "ss", fn_replace_chars},
    {"Right", 2, 2, "ss", fn_right},
    {"RTrim", 1, 1, "s", fn_rtrim},
    {"Trim", 1, 1, "s", fn_trim},
    {"UCase", 1, 1, "s", fn_ucase},
    {"Word", 3, 3, "sss", fn_word},
};

}  // namespace

std::span<const FunctionDef> text_functions() { return kText; }

}  // namespace idsync::expr
