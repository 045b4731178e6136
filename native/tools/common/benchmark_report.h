// Statistics and reports of benchmark_model, as pure functions of the measured data: run times
// in milliseconds and the RunMetadata of the runs with statistics. The text report follows MACE's
// benchmark_model (boxed tables: Warm Up, Run without/with statistics, Sort by Run Order, Sort by
// Computation Time, Stat by Op Type, Stat by MACs, Summary of Ops' Stat); the JSON form is the
// `BenchmarkResult` of @mace/protocol.
#ifndef MACE_TOOLS_BENCHMARK_REPORT_H_
#define MACE_TOOLS_BENCHMARK_REPORT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "mace/public/mace.h"

namespace mace {
namespace tools {

// Summary of a series of run times (ms). All zero when the series is empty.
struct RunStats {
  int count = 0;
  double first_ms = 0, last_ms = 0, min_ms = 0, max_ms = 0, mean_ms = 0, median_ms = 0, p90_ms = 0,
         p99_ms = 0, std_ms = 0;  // population standard deviation
};

// Nearest-rank percentile: the smallest value such that at least p% of the values are <= it,
// i.e. sorted[ceil(p/100 * n) - 1] (p <= 0 gives the minimum). 0 for an empty series.
double PercentileNearestRank(std::vector<double> values, double p);
RunStats ComputeRunStats(const std::vector<double> &times_ms);

// One op of the graph, averaged over the runs with statistics.
struct OpRecord {
  std::string name, type;
  std::vector<std::vector<int64_t>> output_shape;  // as seen in the first run
  double start_ms = 0;   // mean offset of the op's start from the start of the run's first op
  double first_ms = 0;   // duration in the first run with statistics
  double avg_ms = 0;     // time per run (all calls of the op in a run), averaged over the runs
  double pct = 0;        // share of the total op time, %
  double cdf_pct = 0;    // cumulative share in run order, %
  int64_t macs = 0;      // per run
  double gmacps = 0;     // macs / avg time, in 10^9 per second (0 when either is 0)
  int64_t called_times = 0;  // calls per run
};

// One op type: the ops of that type summed.
struct TypeRecord {
  std::string type;
  int count = 0;         // distinct ops of this type
  double avg_ms = 0;     // per run
  double pct = 0, cdf_pct = 0;  // of the total op time; cdf in time order (by_type's order)
  int64_t macs = 0;
  double gmacps = 0;
  int64_t called_times = 0;  // calls per run
};

struct OpReport {
  int rounds = 0;                  // runs with statistics
  std::vector<OpRecord> ops;       // run order
  std::vector<TypeRecord> by_type; // sorted by avg_ms, longest first (ties: by type name)
  int64_t total_macs = 0;          // per run
  double total_ms = 0;             // sum of the ops' avg_ms
  std::vector<double> op_total_ms; // per run: sum of its op durations
};

// Aggregates the per-op statistics. Ops are matched across runs by name; their order is the
// order of first appearance. Runs without op stats are ignored.
OpReport ComputeOpReport(const std::vector<RunMetadata> &runs);

// Everything one benchmark produced.
struct BenchmarkData {
  std::string model;
  int threads = 0;
  double init_ms = 0;
  std::vector<double> warmup_ms;  // warm-up runs
  std::vector<double> run_ms;     // end-to-end runs without statistics
  std::vector<double> stat_run_ms;  // end-to-end runs with statistics
  std::vector<RunMetadata> metadata;  // one per run with statistics
  long peak_rss_kb = 0;
};

// The time of the first run of the process: the first warm-up run, else the first timed run.
double FirstRunMs(const BenchmarkData &data);

// An aligned ASCII table with +---+ borders and the title centred in a box above the header.
// Columns whose data cells are all numbers (or empty) are right-aligned, others left-aligned.
std::string FormatTable(const std::string &title, const std::vector<std::string> &header,
                        const std::vector<std::vector<std::string>> &rows);

// The eight sections, in MACE's order. print_top <= 0 lists every op in "Sort by Computation Time".
std::string FormatTextReport(const BenchmarkData &data, int print_top);
// The machine form (see packages/protocol: BenchmarkResult), one JSON object plus a newline.
std::string FormatJson(const BenchmarkData &data);

// JSON helpers, exposed for tests: a quoted, escaped string; a finite number (non-finite -> 0).
std::string JsonString(const std::string &s);
std::string JsonNumber(double v);

}  // namespace tools
}  // namespace mace

#endif  // MACE_TOOLS_BENCHMARK_REPORT_H_
