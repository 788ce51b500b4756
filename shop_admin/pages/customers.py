"""Customers: search by name or email, filter by tag, spend and orders, sort, page."""

from __future__ import annotations

import dataclasses
from typing import ClassVar

import reflex as rx

from shop.state.services import read
from shop_admin.components.forms import Choice, choice_select, label
from shop_admin.components.layout import admin_page
from shop_admin.components.tables import clear_filters_button, filter_select, paged_table
from shop_admin.formatting import fmt_money, money_text, parse_money
from shop_admin.guard import admin_event
from shop_admin.paging import PagedListState
from shop_core.accounts.roles import Perm
from shop_core.accounts.service import UserView
from shop_core.customers import service as customers
from shop_core.customers.service import CustomerRow
from shop_core.settings import get_settings

ORDER_FILTERS = [("all", "Any orders"), ("yes", "Has ordered"), ("no", "Never ordered")]
SORTS = [
    ("newest", "Newest first"),
    ("spent_desc", "Top spenders"),
    ("orders_desc", "Most orders"),
    ("last_order_desc", "Recent buyers"),
    ("last_order_asc", "Longest since last order"),
    ("name", "Name A–Z"),
    ("oldest", "Oldest first"),
]
SORT_VALUES = {value for value, _ in SORTS}


def currency() -> str:
    return get_settings().currency


def fmt_day(value) -> str:
    return value.strftime("%d %b %Y") if value else "—"


def initials(name: str, email: str) -> str:
    parts = [p for p in (name or "").split() if p[:1].isalpha()]
    text = "".join(p[0] for p in parts[:2]) or (email[:1] if email else "?")
    return text.upper()


@dataclasses.dataclass
class CustomerListRow:
    id: int
    name: str
    email: str
    initials: str
    joined: str
    orders: int
    spent: str
    last_order: str
    tags: list[str]


def to_row(c: CustomerRow, cur: str) -> CustomerListRow:
    return CustomerListRow(
        id=c.id,
        name=c.name,
        email=c.email,
        initials=initials(c.name, c.email),
        joined=fmt_day(c.created_at),
        orders=c.orders_count,
        spent=fmt_money(c.total_spent, cur),
        last_order=fmt_day(c.last_order_at) if c.last_order_at else "Never",
        tags=list(c.tags),
    )


class CustomersState(PagedListState, rx.State):
    PERMISSION: ClassVar[Perm] = Perm.CUSTOMERS_VIEW
    PER_PAGE: ClassVar[int] = 25

    rows: list[CustomerListRow] = []
    query: str = ""
    tag_filter: str = "all"
    orders_filter: str = "all"
    min_spent: str = ""  # as typed, in major units
    sort: str = "newest"
    tag_choices: list[Choice] = []
    filter_error: str = ""

    @rx.var
    def filtered(self) -> bool:
        return bool(
            self.query or self.min_spent or self.tag_filter != "all" or self.orders_filter != "all"
        )

    async def _fetch(self) -> None:
        q = self.query or None
        tag = None if self.tag_filter == "all" else self.tag_filter
        has_orders = {"yes": True, "no": False}.get(self.orders_filter)
        min_spent = parse_money(self.min_spent, currency()) if self.min_spent else None
        sort, cur = self.sort, currency()
        items = await self._load_page(
            lambda s, page, per_page: customers.list_customers(
                s,
                q=q,
                tag=tag,
                min_spent=min_spent,
                has_orders=has_orders,
                sort=sort,
                page=page,
                per_page=per_page,
            )
        )
        self.rows = [to_row(c, cur) for c in items]

    @rx.event
    @admin_event(Perm.CUSTOMERS_VIEW)
    async def load(self, actor: UserView):
        self.loading = True
        yield
        tag = self.router.url.query_parameters.get("tag", "")
        if tag:
            self.tag_filter, self.page = str(tag)[:40], 1
        tags = await read(lambda s: customers.list_tags(s, limit=100))
        self.tag_choices = [Choice(value="all", label="All tags")] + [
            Choice(value=t.tag, label=f"{t.tag} ({t.customers})") for t in tags
        ]
        yield await self._refetch()
        self.loading = False

    @rx.event
    @admin_event(Perm.CUSTOMERS_VIEW)
    async def apply_filters(self, actor: UserView, form_data: dict):
        raw = str(form_data.get("min_spent", "") or "").strip()
        try:
            amount = parse_money(raw, currency())
        except ValueError as exc:
            self.filter_error = str(exc)
            return rx.toast.error("Check the amount.")
        self.filter_error = ""
        self.min_spent = money_text(amount, currency()) if amount is not None else ""
        self.query = str(form_data.get("q", "") or "").strip()[:100]
        self.page = 1
        return await self._refetch()

    @rx.event
    @admin_event(Perm.CUSTOMERS_VIEW)
    async def set_tag_filter(self, actor: UserView, value: str):
        self.tag_filter = str(value or "all")[:40]
        self.page = 1
        return await self._refetch()

    @rx.event
    @admin_event(Perm.CUSTOMERS_VIEW)
    async def set_orders_filter(self, actor: UserView, value: str):
        self.orders_filter = value if value in ("yes", "no") else "all"
        self.page = 1
        return await self._refetch()

    @rx.event
    @admin_event(Perm.CUSTOMERS_VIEW)
    async def set_sort(self, actor: UserView, value: str):
        self.sort = value if value in SORT_VALUES else "newest"
        self.page = 1
        return await self._refetch()

    @rx.event
    @admin_event(Perm.CUSTOMERS_VIEW)
    async def clear_filters(self, actor: UserView):
        self.query = self.min_spent = self.filter_error = ""
        self.tag_filter = self.orders_filter = "all"
        self.page = 1
        return await self._refetch()


