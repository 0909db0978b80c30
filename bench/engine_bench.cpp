// Engine benchmarks: compile throughput (customers per second on one core) and in-process
// state lookups. Run: build/hoursd_bench (Release build for figures worth reporting).

#include <benchmark/benchmark.h>

#include <random>

#include "generator.hpp"
#include "hoursd/core/compiler.hpp"
#include "hoursd/core/evaluator.hpp"
#include "hoursd/io/zoneinfo.hpp"

namespace hoursd {
namespace {

const date::sys_seconds kNow = date::sys_days{date::year{2026} / 11 / 27} + std::chrono::hours(15);

void BM_Compile(benchmark::State& state) {
  const auto customers = bench::generate_customers(static_cast<std::size_t>(state.range(0)));
  const ZoneDb& tzdb = hoursd::default_zoneinfo_or_abort();
  for (auto _ : state) {
    CompiledSet set = compile(customers, CompileOptions{}, tzdb, kNow);
    benchmark::DoNotOptimize(set);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.counters["customers_per_s"] =
      benchmark::Counter(double(state.range(0)), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_Compile)->Arg(10'000)->Unit(benchmark::kMillisecond)->MinTime(2.0);

struct Lookups {
  CompiledSet set;
  std::vector<const CompiledCustomer*> targets;
};

const Lookups& lookups() {
  static const Lookups l = [] {
    Lookups out{compile(bench::generate_customers(10'000), CompileOptions{},
                        hoursd::default_zoneinfo_or_abort(), kNow),
                {}};
    std::mt19937 rng(7);
    for (int i = 0; i < 4096; ++i) {
      out.targets.push_back(&out.set.customers()[rng() % out.set.customers().size()]);
    }
    return out;
  }();
  return l;
}

// A lookup at an instant inside the precomputed window: the router's common case.
void BM_StateLookup(benchmark::State& state) {
  const Lookups& l = lookups();
  std::size_t i = 0;
  for (auto _ : state) {
    const auto t = kNow + std::chrono::seconds(i * 37 % 86'400);
    auto a = state_at(l.set, *l.targets[i++ % l.targets.size()], t);
    benchmark::DoNotOptimize(a);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_StateLookup);

// A lookup months away from the compile instant: the timeline is computed on demand.
void BM_StateLookupOutsideWindow(benchmark::State& state) {
  const Lookups& l = lookups();
  std::size_t i = 0;
  for (auto _ : state) {
    auto a = state_at(l.set, *l.targets[i++ % l.targets.size()], kNow + date::days(90));
    benchmark::DoNotOptimize(a);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_StateLookupOutsideWindow)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace hoursd

BENCHMARK_MAIN();
