// Blocked, packed single-precision GEMM (see gemm.h). Loop order follows BLIS: columns of C in
// NC blocks, depth in KC blocks (B block packed), rows in MC blocks (A block packed), then
// MR x NR micro-tiles computed by the run-time selected Kernel (gemm_kernel_avx512.cc,
// gemm_kernel_avx2.cc, NEON on ARM, else the plain C++ kernel here), which applies the epilogue.
#include "ops/common/gemm.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <new>
#include <vector>

#include "core/memory.h"

// ARM builds (aarch64, or ARMv7-A built with -mfpu=neon) use NEON intrinsics: they pin a
// larger tile in registers and use lane-indexed multiply-adds, which the auto-vectoriser does
// not reliably produce from the C++ kernel.
#if defined(__aarch64__) || defined(__ARM_NEON)
#define MACE_GEMM_NEON 1
#include "ops/common/gemm_kernel_neon.h"
#else
#define MACE_GEMM_NEON 0
#endif
#include "ops/common/gemv_kernel.h"

namespace mace {
namespace gemm {


bool AlignedFloats::Reserve(int64_t n) {
  if (n <= capacity_) return true;
  size_t bytes = static_cast<size_t>(n) * sizeof(float);
  bytes = (bytes + 63) / 64 * 64;
  void *p = AllocateAligned(bytes, 64);
  if (p == nullptr) return false;
  data_.reset(static_cast<float *>(p));
  capacity_ = n;
  return true;
}

namespace {

inline int64_t RoundUp(int64_t x, int64_t m) { return (x + m - 1) / m * m; }
inline int64_t CeilDiv(int64_t x, int64_t m) { return (x + m - 1) / m; }

// Packs rows [i0, i0+mc) x depth [k0, k0+kc) of a dense op(A) into MR-row panels.
void PackADense(const Operand &a, int64_t i0, int64_t mc, int64_t k0, int64_t kc, int MR,
                float *dst) {
  for (int64_t p = 0; p < mc; p += MR) {
    const int64_t rows = std::min<int64_t>(MR, mc - p);
    float *panel = dst + p * kc;
    if (!a.trans) {
      // Element (i, t) at data[i*ld + t]: read each row contiguously.
      for (int64_t r = 0; r < rows; ++r) {
        const float *src = a.data + (i0 + p + r) * a.ld + k0;
        for (int64_t t = 0; t < kc; ++t) panel[t * MR + r] = src[t];
      }
      for (int64_t r = rows; r < MR; ++r)
        for (int64_t t = 0; t < kc; ++t) panel[t * MR + r] = 0.f;
    } else {
      // Element (i, t) at data[t*ld + i]: a panel row is contiguous in memory.
      for (int64_t t = 0; t < kc; ++t) {
        const float *src = a.data + (k0 + t) * a.ld + i0 + p;
        float *out = panel + t * MR;
        int64_t r = 0;
        for (; r < rows; ++r) out[r] = src[r];
        for (; r < MR; ++r) out[r] = 0.f;
      }
    }
  }
}

// Packs depth [k0, k0+kc) x columns [j0, j0+nc) of a dense op(B) into NR-column panels.
void PackBDense(const Operand &b, int64_t k0, int64_t kc, int64_t j0, int64_t nc, int NR,
                float *dst) {
  for (int64_t p = 0; p < nc; p += NR) {
    const int64_t cols = std::min<int64_t>(NR, nc - p);
    float *panel = dst + p * kc;
    if (!b.trans) {
      // Element (t, j) at data[t*ld + j]: a panel row is contiguous.
      for (int64_t t = 0; t < kc; ++t) {
        const float *src = b.data + (k0 + t) * b.ld + j0 + p;
        float *out = panel + t * NR;
        if (cols == NR) {
          std::memcpy(out, src, sizeof(float) * NR);
        } else {
          int64_t q = 0;
          for (; q < cols; ++q) out[q] = src[q];
          for (; q < NR; ++q) out[q] = 0.f;
        }
      }
    } else {
      // Element (t, j) at data[j*ld + t]: read each column contiguously.
      for (int64_t q = 0; q < cols; ++q) {
        const float *src = b.data + (j0 + p + q) * b.ld + k0;
        for (int64_t t = 0; t < kc; ++t) panel[t * NR + q] = src[t];
      }
      for (int64_t q = cols; q < NR; ++q)
        for (int64_t t = 0; t < kc; ++t) panel[t * NR + q] = 0.f;
    }
  }
}

// Applies the epilogue to an accumulated tile acc[rows][nr] held in memory (the generic and
// NEON kernels; the x86 kernels do this in registers).
void StoreAcc(const TileArgs &t, const float *acc, int nr) {
  for (int i = 0; i < t.rows; ++i) {
    float *ci = t.c + i * t.ldc;
    const float *ai = acc + i * nr;
    const float rb = t.row_bias ? t.row_bias[i] : 0.f;
    for (int j = 0; j < t.cols; ++j) {
      float v = t.alpha * ai[j] + rb;
      if (t.load_c) v += t.beta * ci[j];
      if (t.col_bias) v += t.col_bias[j];
      ci[j] = v;
    }
    if (t.act) t.act->ApplyInPlace(ci, t.cols);
  }
}

#if MACE_GEMM_NEON

constexpr int kMR = neon::kNeonMR, kNR = neon::kNeonNR;

// The full tile (padding rows/columns are zero) computed by NEON, stored through StoreAcc.
void PortableTile(const TileArgs &t) {
  alignas(64) float acc[kMR * kNR];
  neon::NeonMicroKernel(t.kc, t.a, t.b, acc);
  StoreAcc(t, acc, kNR);
}

#else

constexpr int kMR = 4, kNR = 8;

// acc[kMR][kNR] (first MRR rows) = sum over t of a[t][i] * b[t][j]. Loading the a and b
// slices into locals first lets the compiler keep the accumulators in vector registers.
template <int MRR>
void MicroKernel(int64_t kc, const float *__restrict a, const float *__restrict b,
                 float *__restrict acc) {
  float c[MRR][kNR];
  for (int i = 0; i < MRR; ++i)
    for (int j = 0; j < kNR; ++j) c[i][j] = 0.f;
  for (int64_t t = 0; t < kc; ++t) {
    float bv[kNR], av[MRR];
    for (int j = 0; j < kNR; ++j) bv[j] = b[t * kNR + j];
    for (int i = 0; i < MRR; ++i) av[i] = a[t * kMR + i];
    for (int i = 0; i < MRR; ++i)
      for (int j = 0; j < kNR; ++j) c[i][j] += av[i] * bv[j];
  }
  for (int i = 0; i < MRR; ++i)
    for (int j = 0; j < kNR; ++j) acc[i * kNR + j] = c[i][j];
}

using MicroKernelFn = void (*)(int64_t, const float *, const float *, float *);
const MicroKernelFn kMicroKernels[kMR + 1] = {nullptr, MicroKernel<1>, MicroKernel<2>,
                                              MicroKernel<3>, MicroKernel<4>};

// Partial row tiles skip the padding rows.
void PortableTile(const TileArgs &t) {
  alignas(64) float acc[kMR * kNR];
  kMicroKernels[t.rows](t.kc, t.a, t.b, acc);
  StoreAcc(t, acc, kNR);
}

#endif

// NEON on ARM, plain C++ elsewhere: small tiles and blocks sized for small caches.
const Kernel kPortableKernel = {Isa::kGeneric, MACE_GEMM_NEON ? "neon" : "generic", kMR, kNR,
                                256, kMR * (96 / kMR), 1024 / kNR * kNR, PortableTile, 0,
                                GemvRange, kNR};  // (its tiles read whole panels)

std::atomic<int> g_isa_cap{static_cast<int>(Isa::kAvx512)};

struct GemmJob {
  int64_t m, n, k;
  float alpha, beta;
  const Operand *a, *b;
  float *c;
  int64_t ldc;
  const Epilogue *ep;
  const Kernel *kern;
  bool b_in_place;  // a dense B read in place (Kernel::direct_b_panels), not packed
};

// B is read in place (Kernel::direct_b_panels) when it is this shallow, whatever m is: few rows
// of B are few streams to read.
constexpr int64_t kDirectBMaxDepth = 64;

// Tile order within a block. Normally each B micro-panel stays in L1 while the row panels of
// the A block pass over it, writing a short run into every row of C in the block. With
// shallow depths a tile is mostly its stores, and those runs into cold lines of many rows kept
// the store queue waiting, so a shallow block small enough to stay in L2 is swept by each A
// micro-panel in turn instead: C is written as MR sequential row streams (1x1 convs on large
// planes, 1 thread: 16x112x112->96 4% faster, 32x112x112->16 2%; deeper blocks gained nothing
// and lost up to 6% at 2 threads).
constexpr int64_t kRowsOuterMaxDepth = 32;
constexpr int64_t kRowsOuterMaxBBytes = 256 * 1024;

// Per-thread packing buffers, grown on demand and kept for the next call.
struct Scratch {
  AlignedFloats a, b;
};
Scratch &ThreadScratch() {
  thread_local Scratch scratch;
  return scratch;
}

// Computes C rows [i_begin, i_end) x columns [j_begin, j_end); i_begin is a multiple of the
// row panel height, j_begin of the panel width when B was packed once (else of a vector).
// Returns false when a scratch buffer could not be allocated.
bool RunTile(const GemmJob &job, int64_t i_begin, int64_t i_end, int64_t j_begin, int64_t j_end) {
  const Operand &a = *job.a;
  const Operand &b = *job.b;
  const Kernel &kern = *job.kern;
  const int64_t KC = kern.kc, MC = kern.mc, NC = kern.nc;
  const int MR = kern.mr, NR = kern.nr;
  Scratch &scratch = ThreadScratch();
  const bool direct_b = job.b_in_place;
  if (!b.packed && !direct_b && !scratch.b.Reserve(KC * NC)) return false;
  if (!a.packed && !scratch.a.Reserve(KC * MC)) return false;
  const Epilogue &ep = *job.ep;
  TileArgs t;
  t.ldc = job.ldc;
  t.alpha = job.alpha;
  for (int64_t jc = j_begin; jc < j_end; jc += NC) {
    const int64_t nc = std::min(NC, j_end - jc);
    for (int64_t pc = 0; pc < job.k; pc += KC) {
      const int64_t kc = std::min(KC, job.k - pc);
      const bool first = pc == 0, last = pc + kc == job.k;
      const float *bp;
      int64_t panel_stride;  // floats from one NR-column panel of bp to the next
      t.ldb = NR;
      t.b_in_place = direct_b;
      panel_stride = kc * NR;
      if (direct_b) {
        bp = b.data + pc * b.ld + jc;
        t.ldb = b.ld;
        panel_stride = NR;
      } else if (b.packed) {
        bp = b.packed->Panel(pc, jc);
      } else if (b.pack_fn) {
        b.pack_fn(b.pack_ctx, pc, kc, jc, nc, NR, scratch.b.data());
        bp = scratch.b.data();
      } else {
        PackBDense(b, pc, kc, jc, nc, NR, scratch.b.data());
        bp = scratch.b.data();
      }
      t.kc = kc;
      t.load_c = !first || job.beta != 0.f;
      t.beta = first ? job.beta : 1.f;
      t.act = last ? &ep.activation : nullptr;
      for (int64_t ic = i_begin; ic < i_end; ic += MC) {
        const int64_t mc = std::min(MC, i_end - ic);
        const float *ap;
        if (a.packed) {
          ap = a.packed->Panel(pc, ic);
        } else {
          PackADense(a, ic, mc, pc, kc, MR, scratch.a.data());
          ap = scratch.a.data();
        }
        auto tile = [&](int64_t ir, int64_t jr) {
          const int64_t row = ic + ir, col = jc + jr;
          t.rows = static_cast<int>(std::min<int64_t>(MR, mc - ir));
          t.cols = static_cast<int>(std::min<int64_t>(NR, nc - jr));
          t.a = ap + ir * kc;
          t.b = bp + jr / NR * panel_stride;
          t.c = job.c + row * job.ldc + col;
          t.row_bias = last && ep.bias_kind == Epilogue::Bias::PER_ROW ? ep.bias + row : nullptr;
          t.col_bias = last && ep.bias_kind == Epilogue::Bias::PER_COL ? ep.bias + col : nullptr;
          kern.tile(t);
        };
        if (kc <= kRowsOuterMaxDepth && kc * nc * int64_t{sizeof(float)} <= kRowsOuterMaxBBytes) {
          for (int64_t ir = 0; ir < mc; ir += MR)
            for (int64_t jr = 0; jr < nc; jr += NR) tile(ir, jr);
        } else {
          for (int64_t jr = 0; jr < nc; jr += NR)
            for (int64_t ir = 0; ir < mc; ir += MR) tile(ir, jr);
        }
      }
    }
  }
  return true;
}

// k == 0: C = beta * C, then the epilogue.
void ScaleOnly(const GemmJob &job) {
  const Epilogue &ep = *job.ep;
  for (int64_t i = 0; i < job.m; ++i) {
    float *ci = job.c + i * job.ldc;
    for (int64_t j = 0; j < job.n; ++j) {
      float v = job.beta == 0.f ? 0.f : job.beta * ci[j];
      if (ep.bias_kind == Epilogue::Bias::PER_ROW) v += ep.bias[i];
      else if (ep.bias_kind == Epilogue::Bias::PER_COL) v += ep.bias[j];
      ci[j] = ep.activation.Apply(v);
    }
  }
}

// Below this many multiply-accumulates a GEMM stays on the calling thread.
constexpr int64_t kMinParallelMacs = 64 * 1024;

}  // namespace

const Kernel &KernelFor(Isa isa) {
  if (isa >= Isa::kAvx512 && Avx512Kernel() != nullptr) return *Avx512Kernel();
  if (isa >= Isa::kAvx2 && Avx2Kernel() != nullptr) return *Avx2Kernel();
  return kPortableKernel;
}

const Kernel &DefaultKernel() {
  const Isa cap = static_cast<Isa>(g_isa_cap.load(std::memory_order_relaxed));
  const Isa cpu = CpuIsa();
  return KernelFor(cap < cpu ? cap : cpu);
}

Isa SetIsaCapForTesting(Isa isa) {
  return static_cast<Isa>(g_isa_cap.exchange(static_cast<int>(isa)));
}

MaceStatus PackedMatrix::PackA(const float *a, int64_t lda, bool trans, int64_t m, int64_t k,
                               const Kernel *kernel) {
  if (m < 0 || k < 0) return InvalidArgs("gemm: negative pack size");
  kernel_ = kernel ? kernel : &DefaultKernel();
  side_ = Side::A;
  outer_ = m;
  depth_ = k;
  padded_ = RoundUp(m, kernel_->mr);
  if (!data_.Reserve(std::max<int64_t>(1, padded_ * k)))
    return OutOfResources("gemm: cannot allocate packed weights of ", padded_ * k, " floats");
  Operand src = Operand::Dense(a, lda, trans);
  for (int64_t k0 = 0; k0 < k; k0 += kernel_->kc) {
    const int64_t kc = std::min(kernel_->kc, k - k0);
    PackADense(src, 0, m, k0, kc, kernel_->mr, data_.data() + k0 * padded_);
  }
  return MaceStatus::MACE_SUCCESS;
}

MaceStatus PackedMatrix::PackB(const float *b, int64_t ldb, bool trans, int64_t k, int64_t n,
                               const Kernel *kernel) {
  if (n < 0 || k < 0) return InvalidArgs("gemm: negative pack size");
  kernel_ = kernel ? kernel : &DefaultKernel();
  side_ = Side::B;
  outer_ = n;
  depth_ = k;
  padded_ = RoundUp(n, kernel_->nr);
  if (!data_.Reserve(std::max<int64_t>(1, padded_ * k)))
    return OutOfResources("gemm: cannot allocate packed weights of ", padded_ * k, " floats");
  Operand src = Operand::Dense(b, ldb, trans);
  for (int64_t k0 = 0; k0 < k; k0 += kernel_->kc) {
    const int64_t kc = std::min(kernel_->kc, k - k0);
    PackBDense(src, k0, kc, 0, n, kernel_->nr, data_.data() + k0 * padded_);
  }
  return MaceStatus::MACE_SUCCESS;
}

const float *PackedMatrix::Panel(int64_t k0, int64_t index) const {
  const int64_t kc = std::min(kernel_->kc, depth_ - k0);
  return data_.data() + k0 * padded_ + index * kc;
}

MaceStatus Sgemm(int64_t m, int64_t n, int64_t k, float alpha, const Operand &a,
                 const Operand &b, float beta, float *c, int64_t ldc, const Epilogue &epilogue,
                 ThreadPool *pool, const Kernel *kernel) {
  if (m < 0 || n < 0 || k < 0) return InvalidArgs("gemm: negative size ", m, "x", n, "x", k);
  if (a.packed) kernel = a.packed->kernel();
  if (b.packed) {
    if (a.packed && b.packed->kernel() != kernel)
      return InvalidArgs("gemm: A and B were packed for different kernels");
    kernel = b.packed->kernel();
  }
  if (kernel == nullptr) kernel = &DefaultKernel();
  const int64_t MR = kernel->mr, NR = kernel->nr;
  if (a.packed && (a.packed->side() != PackedMatrix::Side::A || a.packed->outer() != m ||
                   a.packed->depth() != k))
    return InvalidArgs("gemm: packed A does not match ", m, "x", k);
  if (b.packed && (b.packed->side() != PackedMatrix::Side::B || b.packed->outer() != n ||
                   b.packed->depth() != k))
    return InvalidArgs("gemm: packed B does not match ", k, "x", n);
  if (m == 0 || n == 0) return MaceStatus::MACE_SUCCESS;
  // A dense B used by few enough row panels of A is read in place rather than copied into
  // panels (1x1 convs: B is the input image).
  const bool b_in_place = kernel->direct_b_panels > 0 && !b.packed && !b.pack_fn && !b.trans &&
                          (CeilDiv(m, MR) <= kernel->direct_b_panels || k <= kDirectBMaxDepth);
  GemmJob job{m, n, k, alpha, beta, &a, &b, c, ldc, &epilogue, kernel, b_in_place};
  if (k == 0) {
    ScaleOnly(job);
    return MaceStatus::MACE_SUCCESS;
  }

  const int threads = pool ? pool->num_threads() : 1;
  const bool dense_a = !a.packed, dense_b = !b.packed && !b.pack_fn;
  if ((m == 1 || n == 1) && dense_a && dense_b) {
    // Matrix-vector product: y = op(A) x (n == 1) or y = x op(B) (m == 1).
    GemvJob g;
    g.k = k;
    g.alpha = alpha;
    g.beta = beta;
    g.activation = &epilogue.activation;
    const float *x;
    int64_t x_stride;
    if (n == 1) {
      g.outputs = m;
      g.mat = a.data;
      g.ld = a.ld;
      g.dot_form = !a.trans;
      x = b.data;
      x_stride = b.trans ? 1 : b.ld;
      g.out_stride = ldc;
    } else {
      g.outputs = n;
      g.mat = b.data;
      g.ld = b.ld;
      g.dot_form = b.trans;
      x = a.data;
      x_stride = a.trans ? a.ld : 1;
      g.out_stride = 1;
    }
    const bool per_output = (n == 1) == (epilogue.bias_kind == Epilogue::Bias::PER_ROW);
    g.bias = epilogue.bias_kind == Epilogue::Bias::NONE ? nullptr : epilogue.bias;
    g.bias_stride = per_output ? 1 : 0;
    g.out = c;
    std::vector<float> gathered;
    if (x_stride != 1) {
      gathered.resize(static_cast<size_t>(k));
      for (int64_t t = 0; t < k; ++t) gathered[t] = x[t * x_stride];
      x = gathered.data();
    }
    g.x = x;
    const int64_t min_chunk = std::max<int64_t>(16, kMinParallelMacs / k);
    if (pool && threads > 1 && m * n * k >= kMinParallelMacs) {
      pool->ParallelFor(0, g.outputs, min_chunk,
                        [&](int64_t begin, int64_t end) { kernel->gemv(g, begin, end); });
    } else {
      kernel->gemv(g, 0, g.outputs);
    }
    return MaceStatus::MACE_SUCCESS;
  }

  // Split C into one tile per thread: rows at whole row panels; columns at whole vectors when
  // B is packed per call or read in place (at whole panels for a B packed once). Of the splits
  // tm x tn = threads, take the one whose largest tile costs least: its multiply-adds plus about
  // 2 MAC-equivalents per element it packs (A rows when A is not packed, B columns when B is
  // packed per call), per depth step.
  const int64_t row_panels = CeilDiv(m, MR);
  const int64_t col_step = b.packed ? NR : kernel->lanes;
  const int64_t col_steps = CeilDiv(n, col_step);
  const bool packs_b = !b.packed && !b_in_place;
  int64_t tile_rows = row_panels * MR, tile_cols = col_steps * col_step;
  if (threads > 1 && m * n * k >= kMinParallelMacs) {
    int64_t best_cost = -1;
    for (int64_t tm = 1; tm <= threads; ++tm) {
      if (threads % tm) continue;
      const int64_t tn = threads / tm;
      if (tm > row_panels || tn > col_steps) continue;
      const int64_t rows = std::min(m, CeilDiv(row_panels, tm) * MR);
      const int64_t cols = std::min(n, CeilDiv(col_steps, tn) * col_step);
      const int64_t cost = rows * cols + 2 * ((a.packed ? 0 : rows) + (packs_b ? cols : 0));
      if (best_cost < 0 || cost < best_cost) {
        best_cost = cost;
        tile_rows = CeilDiv(row_panels, tm) * MR;
        tile_cols = CeilDiv(col_steps, tn) * col_step;
      }
    }
    if (best_cost < 0) {  // too few panels for an exact split: split the longer side
      if (col_steps >= row_panels) tile_cols = col_step * CeilDiv(col_steps, std::min<int64_t>(threads, col_steps));
      else tile_rows = MR * CeilDiv(row_panels, std::min<int64_t>(threads, row_panels));
    }
  }
  const int64_t tiles_m = CeilDiv(m, tile_rows);
  const int64_t tiles_n = CeilDiv(n, tile_cols);
  const int64_t tiles = tiles_m * tiles_n;

  std::atomic<bool> failed{false};
  auto run = [&](int64_t begin, int64_t end) {
    for (int64_t t = begin; t < end; ++t) {
      const int64_t ti = t / tiles_n, tj = t % tiles_n;
      const int64_t i0 = ti * tile_rows, j0 = tj * tile_cols;
      if (!RunTile(job, i0, std::min(m, i0 + tile_rows), j0, std::min(n, j0 + tile_cols)))
        failed.store(true, std::memory_order_relaxed);
    }
  };
  if (tiles > 1 && pool) pool->ParallelFor(0, tiles, 1, run);
  else run(0, tiles);
  if (failed.load()) return OutOfResources("gemm: cannot allocate packing buffers");
  return MaceStatus::MACE_SUCCESS;
}

}  // namespace gemm
}  // namespace mace
