"""One order for staff: items, totals, payments and refunds, shipments, the timeline with
internal notes, and the lifecycle actions (ship, deliver, refund, cancel, invoice).

A refund is confirmed before it runs, and runs through `idempotency.run_once` with a key
kept in backend state for the open refund dialog: a double click, a retry after a lost
connection or a second tab's replay of the same dialog refunds once.
"""

from __future__ import annotations

import asyncio
import dataclasses
import uuid
from typing import Any, ClassVar

import reflex as rx

from shop.components.media import media_src
from shop.state.services import read, write
from shop_admin.components.forms import error_summary, input_field, textarea_field
from shop_admin.components.layout import admin_page, loading_missing_or
from shop_admin.components.tables import titled_card
from shop_admin.errors import explain
from shop_admin.formatting import fmt_money, fmt_time, money_text, parse_count, parse_money
from shop_admin.guard import admin_event
from shop_admin.pages.orders import order_status_badge, status_label
from shop_core.accounts.roles import Perm
from shop_core.accounts.service import UserView
from shop_core.errors import DomainError, InvalidInput
from shop_core.orders import invoices
from shop_core.orders import service as orders
from shop_core.orders.views import OrderOut

SHIPPABLE = {"paid", "shipped", "partially_refunded"}
CANCELLABLE = {"pending_payment", "paid"}
TIMELINE_ICONS = {
    "placed": "shopping-bag",
    "paid": "credit-card",
    "shipped": "truck",
    "delivered": "package-check",
    "refunded": "undo-2",
    "cancelled": "circle-x",
    "note": "sticky-note",
    "payment_mismatch": "triangle-alert",
    "stock_short": "triangle-alert",
    "expired": "timer-off",
    "payment_failed": "circle-alert",
    "claimed": "user-check",
}


@dataclasses.dataclass
class LineRow:
    sku: str
    title: str
    variant: str
    image: str
    quantity: int
    unit: str
    total: str


@dataclasses.dataclass
class TotalRow:
    label: str
    amount: str
    strong: bool


@dataclasses.dataclass
class RefundRow:
    when: str
    amount: str
    reason: str
    restocked: bool


@dataclasses.dataclass
class ShipmentRow:
    carrier: str
    tracking: str
    url: str
    shipped: str
    delivered: str


@dataclasses.dataclass
class EventRow:
    when: str
    kind: str
    icon: str
    message: str
    internal: bool


@dataclasses.dataclass
class RestockLine:
    sku: str
    title: str
    ordered: int
    quantity: str = ""
    error: str = ""


def _address_lines(address: dict[str, Any]) -> list[str]:
    city = " ".join(str(address.get(k) or "") for k in ("postal_code", "city")).strip()
    parts = [
        address.get("name"),
        address.get("line1"),
        address.get("line2"),
        city,
        address.get("region"),
        address.get("country"),
    ]
    return [str(p) for p in parts if p]


