#include "scim_util.h"

#include <ctime>
#include <nlohmann/json.hpp>

namespace idsync::scim {

std::string hex_upper(const std::string& bytes) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  return out;
}

bool external_id_from_dn(const std::string& dn, std::string& external_id) {
  if (dn.size() < 6 || (dn[0] != 'C' && dn[0] != 'c') || (dn[1] != 'N' && dn[1] != 'n') || dn[2] != '=' ||
      dn[3] != '{' || dn.back() != '}')
    return false;
  std::string hex = dn.substr(4, dn.size() - 5);
  if (hex.size() % 2 != 0) return false;
  auto digit = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  std::string out;
  for (size_t i = 0; i < hex.size(); i += 2) {
    int hi = digit(hex[i]), lo = digit(hex[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out.push_back(static_cast<char>(hi * 16 + lo));
  }
  external_id = std::move(out);
  return true;
}

std::string quote(const std::string& value) {
  std::string out = "\"";
  for (char c : value) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "\"";
}

std::string excerpt(const std::string& text) {
  std::string out = text.substr(0, 120);
  for (char& c : out)
    if (c == '\n' || c == '\r') c = ' ';
  return text.size() > 120 ? out + "..." : out;
}

std::string server_detail(const HttpResponse& res) {
  nlohmann::json j = nlohmann::json::parse(res.body, nullptr, false);
  if (j.is_object() && j.contains("detail") && j["detail"].is_string()) {
    std::string d = j["detail"].get<std::string>();
    if (j.contains("scimType") && j["scimType"].is_string()) d += " [" + j["scimType"].get<std::string>() + "]";
    return d;
  }
  if (res.body.empty()) return "(empty answer)";
  return "'" + excerpt(res.body) + "'";
}

std::string base64(const std::string& in) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    uint32_t n = (uint32_t(uint8_t(in[i])) << 16) | (uint32_t(uint8_t(in[i + 1])) << 8) | uint8_t(in[i + 2]);
    out += {kAlphabet[n >> 18], kAlphabet[(n >> 12) & 63], kAlphabet[(n >> 6) & 63], kAlphabet[n & 63]};
  }
  if (i + 1 == in.size()) {
    uint32_t n = uint32_t(uint8_t(in[i])) << 16;
    out += {kAlphabet[n >> 18], kAlphabet[(n >> 12) & 63], '=', '='};
  } else if (i + 2 == in.size()) {
    uint32_t n = (uint32_t(uint8_t(in[i])) << 16) | (uint32_t(uint8_t(in[i + 1])) << 8);
    out += {kAlphabet[n >> 18], kAlphabet[(n >> 12) & 63], kAlphabet[(n >> 6) & 63], '='};
  }
  return out;
}

std::string shift_timestamp(const std::string& ts, long delta_ms) {
  std::tm tm{};
  int ms = 0;
  const char* rest = strptime(ts.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  if (rest == nullptr) return ts;
  if (*rest == '.') {
    ++rest;
    int digits = 0;
    while (*rest >= '0' && *rest <= '9') {
      if (digits < 3) ms = ms * 10 + (*rest - '0');
      ++digits;
      ++rest;
    }
    for (; digits < 3; ++digits) ms *= 10;
  }
  if (*rest != 'Z' && *rest != '\0') return ts;  // only UTC is moved; others are used as they are
  long long total = static_cast<long long>(timegm(&tm)) * 1000 + ms + delta_ms;
  time_t secs = static_cast<time_t>(total / 1000);
  std::tm out{};
  gmtime_r(&secs, &out);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &out);
  char frac[8];
  std::snprintf(frac, sizeof frac, ".%03dZ", static_cast<int>(total % 1000));
  return std::string(buf) + frac;
}

}  // namespace idsync::scim
