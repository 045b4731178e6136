#!/usr/bin/env bash
# One idempotent set-up for a fresh Debian 12 machine or a warm one: system packages,
# npm dependencies, TypeScript build, native host build, local services. Safe to re-run.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

step "system packages"
APT_PACKAGES=(cmake ninja-build g++ ccache pkg-config flatbuffers-compiler libflatbuffers-dev libgtest-dev
  postgresql redis-server)
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
