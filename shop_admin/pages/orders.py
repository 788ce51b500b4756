"""Orders: filter by status, dates, customer and attention flag; search by number or email."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, time, timedelta
from typing import ClassVar

import reflex as rx

from shop_admin.components.forms import label
from shop_admin.components.layout import admin_page
from shop_admin.components.tables import (
    clear_filters_button,
    filter_select,
    paged_table,
    switch_filter,
)
from shop_admin.formatting import fmt_money, fmt_time
from shop_admin.guard import admin_event
from shop_admin.paging import PagedListState
from shop_core.accounts.roles import Perm
from shop_core.accounts.service import UserView
from shop_core.orders import service as orders
from shop_core.orders.views import OrderSummary

STATUS_COLORS = {
    "pending_payment": "amber",
    "paid": "green",
    "shipped": "blue",
    "delivered": "teal",
    "partially_refunded": "orange",
    "refunded": "gray",
    "cancelled": "red",
    "payment_failed": "red",
    "expired": "gray",
}
STATUS_FILTERS = [("all", "All statuses")] + [
    (s, s.replace("_", " ").capitalize()) for s in STATUS_COLORS
]


def status_label(status: str) -> str:
    return status.replace("_", " ")


@dataclasses.dataclass
class OrderRow:
    number: str
    status: str
    status_text: str
    email: str
    total: str
    item_count: int
    created: str
    attention: bool


def to_row(o: OrderSummary) -> OrderRow:
    return OrderRow(
        number=o.number,
        status=o.status,
        status_text=status_label(o.status),
        email=o.email,
        total=fmt_money(o.total, o.currency),
        item_count=o.item_count,
        created=fmt_time(o.created_at),
        attention=o.needs_attention,
    )


def order_status_badge(status, text) -> rx.Component:
    return rx.match(
        status,
        *[(k, rx.badge(text, color_scheme=c, radius="full")) for k, c in STATUS_COLORS.items()],
        rx.badge(text, radius="full"),
    )


def _day(text: str, *, end: bool) -> datetime | None:
    """A picked date as the start of that day (UTC), or the start of the next for `end`."""
    if not text:
        return None
    day = date.fromisoformat(text)
    return datetime.combine(day + timedelta(days=1) if end else day, time(0), UTC)


class OrdersState(PagedListState, rx.State):
    PERMISSION: ClassVar[Perm] = Perm.ORDERS_VIEW
    PER_PAGE: ClassVar[int] = 25

    rows: list[OrderRow] = []
    query: str = ""
    customer: str = ""
    date_from: str = ""
    date_to: str = ""
    status_filter: str = "all"
    attention_only: bool = False
    filter_errors: dict[str, str] = {}

    @rx.var
    def filtered(self) -> bool:
        return bool(
            self.query
            or self.customer
            or self.date_from
            or self.date_to
            or self.status_filter != "all"
            or self.attention_only
        )

    async def _fetch(self) -> None:
        status = None if self.status_filter == "all" else self.status_filter
        q, customer = self.query or None, self.customer or None
        start, end = _day(self.date_from, end=False), _day(self.date_to, end=True)
        attention = True if self.attention_only else None
        items = await self._load_page(
            lambda s, page, per_page: orders.list_for_staff(
                s,
                status=status,
                customer=customer,
                q=q,
                date_from=start,
                date_to=end,
                needs_attention=attention,
                page=page,
                per_page=per_page,
            )
        )
        self.rows = [to_row(o) for o in items]

    @rx.event
    @admin_event(Perm.ORDERS_VIEW)
    async def load(self, actor: UserView):
        self.loading = True
        yield
        attention = self.router.url.query_parameters.get("attention", "")
        if attention in ("1", "true"):
            self.attention_only = True
        yield await self._refetch()
        self.loading = False

    @rx.event
    @admin_event(Perm.ORDERS_VIEW)
    async def apply_filters(self, actor: UserView, form_data: dict):
        errors: dict[str, str] = {}
        dates: dict[str, str] = {}
        for name in ("date_from", "date_to"):
            raw = str(form_data.get(name, "") or "").strip()
            try:
                if raw:
                    date.fromisoformat(raw)
                dates[name] = raw
            except ValueError:
                errors[name] = "Pick a date."
        if (
            not errors
            and dates["date_from"]
            and dates["date_to"]
            and dates["date_from"] > dates["date_to"]
        ):
            errors["date_to"] = "The end is before the start."
        self.filter_errors = errors
        if errors:
            return rx.toast.error("Check the dates.")
        self.query = str(form_data.get("q", "")).strip()[:100]
        self.customer = str(form_data.get("customer", "")).strip().lower()[:254]
        self.date_from, self.date_to = dates["date_from"], dates["date_to"]
        self.page = 1
        return await self._refetch()

    @rx.event
    @admin_event(Perm.ORDERS_VIEW)
    async def set_status_filter(self, actor: UserView, value: str):
        self.status_filter = value if value in STATUS_COLORS else "all"
        self.page = 1
        return await self._refetch()

    @rx.event
    @admin_event(Perm.ORDERS_VIEW)
    async def set_attention(self, actor: UserView, value: bool):
        self.attention_only = bool(value)
        self.page = 1
        return await self._refetch()

    @rx.event
    @admin_event(Perm.ORDERS_VIEW)
    async def clear_filters(self, actor: UserView):
        self.query = self.customer = self.date_from = self.date_to = ""
        self.status_filter, self.attention_only, self.filter_errors = "all", False, {}
        self.page = 1
        return await self._refetch()


S = OrdersState


def _filter_input(name: str, text: str, *, value, **props) -> rx.Component:
    field_id = "orders-" + name
    return rx.vstack(
        label(text, field_id),
        rx.input(id=field_id, name=name, default_value=value, size="2", width="100%", **props),
        rx.cond(
            S.filter_errors.contains(name),
            rx.text(S.filter_errors[name], role="alert", size="1", color_scheme="red"),
        ),
        spacing="1",
        width="100%",
    )


def _filters() -> rx.Component:
    return rx.vstack(
        rx.form(
            rx.grid(
                _filter_input(
                    "q",
                    "Order number or email",
                    value=S.query,
                    type="search",
                    placeholder="JC-1042 or ana@",
                ),
                _filter_input(
                    "customer",
                    "Customer email (exact)",
                    value=S.customer,
                    type="email",
                    placeholder="ana@example.com",
                ),
                _filter_input("date_from", "Placed from", value=S.date_from, type="date"),
                _filter_input("date_to", "Placed until", value=S.date_to, type="date"),
                rx.flex(
                    rx.button(
                        rx.icon("filter", size=16),
                        "Apply",
                        type="submit",
                        size="2",
                        cursor="pointer",
                        width="100%",
                    ),
                    align="end",
                    height="100%",
                ),
                columns=rx.breakpoints(initial="1", xs="2", md="5"),
                spacing="3",
                width="100%",
                align_items="end",
            ),
            on_submit=S.apply_filters,
            reset_on_submit=False,
            width="100%",
            key=S.filtered.to_string(),  # re-mount (and reset the inputs) after "Clear"
        ),
        rx.flex(
            filter_select(
                STATUS_FILTERS,
                value=S.status_filter,
                on_change=S.set_status_filter,
                label="Filter by status",
                width="190px",
            ),
            switch_filter(
                "Needs attention only", S.attention_only, S.set_attention, id="orders-attention"
            ),
            clear_filters_button(S.filtered, S.clear_filters),
            gap="12px",
            wrap="wrap",
            align="center",
        ),
        spacing="3",
        width="100%",
    )


def _row(row: OrderRow) -> rx.Component:
    href = "/admin/orders/" + row.number
    return rx.table.row(
        rx.table.cell(
            rx.hstack(
                rx.link(row.number, href=href, weight="bold", size="2", white_space="nowrap"),
                rx.cond(
                    row.attention,
                    rx.tooltip(
                        rx.icon(
                            "flag", size=14, color="var(--red-9)", aria_label="Needs attention"
                        ),
                        content="Needs attention",
                    ),
                ),
                spacing="2",
                align="center",
            )
        ),
        rx.table.cell(rx.text(row.created, size="2", white_space="nowrap")),
        rx.table.cell(rx.text(row.email, size="2")),
        rx.table.cell(order_status_badge(row.status, row.status_text)),
        rx.table.cell(rx.text(row.item_count, size="2")),
        rx.table.cell(rx.text(row.total, size="2", weight="medium", white_space="nowrap")),
        align="center",
    )


@admin_page(
    route="/admin/orders",
    title="Orders",
    permission=Perm.ORDERS_VIEW,
    on_load=OrdersState.load,
    description="Find an order, then ship, refund or cancel it from its page.",
)
def orders_page() -> rx.Component:
    return paged_table(
        OrdersState,
        top=_filters(),
        header=["Order", "Placed", "Customer", "Status", "Items", "Total"],
        row=_row,
        empty=("receipt", "No orders found", "Orders appear here once customers check out."),
        noun=("order", "orders"),
        id="orders-table",
    )
