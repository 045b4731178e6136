// The model loader rejects every kind of inconsistency with an error status (never a crash):
// integrity trailer, checksums, constant offsets and sizes, names, memory plans.
#include <gtest/gtest.h>

#include <cstring>
#include <functional>
#include <set>
#include <vector>

#include "core/crc32c.h"
#include "core/model.h"
#include "core/net.h"
#include "mace_generated.h"

namespace mace {
namespace {

using fb = flatbuffers::FlatBufferBuilder;

struct TestModel {
  std::vector<uint8_t> graph;
  std::vector<uint8_t> data;
};

// A model: input x [2,3] → Identity → y (mem block 0) → Identity → out; plus a constant w.
struct Spec {
  uint64_t w_offset = 0, w_size = 24;
  std::vector<int64_t> w_dims = {2, 3};
  std::string first_input = "x";
  int mem_first = 0, mem_second = -1;
  bool declare_block = true;
  uint32_t version = kModelFormatVersion;
  std::function<void(std::vector<uint8_t> *)> mutate_data;
};

// The finished FlatBuffer followed by the integrity trailer: its CRC-32C, then "MCRC".
std::vector<uint8_t> Finish(const fb &b) {
  std::vector<uint8_t> graph(b.GetBufferPointer(), b.GetBufferPointer() + b.GetSize());
  uint32_t crc = Crc32c(graph.data(), graph.size());
  uint8_t trailer[8];
  std::memcpy(trailer, &crc, 4);
  std::memcpy(trailer + 4, "MCRC", 4);
  graph.insert(graph.end(), trailer, trailer + 8);
  return graph;
}

TestModel Build(const Spec &s) {
  fb b;
  std::vector<flatbuffers::Offset<schema::Operator>> ops;
  auto mk_op = [&](const char *name, const std::string &in, const char *out, int mem) {
    std::vector<flatbuffers::Offset<flatbuffers::String>> ins = {b.CreateString(in)};
    std::vector<flatbuffers::Offset<flatbuffers::String>> outs = {b.CreateString(out)};
    std::vector<int32_t> mems = {mem};
    return schema::CreateOperatorDirect(b, name, "Identity", schema::DeviceType_CPU, &ins, &outs, nullptr, nullptr, &mems);
  };
  ops.push_back(mk_op("first", s.first_input, "y", s.mem_first));
  ops.push_back(mk_op("second", "y", "out", s.mem_second));
  std::vector<flatbuffers::Offset<schema::ConstTensor>> tensors = {
      schema::CreateConstTensorDirect(b, "w", &s.w_dims, schema::DataType_DT_FLOAT, s.w_offset, s.w_size)};
  std::vector<int64_t> dims = {2, 3};
  std::vector<flatbuffers::Offset<schema::InputOutputInfo>> ins = {
      schema::CreateInputOutputInfoDirect(b, "x", &dims, schema::DataType_DT_FLOAT, schema::DataFormat_NONE)};
  std::vector<flatbuffers::Offset<schema::InputOutputInfo>> outs = {
      schema::CreateInputOutputInfoDirect(b, "out", &dims, schema::DataType_DT_FLOAT, schema::DataFormat_NONE)};
  std::vector<flatbuffers::Offset<schema::MemoryBlock>> blocks;
  if (s.declare_block) blocks.push_back(schema::CreateMemoryBlock(b, 0, 24));
  TestModel m;
  m.data.assign(64, 0);
  float w[6] = {1, 2, 3, 4, 5, 6};
  std::memcpy(m.data.data(), w, sizeof(w));
  uint32_t crc = Crc32c(m.data.data(), m.data.size());
  if (s.mutate_data) s.mutate_data(&m.data);
  auto net = schema::CreateNetDefDirect(b, s.version, "test", &ops, &tensors, &ins, &outs, &blocks, 64, crc);
  schema::FinishNetDefBuffer(b, net);
  m.graph = Finish(b);
  return m;
}

MaceStatus Load(const TestModel &m, ModelGraph *g) {
  return LoadModelGraph(m.graph.data(), m.graph.size(), m.data.data(), m.data.size(), g);
}

std::string LoadError(const Spec &s) {
  ModelGraph g;
  MaceStatus st = Load(Build(s), &g);
  return st.ok() ? std::string("ok") : st.information();
}

TEST(ModelTest, ValidModelLoadsAndRuns) {
  TestModel m = Build(Spec{});
  ModelGraph g;
  ASSERT_TRUE(Load(m, &g).ok());
  EXPECT_EQ(g.ops.size(), 2u);
  EXPECT_EQ(g.tensors[0].dims, (Shape{2, 3}));
  ThreadPool pool(1, AFFINITY_NONE);
  std::unique_ptr<Net> net;
  ASSERT_TRUE(Net::Create(g, m.data.data(), &pool, &net).ok());
  Tensor *x = net->GetTensor("x");
  ASSERT_TRUE(x->Resize({2, 3}).ok());
  for (int i = 0; i < 6; ++i) x->mutable_data<float>()[i] = static_cast<float>(i * i);
  ASSERT_TRUE(net->Run(nullptr).ok());
  const Tensor *out = net->GetTensor("out");
  ASSERT_EQ(out->shape(), (Shape{2, 3}));
  for (int i = 0; i < 6; ++i) EXPECT_EQ(out->data<float>()[i], i * i);
}

TEST(ModelTest, TruncatedAndFlippedGraphsAreRejected) {
  TestModel m = Build(Spec{});
  ModelGraph g;
  for (size_t len : {size_t{0}, size_t{7}, size_t{15}, m.graph.size() / 2, m.graph.size() - 1}) {
    MaceStatus s = LoadModelGraph(m.graph.data(), len, m.data.data(), m.data.size(), &g);
    EXPECT_FALSE(s.ok()) << "length " << len;
  }
  for (size_t i = 0; i < m.graph.size(); ++i) {
    TestModel c = m;
    c.graph[i] ^= 0x10;
    EXPECT_FALSE(Load(c, &g).ok()) << "flip at " << i;
  }
}

TEST(ModelTest, DataChecks) {
  EXPECT_NE(LoadError(Spec{.mutate_data = [](std::vector<uint8_t> *d) { (*d)[3] ^= 1; }}).find("checksum"), std::string::npos);
  EXPECT_NE(LoadError(Spec{.mutate_data = [](std::vector<uint8_t> *d) { d->resize(32); }}).find("truncated"), std::string::npos);
  EXPECT_NE(LoadError(Spec{.w_offset = 64}).find("outside the .data file"), std::string::npos);
  EXPECT_NE(LoadError(Spec{.w_offset = 4}).find("aligned"), std::string::npos);
  EXPECT_NE(LoadError(Spec{.w_size = 20}).find("needs 24"), std::string::npos);
  EXPECT_NE(LoadError(Spec{.w_dims = {2, -3}}).find("invalid dimension"), std::string::npos);
  EXPECT_NE(LoadError(Spec{.w_offset = UINT64_MAX - 63}).find("outside"), std::string::npos);
}

TEST(ModelTest, GraphChecks) {
  EXPECT_NE(LoadError(Spec{.first_input = "nowhere"}).find("which no earlier op"), std::string::npos);
  EXPECT_NE(LoadError(Spec{.declare_block = false}).find("undeclared memory block"), std::string::npos);
  EXPECT_NE(LoadError(Spec{.version = 99}).find("format version"), std::string::npos);
  EXPECT_NE(LoadError(Spec{.version = 0}).find("format version"), std::string::npos);
  EXPECT_EQ(LoadError(Spec{.version = 1}), "ok");
  // y (block 0) is read by `second`, which writes `out` — a graph output, so it gets its own memory.
  EXPECT_EQ(LoadError(Spec{.mem_second = 0}), "ok");
}

// An in-place Concat: x [1,16] → Identity → a and → Identity → c, both inside block 0 where
// Concat(a, c) writes cat [1,32] (offsets 0 and 64 bytes), then Identity(cat) → out.
struct ConcatSpec {
  const char *join = "Concat";
  int64_t axis = 1;
  std::vector<int64_t> in_shape = {1, 16}, cat_shape = {1, 32};
  uint64_t c_offset = 64;
  bool c_shape_known = true;
  uint32_t version = kModelFormatVersion;
};

TestModel BuildConcat(const ConcatSpec &s) {
  fb b;
  std::vector<flatbuffers::Offset<schema::Operator>> ops;
  auto mk_op = [&](const char *name, const char *type, std::vector<std::string> in, const char *out,
                   std::vector<int64_t> shape, int mem, uint64_t offset, bool with_axis) {
    std::vector<flatbuffers::Offset<flatbuffers::String>> ins, outs = {b.CreateString(out)};
    for (const auto &i : in) ins.push_back(b.CreateString(i));
    std::vector<flatbuffers::Offset<schema::Shape>> shapes = {schema::CreateShapeDirect(b, &shape)};
    std::vector<int32_t> mems = {mem};
    std::vector<uint64_t> offsets = {offset};
    std::vector<flatbuffers::Offset<schema::Argument>> args;
    if (with_axis)
      args.push_back(schema::CreateArgumentDirect(b, "axis", 0.f, s.axis, nullptr, nullptr, nullptr, nullptr, false, true));
    return schema::CreateOperatorDirect(b, name, type, schema::DeviceType_CPU, &ins, &outs, &shapes, nullptr, &mems,
                                        &args, &offsets);
  };
  ops.push_back(mk_op("a", "Identity", {"x"}, "a", s.in_shape, 0, 0, false));
  ops.push_back(mk_op("c", "Identity", {"x"}, "c", s.c_shape_known ? s.in_shape : std::vector<int64_t>{-1, 16}, 0,
                      s.c_offset, false));
  ops.push_back(mk_op("cat", s.join, {"a", "c"}, "cat", s.cat_shape, 0, 0, true));
  ops.push_back(mk_op("out", "Identity", {"cat"}, "out", s.cat_shape, -1, 0, false));
  std::vector<flatbuffers::Offset<schema::ConstTensor>> tensors;
  std::vector<flatbuffers::Offset<schema::InputOutputInfo>> ins = {
      schema::CreateInputOutputInfoDirect(b, "x", &s.in_shape, schema::DataType_DT_FLOAT, schema::DataFormat_NONE)};
  std::vector<flatbuffers::Offset<schema::InputOutputInfo>> outs = {
      schema::CreateInputOutputInfoDirect(b, "out", &s.cat_shape, schema::DataType_DT_FLOAT, schema::DataFormat_NONE)};
  std::vector<flatbuffers::Offset<schema::MemoryBlock>> blocks = {schema::CreateMemoryBlock(b, 0, 128)};
  TestModel m;
  auto net = schema::CreateNetDefDirect(b, s.version, "concat", &ops, &tensors, &ins, &outs, &blocks, 0, Crc32c(nullptr, 0));
  schema::FinishNetDefBuffer(b, net);
  m.graph = Finish(b);
  return m;
}

std::string ConcatLoadError(const ConcatSpec &s) {
  ModelGraph g;
  TestModel m = BuildConcat(s);
  MaceStatus st = LoadModelGraph(m.graph.data(), m.graph.size(), nullptr, 0, &g);
  return st.ok() ? std::string("ok") : st.information();
}

TEST(ModelTest, InPlaceConcatInputsLiveInsideTheOutput) {
  for (int64_t axis : {1, -1}) {
    ConcatSpec spec;
    spec.axis = axis;
    TestModel m = BuildConcat(spec);
    ModelGraph g;
    MaceStatus st = LoadModelGraph(m.graph.data(), m.graph.size(), nullptr, 0, &g);
    ASSERT_TRUE(st.ok()) << st.information();
    EXPECT_EQ(g.in_place, (std::set<std::string>{"a", "c"}));
    ThreadPool pool(1, AFFINITY_NONE);
    std::unique_ptr<Net> net;
    ASSERT_TRUE(Net::Create(g, nullptr, &pool, &net).ok());
    for (int round = 0; round < 2; ++round) {
      Tensor *x = net->GetTensor("x");
      ASSERT_TRUE(x->Resize({1, 16}).ok());
      for (int i = 0; i < 16; ++i) x->mutable_data<float>()[i] = static_cast<float>(i + 100 * round);
      ASSERT_TRUE(net->Run(nullptr).ok());
      const float *cat = net->GetTensor("cat")->data<float>();
      // a and c were written straight into cat: no copy could have put them anywhere else.
      EXPECT_EQ(net->GetTensor("a")->data<float>(), cat);
      EXPECT_EQ(net->GetTensor("c")->data<float>(), cat + 16);
      const Tensor *out = net->GetTensor("out");
      ASSERT_EQ(out->shape(), (Shape{1, 32}));
      for (int i = 0; i < 32; ++i) EXPECT_EQ(out->data<float>()[i], (i % 16) + 100 * round) << i;
    }
  }
  // A runtime of format 1 had no offsets; such models still load.
  ConcatSpec v1;
  v1.version = 1;
  v1.c_offset = 64;
  EXPECT_EQ(ConcatLoadError(v1), "ok");
}

TEST(ModelTest, InPlaceConcatPlansAreChecked) {
  auto error = [](std::function<void(ConcatSpec *)> change) {
    ConcatSpec s;
    change(&s);
    return ConcatLoadError(s);
  };
  // c at the wrong place: on top of a, or past the output.
  EXPECT_NE(error([](ConcatSpec *s) { s->c_offset = 0; }).find("while both are alive"), std::string::npos);
  EXPECT_NE(error([](ConcatSpec *s) { s->c_offset = 128; }).find("does not hold it"), std::string::npos);
  EXPECT_NE(error([](ConcatSpec *s) { s->c_offset = 32; }).find("aligned"), std::string::npos);
  // Not a Concat, or one whose inputs interleave in the output (a dimension before the axis > 1).
  EXPECT_NE(error([](ConcatSpec *s) { s->join = "Add"; }).find("while both are alive"), std::string::npos);
  EXPECT_NE(error([](ConcatSpec *s) {
              s->in_shape = {2, 8};
              s->cat_shape = {2, 16};
            }).find("while both are alive"),
            std::string::npos);
  // An offset needs a declared size.
  EXPECT_NE(error([](ConcatSpec *s) { s->c_shape_known = false; }).find("does not hold it"), std::string::npos);
}

}  // namespace
}  // namespace mace
