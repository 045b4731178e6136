// The matrix-vector loops of the GEMM (GemvJob in gemm.h), included once per instruction set
// inside an unnamed namespace (gemm.cc for the baseline, gemm_kernel_avx2.cc and
// gemm_kernel_avx512.cc for theirs), so each Kernel's gemv is these loops compiled for its set:
// the loops are plain C++ the compiler vectorises. No include guard.
#include <algorithm>
#include <cstdint>

#include "ops/common/activation.h"
#include "ops/common/gemm.h"

namespace mace {
namespace gemm {
namespace {

float Dot(const float *__restrict a, const float *__restrict b, int64_t k) {
  float s[8] = {0.f, 0.f, 0.f, 0.f, 0.f, 0.f, 0.f, 0.f};
  int64_t t = 0;
  for (; t + 8 <= k; t += 8)
    for (int q = 0; q < 8; ++q) s[q] += a[t + q] * b[t + q];
  float total = ((s[0] + s[4]) + (s[1] + s[5])) + ((s[2] + s[6]) + (s[3] + s[7]));
  for (; t < k; ++t) total += a[t] * b[t];
  return total;
}

void GemvStore(const GemvJob &job, int64_t o, float sum) {
  float *dst = job.out + o * job.out_stride;
  float v = job.alpha * sum;
  if (job.beta != 0.f) v += job.beta * *dst;
  if (job.bias) v += job.bias[o * job.bias_stride];
  *dst = job.activation->Apply(v);
}

// Stores contiguous outputs [o0, o0 + len) from acc in loops that vectorise, the activation
// applied over the stored row.
void GemvStoreRow(const GemvJob &job, int64_t o0, const float *acc, int64_t len) {
  float *dst = job.out + o0;
  const float alpha = job.alpha, beta = job.beta;
  if (beta != 0.f) {
    for (int64_t j = 0; j < len; ++j) dst[j] = alpha * acc[j] + beta * dst[j];
  } else {
    for (int64_t j = 0; j < len; ++j) dst[j] = alpha * acc[j];
  }
  if (job.bias != nullptr && job.bias_stride == 1) {
    const float *b = job.bias + o0;
    for (int64_t j = 0; j < len; ++j) dst[j] += b[j];
  } else if (job.bias != nullptr) {  // one bias for every output
    const float b0 = job.bias[0];
    for (int64_t j = 0; j < len; ++j) dst[j] += b0;
  }
  job.activation->ApplyInPlace(dst, len);
}

// acc[0, len) = sum over t of x[t] * mat[t*ld + o0 + j]. With len a constant (kBlock below)
// the compiler keeps acc in vector registers across the depth loop.
template <int64_t kLen>
void Axpy(const GemvJob &job, int64_t o0, int64_t len, float *acc) {
  const int64_t n = kLen > 0 ? kLen : len;
  for (int64_t j = 0; j < n; ++j) acc[j] = 0.f;
  for (int64_t t = 0; t < job.k; ++t) {
    const float xt = job.x[t];
    const float *row = job.mat + t * job.ld + o0;
    for (int64_t j = 0; j < n; ++j) acc[j] += xt * row[j];
  }
}

void GemvRange(const GemvJob &job, int64_t begin, int64_t end) {
  if (job.dot_form) {
    for (int64_t o = begin; o < end; ++o) GemvStore(job, o, Dot(job.mat + o * job.ld, job.x, job.k));
    return;
  }
  constexpr int64_t kBlock = 64, kChunk = 256;
  float acc[kChunk];
  int64_t o0 = begin;
  if (job.out_stride == 1)
    for (; o0 + kBlock <= end; o0 += kBlock) {
      Axpy<kBlock>(job, o0, kBlock, acc);
      GemvStoreRow(job, o0, acc, kBlock);
    }
  for (; o0 < end; o0 += kChunk) {
    const int64_t len = std::min(kChunk, end - o0);
    Axpy<0>(job, o0, len, acc);
    if (job.out_stride == 1) {
      GemvStoreRow(job, o0, acc, len);
    } else {
      for (int64_t j = 0; j < len; ++j) GemvStore(job, o0 + j, acc[j]);
    }
  }
}

}  // namespace
}  // namespace gemm
}  // namespace mace
