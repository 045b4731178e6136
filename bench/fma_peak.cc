// Measures this CPU's peak single-precision FMA throughput, the "100%" that bench/models.mjs
// divides the engines' GFLOP/s by.
//
//   g++ -O2 -march=native -pthread bench/fma_peak.cc -o fma_peak && ./fma_peak [max_threads]
//
// Each thread runs kChains independent FMA chains (acc = acc * a + b) in vector registers:
// enough chains to cover the FMA latency times the number of FMA pipes, few enough to stay in
// registers (32 zmm, 16 ymm). One FMA is 2 FLOPs per lane. The best of several short
// repetitions counts, because on a shared machine the slower ones measure other processes.
// Prints one JSON object: GFLOP/s per instruction set and thread count.
#include <immintrin.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

namespace {

constexpr long kIters = 8000000;  // per repetition and thread: ~20-70 ms
constexpr int kReps = 9;

#if defined(__AVX512F__)
double Avx512Kernel() {
  constexpr int kChains = 16;
  __m512 acc[kChains];
  for (int c = 0; c < kChains; ++c) acc[c] = _mm512_set1_ps(1.0f + c * 1e-3f);
  const __m512 a = _mm512_set1_ps(0.999999f), b = _mm512_set1_ps(1e-7f);
  for (long i = 0; i < kIters; ++i) {
    // Fully unrolled, so that acc[] lives in registers (a loop over an array in memory would
    // measure store-to-load forwarding, not the FMA pipes).
#pragma GCC unroll 16
    for (int c = 0; c < kChains; ++c) acc[c] = _mm512_fmadd_ps(acc[c], a, b);
  }
  __m512 s = acc[0];
  for (int c = 1; c < kChains; ++c) s = _mm512_add_ps(s, acc[c]);
  volatile float sink = _mm512_reduce_add_ps(s);  // keeps the chains alive
  (void)sink;
  return 2.0 * 16 * kChains * static_cast<double>(kIters);
}
#endif

#if defined(__AVX2__) && defined(__FMA__)
double Avx2Kernel() {
  constexpr int kChains = 12;
  __m256 acc[kChains];
  for (int c = 0; c < kChains; ++c) acc[c] = _mm256_set1_ps(1.0f + c * 1e-3f);
  const __m256 a = _mm256_set1_ps(0.999999f), b = _mm256_set1_ps(1e-7f);
  for (long i = 0; i < kIters; ++i) {
    // Fully unrolled, so that acc[] lives in registers (a loop over an array in memory would
    // measure store-to-load forwarding, not the FMA pipes).
#pragma GCC unroll 16
    for (int c = 0; c < kChains; ++c) acc[c] = _mm256_fmadd_ps(acc[c], a, b);
  }
  __m256 s = acc[0];
  for (int c = 1; c < kChains; ++c) s = _mm256_add_ps(s, acc[c]);
  float lanes[8];
  _mm256_storeu_ps(lanes, s);
  volatile float sink = lanes[0];
  (void)sink;
  return 2.0 * 8 * kChains * static_cast<double>(kIters);
}
#endif

// GFLOP/s of `threads` threads running `kernel` at once: total FLOPs over the wall time.
double Measure(double (*kernel)(), int threads) {
  double best = 0;
  for (int rep = 0; rep < kReps; ++rep) {
    std::vector<double> flops(threads);
    const auto t0 = std::chrono::steady_clock::now();
    std::vector<std::thread> pool;
    for (int t = 1; t < threads; ++t) pool.emplace_back([&, t] { flops[t] = kernel(); });
    flops[0] = kernel();
    for (auto &th : pool) th.join();
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    double total = 0;
    for (double f : flops) total += f;
    best = std::max(best, total / s / 1e9);
  }
  return best;
}

void Report(const char *isa, double (*kernel)(), int max_threads, bool *first) {
  std::printf("%s\"%s\": {", *first ? "" : ", ", isa);
  *first = false;
  for (int t = 1; t <= max_threads; ++t)
    std::printf("%s\"%d\": %.2f", t > 1 ? ", " : "", t, Measure(kernel, t));
  std::printf("}");
}

}  // namespace

int main(int argc, char **argv) {
  const int max_threads = argc > 1 ? std::max(1, std::atoi(argv[1])) : 2;
  bool first = true;
  std::printf("{");
#if defined(__AVX512F__)
  Report("avx512", Avx512Kernel, max_threads, &first);
#endif
#if defined(__AVX2__) && defined(__FMA__)
  Report("avx2", Avx2Kernel, max_threads, &first);
#endif
  std::printf("}\n");
  return 0;
}
