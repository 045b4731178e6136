// Winograd convolution F(m x m, 3 x 3), m = 2 or 4, for 2-D 3x3 stride-1 undilated
// ungrouped convs (any padding, any plane size, batch >= 1). Conv uses it when the converter
// set the op's `winograd` argument (deployment file `winograd: 2|4`).
//
// Each output tile of m x m pixels needs an alpha x alpha input patch (alpha = m + 2):
//   Y_tile = A^T [ (G g G^T) .* (B^T d B) ] A
// summed over input channels. The elementwise product summed over channels is alpha^2
// independent GEMMs  M_e[Cout][tiles] = U_e[Cout][Cin] x V_e[Cin][tiles]  (e = one of the
// alpha^2 transformed positions), which the shared GEMM (gemm.h) runs at its full speed:
//  - Init: U = G g G^T for every filter, each U_e packed once (gemm::PackedMatrix, A side),
//    in blocks of output channels so one block's M stays in L2 with its input chunk.
//  - Run: tiles of all images are numbered together and processed in chunks (V and M of a
//    chunk stay in L2); per chunk the input transform writes V, alpha^2 GEMMs write M, and
//    the output transform adds bias, applies the activation and writes Y. Chunks x
//    output-channel blocks are the parallel jobs, each thread with its own scratch. Each
//    thread's jobs are an equal part of the tiles (the part of the image it also handles in
//    the 1x1 convs around), or, for small images, an equal share of the output blocks.
// Matrices: F(2,3) is Lavin & Gray's; F(4,3) uses the points 0, +-1, +-2, inf with the 1/4,
// 1/6, 1/24 factors in G (NNPACK/ncnn), so B^T and A^T hold small integers (exact in float)
// and only the weight side, transformed once in double, carries fractions. F(4,3) still
// amplifies rounding error (A^T has entries up to 8): see winograd_test.cc for the bound.
//
// The transforms run over a vector of kLanes tiles at a time (plain loops the compiler
// vectorises), compiled per instruction set (winograd_kernel.h, like depthwise_kernel.h); the
// set is the one the weights were packed for, so tests capping the GEMM cap these too.
#ifndef MACE_OPS_COMMON_WINOGRAD_H_
#define MACE_OPS_COMMON_WINOGRAD_H_

#include <cstdint>
#include <vector>

#include "core/cpu_features.h"
#include "core/thread_pool.h"
#include "ops/common/activation.h"
#include "ops/common/conv_util.h"
#include "ops/common/gemm.h"

namespace mace {
namespace winograd {

// True when window `w` (normalised to 3-D by conv::ForwardWindow) is a 2-D 3x3 stride-1
// undilated conv; the caller also checks group == 1.
bool Supported(const conv::Window3 &w);

class Conv3x3 {
 public:
  // Transforms and packs the weights w [cout][cin][3][3] for F(m x m, 3 x 3), m = 2 or 4.
  MaceStatus Init(int m, const float *w, int64_t cout, int64_t cin);
  bool ready() const { return m_ != 0; }
  bool Matches(int64_t cout, int64_t cin) const { return ready() && cout == cout_ && cin == cin_; }

  // y [batch][cout][out_h][out_w] = act(conv(x [batch][cin][in_h][in_w]) + bias); bias may be
  // null. Requires Supported(w) and Matches(cout, cin).
  MaceStatus Run(const float *x, int64_t batch, const conv::Window3 &w, const float *bias,
                 const Activation &act, float *y, ThreadPool *pool) const;

 private:
  int m_ = 0;
  int64_t cout_ = 0, cin_ = 0, oblock_ = 0, oblocks_ = 0;
  std::vector<gemm::PackedMatrix> u_;  // [alpha^2][oblocks_]: rows of one output-channel block
};

// How many times Conv3x3::Run has run in this process (tests check which path a Conv took).
int64_t RunsForTesting();

namespace detail {

constexpr int kLanes = 16;  // tiles per transform vector

// Where tile `t` (numbered over all images, row-major inside each) lies.
struct TileGrid {
  int64_t tiles_h, tiles_w;        // tiles per image
  int64_t in_h, in_w, out_h, out_w;
  int64_t pad_t, pad_l;
};

// Input transform of tiles [t0, t0 + nt) of all `channels` channels:
// V[e * v_estride + c * v_ld + (t - t0)], v_ld >= nt rounded up to kLanes.
struct InputJob {
  int m;
  const float *x;  // [batch][channels][in_h][in_w]
  int64_t channels;
  TileGrid grid;
  int64_t t0, nt;
  float *v;
  int64_t v_ld, v_estride;
};

// Output transform of output channels [o0, o0 + rows) for tiles [t0, t0 + nt) from
// M[e * m_estride + (o - o0) * m_ld + (t - t0)]; y is [batch][cout][out_h][out_w].
struct OutputJob {
  int m;
  const float *mm;
  int64_t m_ld, m_estride;
  int64_t o0, rows, cout;
  TileGrid grid;
  int64_t t0, nt;
  const float *bias;  // cout values or null
  Activation act;
  float *y;
};

// Entry points per instruction set (own files, see depthwise.h for why nothing inline is
// shared between them).
void InputGeneric(const InputJob &j);
void OutputGeneric(const OutputJob &j);
void InputAvx2(const InputJob &j);
void OutputAvx2(const OutputJob &j);
void InputAvx512(const InputJob &j);
void OutputAvx512(const OutputJob &j);

}  // namespace detail
}  // namespace winograd
}  // namespace mace

#endif  // MACE_OPS_COMMON_WINOGRAD_H_
