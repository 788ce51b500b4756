"""Tickets: customers and guests open them and reply; staff work the queue, reply or
leave internal notes, assign, change status and priority. Internal notes never leave
staff views: every customer-facing read filters them out here, in one place.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import func, or_
from sqlmodel import Session, select

from shop_core.accounts.models import User
from shop_core.accounts.roles import ROLE_PERMISSIONS, Perm, Role
from shop_core.accounts.service import UserView, normalize_email
from shop_core.db import utcnow
from shop_core.email.service import queue_email
from shop_core.errors import InvalidInput, NotFound, PermissionDenied
from shop_core.orders.models import Order
from shop_core.pagination import Page, paginate
from shop_core.settings import get_settings
from shop_core.support.models import SavedReply, Ticket, TicketAttachment, TicketMessage

CATEGORIES = {
    "order_problem": "Order problem",
    "payment": "Payment",
    "product_question": "Product question",
    "returns": "Returns",
    "other": "Other",
}
PRIORITIES = ("low", "normal", "high", "urgent")
FIRST_RESPONSE_HOURS = 24
_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


class Status(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    WAITING = "waiting_on_customer"
    RESOLVED = "resolved"
    CLOSED = "closed"


UNRESOLVED = (Status.OPEN.value, Status.IN_PROGRESS.value, Status.WAITING.value)


class TicketIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    subject: str = Field(min_length=3, max_length=200)
    category: str = Field(max_length=40)
    description: str = Field(min_length=5, max_length=20_000)
    order_number: str | None = Field(default=None, max_length=20)
    email: str | None = Field(default=None, max_length=254)
    name: str | None = Field(default=None, max_length=120)


class AttachmentOut(BaseModel):
    id: int
    filename: str
    content_type: str
    size: int


class MessageOut(BaseModel):
    id: int
    author_role: str
    author_name: str
    body: str
    internal: bool
    created_at: datetime
    attachments: list[AttachmentOut] = []


class TicketSummary(BaseModel):
    number: str
    subject: str
    category: str
    status: str
    priority: str
    order_number: str | None
    contact_name: str
    contact_email: str
    assignee_id: int | None
    assignee_name: str | None = None
    created_at: datetime
    updated_at: datetime
    overdue: bool = False


class TicketOut(TicketSummary):
    description: str
    first_response_at: datetime | None
    resolved_at: datetime | None
    messages: list[MessageOut]


class Viewer(BaseModel):
    """Who is looking: a signed-in user, or a guest proving the ticket's email."""

    user: UserView | None = None
    email: str | None = None

    @property
    def is_staff(self) -> bool:
        return self.user is not None and self.user.can(Perm.SUPPORT_HANDLE)


def _number() -> str:
    return "T" + "".join(secrets.choice(_ALPHABET) for _ in range(7))


def _links(ticket: Ticket) -> dict[str, str]:
    base = get_settings().public_url
    customer = (
        f"{base}/account/support/{ticket.number}"
        if ticket.user_id
        else f"{base}/support/{ticket.number}?email={ticket.contact_email}"
    )
    return {"customer_url": customer, "staff_url": f"{base}/admin/tickets/{ticket.number}"}


def _technician_emails(session: Session) -> list[str]:
    roles = [
        r.value
        for r, perms in ROLE_PERMISSIONS.items()
        if Perm.SUPPORT_HANDLE in perms and r is not Role.OWNER
    ]
    emails = list(session.exec(select(User.email).where(User.role.in_(roles), User.is_active)))
    if not emails:  # nobody on the support team yet: the owners hear about it
        emails = list(
            session.exec(select(User.email).where(User.role == Role.OWNER.value, User.is_active))
        )
    return emails


def _mail(session: Session, ticket: Ticket, template: str, to: list[str], **extra) -> None:
    context = {
        "ticket": {
            "number": ticket.number,
            "subject": ticket.subject,
            "status": ticket.status,
            "category": CATEGORIES.get(ticket.category, ticket.category),
            "contact_name": ticket.contact_name,
        },
        **_links(ticket),
        **extra,
    }
    for address in dict.fromkeys(to):
        queue_email(session, to=address, template=template, context=context)


