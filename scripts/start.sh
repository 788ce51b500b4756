#!/usr/bin/env bash
# Install everything, migrate, load demo data and run the shop (storefront :3000, API :8000).
source "$(dirname "$0")/bootstrap.sh"
shopctl db upgrade
shopctl seed --demo
exec reflex run "$@"
