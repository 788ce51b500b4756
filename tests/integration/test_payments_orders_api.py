"""Webhook, orders and admin order endpoints: signatures, dedupe, out-of-order events,
amount checks, refunds, cancellation, shipping emails, access rules and invoices."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import func, select

from shop_core.db import read_session, unit_of_work, utcnow
from shop_core.email.models import EmailMessage
from shop_core.inventory import service as inventory
from shop_core.jobs.worker import run_pending_jobs
from shop_core.orders import service as orders
from shop_core.orders.guards import SnapshotChanged
from shop_core.orders.models import Order, OrderItem, Refund
from shop_core.payments import test_gateway
from shop_core.payments.models import WebhookEvent
from tests.conftest import bearer, make_user
from tests.integration.commerce_helpers import (
    add,
    checkout,
    completed_event,
    expired_event,
    failed_event,
    make_product,
    new_cart,
    refunded_event,
    send_event,
    stock,
)


@pytest.fixture
def placed(api, owner_headers):
    product = make_product(api, owner_headers, stock=5, price=2000)
    cart_id = new_cart(api)
    add(api, cart_id, product["variants"][0]["sku"], 2)
    response = checkout(api, cart_id, email="gia@example.com")
    assert response.status_code == 201
    return {**response.json(), "sku": product["variants"][0]["sku"]}


def order_row(number) -> Order:
    with read_session() as session:
        return session.exec(select(Order).where(Order.number == number)).one()


def emails(template) -> list[EmailMessage]:
    run_pending_jobs()
    with read_session() as session:
        return list(session.exec(select(EmailMessage).where(EmailMessage.template == template)))


def test_bad_signature_is_400_and_nothing_stored(api, placed):
    event = completed_event(placed)
    for secret in ["whsec_wrong"]:
        response = send_event(api, event, secret=secret)
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "invalid_signature"
    missing = api.post("/api/v1/payments/stripe/webhook", content=b"{}")
    assert missing.status_code == 400
    with read_session() as session:
        assert session.exec(select(func.count()).select_from(WebhookEvent)).one() == 0
    assert order_row(placed["order_number"]).status == "pending_payment"


def test_completed_marks_paid_once_and_sells_stock(api, owner_headers, placed):
    event = completed_event(placed)
    first = send_event(api, event)
    assert first.status_code == 200 and first.json()["outcome"] == "paid"
    duplicate = send_event(api, event)
    assert duplicate.status_code == 200 and duplicate.json()["outcome"] == "duplicate"
    order = order_row(placed["order_number"])
    assert order.status == "paid" and order.amount_paid == placed["total"]
    level = stock(api, owner_headers, placed["sku"])
    assert (level["on_hand"], level["reserved"]) == (3, 0)
    assert [m["kind"] for m in level["movements"]].count("sale") == 1
    mails = emails("order_confirmation")
    assert [m.to_address for m in mails] == ["gia@example.com"]
    assert "/register?code=" in mails[0].body_text  # guests are invited to create an account


def test_expired_after_completed_never_unpays(api, owner_headers, placed):
    send_event(api, completed_event(placed))
    assert send_event(api, expired_event(placed)).json()["outcome"].startswith("ignored")
    assert send_event(api, failed_event(placed)).json()["outcome"].startswith("ignored")
    assert order_row(placed["order_number"]).status == "paid"
    assert stock(api, owner_headers, placed["sku"])["on_hand"] == 3


def test_expired_releases_and_late_completion_still_pays(api, owner_headers, placed):
    assert send_event(api, expired_event(placed)).json()["outcome"] == "expired"
    assert stock(api, owner_headers, placed["sku"])["available"] == 5
    assert send_event(api, completed_event(placed)).json()["outcome"] == "paid"
    level = stock(api, owner_headers, placed["sku"])
    assert (level["on_hand"], level["reserved"]) == (3, 0)


def test_payment_failed_releases_and_emails(api, owner_headers, placed):
    assert send_event(api, failed_event(placed)).json()["outcome"] == "payment failed"
    assert order_row(placed["order_number"]).status == "payment_failed"
    assert stock(api, owner_headers, placed["sku"])["reserved"] == 0
    assert [m.to_address for m in emails("payment_failed")] == ["gia@example.com"]


@pytest.mark.parametrize(("amount", "currency"), [(1, None), (None, "usd")])
def test_wrong_amount_or_currency_is_flagged_not_paid(api, owner_headers, placed, amount, currency):
    response = send_event(api, completed_event(placed, amount=amount, currency=currency))
    assert response.status_code == 200
    order = order_row(placed["order_number"])
    assert order.status == "pending_payment" and order.needs_attention
    detail = api.get(f"/api/v1/admin/orders/{placed['order_number']}", headers=owner_headers).json()
    assert detail["timeline"][-1]["kind"] == "payment_mismatch"
    assert stock(api, owner_headers, placed["sku"])["reserved"] == 2


def test_unknown_event_type_and_unknown_order_are_acknowledged(api, placed):
    from shop_core.payments import gateway

    assert (
        send_event(api, gateway.build_event("customer.created", {"id": "cus_1"})).status_code == 200
    )
    orphan = completed_event(
        {**placed, "order_number": "JNNOPE", "payment": {"session_id": "cs_x"}}
    )
    assert send_event(api, orphan).json()["outcome"] == "ignored: no matching order"


def test_access_rules_for_orders(api, owner_headers, placed, customer_headers):
    number = placed["order_number"]
    assert api.get(f"/api/v1/orders/{number}").status_code == 404
    assert api.get(f"/api/v1/orders/{number}?email=wrong@example.com").status_code == 404
    assert api.get(f"/api/v1/orders/{number}", headers=customer_headers).status_code == 404
    guest = api.get(f"/api/v1/orders/{number}?email=GIA@example.com")
    assert guest.status_code == 200
    body = guest.json()
    assert set(body) >= {"status", "items", "totals", "shipments", "timeline"}
    assert all(not t["internal"] for t in body["timeline"])
    assert api.get("/api/v1/orders").status_code == 401


def test_customer_reads_own_order_not_others(api, owner_headers, customer, customer_headers):
    sku = make_product(api, owner_headers, stock=5)["variants"][0]["sku"]
    cart_id = new_cart(api, customer_headers)
    add(api, cart_id, sku, headers=customer_headers)
    number = checkout(api, cart_id, email=customer.email, headers=customer_headers).json()[
        "order_number"
    ]
    assert api.get(f"/api/v1/orders/{number}", headers=customer_headers).status_code == 200
    other = make_user("snoop@example.com", "snoop-password-1")
    assert (
        api.get(
            f"/api/v1/orders/{number}", headers=bearer(api, other.email, "snoop-password-1")
        ).status_code
        == 404
    )
    assert (
        api.get(f"/api/v1/orders/{number}/invoice.pdf", headers=customer_headers).status_code == 404
    )  # unpaid


def test_ship_emails_tracking_and_deliver(api, owner_headers, placed):
    number = placed["order_number"]
    early = api.post(
        f"/api/v1/admin/orders/{number}/shipments",
        json={"carrier": "DHL", "tracking_number": "1"},
        headers=owner_headers,
    )
    assert early.status_code == 409  # not paid yet
    send_event(api, completed_event(placed))
    shipped = api.post(
        f"/api/v1/admin/orders/{number}/shipments",
        json={"carrier": "DHL", "tracking_number": "JD0001"},
        headers=owner_headers,
    )
    assert shipped.status_code == 201
    assert shipped.json()["status"] == "shipped"
    assert shipped.json()["shipments"][0]["tracking_url"].endswith("JD0001")
    mail = emails("order_shipped")
    assert [m.to_address for m in mail] == ["gia@example.com"] and "JD0001" in mail[0].body_html
    delivered = api.post(f"/api/v1/admin/orders/{number}/deliver", headers=owner_headers)
    assert delivered.json()["status"] == "delivered"
    guest_view = api.get(f"/api/v1/orders/{number}?email=gia@example.com").json()
    assert guest_view["shipments"][0]["tracking_number"] == "JD0001"


def test_refunds_partial_full_idempotent_and_capped(api, owner_headers, placed):
    number = placed["order_number"]
    send_event(api, completed_event(placed))
    url = f"/api/v1/admin/orders/{number}/refunds"
    headers = {**owner_headers, "Idempotency-Key": "r-1"}
    first = api.post(url, json={"amount": 1000, "reason": "Damaged"}, headers=headers)
    assert first.status_code == 201
    replay = api.post(url, json={"amount": 1000, "reason": "Damaged"}, headers=headers)
    assert replay.status_code == 201 and replay.json() == first.json()
    assert order_row(number).amount_refunded == 1000
    assert order_row(number).status == "partially_refunded"
    conflict = api.post(url, json={"amount": 999, "reason": "x"}, headers=headers)
    assert (
        conflict.status_code == 409 and conflict.json()["error"]["code"] == "idempotency_conflict"
    )
    over = api.post(
        url, json={"amount": placed["total"]}, headers={**owner_headers, "Idempotency-Key": "r-2"}
    )
    assert over.status_code == 409 and over.json()["error"]["code"] == "refund_exceeds_paid"
    rest = placed["total"] - 1000
    full = api.post(
        url,
        json={"amount": rest, "restock": [{"sku": placed["sku"], "quantity": 2}]},
        headers={**owner_headers, "Idempotency-Key": "r-3"},
    )
    assert full.status_code == 201 and full.json()["restocked"] is True
    assert order_row(number).status == "refunded"
    assert stock(api, owner_headers, placed["sku"])["on_hand"] == 5
    assert len(emails("refund_issued")) == 2
    # the provider's own charge.refunded for the same total adds nothing
    assert (
        send_event(api, refunded_event(placed, placed["total"])).json()["outcome"]
        == "refund already recorded"
    )


def test_refund_of_unpaid_order_refused(api, owner_headers, placed):
    response = api.post(
        f"/api/v1/admin/orders/{placed['order_number']}/refunds",
        json={"amount": 100},
        headers=owner_headers,
    )
    assert response.status_code == 409


def test_cancel_unpaid_releases_and_cancel_paid_returns_and_refunds(api, owner_headers, placed):
    number = placed["order_number"]
    cancelled = api.post(
        f"/api/v1/admin/orders/{number}/cancel",
        json={"reason": "customer asked"},
        headers=owner_headers,
    )
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert stock(api, owner_headers, placed["sku"])["available"] == 5
    assert (
        api.post(
            f"/api/v1/admin/orders/{number}/cancel", json={}, headers=owner_headers
        ).status_code
        == 409
    )
    sku = placed["sku"]
    cart_id = new_cart(api)
    add(api, cart_id, sku, 1)
    second = checkout(api, cart_id).json()
    send_event(api, completed_event(second))
    assert stock(api, owner_headers, sku)["on_hand"] == 4
    done = api.post(
        f"/api/v1/admin/orders/{second['order_number']}/cancel", json={}, headers=owner_headers
    )
    assert (
        done.json()["status"] == "cancelled"
        and done.json()["totals"]["amount_refunded"] == second["total"]
    )
    assert stock(api, owner_headers, sku)["on_hand"] == 5


def test_expiry_job_releases_stale_reservations(api, owner_headers, placed):
    with unit_of_work() as session:
        assert orders.expire_unpaid(session) == 0
        assert orders.expire_unpaid(session, now=utcnow() + timedelta(hours=2)) == 1
    assert order_row(placed["order_number"]).status == "expired"
    assert stock(api, owner_headers, placed["sku"])["reserved"] == 0


def test_admin_order_list_filters(api, owner_headers, placed):
    listed = api.get("/api/v1/admin/orders?status=pending_payment", headers=owner_headers).json()
    assert [o["number"] for o in listed["items"]] == [placed["order_number"]]
    assert api.get("/api/v1/admin/orders?status=paid", headers=owner_headers).json()["total"] == 0
    assert (
        api.get("/api/v1/admin/orders?customer=gia@example.com", headers=owner_headers).json()[
            "total"
        ]
        == 1
    )
    assert (
        api.get(
            f"/api/v1/admin/orders?q={placed['order_number'][-4:]}", headers=owner_headers
        ).json()["total"]
        == 1
    )
    future = (utcnow() + timedelta(days=1)).isoformat().replace("+00:00", "Z")
    assert (
        api.get(f"/api/v1/admin/orders?from={future}", headers=owner_headers).json()["total"] == 0
    )
    assert api.get("/api/v1/admin/orders?status=bogus", headers=owner_headers).status_code == 422


def test_internal_notes_stay_internal(api, owner_headers, placed):
    number = placed["order_number"]
    api.post(
        f"/api/v1/admin/orders/{number}/notes",
        json={"message": "VIP, gift wrap"},
        headers=owner_headers,
    )
    staff = api.get(f"/api/v1/admin/orders/{number}", headers=owner_headers).json()
    assert any(t["internal"] and "VIP" in t["message"] for t in staff["timeline"])
    guest = api.get(f"/api/v1/orders/{number}?email=gia@example.com").text
    assert "VIP" not in guest


def test_invoice_pdf_for_paid_order(api, owner_headers, placed):
    send_event(api, completed_event(placed))
    run_pending_jobs()
    response = api.get(f"/api/v1/orders/{placed['order_number']}/invoice.pdf?email=gia@example.com")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert (
        api.get(
            f"/api/v1/admin/orders/{placed['order_number']}/invoice.pdf", headers=owner_headers
        ).status_code
        == 200
    )


def test_order_snapshot_cannot_be_changed(placed):
    with pytest.raises(SnapshotChanged), unit_of_work() as session:
        item = session.exec(select(OrderItem)).first()
        item.unit_price = 1
        session.add(item)
        session.flush()
    with pytest.raises(SnapshotChanged), unit_of_work() as session:
        order = session.exec(select(Order)).first()
        order.shipping_address = {**order.shipping_address, "city": "Lyon"}
        session.add(order)
        session.flush()


def test_guest_registering_claims_orders(api, owner_headers, placed):
    code = api.post("/api/v1/admin/invitations", json={}, headers=owner_headers).json()["items"][0][
        "code"
    ]
    response = api.post(
        "/api/v1/auth/register",
        json={
            "invite_code": code,
            "name": "Gia",
            "email": "gia@example.com",
            "password": "gia-password-1",
        },
    )
    assert response.status_code == 201
    mine = api.get(
        "/api/v1/orders", headers=bearer(api, "gia@example.com", "gia-password-1")
    ).json()
    assert [o["number"] for o in mine["items"]] == [placed["order_number"]]


def test_stock_never_below_zero_on_adjustment(api, owner_headers, placed):
    response = api.post(
        f"/api/v1/admin/inventory/{placed['sku']}/movements",
        json={"delta": -4, "reason": "adjustment"},
        headers=owner_headers,
    )
    assert response.status_code == 409 and response.json()["error"]["code"] == "insufficient_stock"
    ok = api.post(
        f"/api/v1/admin/inventory/{placed['sku']}/movements",
        json={"delta": -3, "reason": "adjustment", "note": "breakage"},
        headers=owner_headers,
    )
    assert ok.status_code == 201 and ok.json()["available"] == 0
    assert (
        api.post(
            f"/api/v1/admin/inventory/{placed['sku']}/movements",
            json={"delta": 5, "reason": "sale"},
            headers=owner_headers,
        ).status_code
        == 422
    )
    assert api.get("/api/v1/admin/inventory/NOPE", headers=owner_headers).status_code == 404
    alerts = api.get("/api/v1/admin/inventory/alerts", headers=owner_headers).json()
    assert placed["sku"] in [a["sku"] for a in alerts]
    with read_session() as session:
        assert inventory.reconcile(session) == []


def test_timeline_shows_money_formatted(api, owner_headers, placed):
    number = placed["order_number"]
    send_event(api, completed_event(placed, amount=1, event_id="evt_short"))
    send_event(api, completed_event(placed))
    refund = api.post(
        f"/api/v1/admin/orders/{number}/refunds",
        json={"amount": 1050, "reason": "Scratched"},
        headers={**owner_headers, "Idempotency-Key": "fmt-1"},
    )
    assert refund.status_code == 201
    over = api.post(
        f"/api/v1/admin/orders/{number}/refunds",
        json={"amount": placed["total"]},
        headers=owner_headers,
    )
    rest = placed["total"] - 1050
    assert over.json()["error"]["message"] == (
        f"At most €{rest // 100}.{rest % 100:02d} can still be refunded."
    )
    total = f"€{placed['total'] // 100}.{placed['total'] % 100:02d}"
    detail = api.get(f"/api/v1/admin/orders/{number}", headers=owner_headers).json()
    messages = [e["message"] for e in detail["timeline"]]
    assert (
        f"Payment of €0.01 does not match the order total {total}; the order was not marked paid."
        in messages
    )
    assert f"Payment received: {total}." in messages
    assert "Refunded €10.50: Scratched" in messages
    mine = api.get(f"/api/v1/orders/{number}", params={"email": "gia@example.com"}).json()
    assert "Refunded €10.50: Scratched" in [e["message"] for e in mine["timeline"]]


def test_format_money():
    from shop_core.money import format_money

    assert format_money(1250, "EUR") == "€12.50"
    assert format_money(123456, "usd") == "$1,234.56"
    assert format_money(500, "JPY") == "¥500"
    assert format_money(1205, "SEK") == "12.05 SEK"
    assert format_money(-5, "EUR") == "−€0.05"


def test_refund_keys_come_from_the_service(owner, placed, api):
    """Routes and the admin page only pass the client's key along; the service runs the
    refund once per key and gives keyless requests a fresh provider key each."""
    send_event(api, completed_event(placed))
    number = placed["order_number"]
    first = orders.refund_once(number, amount=100, idempotency_key="svc-1", actor_id=owner.id)
    again = orders.refund_once(number, amount=100, idempotency_key="svc-1", actor_id=owner.id)
    assert first == again and first[0] == 201
    with pytest.raises(Exception) as conflict:
        orders.refund_once(number, amount=200, idempotency_key="svc-1", actor_id=owner.id)
    assert getattr(conflict.value, "code", None) == "idempotency_conflict"
    orders.refund_once(number, amount=100, idempotency_key=None, actor_id=owner.id)
    orders.refund_once(number, amount=100, idempotency_key=None, actor_id=owner.id)
    with read_session() as session:
        rows = session.exec(select(Refund).join(Order).where(Order.number == number)).all()
    assert [r.amount for r in rows] == [100, 100, 100]
    assert len({r.provider_refund_id for r in rows}) == 3
    assert order_row(number).amount_refunded == 300


def test_test_gateway_page_and_its_events(api, placed):
    order = order_row(placed["order_number"])
    page = api.get(f"/api/v1/payments/test-gateway/{order.payment_session_id}")
    assert page.status_code == 200 and placed["order_number"] in page.text
    missing = api.get("/api/v1/payments/test-gateway/cs_test_nope")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "payment_session_not_found"
    declined = test_gateway.event_for(order, order.payment_session_id, "decline")
    assert send_event(api, declined).json()["outcome"] == "payment failed"
    paid = test_gateway.event_for(order, order.payment_session_id, "pay")
    assert paid["data"]["object"]["amount_total"] == placed["total"]
    assert send_event(api, paid).json()["outcome"] == "paid"  # late payment still counts
    assert order_row(placed["order_number"]).status == "paid"
