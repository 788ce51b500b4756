"""The support queue: counts per status, filters (status, category, assignee, priority,
unassigned, overdue), search by number, subject or email, pagination."""

from __future__ import annotations

import dataclasses
from typing import ClassVar

import reflex as rx
from sqlmodel import Session

from shop.components.support import (
    PRIORITY_COLORS,
    TICKET_STATUS,
    category_label,
    ticket_badge,
    ticket_status_color,
    ticket_status_label,
)
from shop.state.services import read
from shop_admin.components.layout import admin_page
from shop_admin.components.tables import (
    clear_filters_button,
    filter_select,
    paged_table,
    switch_filter,
)
from shop_admin.formatting import fmt_time
from shop_admin.guard import admin_event, authorize
from shop_admin.paging import PagedListState
from shop_core.accounts import service as accounts
from shop_core.accounts.roles import ROLE_PERMISSIONS, Perm
from shop_core.accounts.service import UserView
from shop_core.support import service as support

CATEGORY_FILTERS = [("all", "All categories")] + list(support.CATEGORIES.items())
PRIORITY_FILTERS = [("all", "All priorities")] + [(p, p.capitalize()) for p in support.PRIORITIES]


def support_team(session: Session) -> list[UserView]:
    """Everyone a ticket can be assigned to (roles holding support.handle), by name."""
    team: list[UserView] = []
    for role, perms in ROLE_PERMISSIONS.items():
        if Perm.SUPPORT_HANDLE in perms:
            page = accounts.list_users(session, role=role.value, page=1, per_page=100)
            team.extend(page.items)
    return sorted(team, key=lambda u: u.name.lower())


@dataclasses.dataclass
class Choice:
    value: str = ""
    label: str = ""


@dataclasses.dataclass
class StatusChip:
    value: str = ""
    label: str = ""
    count: int = 0


@dataclasses.dataclass
class QueueRow:
    number: str = ""
    subject: str = ""
    contact: str = ""
    email: str = ""
    category: str = ""
    status: str = ""
    status_color: str = "gray"
    priority: str = ""
    priority_color: str = "gray"
    assignee: str = ""
    updated: str = ""
    overdue: bool = False
    order_number: str = ""


def to_row(t: support.TicketSummary) -> QueueRow:
    return QueueRow(
        number=t.number,
        subject=t.subject,
        contact=t.contact_name,
        email=t.contact_email,
        category=category_label(t.category),
        status=ticket_status_label(t.status),
        status_color=ticket_status_color(t.status),
        priority=t.priority,
        priority_color=PRIORITY_COLORS.get(t.priority, "gray"),
        assignee=t.assignee_name or "",
        updated=fmt_time(t.updated_at),
        overdue=t.overdue,
        order_number=t.order_number or "",
    )


