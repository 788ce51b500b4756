"""One customer for staff: lifetime figures, tags, addresses, orders and tickets."""

from __future__ import annotations

import dataclasses
from typing import ClassVar

import reflex as rx

from shop.state.services import read, write
from shop_admin.components.layout import admin_page, loading_missing_or
from shop_admin.components.tables import empty_state, scroll_table, table_card
from shop_admin.formatting import fmt_money, fmt_time
from shop_admin.guard import admin_event
from shop_admin.pages.customers import currency, fmt_day, initials
from shop_admin.pages.orders import order_status_badge, status_label
from shop_core.accounts.roles import Perm
from shop_core.accounts.service import UserView
from shop_core.customers import service as customers
from shop_core.customers.service import CustomerOrderRow, CustomerProfile, CustomerTicketRow
from shop_core.errors import DomainError
from shop_core.pagination import Page

PER_PAGE = 10
TICKET_COLORS = {
    "open": "amber",
    "in_progress": "blue",
    "waiting_on_customer": "violet",
    "resolved": "green",
    "closed": "gray",
}


@dataclasses.dataclass
class Stat:
    label: str
    value: str
    icon: str
    color: str


@dataclasses.dataclass
class OrderLine:
    number: str
    status: str
    status_text: str
    placed: str
    item_count: int
    total: str
    refunded: str


@dataclasses.dataclass
class TicketLine:
    number: str
    subject: str
    status: str
    status_text: str
    priority: str
    opened: str
    resolved: str


@dataclasses.dataclass
class AddressCard:
    lines: list[str]
    default: bool


def _order_line(o: CustomerOrderRow, cur: str) -> OrderLine:
    return OrderLine(
        number=o.number,
        status=o.status,
        status_text=status_label(o.status),
        placed=fmt_time(o.created_at),
        item_count=o.items_count,
        total=fmt_money(o.total, cur),
        refunded=fmt_money(o.amount_refunded, cur) if o.amount_refunded else "",
    )


def _ticket_line(t: CustomerTicketRow) -> TicketLine:
    return TicketLine(
        number=t.number,
        subject=t.subject,
        status=t.status,
        status_text=t.status.replace("_", " "),
        priority=t.priority,
        opened=fmt_time(t.created_at),
        resolved=fmt_time(t.resolved_at, "—"),
    )


