"""One ticket for support staff: the thread (with internal notes), reply or internal note,
saved replies, assignment, status and priority; beside it the linked order's summary and
the customer's other tickets. The page follows the ticket live (polling the database
twice a second from a background event, so replies from any backend worker show)."""

from __future__ import annotations

import asyncio
import dataclasses
import uuid
from typing import ClassVar

import reflex as rx
from sqlalchemy.exc import IntegrityError

from shop.components.support import (
    PRIORITY_COLORS,
    TICKET_STATUS,
    MessageRow,
    category_label,
    live_indicator,
    message_rows,
    thread,
    ticket_badge,
    ticket_status_color,
    ticket_status_label,
    upload_or_plain,
    upload_zone,
)
from shop.pages.support import store_uploads
from shop.state.live import poll_ticket
from shop.state.services import read, write
from shop.state.session import SessionState
from shop_admin.components.forms import label
from shop_admin.components.layout import admin_page, loading_missing_or
from shop_admin.components.tables import table_card, titled_card
from shop_admin.formatting import fmt_money, fmt_time
from shop_admin.guard import admin_event
from shop_admin.pages.orders import order_status_badge, status_label
from shop_admin.pages.tickets import Choice, support_team
from shop_core.accounts import service as accounts
from shop_core.accounts.roles import Perm
from shop_core.accounts.service import UserView
from shop_core.errors import DomainError
from shop_core.orders import service as orders
from shop_core.support import service as support
from shop_core.support.attachments import attachment_path


@dataclasses.dataclass
class OtherTicket:
    number: str = ""
    subject: str = ""
    status: str = ""
    color: str = "gray"
    updated: str = ""


@dataclasses.dataclass
class SavedRow:
    id: int = 0
    title: str = ""
    body: str = ""


STAFF_UPLOAD_ID = "staff-reply-files"
STATUS_CHOICES = [Choice(k, label) for k, (label, _) in TICKET_STATUS.items()]
PRIORITY_CHOICES = [Choice(p, p.capitalize()) for p in support.PRIORITIES]


