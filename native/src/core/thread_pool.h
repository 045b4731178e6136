// A persistent pool of worker threads with static partitioning. The calling thread takes
// the first chunk itself, so a pool of N threads starts N-1 workers and never
// oversubscribes the caller's cores.
#ifndef MACE_CORE_THREAD_POOL_H_
#define MACE_CORE_THREAD_POOL_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "mace/public/mace.h"

namespace mace {

class ThreadPool {
 public:
  // num_threads <= 0: one per core allowed by the policy.
  ThreadPool(int num_threads, CPUAffinityPolicy policy);
  ~ThreadPool();
  ThreadPool(const ThreadPool &) = delete;
  ThreadPool &operator=(const ThreadPool &) = delete;

  int num_threads() const { return num_threads_; }

  // Calls fn(start, end) over disjoint chunks covering [begin, end). Chunks are at least
  // `min_chunk` long, so tiny loops stay on the calling thread.
  void ParallelFor(int64_t begin, int64_t end, int64_t min_chunk,
                   const std::function<void(int64_t, int64_t)> &fn);

  // The CPUs a policy selects on this machine (by max frequency), for tests and reports.
  static std::vector<int> CpusForPolicy(CPUAffinityPolicy policy);

 private:
  void WorkerLoop(int index);

  int num_threads_;
  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable done_;
  const std::function<void(int)> *task_ = nullptr;  // called with the chunk index
  int task_chunks_ = 0;
  uint64_t generation_ = 0;
  std::atomic<int> pending_{0};
  std::atomic<uint64_t> published_{0};
  bool stop_ = false;
};

}  // namespace mace

#endif  // MACE_CORE_THREAD_POOL_H_
