"""Hand one rendered email to SMTP (SMTP_URL set) or to the outbox folder (unset).

SMTP_URL is `smtp://user:pass@host:port`, `smtp+starttls://…` or `smtps://…`; the
user name and password may be percent-encoded.
"""

from __future__ import annotations

import os
import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage as MimeMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import format_datetime, make_msgid, parseaddr
from pathlib import Path
from typing import Literal, Protocol
from urllib.parse import unquote, urlsplit

from tenacity import retry, retry_if_exception, stop_after_attempt, wait_exponential

from shop_core.db import utcnow
from shop_core.email.models import EmailStatus
from shop_core.settings import get_settings

SMTP_TIMEOUT_SECONDS = 30
_SCHEMES = {"smtp": ("plain", 25), "smtp+starttls": ("starttls", 587), "smtps": ("ssl", 465)}


class OutgoingEmail(Protocol):
    """What delivery needs; an `EmailMessage` row satisfies it."""

    id: int | None
    to_address: str
    subject: str
    body_text: str
    body_html: str


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    security: Literal["plain", "starttls", "ssl"]
    username: str | None = None
    password: str | None = field(default=None, repr=False)


def parse_smtp_url(url: str) -> SmtpConfig:
    """Read SMTP_URL; errors never echo the URL, which may hold a password."""
    parts = urlsplit(url)
    if parts.scheme not in _SCHEMES or not parts.hostname:
        raise ValueError(
            "SMTP_URL must look like smtp://, smtp+starttls:// or smtps://user:pass@host:port"
        )
    security, default_port = _SCHEMES[parts.scheme]
    return SmtpConfig(
        host=parts.hostname,
        port=parts.port or default_port,
        security=security,  # type: ignore[arg-type]
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
    )


def build_mime(message: OutgoingEmail, *, sender: str) -> MimeMessage:
    """A multipart/alternative message: plain text first, HTML preferred by clients."""
    mime = MimeMessage()
    mime["From"] = sender
    mime["To"] = message.to_address
    mime["Subject"] = message.subject
    mime["Date"] = format_datetime(utcnow())
    mime["Message-ID"] = make_msgid(domain=parseaddr(sender)[1].rpartition("@")[2] or None)
    mime.set_content(message.body_text)
    mime.add_alternative(message.body_html, subtype="html")
    return mime


def deliver(message: OutgoingEmail) -> Literal[EmailStatus.SENT, EmailStatus.OUTBOX]:
    """Send or file `message`; returns the status it reached, raises if it was not sent."""
    settings = get_settings()
    mime = build_mime(message, sender=settings.email_from)
    if settings.smtp_url:
        _send(parse_smtp_url(settings.smtp_url), mime)
        return EmailStatus.SENT
    _write_outbox(settings.outbox_dir, message, mime)
    return EmailStatus.OUTBOX


def _is_transient(exc: BaseException) -> bool:
    """Worth retrying now: lost connections and 4xx replies, not 5xx or bad recipients."""
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return True
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    if isinstance(exc, smtplib.SMTPException):  # e.g. all recipients refused
        return False
    return isinstance(exc, OSError)  # refused, reset, timed out


@retry(
    stop=stop_after_attempt(3),
    wait=wait_exponential(multiplier=0.5, max=4),
    retry=retry_if_exception(_is_transient),
    reraise=True,
)
def _send(config: SmtpConfig, mime: MimeMessage) -> None:
    context = ssl.create_default_context()
    client: smtplib.SMTP
    if config.security == "ssl":
        client = smtplib.SMTP_SSL(
            config.host, config.port, timeout=SMTP_TIMEOUT_SECONDS, context=context
        )
    else:
        client = smtplib.SMTP(config.host, config.port, timeout=SMTP_TIMEOUT_SECONDS)
    with client:
        if config.security == "starttls":
            client.starttls(context=context)
        if config.username:
            client.login(config.username, config.password or "")
        client.send_message(mime)


def _write_outbox(outbox: Path, message: OutgoingEmail, mime: MimeMessage) -> None:
    if message.id is None:
        raise ValueError("An email needs its id before it can be filed in the outbox.")
    outbox.mkdir(parents=True, exist_ok=True)
    target = outbox / f"{message.id}.eml"
    partial = target.with_suffix(".eml.part")
    partial.write_bytes(mime.as_bytes(policy=SMTP_POLICY))
    os.replace(partial, target)  # readers never see a half-written file
