"""The five automatic support emails, delivered through a real SMTP server on loopback:
each reaches exactly the right people, links straight to the ticket, and internal notes
never leave the building."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from shop_core.jobs.worker import run_pending_jobs
from tests.conftest import bearer, make_user
from tests.integration.email_fixtures import SmtpServer, env_fixture, loopback_smtp
from tests.integration.support_helpers import TICKETS, open_ticket

__all__ = ["env_fixture"]  # the `env` fixture, reloading settings when a test ends

NOTE = "internal: refund approved by finance, do not tell yet"


@pytest.fixture
def smtp(env: pytest.MonkeyPatch) -> Iterator[SmtpServer]:
    """SMTP_URL points at a loopback server; the suite's database stays as it is."""
    with loopback_smtp(env) as server:
        yield server


def delivered(smtp: SmtpServer) -> list[tuple[list[str], str, str]]:
    """(recipients, subject, text body) of everything received since the last call."""
    run_pending_jobs()
    seen = getattr(smtp, "seen", 0)
    smtp.seen = len(smtp.messages)
    return [
        (sorted(rcpt), msg["Subject"], msg.get_body(("plain",)).get_content())
        for rcpt, msg in zip(smtp.recipients[seen:], smtp.messages[seen:], strict=True)
    ]


def test_each_support_email_reaches_the_right_people_over_smtp(
    api, customer, customer_headers, smtp
):
    tia = make_user("tia@example.com", "tech-password-1", role="support_technician")
    make_user("tom@example.com", "tech-password-2", role="support_technician")
    make_user("cat@example.com", "catalog-pass-1", role="catalog_manager")
    tech = bearer(api, tia.email, "tech-password-1")
    me = customer_headers

    # 1 + 2: new ticket -> every technician; confirmation with the tracking number -> customer.
    number = open_ticket(api, me, subject="Mug arrived broken").json()["number"]
    mails = delivered(smtp)
    assert sorted(m[0] for m in mails) == [
        [customer.email],
        ["tia@example.com"],
        ["tom@example.com"],
    ]
    confirmation = next(m for m in mails if m[0] == [customer.email])
    assert number in confirmation[1] + confirmation[2]
    assert f"/account/support/{number}" in confirmation[2]
    staff_mail = next(m for m in mails if m[0] == ["tia@example.com"])
    assert f"/admin/tickets/{number}" in staff_mail[2] and "Mug arrived broken" in staff_mail[2]

    # An internal note emails nobody; 3: a staff reply -> the customer.
    api.post(f"{TICKETS}/{number}/messages", json={"body": NOTE, "internal": True}, headers=tech)
    assert delivered(smtp) == []
    api.post(
        f"{TICKETS}/{number}/messages",
        json={"body": "Sorry! A replacement is on its way."},
        headers=tech,
    )
    (reply,) = delivered(smtp)
    assert reply[0] == [customer.email] and "replacement is on its way" in reply[2]

    # 4: a customer reply -> the assignee only once the ticket is assigned.
    api.patch(f"{TICKETS}/{number}", json={"assignee_id": tia.id}, headers=tech)
    delivered(smtp)
    api.post(f"{TICKETS}/{number}/messages", json={"body": "Thank you!"}, headers=me)
    (answer,) = delivered(smtp)
    assert answer[0] == ["tia@example.com"] and "Thank you!" in answer[2]
    assert f"/admin/tickets/{number}" in answer[2]

    # 5: a status change -> the customer.
    api.patch(f"{TICKETS}/{number}", json={"status": "resolved"}, headers=tech)
    (status,) = delivered(smtp)
    assert status[0] == [customer.email] and "resolved" in (status[1] + status[2]).lower()

    assert len(smtp.messages) == 6  # assignment alone emails nobody
    for message in smtp.messages:
        assert NOTE not in message.as_string()


def test_unassigned_customer_reply_goes_to_every_technician_over_smtp(api, customer_headers, smtp):
    make_user("tia@example.com", "tech-password-1", role="support_technician")
    make_user("tom@example.com", "tech-password-2", role="support_technician")
    me = customer_headers
    number = open_ticket(api, me).json()["number"]
    delivered(smtp)
    api.post(f"{TICKETS}/{number}/messages", json={"body": "Any news?"}, headers=me)
    assert sorted(m[0][0] for m in delivered(smtp)) == ["tia@example.com", "tom@example.com"]
