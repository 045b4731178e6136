#!/usr/bin/env bash
# Builds (incrementally) and runs the OpenCL runtime tests (mace_opencl_test) on the host's
# OpenCL device: PoCL (a CPU driver) here, a real GPU where one is installed. The build folder is
# native/build/host-opencl (configured with -DMACE_ENABLE_OPENCL=ON); it also holds the runtime
# and tools, which `mace run` with runtime gpu reuses (the builder imports them). Without an OpenCL device
# the tests fail, unless MACE_OPENCL_OPTIONAL=1 (then they are skipped with the reason).
# Log: test-output/ctest-opencl.log. Exit status: non-zero when the build or any test failed.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p test-output
log=test-output/ctest-opencl.log
dir=native/build/host-opencl
start=$(date +%s)
if ! MACE_NATIVE_BUILD_DIR=$dir MACE_CMAKE_ARGS="-DMACE_ENABLE_OPENCL=ON" \
    bash scripts/native-build.sh host mace_opencl_test mace_static mace_shared mace_run benchmark_model > "$log" 2>&1; then
  tail -n 25 "$log"
  echo "OpenCL test build failed; see $log" >&2
  exit 1
fi
echo "   opencl: built mace_opencl_test in $(($(date +%s) - start)) s"
rc=0
# Only this executable's tests (label opencl): the folder's other suites are not built here.
# One process per test (gtest_discover_tests), each opening the driver, hence at most 4 at once.
ctest --test-dir "$dir" -L opencl \
  --output-on-failure -j"$(( $(nproc) < 4 ? $(nproc) : 4 ))" >> "$log" 2>&1 || rc=1
grep -E "tests passed|tests failed out of|Total Test time" "$log" | sed "s/^/   opencl: /"
sed -n '/The following tests FAILED/,$p' "$log"
exit $rc