class TicketsState(PagedListState, rx.State):
    PERMISSION: ClassVar[Perm] = Perm.SUPPORT_HANDLE
    PER_PAGE: ClassVar[int] = 25

    rows: list[QueueRow] = []
    chips: list[StatusChip] = []
    team: list[Choice] = []
    query: str = ""
    status_filter: str = "all"
    category_filter: str = "all"
    priority_filter: str = "all"
    assignee_filter: str = "all"  # all | me | unassigned | <user id>
    overdue_only: bool = False

    @rx.var
    def filtered(self) -> bool:
        return bool(
            self.query
            or self.status_filter != "all"
            or self.category_filter != "all"
            or self.priority_filter != "all"
            or self.assignee_filter != "all"
            or self.overdue_only
        )

    @rx.var
    def assignee_choices(self) -> list[Choice]:
        fixed = [Choice("all", "Anyone"), Choice("me", "Assigned to me")]
        return [*fixed, Choice("unassigned", "Unassigned"), *self.team]

    def _filters(self, actor: UserView) -> support.QueueFilters:
        assignee = self.assignee_filter
        assignee_id = None
        if assignee == "me":
            assignee_id = actor.id
        elif assignee.isdigit():
            assignee_id = int(assignee)
        return support.QueueFilters(
            status=None if self.status_filter == "all" else self.status_filter,
            category=None if self.category_filter == "all" else self.category_filter,
            priority=None if self.priority_filter == "all" else self.priority_filter,
            assignee_id=assignee_id,
            unassigned=assignee == "unassigned",
            overdue=self.overdue_only,
            q=self.query or None,
        )

    async def _fetch(self) -> None:
        actor = await authorize(self, Perm.SUPPORT_HANDLE)
        filters, viewer = self._filters(actor), support.Viewer(user=actor)
        items = await self._load_page(
            lambda s, page, per_page: support.list_tickets(
                s, viewer, filters, page=page, per_page=per_page
            )
        )
        self.rows = [to_row(t) for t in items]
        counts = await read(support.status_counts)
        self.chips = [StatusChip("all", "All", sum(counts.values()))] + [
            StatusChip(value, label, counts.get(value, 0))
            for value, (label, _) in TICKET_STATUS.items()
        ]

    @rx.event
    @admin_event(Perm.SUPPORT_HANDLE)
    async def load(self, actor: UserView):
        self.loading = True
        yield
        params = self.router.url.query_parameters
        if params.get("assignee") == "me":
            self.assignee_filter = "me"
        team = await read(support_team)
        self.team = [Choice(str(u.id), u.name) for u in team]
        yield await self._refetch()
        self.loading = False

    @rx.event
    @admin_event(Perm.SUPPORT_HANDLE)
    async def set_status_filter(self, actor: UserView, value: str):
        self.status_filter = value if value in TICKET_STATUS else "all"
        self.page = 1
        return await self._refetch()

    @rx.event
    @admin_event(Perm.SUPPORT_HANDLE)
    async def set_category_filter(self, actor: UserView, value: str):
        self.category_filter = value if value in support.CATEGORIES else "all"
        self.page = 1
        return await self._refetch()

    @rx.event
    @admin_event(Perm.SUPPORT_HANDLE)
    async def set_priority_filter(self, actor: UserView, value: str):
        self.priority_filter = value if value in support.PRIORITIES else "all"
        self.page = 1
        return await self._refetch()

    @rx.event
    @admin_event(Perm.SUPPORT_HANDLE)
    async def set_assignee_filter(self, actor: UserView, value: str):
        value = str(value)
        self.assignee_filter = value if value in ("me", "unassigned") or value.isdigit() else "all"
        self.page = 1
        return await self._refetch()

    @rx.event
    @admin_event(Perm.SUPPORT_HANDLE)
    async def set_overdue(self, actor: UserView, value: bool):
        self.overdue_only = bool(value)
        self.page = 1
        return await self._refetch()

    @rx.event
    @admin_event(Perm.SUPPORT_HANDLE)
    async def search(self, actor: UserView, form_data: dict):
        self.query = str(form_data.get("q", "")).strip()[:100]
        self.page = 1
        return await self._refetch()

    @rx.event
    @admin_event(Perm.SUPPORT_HANDLE)
    async def clear_filters(self, actor: UserView):
        self.query = ""
        self.status_filter = self.category_filter = self.priority_filter = "all"
        self.assignee_filter, self.overdue_only = "all", False
        self.page = 1
        return await self._refetch()


S = TicketsState


def _chip(chip: StatusChip) -> rx.Component:
    active = S.status_filter == chip.value
    return rx.button(
        chip.label,
        rx.badge(
            chip.count, radius="full", variant=rx.cond(active, "solid", "soft"), color_scheme="gray"
        ),
        variant=rx.cond(active, "solid", "soft"),
        radius="full",
        size="2",
        cursor="pointer",
        on_click=S.set_status_filter(chip.value),
        custom_attrs={"aria-pressed": rx.cond(active, "true", "false")},
        class_name="status-chip",
    )


