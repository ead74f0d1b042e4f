#!/usr/bin/env bash
# Install everything the test suite needs on a fresh Debian machine, then run it.
# Browser tests drive Debian's chromium (never a downloaded browser).
set -euo pipefail
cd "$(dirname "$0")/.."
# Install this checkout (editable) with its test dependencies; skipped when it is installed already
# and pyproject.toml is unchanged since (the stamp lives in build/, which is never committed).
stamp="build/.installed-$(sha256sum pyproject.toml | cut -c1-16)"
if [ ! -e "$stamp" ] || ! python3 -c 'import crisiskit, pathlib, sys
sys.exit(not pathlib.Path(crisiskit.__file__).resolve().is_relative_to(pathlib.Path.cwd().resolve()))' 2>/dev/null; then
  python3 -m pip install --quiet --disable-pip-version-check -e ".[test]"
  mkdir -p build && rm -f build/.installed-* && touch "$stamp"
fi
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
