// Unit tests of benchmark_model's statistics and reports (tools/common/benchmark_report.h).
#include "common/benchmark_report.h"

#include <gtest/gtest.h>

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace mace {
namespace tools {
namespace {

// ---- a minimal JSON reader, to parse the report back ----
struct Json {
  enum Kind { NUL, BOOL, NUM, STR, ARR, OBJ } kind = NUL;
  bool b = false;
  double num = 0;
  std::string str;
  std::vector<Json> arr;
  std::vector<std::pair<std::string, Json>> obj;  // in document order

  bool Has(const std::string &k) const {
    for (const auto &kv : obj)
      if (kv.first == k) return true;
    return false;
  }
  const Json &operator[](const std::string &k) const {
    for (const auto &kv : obj)
      if (kv.first == k) return kv.second;
    ADD_FAILURE() << "missing key " << k;
    static Json none;
    return none;
  }
  const Json &operator[](size_t i) const { return arr.at(i); }
  std::vector<std::string> Keys() const {
    std::vector<std::string> k;
    for (const auto &kv : obj) k.push_back(kv.first);
    return k;
  }
};

class JsonReader {
 public:
  explicit JsonReader(const std::string &s) : s_(s) {}
  // Whole document; false on any syntax error or trailing garbage.
  bool Parse(Json *out) {
    if (!Value(out)) return false;
    Ws();
    return i_ == s_.size();
  }

 private:
  void Ws() {
    while (i_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[i_]))) ++i_;
  }
  bool Lit(const char *w) {
    size_t n = std::string(w).size();
    if (s_.compare(i_, n, w) != 0) return false;
    i_ += n;
    return true;
  }
  bool String(std::string *out) {
    if (i_ >= s_.size() || s_[i_] != '"') return false;
    ++i_;
    while (i_ < s_.size() && s_[i_] != '"') {
      char c = s_[i_++];
      if (static_cast<unsigned char>(c) < 0x20) return false;
      if (c != '\\') {
        *out += c;
        continue;
      }
      if (i_ >= s_.size()) return false;
      char e = s_[i_++];
      switch (e) {
        case '"': *out += '"'; break;
        case '\\': *out += '\\'; break;
        case '/': *out += '/'; break;
        case 'n': *out += '\n'; break;
        case 'r': *out += '\r'; break;
        case 't': *out += '\t'; break;
        case 'b': *out += '\b'; break;
        case 'f': *out += '\f'; break;
        case 'u': {
          if (i_ + 4 > s_.size()) return false;
          unsigned v = static_cast<unsigned>(std::strtoul(s_.substr(i_, 4).c_str(), nullptr, 16));
          i_ += 4;
          if (v >= 0x80) return false;  // the writer only escapes control characters
          *out += static_cast<char>(v);
          break;
        }
        default: return false;
      }
    }
    if (i_ >= s_.size()) return false;
    ++i_;
    return true;
  }
  bool Number(double *out) {
    size_t start = i_;
    if (i_ < s_.size() && s_[i_] == '-') ++i_;
    if (i_ >= s_.size() || !std::isdigit(static_cast<unsigned char>(s_[i_]))) return false;
    if (s_[i_] == '0' && i_ + 1 < s_.size() && std::isdigit(static_cast<unsigned char>(s_[i_ + 1]))) return false;
    while (i_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[i_]))) ++i_;
    if (i_ < s_.size() && s_[i_] == '.') {
      ++i_;
      if (i_ >= s_.size() || !std::isdigit(static_cast<unsigned char>(s_[i_]))) return false;
      while (i_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[i_]))) ++i_;
    }
    if (i_ < s_.size() && (s_[i_] == 'e' || s_[i_] == 'E')) {
      ++i_;
      if (i_ < s_.size() && (s_[i_] == '+' || s_[i_] == '-')) ++i_;
      if (i_ >= s_.size() || !std::isdigit(static_cast<unsigned char>(s_[i_]))) return false;
      while (i_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[i_]))) ++i_;
    }
    *out = std::strtod(s_.substr(start, i_ - start).c_str(), nullptr);
    return true;
  }
  bool Value(Json *v) {
    Ws();
    if (i_ >= s_.size()) return false;
    char c = s_[i_];
    if (c == '{') {
      v->kind = Json::OBJ;
      ++i_;
      Ws();
      if (i_ < s_.size() && s_[i_] == '}') return ++i_, true;
      for (;;) {
        Ws();
        std::string key;
        if (!String(&key)) return false;
        Ws();
        if (i_ >= s_.size() || s_[i_++] != ':') return false;
        Json child;
        if (!Value(&child)) return false;
        v->obj.emplace_back(key, std::move(child));
        Ws();
        if (i_ >= s_.size()) return false;
        if (s_[i_] == ',') { ++i_; continue; }
        if (s_[i_] == '}') return ++i_, true;
        return false;
      }
    }
    if (c == '[') {
      v->kind = Json::ARR;
      ++i_;
      Ws();
      if (i_ < s_.size() && s_[i_] == ']') return ++i_, true;
      for (;;) {
        Json child;
        if (!Value(&child)) return false;
        v->arr.push_back(std::move(child));
        Ws();
        if (i_ >= s_.size()) return false;
        if (s_[i_] == ',') { ++i_; continue; }
        if (s_[i_] == ']') return ++i_, true;
        return false;
      }
    }
    if (c == '"') return v->kind = Json::STR, String(&v->str);
    if (Lit("true")) return v->kind = Json::BOOL, v->b = true, true;
    if (Lit("false")) return v->kind = Json::BOOL, true;
    if (Lit("null")) return v->kind = Json::NUL, true;
    v->kind = Json::NUM;
    return Number(&v->num);
  }

  const std::string &s_;
  size_t i_ = 0;
};

