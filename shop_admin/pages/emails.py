"""The email outbox: every queued message with its delivery status; open one to read it."""

from __future__ import annotations

import dataclasses
from typing import ClassVar

import reflex as rx

from shop.state.services import read
from shop_admin.components.layout import admin_page
from shop_admin.components.tables import filter_select, paged_table, status_badge, toolbar
from shop_admin.formatting import fmt_time
from shop_admin.guard import admin_event
from shop_admin.paging import PagedListState
from shop_core.accounts.roles import Perm
from shop_core.accounts.service import UserView
from shop_core.email import service as emails
from shop_core.email.models import EmailStatus
from shop_core.email.service import EmailView
from shop_core.errors import DomainError

STATUS_COLORS = {"queued": "amber", "sent": "green", "outbox": "blue", "failed": "red"}
STATUS_FILTERS = [("all", "All statuses")] + [(s.value, s.value.capitalize()) for s in EmailStatus]


@dataclasses.dataclass
class EmailRow:
    id: int
    to_address: str
    subject: str
    template: str
    status: str
    attempts: int
    created: str
    sent: str
    last_error: str


def to_row(view: EmailView) -> EmailRow:
    return EmailRow(
        id=view.id,
        to_address=view.to_address,
        subject=view.subject,
        template=view.template,
        status=str(view.status.value if hasattr(view.status, "value") else view.status),
        attempts=view.attempts,
        created=fmt_time(view.created_at),
        sent=fmt_time(view.sent_at),
        last_error=view.last_error or "",
    )


class EmailsState(PagedListState, rx.State):
    PERMISSION: ClassVar[Perm] = Perm.EMAILS_VIEW

    rows: list[EmailRow] = []
    status_filter: str = "all"
    # The open message (cleared when the dialog closes).
    open_id: int = 0
    open_subject: str = ""
    open_to: str = ""
    open_text: str = ""
    open_html: str = ""

    async def _fetch(self) -> None:
        status = None if self.status_filter == "all" else self.status_filter
        items = await self._load_page(
            lambda s, page, per_page: emails.list_emails(
                s, status=status, page=page, per_page=per_page
            )
        )
        self.rows = [to_row(v) for v in items]

    @rx.event
    @admin_event(Perm.EMAILS_VIEW)
    async def load(self, actor: UserView):
        self.loading = True
        yield
        self.page = 1
        self._close()
        await self._fetch()
        self.loading = False

    @rx.event
    @admin_event(Perm.EMAILS_VIEW)
    async def set_status_filter(self, actor: UserView, value: str):
        self.status_filter = value if value in STATUS_COLORS else "all"
        self.page = 1
        await self._fetch()

    @rx.event
    @admin_event(Perm.EMAILS_VIEW)
    async def open_message(self, actor: UserView, message_id: int):
        try:
            detail = await read(lambda s: emails.get_email(s, int(message_id)))
        except DomainError as exc:
            return rx.toast.error(exc.message)
        self.open_id = detail.id
        self.open_subject = detail.subject
        self.open_to = detail.to_address
        self.open_text = detail.body_text
        self.open_html = detail.body_html

    @rx.event
    @admin_event(Perm.EMAILS_VIEW)
    async def close_message(self, actor: UserView):
        self._close()

    def _close(self) -> None:
        self.open_id = 0
        self.open_subject = self.open_to = self.open_text = self.open_html = ""


def _row(row: EmailRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.vstack(
                rx.link(
                    row.subject,
                    href="#",
                    on_click=EmailsState.open_message(row.id).prevent_default,
                    weight="medium",
                    size="2",
                    aria_label="Open email: " + row.subject,
                ),
                rx.code(row.template, size="1", variant="soft", color_scheme="gray"),
                spacing="1",
                align="start",
                min_width="220px",
            )
        ),
        rx.table.cell(rx.text(row.to_address, size="2")),
        rx.table.cell(
            rx.vstack(
                status_badge(row.status, STATUS_COLORS),
                rx.text(
                    row.attempts,
                    rx.cond(row.attempts == 1, " attempt", " attempts"),
                    size="1",
                    color_scheme="gray",
                    white_space="nowrap",
                ),
                rx.cond(
                    row.last_error != "",
                    rx.text(row.last_error, size="1", color_scheme="red", max_width="260px"),
                ),
                spacing="1",
                align="start",
            )
        ),
        rx.table.cell(rx.text(row.created, size="2", white_space="nowrap")),
        rx.table.cell(rx.text(row.sent, size="2", white_space="nowrap")),
    )


def _message_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(EmailsState.open_subject),
            rx.dialog.description(
                rx.text("To ", EmailsState.open_to, size="2", color_scheme="gray")
            ),
            rx.tabs.root(
                rx.tabs.list(
                    rx.tabs.trigger("HTML", value="html"),
                    rx.tabs.trigger("Plain text", value="text"),
                ),
                rx.tabs.content(
                    # Sandboxed: the message renders but runs no scripts and reaches nothing.
                    rx.el.iframe(
                        src_doc=EmailsState.open_html,
                        sandbox="",
                        title="HTML version of the email",
                        width="100%",
                        height="420px",
                        style={
                            "border": "1px solid var(--gray-a5)",
                            "border_radius": "12px",
                            "background": "white",
                        },
                    ),
                    value="html",
                    padding_top="12px",
                ),
                rx.tabs.content(
                    rx.box(
                        rx.text(
                            EmailsState.open_text,
                            white_space="pre-wrap",
                            size="2",
                            font_family="monospace",
                        ),
                        max_height="420px",
                        overflow="auto",
                        padding="12px",
                        background="var(--gray-2)",
                        border_radius="12px",
                    ),
                    value="text",
                    padding_top="12px",
                ),
                default_value="html",
            ),
            rx.flex(
                rx.dialog.close(
                    rx.button("Close", variant="soft", on_click=EmailsState.close_message)
                ),
                justify="end",
                margin_top="16px",
            ),
            max_width="760px",
        ),
        open=EmailsState.open_id != 0,
    )


@admin_page(
    route="/admin/emails",
    title="Emails",
    permission=Perm.EMAILS_VIEW,
    on_load=EmailsState.load,
    description="Outgoing messages and how their delivery went.",
)
def emails_page() -> rx.Component:
    return rx.vstack(
        paged_table(
            EmailsState,
            top=toolbar(
                rx.heading("Outbox", size="4"),
                filter_select(
                    STATUS_FILTERS,
                    value=EmailsState.status_filter,
                    on_change=EmailsState.set_status_filter,
                    label="Filter by status",
                ),
            ),
            header=["Subject", "To", "Status", "Queued", "Sent"],
            row=_row,
            empty=("mail", "No emails yet", "Welcome and password-reset emails show up here."),
            noun=("email", "emails"),
        ),
        _message_dialog(),
        spacing="5",
        width="100%",
    )
