// The "scim" connector's options: read, checked (errors name the option and the fix) and
// turned into ScimSettings. Secrets are read here from their file or environment variable and
// go only into the Authorization header.
#include <algorithm>
#include <cstdlib>

#include "idsync/scim/scim_connector.h"
#include "idsync/secret.h"
#include "idsync/value_types.h"
#include "scim_settings.h"
#include "scim_util.h"

namespace idsync::scim {

namespace {

Result<long> number_option(const ConnectorConfig& c, const std::string& key, long fallback, long min, long max) {
  std::string text = c.option(key);
  if (text.empty()) return fallback;
  char* end = nullptr;
  long v = std::strtol(text.c_str(), &end, 10);
  if (end == text.c_str() || *end != '\0' || v < min || v > max)
    return Status::Error(ErrorCode::kInvalidArgument, "connector '" + c.name + "': option '" + key + "' must be a number from " +
                                                          std::to_string(min) + " to " + std::to_string(max) + ", not '" + text + "'");
  return v;
}

Result<bool> bool_option(const ConnectorConfig& c, const std::string& key, bool fallback) {
  std::string text = to_lower_ascii(c.option(key));
  if (text.empty()) return fallback;
  if (text == "true" || text == "yes" || text == "1") return true;
  if (text == "false" || text == "no" || text == "0") return false;
  return Status::Error(ErrorCode::kInvalidArgument,
                       "connector '" + c.name + "': option '" + key + "' must be true or false, not '" + c.option(key) + "'");
}

// The secret `name` (token, password) through read_secret(): from `<name>_file` (mode 0600,
// owned by the IdSync account, no symbolic link) or `<name>_env`; "" when neither is set.
Result<std::string> optional_secret(const ConnectorConfig& c, const std::string& name) {
  if (c.option(name + "_file").empty() && c.option(name + "_env").empty() && c.options.count(name) == 0)
    return std::string();
  return read_secret(c, name);
}

}  // namespace

Result<std::unique_ptr<Connector>> create_scim_connector(const ConnectorConfig& config) {
  auto fail = [&](const std::string& what) {
    return Status::Error(ErrorCode::kInvalidArgument, "connector '" + config.name + "': " + what);
  };
  std::string base = config.option("base_url");
  if (base.empty()) return fail("option 'base_url' is required (e.g. https://scim.example.com/scim/v2)");
  if (base.rfind("https://", 0) != 0 && base.rfind("http://", 0) != 0)
    return fail("option 'base_url' must start with https:// (or http:// for a local test server), not '" + base + "'");
  while (!base.empty() && base.back() == '/') base.pop_back();

  HttpOptions http;
  auto token = optional_secret(config, "token");
  if (!token.ok()) return token.status();
  if (!token->empty()) {
    http.authorization = "Bearer " + *token;
  } else if (!config.option("username").empty()) {
    auto password = read_secret(config, "password");
    if (!password.ok()) return password.status();
    http.authorization = "Basic " + base64(config.option("username") + ":" + *password);
  } else {
    return fail("no credentials: set option 'token_file' or 'token_env' (bearer token), or 'username' with "
                "'password_file' / 'password_env'");
  }
  auto verify = bool_option(config, "tls_verify", true);
  auto insecure = bool_option(config, "insecure", false);
  if (!verify.ok()) return verify.status();
  if (!insecure.ok()) return insecure.status();
  if (!*verify && !*insecure)
    return fail("option 'tls_verify' is false but 'insecure' is not true: turning certificate checks off must be "
                "explicit (insecure = true), or give the server's CA with option 'ca_file'");
  http.verify_tls = !*insecure;
  http.ca_file = config.option("ca_file");
  struct NumberOption {
    const char* key;
    long fallback, min, max;
    long* into;
  };
  long concurrency = 8, page_size = 200, max_attempts = 6, retry_budget = 10000, patch_chunk = 100,
       delta_overlap_ms = 2000, export_batch = 1000;
  NumberOption numbers[] = {
      {"connect_timeout_ms", 10000, 1, 600000, &http.connect_timeout_ms},
      {"timeout_ms", 60000, 1, 3600000, &http.timeout_ms},
      {"concurrency", 8, 1, 256, &concurrency},
      {"page_size", 200, 1, 10000, &page_size},
      {"max_attempts", 6, 1, 100, &max_attempts},
      {"retry_budget", 10000, 0, 100000000, &retry_budget},
      {"backoff_initial_ms", 100, 0, 600000, &http.backoff_initial_ms},
      {"backoff_max_ms", 30000, 0, 3600000, &http.backoff_max_ms},
      {"patch_chunk", 100, 1, 10000, &patch_chunk},
      {"delta_overlap_ms", 2000, 0, 3600000, &delta_overlap_ms},
      {"export_batch", 1000, 1, 100000, &export_batch},
  };
  for (NumberOption& n : numbers) {
    auto v = number_option(config, n.key, n.fallback, n.min, n.max);
    if (!v.ok()) return v.status();
    *n.into = *v;
  }
  http.concurrency = static_cast<int>(concurrency);
  http.max_attempts = static_cast<int>(max_attempts);
  http.retry_budget = static_cast<uint64_t>(retry_budget);

  bool users = false, groups = false;
  std::string types = config.option("resource_types", "Users,Groups");
  size_t start = 0;
  while (start <= types.size()) {
    size_t end = types.find(',', start);
    if (end == std::string::npos) end = types.size();
    std::string t = types.substr(start, end - start);
    t.erase(std::remove(t.begin(), t.end(), ' '), t.end());
    if (iequals(t, "Users")) {
      users = true;
    } else if (iequals(t, "Groups")) {
      groups = true;
    } else if (!t.empty()) {
      return fail("option 'resource_types': unknown resource type '" + t + "' (Users, Groups)");
    }
    start = end + 1;
  }
  if (!users && !groups) return fail("option 'resource_types' names no resource type (Users, Groups)");
  std::string bulk = to_lower_ascii(config.option("bulk", "auto"));
  if (bulk != "auto" && bulk != "false")
    return fail("option 'bulk' must be auto (use /Bulk when the server supports it) or false, not '" + bulk + "'");
  auto user_map = AttributeMap::build("user", config.option("user_attribute_map"), config.schema);
  if (!user_map.ok()) return user_map.status().with_context("connector '" + config.name + "': option 'user_attribute_map'");
  auto group_map = AttributeMap::build("group", config.option("group_attribute_map"), config.schema);
  if (!group_map.ok()) return group_map.status().with_context("connector '" + config.name + "': option 'group_attribute_map'");
  ScimSettings settings{config,
                        std::move(http),
                        base,
                        std::move(*user_map),
                        std::move(*group_map),
                        users,
                        groups,
                        static_cast<size_t>(page_size),
                        static_cast<size_t>(patch_chunk),
                        static_cast<size_t>(export_batch),
                        delta_overlap_ms,
                        bulk == "auto"};
  return make_scim_connector(std::move(settings));
}

}  // namespace idsync::scim

namespace idsync {

void register_scim_connector(ConnectorRegistry& registry) { registry.add("scim", scim::create_scim_connector); }

}  // namespace idsync
