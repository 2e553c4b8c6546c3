// HTTP for the SCIM connector: a batch of requests run concurrently over kept-alive
// connections (libcurl multi), with retries, exponential backoff and jitter, and Retry-After.
//
// Retry rules: a request is retried when the server says it did not do the work (429, 503)
// or, for requests safe to repeat (GET, PUT, PATCH, DELETE), on any 5xx or connection error.
// A POST whose outcome is unknown (timeout, dropped connection, 500) comes back to the caller,
// which looks the object up before it tries again: repeating it blindly could create a
// duplicate. Every retry spends one unit of a budget shared by the whole run. libcurl's own
// resend after a dead kept-alive connection is reported (HttpResponse::resent) so the caller
// can check a create for a twin.
//
// The credentials live in HttpOptions and are sent as a header only; they never appear in an
// error message. Not thread-safe: one HttpClient per connector.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace idsync::scim {

struct HttpOptions {
  std::string authorization;  // full header value: "Bearer ..." or "Basic ..."
  bool verify_tls = true;
  std::string ca_file;
  long connect_timeout_ms = 10000;
  long timeout_ms = 60000;
  int concurrency = 8;
  int max_attempts = 6;            // per request, first try included
  uint64_t retry_budget = 10000;   // retries for the whole run
  long backoff_initial_ms = 100;
  long backoff_max_ms = 30000;
  long retry_after_max_ms = 120000;  // a longer Retry-After is an error, not a wait
  // Throttling (429 / 503) is waited out without spending max_attempts, up to this much
  // waiting per request (the retry budget still applies).
  long throttle_wait_max_ms = 300000;
};

struct HttpRequest {
  std::string method;  // GET, POST, PUT, PATCH, DELETE
  std::string url;
  std::string body;    // JSON; empty for GET / DELETE
};

struct HttpResponse {
  long status = 0;           // 0: no HTTP answer (transport_error says why)
  std::string body;
  std::string transport_error;  // curl's message when the exchange failed
  bool outcome_unknown = false;  // the request may have reached the server
  bool tls_error = false;        // the server's certificate could not be verified
  int attempts = 0;
  // libcurl itself sent the request again on a fresh connection after a kept-alive one died
  // without an answer: a POST may then have been done twice.
  bool resent = false;
  long throttled_ms = 0;
  bool ok() const { return status >= 200 && status < 300; }
};

class HttpClient {
 public:
  explicit HttpClient(HttpOptions options);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Runs every request (at most options.concurrency at a time) and returns the final answers
  // in request order.
  std::vector<HttpResponse> run(const std::vector<HttpRequest>& requests);
  HttpResponse run_one(const HttpRequest& request);

  const HttpOptions& options() const { return options_; }
  uint64_t retries_used() const { return retries_used_; }
  // Takes one unit of the retry budget; false when it is spent.
  bool take_retry();
  // How long to wait before attempt `attempt` (1-based retry count), honouring Retry-After.
  long backoff_ms(int attempt, long retry_after_ms);

 private:
  struct Impl;
  HttpOptions options_;
  std::unique_ptr<Impl> impl_;
  uint64_t retries_used_ = 0;
};

// "a b" → "a%20b": for filter expressions in query strings.
std::string url_encode(const std::string& text);

}  // namespace idsync::scim
