#!/usr/bin/env bash
# One-stop set-up for a fresh machine (Python 3.11 + pip + gcc + git), then run or test Marsad.
#   bash scripts/dev.sh run [marsad run args]   # the whole system locally, on the embedded broker
#   bash scripts/dev.sh test [pytest args]       # the test suite (what CI runs)
#   bash scripts/dev.sh setup                    # set-up only
# Each set-up step logs to .venv-setup.log; when one fails, its last lines are printed and the
# script stops. Ctrl-C stops the whole set-up (pip turns Ctrl-C into a plain failure, which a
# fallback would otherwise swallow).
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${MARSAD_VENV:-.venv}
PY=${PYTHON:-python3}
LOG=${MARSAD_SETUP_LOG:-.venv-setup.log}
TORCH_CPU_INDEX=https://download.pytorch.org/whl/cpu

trap 'echo "dev.sh: interrupted" >&2; exit 130' INT TERM

# step DESCRIPTION COMMAND...: run COMMAND with its output in $LOG; on failure show why and stop.
step() {
  local what=$1
  shift
  echo "dev.sh: $what" >&2
  echo "=== $what: $*" >>"$LOG"
  if ! "$@" >>"$LOG" 2>&1; then
    echo "dev.sh: FAILED: $what. Last lines of $LOG:" >&2
    tail -n 25 "$LOG" >&2
    exit 1
  fi
}

# try DESCRIPTION COMMAND...: like step, but a failure is reported and returns 1 (for fallbacks).
try() {
  local what=$1
  shift
  echo "=== $what: $*" >>"$LOG"
  if ! "$@" >>"$LOG" 2>&1; then
    echo "dev.sh: $what failed (details in $LOG):" >&2
    tail -n 3 "$LOG" | sed 's/^/    /' >&2
    return 1
  fi
}

setup() {
  : >"$LOG"
  if [ ! -x "$VENV/bin/python" ]; then
    step "create the virtual environment $VENV" "$PY" -m venv "$VENV"
  fi
  # Re-install only when the project's dependencies changed.
  stamp="$VENV/.marsad-installed"
  if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    step "upgrade pip" "$VENV/bin/python" -m pip install -q --upgrade pip
    # camel-tools pulls in torch; from PyPI that is the CUDA build (gigabytes). Take the CPU build
    # from PyTorch's CPU index first; say so when that index cannot be reached (and give up on it
    # fast: where only PyPI is reachable, pip's default retries cost minutes per package).
    if "$VENV/bin/python" -c "import torch" >/dev/null 2>&1; then
      echo "dev.sh: torch already installed ($("$VENV/bin/python" -c 'import torch; print(torch.__version__)'))" >&2
    elif try "install CPU-only torch from $TORCH_CPU_INDEX" \
      "$VENV/bin/python" -m pip install -q torch --index-url "$TORCH_CPU_INDEX" --retries 1 --timeout 15; then
      echo "dev.sh: CPU-only torch installed" >&2
    else
      echo "dev.sh: WARNING: no CPU-only torch; pip takes torch from PyPI with the project (may be the large CUDA build)" >&2
    fi
    step "install Marsad and its dependencies (pip install -e .[dev])" \
      "$VENV/bin/python" -m pip install -q -e ".[dev]"
    touch "$stamp"
  fi
  # The name recogniser is trained from the shared ANERcorp (not shipped: its licence is unclear),
  # once, into ~/.cache/marsad; skipped without the shared data.
  step "train the name recogniser if needed (workers/extract/ner.py)" "$VENV/bin/python" -m workers.extract.ner
}

# Debian packages the tests use: prometheus + promtool (scrape, alert and metrics tests),
# prometheus-alertmanager + amtool (marsad alert, compose config check), tmux (terminal display tests). Installed when missing and root (or passwordless sudo) is at hand.
test_tools() {
  local missing=()
  command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
  command -v prometheus-alertmanager >/dev/null 2>&1 || missing+=(prometheus-alertmanager)
  command -v tmux >/dev/null 2>&1 || missing+=(tmux)
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      sudo="sudo"
    else
      echo "note: ${missing[*]} not installed and no root: their tests will skip (CI fails them)" >&2
      return 0
    fi
  fi
  step "apt-get update" $sudo apt-get update -qq
  step "apt-get install ${missing[*]}" $sudo env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends "${missing[@]}"
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