class OrderDetailState(rx.State):
    PERMISSION: ClassVar[Perm] = Perm.ORDERS_MANAGE

    number: str = ""
    loading: bool = False
    missing: bool = False
    can_manage: bool = False
    status: str = ""
    email: str = ""
    currency: str = "EUR"
    created: str = ""
    paid: str = ""
    provider: str = ""
    shipping_method: str = ""
    address: list[str] = []
    needs_attention: bool = False
    has_invoice: bool = False
    refundable: int = 0
    items: list[LineRow] = []
    totals: list[TotalRow] = []
    refunds: list[RefundRow] = []
    shipments: list[ShipmentRow] = []
    timeline: list[EventRow] = []

    # Dialogs: "" | "ship" | "deliver" | "refund" | "cancel"
    dialog: str = ""
    refund_step: str = "edit"  # "edit" → "confirm"
    carrier: str = ""
    tracking: str = ""
    refund_amount: str = ""
    refund_reason: str = ""
    restock: list[RestockLine] = []
    cancel_reason: str = ""
    note: str = ""
    errors: dict[str, str] = {}
    messages: list[str] = []
    working: bool = False
    _refund_key: str = ""

    @rx.var
    def can_ship(self) -> bool:
        return self.status in SHIPPABLE

    @rx.var
    def can_deliver(self) -> bool:
        return self.status == "shipped"

    @rx.var
    def can_refund(self) -> bool:
        return self.status in orders.PAID_STATES and self.refundable > 0

    @rx.var
    def can_cancel(self) -> bool:
        return self.status in CANCELLABLE

    @rx.var
    def refundable_text(self) -> str:
        return fmt_money(self.refundable, self.currency)

    @rx.var
    def refund_summary(self) -> str:
        try:
            amount = parse_money(self.refund_amount, self.currency)
        except ValueError:
            return ""
        return fmt_money(amount or 0, self.currency)

    @rx.var
    def restock_summary(self) -> str:
        lines = []
        for line in self.restock:
            try:
                quantity = parse_count(line.quantity) or 0
            except ValueError:
                continue
            if quantity:
                lines.append(f"{quantity} × {line.sku}")
        return ", ".join(lines)

    @rx.var
    def status_text(self) -> str:
        return status_label(self.status)

    def _fill(self, o: OrderOut) -> None:
        c = o.currency
        self.number, self.status, self.email, self.currency = o.number, o.status, o.email, c
        self.created, self.paid = fmt_time(o.created_at), fmt_time(o.paid_at, "Not paid")
        self.provider, self.shipping_method = o.payment_provider, o.shipping_method
        self.address = _address_lines(o.shipping_address)
        self.needs_attention = o.needs_attention
        self.has_invoice = o.paid_at is not None
        self.refundable = max(0, o.totals.amount_paid - o.totals.amount_refunded)
        self.items = [
            LineRow(
                sku=i.sku,
                title=i.title,
                variant=i.variant_title,
                image=i.image or "",
                quantity=i.quantity,
                unit=fmt_money(i.unit_price, c),
                total=fmt_money(i.line_total, c),
            )
            for i in o.items
        ]
        t = o.totals
        rows = [
            ("Subtotal", t.subtotal, False),
            ("Discounts", -t.discount_total, False),
            ("Shipping", t.shipping_total, False),
            ("Tax", t.tax_total, False),
            ("Total", t.total, True),
            ("Paid", t.amount_paid, False),
            ("Refunded", -t.amount_refunded, False),
        ]
        self.totals = [
            TotalRow(label=name, amount=fmt_money(amount, c), strong=strong)
            for name, amount, strong in rows
            if amount or name in ("Subtotal", "Total")
        ]
        self.refunds = [
            RefundRow(
                when=fmt_time(r.created_at),
                amount=fmt_money(r.amount, c),
                reason=r.reason or "—",
                restocked=r.restocked,
            )
            for r in o.refunds
        ]
        self.shipments = [
            ShipmentRow(
                carrier=s.carrier,
                tracking=s.tracking_number,
                url=s.tracking_url or "",
                shipped=fmt_time(s.shipped_at),
                delivered=fmt_time(s.delivered_at, ""),
            )
            for s in o.shipments
        ]
        self.timeline = [
            EventRow(
                when=fmt_time(e.created_at),
                kind=e.kind,
                icon=TIMELINE_ICONS.get(e.kind, "circle-dot"),
                message=e.message,
                internal=e.internal,
            )
            for e in reversed(o.timeline)
        ]

    async def _reload(self) -> None:
        number = self.number
        self._fill(await read(lambda s: orders.get_for_staff(s, number)))

    def _route_number(self) -> str:
        return self.router.url.path.rstrip("/").rsplit("/", 1)[-1].strip().upper()[:40]

    @rx.event
    @admin_event(Perm.ORDERS_VIEW)
    async def load(self, actor: UserView):
        self.loading, self.missing, self.dialog = True, False, ""
        self.errors, self.messages, self.note = {}, [], ""
        self.can_manage = actor.can(Perm.ORDERS_MANAGE)
        yield
        number = self._route_number()
        try:
            detail = await read(lambda s: orders.get_for_staff(s, number))
        except DomainError:
            self.missing, self.loading = True, False
            self.number = number
            return
        self._fill(detail)
        self.loading = False

    # --- dialogs ---------------------------------------------------------------------------------

    @rx.event
    @admin_event(Perm.ORDERS_MANAGE)
    async def open_dialog(self, actor: UserView, name: str):
        if name not in ("ship", "deliver", "refund", "cancel"):
            return
        self.dialog, self.errors, self.messages = name, {}, []
        if name == "ship":
            self.carrier, self.tracking = "", ""
        elif name == "refund":
            self.refund_step = "edit"
            self.refund_amount = money_text(self.refundable, self.currency)
            self.refund_reason = ""
            self.restock = [
                RestockLine(sku=i.sku, title=f"{i.title} {i.variant}".strip(), ordered=i.quantity)
                for i in self.items
            ]
            self._refund_key = uuid.uuid4().hex  # one refund per opened dialog
        elif name == "cancel":
            self.cancel_reason = ""

    @rx.event
    @admin_event(Perm.ORDERS_MANAGE)
    async def close_dialog(self, actor: UserView):
        if not self.working:
            self.dialog, self._refund_key = "", ""

    @rx.event
    @admin_event(Perm.ORDERS_MANAGE)
    async def set_open(self, actor: UserView, is_open: bool):
        if not is_open and not self.working:
            self.dialog, self._refund_key = "", ""

    @rx.event
    @admin_event(Perm.ORDERS_VIEW)
    async def set_note(self, actor: UserView, value: str):
        self.note = str(value)[:5000]
        self.errors = {k: v for k, v in self.errors.items() if k != "message"}

    @rx.event
    @admin_event(Perm.ORDERS_MANAGE)
    async def set_field(self, actor: UserView, field: str, value: str):
        if field in ("carrier", "tracking", "refund_amount", "refund_reason", "cancel_reason"):
            setattr(self, field, str(value)[:500])
            key = {"tracking": "tracking_number", "refund_amount": "amount"}.get(field, field)
            self.errors = {k: v for k, v in self.errors.items() if k != key}
            if field in ("refund_amount", "refund_reason"):
                self.refund_step = "edit"

    @rx.event
    @admin_event(Perm.ORDERS_MANAGE)
    async def set_restock(self, actor: UserView, sku: str, value: str):
        self.restock = [
            dataclasses.replace(line, quantity=str(value)[:6], error="")
            if line.sku == sku
            else line
            for line in self.restock
        ]
        self.refund_step = "edit"

    # --- actions ---------------------------------------------------------------------------------

    def _fail(self, exc: Exception, fields_map: dict[str, str] | None = None) -> Any:
        message, fields = explain(exc)
        fields = {(fields_map or {}).get(k, k): v for k, v in fields.items()}
        self.errors = fields
        self.messages = [message] if not fields else []
        self.working = False
        return rx.toast.error(message)

    @rx.event
    @admin_event(Perm.ORDERS_MANAGE)
    async def ship(self, actor: UserView):
        number, carrier, tracking = self.number, self.carrier, self.tracking
        self.working = True
        yield
        try:
            await write(
                lambda s: orders.add_shipment(
                    s, number, carrier=carrier, tracking_number=tracking, actor_id=actor.id
                )
            )
        except DomainError as exc:
            yield self._fail(exc)
            return
        self.working, self.dialog = False, ""
        await self._reload()
        yield rx.toast.success(
            f"{number} is shipped; the customer gets an email with the tracking."
        )

    @rx.event
    @admin_event(Perm.ORDERS_MANAGE)
    async def deliver(self, actor: UserView):
        number = self.number
        self.working = True
        yield
        try:
            await write(lambda s: orders.mark_delivered(s, number, actor_id=actor.id))
        except DomainError as exc:
            yield self._fail(exc)
            return
        self.working, self.dialog = False, ""
        await self._reload()
        yield rx.toast.success(f"{number} is marked delivered.")

    def _refund_request(self) -> tuple[int, list[tuple[str, int]]]:
        errors: dict[str, str] = {}
        amount = None
        try:
            amount = parse_money(self.refund_amount, self.currency)
        except ValueError as exc:
            errors["amount"] = str(exc)
        if amount is None and "amount" not in errors:
            errors["amount"] = "Enter the amount to refund."
        elif amount is not None and amount <= 0:
            errors["amount"] = "Refund more than zero."
        elif amount is not None and amount > self.refundable:
            errors["amount"] = f"At most {fmt_money(self.refundable, self.currency)}."
        lines: list[tuple[str, int]] = []
        checked = []
        for line in self.restock:
            try:
                quantity = parse_count(line.quantity) or 0
                if quantity > line.ordered:
                    raise ValueError(f"At most {line.ordered}.")
            except ValueError as exc:
                errors["restock"] = "Check the quantities to put back in stock."
                checked.append(dataclasses.replace(line, error=str(exc)))
                continue
            checked.append(dataclasses.replace(line, error=""))
            if quantity:
                lines.append((line.sku, quantity))
        self.restock = checked
        if errors:
            raise InvalidInput("Check the refund.", fields=errors)
        return amount or 0, lines

    @rx.event
    @admin_event(Perm.ORDERS_MANAGE)
    async def review_refund(self, actor: UserView):
        try:
            self._refund_request()
        except DomainError as exc:
            return self._fail(exc)
        self.errors, self.messages = {}, []
        self.refund_step = "confirm"
        return None

    @rx.event
    @admin_event(Perm.ORDERS_MANAGE)
    async def back_to_refund(self, actor: UserView):
        self.refund_step = "edit"

    @rx.event
    @admin_event(Perm.ORDERS_MANAGE)
    async def refund(self, actor: UserView):
        if self.dialog != "refund" or self.refund_step != "confirm" or not self._refund_key:
            return
        number, reason, key = self.number, self.refund_reason.strip(), self._refund_key
        try:
            amount, lines = self._refund_request()
        except DomainError as exc:
            self.refund_step = "edit"
            yield self._fail(exc)
            return
        self.working = True
        yield
        try:
            await asyncio.to_thread(
                orders.refund_once,
                number,
                amount=amount,
                reason=reason,
                restock=lines,
                idempotency_key=f"admin-{key}",
                actor_id=actor.id,
            )
        except DomainError as exc:
            self.refund_step = "edit"
            yield self._fail(exc, {"quantity": "restock"})
            return
        self.working, self.dialog, self._refund_key = False, "", ""
        await self._reload()
        yield rx.toast.success(f"Refunded {fmt_money(amount, self.currency)} on {number}.")

    @rx.event
    @admin_event(Perm.ORDERS_MANAGE)
    async def cancel(self, actor: UserView):
        number, reason = self.number, self.cancel_reason.strip()
        if not reason:
            self.errors = {"cancel_reason": "Say why, for the timeline."}
            return
        self.working = True
        yield
        try:
            await write(lambda s: orders.cancel(s, number, reason=reason, actor_id=actor.id))
        except DomainError as exc:
            yield self._fail(exc, {"reason": "cancel_reason"})
            return
        self.working, self.dialog = False, ""
        await self._reload()
        yield rx.toast.success(f"{number} is cancelled.")

    @rx.event
    @admin_event(Perm.ORDERS_VIEW)
    async def add_note(self, actor: UserView):
        number, message = self.number, self.note
        try:
            await write(lambda s: orders.add_note(s, number, message=message, actor_id=actor.id))
        except DomainError as exc:
            message_, fields = explain(exc)
            self.errors = {"message": fields.get("message", message_)}
            return rx.toast.error(message_)
        self.note = ""
        self.errors = {}
        await self._reload()
        return rx.toast.success("Note added. Only staff can see it.")

    @rx.event
    @admin_event(Perm.ORDERS_VIEW)
    async def download_invoice(self, actor: UserView):
        number = self.number
        try:
            await read(lambda s: orders.get_for_staff(s, number))  # still there, still visible
            path = await asyncio.to_thread(invoices.invoice_file, number)
            data = await asyncio.to_thread(path.read_bytes)
        except DomainError as exc:
            return rx.toast.error(exc.message)
        return rx.download(data=data, filename=f"invoice-{number}.pdf", mime_type="application/pdf")


