// End-to-end tests of the benchmark_model binary on a hand-built model: two Identity ops
// (x -> id1 -> y -> id2 -> z), written in the engine format (FlatBuffer + CRC-32C trailer).
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/crc32c.h"
#include "core/model.h"
#include "mace_generated.h"

#ifndef MACE_BENCHMARK_MODEL_BIN
#define MACE_BENCHMARK_MODEL_BIN ""
#endif

namespace mace {
namespace tools {
namespace {

namespace fb = mace::schema;

std::vector<uint8_t> BuildTwoIdentityModel() {
  flatbuffers::FlatBufferBuilder b;
  auto shape = [&]() {
    std::vector<int64_t> dims = {1, 4};
    return std::vector<flatbuffers::Offset<fb::Shape>>{fb::CreateShapeDirect(b, &dims)};
  };
  auto op = [&](const char *name, const char *in, const char *out) {
    std::vector<flatbuffers::Offset<flatbuffers::String>> ins = {b.CreateString(in)};
    std::vector<flatbuffers::Offset<flatbuffers::String>> outs = {b.CreateString(out)};
    auto shapes = shape();
    return fb::CreateOperatorDirect(b, name, "Identity", fb::DeviceType_CPU, &ins, &outs, &shapes);
  };
  std::vector<flatbuffers::Offset<fb::Operator>> ops = {op("id1", "x", "y"), op("id2", "y", "z")};
  std::vector<int64_t> dims = {1, 4};
  std::vector<flatbuffers::Offset<fb::InputOutputInfo>> inputs = {
      fb::CreateInputOutputInfoDirect(b, "x", &dims, fb::DataType_DT_FLOAT, fb::DataFormat_NONE)};
  std::vector<flatbuffers::Offset<fb::InputOutputInfo>> outputs = {
      fb::CreateInputOutputInfoDirect(b, "z", &dims, fb::DataType_DT_FLOAT, fb::DataFormat_NONE)};
  auto net = fb::CreateNetDefDirect(b, kModelFormatVersion, "two_identity", &ops, nullptr, &inputs, &outputs,
                                    nullptr, /*data_size=*/0, /*data_crc32c=*/0);
  fb::FinishNetDefBuffer(b, net);
  std::vector<uint8_t> bytes(b.GetBufferPointer(), b.GetBufferPointer() + b.GetSize());
  uint32_t crc = Crc32c(bytes.data(), bytes.size());
  uint8_t trailer[8];
  std::memcpy(trailer, &crc, 4);  // little-endian hosts only, as the runtime
  std::memcpy(trailer + 4, "MCRC", 4);
  bytes.insert(bytes.end(), trailer, trailer + 8);
  return bytes;
}

void WriteFile(const std::string &path, const std::vector<uint8_t> &bytes) {
  std::ofstream f(path, std::ios::binary);
  f.write(reinterpret_cast<const char *>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  ASSERT_TRUE(static_cast<bool>(f)) << path;
}

std::string ReadFile(const std::string &path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

struct Result {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

Result RunTool(const std::string &args) {
  Result r;
  std::string cmd = std::string(MACE_BENCHMARK_MODEL_BIN) + " " + args + " 2>&1";
  FILE *p = popen(cmd.c_str(), "r");
  if (!p) return r;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), p)) > 0) r.output.append(buf, n);
  int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

class BenchmarkModelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::string(MACE_BENCHMARK_MODEL_BIN).empty()) GTEST_SKIP() << "benchmark_model is not built";
    char tmpl[] = "/tmp/mace_bm_test_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    model_ = dir_ + "/two_identity.mace";
    data_ = dir_ + "/two_identity.data";
    WriteFile(model_, BuildTwoIdentityModel());
    WriteFile(data_, {});
  }
  void TearDown() override {
    if (!dir_.empty()) {
      std::remove(model_.c_str());
      std::remove(data_.c_str());
      std::remove((dir_ + "/out.json").c_str());
      rmdir(dir_.c_str());
    }
  }
  std::string Files() const { return "--model_file " + model_ + " --model_data_file " + data_; }
  std::string dir_, model_, data_;
};

