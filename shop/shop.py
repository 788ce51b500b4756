"""Builds the Reflex app: storefront and admin pages, with the REST API mounted in front."""

import reflex as rx

import shop.pages  # noqa: F401  (registers the storefront pages)
import shop_admin.pages  # noqa: F401  (registers the admin pages)
from shop.styles import APP_STYLE
from shop_core.api.app import create_api

app = rx.App(
    api_transformer=create_api(),
    style=APP_STYLE,
    html_lang="en",
    toaster=rx.toast.provider(position="top-center", rich_colors=True, close_button=True),
)
