// Tests of Conv's Winograd path (ops/common/winograd.h) against a naive direct convolution
// accumulated in double, for F(2,3) and F(4,3), on every GEMM kernel / transform instruction
// set this machine runs, 1 and 3 threads, over odd shapes: channel counts that leave partial
// GEMM tiles, planes smaller than one tile and not multiples of m, symmetric, asymmetric and
// oversized pads, batch 2, bias and fused activations. Also: `winograd` absent, 0 or another
// value keeps the GEMM path (bit-for-bit), and convs Winograd does not take (not 3x3, stride 2,
// dilated, grouped, runtime weights) fall back and stay correct with the arg set.
//
// Error bound: Winograd reorders the arithmetic and its transforms amplify rounding, so the
// error of an output scales with the magnitudes summed into it, not with the output itself
// (which can cancel to ~0). Each output is checked as
//   |y - ref| <= tol * (|bias| + sum over taps and channels of |w * x|)
// with tol = 1e-5 for F(2,3) and 1e-4 for F(4,3). Float rounding of a direct conv gives about
// 1e-7 * that magnitude per term; F(2,3)'s transforms (entries 0, +-1, +-1/2) cost a small
// factor; F(4,3)'s (A^T up to 8 and 8^2 = 64 on the 2-D corner terms, G down to 1/24) cost
// about two orders of magnitude (Lavin & Gray; Barabasz et al. 2019 measure F(4,3) at
// ~1e-5 relative in float). The worst ratios seen on this suite (printed) were 4e-7 for
// F(2,3) and 7.5e-6 for F(4,3): the bounds leave a margin of more than 10x.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "core/cpu_features.h"
#include "ops/common/gemm.h"
#include "ops/common/winograd.h"
#include "util/op_tester.h"

