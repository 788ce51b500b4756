"""Home: a hero and placeholders until the catalog arrives."""

from __future__ import annotations

import reflex as rx

from shop.components.layout import SHOP_NAME, template
from shop.state.session import SessionState
from shop.styles import BRAND_GRADIENT, CARD_STYLE

_TILES = [
    ("Sneakers", "footprints", "var(--violet-4)", "var(--violet-11)"),
    ("Tees & hoodies", "shirt", "var(--pink-4)", "var(--pink-11)"),
    ("Bags", "backpack", "var(--amber-4)", "var(--amber-11)"),
    ("Gifts", "gift", "var(--teal-4)", "var(--teal-11)"),
]


def _hero() -> rx.Component:
    return rx.box(
        rx.vstack(
            rx.badge(
                rx.icon("sparkles", size=14),
                "New season drop",
                radius="full",
                size="2",
                style={"background": "rgba(255,255,255,0.22)", "color": "white"},
            ),
            rx.heading(
                "Bright basics for bold days.",
                size=rx.breakpoints(initial="8", sm="9"),
                color="white",
                letter_spacing="-0.03em",
                line_height="1.05",
                max_width="640px",
            ),
            rx.text(
                f"{SHOP_NAME} picks comfy, colourful everyday gear — made to be worn loud.",
                size="4",
                color="rgba(255,255,255,0.88)",
                max_width="520px",
            ),
            rx.flex(
                rx.link(
                    rx.button(
                        "Shop new arrivals",
                        rx.icon("arrow-right", size=18),
                        size="4",
                        radius="full",
                        high_contrast=True,
                        color_scheme="gray",
                        variant="solid",
                        cursor="pointer",
                        style={"background": "white", "color": "var(--violet-12)"},
                    ),
                    href="/",
                    underline="none",
                ),
                rx.cond(
                    SessionState.signed_in,
                    rx.fragment(),
                    rx.link(
                        rx.button(
                            "Join with an invite",
                            size="4",
                            radius="full",
                            variant="outline",
                            cursor="pointer",
                            style={"color": "white", "box_shadow": "inset 0 0 0 1px white"},
                        ),
                        href="/register",
                        underline="none",
                    ),
                ),
                spacing="3",
                wrap="wrap",
                padding_top="8px",
            ),
            spacing="4",
            align="start",
        ),
        rx.box(
            rx.icon("shopping-bag", size=220, color="rgba(255,255,255,0.16)", stroke_width=1.2),
            position="absolute",
            right=["-60px", "-30px", "32px"],
            bottom=["-50px", "-40px", "-20px"],
            aria_hidden="true",
            pointer_events="none",
        ),
        position="relative",
        overflow="hidden",
        width="100%",
        background=BRAND_GRADIENT,
        border_radius=["24px", "32px"],
        padding=["28px 22px", "40px", "64px"],
        style=CARD_STYLE,
    )


def _tile(label: str, icon: str, bg: str, fg: str) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.center(
                rx.icon(icon, size=28, color=fg),
                background=bg,
                width="56px",
                height="56px",
                border_radius="18px",
            ),
            rx.text(label, weight="bold", size="3"),
            rx.text("Coming soon", size="2", color_scheme="gray"),
            spacing="2",
        ),
        size="3",
        style={"--card-border-radius": "20px"},
    )


@template(route="/", title="Home")
def index() -> rx.Component:
    return rx.vstack(
        _hero(),
        rx.vstack(
            rx.heading("Shop by vibe", size="6", letter_spacing="-0.02em"),
            rx.text(
                "Our full catalog lands soon. Here's a peek at what's coming.",
                color_scheme="gray",
            ),
            rx.grid(
                *[_tile(*t) for t in _TILES],
                columns=rx.breakpoints(initial="2", md="4"),
                spacing="4",
                width="100%",
            ),
            spacing="3",
            width="100%",
            padding_top="16px",
        ),
        spacing="6",
        width="100%",
    )
