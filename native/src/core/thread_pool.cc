#include "core/thread_pool.h"

#include <algorithm>
#include <chrono>
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

// Tells a spinning core that it waits (lets the sibling hyperthread run, saves power).
inline void CpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__) || (defined(__ARM_ARCH) && __ARM_ARCH >= 7)
  asm volatile("yield");
#endif
}

// Set while a thread runs a chunk of a pool job, so a nested ParallelFor runs inline.
thread_local bool t_in_task = false;

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

ThreadPool::ThreadPool(int num_threads, CPUAffinityPolicy policy, bool allow_oversubscription) {
  std::vector<int> cpus = CpusForPolicy(policy);
  const int available = std::max(1, static_cast<int>(cpus.size()));
  num_threads_ = num_threads > 0 ? num_threads : available;
  // More threads than cores only makes them take turns, each turn a chunk the others wait for.
  if (!allow_oversubscription) num_threads_ = std::min(num_threads_, available);
  if (policy != AFFINITY_NONE) PinCurrentThread(cpus);
  for (int i = 1; i < num_threads_; ++i) {
    workers_.emplace_back([this, cpus, policy] {
      if (policy != AFFINITY_NONE) PinCurrentThread(cpus);
      WorkerLoop();
    });
  }
}

ThreadPool::~ThreadPool() {
  stop_.store(true);
  published_.fetch_add(1);
  {
    std::lock_guard<std::mutex> lock(mutex_);
  }
  wake_.notify_all();
  for (auto &t : workers_) t.join();
}

void ThreadPool::WorkerLoop() {
  using Clock = std::chrono::steady_clock;
  // Start from 0, not from the current count: a worker that starts late must still see the
  // destructor's stop (and may join a job already open, which the protocol below allows).
  uint64_t seen = 0;
  for (;;) {
    // Spin first: ops run back to back, so the next job usually comes within microseconds.
    const auto spin_until = Clock::now() + std::chrono::microseconds(kSpinMicros);
    for (int spin = 1; published_.load(std::memory_order_acquire) == seen; ++spin) {
      CpuRelax();
      if (spin % 64 == 0 && Clock::now() > spin_until) {
        // Sleep. sleepers_ is raised before the last check of published_, and the caller reads
        // sleepers_ after raising published_ (both sequentially consistent), so either the
        // caller sees a sleeper and notifies under the mutex, or this check sees the new job.
        std::unique_lock<std::mutex> lock(mutex_);
        sleepers_.fetch_add(1);
        wake_.wait(lock, [&] { return published_.load() != seen; });
        sleepers_.fetch_sub(1);
        break;
      }
    }
    seen = published_.load(std::memory_order_acquire);
    if (stop_.load()) return;
    // Enter, then check that the job is still open (Dekker-style with the caller, which closes
    // the job and later waits for active_ == 0 before it writes the next one): a worker that
    // woke too late sees the job closed and leaves without touching it.
    active_.fetch_add(1);
    if (open_.load()) RunChunks();
    active_.fetch_sub(1, std::memory_order_release);
  }
}

void ThreadPool::RunChunks() {
  const std::function<void(int64_t, int64_t)> &fn = *fn_;
  const int64_t begin = begin_, end = end_, step = step_, chunks = chunks_;
  const bool outer = t_in_task;
  t_in_task = true;
  for (int64_t c; (c = next_chunk_.fetch_add(1, std::memory_order_relaxed)) < chunks;) {
    const int64_t s = begin + c * step;
    fn(s, std::min(end, s + step));
    done_chunks_.fetch_add(1, std::memory_order_release);
  }
  t_in_task = outer;
}

void ThreadPool::ParallelFor(int64_t begin, int64_t end, int64_t min_chunk,
                             const std::function<void(int64_t, int64_t)> &fn) {
  const int64_t total = end - begin;
  if (total <= 0) return;
  min_chunk = std::max<int64_t>(1, min_chunk);
  // Only as many chunks as fit min_chunk each, so splitting never makes a chunk too small to
  // be worth a thread.
  int64_t chunks = std::min<int64_t>(num_threads_, total / min_chunk);
  // Inline: one chunk, no workers, nested inside a chunk, or another thread has the pool.
  if (chunks <= 1 || workers_.empty() || t_in_task || busy_.exchange(true, std::memory_order_acquire)) {
    fn(begin, end);
    return;
  }
  const int64_t step = (total + chunks - 1) / chunks;
  chunks = (total + step - 1) / step;

  // A worker that entered the previous job late may still be leaving it: wait (it only
  // checks open_ and leaves) before overwriting the job. Sequentially consistent, like the
  // worker's increment and open_ check (a Dekker pair: a store, then a load, on each side).
  for (int spin = 0; active_.load() != 0; ++spin) {
    if (spin < 1000) CpuRelax();
    else std::this_thread::yield();
  }
  fn_ = &fn;
  begin_ = begin;
  end_ = end;
  step_ = step;
  chunks_ = chunks;
  next_chunk_.store(0, std::memory_order_relaxed);
  done_chunks_.store(0, std::memory_order_relaxed);
  open_.store(true);
  published_.fetch_add(1);
  if (sleepers_.load() > 0) {
    { std::lock_guard<std::mutex> lock(mutex_); }
    wake_.notify_all();
  }

  RunChunks();  // the caller's share, and whatever late workers have not claimed
  // The remaining chunks are running on workers: wait for them, yielding the core after a
  // while in case one of them was descheduled on this core.
  for (int spin = 0; done_chunks_.load(std::memory_order_acquire) != chunks; ++spin) {
    if (spin < 4000) CpuRelax();
    else std::this_thread::yield();
  }
  open_.store(false);
  busy_.store(false, std::memory_order_release);
}

}  // namespace mace