class TicketDetailState(rx.State):
    PERMISSION: ClassVar[Perm] = Perm.SUPPORT_HANDLE

    number: str = ""
    loading: bool = False
    missing: bool = False
    subject: str = ""
    category: str = ""
    status: str = ""
    priority: str = "normal"
    contact_name: str = ""
    contact_email: str = ""
    assignee: str = "none"  # user id as text, or "none"
    assignee_name: str = ""
    created: str = ""
    first_response: str = ""
    overdue: bool = False
    description: str = ""
    messages: list[MessageRow] = []
    team: list[Choice] = []
    # the linked order
    order_number: str = ""
    order_status: str = ""
    order_status_text: str = ""
    order_total: str = ""
    order_items: str = ""
    order_placed: str = ""
    order_missing: bool = False
    others: list[OtherTicket] = []
    # writing
    reply: str = ""
    internal: bool = False
    sending: bool = False
    saved: list[SavedRow] = []
    save_open: bool = False
    save_title: str = ""
    save_body: str = ""
    save_errors: dict[str, str] = {}
    live: bool = False
    _live_token: str = ""
    _following: str = ""  # the token a loop is already running for (one loop per tab)
    _stamp: str = ""

    @rx.var
    def status_text(self) -> str:
        return ticket_status_label(self.status)

    @rx.var
    def status_color(self) -> str:
        return ticket_status_color(self.status)

    @rx.var
    def priority_color(self) -> str:
        return PRIORITY_COLORS.get(self.priority, "gray")

    def _fill(self, t: support.TicketOut, activity: tuple) -> None:
        self.number, self.subject = t.number, t.subject
        self.category = category_label(t.category)
        self.status, self.priority = t.status, t.priority
        self.contact_name, self.contact_email = t.contact_name, t.contact_email
        self.assignee = str(t.assignee_id) if t.assignee_id else "none"
        self.assignee_name = t.assignee_name or ""
        self.created = fmt_time(t.created_at)
        self.first_response = fmt_time(t.first_response_at, "Not yet")
        self.overdue = t.overdue
        self.description = t.description
        self.order_number = t.order_number or ""
        self.messages = message_rows(t.messages, include_internal=True)
        self._stamp = repr(activity)

    async def _reload(self, actor: UserView) -> None:
        number, viewer = self.number, support.Viewer(user=actor)

        def load(s):
            return support.get_ticket(s, number, viewer), support.last_activity(s, number, viewer)

        ticket, activity = await read(load)
        self._fill(ticket, activity)

    async def _load_sides(self, actor: UserView) -> None:
        number, order_number = self.number, self.order_number

        def sides(s):
            others = support.customer_tickets_beside(s, number, actor)
            order = None
            if order_number:
                try:
                    order = orders.get_for_staff(s, order_number)
                except DomainError:
                    order = None
            return others, order

        others, order = await read(sides)
        self.others = [
            OtherTicket(
                number=t.number,
                subject=t.subject,
                status=ticket_status_label(t.status),
                color=ticket_status_color(t.status),
                updated=fmt_time(t.updated_at),
            )
            for t in others
        ]
        self.order_missing = bool(order_number) and order is None
        if order is not None:
            count = sum(i.quantity for i in order.items)
            self.order_status = order.status
            self.order_status_text = status_label(order.status)
            self.order_total = fmt_money(order.totals.total, order.currency)
            self.order_items = f"{count} item" + ("" if count == 1 else "s")
            self.order_placed = fmt_time(order.created_at)

    def _route_number(self) -> str:
        return self.router.url.path.rstrip("/").rsplit("/", 1)[-1].strip().upper()[:16]

    @rx.event
    @admin_event(Perm.SUPPORT_HANDLE)
    async def load(self, actor: UserView):
        self.loading, self.missing, self.sending = True, False, False
        self.reply, self.internal, self.save_open = "", False, False
        self._live_token, self.live = "", False
        self.order_number = ""
        yield
        self.number = self._route_number()
        try:
            await self._reload(actor)
        except DomainError:
            self.missing, self.loading = True, False
            return
        await self._load_sides(actor)
        team = await read(support_team)
        self.team = [Choice(str(u.id), u.name) for u in team]
        self.saved = [SavedRow(r.id, r.title, r.body) for r in await read(support.saved_replies)]
        self.loading = False
        self._live_token = uuid.uuid4().hex
        self.live = True
        yield TicketDetailState.follow

    @rx.event
    @admin_event(Perm.SUPPORT_HANDLE)
    async def stop_live(self, actor: UserView):
        self._live_token, self.live = "", False

    @rx.event
    @admin_event(Perm.SUPPORT_HANDLE)
    async def resume_live(self, actor: UserView):
        if self.number and not self.missing:
            self._live_token, self.live = uuid.uuid4().hex, True
            return TicketDetailState.follow
        return None

    @rx.event(background=True)
    @admin_event(Perm.SUPPORT_HANDLE)
    async def follow(self, actor: UserView):
        """Poll `last_activity` every LIVE_SECONDS (the database, so every worker's writes
        show); reload the thread when it changed. Ends when the token changes."""
        async with self:
            token, number = self._live_token, self.number
            cookie = (await self.get_state(SessionState)).session_token
            if not token or self._following == token:
                return  # nothing to follow, or a loop already follows this page
            self._following = token

        def check(s):
            user = accounts.require(accounts.user_for_web_session(s, cookie), Perm.SUPPORT_HANDLE)
            return user, support.last_activity(s, number, support.Viewer(user=user))

        await poll_ticket(self, token, check, self._reload)

    # --- writing -------------------------------------------------------------------------------

    @rx.event
    @admin_event(Perm.SUPPORT_HANDLE)
    async def set_reply(self, actor: UserView, value: str):
        self.reply = str(value)[:20_000]

    @rx.event
    @admin_event(Perm.SUPPORT_HANDLE)
    async def set_internal(self, actor: UserView, value: str | list[str]):
        self.internal = value in ("note", True, "true")

    @rx.event
    @admin_event(Perm.SUPPORT_HANDLE)
    async def use_saved(self, actor: UserView, reply_id: str):
        row = next((r for r in self.saved if str(r.id) == str(reply_id)), None)
        if row is not None:
            text = row.body.replace("{name}", self.contact_name.split(" ")[0] or "there")
            self.reply = (self.reply.rstrip() + "\n\n" + text).strip() if self.reply else text

    async def _send(self, actor: UserView, files: list[rx.UploadFile]):
        number, body, internal = self.number, self.reply, self.internal
        self.sending = True
        try:
            stored = await store_uploads(files) if files else []
            await write(
                lambda s: support.add_message(
                    s,
                    number,
                    support.Viewer(user=actor),
                    body=body,
                    internal=internal,
                    attachments=stored,
                )
            )
            await self._reload(actor)
        except DomainError as exc:
            self.sending = False
            return rx.toast.error(exc.message)
        self.sending, self.reply = False, ""
        done = rx.clear_selected_files(STAFF_UPLOAD_ID)
        if internal:
            return [done, rx.toast.success("Internal note added. The customer can't see it.")]
        return [done, rx.toast.success("Reply sent to the customer.")]

    @rx.event
    @admin_event(Perm.SUPPORT_HANDLE)
    async def send(self, actor: UserView):
        return await self._send(actor, [])

    @rx.event
    @admin_event(Perm.SUPPORT_HANDLE)
    async def send_with_files(self, actor: UserView, files: list[rx.UploadFile]):
        return await self._send(actor, files)

    async def _update(self, actor: UserView, message: str, **changes):
        number = self.number
        try:
            await write(lambda s: support.update_ticket(s, number, actor, **changes))
            await self._reload(actor)
        except DomainError as exc:
            return rx.toast.error(exc.message)
        return rx.toast.success(message)

    @rx.event
    @admin_event(Perm.SUPPORT_HANDLE)
    async def set_status(self, actor: UserView, value: str):
        if value == self.status:
            return None
        return await self._update(
            actor, f"Status: {ticket_status_label(value).lower()}.", status=value
        )

    @rx.event
    @admin_event(Perm.SUPPORT_HANDLE)
    async def set_priority(self, actor: UserView, value: str):
        if value == self.priority:
            return None
        return await self._update(actor, f"Priority: {value}.", priority=value)

    @rx.event
    @admin_event(Perm.SUPPORT_HANDLE)
    async def assign(self, actor: UserView, value: str):
        value = str(value)
        if value == "none":
            return await self._update(actor, "Unassigned.", unassign=True)
        if value == "me":
            value = str(actor.id)
        if not value.isdigit():
            return rx.toast.error("Pick someone on the support team.")
        name = next((c.label for c in self.team if c.value == value), "them")
        who = "you" if int(value) == actor.id else name
        return await self._update(actor, f"Assigned to {who}.", assignee_id=int(value))

    @rx.event
    @admin_event(Perm.SUPPORT_HANDLE)
    async def set_save_open(self, actor: UserView, is_open: bool):
        self.save_open = bool(is_open)
        if self.save_open:
            self.save_title, self.save_body, self.save_errors = "", self.reply, {}

    @rx.event
    @admin_event(Perm.SUPPORT_HANDLE)
    async def set_save_field(self, actor: UserView, field: str, value: str):
        if field in ("save_title", "save_body"):
            setattr(self, field, str(value)[:20_000])

    @rx.event
    @admin_event(Perm.SUPPORT_HANDLE)
    async def save_reply(self, actor: UserView):
        title, body = self.save_title.strip(), self.save_body.strip()
        errors = {}
        if not title or len(title) > 120:
            errors["title"] = "Give it a title (up to 120 characters)."
        elif any(r.title.lower() == title.lower() for r in self.saved):
            errors["title"] = "A saved reply with this title exists."
        if not body:
            errors["body"] = "Write the text to insert."
        self.save_errors = errors
        if errors:
            return rx.toast.error("Check the saved reply.")
        try:
            saved = await write(lambda s: support.save_reply(s, title=title, body=body))
        except DomainError as exc:
            self.save_errors = {"title": exc.message}
            return rx.toast.error(exc.message)
        except IntegrityError:  # saved by someone else a moment ago (titles are unique)
            self.save_errors = {"title": "A saved reply with this title exists."}
            return rx.toast.error("A saved reply with this title exists.")
        self.saved = [SavedRow(r.id, r.title, r.body) for r in await read(support.saved_replies)]
        self.save_open, self.save_errors = False, {}
        return rx.toast.success(f"Saved reply “{saved.title}” added.")

    @rx.event
    @admin_event(Perm.SUPPORT_HANDLE)
    async def download(self, actor: UserView, attachment_id: int):
        number = self.number
        try:
            row = await read(
                lambda s: support.attachment_for(
                    s, number, int(attachment_id), support.Viewer(user=actor)
                )
            )
            data = await asyncio.to_thread(attachment_path(row.storage_key).read_bytes)
        except (DomainError, OSError, ValueError):
            return rx.toast.error("That file is not available.")
        return rx.download(data=data, filename=row.filename, mime_type=row.content_type)


