"""Cart and checkout endpoints of API.md: status codes, stock reservation, idempotency."""

from __future__ import annotations

import pytest

from tests.conftest import CUSTOMER_PASSWORD, bearer, make_user
from tests.integration.commerce_helpers import ADDRESS, add, checkout, make_product, new_cart, stock


def test_guest_cart_lifecycle(api, owner_headers):
    product = make_product(api, owner_headers, stock=5, price=1500)
    sku = product["variants"][0]["sku"]
    cart_id = new_cart(api)
    assert len(cart_id) >= 40  # unguessable
    added = add(api, cart_id, sku, 2)
    assert added.status_code == 201
    body = added.json()
    assert body["items"][0]["quantity"] == 2 and body["items"][0]["line_total"] == 3000
    assert body["subtotal"] == 3000 and body["total"] == 3000 and body["currency"] == "EUR"
    item_id = body["items"][0]["id"]
    assert (
        api.patch(f"/api/v1/carts/{cart_id}/items/{item_id}", json={"quantity": 3}).json()[
            "subtotal"
        ]
        == 4500
    )
    assert api.delete(f"/api/v1/carts/{cart_id}/items/{item_id}").json()["items"] == []
    assert api.get(f"/api/v1/carts/{cart_id}").status_code == 200


def test_cart_errors(api, owner_headers):
    product = make_product(api, owner_headers, stock=2)
    sku = product["variants"][0]["sku"]
    cart_id = new_cart(api)
    assert add(api, cart_id, "NOPE-404").status_code == 404
    too_many = add(api, cart_id, sku, 3)
    assert too_many.status_code == 409 and too_many.json()["error"]["code"] == "insufficient_stock"
    assert add(api, cart_id, sku, 0).status_code == 422
    assert api.get("/api/v1/carts/not-a-real-cart").status_code == 404
    assert api.patch(f"/api/v1/carts/{cart_id}/items/999", json={"quantity": 1}).status_code == 404
    promo = api.post(f"/api/v1/carts/{cart_id}/promotions", json={"code": "SUMMER"})
    assert promo.status_code == 400 and promo.json()["error"]["code"] == "promotion_invalid"


def test_customer_cannot_read_another_customers_cart(api, owner_headers, customer_headers):
    other = make_user("other@example.com", "other-password-1")
    other_headers = bearer(api, other.email, "other-password-1")
    mine = new_cart(api, customer_headers)
    assert api.get(f"/api/v1/carts/{mine}", headers=other_headers).status_code == 404
    assert api.get(f"/api/v1/carts/{mine}").status_code == 404  # nor anonymously
    assert api.get(f"/api/v1/carts/{mine}", headers=customer_headers).status_code == 200


def test_signed_in_cart_follows_the_customer_and_guest_cart_merges(api, owner_headers, customer):
    a = make_product(api, owner_headers, stock=3, title="A")["variants"][0]["sku"]
    b = make_product(api, owner_headers, stock=5, title="B")["variants"][0]["sku"]
    first = bearer(api, customer.email, CUSTOMER_PASSWORD)
    account_cart = new_cart(api, first)
    add(api, account_cart, a, 2, headers=first)
    second = bearer(api, customer.email, CUSTOMER_PASSWORD)  # another device
    assert new_cart(api, second) == account_cart
    guest = new_cart(api)
    add(api, guest, a, 3)
    add(api, guest, b, 1)
    login = api.post(
        "/api/v1/auth/login",
        json={"email": customer.email, "password": CUSTOMER_PASSWORD, "cart_id": guest},
    )
    assert login.status_code == 200
    merged = api.get(f"/api/v1/carts/{account_cart}", headers=first).json()
    quantities = {i["sku"]: i["quantity"] for i in merged["items"]}
    assert quantities == {a: 3, b: 1}  # 2 + 3 capped at the 3 in stock
    assert api.get(f"/api/v1/carts/{guest}").status_code == 404


def test_checkout_reserves_stock_and_returns_payment(api, owner_headers):
    product = make_product(api, owner_headers, stock=5, price=2000)
    sku = product["variants"][0]["sku"]
    cart_id = new_cart(api)
    add(api, cart_id, sku, 2)
    response = checkout(api, cart_id, key="k-1")
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["status"] == "pending_payment"
    assert body["subtotal"] == 4000 and body["shipping_total"] == 495
    assert body["tax_total"] == 320  # 8 % of 40.00
    assert body["total"] == 4000 + 495 + 320
    assert body["payment"]["provider"] == "test"
    assert body["payment"]["checkout_url"].endswith(body["payment"]["session_id"])
    level = stock(api, owner_headers, sku)
    assert (level["on_hand"], level["reserved"], level["available"]) == (5, 2, 3)
    assert level["movements"][0]["kind"] == "reserve"


