#!/usr/bin/env bash
# Install crisiskit and build the sample sites (public and internal, every language) from kits/.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install --quiet --disable-pip-version-check -e .
crisiskit check kits
crisiskit build "$@"
echo
echo "Public site:   $(pwd)/site/public/index.html   (en: site/public/en/, zh-Hant: site/public/zh-Hant/)"
echo "Internal site: $(pwd)/site/internal/index.html (never publish this one)"
echo "Serve them:    python3 -m http.server -d site/public 8000   (or: crisiskit serve, for the internal preview)"
