#!/usr/bin/env bash
# Makes sure the programs the renderer, demo and tests shell out to are present.
# Installs them with apt-get when running as root on Debian/Ubuntu; otherwise says exactly what to install.
set -euo pipefail

# python3-requests, curl and jq run VideoCraft's documented clients in the compatibility test.
PACKAGES=(ffmpeg espeak-ng fonts-dejavu-core fonts-liberation fontconfig pocketsphinx pocketsphinx-en-us cmake g++ make python3 python3-requests curl jq)
missing=()
command -v ffmpeg >/dev/null 2>&1 || missing+=(ffmpeg)
command -v ffprobe >/dev/null 2>&1 || missing+=(ffmpeg)
command -v espeak-ng >/dev/null 2>&1 || missing+=(espeak-ng)
command -v fc-list >/dev/null 2>&1 || missing+=(fontconfig)
command -v pocketsphinx_continuous >/dev/null 2>&1 || missing+=(pocketsphinx)
[ -d /usr/share/pocketsphinx/model/en-us ] || missing+=(pocketsphinx-en-us)
command -v cmake >/dev/null 2>&1 || missing+=(cmake)
command -v g++ >/dev/null 2>&1 || missing+=(g++)
command -v make >/dev/null 2>&1 || missing+=(make)
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
[ -d /usr/share/fonts/truetype/liberation ] || missing+=(fonts-liberation)
/usr/bin/python3 -c "import requests" >/dev/null 2>&1 || missing+=(python3-requests)
command -v curl >/dev/null 2>&1 || missing+=(curl)
command -v jq >/dev/null 2>&1 || missing+=(jq)

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "videocraft: missing system packages: ${missing[*]}" >&2
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "videocraft: installing ${PACKAGES[*]} with apt-get…" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${PACKAGES[@]}" >/dev/null
  echo "videocraft: system packages installed." >&2
  exit 0
fi

cat >&2 <<MSG
videocraft: cannot install them automatically (need root and apt-get).
Install them yourself, then run the command again:
  Debian/Ubuntu:  sudo apt-get install ${PACKAGES[*]}
  macOS:          brew install ffmpeg espeak-ng cmake (pocketsphinx: see README)
MSG
exit 1
