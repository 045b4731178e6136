// Loading a model: the .mace graph (FlatBuffers + CRC trailer) and the .data weights are
// checked completely — structure, checksums, every offset, size, shape, name and memory id —
// before anything runs, so a corrupt or hostile file yields an error status, never a crash.
#ifndef MACE_CORE_MODEL_H_
#define MACE_CORE_MODEL_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/op.h"
#include "mace/public/mace.h"

namespace mace {

// The format this runtime writes into reports (2: Operator.mem_offsets); it reads 1 and 2.
constexpr uint32_t kModelFormatVersion = 2;
constexpr uint32_t kOldestModelFormatVersion = 1;

struct ConstTensorInfo {
  std::string name;
  DataType dtype;
  Shape dims;
  uint64_t offset;
  uint64_t size;
};

struct IoInfo {
  std::string name;
  Shape dims;  // -1 where the model leaves a dimension open
  DataType dtype;
  DataFormat format;
};

struct ModelGraph {
  std::string name;
  std::vector<OpDef> ops;
  std::vector<std::vector<int>> mem_ids;      // per op, per output; -1 = own buffer
  std::vector<std::vector<uint64_t>> mem_offsets;  // per op, per output: byte offset in the block
  // Inputs of in-place Concats: they live inside the Concat's output (at their mem_offsets), so
  // their producers write the concatenation directly (checked: see LoadModelGraph).
  std::set<std::string> in_place;
  std::vector<std::vector<Shape>> out_shapes;  // per op, as the converter inferred them
  std::vector<ConstTensorInfo> tensors;
  std::vector<IoInfo> inputs;
  std::vector<IoInfo> outputs;
  std::map<int, uint64_t> mem_blocks;          // id -> bytes
  DataType gpu_data_type = DataType::DT_FLOAT; // GPU engines: DT_HALF (fp16_fp32) or DT_FLOAT
};

// `data` may be null when data_size is 0 (a model without weights).
MaceStatus LoadModelGraph(const uint8_t *graph, size_t graph_size, const uint8_t *data,
                          size_t data_size, ModelGraph *out);

}  // namespace mace

#endif  // MACE_CORE_MODEL_H_
