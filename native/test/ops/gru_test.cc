#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "any_type_op.h"
#include "util/op_tester.h"

namespace mace {
namespace test {
namespace {

using namespace any_type;  // NOLINT

float GruRefAct(const std::string &name, float x, float alpha, float beta) {
  if (name == "Sigmoid") return 1.f / (1.f + std::exp(-x));
  if (name == "Tanh") return std::tanh(x);
  if (name == "Relu") return std::max(0.f, x);
  if (name == "HardSigmoid") return std::min(1.f, std::max(0.f, alpha * x + beta));
  if (name == "LeakyRelu") return x >= 0 ? x : alpha * x;
  if (name == "Softsign") return x / (1 + std::fabs(x));
  ADD_FAILURE() << "unknown activation " << name;
  return 0;
}

struct GruConfig {
  int64_t seq = 4, batch = 3, input = 5, hidden = 3;
  std::string direction = "forward";
  int layout = 0;
  bool bias = false, initial = false, lens = false, lbr = false;
  std::vector<int64_t> seq_lens;
  std::vector<std::string> acts;     // empty: defaults
  std::vector<float> alphas, betas;  // per activation (reference)
  bool has_clip = false;
  float clip = 0;
};

struct GruData {
  std::vector<float> x, w, r, b, h0;
};

int GruDirs(const GruConfig &c) { return c.direction == "bidirectional" ? 2 : 1; }

GruData MakeGruData(const GruConfig &c, uint32_t seed) {
  const int64_t d = GruDirs(c), h = c.hidden;
  GruData v;
  v.x = RandomFloats(c.seq * c.batch * c.input, -1, 1, seed);
  v.w = RandomFloats(d * 3 * h * c.input, -0.7f, 0.7f, seed + 1);
  v.r = RandomFloats(d * 3 * h * h, -0.7f, 0.7f, seed + 2);
  v.b = RandomFloats(d * 6 * h, -0.5f, 0.5f, seed + 3);
  v.h0 = RandomFloats(d * c.batch * h, -1, 1, seed + 4);
  return v;
}

// Naive GRU from the ONNX equations, one batch entry at a time.
void RefGru(const GruConfig &c, const GruData &v, std::vector<float> *y, std::vector<float> *yh) {
  const int64_t S = c.seq, B = c.batch, I = c.input, H = c.hidden, D = GruDirs(c);
  const bool l1 = c.layout == 1;
  y->assign(S * D * B * H, 0.f);
  yh->assign(D * B * H, 0.f);
  auto xat = [&](int64_t t, int64_t b, int64_t k) { return v.x[(l1 ? b * S + t : t * B + b) * I + k]; };
  auto state = [&](int64_t d, int64_t b) { return (l1 ? b * D + d : d * B + b) * H; };
  auto yat = [&](int64_t t, int64_t d, int64_t b) { return l1 ? ((b * S + t) * D + d) * H : ((t * D + d) * B + b) * H; };
  for (int64_t d = 0; d < D; ++d) {
    auto act = [&](int k, float x) {
      if (c.acts.empty()) return GruRefAct(k == 0 ? "Sigmoid" : "Tanh", x, 0, 0);
      const size_t idx = 2 * d + k;
      return GruRefAct(c.acts[idx], x, c.alphas[idx], c.betas[idx]);
    };
    auto clip = [&](float x) { return c.has_clip ? std::min(c.clip, std::max(-c.clip, x)) : x; };
    auto wx = [&](int64_t g, int64_t t, int64_t b) {  // X W_g^T + Wb_g for gate row g
      float s = 0;
      for (int64_t k = 0; k < I; ++k) s += xat(t, b, k) * v.w[(d * 3 * H + g) * I + k];
      return s + (c.bias ? v.b[d * 6 * H + g] : 0.f);
    };
    auto rh = [&](int64_t g, const std::vector<float> &h) {  // h R_g^T (no bias)
      float s = 0;
      for (int64_t k = 0; k < H; ++k) s += h[k] * v.r[(d * 3 * H + g) * H + k];
      return s;
    };
    auto rb = [&](int64_t g) { return c.bias ? v.b[d * 6 * H + 3 * H + g] : 0.f; };
    const bool reverse = c.direction == "reverse" || d == 1;
    for (int64_t b = 0; b < B; ++b) {
      std::vector<float> h(H, 0.f);
      if (c.initial)
        for (int64_t j = 0; j < H; ++j) h[j] = v.h0[state(d, b) + j];
      const int64_t len = c.lens ? c.seq_lens[b] : S;
      for (int64_t step = 0; step < len; ++step) {
        const int64_t t = reverse ? len - 1 - step : step;
        std::vector<float> z(H), r(H), rhv(H), hn(H);
        for (int64_t j = 0; j < H; ++j) {
          z[j] = act(0, clip(wx(j, t, b) + rh(j, h) + rb(j)));
          r[j] = act(0, clip(wx(H + j, t, b) + rh(H + j, h) + rb(H + j)));
          rhv[j] = r[j] * h[j];
        }
        for (int64_t j = 0; j < H; ++j) {
          const float ht = c.lbr ? act(1, clip(wx(2 * H + j, t, b) + r[j] * (rh(2 * H + j, h) + rb(2 * H + j))))
                                 : act(1, clip(wx(2 * H + j, t, b) + rh(2 * H + j, rhv) + rb(2 * H + j)));
          hn[j] = (1 - z[j]) * ht + z[j] * h[j];
        }
        h = hn;
        for (int64_t j = 0; j < H; ++j) (*y)[yat(t, d, b) + j] = h[j];
      }
      for (int64_t j = 0; j < H; ++j) (*yh)[state(d, b) + j] = h[j];
    }
  }
}

std::vector<RawTensor> GruInputs(const GruConfig &c, const GruData &v) {
  const int64_t D = GruDirs(c), H = c.hidden;
  const Shape x_shape = c.layout == 0 ? Shape{c.seq, c.batch, c.input} : Shape{c.batch, c.seq, c.input};
  const Shape s_shape = c.layout == 0 ? Shape{D, c.batch, H} : Shape{c.batch, D, H};
  return {Raw(x_shape, v.x), Raw<float>({D, 3 * H, c.input}, v.w), Raw<float>({D, 3 * H, H}, v.r),
          c.bias ? Raw<float>({D, 6 * H}, v.b) : Absent(), c.lens ? Raw<int32_t>({c.batch}, std::vector<int32_t>(c.seq_lens.begin(), c.seq_lens.end())) : Absent(),
          c.initial ? Raw(s_shape, v.h0) : Absent()};
}

std::map<std::string, OpArg> GruArgs(const GruConfig &c) {
  std::map<std::string, OpArg> args = {{"direction", StrArg(c.direction)}, {"layout", IntArg(c.layout)},
                                       {"hidden_size", IntArg(c.hidden)}};
  if (c.lbr) args["linear_before_reset"] = IntArg(1);
  if (c.has_clip) {
    OpArg cl;
    cl.has_f = true;
    cl.f = c.clip;
    args["clip"] = cl;
  }
  if (!c.acts.empty()) {
    OpArg a, al, be;
    a.strings = c.acts;
    for (size_t i = 0; i < c.acts.size(); ++i) {
      const std::string &n = c.acts[i];
      if (n == "HardSigmoid" || n == "LeakyRelu") al.floats.push_back(c.alphas[i]);
      if (n == "HardSigmoid") be.floats.push_back(c.betas[i]);
    }
    args["activations"] = a;
    args["activation_alpha"] = al;
    args["activation_beta"] = be;
  }
  return args;
}

void CheckGru(const GruConfig &c, const std::string &what, int threads = 1) {
  SCOPED_TRACE(what);
  const GruData v = MakeGruData(c, 23);
  std::vector<float> y, yh;
  RefGru(c, v, &y, &yh);
  std::vector<RawTensor> out;
  MaceStatus s = RunAnyType("GRU", GruInputs(c, v), GruArgs(c), 2, &out, threads);
  ASSERT_TRUE(s.ok()) << s.information();
  const int64_t D = GruDirs(c);
  EXPECT_EQ(out[0].shape, c.layout == 0 ? (Shape{c.seq, D, c.batch, c.hidden}) : (Shape{c.batch, c.seq, D, c.hidden}));
  EXPECT_EQ(out[1].shape, c.layout == 0 ? (Shape{D, c.batch, c.hidden}) : (Shape{c.batch, D, c.hidden}));
  ExpectAllClose(out[0].As<float>(), y, 2e-5f, 1e-4f);
  ExpectAllClose(out[1].As<float>(), yh, 2e-5f, 1e-4f);
}

TEST(GruTest, OnnxNodeTestConfigurations) {
  GruConfig c;
  c.seq = 1; c.batch = 3; c.input = 2; c.hidden = 5;
  CheckGru(c, "defaults");
  c.bias = true; c.hidden = 3;
  CheckGru(c, "with_initial_bias");
  GruConfig s;
  s.seq = 2; s.batch = 3; s.input = 3; s.hidden = 5; s.bias = true; s.lens = true; s.seq_lens = {2, 1, 2};
  CheckGru(s, "seq_length");
  GruConfig bw;
  bw.layout = 1; bw.seq = 1; bw.batch = 3; bw.input = 2; bw.hidden = 6; bw.initial = true;
  CheckGru(bw, "batchwise");
}

TEST(GruTest, DirectionsLayoutsAndOptions) {
  for (const std::string dir : {"forward", "reverse", "bidirectional"}) {
    for (int layout : {0, 1}) {
      for (bool lbr : {false, true}) {
        GruConfig c;
        c.direction = dir;
        c.layout = layout;
        c.lbr = lbr;
        c.seq = 5; c.batch = 3; c.input = 7; c.hidden = 5;
        const std::string tag = dir + (layout ? " layout1" : " layout0") + (lbr ? " lbr" : "");
        CheckGru(c, tag + " plain");
        c.bias = true; c.initial = true;
        CheckGru(c, tag + " bias+initial");
        c.lens = true; c.seq_lens = {3, 5, 0};
        CheckGru(c, tag + " sequence_lens");
        c.has_clip = true; c.clip = 0.3f;
        CheckGru(c, tag + " clip");
      }
    }
  }
}

TEST(GruTest, CustomActivations) {
  GruConfig c;
  c.direction = "bidirectional";
  c.seq = 3; c.batch = 2; c.input = 4; c.hidden = 3; c.bias = true; c.initial = true;
  c.acts = {"HardSigmoid", "Relu", "Sigmoid", "LeakyRelu"};
  c.alphas = {0.25f, 0, 0, 0.1f};
  c.betas = {0.45f, 0, 0, 0};
  CheckGru(c, "hardsigmoid relu / sigmoid leakyrelu");
  c.acts = {"Sigmoid", "Softsign"};  // one direction's list is used for both
  c.alphas = {0, 0, 0, 0};
  c.betas = {0, 0, 0, 0};
  GruConfig f = c;
  f.acts = {"Sigmoid", "Softsign", "Sigmoid", "Softsign"};
  const GruData v = MakeGruData(c, 23);
  std::vector<float> y, yh;
  RefGru(f, v, &y, &yh);
  std::vector<RawTensor> out;
  ASSERT_TRUE(RunAnyType("GRU", GruInputs(c, v), GruArgs(c), 2, &out).ok());
  ExpectAllClose(out[0].As<float>(), y);
}

TEST(GruTest, OptionalOutputsAndThreads) {
  GruConfig c;
  c.seq = 3; c.batch = 2; c.input = 4; c.hidden = 3; c.bias = true;
  const GruData v = MakeGruData(c, 23);
  std::vector<float> y, yh;
  RefGru(c, v, &y, &yh);
  std::vector<RawTensor> out;
  ASSERT_TRUE(RunAnyType("GRU", GruInputs(c, v), GruArgs(c), 2, &out, 1, {"", "h"}).ok());
  ExpectAllClose(out[1].As<float>(), yh);
  ASSERT_TRUE(RunAnyType("GRU", GruInputs(c, v), GruArgs(c), 1, &out).ok());
  ExpectAllClose(out[0].As<float>(), y);

  GruConfig big;
  big.direction = "bidirectional";
  big.seq = 6; big.batch = 4; big.input = 40; big.hidden = 96; big.bias = true; big.initial = true;
  for (bool lbr : {false, true}) {
    big.lbr = lbr;
    const GruData bv = MakeGruData(big, 29);
    std::vector<RawTensor> o1, o3;
    ASSERT_TRUE(RunAnyType("GRU", GruInputs(big, bv), GruArgs(big), 2, &o1, 1).ok());
    ASSERT_TRUE(RunAnyType("GRU", GruInputs(big, bv), GruArgs(big), 2, &o3, 3).ok());
    ExpectAllClose(o3[0].As<float>(), o1[0].As<float>(), 0, 0);
    ExpectAllClose(o3[1].As<float>(), o1[1].As<float>(), 0, 0);
    RefGru(big, bv, &y, &yh);
    ExpectAllClose(o1[0].As<float>(), y, 1e-4f, 1e-4f);
  }
}

TEST(GruTest, ConstWeightsAndRerun) {
  GruConfig c;
  c.seq = 4; c.batch = 2; c.input = 3; c.hidden = 5; c.bias = true; c.initial = true;
  const GruData v = MakeGruData(c, 31);
  std::vector<float> y, yh;
  RefGru(c, v, &y, &yh);
  OpTester t("GRU", 2);
  t.Input({4, 2, 3}, v.x).Input({1, 15, 3}, v.w).Const().Input({1, 15, 5}, v.r).Const().Input({1, 30}, v.b);
  t.NoInput().Input({1, 2, 5}, v.h0);
  for (int run = 0; run < 2; ++run) {
    ASSERT_TRUE(t.Run().ok());
    ExpectAllClose(t.OutputFloats(0), y);
    ExpectAllClose(t.OutputFloats(1), yh);
  }
}

TEST(GruTest, Errors) {
  GruConfig c;
  const GruData v = MakeGruData(c, 1);
  const RawTensor x = Raw<float>({4, 3, 5}, v.x), w = Raw<float>({1, 9, 5}, v.w), r = Raw<float>({1, 9, 3}, v.r);
  auto expect_error = [&](const std::vector<RawTensor> &ins, const std::map<std::string, OpArg> &args,
                          const std::string &text) {
    std::vector<RawTensor> out;
    MaceStatus s = RunAnyType("GRU", ins, args, 2, &out);
    EXPECT_FALSE(s.ok()) << text;
    EXPECT_TRUE(HasText(s, text)) << s.information();
  };
  expect_error({x, Raw<float>({1, 12, 5}, std::vector<float>(60)), r}, {}, "W has shape");
  expect_error({x, w, r, Raw<float>({1, 9}, std::vector<float>(9))}, {}, "B has shape");
  expect_error({x, w, r, Absent(), Raw<int64_t>({3}, {1, -1, 2})}, {}, "sequence length -1");
  expect_error({x, w, r, Absent(), Raw<int64_t>({2}, {1, 1})}, {}, "sequence_lens has 2");
  expect_error({x, w, r, Absent(), Absent(), Raw<float>({1, 3, 4}, std::vector<float>(12))}, {}, "initial_h");
  expect_error({x, w, r}, {{"layout", IntArg(2)}}, "layout");
  OpArg clip;
  clip.has_f = true;
  clip.f = -1.f;
  expect_error({x, w, r}, {{"clip", clip}}, "clip");
  OpTester t("GRU", 2);
  t.InputInt32({4, 3, 5}, std::vector<int32_t>(60)).Input({1, 9, 5}, v.w).Input({1, 9, 3}, v.r);
  MaceStatus s = t.Run();
  EXPECT_FALSE(s.ok());
  EXPECT_TRUE(HasText(s, "must be float32")) << s.information();
}

}  // namespace
}  // namespace test
}  // namespace mace
