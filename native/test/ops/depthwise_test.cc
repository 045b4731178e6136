// Tests of the specialised depthwise kernels (ops/common/depthwise.h) against a naive
// depthwise convolution, on every instruction-set path this CPU has (generic, AVX2, AVX-512 on
// x86-64; NEON on ARM), over odd shapes: widths 1..31 not multiples of any vector width, 1x1
// planes, stride 2 on odd sizes, asymmetric and large pads, and each fused activation. The
// kernels read the input in place: interior vectors with plain loads, border vectors with
// masked loads, so widths around multiples of 4, 8 and 16 (SSE/NEON, AVX2, AVX-512) and pads
// wider than a vector move columns between those paths. AVX-512 also has two narrow-plane
// paths: outputs at most 8 wide use 8-lane vectors, and stride-1 planes with in_w == out_w <= 8
// are computed flattened (NarrowSamePaddingPlanes). Narrow planes (ChannelBlocked()) are
// also checked through Planes(), which vectorises across channels (CheckPlanes).
// Dilated, 3-D and other kernel sizes go through Conv's general loop (conv_test.cc).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#if defined(__linux__) || defined(__APPLE__)
#include <sys/mman.h>
#include <unistd.h>
#define MACE_DW_TEST_GUARD_PAGES 1
#endif

#include "core/cpu_features.h"
#include "util/activation_cases.h"
#include "ops/common/depthwise.h"

namespace mace {
namespace test {
namespace {

struct DwCase {
  int64_t h, w, k, s, pt, pl, pb, pr;
};

conv::Window3 MakeWindow(const DwCase &c) {
  conv::Window3 win;
  win.in[1] = c.h;
  win.in[2] = c.w;
  win.kernel[1] = win.kernel[2] = c.k;
  win.stride[1] = win.stride[2] = c.s;
  win.pad_begin[1] = c.pt;
  win.pad_begin[2] = c.pl;
  win.pad_end[1] = c.pb;
  win.pad_end[2] = c.pr;
  win.out[1] = (c.h + c.pt + c.pb - c.k) / c.s + 1;
  win.out[2] = (c.w + c.pl + c.pr - c.k) / c.s + 1;
  return win;
}

std::vector<float> RefPlane(const std::vector<float> &x, const std::vector<float> &k, float bias,
                            const conv::Window3 &w, const Activation &act) {
  std::vector<float> y(static_cast<size_t>(w.out[1] * w.out[2]));
  for (int64_t oh = 0; oh < w.out[1]; ++oh)
    for (int64_t ow = 0; ow < w.out[2]; ++ow) {
      double acc = bias;
      for (int64_t kh = 0; kh < w.kernel[1]; ++kh)
        for (int64_t kw = 0; kw < w.kernel[2]; ++kw) {
          const int64_t ih = oh * w.stride[1] - w.pad_begin[1] + kh;
          const int64_t iw = ow * w.stride[2] - w.pad_begin[2] + kw;
          if (ih < 0 || ih >= w.in[1] || iw < 0 || iw >= w.in[2]) continue;
          acc += double(k[kh * w.kernel[2] + kw]) * x[ih * w.in[2] + iw];
        }
      y[oh * w.out[2] + ow] = act.Apply(static_cast<float>(acc));
    }
  return y;
}

std::vector<Isa> IsasHere() {
  std::vector<Isa> isas;
  for (int i = 0; i <= static_cast<int>(CpuIsa()); ++i) isas.push_back(static_cast<Isa>(i));
  return isas;
}

#if defined(MACE_DW_TEST_GUARD_PAGES)
// A copy of a plane placed right after (start) or right before (end) an inaccessible page:
// a kernel that reads outside the plane faults.
class GuardedPlane {
 public:
  GuardedPlane(const std::vector<float> &x, bool at_end) {
    const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
    const size_t bytes = x.size() * sizeof(float);
    const size_t pages = (bytes + page - 1) / page + 1;
    size_ = (pages + 2) * page;
    void *m = mmap(nullptr, size_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) return;
    base_ = static_cast<char *>(m);
    mprotect(base_, page, PROT_NONE);
    mprotect(base_ + (pages + 1) * page, page, PROT_NONE);
    data_ = reinterpret_cast<float *>(at_end ? base_ + (pages + 1) * page - bytes : base_ + page);
    std::copy(x.begin(), x.end(), data_);
  }
  ~GuardedPlane() {
    if (base_ != nullptr) munmap(base_, size_);
  }
  const float *data() const { return data_; }

