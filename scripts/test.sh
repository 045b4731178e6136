#!/usr/bin/env bash
# Every test: TypeScript (typecheck + vitest, which includes the corpus and conformance
# gates) and the native GoogleTest suites through CTest — host, then arm64-v8a and
# armeabi-v7a under qemu-user (scripts/test-native-arm.sh), then the OpenCL runtime on the
# host's OpenCL device (PoCL here; scripts/test-native-opencl.sh) and a compile check of every
# kernel in half arithmetic (scripts/check-opencl-kernels.sh); ends with one summary line.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
mkdir -p test-output

step "typecheck and lint"
npx tsc -b tsconfig.build.json
npm run --silent lint

step "native tests (ctest)"
ctest --test-dir native/build/host --output-on-failure -j"$(nproc)" > test-output/ctest.log 2>&1 && ctest_rc=0 || ctest_rc=$?
tail -n 25 test-output/ctest.log
native_total=$(sed -nE 's/.* tests failed out of ([0-9]+).*/\1/p' test-output/ctest.log | tail -1)
native_failed=$(sed -nE 's/.* ([0-9]+) tests failed out of.*/\1/p' test-output/ctest.log | tail -1)
native_total=${native_total:-0} native_failed=${native_failed:-0}

step "native ARM tests (ctest under qemu-user)"
arm_abis=(arm64-v8a armeabi-v7a)
bash scripts/test-native-arm.sh "${arm_abis[@]}" && arm_rc=0 || arm_rc=$?
for abi in "${arm_abis[@]}"; do
  t=$(sed -nE 's/.* tests failed out of ([0-9]+).*/\1/p' "test-output/ctest-$abi.log" | tail -1)
  f=$(sed -nE 's/.* ([0-9]+) tests failed out of.*/\1/p' "test-output/ctest-$abi.log" | tail -1)
  # No ctest count means the cross build failed: count it as one failure.
  [ -n "$t" ] || { t=1 f=1; }
  native_total=$((native_total + t)) native_failed=$((native_failed + f))
done

step "native OpenCL tests (ctest, PoCL)"
bash scripts/test-native-opencl.sh && opencl_rc=0 || opencl_rc=$?
t=$(sed -nE 's/.* tests failed out of ([0-9]+).*/\1/p' test-output/ctest-opencl.log | tail -1)
f=$(sed -nE 's/.* ([0-9]+) tests failed out of.*/\1/p' test-output/ctest-opencl.log | tail -1)
[ -n "$t" ] || { t=1 f=1; }
native_total=$((native_total + t)) native_failed=$((native_failed + f))
# Every kernel program also compiles in half arithmetic (devices with cl_khr_fp16): one check.
bash scripts/check-opencl-kernels.sh > test-output/opencl-kernels.log 2>&1 && kernels_rc=0 || kernels_rc=1
tail -n 1 test-output/opencl-kernels.log | sed "s/^/   /"
native_total=$((native_total + 1)) native_failed=$((native_failed + kernels_rc))

step "TypeScript tests (vitest)"
# MACE_REQUIRE_NATIVE: converter tests that run the native runtime must not skip for a missing kernel.
MACE_REQUIRE_NATIVE=1 npx vitest run --reporter=default --reporter=json --outputFile.json=test-output/vitest.json && vitest_rc=0 || vitest_rc=$?

node -e '
const r = JSON.parse(require("fs").readFileSync("test-output/vitest.json", "utf8"));
const nt = Number(process.argv[1] || 0), nf = Number(process.argv[2] || 0);
const passed = r.numPassedTests + (nt - nf), failed = r.numFailedTests + nf;
const skipped = r.numPendingTests + r.numTodoTests;
console.log(`\nvitest ${r.numPassedTests}/${r.numTotalTests}, ctest ${nt - nf}/${nt}`);
console.log(`total: ${passed} passed, ${failed} failed, ${skipped} skipped`);
' "$native_total" "$native_failed"
[ "$ctest_rc" -eq 0 ] && [ "$arm_rc" -eq 0 ] && [ "$opencl_rc" -eq 0 ] && [ "$kernels_rc" -eq 0 ] && [ "$vitest_rc" -eq 0 ]
