// Expression evaluation throughput: compiled once, evaluated over a few thousand generated
// objects (cycled). Items are evaluations, so results read as evaluations/s.
//
// The rule expressions are verbatim from the default synchronization rules of the reference
// configuration (shared/reference/entra-connect-config-export/SynchronizationRules):
//   cloudFiltered   "In from AD - User Join", flow to cloudFiltered
//   upn             the userPrincipalName fallback with Error()
//   proxy           RemoveDuplicates(Trim(ImportedValue("proxyAddresses")))
//   dn              "CN={" & ConvertToUTF8Hex([sourceAnchor]) & "}"
// BM_Into_* reuse one output Value (the engine's hot loop); BM_Generic_* switch the fast lane
// off, for a same-run comparison with the generic evaluator.
#include <benchmark/benchmark.h>

#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "expr/fast_eval.h"
#include "idsync/expression.h"

namespace {

using idsync::AttrType;
using idsync::ValueList;
using idsync::ValuesView;
using namespace idsync::expr;

constexpr const char* kCloudFiltered =
    R"(IIF(IsPresent([isCriticalSystemObject]) || IsPresent([sAMAccountName]) = False || [sAMAccountName] = "SUPPORT_388945a0" || Left([mailNickname], 14) = "SystemMailbox{" || Left([sAMAccountName], 4) = "AAD_" || (Left([mailNickname], 4) = "CAS_" && (InStr([mailNickname], "}") > 0)) || (Left([sAMAccountName], 4) = "CAS_" && (InStr([sAMAccountName], "}") > 0)) || Left([sAMAccountName], 5) = "MSOL_" || CBool(IIF(IsPresent([msExchRecipientTypeDetails]),BitAnd([msExchRecipientTypeDetails],&H21C07000) > 0,NULL)) || CBool(InStr(DNComponent(CRef([dn]),1),"\\0ACNF:")>0), True, NULL))";
constexpr const char* kUpn =
    R"(IIF(IsPresent([userPrincipalName]),[userPrincipalName], IIF(IsPresent([sAMAccountName]),([sAMAccountName]&"@"&%Domain.FQDN%),Error("AccountName is not present"))))";
constexpr const char* kProxy = R"(RemoveDuplicates(Trim(ImportedValue("proxyAddresses"))))";
constexpr const char* kDn = R"("CN={" & ConvertToUTF8Hex([sourceAnchor]) & "}")";

struct Schema : AttributeResolver {
  std::map<std::string, AttrRef, std::less<>> attrs;
  Schema() {
    auto add = [&](const char* name, AttrType type, bool multi) {
      attrs.emplace(name, AttrRef{static_cast<uint32_t>(attrs.size()), type, multi});
    };
    add("isCriticalSystemObject", AttrType::kBoolean, false);
    add("sAMAccountName", AttrType::kString, false);
    add("mailNickname", AttrType::kString, false);
    add("msExchRecipientTypeDetails", AttrType::kInteger, false);
    add("dn", AttrType::kReference, false);
    add("userPrincipalName", AttrType::kString, false);
    add("proxyAddresses", AttrType::kString, true);
    add("sourceAnchor", AttrType::kString, false);
    add("displayName", AttrType::kString, false);
    add("givenName", AttrType::kString, false);
  }
  std::optional<AttrRef> resolve(std::string_view name) const override {
    auto it = attrs.find(name);
    if (it == attrs.end()) return std::nullopt;
    return it->second;
  }
  uint32_t id(const char* name) const { return attrs.at(name).id; }
};

const Schema& schema() {
  static const Schema s;
  return s;
}

// An object as the sync engine hands it over: a dense vector of value lists by attribute id.
class Object : public EvalContext {
 public:
  std::vector<std::optional<ValueList>> attrs = std::vector<std::optional<ValueList>>(16);
  std::string fqdn = "contoso.com";
  ValuesView values(uint32_t id) const override { return attrs[id] ? ValuesView(*attrs[id]) : ValuesView(); }
  const std::string* parameter(std::string_view name) const override {
    return name == "Domain.FQDN" ? &fqdn : nullptr;
  }
};

