#include "expr/fast_eval.h"

#include <atomic>
#include <charconv>
#include <cstring>
#include <memory>
#include <string_view>
#include <vector>

#include "expr/text_util.h"
#include "expr/value_util.h"

namespace idsync::expr {

namespace {

// Bump allocator over chunks that are kept between evaluations, so after warm-up the fast lane
// allocates nothing. Chunks never move, which keeps every view handed out valid until the
// arena is rewound to a mark taken before it.
class Arena {
 public:
  struct Mark {
    size_t chunk;
    size_t used;
  };
  Mark mark() const { return {cur_, used_}; }
  void rewind(Mark m) {
    cur_ = m.chunk;
    used_ = m.used;
    // A chunk grown for one huge value is not kept forever.
    while (chunks_.size() > cur_ + 1 && chunks_.back().size > kChunk) chunks_.pop_back();
  }
  char* alloc(size_t n) {
    while (cur_ < chunks_.size() && chunks_[cur_].size - used_ < n) {
      ++cur_;
      used_ = 0;
    }
    if (cur_ == chunks_.size()) {
      size_t size = n > kChunk ? n : kChunk;
      chunks_.push_back({std::make_unique<char[]>(size), size});
      used_ = 0;
    }
    char* p = chunks_[cur_].data.get() + used_;
    used_ += n;
    return p;
  }

 private:
  static constexpr size_t kChunk = 16 * 1024;
  struct Chunk {
    std::unique_ptr<char[]> data;
    size_t size;
  };
  std::vector<Chunk> chunks_;
  size_t cur_ = 0;
  size_t used_ = 0;
};

Arena& arena() {
  thread_local Arena a;
  return a;
}

// A single value seen through a view. Null kinds have empty text.
struct FastVal {
  Kind kind = Kind::kNull;
  std::string_view text;
  // Numbers the lane computed or read from a literal carry their value, so comparisons and
  // BitAnd do not parse the text back.
  int64_t num = 0;
  bool has_num = false;
  bool nullish() const {
    return kind == Kind::kNull || kind == Kind::kIgnoreThisFlow || kind == Kind::kAuthoritativeNull;
  }
};

constexpr std::string_view kTrue = "TRUE";
constexpr std::string_view kFalse = "FALSE";

FastVal boolean(bool b) { return {Kind::kBoolean, b ? kTrue : kFalse}; }

std::string_view copy(std::string_view s) {
  if (s.empty()) return {};
  char* p = arena().alloc(s.size());
  std::memcpy(p, s.data(), s.size());
  return {p, s.size()};
}

FastVal number(int64_t n) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, n);
  (void)ec;
  return {Kind::kNumber, copy(std::string_view(buf, static_cast<size_t>(end - buf))), n, true};
}

bool ascii(std::string_view s) {
  for (char c : s)
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  return true;
}

// value_util's as_text() without the copy; binary has no text.
bool as_text(const FastVal& v, std::string_view& out) {
  if (v.kind == Kind::kBinary) return false;
  if (v.kind == Kind::kBoolean) out = v.text == kTrue ? std::string_view("True") : std::string_view("False");
  else out = v.text;
  return true;
}

std::optional<int64_t> numeric(const FastVal& v) {
  if (v.has_num) return v.num;
  if (v.kind == Kind::kNumber || v.kind == Kind::kString) return parse_int64(v.text);
  return std::nullopt;
}

// value_util's truth(); nullopt where it reports a type mismatch.
std::optional<bool> truth(const FastVal& v) {
  if (v.nullish()) return false;
  switch (v.kind) {
    case Kind::kBoolean: return v.text == kTrue;
    case Kind::kNumber: return v.has_num ? v.num != 0 : v.text != "0";
    case Kind::kString:
      if (iequals(v.text, "true")) return true;
      if (iequals(v.text, "false")) return false;
      if (auto n = parse_int64(v.text)) return *n != 0;
      break;
    default: break;
  }
  return std::nullopt;
}

