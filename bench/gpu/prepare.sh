#!/usr/bin/env bash
# Prepares the GPU benchmark for a machine that cannot build or convert (the lent H100 has no
# flatc, gtest or npm): x86-64 tools with the OpenCL runtime, linked with static libstdc++ so they
# run on any glibc >= this one, and the corpus CNNs converted for fp16_fp32 and fp32_fp32.
# Output: .devcarry/ (git-ignored): bin/, models/<data type>/<model>.mace and models/<model>.data
# (the weights are the same for both data types: GPU engines convert them when they load) and
# models/<model>.input.npy.
# Then, on the GPU machine: python3 bench/gpu/run.py --carry .devcarry --out DIR
set -euo pipefail
cd "$(dirname "$0")/../.."
carry=.devcarry
mkdir -p "$carry/bin"
MACE_NATIVE_BUILD_DIR=native/build/devcarry \
  MACE_CMAKE_ARGS="-DMACE_ENABLE_OPENCL=ON -DCMAKE_EXE_LINKER_FLAGS=-static-libstdc++ -DCMAKE_CXX_STANDARD_LIBRARIES=-static-libgcc" \
  bash scripts/native-build.sh host mace_run benchmark_model mace_opencl_test
for t in mace_run benchmark_model mace_opencl_test; do cp native/build/devcarry/$t "$carry/bin/"; done
strip "$carry"/bin/*
for dt in fp16_fp32 fp32_fp32; do
  for m in mobilenet_v2 squeezenet1_1 mobilenet_v3_small; do
    dir="$carry/models/$dt"
    mkdir -p "$dir" "$carry/yml"
    sed -e "s|../../../../shared/corpus|$(cd ../shared/corpus && pwd)|g; s/runtime: cpu/runtime: gpu/; s/data_type: fp32_fp32/data_type: $dt/" \
      "test/fixtures/deploy/$m.yml" > "$carry/yml/$m-$dt.yml"
    node apps/cli/bin/mace.js convert --config "$carry/yml/$m-$dt.yml" --out "$carry/convert-$dt" > /dev/null
    cp "$carry/convert-$dt/$m/model/$m.mace" "$dir/"
    cp "$carry/convert-$dt/$m/model/$m.data" "$carry/models/"
    cp "../shared/corpus/models/$m.input.npy" "$carry/models/$m.input.npy"
  done
done
rm -rf "$carry"/convert-* "$carry/yml"
du -sh "$carry"
