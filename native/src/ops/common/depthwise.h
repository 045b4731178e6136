// Specialised depthwise convolution (one input channel per output plane) for the shapes of
// mobile networks: 2-D, 3x3 or 5x5 kernels, stride 1 or 2 (same in both dims), no dilation,
// any padding, fused bias and activation. Conv calls Plane() for each output plane when
// Supported() says so, and keeps its general loop for everything else (dilation, 3-D, ...).
//
// Design (the same for every instruction set, see depthwise_kernel.h): the kernel reads the
// input plane in place, R output rows per pass along whole vectors of output columns, with
// masked loads at the left/right borders and a zero row for padding rows above and below.
// Stride 2 splits even and odd columns in registers.
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

namespace detail {
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
}  // namespace detail

}  // namespace depthwise
}  // namespace mace

#endif  // MACE_OPS_COMMON_DEPTHWISE_H_