def create_ticket(session: Session, data: TicketIn, *, user: UserView | None) -> TicketOut:
    fields: dict[str, str] = {}
    if data.category not in CATEGORIES:
        fields["category"] = "One of " + ", ".join(CATEGORIES) + "."
    if user is None:
        if not data.name:
            fields["name"] = "Tell us your name."
        if not data.email:
            fields["email"] = "We need your email to answer you."
    if fields:
        raise InvalidInput("Please correct the highlighted fields.", fields=fields)
    email = user.email if user else normalize_email(data.email or "")
    name = user.name if user else (data.name or "").strip()
    order_number = _linked_order(session, data.order_number, user=user, email=email)
    now = utcnow()
    ticket = Ticket(
        number=_number(),
        subject=data.subject,
        category=data.category,
        description=data.description,
        order_number=order_number,
        user_id=user.id if user else None,
        contact_email=email,
        contact_name=name,
        created_at=now,
        updated_at=now,
        due_at=now + timedelta(hours=FIRST_RESPONSE_HOURS),
    )
    session.add(ticket)
    session.flush()
    _mail(
        session,
        ticket,
        "ticket_new_staff",
        _technician_emails(session),
        description=data.description,
    )
    _mail(session, ticket, "ticket_confirmation", [email])
    return _out(session, ticket, internal=False)


def _linked_order(
    session: Session, number: str | None, *, user: UserView | None, email: str
) -> str | None:
    """Customers may only link their own orders (by account, or by the email that placed it)."""
    if not number:
        return None
    order = session.exec(select(Order).where(Order.number == number.strip().upper())).first()
    owns = order is not None and (
        (user is not None and order.user_id == user.id) or order.email == email
    )
    if not owns:
        raise InvalidInput(
            "That order is not one of yours.", fields={"order_number": "Pick one of your orders."}
        )
    return order.number


def _load(session: Session, number: str, viewer: Viewer, *, lock: bool = False) -> Ticket:
    stmt = select(Ticket).where(Ticket.number == number.strip().upper())
    if lock:
        stmt = stmt.with_for_update()
    ticket = session.exec(stmt).first()
    allowed = ticket is not None and (
        viewer.is_staff
        or (viewer.user is not None and ticket.user_id == viewer.user.id)
        or (
            viewer.email is not None
            and ticket.user_id is None
            and viewer.email.strip().lower() == ticket.contact_email
        )
    )
    if not allowed:
        raise NotFound("No such ticket.", code="ticket_not_found")
    return ticket


def get_ticket(session: Session, number: str, viewer: Viewer) -> TicketOut:
    ticket = _load(session, number, viewer)
    return _out(session, ticket, internal=viewer.is_staff)


def last_activity(session: Session, number: str, viewer: Viewer) -> tuple[datetime, int]:
    """What a live page polls: the ticket's update time and how many messages it can see."""
    ticket = _load(session, number, viewer)
    stmt = (
        select(func.count()).select_from(TicketMessage).where(TicketMessage.ticket_id == ticket.id)
    )
    if not viewer.is_staff:
        stmt = stmt.where(TicketMessage.internal.is_(False))
    return ticket.updated_at, int(session.exec(stmt).one())


def add_message(
    session: Session,
    number: str,
    viewer: Viewer,
    *,
    body: str,
    internal: bool = False,
    attachments: list[tuple[str, str, int, str]] | None = None,
) -> MessageOut:
    """Reply on a ticket. `attachments` are already-stored files: (filename, type, size, key)."""
    body = body.strip()
    if not body and not attachments:
        raise InvalidInput("Write a message.", fields={"body": "Required."})
    if len(body) > 20_000:
        raise InvalidInput("Message is too long.", fields={"body": "At most 20,000 characters."})
    ticket = _load(session, number, viewer, lock=True)
    staff = viewer.is_staff
    if internal and not staff:
        raise PermissionDenied("Only staff can write internal notes.")
    now = utcnow()
    author = viewer.user
    message = TicketMessage(
        ticket_id=ticket.id,
        author_id=author.id if author else None,
        author_role="staff" if staff else "customer",
        author_name=author.name if author else ticket.contact_name,
        body=body,
        internal=internal,
        created_at=now,
    )
    session.add(message)
    session.flush()
    for filename, content_type, size, key in attachments or []:
        session.add(
            TicketAttachment(
                message_id=message.id,
                filename=filename,
                content_type=content_type,
                size=size,
                storage_key=key,
            )
        )
    ticket.updated_at = now
    if staff and not internal:
        ticket.first_response_at = ticket.first_response_at or now
        _mail(
            session,
            ticket,
            "ticket_reply_customer",
            [ticket.contact_email],
            message=body,
            author=message.author_name,
        )
    elif not staff:
        if ticket.status in (Status.RESOLVED, Status.CLOSED, Status.WAITING):
            ticket.status = Status.OPEN.value  # a customer reply reopens the conversation
            ticket.resolved_at = None
        assignee = session.get(User, ticket.assignee_id) if ticket.assignee_id else None
        to = [assignee.email] if assignee and assignee.is_active else _technician_emails(session)
        _mail(session, ticket, "ticket_reply_staff", to, message=body, author=message.author_name)
    session.add(ticket)
    session.flush()
    return _message_out(message, _attachments(session, [message.id]).get(message.id, []))


