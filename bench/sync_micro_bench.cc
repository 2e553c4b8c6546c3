// Micro-benchmarks of the sync core, per object (items/s): join index update and lookup, scoping
// evaluation, inbound flows with precedence, hologram comparison and multi-valued diff, store
// write / read, member DN lookups (1 and 2 threads), objects by id. The data is a real generated forest (tools/forestgen) imported through the demo
// configuration into a temporary store, so rules, attributes and values are those of a real run.
//
//   build/bench/sync_micro_bench --benchmark_format=json
//   IDSYNC_MICRO_OBJECTS=100000 build/bench/sync_micro_bench     (default 20000 objects)
#include <benchmark/benchmark.h>

#include <tbb/blocked_range.h>
#include <tbb/global_control.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <unordered_set>

#include <unistd.h>

#include "demo_config.h"
#include "idsync/file/file_connectors.h"
#include "idsync/file/ldif.h"
#include "idsync/forestgen/forestgen.h"
#include "idsync/server.h"
#include "store/store.h"
#include "sync/steps.h"
#include "sync/sync_state.h"

namespace {

namespace fs = std::filesystem;
using namespace idsync;

[[noreturn]] void die(const std::string& what, const Status& s) {
  std::cerr << "sync_micro_bench: " << what << ": " << s.message() << "\n";
  std::exit(1);
}

// A forest imported and synchronized once, shared by all benchmarks (setup outside the timing).
struct Fixture {
  std::string dir;
  std::unique_ptr<Store> store;
  std::unique_ptr<SyncState> state;
  ConnectorSpace* onprem = nullptr;
  std::vector<const CsObject*> objects;  // on-premises, id order
  std::vector<const MvObject*> mv;       // id order

  Fixture() {
    uint64_t n = 20000;
    if (const char* env = std::getenv("IDSYNC_MICRO_OBJECTS")) n = std::strtoull(env, nullptr, 10);
    dir = (fs::temp_directory_path() / ("idsync-micro-" + std::to_string(::getpid()))).string();
    fs::remove_all(dir);
    fs::create_directories(dir + "/onprem/changes");
    fs::create_directories(dir + "/cloud/changes");
    { std::ofstream(dir + "/cloud/directory.ldif") << "version: 1\n"; }
    forestgen::ForestOptions fo;
    fo.objects = n;
    fo.huge_group_members = n / 2;
    {
      std::ofstream out(dir + "/onprem/forest.ldif", std::ios::binary);
      file::LdifWriter writer(out);
      Status s = forestgen::generate_forest(fo, [&](Entry&& e) { return writer.write_entry(e); });
      if (!s.ok()) die("generate", s);
    }
    ConnectorRegistry registry;
    file::register_file_connectors(registry);
    {
      auto server = Server::open(dir + "/idsync.db", StoreOpenMode::kCreateIfMissing, registry);
      if (!server.ok()) die("open", server.status());
      auto config = parse_configuration(cli::demo_configuration_json(dir, fo.domain));
      if (!config.ok()) die("config", config.status());
      if (Status s = (*server)->import_configuration(*config); !s.ok()) die("import configuration", s);
      for (const char* profile : {"Full Import", "Full Synchronization"}) {
        auto r = (*server)->run_profile(fo.domain, profile);
        if (!r.ok()) die(profile, r.status());
      }
      // The cloud holds what was exported and confirmed, as after an Initial cycle, so a delta
      // change meets pending exports computed against a known directory state.
      for (const char* profile : {"Full Import", "Full Synchronization", "Export", "Delta Import", "Delta Synchronization"}) {
        auto r = (*server)->run_profile("cloud", profile);
        if (!r.ok()) die(std::string("cloud ") + profile, r.status());
      }
    }
    auto st = Store::open(dir + "/idsync.db", OpenMode::kMustExist);
    if (!st.ok()) die("open store", st.status());
    store = std::move(st).value();
    auto loaded = SyncState::load(*store);
    if (!loaded.ok()) die("load", loaded.status());
    state = std::move(loaded).value();
    onprem = state->space(fo.domain);
    // The micro benchmarks time the plain sets (what a step works on); the loaded state holds
    // them cold (model/cold_set.h), so they are thawed here once. Cold reads are in
    // large_forest_bench's step timings.
    for (auto& [id, o] : onprem->objects) {
      o.hologram.plain();
      o.import_state.plain();
      o.unconfirmed.plain();
    }
    for (const auto& [id, o] : onprem->objects) objects.push_back(&o);
    std::sort(objects.begin(), objects.end(), [](auto* a, auto* b) { return a->id < b->id; });
    for (const auto& [id, o] : state->metaverse()) mv.push_back(&o);
    std::sort(mv.begin(), mv.end(), [](auto* a, auto* b) { return a->id < b->id; });
  }
  ~Fixture() {
    state.reset();
    store.reset();
    std::error_code ec;
    fs::remove_all(dir, ec);
  }

