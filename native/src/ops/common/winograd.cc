// Winograd convolution (winograd.h): weight transform and packing, the chunked run with its
// GEMMs, and the portable transforms (NEON on ARM / SSE2 on x86-64 through the compiler's
// vectoriser).
#include "ops/common/winograd.h"

#include <algorithm>
#include <atomic>

#include "ops/common/winograd_kernel.h"

namespace mace {
namespace winograd {

namespace detail {
void InputGeneric(const InputJob &j) { RunInput(j); }
void OutputGeneric(const OutputJob &j) { RunOutput(j); }
}  // namespace detail

namespace {

std::atomic<int64_t> g_runs{0};

inline int64_t CeilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }
inline int64_t RoundUp(int64_t a, int64_t b) { return CeilDiv(a, b) * b; }

// G (alpha x 3) of F(2,3) and F(4,3); see winograd.h.
const double kG2[4][3] = {{1, 0, 0}, {0.5, 0.5, 0.5}, {0.5, -0.5, 0.5}, {0, 0, 1}};
const double kG4[6][3] = {{1.0 / 4, 0, 0},
                          {-1.0 / 6, -1.0 / 6, -1.0 / 6},
                          {-1.0 / 6, 1.0 / 6, -1.0 / 6},
                          {1.0 / 24, 1.0 / 12, 1.0 / 6},
                          {1.0 / 24, -1.0 / 12, 1.0 / 6},
                          {0, 0, 1}};

// Floats of V plus M per chunk: both stay in L2 (1 MB or more per core on the x86 targets,
// 512 KB and up on the ARM ones) while the GEMMs and the output transform read them.
constexpr int64_t kChunkFloats = 96 * 1024;
// Output channels per block (rounded to the GEMM's MR): bounds M per chunk for wide layers.
constexpr int64_t kOutBlock = 96;

struct Scratch {
  gemm::AlignedFloats v, m;
};
Scratch &ThreadScratch() {
  thread_local Scratch s;
  return s;
}

void Input(Isa isa, const detail::InputJob &j) {
#if defined(__x86_64__)
  if (isa == Isa::kAvx512) return detail::InputAvx512(j);
  if (isa == Isa::kAvx2) return detail::InputAvx2(j);
#endif
  (void)isa;
  detail::InputGeneric(j);
}

void Output(Isa isa, const detail::OutputJob &j) {
#if defined(__x86_64__)
  if (isa == Isa::kAvx512) return detail::OutputAvx512(j);
  if (isa == Isa::kAvx2) return detail::OutputAvx2(j);
#endif
  (void)isa;
  detail::OutputGeneric(j);
}

}  // namespace

bool Supported(const conv::Window3 &w) {
  return w.in[0] == 1 && w.out[0] == 1 && w.kernel[0] == 1 && w.pad_begin[0] == 0 &&
         w.pad_end[0] == 0 && w.kernel[1] == 3 && w.kernel[2] == 3 && w.stride[1] == 1 &&
         w.stride[2] == 1 && w.dilation[1] == 1 && w.dilation[2] == 1 && w.pad_begin[1] >= 0 &&
         w.pad_begin[2] >= 0 && w.out[1] > 0 && w.out[2] > 0;
}

int64_t RunsForTesting() { return g_runs.load(); }

MaceStatus Conv3x3::Init(int m, const float *w, int64_t cout, int64_t cin) {
  m_ = 0;
  if (m != 2 && m != 4) return InvalidArgs("winograd: m must be 2 or 4, got ", m);
  if (cout <= 0 || cin <= 0) return InvalidArgs("winograd: empty weights");
  const int A = m + 2, E = A * A;
  const double *G = m == 2 ? &kG2[0][0] : &kG4[0][0];
  // U[e][o][c] = (G g G^T)[e], in double so the weight side adds no rounding of its own.
  std::vector<float> u(static_cast<size_t>(E * cout * cin));
  for (int64_t o = 0; o < cout; ++o)
    for (int64_t c = 0; c < cin; ++c) {
      const float *g = w + (o * cin + c) * 9;
      double gg[6][3];  // G g
      for (int i = 0; i < A; ++i)
        for (int k = 0; k < 3; ++k)
          gg[i][k] = G[i * 3] * g[k] + G[i * 3 + 1] * g[3 + k] + G[i * 3 + 2] * g[6 + k];
      for (int i = 0; i < A; ++i)
        for (int k = 0; k < A; ++k) {
          const double v = gg[i][0] * G[k * 3] + gg[i][1] * G[k * 3 + 1] + gg[i][2] * G[k * 3 + 2];
          u[static_cast<size_t>(((i * A + k) * cout + o) * cin + c)] = static_cast<float>(v);
        }
    }
  const gemm::Kernel &kern = gemm::DefaultKernel();
  // Output blocks of about kOutBlock channels, an even number of them: with too few tiles to
  // split (small planes), 2 threads split the blocks (3 blocks ran 2 against 1).
  int64_t blocks = cout <= kOutBlock * 3 / 2 ? 1 : CeilDiv(cout, kOutBlock);
  blocks += blocks % 2 && blocks > 1;
  oblock_ = blocks == 1 ? cout : RoundUp(CeilDiv(cout, blocks), kern.mr);
  oblocks_ = CeilDiv(cout, oblock_);
  u_.clear();
  u_.resize(static_cast<size_t>(E * oblocks_));
  for (int e = 0; e < E; ++e)
    for (int64_t b = 0; b < oblocks_; ++b) {
      const int64_t o0 = b * oblock_, rows = std::min(oblock_, cout - o0);
      MACE_RETURN_IF_ERROR(u_[e * oblocks_ + b].PackA(u.data() + (e * cout + o0) * cin, cin,
                                                      false, rows, cin, &kern));
    }
  m_ = m;
  cout_ = cout;
  cin_ = cin;
  return MaceStatus::MACE_SUCCESS;
}

MaceStatus Conv3x3::Run(const float *x, int64_t batch, const conv::Window3 &w, const float *bias,
                        const Activation &act, float *y, ThreadPool *pool) const {
  g_runs.fetch_add(1, std::memory_order_relaxed);
  const int M = m_, A = M + 2, E = A * A;
  detail::TileGrid grid;
  grid.in_h = w.in[1];
  grid.in_w = w.in[2];
  grid.out_h = w.out[1];
  grid.out_w = w.out[2];
  grid.pad_t = w.pad_begin[1];
  grid.pad_l = w.pad_begin[2];
  grid.tiles_h = CeilDiv(grid.out_h, M);
  grid.tiles_w = CeilDiv(grid.out_w, M);
  const int64_t tiles = batch * grid.tiles_h * grid.tiles_w;
  if (tiles == 0) return MaceStatus::MACE_SUCCESS;
  const gemm::Kernel *kern = u_[0].kernel();
  const Isa isa = kern->isa;
  // Each thread gets a part of the tiles (whole transform vectors of them, as equal as that
  // allows), cut into chunks whose V and M fit L2. Jobs are chunk x output block, part-major,
  // so the pool's equal ranges of jobs are the parts. Too few tiles for a part per thread:
  // one part, and the threads split the output blocks (an even number of them, see Init).
  const int threads = pool ? pool->num_threads() : 1;
  const int64_t groups = CeilDiv(tiles, detail::kLanes);
  const int64_t parts = threads > 1 && groups >= threads ? threads : 1;
  const auto part_begin = [&](int64_t p) {
    return std::min(tiles, groups * p / parts * detail::kLanes);
  };
  int64_t longest = 0;
  for (int64_t p = 0; p < parts; ++p)
    longest = std::max(longest, part_begin(p + 1) - part_begin(p));
  // At least a GEMM column panel per chunk: each chunk streams all of U once per output block.
  const int64_t nt_max = std::max<int64_t>(
      RoundUp(kern->nr, detail::kLanes),
      kChunkFloats / (E * (cin_ + oblock_)) / detail::kLanes * detail::kLanes);
  const int64_t subs = CeilDiv(longest, nt_max);  // chunks per part
  const int64_t nt = RoundUp(CeilDiv(longest, subs), detail::kLanes);
  const int64_t chunks = parts * subs;
  const int64_t v_ld = nt;  // a multiple of kLanes
  // The transforms touch all alpha^2 matrices of V / M at once; one cache line of padding
  // between them keeps power-of-two strides from mapping them all to a few L1 sets.
  const int64_t v_estride = cin_ * v_ld + 16, m_estride = oblock_ * v_ld + 16;
  std::atomic<bool> failed{false};
  auto body = [&](int64_t begin, int64_t end) {
    Scratch &s = ThreadScratch();
    if (!s.v.Reserve(E * v_estride) || !s.m.Reserve(E * m_estride)) {
      failed = true;
      return;
    }
    int64_t transformed = -1;  // the chunk whose V is in s.v
    for (int64_t job = begin; job < end; ++job) {
      const int64_t chunk = job / oblocks_, ob = job % oblocks_;
      const int64_t part = chunk / subs, t0 = part_begin(part) + chunk % subs * nt;
      const int64_t n = std::min(nt, part_begin(part + 1) - t0);
      if (n <= 0) continue;  // a shorter part's last chunk
      if (chunk != transformed) {
        detail::InputJob ij{M, x, cin_, grid, t0, n, s.v.data(), v_ld, v_estride};
        Input(isa, ij);
        transformed = chunk;
      }
      const int64_t o0 = ob * oblock_, rows = std::min(oblock_, cout_ - o0);
      // Whole lane groups: the padding lanes of V are zero, so M's are too (the output
      // transform computes them and drops them).
      const int64_t cols = RoundUp(n, detail::kLanes);
      for (int e = 0; e < E; ++e) {
        MaceStatus st = gemm::Sgemm(
            rows, cols, cin_, 1.f, gemm::Operand::Packed(u_[e * oblocks_ + ob]),
            gemm::Operand::Dense(s.v.data() + e * v_estride, v_ld, false), 0.f,
            s.m.data() + e * m_estride, v_ld, gemm::Epilogue(), nullptr);
        if (!st.ok()) {
          failed = true;
          return;
        }
      }
      detail::OutputJob oj{M,   s.m.data(), v_ld, m_estride, o0, rows, cout_, grid,
                           t0,  n,          bias, act,         y};
      Output(isa, oj);
    }
  };
  // One captured reference: the pool's std::function then holds it without allocating.
  gemm::RunParallel(pool, 0, chunks * oblocks_, 1,
                    [&body](int64_t begin, int64_t end) { body(begin, end); });
  if (failed) return OutOfResources("winograd: cannot allocate scratch or GEMM buffers");
  return MaceStatus::MACE_SUCCESS;
}

}  // namespace winograd
}  // namespace mace
