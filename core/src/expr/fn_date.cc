// Date / time family: CDate, IsDate, DateFromNum, NumFromDate, FormatDateTime, DateAdd, Now.
// Date-times are UTC and travel in canonical text ("YYYY-MM-DDTHH:MM:SS.fffZ"); inside a
// function they are .NET-style ticks (100 ns since 0001-01-01). AD numbers (pwdLastSet,
// lastLogonTimestamp) are FILETIME: 100 ns since 1601-01-01.
#include <cctype>
#include <chrono>
#include <cstdio>

#include "expr/function_table.h"
#include "expr/value_util.h"

namespace idsync::expr {

namespace {

using Args = std::span<const Value>;

constexpr int64_t kTicksPerSecond = 10'000'000;
constexpr int64_t kTicksPerDay = 86'400 * kTicksPerSecond;
constexpr int64_t kFileTimeOffset = 504'911'232'000'000'000;  // ticks at 1601-01-01
constexpr int64_t kUnixOffset = 621'355'968'000'000'000;      // ticks at 1970-01-01
constexpr int64_t kMaxTicks = 3'155'378'975'999'999'999;      // 9999-12-31T23:59:59.9999999

// Days since 0001-01-01 (proleptic Gregorian), after Howard Hinnant's days_from_civil.
int64_t days_from_civil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468 + 719162;  // 719162 = days from 0001-01-01 to 1970-01-01
}

struct Civil {
  int64_t y, m, d, hh, mm, ss, frac;  // frac in ticks
};

Civil civil_from_ticks(int64_t ticks) {
  int64_t z = ticks / kTicksPerDay - 719162 + 719468;
  int64_t rem = ticks % kTicksPerDay;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  Civil c{};
  c.d = doy - (153 * mp + 2) / 5 + 1;
  c.m = mp < 10 ? mp + 3 : mp - 9;
  c.y = yoe + era * 400 + (c.m <= 2);
  c.hh = rem / (3600 * kTicksPerSecond);
  c.mm = rem / (60 * kTicksPerSecond) % 60;
  c.ss = rem / kTicksPerSecond % 60;
  c.frac = rem % kTicksPerSecond;
  return c;
}

int64_t days_in_month(int64_t y, int64_t m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

std::string canonical(int64_t ticks) {
  Civil c = civil_from_ticks(ticks);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lld.%03lldZ", (long long)c.y, (long long)c.m,
                (long long)c.d, (long long)c.hh, (long long)c.mm, (long long)c.ss, (long long)(c.frac / 10'000));
  return buf;
}

// Reads the date forms people and files write: 2013-01-10, 2013-01-10 16:00:00, ISO 8601
// with T and Z or an offset, 12/25/2007 (month first), month names as .NET's invariant
// DateTime.Parse reads them (Jan 10 2013, 10 January 2013, January 10, 2013), 4:00 PM, a
// trailing zone -8 or +05:30, and the LDAP / AD generalized time 20130110160000.0Z.
std::optional<int64_t> parse_date(std::string_view s) {
  size_t i = 0;
  auto skip_spaces = [&] { while (i < s.size() && s[i] == ' ') ++i; };
  auto number = [&](int max_digits, int64_t& out) {
    size_t start = i;
    out = 0;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])) && int(i - start) < max_digits)
      out = out * 10 + (s[i++] - '0');
    return i > start;
  };
  auto exactly = [&](int digits, int64_t& out) {
    size_t start = i;
    return number(digits, out) && int(i - start) == digits;
  };
  // "Jan", "January" (a three-letter abbreviation or the full English name).
  auto month_name = [&](int64_t& out) {
    static constexpr std::string_view kMonths[] = {"january", "february", "march",     "april",   "may",      "june",
                                                   "july",    "august",   "september", "october", "november", "december"};
    size_t start = i;
    while (i < s.size() && std::isalpha(static_cast<unsigned char>(s[i]))) ++i;
    std::string_view word = s.substr(start, i - start);
    for (int k = 0; k < 12; ++k) {
      std::string_view full = kMonths[k];
      if ((word.size() == 3 || word.size() == full.size()) && word.size() <= full.size() &&
          iequals(word, full.substr(0, word.size()))) {
        out = k + 1;
        return true;
      }
    }
    return false;
  };
  skip_spaces();
  int64_t a, b, c;
  int64_t y, m, d;
  int64_t hh = 0, mm = 0, ss = 0, frac = 0, zone_minutes = 0;
  auto fraction = [&] {
    int64_t scale = kTicksPerSecond;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
      scale /= 10;
      frac += (s[i++] - '0') * scale;
    }
  };
  bool generalized = false;
  if (i < s.size() && std::isalpha(static_cast<unsigned char>(s[i]))) {  // Jan 10 2013, January 10, 2013
    if (!month_name(m)) return std::nullopt;
    skip_spaces();
    if (!number(2, d)) return std::nullopt;
    if (i < s.size() && s[i] == ',') ++i;
    skip_spaces();
    if (!exactly(4, y)) return std::nullopt;
  } else {
    size_t start = i;
    if (!number(4, a)) return std::nullopt;
    size_t digits = i - start;
    if (digits == 4 && i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
      // Generalized time: YYYYMMDDHH[MM[SS]][.fff](Z|+hhmm|-hhmm)
      y = a;
      if (!exactly(2, m) || !exactly(2, d) || !exactly(2, hh)) return std::nullopt;
      if (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
        if (!exactly(2, mm)) return std::nullopt;
        if (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])) && !exactly(2, ss)) return std::nullopt;
      }
      if (i < s.size() && (s[i] == '.' || s[i] == ',')) {
        ++i;
        fraction();
      }
      generalized = true;
    } else if (i < s.size() && s[i] == '-') {
      ++i;
      if (!number(2, b) || i >= s.size() || s[i] != '-') return std::nullopt;
      ++i;
      if (!number(2, c)) return std::nullopt;
      y = a, m = b, d = c;
    } else if (i < s.size() && s[i] == '/') {
      ++i;
      if (!number(2, b) || i >= s.size() || s[i] != '/') return std::nullopt;
      ++i;
      if (!number(4, c)) return std::nullopt;
      y = c, m = a, d = b;
    } else if (digits <= 2 && i < s.size() && s[i] == ' ') {  // 10 Jan 2013
      d = a;
      skip_spaces();
      if (!month_name(m)) return std::nullopt;
      if (i < s.size() && s[i] == ',') ++i;
      skip_spaces();
      if (!exactly(4, y)) return std::nullopt;
    } else {
      return std::nullopt;
    }
  }
  if (y < 1 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m)) return std::nullopt;
  if (!generalized && i < s.size() && (s[i] == 'T' || s[i] == ' ')) {
    ++i;
    skip_spaces();
    size_t save = i;
    if (number(2, hh) && i < s.size() && s[i] == ':') {
      ++i;
      if (!number(2, mm)) return std::nullopt;
      if (i < s.size() && s[i] == ':') {
        ++i;
        if (!number(2, ss)) return std::nullopt;
        if (i < s.size() && s[i] == '.') {
          ++i;
          fraction();
        }
      }
      skip_spaces();
      if (i + 1 < s.size() && (s[i + 1] == 'M' || s[i + 1] == 'm') && (s[i] == 'A' || s[i] == 'a' || s[i] == 'P' || s[i] == 'p')) {
        bool pm = s[i] == 'P' || s[i] == 'p';
        if (hh < 1 || hh > 12) return std::nullopt;
        hh = hh % 12 + (pm ? 12 : 0);
        i += 2;
      }
    } else {
      i = save;
    }
  }
  skip_spaces();
  if (i < s.size() && (s[i] == 'Z' || s[i] == 'z')) {
    ++i;
  } else if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    bool neg = s[i] == '-';
    ++i;
    int64_t zh = 0, zm = 0;
    if (!number(2, zh)) return std::nullopt;
    if (i < s.size() && s[i] == ':') ++i;
    number(2, zm);
    zone_minutes = (neg ? -1 : 1) * (zh * 60 + zm);
  } else if (s.substr(i) == "UTC") {
    i += 3;
  }
  skip_spaces();
  if (i != s.size() || hh > 23 || mm > 59 || ss > 59) return std::nullopt;
  int64_t ticks = days_from_civil(y, m, d) * kTicksPerDay + ((hh * 60 + mm) * 60 + ss) * kTicksPerSecond + frac;
  ticks -= zone_minutes * 60 * kTicksPerSecond;  // local = UTC + offset
  if (ticks < 0 || ticks > kMaxTicks) return std::nullopt;
  return ticks;
}