S = OrderDetailState


# --- components --------------------------------------------------------------------------------


def _item(line: LineRow) -> rx.Component:
    return rx.hstack(
        rx.cond(
            line.image != "",
            rx.image(
                src=media_src(line.image),
                alt="",
                width="52px",
                height="52px",
                object_fit="cover",
                border_radius="12px",
                flex_shrink="0",
            ),
            rx.center(
                rx.icon("package", size=18, color="var(--gray-9)"),
                width="52px",
                height="52px",
                border_radius="12px",
                background="var(--gray-3)",
                flex_shrink="0",
            ),
        ),
        rx.vstack(
            rx.text(line.title, weight="medium", size="2"),
            rx.text(
                line.variant,
                " · ",
                rx.code(line.sku, size="1", variant="ghost"),
                size="1",
                color_scheme="gray",
            ),
            spacing="0",
            flex="1",
            min_width="0",
        ),
        rx.vstack(
            rx.text(
                line.quantity, " × ", line.unit, size="1", color_scheme="gray", white_space="nowrap"
            ),
            rx.text(line.total, size="2", weight="medium", white_space="nowrap"),
            spacing="0",
            align="end",
        ),
        spacing="3",
        align="center",
        width="100%",
    )


def _totals() -> rx.Component:
    return rx.vstack(
        rx.foreach(
            S.totals,
            lambda t: rx.hstack(
                rx.text(
                    t.label,
                    size=rx.cond(t.strong, "3", "2"),
                    weight=rx.cond(t.strong, "bold", "regular"),
                    color_scheme="gray",
                ),
                rx.text(
                    t.amount,
                    size=rx.cond(t.strong, "3", "2"),
                    weight=rx.cond(t.strong, "bold", "regular"),
                ),
                justify="between",
                width="100%",
            ),
        ),
        spacing="1",
        width="100%",
        padding_top="8px",
        border_top="1px dashed var(--gray-a6)",
    )


