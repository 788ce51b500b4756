"""Checkout, and the pages the payment provider sends the shopper back to."""

from __future__ import annotations

import reflex as rx

from shop.components.feedback import card, empty_panel, loading_panel, summary_row
from shop.components.forms import field_error, form_alert, text_field
from shop.components.layout import template
from shop.components.products import product_image
from shop.state.cart import CartState
from shop.state.checkout import COUNTRIES, CheckoutState
from shop.state.format import status_color, status_label
from shop.state.services import read
from shop.state.session import current_user
from shop.styles import BRAND_GRADIENT
from shop_core.errors import NotFound
from shop_core.orders import service as orders

ERRORS = CheckoutState.errors


def _step(number: str, title: str, *children: rx.Component) -> rx.Component:
    return card(
        rx.vstack(
            rx.hstack(
                rx.center(
                    rx.text(number, weight="bold", size="2", color="white"),
                    width="28px",
                    height="28px",
                    border_radius="50%",
                    background="var(--accent-9)",
                    flex_shrink="0",
                ),
                rx.heading(title, as_="h2", size="5"),
                spacing="3",
                align="center",
            ),
            *children,
            spacing="4",
            width="100%",
        ),
    )


def _contact() -> rx.Component:
    return _step(
        "1",
        "Contact",
        text_field(
            "email",
            "Email",
            errors=ERRORS,
            type="email",
            auto_complete="email",
            placeholder="you@example.com",
            hint="We send the order confirmation and tracking updates here.",
            default_value=CheckoutState.email,
            field_id="checkout-email",
        ),
        rx.cond(
            ~CheckoutState.signed_in,
            rx.text(
                "Have an account? ",
                rx.link("Sign in", href="/login?next=/checkout", weight="medium"),
                " for saved addresses.",
                size="2",
                color_scheme="gray",
            ),
        ),
    )


def _saved_addresses() -> rx.Component:
    return rx.cond(
        CheckoutState.saved.length() > 0,
        rx.vstack(
            rx.text("Saved addresses", size="2", weight="bold"),
            rx.radio_cards.root(
                rx.foreach(
                    CheckoutState.saved,
                    lambda a: rx.radio_cards.item(
                        rx.vstack(
                            rx.text(a.name, weight="bold", size="2"),
                            rx.text(a.summary, size="1", color_scheme="gray"),
                            spacing="1",
                            align="start",
                            width="100%",
                        ),
                        value=a.id,
                        cursor="pointer",
                    ),
                ),
                rx.radio_cards.item(
                    rx.hstack(rx.icon("plus", size=16), rx.text("A new address", size="2")),
                    value="new",
                    cursor="pointer",
                ),
                value=rx.cond(CheckoutState.saved_choice != "", CheckoutState.saved_choice, "new"),
                on_value_change=CheckoutState.choose_saved,
                columns=rx.breakpoints(initial="1", sm="2"),
                gap="3",
                width="100%",
                aria_label="Saved addresses",
            ),
            spacing="2",
            width="100%",
        ),
    )


def _country_select() -> rx.Component:
    return rx.vstack(
        rx.el.label(
            "Country",
            html_for="ship-country",
            style={"font_size": "var(--font-size-2)", "font_weight": "500"},
        ),
        rx.select.root(
            rx.select.trigger(id="ship-country", width="100%", aria_label="Country"),
            rx.select.content(
                *[rx.select.item(name, value=code) for code, name in COUNTRIES],
            ),
            value=CheckoutState.country,
            on_change=CheckoutState.set_country,
            size="3",
            name="country",
        ),
        field_error(ERRORS, "country", "ship-country"),
        spacing="1",
        width="100%",
    )


def _with_hint(field: rx.Component, name: str, hint) -> rx.Component:
    """A field with a hint that depends on the chosen country (hidden while it has an error)."""
    return rx.vstack(
        field,
        rx.cond(ERRORS.contains(name), rx.fragment(), rx.text(hint, size="1", color_scheme="gray")),
        spacing="1",
        width="100%",
    )


