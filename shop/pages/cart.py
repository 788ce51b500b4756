"""The cart page: every line with a quantity stepper, the subtotal and the way to checkout."""

from __future__ import annotations

import reflex as rx

from shop.components.cart import cart_lines, cart_totals, checkout_button, empty_cart
from shop.components.feedback import card, loading_panel
from shop.components.layout import template
from shop.state.cart import CartState


def _summary() -> rx.Component:
    return card(
        rx.vstack(
            rx.heading("Summary", as_="h2", size="5"),
            cart_totals(),
            checkout_button(),
            rx.cond(
                ~CartState.can_check_out,
                rx.text(
                    "Some items are short on stock: adjust them to continue.",
                    size="1",
                    color_scheme="amber",
                    role="status",
                ),
            ),
            rx.hstack(
                rx.icon("shield-check", size=16, color="var(--green-10)"),
                rx.text("Secure payment · 30-day returns", size="1", color_scheme="gray"),
                spacing="2",
                align="center",
            ),
            spacing="4",
            width="100%",
        ),
    )


@template(route="/cart", title="Your cart", on_load=CartState.refresh)
def cart_page() -> rx.Component:
    return rx.vstack(
        rx.heading("Your cart", as_="h1", size="8", letter_spacing="-0.03em"),
        rx.cond(
            ~CartState.loaded,
            loading_panel("Loading your cart…"),
            rx.cond(
                CartState.is_empty,
                card(empty_cart()),
                rx.grid(
                    card(cart_lines(large=True)),
                    rx.box(_summary()),
                    columns=rx.breakpoints(initial="1", md="1fr 340px"),
                    spacing="5",
                    width="100%",
                    align_items="start",
                ),
            ),
        ),
        spacing="5",
        width="100%",
    )
