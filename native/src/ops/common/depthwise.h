// Specialised depthwise convolution (one input channel per output plane) for the shapes of
// mobile networks: 2-D, 3x3 or 5x5 kernels, stride 1 or 2 (same in both dims), no dilation,
// any padding, fused bias and activation. Conv calls Planes() for narrow planes
// (ChannelBlocked()), Plane() for each wider output plane when
// Supported() says so, and keeps its general loop for everything else (dilation, 3-D, ...).
//
// Design (the same for every instruction set, see depthwise_kernel.h): Plane() reads the
// input plane in place, R output rows per pass along whole vectors of output columns, with
// masked loads at the left/right borders and a zero row for padding rows above and below.
// Stride 2 splits even and odd columns in registers. On 7-wide planes such vectors are half
// padding, so Planes() vectorises across channels instead (7x7 planes: 1.5-2.5x faster).
#ifndef MACE_OPS_COMMON_DEPTHWISE_H_
#define MACE_OPS_COMMON_DEPTHWISE_H_

#include "core/cpu_features.h"
#include "ops/common/activation.h"
#include "ops/common/conv_util.h"

namespace mace {
namespace depthwise {

// True when Plane() handles window `w` (normalised to 3-D as by conv::ForwardWindow).
bool Supported(const conv::Window3 &w);

// One output plane y[out_h*out_w] = act(bias + depthwise(x[in_h*in_w], kernel[k*k])), using
// the kernels of instruction set `isa` (callers pass CpuIsa(); tests pass every Isa up to it;
// on ARM the NEON kernels are compiled in and `isa` is ignored). Requires Supported(w).
void Plane(Isa isa, const float *x, const float *kernel, float bias, const conv::Window3 &w,
           const Activation &act, float *y);

// True when Planes() handles window `w`: Supported(w), and planes at most kBlockMaxWidth
// outputs wide, where a vector along a row would hold mostly padding lanes, or 5x5 planes
// at most kBlock5x5MaxWidth wide, whose 25 taps per output repay the transposes.
bool ChannelBlocked(const conv::Window3 &w);

// Output planes [0, channels) of a depthwise conv with one output per input channel:
// y[c] = act(bias[c] + depthwise(x[c], kernel[c])), bias may be null. Requires
// ChannelBlocked(w). Vectorised across channels (N planes per vector): the N input planes
// are interleaved into a zero-padded pixel-major buffer, so every tap of every output is one
// whole-vector FMA, and the outputs are written back plane by plane.
void Planes(Isa isa, const float *x, int64_t channels, const float *kernel, const float *bias,
            const conv::Window3 &w, const Activation &act, float *y);

namespace detail {
// Widest output plane Planes() takes (7x7 and 14 -> 7 in mobile networks).
constexpr int64_t kBlockMaxWidth = 8;
// 5x5 convs with 14x14 outputs (mobilenet_v3_small), ops_benchmark on Zen 4: stride 1, 240
// channels 49 -> 40 us; stride 2, 96 channels 30 -> 25 us. 3x3 ones lost (14x14, 384 channels:
// 32 -> 39 us): 9 taps do not pay for the transposes in and out.
constexpr int64_t kBlock5x5MaxWidth = 16;

// What the channel-blocked loops get (Planes()).
struct BlockJob {
  const float *x;  // channels input planes [in_h, in_w], one after another
  int64_t channels, in_h, in_w, pad_t, pad_l;
  const float *kernel;  // channels x k*k weights
  const float *bias;    // channels values, or null
  int k, stride;
  int64_t out_h, out_w;
  ActivationType act;  // NONE for activations without a vector form
  float alpha, beta;
  float *y;  // channels output planes [out_h, out_w]
};

// What the per-instruction-set compute loops get. The loops apply the activations with a
// vector form (NONE, RELU, CLIP, HARDSIGMOID, HARDSWISH); Plane() applies the others afterwards.
struct Job {
  const float *x;        // the input plane [in_h, in_w]
  int64_t in_h, in_w, pad_t, pad_l;
  const float *zeros;    // in_w zeros: the padding rows above and below the input
  const float *kernel;   // k*k weights
  float bias;
  int k, stride;
  int64_t out_h, out_w;
  ActivationType act;    // NONE for activations without a vector form
  float alpha, beta;
  float *y;
};

bool VectorActivation(ActivationType t);

// Entry points per instruction set. They live in their own files, compiled with that set, and
// use no inline function or template shared with other files: the linker keeps one copy of
// such a function, which could then be an AVX-512 build called on a CPU without it.
void ComputeGeneric(const Job &job);  // depthwise.cc: NEON / SSE2 / scalar
void ComputeAvx2(const Job &job);     // depthwise_avx2.cc (x86-64 only)
void ComputeAvx512(const Job &job);   // depthwise_avx512.cc (x86-64 only)
void BlocksGeneric(const BlockJob &job);
void BlocksAvx2(const BlockJob &job);
void BlocksAvx512(const BlockJob &job);
}  // namespace detail

}  // namespace depthwise
}  // namespace mace

#endif  // MACE_OPS_COMMON_DEPTHWISE_H_