Json ParseJson(const std::string &text) {
  Json j;
  EXPECT_TRUE(JsonReader(text).Parse(&j)) << "invalid JSON:\n" << text;
  return j;
}

// ---- fixtures ----
OperatorStats Op(const std::string &name, const std::string &type, int64_t start_us, int64_t end_us, int64_t macs,
                 std::vector<std::vector<int64_t>> shape = {{1, 8, 4, 4}}) {
  OperatorStats s;
  s.operator_name = name;
  s.type = type;
  s.output_shape = std::move(shape);
  s.start_micros = start_us;
  s.end_micros = end_us;
  s.macs = macs;
  return s;
}

// Two runs of four ops. Per-op times (ms): conv1 3 then 5, relu1 1, conv2 2, pool 0.5;
// so averages 4, 1, 2, 0.5 (total 7.5), run totals 6.5 and 8.5.
std::vector<RunMetadata> TwoRuns() {
  RunMetadata a, b;
  a.op_stats = {Op("conv1", "Conv", 1000, 4000, 6000000), Op("relu1", "Relu", 4000, 5000, 0),
                Op("conv2", "Conv", 5000, 7000, 2000000), Op("pool", "MaxPool", 7000, 7500, 0, {{1, 8, 2, 2}})};
  b.op_stats = {Op("conv1", "Conv", 10000, 15000, 6000000), Op("relu1", "Relu", 15000, 16000, 0),
                Op("conv2", "Conv", 16000, 18000, 2000000), Op("pool", "MaxPool", 18000, 18500, 0, {{1, 8, 2, 2}})};
  return {a, b};
}

BenchmarkData SampleData() {
  BenchmarkData d;
  d.model = "models/mobilenet.mace";
  d.threads = 4;
  d.init_ms = 12.5;
  d.warmup_ms = {20};
  d.run_ms = {10, 12, 11, 13, 9, 30, 10, 11, 12, 14};
  d.stat_run_ms = {8, 9};
  d.metadata = TwoRuns();
  d.peak_rss_kb = 4096;
  return d;
}