S = TicketDetailState


# --- components ----------------------------------------------------------------------------


def _choice_select(choices, *, value, on_change, field_id: str, text: str) -> rx.Component:
    return rx.vstack(
        label(text, field_id),
        rx.select.root(
            rx.select.trigger(id=field_id, width="100%", aria_label=text),
            rx.select.content(choices),
            value=value,
            on_change=on_change,
            size="2",
        ),
        spacing="1",
        width="100%",
    )


def _controls() -> rx.Component:
    return titled_card(
        "Ticket",
        "sliders-horizontal",
        _choice_select(
            [rx.select.item(c.label, value=c.value) for c in STATUS_CHOICES],
            value=S.status,
            on_change=S.set_status,
            field_id="ticket-status-select",
            text="Status",
        ),
        _choice_select(
            [rx.select.item(c.label, value=c.value) for c in PRIORITY_CHOICES],
            value=S.priority,
            on_change=S.set_priority,
            field_id="ticket-priority-select",
            text="Priority",
        ),
        _choice_select(
            rx.fragment(
                rx.select.item("Unassigned", value="none"),
                rx.foreach(S.team, lambda c: rx.select.item(c.label, value=c.value)),
            ),
            value=S.assignee,
            on_change=S.assign,
            field_id="ticket-assignee-select",
            text="Assignee",
        ),
        rx.button(
            rx.icon("hand", size=16),
            "Assign to me",
            variant="soft",
            width="100%",
            cursor="pointer",
            on_click=S.assign("me"),
            id="assign-to-me",
        ),
        rx.vstack(
            rx.text("Opened ", S.created, size="1", color_scheme="gray"),
            rx.text("First response: ", S.first_response, size="1", color_scheme="gray"),
            spacing="1",
        ),
    )