Result<int64_t> date_arg(Args args, size_t index, std::string_view fn) {
  const Value& v = args[index];
  if (!is_nullish(v) && (v.kind == Kind::kDateTime || v.kind == Kind::kString)) {
    if (auto t = parse_date(v.values[0])) return *t;
  }
  return runtime_error(kErrTypeMismatch, std::string(fn) + " expects a date as argument " + std::to_string(index + 1) +
                                             ", got " + describe(v) + "; check it with IsDate first");
}

Value date_value(int64_t ticks) { return make_value(Kind::kDateTime, canonical(ticks)); }

Result<Value> fn_cdate(Args args) {
  if (is_nullish(args[0])) return Value::null();
  auto t = date_arg(args, 0, "CDate");
  if (!t.ok()) return t.status();
  return date_value(*t);
}

Result<Value> fn_is_date(Args args) {
  const Value& v = args[0];
  if (is_nullish(v) || (v.kind != Kind::kDateTime && v.kind != Kind::kString)) return Value::boolean(false);
  for (const auto& s : v.values)
    if (!parse_date(s)) return Value::boolean(false);
  return Value::boolean(true);
}

Result<Value> fn_date_from_num(Args args) {
  if (is_nullish(args[0])) return Value::null();
  auto n = number_arg(args, 0, "DateFromNum");
  if (!n.ok()) return n.status();
  if (*n < 0 || *n > kMaxTicks - kFileTimeOffset)
    return runtime_error(kErrOutOfRange, "DateFromNum: " + std::to_string(*n) + " is not a date (AD writes 9223372036854775807 for 'never')");
  return date_value(*n + kFileTimeOffset);
}

