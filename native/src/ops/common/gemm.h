// Single-precision GEMM shared by the CPU ops (Conv, ConvTranspose, Gemm, MatMul):
//   C[m,n] = act(alpha * op(A)[m,k] * op(B)[k,n] + beta * C + bias)
// Cache-blocked (KC-deep blocks; A packed into MR-row panels, B into NR-column panels) with a
// register-blocked MR x NR micro-kernel (NEON intrinsics on ARM, else plain C++), parallel
// over tiles of C. An operand is either a strided (optionally transposed) matrix, a
// PackedMatrix packed once (constant weights, packed in Op::Init), or - for B - a callback
// that writes packed panels itself (Conv's implicit im2col), so no full im2col buffer exists.
// Matrix-vector products (m or n == 1 with dense operands) skip packing. On ARM, NEON
// micro-kernels (gemm_kernel_neon.h) replace the C++ one and set kMR/kNR; the interface stays.
#ifndef MACE_OPS_COMMON_GEMM_H_
#define MACE_OPS_COMMON_GEMM_H_

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <vector>

#include "core/thread_pool.h"
#include "ops/common/activation.h"

namespace mace {
namespace gemm {

// Micro-kernel tile and cache block sizes. Packed layouts depend on them; they are only
// ever produced and consumed by this library, so a faster kernel may change them. The ARM
// tiles match the NEON kernels in gemm_kernel_neon.h, sized to the vector register file.
#if defined(__aarch64__)
constexpr int kMR = 8;   // 8x12: 24 accumulators + 3 B + 2 A of the 32 q-registers
constexpr int kNR = 12;
#elif defined(__ARM_NEON)
constexpr int kMR = 6;   // 6x8: 12 accumulators + 2 B + 3 A halves of the 16 q-registers
constexpr int kNR = 8;
#else
constexpr int kMR = 4;   // rows of C per micro-kernel
constexpr int kNR = 8;   // columns of C per micro-kernel
#endif
constexpr int64_t kKC = 256;                  // depth of a packed block
constexpr int64_t kMC = 96;                   // rows of A packed per block (multiple of kMR)
constexpr int64_t kNC = 1024 / kNR * kNR;     // columns of B packed per block (multiple of kNR)

// 64-byte aligned float storage (packed operands and scratch).
class AlignedFloats {
 public:
  AlignedFloats() = default;
  // Makes room for n floats; contents are not kept. Returns false when out of memory.
  bool Reserve(int64_t n);
  float *data() const { return data_.get(); }
  int64_t capacity() const { return capacity_; }

 private:
  struct Free {
    void operator()(float *p) const { std::free(p); }
  };
  std::unique_ptr<float, Free> data_;
  int64_t capacity_ = 0;
};

// A whole operand packed once for repeated use: op(A) [rows=m, cols=k] as the left operand
// or op(B) [rows=k, cols=n] as the right one.
//
// Layout (A side): for each k-block starting at k0 (depth kc = min(kKC, k - k0)) at offset
// k0 * round_up(m, kMR): ceil(m / kMR) panels of kc x kMR floats (row i0+r of panel p, depth
// k0+t at p*kc*kMR + t*kMR + r). B side likewise with kNR-wide column panels of kc x kNR.
// Padding rows/columns are zero.
class PackedMatrix {
 public:
  enum class Side { A, B };

  // Packs op(A) where element (i, p) is a[i*lda + p] (trans: a[p*lda + i]).
  MaceStatus PackA(const float *a, int64_t lda, bool trans, int64_t m, int64_t k);
  // Packs op(B) where element (p, j) is b[p*ldb + j] (trans: b[j*ldb + p]).
  MaceStatus PackB(const float *b, int64_t ldb, bool trans, int64_t k, int64_t n);

  bool empty() const { return outer_ == 0 && depth_ == 0; }
  Side side() const { return side_; }
  int64_t outer() const { return outer_; }  // m for A, n for B
  int64_t depth() const { return depth_; }  // k
  // Start of the panel holding row (A) / column (B) `index` (a multiple of the panel width)
  // inside the k-block starting at `k0`.
  const float *Panel(int64_t k0, int64_t index) const;

