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
# --- crisiskit localisation: a CJK font (start) ---
# The browser tests draw Chinese and fail when it comes out as missing-glyph boxes, so a CJK font must be
# installed: Debian's Noto CJK (a system font; the site itself never downloads one). Waits for the dpkg lock.
if ! dpkg-query -W -f='${Status}' fonts-noto-cjk 2>/dev/null | grep -q "install ok installed"; then
  if [ "$(id -u)" = "0" ]; then
    apt-get -o DPkg::Lock::Timeout=600 update -qq
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends \
      fonts-noto-cjk >/dev/null
  else
    echo "no CJK font is installed: run 'sudo apt-get install fonts-noto-cjk' first" >&2
    exit 1
  fi
fi
# --- crisiskit localisation: end ---
export CRISISKIT_CHROMIUM="${CRISISKIT_CHROMIUM:-$(command -v chromium)}"
# Compiled bytecode is kept (in __pycache__/, which git ignores): the suite starts a hundred Python processes
# (command-line runs, the engine's fork servers, pytest's workers), and where the machine sets
# PYTHONDONTWRITEBYTECODE each of them would compile every crisiskit module, and pytest rewrite every test
# module, afresh (about a second of CPU apiece). crisiskit is compiled once, before the workers start.
unset PYTHONDONTWRITEBYTECODE
python3 -m compileall -q generator/crisiskit >/dev/null
# Every core (pytest-xdist), one test file per worker at a time (--dist loadfile), so a module's shared
# build is made once, handed out in collection order (--no-loadscope-reorder: tests/conftest.py puts the
# longest files first; xdist's own order, by number of tests, would leave the longest single test for last);
# every test is bounded by pytest-timeout (pyproject.toml).
exec python3 -m pytest -n auto --dist loadfile --no-loadscope-reorder "$@"