class CustomerDetailState(rx.State):
    PERMISSION: ClassVar[Perm] = Perm.CUSTOMERS_VIEW

    customer_id: int = 0
    loading: bool = False
    missing: bool = False
    name: str = ""
    email: str = ""
    initials: str = ""
    active: bool = True
    joined: str = ""
    last_login: str = ""
    first_order: str = ""
    stats: list[Stat] = []
    tags: list[str] = []
    tag_input: str = ""
    tag_error: str = ""
    tag_busy: bool = False
    addresses: list[AddressCard] = []
    orders: list[OrderLine] = []
    orders_page: int = 1
    orders_pages: int = 1
    orders_total: int = 0
    tickets: list[TicketLine] = []
    tickets_page: int = 1
    tickets_pages: int = 1
    tickets_total: int = 0

    def _route_id(self) -> int:
        tail = self.router.url.path.rstrip("/").rsplit("/", 1)[-1].strip()
        return int(tail) if tail.isdigit() and len(tail) < 12 else 0

    def _fill(self, p: CustomerProfile) -> None:
        cur = currency()
        self.customer_id, self.name, self.email = p.id, p.name, p.email
        self.initials, self.active = initials(p.name, p.email), p.is_active
        self.joined = fmt_day(p.created_at)
        self.last_login = fmt_time(p.last_login_at, "Never")
        self.first_order = fmt_day(p.first_order_at) if p.first_order_at else "No orders yet"
        self.stats = [
            Stat("Lifetime value", fmt_money(p.lifetime_value, cur), "gem", "violet"),
            Stat("Orders", f"{p.orders_count:,}", "shopping-bag", "pink"),
            Stat("Average order", fmt_money(p.average_order_value, cur), "receipt", "amber"),
            Stat("Refunded", fmt_money(p.refunds_total, cur), "undo-2", "red"),
            Stat(
                "Last order",
                fmt_day(p.last_order_at) if p.last_order_at else "Never",
                "calendar-clock",
                "blue",
            ),
            Stat("Open tickets", str(p.open_tickets), "life-buoy", "green"),
        ]
        self.tags = list(p.tags)
        self.addresses = [
            AddressCard(
                lines=[
                    x
                    for x in (
                        a.name,
                        a.line1,
                        a.line2 or "",
                        f"{a.postal_code} {a.city}".strip(),
                        a.region or "",
                        a.country,
                    )
                    if x
                ],
                default=a.is_default,
            )
            for a in p.addresses
        ]
        self._show_orders(p.orders, cur)
        self._show_tickets(p.tickets)

    def _show_orders(self, page: Page[CustomerOrderRow], cur: str) -> None:
        self.orders = [_order_line(o, cur) for o in page.items]
        self.orders_page, self.orders_pages, self.orders_total = page.page, page.pages, page.total

    def _show_tickets(self, page: Page[CustomerTicketRow]) -> None:
        self.tickets = [_ticket_line(t) for t in page.items]
        self.tickets_page, self.tickets_pages = page.page, page.pages
        self.tickets_total = page.total

    @rx.event
    @admin_event(Perm.CUSTOMERS_VIEW)
    async def load(self, actor: UserView):
        self.loading, self.missing, self.tag_input, self.tag_error = True, False, "", ""
        self.customer_id = 0
        yield
        user_id = self._route_id()
        try:
            profile = await read(
                lambda s: customers.customer_profile(s, user_id, per_page=PER_PAGE)
            )
        except DomainError:
            self.missing, self.loading, self.customer_id = True, False, user_id
            return
        self._fill(profile)
        self.loading = False

    @rx.event
    @admin_event(Perm.CUSTOMERS_VIEW)
    async def orders_to(self, actor: UserView, page: int):
        user_id, cur = self.customer_id, currency()
        target = max(1, min(int(page), self.orders_pages))
        result = await read(
            lambda s: customers.customer_orders(s, user_id, page=target, per_page=PER_PAGE)
        )
        self._show_orders(result, cur)

    @rx.event
    @admin_event(Perm.CUSTOMERS_VIEW)
    async def tickets_to(self, actor: UserView, page: int):
        user_id = self.customer_id
        target = max(1, min(int(page), self.tickets_pages))
        result = await read(
            lambda s: customers.customer_tickets(s, user_id, page=target, per_page=PER_PAGE)
        )
        self._show_tickets(result)

    @rx.event
    @admin_event(Perm.CUSTOMERS_VIEW)
    async def set_tag_input(self, actor: UserView, value: str):
        self.tag_input, self.tag_error = str(value)[:60], ""

    @rx.event
    @admin_event(Perm.CUSTOMERS_VIEW)
    async def add_tag(self, actor: UserView, form_data: dict | None = None):
        raw = str((form_data or {}).get("tag", self.tag_input) or "").strip()
        if not raw:
            self.tag_error = "Type a tag first."
            return None
        user_id = self.customer_id
        self.tag_busy = True
        try:
            tags = await write(lambda s: customers.add_tag(s, actor, user_id, raw))
        except DomainError as exc:
            self.tag_busy = False
            self.tag_error = next(iter(exc.fields.values()), exc.message)
            return rx.toast.error(exc.message)
        self.tags, self.tag_input, self.tag_error, self.tag_busy = list(tags), "", "", False
        return rx.toast.success("Tag added.")

    @rx.event
    @admin_event(Perm.CUSTOMERS_VIEW)
    async def remove_tag(self, actor: UserView, tag: str):
        user_id = self.customer_id
        try:
            tags = await write(lambda s: customers.remove_tag(s, actor, user_id, str(tag)))
        except DomainError as exc:
            return rx.toast.error(exc.message)
        self.tags = list(tags)
        return rx.toast.success(f"Removed “{tag}”.")


S = CustomerDetailState