def _filters() -> rx.Component:
    return rx.vstack(
        rx.flex(
            rx.foreach(S.chips, _chip),
            gap="8px",
            wrap="wrap",
            role="group",
            aria_label="Tickets by status",
            id="ticket-status-chips",
        ),
        rx.flex(
            rx.form(
                rx.hstack(
                    rx.input(
                        rx.input.slot(rx.icon("search", size=16)),
                        name="q",
                        type="search",
                        placeholder="Number, subject or email",
                        aria_label="Search tickets",
                        default_value=S.query,
                        size="2",
                        width=["100%", "260px"],
                        id="ticket-search",
                    ),
                    rx.button("Search", type="submit", variant="soft", size="2", cursor="pointer"),
                    spacing="2",
                ),
                on_submit=S.search,
                reset_on_submit=False,
                role="search",
                key=S.filtered.to_string(),
            ),
            filter_select(
                CATEGORY_FILTERS,
                value=S.category_filter,
                on_change=S.set_category_filter,
                label="Filter by category",
                width="170px",
            ),
            filter_select(
                PRIORITY_FILTERS,
                value=S.priority_filter,
                on_change=S.set_priority_filter,
                label="Filter by priority",
                width="150px",
            ),
            rx.select.root(
                rx.select.trigger(aria_label="Filter by assignee", width="170px"),
                rx.select.content(
                    rx.foreach(S.assignee_choices, lambda c: rx.select.item(c.label, value=c.value))
                ),
                value=S.assignee_filter,
                on_change=S.set_assignee_filter,
                size="2",
            ),
            switch_filter("Overdue only", S.overdue_only, S.set_overdue, id="tickets-overdue"),
            clear_filters_button(S.filtered, S.clear_filters),
            gap="10px",
            wrap="wrap",
            align="center",
        ),
        spacing="3",
        width="100%",
    )


def _row(row: QueueRow) -> rx.Component:
    href = "/admin/tickets/" + row.number
    return rx.table.row(
        rx.table.cell(
            rx.vstack(
                rx.hstack(
                    rx.link(row.subject, href=href, weight="bold", size="2"),
                    rx.cond(
                        row.overdue,
                        rx.badge(
                            rx.icon("alarm-clock", size=12),
                            "Overdue",
                            color_scheme="red",
                            radius="full",
                            size="1",
                        ),
                    ),
                    spacing="2",
                    align="center",
                    wrap="wrap",
                ),
                rx.text(
                    rx.code(row.number, variant="ghost"),
                    " · ",
                    row.category,
                    rx.cond(row.order_number != "", " · " + row.order_number, ""),
                    size="1",
                    color_scheme="gray",
                ),
                spacing="1",
                min_width="220px",
            )
        ),
        rx.table.cell(
            rx.vstack(
                rx.text(row.contact, size="2"),
                rx.text(row.email, size="1", color_scheme="gray"),
                spacing="0",
            )
        ),
        rx.table.cell(ticket_badge(row.status, row.status_color)),
        rx.table.cell(ticket_badge(row.priority, row.priority_color)),
        rx.table.cell(
            rx.cond(
                row.assignee != "",
                rx.text(row.assignee, size="2"),
                rx.text("Unassigned", size="2", color_scheme="gray"),
            )
        ),
        rx.table.cell(rx.text(row.updated, size="2", white_space="nowrap")),
        align="center",
        class_name="ticket-queue-row",
    )


@admin_page(
    route="/admin/tickets",
    title="Support tickets",
    permission=Perm.SUPPORT_HANDLE,
    on_load=TicketsState.load,
    description="Work the queue: newest activity first. Open a ticket to answer it.",
)
def tickets_page() -> rx.Component:
    return paged_table(
        TicketsState,
        top=_filters(),
        header=["Ticket", "Customer", "Status", "Priority", "Assignee", "Updated"],
        row=_row,
        empty=("inbox", "No tickets here", "Nothing matches these filters. Inbox zero!"),
        noun=("ticket", "tickets"),
        id="tickets-table",
    )
