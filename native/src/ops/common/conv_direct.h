// Direct convolution for convs with few input channels (the stem convs of CNNs: 3x224x224 with
// a 3x3 stride-2 kernel). Their GEMM depth Cin*kh*kw is tiny (27), so the GEMM path spends its
// time packing im2col panels instead of multiplying; this loop reads each input row once.
// Conv calls Run() when Supported() says so, with weights re-laid by PackWeights() at Init.
//
// Design (the same for every instruction set, see conv_direct_kernel.h): a block of output
// rows first copies the input rows it reads into a zero-padded scratch (stride 2: split into
// even and odd columns), so every tap of consecutive output columns reads consecutive floats
// inside the scratch. The kernel then computes a tile of several output channels x one or
// more vectors along the output width: each input vector loaded feeds one FMA per output
// channel, with the channels' weights broadcast from the packed array.
#ifndef MACE_OPS_COMMON_CONV_DIRECT_H_
#define MACE_OPS_COMMON_CONV_DIRECT_H_

#include <cstdint>
#include <vector>

#include "core/cpu_features.h"
#include "core/thread_pool.h"
#include "ops/common/activation.h"
#include "ops/common/conv_util.h"

namespace mace {
namespace conv_direct {

// Output channels per packed weight block (the widest register tile; narrower tiles read
// half a block).
constexpr int kCoBlock = 8;
// Largest Cin*kh*kw handled. Measured on AVX-512 and AVX2 (ops_benchmark): direct is
// 1.5-2.3x the GEMM path on the Cin 3 stems (3x3, 5x5, 7x7: depth 27-147) and still ~1.1x at
// depth 108-144 (3x3, Cin 12-16), about even from depth 288 on, where the GEMM's im2col
// packing is amortised and its cache blocking of large weight sets matters more.
constexpr int kMaxDepth = 160;

// True when Run() handles window `w` (normalised to 3-D by conv::ForwardWindow) with `cin`
// input channels per group and `group` groups: 2-D, group 1, stride 1 or 2 (same in both
// dims), no dilation, kernel up to 7x7 (not 1x1) and Cin*kh*kw <= kMaxDepth.
bool Supported(const conv::Window3 &w, int64_t cin, int64_t group);

// Re-lays weights W [cout, depth] (depth = Cin*kh*kw) as blocks of kCoBlock output channels,
// [cout/kCoBlock][depth][kCoBlock], zero-filled past cout, so a tap's weights are consecutive.
void PackWeights(const float *w, int64_t cout, int64_t depth, std::vector<float> *packed);

// y [batch, cout, out_h, out_w] = act(bias + conv(x [batch, cin, in_h, in_w], weights)) with
// the kernels of instruction set `isa` (CpuIsa(); tests pass each Isa up to it; on ARM the
// NEON kernels are compiled in and `isa` is ignored). `bias` may be null. Requires Supported.
void Run(Isa isa, const float *x, int64_t batch, int64_t cin, const float *packed,
         int64_t cout, const float *bias, const conv::Window3 &w, const Activation &act,
         ThreadPool *pool, float *y);

namespace detail {
// One block of output rows [oh0, oh1) x output channels [co0, co1) of one image. The loops
// apply the activations with a vector form (depthwise::detail::VectorActivation); Run()
// applies the others afterwards.
struct Job {
  const float *x;        // the image's input planes [cin, in_h, in_w]
  int64_t cin, in_h, in_w, pad_t, pad_l;
  int kh, kw, stride;
  int64_t out_h, out_w;
  const float *w;        // packed weights (PackWeights)
  const float *bias;     // [cout] or null
  int64_t cout, co0, co1;  // co0 a multiple of kCoBlock
  int64_t oh0, oh1;
  float *scratch;        // cin * rows * stride * width floats
  int64_t rows, width;   // padded input rows of the block; floats per phase row
  bool fill;             // copy the input rows into the scratch (false: already there)
  ActivationType act;    // NONE for activations without a vector form
  float alpha, beta;
  float *y;              // the image's output planes [cout, out_h, out_w]
};

// Entry points per instruction set, each in its own file built with that set (see
// depthwise.h on why no inline code is shared between them).
void ComputeGeneric(const Job &job);  // conv_direct.cc: NEON / SSE2 / scalar
void ComputeAvx2(const Job &job);     // conv_direct_avx2.cc (x86-64 only)
void ComputeAvx512(const Job &job);   // conv_direct_avx512.cc (x86-64 only)
}  // namespace detail

}  // namespace conv_direct
}  // namespace mace

#endif  // MACE_OPS_COMMON_CONV_DIRECT_H_
