"""Reflex configuration: read from shop_core settings, no logic here."""

import reflex as rx

from shop.styles import THEME
from shop_core.settings import get_settings

_settings = get_settings()

config = rx.Config(
    app_name="shop",
    redis_url=_settings.redis_url or None,
    telemetry_enabled=False,
    show_built_with_reflex=False,
    plugins=[
        rx.plugins.SitemapPlugin(),
        rx.plugins.TailwindV4Plugin(),
        rx.plugins.RadixThemesPlugin(theme=THEME),
    ],
)
