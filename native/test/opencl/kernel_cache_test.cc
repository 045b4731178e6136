// What the runtime keeps between processes: compiled programs (storage path, precompiled binary
// files) and tuned launches (parameter file), and what it does with files made elsewhere: a
// file for another driver, or a binary the driver rejects, is ignored with a log line and the
// kernels are compiled from source — never a crash or a wrong result.
#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "opencl/kernel_cache.h"
#include "opencl_test_util.h"

namespace mace {
namespace opencl {
namespace test {
namespace {

class KernelCacheTest : public OpenCLTest {
 protected:
  void SetUp() override {
    OpenCLTest::SetUp();
    if (HasFatalFailure() || IsSkipped()) return;
    char dir[] = "/tmp/mace-kernel-cache-XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    dir_ = dir;
  }
  void TearDown() override {
    if (!dir_.empty()) std::system(("rm -rf " + dir_).c_str());
  }

  // A runtime with these files whose log lines land in logs_.
  std::unique_ptr<OpenCLRuntime> Open(OpenCLRuntimeOptions options) {
    options.log = [this](const std::string &line) { logs_.push_back(line); };
    std::unique_ptr<OpenCLRuntime> rt;
    MaceStatus s = OpenCLRuntime::Create(&rt, options);
    EXPECT_TRUE(s.ok()) << s.information();
    return rt;
  }

  // a + b over a [2, 6, 9, 8] tensor through `rt`'s launch path (tuned, split or plain).
  void ExpectAddWorks(OpenCLRuntime *rt) {
    const NCHWShape shape{2, 6, 9, 8};
    const std::vector<float> a = RandomData(shape.size(), 1, -1, 1), b = RandomData(shape.size(), 2, -1, 1);
    CLObject<cl_mem> ia, ib, out;
    ASSERT_MACE_OK(Upload(rt, a, shape, ImageType::kFloat, &ia));
    ASSERT_MACE_OK(Upload(rt, b, shape, ImageType::kFloat, &ib));
    ASSERT_MACE_OK(CreateImage(rt, ChannelImageShape(shape), ImageType::kFloat, &out));
    CLObject<cl_kernel> kernel;
    ASSERT_MACE_OK(rt->CreateKernel("eltwise", "eltwise", "-DELTWISE_TYPE=0", &kernel));
    const cl_int4 dims{{shape.n, shape.c, shape.h, shape.w}};
    ASSERT_MACE_OK(SetKernelArgs(rt->cl(), kernel.get(), ia.get(), dims, ib.get(), dims, cl_int(shape.h),
                                 cl_int(shape.w), out.get()));
    const ImageShape image = ChannelImageShape(shape);
    ASSERT_MACE_OK(rt->Launch(kernel.get(), "eltwise", {image.width, image.height}, {}, "add"));
    std::vector<float> got, want(a.size());
    ASSERT_MACE_OK(Download(rt, out.get(), shape, &got));
    for (size_t i = 0; i < a.size(); ++i) want[i] = a[i] + b[i];
    EXPECT_TRUE(AllClose(got, want, ToleranceFor(ImageType::kFloat)));
  }

  bool Logged(const std::string &text) const {
    for (const auto &l : logs_)
      if (l.find(text) != std::string::npos) return true;
    return false;
  }