def update_ticket(
    session: Session,
    number: str,
    actor: UserView,
    *,
    status: str | None = None,
    assignee_id: int | None = None,
    unassign: bool = False,
    priority: str | None = None,
) -> TicketOut:
    if not actor.can(Perm.SUPPORT_HANDLE):
        raise PermissionDenied("Only support staff can change tickets.")
    fields: dict[str, str] = {}
    if status is not None and status not in {s.value for s in Status}:
        fields["status"] = "One of " + ", ".join(s.value for s in Status) + "."
    if priority is not None and priority not in PRIORITIES:
        fields["priority"] = "One of " + ", ".join(PRIORITIES) + "."
    if assignee_id is not None:
        assignee = session.get(User, assignee_id)
        if assignee is None or not ROLE_PERMISSIONS.get(Role(assignee.role), frozenset()) & {
            Perm.SUPPORT_HANDLE
        }:
            fields["assignee_id"] = "Assign to someone on the support team."
    if fields:
        raise InvalidInput("Please correct the highlighted fields.", fields=fields)
    ticket = _load(session, number, Viewer(user=actor), lock=True)
    now = utcnow()
    if assignee_id is not None or unassign:
        ticket.assignee_id = None if unassign else assignee_id
    if priority is not None:
        ticket.priority = priority
    if status is not None and status != ticket.status:
        previous = ticket.status
        ticket.status = status
        ticket.resolved_at = now if status in (Status.RESOLVED, Status.CLOSED) else None
        session.add(
            TicketMessage(
                ticket_id=ticket.id,
                author_id=actor.id,
                author_role="system",
                author_name=actor.name,
                body=f"Status changed from {_label(previous)} to {_label(status)}.",
                created_at=now,
            )
        )
        _mail(
            session,
            ticket,
            "ticket_status_changed",
            [ticket.contact_email],
            previous=_label(previous),
            current=_label(status),
        )
    ticket.updated_at = now
    session.add(ticket)
    session.flush()
    return _out(session, ticket, internal=True)


def _label(status: str) -> str:
    return status.replace("_", " ")


class QueueFilters(BaseModel):
    status: str | None = None
    category: str | None = None
    priority: str | None = None
    assignee_id: int | None = None
    unassigned: bool = False
    overdue: bool = False
    q: str | None = None
    mine: bool = False  # only tickets the viewer opened (staff in their own account area)


def list_tickets(
    session: Session,
    viewer: Viewer,
    filters: QueueFilters | None = None,
    *,
    page: int = 1,
    per_page: int = 25,
) -> Page[TicketSummary]:
    """Staff see the whole queue (filterable); customers see only their own tickets."""
    f = filters or QueueFilters()
    stmt = select(Ticket).order_by(Ticket.updated_at.desc(), Ticket.id.desc())
    if not viewer.is_staff or f.mine:
        if viewer.user is None:
            raise NotFound("No such ticket.", code="ticket_not_found")
        stmt = stmt.where(Ticket.user_id == viewer.user.id)
    if f.status:
        stmt = stmt.where(Ticket.status == f.status)
    if f.category:
        stmt = stmt.where(Ticket.category == f.category)
    if f.priority:
        stmt = stmt.where(Ticket.priority == f.priority)
    if f.assignee_id is not None:
        stmt = stmt.where(Ticket.assignee_id == f.assignee_id)
    if f.unassigned:
        stmt = stmt.where(Ticket.assignee_id.is_(None))
    if f.overdue:
        stmt = stmt.where(
            Ticket.status.in_(UNRESOLVED),
            Ticket.first_response_at.is_(None),
            Ticket.due_at < utcnow(),
        )
    if f.q and f.q.strip():
        like = f"%{f.q.strip().lower()}%"
        stmt = stmt.where(
            or_(
                Ticket.number == f.q.strip().upper(),
                func.lower(Ticket.subject).like(like),
                Ticket.contact_email.like(like),
            )
        )
    rows, total = paginate(session, stmt, page=page, per_page=per_page)
    names = _names(session, {t.assignee_id for t in rows if t.assignee_id})
    return Page[TicketSummary](
        items=[_summary(t, names) for t in rows], total=total, page=page, per_page=per_page
    )


def status_counts(session: Session) -> dict[str, int]:
    rows = session.exec(select(Ticket.status, func.count()).group_by(Ticket.status)).all()
    counts = {s.value: 0 for s in Status}
    counts.update({status: int(n) for status, n in rows})
    return counts


