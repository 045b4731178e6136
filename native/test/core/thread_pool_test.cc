#include <gtest/gtest.h>

#include <atomic>
#include <vector>

#include "core/thread_pool.h"

namespace mace {

TEST(ThreadPoolTest, CoversRangeExactlyOnce) {
  for (int threads : {1, 2, 3, 8}) {
    ThreadPool pool(threads, AFFINITY_NONE);
    for (int64_t n : {0, 1, 7, 100, 1001}) {
      std::vector<std::atomic<int>> hits(static_cast<size_t>(n));
      for (auto &h : hits) h = 0;
      pool.ParallelFor(0, n, 1, [&](int64_t s, int64_t e) {
        for (int64_t i = s; i < e; ++i) hits[i]++;
      });
      for (int64_t i = 0; i < n; ++i) ASSERT_EQ(hits[i], 1) << "threads " << threads << " n " << n << " i " << i;
    }
  }
}

TEST(ThreadPoolTest, ManyConsecutiveTasks) {
  ThreadPool pool(4, AFFINITY_NONE);
  std::atomic<int64_t> sum{0};
  for (int round = 0; round < 2000; ++round)
    pool.ParallelFor(0, 64, 1, [&](int64_t s, int64_t e) { sum += e - s; });
  EXPECT_EQ(sum.load(), 2000 * 64);
}

TEST(ThreadPoolTest, PoliciesSelectSomeCpus) {
  EXPECT_FALSE(ThreadPool::CpusForPolicy(AFFINITY_NONE).empty());
  EXPECT_FALSE(ThreadPool::CpusForPolicy(AFFINITY_BIG_ONLY).empty());
  EXPECT_FALSE(ThreadPool::CpusForPolicy(AFFINITY_LITTLE_ONLY).empty());
}

}  // namespace mace
