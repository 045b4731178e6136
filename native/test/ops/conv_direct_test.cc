// Tests of the direct conv for few input channels (ops/common/conv_direct.h) against a naive
// convolution, on every instruction-set path this CPU has (generic, AVX2, AVX-512 on x86-64;
// NEON on ARM): Cin 1..4 (and up to the depth limit), output channel counts that are not multiples of the register tiles,
// widths and heights from 1 to 224-ish, stride 1 and 2, zero / symmetric / asymmetric pads,
// 3x3 / 5x5 / 7x7 / non-square kernels, with and without bias, each fused activation, batches,
// and a thread pool that splits rows and channels.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "core/cpu_features.h"
#include "util/activation_cases.h"
#include "core/thread_pool.h"
#include "ops/common/conv_direct.h"

namespace mace {
namespace test {
namespace {

struct DcCase {
  int64_t cin, cout, h, w, kh, kw, s, pt, pl, pb, pr;
  int64_t batch = 1;
};

conv::Window3 MakeWindow(const DcCase &c) {
  conv::Window3 win;
  win.in[1] = c.h;
  win.in[2] = c.w;
  win.kernel[1] = c.kh;
  win.kernel[2] = c.kw;
  win.stride[1] = win.stride[2] = c.s;
  win.pad_begin[1] = c.pt;
  win.pad_begin[2] = c.pl;
  win.pad_end[1] = c.pb;
  win.pad_end[2] = c.pr;
  win.out[1] = (c.h + c.pt + c.pb - c.kh) / c.s + 1;
  win.out[2] = (c.w + c.pl + c.pr - c.kw) / c.s + 1;
  return win;
}

// Naive NCHW conv, accumulated in double.
std::vector<float> RefConv(const DcCase &c, const std::vector<float> &x, const std::vector<float> &k,
                           const float *bias, const conv::Window3 &w, const Activation &act) {
  const int64_t oh_n = w.out[1], ow_n = w.out[2];
  std::vector<float> y(static_cast<size_t>(c.batch * c.cout * oh_n * ow_n));
  for (int64_t n = 0; n < c.batch; ++n)
    for (int64_t co = 0; co < c.cout; ++co)
      for (int64_t oh = 0; oh < oh_n; ++oh)
        for (int64_t ow = 0; ow < ow_n; ++ow) {
          double acc = bias ? bias[co] : 0.0;
          for (int64_t ci = 0; ci < c.cin; ++ci)
            for (int64_t i = 0; i < c.kh; ++i)
              for (int64_t j = 0; j < c.kw; ++j) {
                const int64_t ih = oh * c.s - c.pt + i, iw = ow * c.s - c.pl + j;
                if (ih < 0 || ih >= c.h || iw < 0 || iw >= c.w) continue;
                acc += double(k[((co * c.cin + ci) * c.kh + i) * c.kw + j]) *
                       x[((n * c.cin + ci) * c.h + ih) * c.w + iw];
              }
          y[((n * c.cout + co) * oh_n + oh) * ow_n + ow] = act.Apply(static_cast<float>(acc));
        }
  return y;
}

std::vector<Isa> IsasHere() {
  std::vector<Isa> isas;
  for (int i = 0; i <= static_cast<int>(CpuIsa()); ++i) isas.push_back(static_cast<Isa>(i));
  return isas;
}

std::string Describe(const DcCase &c) {
  return "cin " + std::to_string(c.cin) + " cout " + std::to_string(c.cout) + " " +
         std::to_string(c.h) + "x" + std::to_string(c.w) + " k" + std::to_string(c.kh) + "x" +
         std::to_string(c.kw) + " s" + std::to_string(c.s) + " pads " + std::to_string(c.pt) +
         "," + std::to_string(c.pl) + "," + std::to_string(c.pb) + "," + std::to_string(c.pr) +
         " batch " + std::to_string(c.batch);
}

void Check(const DcCase &c, const Activation &act, bool with_bias, std::mt19937 *rng,
           ThreadPool *pool = nullptr) {
  const conv::Window3 win = MakeWindow(c);
  ASSERT_TRUE(conv_direct::Supported(win, c.cin, 1)) << Describe(c);
  std::uniform_real_distribution<float> dist(-1.f, 1.f);
  std::vector<float> x(static_cast<size_t>(c.batch * c.cin * c.h * c.w));
  std::vector<float> k(static_cast<size_t>(c.cout * c.cin * c.kh * c.kw));
  std::vector<float> bias(static_cast<size_t>(c.cout));
  for (float &v : x) v = dist(*rng);
  for (float &v : k) v = dist(*rng);
  for (float &v : bias) v = dist(*rng);
  const float *b = with_bias ? bias.data() : nullptr;
  const std::vector<float> ref = RefConv(c, x, k, b, win, act);
  std::vector<float> packed;
  conv_direct::PackWeights(k.data(), c.cout, c.cin * c.kh * c.kw, &packed);
  for (Isa isa : IsasHere()) {
    // Guard floats after the output catch writes past its end.
    std::vector<float> y(ref.size() + 17, 12345.f);
    conv_direct::Run(isa, x.data(), c.batch, c.cin, packed.data(), c.cout, b, win, act, pool,
                     y.data());
    for (size_t i = 0; i < ref.size(); ++i)
      ASSERT_NEAR(y[i], ref[i], 1e-4f * (1.f + std::fabs(ref[i])))
          << IsaName(isa) << " " << Describe(c) << " at " << i;
    for (size_t i = ref.size(); i < y.size(); ++i)
      ASSERT_EQ(y[i], 12345.f) << IsaName(isa) << " wrote past the output";
  }
}

TEST(ConvDirect, OddShapesStridesPads) {
  std::mt19937 rng(7);
  Activation none;
  for (int64_t cin : {1, 2, 3, 4})
    for (int64_t cout : {1, 5, 16, 17, 33})
      for (int64_t s : {1, 2})
        for (int64_t hw : {1, 2, 7, 17})
          for (int64_t pad : {0, 1}) {
            DcCase c{cin, cout, hw, hw + 3, 3, 3, s, pad, pad, pad, pad};
            if (hw + 2 * pad < 3) continue;
            Check(c, none, (cout + hw) % 2 == 0, &rng);
          }
}

TEST(ConvDirect, AsymmetricPadsAndKernels) {
  std::mt19937 rng(11);
  Activation none;
  const DcCase cases[] = {
      {3, 16, 7, 13, 3, 3, 1, 0, 1, 1, 0},  {3, 17, 7, 13, 3, 3, 2, 1, 0, 0, 1},
      {2, 5, 13, 31, 5, 5, 2, 2, 1, 1, 2},  {1, 33, 5, 9, 5, 5, 1, 0, 2, 2, 0},
      {3, 8, 1, 1, 3, 3, 1, 1, 1, 1, 1},    {1, 5, 1, 1, 5, 5, 2, 2, 2, 2, 2},
      {4, 16, 3, 17, 3, 3, 2, 3, 4, 2, 3},  {1, 16, 19, 23, 7, 7, 2, 3, 3, 3, 3},
      {1, 9, 11, 40, 7, 7, 1, 3, 2, 1, 3},  {2, 12, 9, 21, 3, 5, 1, 1, 2, 1, 2},
      {3, 7, 8, 20, 1, 3, 2, 0, 1, 0, 1},   {4, 17, 6, 33, 2, 2, 2, 0, 0, 1, 1},
      {3, 64, 29, 35, 7, 7, 2, 3, 3, 3, 3}, {16, 20, 11, 13, 3, 3, 1, 1, 1, 1, 1},
      {6, 9, 12, 18, 5, 5, 2, 2, 2, 1, 1},
  };
  for (const DcCase &c : cases) Check(c, none, true, &rng);
}

TEST(ConvDirect, StemShapes) {
  std::mt19937 rng(5);
  Activation relu;
  relu.type = ActivationType::RELU;
  Check({3, 32, 224, 224, 3, 3, 2, 1, 1, 1, 1}, relu, true, &rng);  // mobilenet_v2
  Check({3, 17, 225, 223, 3, 3, 2, 0, 0, 0, 0}, relu, true, &rng);  // squeezenet-like, odd
}

TEST(ConvDirect, FusedActivations) {
  std::mt19937 rng(13);
  for (const Activation &act : test::FusedActivationCases()) {
    for (const DcCase &c : {DcCase{3, 16, 7, 13, 3, 3, 1, 1, 1, 1, 1},
                            DcCase{3, 17, 9, 31, 3, 3, 2, 1, 1, 1, 1},
                            DcCase{1, 5, 5, 40, 5, 5, 2, 0, 1, 1, 0}})
      Check(c, act, true, &rng);
  }
}

// Batches and a pool: jobs split the rows into blocks and, when rows are few, the channels.
TEST(ConvDirect, BatchAndThreads) {
  std::mt19937 rng(17);
  Activation relu;
  relu.type = ActivationType::RELU;
  ThreadPool pool(4, AFFINITY_NONE, true);
  DcCase cases[] = {{3, 33, 17, 19, 3, 3, 2, 1, 1, 1, 1}, {3, 40, 2, 9, 3, 3, 1, 1, 1, 1, 1},
                    {1, 64, 1, 5, 3, 3, 1, 1, 1, 1, 1},  {4, 16, 30, 30, 3, 3, 1, 1, 1, 1, 1}};
  for (DcCase c : cases) {
    c.batch = 3;
    Check(c, relu, true, &rng, &pool);
    c.batch = 1;
    Check(c, relu, false, &rng, &pool);
  }
}

TEST(ConvDirect, UnsupportedWindowsFallBack) {
  const conv::Window3 w = MakeWindow(DcCase{3, 8, 9, 9, 3, 3, 2, 1, 1, 1, 1});
  EXPECT_TRUE(conv_direct::Supported(w, 3, 1));
  EXPECT_FALSE(conv_direct::Supported(w, 3, 3));   // grouped
  EXPECT_TRUE(conv_direct::Supported(w, 16, 1));   // depth 144
  EXPECT_FALSE(conv_direct::Supported(w, 18, 1));  // depth 162: the GEMM's
  conv::Window3 d = w;
  d.dilation[1] = d.dilation[2] = 2;
  EXPECT_FALSE(conv_direct::Supported(d, 3, 1));
  conv::Window3 s3 = w;
  s3.stride[1] = s3.stride[2] = 3;
  EXPECT_FALSE(conv_direct::Supported(s3, 3, 1));
  conv::Window3 one = MakeWindow(DcCase{3, 8, 9, 9, 1, 1, 1, 0, 0, 0, 0});
  EXPECT_FALSE(conv_direct::Supported(one, 3, 1));  // pointwise: the GEMM's
  conv::Window3 d3 = w;
  d3.in[0] = d3.out[0] = 2;
  EXPECT_FALSE(conv_direct::Supported(d3, 3, 1));   // 3-D
}

}  // namespace
}  // namespace test
}  // namespace mace
