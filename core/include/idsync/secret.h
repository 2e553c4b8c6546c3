// Secrets for connectors (bind passwords, bearer tokens): never in the configuration itself.
//
// A connector option `<name>` holding a secret is refused; the configuration instead names
// where the secret lives, and only that name is stored, exported and logged:
//   <name>_file   a file holding the secret (one line; a trailing CR/LF is dropped). It must be a
//                 regular file that neither group nor others can read or write (chmod 600),
//                 owned by the account running IdSync (or root).
//   <name>_env    an environment variable holding the secret.
// Exactly one of the two must be given. Errors name the connector, the option and the file or
// variable, never the secret. LDAP and SCIM connectors resolve their bind password / token with
// read_secret() when they connect, and must not copy the value into error messages, run
// history or exported objects (tests/hostile/secrets_test.cc proves it end to end).
// Thread safety: reentrant (reads the environment and the file system only).
#pragma once

#include <string>

#include "idsync/connector.h"
#include "idsync/status.h"

namespace idsync {

[[nodiscard]] Result<std::string> read_secret(const ConnectorConfig& config, const std::string& name);

// True when `text` contains `secret` (for tests and log scrubbing; false for an empty secret).
bool contains_secret(const std::string& text, const std::string& secret);

}  // namespace idsync