 private:
  Side side_ = Side::A;
  int64_t outer_ = 0, depth_ = 0, padded_ = 0;
  AlignedFloats data_;
};

// Writes rows [k0, k0+kc) x columns [j0, j0+nc) of the virtual B matrix into `dst` as
// ceil(nc/nr) panels of kc x nr floats (column j0+p*nr+q, row k0+t at dst[p*kc*nr + t*nr + q]),
// zero-filling the columns past nc. Called once per packed block, from any thread.
using PackBFn = void (*)(const void *ctx, int64_t k0, int64_t kc, int64_t j0, int64_t nc, int nr,
                         float *dst);

struct Operand {
  const float *data = nullptr;  // dense: element (row, col) at data[row*ld + col] (trans: col*ld + row)
  int64_t ld = 0;
  bool trans = false;
  const PackedMatrix *packed = nullptr;  // set: use these packed panels
  PackBFn pack_fn = nullptr;             // set (B only): the callback packs the panels
  const void *pack_ctx = nullptr;

  static Operand Dense(const float *data, int64_t ld, bool trans) {
    Operand o;
    o.data = data;
    o.ld = ld;
    o.trans = trans;
    return o;
  }
  static Operand Packed(const PackedMatrix &p) {
    Operand o;
    o.packed = &p;
    return o;
  }
  static Operand Custom(PackBFn fn, const void *ctx) {
    Operand o;
    o.pack_fn = fn;
    o.pack_ctx = ctx;
    return o;
  }
};

struct Epilogue {
  enum class Bias { NONE, PER_ROW, PER_COL };
  Bias bias_kind = Bias::NONE;
  const float *bias = nullptr;  // m values (PER_ROW) or n values (PER_COL)
  Activation activation;        // applied last
};

// pool->ParallelFor, or fn(begin, end) on the calling thread when pool is null.
template <typename Fn>
void RunParallel(ThreadPool *pool, int64_t begin, int64_t end, int64_t min_chunk, const Fn &fn) {
  if (pool != nullptr) pool->ParallelFor(begin, end, min_chunk, fn);
  else if (end > begin) fn(begin, end);
}

// Runs `count` independent jobs fn(job, gemm_pool) -> MaceStatus (e.g. one GEMM per image and
// group, or per batch matrix). Small jobs run in parallel, one per task, each given a null
// pool; large ones run one after another, each given `pool` to parallelise inside. Returns the
// first error.
template <typename Fn>
MaceStatus RunJobs(ThreadPool *pool, int64_t count, int64_t macs_per_job, const Fn &fn) {
  const int threads = pool ? pool->num_threads() : 1;
  if (count > 1 && threads > 1 && count >= threads && macs_per_job < (int64_t{1} << 21)) {
    std::atomic<int64_t> first_failed{count};
    std::vector<MaceStatus> status(static_cast<size_t>(count));
    pool->ParallelFor(0, count, 1, [&](int64_t begin, int64_t end) {
      for (int64_t j = begin; j < end; ++j) {
        status[j] = fn(j, static_cast<ThreadPool *>(nullptr));
        if (!status[j].ok()) {
          int64_t expected = first_failed.load();
          while (j < expected && !first_failed.compare_exchange_weak(expected, j)) {
          }
          return;
        }
      }
    });
    const int64_t failed = first_failed.load();
    return failed < count ? status[failed] : MaceStatus(MaceStatus::MACE_SUCCESS);
  }
  for (int64_t j = 0; j < count; ++j) MACE_RETURN_IF_ERROR(fn(j, pool));
  return MaceStatus::MACE_SUCCESS;
}

// C = act(alpha * op(A) * op(B) + beta * C + bias). C is m x n with row stride ldc. beta == 0
// never reads C (its contents may be garbage). A packed operand must match m/k (A) or k/n
// (B). Runs on `pool` when the problem is large enough; pool may be null (serial).
MaceStatus Sgemm(int64_t m, int64_t n, int64_t k, float alpha, const Operand &a,
                 const Operand &b, float beta, float *c, int64_t ldc, const Epilogue &epilogue,
                 ThreadPool *pool);

}  // namespace gemm
}  // namespace mace

#endif  // MACE_OPS_COMMON_GEMM_H_
