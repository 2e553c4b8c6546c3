// The real SCIM service provider of tests/scim/server (Node: scimmy + scimmy-routers +
// express) as a child process on 127.0.0.1 and a free port, stopped (SIGTERM) when destroyed.
// Its npm packages are installed with `npm ci` on first use (serialized by a lock file, as
// ctest may start several test processes at once). Free of GoogleTest so the benchmark uses it.
#pragma once

#include <arpa/inet.h>
#include <curl/curl.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

namespace idsync::scimtest {

namespace fs = std::filesystem;
using nlohmann::json;

inline std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// Installs the server's node_modules once (npm ci from the committed package-lock.json).
inline bool ensure_node_modules(std::string& error) {
  fs::path dir = IDSYNC_SCIM_SERVER_DIR;
  fs::path marker = dir / "node_modules" / "scimmy-routers" / "package.json";
  if (fs::exists(marker)) return true;
  int lock = ::open((dir / ".npm-install.lock").c_str(), O_CREAT | O_RDWR, 0644);
  if (lock >= 0) flock(lock, LOCK_EX);
  bool ok = fs::exists(marker);
  if (!ok) {
    std::string cmd = "cd '" + dir.string() + "' && npm ci --no-audit --no-fund >npm-install.log 2>&1";
    ok = std::system(cmd.c_str()) == 0 && fs::exists(marker);
    if (!ok) error = "npm ci failed in " + dir.string() + ": " + read_file(dir / "npm-install.log");
  }
  if (lock >= 0) {
    flock(lock, LOCK_UN);
    ::close(lock);
  }
  return ok;
}

inline size_t curl_collect(char* data, size_t size, size_t n, void* user) {
  static_cast<std::string*>(user)->append(data, size * n);
  return size * n;
}

struct RawResponse {
  long status = 0;
  std::string body;
  json j() const { return json::parse(body, nullptr, false); }
};

class ScimProcess {
 public:
  // `env` adds environment variables (e.g. SCIM_FILTER=0).
  explicit ScimProcess(std::map<std::string, std::string> env = {}) {
    if (env.count("SCIM_TLS_CERT")) scheme_ = "https";
    std::string tmpl = (fs::temp_directory_path() / "idsync-scim-XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) {
      error_ = "cannot create a temp dir";
      return;
    }
    dir_ = tmpl;
    token_ = "test-token-" + std::to_string(::getpid()) + "-s3cr3t";
    {
      std::ofstream t(dir_ / "token");
      t << token_ << "\n";
    }
    // The connector refuses a secret file that others can read.
    fs::permissions(dir_ / "token", fs::perms::owner_read | fs::perms::owner_write);
    if (!ensure_node_modules(error_)) return;
    fs::path port_file = dir_ / "port";
    pid_ = fork();
    if (pid_ == 0) {
      prctl(PR_SET_PDEATHSIG, SIGTERM);  // a test that crashes takes its server with it
      setenv("SCIM_TOKEN", token_.c_str(), 1);
      setenv("SCIM_PORT_FILE", port_file.c_str(), 1);
      for (const auto& [k, v] : env) setenv(k.c_str(), v.c_str(), 1);
      int log = ::open((dir_ / "server.log").c_str(), O_CREAT | O_WRONLY | O_TRUNC, 0644);
      dup2(log, 1);
      dup2(log, 2);
      fs::path script = fs::path(IDSYNC_SCIM_SERVER_DIR) / "server.js";
      execlp("node", "node", script.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
      if (fs::exists(port_file)) {
        port_ = std::atoi(read_file(port_file).c_str());
        break;
      }
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    if (port_ <= 0) error_ = "the SCIM test server did not start: " + read_file(dir_ / "server.log");
  }

  ~ScimProcess() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      int status = 0;
      waitpid(pid_, &status, 0);
    }
    std::error_code ec;
    if (!dir_.empty()) fs::remove_all(dir_, ec);
  }
  ScimProcess(const ScimProcess&) = delete;
  ScimProcess& operator=(const ScimProcess&) = delete;

  bool ok() const { return port_ > 0; }
  const std::string& error() const { return error_; }
  const std::string& token() const { return token_; }
  fs::path token_file() const { return dir_ / "token"; }
  const fs::path& dir() const { return dir_; }
  std::string root() const { return scheme_ + "://127.0.0.1:" + std::to_string(port_); }
  std::string base_url() const { return root() + "/scim"; }

  // A request straight to the server (SCIM with the token, or /admin).
  RawResponse request(const std::string& method, const std::string& path, const std::string& body = "",
                      bool auth = true) const {
    RawResponse out;
    CURL* c = curl_easy_init();
    std::string url = root() + path;
    curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/scim+json");
    if (auth) headers = curl_slist_append(headers, ("Authorization: Bearer " + token_).c_str());
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method.c_str());
    if (!body.empty()) curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, curl_collect);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &out.body);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
    // The harness's own calls trust the test certificate; the connector's are what is tested.
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
    if (curl_easy_perform(c) == CURLE_OK) curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out.status);
    curl_slist_free_all(headers);
    curl_easy_cleanup(c);
    return out;
  }

  bool faults(const json& f) const { return request("POST", "/admin/faults", f.dump(), false).status == 200; }
  json state() const { return request("GET", "/admin/state", "", false).j(); }
  json stats() const { return request("GET", "/admin/stats", "", false).j(); }

  // Options for a "scim" connector pointed at this server.
  std::map<std::string, std::string> options() const {
    return {{"base_url", base_url()}, {"token_file", token_file().string()}, {"backoff_initial_ms", "20"},
            {"backoff_max_ms", "500"}, {"timeout_ms", "5000"}};
  }

 private:
  fs::path dir_;
  std::string token_, error_;
  std::string scheme_ = "http";
  pid_t pid_ = -1;
  int port_ = 0;
};

}  // namespace idsync::scimtest
