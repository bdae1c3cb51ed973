#!/usr/bin/env bash
# Makes sure the programs the renderer, demo and tests shell out to are present.
# Installs them with apt-get when running as root on Debian/Ubuntu; otherwise says exactly what to install.
set -euo pipefail

# Fonts: captions in Latin, Greek and Cyrillic (Liberation, DejaVu) and stand-ins for other scripts:
# FreeFont (Indic, Thai, Ethiopic …), Lohit (Telugu, Kannada), WenQuanYi Micro Hei (CJK), Symbola (emoji).
FONTS=(fonts-dejavu-core fonts-liberation fonts-freefont-ttf fonts-lohit-telu fonts-lohit-knda fonts-wqy-microhei fonts-symbola)
# cmake, g++ and make build whisper.cpp; with autoconf, automake, libtool, python3 and xz-utils they also
# build the native part of aws-lambda-ric (scripts/build-lambda-ric.sh, before the tests) that the Lambda
# runtime test runs, the same toolchain the render image's Dockerfile installs for it.
# python3-requests, curl and jq run VideoCraft's documented clients in the compatibility test.
# libespeak-ng-dev builds the test helper that reads espeak-ng's own word timings (alignment ground truth).
# chromium: the studio's browser test drives Debian's build through playwright-core (no browser download).
PACKAGES=(ffmpeg espeak-ng libespeak-ng-dev "${FONTS[@]}" fontconfig pocketsphinx pocketsphinx-en-us cmake g++ make autoconf automake libtool python3 xz-utils python3-requests curl jq chromium)
missing=()
command -v ffmpeg >/dev/null 2>&1 || missing+=(ffmpeg)
command -v ffprobe >/dev/null 2>&1 || missing+=(ffmpeg)
command -v espeak-ng >/dev/null 2>&1 || missing+=(espeak-ng)
# The alignment tests read espeak-ng's own word timings through its library (test/support).
[ -e /usr/include/espeak-ng/speak_lib.h ] || missing+=(libespeak-ng-dev)
command -v fc-list >/dev/null 2>&1 || missing+=(fontconfig)
command -v pocketsphinx_continuous >/dev/null 2>&1 || missing+=(pocketsphinx)
[ -d /usr/share/pocketsphinx/model/en-us ] || missing+=(pocketsphinx-en-us)
command -v cmake >/dev/null 2>&1 || missing+=(cmake)
command -v g++ >/dev/null 2>&1 || missing+=(g++)
command -v make >/dev/null 2>&1 || missing+=(make)
command -v autoreconf >/dev/null 2>&1 || missing+=(autoconf)
command -v automake >/dev/null 2>&1 || missing+=(automake)
command -v libtoolize >/dev/null 2>&1 || missing+=(libtool)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
command -v xz >/dev/null 2>&1 || missing+=(xz-utils)
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
[ -d /usr/share/fonts/truetype/liberation ] || missing+=(fonts-liberation)
[ -e /usr/share/fonts/truetype/freefont/FreeSans.ttf ] || missing+=(fonts-freefont-ttf)
[ -e /usr/share/fonts/truetype/lohit-telugu/Lohit-Telugu.ttf ] || missing+=(fonts-lohit-telu)
[ -e /usr/share/fonts/truetype/lohit-kannada/Lohit-Kannada.ttf ] || missing+=(fonts-lohit-knda)
[ -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || missing+=(fonts-wqy-microhei)
[ -e /usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf ] || missing+=(fonts-symbola)
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