TEST_F(BenchmarkModelTest, RunsAndReportsEndToEnd) {
  const std::string json = dir_ + "/out.json";
  Result r = RunTool(Files() + " --omp_num_threads 1 --warmup_runs 2 --round 5 --print_top 1 --json " + json);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  size_t pos = 0;
  for (const char *title : {"Warm Up", "Run without statistics", "Run with statistics", "Sort by Run Order",
                            "Sort by Computation Time", "Stat by Op Type", "Stat by MACs", "Summary of Ops' Stat"}) {
    size_t at = r.output.find(title, pos);
    ASSERT_NE(at, std::string::npos) << title << "\n" << r.output;
    pos = at;
  }
  EXPECT_NE(r.output.find("Identity"), std::string::npos);
  EXPECT_NE(r.output.find("[1,4]"), std::string::npos);
  EXPECT_NE(r.output.find("2 ops total."), std::string::npos);
  // Warm Up: 2 runs; without and with statistics: 5 each.
  EXPECT_NE(r.output.find("|     2 |"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("|     5 |"), std::string::npos) << r.output;

  std::string j = ReadFile(json);
  ASSERT_FALSE(j.empty());
  EXPECT_EQ(j.front(), '{');
  EXPECT_NE(j.find("\"model\": \"" + model_ + "\""), std::string::npos) << j;
  EXPECT_NE(j.find("\"threads\": 1,"), std::string::npos) << j;
  EXPECT_NE(j.find("\"runs\": {\"count\": 5,"), std::string::npos) << j;
  EXPECT_NE(j.find("\"macs\": 0,"), std::string::npos) << j;
  EXPECT_NE(j.find("{\"name\": \"id1\", \"type\": \"Identity\""), std::string::npos) << j;
  EXPECT_NE(j.find("{\"name\": \"id2\", \"type\": \"Identity\""), std::string::npos) << j;
  EXPECT_LT(j.find("\"id1\""), j.find("\"id2\""));
  EXPECT_NE(j.find("\"output_shape\": [[1, 4]]"), std::string::npos) << j;
  EXPECT_NE(j.find("{\"type\": \"Identity\", \"count\": 2,"), std::string::npos) << j;
}

TEST_F(BenchmarkModelTest, MaxTimeBoundsTheRuns) {
  // One run always happens; with a tiny time budget far fewer than --round follow.
  Result r = RunTool(Files() + " --round 10000000 --max_time 0.02 --warmup_runs 0");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output.find("| 10000000 |"), std::string::npos) << r.output;
}

TEST_F(BenchmarkModelTest, CorruptModelFailsClearly) {
  std::vector<uint8_t> bytes = BuildTwoIdentityModel();
  bytes[bytes.size() / 2] ^= 0xff;
  WriteFile(model_, bytes);
  Result r = RunTool(Files());
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("cannot load model"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("checksum mismatch"), std::string::npos) << r.output;
}

TEST_F(BenchmarkModelTest, MissingFilesAndBadFlagsFail) {
  Result r = RunTool("--model_file " + dir_ + "/nope.mace --model_data_file " + data_);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("cannot load model"), std::string::npos) << r.output;

  r = RunTool("");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("--model_file is required"), std::string::npos) << r.output;

  r = RunTool(Files() + " --round 0");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("--round must be >= 1"), std::string::npos) << r.output;

  r = RunTool(Files() + " --max_time soon");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("--max_time"), std::string::npos) << r.output;

  r = RunTool(Files() + " --input_shape 1,5");  // the model wants [1,4]
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("run 1 of model"), std::string::npos) << r.output;

  r = RunTool(Files() + " --json " + dir_ + "/no/such/dir/out.json");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("cannot write JSON"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace tools
}  // namespace mace
