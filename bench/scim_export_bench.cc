// SCIM export throughput against the real test server (tests/scim/server), side by side with
// its floor: a plain libcurl-multi client sending the same requests (same bodies, same
// concurrency, kept-alive connections) with no connector logic at all.
//
//   build/bench/scim_export_bench --benchmark_out=scim.json --benchmark_out_format=json
//
// 10,000 creates (POST) and 10,000 updates (PATCH), 8 requests in flight. The connector is
// driven the way the engine drives it: export_changes() in batches of export_batch_size(),
// with bulk = false so it sends the floor's requests; a last run shows creates through /Bulk.
// Counters: floor_per_second and ratio = connector time / floor time (target: within 1.2x).
#include <benchmark/benchmark.h>
#include <curl/curl.h>

#include <chrono>
#include <cstdio>
#include <deque>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "idsync/connector.h"
#include "idsync/scim/scim_connector.h"
#include "scim_process.h"

namespace {

using idsync::scimtest::ScimProcess;
using nlohmann::json;

constexpr int kObjects = 10000;
constexpr int kConcurrency = 8;
constexpr const char* kEnterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

ScimProcess* g_server = nullptr;

std::string ext(int i) { return "bench-" + std::to_string(i); }

// ---- the floor: plain curl multi -------------------------------------------------------------

struct Plain {
  std::string method, url, body;
};

// Sends every request, `kConcurrency` at a time over reused handles; returns bodies.
std::vector<std::string> plain_multi(const std::vector<Plain>& reqs) {
  std::vector<std::string> out(reqs.size());
  CURLM* multi = curl_multi_init();
  curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/scim+json");
  headers = curl_slist_append(headers, ("Authorization: Bearer " + g_server->token()).c_str());
  std::vector<CURL*> idle;
  for (int i = 0; i < kConcurrency; ++i) idle.push_back(curl_easy_init());
  size_t next = 0, done = 0;
  auto writer = +[](char* d, size_t s, size_t n, void* u) {
    static_cast<std::string*>(u)->append(d, s * n);
    return s * n;
  };
  while (done < reqs.size()) {
    while (!idle.empty() && next < reqs.size()) {
      CURL* e = idle.back();
      idle.pop_back();
      const Plain& r = reqs[next];
      curl_easy_setopt(e, CURLOPT_URL, r.url.c_str());
      curl_easy_setopt(e, CURLOPT_HTTPHEADER, headers);
      curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, r.method.c_str());
      curl_easy_setopt(e, CURLOPT_POSTFIELDS, r.body.c_str());
      curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(r.body.size()));
      curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, writer);
      curl_easy_setopt(e, CURLOPT_WRITEDATA, &out[next]);
      curl_easy_setopt(e, CURLOPT_PRIVATE, reinterpret_cast<char*>(next));
      curl_multi_add_handle(multi, e);
      ++next;
    }
    int running = 0;
    curl_multi_perform(multi, &running);
    int queued = 0;
    while (CURLMsg* m = curl_multi_info_read(multi, &queued)) {
      if (m->msg != CURLMSG_DONE) continue;
      curl_multi_remove_handle(multi, m->easy_handle);
      idle.push_back(m->easy_handle);
      ++done;
    }
    if (done < reqs.size()) curl_multi_poll(multi, nullptr, 0, 100, nullptr);
  }
  for (CURL* e : idle) curl_easy_cleanup(e);
  curl_slist_free_all(headers);
  curl_multi_cleanup(multi);
  return out;
}

// The same JSON the connector sends for user(i) (checked by the first benchmark's result).
std::string create_body(int i) {
  json b = {{"schemas", json::array({"urn:ietf:params:scim:schemas:core:2.0:User", kEnterprise})},
            {"externalId", ext(i)},
            {"userName", "user" + std::to_string(i) + "@contoso.com"},
            {"name", {{"givenName", "Given" + std::to_string(i)}, {"familyName", "Family"}}},
            {"emails", json::array({{{"type", "work"}, {"value", "user" + std::to_string(i) + "@contoso.com"}}})},
            {kEnterprise, {{"department", "Dept" + std::to_string(i % 10)}}}};
  return b.dump();
}

std::string update_body(int i) {
  json b = {{"schemas", json::array({"urn:ietf:params:scim:api:messages:2.0:PatchOp"})},
            {"Operations", json::array({{{"op", "replace"}, {"path", "name.givenName"}, {"value", "Renamed" + std::to_string(i)}},
                                        {{"op", "replace"}, {"path", std::string(kEnterprise) + ":department"},
                                         {"value", "Moved" + std::to_string(i % 7)}}})}};
  return b.dump();
}

