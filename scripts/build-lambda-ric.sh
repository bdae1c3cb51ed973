#!/usr/bin/env bash
# Installs the render image's Lambda runtime interface client (aws-lambda-ric) from the image's own
# lockfile (layers/render-image/ric/package-lock.json) into .cache/lambda-ric, so the runtime test
# (test/integration/lambda-runtime.test.ts) runs the very client the Dockerfile installs.
#
# Kept out of the project's own dependencies on purpose: its install compiles curl and aws-lambda-cpp,
# which takes minutes and needs autoconf/automake/libtool; `npm ci && npm run demo` must not.
# Reuses its output while the lockfile is unchanged. Prints the client's directory as its last line.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SRC="$ROOT/layers/render-image/ric"
DEST="${VIDEOCRAFT_LAMBDA_RIC_DIR:-$ROOT/.cache/lambda-ric}"
CLIENT="$DEST/node_modules/aws-lambda-ric"
STAMP="$(cat "$SRC/package.json" "$SRC/package-lock.json" | sha256sum | cut -d' ' -f1); node $(node --version); $(uname -m)"
STAMP_FILE="$DEST/.videocraft-stamp"

if [ -f "$CLIENT/index.mjs" ] && [ -f "$STAMP_FILE" ] && [ "$(cat "$STAMP_FILE")" = "$STAMP" ]; then
  echo "build-lambda-ric: up to date" >&2
  echo "$CLIENT"
  exit 0
fi

for tool in c++ make cmake autoconf automake libtool python3; do
  command -v "$tool" >/dev/null 2>&1 || command -v "${tool}ize" >/dev/null 2>&1 || {
    echo "build-lambda-ric: '$tool' is missing (run: bash scripts/ensure-system-deps.sh)" >&2
    exit 1
  }
done

echo "build-lambda-ric: installing aws-lambda-ric (compiles curl and aws-lambda-cpp: several minutes on 2 cores)…" >&2
start=$(date +%s)
rm -rf "$DEST"
mkdir -p "$DEST"
cp "$SRC/package.json" "$SRC/package-lock.json" "$DEST/"
(cd "$DEST" && npm ci --no-audit --no-fund --omit=dev >"$DEST/install.log" 2>&1) || { tail -50 "$DEST/install.log" >&2; exit 1; }
[ -f "$CLIENT/index.mjs" ] || { echo "build-lambda-ric: install finished but $CLIENT is missing" >&2; exit 1; }
echo "$STAMP" >"$STAMP_FILE"
echo "build-lambda-ric: installed in $(( $(date +%s) - start )) s" >&2
echo "$CLIENT"
