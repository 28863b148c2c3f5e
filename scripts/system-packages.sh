#!/usr/bin/env bash
# Make sure the Debian packages the book needs are installed: fonts for Chinese glyphs, Chromium for the
# browser tests, poppler for PDF checks, XeLaTeX for the PDF. As root this installs them; otherwise it
# prints the exact command to run and fails.
set -euo pipefail
packages=(fonts-noto-cjk fonts-dejavu chromium poppler-utils texlive-xetex texlive-lang-chinese texlive-fonts-recommended
          latexmk)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "Missing Debian packages: ${missing[*]}" >&2
  echo "Run as root: apt-get update && apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 1
fi
echo "Installing Debian packages: ${missing[*]}"
apt-get update -q
DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
# matplotlib caches the font list; a stale cache shows CJK text as boxes.
rm -rf "${HOME:-/root}/.cache/matplotlib"