// ---- the connector ---------------------------------------------------------------------------

idsync::EntryChange user_add(int i) {
  idsync::EntryChange c;
  c.kind = idsync::ChangeKind::kAdd;
  c.object_type = "user";
  c.dn = "CN=" + ext(i);
  c.attributes = {{"sourceAnchor", {ext(i)}},
                  {"userPrincipalName", {"user" + std::to_string(i) + "@contoso.com"}},
                  {"givenName", {"Given" + std::to_string(i)}},
                  {"surname", {"Family"}},
                  {"mail", {"user" + std::to_string(i) + "@contoso.com"}},
                  {"department", {"Dept" + std::to_string(i % 10)}}};
  return c;
}

idsync::EntryChange user_update(int i, const std::string& id) {
  idsync::EntryChange c;
  c.kind = idsync::ChangeKind::kModify;
  c.object_type = "user";
  c.dn = "CN=" + ext(i);
  c.anchor = id;
  c.changes = {{"givenName", idsync::ValueOp::kReplace, {"Renamed" + std::to_string(i)}},
               {"department", idsync::ValueOp::kReplace, {"Moved" + std::to_string(i % 7)}}};
  return c;
}

// `bulk`: "false" sends the same requests as the floor; "auto" packs them into /Bulk.
std::unique_ptr<idsync::Connector> connector(const char* bulk) {
  idsync::ConnectorRegistry registry;
  idsync::register_scim_connector(registry);
  idsync::ConnectorConfig config;
  config.name = "cloud";
  config.type = "scim";
  config.options = g_server->options();
  config.options["concurrency"] = std::to_string(kConcurrency);
  config.options["bulk"] = bulk;
  auto c = registry.create(config);
  if (!c.ok()) {
    std::fprintf(stderr, "%s\n", c.status().to_string().c_str());
    std::abort();
  }
  return std::move(c).value();
}

// Exports like the engine: batches of export_batch_size(); counts failures.
size_t export_all(idsync::Connector& c, const std::vector<idsync::EntryChange>& changes,
                  std::vector<std::string>* anchors) {
  size_t failures = 0;
  if (!c.begin_export().ok()) std::abort();
  const size_t batch = std::max<size_t>(1, c.export_batch_size());
  for (size_t start = 0; start < changes.size(); start += batch) {
    std::vector<const idsync::EntryChange*> refs;
    for (size_t i = start; i < std::min(changes.size(), start + batch); ++i) refs.push_back(&changes[i]);
    std::vector<idsync::ExportResult> results = c.export_changes(refs);
    for (auto& r : results) {
      if (!r.status.ok()) {
        if (failures++ == 0) std::fprintf(stderr, "export failed: %s\n", r.status.to_string().c_str());
      }
      if (anchors) anchors->push_back(r.new_anchor);
    }
  }
  if (!c.end_export().ok()) std::abort();
  return failures;
}

void reset() {
  if (g_server->request("POST", "/admin/reset", "{}", false).status != 200) std::abort();
}

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// The connector's users are 0..kObjects-1, the floor's kObjects..2*kObjects-1: both write to
// the same server, chunk after chunk in turn (who goes first alternates), so a change in the
// machine's load (it is shared) hits both alike. Each benchmark's time is the connector's (manual time); the floor's rate and
// the ratio are counters beside it.
constexpr int kChunk = 1000;
std::vector<std::string> g_connector_ids, g_floor_ids;

void report(benchmark::State& state, double connector_s, double floor_s, size_t failures) {
  state.SetItemsProcessed(kObjects);  // one iteration
  state.counters["floor_per_second"] = kObjects / floor_s;
  state.counters["ratio"] = connector_s / floor_s;
  state.counters["failures"] = static_cast<double>(failures);
  state.counters["concurrency"] = kConcurrency;
}