def _action(shown, icon: str, label: str, dialog: str, element_id: str, **style) -> rx.Component:
    """A lifecycle button that opens its dialog, shown only when the order allows it."""
    return rx.cond(
        shown,
        rx.button(
            rx.icon(icon, size=16),
            label,
            on_click=S.open_dialog(dialog),
            cursor="pointer",
            id=element_id,
            **style,
        ),
    )


def _actions() -> rx.Component:
    return rx.flex(
        _action(S.can_ship, "truck", "Ship", "ship", "order-ship"),
        _action(
            S.can_deliver,
            "package-check",
            "Mark delivered",
            "deliver",
            "order-deliver",
            variant="soft",
        ),
        _action(
            S.can_refund,
            "undo-2",
            "Refund",
            "refund",
            "order-refund",
            variant="soft",
            color_scheme="orange",
        ),
        _action(
            S.can_cancel,
            "circle-x",
            "Cancel order",
            "cancel",
            "order-cancel",
            variant="soft",
            color_scheme="red",
        ),
        gap="8px",
        wrap="wrap",
    )


def _header() -> rx.Component:
    return rx.flex(
        rx.hstack(
            rx.link(
                rx.icon_button(
                    rx.icon("arrow-left", size=18),
                    variant="soft",
                    size="3",
                    aria_label="Back to orders",
                    cursor="pointer",
                    tab_index=-1,
                ),
                href="/admin/orders",
                aria_label="Back to orders",
            ),
            rx.vstack(
                rx.hstack(
                    rx.heading(S.number, size="6", as_="h2"),
                    order_status_badge(S.status, S.status_text),
                    rx.cond(
                        S.needs_attention,
                        rx.badge(
                            rx.icon("flag", size=12),
                            "needs attention",
                            color_scheme="red",
                            radius="full",
                        ),
                    ),
                    spacing="2",
                    align="center",
                    wrap="wrap",
                ),
                rx.text("Placed ", S.created, " by ", S.email, size="2", color_scheme="gray"),
                spacing="1",
                min_width="0",
            ),
            spacing="3",
            align="center",
            min_width="0",
        ),
        rx.flex(
            rx.cond(
                S.has_invoice,
                rx.button(
                    rx.icon("file-text", size=16),
                    "Invoice PDF",
                    variant="outline",
                    on_click=S.download_invoice,
                    cursor="pointer",
                    id="order-invoice",
                ),
            ),
            rx.cond(S.can_manage, _actions()),
            gap="8px",
            wrap="wrap",
        ),
        direction=rx.breakpoints(initial="column", md="row"),
        justify="between",
        align=rx.breakpoints(initial="start", md="center"),
        gap="12px",
        width="100%",
    )


