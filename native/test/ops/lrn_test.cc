// LRN tests: the op against the ONNX formula computed naively, for odd and even window sizes,
// windows wider than the channel count, ranks 2 to 5, attribute defaults, 1 vs 3 threads,
// and input errors.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "util/op_tester.h"

namespace mace {
namespace test {
namespace {

std::vector<float> RefLrn(const Shape &shape, const std::vector<float> &x, int64_t size,
                          float alpha, float beta, float bias) {
  const int64_t n_dim = shape[0], channels = shape[1];
  const int64_t inner = NumElements(shape) / (n_dim * channels);
  std::vector<float> y(x.size());
  for (int64_t n = 0; n < n_dim; ++n)
    for (int64_t c = 0; c < channels; ++c)
      for (int64_t s = 0; s < inner; ++s) {
        // Window [c - floor((size-1)/2), c + ceil((size-1)/2)], clipped to the channels.
        const int64_t lo = std::max<int64_t>(0, c - (size - 1) / 2);
        const int64_t hi = std::min<int64_t>(channels - 1, c + size / 2);
        double square_sum = 0;
        for (int64_t i = lo; i <= hi; ++i) {
          const double v = x[(n * channels + i) * inner + s];
          square_sum += v * v;
        }
        const size_t at = static_cast<size_t>((n * channels + c) * inner + s);
        y[at] = static_cast<float>(x[at] / std::pow(bias + alpha / size * square_sum, beta));
      }
  return y;
}

void CheckLrn(const Shape &shape, int64_t size, float alpha, float beta, float bias,
              bool set_defaults = true) {
  SCOPED_TRACE("X " + ShapeToString(shape) + " size " + std::to_string(size));
  const std::vector<float> x = RandomFloats(NumElements(shape), -3.f, 3.f, 51);
  const std::vector<float> expected = RefLrn(shape, x, size, alpha, beta, bias);
  OpTester t("LRN");
  t.Input(shape, x).Arg("size", size);
  if (set_defaults) t.Arg("alpha", alpha).Arg("beta", beta).Arg("bias", bias);
  MaceStatus st = t.Run(1);
  ASSERT_TRUE(st.ok()) << st.information();
  EXPECT_EQ(t.Output().shape(), shape);
  const std::vector<float> one = t.OutputFloats();
  ExpectAllClose(one, expected, 1e-5f, 1e-4f);
  st = t.Run(3);
  ASSERT_TRUE(st.ok()) << st.information();
  EXPECT_EQ(t.OutputFloats(), one) << "1 and 3 threads differ";
}

TEST(LrnTest, WindowSizes) {
  for (int64_t size : {1, 2, 3, 4, 5, 9})
    CheckLrn({2, 7, 5, 3}, size, 0.0002f, 0.5f, 2.f);
  CheckLrn({1, 3, 4, 4}, 11, 0.1f, 0.75f, 1.f);  // window wider than the channels
}

TEST(LrnTest, RanksAndDefaults) {
  CheckLrn({3, 13}, 3, 1e-4f, 0.75f, 1.f, false);  // ONNX defaults
  CheckLrn({2, 5, 17}, 5, 0.01f, 0.75f, 1.f);
  CheckLrn({1, 6, 2, 3, 4}, 3, 0.5f, 1.f, 0.5f);
  CheckLrn({1, 1, 1, 1}, 3, 0.5f, 0.75f, 1.f);
  CheckLrn({4, 32, 14, 14}, 5, 1e-4f, 0.75f, 1.f);  // enough planes to split over threads
}

TEST(LrnTest, InvalidInputs) {
  OpTester no_size("LRN");
  no_size.Input({1, 2, 2, 2}, RandomFloats(8));
  MaceStatus s = no_size.Run();
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.information().find("size"), std::string::npos) << s.information();
  OpTester zero("LRN");
  zero.Input({1, 2, 2, 2}, RandomFloats(8)).Arg("size", 0);
  EXPECT_FALSE(zero.Run().ok());
  OpTester rank("LRN");
  rank.Input({4}, RandomFloats(4)).Arg("size", 3);
  s = rank.Run();
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.information().find("rank"), std::string::npos) << s.information();
  OpTester ints("LRN");
  ints.InputInt64({1, 2}, {1, 2}).Arg("size", 3);
  EXPECT_FALSE(ints.Run().ok());
  OpTester missing("LRN");
  missing.NoInput().Arg("size", 3);
  EXPECT_FALSE(missing.Run().ok());
}

}  // namespace
}  // namespace test
}  // namespace mace