  std::string dir_;
  std::vector<std::string> logs_;
};

TEST_F(KernelCacheTest, StoragePathKeepsCompiledProgramsForTheNextStart) {
  OpenCLRuntimeOptions options;
  options.storage_path = dir_ + "/programs.bin";
  {
    auto rt = Open(options);
    ExpectAddWorks(rt.get());
    EXPECT_EQ(rt->program_stats().from_source, 2);  // buffer_transform and eltwise
    EXPECT_EQ(rt->program_stats().from_binary, 0);
    ASSERT_TRUE(rt->has_unsaved_programs());
    ASSERT_MACE_OK(rt->SaveProgramBinaries());
    EXPECT_FALSE(rt->has_unsaved_programs());
  }
  auto rt = Open(options);
  ExpectAddWorks(rt.get());
  EXPECT_EQ(rt->program_stats().from_binary, 2);
  EXPECT_EQ(rt->program_stats().from_source, 0);
  EXPECT_TRUE(logs_.empty()) << logs_[0];
}

TEST_F(KernelCacheTest, ProgramsFromAnotherDriverAreIgnoredWithALogLine) {
  OpenCLRuntimeOptions options;
  options.storage_path = dir_ + "/programs.bin";
  {
    auto rt = Open(options);
    ExpectAddWorks(rt.get());
    // The same programs, as if an older driver had made them.
    DeviceFingerprint older = rt->fingerprint();
    older.driver = "0.9-older";
    ProgramBinaries binaries;
    ASSERT_MACE_OK(rt->SaveProgramBinaries());
    std::string why;
    ASSERT_TRUE(ReadProgramBinaries(options.storage_path, rt->fingerprint(), &binaries, &why)) << why;
    ASSERT_MACE_OK(WriteProgramBinaries(options.storage_path, older, binaries));
  }
  auto rt = Open(options);
  EXPECT_TRUE(Logged("ignoring compiled OpenCL programs")) << (logs_.empty() ? "no log" : logs_[0]);
  EXPECT_TRUE(Logged("driver 0.9-older")) << logs_[0];
  ExpectAddWorks(rt.get());
  EXPECT_EQ(rt->program_stats().from_binary, 0);
  EXPECT_EQ(rt->program_stats().from_source, 2);
  // The storage file is rewritten for this driver.
  ASSERT_MACE_OK(rt->SaveProgramBinaries());
  ProgramBinaries binaries;
  std::string why;
  EXPECT_TRUE(ReadProgramBinaries(options.storage_path, rt->fingerprint(), &binaries, &why)) << why;
}

TEST_F(KernelCacheTest, ABinaryTheDriverRejectsIsCompiledFromSource) {
  OpenCLRuntimeOptions options;
  options.binary_paths = {dir_ + "/corrupt.bin"};
  {
    auto rt = Open(OpenCLRuntimeOptions());
    ExpectAddWorks(rt.get());
    ASSERT_MACE_OK(rt->SaveProgramBinaries(options.binary_paths[0]));
    ProgramBinaries binaries;
    std::string why;
    ASSERT_TRUE(ReadProgramBinaries(options.binary_paths[0], rt->fingerprint(), &binaries, &why)) << why;
    for (auto &kv : binaries) kv.second = "not a program binary";
    ASSERT_MACE_OK(WriteProgramBinaries(options.binary_paths[0], rt->fingerprint(), binaries));
  }
  auto rt = Open(options);
  ExpectAddWorks(rt.get());
  EXPECT_TRUE(Logged("was rejected by the driver")) << (logs_.empty() ? "no log" : logs_[0]);
  EXPECT_EQ(rt->program_stats().from_source, 2);
}

TEST_F(KernelCacheTest, ACorruptFileIsIgnoredWithALogLine) {
  OpenCLRuntimeOptions options;
  options.storage_path = dir_ + "/programs.bin";
  options.parameter_path = dir_ + "/params.bin";
  for (const auto &path : {options.storage_path, options.parameter_path}) std::ofstream(path) << "garbage";
  auto rt = Open(options);
  EXPECT_TRUE(Logged("is not a MACE OpenCL binary file"));
  EXPECT_TRUE(Logged("is not a MACE OpenCL tuning file"));
  ExpectAddWorks(rt.get());
}

TEST_F(KernelCacheTest, TuningFindsALocalSizeThatTheNextStartReuses) {
  OpenCLRuntimeOptions options;
  options.tuning = true;
  const std::string params = dir_ + "/params.bin";
  {
    auto rt = Open(options);
    ExpectAddWorks(rt.get());
    // The eltwise launch over [W * ceil(C/4), N * H] = [16, 18] was tuned; buffer transforms too.
    ASSERT_EQ(rt->tuning_table().count("eltwise:16x18"), 1u);
    const TunedLaunch &t = rt->tuning_table().at("eltwise:16x18");
    if (!t.lws.empty()) {
      ASSERT_EQ(t.lws.size(), 2u);
      EXPECT_EQ(16 % t.lws[0], 0u);
      EXPECT_EQ(18 % t.lws[1], 0u);
    }
    EXPECT_EQ(t.chunks, 1);
    ASSERT_MACE_OK(rt->SaveTuningTable(params));
  }
  OpenCLRuntimeOptions reuse;
  reuse.parameter_path = params;
  auto rt = Open(reuse);
  ASSERT_EQ(rt->tuning_table().count("eltwise:16x18"), 1u);
  ExpectAddWorks(rt.get());
  // Tuned parameters of another driver: ignored, default sizes, and a log line that says so.
  DeviceFingerprint other = rt->fingerprint();
  other.driver = "2.0-newer";
  ASSERT_MACE_OK(WriteTuningTable(params, other, rt->tuning_table()));
  logs_.clear();
  auto fresh = Open(reuse);
  EXPECT_TRUE(fresh->tuning_table().empty());
  EXPECT_TRUE(Logged("ignoring tuned OpenCL parameters")) << (logs_.empty() ? "no log" : logs_[0]);
}

TEST_F(KernelCacheTest, KernelTimeLimitSplitsLaunchesAndKeepsResults) {
  OpenCLRuntimeOptions options;
  options.tuning = true;
  options.kernel_time_limit_ms = 1e-6;  // every launch is "too long": split as far as it goes
  auto rt = Open(options);
  ExpectAddWorks(rt.get());
  const TunedLaunch &t = rt->tuning_table().at("eltwise:16x18");
  EXPECT_GT(t.chunks, 1);
  ExpectAddWorks(rt.get());  // the split launch (tuned entry now) computes the same sums
}

}  // namespace
}  // namespace test
}  // namespace opencl
}  // namespace mace
