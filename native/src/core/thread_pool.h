// A persistent pool of worker threads for the CPU ops' data-parallel loops.
//
// Design, and why (2 threads used to be slower than 1 on most models):
// - Persistent workers, created once per engine. Between the ops of one Run they spin for a
//   short while (kSpinMicros) on an atomic generation counter instead of sleeping, because the
//   next ParallelFor usually comes within microseconds and a futex wake-up costs tens of
//   microseconds (far more on a loaded machine). Only after that do they sleep on a condition
//   variable, and the caller touches the mutex only when some worker actually sleeps.
// - Static partitioning: a loop is cut into at most num_threads() equal chunks (never shorter
//   than min_chunk), so each thread normally runs one contiguous chunk and the GEMM's one tile
//   per thread stays one tile per thread.
// - The calling thread does its share: it takes chunks itself, so a pool of N threads starts
//   N-1 workers. Chunks are claimed from an atomic counter, so when a worker is late (asleep,
//   or descheduled because another process has the core) the caller runs the remaining chunks
//   itself instead of waiting for the worker to wake: T threads are then never much slower
//   than 1.
// - No oversubscription: the thread count is capped by the CPUs the affinity policy allows
//   (the process's affinity mask on a symmetric machine).
// - A ParallelFor issued from inside a chunk (nested), or by a second thread while the pool is
//   busy, runs inline on the calling thread: correct, never a deadlock.
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
  // num_threads <= 0: one per core allowed by the policy. More threads than allowed cores are
  // capped to that count unless allow_oversubscription (for tests that stress many workers).
  ThreadPool(int num_threads, CPUAffinityPolicy policy, bool allow_oversubscription = false);
  ~ThreadPool();
  ThreadPool(const ThreadPool &) = delete;
  ThreadPool &operator=(const ThreadPool &) = delete;

  int num_threads() const { return num_threads_; }

  // Calls fn(start, end) over disjoint chunks covering [begin, end), at most num_threads()
  // of them, each at least `min_chunk` long (except the last), so tiny loops stay on the
  // calling thread. Returns when every chunk has run.
  void ParallelFor(int64_t begin, int64_t end, int64_t min_chunk,
                   const std::function<void(int64_t, int64_t)> &fn);

  // The CPUs a policy selects on this machine (by max frequency), for tests and reports.
  static std::vector<int> CpusForPolicy(CPUAffinityPolicy policy);

  // How long an idle worker spins before it sleeps.
  static constexpr int kSpinMicros = 200;

 private:
  void WorkerLoop();
  // Claims and runs chunks of the open job until none is left.
  void RunChunks();

  int num_threads_;
  std::vector<std::thread> workers_;

  // The job. The plain fields are written by the caller only while no worker is inside a job
  // (active_ == 0), before open_ is set (release); workers read them after seeing open_.
  const std::function<void(int64_t, int64_t)> *fn_ = nullptr;
  int64_t begin_ = 0, end_ = 0, step_ = 0, chunks_ = 0;
  std::atomic<int64_t> next_chunk_{0};  // the next chunk to claim
  std::atomic<int64_t> done_chunks_{0};
  std::atomic<bool> open_{false};
  std::atomic<int> active_{0};          // workers between entering and leaving a job
  std::atomic<bool> busy_{false};       // a ParallelFor is in progress

  // Waking: workers spin on published_, then sleep on wake_.
  std::atomic<uint64_t> published_{0};
  std::atomic<int> sleepers_{0};
  std::mutex mutex_;
  std::condition_variable wake_;
  std::atomic<bool> stop_{false};
};

}  // namespace mace

#endif  // MACE_CORE_THREAD_POOL_H_