  std::vector<const CompiledRule*> inbound_rules() const {
    std::vector<const CompiledRule*> out;
    for (const CompiledRule& r : state->rules())
      if (r.def.direction == Direction::kInbound && r.connector == onprem->id && !r.def.disabled) out.push_back(&r);
    return out;
  }
};

// The hologram of a fixture object: plain (the fixture thawed them).
const AttributeSet& holo(const CsObject* o) { return *o->hologram.if_plain(); }

Fixture& fixture() {
  static Fixture f;
  return f;
}

void BM_JoinIndexUpdate(benchmark::State& st) {
  Fixture& f = fixture();
  for (auto _ : st)
    for (const MvObject* o : f.mv) f.state->index_mv_attributes(*o, *o);  // remove + insert
  st.SetItemsProcessed(st.iterations() * static_cast<int64_t>(f.mv.size()));
}
BENCHMARK(BM_JoinIndexUpdate)->Unit(benchmark::kMillisecond);

void BM_JoinIndexLookup(benchmark::State& st) {
  Fixture& f = fixture();
  // The join condition of the demo's user rule: objectGUID → sourceAnchorBinary.
  auto cs_attr = f.state->attrs().find(f.onprem->id, "objectGUID");
  auto mv_attr = f.state->attrs().find("sourceAnchorBinary");
  if (!cs_attr || !mv_attr) {
    st.SkipWithError("the demo configuration changed: no objectGUID / sourceAnchorBinary");
    return;
  }
  std::vector<MvId> ids;
  uint64_t found = 0;
  for (auto _ : st)
    for (const CsObject* o : f.objects)
      if (const ValuesView v = holo(o).get(*cs_attr)) {
        ids.clear();
        f.state->join_candidates(*mv_attr, v.front(), true, ids);
        found += ids.size();
      }
  benchmark::DoNotOptimize(found);
  st.SetItemsProcessed(st.iterations() * static_cast<int64_t>(f.objects.size()));
}
BENCHMARK(BM_JoinIndexLookup)->Unit(benchmark::kMillisecond);

void BM_ScopingEvaluation(benchmark::State& st) {
  Fixture& f = fixture();
  auto rules = f.inbound_rules();
  uint64_t in = 0;
  for (auto _ : st)
    for (const CsObject* o : f.objects)
      for (const CompiledRule* r : rules)
        if (iequals(r->def.source_object_type, o->object_type) && in_scope(*r, holo(o), {}, o->dn)) ++in;
  benchmark::DoNotOptimize(in);
  st.SetItemsProcessed(st.iterations() * static_cast<int64_t>(f.objects.size()));
}
BENCHMARK(BM_ScopingEvaluation)->Unit(benchmark::kMillisecond);

// Every inbound flow of every rule in scope, in precedence order, the highest-precedence
// non-null outcome kept per destination (what recomputing an MV object does per source).
void BM_InboundFlowsWithPrecedence(benchmark::State& st) {
  Fixture& f = fixture();
  auto rules = f.inbound_rules();
  std::stable_sort(rules.begin(), rules.end(), [](auto* a, auto* b) { return a->def.precedence < b->def.precedence; });
  uint64_t values = 0;
  for (auto _ : st)
    for (const CsObject* o : f.objects) {
      std::unordered_set<AttrId> decided;
      for (const CompiledRule* r : rules) {
        if (!iequals(r->def.source_object_type, o->object_type) || !in_scope(*r, holo(o), {}, o->dn)) continue;
        for (const CompiledFlow& fl : r->flows) {
          auto outcome = evaluate_flow(*r, fl, holo(o), o->dn);
          if (outcome.ok() && outcome->kind == FlowOutcome::kValues && decided.insert(fl.destination).second)
            values += outcome->values.size();
        }
      }
    }
  benchmark::DoNotOptimize(values);
  st.SetItemsProcessed(st.iterations() * static_cast<int64_t>(f.objects.size()));
}
BENCHMARK(BM_InboundFlowsWithPrecedence)->Unit(benchmark::kMillisecond);

// Comparing a recomputed object with the stored one (the "did it change" test of every sync).
void BM_HologramCompare(benchmark::State& st) {
  Fixture& f = fixture();
  std::vector<AttributeSet> copies;
  for (const CsObject* o : f.objects) copies.push_back(holo(o));
  uint64_t equal = 0;
  for (auto _ : st)
    for (size_t i = 0; i < f.objects.size(); ++i) equal += copies[i] == holo(f.objects[i]);
  benchmark::DoNotOptimize(equal);
  st.SetItemsProcessed(st.iterations() * static_cast<int64_t>(f.objects.size()));
}
BENCHMARK(BM_HologramCompare)->Unit(benchmark::kMillisecond);

// The multi-valued diff of a pending export: the huge group's member list against itself
// with one value removed; items = member values compared.
void BM_HugeGroupMemberDiff(benchmark::State& st) {
  Fixture& f = fixture();
  auto member = f.state->attrs().find(f.onprem->id, "member");
  ValuesView biggest;
  for (const CsObject* o : f.objects)
    if (const ValuesView v = member ? holo(o).get(*member) : ValuesView(); v.size() > biggest.size()) biggest = v;
  if (biggest.size() < 2) {
    st.SkipWithError("no group with members");
    return;
  }
  ValueList have = biggest.to_list(), want(have.begin() + 1, have.end());
  for (auto _ : st) {
    std::unordered_set<std::string_view> have_set(have.begin(), have.end()), want_set(want.begin(), want.end());
    ValueList adds, deletes;
    for (const std::string& v : want)
      if (!have_set.count(v)) adds.push_back(v);
    for (const std::string& v : have)
      if (!want_set.count(v)) deletes.push_back(v);
    benchmark::DoNotOptimize(deletes.size());
  }
  st.SetItemsProcessed(st.iterations() * static_cast<int64_t>(have.size()));
}
BENCHMARK(BM_HugeGroupMemberDiff)->Unit(benchmark::kMillisecond);

void BM_StoreWriteCs(benchmark::State& st) {
  Fixture& f = fixture();
  for (auto _ : st) {
    if (Status s = f.store->begin(); !s.ok()) die("begin", s);
    for (const CsObject* o : f.objects)
      if (Status s = f.store->put_cs(*o); !s.ok()) die("put_cs", s);
    if (Status s = f.store->commit(); !s.ok()) die("commit", s);
  }
  st.SetItemsProcessed(st.iterations() * static_cast<int64_t>(f.objects.size()));
}
BENCHMARK(BM_StoreWriteCs)->Unit(benchmark::kMillisecond);

void BM_StoreReadCs(benchmark::State& st) {
  Fixture& f = fixture();
  uint64_t n = 0;
  for (auto _ : st) {
    Status s = f.store->load_cs(f.onprem->id, [&](CsObject&& o) {
      n += o.hologram.plain().size();
      return Status::Ok();
    });
    if (!s.ok()) die("load_cs", s);
  }
  benchmark::DoNotOptimize(n);
  st.SetItemsProcessed(st.iterations() * static_cast<int64_t>(f.objects.size()));
}
BENCHMARK(BM_StoreReadCs)->Unit(benchmark::kMillisecond);

// Every group member DN resolved to its connector space object, as inbound reference flows do
// (dn_key into a reused buffer, IdHashIndex probe, check against the object's own DN); items =
// member values. Arg = threads (TBB), to show how the lookups scale.
void BM_MemberDnLookup(benchmark::State& st) {
  Fixture& f = fixture();
  auto member = f.state->attrs().find(f.onprem->id, "member");
  std::vector<std::string_view> dns;  // into the holograms, which the benchmark leaves alone
  for (const CsObject* o : f.objects)
    if (const ValuesView v = member ? holo(o).get(*member) : ValuesView())
      for (std::string_view dn : v) dns.push_back(dn);
  if (dns.empty()) {
    st.SkipWithError("no member values");
    return;
  }
  tbb::global_control threads(tbb::global_control::max_allowed_parallelism, static_cast<size_t>(st.range(0)));
  for (auto _ : st) {
    std::atomic<uint64_t> found{0};
    tbb::parallel_for(tbb::blocked_range<size_t>(0, dns.size(), 1024), [&](const tbb::blocked_range<size_t>& r) {
      uint64_t n = 0;
      for (size_t i = r.begin(); i != r.end(); ++i) n += f.onprem->find_by_dn(dns[i]) != nullptr;
      found += n;
    });
    benchmark::DoNotOptimize(found.load());
  }
  st.SetItemsProcessed(st.iterations() * static_cast<int64_t>(dns.size()));
}
BENCHMARK(BM_MemberDnLookup)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond);

