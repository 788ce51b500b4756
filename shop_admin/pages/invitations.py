"""Invitation codes: generate a batch, filter, copy, disable, see who used each code."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, time
from typing import ClassVar

import reflex as rx

from shop.components.forms import field_error
from shop.state.services import write
from shop_admin.components.layout import admin_page
from shop_admin.components.tables import (
    filter_select,
    paged_table,
    status_badge,
    table_card,
    toolbar,
)
from shop_admin.formatting import fmt_time
from shop_admin.guard import admin_event
from shop_admin.paging import PagedListState
from shop_core.accounts.roles import Perm
from shop_core.accounts.service import UserView
from shop_core.errors import DomainError, InvalidInput
from shop_core.invitations import service as invitations
from shop_core.invitations.service import InvitationView

STATUS_COLORS = {"active": "green", "used": "blue", "expired": "amber", "disabled": "red"}
STATUS_FILTERS = [("all", "All statuses")] + [(s, s.capitalize()) for s in STATUS_COLORS]


@dataclasses.dataclass
class InvitationRow:
    code: str
    status: str
    uses: int
    max_uses: int
    expires: str
    created: str
    used_by: str


def to_row(view: InvitationView) -> InvitationRow:
    return InvitationRow(
        code=view.code,
        status=view.status.value,
        uses=view.uses,
        max_uses=view.max_uses,
        expires=fmt_time(view.expires_at, "Never"),
        created=fmt_time(view.created_at),
        used_by=", ".join(f"{r.name} <{r.email}>" for r in view.used_by) or "—",
    )


def parse_batch_form(form_data: dict) -> tuple[int, int, datetime | None]:
    """Turn the form's strings into the service's values; field errors like the service's."""
    fields: dict[str, str] = {}
    values: dict[str, int] = {}
    for name in ("count", "max_uses"):
        raw = str(form_data.get(name, "") or "1").strip()
        try:
            values[name] = int(raw)
        except ValueError:
            fields[name] = "Enter a whole number."
    expires_at = None
    raw_date = str(form_data.get("expires_at", "") or "").strip()
    if raw_date:
        try:
            # A date means "usable through the end of that day" (UTC).
            expires_at = datetime.combine(date.fromisoformat(raw_date), time(23, 59, 59), UTC)
        except ValueError:
            fields["expires_at"] = "Pick a date."
    if fields:
        raise InvalidInput("Invitation settings are not valid.", fields=fields)
    return values["count"], values["max_uses"], expires_at


class InvitationsState(PagedListState, rx.State):
    PERMISSION: ClassVar[Perm] = Perm.INVITATIONS_MANAGE

    rows: list[InvitationRow] = []
    status_filter: str = "all"
    generating: bool = False
    form_errors: dict[str, str] = {}
    fresh_codes: list[str] = []
    confirm_code: str = ""

    async def _fetch(self) -> None:
        status = None if self.status_filter == "all" else self.status_filter
        items = await self._load_page(
            lambda s, page, per_page: invitations.list_invitations(
                s, status=status, page=page, per_page=per_page
            )
        )
        self.rows = [to_row(v) for v in items]

    @rx.event
    @admin_event(Perm.INVITATIONS_MANAGE)
    async def load(self, actor: UserView):
        self.loading = True
        yield
        self.form_errors = {}
        self.fresh_codes = []
        self.confirm_code = ""
        await self._fetch()
        self.loading = False

    @rx.event
    @admin_event(Perm.INVITATIONS_MANAGE)
    async def set_status_filter(self, actor: UserView, value: str):
        self.status_filter = value if value in STATUS_COLORS else "all"
        self.page = 1
        await self._fetch()

    @rx.event
    @admin_event(Perm.INVITATIONS_MANAGE)
    async def generate(self, actor: UserView, form_data: dict):
        self.generating = True
        self.form_errors = {}
        yield
        try:
            count, max_uses, expires_at = parse_batch_form(form_data)
            created = await write(
                lambda s: invitations.create_invitations(
                    s, actor=actor.actor, count=count, max_uses=max_uses, expires_at=expires_at
                )
            )
        except DomainError as exc:
            self.form_errors = dict(exc.fields)
            self.generating = False
            yield rx.toast.error(exc.message)
            return
        self.fresh_codes = [v.code for v in created]
        self.status_filter = "all"
        self.page = 1
        await self._fetch()
        self.generating = False
        noun = "code" if len(created) == 1 else "codes"
        yield rx.toast.success(f"{len(created)} invitation {noun} ready to share.")

    @rx.event
    @admin_event(Perm.INVITATIONS_MANAGE)
    async def ask_disable(self, actor: UserView, code: str):
        self.confirm_code = code

    @rx.event
    @admin_event(Perm.INVITATIONS_MANAGE)
    async def cancel_disable(self, actor: UserView):
        self.confirm_code = ""

    @rx.event
    @admin_event(Perm.INVITATIONS_MANAGE)
    async def disable(self, actor: UserView, code: str):
        self.confirm_code = ""
        try:
            view = await write(
                lambda s: invitations.disable_invitation(s, actor=actor.actor, code=code)
            )
        except DomainError as exc:
            return rx.toast.error(exc.message)
        await self._fetch()
        return rx.toast.success(f"Code {view.code} is disabled.")


def _number_field(name: str, label: str, *, default: str, max_value: int) -> rx.Component:
    return rx.vstack(
        rx.el.label(
            label,
            html_for=f"inv-{name}",
            style={"font_size": "var(--font-size-2)", "font_weight": "500"},
        ),
        rx.input(
            id=f"inv-{name}",
            name=name,
            type="number",
            min=1,
            max=max_value,
            default_value=default,
            required=True,
            size="3",
            width="100%",
            custom_attrs={"aria-describedby": f"inv-{name}-error"},
        ),
        field_error(InvitationsState.form_errors, name, f"inv-{name}"),
        spacing="1",
        width="100%",
    )