def _address_fields() -> rx.Component:
    chosen = CheckoutState.chosen
    return rx.fragment(
        _country_select(),
        text_field(
            "name",
            "Full name",
            errors=ERRORS,
            auto_complete="shipping name",
            field_id="ship-name",
            default_value=chosen.name,
        ),
        text_field(
            "line1",
            "Street and house number",
            errors=ERRORS,
            auto_complete="shipping address-line1",
            field_id="ship-line1",
            default_value=chosen.line1,
        ),
        text_field(
            "line2",
            "Apartment, suite, etc. (optional)",
            errors=ERRORS,
            auto_complete="shipping address-line2",
            required=False,
            field_id="ship-line2",
            default_value=chosen.line2,
        ),
        rx.grid(
            _with_hint(
                text_field(
                    "postal_code",
                    "Postal code",
                    errors=ERRORS,
                    auto_complete="shipping postal-code",
                    field_id="ship-postal",
                    default_value=chosen.postal_code,
                ),
                "postal_code",
                CheckoutState.postal_hint,
            ),
            text_field(
                "city",
                "City",
                errors=ERRORS,
                auto_complete="shipping address-level2",
                field_id="ship-city",
                default_value=chosen.city,
            ),
            columns=rx.breakpoints(initial="1", sm="2"),
            spacing="3",
            width="100%",
        ),
        rx.box(
            _with_hint(
                text_field(
                    "region",
                    "State / province",
                    errors=ERRORS,
                    auto_complete="shipping address-level1",
                    required=False,
                    field_id="ship-region",
                    default_value=chosen.region,
                ),
                "region",
                rx.cond(CheckoutState.region_required, "Required for this country.", "Optional."),
            ),
            width="100%",
        ),
    )


def _shipping_address() -> rx.Component:
    return _step(
        "2",
        "Shipping address",
        _saved_addresses(),
        # Re-mounted (key) when a saved address is picked, so the fields take its values.
        rx.vstack(_address_fields(), spacing="3", width="100%", key=CheckoutState.form_key),
        rx.cond(
            CheckoutState.signed_in,
            rx.checkbox(
                "Save this address for next time",
                checked=CheckoutState.save_address,
                on_change=CheckoutState.set_save_address,
                size="2",
            ),
        ),
    )


def _shipping_method() -> rx.Component:
    return _step(
        "3",
        "Shipping method",
        rx.radio_cards.root(
            rx.foreach(
                CheckoutState.choices,
                lambda c: rx.radio_cards.item(
                    rx.hstack(
                        rx.vstack(
                            rx.text(c.label, weight="bold", size="2"),
                            rx.text(c.detail, size="1", color_scheme="gray"),
                            spacing="0",
                            align="start",
                        ),
                        rx.spacer(),
                        rx.text(c.price, weight="bold", size="2"),
                        width="100%",
                        align="center",
                    ),
                    value=c.value,
                    cursor="pointer",
                ),
            ),
            value=CheckoutState.shipping_method,
            on_value_change=CheckoutState.set_shipping_method,
            columns=rx.breakpoints(initial="1", sm="2"),
            gap="3",
            width="100%",
            aria_label="Shipping method",
        ),
    )


def _summary_line(line) -> rx.Component:
    return rx.hstack(
        rx.box(
            rx.box(
                product_image(line.image, line.title),
                width="56px",
                height="56px",
                border_radius="12px",
                overflow="hidden",
                background="var(--gray-3)",
            ),
            rx.badge(
                line.quantity,
                radius="full",
                variant="solid",
                color_scheme="gray",
                position="absolute",
                top="-6px",
                right="-6px",
                aria_label="Quantity",
            ),
            position="relative",
            flex_shrink="0",
        ),
        rx.vstack(
            rx.text(line.title, size="2", weight="medium"),
            rx.text(line.variant_title, size="1", color_scheme="gray"),
            spacing="0",
            min_width="0",
        ),
        rx.spacer(),
        rx.text(line.line_total, size="2", weight="medium", white_space="nowrap"),
        width="100%",
        align="center",
        spacing="3",
    )


