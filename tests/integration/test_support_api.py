"""Support ticket endpoints of API.md: status codes, who may see what, internal notes
never reaching customers, reopening, and the five automatic emails."""

from __future__ import annotations

import pytest
from sqlmodel import select

from shop_core.db import read_session
from shop_core.email.models import EmailMessage
from shop_core.jobs.worker import run_pending_jobs
from tests.conftest import bearer, make_user
from tests.integration.commerce_helpers import add, checkout, make_product, new_cart
from tests.integration.support_helpers import TICKETS, open_ticket

SECRET_NOTE = "internal: customer is a known chargeback risk"


@pytest.fixture
def tech(api):
    user = make_user(
        "tech@example.com", "tech-password-1", role="support_technician", name="Tia Tech"
    )
    return user, bearer(api, user.email, "tech-password-1")


def mails(template=None) -> list[EmailMessage]:
    run_pending_jobs()
    with read_session() as session:
        stmt = select(EmailMessage).order_by(EmailMessage.id)
        if template:
            stmt = stmt.where(EmailMessage.template == template)
        return list(session.exec(stmt))


def test_customer_opens_ticket_and_emails_go_out(api, customer, customer_headers, tech):
    response = open_ticket(api, customer_headers)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["status"] == "open" and len(body["number"]) == 8
    assert [m.to_address for m in mails("ticket_new_staff")] == [tech[0].email]
    confirmation = mails("ticket_confirmation")
    assert [m.to_address for m in confirmation] == [customer.email]
    assert body["number"] in confirmation[0].body_text
    assert f"/account/support/{body['number']}" in confirmation[0].body_html


def test_guest_ticket_needs_name_and_email_and_the_right_email_to_read(api, tech):
    missing = open_ticket(api)
    assert missing.status_code == 422 and set(missing.json()["error"]["fields"]) == {
        "name",
        "email",
    }
    created = open_ticket(api, name="Gus Guest", email="gus@example.com").json()
    number = created["number"]
    assert api.get(f"{TICKETS}/{number}").status_code == 404
    assert api.get(f"{TICKETS}/{number}?email=other@example.com").status_code == 404
    assert api.get(f"{TICKETS}/{number}?email=GUS@example.com").status_code == 200
    reply = api.post(
        f"{TICKETS}/{number}/messages?email=gus@example.com", json={"body": "Any news?"}
    )
    assert reply.status_code == 201
    assert api.post(f"{TICKETS}/{number}/messages", json={"body": "sneaky"}).status_code == 404


def test_bad_input(api, customer_headers):
    assert open_ticket(api, customer_headers, category="rant").status_code == 422
    assert open_ticket(api, customer_headers, subject="").status_code == 422
    assert open_ticket(api, customer_headers, order_number="JNNOTMINE").status_code == 422
    assert api.get(f"{TICKETS}/TNOPE123", headers=customer_headers).status_code == 404


def test_customer_cannot_read_or_answer_another_customers_ticket(api, customer_headers):
    number = open_ticket(api, customer_headers).json()["number"]
    other = make_user("other@example.com", "other-password-1")
    headers = bearer(api, other.email, "other-password-1")
    assert api.get(f"{TICKETS}/{number}", headers=headers).status_code == 404
    assert (
        api.post(f"{TICKETS}/{number}/messages", json={"body": "hi"}, headers=headers).status_code
        == 404
    )
    assert api.get(TICKETS, headers=headers).json()["total"] == 0
    assert api.get(TICKETS, headers=customer_headers).json()["total"] == 1
    assert api.get(TICKETS).status_code == 401