// ---- percentiles ----
TEST(BenchmarkReportTest, PercentileNearestRankMatchesHandComputed) {
  // The classic nearest-rank example: 15, 20, 35, 40, 50 (given unsorted).
  std::vector<double> v = {40, 15, 50, 35, 20};
  EXPECT_EQ(PercentileNearestRank(v, 5), 15);    // ceil(0.25) = 1
  EXPECT_EQ(PercentileNearestRank(v, 30), 20);   // ceil(1.5) = 2
  EXPECT_EQ(PercentileNearestRank(v, 40), 20);   // ceil(2.0) = 2
  EXPECT_EQ(PercentileNearestRank(v, 50), 35);   // ceil(2.5) = 3
  EXPECT_EQ(PercentileNearestRank(v, 100), 50);  // rank 5
  EXPECT_EQ(PercentileNearestRank(v, 0), 15);    // clamped to rank 1

  std::vector<double> ten = {7, 3, 10, 1, 9, 2, 8, 4, 6, 5};
  EXPECT_EQ(PercentileNearestRank(ten, 50), 5);   // rank 5
  EXPECT_EQ(PercentileNearestRank(ten, 90), 9);   // rank 9 exactly, not 10
  EXPECT_EQ(PercentileNearestRank(ten, 99), 10);  // ceil(9.9) = 10

  std::vector<double> hundred;
  for (int i = 100; i >= 1; --i) hundred.push_back(i);
  EXPECT_EQ(PercentileNearestRank(hundred, 90), 90);
  EXPECT_EQ(PercentileNearestRank(hundred, 99), 99);
  EXPECT_EQ(PercentileNearestRank(hundred, 50), 50);

  EXPECT_EQ(PercentileNearestRank({}, 50), 0);
  EXPECT_EQ(PercentileNearestRank({3.5}, 99), 3.5);
}

TEST(BenchmarkReportTest, RunStatsMatchHandComputed) {
  RunStats s = ComputeRunStats({4, 1, 3, 2});
  EXPECT_EQ(s.count, 4);
  EXPECT_EQ(s.first_ms, 4);
  EXPECT_EQ(s.last_ms, 2);
  EXPECT_EQ(s.min_ms, 1);
  EXPECT_EQ(s.max_ms, 4);
  EXPECT_DOUBLE_EQ(s.mean_ms, 2.5);
  EXPECT_EQ(s.median_ms, 2);  // nearest rank: ceil(0.5 * 4) = 2nd smallest
  EXPECT_EQ(s.p90_ms, 4);     // ceil(3.6) = 4
  EXPECT_EQ(s.p99_ms, 4);
  EXPECT_NEAR(s.std_ms, std::sqrt(1.25), 1e-12);  // population: (2.25+2.25+0.25+0.25)/4

  RunStats e = ComputeRunStats({});
  EXPECT_EQ(e.count, 0);
  EXPECT_EQ(e.mean_ms, 0);
  EXPECT_EQ(e.std_ms, 0);
}

