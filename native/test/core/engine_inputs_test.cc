// A CPU engine reads its inputs from the caller's buffers where it can (MaceEngine::Run): the
// outputs must be the same as from a copy, the caller's values must stay as they were, no
// tensor may keep a pointer into a buffer after the run, and a buffer that ends right before
// an unreadable page must be copied (kernels may load a vector past a tensor's end).
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <memory>
#include <vector>

#include "mace/public/mace.h"
#include "util/model_builder.h"
#include "util/op_tester.h"

namespace mace {
namespace {

constexpr int64_t kChannels = 5, kH = 6, kW = 7, kFilters = 3;
const Shape kXShape = {1, kChannels, kH, kW};
const Shape kYShape = {1, kFilters, kH, kW};

// x -> Relu -> 1x1 Conv (whose GEMM reads its input in place) -> y.
struct Model {
  std::vector<float> w = test::RandomFloats(kFilters * kChannels, -1.f, 1.f, 5);
  std::vector<uint8_t> graph, data;
  Model() {
    test::ModelBuilder mb;
    mb.Input("x", kXShape)
        .Const("w", {kFilters, kChannels, 1, 1}, w)
        .Op("Relu", {"x"}, "r")
        .Op("Conv", {"r", "w"}, "y")
        .Output("y", kYShape);
    mb.Build(&graph, &data);
  }
  // y from x, computed here.
  std::vector<float> Reference(const float *x) const {
    std::vector<float> y(static_cast<size_t>(kFilters * kH * kW), 0.f);
    for (int64_t f = 0; f < kFilters; ++f)
      for (int64_t c = 0; c < kChannels; ++c)
        for (int64_t p = 0; p < kH * kW; ++p)
          y[f * kH * kW + p] += w[f * kChannels + c] * std::max(0.f, x[c * kH * kW + p]);
    return y;
  }
};

std::vector<float> RunY(MaceEngine *engine, const std::shared_ptr<void> &x) {
  std::map<std::string, MaceTensor> in = {{"x", MaceTensor(kXShape, x)}}, out = {{"y", MaceTensor()}};
  MaceStatus s = engine->Run(in, &out);
  EXPECT_TRUE(s.ok()) << s.information();
  if (!s.ok()) return {};
  const float *p = out["y"].data().get();
  return std::vector<float>(p, p + test::NumElements(out["y"].shape()));
}

std::shared_ptr<void> Floats(const std::vector<float> &v) {
  std::shared_ptr<void> p(new float[v.size()], std::default_delete<float[]>());
  std::memcpy(p.get(), v.data(), v.size() * sizeof(float));
  return p;
}

// The page-aligned end of a mapping whose next page cannot be read, for `bytes` of input.
struct GuardedBuffer {
  size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  void *region = mmap(nullptr, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  ~GuardedBuffer() {
    if (region != MAP_FAILED) munmap(region, 2 * page);
  }
  bool Guard() { return region != MAP_FAILED && mprotect(static_cast<char *>(region) + page, page, PROT_NONE) == 0; }
  std::shared_ptr<void> At(const std::vector<float> &x) {
    const size_t bytes = x.size() * sizeof(float);
    void *at = static_cast<char *>(region) + page - bytes;
    std::memcpy(at, x.data(), bytes);
    return std::shared_ptr<void>(at, [](void *) {});
  }
};

MaceStatus Init(const Model &m, MaceEngine *engine) {
  return engine->Init(m.graph.data(), m.graph.size(), {}, {}, m.data.data(), m.data.size());
}

TEST(EngineInputsTest, ReadInPlaceMatchesTheReferenceAndLeavesTheInput) {
  Model m;
  MaceEngine engine(MaceEngineConfig(DeviceType::CPU));
  MaceStatus s = Init(m, &engine);
  ASSERT_TRUE(s.ok()) << s.information();
  for (uint32_t seed = 1; seed <= 3; ++seed) {
    const std::vector<float> x = test::RandomFloats(test::NumElements(kXShape), -1.f, 1.f, seed);
    std::shared_ptr<void> buffer = Floats(x);
    test::ExpectAllClose(RunY(&engine, buffer), m.Reference(x.data()), 1e-5f, 1e-5f);
    EXPECT_EQ(std::memcmp(buffer.get(), x.data(), x.size() * sizeof(float)), 0) << "the run wrote its input";
  }
}

// The input's last byte is the last of a page whose next page cannot be read: a kernel's load
// past the end would fault there, so the engine copies it. And the run before, which read its
// input in place, must have left no pointer to it: the copy would go there.
TEST(EngineInputsTest, BufferEndingAtAnUnreadablePageIsCopied) {
  Model m;
  MaceEngine engine(MaceEngineConfig(DeviceType::CPU));
  MaceStatus s = Init(m, &engine);
  ASSERT_TRUE(s.ok()) << s.information();
  const int64_t n = test::NumElements(kXShape);
  GuardedBuffer guarded;
  ASSERT_LE(static_cast<size_t>(n) * sizeof(float), guarded.page);
  ASSERT_TRUE(guarded.Guard());

  const std::vector<float> first = test::RandomFloats(n, -1.f, 1.f, 8);
  std::shared_ptr<void> kept = Floats(first);
  test::ExpectAllClose(RunY(&engine, kept), m.Reference(first.data()), 1e-5f, 1e-5f);

  const std::vector<float> second = test::RandomFloats(n, -1.f, 1.f, 9);
  test::ExpectAllClose(RunY(&engine, guarded.At(second)), m.Reference(second.data()), 1e-5f, 1e-5f);
  EXPECT_EQ(std::memcmp(kept.get(), first.data(), first.size() * sizeof(float)), 0)
      << "the second run's input went into the first run's buffer";
}

}  // namespace
}  // namespace mace
