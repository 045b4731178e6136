// Pooling tests: MaxPool (with Indices, both storage orders, uint8/int8), AveragePool
// (count_include_pad), GlobalAveragePool and GlobalMaxPool against naive references written
// from the ONNX spec, over 1-D/2-D/3-D windows, strides, dilations, pads, ceil_mode and auto_pad,
// 1 vs 3 threads, and input errors.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "core/op_registry.h"
#include "ops/common/max_pool_rows.h"
#include "util/op_tester.h"

namespace mace {
namespace test {
namespace {

struct PoolSpec {
  Shape x;
  std::vector<int64_t> kernel, strides, dilations, pads;  // empty: argument absent
  std::string auto_pad;
  int ceil_mode = -1;          // -1: absent
  int count_include_pad = -1;  // -1: absent
  int storage_order = -1;      // -1: absent
};

struct PoolGeometry {
  std::vector<int64_t> in, k, st, dl, pb, pe, out;
  int64_t in_size = 1, out_size = 1, k_size = 1;
};

PoolGeometry Geometry(const PoolSpec &s) {
  PoolGeometry g;
  const size_t nsp = s.x.size() - 2;
  g.in.resize(nsp);
  g.k = s.kernel;
  g.st.assign(nsp, 1);
  g.dl.assign(nsp, 1);
  g.pb.assign(nsp, 0);
  g.pe.assign(nsp, 0);
  g.out.resize(nsp);
  for (size_t i = 0; i < nsp; ++i) {
    g.in[i] = s.x[i + 2];
    if (!s.strides.empty()) g.st[i] = s.strides[i];
    if (!s.dilations.empty()) g.dl[i] = s.dilations[i];
    const int64_t eff = (g.k[i] - 1) * g.dl[i] + 1;
    if (s.auto_pad == "SAME_UPPER" || s.auto_pad == "SAME_LOWER") {
      g.out[i] = (g.in[i] + g.st[i] - 1) / g.st[i];
      const int64_t total = std::max<int64_t>(0, (g.out[i] - 1) * g.st[i] + eff - g.in[i]);
      g.pb[i] = s.auto_pad == "SAME_UPPER" ? total / 2 : total - total / 2;
      g.pe[i] = total - g.pb[i];
    } else if (s.auto_pad == "VALID") {
      g.out[i] = (g.in[i] - eff) / g.st[i] + 1;
    } else {
      if (!s.pads.empty()) {
        g.pb[i] = s.pads[i];
        g.pe[i] = s.pads[i + nsp];
      }
      const int64_t span = g.in[i] + g.pb[i] + g.pe[i] - eff;
      if (s.ceil_mode == 1) {
        g.out[i] = (span + g.st[i] - 1) / g.st[i] + 1;
        // Drop a last window that would start inside the right padding.
        if ((g.out[i] - 1) * g.st[i] >= g.in[i] + g.pb[i]) --g.out[i];
      } else {
        g.out[i] = span / g.st[i] + 1;
      }
    }
    g.in_size *= g.in[i];
    g.out_size *= g.out[i];
    g.k_size *= g.k[i];
  }
  return g;
}

std::vector<int64_t> Unravel(int64_t index, const std::vector<int64_t> &dims) {
  std::vector<int64_t> c(dims.size());
  for (size_t i = dims.size(); i-- > 0;) {
    c[i] = index % dims[i];
    index /= dims[i];
  }
  return c;
}

// Reference pooling; max pooling also returns the flat argmax (row- or column-major).
template <typename T>
void RefPool(const PoolSpec &s, bool is_max, const std::vector<T> &x, std::vector<T> *y,
             std::vector<int64_t> *indices, Shape *ys) {
  const PoolGeometry g = Geometry(s);
  const size_t nsp = g.in.size();
  const int64_t planes = s.x[0] * s.x[1];
  *ys = {s.x[0], s.x[1]};
  for (int64_t o : g.out) ys->push_back(o);
  y->assign(static_cast<size_t>(planes * g.out_size), T());
  indices->assign(y->size(), 0);
  for (int64_t p = 0; p < planes; ++p)
    for (int64_t op = 0; op < g.out_size; ++op) {
      const std::vector<int64_t> o = Unravel(op, g.out);
      double sum = 0;
      int64_t inside = 0, padded = 0;
      bool found = false;
      T best = T();
      int64_t best_index = -1;
      for (int64_t kp = 0; kp < g.k_size; ++kp) {
        const std::vector<int64_t> kk = Unravel(kp, g.k);
        bool in_input = true, in_padded = true;
        int64_t row_major = 0, col_major = 0, col_stride = 1;
        for (size_t i = 0; i < nsp; ++i) {
          const int64_t pos = o[i] * g.st[i] - g.pb[i] + kk[i] * g.dl[i];
          in_input = in_input && pos >= 0 && pos < g.in[i];
          in_padded = in_padded && pos >= -g.pb[i] && pos < g.in[i] + g.pe[i];
          row_major = row_major * g.in[i] + pos;
          col_major += pos * col_stride;
          col_stride *= g.in[i];
        }
        if (in_padded) ++padded;
        if (!in_input) continue;
        ++inside;
        const T v = x[p * g.in_size + row_major];
        sum += static_cast<double>(v);
        if (!found || v > best) {
          found = true;
          best = v;
          best_index = p * g.in_size + (s.storage_order == 1 ? col_major : row_major);
        }
      }
      const size_t yi = static_cast<size_t>(p * g.out_size + op);
      if (is_max) {
        (*y)[yi] = best;
        (*indices)[yi] = best_index;
      } else {
        const int64_t count = s.count_include_pad == 1 ? padded : inside;
        (*y)[yi] = static_cast<T>(sum / static_cast<double>(count));
      }
    }
}

void AddArgs(const PoolSpec &s, OpTester *t) {
  t->Ints("kernel_shape", s.kernel);
  if (!s.strides.empty()) t->Ints("strides", s.strides);
  if (!s.dilations.empty()) t->Ints("dilations", s.dilations);
  if (!s.pads.empty()) t->Ints("pads", s.pads);
  if (!s.auto_pad.empty()) t->Arg("auto_pad", s.auto_pad);
  if (s.ceil_mode >= 0) t->Arg("ceil_mode", s.ceil_mode);
  if (s.count_include_pad >= 0) t->Arg("count_include_pad", s.count_include_pad);
  if (s.storage_order >= 0) t->Arg("storage_order", s.storage_order);
}

void CheckPool(const PoolSpec &s, bool is_max, bool with_indices = false) {
  SCOPED_TRACE(std::string(is_max ? "MaxPool" : "AveragePool") + " X " + ShapeToString(s.x) +
               " auto_pad '" + s.auto_pad + "' ceil " + std::to_string(s.ceil_mode));
  const std::vector<float> x = RandomFloats(NumElements(s.x), -1.f, 1.f, 5);
  std::vector<float> expected;
  std::vector<int64_t> expected_indices;
  Shape ys;
  RefPool(s, is_max, x, &expected, &expected_indices, &ys);
  OpTester t(is_max ? "MaxPool" : "AveragePool", with_indices ? 2 : 1);
  if (with_indices) t.OutputType(1, DataType::DT_INT64);
  t.Input(s.x, x);
  AddArgs(s, &t);
  MaceStatus st = t.Run(1);
  ASSERT_TRUE(st.ok()) << st.information();
  EXPECT_EQ(t.Output().shape(), ys);
  const std::vector<float> one = t.OutputFloats();
  ExpectAllClose(one, expected, 1e-5f, 1e-5f);
  if (with_indices) {
    EXPECT_EQ(t.Output(1).shape(), ys);
    EXPECT_EQ(t.OutputInt64(1), expected_indices);
  }
  // A fresh op for 3 threads: one that reused the first run's output buffer would hide
  // outputs the threads left unwritten.
  OpTester t3(is_max ? "MaxPool" : "AveragePool", with_indices ? 2 : 1);
  if (with_indices) t3.OutputType(1, DataType::DT_INT64);
  t3.Input(s.x, x);
  AddArgs(s, &t3);
  st = t3.Run(3);
  ASSERT_TRUE(st.ok()) << st.information();
  EXPECT_EQ(t3.OutputFloats(), one) << "1 and 3 threads differ";
}

TEST(MaxPoolTest, TwoDimensional) {
  PoolSpec s;
  s.x = {2, 3, 7, 9};
  s.kernel = {3, 3};
  CheckPool(s, true, true);
  s.strides = {2, 2};
  s.pads = {1, 1, 1, 1};
  CheckPool(s, true, true);
  s.dilations = {2, 3};
  s.pads = {2, 0, 1, 3};
  CheckPool(s, true, true);
  s.x = {1, 5, 1, 1};  // 1x1 input, 1x1 kernel
  s.kernel = {1, 1};
  s.strides = {};
  s.dilations = {};
  s.pads = {};
  CheckPool(s, true, true);
}

// Float MaxPool without Indices takes the row-wise path (max over rows, then over columns);
// odd widths, 1-pixel planes, strides 1-3 (1 and 2 take the vectorised interior columns),
// ceil_mode, asymmetric pads on either side and dilation. CTest runs this suite again with
// MACE_CPU_ISA=avx2 (mace_ops_test_avx2), so both x86 vector paths are checked on one machine.
TEST(MaxPoolTest, RowwisePathOddShapes) {
  for (int64_t c : {1, 3, 17})
    for (int64_t h : {1, 2, 7})
      for (int64_t w : {1, 3, 7, 13, 31})
        for (int64_t k : {2, 3})
          for (int64_t st : {1, 2, 3})
            for (int ceil : {0, 1})
              for (int64_t dl : {1, 2})
                for (bool left : {false, true}) {
                  const int64_t pad = k / 2;
                  if ((k - 1) * dl + 1 > std::min(h, w) + pad) continue;  // one pad per dim
                  if (pad >= (k - 1) * dl + 1) continue;
                  PoolSpec s;
                  s.x = {1, c, h, w};
                  s.kernel = {k, k};
                  s.strides = {st, st};
                  s.dilations = {dl, dl};
                  // asymmetric: padding on the left (interior columns start later) or the right
                  s.pads = left ? std::vector<int64_t>{0, pad, pad, 0} : std::vector<int64_t>{pad, 0, 0, pad};
                  s.ceil_mode = ceil;
                  CheckPool(s, true);
                }
  // 3x3 stride 2 (squeezenet's pools) on rows wide enough for the de-interleaving vector loop
  // (16 outputs from 34 columns with AVX-512, 8 from 18 with AVX2), with tails of every length
  // and the last loads ending exactly at the row's end.
  for (int64_t w : {13, 33, 34, 35, 36, 37, 49, 66, 71, 111})
    for (int ceil : {0, 1})
      for (int64_t pad : {0, 1}) {
        PoolSpec s;
        s.x = {1, 2, 5, w};
        s.kernel = {3, 3};
        s.strides = {2, 2};
        s.pads = {pad, pad, pad, pad};
        s.ceil_mode = ceil;
        CheckPool(s, true);
      }
}

// squeezenet-sized planes (the fused 3x3 stride-2 rows) and odd ones, with ceil mode and
// asymmetric pads: against the reference, and 1 thread against 3.
TEST(MaxPoolTest, LargePlanes) {
  for (const Shape &shape : {Shape{1, 64, 55, 55}, Shape{2, 24, 37, 41}}) {
    PoolSpec s;
    s.x = shape;
    s.kernel = {3, 3};
    s.strides = {2, 2};
    s.ceil_mode = 1;
    CheckPool(s, true);
    s.pads = {1, 0, 1, 2};
    s.ceil_mode = 0;
    CheckPool(s, true);
  }
}

TEST(MaxPoolTest, OneAndThreeDimensional) {
  PoolSpec s;
  s.x = {2, 3, 13};
  s.kernel = {4};
  s.strides = {3};
  s.pads = {1, 2};
  CheckPool(s, true, true);
  s.dilations = {2};
  CheckPool(s, true, true);
  PoolSpec v;
  v.x = {1, 2, 5, 6, 7};
  v.kernel = {2, 3, 2};
  v.strides = {2, 1, 3};
  v.pads = {1, 1, 0, 0, 1, 1};
  CheckPool(v, true, true);
  v.dilations = {2, 2, 1};
  v.storage_order = 1;
  CheckPool(v, true, true);
}

TEST(MaxPoolTest, CeilModeAndAutoPad) {
  PoolSpec s;
  s.x = {1, 2, 8, 7};
  s.kernel = {3, 3};
  s.strides = {2, 2};
  s.ceil_mode = 1;
  CheckPool(s, true, true);
  s.pads = {1, 1, 1, 1};  // last window would start in the padding: dropped
  s.strides = {3, 3};
  CheckPool(s, true, true);
  s.ceil_mode = 0;
  CheckPool(s, true, true);
  for (const char *mode : {"SAME_UPPER", "SAME_LOWER", "VALID"}) {
    PoolSpec a;
    a.x = {1, 3, 7, 6};
    a.kernel = {2, 3};
    a.strides = {2, 2};
    a.auto_pad = mode;
    CheckPool(a, true, true);
    a.dilations = {2, 1};
    CheckPool(a, true, true);
  }
}

TEST(MaxPoolTest, OnnxExamples) {
  // test_maxpool_2d_ceil: 4x4 of 1..16, kernel 3, stride 2, ceil_mode -> [[11, 12], [15, 16]].
  std::vector<float> x(16);
  for (int i = 0; i < 16; ++i) x[i] = static_cast<float>(i + 1);
  OpTester t("MaxPool");
  t.Input({1, 1, 4, 4}, x).Ints("kernel_shape", {3, 3}).Ints("strides", {2, 2}).Arg("ceil_mode", 1);
  ASSERT_TRUE(t.Run().ok());
  EXPECT_EQ(t.Output().shape(), (Shape{1, 1, 2, 2}));
  EXPECT_EQ(t.OutputFloats(), (std::vector<float>{11, 12, 15, 16}));
  // test_maxpool_with_argmax_2d_precomputed_strides: 5x5 of 1..25, kernel 2, stride 2,
  // storage_order 1 -> values [[7, 9], [17, 19]], column-major indices [[6, 16], [8, 18]].
  std::vector<float> x25(25);
  for (int i = 0; i < 25; ++i) x25[i] = static_cast<float>(i + 1);
  OpTester a("MaxPool", 2);
  a.OutputType(1, DataType::DT_INT64);
  a.Input({1, 1, 5, 5}, x25).Ints("kernel_shape", {2, 2}).Ints("strides", {2, 2});
  a.Arg("storage_order", 1);
  ASSERT_TRUE(a.Run().ok());
  EXPECT_EQ(a.OutputFloats(), (std::vector<float>{7, 9, 17, 19}));
  EXPECT_EQ(a.OutputInt64(1), (std::vector<int64_t>{6, 16, 8, 18}));
}

// Runs a pooling op on a uint8 or int8 tensor (OpTester only builds float/int inputs).
template <typename T>
std::vector<T> RunIntegerPool(const std::string &type, const PoolSpec &s, const std::vector<T> &x,
                              Shape *ys, MaceStatus *status) {
  OpDef def;
  def.name = "pool";
  def.type = type;
  def.inputs = {"x"};
  def.outputs = {"y"};
  def.output_types = {DataTypeOf<T>::value};
  if (type != "GlobalMaxPool") {
    auto put = [&](const std::string &name, const std::vector<int64_t> &v) {
      if (v.empty()) return;
      OpArg a;
      a.ints = v;
      def.args[name] = a;
    };
    put("kernel_shape", s.kernel);
    put("strides", s.strides);
    put("pads", s.pads);
    put("dilations", s.dilations);
  }
  Tensor in("x", DataTypeOf<T>::value), out("y", DataTypeOf<T>::value);
  EXPECT_TRUE(in.Resize(s.x).ok());
  std::memcpy(in.raw_mutable_data(), x.data(), x.size() * sizeof(T));
  const OpCreator *creator = OpRegistry::Global().Find(type, 0, DataTypeOf<T>::value);
  if (creator == nullptr) {
    *status = Unsupported("no ", type, " kernel for ", DataTypeName(DataTypeOf<T>::value));
    return {};
  }
  std::unique_ptr<Operation> op = (*creator)(def, {&in}, {&out});
  ThreadPool pool(2, AFFINITY_NONE);
  OpContext ctx{&pool};
  *status = op->Init();
  if (status->ok()) *status = op->Run(&ctx);
  *ys = out.shape();
  if (!status->ok()) return {};
  EXPECT_EQ(out.dtype(), DataTypeOf<T>::value);
  return std::vector<T>(out.data<T>(), out.data<T>() + out.size());
}

TEST(MaxPoolTest, Uint8AndInt8) {
  PoolSpec s;
  s.x = {1, 3, 6, 5};
  s.kernel = {3, 3};
  s.pads = {1, 1, 1, 1};
  s.strides = {2, 1};
  std::vector<uint8_t> xu(90);
  std::vector<int8_t> xi(90);
  for (int i = 0; i < 90; ++i) {
    xu[i] = static_cast<uint8_t>((i * 37) % 256);
    xi[i] = static_cast<int8_t>((i * 53) % 256 - 128);
  }
  std::vector<uint8_t> eu;
  std::vector<int8_t> ei;
  std::vector<int64_t> idx;
  Shape ys, got_shape;
  MaceStatus st;
  RefPool(s, true, xu, &eu, &idx, &ys);
  EXPECT_EQ(RunIntegerPool<uint8_t>("MaxPool", s, xu, &got_shape, &st), eu);
  EXPECT_TRUE(st.ok()) << st.information();
  EXPECT_EQ(got_shape, ys);
  RefPool(s, true, xi, &ei, &idx, &ys);
  EXPECT_EQ(RunIntegerPool<int8_t>("MaxPool", s, xi, &got_shape, &st), ei);
  EXPECT_TRUE(st.ok()) << st.information();
  // GlobalMaxPool on uint8.
  std::vector<uint8_t> g = RunIntegerPool<uint8_t>("GlobalMaxPool", s, xu, &got_shape, &st);
  ASSERT_TRUE(st.ok()) << st.information();
  EXPECT_EQ(got_shape, (Shape{1, 3, 1, 1}));
  for (int c = 0; c < 3; ++c)
    EXPECT_EQ(g[c], *std::max_element(xu.begin() + c * 30, xu.begin() + (c + 1) * 30));
  // AveragePool does not take integers (no kernel is registered for them).
  RunIntegerPool<uint8_t>("AveragePool", s, xu, &got_shape, &st);
  EXPECT_FALSE(st.ok());
}

TEST(MaxPoolTest, InvalidInputs) {
  auto run = [](const PoolSpec &s, int outputs = 1) {
    OpTester t("MaxPool", outputs);
    t.Input(s.x, RandomFloats(NumElements(s.x)));
    if (!s.kernel.empty()) AddArgs(s, &t);
    return t.Run();
  };
  PoolSpec s;
  s.x = {1, 2, 5, 5};
  MaceStatus st = run(s);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.information().find("kernel_shape"), std::string::npos) << st.information();
  s.kernel = {3};
  st = run(s);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.information().find("kernel_shape"), std::string::npos) << st.information();
  s.kernel = {3, 3};
  s.pads = {1, 1, 1};
  st = run(s);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.information().find("pads"), std::string::npos) << st.information();
  s.pads = {};
  s.kernel = {6, 1};
  st = run(s);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.information().find("does not fit"), std::string::npos) << st.information();
  s.kernel = {2, 2};
  s.storage_order = 2;
  st = run(s);
  EXPECT_EQ(st.code(), MaceStatus::MACE_UNSUPPORTED) << st.information();
  s.storage_order = -1;
  s.auto_pad = "FOO";
  st = run(s);
  EXPECT_EQ(st.code(), MaceStatus::MACE_UNSUPPORTED) << st.information();
  s.auto_pad = "";
  s.x = {4, 5};
  s.kernel = {2};
  st = run(s);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.information().find("rank"), std::string::npos) << st.information();
  OpTester ints("MaxPool");
  ints.InputInt64({1, 1, 2, 2}, {1, 2, 3, 4}).Ints("kernel_shape", {2, 2});
  EXPECT_FALSE(ints.Run().ok());
}

