// Forest and change-set generation speed (objects/s), 100K and 1M objects.
#include <benchmark/benchmark.h>

#include "idsync/forestgen/forestgen.h"

namespace {

using idsync::Entry;
using idsync::EntryChange;
using idsync::Status;

void BM_GenerateForest(benchmark::State& state) {
  idsync::forestgen::ForestOptions options;
  options.objects = static_cast<uint64_t>(state.range(0));
  for (auto _ : state) {
    uint64_t values = 0;
    Status s = idsync::forestgen::generate_forest(options, [&](Entry&& e) {
      for (const auto& a : e.attributes) values += a.values.size();
      return Status::Ok();
    });
    if (!s.ok()) state.SkipWithError(s.message().c_str());
    benchmark::DoNotOptimize(values);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_GenerateForest)->Arg(100000)->Arg(1000000)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_GenerateChanges(benchmark::State& state) {
  idsync::forestgen::ForestOptions options;
  options.objects = static_cast<uint64_t>(state.range(0));
  uint64_t records = 0;
  for (auto _ : state) {
    records = 0;
    Status s = idsync::forestgen::generate_changes(options, {}, [&](EntryChange&&) {
      ++records;
      return Status::Ok();
    });
    if (!s.ok()) state.SkipWithError(s.message().c_str());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(records));
}
BENCHMARK(BM_GenerateChanges)->Arg(100000)->Arg(1000000)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
