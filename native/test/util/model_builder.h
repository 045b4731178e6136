// ModelBuilder: small models for engine tests, built in a few lines and serialised as the
// converter would.
#ifndef MACE_TEST_UTIL_MODEL_BUILDER_H_
#define MACE_TEST_UTIL_MODEL_BUILDER_H_

#include <cstdint>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "core/crc32c.h"
#include "core/model.h"
#include "core/tensor.h"
#include "mace_generated.h"

namespace mace {
namespace test {

// A model described in a few lines: float inputs, float constants and ops with their own
// output buffers, float, int-list and string args; serialised as the converter would (.mace
// with CRC trailer, .data). Used by the engine tests (GPU engine, ConvTranspose, fused convs).
class ModelBuilder {
 public:
  ModelBuilder &Input(const std::string &name, const Shape &dims) {
    inputs_.push_back({name, dims});
    return *this;
  }
  ModelBuilder &Const(const std::string &name, const Shape &dims, const std::vector<float> &values) {
    size_t offset = data_.size();
    data_.resize(offset + ((values.size() * 4 + 63) / 64) * 64, 0);
    std::memcpy(data_.data() + offset, values.data(), values.size() * 4);
    consts_.push_back({name, dims, offset, values.size() * 4});
    return *this;
  }
  ModelBuilder &Op(const std::string &type, const std::vector<std::string> &inputs, const std::string &output,
                   const std::map<std::string, float> &float_args = {},
                   const std::map<std::string, std::vector<int64_t>> &int_args = {},
                   const std::map<std::string, std::string> &string_args = {}) {
    ops_.push_back({type, inputs, output, float_args, int_args, string_args});
    return *this;
  }
  ModelBuilder &Output(const std::string &name, const Shape &dims) {
    outputs_.push_back({name, dims});
    return *this;
  }

  void Build(std::vector<uint8_t> *graph, std::vector<uint8_t> *data) const {
    flatbuffers::FlatBufferBuilder b;
    std::vector<flatbuffers::Offset<schema::Operator>> ops;
    for (size_t k = 0; k < ops_.size(); ++k) {
      const OpSpec &o = ops_[k];
      std::vector<flatbuffers::Offset<flatbuffers::String>> ins, outs = {b.CreateString(o.output)};
      for (const auto &i : o.inputs) ins.push_back(b.CreateString(i));
      std::vector<int8_t> types = {schema::DataType_DT_FLOAT};
      std::vector<int32_t> mems = {-1};
      std::vector<flatbuffers::Offset<schema::Argument>> args;
      for (const auto &kv : o.float_args) {
        auto name = b.CreateString(kv.first);
        schema::ArgumentBuilder ab(b);
        ab.add_name(name);
        ab.add_f(kv.second);
        ab.add_has_f(true);
        args.push_back(ab.Finish());
      }
      for (const auto &kv : o.int_args)
        args.push_back(schema::CreateArgumentDirect(b, kv.first.c_str(), 0, 0, nullptr, nullptr, &kv.second));
      for (const auto &kv : o.string_args)
        args.push_back(schema::CreateArgumentDirect(b, kv.first.c_str(), 0, 0, kv.second.c_str()));
      std::string name = o.type + std::to_string(k);
      ops.push_back(schema::CreateOperatorDirect(b, name.c_str(), o.type.c_str(), schema::DeviceType_CPU, &ins, &outs,
                                                 nullptr, &types, &mems, &args));
    }
    std::vector<flatbuffers::Offset<schema::ConstTensor>> tensors;
    for (const auto &c : consts_)
      tensors.push_back(schema::CreateConstTensorDirect(b, c.name.c_str(), &c.dims, schema::DataType_DT_FLOAT,
                                                        c.offset, c.size));
    auto io = [&](const std::vector<Io> &v) {
      std::vector<flatbuffers::Offset<schema::InputOutputInfo>> r;
      for (const auto &i : v)
        r.push_back(schema::CreateInputOutputInfoDirect(b, i.name.c_str(), &i.dims, schema::DataType_DT_FLOAT,
                                                        schema::DataFormat_NCHW));
      return r;
    };
    auto ins = io(inputs_), outs = io(outputs_);
    std::vector<flatbuffers::Offset<schema::MemoryBlock>> blocks;
    *data = data_;
    uint32_t crc = data->empty() ? 0 : Crc32c(data->data(), data->size());
    auto net = schema::CreateNetDefDirect(b, kModelFormatVersion, "gpu_test", &ops, &tensors, &ins, &outs, &blocks,
                                          data->size(), crc);
    schema::FinishNetDefBuffer(b, net);
    graph->assign(b.GetBufferPointer(), b.GetBufferPointer() + b.GetSize());
    uint32_t gcrc = Crc32c(graph->data(), graph->size());
    uint8_t trailer[8];
    std::memcpy(trailer, &gcrc, 4);
    std::memcpy(trailer + 4, "MCRC", 4);
    graph->insert(graph->end(), trailer, trailer + 8);
  }

 private:
  struct Io {
    std::string name;
    Shape dims;
  };
  struct ConstSpec {
    std::string name;
    Shape dims;
    size_t offset, size;
  };
  struct OpSpec {
    std::string type;
    std::vector<std::string> inputs;
    std::string output;
    std::map<std::string, float> float_args;
    std::map<std::string, std::vector<int64_t>> int_args;
    std::map<std::string, std::string> string_args;
  };
  std::vector<Io> inputs_, outputs_;
  std::vector<ConstSpec> consts_;
  std::vector<OpSpec> ops_;
  std::vector<uint8_t> data_;
};

}  // namespace test
}  // namespace mace

#endif  // MACE_TEST_UTIL_MODEL_BUILDER_H_
