#!/usr/bin/env bash
# One idempotent set-up for a fresh Debian 12 machine or a warm one: system packages,
# npm dependencies, TypeScript build, native host build, local services. Safe to re-run.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

step "system packages"
APT_PACKAGES=(cmake ninja-build g++ ccache pkg-config flatbuffers-compiler libflatbuffers-dev libgtest-dev
  postgresql redis-server
  # Cross builds for ARM ABIs and their tests under qemu-user (qemu-user-binfmt conflicts
  # with qemu-user-static: not that one).
  g++-aarch64-linux-gnu g++-arm-linux-gnueabihf qemu-user-static
  # OpenCL on the CPU (PoCL) behind the ICD loader the runtime dlopens, and clinfo.
  ocl-icd-libopencl1 pocl-opencl-icd clinfo
  # clang compiles every kernel in half arithmetic in CI (scripts/check-opencl-kernels.sh).
  clang-15
  # The virtual device farm: the real adb server, and sshd for the virtual ARM board.
  adb openssh-server openssh-client
  # Headless browser of the dashboard's end-to-end tests (playwright-core drives it).
  chromium)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  if [ "$(id -u)" != 0 ]; then
    die "missing Debian packages: ${missing[*]} — install them with: sudo apt-get install -y ${missing[*]}"
  fi
  note "installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  note "all present"
fi

step "qemu-user binfmt handlers"
# Lets the kernel run ARM binaries directly (a test that spawns another target binary needs
# it). PID 1 is not systemd here, so register through systemd-binfmt by hand. ctest runs
# test binaries through qemu-*-static explicitly, so failing here is only a warning.
if [ -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ] && [ -e /proc/sys/fs/binfmt_misc/qemu-arm ]; then
  note "registered"
elif [ "$(id -u)" = 0 ]; then
  [ -e /proc/sys/fs/binfmt_misc/register ] || mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc 2>/dev/null || true
  if /usr/lib/systemd/systemd-binfmt /usr/lib/binfmt.d/qemu-aarch64.conf /usr/lib/binfmt.d/qemu-arm.conf 2>/dev/null; then
    note "registered qemu-aarch64 and qemu-arm"
  else
    note "warning: could not register binfmt handlers; run ARM binaries with qemu-aarch64-static / qemu-arm-static"
  fi
else
  note "warning: not root, binfmt handlers not registered; run ARM binaries with qemu-aarch64-static / qemu-arm-static"
fi

step "npm dependencies"
# onnxruntime-node ships its CPU library inside the package; its install script would download CUDA parts.
export ONNXRUNTIME_NODE_INSTALL=skip
stamp=node_modules/.setup-stamp
if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ]; then
  npm ci --no-audit --no-fund --loglevel=error
  touch "$stamp"
else
  note "up to date"
fi

step "TypeScript build"
npm run --silent build

step "native host build"
bash scripts/native-build.sh

step "services"
bash scripts/services.sh

step "database migrations"
node scripts/db-migrate.mjs
