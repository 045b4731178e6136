#!/usr/bin/env bash
# Configures (once) and builds the native runtime, tools and tests for the host.
# MACE_NATIVE_BUILD_DIR overrides the folder; extra arguments go to ninja (targets).
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${MACE_NATIVE_BUILD_DIR:-native/build/host}
# ccache hits across checkouts (CI clones elsewhere): hash paths relative to the repository.
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=true
if [ ! -f "$dir/build.ninja" ]; then
  cmake -S native -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Release ${MACE_CMAKE_ARGS:-} >/dev/null
fi
ninja --quiet -C "$dir" -j"$(nproc)" "$@"