def _order_card() -> rx.Component:
    return rx.cond(
        S.order_number != "",
        titled_card(
            "Linked order",
            "receipt",
            rx.cond(
                S.order_missing,
                rx.text("Order ", S.order_number, " no longer exists.", size="2"),
                rx.vstack(
                    rx.hstack(
                        rx.link(
                            S.order_number,
                            href="/admin/orders/" + S.order_number,
                            weight="bold",
                            id="ticket-order-link",
                        ),
                        order_status_badge(S.order_status, S.order_status_text),
                        spacing="2",
                        align="center",
                        wrap="wrap",
                    ),
                    rx.text(S.order_items, " · ", S.order_total, size="2"),
                    rx.text("Placed ", S.order_placed, size="1", color_scheme="gray"),
                    spacing="1",
                ),
            ),
        ),
    )


def _other(t: OtherTicket) -> rx.Component:
    return rx.link(
        rx.hstack(
            rx.vstack(
                rx.text(t.subject, size="2", weight="medium", trim="both"),
                rx.text(t.number, " · ", t.updated, size="1", color_scheme="gray"),
                spacing="0",
                min_width="0",
            ),
            rx.spacer(),
            ticket_badge(t.status, t.color, size="1"),
            width="100%",
            align="center",
        ),
        href="/admin/tickets/" + t.number,
        underline="none",
        color="var(--gray-12)",
        padding="8px",
        border_radius="10px",
        _hover={"background": "var(--gray-a3)"},
        width="100%",
    )


