# Sourced by start.sh and test.sh: installs what the project needs, idempotently.
#  - a virtualenv in .venv with the pinned Python dependencies (re-installed when pyproject changes)
#  - bun from the npm registry into .tools/ when no bun is on PATH (Reflex's own download
#    does not work on closed networks), used by Reflex through REFLEX_USE_SYSTEM_BUN
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

PYTHON="${PYTHON:-$(command -v python3.11 || command -v python3)}"
if [ ! -x .venv/bin/python ]; then
  echo "[setup] creating virtualenv with $PYTHON"
  "$PYTHON" -m venv .venv
fi
stamp=".venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  echo "[setup] installing Python dependencies"
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -e ".[test]"
  rm -f .venv/.installed-* && touch "$stamp"
fi

if ! command -v bun >/dev/null 2>&1 && [ ! -x .tools/node_modules/.bin/bun ]; then
  echo "[setup] installing bun from the npm registry into .tools/"
  mkdir -p .tools
  (cd .tools && npm install --no-audit --no-fund --silent bun@1.4.5)
fi
[ -x .tools/node_modules/.bin/bun ] && export PATH="$ROOT/.tools/node_modules/.bin:$PATH"

export PATH="$ROOT/.venv/bin:$PATH"
export REFLEX_USE_SYSTEM_BUN=1
export REFLEX_TELEMETRY_ENABLED=false
