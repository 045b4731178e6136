// Shared by the OpenCL tests: one runtime per process, data upload/download through the
// transform kernels, and element-wise comparison with a tolerance.
#ifndef MACE_TEST_OPENCL_OPENCL_TEST_UTIL_H_
#define MACE_TEST_OPENCL_OPENCL_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <memory>
#include <ostream>
#include <sstream>
#include <random>
#include <string>
#include <vector>

#include <functional>

#include "opencl/gpu_memory.h"
#include "opencl/image_ops.h"
#include "opencl/opencl_runtime.h"
#include "util/op_tester.h"

namespace mace {
namespace opencl {

// Readable parameters in gtest failure messages.
inline void PrintTo(ImageType type, std::ostream *os) { *os << ImageTypeName(type); }
inline void PrintTo(const NCHWShape &shape, std::ostream *os) { *os << shape.ToString(); }

namespace test {

// The process's runtime; nullptr (and *error) when no OpenCL device can be opened.
inline OpenCLRuntime *SharedRuntime(std::string *error) {
  static std::unique_ptr<OpenCLRuntime> runtime;
  static std::string create_error;
  static bool created = false;
  if (!created) {
    created = true;
    MaceStatus status = OpenCLRuntime::Create(&runtime);
    if (!status.ok()) create_error = status.information();
  }
  *error = create_error;
  return runtime.get();
}

// Tests that need a device. Without one they fail, so a broken driver setup cannot pass CI
// silently, unless MACE_OPENCL_OPTIONAL=1 says that having no device is expected (then skip).
class OpenCLTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    runtime_ = SharedRuntime(&error);
    if (runtime_) return;
    const char *optional = std::getenv("MACE_OPENCL_OPTIONAL");
    if (optional && std::string(optional) == "1") GTEST_SKIP() << "no OpenCL device: " << error;
    FAIL() << "no OpenCL device: " << error
           << "\n(set MACE_OPENCL_OPTIONAL=1 to skip the OpenCL tests on machines without one)";
  }
  OpenCLRuntime *runtime_ = nullptr;
};

template <typename T>
class OpenCLParamTest : public OpenCLTest, public ::testing::WithParamInterface<T> {};

inline std::vector<float> RandomData(int64_t size, uint32_t seed, float lo, float hi) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(lo, hi);
  std::vector<float> data(size);
  for (float &v : data) v = dist(rng);
  return data;
}

// A channel-major image of `type` holding `data` (NCHW), uploaded with BufferToImage.
inline MaceStatus Upload(OpenCLRuntime *rt, const std::vector<float> &data, const NCHWShape &shape,
                         ImageType type, CLObject<cl_mem> *image) {
  CLObject<cl_mem> buffer;
  MACE_RETURN_IF_ERROR(CreateBuffer(rt, data.size() * sizeof(float), data.data(), &buffer));
  MACE_RETURN_IF_ERROR(CreateImage(rt, ChannelImageShape(shape), type, image));
  MACE_RETURN_IF_ERROR(BufferToImage(rt, buffer.get(), shape, image->get()));
  return rt->Finish();  // the buffer is released on return
}

// The NCHW contents of a channel-major image, read back with ImageToBuffer.
inline MaceStatus Download(OpenCLRuntime *rt, cl_mem image, const NCHWShape &shape, std::vector<float> *data) {
  data->assign(shape.size(), NAN);
  CLObject<cl_mem> buffer;
  MACE_RETURN_IF_ERROR(CreateBuffer(rt, data->size() * sizeof(float), data->data(), &buffer));
  MACE_RETURN_IF_ERROR(ImageToBuffer(rt, image, shape, buffer.get()));
  return ReadBuffer(rt, buffer.get(), data->size() * sizeof(float), data->data());
}

struct Tolerance {
  float rtol, atol;
};
// fp32 images: rtol 1e-4. Half images round inputs and outputs to 11 significant bits
// (relative error up to ~5e-4 each), hence rtol 1e-2 and an absolute floor for values near 0.
inline Tolerance ToleranceFor(ImageType type) {
  return type == ImageType::kHalf ? Tolerance{1e-2f, 1e-2f} : Tolerance{1e-4f, 1e-5f};
}