// ---- per-op aggregation ----
TEST(BenchmarkReportTest, OpReportAveragesOverRunsInRunOrder) {
  OpReport r = ComputeOpReport(TwoRuns());
  EXPECT_EQ(r.rounds, 2);
  ASSERT_EQ(r.ops.size(), 4u);
  EXPECT_EQ(r.ops[0].name, "conv1");
  EXPECT_EQ(r.ops[1].name, "relu1");
  EXPECT_EQ(r.ops[2].name, "conv2");
  EXPECT_EQ(r.ops[3].name, "pool");

  EXPECT_DOUBLE_EQ(r.ops[0].avg_ms, 4);
  EXPECT_DOUBLE_EQ(r.ops[0].first_ms, 3);
  EXPECT_DOUBLE_EQ(r.ops[0].start_ms, 0);
  EXPECT_DOUBLE_EQ(r.ops[1].start_ms, 4);  // (3 + 5) / 2
  EXPECT_DOUBLE_EQ(r.ops[2].start_ms, 5);  // (4 + 6) / 2
  EXPECT_DOUBLE_EQ(r.ops[3].start_ms, 7);  // (6 + 8) / 2
  EXPECT_DOUBLE_EQ(r.ops[3].avg_ms, 0.5);

  EXPECT_NEAR(r.ops[0].pct, 400.0 / 7.5, 1e-9);
  EXPECT_NEAR(r.ops[1].pct, 100.0 / 7.5, 1e-9);
  EXPECT_NEAR(r.ops[2].pct, 200.0 / 7.5, 1e-9);
  EXPECT_NEAR(r.ops[3].pct, 50.0 / 7.5, 1e-9);
  EXPECT_NEAR(r.ops[1].cdf_pct, 500.0 / 7.5, 1e-9);
  EXPECT_NEAR(r.ops[2].cdf_pct, 700.0 / 7.5, 1e-9);
  double sum = 0;
  for (const auto &o : r.ops) sum += o.pct;
  EXPECT_NEAR(sum, 100, 1e-9);
  EXPECT_NEAR(r.ops.back().cdf_pct, 100, 1e-9);

  EXPECT_EQ(r.ops[0].macs, 6000000);
  EXPECT_DOUBLE_EQ(r.ops[0].gmacps, 1.5);  // 6e6 MACs in 4 ms
  EXPECT_DOUBLE_EQ(r.ops[2].gmacps, 1.0);  // 2e6 MACs in 2 ms
  EXPECT_EQ(r.ops[1].gmacps, 0);
  EXPECT_EQ(r.ops[0].called_times, 1);
  EXPECT_EQ(r.ops[3].output_shape, (std::vector<std::vector<int64_t>>{{1, 8, 2, 2}}));

  EXPECT_EQ(r.total_macs, 8000000);
  EXPECT_DOUBLE_EQ(r.total_ms, 7.5);
  EXPECT_EQ(r.op_total_ms, (std::vector<double>{6.5, 8.5}));
}

TEST(BenchmarkReportTest, ByTypeAggregatesAndSortsByTime) {
  OpReport r = ComputeOpReport(TwoRuns());
  ASSERT_EQ(r.by_type.size(), 3u);
  EXPECT_EQ(r.by_type[0].type, "Conv");
  EXPECT_EQ(r.by_type[0].count, 2);
  EXPECT_DOUBLE_EQ(r.by_type[0].avg_ms, 6);
  EXPECT_NEAR(r.by_type[0].pct, 80, 1e-9);
  EXPECT_NEAR(r.by_type[0].cdf_pct, 80, 1e-9);
  EXPECT_EQ(r.by_type[0].macs, 8000000);
  EXPECT_NEAR(r.by_type[0].gmacps, 8.0 / 6.0, 1e-12);
  EXPECT_EQ(r.by_type[0].called_times, 2);
  EXPECT_EQ(r.by_type[1].type, "Relu");
  EXPECT_NEAR(r.by_type[1].pct, 100.0 / 7.5, 1e-9);
  EXPECT_NEAR(r.by_type[1].cdf_pct, 80 + 100.0 / 7.5, 1e-9);
  EXPECT_EQ(r.by_type[2].type, "MaxPool");
  EXPECT_EQ(r.by_type[2].count, 1);
  EXPECT_NEAR(r.by_type[2].cdf_pct, 100, 1e-9);
  double sum = 0;
  for (const auto &t : r.by_type) sum += t.pct;
  EXPECT_NEAR(sum, 100, 1e-9);
}

