// Gemm and MatMul as fully connected layers: the GPU kernel against the CPU kernel on float and
// half images, K not a multiple of 4, M = 13, N = 1 and 2, transB both ways, every bias form
// the kernel takes, alpha/beta, fused activations, and long K (split-K path).
#include <tuple>

#include "opencl_test_util.h"

namespace mace {
namespace opencl {
namespace test {
namespace {

using mace::test::OpTester;

struct FcCase {
  std::string name;
  int n, k, m;
  int trans_b;
  Shape bias;  // empty: none; {0}: scalar (rank 0)
  bool has_bias;
  float alpha, beta;
  std::string activation;
};
void PrintTo(const FcCase &c, std::ostream *os) { *os << c.name; }

const FcCase kCases[] = {
    {"k37_m13_tb1", 2, 37, 13, 1, {}, false, 1.f, 1.f, ""},
    {"k37_m13_tb0", 2, 37, 13, 0, {}, false, 1.f, 1.f, ""},
    {"bias_m", 2, 37, 13, 1, {13}, true, 1.f, 1.f, ""},
    {"bias_1m_tb0", 1, 37, 13, 0, {1, 13}, true, 1.f, 1.f, "RELU"},
    {"bias_scalar_alpha_beta", 2, 21, 7, 1, {}, true, 0.5f, -2.f, ""},
    {"bias_one_alpha_beta", 2, 21, 7, 0, {1}, true, 1.5f, 0.25f, "HARDSWISH"},
    {"beta0_ignores_c", 2, 9, 5, 1, {5}, true, 1.f, 0.f, ""},
    {"k4_m4", 3, 4, 4, 1, {4}, true, 1.f, 1.f, "SIGMOID"},
    {"k3_m1", 2, 3, 1, 0, {}, false, 1.f, 1.f, ""},
    // Long K (split-K, then reduction): mobilenet_v2's classifier and mobilenet_v3's.
    {"k1280_m1000", 1, 1280, 1000, 1, {1000}, true, 1.f, 1.f, ""},
    {"k576_m1024_hardswish", 1, 576, 1024, 1, {1024}, true, 1.f, 1.f, "HARDSWISH"},
    {"k1023_m13_n2", 2, 1023, 13, 0, {13}, true, 1.f, 1.f, "RELU"},
};

using FcTest = OpenCLParamTest<std::tuple<FcCase, ImageType>>;

// Sums of K products of half-rounded values in [-1, 1]: the error grows like sqrt(K) times the
// rounding of one product (~1e-3) and is absolute (outputs near 0 are common), hence atol
// 2e-3 * sqrt(K) for half storage.
// Outputs are sums of k products of U(-1, 1) values (std ~ sqrt(k)/3); where they nearly cancel,
// the GPU's and the CPU's summation orders (split-K partials vs the CPU GEMM's FMA blocks) differ
// by float rounding of the partial sums, which grows with k: an absolute floor of 3e-7 * k
// (3.8e-4 at k = 1280, ~3e-5 of the outputs' spread) for float; half storage rounds the inputs.
Tolerance FcTolerance(ImageType type, int k) {
  Tolerance tol = ToleranceFor(type);
  tol.atol = std::max(tol.atol, type == ImageType::kHalf ? 2e-3f * std::sqrt(float(k)) : 3e-7f * float(k));
  return tol;
}

TEST_P(FcTest, GemmMatchesCpu) {
  const FcCase &c = std::get<0>(GetParam());
  const ImageType type = std::get<1>(GetParam());
  const std::vector<float> a = RandomData(int64_t(c.n) * c.k, 7, -1, 1);
  const std::vector<float> b = RandomData(int64_t(c.k) * c.m, 8, -1, 1);
  const std::vector<float> bias = RandomData(std::max<int64_t>(1, mace::test::NumElements(c.bias)), 9, -1, 1);
  const Shape b_shape = c.trans_b ? Shape{c.m, c.k} : Shape{c.k, c.m};
  EXPECT_TRUE(GpuMatchesCpu(
      runtime_, type, "Gemm",
      [&](OpTester &t) {
        t.Input({c.n, c.k}, a).Input(b_shape, b).Const();
        if (c.has_bias) t.Input(c.bias, bias).Const();
        t.Arg("transB", c.trans_b);
        if (c.alpha != 1.f) t.Arg("alpha", c.alpha);
        if (c.beta != 1.f) t.Arg("beta", c.beta);
        if (!c.activation.empty()) t.Arg("activation", c.activation);
      },
      FcTolerance(type, c.k)));
}

TEST_P(FcTest, MatMulMatchesCpu) {
  const FcCase &c = std::get<0>(GetParam());
  const ImageType type = std::get<1>(GetParam());
  const std::vector<float> a = RandomData(int64_t(c.n) * c.k, 10, -1, 1);
  const std::vector<float> b = RandomData(int64_t(c.k) * c.m, 11, -1, 1);
  EXPECT_TRUE(GpuMatchesCpu(
      runtime_, type, "MatMul",
      [&](OpTester &t) {
        t.Input({c.n, c.k}, a).Input({c.k, c.m}, b).Const();
        if (!c.activation.empty()) t.Arg("activation", c.activation);
      },
      FcTolerance(type, c.k)));
}

INSTANTIATE_TEST_SUITE_P(Fc, FcTest,
                         ::testing::Combine(::testing::ValuesIn(kCases),
                                            ::testing::Values(ImageType::kFloat, ImageType::kHalf)),
                         [](const ::testing::TestParamInfo<FcTest::ParamType> &info) {
                           return StrCat(std::get<0>(info.param).name, "_", ImageTypeName(std::get<1>(info.param)));
                         });

// Re-running reuses the transformed weights.
// Not bitwise: mad() may or may not be fused, and a driver (PoCL) may run another compiled
// variant of the kernel on the second launch.
TEST_F(OpenCLTest, GemmReruns) {
  OpTester t("Gemm");
  t.Input({1, 300}, RandomData(300, 1, -1, 1)).Input({50, 300}, RandomData(15000, 2, -1, 1)).Const();
  t.Arg("transB", 1);
  GpuMemory memory(runtime_, ImageType::kFloat);
  t.OnDevice(&memory);
  ASSERT_MACE_OK(t.Run());
  const std::vector<float> first = t.OutputFloats();
  ASSERT_MACE_OK(t.Run());
  EXPECT_TRUE(AllClose(t.OutputFloats(), first, ToleranceFor(ImageType::kFloat)));
}

TEST_F(OpenCLTest, GemmRefusals) {
  auto refused = [&](const std::function<void(OpTester &)> &build, const std::string &reason) {
    EXPECT_TRUE(GpuRefuses(runtime_, "Gemm", build, reason));
  };
  refused([](OpTester &t) { t.Input({2, 5}, RandomData(10, 1, -1, 1)).Input({5, 3}, RandomData(15, 2, -1, 1)); },
          "not a constant");
  refused(
      [](OpTester &t) {
        t.Input({5, 2}, RandomData(10, 1, -1, 1)).Input({5, 3}, RandomData(15, 2, -1, 1)).Const().Arg("transA", 1);
      },
      "transA");
  refused(
      [](OpTester &t) {
        t.Input({2, 5}, RandomData(10, 1, -1, 1)).Input({5, 3}, RandomData(15, 2, -1, 1)).Const();
        t.Input({2, 1}, RandomData(2, 3, -1, 1)).Const();
      },
      "bias");
}

}  // namespace
}  // namespace test
}  // namespace opencl
}  // namespace mace