TEST(AveragePoolTest, CountIncludePad) {
  for (int cip : {0, 1}) {
    PoolSpec s;
    s.x = {2, 3, 7, 8};
    s.kernel = {3, 3};
    s.pads = {1, 2, 2, 1};
    s.count_include_pad = cip;
    CheckPool(s, false);
    s.strides = {2, 3};
    CheckPool(s, false);
    s.ceil_mode = 1;
    CheckPool(s, false);
    s.dilations = {2, 2};
    CheckPool(s, false);
  }
}

TEST(AveragePoolTest, ShapesAndAutoPad) {
  PoolSpec s;
  s.x = {1, 2, 11};
  s.kernel = {3};
  s.strides = {2};
  CheckPool(s, false);
  PoolSpec v;
  v.x = {1, 2, 9, 9, 9};
  v.kernel = {5, 5, 5};
  v.strides = {3, 3, 3};
  v.dilations = {2, 2, 2};
  v.ceil_mode = 1;
  for (int cip : {0, 1}) {
    v.count_include_pad = cip;
    CheckPool(v, false);  // as test_averagepool_3d_dilations_large_*
  }
  for (const char *mode : {"SAME_UPPER", "SAME_LOWER", "VALID"}) {
    PoolSpec a;
    a.x = {1, 3, 6, 7};
    a.kernel = {3, 2};
    a.strides = {2, 2};
    a.auto_pad = mode;
    CheckPool(a, false);
  }
}

