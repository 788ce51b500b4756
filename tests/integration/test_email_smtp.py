"""Email end to end without Redis: queue in a transaction, deliver inline after commit."""

from __future__ import annotations

import logging
from email import message_from_bytes
from email.policy import default as default_policy
from email.utils import parseaddr

import pytest
from jinja2 import UndefinedError

from shop_core.db import read_session, unit_of_work
from shop_core.email.models import EmailStatus
from shop_core.email.render import render_email
from shop_core.email.service import (
    EmailDeliveryError,
    EmailDetail,
    EmailView,
    deliver_email_job,
    get_email,
    list_emails,
    queue_email,
)
from shop_core.errors import InvalidInput, NotFound
from shop_core.settings import get_settings
from tests.integration.email_fixtures import (  # noqa: F401 - fixtures are used by name
    SmtpServer,
    all_emails,
    apply_env,
    email_db_fixture,
    env_fixture,
    free_port,
    smtp_server_fixture,
)

# The test server accepts a login without TLS on purpose (it only listens on 127.0.0.1).
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")

ANN = "ann@example.com"
LOGIN_URL = "http://localhost:3000/login"


def queue_welcome(to: str = ANN, name: str = "Ann") -> int:
    with unit_of_work() as session:
        return queue_email(
            session, to=to, template="welcome", context={"name": name, "login_url": LOGIN_URL}
        )


def our_logs(caplog: pytest.LogCaptureFixture) -> str:
    """Everything shop_core logged, extras and tracebacks included."""
    for record in caplog.records:
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
    return "\n".join(str(r.__dict__) for r in caplog.records if r.name.startswith("shop_core"))


