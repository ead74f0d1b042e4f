#!/usr/bin/env bash
# Install everything the test suite needs on a fresh Debian machine, then run it.
# Browser tests drive Debian's chromium (never a downloaded browser).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install --quiet --disable-pip-version-check -e ".[test]"
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "chromium is not installed: run 'sudo apt-get install chromium' first" >&2
    exit 1
  fi
fi
export CRISISKIT_CHROMIUM="${CRISISKIT_CHROMIUM:-$(command -v chromium)}"
# Every core (pytest-xdist), one test file per worker at a time (--dist loadfile), so a module's shared
# build is made once; every test is bounded by pytest-timeout (pyproject.toml).
exec python3 -m pytest -n auto --dist loadfile "$@"
