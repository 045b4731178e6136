// What mace_run and benchmark_model share: the model and runtime flags, building the engine,
// and preparing inputs (from .npy files, MACE raw files, or seeded random values).
#ifndef MACE_TOOLS_MODEL_RUNNER_H_
#define MACE_TOOLS_MODEL_RUNNER_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/flags.h"
#include "mace/public/mace.h"

namespace mace {
namespace tools {

// Flags every tool takes: --model_file, --model_data_file, --input_node, --input_shape,
// --output_node, --input_file, --input_ranges, --omp_num_threads, --cpu_affinity_policy, --device.
std::vector<FlagSpec> ModelFlags();

struct LoadedModel {
  std::shared_ptr<MaceEngine> engine;
  std::vector<std::string> input_names, output_names;
  std::map<std::string, MaceTensor> inputs;
  double init_ms = 0;
};

// Builds the engine and its inputs; on failure prints the reason and returns false.
// `tune` (mace_run --tune): GPU engines search local work sizes as they run, splitting launches
// slower than `kernel_time_limit_ms` when > 0.
bool LoadModel(const Flags &flags, LoadedModel *model, bool tune = false, double kernel_time_limit_ms = 0);
// Fresh output tensors (the engine allocates their memory).
std::map<std::string, MaceTensor> MakeOutputs(const LoadedModel &model);
double NowMs();
// Resident-set high-water mark of this process in KiB (0 when unknown).
long PeakRssKb();

}  // namespace tools
}  // namespace mace

#endif  // MACE_TOOLS_MODEL_RUNNER_H_