namespace mace {
namespace test {
namespace {

struct WCase {
  int64_t n, cin, cout, h, w;
  int64_t pt, pl, pb, pr;
  int64_t kh = 3, kw = 3, stride = 1, dilation = 1, group = 1;
  std::string act;  // "", RELU, CLIP (-0.5, 1.5) or LEAKYRELU (slope -0.5)
  bool bias = true;
};

std::string Describe(const WCase &c) {
  char buf[200];
  std::snprintf(buf, sizeof(buf),
                "N%lld Cin%lld Cout%lld %lldx%lld pads %lld,%lld,%lld,%lld k%lldx%lld s%lld d%lld "
                "g%lld %s",
                (long long)c.n, (long long)c.cin, (long long)c.cout, (long long)c.h,
                (long long)c.w, (long long)c.pt, (long long)c.pl, (long long)c.pb,
                (long long)c.pr, (long long)c.kh, (long long)c.kw, (long long)c.stride,
                (long long)c.dilation, (long long)c.group, c.act.c_str());
  return buf;
}

float ActRef(const std::string &act, double v) {
  if (act == "RELU") return static_cast<float>(std::max(v, 0.0));
  if (act == "CLIP") return static_cast<float>(std::min(std::max(v, -0.5), 1.5));
  if (act == "LEAKYRELU") return static_cast<float>(v >= 0 ? v : -0.5 * v);
  return static_cast<float>(v);
}

// Direct convolution in double; `mag` gets |bias| + sum |w*x| per output.
std::vector<float> Reference(const WCase &c, const std::vector<float> &x,
                             const std::vector<float> &w, const std::vector<float> &b,
                             std::vector<double> *mag, Shape *ys) {
  const int64_t eh = (c.kh - 1) * c.dilation + 1, ew = (c.kw - 1) * c.dilation + 1;
  const int64_t oh = (c.h + c.pt + c.pb - eh) / c.stride + 1;
  const int64_t ow = (c.w + c.pl + c.pr - ew) / c.stride + 1;
  const int64_t cg = c.cin / c.group, mg = c.cout / c.group;
  *ys = {c.n, c.cout, oh, ow};
  std::vector<float> y(static_cast<size_t>(c.n * c.cout * oh * ow));
  mag->assign(y.size(), 0.0);
  for (int64_t n = 0; n < c.n; ++n)
    for (int64_t o = 0; o < c.cout; ++o)
      for (int64_t i = 0; i < oh; ++i)
        for (int64_t j = 0; j < ow; ++j) {
          double s = c.bias ? b[o] : 0.0, m = c.bias ? std::fabs(b[o]) : 0.0;
          const int64_t g = o / mg;
          for (int64_t ci = 0; ci < cg; ++ci)
            for (int64_t u = 0; u < c.kh; ++u)
              for (int64_t v = 0; v < c.kw; ++v) {
                const int64_t yy = i * c.stride - c.pt + u * c.dilation;
                const int64_t xx = j * c.stride - c.pl + v * c.dilation;
                if (yy < 0 || yy >= c.h || xx < 0 || xx >= c.w) continue;
                const double p = double(w[((o * cg + ci) * c.kh + u) * c.kw + v]) *
                                 x[((n * c.cin + g * cg + ci) * c.h + yy) * c.w + xx];
                s += p;
                m += std::fabs(p);
              }
          const size_t k = static_cast<size_t>(((n * c.cout + o) * oh + i) * ow + j);
          y[k] = ActRef(c.act, s);
          (*mag)[k] = m;
        }
  return y;
}

struct Inputs {
  std::vector<float> x, w, b;
};

Inputs MakeInputs(const WCase &c, uint32_t seed) {
  Inputs in;
  in.x = RandomFloats(c.n * c.cin * c.h * c.w, -1.f, 1.f, seed);
  in.w = RandomFloats(c.cout * (c.cin / c.group) * c.kh * c.kw, -1.f, 1.f, seed + 1);
  in.b = RandomFloats(c.cout, -1.f, 1.f, seed + 2);
  return in;
}

// Runs the Conv op; winograd < 0 leaves the arg out.
MaceStatus RunConv(const WCase &c, const Inputs &in, int64_t winograd, int threads,
                   std::vector<float> *y, Shape *ys, bool const_w = true) {
  OpTester t("Conv");
  t.Input({c.n, c.cin, c.h, c.w}, in.x).Input({c.cout, c.cin / c.group, c.kh, c.kw}, in.w);
  if (const_w) t.Const();
  if (c.bias) t.Input({c.cout}, in.b).Const();
  t.Arg("group", c.group);
  t.Ints("pads", {c.pt, c.pl, c.pb, c.pr});
  t.Ints("strides", {c.stride, c.stride});
  t.Ints("dilations", {c.dilation, c.dilation});
  if (!c.act.empty()) {
    t.Arg("activation", c.act);
    t.Arg("activation_alpha", -0.5f);
    t.Arg("activation_beta", 1.5f);
  }
  if (winograd >= 0) t.Arg("winograd", winograd);
  MACE_RETURN_IF_ERROR(t.Run(threads));
  *y = t.OutputFloats();
  *ys = t.Output().shape();
  return MaceStatus::MACE_SUCCESS;
}

std::vector<Isa> IsasHere() {
  std::vector<Isa> isas;
  for (int i = 0; i <= static_cast<int>(CpuIsa()); ++i) isas.push_back(static_cast<Isa>(i));
  return isas;
}

double Tolerance(int m) { return m == 2 ? 1e-5 : 1e-4; }
double g_worst[5] = {0, 0, 0, 0, 0};  // worst err / magnitude seen, per m

// Checks Winograd F(m) on every ISA and 1/3 threads against the reference; `expect_wino`:
// whether the Winograd path must have run.
void CheckCase(const WCase &c, uint32_t seed, const std::vector<int> &ms, bool expect_wino = true) {
  SCOPED_TRACE(Describe(c));
  const Inputs in = MakeInputs(c, seed);
  std::vector<double> mag;
  Shape ref_shape;
  const std::vector<float> ref = Reference(c, in.x, in.w, in.b, &mag, &ref_shape);
  for (Isa isa : IsasHere()) {
    const Isa previous = gemm::SetIsaCapForTesting(isa);
    for (int m : ms) {
      for (int threads : {1, 3}) {
        SCOPED_TRACE(std::string("isa ") + IsaName(isa) + " m " + std::to_string(m) +
                     " threads " + std::to_string(threads));
        std::vector<float> y;
        Shape ys;
        const int64_t runs = winograd::RunsForTesting();
        MaceStatus st = RunConv(c, in, m, threads, &y, &ys);
        ASSERT_TRUE(st.ok()) << st.information();
        EXPECT_EQ(winograd::RunsForTesting() > runs, expect_wino);
        ASSERT_EQ(ys, ref_shape);
        ASSERT_EQ(y.size(), ref.size());
        const double tol = expect_wino ? Tolerance(m) : 1e-5;
        for (size_t i = 0; i < y.size(); ++i) {
          const double err = std::fabs(double(y[i]) - ref[i]);
          const double scale = mag[i] + 1e-6;
          if (expect_wino) g_worst[m] = std::max(g_worst[m], err / scale);
          ASSERT_LE(err, tol * scale) << "at " << i << ": " << y[i] << " vs " << ref[i];
        }
      }
    }
    gemm::SetIsaCapForTesting(previous);
  }
}

// Every plane size of the list against every other, three paddings, cycling through the
// channel counts; both F(2,3) and F(4,3).
TEST(WinogradTest, OddPlanesAndPads) {
  const int64_t sizes[] = {1, 2, 3, 5, 7, 13, 16, 27};
  const int64_t chans[] = {1, 3, 7, 16, 17, 33};
  const int64_t pads[][4] = {{0, 0, 0, 0}, {1, 1, 1, 1}, {0, 1, 1, 0}};
  int k = 0;
  for (int64_t h : sizes)
    for (int64_t w : sizes)
      for (const auto &p : pads) {
        if (h + p[0] + p[2] < 3 || w + p[1] + p[3] < 3) continue;
        WCase c{2, chans[k % 6], chans[(k / 6 + k) % 6], h, w, p[0], p[1], p[2], p[3]};
        const char *acts[] = {"", "RELU", "CLIP", "LEAKYRELU"};
        c.act = acts[k % 4];
        c.bias = k % 5 != 3;
        ++k;
        CheckCase(c, static_cast<uint32_t>(k), {2, 4});
        if (HasFatalFailure()) return;
      }
  std::printf("worst |err| / (|bias| + sum |w*x|): F(2,3) %.3g, F(4,3) %.3g\n", g_worst[2],
              g_worst[4]);
}

// Every pair of channel counts on a plane with partial edge tiles for both m.
TEST(WinogradTest, ChannelCounts) {
  const int64_t chans[] = {1, 3, 7, 16, 17, 33};
  uint32_t seed = 100;
  for (int64_t ci : chans)
    for (int64_t co : chans) {
      WCase c{2, ci, co, 7, 5, 1, 1, 1, 1};
      c.act = "RELU";
      CheckCase(c, ++seed, {2, 4});
      if (HasFatalFailure()) return;
    }
}

// Larger layers: several tile chunks and output-channel blocks (a partial last one), pads
// wider than the kernel (tiles of padding only), squeezenet-like shapes.
TEST(WinogradTest, ChunksBlocksAndWidePads) {
  std::vector<WCase> cases = {
      {1, 16, 64, 55, 55, 1, 1, 1, 1},  {2, 32, 200, 27, 27, 1, 1, 1, 1},
      {1, 48, 145, 13, 13, 1, 1, 1, 1}, {1, 5, 9, 6, 9, 3, 0, 4, 2},
      {3, 4, 6, 31, 2, 2, 2, 0, 1},     {1, 2, 3, 1, 1, 1, 1, 1, 1},
  };
  cases[1].act = "CLIP";
  uint32_t seed = 300;
  for (const WCase &c : cases) {
    CheckCase(c, ++seed, {2, 4});
    if (HasFatalFailure()) return;
  }
}

// Without `winograd` (absent, 0, or a value other than 2/4) Conv keeps its GEMM path: the
// Winograd code never runs and results are bit-for-bit those of the plain path.
TEST(WinogradTest, OffKeepsGemmPath) {
  WCase c{2, 7, 17, 13, 11, 1, 1, 1, 1};
  c.act = "RELU";
  const Inputs in = MakeInputs(c, 9);
  std::vector<float> plain, y;
  Shape ys;
  const int64_t runs = winograd::RunsForTesting();
  ASSERT_TRUE(RunConv(c, in, -1, 1, &plain, &ys).ok());
  for (int64_t off : {0, 1, 3}) {
    ASSERT_TRUE(RunConv(c, in, off, 1, &y, &ys).ok());
    EXPECT_EQ(y, plain) << "winograd " << off;
  }
  EXPECT_EQ(winograd::RunsForTesting(), runs);
  // Runtime (non-constant) weights are not transformed at Init: GEMM path too.
  ASSERT_TRUE(RunConv(c, in, 4, 1, &y, &ys, false).ok());
  EXPECT_EQ(y, plain);
  EXPECT_EQ(winograd::RunsForTesting(), runs);
  // And with it on, the Winograd path runs (results differ in rounding only).
  ASSERT_TRUE(RunConv(c, in, 4, 1, &y, &ys).ok());
  EXPECT_EQ(winograd::RunsForTesting(), runs + 1);
}

// Convs Winograd does not handle, with `winograd` set: they fall back and stay correct.
TEST(WinogradTest, UnsupportedConvsFallBack) {
  std::vector<WCase> cases;
  WCase c{2, 6, 8, 11, 9, 1, 1, 1, 1};
  c.stride = 2;  // stride 2
  cases.push_back(c);
  c.stride = 1;
  c.dilation = 2;  // dilated
  cases.push_back(c);
  c.dilation = 1;
  c.group = 2;  // grouped
  cases.push_back(c);
  c.group = 6;  // depthwise
  c.cout = 6;
  cases.push_back(c);
  c.group = 1;
  c.cout = 8;
  c.kh = c.kw = 5;  // 5x5
  cases.push_back(c);
  c.kh = c.kw = 1;  // 1x1
  c.pt = c.pl = c.pb = c.pr = 0;
  cases.push_back(c);
  c.kh = 3;  // 3x1
  cases.push_back(c);
  uint32_t seed = 500;
  for (const WCase &u : cases) {
    CheckCase(u, ++seed, {2, 4}, false);
    if (HasFatalFailure()) return;
  }
}

}  // namespace
}  // namespace test
}  // namespace mace