// Objects by id (ObjectTable) in id order and in a scattered order, as reference resolution
// and link lookups reach them; items = lookups.
void BM_ObjectById(benchmark::State& st) {
  Fixture& f = fixture();
  std::vector<CsId> ids;
  for (const CsObject* o : f.objects) ids.push_back(o->id);
  if (st.range(0) != 0) std::shuffle(ids.begin(), ids.end(), std::mt19937_64(1));
  for (auto _ : st) {
    uint64_t sum = 0;
    for (CsId id : ids) sum += f.onprem->find(id)->mv;
    benchmark::DoNotOptimize(sum);
  }
  st.SetItemsProcessed(st.iterations() * static_cast<int64_t>(ids.size()));
}
BENCHMARK(BM_ObjectById)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

}  // namespace

// One member leaves the huge group and comes back, alternately: a Delta Synchronization in
// memory (no store write) of that one change each; items = one-member changes. Staging the
// import (a copy of the member list) is outside the timing: it is the import step's cost.
void BM_HugeGroupOneMemberDeltaSync(benchmark::State& st) {
  Fixture& f = fixture();
  auto member = f.state->attrs().find(f.onprem->id, "member");
  CsObject* group = nullptr;
  for (const CsObject* o : f.objects)
    if (const ValuesView v = member ? holo(o).get(*member) : ValuesView();
        v && (!group || v.size() > group->hologram.plain().get(*member).size()))
      group = f.onprem->find(o->id);
  if (group == nullptr || group->hologram.plain().get(*member).size() < 2) {
    st.SkipWithError("no group with members");
    return;
  }
  std::string leaver(group->hologram.plain().get(*member).back());
  bool present = true;
  uint64_t carried = 0, checked = 0;
  for (auto _ : st) {
    st.PauseTiming();
    group->import_state = group->hologram;
    ValueList values = group->import_state.plain().take(*member);
    if (present) {
      values.pop_back();
    } else {
      values.push_back(leaver);
    }
    present = !present;
    group->import_state.plain().set(*member, std::move(values));
    group->pending_import = PendingImportKind::kUpdate;
    f.state->mark_cs(*group);
    st.ResumeTiming();
    StepResult result;
    if (Status s = run_sync(*f.state, *f.onprem, /*delta=*/true, result, {}); !s.ok()) die("delta sync", s);
    carried = f.state->sync_statistics().reference_values_carried;
    checked = f.state->sync_statistics().reference_values_checked;
  }
  st.counters["carried_values"] = static_cast<double>(carried);
  // 0 once the resident state noted the members linked and nothing was unlinked since.
  st.counters["checked_values"] = static_cast<double>(checked);
  st.SetItemsProcessed(st.iterations());
}
BENCHMARK(BM_HugeGroupOneMemberDeltaSync)->Unit(benchmark::kMillisecond);

