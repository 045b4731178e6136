// Tests of the Gemm op (transA/transB, alpha/beta, every C broadcast form, packed constant
// operands, fused activation, errors) and of the shared GEMM helper (dense, packed and callback
// operands, strided C, beta blending, bias epilogues, block boundaries, thread counts, partial
// micro-kernel tiles of every kernel this machine runs: generic/NEON, AVX2, AVX-512), all
// against naive triple loops.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/op_registry.h"
#include "ops/common/gemm.h"
#include "util/op_tester.h"

namespace mace {
namespace test {
namespace {

// op(A)[i][p] for A stored row-major with `cols` columns.
float At(const std::vector<float> &a, int64_t cols, bool trans, int64_t i, int64_t p) {
  return trans ? a[p * cols + i] : a[i * cols + p];
}

struct GemmCase {
  int64_t m, n, k;
  bool trans_a = false, trans_b = false;
  float alpha = 1.f, beta = 1.f;
  Shape c_shape;  // empty with has_c: a scalar C of rank 0
  bool has_c = true;
  bool const_a = false, const_b = false;
  std::string activation;
  bool set_alpha_beta = true;
};

std::vector<float> RefGemm(const GemmCase &g, const std::vector<float> &a,
                           const std::vector<float> &b, const std::vector<float> &c) {
  const int64_t a_cols = g.trans_a ? g.m : g.k, b_cols = g.trans_b ? g.k : g.n;
  const int64_t cm = g.c_shape.size() == 2 ? g.c_shape[0] : 1;
  const int64_t cn = g.c_shape.empty() ? 1 : g.c_shape.back();
  std::vector<float> y(static_cast<size_t>(g.m * g.n));
  for (int64_t i = 0; i < g.m; ++i)
    for (int64_t j = 0; j < g.n; ++j) {
      double s = 0;
      for (int64_t p = 0; p < g.k; ++p)
        s += static_cast<double>(At(a, a_cols, g.trans_a, i, p)) * At(b, b_cols, g.trans_b, p, j);
      double v = g.alpha * s;
      if (g.has_c) v += g.beta * c[(cm == 1 ? 0 : i) * cn + (cn == 1 ? 0 : j)];
      float f = static_cast<float>(v);
      if (g.activation == "RELU") f = std::max(f, 0.f);
      if (g.activation == "TANH") f = std::tanh(f);
      y[i * g.n + j] = f;
    }
  return y;
}

void CheckGemm(const GemmCase &g) {
  SCOPED_TRACE(std::to_string(g.m) + "x" + std::to_string(g.n) + "x" + std::to_string(g.k) +
               " transA " + std::to_string(g.trans_a) + " transB " + std::to_string(g.trans_b) +
               " C " + (g.has_c ? ShapeToString(g.c_shape) : std::string("none")));
  const Shape as = g.trans_a ? Shape{g.k, g.m} : Shape{g.m, g.k};
  const Shape bs = g.trans_b ? Shape{g.n, g.k} : Shape{g.k, g.n};
  const std::vector<float> a = RandomFloats(g.m * g.k, -1.f, 1.f, 21);
  const std::vector<float> b = RandomFloats(g.k * g.n, -1.f, 1.f, 22);
  const std::vector<float> c = RandomFloats(g.has_c ? NumElements(g.c_shape) : 0, -1.f, 1.f, 23);
  const std::vector<float> expected = RefGemm(g, a, b, c);
  OpTester t("Gemm");
  t.Input(as, a);
  if (g.const_a) t.Const();
  t.Input(bs, b);
  if (g.const_b) t.Const();
  if (g.has_c) t.Input(g.c_shape, c);
  if (g.trans_a) t.Arg("transA", 1);
  if (g.trans_b) t.Arg("transB", 1);
  if (g.set_alpha_beta) t.Arg("alpha", g.alpha).Arg("beta", g.beta);
  if (!g.activation.empty()) t.Arg("activation", g.activation);
  MaceStatus st = t.Run(1);
  ASSERT_TRUE(st.ok()) << st.information();
  EXPECT_EQ(t.Output().shape(), (Shape{g.m, g.n}));
  const std::vector<float> one = t.OutputFloats();
  ExpectAllClose(one, expected, 1e-4f, 1e-4f);
  st = t.Run(3);
  ASSERT_TRUE(st.ok()) << st.information();
  EXPECT_EQ(t.OutputFloats(), one) << "1 and 3 threads differ";
}

TEST(GemmTest, TransposesAndScales) {
  for (bool ta : {false, true})
    for (bool tb : {false, true}) {
      GemmCase g{7, 13, 5};
      g.trans_a = ta;
      g.trans_b = tb;
      g.alpha = 0.25f;
      g.beta = 0.35f;
      g.c_shape = {7, 13};
      CheckGemm(g);
    }
  GemmCase defaults{3, 5, 4};  // alpha = beta = 1 when absent
  defaults.c_shape = {3, 5};
  defaults.set_alpha_beta = false;
  CheckGemm(defaults);
}

TEST(GemmTest, BiasBroadcastForms) {
  const std::vector<Shape> forms = {{}, {1}, {1, 1}, {11}, {1, 11}, {6, 1}, {6, 11}};
  for (const Shape &c : forms) {
    GemmCase g{6, 11, 9};
    g.c_shape = c;
    g.beta = 0.5f;
    CheckGemm(g);
    g.beta = 1.f;
    g.trans_b = true;
    CheckGemm(g);
  }
  // Vector outputs: M == 1 or N == 1 with each C form.
  for (const Shape &c : std::vector<Shape>{{}, {1, 9}, {9}, {1, 1}}) {
    GemmCase g{1, 9, 17};
    g.c_shape = c;
    g.beta = 2.f;
    CheckGemm(g);
  }
  for (const Shape &c : std::vector<Shape>{{}, {8, 1}, {1}, {1, 1}}) {
    GemmCase g{8, 1, 17};
    g.c_shape = c;
    CheckGemm(g);
  }
  GemmCase none{5, 7, 3};
  none.has_c = false;
  CheckGemm(none);
  GemmCase zero_beta{5, 7, 3};  // beta 0 ignores C
  zero_beta.c_shape = {5, 7};
  zero_beta.beta = 0.f;
  CheckGemm(zero_beta);
}

TEST(GemmTest, PackedConstantOperands) {
  for (bool tb : {false, true}) {
    GemmCase g{19, 37, 300};  // depth crosses a packed block
    g.trans_b = tb;
    g.const_b = true;
    g.c_shape = {37};
    CheckGemm(g);
    GemmCase fc{1, 1000, 64};  // fully connected with batch 1
    fc.trans_b = tb;
    fc.const_b = true;
    fc.c_shape = {1000};
    CheckGemm(fc);
  }
  for (bool ta : {false, true}) {
    GemmCase g{23, 9, 31};
    g.trans_a = ta;
    g.const_a = true;
    g.c_shape = {23, 1};
    CheckGemm(g);
  }
}

TEST(GemmTest, LargeAndActivation) {
  GemmCase g{37, 1100, 270};  // more columns and depth than one block each
  g.c_shape = {1, 1100};
  g.activation = "RELU";
  CheckGemm(g);
  GemmCase v{1, 40, 3000};  // matrix-vector with long depth
  v.trans_b = true;
  v.has_c = false;
  v.activation = "TANH";
  CheckGemm(v);
}

TEST(GemmTest, InvalidInputs) {
  auto expect_error = [](OpTester &t, const std::string &message) {
    MaceStatus s = t.Run();
    EXPECT_FALSE(s.ok()) << message;
    EXPECT_NE(s.information().find(message), std::string::npos) << s.information();
  };
  OpTester inner("Gemm");
  inner.Input({2, 3}, RandomFloats(6)).Input({4, 2}, RandomFloats(8));
  expect_error(inner, "inner dims");
  OpTester rank("Gemm");
  rank.Input({2, 3, 1}, RandomFloats(6)).Input({3, 2}, RandomFloats(6));
  expect_error(rank, "2-D");
  OpTester bias("Gemm");
  bias.Input({2, 3}, RandomFloats(6)).Input({3, 4}, RandomFloats(12)).Input({3}, RandomFloats(3));
  expect_error(bias, "broadcast");
  OpTester bias_rank("Gemm");
  bias_rank.Input({2, 3}, RandomFloats(6)).Input({3, 4}, RandomFloats(12));
  bias_rank.Input({1, 2, 4}, RandomFloats(8));
  expect_error(bias_rank, "rank");
  OpTester trans("Gemm");
  trans.Input({2, 3}, RandomFloats(6)).Input({3, 4}, RandomFloats(12)).Arg("transA", 2);
  expect_error(trans, "transA");
  OpTester missing("Gemm");
  missing.Input({2, 3}, RandomFloats(6));
  expect_error(missing, "needs inputs");
  OpTester act("Gemm");
  act.Input({2, 3}, RandomFloats(6)).Input({3, 4}, RandomFloats(12)).Arg("activation", "SWISH");
  expect_error(act, "activation");
}

TEST(GemmTest, ReportsMacs) {
  OpDef def;
  def.name = "gemm";
  def.type = "Gemm";
  def.inputs = {"a", "b"};
  def.outputs = {"y"};
  def.output_types = {DataType::DT_FLOAT};
  Tensor a("a", DataType::DT_FLOAT), b("b", DataType::DT_FLOAT), y("y", DataType::DT_FLOAT);
  ASSERT_TRUE(a.Resize({3, 5}).ok());
  ASSERT_TRUE(b.Resize({5, 7}).ok());
  std::fill(a.mutable_data<float>(), a.mutable_data<float>() + 15, 1.f);
  std::fill(b.mutable_data<float>(), b.mutable_data<float>() + 35, 2.f);
  std::unique_ptr<Operation> op =
      (*OpRegistry::Global().Find("Gemm", 0, DataType::DT_FLOAT))(def, {&a, &b}, {&y});
  ASSERT_TRUE(op->Init().ok());
  ThreadPool pool(1, AFFINITY_NONE);
  OpContext ctx{&pool};
  ASSERT_TRUE(op->Run(&ctx).ok());
  EXPECT_EQ(op->Macs(), 3 * 5 * 7);
  EXPECT_EQ(y.data<float>()[0], 10.f);
}

// ---- The GEMM helper itself ----

enum class Source { DENSE, PACKED, CALLBACK };

struct DenseB {
  const float *data;
  int64_t ld;
  bool trans;
};

// A PackBFn that reads a dense matrix, as Conv's im2col packer reads an image.
void PackDenseB(const void *ctx, int64_t k0, int64_t kc, int64_t j0, int64_t nc, int nr, float *dst) {
  const DenseB &b = *static_cast<const DenseB *>(ctx);
  for (int64_t p = 0; p * nr < nc; ++p)
    for (int64_t t = 0; t < kc; ++t)
      for (int q = 0; q < nr; ++q) {
        const int64_t j = j0 + p * nr + q;
        float v = 0.f;
        if (p * nr + q < nc) v = b.trans ? b.data[j * b.ld + k0 + t] : b.data[(k0 + t) * b.ld + j];
        dst[(p * kc + t) * nr + q] = v;
      }
}

Activation MakeActivation(ActivationType type, float alpha = 0.f, float beta = 0.f) {
  Activation act;
  act.type = type;
  act.alpha = alpha;
  act.beta = beta;
  return act;
}

// The kernel CheckSgemm packs and multiplies with (null: the default one).
const gemm::Kernel *g_kernel = nullptr;

// Every distinct kernel this machine can run: each instruction set up to CpuIsa().
std::vector<const gemm::Kernel *> AllKernels() {
  std::vector<const gemm::Kernel *> out;
  for (Isa isa : {Isa::kGeneric, Isa::kAvx2, Isa::kAvx512}) {
    if (static_cast<int>(isa) > static_cast<int>(CpuIsa())) break;
    const gemm::Kernel *k = &gemm::KernelFor(isa);
    if (std::find(out.begin(), out.end(), k) == out.end()) out.push_back(k);
  }
  return out;
}

// Runs gemm::Sgemm and compares C (including the gaps of its strided rows) with a naive
// double-precision product. With beta == 0, C starts as NaN: it must never be read.
void CheckSgemm(int64_t m, int64_t n, int64_t k, bool ta, bool tb, Source a_src, Source b_src,
                float alpha, float beta, gemm::Epilogue::Bias bias_kind, int threads,
                const Activation &act = MakeActivation(ActivationType::RELU)) {
  SCOPED_TRACE(std::to_string(m) + "x" + std::to_string(n) + "x" + std::to_string(k) + " ta " +
               std::to_string(ta) + " tb " + std::to_string(tb) + " a_src " +
               std::to_string(static_cast<int>(a_src)) + " b_src " +
               std::to_string(static_cast<int>(b_src)) + " alpha " + std::to_string(alpha) +
               " beta " + std::to_string(beta) + " bias " +
               std::to_string(static_cast<int>(bias_kind)) + " activation " +
               std::to_string(static_cast<int>(act.type)) + " threads " +
               std::to_string(threads));
  const std::vector<float> a = RandomFloats(m * k, -1.f, 1.f, 31);
  const std::vector<float> b = RandomFloats(k * n, -1.f, 1.f, 32);
  const std::vector<float> bias = RandomFloats(std::max(m, n), -1.f, 1.f, 33);
  const int64_t ldc = n + 3;  // C is a strided view; the gaps must stay untouched
  std::vector<float> c = RandomFloats(m * ldc, -1.f, 1.f, 34);
  if (beta == 0.f) std::fill(c.begin(), c.end(), std::nanf(""));
  const std::vector<float> c0 = c;
  const int64_t lda = ta ? m : k, ldb = tb ? k : n;
  std::vector<float> expected(c);
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j) {
      double s = 0;
      for (int64_t p = 0; p < k; ++p)
        s += static_cast<double>(ta ? a[p * lda + i] : a[i * lda + p]) *
             (tb ? b[j * ldb + p] : b[p * ldb + j]);
      double v = alpha * s + (beta == 0.f ? 0.0 : beta * c0[i * ldc + j]);
      if (bias_kind == gemm::Epilogue::Bias::PER_ROW) v += bias[i];
      if (bias_kind == gemm::Epilogue::Bias::PER_COL) v += bias[j];
      expected[i * ldc + j] = act.Apply(static_cast<float>(v));
    }
  gemm::PackedMatrix pa, pb;
  gemm::Operand aop = gemm::Operand::Dense(a.data(), lda, ta);
  if (a_src == Source::PACKED) {
    ASSERT_TRUE(pa.PackA(a.data(), lda, ta, m, k, g_kernel).ok());
    aop = gemm::Operand::Packed(pa);
  }
  DenseB dense{b.data(), ldb, tb};
  gemm::Operand bop = gemm::Operand::Dense(b.data(), ldb, tb);
  if (b_src == Source::PACKED) {
    ASSERT_TRUE(pb.PackB(b.data(), ldb, tb, k, n, g_kernel).ok());
    bop = gemm::Operand::Packed(pb);
  } else if (b_src == Source::CALLBACK) {
    bop = gemm::Operand::Custom(PackDenseB, &dense);
  }
  gemm::Epilogue ep;
  ep.bias_kind = bias_kind;
  ep.bias = bias.data();
  ep.activation = act;
  ThreadPool pool(threads, AFFINITY_NONE);
  MaceStatus st = gemm::Sgemm(m, n, k, alpha, aop, bop, beta, c.data(), ldc, ep, &pool, g_kernel);
  ASSERT_TRUE(st.ok()) << st.information();
  ExpectAllClose(c, expected, 1e-4f, 1e-4f);
}

TEST(SgemmTest, AllOperandKinds) {
  const int64_t sizes[][3] = {{1, 1, 1},   {5, 3, 7},    {4, 8, 256}, {13, 29, 257},
                              {1, 37, 19}, {41, 1, 300}, {97, 17, 5}, {3, 1030, 33}};
  for (const auto &sz : sizes)
    for (bool ta : {false, true})
      for (bool tb : {false, true})
        for (Source as : {Source::DENSE, Source::PACKED})
          for (Source bs : {Source::DENSE, Source::PACKED, Source::CALLBACK})
            CheckSgemm(sz[0], sz[1], sz[2], ta, tb, as, bs, 0.75f, 0.f,
                       gemm::Epilogue::Bias::NONE, 1);
}

TEST(SgemmTest, BetaBiasAndThreads) {
  for (int threads : {1, 2, 3})
    for (float beta : {0.f, 1.f, -0.5f})
      for (auto bias : {gemm::Epilogue::Bias::NONE, gemm::Epilogue::Bias::PER_ROW,
                        gemm::Epilogue::Bias::PER_COL}) {
        CheckSgemm(67, 45, 130, false, false, Source::PACKED, Source::DENSE, 1.f, beta, bias,
                   threads);
        CheckSgemm(1, 45, 130, true, true, Source::DENSE, Source::DENSE, 2.f, beta, bias, threads);
        CheckSgemm(45, 1, 130, false, false, Source::DENSE, Source::DENSE, 2.f, beta, bias,
                   threads);
      }
}

// Sizes around each kernel's micro-tile (MR x NR) and depth block: partial tiles in each
// direction, single rows/columns (matrix-vector paths when both operands are dense), depth 1
// and a depth block followed by a short one. No activation, so every value is checked.
TEST(SgemmTest, TileEdges) {
  for (const gemm::Kernel *kern : AllKernels()) {
    g_kernel = kern;
    const int64_t kMR = kern->mr, kNR = kern->nr, kKC = kern->kc;
    // Up to 4 row panels, or at depths up to 64, a dense B is read in place (masked tail
    // loads); 5*MR+1 rows pack it at depth KC+7. The column path sums in 4 chains: depths 1, 5
    // and KC+7 end with 1, 1 and 3 leftover steps.
    const int64_t ms[] = {1, kMR - 1, kMR, kMR + 1, 2 * kMR + 3, 5 * kMR + 1};
    // Tiles ending in 1 or 2 columns past whole vectors take the column path (kNR / 2 + 2,
    // 49: a 7x7 plane); the others a partial last vector.
    const int64_t ns[] = {1, kNR - 1, kNR, kNR + 3, 2 * kNR + 5, kNR / 2 + 2, 49};
    const int64_t ks[] = {1, 5, kKC + 7};
    const Source sources[][2] = {
        {Source::DENSE, Source::DENSE}, {Source::PACKED, Source::PACKED},
        {Source::DENSE, Source::CALLBACK}, {Source::PACKED, Source::DENSE}};
    const Activation none = MakeActivation(ActivationType::NONE);
    for (int64_t m : ms)
      for (int64_t n : ns)
        for (int64_t k : ks)
          for (bool ta : {false, true})
            for (bool tb : {false, true})
              for (const auto &src : sources)
                CheckSgemm(m, n, k, ta, tb, src[0], src[1], 1.f, 0.f,
                           gemm::Epilogue::Bias::NONE, 1, none);
  }
  g_kernel = nullptr;
}

const Activation kAllActivations[] = {
    MakeActivation(ActivationType::NONE),
    MakeActivation(ActivationType::RELU),
    MakeActivation(ActivationType::CLIP, -0.5f, 0.75f),
    MakeActivation(ActivationType::LEAKYRELU, 0.1f),
    MakeActivation(ActivationType::SIGMOID),
    MakeActivation(ActivationType::TANH),
    MakeActivation(ActivationType::HARDSIGMOID, 0.2f, 0.5f),
    MakeActivation(ActivationType::HARDSWISH)};

// The fused epilogue on partial tiles, over two depth blocks (the first blends beta * C, the
// last adds the bias and applies the activation), for every kernel.
TEST(SgemmTest, TileEdgeEpilogue) {
  for (const gemm::Kernel *kern : AllKernels()) {
    g_kernel = kern;
    const int64_t kMR = kern->mr, kNR = kern->nr, kKC = kern->kc;
    for (int threads : {1, 2})
      for (float alpha : {1.f, -0.5f})
        for (float beta : {0.f, 1.f, 0.3f})
          for (auto bias : {gemm::Epilogue::Bias::NONE, gemm::Epilogue::Bias::PER_ROW,
                            gemm::Epilogue::Bias::PER_COL})
            for (const Activation &act : kAllActivations) {
              CheckSgemm(2 * kMR + 1, 3 * kNR + 3, kKC + 9, false, true, Source::PACKED,
                         Source::CALLBACK, alpha, beta, bias, threads, act);
              CheckSgemm(kMR - 1, kNR + 3, 2 * kKC + 1, true, false, Source::DENSE,
                         Source::DENSE, alpha, beta, bias, threads, act);
              CheckSgemm(kMR + 5, 49, kKC + 3, false, false, Source::PACKED, Source::DENSE,
                         alpha, beta, bias, threads, act);  // 1-2 trailing columns
            }
  }
  g_kernel = nullptr;
}

// Odd sizes (every pair of m and n from the list, with a depth from it too) for every kernel,
// cycling through transposes, operand kinds, beta, bias and every activation.
TEST(SgemmTest, OddSizesEveryKernel) {
  const int64_t sizes[] = {1, 3, 7, 13, 31, 33, 100, 257};
  const Source a_srcs[] = {Source::DENSE, Source::PACKED};
  const Source b_srcs[] = {Source::DENSE, Source::PACKED, Source::CALLBACK};
  const float betas[] = {0.f, 1.f, -0.7f};
  const gemm::Epilogue::Bias biases[] = {gemm::Epilogue::Bias::NONE,
                                         gemm::Epilogue::Bias::PER_ROW,
                                         gemm::Epilogue::Bias::PER_COL};
  for (const gemm::Kernel *kern : AllKernels()) {
    g_kernel = kern;
    int index = 0;
    for (int64_t m : sizes)
      for (int64_t n : sizes) {
        const int64_t k = sizes[(index * 3 + 1) % 8];
        CheckSgemm(m, n, k, index % 2 == 1, index % 4 >= 2, a_srcs[index % 2],
                   b_srcs[index % 3], index % 5 == 0 ? -1.5f : 1.f, betas[index % 3],
                   biases[(index / 3) % 3], 1 + index % 2, kAllActivations[index % 8]);
        ++index;
      }
  }
  g_kernel = nullptr;
}

// Matrix-vector products in dot form (rows of A, or of a transposed B, times the vector): rows
// in blocks of 4 and a remainder, depths around each instruction set's lane blocks (8, 16, 32).
TEST(SgemmTest, MatrixVectorDotForm) {
  for (const gemm::Kernel *kern : AllKernels()) {
    g_kernel = kern;
    for (int64_t outputs : {1, 3, 4, 5, 8, 9, 13})
      for (int64_t k : {1, 7, 15, 16, 17, 31, 32, 33, 64, 65, 100}) {
        CheckSgemm(outputs, 1, k, false, false, Source::DENSE, Source::DENSE, 1.f, 0.f,
                   gemm::Epilogue::Bias::PER_ROW, 1 + outputs % 2);
        CheckSgemm(1, outputs, k, false, true, Source::DENSE, Source::DENSE, -0.5f, 1.f,
                   gemm::Epilogue::Bias::PER_COL, 1 + k % 2);
      }
  }
  g_kernel = nullptr;
}

// Operands packed for one kernel cannot be mixed with another's.
TEST(SgemmTest, RejectsMixedKernels) {
  const std::vector<const gemm::Kernel *> kernels = AllKernels();
  // Skipped where only one kernel exists (ARM builds, or MACE_CPU_ISA=generic): there is no
  // second kernel to mix with. On x86 CI (AVX-512 / AVX2) it runs.
  if (kernels.size() < 2) GTEST_SKIP() << "one kernel on this machine";
  const std::vector<float> a(12, 1.f), b(12, 1.f);
  gemm::PackedMatrix pa, pb;
  ASSERT_TRUE(pa.PackA(a.data(), 3, false, 4, 3, kernels[0]).ok());
  ASSERT_TRUE(pb.PackB(b.data(), 4, false, 3, 4, kernels[1]).ok());
  std::vector<float> c(16);
  EXPECT_FALSE(gemm::Sgemm(4, 4, 3, 1.f, gemm::Operand::Packed(pa), gemm::Operand::Packed(pb),
                           0.f, c.data(), 4, gemm::Epilogue(), nullptr)
                   .ok());
}

TEST(SgemmTest, ZeroDepthAndEmpty) {
  std::vector<float> c = {1, 2, 3, 4, 5, 6};
  const std::vector<float> bias = {10, 20};
  gemm::Epilogue ep;
  ep.bias_kind = gemm::Epilogue::Bias::PER_ROW;
  ep.bias = bias.data();
  // k == 0: C = beta * C + bias.
  ASSERT_TRUE(gemm::Sgemm(2, 3, 0, 1.f, gemm::Operand::Dense(nullptr, 0, false),
                          gemm::Operand::Dense(nullptr, 3, false), 0.5f, c.data(), 3, ep, nullptr)
                  .ok());
  EXPECT_EQ(c, (std::vector<float>{10.5f, 11, 11.5f, 22, 22.5f, 23}));
  // m == 0 writes nothing.
  ASSERT_TRUE(gemm::Sgemm(0, 3, 4, 1.f, gemm::Operand::Dense(nullptr, 4, false),
                          gemm::Operand::Dense(nullptr, 3, false), 0.f, c.data(), 3, ep, nullptr)
                  .ok());
  EXPECT_EQ(c[0], 10.5f);
  // A packed operand must match the problem size.
  gemm::PackedMatrix pa;
  const std::vector<float> a(6, 1.f);
  ASSERT_TRUE(pa.PackA(a.data(), 3, false, 2, 3).ok());
  std::vector<float> out(8);
  EXPECT_FALSE(gemm::Sgemm(2, 4, 4, 1.f, gemm::Operand::Packed(pa),
                           gemm::Operand::Dense(a.data(), 4, false), 0.f, out.data(), 4,
                           gemm::Epilogue(), nullptr)
                   .ok());
}

}  // namespace
}  // namespace test
}  // namespace mace
