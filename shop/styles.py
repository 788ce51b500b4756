"""Look and feel shared by the storefront and the admin: one theme, a few tokens."""

from __future__ import annotations

import reflex as rx

ACCENT = "violet"

THEME = rx.theme(
    appearance="light",
    accent_color=ACCENT,
    gray_color="mauve",
    radius="large",
    scaling="100%",
    has_background=True,
)

FONT_STACK = '"Inter", "Segoe UI", system-ui, -apple-system, "Helvetica Neue", Arial, sans-serif'

# The brand gradient: used sparingly (logo, hero, primary highlights).
BRAND_GRADIENT = "linear-gradient(135deg, #7c3aed 0%, #db2777 55%, #f59e0b 100%)"
SOFT_BACKGROUND = (
    "radial-gradient(circle at 10% 0%, var(--violet-3) 0, transparent 45%),"
    " radial-gradient(circle at 90% 10%, var(--pink-3) 0, transparent 40%), var(--gray-1)"
)

APP_STYLE: dict = {
    "font_family": FONT_STACK,
    "::selection": {"background": "var(--violet-5)"},
}

CARD_STYLE: dict = {
    "--card-border-radius": "20px",
    "box_shadow": "0 1px 2px rgba(23, 15, 50, 0.05), 0 12px 32px -16px rgba(76, 29, 149, 0.25)",
}

# Page widths: phones get 16 px gutters, desktops a centred column.
CONTENT_MAX_WIDTH = "1200px"
GUTTER = ["16px", "16px", "24px", "32px"]
