#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "any_type_op.h"
#include "util/op_tester.h"

namespace mace {
namespace test {
namespace {

using namespace any_type;  // NOLINT

// ONNX RNN activation functions by name (naive, for the reference).
float RefAct(const std::string &name, float x, float alpha, float beta) {
  if (name == "Sigmoid") return 1.f / (1.f + std::exp(-x));
  if (name == "Tanh") return std::tanh(x);
  if (name == "Relu") return std::max(0.f, x);
  if (name == "Affine") return alpha * x + beta;
  if (name == "LeakyRelu") return x >= 0 ? x : alpha * x;
  if (name == "ThresholdedRelu") return x > alpha ? x : 0.f;
  if (name == "ScaledTanh") return alpha * std::tanh(beta * x);
  if (name == "HardSigmoid") return std::min(1.f, std::max(0.f, alpha * x + beta));
  if (name == "Elu") return x >= 0 ? x : alpha * (std::exp(x) - 1);
  if (name == "Softsign") return x / (1 + std::fabs(x));
  if (name == "Softplus") return std::log(1 + std::exp(x));
  ADD_FAILURE() << "unknown activation " << name;
  return 0;
}

struct LstmConfig {
  int64_t seq = 4, batch = 3, input = 5, hidden = 3;
  std::string direction = "forward";
  int layout = 0;
  bool bias = false, initial = false, peephole = false, lens = false;
  std::vector<int64_t> seq_lens;
  std::vector<std::string> acts;       // empty: defaults
  std::vector<float> alphas, betas;    // one per activation in `acts` (reference only)
  bool has_clip = false;
  float clip = 0;
  bool input_forget = false;
};

struct LstmData {
  std::vector<float> x, w, r, b, h0, c0, p;
};

int Dirs(const LstmConfig &c) { return c.direction == "bidirectional" ? 2 : 1; }

LstmData MakeData(const LstmConfig &c, uint32_t seed) {
  const int64_t d = Dirs(c), h = c.hidden;
  LstmData v;
  v.x = RandomFloats(c.seq * c.batch * c.input, -1, 1, seed);
  v.w = RandomFloats(d * 4 * h * c.input, -0.7f, 0.7f, seed + 1);
  v.r = RandomFloats(d * 4 * h * h, -0.7f, 0.7f, seed + 2);
  v.b = RandomFloats(d * 8 * h, -0.5f, 0.5f, seed + 3);
  v.h0 = RandomFloats(d * c.batch * h, -1, 1, seed + 4);
  v.c0 = RandomFloats(d * c.batch * h, -1, 1, seed + 5);
  v.p = RandomFloats(d * 3 * h, -0.5f, 0.5f, seed + 6);
  return v;
}

// Naive LSTM straight from the ONNX equations, one batch entry at a time.
void RefLstm(const LstmConfig &c, const LstmData &v, std::vector<float> *y, std::vector<float> *yh,
             std::vector<float> *yc) {
  const int64_t S = c.seq, B = c.batch, I = c.input, H = c.hidden, D = Dirs(c);
  const bool l1 = c.layout == 1;
  y->assign(S * D * B * H, 0.f);
  yh->assign(D * B * H, 0.f);
  yc->assign(D * B * H, 0.f);
  auto xat = [&](int64_t t, int64_t b, int64_t k) { return v.x[(l1 ? b * S + t : t * B + b) * I + k]; };
  auto state = [&](int64_t d, int64_t b) { return (l1 ? b * D + d : d * B + b) * H; };
  auto yat = [&](int64_t t, int64_t d, int64_t b) { return l1 ? ((b * S + t) * D + d) * H : ((t * D + d) * B + b) * H; };
  for (int64_t d = 0; d < D; ++d) {
    std::vector<std::string> names = c.acts.empty() ? std::vector<std::string>{"Sigmoid", "Tanh", "Tanh"}
                                                    : std::vector<std::string>(c.acts.begin() + 3 * d, c.acts.begin() + 3 * d + 3);
    auto act = [&](int k, float x) {
      const size_t idx = c.acts.empty() ? 0 : 3 * d + k;
      const float a = idx < c.alphas.size() ? c.alphas[idx] : 0.f, bt = idx < c.betas.size() ? c.betas[idx] : 0.f;
      return RefAct(names[k], x, a, bt);
    };
    auto clip = [&](float x) { return c.has_clip ? std::min(c.clip, std::max(-c.clip, x)) : x; };
    const bool reverse = c.direction == "reverse" || d == 1;
    for (int64_t b = 0; b < B; ++b) {
      std::vector<float> h(H, 0.f), cs(H, 0.f);
      if (c.initial)
        for (int64_t j = 0; j < H; ++j) {
          h[j] = v.h0[state(d, b) + j];
          cs[j] = v.c0[state(d, b) + j];
        }
      const int64_t len = c.lens ? c.seq_lens[b] : S;
      for (int64_t step = 0; step < len; ++step) {
        const int64_t t = reverse ? len - 1 - step : step;
        std::vector<float> pre(4 * H);
        for (int64_t g = 0; g < 4 * H; ++g) {
          float s = 0;
          for (int64_t k = 0; k < I; ++k) s += xat(t, b, k) * v.w[(d * 4 * H + g) * I + k];
          for (int64_t k = 0; k < H; ++k) s += h[k] * v.r[(d * 4 * H + g) * H + k];
          if (c.bias) s += v.b[d * 8 * H + g] + v.b[d * 8 * H + 4 * H + g];
          pre[g] = s;
        }
        std::vector<float> hn(H), cn(H);
        for (int64_t j = 0; j < H; ++j) {
          const float pi = c.peephole ? v.p[d * 3 * H + j] : 0.f;
          const float po = c.peephole ? v.p[d * 3 * H + H + j] : 0.f;
          const float pf = c.peephole ? v.p[d * 3 * H + 2 * H + j] : 0.f;
          const float i = act(0, clip(pre[j] + pi * cs[j]));
          const float f = c.input_forget ? 1.f - i : act(0, clip(pre[2 * H + j] + pf * cs[j]));
          const float ct = act(1, clip(pre[3 * H + j]));
          cn[j] = f * cs[j] + i * ct;
          const float o = act(0, clip(pre[H + j] + po * cn[j]));
          hn[j] = o * act(2, cn[j]);
        }
        h = hn;
        cs = cn;
        for (int64_t j = 0; j < H; ++j) (*y)[yat(t, d, b) + j] = h[j];
      }
      for (int64_t j = 0; j < H; ++j) {
        (*yh)[state(d, b) + j] = h[j];
        (*yc)[state(d, b) + j] = cs[j];
      }
    }
  }
}

void AddLstmInputs(OpTester *t, const LstmConfig &c, const LstmData &v) {
  const int64_t D = Dirs(c), H = c.hidden;
  const Shape x_shape = c.layout == 0 ? Shape{c.seq, c.batch, c.input} : Shape{c.batch, c.seq, c.input};
  const Shape s_shape = c.layout == 0 ? Shape{D, c.batch, H} : Shape{c.batch, D, H};
  t->Input(x_shape, v.x).Input({D, 4 * H, c.input}, v.w).Const().Input({D, 4 * H, H}, v.r).Const();
  if (c.bias) t->Input({D, 8 * H}, v.b);
  else t->NoInput();
  if (c.lens) t->InputInt32({c.batch}, std::vector<int32_t>(c.seq_lens.begin(), c.seq_lens.end()));
  else t->NoInput();
  if (c.initial) t->Input(s_shape, v.h0).Input(s_shape, v.c0);
  else t->NoInput().NoInput();
  if (c.peephole) t->Input({D, 3 * H}, v.p);
  t->Arg("direction", c.direction).Arg("hidden_size", H);
  if (c.layout) t->Arg("layout", c.layout);
  if (c.has_clip) t->Arg("clip", c.clip);
  if (c.input_forget) t->Arg("input_forget", 1);
}

void CheckConfig(const LstmConfig &c, const std::string &what) {
  SCOPED_TRACE(what);
  const LstmData v = MakeData(c, 17);
  OpTester t("LSTM", 3);
  AddLstmInputs(&t, c, v);
  std::vector<float> y, yh, yc;
  RefLstm(c, v, &y, &yh, &yc);
  if (c.acts.empty()) {
    MaceStatus s = t.Run();
    ASSERT_TRUE(s.ok()) << s.information();
    ExpectAllClose(t.OutputFloats(0), y);
    ExpectAllClose(t.OutputFloats(1), yh);
    ExpectAllClose(t.OutputFloats(2), yc);
    const int64_t D = Dirs(c);
    EXPECT_EQ(t.Output(0).shape(), c.layout == 0 ? (Shape{c.seq, D, c.batch, c.hidden}) : (Shape{c.batch, c.seq, D, c.hidden}));
    EXPECT_EQ(t.Output(1).shape(), c.layout == 0 ? (Shape{D, c.batch, c.hidden}) : (Shape{c.batch, D, c.hidden}));
    return;
  }
  // Custom activations (OpTester has no string-list args): build the same inputs as raw tensors.
  const int64_t D = Dirs(c), H = c.hidden;
  const Shape x_shape = c.layout == 0 ? Shape{c.seq, c.batch, c.input} : Shape{c.batch, c.seq, c.input};
  const Shape s_shape = c.layout == 0 ? Shape{D, c.batch, H} : Shape{c.batch, D, H};
  std::vector<RawTensor> ins = {Raw(x_shape, v.x), Raw<float>({D, 4 * H, c.input}, v.w), Raw<float>({D, 4 * H, H}, v.r),
                                c.bias ? Raw<float>({D, 8 * H}, v.b) : Absent(),
                                c.lens ? Raw<int64_t>({c.batch}, c.seq_lens) : Absent(),
                                c.initial ? Raw(s_shape, v.h0) : Absent(), c.initial ? Raw(s_shape, v.c0) : Absent(),
                                c.peephole ? Raw<float>({D, 3 * H}, v.p) : Absent()};
  std::map<std::string, OpArg> args = {{"direction", StrArg(c.direction)}, {"layout", IntArg(c.layout)}};
  OpArg acts;
  acts.strings = c.acts;
  args["activations"] = acts;
  OpArg al, be;
  // ONNX consumes alphas/betas in order by the activations that take them.
  std::vector<float> alphas, betas;
  for (size_t i = 0; i < c.acts.size(); ++i) {
    const std::string &n = c.acts[i];
    if (n == "Affine" || n == "LeakyRelu" || n == "ThresholdedRelu" || n == "ScaledTanh" || n == "HardSigmoid" || n == "Elu")
      alphas.push_back(c.alphas[i]);
    if (n == "Affine" || n == "ScaledTanh" || n == "HardSigmoid") betas.push_back(c.betas[i]);
  }
  al.floats = alphas;
  be.floats = betas;
  args["activation_alpha"] = al;
  args["activation_beta"] = be;
  if (c.has_clip) {
    OpArg cl;
    cl.has_f = true;
    cl.f = c.clip;
    args["clip"] = cl;
  }
  if (c.input_forget) args["input_forget"] = IntArg(1);
  std::vector<RawTensor> out;
  MaceStatus s = RunAnyType("LSTM", ins, args, 3, &out);
  ASSERT_TRUE(s.ok()) << s.information();
  ExpectAllClose(out[0].As<float>(), y);
  ExpectAllClose(out[1].As<float>(), yh);
  ExpectAllClose(out[2].As<float>(), yc);
}

TEST(LstmTest, OnnxNodeTestConfigurations) {
  LstmConfig c;
  c.seq = 1; c.batch = 3; c.input = 2; c.hidden = 3;
  CheckConfig(c, "defaults");
  c.bias = true; c.hidden = 4; c.input = 3;
  CheckConfig(c, "with_initial_bias");
  c.initial = true; c.peephole = true; c.seq = 1; c.batch = 2; c.input = 4; c.hidden = 3;
  CheckConfig(c, "with_peepholes");
  LstmConfig bw;
  bw.layout = 1; bw.batch = 3; bw.seq = 1; bw.input = 2; bw.hidden = 7; bw.initial = true;
  CheckConfig(bw, "batchwise");
}

TEST(LstmTest, DirectionsLayoutsAndOptions) {
  for (const std::string dir : {"forward", "reverse", "bidirectional"}) {
    for (int layout : {0, 1}) {
      LstmConfig c;
      c.direction = dir;
      c.layout = layout;
      c.seq = 5; c.batch = 3; c.input = 7; c.hidden = 5;
      CheckConfig(c, dir + " plain");
      c.bias = true; c.initial = true; c.peephole = true;
      CheckConfig(c, dir + " bias+initial+peephole");
      c.lens = true; c.seq_lens = {5, 2, 0};
      CheckConfig(c, dir + " sequence_lens");
      c.has_clip = true; c.clip = 0.4f;
      CheckConfig(c, dir + " clip");
      c.input_forget = true;
      CheckConfig(c, dir + " input_forget");
    }
  }
}

TEST(LstmTest, CustomActivations) {
  LstmConfig c;
  c.direction = "bidirectional";
  c.seq = 3; c.batch = 2; c.input = 3; c.hidden = 4; c.bias = true; c.initial = true;
  c.acts = {"HardSigmoid", "Relu", "Softsign", "Sigmoid", "ScaledTanh", "LeakyRelu"};
  c.alphas = {0.3f, 0, 0, 0, 0.8f, 0.05f};
  c.betas = {0.4f, 0, 0, 0, 1.3f, 0};
  CheckConfig(c, "bidirectional custom");
  c.direction = "forward";
  c.acts = {"Sigmoid", "Elu", "Affine"};
  c.alphas = {0, 0.7f, 0.9f};
  c.betas = {0, 0, -0.2f};
  CheckConfig(c, "elu affine");
  c.acts = {"Sigmoid", "Softplus", "ThresholdedRelu"};
  c.alphas = {0, 0, 0.1f};
  c.betas = {0, 0, 0};
  CheckConfig(c, "softplus thresholded");
}

TEST(LstmTest, OptionalOutputs) {
  LstmConfig c;
  c.seq = 4; c.batch = 2; c.input = 3; c.hidden = 5; c.bias = true; c.lens = true; c.seq_lens = {4, 3};
  const LstmData v = MakeData(c, 5);
  std::vector<float> y, yh, yc;
  RefLstm(c, v, &y, &yh, &yc);
  {
    OpTester t("LSTM", 1);  // only Y
    AddLstmInputs(&t, c, v);
    ASSERT_TRUE(t.Run().ok());
    ExpectAllClose(t.OutputFloats(0), y);
  }
  {
    OpTester t("LSTM", 2);  // Y and Y_h
    AddLstmInputs(&t, c, v);
    ASSERT_TRUE(t.Run().ok());
    ExpectAllClose(t.OutputFloats(1), yh);
  }
  std::vector<RawTensor> ins = {Raw<float>({4, 2, 3}, v.x), Raw<float>({1, 20, 3}, v.w), Raw<float>({1, 20, 5}, v.r),
                                Raw<float>({1, 40}, v.b), Raw<int64_t>({2}, c.seq_lens)};
  std::vector<RawTensor> out;
  ASSERT_TRUE(RunAnyType("LSTM", ins, {}, 3, &out, 1, {"", "", "c"}).ok());  // only Y_c
  ExpectAllClose(out[2].As<float>(), yc);
  ASSERT_TRUE(RunAnyType("LSTM", ins, {}, 2, &out, 1, {"", "h"}).ok());     // only Y_h
  ExpectAllClose(out[1].As<float>(), yh);
}

TEST(LstmTest, OneAndThreeThreadsAgree) {
  LstmConfig c;
  c.direction = "bidirectional";
  c.seq = 6; c.batch = 4; c.input = 40; c.hidden = 80; c.bias = true; c.initial = true;
  const LstmData v = MakeData(c, 3);
  std::vector<float> y, yh, yc;
  RefLstm(c, v, &y, &yh, &yc);
  std::vector<float> y1;
  for (int threads : {1, 3}) {
    OpTester t("LSTM", 3);
    AddLstmInputs(&t, c, v);
    ASSERT_TRUE(t.Run(threads).ok());
    ExpectAllClose(t.OutputFloats(0), y, 1e-4f, 1e-4f);
    if (threads == 1) y1 = t.OutputFloats(0);
    else ExpectAllClose(t.OutputFloats(0), y1, 0, 0);
    ASSERT_TRUE(t.Run(threads).ok());  // a second run gives the same result
    ExpectAllClose(t.OutputFloats(1), yh, 1e-4f, 1e-4f);
  }
}

TEST(LstmTest, Errors) {
  LstmConfig c;
  const LstmData v = MakeData(c, 1);
  auto expect_error = [&](const std::vector<RawTensor> &ins, const std::map<std::string, OpArg> &args,
                          const std::string &text) {
    std::vector<RawTensor> out;
    MaceStatus s = RunAnyType("LSTM", ins, args, 3, &out);
    EXPECT_FALSE(s.ok()) << text;
    EXPECT_TRUE(HasText(s, text)) << s.information();
  };
  const RawTensor x = Raw<float>({4, 3, 5}, v.x), w = Raw<float>({1, 12, 5}, v.w), r = Raw<float>({1, 12, 3}, v.r);
  expect_error({x, Raw<float>({1, 12, 4}, std::vector<float>(48)), r}, {}, "W has shape");
  expect_error({x, w, Raw<float>({1, 8, 3}, std::vector<float>(24))}, {}, "R ");
  expect_error({x, w, r}, {{"hidden_size", IntArg(4)}}, "hidden_size");
  expect_error({x, w, r}, {{"direction", StrArg("sideways")}}, "direction");
  expect_error({x, w, r}, {{"direction", StrArg("bidirectional")}}, "W has shape");
  expect_error({x, w, r, Raw<float>({1, 12}, std::vector<float>(12))}, {}, "B has shape");
  expect_error({x, w, r, Absent(), Raw<int32_t>({3}, {1, 5, 2})}, {}, "sequence length 5");
  expect_error({x, w, r, Absent(), Absent(), Raw<float>({1, 2, 3}, std::vector<float>(6))}, {}, "initial_h");
  expect_error({x, w, r, Absent(), Absent(), Absent(), Absent(), Raw<float>({1, 6}, std::vector<float>(6))}, {}, "P has");
  OpArg acts;
  acts.strings = {"Sigmoid", "Gelu", "Tanh"};
  std::vector<RawTensor> out;
  MaceStatus s = RunAnyType("LSTM", {x, w, r}, {{"activations", acts}}, 3, &out);
  EXPECT_EQ(s.code(), MaceStatus::MACE_UNSUPPORTED);
  EXPECT_TRUE(HasText(s, "Gelu")) << s.information();
  acts.strings = {"Sigmoid", "Tanh"};
  expect_error({x, w, r}, {{"activations", acts}}, "activations");
  expect_error({Raw<float>({4, 3}, std::vector<float>(12)), w, r}, {}, "X must be 3-D");
}

}  // namespace
}  // namespace test
}  // namespace mace
