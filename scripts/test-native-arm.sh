#!/usr/bin/env bash
# Builds (incrementally) and runs the native GoogleTest suites for ARM ABIs under qemu-user.
# Usage: scripts/test-native-arm.sh [ABI...]   (default: arm64-v8a armeabi-v7a)
# CTest runs each test through the toolchain's CMAKE_CROSSCOMPILING_EMULATOR
# (qemu-aarch64-static -cpu cortex-a53, qemu-arm-static -cpu cortex-a15), so no binfmt
# handler is needed; tests that spawn another target binary (benchmark_model) need the
# binfmt handlers scripts/setup.sh registers. Logs: test-output/ctest-<ABI>.log.
# Exit status: non-zero when a build or any test failed.
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
mkdir -p test-output
abis=("$@")
((${#abis[@]})) || abis=(arm64-v8a armeabi-v7a)
rc=0
for abi in "${abis[@]}"; do
  log=test-output/ctest-$abi.log
  if ! bash scripts/native-build.sh "$abi" > "$log" 2>&1; then
    tail -n 25 "$log"
    echo "native build for $abi failed; see $log" >&2
    rc=1
    continue
  fi
  ctest --test-dir "native/build/$abi" --output-on-failure -j"$(nproc)" >> "$log" 2>&1 || rc=1
  grep -E "tests passed|tests failed out of|Total Test time" "$log" | sed "s/^/   $abi: /"
  sed -n '/The following tests FAILED/,$p' "$log"
done
exit $rc