def test_only_staff_patch_and_write_internal_notes(api, customer_headers, tech):
    number = open_ticket(api, customer_headers).json()["number"]
    assert (
        api.patch(
            f"{TICKETS}/{number}", json={"status": "closed"}, headers=customer_headers
        ).status_code
        == 403
    )
    assert api.patch(f"{TICKETS}/{number}", json={"status": "closed"}).status_code == 401
    note = api.post(
        f"{TICKETS}/{number}/messages",
        json={"body": "x", "internal": True},
        headers=customer_headers,
    )
    assert note.status_code == 403
    assert (
        api.patch(f"{TICKETS}/{number}", json={"status": "bogus"}, headers=tech[1]).status_code
        == 422
    )
    assert (
        api.patch(f"{TICKETS}/{number}", json={"priority": "meh"}, headers=tech[1]).status_code
        == 422
    )
    catalog = make_user("cat@example.com", "catalog-pass-1", role="catalog_manager")
    cat_headers = bearer(api, catalog.email, "catalog-pass-1")
    assert (
        api.patch(
            f"{TICKETS}/{number}", json={"assignee_id": catalog.id}, headers=tech[1]
        ).status_code
        == 422
    )
    assert (
        api.get(f"{TICKETS}/{number}", headers=cat_headers).status_code == 404
    )  # no support permission


def test_internal_notes_never_reach_the_customer(api, customer, customer_headers, tech):
    number = open_ticket(api, customer_headers).json()["number"]
    note = api.post(
        f"{TICKETS}/{number}/messages",
        json={"body": SECRET_NOTE, "internal": True},
        headers=tech[1],
    )
    assert note.status_code == 201
    reply = api.post(
        f"{TICKETS}/{number}/messages",
        json={"body": "We are checking with the carrier."},
        headers=tech[1],
    )
    assert reply.status_code == 201
    staff_view = api.get(f"{TICKETS}/{number}", headers=tech[1]).json()
    assert any(m["internal"] and m["body"] == SECRET_NOTE for m in staff_view["messages"])
    customer_view = api.get(f"{TICKETS}/{number}", headers=customer_headers)
    assert SECRET_NOTE not in customer_view.text
    assert [m["body"] for m in customer_view.json()["messages"]] == [
        "We are checking with the carrier."
    ]
    for mail in mails():
        assert SECRET_NOTE not in mail.body_text and SECRET_NOTE not in mail.body_html
    customer_mails = [m for m in mails("ticket_reply_customer") if m.to_address == customer.email]
    assert len(customer_mails) == 1 and "carrier" in customer_mails[0].body_text


def test_customer_reply_reopens_and_goes_to_assignee(api, customer, customer_headers, tech):
    user, headers = tech
    make_user("tech2@example.com", "tech-password-2", role="support_technician")
    number = open_ticket(api, customer_headers).json()["number"]
    patched = api.patch(
        f"{TICKETS}/{number}",
        json={"assignee_id": user.id, "status": "resolved", "priority": "high"},
        headers=headers,
    )
    assert patched.status_code == 200
    assert (
        patched.json()["status"],
        patched.json()["assignee_name"],
        patched.json()["priority"],
    ) == ("resolved", "Tia Tech", "high")
    status_mail = mails("ticket_status_changed")
    assert [m.to_address for m in status_mail] == [customer.email] and "resolved" in status_mail[
        0
    ].subject
    api.post(
        f"{TICKETS}/{number}/messages",
        json={"body": "It still has not arrived."},
        headers=customer_headers,
    )
    assert api.get(f"{TICKETS}/{number}", headers=customer_headers).json()["status"] == "open"
    assert [m.to_address for m in mails("ticket_reply_staff")] == [user.email]  # the assignee only


def test_unassigned_customer_reply_goes_to_all_technicians(api, customer_headers, tech):
    make_user("tech2@example.com", "tech-password-2", role="support_technician")
    number = open_ticket(api, customer_headers).json()["number"]
    api.post(f"{TICKETS}/{number}/messages", json={"body": "Hello?"}, headers=customer_headers)
    assert sorted(m.to_address for m in mails("ticket_reply_staff")) == [
        "tech2@example.com",
        "tech@example.com",
    ]