def _order_summary() -> rx.Component:
    return card(
        rx.vstack(
            rx.heading("Order summary", as_="h2", size="5"),
            rx.vstack(rx.foreach(CartState.lines, _summary_line), spacing="3", width="100%"),
            rx.separator(size="4"),
            summary_row("Subtotal", CheckoutState.subtotal),
            rx.cond(
                CheckoutState.discount != "",
                summary_row("Discount", "−" + CheckoutState.discount, color="var(--green-11)"),
            ),
            summary_row("Shipping", CheckoutState.shipping, id="checkout-shipping"),
            summary_row("Tax", CheckoutState.tax, id="checkout-tax"),
            rx.separator(size="4"),
            summary_row("Total", CheckoutState.total, strong=True, id="checkout-total"),
            form_alert(CheckoutState.error),
            rx.button(
                rx.icon("lock", size=18),
                "Pay ",
                CheckoutState.total,
                type="submit",
                custom_attrs={"form": "checkout-form"},
                size="4",
                radius="full",
                width="100%",
                loading=CheckoutState.placing,
                disabled=CheckoutState.placing | ~CartState.can_check_out,
                cursor="pointer",
                id="pay-button",
            ),
            rx.cond(
                CheckoutState.placing,
                rx.text(
                    "Taking you to the secure payment page…",
                    size="1",
                    color_scheme="gray",
                    role="status",
                ),
                rx.text(
                    "You'll pay on a secure payment page. Totals are confirmed by our server.",
                    size="1",
                    color_scheme="gray",
                ),
            ),
            spacing="3",
            width="100%",
        ),
    )


def _checkout_view() -> rx.Component:
    return rx.grid(
        rx.form(
            rx.vstack(
                _contact(), _shipping_address(), _shipping_method(), spacing="4", width="100%"
            ),
            id="checkout-form",
            on_submit=CheckoutState.place,
            reset_on_submit=False,
            width="100%",
            custom_attrs={"noValidate": True},
        ),
        rx.box(_order_summary(), position=["static", "static", "sticky"], top="96px"),
        columns=rx.breakpoints(initial="1", md="1fr 380px"),
        spacing="5",
        width="100%",
        align_items="start",
    )


@template(route="/checkout", title="Checkout", on_load=CheckoutState.load)
def checkout_page() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.heading("Checkout", as_="h1", size="8", letter_spacing="-0.03em"),
            rx.spacer(),
            rx.link(
                rx.hstack(rx.icon("arrow-left", size=16), rx.text("Back to cart"), spacing="1"),
                href="/cart",
                size="2",
            ),
            width="100%",
            align="center",
        ),
        rx.cond(
            CheckoutState.loading,
            loading_panel("Preparing your checkout…"),
            rx.cond(
                CheckoutState.has_items,
                _checkout_view(),
                card(
                    empty_panel(
                        "shopping-bag",
                        "Your cart is empty",
                        "Add something you love, then come back to check out.",
                        rx.link(
                            rx.button("Start shopping", radius="full", size="3"),
                            href="/search",
                            underline="none",
                        ),
                    )
                ),
            ),
        ),
        spacing="5",
        width="100%",
    )


# --- back from the payment page ----------------------------------------------------------


