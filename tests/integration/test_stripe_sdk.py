"""The Stripe path through the real stripe SDK, against a local HTTP stand-in for the
Stripe API (`stripe.api_base`) that records and checks what the SDK sends."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest
import stripe

from shop_core.settings import reload_settings
from tests.integration.commerce_helpers import (
    add,
    checkout,
    completed_event,
    make_product,
    new_cart,
    send_event,
)


class StripeStandIn(BaseHTTPRequestHandler):
    calls: list[dict] = []

    def do_POST(self):  # noqa: N802 (http.server API)
        length = int(self.headers.get("Content-Length", 0))
        form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
        self.calls.append({"path": self.path, "headers": dict(self.headers), "form": form})
        if self.headers.get("Authorization") != "Bearer sk_test_standin":
            return self._send(
                401, {"error": {"type": "invalid_request_error", "message": "bad key"}}
            )
        if self.path == "/v1/checkout/sessions":
            return self._send(
                200,
                {
                    "id": "cs_test_standin_1",
                    "object": "checkout.session",
                    "url": "https://checkout.stripe.test/pay/cs_test_standin_1",
                },
            )
        if self.path == "/v1/refunds":
            return self._send(
                200, {"id": "re_standin_1", "object": "refund", "amount": int(form["amount"])}
            )
        return self._send(
            404, {"error": {"type": "invalid_request_error", "message": "unknown path"}}
        )

    def _send(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def stripe_standin(monkeypatch):
    server = ThreadingHTTPServer(("127.0.0.1", 0), StripeStandIn)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    StripeStandIn.calls = []
    monkeypatch.setattr(stripe, "api_base", f"http://127.0.0.1:{server.server_port}")
    monkeypatch.setenv("STRIPE_SECRET_KEY", "sk_test_standin")
    monkeypatch.setenv("STRIPE_WEBHOOK_SECRET", "whsec_standin_secret")
    reload_settings()
    yield StripeStandIn.calls
    server.shutdown()
    monkeypatch.delenv("STRIPE_SECRET_KEY")
    monkeypatch.delenv("STRIPE_WEBHOOK_SECRET")
    reload_settings()


def test_checkout_session_refund_and_webhook_through_the_sdk(api, owner_headers, stripe_standin):
    sku = make_product(api, owner_headers, stock=4, price=1250)["variants"][0]["sku"]
    cart_id = new_cart(api)
    add(api, cart_id, sku, 2)
    placed = checkout(api, cart_id, email="sdk@example.com")
    assert placed.status_code == 201, placed.text
    body = placed.json()
    assert body["payment"] == {
        "provider": "stripe",
        "session_id": "cs_test_standin_1",
        "checkout_url": "https://checkout.stripe.test/pay/cs_test_standin_1",
    }
    call = stripe_standin[0]
    assert call["path"] == "/v1/checkout/sessions"
    assert call["headers"]["Idempotency-Key"] == f"checkout-session-{body['order_number']}"
    form = call["form"]
    assert form["metadata[order_number]"] == body["order_number"]
    assert form["payment_intent_data[metadata][order_number]"] == body["order_number"]
    assert form["mode"] == "payment" and form["customer_email"] == "sdk@example.com"
    assert form["line_items[0][price_data][unit_amount]"] == "1250"
    assert form["line_items[0][quantity]"] == "2"
    charged = sum(
        int(form[f"line_items[{i}][price_data][unit_amount]"])
        * int(form[f"line_items[{i}][quantity]"])
        for i in range(10)
        if f"line_items[{i}][quantity]" in form
    )
    assert charged == body["total"]  # what Stripe will charge equals the server's total
    # the webhook is verified with the configured endpoint secret
    assert (
        send_event(api, completed_event(body), secret="whsec_standin_secret").json()["outcome"]
        == "paid"
    )
    assert send_event(api, completed_event(body), secret="whsec_other").status_code == 400
    refund = api.post(
        f"/api/v1/admin/orders/{body['order_number']}/refunds",
        json={"amount": 500, "reason": "late"},
        headers={**owner_headers, "Idempotency-Key": "rf-1"},
    )
    assert refund.status_code == 201, refund.text
    refund_call = stripe_standin[-1]
    assert refund_call["path"] == "/v1/refunds"
    assert refund_call["form"] == {"payment_intent": f"pi_{body['order_number']}", "amount": "500"}
    assert refund_call["headers"]["Idempotency-Key"] == "refund-rf-1"


def test_provider_down_means_clean_error_and_nothing_reserved(
    api, owner_headers, stripe_standin, monkeypatch
):
    monkeypatch.setattr(stripe, "api_base", "http://127.0.0.1:9")  # nothing listens there
    monkeypatch.setattr(stripe, "max_network_retries", 0, raising=False)
    sku = make_product(api, owner_headers, stock=4)["variants"][0]["sku"]
    cart_id = new_cart(api)
    add(api, cart_id, sku, 1)
    response = checkout(api, cart_id)
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "payment_provider_unavailable"
    level = api.get(f"/api/v1/admin/inventory/{sku}", headers=owner_headers).json()
    assert level["reserved"] == 0
