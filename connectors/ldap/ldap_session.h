// One authenticated connection to a directory server, with the server's rootDSE.
//
// Owns the LDAP* handle (closed in the destructor). Errors from here are written for the
// administrator: they name the server, say what failed and what to do, and never contain the
// bind password. Not thread-safe: one user at a time, as the connector itself.
#pragma once

#include <ldap.h>

#include <memory>
#include <string>
#include <vector>

#include "ldap_options.h"

namespace idsync::ldap {

struct RootDse {
  std::vector<std::string> naming_contexts;
  std::string default_naming_context;   // AD
  std::string root_domain_naming_context;  // AD: the forest root domain
  std::string configuration_naming_context;  // AD
  std::string subschema_subentry;
  std::string dns_host_name;            // AD
  std::string highest_committed_usn;    // AD
  std::vector<std::string> supported_controls;
  bool supports_control(std::string_view oid) const;
};

class Session {
 public:
  // Connects (TLS as configured), binds and reads the rootDSE.
  static Result<std::unique_ptr<Session>> open(const LdapOptions& options);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  LDAP* ld() const { return ld_; }
  const LdapOptions& options() const { return options_; }
  const RootDse& root() const { return root_; }
  // Drops the connection and opens a new one (same options).
  Status reconnect();
  // Re-reads the rootDSE (e.g. highestCommittedUSN before a full import).
  Status refresh_root();

  // The timeout of one operation, for ldap_result and the *_ext calls.
  timeval* op_timeout() { return &op_timeout_; }

  // An error for LDAP result code `rc` while doing `what` (e.g. "searching 'OU=x'"), with the
  // server's diagnostic `server_message` (or the handle's) and a hint of what to do.
  Status error(int rc, const std::string& what, const char* server_message = nullptr) const;

  // Base-scope read of `dn`'s `attrs`; values by attribute in request order (empty when absent).
  Result<std::vector<std::vector<std::string>>> read_entry(const std::string& dn,
                                                           const std::vector<std::string>& attrs,
                                                           LDAPControl** controls = nullptr);

 private:
  Session(LdapOptions options, std::string password);
  Status connect();
  void close();
  bool port_open_hint(int rc) const;

  LdapOptions options_;
  std::string password_;
  LDAP* ld_ = nullptr;
  RootDse root_;
  timeval op_timeout_{};
};

// True for result codes that mean the connection is gone (worth a reconnect).
bool is_connection_error(int rc);

// Values of `attr` on `entry` as byte strings.
std::vector<std::string> entry_values(LDAP* ld, LDAPMessage* entry, const char* attr);

}  // namespace idsync::ldap