def _payments() -> rx.Component:
    return titled_card(
        "Payment & refunds",
        "credit-card",
        rx.grid(
            rx.vstack(
                rx.text("Paid", size="1", color_scheme="gray"),
                rx.text(S.paid, size="2"),
                spacing="0",
            ),
            rx.vstack(
                rx.text("Provider", size="1", color_scheme="gray"),
                rx.text(S.provider, size="2"),
                spacing="0",
            ),
            rx.vstack(
                rx.text("Still refundable", size="1", color_scheme="gray"),
                rx.text(S.refundable_text, size="2", weight="medium"),
                spacing="0",
            ),
            columns=rx.breakpoints(initial="1", xs="3"),
            spacing="3",
            width="100%",
        ),
        rx.cond(
            S.refunds.length() > 0,
            rx.vstack(
                rx.foreach(
                    S.refunds,
                    lambda r: rx.hstack(
                        rx.icon("undo-2", size=16, color="var(--orange-11)"),
                        rx.vstack(
                            rx.text(r.amount, " · ", r.reason, size="2", weight="medium"),
                            rx.text(
                                r.when,
                                rx.cond(r.restocked, " · items restocked", ""),
                                size="1",
                                color_scheme="gray",
                            ),
                            spacing="0",
                        ),
                        spacing="2",
                        align="start",
                    ),
                ),
                spacing="2",
                width="100%",
                id="order-refunds",
            ),
            rx.text("No refunds.", size="2", color_scheme="gray"),
        ),
    )


