#!/usr/bin/env bash
# Install everything, migrate, load demo data and run the shop (storefront :3000, API :8000),
# with the periodic-job scheduler (and an RQ worker when REDIS_URL is set) beside it.
source "$(dirname "$0")/bootstrap.sh"
shopctl db upgrade
shopctl seed --demo
# Development hot reload watches every folder of the project: keep the data folder (SQLite,
# outbox, media) and test output out of it, or each database write restarts the backend.
excluded=()
for path in "${DATA_DIR:-var}" test-artifacts; do
  [ -e "$path" ] && excluded+=("$(cd "$path" && pwd)")
done
REFLEX_HOT_RELOAD_EXCLUDE_PATHS="$(IFS=:; echo "${excluded[*]}")"
export REFLEX_HOT_RELOAD_EXCLUDE_PATHS
trap 'kill $(jobs -p) 2>/dev/null' EXIT
shopctl scheduler &
if [ -n "${REDIS_URL:-}" ]; then shopctl worker & fi
reflex run "$@"