TEST(BenchmarkReportTest, RepeatedOpsAndEmptyRuns) {
  // An op called twice per run (e.g. inside a loop) and a run without stats, which is ignored.
  RunMetadata a, empty, b;
  a.op_stats = {Op("x", "Add", 0, 1000, 10), Op("x", "Add", 3000, 4000, 10)};
  b.op_stats = {Op("x", "Add", 100, 1100, 10), Op("x", "Add", 1100, 4100, 10)};
  OpReport r = ComputeOpReport({a, empty, b});
  EXPECT_EQ(r.rounds, 2);
  ASSERT_EQ(r.ops.size(), 1u);
  EXPECT_EQ(r.ops[0].called_times, 2);
  EXPECT_EQ(r.ops[0].macs, 20);
  EXPECT_DOUBLE_EQ(r.ops[0].avg_ms, 3);    // (2 + 4) / 2
  EXPECT_DOUBLE_EQ(r.ops[0].first_ms, 2);  // both calls of the first run
  EXPECT_DOUBLE_EQ(r.ops[0].start_ms, 0);
  EXPECT_NEAR(r.ops[0].pct, 100, 1e-9);

  OpReport none = ComputeOpReport({});
  EXPECT_EQ(none.rounds, 0);
  EXPECT_TRUE(none.ops.empty());
  EXPECT_TRUE(none.by_type.empty());
}

// ---- text ----
std::vector<std::string> Lines(const std::string &s) {
  std::vector<std::string> out;
  std::istringstream is(s);
  for (std::string l; std::getline(is, l);) out.push_back(l);
  return out;
}

TEST(BenchmarkReportTest, TableIsBoxedAndAligned) {
  std::string t = FormatTable("Demo", {"Op Type", "Avg(ms)"}, {{"Conv", "1.500"}, {"Relu", "12.000"}});
  std::vector<std::string> lines = Lines(t);
  ASSERT_EQ(lines.size(), 8u);
  for (const auto &l : lines) EXPECT_EQ(l.size(), lines[0].size()) << l;
  EXPECT_EQ(lines[0], "+-------------------+");
  EXPECT_EQ(lines[1], "|       Demo        |");
  EXPECT_EQ(lines[2], "+---------+---------+");
  EXPECT_EQ(lines[3], "| Op Type | Avg(ms) |");
  EXPECT_EQ(lines[4], lines[2]);
  EXPECT_EQ(lines[5], "| Conv    |   1.500 |");  // text left, numbers right
  EXPECT_EQ(lines[6], "| Relu    |  12.000 |");
  EXPECT_EQ(lines[7], lines[2]);
}

TEST(BenchmarkReportTest, TableWidensForLongTitle) {
  std::string t = FormatTable("A rather long title", {"a"}, {{"1"}});
  std::vector<std::string> lines = Lines(t);
  for (const auto &l : lines) EXPECT_EQ(l.size(), lines[0].size()) << l;
  EXPECT_NE(lines[1].find("A rather long title"), std::string::npos);
}

TEST(BenchmarkReportTest, TextReportHasEightSectionsInOrder) {
  std::string text = FormatTextReport(SampleData(), 10);
  const std::vector<std::string> titles = {"Warm Up",
                                           "Run without statistics",
                                           "Run with statistics",
                                           "Sort by Run Order",
                                           "Sort by Computation Time",
                                           "Stat by Op Type",
                                           "Stat by MACs",
                                           "Summary of Ops' Stat"};
  size_t pos = 0;
  for (const auto &title : titles) {
    size_t found = text.find(title, pos);
    ASSERT_NE(found, std::string::npos) << "missing or out of order: " << title << "\n" << text;
    pos = found + title.size();
  }
  EXPECT_NE(text.find("Op Type"), std::string::npos);
  EXPECT_NE(text.find("GMACPS"), std::string::npos);
  EXPECT_NE(text.find("Called times"), std::string::npos);
  EXPECT_NE(text.find("MACs/ms"), std::string::npos);
  EXPECT_NE(text.find("[1,8,2,2]"), std::string::npos);
  EXPECT_NE(text.find("4 ops total."), std::string::npos);
  // Every table line is closed by its border character.
  for (const auto &l : Lines(text)) {
    if (!l.empty() && (l[0] == '+' || l[0] == '|')) {
      EXPECT_EQ(l.back(), l[0] == '+' ? '+' : '|') << l;
    }
  }
}

