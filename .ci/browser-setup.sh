#!/usr/bin/env bash
# Install what the browser suite (tests/browser) needs on a fresh Debian
# machine: Debian's chromium, Playwright for Python (no browser download:
# the suite drives /usr/bin/chromium), and the pinned npm packages
# (local copies of the widget, require.js and MathJax scripts the pages
# load from CDNs, and axe-core). Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  apt-get install -y --no-install-recommends chromium
fi
if ! command -v npm >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  apt-get install -y --no-install-recommends nodejs npm
fi

python -m pip install --quiet playwright==1.65.2

# Exactly the versions in tests/browser/package-lock.json; no install
# scripts are needed by any of them.
npm ci --prefix tests/browser --ignore-scripts --no-audit --no-fund

chromium --version
python -c "from importlib.metadata import version; print('playwright', version('playwright'))"
