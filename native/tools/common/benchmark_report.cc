#include "common/benchmark_report.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <sstream>

namespace mace {
namespace tools {

// ---- statistics ----

double PercentileNearestRank(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const double n = static_cast<double>(values.size());
  // p * n first, then / 100: exact for integral p and n, so ranks like 90% of 10 stay 9.
  double rank = std::ceil(p * n / 100.0 - 1e-9);
  if (rank < 1) rank = 1;
  if (rank > n) rank = n;
  return values[static_cast<size_t>(rank) - 1];
}

RunStats ComputeRunStats(const std::vector<double> &times_ms) {
  RunStats s;
  if (times_ms.empty()) return s;
  s.count = static_cast<int>(times_ms.size());
  s.first_ms = times_ms.front();
  s.last_ms = times_ms.back();
  s.min_ms = *std::min_element(times_ms.begin(), times_ms.end());
  s.max_ms = *std::max_element(times_ms.begin(), times_ms.end());
  double sum = 0;
  for (double t : times_ms) sum += t;
  s.mean_ms = sum / s.count;
  double var = 0;
  for (double t : times_ms) var += (t - s.mean_ms) * (t - s.mean_ms);
  s.std_ms = std::sqrt(var / s.count);
  s.median_ms = PercentileNearestRank(times_ms, 50);
  s.p90_ms = PercentileNearestRank(times_ms, 90);
  s.p99_ms = PercentileNearestRank(times_ms, 99);
  return s;
}

namespace {

double Gmacps(int64_t macs, double ms) { return macs > 0 && ms > 0 ? static_cast<double>(macs) / (ms * 1e6) : 0; }

}  // namespace

OpReport ComputeOpReport(const std::vector<RunMetadata> &runs) {
  struct Acc {
    OpRecord rec;
    double sum_ms = 0, sum_start_ms = 0;
    int start_samples = 0;
    int first_run = -1, last_run = -1;
    double macs_sum = 0, calls = 0;
  };
  OpReport report;
  std::vector<Acc> accs;
  std::map<std::string, size_t> index;
  for (const RunMetadata &md : runs) {
    if (md.op_stats.empty()) continue;
    const int run = report.rounds++;
    int64_t t0 = md.op_stats.front().start_micros;
    for (const auto &st : md.op_stats) t0 = std::min(t0, st.start_micros);
    double run_total = 0;
    for (const auto &st : md.op_stats) {
      auto it = index.find(st.operator_name);
      if (it == index.end()) {
        it = index.emplace(st.operator_name, accs.size()).first;
        accs.emplace_back();
        accs.back().rec.name = st.operator_name;
        accs.back().rec.type = st.type;
        accs.back().rec.output_shape = st.output_shape;
        accs.back().first_run = run;
      }
      Acc &a = accs[it->second];
      const double ms = std::max<int64_t>(0, st.end_micros - st.start_micros) / 1000.0;
      if (a.last_run != run) {  // the op's first call in this run marks its start
        a.sum_start_ms += (st.start_micros - t0) / 1000.0;
        ++a.start_samples;
        a.last_run = run;
      }
      if (a.first_run == run) a.rec.first_ms += ms;
      a.sum_ms += ms;
      a.macs_sum += static_cast<double>(st.macs);
      a.calls += 1;
      run_total += ms;
    }
    report.op_total_ms.push_back(run_total);
  }
  if (report.rounds == 0) return report;

  double total_sum = 0;
  for (const Acc &a : accs) total_sum += a.sum_ms;
  double cdf = 0;
  for (Acc &a : accs) {
    OpRecord &r = a.rec;
    r.avg_ms = a.sum_ms / report.rounds;
    r.start_ms = a.start_samples ? a.sum_start_ms / a.start_samples : 0;
    r.macs = std::llround(a.macs_sum / report.rounds);
    r.called_times = std::llround(a.calls / report.rounds);
    r.pct = total_sum > 0 ? a.sum_ms * 100.0 / total_sum : 0;
    cdf += r.pct;
    r.cdf_pct = cdf;
    r.gmacps = Gmacps(r.macs, r.avg_ms);
    report.total_ms += r.avg_ms;
    report.total_macs += r.macs;
    report.ops.push_back(r);
  }

  std::map<std::string, TypeRecord> types;
  for (const OpRecord &r : report.ops) {
    TypeRecord &t = types[r.type];
    t.type = r.type;
    t.count += 1;
    t.avg_ms += r.avg_ms;
    t.macs += r.macs;
    t.called_times += r.called_times;
  }
  for (auto &kv : types) report.by_type.push_back(kv.second);
  std::stable_sort(report.by_type.begin(), report.by_type.end(),
                   [](const TypeRecord &a, const TypeRecord &b) { return a.avg_ms > b.avg_ms; });
  cdf = 0;
  for (TypeRecord &t : report.by_type) {
    t.pct = report.total_ms > 0 ? t.avg_ms * 100.0 / report.total_ms : 0;
    cdf += t.pct;
    t.cdf_pct = cdf;
    t.gmacps = Gmacps(t.macs, t.avg_ms);
  }
  return report;
}

double FirstRunMs(const BenchmarkData &data) {
  if (!data.warmup_ms.empty()) return data.warmup_ms.front();
  if (!data.run_ms.empty()) return data.run_ms.front();
  if (!data.stat_run_ms.empty()) return data.stat_run_ms.front();
  return 0;
}

// ---- text ----

namespace {

std::string Fixed(double v, int digits = 3) {
  if (!std::isfinite(v)) v = 0;
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.*f", digits, v);
  std::string s = buf;
  if (s[0] == '-' && s.find_first_not_of("-0.") == std::string::npos) s.erase(0, 1);  // "-0.000"
  return s;
}

std::string Int(int64_t v) { return std::to_string(v); }

std::string ShapeString(const std::vector<std::vector<int64_t>> &shapes) {
  if (shapes.empty()) return "";
  std::string s = "[";
  for (size_t i = 0; i < shapes.size(); ++i) {
    if (i) s += ":";
    for (size_t j = 0; j < shapes[i].size(); ++j) s += (j ? "," : "") + std::to_string(shapes[i][j]);
  }
  return s + "]";
}

bool IsNumber(const std::string &s) {
  if (s.empty()) return true;
  if (!(std::isdigit(static_cast<unsigned char>(s[0])) || s[0] == '-')) return false;
  char *end = nullptr;
  std::strtod(s.c_str(), &end);
  return end != s.c_str() && *end == '\0';
}

std::vector<std::string> RunHeader() {
  return {"round", "first(ms)", "curr(ms)", "min(ms)", "max(ms)", "avg(ms)", "median(ms)", "p90(ms)", "p99(ms)", "std"};
}

std::string RunSection(const std::string &title, const std::vector<double> &times) {
  RunStats s = ComputeRunStats(times);
  return FormatTable(title, RunHeader(),
                     {{Int(s.count), Fixed(s.first_ms), Fixed(s.last_ms), Fixed(s.min_ms), Fixed(s.max_ms),
                       Fixed(s.mean_ms), Fixed(s.median_ms), Fixed(s.p90_ms), Fixed(s.p99_ms), Fixed(s.std_ms)}});
}

// MACE's per-op columns, less Stride, Pad, Filter Shape and Dilation: the runtime's RunMetadata
// does not carry op arguments, so those columns are omitted rather than left blank.
std::vector<std::string> OpHeader() {
  return {"Op Type", "Start", "First", "Avg(ms)", "%", "cdf%", "GMACPS", "Output Shape", "name"};
}

std::vector<std::string> OpRow(const OpRecord &r, double cdf_pct) {
  return {r.type,         Fixed(r.start_ms), Fixed(r.first_ms),          Fixed(r.avg_ms), Fixed(r.pct),
          Fixed(cdf_pct), Fixed(r.gmacps),   ShapeString(r.output_shape), r.name};
}

}  // namespace

std::string FormatTable(const std::string &title, const std::vector<std::string> &header,
                        const std::vector<std::vector<std::string>> &rows) {
  const size_t ncol = header.size();
  std::vector<size_t> width(ncol);
  std::vector<bool> numeric(ncol, true);
  for (size_t c = 0; c < ncol; ++c) width[c] = header[c].size();
  for (const auto &row : rows)
    for (size_t c = 0; c < ncol; ++c) {
      const std::string cell = c < row.size() ? row[c] : std::string();
      width[c] = std::max(width[c], cell.size());
      if (!IsNumber(cell)) numeric[c] = false;
    }
  // The title box spans the table; widen the last column when the title is wider.
  size_t inner = 0;
  for (size_t c = 0; c < ncol; ++c) inner += width[c] + 3;
  if (ncol) inner -= 1;
  if (title.size() + 2 > inner) {
    if (ncol) width[ncol - 1] += title.size() + 2 - inner;
    inner = title.size() + 2;
  }
  std::string border = "+";
  for (size_t c = 0; c < ncol; ++c) border += std::string(width[c] + 2, '-') + "+";
  if (ncol == 0) border = "+" + std::string(inner, '-') + "+";

  auto line = [&](const std::vector<std::string> &cells) {
    std::string s = "|";
    for (size_t c = 0; c < ncol; ++c) {
      const std::string cell = c < cells.size() ? cells[c] : std::string();
      const std::string pad(width[c] - cell.size(), ' ');
      s += " " + (numeric[c] ? pad + cell : cell + pad) + " |";
    }
    return s + "\n";
  };
  std::ostringstream os;
  const size_t left = (inner - title.size()) / 2;
  os << "+" << std::string(inner, '-') << "+\n";
  os << "|" << std::string(left, ' ') << title << std::string(inner - title.size() - left, ' ') << "|\n";
  os << border << "\n";
  if (ncol) {
    os << line(header) << border << "\n";
    for (const auto &row : rows) os << line(row);
    if (!rows.empty()) os << border << "\n";
  }
  return os.str();
}

std::string FormatTextReport(const BenchmarkData &data, int print_top) {
  const OpReport ops = ComputeOpReport(data.metadata);
  std::ostringstream os;
  os << "Model: " << data.model << "\n"
     << "Threads: " << data.threads << ", init: " << Fixed(data.init_ms) << " ms, first run: "
     << Fixed(FirstRunMs(data)) << " ms, peak RSS: " << data.peak_rss_kb << " KiB\n\n";

  os << RunSection("Warm Up", data.warmup_ms) << "\n";
  os << RunSection("Run without statistics", data.run_ms) << "\n";
  os << RunSection("Run with statistics", data.stat_run_ms) << "\n";

  std::vector<std::vector<std::string>> rows;
  for (const OpRecord &r : ops.ops) rows.push_back(OpRow(r, r.cdf_pct));
  os << FormatTable("Sort by Run Order", OpHeader(), rows) << "\n";

  std::vector<size_t> order(ops.ops.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return ops.ops[a].avg_ms > ops.ops[b].avg_ms; });
  size_t top = print_top <= 0 ? order.size() : std::min(order.size(), static_cast<size_t>(print_top));
  rows.clear();
  double cdf = 0;
  for (size_t i = 0; i < top; ++i) {
    cdf += ops.ops[order[i]].pct;
    rows.push_back(OpRow(ops.ops[order[i]], cdf));
  }
  os << FormatTable("Sort by Computation Time", OpHeader(), rows) << "\n";

