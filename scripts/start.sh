#!/usr/bin/env bash
# Install everything, migrate, load demo data and run the shop (storefront :3000, API :8000),
# with the periodic-job scheduler (and an RQ worker when REDIS_URL is set) beside it.
source "$(dirname "$0")/bootstrap.sh"
shopctl db upgrade
shopctl seed --demo
trap 'kill $(jobs -p) 2>/dev/null' EXIT
shopctl scheduler &
if [ -n "${REDIS_URL:-}" ]; then shopctl worker & fi
reflex run "$@"
