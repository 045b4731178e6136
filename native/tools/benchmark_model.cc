// benchmark_model: loads a converted model, times warm-up runs, end-to-end runs and runs with
// per-op statistics, and prints MACE's benchmark report (optionally also as JSON).
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <thread>

#include "common/benchmark_report.h"
#include "common/flags.h"
#include "common/model_runner.h"

using namespace mace;         // NOLINT
using namespace mace::tools;  // NOLINT

namespace {

bool ParseSeconds(const std::string &v, double *out) {
  char *end = nullptr;
  double x = std::strtod(v.c_str(), &end);
  if (v.empty() || *end != '\0' || !(x > 0)) return false;
  *out = x;
  return true;
}

}  // namespace

int main(int argc, char **argv) {
  std::vector<FlagSpec> specs = ModelFlags();
  specs.push_back({"warmup_runs", "1", "runs before the measured ones (reported as Warm Up)"});
  specs.push_back({"round", "100", "maximum number of runs, for each of the runs without and with statistics"});
  specs.push_back({"max_time", "10", "time limit in seconds, for each of the runs without and with statistics"});
  specs.push_back({"json", "", "also write the results as JSON (@mace/protocol BenchmarkResult) to this file"});
  specs.push_back({"print_top", "10", "ops listed in 'Sort by Computation Time'; 0 = all"});
  Flags flags("benchmark_model",
              "Benchmarks a converted model (.mace + .data): end-to-end run times and per-op statistics.", specs);
  int code = 0;
  if (!flags.Parse(argc, argv, &code)) return code;

  const int warmup = flags.GetInt("warmup_runs");
  const int rounds = flags.GetInt("round");
  const int print_top = flags.GetInt("print_top");
  double max_time_s = 0;
  if (warmup < 0) {
    std::fprintf(stderr, "benchmark_model: --warmup_runs must be >= 0, got %d\n", warmup);
    return 2;
  }
  if (rounds < 1) {
    std::fprintf(stderr, "benchmark_model: --round must be >= 1, got %d\n", rounds);
    return 2;
  }
  if (!ParseSeconds(flags.Get("max_time"), &max_time_s)) {
    std::fprintf(stderr, "benchmark_model: --max_time expects a positive number of seconds, got '%s'\n",
                 flags.Get("max_time").c_str());
    return 2;
  }

  LoadedModel model;
  if (!LoadModel(flags, &model)) return 1;

  BenchmarkData data;
  data.model = flags.Get("model_file");
  const int threads_flag = flags.GetInt("omp_num_threads");
  data.threads = threads_flag > 0 ? threads_flag : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  data.init_ms = model.init_ms;

  std::map<std::string, MaceTensor> outputs = MakeOutputs(model);
  auto run_once = [&](const char *phase, int index, RunMetadata *md, std::vector<double> *times) {
    const double t0 = NowMs();
    MaceStatus s = md ? model.engine->Run(model.inputs, &outputs, md) : model.engine->Run(model.inputs, &outputs);
    const double ms = NowMs() - t0;
    if (!s.ok()) {
      std::fprintf(stderr, "error: %s run %d of model '%s' failed: %s\n", phase, index + 1, data.model.c_str(),
                   s.information().c_str());
      return false;
    }
    times->push_back(ms);
    return true;
  };

  for (int i = 0; i < warmup; ++i)
    if (!run_once("warm-up", i, nullptr, &data.warmup_ms)) return 1;

  const double limit_ms = max_time_s * 1000.0;
  double start = NowMs();
  for (int i = 0; i < rounds && (i == 0 || NowMs() - start < limit_ms); ++i)
    if (!run_once("benchmark", i, nullptr, &data.run_ms)) return 1;

  start = NowMs();
  for (int i = 0; i < rounds && (i == 0 || NowMs() - start < limit_ms); ++i) {
    RunMetadata md;
    if (!run_once("statistics", i, &md, &data.stat_run_ms)) return 1;
    data.metadata.push_back(std::move(md));
  }
  data.peak_rss_kb = PeakRssKb();

  std::fputs(FormatTextReport(data, print_top).c_str(), stdout);
  std::fflush(stdout);

  const std::string &json = flags.Get("json");
  if (!json.empty()) {
    std::ofstream f(json);
    f << FormatJson(data);
    f.close();
    if (!f) {
      std::fprintf(stderr, "error: cannot write JSON results to '%s'\n", json.c_str());
      return 1;
    }
  }
  return 0;
}