// Layout-2 encoding of a connector space object whose hologram holds one huge member list
// (Arg 0 values, DN-like), as every save of the huge group's row pays it; the store already holds
// its chunks (`held`), so only hashes are compared, no chunk copied. Arg 1 = 2: the object also
// holds a pending import of the list with one member removed, as the save after a delta import
// that removed it (its one new chunk is copied). The hologram, unchanged since its first save,
// reuses the cut that save remembered (AttributeSet::chunk_cut); Arg 1 = 0: it changed before
// every save (its cut dropped outside the timing), so it is cut again as every save did before.
// Items = values encoded.
void BM_HugeListChunkedEncode(benchmark::State& st) {
  const auto n = static_cast<size_t>(st.range(0));
  const bool staged = st.range(1) == 2;
  const bool changed = st.range(1) == 0;
  CsObject o;
  o.id = 1;
  ValueList members;
  members.reserve(n);
  for (size_t i = 0; i < n; ++i)
    members.push_back("CN=User " + std::to_string(i * 7919 % 1000003) + ",OU=People,OU=Staff,DC=corp,DC=example,DC=com");
  o.hologram.plain().set(1, members);
  EncodedBody first;
  encode_cs_body_chunked(o, first);
  std::vector<uint64_t> held;
  for (const ValueChunk& c : first.chunks) held.push_back(c.hash);
  std::sort(held.begin(), held.end());
  if (staged) {
    members.erase(members.begin() + static_cast<std::ptrdiff_t>(n / 2));
    o.import_state.plain().set(1, std::move(members));
    o.pending_import = PendingImportKind::kUpdate;
  }
  EncodedBody out;
  for (auto _ : st) {
    if (changed) {
      st.PauseTiming();
      o.hologram.plain().set(1, o.hologram.plain().take(1));  // the same values in a list that forgot its cut
      st.ResumeTiming();
    }
    encode_cs_body_chunked(o, out, &held);
    benchmark::DoNotOptimize(out.body.data());
  }
  st.counters["chunks"] = static_cast<double>(out.chunks.size());
  st.SetItemsProcessed(st.iterations() * static_cast<int64_t>(staged ? 2 * n - 1 : n));
}
BENCHMARK(BM_HugeListChunkedEncode)
    ->Args({500000, 0})
    ->Args({500000, 1})
    ->Args({500000, 2})
    ->Unit(benchmark::kMillisecond);

