// Prototype for issue 5: what a compact attribute set (one heap block per object) would save
// against AttributeSet (a vector of (id, vector<std::string>)), on the attribute sets of a
// generated forest, and what it costs a get().
//
//   build/bench/attribute_layout_bench [--benchmark_format=json]   (IDSYNC_LAYOUT_OBJECTS=N, default 100000)
//
// PackedSet layout, one block: u32 attribute count; per attribute {u32 id, u32 index of its
// first value}; u32 end offset of every value; then the value bytes back to back. A get() is a
// binary search over the ids and yields string_views into the block. Printed once before
// the timings: heap bytes of both forms (AttributeSet measured with malloc_usable_size, the
// packed form as its block sizes) beside the raw value bytes.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "idsync/forestgen/forestgen.h"
#include "model/attribute_set.h"
#include "model/memory_usage.h"

namespace {

using idsync::AttributeSet;
using idsync::AttrId;

class PackedSet {
 public:
  explicit PackedSet(const AttributeSet& set) {
    uint32_t n = static_cast<uint32_t>(set.size()), values = 0, bytes = 0;
    for (const auto& a : set.items()) {
      values += static_cast<uint32_t>(a.values.size());
      for (const auto& v : a.values) bytes += static_cast<uint32_t>(v.size());
    }
    values_ = values;
    size_ = 4 + 8 * n + 4 * values + bytes;
    data_ = std::make_unique<char[]>(size_);
    char* p = data_.get();
    std::memcpy(p, &n, 4);
    uint32_t first = 0, end = 0;
    char* heads = p + 4;
    char* ends = heads + 8 * n;
    char* body = ends + 4 * values;
    for (const auto& a : set.items()) {
      std::memcpy(heads, &a.id, 4);
      std::memcpy(heads + 4, &first, 4);
      heads += 8;
      for (const auto& v : a.values) {
        std::memcpy(body + end, v.data(), v.size());
        end += static_cast<uint32_t>(v.size());
        std::memcpy(ends + 4 * first++, &end, 4);
      }
    }
  }
  size_t block_size() const { return size_; }
  // Calls f(string_view) for every value of `id`; false when absent.
  template <class F>
  bool for_each(AttrId id, F&& f) const {
    const char* p = data_.get();
    uint32_t n = load(p);
    uint32_t lo = 0, hi = n;
    while (lo < hi) {
      uint32_t mid = (lo + hi) / 2;
      if (load(p + 4 + 8 * mid) < id) lo = mid + 1; else hi = mid;
    }
    if (lo == n || load(p + 4 + 8 * lo) != id) return false;
    uint32_t first = load(p + 4 + 8 * lo + 4);
    uint32_t last = lo + 1 < n ? load(p + 4 + 8 * (lo + 1) + 4) : values_;
    const char* ends = p + 4 + 8 * n;
    const char* body = ends + 4 * values_;
    uint32_t begin = first == 0 ? 0 : load(ends + 4 * (first - 1));
    for (uint32_t i = first; i < last; ++i) {
      uint32_t end = load(ends + 4 * i);
      f(std::string_view(body + begin, end - begin));
      begin = end;
    }
    return true;
  }

 private:
  static uint32_t load(const char* p) {
    uint32_t v;
    std::memcpy(&v, p, 4);
    return v;
  }
  std::unique_ptr<char[]> data_;
  size_t size_ = 0;
  uint32_t values_ = 0;  // kept beside the block here; a real layout would store it in the block
};

struct Forest {
  std::vector<AttributeSet> sets;
  std::vector<PackedSet> packed;
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
    out.packed.reserve(out.sets.size());
    for (const AttributeSet& s : out.sets) {
      idsync::HeapBytes b = idsync::heap_bytes(s);
      payload += b.payload;
      values += b.values;
      vector_form += b.allocated;
      PackedSet p(s);
      packed_form += idsync::heap_block_estimate(p.block_size());
      out.packed.push_back(std::move(p));
    }
    std::printf("attribute sets of a %llu-object forest: %llu values, %.1f MB of value bytes\n"
                "  AttributeSet (vector of id + vector<string>): %.1f MB heap (%.2fx the value bytes)\n"
                "  PackedSet (one block per object):           %.1f MB heap (%.2fx the value bytes)\n",
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

void BM_PackedSetGet(benchmark::State& state) {
  const Forest& f = forest();
  for (auto _ : state) {
    size_t sum = 0;
    for (const PackedSet& s : f.packed)
      for (AttrId id : f.ids) s.for_each(id, [&](std::string_view x) { sum += x.size(); });
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * f.packed.size() * f.ids.size()));
}

BENCHMARK(BM_AttributeSetGet)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_PackedSetGet)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
