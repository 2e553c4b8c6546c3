// A small W3C WebDriver client for tests: starts chromedriver on a free 127.0.0.1 port, opens
// a headless Chromium session (fresh profile, no network services), and speaks the protocol
// over plain HTTP/1.1 sockets. Everything it started is stopped and removed by the destructor.
// When chromedriver or Chromium cannot start, error() says why and the test must fail.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

namespace idsync::testing {

class WebDriver {
 public:
  using json = nlohmann::json;
  static constexpr const char* kElementKey = "element-6066-11e4-a52e-4f735466cecf";

  WebDriver() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "idsync-chromium-XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) {
      error_ = "cannot create a temporary profile folder";
      return;
    }
    dir_ = tmpl;
    port_ = free_port();
    if (port_ == 0) {
      error_ = "no free port on 127.0.0.1";
      return;
    }
    std::string port_arg = "--port=" + std::to_string(port_);
    std::string log_arg = "--log-path=" + (dir_ / "chromedriver.log").string();
    driver_ = fork();
    if (driver_ == 0) {
      execl("/usr/bin/chromedriver", "chromedriver", port_arg.c_str(), log_arg.c_str(), "--allowed-ips=127.0.0.1",
            nullptr);
      _exit(127);
    }
    bool ready = false;
    for (int i = 0; i < 200 && !ready; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      int status = 0;
      std::string body = http("GET", "/status", "", status);
      ready = status == 200 && json::parse(body, nullptr, false).value("value", json::object()).value("ready", false);
    }
    if (!ready) {
      error_ = "chromedriver (/usr/bin/chromedriver) did not start on 127.0.0.1:" + std::to_string(port_);
      return;
    }
    json args = {"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--user-data-dir=" + (dir_ / "profile").string()};
    json caps = {{"capabilities",
                  {{"alwaysMatch",
                    {{"browserName", "chrome"},
                     {"goog:chromeOptions", {{"binary", "/usr/bin/chromium"}, {"args", args}}}}}}}};
    json r = call("POST", "/session", caps);
    if (!r.contains("sessionId")) {
      error_ = "Chromium did not start: " + r.dump();
      return;
    }
    session_ = r["sessionId"].get<std::string>();
  }

  ~WebDriver() {
    if (!session_.empty()) call("DELETE", "/session/" + session_, nullptr);
    if (driver_ > 0) {
      kill(driver_, SIGTERM);
      int status = 0;
      for (int i = 0; i < 100; ++i) {
        if (waitpid(driver_, &status, WNOHANG) == driver_) {
          driver_ = 0;
          break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
      if (driver_ > 0) {
        kill(driver_, SIGKILL);
        waitpid(driver_, &status, 0);
      }
    }
    std::error_code ec;
    if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
  }
  WebDriver(const WebDriver&) = delete;
  WebDriver& operator=(const WebDriver&) = delete;

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }

  // Opens a URL; returns the WebDriver error text, empty on success.
  std::string navigate(const std::string& url) { return error_of(call("POST", session_path("/url"), {{"url", url}})); }

  // Runs `script` in the page (its `return` value comes back as JSON).
  json execute(const std::string& script) {
    return call("POST", session_path("/execute/sync"), {{"script", script}, {"args", json::array()}});
  }

  // The element reference of the first match of a CSS selector; empty when none.
  std::string find(const std::string& css) {
    json r = call("POST", session_path("/element"), {{"using", "css selector"}, {"value", css}});
    last_ = r.dump();
    if (!r.contains("value") || !r["value"].is_object() || !r["value"].contains(kElementKey)) return "";
    return r["value"][kElementKey].get<std::string>();
  }

  // Types into an element as a user would (key events, so input listeners fire).
  std::string type(const std::string& element, const std::string& text) {
    return error_of(call("POST", session_path("/element/" + element + "/value"), {{"text", text}}));
  }
  std::string clear(const std::string& element) {
    return error_of(call("POST", session_path("/element/" + element + "/clear"), json::object()));
  }

 private:
  static int free_port() {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    int port = 0;
    if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
        getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0)
      port = ntohs(a.sin_port);
    close(fd);
    return port;
  }

  static std::string error_of(const json& r) {
    if (r.contains("value") && r["value"].is_object() && r["value"].contains("error")) return r["value"].dump();
    return "";
  }

  std::string session_path(const std::string& rest) const { return "/session/" + session_ + rest; }

  json call(const std::string& method, const std::string& path, const json& body) {
    int status = 0;
    std::string text = http(method, path, body.is_null() ? "" : body.dump(), status);
    json r = json::parse(text, nullptr, false);
    if (r.is_discarded()) return json{{"value", {{"error", "bad response"}, {"message", text}}}};
    if (r.contains("value") && r["value"].is_object() && r["value"].contains("sessionId"))
      return r["value"];  // POST /session wraps the session in "value"
    return r;
  }

  // One request on its own connection ("Connection: close"); returns the body.
  std::string http(const std::string& method, const std::string& path, const std::string& body, int& status) {
    status = 0;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port_));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
      close(fd);
      return "";
    }
    std::string req = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port_) +
                      "\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: " +
                      std::to_string(body.size()) + "\r\n\r\n" + body;
    for (size_t sent = 0; sent < req.size();) {
      ssize_t n = send(fd, req.data() + sent, req.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) {
        close(fd);
        return "";
      }
      sent += static_cast<size_t>(n);
    }
    // chromedriver may keep the connection open: read until the body is complete (its
    // Content-Length, or the closing chunk), with a timeout so a silent peer cannot hang us.
    timeval timeout{120, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    std::string resp, lower;
    size_t head_end = std::string::npos, want = std::string::npos;
    bool chunked = false;
    char buf[65536];
    for (ssize_t n; (n = recv(fd, buf, sizeof buf, 0)) > 0;) {
      resp.append(buf, static_cast<size_t>(n));
      if (head_end == std::string::npos && (head_end = resp.find("\r\n\r\n")) != std::string::npos) {
        for (char c : resp.substr(0, head_end)) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        chunked = lower.find("transfer-encoding: chunked") != std::string::npos;
        size_t cl = lower.find("content-length:");
        if (cl != std::string::npos) want = head_end + 4 + std::stoul(lower.substr(cl + 15));
      }
      if (want != std::string::npos && resp.size() >= want) break;
      if (chunked && resp.size() >= 5 && resp.compare(resp.size() - 5, 5, "0\r\n\r\n") == 0) break;
    }
    close(fd);
    if (head_end == std::string::npos || resp.size() < 12) return "";
    status = std::atoi(resp.c_str() + 9);
    std::string out = resp.substr(head_end + 4);
    if (!chunked) return out;
    std::string plain;  // de-chunk
    for (size_t i = 0; i < out.size();) {
      size_t eol = out.find("\r\n", i);
      if (eol == std::string::npos) break;
      size_t n = std::stoul(out.substr(i, eol - i), nullptr, 16);
      if (n == 0) break;
      plain += out.substr(eol + 2, n);
      i = eol + 2 + n + 2;
    }
    return plain;
  }

  std::filesystem::path dir_;
  int port_ = 0;
  pid_t driver_ = 0;
  std::string session_;
  std::string error_;
  std::string last_;  // the last find() response, for failure messages

 public:
  const std::string& last_response() const { return last_; }
};

}  // namespace idsync::testing
