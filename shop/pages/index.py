"""Home: the hero banner, featured collections and the newest arrivals."""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from shop.components.feedback import empty_panel
from shop.components.layout import SHOP_NAME, template
from shop.components.media import media_src
from shop.components.products import product_grid, skeleton_grid
from shop.state.catalog import ProductCard, product_card
from shop.state.services import read
from shop.state.session import SessionState
from shop.styles import BRAND_GRADIENT, CARD_STYLE
from shop_core.catalog import collections, queries
from shop_core.catalog.queries import ProductFilters

NEW_ARRIVALS = 8
FEATURED = 6
# Collections without a picture get one of these (by position), so the row stays colourful.
TILE_COLOURS = [
    ("var(--violet-4)", "var(--violet-11)", "sparkles"),
    ("var(--pink-4)", "var(--pink-11)", "heart"),
    ("var(--amber-4)", "var(--amber-11)", "sun"),
    ("var(--teal-4)", "var(--teal-11)", "leaf"),
    ("var(--blue-4)", "var(--blue-11)", "gem"),
    ("var(--orange-4)", "var(--orange-11)", "flame"),
]


@dataclass
class CollectionTile:
    title: str = ""
    href: str = ""
    blurb: str = ""
    image: str = ""
    count: str = ""
    background: str = ""
    colour: str = ""
    icon: str = "sparkles"


def _home_data(session) -> tuple[list[collections.CollectionOut], list]:
    featured = collections.list_collections(session, featured=True)[:FEATURED]
    newest = queries.list_products(
        session, ProductFilters(), sort="newest", per_page=NEW_ARRIVALS
    ).items
    return featured, newest


class HomeState(rx.State):
    loading: bool = True
    featured: list[CollectionTile] = []
    arrivals: list[ProductCard] = []

    @rx.event
    async def load(self):
        featured, newest = await read(_home_data)
        tiles = []
        for i, c in enumerate(featured):
            bg, fg, icon = TILE_COLOURS[i % len(TILE_COLOURS)]
            blurb = c.description.split(". ")[0][:90] if c.description else ""
            tiles.append(
                CollectionTile(
                    title=c.title,
                    href=f"/collection/{c.slug}",
                    blurb=blurb,
                    image=c.image_url or "",
                    count=f"{c.product_count} products" if c.product_count != 1 else "1 product",
                    background=bg,
                    colour=fg,
                    icon=icon,
                )
            )
        self.featured = tiles
        self.arrivals = [product_card(p) for p in newest]
        self.loading = False


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
                    href="/search?sort=newest",
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


def _collection_tile(tile: CollectionTile) -> rx.Component:
    art = rx.cond(
        tile.image != "",
        rx.image(
            src=media_src(tile.image), alt="", width="100%", height="100%", object_fit="cover"
        ),
        rx.center(
            rx.icon(tile.icon, size=40, color=tile.colour),
            width="100%",
            height="100%",
            background=tile.background,
        ),
    )
    return rx.link(
        rx.vstack(
            rx.box(
                art,
                width="100%",
                aspect_ratio="4 / 3",
                overflow="hidden",
                border_radius="18px",
            ),
            rx.vstack(
                rx.hstack(
                    rx.text(tile.title, weight="bold", size="3", color="var(--gray-12)"),
                    rx.icon("arrow-up-right", size=16, color="var(--gray-10)"),
                    justify="between",
                    width="100%",
                    align="center",
                ),
                rx.text(tile.count, size="1", color_scheme="gray"),
                spacing="0",
                width="100%",
                padding_x="4px",
            ),
            spacing="2",
            width="100%",
        ),
        href=tile.href,
        underline="none",
        width="100%",
        padding="8px",
        role="listitem",
        scroll_snap_align="start",
        border_radius="24px",
        background="var(--color-panel-solid)",
        style={**CARD_STYLE, "transition": "transform 0.2s ease"},
        _hover={"transform": "translateY(-3px)"},
    )


def _section(title: str, subtitle: str, action: rx.Component, body: rx.Component, **props):
    return rx.vstack(
        rx.hstack(
            rx.vstack(
                rx.heading(title, as_="h2", size="6", letter_spacing="-0.02em"),
                rx.text(subtitle, color_scheme="gray", size="2"),
                spacing="1",
            ),
            action,
            justify="between",
            align="end",
            width="100%",
            spacing="3",
        ),
        body,
        spacing="4",
        width="100%",
        padding_top="16px",
        **props,
    )


def _see_all(href: str, label: str = "See all") -> rx.Component:
    return rx.link(
        rx.hstack(rx.text(label), rx.icon("arrow-right", size=16), spacing="1", align="center"),
        href=href,
        size="2",
        weight="medium",
        white_space="nowrap",
    )


@template(
    route="/",
    title="Home",
    description=f"{SHOP_NAME}: bright, comfy everyday gear. New arrivals every week.",
    on_load=HomeState.load,
)
def index() -> rx.Component:
    collections_row = rx.cond(
        HomeState.loading,
        rx.grid(
            *[rx.skeleton(height="220px", border_radius="24px") for _ in range(3)],
            columns=rx.breakpoints(initial="2", md="3"),
            spacing="4",
            width="100%",
        ),
        # Phones swipe through the collections; wider screens see them side by side.
        rx.box(
            rx.foreach(HomeState.featured, _collection_tile),
            display="grid",
            grid_auto_flow=["column", "column", "row"],
            grid_auto_columns=["72%", "45%", "auto"],
            grid_template_columns=["none", "none", "repeat(3, minmax(0, 1fr))"],
            gap=["12px", "16px"],
            overflow_x=["auto", "auto", "visible"],
            scroll_snap_type="x mandatory",
            padding_bottom="8px",
            width="100%",
            role="list",
        ),
    )
    return rx.vstack(
        _hero(),
        rx.cond(
            HomeState.loading | (HomeState.featured.length() > 0),
            _section(
                "Featured collections",
                "Hand-picked edits for every mood.",
                rx.fragment(),
                collections_row,
                id="collections",
            ),
        ),
        _section(
            "New arrivals",
            "Fresh in this week — get them while they last.",
            _see_all("/search?sort=newest"),
            rx.cond(
                HomeState.loading,
                skeleton_grid(NEW_ARRIVALS),
                rx.cond(
                    HomeState.arrivals.length() > 0,
                    product_grid(HomeState.arrivals),
                    empty_panel(
                        "package-open",
                        "New things are on their way",
                        "Our shelves are being stocked. Check back very soon!",
                    ),
                ),
            ),
        ),
        spacing="6",
        width="100%",
    )
