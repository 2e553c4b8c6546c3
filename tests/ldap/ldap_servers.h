// Throwaway directory servers for the LDAP connector tests, on 127.0.0.1 only.
//
//  - Slapd: OpenLDAP with a private slapd.conf, a private CA and server certificate (ldap:// and
//    ldaps:// on free ports), syncprov with a session log, and the accesslog overlay (logops
//    writes, old entryUUIDs logged) into the database cn=accesslog. Several may run at once.
//  - SambaDc: a Samba AD DC provisioned into a temp dir, LDAP on 127.0.0.1:389 (Samba's port
//    is fixed; needs root). Provisioned once per test binary (SambaDc::shared()).
// Both stop their server with SIGTERM and remove their directory in the destructor. A server
// that cannot start is a test failure, reported with the server's own log.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>

namespace idsync::ldap::testing {

// Runs a shell command; returns its exit status and (optionally) its output.
int run_command(const std::string& cmd, std::string* output = nullptr);
// A free TCP port on 127.0.0.1.
int free_port();
// Writes `text` to `path` (throws std::runtime_error on failure).
void write_file(const std::string& path, const std::string& text);
// Makes a directory /tmp/<prefix>XXXXXX.
std::string make_temp_dir(const std::string& prefix);

class Slapd {
 public:
  static constexpr const char* kSuffix = "dc=example,dc=org";
  static constexpr const char* kAdminDn = "cn=admin,dc=example,dc=org";
  static constexpr const char* kAdminPassword = "slapd-admin-pw";
  // A user with read access only, and its password.
  static constexpr const char* kReaderDn = "uid=reader,ou=system,dc=example,dc=org";
  static constexpr const char* kReaderPassword = "reader-pw";

  // Creates the config and database, bulk-loads `ldif` (after the base entries) with slapadd,
  // and starts slapd. `accesslog_purge` (e.g. "00:00:05 00:00:01") sets the accesslog's
  // logpurge age and interval (none: nothing is purged). Throws std::runtime_error (with
  // slapd's log) when anything fails.
  explicit Slapd(const std::string& extra_ldif = "", int sessionlog = 100000,
                 const std::string& accesslog_purge = "");
  ~Slapd();
  Slapd(const Slapd&) = delete;
  Slapd& operator=(const Slapd&) = delete;

  void stop();
  void start();

  std::string uri() const { return "ldap://127.0.0.1:" + std::to_string(port_); }
  std::string ldaps_uri() const { return "ldaps://127.0.0.1:" + std::to_string(tls_port_); }
  const std::string& dir() const { return dir_; }
  std::string ca_file() const { return dir_ + "/ca.pem"; }
  std::string admin_password_file() const { return dir_ + "/admin.pw"; }
  std::string reader_password_file() const { return dir_ + "/reader.pw"; }
  // "ldapsearch -x -H uri -D admin -y pwfile" prefix for independent checks.
  std::string ldap_cli(const std::string& tool) const;

 private:
  void init(const std::string& extra_ldif, int sessionlog, const std::string& accesslog_purge);

  std::string dir_;
  int port_ = 0;
  int tls_port_ = 0;
  pid_t pid_ = -1;
};

class SambaDc {
 public:
  static constexpr const char* kBase = "DC=example,DC=test";
  static constexpr const char* kAdmin = "Administrator@EXAMPLE.TEST";
  static constexpr const char* kPassword = "Idsync-Adm1n!pw";

  // The DC of this test binary: provisioned and started on first use, stopped at exit.
  static SambaDc& shared();
  ~SambaDc();
  SambaDc(const SambaDc&) = delete;
  SambaDc& operator=(const SambaDc&) = delete;

  std::string uri() const { return "ldap://127.0.0.1:389"; }
  std::string ldaps_uri() const { return "ldaps://127.0.0.1:636"; }
  const std::string& dir() const { return dir_; }
  std::string password_file() const { return dir_ + "/admin.pw"; }
  std::string ldap_cli(const std::string& tool) const;
  // samba-tool against this DC's private database.
  int samba_tool(const std::string& args, std::string* output = nullptr) const;

 private:
  SambaDc();
  void start();
  void stop();

  std::string dir_;
  pid_t pid_ = -1;
};

// The AD data set of the tests and the Samba benchmark: kAdTestUsers users, 10 each of contacts,
// inetOrgPersons and computers, four groups of every scope (one nested, one with every user)
// under kAdTestOu and its OUs Users, Groups, Moved, Export.
constexpr int kAdTestUsers = 300;
constexpr const char* kAdTestOu = "OU=IdSync,DC=example,DC=test";
std::string ad_test_ldif();

}  // namespace idsync::ldap::testing