class ReturnState(rx.State):
    """What /checkout/success and /checkout/cancelled show about the order."""

    number: str = ""
    status: str = ""
    status_label: str = ""
    status_color: str = "gray"
    order_href: str = ""
    loading: bool = True
    can_restore: bool = False
    restoring: bool = False
    _lines: list[tuple[str, int]] = []

    @rx.event
    async def load(self):
        self.loading = True
        self.number = self.router.url.query_parameters.get("order", "").strip().upper()[:20]
        self.status = self.status_label = self.order_href = ""
        self.can_restore, self.restoring, self._lines = False, False, []
        yield
        number = self.number
        if not number:
            self.loading = False
            return
        user = await current_user(self)
        checkout = await self.get_state(CheckoutState)
        email = checkout._placed_orders.get(number)
        uid = user.id if user else None
        self.order_href = f"/track?order={number}"
        if uid is not None or email:
            try:
                order = await read(
                    lambda s: orders.get_for_customer(s, number, user_id=uid, email=email)
                )
            except NotFound:
                order = None
            if order is not None:
                self.status = order.status
                self.status_label = status_label(order.status)
                self.status_color = status_color(order.status)
                self.order_href = (
                    f"/orders/{number}" if uid is not None else f"/orders/{number}?email={email}"
                )
                if order.status not in orders.PAID_STATES:
                    self._lines = [(i.sku, i.quantity) for i in order.items]
                    self.can_restore = bool(self._lines)
        self.loading = False

    @rx.event
    async def restore_cart(self):
        """Put an unpaid order's items back into a cart, so trying again is one click."""
        self.restoring = True
        yield
        cart = await self.get_state(CartState)
        missed = 0
        for sku, quantity in self._lines:
            if await cart._add(sku, quantity) is not None:
                missed += 1
        self.restoring = False
        self.can_restore = False
        if missed:
            yield rx.toast.warning(
                f"{missed} item(s) could not be added back: they are no longer in stock."
            )
        yield rx.redirect("/cart")


def _return_card(icon: str, title: str, text: str, *actions: rx.Component, tone: str):
    return rx.center(
        card(
            rx.vstack(
                rx.center(
                    rx.icon(icon, size=36, color="white"),
                    width="80px",
                    height="80px",
                    border_radius="26px",
                    background=BRAND_GRADIENT if tone == "brand" else f"var(--{tone}-9)",
                ),
                rx.heading(title, as_="h1", size="7", align="center", letter_spacing="-0.02em"),
                rx.text(text, color_scheme="gray", align="center"),
                rx.cond(
                    ReturnState.number != "",
                    rx.vstack(
                        rx.text("Order number", size="1", color_scheme="gray"),
                        rx.code(ReturnState.number, size="6", variant="soft", id="order-number"),
                        rx.cond(
                            ReturnState.status_label != "",
                            rx.badge(
                                ReturnState.status_label,
                                color_scheme=ReturnState.status_color,
                                radius="full",
                                size="2",
                            ),
                        ),
                        spacing="2",
                        align="center",
                    ),
                ),
                rx.flex(*actions, spacing="3", wrap="wrap", justify="center"),
                spacing="4",
                align="center",
                width="100%",
            ),
            max_width="520px",
            size="4",
        ),
        width="100%",
        padding_y=["8px", "24px"],
    )


@template(route="/checkout/success", title="Thank you", on_load=ReturnState.load)
def checkout_success() -> rx.Component:
    return _return_card(
        "party-popper",
        "Thank you — your order is in!",
        "We've emailed your confirmation. We'll let you know as soon as it ships.",
        rx.cond(
            ReturnState.number != "",
            rx.link(
                rx.button(
                    rx.icon("package-search", size=16), "Track your order", radius="full", size="3"
                ),
                href=ReturnState.order_href,
                underline="none",
            ),
        ),
        rx.link(
            rx.button("Keep shopping", radius="full", size="3", variant="soft"),
            href="/",
            underline="none",
        ),
        tone="brand",
    )


@template(route="/checkout/cancelled", title="Payment cancelled", on_load=ReturnState.load)
def checkout_cancelled() -> rx.Component:
    return _return_card(
        "circle-x",
        "Payment not completed",
        "No money was taken and the order was not completed. You can try again whenever you like.",
        rx.cond(
            ReturnState.can_restore,
            rx.button(
                rx.icon("rotate-ccw", size=16),
                "Put the items back in my cart",
                on_click=ReturnState.restore_cart,
                loading=ReturnState.restoring,
                radius="full",
                size="3",
                cursor="pointer",
            ),
            rx.link(
                rx.button(
                    rx.icon("shopping-bag", size=16), "Back to the shop", radius="full", size="3"
                ),
                href="/",
                underline="none",
            ),
        ),
        rx.cond(
            ReturnState.number != "",
            rx.link(
                rx.button("See the order", radius="full", size="3", variant="soft"),
                href=ReturnState.order_href,
                underline="none",
            ),
        ),
        tone="gray",
    )