// The store write of a huge group's row after a delta import of a one-member change (Arg 0
// members): its hologram, unchanged since the row was last written, and its pending import,
// the same list with one member removed (or put back: the iterations alternate). Written
// through put_cs_many in its own transaction, as SyncState::save does. Items = rows written.
void BM_HugeGroupRowSaveAfterDeltaImport(benchmark::State& st) {
  const auto n = static_cast<size_t>(st.range(0));
  const std::string dir = (fs::temp_directory_path() / ("idsync-row-save-" + std::to_string(::getpid()))).string();
  fs::remove_all(dir);
  fs::create_directories(dir);
  {
    auto store = Store::open(dir + "/idsync.db", OpenMode::kCreateIfMissing);
    if (!store.ok()) die("open store", store.status());
    CsObject o;
    o.id = 1;
    o.connector = 1;
    o.anchor = "huge";
    o.dn = "CN=Huge,OU=Groups,DC=corp,DC=example,DC=com";
    o.object_type = "group";
    ValueList members;
    members.reserve(n);
    for (size_t i = 0; i < n; ++i)
      members.push_back("CN=User " + std::to_string(i * 7919 % 1000003) + ",OU=People,OU=Staff,DC=corp,DC=example,DC=com");
    o.hologram.plain().set(1, members);
    if (Status s = (*store)->put_cs(o); !s.ok()) die("put_cs", s);
    const std::string leaver = members[n / 2];
    bool present = true;
    for (auto _ : st) {
      st.PauseTiming();
      ValueList staged = members;
      if (present) staged.erase(staged.begin() + static_cast<std::ptrdiff_t>(n / 2));
      present = !present;
      o.import_state.plain().set(1, std::move(staged));
      o.pending_import = PendingImportKind::kUpdate;
      st.ResumeTiming();
      if (Status s = (*store)->begin(); !s.ok()) die("begin", s);
      if (Status s = (*store)->put_cs_many({&o}); !s.ok()) die("put_cs_many", s);
      if (Status s = (*store)->commit(); !s.ok()) die("commit", s);
    }
  }
  fs::remove_all(dir);
  st.SetItemsProcessed(st.iterations());
}
BENCHMARK(BM_HugeGroupRowSaveAfterDeltaImport)->Arg(500000)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
