#!/usr/bin/env bash
# Configures (once) and builds the native runtime, tools and tests for one target ABI.
# Usage: scripts/native-build.sh [ABI] [ninja targets...]
#   ABI: host (default; also from MACE_ABI), x86_64, arm64-v8a, aarch64, armeabi-v7a, armhf.
#   ARM ABIs use native/cmake/toolchains (Debian cross g++, static executables).
# The folder is native/build/<ABI>; MACE_NATIVE_BUILD_DIR overrides it. Other arguments go to
# ninja (targets).
set -euo pipefail
cd "$(dirname "$0")/.."
abi=${MACE_ABI:-host}
case "${1:-}" in
  host | x86_64 | arm64-v8a | aarch64 | armeabi-v7a | armhf) abi=$1; shift ;;
esac
dir=${MACE_NATIVE_BUILD_DIR:-native/build/$abi}
# ccache hits across checkouts (CI clones elsewhere): hash paths relative to the repository.
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=true
if [ ! -f "$dir/build.ninja" ]; then
  cmake -S native -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DMACE_ABI="$abi" ${MACE_CMAKE_ARGS:-} >/dev/null
fi
ninja --quiet -C "$dir" -j"$(nproc)" "$@"
