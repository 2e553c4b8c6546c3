// Connecting: TLS settings go on the handle before the first byte is sent (libldap connects
// lazily), and LDAP_OPT_X_TLS_NEWCTX makes them take effect for this handle only, so two
// connectors with different CA files never share a TLS context.
#include "ldap_session.h"

#include <cstdio>
#include <cstring>

namespace idsync::ldap {

bool RootDse::supports_control(std::string_view oid) const {
  for (const std::string& c : supported_controls)
    if (c == oid) return true;
  return false;
}

bool is_connection_error(int rc) {
  return rc == LDAP_SERVER_DOWN || rc == LDAP_CONNECT_ERROR || rc == LDAP_UNAVAILABLE ||
         rc == LDAP_BUSY || rc == LDAP_TIMEOUT;
}

std::vector<std::string> entry_values(LDAP* ld, LDAPMessage* entry, const char* attr) {
  std::vector<std::string> out;
  berval** vals = ldap_get_values_len(ld, entry, attr);
  if (vals == nullptr) return out;
  for (berval** v = vals; *v != nullptr; ++v) out.emplace_back((*v)->bv_val, (*v)->bv_len);
  ldap_value_free_len(vals);
  return out;
}

Session::Session(LdapOptions options, std::string password)
    : options_(std::move(options)), password_(std::move(password)) {
  op_timeout_.tv_sec = options_.timeout_seconds;
}

Session::~Session() { close(); }

void Session::close() {
  if (ld_ != nullptr) ldap_unbind_ext_s(ld_, nullptr, nullptr);
  ld_ = nullptr;
}

Result<std::unique_ptr<Session>> Session::open(const LdapOptions& options) {
  auto password = read_password(options);
  if (!password.ok()) return password.status();
  std::unique_ptr<Session> s(new Session(options, std::move(password).value()));
  IDSYNC_RETURN_IF_ERROR(s->connect());
  return s;
}

Status Session::reconnect() {
  close();
  return connect();
}

Status Session::error(int rc, const std::string& what, const char* server_message) const {
  std::string diag;
  if (server_message != nullptr) {
    diag = server_message;
  } else if (ld_ != nullptr) {
    char* m = nullptr;
    if (ldap_get_option(ld_, LDAP_OPT_DIAGNOSTIC_MESSAGE, &m) == LDAP_OPT_SUCCESS && m != nullptr) {
      diag = m;
      ldap_memfree(m);
    }
  }
  std::string msg = "LDAP server " + options_.uri + ": " + what + " failed: " +
                    ldap_err2string(rc) + " (" + std::to_string(rc) + ")";
  if (!diag.empty() && diag != "(unknown error code)") msg += ": " + diag;
  std::string hint;
  switch (rc) {
    case LDAP_SERVER_DOWN:
    case LDAP_CONNECT_ERROR:
      hint = "check option 'uri', that the server runs and is reachable, and (TLS) that its "
             "certificate is signed by the CA in option 'ca_file'";
      break;
    case LDAP_TIMEOUT:
      hint = "the server did not answer within " + std::to_string(options_.timeout_seconds) +
             " s; check its load or raise option 'timeout_seconds'";
      break;
    case LDAP_INVALID_CREDENTIALS:
      hint = "check option 'bind_dn' and the password in " +
             (options_.password_env.empty() ? "the file '" + options_.password_file + "'"
                                            : "environment variable '" + options_.password_env + "'");
      break;
    case LDAP_INSUFFICIENT_ACCESS:
      hint = "the account '" + options_.bind_dn + "' lacks the right; grant it or bind as another";
      break;
    case LDAP_INVALID_DN_SYNTAX:
      hint = "correct the DN (the sync rule that builds it, or option 'base_dns')";
      break;
    case LDAP_NO_SUCH_OBJECT:
      hint = "the object or its parent does not exist; check the DN";
      break;
    case LDAP_SIZELIMIT_EXCEEDED:
    case LDAP_ADMINLIMIT_EXCEEDED:
      hint = "lower option 'page_size' or 'modify_chunk', or raise the server's limits";
      break;
    case LDAP_CONFIDENTIALITY_REQUIRED:
    case LDAP_STRONG_AUTH_REQUIRED:
      hint = "the server requires TLS: use ldaps:// or option start_tls";
      break;
    default:
      break;
  }
  if (!hint.empty()) msg += "; " + hint;
  ErrorCode code = is_connection_error(rc) ? ErrorCode::kIoError : ErrorCode::kConnectorError;
  return Status::Error(code, msg);
}

namespace {

// True when a plain TCP connection to the uri's host and port succeeds (after a failed TLS
// connect this tells a refused handshake from a server that is down).
bool tcp_reachable(const std::string& uri) {
  LDAPURLDesc* url = nullptr;
  if (ldap_url_parse(uri.c_str(), &url) != LDAP_SUCCESS || url == nullptr) return false;
  std::string plain = "ldap://" + std::string(url->lud_host ? url->lud_host : "") + ":" +
                      std::to_string(url->lud_port);
  ldap_free_urldesc(url);
  LDAP* probe = nullptr;
  if (ldap_initialize(&probe, plain.c_str()) != LDAP_SUCCESS) return false;
  timeval t{};
  t.tv_sec = 3;
  ldap_set_option(probe, LDAP_OPT_NETWORK_TIMEOUT, &t);
  bool ok = ldap_connect(probe) == LDAP_SUCCESS;
  ldap_unbind_ext_s(probe, nullptr, nullptr);
  return ok;
}

}  // namespace

bool Session::port_open_hint(int rc) const {
  return rc == LDAP_SERVER_DOWN && tcp_reachable(options_.uri);
}

Status Session::connect() {
  int rc = ldap_initialize(&ld_, options_.uri.c_str());
  if (rc != LDAP_SUCCESS) return error(rc, "opening '" + options_.uri + "'");
  int version = LDAP_VERSION3;
  ldap_set_option(ld_, LDAP_OPT_PROTOCOL_VERSION, &version);
  ldap_set_option(ld_, LDAP_OPT_REFERRALS, LDAP_OPT_OFF);
  timeval net{};
  net.tv_sec = options_.connect_timeout_seconds;
  ldap_set_option(ld_, LDAP_OPT_NETWORK_TIMEOUT, &net);
  ldap_set_option(ld_, LDAP_OPT_TIMEOUT, &op_timeout_);
  int require = options_.tls_insecure ? LDAP_OPT_X_TLS_NEVER : LDAP_OPT_X_TLS_DEMAND;
  ldap_set_option(ld_, LDAP_OPT_X_TLS_REQUIRE_CERT, &require);
  if (!options_.ca_file.empty())
    ldap_set_option(ld_, LDAP_OPT_X_TLS_CACERTFILE, options_.ca_file.c_str());
  int is_server = 0;
  const bool tls = options_.start_tls || options_.uri.rfind("ldaps", 0) == 0 ||
                   options_.uri.rfind("LDAPS", 0) == 0;
  if (tls) {
    rc = ldap_set_option(ld_, LDAP_OPT_X_TLS_NEWCTX, &is_server);
    if (rc != LDAP_OPT_SUCCESS) return error(rc, "setting up TLS");
    if (options_.tls_insecure)
      std::fprintf(stderr,
                   "warning: connector '%s': TLS certificate verification is OFF "
                   "(option tls_insecure); anyone on the path can read and change the traffic\n",
                   options_.connector_name.c_str());
  }
  // Connect explicitly so that a TLS handshake failure reports its reason (e.g. "certificate
  // verify failed") instead of a bare "Can't contact LDAP server" from the bind.
  rc = ldap_connect(ld_);
  if (rc != LDAP_SUCCESS && tls && !options_.start_tls && port_open_hint(rc)) {
    Status s = error(rc, "TLS connection");
    return Status::Error(s.code(), s.message() + " (the TCP port answers, so the TLS handshake failed: "
                                                 "most often the certificate is not signed by a CA in "
                                                 "'ca_file' or names another host)");
  }
  if (rc != LDAP_SUCCESS) return error(rc, "connecting");
  if (options_.start_tls) {
    rc = ldap_start_tls_s(ld_, nullptr, nullptr);
    if (rc != LDAP_SUCCESS) return error(rc, "StartTLS");
  }
  berval cred{};
  cred.bv_val = password_.data();
  cred.bv_len = password_.size();
  rc = ldap_sasl_bind_s(ld_, options_.bind_dn.empty() ? nullptr : options_.bind_dn.c_str(),
                        LDAP_SASL_SIMPLE, &cred, nullptr, nullptr, nullptr);
  if (rc != LDAP_SUCCESS)
    return error(rc, options_.bind_dn.empty() ? "anonymous bind"
                                               : "simple bind as '" + options_.bind_dn + "'");
  return refresh_root();
}

Result<std::vector<std::vector<std::string>>> Session::read_entry(
    const std::string& dn, const std::vector<std::string>& attrs, LDAPControl** controls) {
  std::vector<char*> names;
  for (const std::string& a : attrs) names.push_back(const_cast<char*>(a.c_str()));
  names.push_back(nullptr);
  LDAPMessage* res = nullptr;
  int rc = ldap_search_ext_s(ld_, dn.c_str(), LDAP_SCOPE_BASE, "(objectClass=*)", names.data(), 0,
                             controls, nullptr, &op_timeout_, 1, &res);
  std::unique_ptr<LDAPMessage, int (*)(LDAPMessage*)> guard(res, ldap_msgfree);
  if (rc != LDAP_SUCCESS) return error(rc, "reading '" + dn + "'");
  std::vector<std::vector<std::string>> out(attrs.size());
  LDAPMessage* e = ldap_first_entry(ld_, res);
  if (e == nullptr) return out;
  for (size_t i = 0; i < attrs.size(); ++i) out[i] = entry_values(ld_, e, attrs[i].c_str());
  return out;
}

Status Session::refresh_root() {
  static const std::vector<std::string> kAttrs = {
      "namingContexts",  "defaultNamingContext", "rootDomainNamingContext",
      "configurationNamingContext", "subschemaSubentry", "dnsHostName",
      "highestCommittedUSN", "supportedControl"};
  auto v = read_entry("", kAttrs);
  if (!v.ok()) return v.status();
  auto first = [](const std::vector<std::string>& x) { return x.empty() ? std::string() : x[0]; };
  root_.naming_contexts = (*v)[0];
  root_.default_naming_context = first((*v)[1]);
  root_.root_domain_naming_context = first((*v)[2]);
  root_.configuration_naming_context = first((*v)[3]);
  root_.subschema_subentry = first((*v)[4]);
  root_.dns_host_name = first((*v)[5]);
  root_.highest_committed_usn = first((*v)[6]);
  root_.supported_controls = (*v)[7];
  return Status::Ok();
}

}  // namespace idsync::ldap
