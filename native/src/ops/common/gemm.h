// Single-precision GEMM shared by the CPU ops (Conv, ConvTranspose, Gemm, MatMul):
//   C[m,n] = act(alpha * op(A)[m,k] * op(B)[k,n] + beta * C + bias)
// Cache-blocked (KC-deep blocks; A packed into MR-row panels, B into NR-column panels) with a
// register-blocked MR x NR micro-kernel chosen at run time (Kernel: AVX-512 8x48, AVX2+FMA
// 6x16, else NEON intrinsics on ARM or plain C++), which also applies the epilogue, parallel
// over tiles of C. An operand is either a strided (optionally transposed) matrix, a
// PackedMatrix packed once (constant weights, packed in Op::Init), or - for B - a callback
// that writes packed panels itself (Conv's implicit im2col), so no full im2col buffer exists.
// Matrix-vector products (m or n == 1 with dense operands) skip packing.
#ifndef MACE_OPS_COMMON_GEMM_H_
#define MACE_OPS_COMMON_GEMM_H_

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <vector>

#include "core/cpu_features.h"
#include "core/thread_pool.h"
#include "ops/common/activation.h"

namespace mace {
namespace gemm {

// One micro-kernel tile of C, handed to a Kernel's tile function. The tile's packed panels
// are a[t*mr + i] and b[t*nr + j] (the kernel's mr/nr; zero-padded past the matrix edge); only
// the valid rows x cols part of C is read or written. The epilogue runs while the tile is
// still in registers:  C = act(alpha * A*B + (load_c ? beta * C : 0) + bias).
struct TileArgs {
  int64_t kc;
  const float *a, *b;
  int64_t ldb;              // floats from one depth step of b to the next: nr for a packed
                            // panel, the row stride when B is read in place
  bool b_in_place;          // B read in place (Kernel::direct_b_panels): columns past `cols` are
                            // not padding and must not be loaded
  float *c;
  int64_t ldc;
  int rows, cols;
  float alpha, beta;
  bool load_c;              // false: C is not read (first depth block with beta == 0)
  const float *row_bias;    // `rows` values (last depth block only), or null
  const float *col_bias;    // `cols` values (last depth block only), or null
  const Activation *act;    // last depth block only, or null
};
using TileFn = void (*)(const TileArgs &args);

// How far ahead (floats) the micro-kernels prefetch their A panel, one prefetch per depth step.
// A is mostly packed weights, read once per call and often pushed out of the caches by the
// layers before; the hardware prefetcher alone left each step waiting on memory (a 320x49x960
// GEMM with cold weights: 214 us -> 162 us on Zen 5, about 3% slower when hot; whole models 2-8%).
constexpr int64_t kPrefetchA = 1024;

// A matrix-vector product (m or n == 1, dense operands: Sgemm skips packing): each output is
// a dot product of a contiguous row with x ("dot form") or the outputs are accumulated row by
// row as axpy updates ("axpy form").

struct GemvJob {
  int64_t outputs, k;
  const float *mat;  // dot form: output o, depth t at mat[o*ld + t]; axpy form: mat[t*ld + o]
  int64_t ld;
  bool dot_form;
  const float *x;  // k contiguous values
  float alpha, beta;
  float *out;
  int64_t out_stride;
  const float *bias;  // bias of output o at bias[o * bias_stride]; null when none
  int64_t bias_stride;
  const Activation *activation;
};

// Computes outputs [begin, end) of a GemvJob (gemv_kernel.h, compiled per instruction set).
using GemvFn = void (*)(const GemvJob &job, int64_t begin, int64_t end);

// A micro-kernel for one instruction set with the tile it computes and the cache blocks tuned
// for it. Packed layouts depend on mr/nr/kc, so a PackedMatrix remembers the kernel it was
// packed for and Sgemm runs with that kernel.
struct Kernel {
  Isa isa;
  const char *name;
  int mr, nr;          // micro-tile: rows of A panels, columns of B panels
  int64_t kc, mc, nc;  // depth, rows of A and columns of B per cache block
  TileFn tile;
  // The tile can read a dense B in place (TileArgs::ldb, masking the tail) instead of from
  // packed panels; Sgemm does so when A has at most this many row panels (kAnyPanels: always)
  // or B is shallow. In place, each row panel streams the B block from L2 again; packing copies
  // B once so the block stays in L1. With AVX-512's 8x48 tiles (4608 FMAs per 192-deep tile) the stream keeps up and no copy pays (14x14 and 7x7 projections 5-16% faster
  // on Zen 4); AVX2's 6x16 tiles read twice the bytes per FMA and lost past 16 panels.
  int direct_b_panels;  // 0: B is never read in place
  GemvFn gemv;         // matrix-vector products with this instruction set
  int lanes;           // floats per vector: threads split C's columns at this granularity
};

constexpr int kAnyPanels = 1 << 30;

// The fastest kernel usable at `isa` (kGeneric on ARM builds means the NEON kernels).
const Kernel &KernelFor(Isa isa);
// The kernel new GEMMs and packs use: KernelFor(CpuIsa()), unless a test caps it below.
const Kernel &DefaultKernel();
// Caps DefaultKernel() at `isa` for this process (tests run every path on one machine);
// returns the previous cap. Not for concurrent use with running GEMMs.
Isa SetIsaCapForTesting(Isa isa);

// Per-instruction-set kernels (gemm_kernel_avx2.cc / gemm_kernel_avx512.cc). Null when the
// build has no such kernel (non-x86 targets).
const Kernel *Avx2Kernel();
const Kernel *Avx512Kernel();

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
// Layout (A side, for the kernel's MR/NR/KC): for each k-block starting at k0 (depth
// kc = min(KC, k - k0)) at offset k0 * round_up(m, MR): ceil(m / MR) panels of kc x MR floats
// (row i0+r of panel p, depth k0+t at p*kc*MR + t*MR + r). B side likewise with NR-wide column
// panels of kc x NR. Padding rows/columns are zero.
class PackedMatrix {
 public:
  enum class Side { A, B };

