"""Customer support on the storefront.

- /account/support: the signed-in customer's tickets (paginated) with status badges.
- /support: open a ticket (signed in: pick one of your orders; guests: name + email).
- /support/track: a guest follows a ticket by its tracking number + email.
- /support/<number> and /account/support/<number>: the conversation with a reply box,
  updated live (a background loop polls `support.last_activity` twice a second).

Every handler resolves who is asking from the session cookie on the backend; a guest's
email lives in a backend-only var, set from the link they followed and checked by the
service on every read. Internal notes never reach this state.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from urllib.parse import quote, unquote, urlencode

import reflex as rx

from shop.components.feedback import card, empty_panel, loading_panel
from shop.components.forms import LABEL_STYLE, form_alert, submit_button, text_field
from shop.components.layout import auth_card, template
from shop.components.support import (
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
    when,
)
from shop.state.live import poll_ticket
from shop.state.services import read, write
from shop.state.session import SessionState, client_ip, current_user, query_page
from shop_core import ratelimit
from shop_core.accounts import service as accounts
from shop_core.errors import DomainError, NotFound, RateLimited
from shop_core.orders import service as orders
from shop_core.support import service as support
from shop_core.support.attachments import attachment_path, store_attachment

NEW_UPLOAD_ID = "ticket-new-files"
REPLY_UPLOAD_ID = "ticket-reply-files"
TICKET_RATE_LIMIT = "10/minute"  # per address: opening and looking up guest tickets
NO_ORDER = "none"


def ticket_href(number: str, email: str | None = None, *, signed_in: bool = False) -> str:
    if signed_in:
        return f"/account/support/{quote(number)}"
    base = f"/support/{quote(number)}"
    return f"{base}?{urlencode({'email': email})}" if email else base


async def store_uploads(files: list[rx.UploadFile]) -> list[tuple[str, str, int, str]]:
    stored = []
    for upload in files[:5]:
        data = await asyncio.to_thread(upload.file.read, 5 * 1024 * 1024 + 1)
        stored.append(await asyncio.to_thread(store_attachment, data, upload.filename or ""))
    return stored


# --- /account/support ------------------------------------------------------------------------


@dataclass
class TicketRow:
    number: str = ""
    href: str = ""
    subject: str = ""
    category: str = ""
    status: str = ""
    color: str = "gray"
    updated: str = ""
    order_number: str = ""


class SupportListState(rx.State):
    loading: bool = True
    rows: list[TicketRow] = []
    page: int = 1
    pages: int = 1
    total: int = 0

    @rx.event
    async def load(self):
        self.loading = True
        yield
        user = await current_user(self)
        if user is None:
            yield rx.redirect("/login?next=/account/support")
            return
        page = query_page(self)
        viewer = support.Viewer(user=user)
        # Staff would see the whole queue: in the account area, only their own tickets.
        mine = support.QueueFilters(mine=True)
        result = await read(lambda s: support.list_tickets(s, viewer, mine, page=page, per_page=10))
        self.rows = [
            TicketRow(
                number=t.number,
                href=ticket_href(t.number, signed_in=True),
                subject=t.subject,
                category=category_label(t.category),
                status=ticket_status_label(t.status),
                color=ticket_status_color(t.status),
                updated=when(t.updated_at),
                order_number=t.order_number or "",
            )
            for t in result.items
        ]
        self.page, self.pages, self.total = result.page, result.pages, result.total
        self.loading = False


def _ticket_row(row: TicketRow) -> rx.Component:
    return rx.link(
        rx.hstack(
            rx.center(
                rx.icon("messages-square", size=20, color="var(--pink-11)"),
                width="44px",
                height="44px",
                border_radius="14px",
                background="var(--pink-3)",
                flex_shrink="0",
            ),
            rx.vstack(
                rx.text(row.subject, weight="bold", size="3", trim="both"),
                rx.text(
                    rx.code(row.number, variant="ghost"),
                    " · ",
                    row.category,
                    rx.cond(row.order_number != "", " · order " + row.order_number, ""),
                    size="1",
                    color_scheme="gray",
                ),
                rx.text("Updated ", row.updated, size="1", color_scheme="gray"),
                spacing="1",
                min_width="0",
            ),
            rx.spacer(),
            ticket_badge(row.status, row.color, size="2"),
            rx.icon("chevron-right", size=18, color="var(--gray-9)", flex_shrink="0"),
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
        class_name="ticket-row",
        aria_label="Ticket " + row.number + ", " + row.status,
    )


def _new_ticket_button() -> rx.Component:
    return rx.link(
        rx.button(rx.icon("plus", size=16), "New ticket", radius="full", size="3"),
        href="/support",
        underline="none",
    )


@template(route="/account/support", title="Support", on_load=SupportListState.load)
def account_support() -> rx.Component:
    S = SupportListState
    return rx.vstack(
        rx.flex(
            rx.vstack(
                rx.heading("Support", as_="h1", size="8", letter_spacing="-0.03em"),
                rx.text(
                    "Questions, problems with an order, returns: we answer right here.",
                    color_scheme="gray",
                ),
                spacing="1",
            ),
            rx.hstack(
                rx.link("Back to your profile", href="/account", size="2"),
                _new_ticket_button(),
                spacing="4",
                align="center",
            ),
            justify="between",
            align="end",
            wrap="wrap",
            gap="12px",
            width="100%",
        ),
        rx.cond(
            S.loading,
            loading_panel("Loading your tickets…"),
            rx.cond(
                S.rows.length() > 0,
                card(rx.vstack(rx.foreach(S.rows, _ticket_row), spacing="1", width="100%")),
                card(
                    empty_panel(
                        "message-circle-heart",
                        "No tickets yet",
                        "If something is not right with an order, tell us: we usually "
                        "answer within a day.",
                        _new_ticket_button(),
                    )
                ),
            ),
        ),
        rx.cond(
            S.pages > 1,
            rx.hstack(
                rx.cond(
                    S.page > 1,
                    rx.link(
                        "Newer tickets", href="/account/support?page=" + (S.page - 1).to_string()
                    ),
                ),
                rx.spacer(),
                rx.text("Page ", S.page, " of ", S.pages, size="2", color_scheme="gray"),
                rx.spacer(),
                rx.cond(
                    S.page < S.pages,
                    rx.link(
                        "Older tickets", href="/account/support?page=" + (S.page + 1).to_string()
                    ),
                ),
                width="100%",
                as_="nav",
                aria_label="Pagination",
            ),
        ),
        spacing="5",
        width="100%",
    )


# --- /support: open a ticket ---------------------------------------------------------------------


@dataclass
class Choice:
    value: str = ""
    label: str = ""


CATEGORY_CHOICES = [Choice(k, v) for k, v in support.CATEGORIES.items()]


class NewTicketState(rx.State):
    signed_in: bool = False
    orders: list[Choice] = []
    category: str = "order_problem"
    subject: str = ""
    description: str = ""
    order_number: str = NO_ORDER
    name: str = ""
    email: str = ""
    errors: dict[str, str] = {}
    error: str = ""
    busy: bool = False

    @rx.event
    async def load(self):
        params = self.router.url.query_parameters
        self.errors, self.error, self.busy = {}, "", False
        self.subject = self.description = ""
        order = params.get("order", "").strip().upper()[:20]
        user = await current_user(self)
        self.signed_in = user is not None
        self.orders = []
        if user is not None:
            page = await read(lambda s: orders.list_for_user(s, user.id, page=1, per_page=50))
            self.orders = [
                Choice(o.number, f"{o.number} · {when(o.created_at)[:11]}") for o in page.items
            ]
            known = {c.value for c in self.orders}
            if order and order not in known:  # an older order, past the first 50
                uid = user.id
                try:
                    o = await read(
                        lambda s: orders.get_for_customer(s, order, user_id=uid, email=None)
                    )
                    self.orders.append(Choice(o.number, f"{o.number} · {when(o.created_at)[:11]}"))
                    known.add(o.number)
                except NotFound:
                    pass
            self.order_number = order if order in known else NO_ORDER
        else:
            self.order_number = order
            self.email = params.get("email", "")[:254] or self.email
        self.category = "order_problem" if order else (self.category or "order_problem")
        if order:
            self.subject = f"Help with order {order}"

    @rx.event
    def set_value(self, field: str, value: str):
        if field in ("category", "subject", "description", "order_number", "name", "email"):
            setattr(self, field, str(value)[:20_000])
            self.errors = {k: v for k, v in self.errors.items() if k != field}

    async def _create(self, files: list[rx.UploadFile]):
        self.busy, self.errors, self.error = True, {}, ""
        user = await current_user(self)
        order = self.order_number.strip().upper()
        data = {
            "subject": self.subject,
            "category": self.category,
            "description": self.description,
            "order_number": None if order in ("", NO_ORDER.upper()) else order,
            "name": None if user else self.name,
            "email": None if user else self.email,
        }
        try:
            if user is None:
                ratelimit.hit(TICKET_RATE_LIMIT, "ticket-guest", client_ip(self))
            body = support.TicketIn(**data)
            stored = await store_uploads(files) if files else []
            created = await write(lambda s: support.create_ticket(s, body, user=user))
            if stored:
                viewer = support.Viewer(user=user, email=created.contact_email)
                number = created.number
                await write(
                    lambda s: support.add_message(
                        s, number, viewer, body="Files for this ticket.", attachments=stored
                    )
                )
        except RateLimited as exc:
            self.busy, self.error = False, exc.message
            return rx.toast.error(exc.message)
        except DomainError as exc:
            self.busy, self.error = False, exc.message
            self.errors = dict(exc.fields)
            return rx.toast.error(exc.message)
        except ValueError as exc:  # pydantic: lengths
            self.busy = False
            self.errors = {
                str(e["loc"][0]): _friendly(e) for e in getattr(exc, "errors", lambda: [])()
            }
            self.error = "Please correct the highlighted fields."
            return rx.toast.error(self.error)
        self.busy = False
        self.subject = self.description = ""
        href = ticket_href(created.number, created.contact_email, signed_in=user is not None)
        return [
            rx.clear_selected_files(NEW_UPLOAD_ID),
            rx.redirect(href),
            rx.toast.success(
                f"Ticket {created.number} is open. We emailed you a confirmation.",
                id="ticket-created",
            ),
        ]

    @rx.event
    async def submit(self):
        return await self._create([])

    @rx.event
    async def submit_with_files(self, files: list[rx.UploadFile]):
        return await self._create(files)


def _friendly(error: dict) -> str:
    kind = error.get("type", "")
    if kind == "string_too_short":
        n = error.get("ctx", {}).get("min_length", 1)
        return f"At least {n} characters."
    if kind == "string_too_long":
        return f"At most {error.get('ctx', {}).get('max_length')} characters."
    return str(error.get("msg", "Not valid."))


def _label(text: str, field_id: str) -> rx.Component:
    return rx.el.label(text, html_for=field_id, style=LABEL_STYLE)


def _error(name: str) -> rx.Component:
    errors = NewTicketState.errors
    return rx.cond(
        errors.contains(name),
        rx.text(
            errors[name], id=f"ticket-{name}-error", role="alert", size="2", color_scheme="red"
        ),
    )


def _input(name: str, text: str, **props) -> rx.Component:
    field_id = f"ticket-{name}"
    return rx.vstack(
        _label(text, field_id),
        rx.input(
            id=field_id,
            value=getattr(NewTicketState, name),
            on_change=lambda v: NewTicketState.set_value(name, v),
            size="3",
            width="100%",
            custom_attrs={"aria-describedby": f"{field_id}-error"},
            **props,
        ),
        _error(name),
        spacing="1",
        width="100%",
    )


def _select(name: str, text: str, choices, **props) -> rx.Component:
    field_id = f"ticket-{name}"
    return rx.vstack(
        _label(text, field_id),
        rx.select.root(
            rx.select.trigger(id=field_id, width="100%", aria_label=text),
            rx.select.content(choices),
            value=getattr(NewTicketState, name),
            on_change=lambda v: NewTicketState.set_value(name, v),
            size="3",
            **props,
        ),
        _error(name),
        spacing="1",
        width="100%",
    )


def _new_ticket_form() -> rx.Component:
    S = NewTicketState
    order_field = rx.cond(
        S.signed_in,
        _select(
            "order_number",
            "Order (optional)",
            rx.fragment(
                rx.select.item("No order", value=NO_ORDER),
                rx.foreach(S.orders, lambda c: rx.select.item(c.label, value=c.value)),
            ),
        ),
        _input("order_number", "Order number (optional)", placeholder="JNABCD2345"),
    )
    guest_fields = rx.cond(
        S.signed_in,
        rx.fragment(),
        rx.grid(
            _input("name", "Your name", auto_complete="name"),
            _input("email", "Email", type="email", auto_complete="email"),
            columns=rx.breakpoints(initial="1", sm="2"),
            spacing="4",
            width="100%",
        ),
    )
    send = upload_or_plain(
        NEW_UPLOAD_ID,
        lambda on_click: rx.button(
            rx.icon("send", size=18),
            "Open ticket",
            size="3",
            width="100%",
            loading=S.busy,
            cursor="pointer",
            id="ticket-submit",
            on_click=on_click,
        ),
        with_files=S.submit_with_files,
        plain=S.submit,
    )
    return rx.vstack(
        guest_fields,
        rx.grid(
            _select(
                "category",
                "What is it about?",
                rx.foreach(CATEGORY_CHOICES, lambda c: rx.select.item(c.label, value=c.value)),
            ),
            order_field,
            columns=rx.breakpoints(initial="1", sm="2"),
            spacing="4",
            width="100%",
        ),
        _input("subject", "Subject", placeholder="My parcel arrived damaged"),
        rx.vstack(
            _label("Describe the problem", "ticket-description"),
            rx.text_area(
                id="ticket-description",
                value=S.description,
                on_change=lambda v: S.set_value("description", v),
                placeholder="What happened, and what would help you?",
                rows="6",
                size="3",
                width="100%",
                custom_attrs={"aria-describedby": "ticket-description-error"},
            ),
            _error("description"),
            spacing="1",
            width="100%",
        ),
        upload_zone(NEW_UPLOAD_ID),
        _error("attachments"),
        form_alert(S.error),
        send,
        spacing="4",
        width="100%",
    )


@template(route="/support", title="Contact support", on_load=NewTicketState.load)
def support_page() -> rx.Component:
    return rx.center(
        rx.vstack(
            rx.vstack(
                rx.badge(
                    rx.icon("sparkles", size=14),
                    "Real people, fast answers",
                    radius="full",
                    color_scheme="pink",
                    size="2",
                ),
                rx.heading("How can we help?", as_="h1", size="8", letter_spacing="-0.03em"),
                rx.text(
                    "Open a ticket and follow the conversation here. We reply by email too.",
                    color_scheme="gray",
                ),
                rx.hstack(
                    rx.cond(
                        SessionState.signed_in,
                        rx.link("Your tickets", href="/account/support", size="2"),
                        rx.link("Follow a ticket you opened", href="/support/track", size="2"),
                    ),
                    spacing="4",
                ),
                spacing="2",
            ),
            card(_new_ticket_form()),
            spacing="5",
            width="100%",
            max_width="720px",
        ),
        width="100%",
    )


# --- /support/track ------------------------------------------------------------------------------


class TrackTicketState(rx.State):
    error: str = ""
    busy: bool = False

    @rx.event
    def load(self):
        self.error, self.busy = "", False

    @rx.event
    async def submit(self, form_data: dict):
        self.busy, self.error = True, ""
        yield
        number = str(form_data.get("number", "")).strip().upper()[:16]
        email = str(form_data.get("email", "")).strip()[:254]
        if not number or not email:
            self.error, self.busy = "Enter the ticket number and your email.", False
            return
        try:
            ratelimit.hit(TICKET_RATE_LIMIT, "ticket-track", client_ip(self))
            viewer = support.Viewer(email=email)
            await read(lambda s: support.last_activity(s, number, viewer))
        except RateLimited as exc:
            self.error, self.busy = exc.message, False
            return
        except NotFound:
            self.error = "We couldn't find a ticket with that number and email."
            self.busy = False
            return
        self.busy = False
        yield rx.redirect(ticket_href(number, email))


@template(route="/support/track", title="Follow your ticket", on_load=TrackTicketState.load)
def track_ticket_page() -> rx.Component:
    return auth_card(
        "Follow your ticket",
        "Enter the ticket number from your confirmation email and your email address.",
        rx.form(
            rx.vstack(
                text_field(
                    "number",
                    "Ticket number",
                    placeholder="TABCD234",
                    icon="hash",
                    field_id="track-ticket-number",
                    style={"text_transform": "uppercase", "letter_spacing": "0.06em"},
                ),
                text_field(
                    "email",
                    "Email",
                    type="email",
                    auto_complete="email",
                    placeholder="you@example.com",
                    icon="mail",
                    field_id="track-ticket-email",
                ),
                form_alert(TrackTicketState.error),
                submit_button("Open my ticket", loading=TrackTicketState.busy, icon="search"),
                rx.text(
                    "No ticket yet? ",
                    rx.link("Contact support", href="/support"),
                    size="2",
                    color_scheme="gray",
                    align="center",
                    width="100%",
                ),
                spacing="4",
                width="100%",
            ),
            on_submit=TrackTicketState.submit,
            reset_on_submit=False,
            width="100%",
        ),
    )


# --- the conversation ----------------------------------------------------------------------------


class TicketState(rx.State):
    loading: bool = True
    missing: bool = False
    number: str = ""
    subject: str = ""
    category: str = ""
    status: str = ""
    status_color: str = "gray"
    order_number: str = ""
    order_href: str = ""
    created: str = ""
    description: str = ""
    messages: list[MessageRow] = []
    reply: str = ""
    sending: bool = False
    live: bool = False
    _guest_email: str = ""  # from the link the guest followed; the service checks it
    _live_token: str = ""
    _following: str = ""  # the token a loop is already running for (one loop per tab)
    _stamp: str = ""

    def _route_number(self) -> str:
        return unquote(self.router.url.path.rstrip("/").rsplit("/", 1)[-1]).strip().upper()[:16]

    async def _viewer(self) -> support.Viewer:
        user = await current_user(self)
        return support.Viewer(user=user, email=self._guest_email or None)

    def _fill(self, t: support.TicketOut, activity: tuple) -> None:
        self.number, self.subject = t.number, t.subject
        self.category = category_label(t.category)
        self.status = ticket_status_label(t.status)
        self.status_color = ticket_status_color(t.status)
        self.order_number = t.order_number or ""
        self.created = when(t.created_at)
        self.description = t.description
        self.messages = message_rows(t.messages, include_internal=False)
        self._stamp = repr(activity)

    async def _reload(self, viewer: support.Viewer) -> None:
        number = self.number

        def load(s):
            return support.get_ticket(s, number, viewer), support.last_activity(s, number, viewer)

        ticket, activity = await read(load)
        self._fill(ticket, activity)

    @rx.event
    async def load(self):
        self.loading, self.missing, self.sending = True, False, False
        self._live_token, self.live = "", False
        self.reply = ""
        yield
        number = self._route_number()
        self.number = number
        email = self.router.url.query_parameters.get("email", "")[:254].strip()
        self._guest_email = email
        viewer = await self._viewer()
        if viewer.user is None and not email and "/account/" in self.router.url.path:
            yield rx.redirect(f"/login?next=/account/support/{quote(number)}")
            return
        try:
            await self._reload(viewer)
        except DomainError:
            self.missing, self.loading = True, False
            return
        self.order_href = (
            f"/orders/{quote(self.order_number)}"
            + (f"?{urlencode({'email': email})}" if viewer.user is None and email else "")
            if self.order_number
            else ""
        )
        self.loading = False
        self._live_token = uuid.uuid4().hex
        self.live = True
        yield TicketState.follow

    @rx.event
    def stop_live(self):
        """The page is gone (navigated away): the loop ends at its next tick."""
        self._live_token, self.live = "", False

    @rx.event
    async def resume_live(self):
        if self.number and not self.missing:
            self._live_token = uuid.uuid4().hex
            self.live = True
            return TicketState.follow
        return None

    @rx.event(background=True)
    async def follow(self):
        """Poll the cheap `last_activity` every LIVE_SECONDS; reload the thread when it moved.

        Reads the database, not in-memory pubsub, so it sees replies written by any
        backend worker. Ends when the token changes (another ticket, page left)."""
        async with self:
            token, number = self._live_token, self.number
            guest_email = self._guest_email or None
            cookie = (await self.get_state(SessionState)).session_token
            if not token or self._following == token:
                return  # nothing to follow, or a loop already follows this page
            self._following = token

        def check(s):
            user = accounts.user_for_web_session(s, cookie) if cookie else None
            viewer = support.Viewer(user=user, email=guest_email)
            return viewer, support.last_activity(s, number, viewer)

        await poll_ticket(self, token, check, self._reload)

    @rx.event
    def set_reply(self, value: str):
        self.reply = str(value)[:20_000]

    async def _send(self, files: list[rx.UploadFile]):
        self.sending = True
        viewer = await self._viewer()
        number, body = self.number, self.reply
        try:
            stored = await store_uploads(files) if files else []
            await write(
                lambda s: support.add_message(s, number, viewer, body=body, attachments=stored)
            )
            await self._reload(viewer)
        except DomainError as exc:
            self.sending = False
            return rx.toast.error(exc.message)
        self.sending, self.reply = False, ""
        return [rx.clear_selected_files(REPLY_UPLOAD_ID), rx.toast.success("Message sent.")]

    @rx.event
    async def send(self):
        return await self._send([])

    @rx.event
    async def send_with_files(self, files: list[rx.UploadFile]):
        return await self._send(files)

    @rx.event
    async def download(self, attachment_id: int):
        viewer = await self._viewer()
        number = self.number
        try:
            row = await read(
                lambda s: support.attachment_for(s, number, int(attachment_id), viewer)
            )
            data = await asyncio.to_thread(attachment_path(row.storage_key).read_bytes)
        except (DomainError, OSError, ValueError):
            return rx.toast.error("That file is not available.")
        return rx.download(data=data, filename=row.filename, mime_type=row.content_type)


def _reply_box() -> rx.Component:
    S = TicketState
    send_button = upload_or_plain(
        REPLY_UPLOAD_ID,
        lambda on_click: rx.button(
            rx.icon("send", size=16),
            "Send",
            loading=S.sending,
            id="reply-send",
            cursor="pointer",
            on_click=on_click,
        ),
        with_files=S.send_with_files,
        plain=S.send,
    )
    return card(
        rx.vstack(
            rx.el.label("Your reply", html_for="reply-body", style=LABEL_STYLE),
            rx.text_area(
                id="reply-body",
                value=S.reply,
                on_change=S.set_reply,
                placeholder="Write a message…",
                rows="3",
                size="3",
                width="100%",
            ),
            rx.flex(
                rx.box(upload_zone(REPLY_UPLOAD_ID, label="Attach files"), flex="1"),
                send_button,
                gap="12px",
                align="start",
                width="100%",
                direction=rx.breakpoints(initial="column", sm="row"),
            ),
            spacing="2",
            width="100%",
        ),
        size="2",
    )


def _thread_view() -> rx.Component:
    S = TicketState
    header = rx.vstack(
        rx.hstack(
            rx.link(
                rx.hstack(rx.icon("arrow-left", size=14), rx.text("All tickets"), spacing="1"),
                href=rx.cond(SessionState.signed_in, "/account/support", "/support"),
                size="2",
            ),
            rx.spacer(),
            live_indicator(S.live, S.resume_live, "Refresh live updates", id="live-indicator"),
            width="100%",
            align="center",
        ),
        rx.heading(S.subject, as_="h1", size="7", letter_spacing="-0.02em"),
        rx.flex(
            ticket_badge(S.status, S.status_color, size="2", id="ticket-status"),
            rx.badge(S.category, radius="full", variant="outline", size="2"),
            rx.text(
                "Ticket ", rx.code(S.number, id="ticket-number"), size="2", color_scheme="gray"
            ),
            rx.cond(
                S.order_number != "",
                rx.link(
                    rx.hstack(rx.icon("package", size=14), "Order " + S.order_number, spacing="1"),
                    href=S.order_href,
                    size="2",
                ),
            ),
            gap="8px",
            wrap="wrap",
            align="center",
        ),
        spacing="2",
        width="100%",
    )
    opening = rx.box(
        rx.text("You wrote · ", S.created, size="1", color_scheme="gray"),
        rx.text(S.description, size="2", white_space="pre-wrap", padding_top="4px"),
        padding="12px 16px",
        border_radius="16px",
        background="var(--accent-3)",
        width="100%",
    )
    return rx.vstack(
        header,
        card(
            rx.vstack(
                opening,
                thread(
                    S.messages,
                    mine_role="customer",
                    on_download=TicketState.download,
                    id="ticket-thread",
                ),
                spacing="4",
                width="100%",
            ),
            size="2",
        ),
        _reply_box(),
        spacing="4",
        width="100%",
        max_width="820px",
        margin="0 auto",
    )


def _ticket_content() -> rx.Component:
    return rx.box(
        rx.cond(
            TicketState.loading,
            loading_panel("Loading your ticket…"),
            rx.cond(
                TicketState.missing,
                empty_panel(
                    "message-circle-question",
                    "We couldn't find that ticket",
                    "Check the number, or open it with the email address you used.",
                    rx.link(
                        rx.button("Follow a ticket", radius="full", size="3"),
                        href="/support/track",
                        underline="none",
                    ),
                    tone="pink",
                ),
                _thread_view(),
            ),
        ),
        on_unmount=TicketState.stop_live,
        width="100%",
    )


@template(route="/support/[ticket_number]", title="Your ticket", on_load=TicketState.load)
def ticket_page() -> rx.Component:
    return _ticket_content()


@template(route="/account/support/[ticket_number]", title="Your ticket", on_load=TicketState.load)
def account_ticket_page() -> rx.Component:
    return _ticket_content()