// |actual - expected| <= atol + rtol * |expected| everywhere; reports the first mismatches.
inline ::testing::AssertionResult AllClose(const std::vector<float> &actual, const std::vector<float> &expected,
                                           Tolerance tol) {
  if (actual.size() != expected.size())
    return ::testing::AssertionFailure() << "size " << actual.size() << " != " << expected.size();
  int mismatches = 0;
  std::ostringstream first;
  for (size_t i = 0; i < actual.size(); ++i) {
    float diff = std::fabs(actual[i] - expected[i]);
    if (!(diff <= tol.atol + tol.rtol * std::fabs(expected[i]))) {  // NaN fails too
      if (mismatches++ < 5) first << "\n  [" << i << "] got " << actual[i] << ", expected " << expected[i];
    }
  }
  if (mismatches == 0) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << mismatches << " of " << actual.size() << " values differ (rtol "
                                       << tol.rtol << ", atol " << tol.atol << "):" << first.str();
}

// One op, its CPU kernel against its GPU kernel: `build` describes the op (inputs, constants,
// args) on a fresh OpTester; the GPU run uses images of `type` in its own GpuMemory. Every
// output must agree within `tol`, and the GPU kernel must take the case (else a GPU engine would
// have run the CPU kernel and nothing was tested).
inline ::testing::AssertionResult GpuMatchesCpu(OpenCLRuntime *rt, ImageType type, const std::string &op_type,
                                                const std::function<void(mace::test::OpTester &)> &build,
                                                Tolerance tol, int num_outputs = 1) {
  mace::test::OpTester cpu(op_type, num_outputs), gpu(op_type, num_outputs);
  build(cpu);
  build(gpu);
  MaceStatus s = cpu.Run();
  if (!s.ok()) return ::testing::AssertionFailure() << "CPU kernel: " << s.information();
  GpuMemory memory(rt, type);
  gpu.OnDevice(&memory);
  s = gpu.Run();
  if (!s.ok()) return ::testing::AssertionFailure() << "GPU kernel: " << s.information();
  for (int i = 0; i < num_outputs; ++i) {
    if (gpu.Output(i).shape() != cpu.Output(i).shape())
      return ::testing::AssertionFailure() << "output " << i << " shape " << ShapeToString(gpu.Output(i).shape())
                                           << ", CPU " << ShapeToString(cpu.Output(i).shape());
    ::testing::AssertionResult r = AllClose(gpu.OutputFloats(i), cpu.OutputFloats(i), tol);
    if (!r) return ::testing::AssertionFailure() << "output " << i << ": " << r.message();
  }
  return ::testing::AssertionSuccess();
}
inline ::testing::AssertionResult GpuMatchesCpu(OpenCLRuntime *rt, ImageType type, const std::string &op_type,
                                                const std::function<void(mace::test::OpTester &)> &build) {
  return GpuMatchesCpu(rt, type, op_type, build, ToleranceFor(type));
}

// The GPU kernel refuses the case, so a GPU engine runs the CPU kernel: `build` describes the op
// on a fresh OpTester (with `num_outputs` outputs), and running it on float images must give
// MACE_UNSUPPORTED with a reason that contains `reason_part`.
inline ::testing::AssertionResult GpuRefuses(OpenCLRuntime *rt, const std::string &op_type,
                                             const std::function<void(mace::test::OpTester &)> &build,
                                             const std::string &reason_part, int num_outputs = 1) {
  mace::test::OpTester t(op_type, num_outputs);
  build(t);
  GpuMemory memory(rt, ImageType::kFloat);
  MaceStatus s = t.OnDevice(&memory).Run();
  if (s.code() != MaceStatus::MACE_UNSUPPORTED)
    return ::testing::AssertionFailure() << op_type << " not refused: " << (s.ok() ? "ran" : s.information());
  if (s.information().find(reason_part) == std::string::npos)
    return ::testing::AssertionFailure() << op_type << " refused with '" << s.information() << "', which lacks '"
                                         << reason_part << "'";
  return ::testing::AssertionSuccess();
}

}  // namespace test
}  // namespace opencl
}  // namespace mace

#define ASSERT_MACE_OK(expr)                                   \
  do {                                                         \
    ::mace::MaceStatus _s = (expr);                            \
    ASSERT_TRUE(_s.ok()) << #expr << ": " << _s.information(); \
  } while (0)

#endif  // MACE_TEST_OPENCL_OPENCL_TEST_UTIL_H_
