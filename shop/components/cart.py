"""Cart lines (shared by the drawer and the /cart page) and the header's cart drawer."""

from __future__ import annotations

import reflex as rx

from shop.components.feedback import summary_row
from shop.components.products import product_image
from shop.state.cart import CartState


def _stepper(line) -> rx.Component:
    busy = CartState.busy_line == line.id
    return rx.hstack(
        rx.icon_button(
            rx.icon("minus", size=14),
            on_click=CartState.set_quantity(line.id, line.quantity - 1),
            disabled=(line.quantity <= 1) | busy,
            variant="soft",
            radius="full",
            size="1",
            aria_label="One fewer " + line.title,
            type="button",
        ),
        rx.cond(
            busy,
            rx.spinner(size="1"),
            rx.text(
                line.quantity,
                size="2",
                weight="bold",
                min_width="20px",
                align="center",
                aria_label="Quantity",
                class_name="cart-line-quantity",
            ),
        ),
        rx.icon_button(
            rx.icon("plus", size=14),
            on_click=CartState.set_quantity(line.id, line.quantity + 1),
            disabled=(line.quantity >= line.max_quantity) | busy,
            variant="soft",
            radius="full",
            size="1",
            aria_label="One more " + line.title,
            type="button",
        ),
        spacing="2",
        align="center",
        padding="3px",
        border="1px solid var(--gray-a5)",
        border_radius="999px",
    )


def cart_line(line, *, large: bool = False) -> rx.Component:
    image_size = "96px" if large else "72px"
    error = CartState.line_errors[line.id.to_string()]
    return rx.hstack(
        rx.link(
            rx.box(
                product_image(line.image, line.title),
                width=image_size,
                height=image_size,
                border_radius="14px",
                overflow="hidden",
                background="var(--gray-3)",
                flex_shrink="0",
            ),
            href=line.href,
            tab_index=-1,
            aria_hidden="true",
        ),
        rx.vstack(
            rx.hstack(
                rx.vstack(
                    rx.link(
                        line.title,
                        href=line.href,
                        size="2",
                        weight="bold",
                        color="var(--gray-12)",
                        underline="hover",
                    ),
                    rx.cond(
                        line.variant_title != "",
                        rx.text(line.variant_title, size="1", color_scheme="gray"),
                    ),
                    spacing="0",
                    min_width="0",
                ),
                rx.spacer(),
                rx.text(line.line_total, size="2", weight="bold", white_space="nowrap"),
                width="100%",
                align="start",
            ),
            rx.hstack(
                _stepper(line),
                rx.text(line.unit_price, " each", size="1", color_scheme="gray"),
                rx.spacer(),
                rx.icon_button(
                    rx.icon("trash-2", size=15),
                    on_click=CartState.remove(line.id),
                    variant="ghost",
                    color_scheme="gray",
                    size="2",
                    aria_label="Remove " + line.title,
                    type="button",
                    cursor="pointer",
                ),
                width="100%",
                align="center",
                spacing="3",
            ),
            rx.cond(
                error,
                rx.text(error, size="1", color_scheme="red", role="alert"),
                rx.cond(
                    line.stock_note != "",
                    rx.text(line.stock_note, size="1", color_scheme="amber"),
                ),
            ),
            spacing="2",
            width="100%",
            min_width="0",
        ),
        spacing="3",
        width="100%",
        align="start",
        class_name="cart-line",
    )


def cart_lines(*, large: bool = False) -> rx.Component:
    return rx.vstack(
        rx.foreach(
            CartState.lines,
            lambda line, i: rx.fragment(
                rx.cond(i > 0, rx.separator(size="4")),
                cart_line(line, large=large),
            ),
        ),
        spacing="4",
        width="100%",
        aria_busy=rx.cond(CartState.refreshing, "true", "false"),
    )


def empty_cart(on_shop=None) -> rx.Component:
    props = {"on_click": on_shop} if on_shop is not None else {}
    return rx.center(
        rx.vstack(
            rx.center(
                rx.icon("shopping-bag", size=32, color="var(--violet-11)"),
                width="72px",
                height="72px",
                border_radius="22px",
                background="var(--violet-3)",
            ),
            rx.heading("Your cart is empty", size="5"),
            rx.text("Fill it with something that makes you smile.", color_scheme="gray"),
            rx.link(
                rx.button("Start shopping", radius="full", size="3", cursor="pointer", **props),
                href="/search",
                underline="none",
            ),
            spacing="3",
            align="center",
        ),
        padding="48px 8px",
        width="100%",
    )


