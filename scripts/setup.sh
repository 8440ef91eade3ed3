#!/usr/bin/env bash
# Prepare this machine for make-book: a virtual environment with the package, and with
# `--test`, everything the test suite runs for real (EPUBCheck's Java, Chromium, poppler,
# Ace by DAISY). Safe to run again: it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

want_tests=0
[ "${1:-}" = "--test" ] && want_tests=1

python=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv"
  "$python" -m venv .venv
fi
stamp=.venv/.installed-$( (cat pyproject.toml; echo "$want_tests") | sha256sum | cut -c1-16)
if [ ! -f "$stamp" ]; then
  echo "setup: installing Python packages"
  .venv/bin/python -m pip install --quiet --upgrade pip
  if [ "$want_tests" = 1 ]; then
    .venv/bin/python -m pip install --quiet -e '.[test]'
  else
    .venv/bin/python -m pip install --quiet -e .
  fi
  rm -f .venv/.installed-*
  touch "$stamp"
fi

[ "$want_tests" = 1 ] || exit 0

# System packages the tests use, installed with apt-get when missing (needs root).
missing=()
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
# The [fonts] tests set books in system fonts, found through fontconfig.
command -v fc-list >/dev/null 2>&1 || missing+=(fontconfig)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf ] || missing+=(fonts-dejavu-core)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSerif-Italic.ttf ] || missing+=(fonts-dejavu-extra)
[ -d /usr/share/fonts/truetype/liberation ] || missing+=(fonts-liberation)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "setup: missing system packages: ${missing[*]}" >&2
    echo "setup: install them with: sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
    exit 3
  fi
  echo "setup: apt-get install ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# Ace by DAISY from the npm registry, driving Debian's Chromium (no browser download).
if [ ! -x tools/ace/node_modules/.bin/ace ]; then
  echo "setup: npm install @daisy/ace-cli"
  (cd tools/ace && PUPPETEER_SKIP_DOWNLOAD=1 npm install --no-audit --no-fund --silent)
fi