def _stat(stat: Stat) -> rx.Component:
    return rx.card(
        rx.hstack(
            rx.center(
                rx.icon(stat.icon, size=18),
                width=["32px", "38px"],
                height=["32px", "38px"],
                border_radius="12px",
                background="var(--" + stat.color + "-3)",
                color="var(--" + stat.color + "-11)",
                flex_shrink="0",
            ),
            rx.vstack(
                rx.text(stat.label, size="1", color_scheme="gray"),
                rx.text(stat.value, size="4", weight="bold", overflow_wrap="anywhere"),
                spacing="0",
                min_width="0",
            ),
            spacing="3",
            align="center",
        ),
        size="2",
        style={"--card-border-radius": "18px"},
    )


def _tag(tag) -> rx.Component:
    return rx.badge(
        rx.icon("tag", size=12),
        tag,
        rx.icon_button(
            rx.icon("x", size=12),
            size="1",
            variant="ghost",
            color_scheme="violet",
            radius="full",
            aria_label="Remove tag " + tag,
            on_click=S.remove_tag(tag),
            cursor="pointer",
        ),
        variant="soft",
        color_scheme="violet",
        radius="full",
        size="2",
        padding_right="2px",
    )


def _header() -> rx.Component:
    return rx.card(
        rx.flex(
            rx.hstack(
                rx.avatar(fallback=S.initials, size="5", radius="full", variant="solid"),
                rx.vstack(
                    rx.hstack(
                        rx.heading(S.name, size="6"),
                        rx.cond(
                            ~S.active,
                            rx.badge("deactivated", color_scheme="red", radius="full"),
                        ),
                        spacing="2",
                        align="center",
                        wrap="wrap",
                    ),
                    rx.link(S.email, href="mailto:" + S.email, size="2", word_break="break-all"),
                    rx.text(
                        "Joined ",
                        S.joined,
                        " · first order ",
                        S.first_order,
                        " · last sign-in ",
                        S.last_login,
                        size="1",
                        color_scheme="gray",
                    ),
                    spacing="1",
                    min_width="0",
                ),
                spacing="4",
                align="center",
            ),
            rx.vstack(
                rx.flex(rx.foreach(S.tags, _tag), gap="6px", wrap="wrap", id="customer-tags"),
                rx.form(
                    rx.hstack(
                        rx.input(
                            rx.input.slot(rx.icon("tag", size=14)),
                            name="tag",
                            value=S.tag_input,
                            on_change=S.set_tag_input,
                            placeholder="vip, wholesale…",
                            aria_label="New tag",
                            size="2",
                            max_length=40,
                            width="180px",
                        ),
                        rx.button(
                            rx.icon("plus", size=14),
                            "Add tag",
                            type="submit",
                            size="2",
                            variant="soft",
                            loading=S.tag_busy,
                            cursor="pointer",
                        ),
                        spacing="2",
                    ),
                    on_submit=S.add_tag,
                    reset_on_submit=False,
                ),
                rx.cond(
                    S.tag_error != "",
                    rx.text(S.tag_error, size="1", color_scheme="red", role="alert"),
                ),
                spacing="2",
                align=rx.breakpoints(initial="start", md="end"),
            ),
            direction=rx.breakpoints(initial="column", md="row"),
            justify="between",
            gap="16px",
            width="100%",
        ),
        size="3",
        width="100%",
        style={"--card-border-radius": "22px"},
    )


def _pager(page, pages, on_page) -> rx.Component:
    return rx.cond(
        pages > 1,
        rx.hstack(
            rx.icon_button(
                rx.icon("chevron-left", size=16),
                variant="soft",
                size="1",
                disabled=page <= 1,
                on_click=on_page(page - 1),
                aria_label="Previous page",
                cursor="pointer",
            ),
            rx.text(page, " / ", pages, size="1", color_scheme="gray"),
            rx.icon_button(
                rx.icon("chevron-right", size=16),
                variant="soft",
                size="1",
                disabled=page >= pages,
                on_click=on_page(page + 1),
                aria_label="Next page",
                cursor="pointer",
            ),
            spacing="2",
            align="center",
        ),
    )


def _card_title(icon: str, title: str, count=None, *extra) -> rx.Component:
    return rx.hstack(
        rx.hstack(
            rx.icon(icon, size=18, color="var(--accent-11)"),
            rx.heading(title, size="4", as_="h2"),
            rx.badge(count, radius="full", variant="soft") if count is not None else rx.fragment(),
            spacing="2",
            align="center",
        ),
        *extra,
        justify="between",
        align="center",
        width="100%",
    )


