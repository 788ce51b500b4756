#!/usr/bin/env bash
# Install everything (including Debian's chromium for the browser tests) and run the whole suite.
# Uses the embedded defaults unless DATABASE_URL / REDIS_URL are set.
source "$(dirname "$0")/bootstrap.sh"
if ! command -v chromium >/dev/null 2>&1; then
  echo "[setup] installing chromium for the browser tests"
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq chromium >/dev/null
fi
ruff check shop shop_admin shop_core tests
exec python -m pytest "$@"
