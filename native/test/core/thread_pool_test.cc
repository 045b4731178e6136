// Correctness of the thread pool: every index exactly once, chunking rules, nested and
// concurrent calls, sleeping workers woken, many threads. No timing assertions.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "core/thread_pool.h"

namespace mace {

namespace {

// Runs one ParallelFor over [begin, end) and checks every index was visited exactly once, in
// at most num_threads() chunks of at least min_chunk (the last may be shorter).
void CheckOnce(ThreadPool *pool, int64_t begin, int64_t end, int64_t min_chunk) {
  const int64_t n = std::max<int64_t>(0, end - begin);
  std::vector<std::atomic<int>> hits(static_cast<size_t>(n));
  for (auto &h : hits) h = 0;
  std::mutex m;
  std::vector<std::pair<int64_t, int64_t>> chunks;
  pool->ParallelFor(begin, end, min_chunk, [&](int64_t s, int64_t e) {
    for (int64_t i = s; i < e; ++i) hits[i - begin]++;
    std::lock_guard<std::mutex> lock(m);
    chunks.emplace_back(s, e);
  });
  for (int64_t i = 0; i < n; ++i)
    ASSERT_EQ(hits[i], 1) << "threads " << pool->num_threads() << " range [" << begin << ", " << end
                          << ") min_chunk " << min_chunk << " index " << begin + i;
  if (n == 0) {
    EXPECT_TRUE(chunks.empty());
    return;
  }
  EXPECT_LE(static_cast<int>(chunks.size()), pool->num_threads());
  std::sort(chunks.begin(), chunks.end());
  for (size_t c = 0; c + 1 < chunks.size(); ++c)
    EXPECT_GE(chunks[c].second - chunks[c].first, std::max<int64_t>(1, min_chunk));
}

}  // namespace

TEST(ThreadPoolTest, CoversRangeExactlyOnce) {
  for (int threads : {1, 2, 3, 8}) {
    ThreadPool pool(threads, AFFINITY_NONE, /*allow_oversubscription=*/true);
    ASSERT_EQ(pool.num_threads(), threads);
    for (int64_t n : {0, 1, 2, 7, 100, 1001})
      for (int64_t min_chunk : {0, 1, 3, 64, 5000}) {
        CheckOnce(&pool, 0, n, min_chunk);
        CheckOnce(&pool, -5, n - 5, min_chunk);  // ranges that do not start at 0
      }
  }
}

TEST(ThreadPoolTest, ManyConsecutiveShortLoops) {
  // Back-to-back tiny jobs, the pattern of the ops of one Run: workers are spinning, some jobs
  // have fewer chunks than threads, and late workers must not run a finished job.
  for (int threads : {2, 4, 16}) {
    ThreadPool pool(threads, AFFINITY_NONE, true);
    std::atomic<int64_t> sum{0};
    int64_t expected = 0;
    for (int round = 0; round < 3000; ++round) {
      const int64_t n = 1 + round % 37;
      expected += n;
      pool.ParallelFor(0, n, 1 + round % 5, [&](int64_t s, int64_t e) { sum += e - s; });
    }
    EXPECT_EQ(sum.load(), expected) << "threads " << threads;
  }
}

TEST(ThreadPoolTest, WakesSleepingWorkers) {
  // Pauses longer than the spin make the workers sleep; every job must still be complete.
  ThreadPool pool(4, AFFINITY_NONE, true);
  for (int round = 0; round < 5; ++round) {
    std::this_thread::sleep_for(std::chrono::microseconds(ThreadPool::kSpinMicros * 5));
    CheckOnce(&pool, 0, 1000, 1);
  }
}

TEST(ThreadPoolTest, NestedLoopsRunInline) {
  ThreadPool pool(4, AFFINITY_NONE, true);
  const int64_t outer = 8, inner = 50;
  std::vector<std::atomic<int>> hits(static_cast<size_t>(outer * inner));
  for (auto &h : hits) h = 0;
  pool.ParallelFor(0, outer, 1, [&](int64_t s, int64_t e) {
    for (int64_t i = s; i < e; ++i)
      pool.ParallelFor(0, inner, 1, [&](int64_t a, int64_t b) {
        for (int64_t j = a; j < b; ++j) hits[i * inner + j]++;
      });
  });
  for (size_t i = 0; i < hits.size(); ++i) ASSERT_EQ(hits[i], 1) << i;
}

TEST(ThreadPoolTest, ConcurrentCallersShareOnePool) {
  // Two threads calling ParallelFor on one pool at once: one of them runs inline.
  ThreadPool pool(3, AFFINITY_NONE, true);
  std::atomic<int64_t> sum{0};
  auto caller = [&] {
    for (int round = 0; round < 500; ++round)
      pool.ParallelFor(0, 100, 1, [&](int64_t s, int64_t e) { sum += e - s; });
  };
  std::thread other(caller);
  caller();
  other.join();
  EXPECT_EQ(sum.load(), 2 * 500 * 100);
}

TEST(ThreadPoolTest, ThreadCountCappedByCpus) {
  const int cpus = static_cast<int>(ThreadPool::CpusForPolicy(AFFINITY_NONE).size());
  ThreadPool capped(cpus + 3, AFFINITY_NONE);
  EXPECT_EQ(capped.num_threads(), cpus);
  ThreadPool automatic(0, AFFINITY_NONE);
  EXPECT_EQ(automatic.num_threads(), cpus);
  ThreadPool one(1, AFFINITY_BIG_ONLY);
  EXPECT_EQ(one.num_threads(), 1);
  CheckOnce(&one, 0, 10, 1);
}

TEST(ThreadPoolTest, DestroyWhileWorkersSleepOrSpin) {
  for (int round = 0; round < 20; ++round) {
    ThreadPool pool(4, AFFINITY_NONE, true);
    CheckOnce(&pool, 0, 64, 1);
    if (round % 2) std::this_thread::sleep_for(std::chrono::microseconds(ThreadPool::kSpinMicros * 3));
  }
}

TEST(ThreadPoolTest, PoliciesSelectSomeCpus) {
  EXPECT_FALSE(ThreadPool::CpusForPolicy(AFFINITY_NONE).empty());
  EXPECT_FALSE(ThreadPool::CpusForPolicy(AFFINITY_BIG_ONLY).empty());
  EXPECT_FALSE(ThreadPool::CpusForPolicy(AFFINITY_LITTLE_ONLY).empty());
}

}  // namespace mace
