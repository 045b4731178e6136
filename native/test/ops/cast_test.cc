// Tests of Cast among float32, int32, int64, uint8, int8 and bool, with a naive reference,
// the special float→integer cases and refused target types. Inputs of every type are built
// directly (OpTester only makes float/int inputs).
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>

#include "core/op_registry.h"
#include "util/op_tester.h"

namespace mace {
namespace test {
namespace {

constexpr int64_t kOnnxFloat = 1, kOnnxUint8 = 2, kOnnxInt8 = 3, kOnnxInt32 = 6, kOnnxInt64 = 7,
                  kOnnxBool = 9;

// Element values carried as double; bool and integer bytes are stored as the tensor type.
struct TypedValues {
  DataType dtype;
  std::vector<double> values;
};

std::unique_ptr<Tensor> MakeTensor(const TypedValues &v) {
  auto t = std::make_unique<Tensor>("x", v.dtype);
  EXPECT_TRUE(t->Resize({static_cast<int64_t>(v.values.size())}).ok());
  for (size_t i = 0; i < v.values.size(); ++i) {
    double d = v.values[i];
    switch (v.dtype) {
      case DataType::DT_FLOAT: t->mutable_data<float>()[i] = static_cast<float>(d); break;
      case DataType::DT_INT32: t->mutable_data<int32_t>()[i] = static_cast<int32_t>(d); break;
      case DataType::DT_INT64: t->mutable_data<int64_t>()[i] = static_cast<int64_t>(d); break;
      case DataType::DT_UINT8: t->mutable_data<uint8_t>()[i] = static_cast<uint8_t>(d); break;
      case DataType::DT_INT8: t->mutable_data<int8_t>()[i] = static_cast<int8_t>(d); break;
      default: t->mutable_data<uint8_t>()[i] = static_cast<uint8_t>(d); break;  // bool byte
    }
  }
  return t;
}

std::vector<double> ReadBack(const Tensor &t) {
  std::vector<double> out;
  for (int64_t i = 0; i < t.size(); ++i) {
    switch (t.dtype()) {
      case DataType::DT_FLOAT: out.push_back(t.data<float>()[i]); break;
      case DataType::DT_INT32: out.push_back(t.data<int32_t>()[i]); break;
      case DataType::DT_INT64: out.push_back(static_cast<double>(t.data<int64_t>()[i])); break;
      case DataType::DT_UINT8: out.push_back(t.data<uint8_t>()[i]); break;
      case DataType::DT_INT8: out.push_back(t.data<int8_t>()[i]); break;
      default: out.push_back(t.data<uint8_t>()[i]); break;
    }
  }
  return out;
}

// Builds and runs Cast(to) on `input`; the output lands in *out.
MaceStatus RunCast(const Tensor *input, int64_t to, Tensor *out, int threads = 1, bool with_to = true) {
  OpDef def;
  def.name = "cast_under_test";
  def.type = "Cast";
  def.inputs = {"x"};
  def.outputs = {"y"};
  def.output_types = {DataType::DT_FLOAT};
  if (with_to) {
    OpArg a;
    a.has_i = true;
    a.i = to;
    def.args["to"] = a;
  }
  const OpCreator *c = OpRegistry::Global().Find("Cast", 0, DataType::DT_FLOAT);
  if (c == nullptr) return Unsupported("no Cast kernel");
  std::unique_ptr<Operation> op = (*c)(def, {const_cast<Tensor *>(input)}, {out});
  MACE_RETURN_IF_ERROR(op->Init());
  ThreadPool pool(threads, AFFINITY_NONE);
  OpContext ctx{&pool};
  return op->Run(&ctx);
}

DataType FromOnnx(int64_t to) {
  switch (to) {
    case kOnnxFloat: return DataType::DT_FLOAT;
    case kOnnxUint8: return DataType::DT_UINT8;
    case kOnnxInt8: return DataType::DT_INT8;
    case kOnnxInt32: return DataType::DT_INT32;
    case kOnnxInt64: return DataType::DT_INT64;
    default: return DataType::DT_BOOL;
  }
}

// Naive conversion of one in-range value to `to` (as a double).
double NaiveConvert(double v, DataType from, DataType to) {
  if (from == DataType::DT_BOOL) v = v != 0 ? 1 : 0;
  switch (to) {
    case DataType::DT_FLOAT: return static_cast<float>(v);
    case DataType::DT_BOOL: return v != 0 ? 1 : 0;
    default: break;
  }
  double t = std::trunc(v);
  if (to == DataType::DT_UINT8) return static_cast<double>(static_cast<uint8_t>(static_cast<int64_t>(t) & 0xFF));
  if (to == DataType::DT_INT8) return static_cast<double>(static_cast<int8_t>(static_cast<int64_t>(t) & 0xFF));
  if (to == DataType::DT_INT32) return static_cast<double>(static_cast<int32_t>(static_cast<int64_t>(t)));
  return t;
}

TEST(CastTest, EveryTypePair) {
  const std::vector<TypedValues> inputs = {
      {DataType::DT_FLOAT, {0, 1.5, -2.7, 100.9, -128.2, 255.99, 300, -1, 0.2, 70000.5}},
      {DataType::DT_INT32, {0, 1, -2, 127, -128, 255, 256, -1, 70000, -70000}},
      {DataType::DT_INT64, {0, 1, -2, 127, -128, 255, 4294967297.0, -1, 70000, -3000000000.0}},
      {DataType::DT_UINT8, {0, 1, 2, 127, 128, 255, 200, 7}},
      {DataType::DT_INT8, {0, 1, -2, 127, -128, -1, 64}},
      {DataType::DT_BOOL, {0, 1, 1, 0, 2}},  // a stray byte 2 still reads as true
  };
  for (const TypedValues &in : inputs) {
    std::unique_ptr<Tensor> x = MakeTensor(in);
    for (int64_t to : {kOnnxFloat, kOnnxUint8, kOnnxInt8, kOnnxInt32, kOnnxInt64, kOnnxBool}) {
      Tensor y("y", DataType::DT_FLOAT);
      MaceStatus s = RunCast(x.get(), to, &y);
      ASSERT_TRUE(s.ok()) << s.information();
      ASSERT_EQ(y.dtype(), FromOnnx(to));
      EXPECT_EQ(y.shape(), x->shape());
      std::vector<double> expected;
      for (double v : in.values) expected.push_back(NaiveConvert(v, in.dtype, FromOnnx(to)));
      if (in.dtype == DataType::DT_BOOL && to == kOnnxBool) expected = in.values;  // bytes copied
      EXPECT_EQ(ReadBack(y), expected) << DataTypeName(in.dtype) << " -> " << DataTypeName(FromOnnx(to));
    }
  }
}

TEST(CastTest, SpecialFloatValues) {
  const double nan = std::numeric_limits<double>::quiet_NaN(), inf = std::numeric_limits<double>::infinity();
  std::unique_ptr<Tensor> x = MakeTensor({DataType::DT_FLOAT, {nan, inf, -inf, 3e9, -0.0, -0.99}});
  Tensor b("y", DataType::DT_FLOAT);
  ASSERT_TRUE(RunCast(x.get(), kOnnxBool, &b).ok());
  EXPECT_EQ(ReadBack(b), (std::vector<double>{1, 1, 1, 1, 0, 1}));

  // Out of range and NaN give the integer minimum (what x86 conversion instructions produce).
  Tensor i32("y", DataType::DT_FLOAT);
  ASSERT_TRUE(RunCast(x.get(), kOnnxInt32, &i32).ok());
  const double min32 = std::numeric_limits<int32_t>::min();
  EXPECT_EQ(ReadBack(i32), (std::vector<double>{min32, min32, min32, min32, 0, 0}));

  Tensor i64("y", DataType::DT_FLOAT);
  ASSERT_TRUE(RunCast(x.get(), kOnnxInt64, &i64).ok());
  const int64_t *p = i64.data<int64_t>();
  const int64_t min64 = std::numeric_limits<int64_t>::min();
  EXPECT_EQ(std::vector<int64_t>(p, p + 6), (std::vector<int64_t>{min64, min64, min64, 3000000000LL, 0, 0}));

  // int64 -> float rounds to nearest.
  std::unique_ptr<Tensor> big = MakeTensor({DataType::DT_INT64, {16777217.0}});
  Tensor f("y", DataType::DT_FLOAT);
  ASSERT_TRUE(RunCast(big.get(), kOnnxFloat, &f).ok());
  EXPECT_EQ(f.data<float>()[0], 16777216.f);
}

TEST(CastTest, ThreadCountDoesNotChangeResults) {
  std::vector<float> v = RandomFloats(100000, -1000.f, 1000.f, 3);
  std::unique_ptr<Tensor> x = MakeTensor({DataType::DT_FLOAT, std::vector<double>(v.begin(), v.end())});
  Tensor one("y", DataType::DT_FLOAT), three("y", DataType::DT_FLOAT);
  ASSERT_TRUE(RunCast(x.get(), kOnnxInt64, &one, 1).ok());
  ASSERT_TRUE(RunCast(x.get(), kOnnxInt64, &three, 3).ok());
  EXPECT_EQ(ReadBack(one), ReadBack(three));
  std::vector<double> expected;
  for (float f : v) expected.push_back(std::trunc(f));
  EXPECT_EQ(ReadBack(one), expected);
}

TEST(CastTest, OpTesterFloatToInt64) {
  // test_cast_FLOAT_to_INT64-style use through the common harness.
  OpTester t("Cast");
  t.Input({2, 2}, {1.9f, -1.9f, 0.f, 7.f}).Arg("to", kOnnxInt64).OutputType(0, DataType::DT_INT64);
  ASSERT_TRUE(t.Run().ok());
  EXPECT_EQ(t.Output().shape(), (Shape{2, 2}));
  EXPECT_EQ(t.OutputInt64(), (std::vector<int64_t>{1, -1, 0, 7}));
}

TEST(CastTest, RefusedTypes) {
  std::unique_ptr<Tensor> x = MakeTensor({DataType::DT_FLOAT, {1, 2}});
  for (int64_t to : {10, 11, 8, 16, 0, 99}) {
    Tensor y("y", DataType::DT_FLOAT);
    MaceStatus s = RunCast(x.get(), to, &y);
    EXPECT_EQ(s.code(), MaceStatus::MACE_UNSUPPORTED) << to;
    EXPECT_NE(s.information().find("ONNX type " + std::to_string(to)), std::string::npos) << s.information();
  }
  Tensor y("y", DataType::DT_FLOAT);
  MaceStatus s = RunCast(x.get(), 10, &y);
  EXPECT_NE(s.information().find("FLOAT16"), std::string::npos) << s.information();

  s = RunCast(x.get(), 0, &y, 1, /*with_to=*/false);
  EXPECT_EQ(s.code(), MaceStatus::MACE_INVALID_ARGS);
  EXPECT_NE(s.information().find("'to'"), std::string::npos) << s.information();

  Tensor half("h", DataType::DT_HALF);
  ASSERT_TRUE(half.Resize({2}).ok());
  s = RunCast(&half, kOnnxFloat, &y);
  EXPECT_EQ(s.code(), MaceStatus::MACE_UNSUPPORTED);
  EXPECT_NE(s.information().find("cast from"), std::string::npos) << s.information();
}

}  // namespace
}  // namespace test
}  // namespace mace