def test_welcome_email_goes_over_smtp_after_commit(
    smtp_server: SmtpServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    shop = get_settings().shop_name
    with unit_of_work() as session:
        message_id = queue_email(
            session, to=ANN, template="welcome", context={"name": "Ann", "login_url": LOGIN_URL}
        )
        assert smtp_server.messages == []  # nothing leaves before the commit

    assert smtp_server.recipients == [[ANN]]
    (mail,) = smtp_server.messages
    assert mail["To"] == ANN
    assert mail["Subject"] == f"Welcome to {shop}, Ann!"
    assert mail["From"].addresses[0].addr_spec == parseaddr(get_settings().email_from)[1]
    assert mail.get_content_type() == "multipart/alternative"
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    assert LOGIN_URL in text and shop in text
    assert f'href="{LOGIN_URL}"' in html  # the call-to-action button
    assert "linear-gradient" in html and shop.replace("&", "&amp;") in html  # branded layout

    (row,) = all_emails()
    assert (row.id, row.status, row.attempts, row.last_error) == (
        message_id,
        EmailStatus.SENT,
        1,
        None,
    )
    assert row.sent_at is not None
    assert ANN not in our_logs(caplog) and LOGIN_URL not in our_logs(caplog)  # no PII in logs


def test_rollback_drops_the_email(smtp_server: SmtpServer) -> None:
    with pytest.raises(RuntimeError), unit_of_work() as session:
        queue_email(session, to=ANN, template="welcome", context={"name": "A", "login_url": "x"})
        raise RuntimeError("checkout failed")

    assert smtp_server.messages == []
    assert all_emails() == []


def test_savepoint_rollback_drops_only_its_email(smtp_server: SmtpServer) -> None:
    with unit_of_work() as session:
        queue_email(session, to=ANN, template="welcome", context={"name": "A", "login_url": "x"})
        with pytest.raises(ValueError), session.begin_nested():
            queue_email(
                session,
                to="bo@example.com",
                template="welcome",
                context={"name": "B", "login_url": "x"},
            )
            raise ValueError("undo this part only")

    assert smtp_server.recipients == [[ANN]]
    assert [row.to_address for row in all_emails()] == [ANN]


def test_outbox_mode_writes_an_eml_file(email_db) -> None:
    with unit_of_work() as session:
        message_id = queue_email(
            session,
            to=ANN,
            template="password_reset",
            context={
                "name": "Ann",
                "reset_url": "http://x/reset?token=t&v=1",
                "expires_minutes": 60,
            },
        )

    outbox = get_settings().outbox_dir
    assert sorted(p.name for p in outbox.iterdir()) == [f"{message_id}.eml"]
    mail = message_from_bytes((outbox / f"{message_id}.eml").read_bytes(), policy=default_policy)
    assert mail["To"] == ANN
    assert mail["Subject"] == f"Reset your {get_settings().shop_name} password"
    assert "http://x/reset?token=t&v=1" in mail.get_body(("plain",)).get_content()
    assert "http://x/reset?token=t&amp;v=1" in mail.get_body(("html",)).get_content()
    (row,) = all_emails()
    assert (row.status, row.attempts) == (EmailStatus.OUTBOX, 1)
    assert row.sent_at is not None


def test_transient_smtp_reply_is_retried(smtp_server: SmtpServer) -> None:
    smtp_server.replies = ["451 4.3.0 Try again later"]
    queue_welcome()

    assert smtp_server.data_commands == 2
    assert len(smtp_server.messages) == 1
    assert all_emails()[0].status == EmailStatus.SENT


def test_permanent_smtp_reply_fails_without_retry(smtp_server: SmtpServer) -> None:
    smtp_server.replies = ["550 5.1.1 Mailbox unavailable"]
    queue_welcome()  # the caller's request is not failed by a delivery problem

    assert smtp_server.data_commands == 1
    (row,) = all_emails()
    assert (row.status, row.attempts) == (EmailStatus.FAILED, 1)
    assert "550" in row.last_error


def test_smtp_down_records_the_failure_and_the_job_raises(
    email_db, env: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    apply_env(env, SMTP_URL=f"smtp://127.0.0.1:{free_port()}")  # nobody listens there
    message_id = queue_welcome()  # inline after commit: logged, not raised into the caller

    (row,) = all_emails()
    assert (row.status, row.attempts) == (EmailStatus.FAILED, 1)
    assert row.last_error.startswith("ConnectionRefusedError")

    with pytest.raises(EmailDeliveryError):  # what RQ sees, so it schedules a retry
        deliver_email_job(message_id)
    (row,) = all_emails()
    assert (row.status, row.attempts) == (EmailStatus.FAILED, 2)
    assert ANN not in our_logs(caplog)


def test_sent_email_is_not_delivered_twice(smtp_server: SmtpServer) -> None:
    message_id = queue_welcome()
    deliver_email_job(message_id)  # e.g. a duplicate job

    assert len(smtp_server.messages) == 1
    assert all_emails()[0].attempts == 1


def test_templates_escape_html_but_not_text(email_db) -> None:
    subject, text, html = render_email("welcome", {"name": "<b>Bo</b>", "login_url": LOGIN_URL})
    assert "<b>Bo</b>" in subject and "<b>Bo</b>" in text
    assert "&lt;b&gt;Bo&lt;/b&gt;" in html and "<b>Bo</b>" not in html
    with pytest.raises(UndefinedError):
        render_email("password_reset", {"name": "Bo"})


def test_list_and_get_emails(email_db) -> None:
    ids = [queue_welcome(to=f"u{i}@example.com") for i in range(3)]
    with read_session() as session:
        page = list_emails(session, status="outbox", page=1, per_page=2)
        assert (page.total, page.page, page.per_page) == (3, 1, 2)
        assert all(type(item) is EmailView for item in page.items)
        assert [item.id for item in page.items] == ids[::-1][:2]  # newest first
        assert list_emails(session, status="failed").total == 0
        with pytest.raises(InvalidInput):
            list_emails(session, status="bogus")

        detail = get_email(session, ids[0])
        assert type(detail) is EmailDetail and detail.to_address == "u0@example.com"
        assert "<html" in detail.body_html
        with pytest.raises(NotFound):
            get_email(session, 999)
