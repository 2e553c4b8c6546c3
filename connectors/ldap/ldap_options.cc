#include "ldap_options.h"

#include <charconv>
#include <fstream>

#include "idsync/dn.h"
#include "idsync/secret.h"

namespace idsync::ldap {

namespace {

Status bad_option(const std::string& key, const std::string& what) {
  return Status::Error(ErrorCode::kInvalidArgument, "option '" + key + "' " + what);
}

std::string trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return std::string(s);
}

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(sep, start);
    if (end == std::string::npos) end = text.size();
    std::string item = trim(std::string_view(text).substr(start, end - start));
    if (!item.empty()) out.push_back(std::move(item));
    start = end + 1;
  }
  return out;
}

Result<bool> parse_bool(const ConnectorConfig& config, const std::string& key) {
  std::string v = to_lower_ascii(config.option(key, "false"));
  if (v == "true" || v == "1" || v == "yes") return true;
  if (v == "false" || v == "0" || v == "no" || v.empty()) return false;
  return bad_option(key, "must be true or false, not '" + config.option(key) + "'");
}

Result<int> parse_int(const ConnectorConfig& config, const std::string& key, int fallback, int min,
                      int max) {
  std::string v = config.option(key);
  if (v.empty()) return fallback;
  int n = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || p != v.data() + v.size() || n < min || n > max)
    return bad_option(key, "must be a whole number from " + std::to_string(min) + " to " +
                               std::to_string(max) + ", not '" + v + "'");
  return n;
}

}  // namespace

Result<LdapOptions> parse_options(const ConnectorConfig& config, Flavour flavour) {
  static const char* const kKnown[] = {
      "uri", "start_tls", "ca_file", "tls_insecure", "bind_dn", "password_file", "password_env",
      "base_dns", "object_classes", "attributes", "filter", "page_size", "timeout_seconds",
      "connect_timeout_seconds", "modify_chunk", "reconnect_attempts", "anchor", "delta", "accesslog_base"};
  for (const auto& [key, value] : config.options) {
    bool known = false;
    for (const char* k : kKnown) known = known || key == k;
    if (!known)
      return bad_option(key, "is not an option of connector type '" + config.type +
                                 "'; see README \"LDAP and Active Directory connectors\"");
  }
  LdapOptions o;
  o.flavour = flavour;
  o.connector_name = config.name;
  o.schema = config.schema;
  o.uri = trim(config.option("uri"));
  if (o.uri.empty())
    return bad_option("uri", "is required, e.g. ldaps://dc1.contoso.com or ldap://127.0.0.1:389");
  std::string scheme = to_lower_ascii(o.uri.substr(0, o.uri.find("://")));
  if (o.uri.find("://") == std::string::npos || (scheme != "ldap" && scheme != "ldaps"))
    return bad_option("uri", "must start with ldap:// or ldaps://, not '" + o.uri + "'");
  auto start_tls = parse_bool(config, "start_tls");
  if (!start_tls.ok()) return start_tls.status();
  o.start_tls = *start_tls;
  if (o.start_tls && scheme == "ldaps")
    return bad_option("start_tls", "cannot be used with an ldaps:// uri (that is TLS already)");
  auto insecure = parse_bool(config, "tls_insecure");
  if (!insecure.ok()) return insecure.status();
  o.tls_insecure = *insecure;
  o.ca_file = config.option("ca_file");
  if (!o.ca_file.empty()) {
    std::ifstream probe(o.ca_file);
    if (!probe) return bad_option("ca_file", "names '" + o.ca_file + "', which cannot be read");
  }
  o.bind_dn = trim(config.option("bind_dn"));
  o.password_file = config.option("password_file");
  o.password_env = config.option("password_env");
  if (!o.password_file.empty() && !o.password_env.empty())
    return bad_option("password_file", "and 'password_env' are exclusive: set one");
  if (o.bind_dn.empty() && (!o.password_file.empty() || !o.password_env.empty()))
    return bad_option("bind_dn", "is required when a password is configured");
  for (std::string& dn : split(config.option("base_dns"), '|')) {
    auto parsed = parse_dn(dn);
    if (!parsed.ok()) return bad_option("base_dns", "holds " + parsed.status().message());
    o.base_dns.push_back(std::move(dn));
  }
  o.object_classes = split(config.option("object_classes"), ',');
  o.attributes = split(config.option("attributes"), ',');
  o.filter = trim(config.option("filter"));
  if (!o.filter.empty() && o.filter.front() != '(') o.filter = "(" + o.filter + ")";
  auto page = parse_int(config, "page_size", 1000, 1, 100000);
  if (!page.ok()) return page.status();
  o.page_size = *page;
  auto timeout = parse_int(config, "timeout_seconds", 60, 1, 86400);
  if (!timeout.ok()) return timeout.status();
  o.timeout_seconds = *timeout;
  auto ctimeout = parse_int(config, "connect_timeout_seconds", 10, 1, 3600);
  if (!ctimeout.ok()) return ctimeout.status();
  o.connect_timeout_seconds = *ctimeout;
  auto chunk = parse_int(config, "modify_chunk", 1000, 1, 1000000);
  if (!chunk.ok()) return chunk.status();
  o.modify_chunk = *chunk;
  auto attempts = parse_int(config, "reconnect_attempts", 3, 0, 100);
  if (!attempts.ok()) return attempts.status();
  o.reconnect_attempts = *attempts;
  const bool ad = flavour == Flavour::kActiveDirectory;
  o.anchor = trim(config.option("anchor", ad ? "objectGUID" : "entryUUID"));
  std::string delta = to_lower_ascii(config.option("delta", ad ? "auto" : "sync"));
  if (!ad && delta == "sync") {
    o.delta = DeltaMode::kSync;
  } else if (!ad && delta == "accesslog") {
    o.delta = DeltaMode::kAccesslog;
  } else if (ad && delta == "auto") {
    o.delta = DeltaMode::kAuto;
  } else if (ad && delta == "dirsync") {
    o.delta = DeltaMode::kDirSync;
  } else if (ad && delta == "usn") {
    o.delta = DeltaMode::kUsn;
  } else {
    return bad_option("delta", ad ? "must be auto, dirsync or usn, not '" + delta + "'"
                                  : "must be sync (RFC 4533) or accesslog, not '" + delta + "'");
  }
  const std::string log_base = trim(config.option("accesslog_base"));
  if (!log_base.empty()) {
    if (ad || o.delta != DeltaMode::kAccesslog)
      return bad_option("accesslog_base", "is only used with connector type 'ldap' and delta=accesslog");
    auto parsed = parse_dn(log_base);
    if (!parsed.ok()) return bad_option("accesslog_base", "holds " + parsed.status().message());
    o.accesslog_base = log_base;
  }
  return o;
}

Result<std::string> read_password(const LdapOptions& options) {
  if (options.password_file.empty() && options.password_env.empty()) return std::string();  // anonymous bind
  // read_secret() refuses a file others can read (naming the file and the chmod to run), a
  // symbolic link and an empty secret; its errors never hold the password.
  ConnectorConfig secret_options;
  secret_options.name = options.connector_name;
  if (!options.password_file.empty()) secret_options.options["password_file"] = options.password_file;
  if (!options.password_env.empty()) secret_options.options["password_env"] = options.password_env;
  return read_secret(secret_options, "password");
}

}  // namespace idsync::ldap
