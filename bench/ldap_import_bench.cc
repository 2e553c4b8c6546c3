// Full import from a real slapd (100,000 entries, bulk-loaded offline with slapadd) next to the
// floor: `ldapsearch -x -E pr=1000/noprompt` dumping the same entries and attributes to
// /dev/null. The connector's counter "x_floor" is its time over the floor's in this run.
// Also the full import of the AD test data set from a Samba AD DC.
//
//   build/bench/ldap_import_bench --benchmark_format=json
#include <benchmark/benchmark.h>

#include <chrono>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>

#include "idsync/connector.h"
#include "idsync/ldap/ldap_connector.h"
#include "ldap_servers.h"

namespace {

using idsync::ldap::testing::Slapd;
using idsync::ldap::testing::SambaDc;

constexpr int kEntries = 100000;

std::string people(int n) {
  std::string s = "dn: ou=people,dc=example,dc=org\nobjectClass: organizationalUnit\nou: people\n\n";
  s.reserve(static_cast<size_t>(n) * 420);
  for (int i = 0; i < n; ++i) {
    std::string k = std::to_string(i);
    s += "dn: uid=user" + k + ",ou=people,dc=example,dc=org\nobjectClass: inetOrgPerson\nuid: user" + k +
         "\ncn: Person Number " + k + "\nsn: Number" + k + "\ngivenName: Person" + k + "\nmail: user" + k +
         "@example.org\ntitle: Engineer\nou: Department " + std::to_string(i % 50) +
         "\ntelephoneNumber: +1 555 " + std::to_string(1000000 + i) + "\nemployeeNumber: " + k +
         "\ndescription: generated entry for the import benchmark\n\n";
  }
  return s;
}

Slapd& server() {
  static std::unique_ptr<Slapd> s(new Slapd(people(kEntries)));
  return *s;
}

uint64_t entry_count() { return kEntries + 4; }  // + base, ou=system, reader, ou=people

double g_floor_seconds = 0;  // mean seconds of one floor dump in this run

void BM_LdapsearchFloor(benchmark::State& state) {
  Slapd& s = server();
  const std::string cmd = s.ldap_cli("ldapsearch") +
                          " -E pr=1000/noprompt -b dc=example,dc=org '(objectClass=*)' '*' entryUUID "
                          "structuralObjectClass > /dev/null";
  double total = 0;
  for (auto _ : state) {
    auto start = std::chrono::steady_clock::now();
    if (idsync::ldap::testing::run_command(cmd) != 0) state.SkipWithError("ldapsearch failed");
    total += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
  g_floor_seconds = total / static_cast<double>(state.iterations());
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * entry_count()));
}

struct CountingSink : idsync::ImportSink {
  uint64_t entries = 0, values = 0;
  idsync::Status on_change(idsync::EntryChange&& c) override {
    ++entries;
    for (const auto& a : c.attributes) values += a.values.size();
    return idsync::Status::Ok();
  }
};

std::unique_ptr<idsync::Connector> connector(const std::string& type, std::map<std::string, std::string> o) {
  idsync::ConnectorRegistry registry;
  idsync::ldap::register_ldap_connectors(registry);
  idsync::ConnectorConfig config;
  config.name = "bench";
  config.type = type;
  config.options = std::move(o);
  auto c = registry.create(config);
  if (!c.ok()) throw std::runtime_error(c.status().to_string());
  return std::move(c).value();
}

void BM_ConnectorFullImport(benchmark::State& state) {
  Slapd& s = server();
  double seconds = 0;
  for (auto _ : state) {
    auto c = connector("ldap", {{"uri", s.uri()},
                                {"bind_dn", Slapd::kAdminDn},
                                {"password_file", s.admin_password_file()},
                                {"base_dns", "dc=example,dc=org"}});
    CountingSink sink;
    std::string watermark;
    auto start = std::chrono::steady_clock::now();
    idsync::Status st = c->full_import(sink, watermark);
    seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!st.ok()) state.SkipWithError(st.message().c_str());
    if (sink.entries != entry_count()) state.SkipWithError("wrong number of entries imported");
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * entry_count()));
  if (g_floor_seconds > 0)
    state.counters["x_floor"] = seconds / static_cast<double>(state.iterations()) / g_floor_seconds;
}

void BM_SambaFullImport(benchmark::State& state) {
  SambaDc& dc = SambaDc::shared();
  static bool loaded = false;
  if (!loaded) {
    idsync::ldap::testing::write_file(dc.dir() + "/data.ldif", idsync::ldap::testing::ad_test_ldif());
    std::string out;
    if (idsync::ldap::testing::run_command(dc.ldap_cli("ldapadd") + " -f " + dc.dir() + "/data.ldif > /dev/null",
                                           &out) != 0) {
      state.SkipWithError(("loading AD data failed: " + out).c_str());
      return;
    }
    loaded = true;
  }
  uint64_t entries = 0;
  for (auto _ : state) {
    auto c = connector("ad", {{"uri", dc.uri()},
                              {"bind_dn", SambaDc::kAdmin},
                              {"password_file", dc.password_file()},
                              {"base_dns", idsync::ldap::testing::kAdTestOu},
                              {"object_classes", "user,group,contact"}});
    CountingSink sink;
    std::string watermark;
    idsync::Status st = c->full_import(sink, watermark);
    if (!st.ok()) state.SkipWithError(st.message().c_str());
    entries = sink.entries;
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * entries));
  state.counters["objects"] = static_cast<double>(entries);
}

BENCHMARK(BM_LdapsearchFloor)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);
BENCHMARK(BM_ConnectorFullImport)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);
BENCHMARK(BM_SambaFullImport)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);

}  // namespace

BENCHMARK_MAIN();
