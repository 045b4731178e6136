// buffer -> image -> buffer transforms: exact round trips and MACE's pixel layout.
#include "opencl_test_util.h"

namespace mace {
namespace opencl {
namespace test {

struct TransformCase {
  NCHWShape shape;
  ImageType type;
};

void PrintTo(const TransformCase &c, std::ostream *os) {
  *os << c.shape.ToString() << " " << ImageTypeName(c.type);
}

std::string CaseName(const ::testing::TestParamInfo<TransformCase> &info) {
  const NCHWShape &s = info.param.shape;
  return StrCat("N", s.n, "C", s.c, "H", s.h, "W", s.w, "_", ImageTypeName(info.param.type));
}

// Values of k/8 with |k| <= 2048 are exact in half, so half round trips must be exact too.
std::vector<float> HalfExactData(int64_t size, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> dist(-2048, 2048);
  std::vector<float> data(size);
  for (float &v : data) v = dist(rng) / 8.0f;
  return data;
}

using BufferTransformTest = OpenCLParamTest<TransformCase>;

TEST_P(BufferTransformTest, RoundTripIsExact) {
  const TransformCase &c = GetParam();
  std::vector<float> input = c.type == ImageType::kHalf ? HalfExactData(c.shape.size(), 11)
                                                        : RandomData(c.shape.size(), 11, -100, 100);
  CLObject<cl_mem> image;
  ASSERT_MACE_OK(Upload(runtime_, input, c.shape, c.type, &image));
  std::vector<float> output;
  ASSERT_MACE_OK(Download(runtime_, image.get(), c.shape, &output));
  EXPECT_TRUE(AllClose(output, input, {0, 0}));
}

INSTANTIATE_TEST_SUITE_P(
    Shapes, BufferTransformTest,
    ::testing::ValuesIn(std::vector<TransformCase>{
        {{1, 1, 1, 1}, ImageType::kFloat}, {{1, 3, 5, 7}, ImageType::kFloat},
        {{1, 4, 4, 4}, ImageType::kFloat}, {{2, 5, 3, 7}, ImageType::kFloat},
        {{3, 9, 2, 1}, ImageType::kFloat}, {{2, 16, 8, 8}, ImageType::kFloat},
        {{1, 3, 5, 7}, ImageType::kHalf},  {{2, 5, 3, 7}, ImageType::kHalf},
        {{3, 9, 2, 1}, ImageType::kHalf},  {{1, 8, 6, 6}, ImageType::kHalf}}),
    CaseName);

using BufferTransformLayoutTest = OpenCLTest;

// Pixel (cb * W + w, n * H + h) holds channels 4cb..4cb+3 of (n, h, w); channels past C are 0.
TEST_F(BufferTransformLayoutTest, MatchesMaceChannelMajorImage) {
  const NCHWShape s{2, 6, 3, 5};
  std::vector<float> input(s.size());
  for (size_t i = 0; i < input.size(); ++i) input[i] = float(i + 1);  // no zeros: padding stands out
  CLObject<cl_mem> image;
  ASSERT_MACE_OK(Upload(runtime_, input, s, ImageType::kFloat, &image));
  const ImageShape is = ChannelImageShape(s);
  std::vector<float> pixels(is.width * is.height * 4, NAN);
  ASSERT_MACE_OK(ReadFloatImage(runtime_, image.get(), is, pixels.data()));
  int wrong = 0;
  for (int n = 0; n < s.n; ++n)
    for (int h = 0; h < s.h; ++h)
      for (int cb = 0; cb < ChannelBlocks(s.c); ++cb)
        for (int w = 0; w < s.w; ++w)
          for (int k = 0; k < 4; ++k) {
            const int c = cb * 4 + k;
            const float expected = c < s.c ? input[((n * s.c + c) * s.h + h) * s.w + w] : 0.0f;
            const size_t x = cb * s.w + w, y = n * s.h + h;
            const float got = pixels[(y * is.width + x) * 4 + k];
            if (got != expected && wrong++ < 5)
              ADD_FAILURE() << "pixel (" << x << ", " << y << ")[" << k << "] = " << got << ", expected " << expected;
          }
  EXPECT_EQ(wrong, 0);
}

// Half images hold 11 significant bits: 1 + 2^-10 survives, 1 + 2^-12 rounds to 1. Float
// images keep both. This also proves the image type reaches clCreateImage.
TEST_F(BufferTransformLayoutTest, HalfImagesRoundToHalf) {
  const NCHWShape s{1, 2, 1, 1};
  const std::vector<float> input = {1.0f + 1.0f / 1024, 1.0f + 1.0f / 4096};
  for (ImageType type : {ImageType::kFloat, ImageType::kHalf}) {
    CLObject<cl_mem> image;
    ASSERT_MACE_OK(Upload(runtime_, input, s, type, &image));
    std::vector<float> output;
    ASSERT_MACE_OK(Download(runtime_, image.get(), s, &output));
    EXPECT_EQ(output[0], input[0]) << ImageTypeName(type);
    EXPECT_EQ(output[1], type == ImageType::kHalf ? 1.0f : input[1]) << ImageTypeName(type);
  }
}

TEST_F(BufferTransformLayoutTest, RejectsEmptyShape) {
  CLObject<cl_mem> image, buffer;
  ASSERT_MACE_OK(CreateImage(runtime_, {4, 4}, ImageType::kFloat, &image));
  ASSERT_MACE_OK(CreateBuffer(runtime_, 64, nullptr, &buffer));
  MaceStatus status = BufferToImage(runtime_, buffer.get(), {1, 0, 4, 4}, image.get());
  EXPECT_EQ(status.code(), MaceStatus::MACE_INVALID_ARGS) << status.information();
  status = CreateImage(runtime_, {runtime_->image2d_max_width() + 1, 1}, ImageType::kFloat, &image);
  EXPECT_EQ(status.code(), MaceStatus::MACE_INVALID_ARGS) << status.information();
}

}  // namespace test
}  // namespace opencl
}  // namespace mace