TEST(AveragePoolTest, OnnxExamples) {
  // test_averagepool_2d_ceil: 4x4 of 1..16, kernel 3, stride 2, ceil -> [[6, 7.5], [12, 13.5]].
  std::vector<float> x(16);
  for (int i = 0; i < 16; ++i) x[i] = static_cast<float>(i + 1);
  OpTester t("AveragePool");
  t.Input({1, 1, 4, 4}, x).Ints("kernel_shape", {3, 3}).Ints("strides", {2, 2}).Arg("ceil_mode", 1);
  ASSERT_TRUE(t.Run().ok());
  ExpectAllClose(t.OutputFloats(), {6.f, 7.5f, 12.f, 13.5f});
  // test_averagepool_2d_pads_count_include_pad corner: kernel 3, pads 2 on a 5x5 input: the
  // top-left window holds only x[0][0] = 1 of 9 cells.
  std::vector<float> x25(25);
  for (int i = 0; i < 25; ++i) x25[i] = static_cast<float>(i + 1);
  OpTester c("AveragePool");
  c.Input({1, 1, 5, 5}, x25).Ints("kernel_shape", {3, 3}).Ints("pads", {2, 2, 2, 2});
  c.Arg("count_include_pad", 1);
  ASSERT_TRUE(c.Run().ok());
  EXPECT_EQ(c.Output().shape(), (Shape{1, 1, 7, 7}));
  EXPECT_NEAR(c.OutputFloats()[0], 1.f / 9.f, 1e-6f);
}