def _shipping() -> rx.Component:
    return titled_card(
        "Shipping",
        "truck",
        rx.grid(
            rx.vstack(
                rx.text("Ship to", size="1", color_scheme="gray"),
                rx.foreach(S.address, lambda line: rx.text(line, size="2")),
                spacing="0",
            ),
            rx.vstack(
                rx.text("Method", size="1", color_scheme="gray"),
                rx.text(S.shipping_method, size="2"),
                spacing="0",
            ),
            columns=rx.breakpoints(initial="1", xs="2"),
            spacing="3",
            width="100%",
        ),
        rx.cond(
            S.shipments.length() > 0,
            rx.vstack(
                rx.foreach(
                    S.shipments,
                    lambda sh: rx.hstack(
                        rx.icon("package", size=16, color="var(--blue-11)"),
                        rx.vstack(
                            rx.text(
                                sh.carrier,
                                " · ",
                                rx.cond(
                                    sh.url != "",
                                    rx.link(sh.tracking, href=sh.url, is_external=True),
                                    rx.code(sh.tracking),
                                ),
                                size="2",
                                weight="medium",
                            ),
                            rx.text(
                                "Shipped ",
                                sh.shipped,
                                rx.cond(
                                    sh.delivered != "",
                                    " · delivered " + sh.delivered,
                                    " · in transit",
                                ),
                                size="1",
                                color_scheme="gray",
                            ),
                            spacing="0",
                        ),
                        spacing="2",
                        align="start",
                    ),
                ),
                spacing="2",
                width="100%",
                id="order-shipments",
            ),
            rx.text("Not shipped yet.", size="2", color_scheme="gray"),
        ),
    )


def _event(e: EventRow) -> rx.Component:
    return rx.hstack(
        rx.center(
            rx.icon(e.icon, size=14),
            width="28px",
            height="28px",
            border_radius="999px",
            background=rx.cond(e.internal, "var(--amber-4)", "var(--accent-4)"),
            color=rx.cond(e.internal, "var(--amber-11)", "var(--accent-11)"),
            flex_shrink="0",
        ),
        rx.vstack(
            rx.hstack(
                rx.text(
                    rx.cond(e.internal, "Internal note", e.kind),
                    size="1",
                    weight="bold",
                    text_transform="capitalize",
                ),
                rx.text(e.when, size="1", color_scheme="gray"),
                spacing="2",
                wrap="wrap",
            ),
            rx.text(
                e.message, size="2", white_space="pre-wrap", style={"overflow_wrap": "anywhere"}
            ),
            spacing="0",
            min_width="0",
            padding=rx.cond(e.internal, "8px 10px", "0"),
            border_radius="12px",
            background=rx.cond(e.internal, "var(--amber-2)", "transparent"),
            width="100%",
        ),
        spacing="3",
        align="start",
        width="100%",
    )


