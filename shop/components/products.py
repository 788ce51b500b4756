"""Product cards and grids (home, category, collection and search pages)."""

from __future__ import annotations

import reflex as rx
from reflex.vars import Var

from shop.components.feedback import sr_only
from shop.components.media import media_src

IMAGE_PLACEHOLDER_BG = "linear-gradient(135deg, var(--violet-3), var(--pink-3))"


def product_image(src: Var, alt: Var, **props) -> rx.Component:
    """A square image with a soft placeholder when a product has no picture."""
    return rx.cond(
        src != "",
        rx.image(
            src=media_src(src),
            alt=alt,
            width="100%",
            height="100%",
            object_fit="cover",
            **{"loading": "lazy", "decoding": "async", **props},
        ),
        rx.center(
            rx.icon("image", size=32, color="var(--violet-8)"),
            width="100%",
            height="100%",
            background=IMAGE_PLACEHOLDER_BG,
            role="img",
            aria_label=alt,
        ),
    )


def price_tag(price: Var, compare_at: Var, on_sale: Var, *, size: str = "3") -> rx.Component:
    return rx.hstack(
        rx.text(
            price,
            weight="bold",
            size=size,
            color=rx.cond(on_sale, "var(--pink-11)", "var(--gray-12)"),
        ),
        rx.cond(
            on_sale & (compare_at != ""),
            rx.text(
                sr_only("Was "),
                rx.el.s(compare_at),
                size="2",
                color_scheme="gray",
            ),
        ),
        spacing="2",
        align="baseline",
        wrap="wrap",
    )


def product_card(product: Var) -> rx.Component:
    return rx.link(
        rx.vstack(
            rx.box(
                product_image(product.image, product.title),
                rx.cond(
                    product.on_sale,
                    rx.badge(
                        "Sale",
                        color_scheme="pink",
                        variant="solid",
                        radius="full",
                        size="2",
                        position="absolute",
                        top="10px",
                        left="10px",
                    ),
                ),
                rx.cond(
                    ~product.in_stock,
                    rx.badge(
                        "Sold out",
                        color_scheme="gray",
                        variant="solid",
                        radius="full",
                        size="2",
                        position="absolute",
                        top="10px",
                        right="10px",
                        high_contrast=True,
                    ),
                ),
                position="relative",
                width="100%",
                aspect_ratio="1 / 1",
                overflow="hidden",
                border_radius="18px",
                background="var(--gray-3)",
                class_name="product-card-image",
            ),
            rx.vstack(
                rx.text(
                    product.title,
                    size="2",
                    weight="medium",
                    color="var(--gray-12)",
                    style={
                        "display": "-webkit-box",
                        "-webkit-line-clamp": "2",
                        "-webkit-box-orient": "vertical",
                        "overflow": "hidden",
                    },
                ),
                price_tag(product.price, product.compare_at, product.on_sale, size="2"),
                spacing="1",
                width="100%",
                padding_x="2px",
            ),
            spacing="2",
            width="100%",
        ),
        href=product.href,
        underline="none",
        width="100%",
        class_name="product-card",
        style={
            "&:hover .product-card-image img": {"transform": "scale(1.04)"},
            "& .product-card-image img": {"transition": "transform 0.35s ease"},
            "&:focus-visible": {
                "outline": "2px solid var(--accent-8)",
                "outline_offset": "4px",
                "border_radius": "18px",
            },
        },
    )


def product_grid(products: Var, *, columns: dict | None = None) -> rx.Component:
    return rx.grid(
        rx.foreach(products, product_card),
        columns=rx.breakpoints(**(columns or {"initial": "2", "sm": "3", "lg": "4"})),
        spacing=rx.breakpoints(initial="3", sm="5"),
        width="100%",
    )


def skeleton_grid(count: int = 8) -> rx.Component:
    return rx.grid(
        *[
            rx.vstack(
                rx.skeleton(width="100%", aspect_ratio="1 / 1", border_radius="18px"),
                rx.skeleton(height="14px", width="80%"),
                rx.skeleton(height="14px", width="40%"),
                spacing="2",
                width="100%",
            )
            for _ in range(count)
        ],
        columns=rx.breakpoints(initial="2", sm="3", lg="4"),
        spacing=rx.breakpoints(initial="3", sm="5"),
        width="100%",
        aria_busy="true",
        aria_label="Loading products",
    )