TEST(AveragePoolTest, InvalidInputs) {
  OpTester t("AveragePool");
  t.Input({1, 1, 4, 4}, RandomFloats(16)).Ints("kernel_shape", {2, 2}).Arg("count_include_pad", 2);
  EXPECT_FALSE(t.Run().ok());
  OpTester d("AveragePool");
  d.Input({1, 1, 4, 4}, RandomFloats(16)).Ints("kernel_shape", {2, 2}).Ints("dilations", {0, 1});
  MaceStatus st = d.Run();
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.information().find("dilations"), std::string::npos) << st.information();
  OpTester c("AveragePool");
  c.Input({1, 1, 4, 4}, RandomFloats(16)).Ints("kernel_shape", {2, 2}).Arg("ceil_mode", 3);
  EXPECT_FALSE(c.Run().ok());
}

TEST(GlobalPoolTest, AverageAndMax) {
  for (const Shape &shape : {Shape{2, 3, 5, 7}, Shape{1, 13, 1, 1}, Shape{3, 2, 17},
                             Shape{1, 2, 3, 4, 5}}) {
    const std::vector<float> x = RandomFloats(NumElements(shape), -1.f, 1.f, 9);
    const int64_t planes = shape[0] * shape[1], plane = NumElements(shape) / planes;
    std::vector<float> mean(planes), max(planes);
    for (int64_t p = 0; p < planes; ++p) {
      double s = 0;
      float m = x[p * plane];
      for (int64_t i = 0; i < plane; ++i) {
        s += x[p * plane + i];
        m = std::max(m, x[p * plane + i]);
      }
      mean[p] = static_cast<float>(s / plane);
      max[p] = m;
    }
    Shape out = shape;
    for (size_t i = 2; i < out.size(); ++i) out[i] = 1;
    OpTester a("GlobalAveragePool");
    a.Input(shape, x);
    ASSERT_TRUE(a.Run(1).ok());
    EXPECT_EQ(a.Output().shape(), out);
    ExpectAllClose(a.OutputFloats(), mean);
    const std::vector<float> one = a.OutputFloats();
    ASSERT_TRUE(a.Run(3).ok());
    EXPECT_EQ(a.OutputFloats(), one);
    OpTester m("GlobalMaxPool");
    m.Input(shape, x);
    ASSERT_TRUE(m.Run(3).ok());
    EXPECT_EQ(m.Output().shape(), out);
    EXPECT_EQ(m.OutputFloats(), max);
  }
  OpTester bad("GlobalAveragePool");
  bad.Input({5}, RandomFloats(5));
  EXPECT_FALSE(bad.Run().ok());
  OpTester empty("GlobalMaxPool");
  empty.Input({1, 2, 0, 3}, {});
  EXPECT_FALSE(empty.Run().ok());
}

}  // namespace
}  // namespace test
}  // namespace mace

