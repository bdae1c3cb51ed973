#!/usr/bin/env bash
# Makes sure the programs the renderer, demo and tests shell out to are present.
# Installs them with apt-get when running as root on Debian/Ubuntu; otherwise says exactly what to install.
set -euo pipefail

# Fonts: captions in Latin, Greek and Cyrillic (Liberation, DejaVu) and stand-ins for other scripts:
# FreeFont (Indic, Thai, Ethiopic …), Lohit (Telugu, Kannada), WenQuanYi Micro Hei (CJK), Symbola (emoji).
FONTS=(fonts-dejavu-core fonts-liberation fonts-freefont-ttf fonts-lohit-telu fonts-lohit-knda fonts-wqy-microhei fonts-symbola)
# chromium: the studio's browser test drives Debian's build through playwright-core (no browser download).
PACKAGES=(ffmpeg espeak-ng "${FONTS[@]}" fontconfig pocketsphinx pocketsphinx-en-us cmake g++ make chromium)
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
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
[ -d /usr/share/fonts/truetype/liberation ] || missing+=(fonts-liberation)
[ -e /usr/share/fonts/truetype/freefont/FreeSans.ttf ] || missing+=(fonts-freefont-ttf)
[ -e /usr/share/fonts/truetype/lohit-telugu/Lohit-Telugu.ttf ] || missing+=(fonts-lohit-telu)
[ -e /usr/share/fonts/truetype/lohit-kannada/Lohit-Kannada.ttf ] || missing+=(fonts-lohit-knda)
[ -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || missing+=(fonts-wqy-microhei)
[ -e /usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf ] || missing+=(fonts-symbola)

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
