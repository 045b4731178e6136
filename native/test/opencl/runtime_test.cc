// The runtime itself: device facts, the program cache, embedded sources, clear errors.
#include <algorithm>

#include "opencl/cl_error.h"
#include "opencl/cl_sources.h"
#include "opencl_test_util.h"

namespace mace {
namespace opencl {
namespace test {

TEST(OpenCLErrorTest, NamesCoreErrors) {
  EXPECT_STREQ(CLErrorName(0), "CL_SUCCESS");
  EXPECT_STREQ(CLErrorName(-11), "CL_BUILD_PROGRAM_FAILURE");
  EXPECT_STREQ(CLErrorName(-40), "CL_INVALID_IMAGE_SIZE");
  EXPECT_STREQ(CLErrorName(-70), "CL_INVALID_DEVICE_QUEUE");
  EXPECT_STREQ(CLErrorName(-1234), "CL_UNKNOWN_ERROR");
  MaceStatus status = CLError("clCreateBuffer", -4, "64 bytes");
  EXPECT_EQ(status.code(), MaceStatus::MACE_OUT_OF_RESOURCES);
  EXPECT_EQ(status.information(), "clCreateBuffer: CL_MEM_OBJECT_ALLOCATION_FAILURE (-4); 64 bytes");
}

TEST(OpenCLImageShapeTest, IsChannelMajor) {
  ImageShape s = ChannelImageShape({2, 5, 3, 7});  // ceil(5/4) = 2 blocks of W = 7; N*H = 6
  EXPECT_EQ(s.width, 14u);
  EXPECT_EQ(s.height, 6u);
  s = ChannelImageShape({1, 4, 1, 1});
  EXPECT_EQ(s.width, 1u);
  EXPECT_EQ(s.height, 1u);
}

TEST(OpenCLSourcesTest, EveryKernelFileIsEmbedded) {
  std::vector<std::string> names = EmbeddedCLSourceNames();
  // Sorted, and holding at least the runtime's own programs (op kernels add their files).
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
  for (const char *name : {"activation", "buffer_transform", "common", "eltwise"})
    EXPECT_NE(std::find(names.begin(), names.end(), name), names.end()) << name;
  ASSERT_NE(EmbeddedCLSource("eltwise"), nullptr);
  EXPECT_NE(std::string(EmbeddedCLSource("eltwise")).find("__kernel void eltwise"), std::string::npos);
  EXPECT_EQ(EmbeddedCLSource("missing"), nullptr);
}

using OpenCLRuntimeTest = OpenCLTest;

TEST_F(OpenCLRuntimeTest, ReportsDevice) {
  EXPECT_FALSE(runtime_->device_name().empty());
  EXPECT_EQ(runtime_->device_version().rfind("OpenCL ", 0), 0u) << runtime_->device_version();
  EXPECT_FALSE(runtime_->driver_version().empty());
  EXPECT_FALSE(runtime_->extensions().empty());
  EXPECT_EQ(runtime_->fp16_supported(), runtime_->extensions().find("cl_khr_fp16") != std::string::npos);
  EXPECT_TRUE(runtime_->image_supported());
  EXPECT_GT(runtime_->image2d_max_width(), 0u);
  std::cout << "[ device   ] " << runtime_->platform_name() << " / " << runtime_->device_name() << " ("
            << (runtime_->is_gpu() ? "GPU" : "not GPU") << "), " << runtime_->device_version() << ", driver "
            << runtime_->driver_version() << ", fp16 " << (runtime_->fp16_supported() ? "yes" : "no") << "\n";
}

TEST_F(OpenCLRuntimeTest, CachesProgramsPerSourceAndOptions) {
  cl_program add = nullptr, add_again = nullptr, sub = nullptr;
  size_t before = runtime_->program_cache_size();
  ASSERT_MACE_OK(runtime_->BuildProgram("eltwise", "-DELTWISE_TYPE=0 -DCACHE_TEST", &add));
  ASSERT_MACE_OK(runtime_->BuildProgram("eltwise", "-DELTWISE_TYPE=0 -DCACHE_TEST", &add_again));
  EXPECT_EQ(add, add_again);
  EXPECT_EQ(runtime_->program_cache_size(), before + 1);
  ASSERT_MACE_OK(runtime_->BuildProgram("eltwise", "-DELTWISE_TYPE=1 -DCACHE_TEST", &sub));
  EXPECT_NE(add, sub);
  EXPECT_EQ(runtime_->program_cache_size(), before + 2);
}

TEST_F(OpenCLRuntimeTest, UnknownProgramListsEmbeddedOnes) {
  cl_program program = nullptr;
  MaceStatus status = runtime_->BuildProgram("no_such_kernel", "", &program);
  EXPECT_EQ(status.code(), MaceStatus::MACE_INVALID_ARGS);
  EXPECT_NE(status.information().find("buffer_transform"), std::string::npos) << status.information();
}

TEST_F(OpenCLRuntimeTest, CompileErrorCarriesBuildLog) {
  cl_program program = nullptr;
  MaceStatus status = runtime_->BuildProgramFromSource(
      "broken", "__kernel void broken(__global float *x) { x[0] = undeclared_value; }", "", &program);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.information().find("CL_BUILD_PROGRAM_FAILURE"), std::string::npos) << status.information();
  EXPECT_NE(status.information().find("undeclared_value"), std::string::npos) << status.information();
}

TEST_F(OpenCLRuntimeTest, ProfilesKernelTime) {
  NCHWShape shape{1, 8, 64, 64};
  std::vector<float> data = RandomData(shape.size(), 7, -1, 1);
  CLObject<cl_mem> image, out;
  ASSERT_MACE_OK(Upload(runtime_, data, shape, ImageType::kFloat, &image));
  ASSERT_MACE_OK(CreateImage(runtime_, ChannelImageShape(shape), ImageType::kFloat, &out));
  CLObject<cl_kernel> kernel;
  ASSERT_MACE_OK(runtime_->CreateKernel("activation", "activation", "-DACTIVATION_TYPE=1", &kernel));
  ASSERT_MACE_OK(SetKernelArgs(runtime_->cl(), kernel.get(), image.get(), 6.0f, 0.0f, out.get()));
  ImageShape is = ChannelImageShape(shape);
  const size_t gws[2] = {is.width, is.height};
  cl_ulong ns = 0;
  ASSERT_MACE_OK(runtime_->Run2D(kernel.get(), gws, "relu", &ns));
  EXPECT_LT(ns, cl_ulong(10e9)) << "a 128x64 relu should not take 10 s";
  std::cout << "[ profile  ] relu over " << is.width << "x" << is.height << ": " << ns / 1000.0 << " us\n";
}

TEST_F(OpenCLRuntimeTest, RejectsBadKernelArgsClearly) {
  CLObject<cl_kernel> kernel;
  ASSERT_MACE_OK(runtime_->CreateKernel("activation", "activation", "-DACTIVATION_TYPE=1", &kernel));
  // Argument 0 is an image (a pointer-sized cl_mem); a 1-byte value cannot be one.
  MaceStatus status = SetKernelArgs(runtime_->cl(), kernel.get(), char(1));
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.information().find("clSetKernelArg"), std::string::npos) << status.information();
  EXPECT_NE(status.information().find("argument 0"), std::string::npos) << status.information();
}

}  // namespace test
}  // namespace opencl
}  // namespace mace
