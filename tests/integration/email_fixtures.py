"""Fixtures for the email and jobs tests: a fresh SQLite database and a real SMTP server.

Import the `*_fixture` functions into a test module; tests then ask for `env`, `email_db`
and `smtp_server` by name.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import EmailMessage as MimeMessage
from email.policy import default as default_policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from sqlmodel import SQLModel, select

from shop_core.db import dispose_engines, get_engine, read_session
from shop_core.email.models import EmailMessage
from shop_core.settings import reload_settings

SMTP_USER = "mailer"
SMTP_PASSWORD = "p@ss word"  # needs percent-encoding in SMTP_URL
SMTP_PASSWORD_QUOTED = "p%40ss%20word"


def apply_env(mp: pytest.MonkeyPatch, **values: str | None) -> None:
    """Set (None: unset) environment variables, then reload settings and engines."""
    for name, value in values.items():
        if value is None:
            mp.delenv(name, raising=False)
        else:
            mp.setenv(name, value)
    reload_settings()
    dispose_engines()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def all_emails() -> list[EmailMessage]:
    with read_session() as session:
        return list(session.exec(select(EmailMessage).order_by(EmailMessage.id)).all())


@pytest.fixture(name="env")
def env_fixture() -> Iterator[pytest.MonkeyPatch]:
    """A monkeypatch whose undo also reloads settings, so later tests see the real env."""
    with pytest.MonkeyPatch.context() as mp:
        yield mp
    reload_settings()
    dispose_engines()


@pytest.fixture(name="email_db")
def email_db_fixture(env: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Embedded defaults (SQLite in tmp_path, inline jobs, outbox) with the email table."""
    apply_env(env, DATA_DIR=str(tmp_path), DATABASE_URL=None, REDIS_URL=None, SMTP_URL=None)
    SQLModel.metadata.create_all(get_engine(), tables=[EmailMessage.__table__])
    return tmp_path


@dataclass
class SmtpServer:
    """What the test SMTP server received; `replies` scripts DATA answers (then 250)."""

    port: int
    messages: list[MimeMessage] = field(default_factory=list)
    recipients: list[list[str]] = field(default_factory=list)
    replies: list[str] = field(default_factory=list)
    data_commands: int = 0

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 - aiosmtpd hook
        self.data_commands += 1
        if self.replies:
            return self.replies.pop(0)
        self.recipients.append(list(envelope.rcpt_tos))
        self.messages.append(message_from_bytes(envelope.original_content, policy=default_policy))
        return "250 Message accepted"


def _authenticate(server, session, envelope, mechanism, auth_data) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and (
        auth_data.login.decode(),
        auth_data.password.decode(),
    ) == (SMTP_USER, SMTP_PASSWORD)
    return AuthResult(success=ok)


@contextmanager
def loopback_smtp(env: pytest.MonkeyPatch) -> Iterator[SmtpServer]:
    """A real SMTP server on 127.0.0.1 requiring a login, with SMTP_URL pointing at it."""
    handler = SmtpServer(port=free_port())
    controller = Controller(
        handler,
        hostname="127.0.0.1",
        port=handler.port,
        authenticator=_authenticate,
        auth_required=True,
        auth_require_tls=False,
    )
    controller.start()
    apply_env(
        env,
        SMTP_URL=f"smtp://{SMTP_USER}:{SMTP_PASSWORD_QUOTED}@127.0.0.1:{handler.port}",
    )
    try:
        yield handler
    finally:
        controller.stop()


@pytest.fixture(name="smtp_server")
def smtp_server_fixture(env: pytest.MonkeyPatch, email_db: Path) -> Iterator[SmtpServer]:
    """The loopback SMTP server over the email-only database of `email_db`."""
    with loopback_smtp(env) as handler:
        yield handler