TEST(BenchmarkReportTest, ComputationTimeListsTopN) {
  std::string text = FormatTextReport(SampleData(), 2);
  size_t from = text.find("Sort by Computation Time");
  size_t to = text.find("Stat by Op Type");
  ASSERT_NE(from, std::string::npos);
  std::string section = text.substr(from, to - from);
  EXPECT_NE(section.find("conv1"), std::string::npos);
  EXPECT_NE(section.find("conv2"), std::string::npos);
  EXPECT_EQ(section.find("relu1"), std::string::npos);
  EXPECT_EQ(section.find("pool"), std::string::npos);
  EXPECT_LT(section.find("conv1"), section.find("conv2"));
  // cdf% in that order: 53.333 then 80.000.
  EXPECT_NE(section.find("80.000"), std::string::npos);

  std::string all = FormatTextReport(SampleData(), 0);
  from = all.find("Sort by Computation Time");
  section = all.substr(from, all.find("Stat by Op Type") - from);
  EXPECT_NE(section.find("pool"), std::string::npos);
}

TEST(BenchmarkReportTest, TextReportWithoutStatsStillHasAllSections) {
  BenchmarkData d;
  d.model = "m.mace";
  d.run_ms = {1, 2};
  std::string text = FormatTextReport(d, 10);
  for (const char *t : {"Warm Up", "Run without statistics", "Run with statistics", "Sort by Run Order",
                        "Sort by Computation Time", "Stat by Op Type", "Stat by MACs", "Summary of Ops' Stat"})
    EXPECT_NE(text.find(t), std::string::npos) << t;
  EXPECT_NE(text.find("0 ops total."), std::string::npos);
}

// ---- JSON ----
TEST(BenchmarkReportTest, JsonStringEscapes) {
  EXPECT_EQ(JsonString("a\"b\\c\n\t\x01"), "\"a\\\"b\\\\c\\n\\t\\u0001\"");
  Json j = ParseJson(JsonString("path \"q\" \\ \x1f end"));
  EXPECT_EQ(j.str, "path \"q\" \\ \x1f end");
}

TEST(BenchmarkReportTest, JsonNumberIsFiniteAndShort) {
  EXPECT_EQ(JsonNumber(1.5), "1.5");
  EXPECT_EQ(JsonNumber(2), "2");
  EXPECT_EQ(JsonNumber(-0.0000001), "0");
  EXPECT_EQ(JsonNumber(100.0 / 3), "33.333333");
  EXPECT_EQ(JsonNumber(std::nan("")), "0");
  EXPECT_EQ(JsonNumber(INFINITY), "0");
}