S = CustomersState


def tag_chip(tag) -> rx.Component:
    return rx.badge(tag, variant="soft", color_scheme="violet", radius="full", size="1")


def _filters() -> rx.Component:
    return rx.vstack(
        rx.form(
            rx.flex(
                rx.vstack(
                    label("Name or email", "customers-q"),
                    rx.input(
                        rx.input.slot(rx.icon("search", size=16)),
                        id="customers-q",
                        name="q",
                        type="search",
                        placeholder="ana or @example.com",
                        default_value=S.query,
                        size="2",
                        width="100%",
                    ),
                    spacing="1",
                    width=["100%", "100%", "280px"],
                ),
                rx.vstack(
                    label("Spent over", "customers-min-spent"),
                    rx.input(
                        id="customers-min-spent",
                        name="min_spent",
                        default_value=S.min_spent,
                        placeholder="100.00",
                        input_mode="decimal",
                        size="2",
                        width="100%",
                    ),
                    rx.cond(
                        S.filter_error != "",
                        rx.text(S.filter_error, role="alert", size="1", color_scheme="red"),
                    ),
                    spacing="1",
                    width=["100%", "160px"],
                ),
                rx.button(
                    rx.icon("filter", size=16),
                    "Apply",
                    type="submit",
                    size="2",
                    cursor="pointer",
                ),
                gap="12px",
                align="end",
                wrap="wrap",
                width="100%",
            ),
            on_submit=S.apply_filters,
            reset_on_submit=False,
            width="100%",
            key=S.filtered.to_string(),
        ),
        rx.flex(
            choice_select(
                S.tag_choices,
                value=S.tag_filter,
                on_change=S.set_tag_filter,
                label_text="Filter by tag",
                width="180px",
            ),
            filter_select(
                ORDER_FILTERS,
                value=S.orders_filter,
                on_change=S.set_orders_filter,
                label="Filter by orders",
                width="160px",
            ),
            filter_select(
                SORTS, value=S.sort, on_change=S.set_sort, label="Sort customers", width="210px"
            ),
            clear_filters_button(S.filtered, S.clear_filters),
            gap="8px",
            wrap="wrap",
            align="center",
        ),
        spacing="3",
        width="100%",
    )


def _row(row: CustomerListRow) -> rx.Component:
    href = "/admin/customers/" + row.id.to_string()
    return rx.table.row(
        rx.table.cell(
            rx.hstack(
                rx.avatar(fallback=row.initials, size="2", radius="full", variant="soft"),
                rx.vstack(
                    rx.link(row.name, href=href, weight="bold", size="2"),
                    rx.text(row.email, size="1", color_scheme="gray"),
                    spacing="0",
                    min_width="0",
                ),
                spacing="3",
                align="center",
            ),
            min_width="220px",
        ),
        rx.table.cell(rx.text(row.orders, size="2")),
        rx.table.cell(rx.text(row.spent, size="2", weight="medium", white_space="nowrap")),
        rx.table.cell(rx.text(row.last_order, size="2", white_space="nowrap")),
        rx.table.cell(rx.flex(rx.foreach(row.tags, tag_chip), gap="4px", wrap="wrap")),
        rx.table.cell(rx.text(row.joined, size="2", white_space="nowrap")),
        align="center",
    )


@admin_page(
    route="/admin/customers",
    title="Customers",
    permission=Perm.CUSTOMERS_VIEW,
    on_load=CustomersState.load,
    description="Who buys, how much and how recently. Open a customer for the whole story.",
)
def customers_page() -> rx.Component:
    return paged_table(
        CustomersState,
        top=_filters(),
        header=["Customer", "Orders", "Spent", "Last order", "Tags", "Joined"],
        row=_row,
        empty=(
            "heart",
            "No customers found",
            "Customers appear here once they register. Try clearing the filters.",
        ),
        noun=("customer", "customers"),
        id="customers-table",
    )
