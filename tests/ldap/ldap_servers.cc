#include "ldap_servers.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

namespace idsync::ldap::testing {

namespace fs = std::filesystem;

int run_command(const std::string& cmd, std::string* output) {
  FILE* p = popen(("(" + cmd + "\n) 2>&1").c_str(), "r");
  if (p == nullptr) return -1;
  std::array<char, 4096> buf;
  std::string out;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  int status = pclose(p);
  if (output != nullptr) *output = std::move(out);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int free_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    throw std::runtime_error("cannot bind a free port on 127.0.0.1");
  }
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  out.close();
  if (!out) throw std::runtime_error("cannot write " + path);
  fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write);  // secrets among them
}

std::string make_temp_dir(const std::string& prefix) {
  std::string tmpl = "/tmp/" + prefix + "XXXXXX";
  if (mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  return tmpl;
}

namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

bool port_open(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  close(fd);
  return ok;
}

pid_t spawn(const std::vector<std::string>& args, const std::string& log) {
  pid_t pid = fork();
  if (pid == 0) {
    setpgid(0, 0);
    // A test binary that crashes or is killed by a ctest timeout takes its server with it.
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    FILE* f = std::fopen(log.c_str(), "a");
    if (f != nullptr) {
      dup2(fileno(f), 1);
      dup2(fileno(f), 2);
    }
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execvp(argv[0], argv.data());
    _exit(127);
  }
  return pid;
}

void terminate(pid_t& pid) {
  if (pid <= 0) return;
  kill(pid, SIGTERM);
  for (int i = 0; i < 200; ++i) {
    int status;
    if (waitpid(pid, &status, WNOHANG) == pid) {
      pid = -1;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
  pid = -1;
}

bool wait_for_port(int port, pid_t pid, int seconds) {
  auto end = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (std::chrono::steady_clock::now() < end) {
    if (port_open(port)) return true;
    int status;
    if (waitpid(pid, &status, WNOHANG) == pid) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

void make_certificates(const std::string& dir) {
  const std::string cmd =
      "cd " + dir +
      " && openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj '/CN=IdSync Test CA' "
      "-keyout ca.key -out ca.pem"
      " && openssl req -newkey rsa:2048 -nodes -subj '/CN=127.0.0.1' -keyout server.key -out server.csr"
      " && printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\\n' > san.ext"
      " && openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 "
      "-extfile san.ext -out server.pem";
  std::string out;
  if (run_command(cmd, &out) != 0) throw std::runtime_error("making test certificates failed: " + out);
}

}  // namespace

Slapd::Slapd(const std::string& extra_ldif, int sessionlog, const std::string& accesslog_purge) {
  dir_ = make_temp_dir("idsync-slapd-");
  try {
    init(extra_ldif, sessionlog, accesslog_purge);
  } catch (...) {  // no destructor runs for a half-built object: clean up here
    stop();
    std::error_code ec;
    fs::remove_all(dir_, ec);
    throw;
  }
}

void Slapd::init(const std::string& extra_ldif, int sessionlog, const std::string& accesslog_purge) {
  port_ = free_port();
  tls_port_ = free_port();
  make_certificates(dir_);
  fs::create_directories(dir_ + "/db");
  fs::create_directories(dir_ + "/accesslog");
  write_file(admin_password_file(), std::string(kAdminPassword) + "\n");  // newline: trimmed
  write_file(dir_ + "/admin.cli.pw", kAdminPassword);  // ldapsearch -y takes the file verbatim
  write_file(reader_password_file(), kReaderPassword);
  std::string conf =
      "include /etc/ldap/schema/core.schema\n"
      "include /etc/ldap/schema/cosine.schema\n"
      "include /etc/ldap/schema/inetorgperson.schema\n"
      "include /etc/ldap/schema/nis.schema\n"
      "pidfile " + dir_ + "/slapd.pid\n"
      "argsfile " + dir_ + "/slapd.args\n"
      "modulepath /usr/lib/ldap\n"
      "moduleload back_mdb\n"
      "moduleload syncprov\n"
      "moduleload accesslog\n"
      "TLSCACertificateFile " + dir_ + "/ca.pem\n"
      "TLSCertificateFile " + dir_ + "/server.pem\n"
      "TLSCertificateKeyFile " + dir_ + "/server.key\n"
      "sizelimit 500\n"
      // The accesslog database (delta=accesslog reads it); the admin reads it without limits.
      "database mdb\n"
      "suffix cn=accesslog\n"
      "rootdn cn=accesslog\n"
      "rootpw " + kAdminPassword + "\n"
      "directory " + dir_ + "/accesslog\n"
      "maxsize 1073741824\n"
      "dbnosync\n"
      "index reqStart,objectClass eq\n"
      "limits dn.exact=\"" + kAdminDn + "\" size=unlimited time=unlimited\n"
      "access to * by dn.exact=\"" + kAdminDn + "\" read by * none\n"
      "database mdb\n"
      "suffix \"" + kSuffix + "\"\n"
      "rootdn \"" + kAdminDn + "\"\n"
      "rootpw " + kAdminPassword + "\n"
      "directory " + dir_ + "/db\n"
      "maxsize 4294967296\n"
      "dbnosync\n"
      "index objectClass,entryCSN,entryUUID eq\n"
      "index uid,cn,mail,member eq\n"
      "limits dn.exact=\"" + kAdminDn + "\" size=unlimited time=unlimited\n"
      "limits dn.exact=\"" + kReaderDn + "\" size=unlimited time=unlimited\n"
      "access to attrs=userPassword by anonymous auth by * none\n"
      "access to * by users read by anonymous auth\n"
      "overlay syncprov\n"
      "syncprov-checkpoint 100 10\n"
      "syncprov-sessionlog " + std::to_string(sessionlog) + "\n"
      "overlay accesslog\n"
      "logdb cn=accesslog\n"
      "logops writes\n"
      "logsuccess TRUE\n"
      "logold (objectClass=*)\n"
      "logoldattr entryUUID\n" +
      (accesslog_purge.empty() ? std::string() : "logpurge " + accesslog_purge + "\n");
  write_file(dir_ + "/slapd.conf", conf);
  std::string base =
      "dn: dc=example,dc=org\nobjectClass: dcObject\nobjectClass: organization\ndc: example\no: Example\n\n"
      "dn: ou=system,dc=example,dc=org\nobjectClass: organizationalUnit\nou: system\n\n"
      "dn: uid=reader,ou=system,dc=example,dc=org\nobjectClass: account\nobjectClass: simpleSecurityObject\n"
      "uid: reader\nuserPassword: " + std::string(kReaderPassword) + "\n\n";
  write_file(dir_ + "/data.ldif", base + extra_ldif);
  std::string out;
  if (run_command("slapadd -q -f " + dir_ + "/slapd.conf -b " + kSuffix + " -l " + dir_ + "/data.ldif", &out) != 0)
    throw std::runtime_error("slapadd failed: " + out);
  start();
}

Slapd::~Slapd() {
  stop();
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

void Slapd::start() {
  const std::string urls = "ldap://127.0.0.1:" + std::to_string(port_) + "/ ldaps://127.0.0.1:" +
                           std::to_string(tls_port_) + "/";
  pid_ = spawn({"slapd", "-f", dir_ + "/slapd.conf", "-h", urls, "-d", "0"}, dir_ + "/slapd.log");
  if (!wait_for_port(port_, pid_, 15) || !wait_for_port(tls_port_, pid_, 5)) {
    terminate(pid_);
    throw std::runtime_error("slapd did not start on 127.0.0.1:" + std::to_string(port_) +
                             "; its log:\n" + read_file(dir_ + "/slapd.log"));
  }
}

void Slapd::stop() { terminate(pid_); }

std::string Slapd::ldap_cli(const std::string& tool) const {
  return tool + " -x -H " + uri() + " -D " + kAdminDn + " -y " + dir_ + "/admin.cli.pw";
}

SambaDc& SambaDc::shared() {
  static std::unique_ptr<SambaDc> dc(new SambaDc());
  return *dc;
}

SambaDc::SambaDc() {
  dir_ = make_temp_dir("idsync-samba-");
  write_file(password_file(), kPassword);
  std::string out;
  const std::string cmd = "cd /tmp && samba-tool domain provision --targetdir=" + dir_ +
                          " --realm=EXAMPLE.TEST --domain=EXAMPLE --server-role=dc "
                          "--dns-backend=NONE --use-rfc2307 --adminpass='" + kPassword +
                          "' --host-name=dc1 --option='interfaces=127.0.0.1' "
                          "--option='bind interfaces only=yes'";
  if (run_command(cmd, &out) != 0) {
    std::error_code ec;
    fs::remove_all(dir_, ec);
    throw std::runtime_error("samba-tool domain provision failed: " + out);
  }
  // Only the LDAP server; simple binds without TLS; no fsync (a throwaway DC).
  std::string conf = read_file(dir_ + "/etc/smb.conf");
  std::string edited;
  std::istringstream lines(conf);
  for (std::string line; std::getline(lines, line);) {
    if (line.find("server services") != std::string::npos || line.find("log file") != std::string::npos)
      continue;
    edited += line + "\n";
    if (line == "[global]")
      edited += "\tserver services = ldap\n\tldap server require strong auth = no\n"
                "\tldb:nosync = true\n\tlog file = " + dir_ + "/log.samba\n";
  }
  write_file(dir_ + "/etc/smb.conf", edited);
  fs::create_directories(dir_ + "/cache");
  try {
    start();
  } catch (...) {  // no destructor runs for a half-built object: clean up here
    std::error_code ec;
    fs::remove_all(dir_, ec);
    throw;
  }
}

SambaDc::~SambaDc() {
  stop();
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

void SambaDc::start() {
  // A DC of an earlier run may still be shutting down: give it a moment to free the port.
  for (int i = 0; i < 150 && port_open(389); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  if (port_open(389))
    throw std::runtime_error("port 389 on 127.0.0.1 is taken already: another Samba DC or LDAP server "
                             "runs there; stop it");
  pid_ = spawn({"samba", "-i", "-M", "single", "-s", dir_ + "/etc/smb.conf"}, dir_ + "/samba.out");
  if (!wait_for_port(389, pid_, 120)) {  // slow on a loaded machine
    terminate(pid_);
    throw std::runtime_error("samba did not start on 127.0.0.1:389; its output:\n" +
                             read_file(dir_ + "/samba.out"));
  }
  // Port open precedes the LDAP service being ready: wait for a successful bind.
  std::string out;
  for (int i = 0; i < 100; ++i) {
    if (run_command(ldap_cli("ldapsearch") + " -b '' -s base 1.1", &out) == 0) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  throw std::runtime_error("samba on 127.0.0.1:389 refuses the Administrator bind: " + out);
}

void SambaDc::stop() { terminate(pid_); }

std::string SambaDc::ldap_cli(const std::string& tool) const {
  return tool + " -x -H " + uri() + " -D " + kAdmin + " -y " + password_file();
}

int SambaDc::samba_tool(const std::string& args, std::string* output) const {
  return run_command("samba-tool " + args + " -H " + dir_ + "/private/sam.ldb", output);
}


// Users, contacts, inetOrgPersons, computers and groups of every scope (nested) under kOu.
std::string ad_test_ldif() {
  const int kAdUsers = kAdTestUsers;
  const std::string kOu = kAdTestOu;
  std::string s = "dn: " + kOu + "\nobjectClass: organizationalUnit\n\n";
  for (const char* ou : {"Users", "Groups", "Moved", "Export"})
    s += "dn: OU=" + std::string(ou) + "," + kOu + "\nobjectClass: organizationalUnit\n\n";
  for (int i = 0; i < kAdUsers; ++i) {
    std::string n = std::to_string(i);
    s += "dn: CN=User " + n + ",OU=Users," + kOu + "\nobjectClass: user\nsAMAccountName: user" + n +
         "\ngivenName: Given" + n + "\nsn: Sur" + n + "\nmail: user" + n + "@example.test\n"
         "userPrincipalName: user" + n + "@example.test\n\n";
  }
  for (int i = 0; i < 10; ++i) {
    std::string n = std::to_string(i);
    s += "dn: CN=Contact " + n + ",OU=Users," + kOu + "\nobjectClass: contact\nmail: contact" + n +
         "@partner.test\n\n";
    s += "dn: CN=Inet " + n + ",OU=Users," + kOu + "\nobjectClass: inetOrgPerson\nsAMAccountName: inet" + n + "\n\n";
    s += "dn: CN=PC" + n + ",OU=Users," + kOu + "\nobjectClass: computer\nsAMAccountName: PC" + n + "$\n\n";
  }
  // groupType: global security, universal security, domain-local security, global distribution.
  const std::pair<const char*, const char*> groups[] = {
      {"All Users", "-2147483646"}, {"Universal", "-2147483640"}, {"Local", "-2147483644"}, {"Dist", "2"}};
  for (const auto& [name, type] : groups) {
    s += "dn: CN=" + std::string(name) + ",OU=Groups," + kOu + "\nobjectClass: group\ngroupType: " + type + "\n";
    if (std::string(name) == "All Users")
      for (int i = 0; i < kAdUsers; ++i) s += "member: CN=User " + std::to_string(i) + ",OU=Users," + kOu + "\n";
    if (std::string(name) == "Universal") s += "member: CN=All Users,OU=Groups," + kOu + "\n";  // nested
    s += "\n";
  }
  return s;
}

}  // namespace idsync::ldap::testing
