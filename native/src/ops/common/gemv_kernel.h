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

// Lanes of one row's partial sums in the dot form: two vectors of this set per row, so the
// kDotRows rows below keep 8 independent FMA chains (the FMA latency times its ports) in registers.
#if defined(MACE_ISA_AVX512)
constexpr int64_t kDotLanes = 32;
#elif defined(MACE_ISA_AVX2) || defined(__aarch64__)
constexpr int64_t kDotLanes = 16;
#else
constexpr int64_t kDotLanes = 8;
#endif
constexpr int64_t kDotRows = 4;

float Dot(const float *__restrict a, const float *__restrict b, int64_t k) {
  float s[8] = {0.f, 0.f, 0.f, 0.f, 0.f, 0.f, 0.f, 0.f};
  int64_t t = 0;
  for (; t + 8 <= k; t += 8)
    for (int q = 0; q < 8; ++q) s[q] += a[t + q] * b[t + q];
  float total = ((s[0] + s[4]) + (s[1] + s[5])) + ((s[2] + s[6]) + (s[3] + s[7]));
  for (; t < k; ++t) total += a[t] * b[t];
  return total;
}

// kDotRows dot products of consecutive rows (ld apart) with x at once: each x load serves every
// row, and one dot alone would be bound by the latency of its single chain of adds.
void DotRows(const float *__restrict m, int64_t ld, const float *__restrict x, int64_t k, float *out) {
  float acc[kDotRows][kDotLanes] = {};
  int64_t t = 0;
  for (; t + kDotLanes <= k; t += kDotLanes)
    for (int64_t r = 0; r < kDotRows; ++r)
      for (int64_t q = 0; q < kDotLanes; ++q) acc[r][q] += m[r * ld + t + q] * x[t + q];
  for (int64_t r = 0; r < kDotRows; ++r) {
    float total = 0.f;
    for (int64_t q = 0; q < kDotLanes; ++q) total += acc[r][q];
    out[r] = total + Dot(m + r * ld + t, x + t, k - t);
  }
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
    int64_t o = begin;
    for (float sums[kDotRows]; o + kDotRows <= end; o += kDotRows) {
      DotRows(job.mat + o * job.ld, job.ld, job.x, job.k, sums);
      for (int64_t r = 0; r < kDotRows; ++r) GemvStore(job, o + r, sums[r]);
    }
    for (; o < end; ++o) GemvStore(job, o, Dot(job.mat + o * job.ld, job.x, job.k));
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
