// Direct-conv entry points: weight packing, the job grid over output row blocks (and channel
// blocks when rows are few), per-thread scratch, dispatch to the instruction set's compute
// loop, activations without a vector form. Also holds the portable compute loop: NEON on ARM
// (chosen at compile time), SSE2 on x86-64 (its baseline), scalar elsewhere.
#include "ops/common/conv_direct.h"

#include <algorithm>
#include <vector>

#include "ops/common/conv_direct_kernel.h"
#include "ops/common/depthwise.h"
#include "ops/common/gemm.h"

namespace mace {
namespace conv_direct {

namespace detail {

// Register tiles (output channels x vectors): enough independent accumulators to hide the FMA
// latency, few enough to leave registers for the input vectors and the broadcast weight.
void ComputeGeneric(const Job &job) {
#if defined(__x86_64__)
  Compute<VecSse, 4, 2, 1>(job);  // 16 xmm registers
#elif defined(__aarch64__)
  Compute<VecNeon, 8, 1, 2>(job);  // 32 q registers; the AVX-512 tile shape (see there)
#elif defined(__ARM_NEON)
  Compute<VecNeon, 4, 2, 1>(job);  // armv7: 16 q registers
#else
  Compute<VecScalar, 4, 1, 1>(job);
#endif
}

}  // namespace detail

bool Supported(const conv::Window3 &w, int64_t cin, int64_t group) {
  const int64_t kh = w.kernel[1], kw = w.kernel[2], s = w.stride[1];
  return group == 1 && cin >= 1 && w.in[0] == 1 && w.out[0] == 1 && w.kernel[0] == 1 &&
         w.stride[0] == 1 && w.pad_begin[0] == 0 && kh >= 1 && kh <= 7 && kw >= 1 && kw <= 7 &&
         kh * kw > 1 && cin * kh * kw <= kMaxDepth && (s == 1 || s == 2) && w.stride[2] == s &&
         w.dilation[1] == 1 && w.dilation[2] == 1 && w.pad_begin[1] >= 0 &&
         w.pad_begin[2] >= 0 && w.out[1] > 0 && w.out[2] > 0;
}

void PackWeights(const float *w, int64_t cout, int64_t depth, std::vector<float> *packed) {
  const int64_t blocks = (cout + kCoBlock - 1) / kCoBlock;
  packed->assign(static_cast<size_t>(blocks * depth * kCoBlock), 0.f);
  for (int64_t co = 0; co < cout; ++co) {
    float *dst = packed->data() + (co / kCoBlock) * depth * kCoBlock + co % kCoBlock;
    for (int64_t t = 0; t < depth; ++t) dst[t * kCoBlock] = w[co * depth + t];
  }
}

void Run(Isa isa, const float *x, int64_t batch, int64_t cin, const float *packed,
         int64_t cout, const float *bias, const conv::Window3 &w, const Activation &act,
         ThreadPool *pool, float *y) {
  const int kh = static_cast<int>(w.kernel[1]), kw = static_cast<int>(w.kernel[2]);
  const int s = static_cast<int>(w.stride[1]);
  const int64_t out_h = w.out[1], out_w = w.out[2], plane = out_h * out_w;
  const int threads = pool ? pool->num_threads() : 1;
  // Row blocks of up to 8 rows (a block copies its input rows once), a multiple of the thread
  // count of them so the pool's equal chunks of blocks are equal work.
  const int64_t per_thread = std::max<int64_t>(1, (out_h + 8 * threads - 1) / (8 * threads));
  const int64_t rows_per_block = std::max<int64_t>(1, (out_h + per_thread * threads - 1) /
                                                          (per_thread * threads));
  const int64_t row_blocks = (out_h + rows_per_block - 1) / rows_per_block;
  // Few rows (small images, many threads): split the output channels too.
  const int64_t co_blocks = (cout + kCoBlock - 1) / kCoBlock;
  int64_t co_chunks = 1;
  if (batch * row_blocks < threads)
    co_chunks = std::min(co_blocks, (threads + batch * row_blocks - 1) / (batch * row_blocks));
  const int64_t blocks_per_chunk = (co_blocks + co_chunks - 1) / co_chunks;
  co_chunks = (co_blocks + blocks_per_chunk - 1) / blocks_per_chunk;
  constexpr int64_t kMaxLanes = 16;  // widest vector (AVX-512)
  const int64_t width = (out_w + kMaxLanes - 1) / kMaxLanes * kMaxLanes + (kw - 1) / s;
  const int64_t max_rows = (rows_per_block - 1) * s + kh;
  const bool vec_act = depthwise::detail::VectorActivation(act.type);
  const int64_t in_plane = w.in[1] * w.in[2];

  gemm::RunParallel(pool, 0, batch * row_blocks * co_chunks, 1, [&](int64_t begin, int64_t end) {
    thread_local std::vector<float> scratch;
    if (scratch.size() < static_cast<size_t>(cin * max_rows * s * width))
      scratch.resize(static_cast<size_t>(cin * max_rows * s * width));
    int64_t filled = -1;  // the (image, row block) the scratch holds in this call
    for (int64_t job = begin; job < end; ++job) {
      const int64_t nrb = job / co_chunks, chunk = job % co_chunks;
      const int64_t n = nrb / row_blocks, rb = nrb % row_blocks;
      const int64_t oh0 = rb * rows_per_block, oh1 = std::min(out_h, oh0 + rows_per_block);
      const int64_t co0 = chunk * blocks_per_chunk * kCoBlock;
      const int64_t co1 = std::min(cout, co0 + blocks_per_chunk * kCoBlock);
      float *yn = y + n * cout * plane;
      const detail::Job j{x + n * cin * in_plane, cin, w.in[1], w.in[2], w.pad_begin[1],
                          w.pad_begin[2], kh, kw, s, out_h, out_w, packed, bias, cout, co0, co1,
                          oh0, oh1, scratch.data(), (oh1 - oh0 - 1) * s + kh, width,
                          filled != nrb, vec_act ? act.type : ActivationType::NONE, act.alpha,
                          act.beta, yn};
      filled = nrb;
#if defined(__x86_64__)
      if (isa == Isa::kAvx512) detail::ComputeAvx512(j);
      else if (isa == Isa::kAvx2) detail::ComputeAvx2(j);
      else detail::ComputeGeneric(j);
#else
      (void)isa;
      detail::ComputeGeneric(j);
#endif
      if (!vec_act)
        for (int64_t co = co0; co < co1; ++co)
          act.ApplyInPlace(yn + co * plane + oh0 * out_w, (oh1 - oh0) * out_w);
    }
  });
}

}  // namespace conv_direct
}  // namespace mace
