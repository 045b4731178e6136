#include "core/thread_pool.h"

#include <algorithm>
#include <fstream>
#include <string>

#if defined(__linux__)
#include <sched.h>
#endif

namespace mace {

namespace {

long ReadMaxFreq(int cpu) {
  std::ifstream f("/sys/devices/system/cpu/cpu" + std::to_string(cpu) + "/cpufreq/cpuinfo_max_freq");
  long v = 0;
  if (f >> v) return v;
  return 0;
}

void PinCurrentThread(const std::vector<int> &cpus) {
#if defined(__linux__)
  if (cpus.empty()) return;
  cpu_set_t set;
  CPU_ZERO(&set);
  for (int c : cpus) CPU_SET(c, &set);
  sched_setaffinity(0, sizeof(set), &set);  // best effort: a refusal leaves the thread unpinned
#else
  (void)cpus;
#endif
}

}  // namespace

std::vector<int> ThreadPool::CpusForPolicy(CPUAffinityPolicy policy) {
  int n = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::vector<int> all;
#if defined(__linux__)
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) == 0) {
    for (int c = 0; c < CPU_SETSIZE; ++c)
      if (CPU_ISSET(c, &set)) all.push_back(c);
  }
#endif
  if (all.empty())
    for (int c = 0; c < n; ++c) all.push_back(c);
  if (policy == AFFINITY_NONE) return all;
  std::vector<long> freq;
  long lo = -1, hi = -1;
  for (int c : all) {
    long f = ReadMaxFreq(c);
    freq.push_back(f);
    if (lo < 0 || f < lo) lo = f;
    if (hi < 0 || f > hi) hi = f;
  }
  if (lo == hi) return all;  // symmetric machine: every core is both big and little
  std::vector<int> chosen;
  for (size_t i = 0; i < all.size(); ++i)
    if (freq[i] == (policy == AFFINITY_BIG_ONLY ? hi : lo)) chosen.push_back(all[i]);
  return chosen;
}

ThreadPool::ThreadPool(int num_threads, CPUAffinityPolicy policy) {
  std::vector<int> cpus = CpusForPolicy(policy);
  int available = static_cast<int>(cpus.size());
  num_threads_ = num_threads > 0 ? num_threads : available;
  if (policy != AFFINITY_NONE) {
    num_threads_ = std::min(num_threads_, available);
    PinCurrentThread(cpus);
  }
  for (int i = 1; i < num_threads_; ++i) {
    workers_.emplace_back([this, i, cpus, policy] {
      if (policy != AFFINITY_NONE) PinCurrentThread(cpus);
      WorkerLoop(i);
    });
  }
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
    ++generation_;
    published_.store(generation_, std::memory_order_release);
  }
  wake_.notify_all();
  for (auto &t : workers_) t.join();
}

void ThreadPool::WorkerLoop(int index) {
  uint64_t seen = 0;
  for (;;) {
    // Spin briefly: ops run back to back, so the next task usually comes within microseconds.
    for (int spin = 0; spin < 4000 && published_.load(std::memory_order_acquire) == seen; ++spin) {
#if defined(__x86_64__) || defined(__i386__)
      __builtin_ia32_pause();
#endif
    }
    const std::function<void(int)> *task;
    int chunks;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [&] { return generation_ != seen; });
      seen = generation_;
      if (stop_) return;
      task = task_;
      chunks = task_chunks_;
    }
    if (index < chunks) (*task)(index);
    if (pending_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      std::lock_guard<std::mutex> lock(mutex_);
      done_.notify_one();
    }
  }
}

void ThreadPool::ParallelFor(int64_t begin, int64_t end, int64_t min_chunk,
                             const std::function<void(int64_t, int64_t)> &fn) {
  const int64_t total = end - begin;
  if (total <= 0) return;
  min_chunk = std::max<int64_t>(1, min_chunk);
  int64_t chunks = std::min<int64_t>(num_threads_, (total + min_chunk - 1) / min_chunk);
  if (chunks <= 1 || workers_.empty()) {
    fn(begin, end);
    return;
  }
  const int64_t step = (total + chunks - 1) / chunks;
  chunks = (total + step - 1) / step;
  std::function<void(int)> run_chunk = [&](int c) {
    int64_t s = begin + c * step;
    fn(s, std::min(end, s + step));
  };
  {
    std::lock_guard<std::mutex> lock(mutex_);
    task_ = &run_chunk;
    task_chunks_ = static_cast<int>(chunks);
    pending_.store(static_cast<int>(workers_.size()), std::memory_order_release);
    ++generation_;
    published_.store(generation_, std::memory_order_release);
  }
  wake_.notify_all();
  run_chunk(0);
  // Wait for every worker to have passed the task, so `run_chunk` may go out of scope.
  for (int spin = 0; spin < 20000 && pending_.load(std::memory_order_acquire) != 0; ++spin) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
  }
  std::unique_lock<std::mutex> lock(mutex_);
  done_.wait(lock, [&] { return pending_.load(std::memory_order_acquire) == 0; });
}

}  // namespace mace