Result<Value> fn_num_from_date(Args args) {
  if (is_nullish(args[0])) return Value::null();
  auto t = date_arg(args, 0, "NumFromDate");
  if (!t.ok()) return t.status();
  if (*t < kFileTimeOffset) return runtime_error(kErrOutOfRange, "NumFromDate: dates before 1601 have no AD number");
  return Value::number(*t - kFileTimeOffset);
}

Result<Value> fn_now(Args) {
  auto since_epoch = std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::system_clock::now().time_since_epoch());
  return date_value(kUnixOffset + since_epoch.count() * 10);
}

// .NET custom date and time format strings (invariant culture).
std::string format_date(int64_t ticks, std::string_view f) {
  static constexpr const char* kMonths[] = {"January", "February", "March", "April", "May", "June", "July",
                                            "August", "September", "October", "November", "December"};
  static constexpr const char* kDays[] = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};
  Civil c = civil_from_ticks(ticks);
  int64_t weekday = (ticks / kTicksPerDay + 1) % 7;  // 0001-01-01 was a Monday
  std::string out;
  auto pad = [&out](int64_t v, size_t width) {
    std::string s = std::to_string(v);
    if (s.size() < width) out.append(width - s.size(), '0');
    out += s;
  };
  for (size_t i = 0; i < f.size();) {
    char ch = f[i];
    size_t run = 1;
    while (i + run < f.size() && f[i + run] == ch) ++run;
    switch (ch) {
      case 'y':
        if (run <= 2) pad(c.y % 100, run);
        else pad(c.y, run);
        break;
      case 'M':
        if (run <= 2) pad(c.m, run);
        else out += run == 3 ? std::string(kMonths[c.m - 1]).substr(0, 3) : kMonths[c.m - 1];
        break;
      case 'd':
        if (run <= 2) pad(c.d, run);
        else out += run == 3 ? std::string(kDays[weekday]).substr(0, 3) : kDays[weekday];
        break;
      case 'H': pad(c.hh, std::min<size_t>(run, 2)); break;
      case 'h': pad(c.hh % 12 == 0 ? 12 : c.hh % 12, std::min<size_t>(run, 2)); break;
      case 'm': pad(c.mm, std::min<size_t>(run, 2)); break;
      case 's': pad(c.ss, std::min<size_t>(run, 2)); break;
      case 'f':
      case 'F': {
        size_t digits = std::min<size_t>(run, 7);
        int64_t v = c.frac;
        for (size_t k = digits; k < 7; ++k) v /= 10;
        std::string s = std::to_string(v);
        s.insert(0, digits - s.size(), '0');
        if (ch == 'F') {
          while (!s.empty() && s.back() == '0') s.pop_back();
        }
        out += s;
        break;
      }
      case 't': out += run == 1 ? (c.hh < 12 ? "A" : "P") : (c.hh < 12 ? "AM" : "PM"); break;
      case 'K': out += 'Z'; run = 1; break;
      case 'z':
        out += run == 1 ? "+0" : (run == 2 ? "+00" : "+00:00");
        break;
      case '\'':
      case '"': {  // quoted literal
        size_t end = f.find(ch, i + 1);
        if (end == std::string_view::npos) end = f.size();
        out += f.substr(i + 1, end - i - 1);
        run = end + 1 - i;
        break;
      }
      case '\\':
        if (i + 1 < f.size()) out += f[i + 1];
        run = 2;
        break;
      default:
        out.append(run, ch);
        break;
    }
    i += run;
  }
  return out;
}