// Byte offset of character `k` (clipped to the end), stepping as char_offsets() does.
size_t char_offset(std::string_view s, size_t k) {
  size_t pos = 0;
  while (k > 0 && pos < s.size()) {
    decode_utf8(s, pos);
    --k;
  }
  return pos;
}


class Lane {
 public:
  explicit Lane(Frame& frame) : frame_(frame) {}

  FastResult eval(const Node& node, FastVal& out) {
    switch (node.type) {
      case NodeType::kLiteral: {
        FastResult r = from_value(node.literal, out);
        if (node.number_literal) {
          out.num = *node.number_literal;
          out.has_num = true;
        }
        return r;
      }
      case NodeType::kAttribute: {
        if (node.attr.multi_valued) return FastResult::kBail;
        const ValuesView values = frame_.context.values(node.attr.id);
        if (values.empty()) {
          out = {};
          return FastResult::kOk;
        }
        if (values.size() > 1) return FastResult::kBail;
        out = {kind_of(node.attr.type), values[0]};
        return FastResult::kOk;
      }
      case NodeType::kParameter: {
        const std::string* value = frame_.context.parameter(node.name);
        if (!value) return FastResult::kBail;
        out = {Kind::kString, *value};
        return FastResult::kOk;
      }
      case NodeType::kBinary: return binary(node, out);
      case NodeType::kCall: return call(node, out);
      default: return generic(node, out);
    }
  }

 private:
  // Literals and generic results: single values only.
  FastResult from_value(const Value& v, FastVal& out) {
    if (v.multi || v.values.size() > 1) return FastResult::kBail;
    bool null_kind = v.kind == Kind::kNull || v.kind == Kind::kIgnoreThisFlow || v.kind == Kind::kAuthoritativeNull;
    if (null_kind != v.values.empty()) return FastResult::kBail;  // e.g. a string with no values
    out = {v.kind, null_kind ? std::string_view() : std::string_view(v.values[0])};
    return FastResult::kOk;
  }

  FastResult generic(const Node& node, FastVal& out) {
    auto r = evaluate_node(node, frame_);
    if (!r.ok()) return FastResult::kBail;
    FastResult fr = from_value(*r, out);
    if (fr == FastResult::kOk) out.text = copy(out.text);  // *r dies here
    return fr;
  }

