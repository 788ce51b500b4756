"""Queue transactional email with the caller's data, deliver it in a job, list it for admins.

The row is written in the caller's transaction, so an email exists exactly when the
change that caused it was committed. Logs name the message id and template only:
addresses, bodies and server replies (which may echo addresses) stay in the database.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from rq import get_current_job
from sqlmodel import Session, select, update

from shop_core.db import unit_of_work, utcnow
from shop_core.email.models import EmailMessage, EmailStatus
from shop_core.email.render import render_email
from shop_core.email.sender import deliver
from shop_core.errors import InvalidInput, NotFound
from shop_core.jobs import enqueue_after_commit
from shop_core.pagination import Page, paginate

logger = logging.getLogger(__name__)

MAX_ERROR_LENGTH = 2000


class EmailView(BaseModel):
    id: int
    to_address: str
    subject: str
    template: str
    status: EmailStatus
    attempts: int
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None


class EmailDetail(EmailView):
    body_text: str
    body_html: str


class EmailDeliveryError(RuntimeError):
    """A delivery attempt failed; the reason is in the row's last_error, not in logs."""


def queue_email(session: Session, *, to: str, template: str, context: dict[str, Any]) -> int:
    """Render now (bad context fails the caller), store the message, send after commit."""
    subject, text, html = render_email(template, context)
    message = EmailMessage(
        to_address=to, subject=subject, template=template, body_text=text, body_html=html
    )
    session.add(message)
    session.flush()
    assert message.id is not None
    enqueue_after_commit(session, deliver_email_job, message.id, queue="email")
    logger.info("email queued", extra={"email_id": message.id, "template": template})
    return message.id


def deliver_email_job(message_id: int) -> None:
    """Deliver one queued message; raises on failure so RQ retries it with backoff."""
    with unit_of_work() as session:
        message = session.get(EmailMessage, message_id)
        if message is None or message.status in (EmailStatus.SENT, EmailStatus.OUTBOX):
            return
        message.attempts += 1
    log = {"email_id": message_id, "template": message.template, "attempt": message.attempts}
    # Outside any transaction: an SMTP round trip must not hold the database write lock.
    try:
        status = deliver(message)
    except Exception as exc:
        final = _last_attempt()
        _update(
            message_id,
            status=EmailStatus.FAILED if final else EmailStatus.QUEUED,
            last_error=f"{type(exc).__name__}: {exc}"[:MAX_ERROR_LENGTH],
        )
        logger.warning(
            "email not delivered", extra={**log, "error": type(exc).__name__, "final": final}
        )
        # `from None`: the original message may carry the address into RQ's logs.
        raise EmailDeliveryError(
            f"email {message_id} not delivered: {type(exc).__name__}"
        ) from None
    _update(message_id, status=status, sent_at=utcnow(), last_error=None)
    logger.info("email delivered", extra={**log, "status": str(status)})


def _last_attempt() -> bool:
    """True inline (nothing retries) or when the RQ job has no retries left."""
    job = get_current_job()
    return job is None or not job.should_retry


def _update(message_id: int, **values: Any) -> None:
    with unit_of_work() as session:
        session.exec(update(EmailMessage).where(EmailMessage.id == message_id).values(**values))


def list_emails(
    session: Session, *, status: str | None = None, page: int = 1, per_page: int = 25
) -> Page[EmailView]:
    """Newest first, optionally only one status (the admin outbox page)."""
    stmt = select(EmailMessage).order_by(EmailMessage.created_at.desc(), EmailMessage.id.desc())
    if status:
        if status not in set(EmailStatus):
            choices = ", ".join(EmailStatus)
            raise InvalidInput(
                f"status must be one of {choices}.", fields={"status": f"One of {choices}."}
            )
        stmt = stmt.where(EmailMessage.status == status)
    rows, total = paginate(session, stmt, page=page, per_page=per_page)
    return Page[EmailView](
        items=[EmailView.model_validate(r, from_attributes=True) for r in rows],
        total=total,
        page=page,
        per_page=per_page,
    )


def get_email(session: Session, message_id: int) -> EmailDetail:
    message = session.get(EmailMessage, message_id)
    if message is None:
        raise NotFound("Email not found.", code="email_not_found")
    return EmailDetail.model_validate(message, from_attributes=True)
