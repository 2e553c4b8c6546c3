// Issue 5: what the compact AttributeSet (one heap block per object, lists of >= 512 values
// out of line) costs against the layout it replaced (a vector of (id, vector<std::string>)),
// on the attribute sets of a generated forest, and what each costs a get().
//
//   build/bench/attribute_layout_bench [--benchmark_format=json]   (IDSYNC_LAYOUT_OBJECTS=N, default 100000)
//
// Printed once before the timings: heap bytes of both forms (malloc_usable_size of every
// block) beside the raw value bytes.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "idsync/forestgen/forestgen.h"
#include "model/attribute_set.h"
#include "model/memory_usage.h"

namespace {

using idsync::AttributeSet;
using idsync::AttrId;
using idsync::ValueList;

// The layout before: attributes sorted by id, each a vector of strings, exactly sized.
class VectorSet {
 public:
  explicit VectorSet(const AttributeSet& set) {
    items_.reserve(set.size());
    for (const idsync::AttrEntry a : set.items()) items_.emplace_back(a.id, a.values.to_list());
  }
  const ValueList* get(AttrId id) const {
    auto it = std::lower_bound(items_.begin(), items_.end(), id, [](const auto& a, AttrId key) { return a.first < key; });
    return it == items_.end() || it->first != id ? nullptr : &it->second;
  }
  uint64_t heap_bytes() const {
    uint64_t n = idsync::heap_block_size(items_.data());
    for (const auto& [id, values] : items_) n += idsync::heap_bytes(values).allocated;
    return n;
  }

 private:
  std::vector<std::pair<AttrId, ValueList>> items_;
};

struct Forest {
  std::vector<AttributeSet> sets;
  std::vector<VectorSet> vectors;
  std::vector<AttrId> ids;  // every attribute id in use
};

const Forest& forest() {
  static const Forest f = [] {
    Forest out;
    idsync::forestgen::ForestOptions o;
    const char* env = std::getenv("IDSYNC_LAYOUT_OBJECTS");
    o.objects = env ? std::strtoull(env, nullptr, 10) : 100000;
    o.huge_group_members = o.objects / 2;
    std::unordered_map<std::string, AttrId> names;
    (void)idsync::forestgen::generate_forest(o, [&](idsync::Entry&& e) {
      AttributeSet::Builder set;  // as a decoded (loaded) set is: exact sizes, so the comparison is fair
      set.reserve(e.attributes.size());
      for (auto& a : e.attributes) {
        auto [it, fresh] = names.emplace(idsync::to_lower_ascii(a.name), static_cast<AttrId>(names.size()));
        if (fresh) out.ids.push_back(it->second);
        set.add(it->second, std::move(a.values));
      }
      out.sets.push_back(set.finish());
      return idsync::Status::Ok();
    });
    uint64_t payload = 0, values = 0, vector_form = 0, packed_form = 0;
    // Both forms copied in one loop, object by object, so that neither gets the better memory
    // locality (the generated sets are interleaved with the generator's own allocations).
    std::vector<AttributeSet> generated = std::move(out.sets);
    out.sets.clear();
    out.sets.reserve(generated.size());
    out.vectors.reserve(generated.size());
    for (const AttributeSet& s : generated) {
      out.sets.push_back(s);
      out.vectors.emplace_back(s);
      idsync::HeapBytes b = idsync::heap_bytes(out.sets.back());
      payload += b.payload;
      values += b.values;
      packed_form += b.allocated;
      vector_form += out.vectors.back().heap_bytes();
    }
    std::printf("attribute sets of a %llu-object forest: %llu values, %.1f MB of value bytes\n"
                "  vector of id + vector<string> (before):  %.1f MB heap (%.2fx the value bytes)\n"
                "  AttributeSet (one block per object):     %.1f MB heap (%.2fx the value bytes)\n",
                static_cast<unsigned long long>(out.sets.size()), static_cast<unsigned long long>(values),
                static_cast<double>(payload) / 1e6, static_cast<double>(vector_form) / 1e6,
                static_cast<double>(vector_form) / static_cast<double>(payload), static_cast<double>(packed_form) / 1e6,
                static_cast<double>(packed_form) / static_cast<double>(payload));
    return out;
  }();
  return f;
}

// One get() of every attribute id on every object, touching each value's bytes.
void BM_AttributeSetGet(benchmark::State& state) {
  const Forest& f = forest();
  for (auto _ : state) {
    size_t sum = 0;
    for (const AttributeSet& s : f.sets)
      for (AttrId id : f.ids)
        for (std::string_view x : s.get(id)) sum += x.size();
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * f.sets.size() * f.ids.size()));
}

void BM_VectorSetGet(benchmark::State& state) {
  const Forest& f = forest();
  for (auto _ : state) {
    size_t sum = 0;
    for (const VectorSet& s : f.vectors)
      for (AttrId id : f.ids)
        if (const ValueList* v = s.get(id))
          for (const std::string& x : *v) sum += x.size();
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * f.vectors.size() * f.ids.size()));
}

BENCHMARK(BM_AttributeSetGet)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_VectorSetGet)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
