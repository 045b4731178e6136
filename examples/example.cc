// Runs one model with a downloaded library package: the application side of MACE's
// examples/example.cc. Build it against the package (see docs/library-packages.md):
//   model files:  g++ -std=c++17 -O2 example.cc -I<pkg>/include <pkg>/lib/<abi>/libmace.a -lpthread -ldl
//   model code:   add -DMODEL_GRAPH_FORMAT_CODE and <pkg>/lib/<abi>/lib<library_name>.a
// Usage:
//   example --model_name=NAME [--model_file=F.mace] [--model_data_file=F.data]
//           --input_node=NAME --input_shape=1,3,224,224 --input_file=IN.raw
//           --output_node=NAME --output_file=OUT.raw [--omp_num_threads=N]
// Input and output files hold raw little-endian float32 values, as MACE's tools write them.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "mace/public/mace.h"
#ifdef MODEL_GRAPH_FORMAT_CODE
#include "mace/public/mace_engine_factory.h"
#endif

namespace {

std::map<std::string, std::string> ParseFlags(int argc, char **argv) {
  std::map<std::string, std::string> flags;
  for (int i = 1; i < argc; ++i) {
    const char *arg = argv[i];
    if (std::strncmp(arg, "--", 2) != 0 || !std::strchr(arg, '=')) {
      std::fprintf(stderr, "unexpected argument '%s'; flags look like --name=value\n", arg);
      std::exit(2);
    }
    const char *eq = std::strchr(arg, '=');
    flags[std::string(arg + 2, eq)] = eq + 1;
  }
  return flags;
}

std::vector<unsigned char> ReadFile(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "cannot read %s\n", path.c_str());
    std::exit(1);
  }
  return std::vector<unsigned char>(std::istreambuf_iterator<char>(in), {});
}

std::vector<int64_t> ParseShape(const std::string &text) {
  std::vector<int64_t> shape;
  std::stringstream ss(text);
  for (std::string dim; std::getline(ss, dim, ',');) shape.push_back(std::stoll(dim));
  return shape;
}

int64_t Count(const std::vector<int64_t> &shape) {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  return n;
}

}  // namespace

int main(int argc, char **argv) {
  auto flags = ParseFlags(argc, argv);
  for (const char *required : {"model_name", "input_node", "input_shape", "input_file", "output_node", "output_file"})
    if (!flags.count(required)) {
      std::fprintf(stderr, "--%s is required\n", required);
      return 2;
    }
  const std::vector<std::string> input_nodes{flags["input_node"]};
  const std::vector<std::string> output_nodes{flags["output_node"]};

  mace::MaceEngineConfig config(mace::DeviceType::CPU);
  int threads = flags.count("omp_num_threads") ? std::stoi(flags["omp_num_threads"]) : -1;
  config.SetCPUThreadPolicy(threads, mace::CPUAffinityPolicy::AFFINITY_NONE);

  std::shared_ptr<mace::MaceEngine> engine;
  mace::MaceStatus status;
  // The weights are used in place: they must outlive the engine.
  std::vector<unsigned char> weights;
#ifdef MODEL_GRAPH_FORMAT_CODE
  // The graph is compiled into lib<library_name>.a; so are the weights with model_data_format:
  // code, else they come from the .data file.
  if (flags.count("model_data_file")) weights = ReadFile(flags["model_data_file"]);
  status = mace::CreateMaceEngineFromCode(flags["model_name"], weights.empty() ? nullptr : weights.data(),
                                          weights.size(), input_nodes, output_nodes, config, &engine);
#else
  if (!flags.count("model_file") || !flags.count("model_data_file")) {
    std::fprintf(stderr, "--model_file and --model_data_file are required for model files\n");
    return 2;
  }
  status = mace::CreateMaceEngineFromFiles(flags["model_file"], flags["model_data_file"], input_nodes, output_nodes,
                                           config, &engine);
#endif
  if (status != mace::MaceStatus::MACE_SUCCESS) {
    std::fprintf(stderr, "creating the engine failed: %s\n", status.information().c_str());
    return 1;
  }

  const std::vector<int64_t> in_shape = ParseShape(flags["input_shape"]);
  std::vector<unsigned char> in_bytes = ReadFile(flags["input_file"]);
  if (in_bytes.size() != static_cast<size_t>(Count(in_shape)) * sizeof(float)) {
    std::fprintf(stderr, "%s holds %zu bytes; shape %s needs %lld floats\n", flags["input_file"].c_str(),
                 in_bytes.size(), flags["input_shape"].c_str(), static_cast<long long>(Count(in_shape)));
    return 1;
  }
  auto input = std::shared_ptr<float>(new float[Count(in_shape)], std::default_delete<float[]>());
  std::memcpy(input.get(), in_bytes.data(), in_bytes.size());

  const std::vector<int64_t> out_shape = engine->OutputShape(output_nodes[0]);
  auto output = std::shared_ptr<float>(new float[Count(out_shape)], std::default_delete<float[]>());
  std::map<std::string, mace::MaceTensor> inputs{
      {input_nodes[0], mace::MaceTensor(in_shape, input, mace::DataFormat::NCHW)}};
  std::map<std::string, mace::MaceTensor> outputs{
      {output_nodes[0], mace::MaceTensor(out_shape, output, mace::DataFormat::NONE)}};

  status = engine->Run(inputs, &outputs);
  if (status != mace::MaceStatus::MACE_SUCCESS) {
    std::fprintf(stderr, "run failed: %s\n", status.information().c_str());
    return 1;
  }
  const mace::MaceTensor &result = outputs[output_nodes[0]];
  std::ofstream out(flags["output_file"], std::ios::binary);
  out.write(reinterpret_cast<const char *>(result.data().get()),
            static_cast<std::streamsize>(Count(result.shape()) * sizeof(float)));
  std::printf("%s: %lld values written to %s\n", output_nodes[0].c_str(),
              static_cast<long long>(Count(result.shape())), flags["output_file"].c_str());
  return out ? 0 : 1;
}