namespace mace {
namespace {

// The row-wise MaxPool kernel of every instruction set up to this CPU's (the op above uses
// only the best one) against a naive max over each window, with guard values after the plane.
TEST(MaxPoolRowsTest, EveryIsaOddShapes) {
  std::mt19937 rng(5);
  std::uniform_real_distribution<float> dist(-1.f, 1.f);
  for (int64_t h : {1, 3, 8, 13})
    for (int64_t w : {1, 2, 7, 16, 17, 33, 55, 111})
      for (int64_t k : {2, 3})
        for (int64_t s : {1, 2, 3})
          for (int64_t d : {1, 2})
            for (int64_t pl : {0, 1}) {
              conv::Window3 win;
              win.in[1] = h;
              win.in[2] = w;
              win.kernel[1] = win.kernel[2] = k;
              win.stride[1] = win.stride[2] = s;
              win.dilation[1] = win.dilation[2] = d;
              win.pad_begin[1] = 1 - pl;
              win.pad_begin[2] = pl;
              win.pad_end[1] = pl;
              win.pad_end[2] = 1;
              const int64_t span = (k - 1) * d + 1;
              win.out[1] = (h + win.pad_begin[1] + win.pad_end[1] - span) / s + 1;
              win.out[2] = (w + win.pad_begin[2] + win.pad_end[2] - span) / s + 1;
              if (win.out[1] < 1 || win.out[2] < 1) continue;
              std::vector<int64_t> taps[4];
              for (int dim : {1, 2})
                for (int64_t o = 0; o < win.out[dim]; ++o) {
                  int64_t f, l;
                  conv::TapRange(o, s, win.pad_begin[dim], d, k, 0, win.in[dim], &f, &l);
                  taps[2 * (dim - 1)].push_back(f);
                  taps[2 * (dim - 1) + 1].push_back(l);
                }
              std::vector<float> x(static_cast<size_t>(h * w));
              for (float &v : x) v = dist(rng);
              std::vector<float> ref(static_cast<size_t>(win.out[1] * win.out[2]));
              for (int64_t oh = 0; oh < win.out[1]; ++oh)
                for (int64_t ow = 0; ow < win.out[2]; ++ow) {
                  float best = -std::numeric_limits<float>::infinity();
                  for (int64_t kh = 0; kh < k; ++kh)
                    for (int64_t kw = 0; kw < k; ++kw) {
                      const int64_t ih = oh * s - win.pad_begin[1] + kh * d;
                      const int64_t iw = ow * s - win.pad_begin[2] + kw * d;
                      if (ih >= 0 && ih < h && iw >= 0 && iw < w)
                        best = std::max(best, x[ih * w + iw]);
                    }
                  ref[oh * win.out[2] + ow] = best;
                }
              const max_pool::Taps t{taps[0].data(), taps[1].data(), taps[2].data(), taps[3].data()};
              for (int i = 0; i <= static_cast<int>(CpuIsa()); ++i) {
                const Isa isa = static_cast<Isa>(i);
                std::vector<float> colmax(static_cast<size_t>(w));
                std::vector<float> y(ref.size() + 9, 777.f);
                max_pool::Plane2D(isa, x.data(), win, t, colmax.data(), y.data());
                for (size_t j = 0; j < ref.size(); ++j)
                  ASSERT_EQ(y[j], ref[j]) << IsaName(isa) << " " << h << "x" << w << " k" << k
                                          << " s" << s << " d" << d << " pl" << pl << " at " << j;
                for (size_t j = ref.size(); j < y.size(); ++j)
                  ASSERT_EQ(y[j], 777.f) << IsaName(isa) << " wrote past the plane";
              }
            }
}

}  // namespace
}  // namespace mace
