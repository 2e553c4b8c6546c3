// The parsed, validated options of an "ldap" or "ad" connector (ldap_connector.h lists them).
#pragma once

#include <string>
#include <vector>

#include "idsync/connector.h"

namespace idsync::ldap {

enum class Flavour { kGeneric, kActiveDirectory };
enum class DeltaMode { kSync, kAccesslog, kAuto, kDirSync, kUsn };

struct LdapOptions {
  Flavour flavour = Flavour::kGeneric;
  std::string connector_name;
  std::string uri;
  bool start_tls = false;
  std::string ca_file;
  bool tls_insecure = false;
  std::string bind_dn;
  std::string password_file;
  std::string password_env;
  std::vector<std::string> base_dns;
  std::vector<std::string> object_classes;
  std::vector<std::string> attributes;  // empty: all user attributes
  std::string filter;
  int page_size = 1000;
  int timeout_seconds = 60;
  int connect_timeout_seconds = 10;
  int modify_chunk = 1000;
  int reconnect_attempts = 3;
  std::string anchor;
  DeltaMode delta = DeltaMode::kSync;
  std::string accesslog_base = "cn=accesslog";  // delta=accesslog: the log database's suffix
  // Attributes the configured schema declares binary / datetime (value conversion).
  ConnectorSchema schema;
};

// Validates `config` for `flavour`; an error names the option and the accepted values.
Result<LdapOptions> parse_options(const ConnectorConfig& config, Flavour flavour);

// Reads the bind password from password_file / password_env with read_secret() ("" when
// neither is set: an anonymous bind). The file must be mode 0600; the error names the file or
// variable, never the password.
Result<std::string> read_password(const LdapOptions& options);

}  // namespace idsync::ldap