def _customer_card() -> rx.Component:
    return titled_card(
        "Customer",
        "user-round",
        rx.vstack(
            rx.text(S.contact_name, weight="bold", size="2"),
            rx.link(S.contact_email, href="mailto:" + S.contact_email, size="2"),
            spacing="0",
        ),
        rx.text("Other tickets", size="2", weight="medium"),
        rx.cond(
            S.others.length() > 0,
            rx.vstack(rx.foreach(S.others, _other), spacing="1", width="100%"),
            rx.text("None — this is their first.", size="2", color_scheme="gray"),
        ),
    )


def _save_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("New saved reply"),
            rx.dialog.description(
                "Reusable text for common answers. {name} becomes the customer's first name.",
                size="2",
            ),
            rx.vstack(
                label("Title", "save-title"),
                rx.input(
                    id="save-title",
                    value=S.save_title,
                    on_change=lambda v: S.set_save_field("save_title", v),
                    width="100%",
                ),
                rx.cond(
                    S.save_errors.contains("title"),
                    rx.text(S.save_errors["title"], color_scheme="red", size="1", role="alert"),
                ),
                label("Text", "save-body"),
                rx.text_area(
                    id="save-body",
                    value=S.save_body,
                    on_change=lambda v: S.set_save_field("save_body", v),
                    rows="6",
                    width="100%",
                ),
                rx.cond(
                    S.save_errors.contains("body"),
                    rx.text(S.save_errors["body"], color_scheme="red", size="1", role="alert"),
                ),
                rx.hstack(
                    rx.dialog.close(rx.button("Cancel", variant="soft", color_scheme="gray")),
                    rx.button("Save reply", on_click=S.save_reply, cursor="pointer"),
                    justify="end",
                    width="100%",
                ),
                spacing="2",
                width="100%",
                padding_top="12px",
            ),
            max_width="520px",
        ),
        open=S.save_open,
        on_open_change=S.set_save_open,
    )


def _send_button(on_click) -> rx.Component:
    note = S.internal
    return rx.button(
        rx.cond(note, rx.icon("lock", size=16), rx.icon("send", size=16)),
        rx.cond(note, "Add note", "Send reply"),
        color_scheme=rx.cond(note, "amber", "violet"),
        loading=S.sending,
        on_click=on_click,
        cursor="pointer",
        id="staff-send",
    )


