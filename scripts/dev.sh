#!/usr/bin/env bash
# One-stop set-up for a fresh machine (Python 3.11 + pip + gcc + git), then run or test Marsad.
#   bash scripts/dev.sh run [marsad run args]   # the whole system locally, on the embedded broker
#   bash scripts/dev.sh test [pytest args]       # the test suite (what CI runs)
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${MARSAD_VENV:-.venv}
PY=${PYTHON:-python3}

setup() {
  if [ ! -x "$VENV/bin/python" ]; then
    "$PY" -m venv "$VENV"
  fi
  # Re-install only when the project's dependencies changed.
  stamp="$VENV/.marsad-installed"
  if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    "$VENV/bin/python" -m pip install -q --upgrade pip
    # camel-tools pulls in torch; take a CPU-only build (small) before pip reaches for a CUDA one.
    "$VENV/bin/python" -m pip install -q "torch==2.13.0" 2>/dev/null \
      || "$VENV/bin/python" -m pip install -q torch --index-url https://download.pytorch.org/whl/cpu 2>/dev/null \
      || echo "note: no CPU-only torch wheel found; pip will choose torch itself" >&2
    "$VENV/bin/python" -m pip install -q -e ".[dev]"
    touch "$stamp"
  fi
}

test_tools() {
  # Debian packages for the integration tests: prometheus + promtool (scrape and alert-rule tests),
  # prometheus-alertmanager + amtool (marsad alert against a real Alertmanager, compose config check).
  local missing=()
  command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
  command -v prometheus-alertmanager >/dev/null 2>&1 || missing+=(prometheus-alertmanager)
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo apt-get update -qq >/dev/null && sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "note: ${missing[*]} not installed and no root: their tests will skip (CI fails them)" >&2
  fi
}

cmd=${1:-}
shift || true
case "$cmd" in
  run)
    setup
    exec "$VENV/bin/marsad" run "$@"
    ;;
  test)
    setup
    test_tools
    exec "$VENV/bin/python" -m pytest -q "$@"
    ;;
  setup)
    setup
    ;;
  *)
    echo "usage: bash scripts/dev.sh {run|test|setup} [args]" >&2
    exit 2
    ;;
esac