  FastResult binary(const Node& node, FastVal& out) {
    FastVal l;
    if (eval(*node.args[0], l) != FastResult::kOk) return FastResult::kBail;
    BinaryOp op = node.op;
    if (op == BinaryOp::kAnd || op == BinaryOp::kOr) {
      bool dominant = op == BinaryOp::kOr;
      std::optional<bool> a;
      if (!l.nullish()) {
        a = truth(l);
        if (!a) return FastResult::kBail;
        if (*a == dominant) {
          out = boolean(dominant);
          return FastResult::kOk;
        }
      }
      FastVal r;
      if (eval(*node.args[1], r) != FastResult::kOk) return FastResult::kBail;
      std::optional<bool> b;
      if (!r.nullish()) {
        b = truth(r);
        if (!b) return FastResult::kBail;
        if (*b == dominant) {
          out = boolean(dominant);
          return FastResult::kOk;
        }
      }
      if (!a || !b) out = {};
      else out = boolean(!dominant);
      return FastResult::kOk;
    }
    FastVal r;
    if (eval(*node.args[1], r) != FastResult::kOk) return FastResult::kBail;
    switch (op) {
      case BinaryOp::kConcat: {
        if (l.nullish() && r.nullish()) {
          out = {};
          return FastResult::kOk;
        }
        if (l.kind == Kind::kBinary || r.kind == Kind::kBinary) return FastResult::kBail;
        std::string_view a, b;
        if (!l.nullish()) as_text(l, a);
        if (!r.nullish()) as_text(r, b);
        if (a.size() + b.size() > kMaxValueBytes) return FastResult::kBail;
        char* p = arena().alloc(a.size() + b.size());
        if (!a.empty()) std::memcpy(p, a.data(), a.size());
        if (!b.empty()) std::memcpy(p + a.size(), b.data(), b.size());
        out = {Kind::kString, std::string_view(p, a.size() + b.size())};
        return FastResult::kOk;
      }
      case BinaryOp::kAdd:
      case BinaryOp::kSub:
      case BinaryOp::kMul:
      case BinaryOp::kDiv: {
        if (l.nullish() || r.nullish()) {
          out = {};
          return FastResult::kOk;
        }
        auto a = numeric(l);
        auto b = numeric(r);
        if (!a || !b) return FastResult::kBail;
        int64_t v = 0;
        bool overflow = false;
        if (op == BinaryOp::kAdd) overflow = __builtin_add_overflow(*a, *b, &v);
        else if (op == BinaryOp::kSub) overflow = __builtin_sub_overflow(*a, *b, &v);
        else if (op == BinaryOp::kMul) overflow = __builtin_mul_overflow(*a, *b, &v);
        else if (*b == 0 || (*a == INT64_MIN && *b == -1)) overflow = true;
        else v = *a / *b;
        if (overflow) return FastResult::kBail;
        out = number(v);
        return FastResult::kOk;
      }
      default: break;
    }
    // Comparisons, as evaluator.cc compare().
    if (l.nullish() || r.nullish()) {
      out = {};
      return FastResult::kOk;
    }
    int c = 0;
    auto sign = [](auto x, auto y) { return x < y ? -1 : (x > y ? 1 : 0); };
    if (l.kind == Kind::kBoolean || r.kind == Kind::kBoolean) {
      auto a = truth(l);
      auto b = truth(r);
      if (!a || !b) return FastResult::kBail;
      c = sign(int(*a), int(*b));
    } else if (l.kind == Kind::kNumber || r.kind == Kind::kNumber) {
      auto a = numeric(l);
      auto b = numeric(r);
      if (!a || !b) return FastResult::kBail;
      c = sign(*a, *b);
    } else {
      c = sign(l.text.compare(r.text), 0);
    }
    bool b = false;
    switch (op) {
      case BinaryOp::kEq: b = c == 0; break;
      case BinaryOp::kNe: b = c != 0; break;
      case BinaryOp::kLt: b = c < 0; break;
      case BinaryOp::kLe: b = c <= 0; break;
      case BinaryOp::kGt: b = c > 0; break;
      case BinaryOp::kGe: b = c >= 0; break;
      default: return FastResult::kBail;
    }
    out = boolean(b);
    return FastResult::kOk;
  }

  // IsPresent and friends take the whole value: an attribute is inspected in place, whatever
  // its number of values.
  FastResult presence(const Node& node, FastVal& out) {
    const Node& arg = *node.args[0];
    bool nullish = false;
    bool empty_text = false;
    if (arg.type == NodeType::kAttribute) {
      const ValuesView values = frame_.context.values(arg.attr.id);
      nullish = values.empty();
      if (!nullish) {
        empty_text = true;
        for (std::string_view s : values)
          if (!s.empty()) empty_text = false;
      }
    } else {
      FastVal v;
      if (eval(arg, v) != FastResult::kOk) return FastResult::kBail;
      nullish = v.nullish();
      empty_text = !nullish && v.text.empty();
    }
    switch (node.fast) {
      case FastOp::kIsPresent: out = boolean(!nullish && !empty_text); break;
      case FastOp::kIsNullOrEmpty: out = boolean(nullish || empty_text); break;
      default: out = boolean(nullish); break;
    }
    return FastResult::kOk;
  }