def _composer() -> rx.Component:
    note = S.internal
    return rx.box(
        rx.vstack(
            rx.flex(
                rx.segmented_control.root(
                    rx.segmented_control.item(
                        rx.hstack(rx.icon("reply", size=14), "Reply", spacing="1"), value="reply"
                    ),
                    rx.segmented_control.item(
                        rx.hstack(rx.icon("lock", size=14), "Internal note", spacing="1"),
                        value="note",
                    ),
                    value=rx.cond(note, "note", "reply"),
                    on_change=S.set_internal,
                    radius="full",
                    id="composer-mode",
                ),
                rx.hstack(
                    rx.select.root(
                        rx.select.trigger(
                            placeholder="Insert saved reply", aria_label="Saved replies"
                        ),
                        rx.select.content(
                            rx.foreach(
                                S.saved,
                                lambda r: rx.select.item(r.title, value=r.id.to_string()),
                            )
                        ),
                        value="",
                        on_change=S.use_saved,
                        size="2",
                    ),
                    rx.icon_button(
                        rx.icon("bookmark-plus", size=16),
                        variant="soft",
                        aria_label="Save as a new saved reply",
                        on_click=S.set_save_open(True),
                        cursor="pointer",
                    ),
                    spacing="2",
                ),
                justify="between",
                gap="8px",
                wrap="wrap",
                width="100%",
            ),
            rx.el.label(
                rx.cond(note, "Internal note (only staff see it)", "Reply to the customer"),
                html_for="staff-reply",
                style={"font_size": "var(--font-size-2)", "font_weight": "500"},
            ),
            rx.text_area(
                id="staff-reply",
                value=S.reply,
                on_change=S.set_reply,
                rows="4",
                width="100%",
                placeholder=rx.cond(
                    note, "Notes for the team…", "Write to " + S.contact_name + "…"
                ),
            ),
            upload_zone(STAFF_UPLOAD_ID, label="Attach files"),
            rx.hstack(
                rx.cond(
                    note,
                    rx.text(
                        rx.icon("eye-off", size=12),
                        " The customer never sees notes.",
                        size="1",
                        color_scheme="amber",
                    ),
                    rx.text("The customer gets an email too.", size="1", color_scheme="gray"),
                ),
                rx.spacer(),
                upload_or_plain(
                    STAFF_UPLOAD_ID, _send_button, with_files=S.send_with_files, plain=S.send
                ),
                width="100%",
                align="center",
            ),
            spacing="2",
            width="100%",
        ),
        padding="14px",
        border_radius="16px",
        background=rx.cond(note, "var(--amber-2)", "var(--color-panel-solid)"),
        border=rx.cond(note, "1px dashed var(--amber-8)", "1px solid var(--gray-a5)"),
        width="100%",
    )


def _header() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.link(
                rx.hstack(rx.icon("arrow-left", size=14), rx.text("Queue"), spacing="1"),
                href="/admin/tickets",
                size="2",
            ),
            rx.spacer(),
            live_indicator(S.live, S.resume_live, "Resume live updates"),
            width="100%",
            align="center",
        ),
        rx.heading(S.subject, size="6", as_="h2", letter_spacing="-0.02em"),
        rx.flex(
            ticket_badge(S.status_text, S.status_color, size="2", id="admin-ticket-status"),
            ticket_badge(S.priority, S.priority_color, size="2"),
            rx.badge(S.category, variant="outline", radius="full", size="2"),
            rx.code(S.number, id="admin-ticket-number"),
            rx.cond(
                S.overdue,
                rx.badge("Overdue", color_scheme="red", radius="full", size="2"),
            ),
            gap="8px",
            wrap="wrap",
            align="center",
        ),
        spacing="2",
        width="100%",
    )


def _detail() -> rx.Component:
    conversation = table_card(
        rx.box(
            rx.text(S.contact_name, " · ", S.created, size="1", color_scheme="gray"),
            rx.text(S.description, size="2", white_space="pre-wrap", padding_top="4px"),
            padding="12px 16px",
            border_radius="16px",
            background="var(--gray-a3)",
            width="100%",
        ),
        thread(S.messages, mine_role="staff", on_download=S.download, id="admin-ticket-thread"),
        _composer(),
    )
    return rx.vstack(
        _header(),
        rx.grid(
            rx.vstack(conversation, spacing="4", width="100%", min_width="0"),
            rx.vstack(
                _controls(),
                _order_card(),
                _customer_card(),
                spacing="4",
                width="100%",
                min_width="0",
            ),
            grid_template_columns=[
                "minmax(0,1fr)",
                "minmax(0,1fr)",
                "minmax(0,1fr)",
                "minmax(0,2fr) minmax(0,1fr)",
            ],
            gap="16px",
            width="100%",
        ),
        _save_dialog(),
        spacing="4",
        width="100%",
    )


@admin_page(
    route="/admin/tickets/[admin_ticket_number]",
    title="Ticket",
    permission=Perm.SUPPORT_HANDLE,
    on_load=TicketDetailState.load,
)
def ticket_detail_page() -> rx.Component:
    return rx.box(
        loading_missing_or(
            S.loading,
            S.missing,
            _detail(),
            icon="inbox",
            title=("No ticket ", S.number),
            back=("Back to the queue", "/admin/tickets"),
        ),
        on_unmount=S.stop_live,
        width="100%",
    )
