#!/usr/bin/env bash
# Builds whisper.cpp's `whisper-cli` from the sources pinned inside the `nodejs-whisper` npm package
# (node_modules/nodejs-whisper/cpp/whisper.cpp), so development, CI and the Lambda image run the same
# whisper.cpp version. Output: .cache/whisper/build/bin/whisper-cli (or $VIDEOCRAFT_WHISPER_BUILD_DIR/bin).
#
# Reuses its output: when the binary exists and the stamp (package version + whisper.cpp version + flags)
# matches, it only prints the binary's path. Prints the path of the binary as its last line.
#
# Flags: Release, static libraries (one self-contained binary), no tests, no OpenMP (ggml's own thread
# pool; the slim Lambda base image has no libgomp), GGML_NATIVE=OFF so the binary runs on any x86-64 CPU
# with AVX2/FMA/F16C (every Lambda and CI machine of this kind) instead of only on the build host.
# Parallelism: $VIDEOCRAFT_BUILD_JOBS (default 2).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SRC="${VIDEOCRAFT_WHISPER_SRC:-$ROOT/node_modules/nodejs-whisper/cpp/whisper.cpp}"
BUILD="${VIDEOCRAFT_WHISPER_BUILD_DIR:-$ROOT/.cache/whisper/build}"
JOBS="${VIDEOCRAFT_BUILD_JOBS:-2}"
BIN="$BUILD/bin/whisper-cli"

if [ ! -f "$SRC/CMakeLists.txt" ]; then
  echo "build-whisper: no whisper.cpp sources at $SRC (run npm ci: they ship in the nodejs-whisper package)" >&2
  exit 1
fi
for tool in cmake c++; do
  command -v "$tool" >/dev/null 2>&1 || { echo "build-whisper: '$tool' is missing (Debian: apt-get install cmake g++)" >&2; exit 1; }
done

FLAGS=(
  -DCMAKE_BUILD_TYPE=Release
  -DBUILD_SHARED_LIBS=OFF
  -DWHISPER_BUILD_TESTS=OFF
  -DWHISPER_BUILD_EXAMPLES=ON
  -DWHISPER_BUILD_SERVER=OFF
  -DWHISPER_SDL2=OFF
  -DWHISPER_CURL=OFF
  -DGGML_NATIVE=OFF
  -DGGML_OPENMP=OFF
  -DGGML_CCACHE=OFF
)

pkg_version="$(node -p "require('$ROOT/node_modules/nodejs-whisper/package.json').version" 2>/dev/null || echo unknown)"
src_version="$(grep -m1 -oE 'project\("whisper.cpp" VERSION [0-9.]+' "$SRC/CMakeLists.txt" || echo unknown)"
STAMP="nodejs-whisper@$pkg_version; $src_version; $(uname -m); ${FLAGS[*]}"
STAMP_FILE="$BUILD/.videocraft-stamp"

if [ -x "$BIN" ] && [ -f "$STAMP_FILE" ] && [ "$(cat "$STAMP_FILE")" = "$STAMP" ]; then
  echo "build-whisper: up to date ($pkg_version)" >&2
  echo "$BIN"
  exit 0
fi

echo "build-whisper: building whisper-cli from $SRC with -j$JOBS (a few minutes on 2 cores)…" >&2
start=$(date +%s)
mkdir -p "$BUILD"
rm -f "$STAMP_FILE"
cmake -S "$SRC" -B "$BUILD" "${FLAGS[@]}" >"$BUILD/configure.log" 2>&1 || { cat "$BUILD/configure.log" >&2; exit 1; }
cmake --build "$BUILD" --config Release --target whisper-cli -j "$JOBS" >"$BUILD/build.log" 2>&1 || { tail -50 "$BUILD/build.log" >&2; exit 1; }
[ -x "$BIN" ] || { echo "build-whisper: build finished but $BIN is missing" >&2; exit 1; }
echo "$STAMP" >"$STAMP_FILE"
echo "build-whisper: built in $(( $(date +%s) - start )) s" >&2
echo "$BIN"