def _order_row(o: OrderLine) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.link(o.number, href="/admin/orders/" + o.number, weight="bold", white_space="nowrap")
        ),
        rx.table.cell(rx.text(o.placed, size="2", white_space="nowrap")),
        rx.table.cell(order_status_badge(o.status, o.status_text)),
        rx.table.cell(rx.text(o.item_count, size="2")),
        rx.table.cell(
            rx.vstack(
                rx.text(o.total, size="2", weight="medium", white_space="nowrap"),
                rx.cond(
                    o.refunded != "",
                    rx.text("−", o.refunded, " refunded", size="1", color_scheme="red"),
                ),
                spacing="0",
            )
        ),
        align="center",
    )


def _ticket_row(t: TicketLine) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.code(t.number, variant="ghost", size="2")),
        rx.table.cell(rx.text(t.subject, size="2")),
        rx.table.cell(
            rx.match(
                t.status,
                *[
                    (k, rx.badge(t.status_text, color_scheme=c, radius="full"))
                    for k, c in TICKET_COLORS.items()
                ],
                rx.badge(t.status_text, radius="full"),
            )
        ),
        rx.table.cell(rx.text(t.opened, size="2", white_space="nowrap")),
        rx.table.cell(rx.text(t.resolved, size="2", white_space="nowrap")),
        align="center",
    )


def _address(a: AddressCard) -> rx.Component:
    return rx.box(
        rx.vstack(
            rx.cond(a.default, rx.badge("default", radius="full", color_scheme="green", size="1")),
            rx.foreach(a.lines, lambda line: rx.text(line, size="2")),
            spacing="0",
        ),
        padding="12px 14px",
        border_radius="14px",
        background="var(--gray-a2)",
        border="1px solid var(--gray-a4)",
        min_width="200px",
    )


def _profile() -> rx.Component:
    return rx.vstack(
        rx.link(
            rx.hstack(rx.icon("arrow-left", size=14), rx.text("All customers", size="2")),
            href="/admin/customers",
            underline="none",
        ),
        _header(),
        rx.grid(
            rx.foreach(S.stats, _stat),
            columns=rx.breakpoints(initial="2", md="3"),
            spacing="3",
            width="100%",
            id="customer-stats",
        ),
        table_card(
            _card_title(
                "receipt",
                "Orders",
                S.orders_total,
                _pager(S.orders_page, S.orders_pages, S.orders_to),
            ),
            rx.cond(
                S.orders.length() > 0,
                scroll_table(
                    ["Order", "Placed", "Status", "Items", "Total"],
                    rx.foreach(S.orders, _order_row),
                    id="customer-orders",
                ),
                empty_state("receipt", "No orders yet", "Orders placed by this customer."),
            ),
        ),
        rx.grid(
            table_card(
                _card_title(
                    "life-buoy",
                    "Tickets",
                    S.tickets_total,
                    _pager(S.tickets_page, S.tickets_pages, S.tickets_to),
                ),
                rx.cond(
                    S.tickets.length() > 0,
                    scroll_table(
                        ["Ticket", "Subject", "Status", "Opened", "Resolved"],
                        rx.foreach(S.tickets, _ticket_row),
                    ),
                    empty_state("life-buoy", "No tickets", "Support requests appear here."),
                ),
            ),
            table_card(
                _card_title("map-pin", "Addresses"),
                rx.cond(
                    S.addresses.length() > 0,
                    rx.flex(rx.foreach(S.addresses, _address), gap="10px", wrap="wrap"),
                    empty_state("map-pin", "No saved addresses", "Saved at checkout."),
                ),
            ),
            columns=rx.breakpoints(initial="1", lg="2"),
            spacing="4",
            width="100%",
        ),
        spacing="4",
        width="100%",
    )


@admin_page(
    route="/admin/customers/[admin_customer_id]",
    title="Customer",
    permission=Perm.CUSTOMERS_VIEW,
    on_load=CustomerDetailState.load,
)
def customer_detail_page() -> rx.Component:
    return loading_missing_or(
        S.loading & (S.customer_id == 0),
        S.missing,
        _profile(),
        icon="user-x",
        title=("No such customer",),
        back=("Back to customers", "/admin/customers"),
        spacing=None,
    )