  rows.clear();
  for (const TypeRecord &t : ops.by_type)
    rows.push_back({t.type, Int(t.count), Fixed(t.avg_ms), Fixed(t.pct), Fixed(t.cdf_pct), Int(t.macs),
                    Fixed(t.gmacps), Int(t.called_times)});
  os << FormatTable("Stat by Op Type", {"Op Type", "Count", "Avg(ms)", "%", "cdf%", "MACs", "GMACPS", "Called times"},
                    rows)
     << "\n";

  std::vector<TypeRecord> by_macs = ops.by_type;
  std::stable_sort(by_macs.begin(), by_macs.end(),
                   [](const TypeRecord &a, const TypeRecord &b) { return a.macs > b.macs; });
  rows.clear();
  cdf = 0;
  for (const TypeRecord &t : by_macs) {
    double pct = ops.total_macs > 0 ? t.macs * 100.0 / ops.total_macs : 0;
    cdf += pct;
    rows.push_back({t.type, Int(t.macs), Fixed(pct), Fixed(cdf), Fixed(t.avg_ms > 0 ? t.macs / t.avg_ms : 0)});
  }
  os << FormatTable("Stat by MACs(Multiply-Accumulation)", {"Op Type", "MACs", "%", "cdf%", "MACs/ms"}, rows)
     << "\n";

