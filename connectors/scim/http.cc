#include "http.h"

#include <curl/curl.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <deque>
#include <mutex>
#include <random>

namespace idsync::scim {

namespace {

using Clock = std::chrono::steady_clock;

void global_init_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

size_t write_body(char* data, size_t size, size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

// Retry-After is delta-seconds (RFC 9110 §10.2.3); an HTTP-date is read by curl itself.
size_t read_header(char* data, size_t size, size_t count, void* user) {
  std::string_view line(data, size * count);
  constexpr std::string_view kName = "retry-after:";
  if (line.size() > kName.size()) {
    bool match = true;
    for (size_t i = 0; i < kName.size() && match; ++i)
      match = std::tolower(static_cast<unsigned char>(line[i])) == kName[i];
    if (match) {
      std::string value(line.substr(kName.size()));
      char* end = nullptr;
      long seconds = std::strtol(value.c_str(), &end, 10);
      if (end != value.c_str() && seconds >= 0) *static_cast<long*>(user) = seconds * 1000;
    }
  }
  return size * count;
}

bool idempotent(const std::string& method) { return method != "POST"; }

// Called before each send of a request, libcurl's own resends included.
int count_send(void* user, char*, char*, int, int) {
  ++*static_cast<int*>(user);
  return CURL_PREREQFUNC_OK;
}

}  // namespace

struct HttpClient::Impl {
  CURLM* multi = nullptr;
  std::vector<CURL*> idle;  // reused easy handles keep their connections alive
  curl_slist* headers = nullptr;
  std::mt19937_64 rng{std::random_device{}()};

