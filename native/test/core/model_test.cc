// The model loader rejects every kind of inconsistency with an error status (never a crash):
// integrity trailer, checksums, constant offsets and sizes, names, memory plans.
#include <gtest/gtest.h>

#include <cstring>
#include <functional>
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
  m.graph.assign(b.GetBufferPointer(), b.GetBufferPointer() + b.GetSize());
  uint32_t gcrc = Crc32c(m.graph.data(), m.graph.size());
  uint8_t trailer[8];
  std::memcpy(trailer, &gcrc, 4);
  std::memcpy(trailer + 4, "MCRC", 4);
  m.graph.insert(m.graph.end(), trailer, trailer + 8);
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
  // y (block 0) is read by `second`, which writes `out` — a graph output, so it gets its own memory.
  EXPECT_EQ(LoadError(Spec{.mem_second = 0}), "ok");
}

}  // namespace
}  // namespace mace
