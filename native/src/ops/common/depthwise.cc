// Depthwise entry point: sizes the zero row for padding rows, runs the compute loop of the chosen
// instruction set, applies activations without a vector form. Also holds the portable
// compute loop: NEON on ARM (chosen at compile time), SSE2 on x86-64 (its baseline), scalar
// elsewhere.
#include "ops/common/depthwise.h"

#include <algorithm>
#include <vector>

#include "ops/common/depthwise_kernel.h"

namespace mace {
namespace depthwise {

namespace detail {

bool VectorActivation(ActivationType t) {
  return t == ActivationType::NONE || t == ActivationType::RELU || t == ActivationType::CLIP ||
         t == ActivationType::HARDSIGMOID || t == ActivationType::HARDSWISH;
}

void ComputeGeneric(const Job &job) {
#if defined(__x86_64__)
  Compute<VecSse>(job);
#elif defined(__ARM_NEON) || defined(__aarch64__)
  Compute<VecNeon>(job);
#else
  Compute<VecScalar>(job);
#endif
}

void BlocksGeneric(const BlockJob &job) {
#if defined(__x86_64__)
  Blocks<VecSse>(job);
#elif defined(__ARM_NEON) || defined(__aarch64__)
  Blocks<VecNeon>(job);
#else
  Blocks<VecScalar>(job);
#endif
}

}  // namespace detail

bool ChannelBlocked(const conv::Window3 &w) {
  return Supported(w) &&
         (w.out[2] <= detail::kBlockMaxWidth ||
          (w.kernel[1] == 5 && w.out[2] <= detail::kBlock5x5MaxWidth));
}

void Planes(Isa isa, const float *x, int64_t channels, const float *kernel, const float *bias,
            const conv::Window3 &w, const Activation &act, float *y) {
  const bool vec_act = detail::VectorActivation(act.type);
  const detail::BlockJob job{x, channels, w.in[1], w.in[2], w.pad_begin[1], w.pad_begin[2],
                             kernel, bias, static_cast<int>(w.kernel[1]),
                             static_cast<int>(w.stride[1]), w.out[1], w.out[2],
                             vec_act ? act.type : ActivationType::NONE, act.alpha, act.beta, y};
#if defined(__x86_64__)
  if (isa == Isa::kAvx512) detail::BlocksAvx512(job);
  else if (isa == Isa::kAvx2) detail::BlocksAvx2(job);
  else detail::BlocksGeneric(job);
#else
  (void)isa;
  detail::BlocksGeneric(job);
#endif
  if (!vec_act) act.ApplyInPlace(y, channels * w.out[1] * w.out[2]);
}

bool Supported(const conv::Window3 &w) {
  const int64_t k = w.kernel[1], s = w.stride[1];
  return w.in[0] == 1 && w.out[0] == 1 && w.kernel[0] == 1 && w.stride[0] == 1 &&
         w.pad_begin[0] == 0 && (k == 3 || k == 5) && w.kernel[2] == k && (s == 1 || s == 2) &&
         w.stride[2] == s && w.dilation[1] == 1 && w.dilation[2] == 1 && w.pad_begin[1] >= 0 &&
         w.pad_begin[2] >= 0 && w.out[1] > 0 && w.out[2] > 0;
}

void Plane(Isa isa, const float *x, const float *kernel, float bias, const conv::Window3 &w,
           const Activation &act, float *y) {
  const int k = static_cast<int>(w.kernel[1]), s = static_cast<int>(w.stride[1]);
  const int64_t out_h = w.out[1], out_w = w.out[2];
  // Per thread, never written: the padding rows above and below the input read it.
  thread_local std::vector<float> zeros;
  if (static_cast<int64_t>(zeros.size()) < w.in[2]) zeros.assign(static_cast<size_t>(w.in[2]), 0.f);
  const bool vec_act = detail::VectorActivation(act.type);
  const detail::Job job{x, w.in[1], w.in[2], w.pad_begin[1], w.pad_begin[2], zeros.data(),
                        kernel, bias, k, s, out_h, out_w,
                        vec_act ? act.type : ActivationType::NONE, act.alpha, act.beta, y};
#if defined(__x86_64__)
  if (isa == Isa::kAvx512) detail::ComputeAvx512(job);
  else if (isa == Isa::kAvx2) detail::ComputeAvx2(job);
  else detail::ComputeGeneric(job);
#else
  (void)isa;
  detail::ComputeGeneric(job);
#endif
  if (!vec_act) act.ApplyInPlace(y, out_h * out_w);
}

}  // namespace depthwise
}  // namespace mace
