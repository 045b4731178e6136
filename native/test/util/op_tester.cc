#include "util/op_tester.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "core/op_registry.h"

namespace mace {
namespace test {

OpTester::OpTester(const std::string &type, int num_outputs) {
  def_.name = type + "_under_test";
  def_.type = type;
  for (int i = 0; i < num_outputs; ++i) {
    def_.outputs.push_back("out" + std::to_string(i));
    def_.output_types.push_back(DataType::DT_FLOAT);
  }
}

OpTester &OpTester::InputBytes(const Shape &shape, DataType dtype, const void *data, size_t bytes) {
  std::string name = "in" + std::to_string(inputs_.size());
  auto t = std::make_unique<Tensor>(name, dtype);
  MaceStatus s = t->Resize(shape);
  EXPECT_TRUE(s.ok()) << s.information();
  EXPECT_EQ(bytes, t->bytes()) << "values do not match shape " << ShapeToString(shape);
  if (bytes != 0) std::memcpy(t->raw_mutable_data(), data, std::min<size_t>(bytes, t->bytes()));
  inputs_.push_back(std::move(t));
  def_.inputs.push_back(name);
  return *this;
}
OpTester &OpTester::ReplaceInput(int i, const Shape &shape, const std::vector<float> &values) {
  Tensor *t = inputs_.at(static_cast<size_t>(i)).get();
  MaceStatus s = t->Resize(shape);
  EXPECT_TRUE(s.ok()) << s.information();
  EXPECT_EQ(values.size(), static_cast<size_t>(t->size())) << "values do not match shape " << ShapeToString(shape);
  std::memcpy(t->raw_mutable_data(), values.data(), std::min<size_t>(values.size() * sizeof(float), t->bytes()));
  return *this;
}

OpTester &OpTester::NoInput() {
  inputs_.push_back(nullptr);
  def_.inputs.push_back("");
  return *this;
}
OpTester &OpTester::Const() {
  // Re-wrap the last input as a constant tensor borrowing the same bytes.
  auto &last = inputs_.back();
  auto t = std::make_unique<Tensor>(last->name(), last->dtype(), last->buffer(), /*is_const=*/true);
  t->SetShapeUnchecked(last->shape());
  last = std::move(t);
  return *this;
}

OpTester &OpTester::Arg(const std::string &name, int64_t v) {
  OpArg a;
  a.has_i = true;
  a.i = v;
  def_.args[name] = a;
  return *this;
}
OpTester &OpTester::Arg(const std::string &name, float v) {
  OpArg a;
  a.has_f = true;
  a.f = v;
  def_.args[name] = a;
  return *this;
}
OpTester &OpTester::Arg(const std::string &name, const std::string &v) {
  OpArg a;
  a.has_s = true;
  a.s = v;
  def_.args[name] = a;
  return *this;
}
OpTester &OpTester::Ints(const std::string &name, const std::vector<int64_t> &v) {
  OpArg a;
  a.ints = v;
  def_.args[name] = a;
  return *this;
}
OpTester &OpTester::Floats(const std::string &name, const std::vector<float> &v) {
  OpArg a;
  a.floats = v;
  def_.args[name] = a;
  return *this;
}
OpTester &OpTester::RawArg(const std::string &name, const OpArg &a) {
  def_.args[name] = a;
  return *this;
}
OpTester &OpTester::OutputName(int i, const std::string &name) {
  def_.outputs[i] = name;
  return *this;
}
OpTester &OpTester::OutputType(int i, DataType t) {
  def_.output_types[i] = t;
  return *this;
}

MaceStatus OpTester::Run(int num_threads) {
  if (!pool_ || pool_threads_ != num_threads) {
    pool_.reset(new ThreadPool(num_threads, AFFINITY_NONE));
    pool_threads_ = num_threads;
  }
  if (!op_) {
    outputs_.clear();
    std::vector<Tensor *> in, out;
    for (auto &t : inputs_) in.push_back(t.get());
    for (size_t i = 0; i < def_.outputs.size(); ++i) {
      outputs_.push_back(std::make_unique<Tensor>(def_.outputs[i], def_.output_types[i]));
      out.push_back(outputs_.back().get());
    }
    const int device = device_memory_ ? kGpuDevice : kCpuDevice;
    const OpCreator *c = OpRegistry::Global().Find(def_.type, device, def_.output_types[0]);
    if (c == nullptr) return Unsupported("no ", device_memory_ ? "GPU" : "CPU", " kernel registered for ", def_.type);
    op_ = (*c)(def_, in, out);
    MACE_RETURN_IF_ERROR(op_->Init());
  }
  OpContext ctx{pool_.get(), device_memory_};
  if (!device_memory_) return op_->Run(&ctx);
  std::string why;
  if (!op_->Supports(nullptr, &why) || !op_->Supports(&ctx, &why))
    return Unsupported("the GPU kernel of ", def_.type, " does not take this case: ", why);
  for (auto &t : inputs_)
    if (t) device_memory_->HostWritten(t.get());
  MACE_RETURN_IF_ERROR(op_->Run(&ctx));
  for (auto &t : outputs_) MACE_RETURN_IF_ERROR(device_memory_->Sync(t.get()));
  return MaceStatus::MACE_SUCCESS;
}

OpTester &OpTester::OnDevice(DeviceMemory *memory) {
  device_memory_ = memory;
  op_.reset();
  return *this;
}

void OpTester::ExpectOutputType(const Tensor &t, DataType dtype) { EXPECT_EQ(t.dtype(), dtype); }

std::vector<float> RandomFloats(int64_t n, float lo, float hi, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(lo, hi);
  std::vector<float> v(static_cast<size_t>(n));
  for (auto &x : v) x = dist(rng);
  return v;
}

int64_t NumElements(const Shape &shape) {
  int64_t n = 1;
  for (auto d : shape) n *= d;
  return n;
}

void ExpectAllClose(const std::vector<float> &actual, const std::vector<float> &expected, float atol, float rtol) {
  ASSERT_EQ(actual.size(), expected.size()) << "output size differs from reference";
  int reported = 0;
  for (size_t i = 0; i < actual.size(); ++i) {
    float a = actual[i], e = expected[i];
    bool ok = (std::isnan(a) && std::isnan(e)) || (std::isinf(e) && a == e) ||
              std::fabs(a - e) <= atol + rtol * std::fabs(e);
    if (!ok && reported++ < 5) ADD_FAILURE() << "element " << i << ": got " << a << ", expected " << e;
  }
  EXPECT_EQ(reported, 0) << reported << " of " << actual.size() << " elements differ";
}

}  // namespace test
}  // namespace mace
