"""The audit log: who did what to which record, with before → after."""

from __future__ import annotations

import dataclasses
from datetime import UTC
from typing import ClassVar

import reflex as rx

from shop_admin.components.layout import admin_page
from shop_admin.components.tables import paged_table, search_form
from shop_admin.formatting import fmt_change
from shop_admin.guard import admin_event
from shop_admin.paging import PagedListState
from shop_core.accounts.roles import Perm
from shop_core.accounts.service import UserView
from shop_core.audit import service as audit
from shop_core.audit.service import AuditView


@dataclasses.dataclass
class AuditRow:
    id: int
    day: str
    time: str
    actor: str
    action: str
    target: str
    before: str
    after: str


def to_row(view: AuditView) -> AuditRow:
    return AuditRow(
        id=view.id,
        day=view.created_at.astimezone(UTC).strftime("%Y-%m-%d"),
        time=view.created_at.astimezone(UTC).strftime("%H:%M:%S UTC"),
        actor=view.actor_email or "system",
        action=view.action,
        target=f"{view.target_type} {view.target_id}",
        before=fmt_change(view.before),
        after=fmt_change(view.after),
    )


class AuditState(PagedListState, rx.State):
    PERMISSION: ClassVar[Perm] = Perm.AUDIT_VIEW
    PER_PAGE: ClassVar[int] = 25

    rows: list[AuditRow] = []
    action_filter: str = ""

    async def _fetch(self) -> None:
        action = self.action_filter or None
        items = await self._load_page(
            lambda s, page, per_page: audit.list_entries(
                s, action=action, page=page, per_page=per_page
            )
        )
        self.rows = [to_row(v) for v in items]

    @rx.event
    @admin_event(Perm.AUDIT_VIEW)
    async def load(self, actor: UserView):
        self.loading = True
        yield
        self.page = 1
        await self._fetch()
        self.loading = False

    @rx.event
    @admin_event(Perm.AUDIT_VIEW)
    async def filter_action(self, actor: UserView, form_data: dict):
        self.action_filter = str(form_data.get("action", "")).strip()[:64]
        self.page = 1
        await self._fetch()


_WRAP = {"overflow_wrap": "anywhere"}


def _row(row: AuditRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.vstack(
                rx.text(row.day, size="2", white_space="nowrap"),
                rx.text(row.time, size="1", color_scheme="gray", white_space="nowrap"),
                spacing="0",
            )
        ),
        rx.table.cell(
            rx.vstack(
                rx.code(row.action, size="2", variant="soft", white_space="nowrap"),
                rx.text("by ", row.actor, size="1", color_scheme="gray"),
                spacing="1",
                align="start",
            )
        ),
        rx.table.cell(rx.text(row.target, size="2", style=_WRAP, max_width="200px")),
        rx.table.cell(
            rx.vstack(
                rx.text(row.before, size="1", color_scheme="gray", style=_WRAP),
                rx.hstack(
                    rx.icon("arrow-down-right", size=14, flex_shrink="0", color="var(--accent-9)"),
                    rx.text(row.after, size="1", weight="medium", style=_WRAP),
                    spacing="1",
                    align="start",
                ),
                spacing="1",
                min_width="240px",
                max_width="420px",
            )
        ),
    )


@admin_page(
    route="/admin/audit",
    title="Audit log",
    permission=Perm.AUDIT_VIEW,
    on_load=AuditState.load,
    description="Every sensitive action, newest first.",
)
def audit_page() -> rx.Component:
    return paged_table(
        AuditState,
        top=search_form(
            name="action",
            label="Filter by action",
            placeholder="Exact action, e.g. user.role_changed",
            value=AuditState.action_filter,
            on_submit=AuditState.filter_action,
            icon="filter",
        ),
        header=["When", "Action", "Target", "Before → after"],
        row=_row,
        empty=("scroll-text", "Nothing logged yet", "Sensitive actions show up here."),
        noun=("entry", "entries"),
    )