def cart_totals() -> rx.Component:
    return rx.vstack(
        summary_row("Subtotal", CartState.subtotal, id="cart-subtotal"),
        rx.cond(
            CartState.discount != "",
            summary_row("Discount", "−" + CartState.discount, color="var(--green-11)"),
        ),
        rx.text("Shipping and tax are worked out at checkout.", size="1", color_scheme="gray"),
        spacing="2",
        width="100%",
    )


def checkout_button(**props) -> rx.Component:
    return rx.link(
        rx.button(
            rx.icon("lock", size=16),
            "Checkout",
            size="3",
            radius="full",
            width="100%",
            cursor="pointer",
            disabled=~CartState.can_check_out,
        ),
        href="/checkout",
        underline="none",
        width="100%",
        **props,
    )


def cart_button() -> rx.Component:
    """The header's bag button with the live item count; it opens the cart drawer."""
    count = CartState.item_count
    return rx.box(
        rx.icon_button(
            rx.icon("shopping-bag", size=20),
            variant="soft",
            radius="full",
            size="3",
            aria_label="Cart, " + count.to_string() + rx.cond(count == 1, " item", " items"),
            aria_haspopup="dialog",
            cursor="pointer",
            id="cart-button",
            on_click=CartState.open_drawer,
        ),
        rx.cond(
            count > 0,
            rx.badge(
                count,
                variant="solid",
                color_scheme="pink",
                radius="full",
                position="absolute",
                top="-4px",
                right="-4px",
                aria_hidden="true",
                id="cart-count",
                pointer_events="none",
            ),
        ),
        position="relative",
    )


def cart_drawer() -> rx.Component:
    close_drawer = CartState.set_drawer_open(False)
    return rx.drawer.root(
        rx.drawer.overlay(z_index="60"),
        rx.drawer.portal(
            rx.drawer.content(
                rx.vstack(
                    rx.hstack(
                        rx.drawer.title(
                            "Your cart",
                            rx.cond(
                                CartState.item_count > 0,
                                rx.text(
                                    " (", CartState.item_count, ")", as_="span", color_scheme="gray"
                                ),
                            ),
                            size="5",
                            weight="bold",
                        ),
                        rx.spacer(),
                        rx.cond(CartState.refreshing, rx.spinner(size="2")),
                        rx.drawer.close(
                            rx.icon_button(
                                rx.icon("x", size=18),
                                variant="ghost",
                                radius="full",
                                aria_label="Close cart",
                                cursor="pointer",
                            ),
                        ),
                        width="100%",
                        align="center",
                        spacing="2",
                    ),
                    rx.drawer.description(
                        "Review the items in your cart.", style={"display": "none"}
                    ),
                    rx.cond(
                        CartState.is_empty,
                        empty_cart(on_shop=close_drawer),
                        rx.fragment(
                            rx.box(cart_lines(), flex="1", overflow_y="auto", width="100%"),
                            rx.vstack(
                                cart_totals(),
                                rx.box(checkout_button(on_click=close_drawer), width="100%"),
                                rx.link(
                                    "View cart",
                                    href="/cart",
                                    size="2",
                                    align="center",
                                    width="100%",
                                    on_click=close_drawer,
                                ),
                                spacing="3",
                                width="100%",
                                padding_top="12px",
                                border_top="1px solid var(--gray-a4)",
                            ),
                        ),
                    ),
                    spacing="4",
                    height="100%",
                    width="100%",
                ),
                top="0",
                right="0",
                left="auto",
                height="100%",
                width="min(420px, 100vw)",
                padding=["16px", "24px"],
                background="var(--color-panel-solid)",
                border_radius=["0", "24px 0 0 24px"],
                z_index="61",
                id="cart-drawer",
            ),
        ),
        direction="right",
        open=CartState.drawer_open,
        on_open_change=CartState.set_drawer_open,
    )