def customer_tickets_beside(
    session: Session, number: str, actor: UserView, limit: int = 10
) -> list[TicketSummary]:
    """The same customer's other tickets, shown next to the thread in the queue."""
    ticket = _load(session, number, Viewer(user=actor))
    rows = session.exec(
        select(Ticket)
        .where(Ticket.contact_email == ticket.contact_email, Ticket.id != ticket.id)
        .order_by(Ticket.created_at.desc())
        .limit(limit)
    ).all()
    return [_summary(t, {}) for t in rows]


def _names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(session.exec(select(User.id, User.name).where(User.id.in_(ids))).all())


def _overdue(ticket: Ticket) -> bool:
    return (
        ticket.status in UNRESOLVED
        and ticket.first_response_at is None
        and ticket.due_at < utcnow()
    )


def _summary(ticket: Ticket, names: dict[int, str]) -> TicketSummary:
    return TicketSummary(
        number=ticket.number,
        subject=ticket.subject,
        category=ticket.category,
        status=ticket.status,
        priority=ticket.priority,
        order_number=ticket.order_number,
        contact_name=ticket.contact_name,
        contact_email=ticket.contact_email,
        assignee_id=ticket.assignee_id,
        assignee_name=names.get(ticket.assignee_id) if ticket.assignee_id else None,
        created_at=ticket.created_at,
        updated_at=ticket.updated_at,
        overdue=_overdue(ticket),
    )


def _attachments(session: Session, message_ids: list[int]) -> dict[int, list[AttachmentOut]]:
    out: dict[int, list[AttachmentOut]] = {}
    if message_ids:
        for a in session.exec(
            select(TicketAttachment).where(TicketAttachment.message_id.in_(message_ids))
        ):
            out.setdefault(a.message_id, []).append(
                AttachmentOut(
                    id=a.id, filename=a.filename, content_type=a.content_type, size=a.size
                )
            )
    return out


def _message_out(m: TicketMessage, attachments: list[AttachmentOut]) -> MessageOut:
    return MessageOut(
        id=m.id,
        author_role=m.author_role,
        author_name=m.author_name,
        body=m.body,
        internal=m.internal,
        created_at=m.created_at,
        attachments=attachments,
    )


def _out(session: Session, ticket: Ticket, *, internal: bool) -> TicketOut:
    stmt = select(TicketMessage).where(TicketMessage.ticket_id == ticket.id)
    if not internal:
        stmt = stmt.where(TicketMessage.internal.is_(False))
    messages = list(session.exec(stmt.order_by(TicketMessage.created_at, TicketMessage.id)))
    files = _attachments(session, [m.id for m in messages])
    names = _names(session, {ticket.assignee_id} if ticket.assignee_id else set())
    return TicketOut(
        **_summary(ticket, names).model_dump(),
        description=ticket.description,
        first_response_at=ticket.first_response_at,
        resolved_at=ticket.resolved_at,
        messages=[_message_out(m, files.get(m.id, [])) for m in messages],
    )


def attachment_for(
    session: Session, number: str, attachment_id: int, viewer: Viewer
) -> TicketAttachment:
    ticket = _load(session, number, viewer)
    row = session.exec(
        select(TicketAttachment, TicketMessage)
        .join(TicketMessage, TicketMessage.id == TicketAttachment.message_id)
        .where(TicketAttachment.id == attachment_id, TicketMessage.ticket_id == ticket.id)
    ).first()
    if row is None or (row[1].internal and not viewer.is_staff):
        raise NotFound("No such attachment.", code="attachment_not_found")
    return row[0]


# --- saved replies ---------------------------------------------------------------------------


class SavedReplyOut(BaseModel):
    id: int
    title: str
    body: str


def saved_replies(session: Session) -> list[SavedReplyOut]:
    return [
        SavedReplyOut(id=r.id, title=r.title, body=r.body)
        for r in session.exec(select(SavedReply).order_by(SavedReply.title))
    ]


def save_reply(
    session: Session, *, title: str, body: str, reply_id: int | None = None
) -> SavedReplyOut:
    title, body = title.strip(), body.strip()
    if not title or not body or len(title) > 120:
        raise InvalidInput(
            "Give the reply a title and a text.",
            fields={"title": "1–120 characters.", "body": "Required."},
        )
    row = session.get(SavedReply, reply_id) if reply_id else SavedReply(title=title, body=body)
    if row is None:
        raise NotFound("No such saved reply.")
    row.title, row.body = title, body
    session.add(row)
    session.flush()
    return SavedReplyOut(id=row.id, title=row.title, body=row.body)