Result<Value> fn_format_date_time(Args args) {
  if (is_nullish(args[0])) return Value::null();
  auto t = date_arg(args, 0, "FormatDateTime");
  if (!t.ok()) return t.status();
  auto f = text_arg(args, 1, "FormatDateTime");
  if (!f.ok()) return f.status();
  return Value::string(format_date(*t, *f));
}

Result<Value> fn_date_add(Args args) {
  if (is_nullish(args[2])) return Value::null();
  auto interval = text_arg(args, 0, "DateAdd");
  if (!interval.ok()) return interval.status();
  auto n = number_arg(args, 1, "DateAdd");
  if (!n.ok()) return n.status();
  auto t = date_arg(args, 2, "DateAdd");
  if (!t.ok()) return t.status();
  const std::string& iv = *interval;
  int64_t result = 0;
  auto add_ticks = [&](int64_t unit) -> bool {
    int64_t delta = 0;
    return !__builtin_mul_overflow(*n, unit, &delta) && !__builtin_add_overflow(*t, delta, &result);
  };
  bool ok = true;
  if (iv == "yyyy" || iv == "q" || iv == "m") {
    int64_t months = *n * (iv == "yyyy" ? 12 : iv == "q" ? 3 : 1);
    Civil c = civil_from_ticks(*t);
    int64_t total = c.y * 12 + (c.m - 1) + months;
    int64_t y = total / 12;
    int64_t m = total % 12 + 1;
    if (y < 1 || y > 9999) ok = false;
    else {
      int64_t d = std::min(c.d, days_in_month(y, m));  // Jan 31 + 1 month = Feb 28/29
      result = days_from_civil(y, m, d) * kTicksPerDay + *t % kTicksPerDay;
    }
  } else if (iv == "y" || iv == "d" || iv == "w") {
    ok = add_ticks(kTicksPerDay);
  } else if (iv == "ww") {
    ok = add_ticks(7 * kTicksPerDay);
  } else if (iv == "h") {
    ok = add_ticks(3600 * kTicksPerSecond);
  } else if (iv == "n") {
    ok = add_ticks(60 * kTicksPerSecond);
  } else if (iv == "s") {
    ok = add_ticks(kTicksPerSecond);
  } else {
    return runtime_error(kErrArgument, "DateAdd interval must be one of yyyy, q, m, y, d, w, ww, h, n, s; got \"" + iv + "\"");
  }
  if (!ok || result < 0 || result > kMaxTicks)
    return runtime_error(kErrOutOfRange, "DateAdd result is outside the years 1 to 9999");
  return date_value(result);
}

constexpr FunctionDef kDate[] = {
    {"CDate", 1, 1, "s", fn_cdate},
    {"DateAdd", 3, 3, "sss", fn_date_add},
    {"DateFromNum", 1, 1, "s", fn_date_from_num},
    {"FormatDateTime", 2, 2, "ss", fn_format_date_time},
    {"IsDate", 1, 1, "v", fn_is_date},
    {"Now", 0, 0, "", fn_now},
    {"NumFromDate", 1, 1, "s", fn_num_from_date},
};

}  // namespace

std::span<const FunctionDef> date_functions() { return kDate; }

}  // namespace idsync::expr