  RunStats s = ComputeRunStats(ops.op_total_ms);
  os << FormatTable("Summary of Ops' Stat",
                    {"Op Count", "Total MACs", "round", "first(ms)", "min(ms)", "max(ms)", "avg(ms)", "std", "GMACPS"},
                    {{Int(static_cast<int64_t>(ops.ops.size())), Int(ops.total_macs), Int(ops.rounds),
                      Fixed(s.first_ms), Fixed(s.min_ms), Fixed(s.max_ms), Fixed(s.mean_ms), Fixed(s.std_ms),
                      Fixed(Gmacps(ops.total_macs, s.mean_ms))}});
  os << ops.ops.size() << " ops total.\n";
  return os.str();
}

// ---- JSON ----

std::string JsonString(const std::string &s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

std::string JsonNumber(double v) {
  if (!std::isfinite(v)) return "0";
  std::string s = Fixed(v, 6);
  if (s.find('.') != std::string::npos) {
    s.erase(s.find_last_not_of('0') + 1);
    if (s.back() == '.') s.pop_back();
  }
  return s == "-0" ? "0" : s;
}

std::string FormatJson(const BenchmarkData &data) {
  const OpReport ops = ComputeOpReport(data.metadata);
  const RunStats r = ComputeRunStats(data.run_ms);
  std::ostringstream os;
  os << "{\n";
  os << "  \"model\": " << JsonString(data.model) << ",\n";
  os << "  \"threads\": " << data.threads << ",\n";
  os << "  \"init_ms\": " << JsonNumber(data.init_ms) << ",\n";
  os << "  \"first_ms\": " << JsonNumber(FirstRunMs(data)) << ",\n";
  os << "  \"runs\": {\"count\": " << r.count << ", \"min_ms\": " << JsonNumber(r.min_ms)
     << ", \"median_ms\": " << JsonNumber(r.median_ms) << ", \"p90_ms\": " << JsonNumber(r.p90_ms)
     << ", \"p99_ms\": " << JsonNumber(r.p99_ms) << ", \"max_ms\": " << JsonNumber(r.max_ms)
     << ", \"mean_ms\": " << JsonNumber(r.mean_ms) << ", \"std_ms\": " << JsonNumber(r.std_ms) << "},\n";
  os << "  \"peak_rss_kb\": " << data.peak_rss_kb << ",\n";
  os << "  \"macs\": " << ops.total_macs << ",\n";
  os << "  \"ops\": [";
  for (size_t i = 0; i < ops.ops.size(); ++i) {
    const OpRecord &o = ops.ops[i];
    os << (i ? ",\n    " : "\n    ") << "{\"name\": " << JsonString(o.name) << ", \"type\": " << JsonString(o.type)
       << ", \"start_ms\": " << JsonNumber(o.start_ms) << ", \"avg_ms\": " << JsonNumber(o.avg_ms)
       << ", \"pct\": " << JsonNumber(o.pct) << ", \"cdf_pct\": " << JsonNumber(o.cdf_pct) << ", \"macs\": " << o.macs
       << ", \"gmacps\": " << JsonNumber(o.gmacps) << ", \"output_shape\": [";
    for (size_t k = 0; k < o.output_shape.size(); ++k) {
      os << (k ? ", [" : "[");
      for (size_t d = 0; d < o.output_shape[k].size(); ++d) os << (d ? ", " : "") << o.output_shape[k][d];
      os << "]";
    }
    os << "]}";
  }
  os << (ops.ops.empty() ? "],\n" : "\n  ],\n");
  os << "  \"by_type\": [";
  for (size_t i = 0; i < ops.by_type.size(); ++i) {
    const TypeRecord &t = ops.by_type[i];
    os << (i ? ",\n    " : "\n    ") << "{\"type\": " << JsonString(t.type) << ", \"count\": " << t.count
       << ", \"avg_ms\": " << JsonNumber(t.avg_ms) << ", \"pct\": " << JsonNumber(t.pct)
       << ", \"cdf_pct\": " << JsonNumber(t.cdf_pct) << ", \"macs\": " << t.macs
       << ", \"gmacps\": " << JsonNumber(t.gmacps) << "}";
  }
  os << (ops.by_type.empty() ? "]\n" : "\n  ]\n");
  os << "}\n";
  return os.str();
}

}  // namespace tools
}  // namespace mace