  // Packs op(A) where element (i, p) is a[i*lda + p] (trans: a[p*lda + i]).
  // `kernel` defaults to DefaultKernel().
  MaceStatus PackA(const float *a, int64_t lda, bool trans, int64_t m, int64_t k,
                   const Kernel *kernel = nullptr);
  // Packs op(B) where element (p, j) is b[p*ldb + j] (trans: b[j*ldb + p]).
  MaceStatus PackB(const float *b, int64_t ldb, bool trans, int64_t k, int64_t n,
                   const Kernel *kernel = nullptr);
  const Kernel *kernel() const { return kernel_; }

  bool empty() const { return outer_ == 0 && depth_ == 0; }
  Side side() const { return side_; }
  int64_t outer() const { return outer_; }  // m for A, n for B
  int64_t depth() const { return depth_; }  // k
  // Start of the panel holding row (A) / column (B) `index` (a multiple of the panel width)
  // inside the k-block starting at `k0`.
  const float *Panel(int64_t k0, int64_t index) const;

 private:
  Side side_ = Side::A;
  const Kernel *kernel_ = nullptr;
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
// (B). Runs on `pool` when the problem is large enough; pool may be null (serial). The kernel
// is the packed operands' (they must agree), else `kernel`, else DefaultKernel().
MaceStatus Sgemm(int64_t m, int64_t n, int64_t k, float alpha, const Operand &a,
                 const Operand &b, float beta, float *c, int64_t ldc, const Epilogue &epilogue,
                 ThreadPool *pool, const Kernel *kernel = nullptr);

}  // namespace gemm
}  // namespace mace

#endif  // MACE_OPS_COMMON_GEMM_H_