  ~Impl() {
    for (CURL* e : idle) curl_easy_cleanup(e);
    if (multi != nullptr) curl_multi_cleanup(multi);
    curl_slist_free_all(headers);
  }
};

HttpClient::HttpClient(HttpOptions options) : options_(std::move(options)), impl_(std::make_unique<Impl>()) {
  global_init_once();
  impl_->multi = curl_multi_init();
  curl_multi_setopt(impl_->multi, CURLMOPT_MAX_HOST_CONNECTIONS, static_cast<long>(std::max(1, options_.concurrency)));
  curl_multi_setopt(impl_->multi, CURLMOPT_MAXCONNECTS, static_cast<long>(std::max(1, options_.concurrency) + 2));
  impl_->headers = curl_slist_append(impl_->headers, "Content-Type: application/scim+json");
  impl_->headers = curl_slist_append(impl_->headers, "Accept: application/scim+json, application/json");
  impl_->headers = curl_slist_append(impl_->headers, "Expect:");
  if (!options_.authorization.empty())
    impl_->headers = curl_slist_append(impl_->headers, ("Authorization: " + options_.authorization).c_str());
}

HttpClient::~HttpClient() = default;

bool HttpClient::take_retry() {
  if (retries_used_ >= options_.retry_budget) return false;
  ++retries_used_;
  return true;
}

long HttpClient::backoff_ms(int attempt, long retry_after_ms) {
  double base = static_cast<double>(options_.backoff_initial_ms) * static_cast<double>(1ULL << std::min(attempt, 20));
  base = std::min(base, static_cast<double>(options_.backoff_max_ms));
  // Full jitter between half and all of the step, so many clients do not retry in lockstep.
  std::uniform_real_distribution<double> jitter(0.5, 1.0);
  long wait = static_cast<long>(base * jitter(impl_->rng));
  return std::max(wait, retry_after_ms);
}

HttpResponse HttpClient::run_one(const HttpRequest& request) { return std::move(run({request}).front()); }

std::vector<HttpResponse> HttpClient::run(const std::vector<HttpRequest>& requests) {
  struct Slot {
    size_t index = 0;
    CURL* easy = nullptr;
    std::string body;
    long retry_after_ms = -1;
    int sends = 0;
  };
  std::vector<HttpResponse> out(requests.size());
  // Requests waiting to start, with the earliest time they may.
  std::deque<std::pair<size_t, Clock::time_point>> waiting;
  for (size_t i = 0; i < requests.size(); ++i) waiting.emplace_back(i, Clock::now());
  std::vector<std::unique_ptr<Slot>> active;
  const size_t limit = static_cast<size_t>(std::max(1, options_.concurrency));

  auto start = [&](size_t index) {
    const HttpRequest& r = requests[index];
    auto slot = std::make_unique<Slot>();
    slot->index = index;
    if (!impl_->idle.empty()) {
      slot->easy = impl_->idle.back();
      impl_->idle.pop_back();
      curl_easy_reset(slot->easy);
    } else {
      slot->easy = curl_easy_init();
    }
    CURL* e = slot->easy;
    curl_easy_setopt(e, CURLOPT_URL, r.url.c_str());
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, impl_->headers);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, write_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, &slot->body);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, read_header);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, &slot->retry_after_ms);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, options_.connect_timeout_ms);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, options_.timeout_ms);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, options_.verify_tls ? 1L : 0L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, options_.verify_tls ? 2L : 0L);
    if (!options_.ca_file.empty()) curl_easy_setopt(e, CURLOPT_CAINFO, options_.ca_file.c_str());
    curl_easy_setopt(e, CURLOPT_PREREQFUNCTION, count_send);
    curl_easy_setopt(e, CURLOPT_PREREQDATA, &slot->sends);
    curl_easy_setopt(e, CURLOPT_PRIVATE, slot.get());
    if (r.method == "GET") {
      curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
    } else {
      curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, r.method.c_str());
      if (!r.body.empty() || r.method == "POST") {
        curl_easy_setopt(e, CURLOPT_POSTFIELDS, r.body.c_str());
        curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(r.body.size()));
      }
    }
    ++out[index].attempts;
    curl_multi_add_handle(impl_->multi, e);
    active.push_back(std::move(slot));
  };

  auto finish = [&](Slot& slot, CURLcode code) {
    HttpResponse& res = out[slot.index];
    const HttpRequest& r = requests[slot.index];
    long status = 0;
    curl_easy_getinfo(slot.easy, CURLINFO_RESPONSE_CODE, &status);
    bool retry = false;
    bool connect_failed = code == CURLE_COULDNT_CONNECT || code == CURLE_COULDNT_RESOLVE_HOST;
    if (code != CURLE_OK) {
      res.status = 0;
      res.transport_error = curl_easy_strerror(code);
      // Nothing reached the server when the connection could not be made.
      res.outcome_unknown = !connect_failed;
      retry = idempotent(r.method) || connect_failed;
      // A certificate problem does not heal by retrying.
      if (code == CURLE_PEER_FAILED_VERIFICATION || code == CURLE_SSL_CACERT_BADFILE ||
          code == CURLE_SSL_CONNECT_ERROR || code == CURLE_SSL_CERTPROBLEM) {
        retry = false;
        res.tls_error = true;
        res.outcome_unknown = false;
      }
    } else {
      res.status = status;
      res.transport_error.clear();
      res.outcome_unknown = status >= 500 && status != 503;
      retry = status == 429 || status == 503 || (status >= 500 && idempotent(r.method));
    }
    res.body = std::move(slot.body);
    if (slot.sends > 1) res.resent = true;
    long retry_after = slot.retry_after_ms;
    if (retry && retry_after > options_.retry_after_max_ms) retry = false;
    const bool throttled = res.status == 429 || res.status == 503;
    if (retry) {
      long wait = backoff_ms(throttled ? std::min(res.attempts, 6) : res.attempts, retry_after);
      bool allowed = throttled ? res.throttled_ms + wait <= options_.throttle_wait_max_ms
                               : res.attempts < options_.max_attempts;
      if (allowed && take_retry()) {
        if (throttled) res.throttled_ms += wait;
        waiting.emplace_back(slot.index, Clock::now() + std::chrono::milliseconds(wait));
      }
    }
    curl_multi_remove_handle(impl_->multi, slot.easy);
    impl_->idle.push_back(slot.easy);
  };

  while (!waiting.empty() || !active.empty()) {
    auto now = Clock::now();
    long next_wait_ms = 100;
    for (size_t n = waiting.size(); n > 0 && active.size() < limit; --n) {
      auto [index, at] = waiting.front();
      waiting.pop_front();
      if (at <= now) {
        start(index);
      } else {
        next_wait_ms = std::min<long>(next_wait_ms,
            std::chrono::duration_cast<std::chrono::milliseconds>(at - now).count() + 1);
        waiting.emplace_back(index, at);
      }
    }
    int running = 0;
    curl_multi_perform(impl_->multi, &running);
    int queued = 0;
    while (CURLMsg* msg = curl_multi_info_read(impl_->multi, &queued)) {
      if (msg->msg != CURLMSG_DONE) continue;
      Slot* slot = nullptr;
      curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, reinterpret_cast<char**>(&slot));
      CURLcode code = msg->data.result;
      finish(*slot, code);
      active.erase(std::find_if(active.begin(), active.end(), [&](const auto& s) { return s.get() == slot; }));
    }
    if (active.empty() && waiting.empty()) break;
    if (!active.empty()) {
      curl_multi_poll(impl_->multi, nullptr, 0, static_cast<int>(next_wait_ms), nullptr);
    } else {
      // Only backoff waits remain.
      curl_multi_poll(impl_->multi, nullptr, 0, static_cast<int>(next_wait_ms), nullptr);
    }
  }
  return out;
}

std::string url_encode(const std::string& text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

}  // namespace idsync::scim