std::vector<Object> make_objects(size_t n) {
  const Schema& s = schema();
  std::mt19937_64 rng(42);
  std::vector<Object> out(n);
  const char* prefixes[] = {"", "", "", "", "CAS_", "AAD_", "MSOL_", "SystemMailbox{"};
  for (size_t i = 0; i < n; ++i) {
    Object& o = out[i];
    std::string sam = std::string(prefixes[rng() % 8]) + "user" + std::to_string(i);
    if (rng() % 10 != 0) o.attrs[s.id("sAMAccountName")] = ValueList{sam};
    if (rng() % 2) o.attrs[s.id("mailNickname")] = ValueList{sam + (rng() % 4 == 0 ? "}" : "")};
    if (rng() % 3 == 0) o.attrs[s.id("msExchRecipientTypeDetails")] = ValueList{std::to_string(rng() % 0x40000000)};
    if (rng() % 50 == 0) o.attrs[s.id("isCriticalSystemObject")] = ValueList{"TRUE"};
    o.attrs[s.id("dn")] = ValueList{"CN=User " + std::to_string(i) + (rng() % 20 == 0 ? "\\0ACNF:1234" : "") +
                                    ",OU=Staff,DC=contoso,DC=com"};
    if (rng() % 4 != 0) o.attrs[s.id("userPrincipalName")] = ValueList{sam + "@contoso.com"};
    ValueList proxies;
    size_t np = 1 + rng() % 4;
    for (size_t k = 0; k < np; ++k)
      proxies.push_back((k == 0 ? "SMTP:" : " smtp:") + sam + std::to_string(k % 3) + "@contoso.com ");
    o.attrs[s.id("proxyAddresses")] = proxies;
    std::string anchor(16, '\0');
    for (auto& c : anchor) c = static_cast<char>('A' + rng() % 26);
    o.attrs[s.id("sourceAnchor")] = ValueList{anchor};
    if (rng() % 5 != 0) o.attrs[s.id("displayName")] = ValueList{"  Display Name " + std::to_string(i) + "  "};
    o.attrs[s.id("givenName")] = ValueList{"Given" + std::to_string(i)};
  }
  return out;
}

const std::vector<Object>& objects() {
  static const std::vector<Object> objs = make_objects(4096);
  return objs;
}

void run(benchmark::State& state, const char* text) {
  auto program = compile(text, schema());
  if (!program.ok()) {
    state.SkipWithError(program.status().message().c_str());
    return;
  }
  const auto& objs = objects();
  size_t i = 0;
  size_t errors = 0;
  for (auto _ : state) {
    auto r = program->evaluate(objs[i]);
    errors += !r.ok();
    benchmark::DoNotOptimize(r);
    if (++i == objs.size()) i = 0;
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.counters["errors"] = static_cast<double>(errors);
}

// The allocation-free entry point: one Value reused across evaluations.
void run_into(benchmark::State& state, const char* text) {
  auto program = compile(text, schema());
  if (!program.ok()) {
    state.SkipWithError(program.status().message().c_str());
    return;
  }
  const auto& objs = objects();
  size_t i = 0;
  size_t errors = 0;
  Value out;
  for (auto _ : state) {
    errors += !program->evaluate_into(objs[i], out).ok();
    benchmark::DoNotOptimize(out);
    if (++i == objs.size()) i = 0;
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.counters["errors"] = static_cast<double>(errors);
}

// The same loop through the generic evaluator only (the fast lane switched off), so one run
// shows what the fast lane buys on the same loaded machine.
void run_generic(benchmark::State& state, const char* text) {
  set_fast_lane_enabled(false);
  run_into(state, text);
  set_fast_lane_enabled(true);
}

void BM_Direct(benchmark::State& s) { run(s, "[givenName]"); }
void BM_Trim(benchmark::State& s) { run(s, "Trim([displayName])"); }
void BM_IifIsPresent(benchmark::State& s) { run(s, "IIF(IsPresent([displayName]),[displayName],[givenName])"); }
void BM_LeftConcat(benchmark::State& s) { run(s, R"(LCase(Left([givenName], 3)) & "." & Trim([sAMAccountName]))"); }
void BM_Compare(benchmark::State& s) { run(s, R"(Left([sAMAccountName], 4) = "CAS_")"); }
void BM_CloudFiltered(benchmark::State& s) { run(s, kCloudFiltered); }
void BM_UpnFallback(benchmark::State& s) { run(s, kUpn); }
void BM_ProxyAddresses(benchmark::State& s) { run(s, kProxy); }
void BM_SourceAnchorDn(benchmark::State& s) { run(s, kDn); }

void BM_Into_LeftConcat(benchmark::State& s) { run_into(s, R"(LCase(Left([givenName], 3)) & "." & Trim([sAMAccountName]))"); }
void BM_Into_CloudFiltered(benchmark::State& s) { run_into(s, kCloudFiltered); }
void BM_Into_UpnFallback(benchmark::State& s) { run_into(s, kUpn); }
void BM_Generic_LeftConcat(benchmark::State& s) { run_generic(s, R"(LCase(Left([givenName], 3)) & "." & Trim([sAMAccountName]))"); }
void BM_Generic_CloudFiltered(benchmark::State& s) { run_generic(s, kCloudFiltered); }

BENCHMARK(BM_Direct);
BENCHMARK(BM_Trim);
BENCHMARK(BM_IifIsPresent);
BENCHMARK(BM_LeftConcat);
BENCHMARK(BM_Compare);
BENCHMARK(BM_CloudFiltered);
BENCHMARK(BM_UpnFallback);
BENCHMARK(BM_ProxyAddresses);
BENCHMARK(BM_SourceAnchorDn);
BENCHMARK(BM_Into_LeftConcat);
BENCHMARK(BM_Into_CloudFiltered);
BENCHMARK(BM_Into_UpnFallback);
BENCHMARK(BM_Generic_LeftConcat);
BENCHMARK(BM_Generic_CloudFiltered);

}  // namespace

BENCHMARK_MAIN();