def _timeline() -> rx.Component:
    return titled_card(
        "Timeline",
        "history",
        rx.vstack(
            textarea_field(
                "order-note",
                "Internal note",
                value=S.note,
                on_change=S.set_note,
                errors=S.errors,
                key="message",
                placeholder="Only staff see notes, e.g. “Customer called about the size.”",
                rows="2",
                max_length=5000,
            ),
            rx.button(
                rx.icon("sticky-note", size=16),
                "Add note",
                variant="soft",
                on_click=S.add_note,
                disabled=S.note.strip() == "",
                cursor="pointer",
                id="order-add-note",
            ),
            spacing="2",
            width="100%",
            align="end",
        ),
        rx.vstack(rx.foreach(S.timeline, _event), spacing="3", width="100%", id="order-timeline"),
    )


def _dialog_buttons(confirm: rx.Component) -> rx.Component:
    return rx.flex(
        rx.button(
            "Back", variant="soft", color_scheme="gray", on_click=S.close_dialog, cursor="pointer"
        ),
        confirm,
        spacing="3",
        justify="end",
        width="100%",
        margin_top="8px",
    )


def _ship_body() -> rx.Component:
    return rx.vstack(
        input_field(
            "ship-carrier",
            "Carrier",
            value=S.carrier,
            on_change=lambda v: S.set_field("carrier", v),
            errors=S.errors,
            key="carrier",
            placeholder="DHL",
            max_length=60,
            hint="DHL, UPS, FedEx, USPS, Royal Mail and PostNL get a tracking link.",
        ),
        input_field(
            "ship-tracking",
            "Tracking number",
            value=S.tracking,
            on_change=lambda v: S.set_field("tracking", v),
            errors=S.errors,
            key="tracking_number",
            max_length=100,
        ),
        error_summary(S.messages, "Not shipped"),
        _dialog_buttons(
            rx.button(
                rx.icon("truck", size=16),
                "Ship order",
                on_click=S.ship,
                loading=S.working,
                cursor="pointer",
                id="confirm-ship",
            )
        ),
        spacing="3",
        width="100%",
    )


def _restock_line(line: RestockLine) -> rx.Component:
    field_id = "restock-" + line.sku
    return rx.hstack(
        rx.el.label(
            rx.text(line.title, size="2"),
            rx.text(line.sku, " · ordered ", line.ordered, size="1", color_scheme="gray"),
            html_for=field_id,
            style={"flex": "1", "min_width": "0"},
        ),
        rx.vstack(
            rx.input(
                id=field_id,
                value=line.quantity,
                on_change=lambda v: S.set_restock(line.sku, v),
                placeholder="0",
                input_mode="numeric",
                size="2",
                width="72px",
            ),
            rx.cond(
                line.error != "", rx.text(line.error, role="alert", size="1", color_scheme="red")
            ),
            spacing="1",
            align="end",
        ),
        width="100%",
        align="center",
    )


def _refund_body() -> rx.Component:
    edit = rx.vstack(
        input_field(
            "refund-amount",
            "Amount",
            value=S.refund_amount,
            on_change=lambda v: S.set_field("refund_amount", v),
            errors=S.errors,
            key="amount",
            input_mode="decimal",
            hint="Up to " + S.refundable_text + ".",
        ),
        input_field(
            "refund-reason",
            "Reason",
            value=S.refund_reason,
            on_change=lambda v: S.set_field("refund_reason", v),
            errors=S.errors,
            key="reason",
            optional=True,
            placeholder="Damaged in transit",
            max_length=500,
        ),
        rx.vstack(
            rx.text("Put items back in stock", size="2", weight="medium"),
            rx.foreach(S.restock, _restock_line),
            rx.cond(
                S.errors.contains("restock"),
                rx.text(S.errors["restock"], role="alert", size="2", color_scheme="red"),
            ),
            spacing="2",
            width="100%",
            padding="10px",
            border_radius="14px",
            background="var(--gray-a2)",
        ),
        error_summary(S.messages, "Not refunded"),
        _dialog_buttons(
            rx.button(
                "Review refund", on_click=S.review_refund, cursor="pointer", id="review-refund"
            )
        ),
        spacing="3",
        width="100%",
    )
    confirm = rx.vstack(
        rx.callout(
            rx.text(
                "Refund ",
                rx.text.strong(S.refund_summary),
                " to the customer of ",
                rx.text.strong(S.number),
                "? The money goes back through the payment provider; this can't be undone.",
            ),
            icon="triangle-alert",
            color_scheme="orange",
            width="100%",
        ),
        rx.cond(
            S.restock_summary != "",
            rx.text("Back to stock: ", S.restock_summary, size="2"),
            rx.text("Nothing goes back to stock.", size="2", color_scheme="gray"),
        ),
        error_summary(S.messages, "Not refunded"),
        rx.flex(
            rx.button(
                "Change",
                variant="soft",
                color_scheme="gray",
                on_click=S.back_to_refund,
                cursor="pointer",
            ),
            rx.button(
                rx.icon("undo-2", size=16),
                "Confirm refund",
                color_scheme="orange",
                on_click=S.refund,
                loading=S.working,
                cursor="pointer",
                id="confirm-refund",
            ),
            spacing="3",
            justify="end",
            width="100%",
        ),
        spacing="3",
        width="100%",
    )
    return rx.cond(S.refund_step == "confirm", confirm, edit)


