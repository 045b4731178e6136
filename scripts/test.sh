#!/usr/bin/env bash
# Every test: TypeScript (typecheck + vitest, which includes the corpus and conformance
# gates) and the native GoogleTest suites through CTest.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

step "typecheck"
npx tsc -b tsconfig.build.json

step "native tests (ctest)"
ctest --test-dir native/build/host --output-on-failure -j"$(nproc)" 2>&1 | tail -n 25

step "TypeScript tests (vitest)"
MACE_REQUIRE_NATIVE=1 npx vitest run