  FastResult call(const Node& node, FastVal& out) {
    if (node.function && node.function->special == Special::kIIF) {
      FastVal cond;
      if (eval(*node.args[0], cond) != FastResult::kOk) return FastResult::kBail;
      auto t = truth(cond);
      if (!t) return FastResult::kBail;
      return eval(*node.args[*t ? 1 : 2], out);
    }
    switch (node.fast) {
      case FastOp::kNone: return generic(node, out);
      case FastOp::kIsPresent:
      case FastOp::kIsNullOrEmpty:
      case FastOp::kIsNull: return presence(node, out);
      default: break;
    }
    FastVal a[2];
    size_t n = node.args.size();
    if (n > 2) return generic(node, out);
    for (size_t i = 0; i < n; ++i)
      if (eval(*node.args[i], a[i]) != FastResult::kOk) return FastResult::kBail;
    switch (node.fast) {
      case FastOp::kLeft:
      case FastOp::kRight: {
        if (a[0].nullish()) {
          out = {Kind::kString, {}};
          return FastResult::kOk;
        }
        auto k = a[1].nullish() ? std::nullopt : numeric(a[1]);
        std::string_view s;
        if (!k || !as_text(a[0], s)) return FastResult::kBail;  // errors and binary: generic
        if (*k == 0) s = {};
        else if (*k > 0) {
          size_t count = ascii(s) ? s.size() : char_count(s);
          if (static_cast<uint64_t>(*k) < count) {
            size_t kk = static_cast<size_t>(*k);
            s = node.fast == FastOp::kLeft ? s.substr(0, char_offset(s, kk)) : s.substr(char_offset(s, count - kk));
          }
        }
        out = {Kind::kString, s};
        return FastResult::kOk;
      }
      case FastOp::kTrim:
      case FastOp::kLTrim:
      case FastOp::kRTrim:
      case FastOp::kLCase:
      case FastOp::kUCase: {
        if (a[0].nullish()) {
          out = {};
          return FastResult::kOk;
        }
        std::string_view s;
        if (!as_text(a[0], s)) return FastResult::kBail;
        if (node.fast == FastOp::kLCase || node.fast == FastOp::kUCase) {
          bool lower = node.fast == FastOp::kLCase;
          if (ascii(s)) {
            char* p = arena().alloc(s.size());
            for (size_t i = 0; i < s.size(); ++i) {
              char c = s[i];
              if (lower && c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
              if (!lower && c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
              p[i] = c;
            }
            s = std::string_view(p, s.size());
          } else {
            s = copy(lower ? to_lower_utf8(s) : to_upper_utf8(s));
          }
        } else {
          s = trim_view(s, node.fast != FastOp::kRTrim, node.fast != FastOp::kLTrim);
        }
        out = {Kind::kString, s};
        return FastResult::kOk;
      }
      case FastOp::kInStr: {
        if (a[0].nullish()) {
          out = number(0);
          return FastResult::kOk;
        }
        std::string_view hay, needle;
        if (!as_text(a[0], hay) || (!a[1].nullish() && !as_text(a[1], needle))) return FastResult::kBail;
        size_t hit = hay.find(needle);
        if (hit == std::string_view::npos) {
          out = number(0);
          return FastResult::kOk;
        }
        if (!ascii(hay.substr(0, hit))) return generic(node, out);
        out = number(static_cast<int64_t>(hit) + 1);
        return FastResult::kOk;
      }
      case FastOp::kCBool: {
        if (a[0].nullish()) {
          out = {};
          return FastResult::kOk;
        }
        auto t = truth(a[0]);
        if (!t) return FastResult::kBail;
        out = boolean(*t);
        return FastResult::kOk;
      }
      case FastOp::kBitAnd:
      case FastOp::kBitOr: {
        if (a[0].nullish() || a[1].nullish()) {
          out = {};
          return FastResult::kOk;
        }
        auto x = numeric(a[0]);
        auto y = numeric(a[1]);
        if (!x || !y) return FastResult::kBail;
        out = number(node.fast == FastOp::kBitAnd ? (*x & *y) : (*x | *y));
        return FastResult::kOk;
      }
      case FastOp::kCRef: {
        if (a[0].nullish()) {
          out = {};
          return FastResult::kOk;
        }
        if (a[0].kind != Kind::kString && a[0].kind != Kind::kReference) return generic(node, out);
        out = {Kind::kReference, a[0].text};
        return FastResult::kOk;
      }
      case FastOp::kDNComponent: {
        if (a[0].nullish()) {
          out = {};
          return FastResult::kOk;
        }
        bool text = a[0].kind == Kind::kString || a[0].kind == Kind::kReference;
        if (!text || a[1].kind != Kind::kNumber) return generic(node, out);  // conversions and errors
        auto n = numeric(a[1]);
        if (!n) return generic(node, out);
        auto v = dn_component_view(a[0].text, *n);
        if (v) out = {Kind::kString, *v};
        else out = {};
        return FastResult::kOk;
      }
      case FastOp::kLen: {
        if (a[0].nullish()) {
          out = number(0);
          return FastResult::kOk;
        }
        if (a[0].kind == Kind::kBinary) {
          out = number(static_cast<int64_t>(a[0].text.size()));
          return FastResult::kOk;
        }
        std::string_view s;
        as_text(a[0], s);
        out = number(static_cast<int64_t>(ascii(s) ? s.size() : char_count(s)));
        return FastResult::kOk;
      }
      default: return generic(node, out);
    }
  }

  Frame& frame_;
};

FastOp fast_op_of(const Node& node) {
  if (!node.function) return FastOp::kNone;
  struct Entry {
    std::string_view name;
    FastOp op;
    size_t args;
  };
  static constexpr Entry kOps[] = {
      {"IsPresent", FastOp::kIsPresent, 1}, {"IsNullOrEmpty", FastOp::kIsNullOrEmpty, 1},
      {"IsNull", FastOp::kIsNull, 1},       {"Left", FastOp::kLeft, 2},
      {"Right", FastOp::kRight, 2},         {"Trim", FastOp::kTrim, 1},
      {"LTrim", FastOp::kLTrim, 1},         {"RTrim", FastOp::kRTrim, 1},
      {"LCase", FastOp::kLCase, 1},         {"UCase", FastOp::kUCase, 1},
      {"InStr", FastOp::kInStr, 2},         {"CBool", FastOp::kCBool, 1},
      {"BitAnd", FastOp::kBitAnd, 2},       {"BitOr", FastOp::kBitOr, 2},
      {"Len", FastOp::kLen, 1},             {"CRef", FastOp::kCRef, 1},
      {"DNComponent", FastOp::kDNComponent, 2},
  };
  for (const auto& e : kOps)
    if (e.name == node.function->name && e.args == node.args.size()) return e.op;
  return FastOp::kNone;
}

}  // namespace

namespace {
std::atomic<bool> g_fast_lane{true};
}  // namespace

void set_fast_lane_enabled(bool enabled) { g_fast_lane.store(enabled, std::memory_order_relaxed); }
bool fast_lane_enabled() { return g_fast_lane.load(std::memory_order_relaxed); }

void prepare_fast(Node& node) {
  for (auto& arg : node.args) prepare_fast(*arg);
  if (node.type == NodeType::kCall) node.fast = fast_op_of(node);
  if (node.type == NodeType::kLiteral && node.literal.kind == Kind::kNumber && node.literal.values.size() == 1)
    node.number_literal = parse_int64(node.literal.values[0]);
}

FastResult fast_evaluate(const Node& root, Frame& frame, Value& out) {
  Arena& a = arena();
  Arena::Mark mark = a.mark();
  FastVal v;
  Lane lane(frame);
  FastResult r = lane.eval(root, v);
  if (r == FastResult::kOk) {
    // Reuses out's storage (evaluate_into keeps one Value per loop).
    out.kind = v.kind;
    out.multi = false;
    if (v.nullish()) {
      out.values.clear();
    } else {
      out.values.resize(1);
      out.values[0].assign(v.text);
    }
  }
  a.rewind(mark);
  return r;
}

}  // namespace idsync::expr