 private:
  char *base_ = nullptr;
  size_t size_ = 0;
  float *data_ = nullptr;
};
#endif

// Planes(): several channels at once, vectorised across channels, on narrow planes
// (ChannelBlocked()). Channel counts not multiples of 4, 8 or 16 leave a last group
// with unused lanes (3: one group; 17: 16 + 1, 8 + 8 + 1, 4 x 4 + 1).
void CheckPlanes(const DwCase &c, const Activation &act, std::mt19937 *rng) {
  const conv::Window3 win = MakeWindow(c);
  ASSERT_TRUE(depthwise::ChannelBlocked(win));
  std::uniform_real_distribution<float> dist(-1.f, 1.f);
  const int64_t in_plane = c.h * c.w, out_plane = win.out[1] * win.out[2], taps = c.k * c.k;
  for (int64_t channels : {3, 17}) {
    std::vector<float> x(static_cast<size_t>(channels * in_plane));
    std::vector<float> k(static_cast<size_t>(channels * taps)), bias(static_cast<size_t>(channels));
    for (float &v : x) v = dist(*rng);
    for (float &v : k) v = dist(*rng);
    for (float &v : bias) v = dist(*rng);
    std::vector<float> ref;
    for (int64_t ch = 0; ch < channels; ++ch) {
      const std::vector<float> xc(x.begin() + ch * in_plane, x.begin() + (ch + 1) * in_plane);
      const std::vector<float> kc(k.begin() + ch * taps, k.begin() + (ch + 1) * taps);
      const std::vector<float> yc = RefPlane(xc, kc, bias[ch], win, act);
      ref.insert(ref.end(), yc.begin(), yc.end());
    }
    for (Isa isa : IsasHere())
      for (bool with_bias : {true, false}) {
        std::vector<float> y(ref.size() + 17, 12345.f);
        depthwise::Planes(isa, x.data(), channels, k.data(), with_bias ? bias.data() : nullptr,
                          win, act, y.data());
        for (int64_t ch = 0; ch < channels; ++ch) {
          std::vector<float> expect(ref.begin() + ch * out_plane,
                                    ref.begin() + (ch + 1) * out_plane);
          if (!with_bias) {
            const std::vector<float> xc(x.begin() + ch * in_plane, x.begin() + (ch + 1) * in_plane);
            const std::vector<float> kc(k.begin() + ch * taps, k.begin() + (ch + 1) * taps);
            expect = RefPlane(xc, kc, 0.f, win, act);
          }
          for (int64_t i = 0; i < out_plane; ++i)
            ASSERT_NEAR(y[ch * out_plane + i], expect[i], 1e-4f * (1.f + std::fabs(expect[i])))
                << "Planes " << IsaName(isa) << " " << channels << " channels, " << c.h << "x"
                << c.w << " k" << c.k << " s" << c.s << " pads " << c.pt << "," << c.pl << ","
                << c.pb << "," << c.pr << " channel " << ch << " at " << i;
        }
        for (size_t i = ref.size(); i < y.size(); ++i)
          ASSERT_EQ(y[i], 12345.f) << "Planes " << IsaName(isa) << " wrote past the planes";
      }
  }
}

void Check(const DwCase &c, const Activation &act, std::mt19937 *rng) {
  const conv::Window3 win = MakeWindow(c);
  ASSERT_TRUE(depthwise::Supported(win));
  if (depthwise::ChannelBlocked(win)) CheckPlanes(c, act, rng);
  std::uniform_real_distribution<float> dist(-1.f, 1.f);
  std::vector<float> x(static_cast<size_t>(c.h * c.w)), k(static_cast<size_t>(c.k * c.k));
  for (float &v : x) v = dist(*rng);
  for (float &v : k) v = dist(*rng);
  const float bias = dist(*rng);
  const std::vector<float> ref = RefPlane(x, k, bias, win, act);
  for (Isa isa : IsasHere()) {
    // Guard floats after the plane catch writes past its end.
    std::vector<float> y(ref.size() + 17, 12345.f);
    depthwise::Plane(isa, x.data(), k.data(), bias, win, act, y.data());
    for (size_t i = 0; i < ref.size(); ++i)
      ASSERT_NEAR(y[i], ref[i], 1e-4f * (1.f + std::fabs(ref[i])))
          << IsaName(isa) << " " << c.h << "x" << c.w << " k" << c.k << " s" << c.s << " pads "
          << c.pt << "," << c.pl << "," << c.pb << "," << c.pr << " at " << i;
    for (size_t i = ref.size(); i < y.size(); ++i)
      ASSERT_EQ(y[i], 12345.f) << IsaName(isa) << " wrote past the plane";
#if defined(MACE_DW_TEST_GUARD_PAGES)
    // The input is read in place: no load may touch a float before or after the plane.
    for (bool at_end : {false, true}) {
      const GuardedPlane g(x, at_end);
      ASSERT_NE(g.data(), nullptr);
      std::vector<float> yg(ref.size());
      depthwise::Plane(isa, g.data(), k.data(), bias, win, act, yg.data());
      ASSERT_EQ(yg, std::vector<float>(y.begin(), y.begin() + ref.size())) << IsaName(isa);
    }
#endif
  }
}

TEST(DepthwiseKernel, OddShapesStridesPads) {
  std::mt19937 rng(7);
  Activation none;
  for (int64_t k : {3, 5})
    for (int64_t s : {1, 2})
      for (int64_t h : {1, 2, 3, 7, 13})
        for (int64_t w : {1, 3, 7, 13, 16, 17, 31, 33, 64, 70})
          for (int64_t pad : {0, 1, 2}) {
            DwCase c{h, w, k, s, pad, pad, pad, pad};
            if (h + 2 * pad < k || w + 2 * pad < k) continue;
            Check(c, none, &rng);
          }
}

TEST(DepthwiseKernel, AsymmetricPads) {
  std::mt19937 rng(11);
  Activation none;
  const DwCase cases[] = {
      {7, 13, 3, 1, 0, 1, 1, 0}, {7, 13, 3, 2, 1, 0, 0, 1}, {13, 31, 5, 2, 2, 1, 1, 2},
      {5, 9, 5, 1, 0, 2, 2, 0},  {1, 1, 3, 1, 1, 1, 1, 1},  {1, 1, 5, 2, 2, 2, 2, 2},
      {3, 17, 3, 2, 3, 4, 2, 3}, {112, 112, 3, 2, 0, 0, 1, 1}, {56, 56, 3, 1, 1, 1, 1, 1},
      {14, 14, 5, 2, 1, 2, 2, 1}, {8, 21, 5, 1, 4, 4, 4, 4},
  };
  for (const DwCase &c : cases) Check(c, none, &rng);
}

TEST(DepthwiseKernel, FusedActivations) {
  std::mt19937 rng(13);
  for (const Activation &act : test::FusedActivationCases()) {
    for (const DwCase &c : {DwCase{7, 13, 3, 1, 1, 1, 1, 1}, DwCase{9, 31, 5, 2, 2, 2, 2, 2},
                            DwCase{5, 40, 3, 2, 0, 1, 1, 0}})
      Check(c, act, &rng);
  }
}

// The scratch plane's zero padding is reused between calls with the same geometry; calls
// alternating between geometries that share a scratch size must each see their own zeros.
TEST(DepthwiseKernel, AlternatingGeometries) {
  std::mt19937 rng(17);
  Activation none;
  const DwCase cases[] = {{13, 13, 3, 1, 1, 1, 1, 1}, {13, 13, 5, 2, 2, 2, 2, 2},
                          {13, 13, 3, 2, 0, 0, 1, 1}, {13, 13, 5, 1, 2, 2, 2, 2},
                          {13, 13, 3, 1, 0, 2, 2, 0}};
  for (int round = 0; round < 3; ++round)
    for (const DwCase &c : cases) Check(c, none, &rng);
}

// Widths around multiples of every vector width: the split between border vectors (masked
// loads, masked last store) and interior vectors (two vectors, then one) moves by a column.
TEST(DepthwiseKernel, WidthsAroundVectorMultiples) {
  std::mt19937 rng(19);
  Activation none;
  for (int64_t k : {3, 5})
    for (int64_t s : {1, 2})
      for (int64_t h : {2, 5, 8})
        for (int64_t w :
             {2, 4, 5, 8, 9, 12, 15, 20, 23, 24, 25, 32, 35, 47, 48, 49, 63, 65, 96, 97})
          for (int64_t pad : {0, 1, 2}) {
            DwCase c{h, w, k, s, pad, pad, pad, pad};
            if (h + 2 * pad < k || w + 2 * pad < k) continue;
            Check(c, none, &rng);
          }
}

// 1x1, 1x2, 2x1 and 2x2 planes: every output reads mostly padding.
TEST(DepthwiseKernel, TinyPlanes) {
  std::mt19937 rng(23);
  Activation none;
  for (int64_t k : {3, 5})
    for (int64_t s : {1, 2})
      for (int64_t h : {1, 2})
        for (int64_t w : {1, 2})
          for (int64_t pt : {0, 1, 2, 3})
            for (int64_t pl : {0, 1, 2, 3}) {
              const int64_t pb = k - 1 - pt > 0 ? k - 1 - pt : 0, pr = (pl + 1) % 4;
              DwCase c{h, w, k, s, pt, pl, pb, pr};
              if (h + pt + pb < k || w + pl + pr < k) continue;
              Check(c, none, &rng);
            }
}

// Stride 2 on odd sizes with asymmetric pads, and pads wider than a vector (whole border
// vectors and rows read only padding).
TEST(DepthwiseKernel, OddStride2AndWidePads) {
  std::mt19937 rng(29);
  Activation none;
  const DwCase cases[] = {
      {15, 33, 3, 2, 1, 1, 1, 1},   {113, 113, 3, 2, 1, 1, 1, 1}, {57, 57, 5, 2, 2, 2, 2, 2},
      {7, 35, 5, 2, 0, 1, 2, 0},    {9, 49, 3, 2, 1, 0, 0, 1},    {11, 31, 5, 2, 1, 2, 2, 1},
      {29, 29, 3, 2, 0, 0, 1, 1},   {5, 40, 3, 1, 0, 20, 0, 19},  {3, 50, 5, 2, 6, 17, 3, 33},
      {1, 30, 5, 1, 4, 2, 4, 2},    {2, 3, 3, 1, 9, 40, 9, 41},   {4, 70, 5, 2, 0, 35, 0, 2},
  };
  for (const DwCase &c : cases) Check(c, none, &rng);
}

// Narrow stride-1 planes with in_w == out_w (7x7 "same" padding): AVX-512 computes them
// flattened, one vector across several output rows, with a mask per tap.
TEST(DepthwiseKernel, NarrowSamePaddingPlanes) {
  std::mt19937 rng(31);
  Activation relu6;
  relu6.type = ActivationType::CLIP;
  relu6.alpha = 0.f;
  relu6.beta = 6.f;
  for (int64_t k : {3, 5})
    for (int64_t w = 1; w <= 10; ++w)
      for (int64_t h : {1, 2, 3, 5, 7, 9, 16, 17, 33})
        for (int64_t pl = 0; pl < k; ++pl) {
          const int64_t pt = (pl + h) % k;  // rows: any top pad, the bottom pad completes k-1
          Check(DwCase{h, w, k, 1, pt, pl, k - 1 - pt, k - 1 - pl}, relu6, &rng);
        }
}

TEST(DepthwiseKernel, UnsupportedWindowsFallBack) {
  conv::Window3 w = MakeWindow(DwCase{7, 7, 3, 1, 1, 1, 1, 1});
  EXPECT_TRUE(depthwise::Supported(w));
  conv::Window3 d = w;
  d.dilation[1] = d.dilation[2] = 2;
  EXPECT_FALSE(depthwise::Supported(d));
  conv::Window3 s3 = w;
  s3.stride[1] = s3.stride[2] = 3;
  EXPECT_FALSE(depthwise::Supported(s3));
  conv::Window3 k7 = w;
  k7.kernel[1] = k7.kernel[2] = 7;
  EXPECT_FALSE(depthwise::Supported(k7));
  conv::Window3 rect = w;
  rect.kernel[2] = 5;
  EXPECT_FALSE(depthwise::Supported(rect));
}

}  // namespace
}  // namespace test
}  // namespace mace