void BM_Creates(benchmark::State& state) {
  for (auto _ : state) {
    reset();
    auto c = connector("false");
    if (!c->begin_export().ok()) std::abort();  // discovery, as the floor has none
    g_connector_ids.clear();
    g_floor_ids.clear();
    double connector_s = 0, floor_s = 0;
    size_t failures = 0;
    for (int chunk = 0; chunk < kObjects; chunk += kChunk) {
      std::vector<idsync::EntryChange> changes;
      std::vector<Plain> plain;
      for (int i = chunk; i < chunk + kChunk; ++i) {
        changes.push_back(user_add(i));
        plain.push_back(Plain{"POST", g_server->base_url() + "/Users", create_body(kObjects + i)});
      }
      std::vector<std::string> bodies;
      auto mine = [&] {
        auto t = Clock::now();
        failures += export_all(*c, changes, &g_connector_ids);
        connector_s += seconds_since(t);
      };
      auto floor = [&] {
        auto t = Clock::now();
        bodies = plain_multi(plain);
        floor_s += seconds_since(t);
      };
      // Who goes first alternates, so neither always meets the server right after the other.
      if ((chunk / kChunk) % 2 == 0) {
        mine();
        floor();
      } else {
        floor();
        mine();
      }
      for (const std::string& b : bodies) g_floor_ids.push_back(json::parse(b, nullptr, false).value("id", ""));
    }
    state.SetIterationTime(connector_s);
    report(state, connector_s, floor_s, failures);
  }
}

void BM_Updates(benchmark::State& state) {
  for (auto _ : state) {
    if (g_connector_ids.size() != kObjects || g_floor_ids.size() != kObjects) std::abort();  // BM_Creates first
    auto c = connector("false");
    if (!c->begin_export().ok()) std::abort();
    double connector_s = 0, floor_s = 0;
    size_t failures = 0;
    for (int chunk = 0; chunk < kObjects; chunk += kChunk) {
      std::vector<idsync::EntryChange> changes;
      std::vector<Plain> plain;
      for (int i = chunk; i < chunk + kChunk; ++i) {
        changes.push_back(user_update(i, g_connector_ids[static_cast<size_t>(i)]));
        plain.push_back(Plain{"PATCH", g_server->base_url() + "/Users/" + g_floor_ids[static_cast<size_t>(i)], update_body(i)});
      }
      auto mine = [&] {
        auto t = Clock::now();
        failures += export_all(*c, changes, nullptr);
        connector_s += seconds_since(t);
      };
      auto floor = [&] {
        auto t = Clock::now();
        benchmark::DoNotOptimize(plain_multi(plain));
        floor_s += seconds_since(t);
      };
      if ((chunk / kChunk) % 2 == 0) {
        mine();
        floor();
      } else {
        floor();
        mine();
      }
    }
    state.SetIterationTime(connector_s);
    report(state, connector_s, floor_s, failures);
  }
}

// Not part of the ratio (the floor sends single requests): what /Bulk gives for creates.
void BM_CreatesBulk(benchmark::State& state) {
  for (auto _ : state) {
    state.PauseTiming();
    reset();
    std::vector<idsync::EntryChange> changes;
    for (int i = 0; i < kObjects; ++i) changes.push_back(user_add(i));
    auto c = connector("auto");
    if (!c->begin_export().ok()) std::abort();
    state.ResumeTiming();
    size_t failures = export_all(*c, changes, nullptr);
    state.counters["failures"] = static_cast<double>(failures);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * kObjects);
}

BENCHMARK(BM_Creates)->Iterations(1)->UseManualTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Updates)->Iterations(1)->UseManualTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_CreatesBulk)->Iterations(1)->UseRealTime()->Unit(benchmark::kMillisecond);

// Node compiles its hot paths as they run: warm the server up before anything is measured.
void warm_up() {
  std::vector<Plain> creates, updates;
  for (int i = 0; i < 2000; ++i) creates.push_back(Plain{"POST", g_server->base_url() + "/Users", create_body(3 * kObjects + i)});
  std::vector<std::string> bodies = plain_multi(creates);
  for (size_t i = 0; i < bodies.size(); ++i) {
    std::string id = json::parse(bodies[i], nullptr, false).value("id", "");
    updates.push_back(Plain{"PATCH", g_server->base_url() + "/Users/" + id, update_body(static_cast<int>(i))});
  }
  plain_multi(updates);
  reset();
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  curl_global_init(CURL_GLOBAL_DEFAULT);
  ScimProcess server;
  if (!server.ok()) {
    std::fprintf(stderr, "scim_export_bench: %s\n", server.error().c_str());
    return 1;
  }
  g_server = &server;
  warm_up();
  benchmark::RunSpecifiedBenchmarks();
  g_server = nullptr;
  benchmark::Shutdown();
  return 0;
}
