#!/usr/bin/env bash
# The main job end to end, as far as the capabilities that exist go: convert a corpus model,
# run and validate it against onnxruntime, and benchmark it with per-op statistics.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
config=test/fixtures/deploy/mobilenet_v2.yml
[ -f ../shared/corpus/models/mobilenet_v2.onnx ] || die "the demo model is read from ../shared/corpus; it is not there"

step "convert ($config)"
node apps/cli/bin/mace.js convert --config "$config" --out builds

step "run + validate against onnxruntime"
node apps/cli/bin/mace.js run --config "$config" --validate --round 10

step "benchmark (20 runs)"
node apps/cli/bin/mace.js benchmark --config "$config" --round 20 --json builds/mobilenet_v2.benchmark.json

step "summary"
node -e '
const r = JSON.parse(require("fs").readFileSync("builds/mobilenet_v2.benchmark.json", "utf8"));
const f = (x) => x.toFixed(2);
console.log(`mobilenet_v2 on this host, ${r.threads} threads: init ${f(r.init_ms)} ms, first ${f(r.first_ms)} ms, ` +
  `median ${f(r.runs.median_ms)} ms (p90 ${f(r.runs.p90_ms)}), peak RSS ${(r.peak_rss_kb / 1024).toFixed(1)} MiB`);
console.log("slowest op types: " + r.by_type.slice(0, 3).map((t) => `${t.type} ${f(t.pct)}%`).join(", "));'