def test_free_shipping_over_threshold_and_express(api, owner_headers):
    sku = make_product(api, owner_headers, stock=10, price=3000)["variants"][0]["sku"]
    cart_id = new_cart(api)
    add(api, cart_id, sku, 2)
    assert checkout(api, cart_id).json()["shipping_total"] == 0
    cart2 = new_cart(api)
    add(api, cart2, sku, 1)
    assert checkout(api, cart2, shipping_method="express").json()["shipping_total"] == 1295


def test_checkout_idempotency(api, owner_headers):
    sku = make_product(api, owner_headers, stock=5)["variants"][0]["sku"]
    cart_id = new_cart(api)
    add(api, cart_id, sku, 1)
    first = checkout(api, cart_id, key="same-key")
    again = checkout(api, cart_id, key="same-key")
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    conflict = checkout(api, cart_id, key="same-key", email="someone-else@example.com")
    assert (
        conflict.status_code == 409 and conflict.json()["error"]["code"] == "idempotency_conflict"
    )
    assert stock(api, owner_headers, sku)["reserved"] == 1
    # a second click with a new key finds the cart already checked out
    assert checkout(api, cart_id, key="other-key").status_code == 404


def test_checkout_empty_cart(api):
    response = checkout(api, new_cart(api))
    assert response.status_code == 409 and response.json()["error"]["code"] == "cart_empty"


def test_insufficient_stock_reserves_nothing(api, owner_headers):
    plenty = make_product(api, owner_headers, stock=5, title="Plenty")["variants"][0]["sku"]
    scarce = make_product(api, owner_headers, stock=1, title="Scarce")["variants"][0]["sku"]
    cart_id = new_cart(api)
    add(api, cart_id, plenty, 2)
    add(api, cart_id, scarce, 1)
    rival = new_cart(api)
    add(api, rival, scarce, 1)
    assert checkout(api, rival).status_code == 201  # the last one is gone now
    response = checkout(api, cart_id)
    assert response.status_code == 409 and response.json()["error"]["code"] == "insufficient_stock"
    assert stock(api, owner_headers, plenty)["reserved"] == 0
    assert api.get(f"/api/v1/carts/{cart_id}").status_code == 200  # cart is still usable


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"postal_code": "ABCDE"}, "shipping_address"),
        ({"country": "XX"}, "shipping_address.country"),
        ({"country": "US", "postal_code": "94107"}, "shipping_address"),  # region missing
        ({"name": ""}, "shipping_address.name"),
    ],
)
def test_address_validated_per_country(api, owner_headers, change, field):
    sku = make_product(api, owner_headers)["variants"][0]["sku"]
    cart_id = new_cart(api)
    add(api, cart_id, sku)
    response = checkout(api, cart_id, address={**ADDRESS, **change})
    assert response.status_code == 422
    assert any(k.startswith(field) for k in response.json()["error"]["fields"]), response.json()
    assert stock(api, owner_headers, sku)["reserved"] == 0


def test_bad_email_refused(api, owner_headers):
    sku = make_product(api, owner_headers)["variants"][0]["sku"]
    cart_id = new_cart(api)
    add(api, cart_id, sku)
    assert checkout(api, cart_id, email="nope").status_code == 422


def test_signed_in_checkout_saves_address(api, owner_headers, customer_headers):
    sku = make_product(api, owner_headers)["variants"][0]["sku"]
    cart_id = new_cart(api, customer_headers)
    add(api, cart_id, sku, headers=customer_headers)
    placed = checkout(api, cart_id, headers=customer_headers, save_address=True)
    assert placed.status_code == 201
    saved = api.get("/api/v1/me/addresses", headers=customer_headers).json()
    assert saved[0]["city"] == "Paris" and saved[0]["is_default"] is True
    mine = api.get("/api/v1/orders", headers=customer_headers).json()
    assert [o["number"] for o in mine["items"]] == [placed.json()["order_number"]]
