// MatMul tests: numpy semantics (1-D promotion, batched N-D with broadcast batch dims) against
// a naive reference, constant (packed) B in 2-D and batched form, fused activation, 1 vs 3
// threads, Macs and input errors.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "core/op_registry.h"
#include "util/op_tester.h"

namespace mace {
namespace test {
namespace {

// numpy.matmul on float data, straight from its definition.
std::vector<float> RefMatMul(const Shape &as, const std::vector<float> &a, const Shape &bs,
                             const std::vector<float> &b, Shape *ys) {
  Shape sa = as, sb = bs;
  if (as.size() == 1) sa.insert(sa.begin(), 1);
  if (bs.size() == 1) sb.push_back(1);
  const int64_t m = sa[sa.size() - 2], k = sa.back(), n = sb.back();
  const size_t rank = std::max(sa.size(), sb.size()) - 2;
  Shape batch(rank);
  for (size_t i = 0; i < rank; ++i) {
    const int64_t da = i + sa.size() - 2 >= rank ? sa[i + sa.size() - 2 - rank] : 1;
    const int64_t db = i + sb.size() - 2 >= rank ? sb[i + sb.size() - 2 - rank] : 1;
    batch[i] = (da == 0 || db == 0) ? 0 : std::max(da, db);
  }
  *ys = batch;
  if (as.size() > 1) ys->push_back(m);
  if (bs.size() > 1) ys->push_back(n);
  const int64_t count = NumElements(batch);
  std::vector<float> y(static_cast<size_t>(count * m * n));
  for (int64_t t = 0; t < count; ++t) {
    // Index of this batch in A and in B, with broadcasting.
    int64_t rem = t, ia = 0, ib = 0, stride_a = 1, stride_b = 1;
    for (size_t i = rank; i-- > 0;) {
      const int64_t c = rem % batch[i];
      rem /= batch[i];
      const int64_t da = i + sa.size() - 2 >= rank ? sa[i + sa.size() - 2 - rank] : 1;
      const int64_t db = i + sb.size() - 2 >= rank ? sb[i + sb.size() - 2 - rank] : 1;
      ia += (da == 1 ? 0 : c) * stride_a;
      ib += (db == 1 ? 0 : c) * stride_b;
      stride_a *= da;
      stride_b *= db;
    }
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j) {
        double s = 0;
        for (int64_t p = 0; p < k; ++p)
          s += static_cast<double>(a[(ia * m + i) * k + p]) * b[(ib * k + p) * n + j];
        y[(t * m + i) * n + j] = static_cast<float>(s);
      }
  }
  return y;
}

void CheckMatMul(const Shape &as, const Shape &bs, bool const_b = false,
                 const std::string &activation = "") {
  SCOPED_TRACE("A " + ShapeToString(as) + " B " + ShapeToString(bs) +
               (const_b ? " const B" : ""));
  const std::vector<float> a = RandomFloats(NumElements(as), -1.f, 1.f, 41);
  const std::vector<float> b = RandomFloats(NumElements(bs), -1.f, 1.f, 42);
  Shape ys;
  std::vector<float> expected = RefMatMul(as, a, bs, b, &ys);
  if (activation == "RELU")
    for (float &v : expected) v = std::max(v, 0.f);
  OpTester t("MatMul");
  t.Input(as, a).Input(bs, b);
  if (const_b) t.Const();
  if (!activation.empty()) t.Arg("activation", activation);
  MaceStatus st = t.Run(1);
  ASSERT_TRUE(st.ok()) << st.information();
  EXPECT_EQ(t.Output().shape(), ys);
  const std::vector<float> one = t.OutputFloats();
  ExpectAllClose(one, expected, 1e-4f, 1e-4f);
  st = t.Run(3);
  ASSERT_TRUE(st.ok()) << st.information();
  EXPECT_EQ(t.OutputFloats(), one) << "1 and 3 threads differ";
}

TEST(MatMulTest, VectorPromotion) {
  CheckMatMul({7}, {7});          // -> scalar, shape []
  CheckMatMul({5}, {2, 5, 3});    // -> [2, 3]
  CheckMatMul({4, 3, 5}, {5});    // -> [4, 3]
  CheckMatMul({1, 2, 3, 13}, {13});
  CheckMatMul({13}, {13, 1});     // -> [1]
  CheckMatMul({7}, {7}, true);
  CheckMatMul({3, 5}, {5}, true);
}

TEST(MatMulTest, TwoDimensional) {
  CheckMatMul({3, 4}, {4, 5});
  CheckMatMul({1, 1}, {1, 1});
  CheckMatMul({13, 7}, {7, 1});
  CheckMatMul({1, 300}, {300, 17});
  CheckMatMul({29, 270}, {270, 1050});  // crosses depth and column blocks
}

TEST(MatMulTest, BatchedAndBroadcast) {
  CheckMatMul({2, 3, 4}, {2, 4, 5});
  CheckMatMul({2, 3, 4, 5}, {2, 3, 5, 6});
  CheckMatMul({2, 1, 3, 4}, {5, 4, 6});   // -> [2, 5, 3, 6]
  CheckMatMul({3, 4}, {7, 4, 2});         // A broadcast over B's batch
  CheckMatMul({6, 3, 4}, {4, 2});         // B 2-D: batch folded into M
  CheckMatMul({1, 6, 3, 4}, {1, 1, 4, 2});
  CheckMatMul({5, 1, 2}, {1, 2, 3});
  CheckMatMul({4, 9, 8}, {4, 8, 7});      // many small GEMMs (parallel over batches)
}

TEST(MatMulTest, ConstantBIsPacked) {
  CheckMatMul({6, 3, 4}, {4, 2}, true);
  CheckMatMul({2, 5, 64}, {64, 1000}, true);
  CheckMatMul({1, 64}, {64, 1000}, true);
  CheckMatMul({2, 3, 4, 5}, {3, 5, 6}, true);  // batched constant B
  CheckMatMul({2, 1, 3, 4}, {5, 4, 6}, true);
}

TEST(MatMulTest, FusedActivationAndEmpty) {
  CheckMatMul({3, 7, 9}, {9, 4}, true, "RELU");
  CheckMatMul({2, 7, 9}, {2, 9, 4}, false, "RELU");
  CheckMatMul({0, 3, 4}, {4, 5});
  CheckMatMul({2, 0, 4}, {2, 4, 5});
}

TEST(MatMulTest, InvalidInputs) {
  auto expect_error = [](const Shape &as, const Shape &bs, const std::string &message) {
    OpTester t("MatMul");
    t.Input(as, RandomFloats(NumElements(as))).Input(bs, RandomFloats(NumElements(bs)));
    MaceStatus s = t.Run();
    EXPECT_FALSE(s.ok()) << message;
    EXPECT_NE(s.information().find(message), std::string::npos) << s.information();
  };
  expect_error({2, 3}, {4, 5}, "inner dims");
  expect_error({3}, {4}, "inner dims");
  expect_error({2, 2, 3}, {3, 3, 4}, "broadcast");
  expect_error({}, {3}, "rank");
  OpTester missing("MatMul");
  missing.Input({2, 2}, RandomFloats(4));
  EXPECT_FALSE(missing.Run().ok());
  OpTester ints("MatMul");
  ints.InputInt64({2}, {1, 2}).InputInt64({2}, {3, 4});
  EXPECT_FALSE(ints.Run().ok());
}

TEST(MatMulTest, ReportsMacs) {
  OpDef def;
  def.name = "mm";
  def.type = "MatMul";
  def.inputs = {"a", "b"};
  def.outputs = {"y"};
  def.output_types = {DataType::DT_FLOAT};
  Tensor a("a", DataType::DT_FLOAT), b("b", DataType::DT_FLOAT), y("y", DataType::DT_FLOAT);
  ASSERT_TRUE(a.Resize({2, 3, 4}).ok());
  ASSERT_TRUE(b.Resize({4, 5}).ok());
  std::fill(a.mutable_data<float>(), a.mutable_data<float>() + 24, 1.f);
  std::fill(b.mutable_data<float>(), b.mutable_data<float>() + 20, 1.f);
  std::unique_ptr<Operation> op =
      (*OpRegistry::Global().Find("MatMul", 0, DataType::DT_FLOAT))(def, {&a, &b}, {&y});
  ASSERT_TRUE(op->Init().ok());
  ThreadPool pool(1, AFFINITY_NONE);
  OpContext ctx{&pool};
  ASSERT_TRUE(op->Run(&ctx).ok());
  EXPECT_EQ(op->Macs(), 2 * 3 * 4 * 5);
  EXPECT_EQ(y.data<float>()[0], 4.f);
}

}  // namespace
}  // namespace test
}  // namespace mace
