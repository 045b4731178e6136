#!/usr/bin/env bash
# Generates the TypeScript FlatBuffers bindings of the engine model format
# (native/schema/mace.fbs) into packages/converter/src/generated/ (gitignored).
# flatc 2.0.8 writes extensionless relative imports; NodeNext ESM needs `.js`, so they are
# rewritten here. Idempotent: files are replaced only when their content changes, so
# `tsc -b` stays incremental.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
pkg="$(dirname "$here")"
root="$(cd "$pkg/../.." && pwd)"
schema="$root/native/schema/mace.fbs"
out="$pkg/src/generated"
FLATC="${FLATC:-flatc}"

if ! command -v "$FLATC" >/dev/null 2>&1; then
  echo "gen-schema: flatc not found; install flatbuffers-compiler 2.0.x (or set FLATC)" >&2
  exit 1
fi
[ -f "$schema" ] || { echo "gen-schema: schema not found: $schema" >&2; exit 1; }

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
"$FLATC" --ts --gen-object-api -o "$tmp" "$schema"

# Relative imports/exports: add `.js` (skip ones that already end in .js); mark files
# as generated so linters leave them alone.
find "$tmp" -name '*.ts' -print0 | while IFS= read -r -d '' f; do
  sed -E -i "s#(from '\.{1,2}/[^']*)'#\1.js'#; s#\.js\.js'#.js'#" "$f"
done

# Entry point with a stable name.
mv "$tmp/mace_generated.ts" "$tmp/mace.ts"

mkdir -p "$out"
# Copy changed/new files; drop stale ones.
( cd "$tmp" && find . -type f -name '*.ts' ) | sort > "$tmp.list"
while IFS= read -r rel; do
  src="$tmp/$rel"; dst="$out/$rel"
  if ! cmp -s "$src" "$dst" 2>/dev/null; then
    mkdir -p "$(dirname "$dst")"
    cp "$src" "$dst"
  fi
done < "$tmp.list"
( cd "$out" && find . -type f -name '*.ts' ) | sort | comm -13 "$tmp.list" - | while IFS= read -r rel; do
  rm -f "$out/$rel"
done
rm -f "$tmp.list"