def _cancel_body() -> rx.Component:
    return rx.vstack(
        rx.text(
            rx.cond(
                S.status == "paid",
                "The items go back to stock and the full payment is refunded.",
                "The reserved items go back to stock.",
            ),
            size="2",
            color_scheme="gray",
        ),
        textarea_field(
            "cancel-reason",
            "Reason",
            value=S.cancel_reason,
            on_change=lambda v: S.set_field("cancel_reason", v),
            errors=S.errors,
            key="cancel_reason",
            placeholder="Customer asked to cancel",
            rows="2",
            max_length=500,
        ),
        error_summary(S.messages, "Not cancelled"),
        _dialog_buttons(
            rx.button(
                "Cancel order",
                color_scheme="red",
                on_click=S.cancel,
                loading=S.working,
                cursor="pointer",
                id="confirm-cancel",
            )
        ),
        spacing="3",
        width="100%",
    )


def _deliver_body() -> rx.Component:
    return rx.vstack(
        rx.text("Mark every shipment of ", rx.text.strong(S.number), " as delivered?", size="2"),
        _dialog_buttons(
            rx.button(
                "Mark delivered",
                on_click=S.deliver,
                loading=S.working,
                cursor="pointer",
                id="confirm-deliver",
            )
        ),
        spacing="3",
        width="100%",
    )


def _dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(
                rx.match(
                    S.dialog,
                    ("ship", "Ship the order"),
                    ("deliver", "Mark delivered"),
                    ("refund", "Refund"),
                    ("cancel", "Cancel the order"),
                    "",
                )
            ),
            rx.dialog.description(S.number, size="2", color_scheme="gray", margin_bottom="12px"),
            rx.match(
                S.dialog,
                ("ship", _ship_body()),
                ("deliver", _deliver_body()),
                ("refund", _refund_body()),
                ("cancel", _cancel_body()),
                rx.fragment(),
            ),
            max_width="500px",
        ),
        open=S.dialog != "",
        on_open_change=S.set_open,
    )


def _detail() -> rx.Component:
    return rx.vstack(
        _header(),
        rx.grid(
            rx.vstack(
                titled_card(
                    "Items",
                    "shopping-bag",
                    rx.vstack(
                        rx.foreach(S.items, _item), spacing="3", width="100%", id="order-items"
                    ),
                    _totals(),
                ),
                _payments(),
                _shipping(),
                spacing="4",
                width="100%",
                min_width="0",
            ),
            rx.vstack(_timeline(), spacing="4", width="100%", min_width="0"),
            grid_template_columns=[
                "minmax(0,1fr)",
                "minmax(0,1fr)",
                "minmax(0,1fr)",
                "minmax(0,3fr) minmax(0,2fr)",
            ],
            gap="16px",
            width="100%",
        ),
        _dialog(),
        spacing="4",
        width="100%",
    )


@admin_page(
    route="/admin/orders/[admin_order_number]",
    title="Order",
    permission=Perm.ORDERS_VIEW,
    on_load=OrderDetailState.load,
)
def order_detail_page() -> rx.Component:
    return loading_missing_or(
        S.loading,
        S.missing,
        _detail(),
        icon="receipt",
        title=("No order ", S.number),
        back=("Back to orders", "/admin/orders"),
    )
