"""Orders: the signed-in history, one order (owner, or guest by ?email=), and /track."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import quote, unquote, urlencode

import pycountry
import reflex as rx

from shop.components.feedback import (
    card,
    empty_panel,
    loading_panel,
    status_badge,
    summary_row,
)
from shop.components.forms import form_alert, submit_button, text_field
from shop.components.layout import auth_card, template
from shop.components.products import product_image
from shop.state.format import day, moment, money, status_color, status_label
from shop.state.services import read
from shop.state.session import client_ip, current_user, query_page
from shop_core import ratelimit
from shop_core.errors import NotFound, RateLimited
from shop_core.orders import service as orders
from shop_core.orders.views import OrderOut

PAID_STATES = orders.PAID_STATES
TRACK_RATE_LIMIT = "20/minute"  # per address: order numbers + emails are not for guessing
TIMELINE_ICONS = {
    "placed": "shopping-bag",
    "paid": "credit-card",
    "shipped": "truck",
    "delivered": "package-check",
    "refunded": "undo-2",
    "cancelled": "circle-x",
    "expired": "clock",
    "payment_failed": "circle-alert",
    "claimed": "user-check",
}


def country_name(code: str) -> str:
    found = pycountry.countries.get(alpha_2=code) if code else None
    return getattr(found, "common_name", None) or getattr(found, "name", code) if found else code


def order_href(number: str, email: str | None = None) -> str:
    base = f"/orders/{quote(number)}"
    return f"{base}?{urlencode({'email': email})}" if email else base


# --- /account/orders ---------------------------------------------------------------------


@dataclass
class OrderRow:
    number: str = ""
    href: str = ""
    date: str = ""
    item_count: str = ""
    total: str = ""
    status: str = ""
    color: str = "gray"


class OrdersState(rx.State):
    loading: bool = True
    rows: list[OrderRow] = []
    page: int = 1
    pages: int = 1

    @rx.event
    async def load(self):
        self.loading = True
        yield
        user = await current_user(self)
        if user is None:
            yield rx.redirect("/login?next=/account/orders")
            return
        page = query_page(self)
        result = await read(lambda s: orders.list_for_user(s, user.id, page=page, per_page=20))
        self.rows = [
            OrderRow(
                number=o.number,
                href=order_href(o.number),
                date=day(o.created_at),
                item_count=f"{o.item_count} item" + ("" if o.item_count == 1 else "s"),
                total=money(o.total, o.currency),
                status=status_label(o.status),
                color=status_color(o.status),
            )
            for o in result.items
        ]
        self.page, self.pages = result.page, result.pages
        self.loading = False


def _order_row(row: OrderRow) -> rx.Component:
    return rx.link(
        rx.hstack(
            rx.center(
                rx.icon("package", size=20, color="var(--violet-11)"),
                width="44px",
                height="44px",
                border_radius="14px",
                background="var(--violet-3)",
                flex_shrink="0",
            ),
            rx.vstack(
                rx.text(row.number, weight="bold", size="3", font_family="var(--code-font-family)"),
                rx.text(row.date, " · ", row.item_count, size="1", color_scheme="gray"),
                spacing="0",
            ),
            rx.spacer(),
            rx.vstack(
                rx.text(row.total, weight="bold", size="2"),
                status_badge(row.status, row.color),
                spacing="1",
                align="end",
            ),
            rx.icon("chevron-right", size=18, color="var(--gray-9)"),
            width="100%",
            align="center",
            spacing="3",
        ),
        href=row.href,
        underline="none",
        color="var(--gray-12)",
        width="100%",
        padding="12px",
        border_radius="16px",
        _hover={"background": "var(--gray-a3)"},
        aria_label="Order " + row.number + ", " + row.status,
    )


@template(route="/account/orders", title="Your orders", on_load=OrdersState.load)
def account_orders() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.vstack(
                rx.heading("Your orders", as_="h1", size="8", letter_spacing="-0.03em"),
                rx.text(
                    "Track parcels, download invoices and see what's next.", color_scheme="gray"
                ),
                spacing="1",
            ),
            rx.spacer(),
            rx.link("Back to your profile", href="/account", size="2"),
            width="100%",
            align="end",
            wrap="wrap",
        ),
        rx.cond(
            OrdersState.loading,
            loading_panel("Loading your orders…"),
            rx.cond(
                OrdersState.rows.length() > 0,
                card(
                    rx.vstack(
                        rx.foreach(OrdersState.rows, _order_row),
                        spacing="1",
                        width="100%",
                    ),
                    size="2",
                ),
                card(
                    empty_panel(
                        "package-open",
                        "No orders yet",
                        "When you place an order, it shows up here with live tracking.",
                        rx.link(
                            rx.button("Start shopping", radius="full", size="3"),
                            href="/",
                            underline="none",
                        ),
                    )
                ),
            ),
        ),
        rx.cond(
            OrdersState.pages > 1,
            rx.hstack(
                rx.cond(
                    OrdersState.page > 1,
                    rx.link(
                        "Newer orders",
                        href="/account/orders?page=" + (OrdersState.page - 1).to_string(),
                    ),
                ),
                rx.spacer(),
                rx.cond(
                    OrdersState.page < OrdersState.pages,
                    rx.link(
                        "Older orders",
                        href="/account/orders?page=" + (OrdersState.page + 1).to_string(),
                    ),
                ),
                width="100%",
            ),
        ),
        spacing="5",
        width="100%",
    )


# --- /orders/<number> ----------------------------------------------------------------------


@dataclass
class LineRow:
    title: str = ""
    variant: str = ""
    sku: str = ""
    image: str = ""
    quantity: int = 0
    unit_price: str = ""
    total: str = ""


@dataclass
class EventRow:
    when: str = ""
    title: str = ""
    message: str = ""
    icon: str = "circle"


@dataclass
class ShipmentRow:
    carrier: str = ""
    tracking_number: str = ""
    tracking_url: str = ""
    shipped: str = ""
    delivered: str = ""


@dataclass
class OrderView:
    number: str = ""
    status: str = ""
    status_key: str = ""
    color: str = "gray"
    placed: str = ""
    email: str = ""
    lines: list[LineRow] = field(default_factory=list)
    subtotal: str = ""
    discount: str = ""
    shipping: str = ""
    tax: str = ""
    total: str = ""
    refunded: str = ""
    method: str = ""
    address: list[str] = field(default_factory=list)
    events: list[EventRow] = field(default_factory=list)
    shipments: list[ShipmentRow] = field(default_factory=list)
    invoice_url: str = ""
    help_url: str = ""


def order_view(o: OrderOut, email: str) -> OrderView:
    c = o.currency
    a = o.shipping_address
    address = [
        a.get("name") or "",
        a.get("line1") or "",
        a.get("line2") or "",
        " ".join(p for p in (a.get("postal_code"), a.get("city")) if p),
        a.get("region") or "",
        country_name(a.get("country") or ""),
    ]
    invoice = ""
    if o.status in PAID_STATES:
        invoice = f"/api/v1/orders/{quote(o.number)}/invoice.pdf?" + urlencode({"email": email})
    return OrderView(
        number=o.number,
        status=status_label(o.status),
        status_key=o.status,
        color=status_color(o.status),
        placed=moment(o.created_at),
        email=o.email,
        lines=[
            LineRow(
                title=i.title,
                variant=i.variant_title,
                sku=i.sku,
                image=i.image or "",
                quantity=i.quantity,
                unit_price=money(i.unit_price, c),
                total=money(i.line_total, c),
            )
            for i in o.items
        ],
        subtotal=money(o.totals.subtotal, c),
        discount=money(o.totals.discount_total, c) if o.totals.discount_total else "",
        shipping="Free" if o.totals.shipping_total == 0 else money(o.totals.shipping_total, c),
        tax=money(o.totals.tax_total, c),
        total=money(o.totals.total, c),
        refunded=money(o.totals.amount_refunded, c) if o.totals.amount_refunded else "",
        method=o.shipping_method.capitalize(),
        address=[line for line in address if line],
        events=[
            EventRow(
                when=moment(e.created_at),
                title=status_label(e.kind) if e.kind != "placed" else "Order placed",
                message=e.message,
                icon=TIMELINE_ICONS.get(e.kind, "circle-dot"),
            )
            for e in reversed(o.timeline)
        ],
        shipments=[
            ShipmentRow(
                carrier=s.carrier,
                tracking_number=s.tracking_number,
                tracking_url=s.tracking_url or "",
                shipped=day(s.shipped_at),
                delivered=day(s.delivered_at),
            )
            for s in o.shipments
        ],
        invoice_url=invoice,
    )


class OrderState(rx.State):
    loading: bool = True
    not_found: bool = False
    order: OrderView = OrderView()

    @rx.event
    async def load(self):
        self.loading = True
        self.not_found = False
        yield
        number = unquote(self.router.url.path.rstrip("/").rsplit("/", 1)[-1])[:20]
        email = self.router.url.query_parameters.get("email", "")[:254] or None
        user = await current_user(self)
        uid = user.id if user else None
        try:
            found = await read(
                lambda s: orders.get_for_customer(s, number, user_id=uid, email=email)
            )
        except NotFound:
            self.not_found = True
            self.loading = False
            return
        view = order_view(found, email or found.email)
        query = {"order": found.number}
        if uid is None or found.email != (user.email if user else None):
            query["email"] = email or found.email
        view.help_url = "/support?" + urlencode(query)
        self.order = view
        self.loading = False


def _progress() -> rx.Component:
    """Placed → paid → shipped → delivered, as far as this order has come."""
    steps = [
        ("Placed", "shopping-bag", ["pending_payment", "paid", "shipped", "delivered"]),
        ("Paid", "credit-card", ["paid", "shipped", "delivered"]),
        ("Shipped", "truck", ["shipped", "delivered"]),
        ("Delivered", "package-check", ["delivered"]),
    ]
    key = OrderState.order.status_key
    items = []
    for i, (label, icon, done_in) in enumerate(steps):
        done = rx.Var.create(done_in).contains(key)
        items.append(
            rx.vstack(
                rx.center(
                    rx.icon(icon, size=18, color=rx.cond(done, "white", "var(--gray-9)")),
                    width="40px",
                    height="40px",
                    border_radius="50%",
                    background=rx.cond(done, "var(--accent-9)", "var(--gray-4)"),
                ),
                rx.text(label, size="1", weight=rx.cond(done, "bold", "regular")),
                align="center",
                spacing="1",
                flex="1",
            )
        )
        if i < len(steps) - 1:
            items.append(
                rx.box(
                    height="3px",
                    flex="1",
                    margin_top="19px",
                    border_radius="2px",
                    background=rx.cond(
                        rx.Var.create(steps[i + 1][2]).contains(key),
                        "var(--accent-9)",
                        "var(--gray-5)",
                    ),
                )
            )
    return rx.hstack(*items, width="100%", align="start", spacing="1", aria_hidden="true")


def _line(line: LineRow) -> rx.Component:
    return rx.hstack(
        rx.box(
            product_image(line.image, line.title),
            width="64px",
            height="64px",
            border_radius="14px",
            overflow="hidden",
            background="var(--gray-3)",
            flex_shrink="0",
        ),
        rx.vstack(
            rx.text(line.title, weight="bold", size="2"),
            rx.text(line.variant, size="1", color_scheme="gray"),
            rx.text(line.quantity, " × ", line.unit_price, size="1", color_scheme="gray"),
            spacing="0",
            min_width="0",
        ),
        rx.spacer(),
        rx.text(line.total, weight="bold", size="2", white_space="nowrap"),
        width="100%",
        align="center",
        spacing="3",
    )


def _shipment(s: ShipmentRow) -> rx.Component:
    return rx.hstack(
        rx.icon("truck", size=20, color="var(--blue-11)"),
        rx.vstack(
            rx.text(s.carrier, " · shipped ", s.shipped, weight="bold", size="2"),
            rx.text("Tracking number ", rx.code(s.tracking_number), size="1", color_scheme="gray"),
            rx.cond(
                s.delivered != "",
                rx.text("Delivered ", s.delivered, size="1", color_scheme="green"),
            ),
            spacing="1",
        ),
        rx.spacer(),
        rx.cond(
            s.tracking_url != "",
            rx.link(
                rx.button(
                    "Track parcel",
                    rx.icon("external-link", size=14),
                    variant="soft",
                    radius="full",
                    size="2",
                ),
                href=s.tracking_url,
                is_external=True,
                underline="none",
            ),
        ),
        width="100%",
        align="center",
        spacing="3",
        wrap="wrap",
    )


def _event(e: EventRow) -> rx.Component:
    return rx.hstack(
        rx.center(
            rx.icon(e.icon, size=16, color="var(--accent-11)"),
            width="32px",
            height="32px",
            border_radius="50%",
            background="var(--accent-3)",
            flex_shrink="0",
        ),
        rx.vstack(
            rx.text(e.title, weight="bold", size="2"),
            rx.text(e.message, size="2", color_scheme="gray"),
            rx.text(e.when, size="1", color_scheme="gray"),
            spacing="0",
        ),
        spacing="3",
        align="start",
        width="100%",
    )


def _order_view() -> rx.Component:
    o = OrderState.order
    header = rx.vstack(
        rx.hstack(
            rx.heading("Order ", rx.code(o.number, size="8", variant="ghost"), as_="h1", size="8"),
            status_badge(o.status, o.color, id="order-status", size="3"),
            spacing="3",
            align="center",
            wrap="wrap",
        ),
        rx.text("Placed ", o.placed, " · ", o.email, size="2", color_scheme="gray"),
        spacing="1",
    )
    items = card(
        rx.vstack(
            rx.heading("Items", as_="h2", size="4"),
            rx.foreach(o.lines, _line),
            rx.separator(size="4"),
            summary_row("Subtotal", o.subtotal),
            rx.cond(o.discount != "", summary_row("Discount", "−" + o.discount)),
            summary_row("Shipping (" + o.method + ")", o.shipping),
            summary_row("Tax", o.tax),
            summary_row("Total", o.total, strong=True),
            rx.cond(
                o.refunded != "", summary_row("Refunded", o.refunded, color="var(--orange-11)")
            ),
            spacing="3",
            width="100%",
        )
    )
    shipments = rx.cond(
        o.shipments.length() > 0,
        card(
            rx.vstack(
                rx.heading("Shipments", as_="h2", size="4"),
                rx.foreach(o.shipments, _shipment),
                spacing="3",
                width="100%",
            )
        ),
    )
    side = rx.vstack(
        card(
            rx.vstack(
                rx.heading("Shipping to", as_="h2", size="4"),
                rx.vstack(
                    rx.foreach(o.address, lambda line: rx.text(line, size="2")),
                    spacing="0",
                ),
                rx.cond(
                    o.invoice_url != "",
                    rx.link(
                        rx.button(
                            rx.icon("file-down", size=16),
                            "Download invoice (PDF)",
                            variant="soft",
                            radius="full",
                            width="100%",
                        ),
                        href=o.invoice_url,
                        is_external=True,
                        underline="none",
                        width="100%",
                    ),
                ),
                spacing="3",
                width="100%",
            )
        ),
        card(
            rx.vstack(
                rx.hstack(
                    rx.icon("messages-square", size=18, color="var(--pink-11)"),
                    rx.heading("Something not right?", as_="h2", size="4"),
                    spacing="2",
                    align="center",
                ),
                rx.text(
                    "Our team answers right here, usually within a day.",
                    size="2",
                    color_scheme="gray",
                ),
                rx.link(
                    rx.button(
                        rx.icon("life-buoy", size=16),
                        "Get help with this order",
                        radius="full",
                        width="100%",
                        color_scheme="pink",
                        cursor="pointer",
                    ),
                    href=o.help_url,
                    underline="none",
                    width="100%",
                    id="order-help",
                ),
                spacing="3",
                width="100%",
            )
        ),
        card(
            rx.vstack(
                rx.heading("Timeline", as_="h2", size="4"),
                rx.foreach(o.events, _event),
                spacing="4",
                width="100%",
            )
        ),
        spacing="4",
        width="100%",
    )
    return rx.vstack(
        header,
        card(_progress()),
        rx.grid(
            rx.vstack(items, shipments, spacing="4", width="100%"),
            side,
            columns=rx.breakpoints(initial="1", md="1fr 360px"),
            spacing="4",
            width="100%",
            align_items="start",
        ),
        spacing="5",
        width="100%",
    )


@template(route="/orders/[order_number]", title="Your order", on_load=OrderState.load)
def order_page() -> rx.Component:
    return rx.cond(
        OrderState.loading,
        loading_panel("Loading your order…"),
        rx.cond(
            OrderState.not_found,
            empty_panel(
                "package-search",
                "We couldn't find that order",
                "Check the order number, or open it with the email address you ordered with.",
                rx.link(
                    rx.button("Track an order", radius="full", size="3"),
                    href="/track",
                    underline="none",
                ),
                tone="pink",
            ),
            _order_view(),
        ),
    )


# --- /track ----------------------------------------------------------------------------------


class TrackState(rx.State):
    error: str = ""
    busy: bool = False
    number: str = ""

    @rx.event
    def load(self):
        self.error, self.busy = "", False
        self.number = self.router.url.query_parameters.get("order", "").strip().upper()[:20]

    @rx.event
    async def submit(self, form_data: dict):
        self.busy, self.error = True, ""
        yield
        number = str(form_data.get("number", "")).strip().upper()[:20]
        email = str(form_data.get("email", "")).strip()[:254]
        if not number or not email:
            self.error = "Enter the order number and the email you ordered with."
            self.busy = False
            return
        try:
            ratelimit.hit(TRACK_RATE_LIMIT, "track", client_ip(self))
        except RateLimited as exc:
            self.error = exc.message
            self.busy = False
            return
        try:
            await read(lambda s: orders.get_for_customer(s, number, user_id=None, email=email))
        except NotFound:
            # Same answer whether the number or the email is wrong: nothing to probe.
            self.error = "We couldn't find an order with that number and email."
            self.busy = False
            return
        self.busy = False
        yield rx.redirect(order_href(number, email))


@template(route="/track", title="Track your order", on_load=TrackState.load)
def track_page() -> rx.Component:
    return auth_card(
        "Track your order",
        "Enter your order number and the email you used at checkout.",
        rx.form(
            rx.vstack(
                text_field(
                    "number",
                    "Order number",
                    placeholder="JNABCD2345",
                    icon="hash",
                    field_id="track-number",
                    default_value=TrackState.number,
                    style={"text_transform": "uppercase", "letter_spacing": "0.06em"},
                    key=TrackState.number,
                ),
                text_field(
                    "email",
                    "Email",
                    type="email",
                    auto_complete="email",
                    placeholder="you@example.com",
                    icon="mail",
                    field_id="track-email",
                ),
                form_alert(TrackState.error),
                submit_button("Find my order", loading=TrackState.busy, icon="package-search"),
                rx.text(
                    "Have an account? ",
                    rx.link("Sign in", href="/login?next=/account/orders"),
                    " to see all your orders.",
                    size="2",
                    color_scheme="gray",
                    align="center",
                    width="100%",
                ),
                spacing="4",
                width="100%",
            ),
            on_submit=TrackState.submit,
            reset_on_submit=False,
            width="100%",
        ),
    )
