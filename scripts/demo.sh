#!/usr/bin/env bash
# `npm run demo` (after scripts/setup.sh): the main job end to end, as far as the capabilities that
# exist go, in two parts:
#   1. local mode, the `mace` CLI: convert a corpus model, run and validate it against onnxruntime,
#      benchmark it (the full report goes to builds/mobilenet_v2.benchmark.txt);
#   2. the service (scripts/demo-service.mjs): api + worker + agent on a database of their own;
#      upload, deployment and a validate + benchmark run on this host through the REST API, with
#      live progress and a summary.
# Options go to part 2: `npm run demo -- --json FILE` also writes its summary as JSON.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
config=test/fixtures/deploy/mobilenet_v2.yml
[ -f ../shared/corpus/models/mobilenet_v2.onnx ] || die "the demo model is read from ../shared/corpus; it is not there"

step "local mode: convert ($config)"
node apps/cli/bin/mace.js convert --config "$config" --out builds

step "local mode: run + validate against onnxruntime"
node apps/cli/bin/mace.js run --config "$config" --validate --round 10

step "local mode: benchmark (20 runs)"
node apps/cli/bin/mace.js benchmark --config "$config" --round 20 --json builds/mobilenet_v2.benchmark.json \
  >builds/mobilenet_v2.benchmark.txt || die "the benchmark failed; its output: builds/mobilenet_v2.benchmark.txt"
node -e '
const r = JSON.parse(require("fs").readFileSync("builds/mobilenet_v2.benchmark.json", "utf8"));
const f = (x) => x.toFixed(2);
console.log(`mobilenet_v2 on this host, ${r.threads} threads: init ${f(r.init_ms)} ms, first ${f(r.first_ms)} ms, ` +
  `median ${f(r.runs.median_ms)} ms (p90 ${f(r.runs.p90_ms)}), peak RSS ${(r.peak_rss_kb / 1024).toFixed(1)} MiB`);
console.log("slowest op types: " + r.by_type.slice(0, 3).map((t) => `${t.type} ${f(t.pct)}%`).join(", "));
console.log("full report: builds/mobilenet_v2.benchmark.txt");'

node scripts/demo-service.mjs "$@"