def test_staff_queue_filters_and_counts(api, customer_headers, tech):
    user, headers = tech
    first = open_ticket(api, customer_headers, subject="Broken mug").json()["number"]
    open_ticket(api, customer_headers, subject="Payment twice", category="payment")
    api.patch(
        f"{TICKETS}/{first}",
        json={"assignee_id": user.id, "status": "in_progress"},
        headers=headers,
    )

    def numbers(query):
        response = api.get(f"{TICKETS}?{query}", headers=headers)
        assert response.status_code == 200, response.text
        return [t["subject"] for t in response.json()["items"]]

    assert numbers("category=payment") == ["Payment twice"]
    assert numbers(f"assignee={user.id}") == ["Broken mug"]
    assert numbers("unassigned=true") == ["Payment twice"]
    assert numbers("status=in_progress") == ["Broken mug"]
    assert numbers("q=mug") == ["Broken mug"]
    assert numbers("overdue=true") == []
    counts = api.get("/api/v1/support/counts", headers=headers).json()
    assert counts["open"] == 1 and counts["in_progress"] == 1
    assert api.get("/api/v1/support/counts", headers=customer_headers).status_code == 403


def test_ticket_about_own_order(api, owner_headers, customer, customer_headers):
    sku = make_product(api, owner_headers, stock=2)["variants"][0]["sku"]
    cart_id = new_cart(api, customer_headers)
    add(api, cart_id, sku, headers=customer_headers)
    number = checkout(api, cart_id, email=customer.email, headers=customer_headers).json()[
        "order_number"
    ]
    created = open_ticket(api, customer_headers, order_number=number)
    assert created.status_code == 201 and created.json()["order_number"] == number


def test_attachments_checked_and_hidden_when_internal(api, customer_headers, tech):
    import io

    from PIL import Image

    number = open_ticket(api, customer_headers).json()["number"]
    png = io.BytesIO()
    Image.new("RGB", (20, 20), (200, 0, 100)).save(png, "PNG")
    ok = api.post(
        f"{TICKETS}/{number}/messages/upload",
        data={"body": "photo"},
        files=[("files", ("box.png", png.getvalue(), "image/png"))],
        headers=customer_headers,
    )
    assert ok.status_code == 201, ok.text
    attachment = ok.json()["attachments"][0]
    assert attachment["content_type"] == "image/png"
    fetched = api.get(
        f"{TICKETS}/{number}/attachments/{attachment['id']}", headers=customer_headers
    )
    assert fetched.status_code == 200 and fetched.content == png.getvalue()
    bad = api.post(
        f"{TICKETS}/{number}/messages/upload",
        data={"body": "x"},
        files=[("files", ("evil.png", b"MZ\x90\x00 not an image", "image/png"))],
        headers=customer_headers,
    )
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "unsupported_attachment"
    pdf = api.post(
        f"{TICKETS}/{number}/messages/upload",
        data={"body": "label", "internal": "true"},
        files=[("files", ("label.pdf", b"%PDF-1.4\n%fake but pdf-shaped\n", "application/pdf"))],
        headers=tech[1],
    )
    assert pdf.status_code == 201
    hidden = pdf.json()["attachments"][0]["id"]
    assert (
        api.get(f"{TICKETS}/{number}/attachments/{hidden}", headers=customer_headers).status_code
        == 404
    )
    assert api.get(f"{TICKETS}/{number}/attachments/{hidden}", headers=tech[1]).status_code == 200


def test_staff_asking_for_their_own_tickets_get_only_those(api, customer_headers, tech):
    from shop_core.support import service as support

    user, headers = tech
    open_ticket(api, customer_headers)
    mine = open_ticket(api, headers, subject="My own order").json()["number"]
    viewer = support.Viewer(user=user)
    with read_session() as session:
        own = support.list_tickets(session, viewer, support.QueueFilters(mine=True))
        queue = support.list_tickets(session, viewer)
    assert [t.number for t in own.items] == [mine] and own.total == 1
    assert queue.total == 2
