// Implementation of the type-agnostic strided copies declared in strided_copy.h.
#include "ops/common/strided_copy.h"

#include <algorithm>
#include <cstring>

namespace mace {
namespace dm {

namespace {

constexpr int64_t kParallelMinElements = 1 << 15;  // below this a copy stays on one thread
constexpr int64_t kTile = 16;                      // tile edge of the transpose path

// Drops size-1 dimensions and merges neighbours whose source strides are contiguous.
void Coalesce(const Shape &shape, const std::vector<int64_t> &strides, Shape *out_shape,
              std::vector<int64_t> *out_strides) {
  out_shape->clear();
  out_strides->clear();
  for (size_t d = 0; d < shape.size(); ++d) {
    if (shape[d] == 1) continue;
    if (!out_shape->empty() && out_strides->back() == strides[d] * shape[d]) {
      out_shape->back() *= shape[d];
      out_strides->back() = strides[d];
    } else {
      out_shape->push_back(shape[d]);
      out_strides->push_back(strides[d]);
    }
  }
  if (out_shape->empty()) {
    out_shape->push_back(1);
    out_strides->push_back(0);
  }
}

// Rows = all dimensions but the last; copies rows [r0, r1).
template <typename T>
void CopyRows(T *dst, const T *src, const Shape &shape, const std::vector<int64_t> &st,
              int64_t r0, int64_t r1) {
  const int nd = static_cast<int>(shape.size());
  const int64_t inner = shape[nd - 1];
  const int64_t is = st[nd - 1];
  std::vector<int64_t> idx(nd > 1 ? nd - 1 : 1, 0);
  int64_t off = 0;
  int64_t rem = r0;
  for (int k = nd - 2; k >= 0; --k) {
    idx[k] = rem % shape[k];
    rem /= shape[k];
    off += idx[k] * st[k];
  }
  T *d = dst + r0 * inner;
  for (int64_t r = r0; r < r1; ++r) {
    const T *s = src + off;
    if (is == 1) {
      std::memcpy(d, s, static_cast<size_t>(inner) * sizeof(T));
    } else if (is == 0) {
      const T v = *s;
      for (int64_t j = 0; j < inner; ++j) d[j] = v;
    } else {
      for (int64_t j = 0; j < inner; ++j) d[j] = s[j * is];
    }
    d += inner;
    for (int k = nd - 2; k >= 0; --k) {
      off += st[k];
      if (++idx[k] < shape[k]) break;
      off -= st[k] * shape[k];
      idx[k] = 0;
    }
  }
}

// Transpose-like copy: output dimension p reads the source contiguously while the last output
// dimension is strided; both are walked in kTile x kTile tiles. Work items are
// (index over the other dimensions) x (tile row of p), in [w0, w1).
template <typename T>
void CopyTiles(T *dst, const T *src, const Shape &shape, const std::vector<int64_t> &st, int p,
               int64_t w0, int64_t w1) {
  const int nd = static_cast<int>(shape.size());
  const std::vector<int64_t> dst_st = DenseStrides(shape);
  const int64_t P = shape[p], L = shape[nd - 1], ls = st[nd - 1], dp = dst_st[p];
  const int64_t pblocks = (P + kTile - 1) / kTile;
  for (int64_t w = w0; w < w1; ++w) {
    int64_t other = w / pblocks;
    const int64_t i0 = (w % pblocks) * kTile, i1 = std::min(P, i0 + kTile);
    int64_t soff = 0, doff = 0;
    for (int k = nd - 2; k >= 0; --k) {
      if (k == p) continue;
      const int64_t ik = other % shape[k];
      other /= shape[k];
      soff += ik * st[k];
      doff += ik * dst_st[k];
    }
    for (int64_t j0 = 0; j0 < L; j0 += kTile) {
      const int64_t jn = std::min(L - j0, kTile);
      for (int64_t i = i0; i < i1; ++i) {
        T *d = dst + doff + i * dp + j0;
        const T *s = src + soff + i + j0 * ls;
        for (int64_t j = 0; j < jn; ++j) d[j] = s[j * ls];
      }
    }
  }
}

template <typename T>
void StridedCopyT(ThreadPool *pool, T *dst, const T *src, const Shape &shape,
                  const std::vector<int64_t> &st, int64_t total) {
  const int nd = static_cast<int>(shape.size());
  const int64_t inner = shape[nd - 1];
  const int64_t is = st[nd - 1];
  int p = -1;
  if (nd >= 2 && is != 0 && is != 1 && inner >= 4) {
    for (int k = nd - 2; k >= 0; --k)
      if (st[k] == 1 && shape[k] >= 4) {
        p = k;
        break;
      }
  }
  const bool parallel = pool != nullptr && total >= kParallelMinElements;
  if (p >= 0) {
    const int64_t pblocks = (shape[p] + kTile - 1) / kTile;
    const int64_t work = total / (shape[p] * inner) * pblocks;
    auto fn = [&](int64_t a, int64_t b) { CopyTiles<T>(dst, src, shape, st, p, a, b); };
    dm::ParallelFor(pool, 0, work, parallel ? std::max<int64_t>(1, 4096 / (kTile * inner)) : work, fn);
    return;
  }
  const int64_t rows = total / inner;
  auto fn = [&](int64_t a, int64_t b) { CopyRows<T>(dst, src, shape, st, a, b); };
  dm::ParallelFor(pool, 0, rows, parallel ? std::max<int64_t>(1, 8192 / inner) : rows, fn);
}

}  // namespace

std::vector<int64_t> DenseStrides(const Shape &shape) {
  std::vector<int64_t> st(shape.size(), 1);
  for (int k = static_cast<int>(shape.size()) - 2; k >= 0; --k) st[k] = st[k + 1] * shape[k + 1];
  return st;
}

void StridedCopy(ThreadPool *pool, size_t elem_size, void *dst, const void *src,
                 const Shape &shape, const std::vector<int64_t> &src_strides) {
  int64_t total = 1;
  for (int64_t d : shape) total *= d;
  if (total <= 0) return;
  Shape cs;
  std::vector<int64_t> cst;
  Coalesce(shape, src_strides, &cs, &cst);
  switch (elem_size) {
    case 1:
      StridedCopyT(pool, static_cast<uint8_t *>(dst), static_cast<const uint8_t *>(src), cs, cst, total);
      break;
    case 2:
      StridedCopyT(pool, static_cast<uint16_t *>(dst), static_cast<const uint16_t *>(src), cs, cst, total);
      break;
    case 4:
      StridedCopyT(pool, static_cast<uint32_t *>(dst), static_cast<const uint32_t *>(src), cs, cst, total);
      break;
    case 8:
      StridedCopyT(pool, static_cast<uint64_t *>(dst), static_cast<const uint64_t *>(src), cs, cst, total);
      break;
    default: {
      // Any other element size: view each element as a row of bytes.
      Shape bs = cs;
      std::vector<int64_t> bst = cst;
      for (auto &s : bst) s *= static_cast<int64_t>(elem_size);
      bs.push_back(static_cast<int64_t>(elem_size));
      bst.push_back(1);
      StridedCopyT(pool, static_cast<uint8_t *>(dst), static_cast<const uint8_t *>(src), bs, bst,
                   total * static_cast<int64_t>(elem_size));
    }
  }
}

void CopyBlocks(ThreadPool *pool, void *dst, int64_t dst_pitch, const void *src, int64_t src_pitch,
                int64_t block_bytes, int64_t count) {
  if (block_bytes <= 0 || count <= 0) return;
  auto fn = [&](int64_t a, int64_t b) {
    uint8_t *d = static_cast<uint8_t *>(dst) + a * dst_pitch;
    const uint8_t *s = static_cast<const uint8_t *>(src) + a * src_pitch;
    for (int64_t i = a; i < b; ++i, d += dst_pitch, s += src_pitch)
      std::memcpy(d, s, static_cast<size_t>(block_bytes));
  };
  const bool parallel = block_bytes * count >= 4 * kParallelMinElements;
  dm::ParallelFor(pool, 0, count, parallel ? std::max<int64_t>(1, (1 << 16) / block_bytes) : count, fn);
}

void CopyBytes(ThreadPool *pool, void *dst, const void *src, int64_t bytes) {
  if (bytes <= 0) return;
  constexpr int64_t kChunk = 1 << 16;
  if (bytes < 4 * kChunk) {
    std::memcpy(dst, src, static_cast<size_t>(bytes));
    return;
  }
  CopyBlocks(pool, dst, kChunk, src, kChunk, kChunk, bytes / kChunk);
  const int64_t done = bytes / kChunk * kChunk;
  if (done < bytes)
    std::memcpy(static_cast<uint8_t *>(dst) + done, static_cast<const uint8_t *>(src) + done,
                static_cast<size_t>(bytes - done));
}

void FillElements(void *dst, const void *value, size_t elem_size, int64_t count) {
  if (count <= 0) return;
  switch (elem_size) {
    case 1: std::memset(dst, *static_cast<const uint8_t *>(value), static_cast<size_t>(count)); return;
    case 2: { uint16_t v; std::memcpy(&v, value, 2); std::fill_n(static_cast<uint16_t *>(dst), count, v); return; }
    case 4: { uint32_t v; std::memcpy(&v, value, 4); std::fill_n(static_cast<uint32_t *>(dst), count, v); return; }
    case 8: { uint64_t v; std::memcpy(&v, value, 8); std::fill_n(static_cast<uint64_t *>(dst), count, v); return; }
    default:
      for (int64_t i = 0; i < count; ++i)
        std::memcpy(static_cast<uint8_t *>(dst) + i * elem_size, value, elem_size);
  }
}

}  // namespace dm
}  // namespace mace