def _generate_form() -> rx.Component:
    return table_card(
        rx.hstack(
            rx.icon("wand-sparkles", size=20, color="var(--accent-11)"),
            rx.heading("Generate a batch", size="4"),
            spacing="2",
            align="center",
        ),
        rx.form(
            rx.grid(
                _number_field(
                    "count", "How many codes", default="1", max_value=invitations.MAX_BATCH
                ),
                _number_field("max_uses", "Uses per code", default="1", max_value=100_000),
                rx.vstack(
                    rx.el.label(
                        "Expires on (optional)",
                        html_for="inv-expires_at",
                        style={"font_size": "var(--font-size-2)", "font_weight": "500"},
                    ),
                    rx.input(
                        id="inv-expires_at",
                        name="expires_at",
                        type="date",
                        size="3",
                        width="100%",
                        custom_attrs={"aria-describedby": "inv-expires_at-error"},
                    ),
                    field_error(InvitationsState.form_errors, "expires_at", "inv-expires_at"),
                    spacing="1",
                    width="100%",
                ),
                rx.flex(
                    rx.button(
                        rx.icon("plus", size=18),
                        "Generate",
                        type="submit",
                        size="3",
                        loading=InvitationsState.generating,
                        width="100%",
                        cursor="pointer",
                        id="generate-invitations",
                    ),
                    align="end",
                    height="100%",
                    padding_top=["0", "0", "22px"],
                ),
                columns=rx.breakpoints(initial="1", sm="3", md="4"),
                spacing="3",
                width="100%",
                align_items="start",
            ),
            on_submit=InvitationsState.generate,
            reset_on_submit=False,
            width="100%",
        ),
        rx.cond(
            InvitationsState.fresh_codes.length() > 0,
            rx.callout(
                rx.vstack(
                    rx.text("Fresh codes — share them with your new customers:", weight="medium"),
                    rx.flex(
                        rx.foreach(
                            InvitationsState.fresh_codes,
                            lambda code: rx.code(
                                code, size="3", variant="soft", color_scheme="green"
                            ),
                        ),
                        wrap="wrap",
                        gap="8px",
                    ),
                    spacing="2",
                ),
                icon="party-popper",
                color_scheme="green",
                width="100%",
            ),
        ),
    )


def _row(row: InvitationRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.hstack(
                rx.code(row.code, size="2", variant="ghost", weight="bold", white_space="nowrap"),
                rx.tooltip(
                    rx.icon_button(
                        rx.icon("copy", size=14),
                        size="1",
                        variant="ghost",
                        aria_label="Copy code " + row.code,
                        on_click=[
                            rx.set_clipboard(row.code),
                            rx.toast.success("Copied " + row.code),
                        ],
                        cursor="pointer",
                    ),
                    content="Copy",
                ),
                spacing="2",
                align="center",
            ),
        ),
        rx.table.cell(status_badge(row.status, STATUS_COLORS)),
        rx.table.cell(rx.text(row.uses, " / ", row.max_uses, white_space="nowrap")),
        rx.table.cell(rx.text(row.expires, white_space="nowrap", size="2")),
        rx.table.cell(rx.text(row.used_by, size="2", color_scheme="gray")),
        rx.table.cell(
            rx.cond(
                row.status == "disabled",
                rx.text("—", color_scheme="gray"),
                rx.button(
                    rx.icon("ban", size=14),
                    "Disable",
                    size="1",
                    variant="soft",
                    color_scheme="red",
                    on_click=InvitationsState.ask_disable(row.code),
                    cursor="pointer",
                ),
            ),
        ),
        align="center",
    )


def _disable_dialog() -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title("Disable this code?"),
            rx.alert_dialog.description(
                "Nobody will be able to register with ",
                rx.code(InvitationsState.confirm_code),
                " any more. This can't be undone.",
            ),
            rx.flex(
                rx.alert_dialog.cancel(
                    rx.button(
                        "Keep it",
                        variant="soft",
                        color_scheme="gray",
                        on_click=InvitationsState.cancel_disable,
                    ),
                ),
                rx.alert_dialog.action(
                    rx.button(
                        "Disable code",
                        color_scheme="red",
                        on_click=InvitationsState.disable(InvitationsState.confirm_code),
                    ),
                ),
                spacing="3",
                justify="end",
                margin_top="16px",
            ),
        ),
        open=InvitationsState.confirm_code != "",
    )


@admin_page(
    route="/admin/invitations",
    title="Invitations",
    permission=Perm.INVITATIONS_MANAGE,
    on_load=InvitationsState.load,
    description="Registration is invitation-only. Make codes, share them, see who joined.",
)
def invitations_page() -> rx.Component:
    return rx.vstack(
        _generate_form(),
        paged_table(
            InvitationsState,
            top=toolbar(
                rx.heading("All codes", size="4"),
                filter_select(
                    STATUS_FILTERS,
                    value=InvitationsState.status_filter,
                    on_change=InvitationsState.set_status_filter,
                    label="Filter by status",
                ),
            ),
            header=["Code", "Status", "Uses", "Expires", "Used by", ""],
            row=_row,
            empty=(
                "ticket",
                "No invitation codes here",
                "Generate a batch above, or pick another status filter.",
            ),
            noun=("code", "codes"),
            id="invitations-table",
        ),
        _disable_dialog(),
        spacing="5",
        width="100%",
    )