TEST(BenchmarkReportTest, JsonHasTheBenchmarkResultShape) {
  BenchmarkData d = SampleData();
  d.model = "dir/\"odd\" name.mace";
  Json j = ParseJson(FormatJson(d));
  ASSERT_EQ(j.kind, Json::OBJ);
  EXPECT_EQ(j.Keys(), (std::vector<std::string>{"model", "threads", "init_ms", "first_ms", "runs", "peak_rss_kb",
                                                "macs", "ops", "by_type"}));
  EXPECT_EQ(j["model"].str, "dir/\"odd\" name.mace");
  EXPECT_EQ(j["threads"].num, 4);
  EXPECT_EQ(j["init_ms"].num, 12.5);
  EXPECT_EQ(j["first_ms"].num, 20);  // the warm-up run
  EXPECT_EQ(j["peak_rss_kb"].num, 4096);
  EXPECT_EQ(j["macs"].num, 8000000);

  // runs: {10, 12, 11, 13, 9, 30, 10, 11, 12, 14}; sorted 9 10 10 11 11 12 12 13 14 30.
  const Json &runs = j["runs"];
  EXPECT_EQ(runs.Keys(), (std::vector<std::string>{"count", "min_ms", "median_ms", "p90_ms", "p99_ms", "max_ms",
                                                   "mean_ms", "std_ms"}));
  EXPECT_EQ(runs["count"].num, 10);
  EXPECT_EQ(runs["min_ms"].num, 9);
  EXPECT_EQ(runs["median_ms"].num, 11);  // rank 5
  EXPECT_EQ(runs["p90_ms"].num, 14);     // rank 9
  EXPECT_EQ(runs["p99_ms"].num, 30);     // rank 10
  EXPECT_EQ(runs["max_ms"].num, 30);
  EXPECT_EQ(runs["mean_ms"].num, 13.2);
  // population std: deviations² sum = 10.24+1.44+4.84+0.04+17.64+282.24+10.24+4.84+1.44+0.64 = 333.6
  EXPECT_NEAR(runs["std_ms"].num, std::sqrt(33.36), 1e-6);

  const Json &ops = j["ops"];
  ASSERT_EQ(ops.kind, Json::ARR);
  ASSERT_EQ(ops.arr.size(), 4u);
  EXPECT_EQ(ops[0].Keys(), (std::vector<std::string>{"name", "type", "start_ms", "avg_ms", "pct", "cdf_pct", "macs",
                                                     "gmacps", "output_shape"}));
  EXPECT_EQ(ops[0]["name"].str, "conv1");
  EXPECT_EQ(ops[0]["type"].str, "Conv");
  EXPECT_EQ(ops[0]["avg_ms"].num, 4);
  EXPECT_EQ(ops[0]["gmacps"].num, 1.5);
  EXPECT_EQ(ops[0]["macs"].num, 6000000);
  EXPECT_EQ(ops[2]["start_ms"].num, 5);
  ASSERT_EQ(ops[3]["output_shape"].arr.size(), 1u);
  ASSERT_EQ(ops[3]["output_shape"][0].arr.size(), 4u);
  EXPECT_EQ(ops[3]["output_shape"][0][3].num, 2);
  double pct = 0;
  for (const auto &o : ops.arr) pct += o["pct"].num;
  EXPECT_NEAR(pct, 100, 1e-4);
  EXPECT_NEAR(ops[3]["cdf_pct"].num, 100, 1e-4);

  const Json &by_type = j["by_type"];
  ASSERT_EQ(by_type.arr.size(), 3u);
  EXPECT_EQ(by_type[0].Keys(),
            (std::vector<std::string>{"type", "count", "avg_ms", "pct", "cdf_pct", "macs", "gmacps"}));
  EXPECT_EQ(by_type[0]["type"].str, "Conv");
  EXPECT_EQ(by_type[0]["count"].num, 2);
  EXPECT_EQ(by_type[0]["pct"].num, 80);
  EXPECT_EQ(by_type[2]["type"].str, "MaxPool");
  EXPECT_NEAR(by_type[2]["cdf_pct"].num, 100, 1e-4);
}

TEST(BenchmarkReportTest, JsonWithoutOpsIsValid) {
  BenchmarkData d;
  d.model = "m";
  Json j = ParseJson(FormatJson(d));
  EXPECT_EQ(j["ops"].kind, Json::ARR);
  EXPECT_TRUE(j["ops"].arr.empty());
  EXPECT_TRUE(j["by_type"].arr.empty());
  EXPECT_EQ(j["runs"]["count"].num, 0);
  EXPECT_EQ(j["first_ms"].num, 0);
}

TEST(BenchmarkReportTest, FirstRunFallsBackToTimedRuns) {
  BenchmarkData d;
  d.run_ms = {7, 3};
  EXPECT_EQ(FirstRunMs(d), 7);
  d.warmup_ms = {9};
  EXPECT_EQ(FirstRunMs(d), 9);
}

}  // namespace
}  // namespace tools
}  // namespace mace
