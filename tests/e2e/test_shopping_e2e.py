"""Shopping end to end in headless Chromium: a guest buys two products and pays on the test
gateway, the owner ships the order on its admin page, the guest gets both emails and
tracks the shipped order; a customer finds a product with a misspelt search and switches
its variant. Screenshots of the shop's main pages at phone
(390 px) and desktop (1280 px) widths go to test-artifacts/."""

from __future__ import annotations

import email
import re
import time
import uuid
from email.header import decode_header, make_header

import httpx
import pytest

from tests.e2e.support import ARTIFACTS, AppServer, owner_api
from tests.e2e.test_accounts_e2e import DESKTOP, PHONE, TIMEOUT_MS, open_page, shoot
from tests.e2e.test_admin_catalog_e2e import sign_in_owner, snap, toast

pytestmark = pytest.mark.e2e

GUEST = {"name": "Gia Guest", "email": "gia.guest@example.com"}
ADDRESS = {"line1": "12 Rue des Fleurs", "postal": "75001", "city": "Paris", "country": "France"}


def _catalog(api: httpx.Client) -> dict[str, dict]:
    """A category, two products (one with two sizes at different prices and stock) and a
    featured collection, made through the admin REST API."""
    run = uuid.uuid4().hex[:6]
    category = api.post("/api/v1/admin/categories", json={"name": f"Tops {run}"})
    assert category.status_code == 201, category.text
    category_id = category.json()["id"]
    shirt = api.post(
        "/api/v1/admin/products",
        json={
            "title": "Breezy Linen Shirt",
            "status": "active",
            "description": "A light linen shirt for long summer days.",
            "tags": ["summer"],
            "category_ids": [category_id],
            "variants": [
                {"sku": f"BLS-{run}-S", "option_values": {"Size": "S"}, "price": 4500, "stock": 12},
                {
                    "sku": f"BLS-{run}-M",
                    "option_values": {"Size": "M"},
                    "price": 5200,
                    "compare_at_price": 6500,
                    "stock": 3,
                },
            ],
        },
    )
    assert shirt.status_code == 201, shirt.text
    beanie = api.post(
        "/api/v1/admin/products",
        json={
            "title": "Cosy Merino Beanie",
            "status": "active",
            "description": "Soft, warm and bright.",
            "category_ids": [category_id],
            "variants": [{"sku": f"CMB-{run}", "price": 1900, "stock": 20}],
        },
    )
    assert beanie.status_code == 201, beanie.text
    collection = api.post(
        "/api/v1/admin/collections",
        json={
            "title": f"Summer edit {run}",
            "kind": "manual",
            "featured": True,
            "product_ids": [shirt.json()["id"], beanie.json()["id"]],
        },
    )
    assert collection.status_code == 201, collection.text
    return {"shirt": shirt.json(), "beanie": beanie.json(), "category": category.json()}


@pytest.fixture(scope="module")
def api(app_server: AppServer):
    client = owner_api(app_server)
    yield client
    client.close()


@pytest.fixture(scope="module")
def catalog(api: httpx.Client) -> dict[str, dict]:
    return _catalog(api)


def _subjects(app_server: AppServer) -> list[str]:
    return [
        str(make_header(decode_header(email.message_from_string(raw)["Subject"] or "")))
        for raw in app_server.outbox()
    ]


def _wait_for_subjects(app_server: AppServer, *wanted: str) -> list[str]:
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    subjects = _subjects(app_server)
    while time.monotonic() < deadline and not all(any(w in s for s in subjects) for w in wanted):
        time.sleep(0.5)
        subjects = _subjects(app_server)
    return subjects


def _add_to_cart(page, expected_count: str) -> None:
    page.locator("#add-to-cart").click()
    page.locator("#cart-drawer").wait_for(timeout=TIMEOUT_MS)
    page.locator("#cart-count").filter(has_text=expected_count).wait_for(timeout=TIMEOUT_MS)
    page.get_by_role("button", name="Close cart").click()


def test_guest_checkout_pay_ship_and_track(app_server: AppServer, browser, api, catalog):
    base = app_server.base_url
    ARTIFACTS.mkdir(exist_ok=True)
    shirt, beanie = catalog["shirt"], catalog["beanie"]

    # A guest puts the shirt (size M) and two beanies in the cart.
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    open_page(page, f"{base}/product/{shirt['slug']}")
    page.get_by_role("group", name="Size").get_by_role("button", name="M").click()
    page.locator("#product-price").filter(has_text="€52.00").wait_for(timeout=TIMEOUT_MS)
    _add_to_cart(page, "1")
    open_page(page, f"{base}/product/{beanie['slug']}")
    page.get_by_role("button", name="More").click()
    page.locator("#product-quantity").filter(has_text="2").wait_for(timeout=TIMEOUT_MS)
    _add_to_cart(page, "3")

    open_page(page, f"{base}/cart")
    page.locator(".cart-line").nth(1).wait_for(timeout=TIMEOUT_MS)
    assert page.locator("#cart-subtotal").inner_text().endswith("€90.00")  # 52 + 2 × 19
    shoot(browser, context.storage_state(), f"{base}/cart", "shop-cart")
    shoot(browser, context.storage_state(), f"{base}/checkout", "shop-checkout")

    # Checkout: a wrong postal code is refused next to its field, then the order is placed.
    open_page(page, f"{base}/checkout")
    page.get_by_label("Email").fill(GUEST["email"])
    page.get_by_label("Full name").fill(GUEST["name"])
    page.get_by_label("Street and house number").fill(ADDRESS["line1"])
    page.get_by_label("City").fill(ADDRESS["city"])
    page.locator("#ship-country").click()
    page.get_by_role("option", name=ADDRESS["country"]).click()
    page.get_by_label("Postal code").fill("750")
    page.locator("#pay-button").click()
    page.locator("#ship-postal-error").wait_for(timeout=TIMEOUT_MS)
    page.get_by_label("Postal code").fill(ADDRESS["postal"])
    # Totals come from the server: 90.00 + free shipping (over 50.00) + 8 % tax.
    assert page.locator("#checkout-total").inner_text().endswith("€97.20")
    page.locator("#pay-button").dblclick()  # a double click must not place two orders
    page.wait_for_url(re.compile(r"/api/v1/payments/test-gateway/"), timeout=TIMEOUT_MS)
    page.locator("#pay").click()
    page.wait_for_url(re.compile(r"/checkout/success/?\?order="), timeout=TIMEOUT_MS)
    number = page.locator("#order-number").inner_text().strip()
    assert re.fullmatch(r"JN[A-Z0-9]{8}", number), number
    page.get_by_text("Paid", exact=True).wait_for(timeout=TIMEOUT_MS)
    page.locator("#cart-count").wait_for(state="detached", timeout=TIMEOUT_MS)
    context.close()

    placed = api.get("/api/v1/admin/orders", params={"customer": GUEST["email"]}).json()
    assert placed["total"] == 1, placed
    assert placed["items"][0]["status"] == "paid"

    # The owner ships it in the admin, on the order's page; both emails are in the outbox.
    context, page = sign_in_owner(browser, app_server)
    open_page(page, f"{base}/admin/orders/{number}")
    page.locator("#order-items").get_by_text("Cosy Merino Beanie").wait_for(timeout=TIMEOUT_MS)
    timeline = page.locator("#order-timeline")
    timeline.get_by_text("Payment received: €97.20.").wait_for(timeout=TIMEOUT_MS)
    page.locator("#order-ship").click()
    page.get_by_label("Carrier").fill("DHL")
    page.get_by_label("Tracking number").fill("JD014600001")
    page.locator("#confirm-ship").click()
    toast(page, f"{number} is shipped")
    page.locator("#order-shipments").get_by_text("JD014600001").wait_for(timeout=TIMEOUT_MS)
    timeline.get_by_text("Shipped with DHL, tracking JD014600001.").wait_for(timeout=TIMEOUT_MS)
    snap(page, "admin-order-shipped")
    context.close()
    shipped = api.get(f"/api/v1/admin/orders/{number}").json()
    assert shipped["status"] == "shipped", shipped["status"]
    assert [s["tracking_number"] for s in shipped["shipments"]] == ["JD014600001"]
    subjects = _wait_for_subjects(app_server, f"Order {number} confirmed", f"Order {number} is on")
    assert any(s.startswith(f"Order {number} confirmed") for s in subjects), subjects
    assert any(s == f"Order {number} is on its way" for s in subjects), subjects

    # The guest tracks the order by number and email and sees it shipped.
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    open_page(page, f"{base}/track")
    page.get_by_label("Order number").fill(number.lower())
    page.get_by_label("Email").fill(GUEST["email"])
    page.get_by_role("button", name="Find my order").click()
    page.wait_for_url(re.compile(rf"/orders/{number}/?\?email="), timeout=TIMEOUT_MS)
    page.locator("#order-status").filter(has_text="Shipped").wait_for(timeout=TIMEOUT_MS)
    assert page.get_by_text("JD014600001", exact=True).is_visible()
    assert page.get_by_role("link", name=re.compile("Download invoice")).is_visible()
    order_url = page.url
    context.close()

    # A wrong email finds nothing, and says so without telling which part was wrong.
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    open_page(page, f"{base}/track")
    page.get_by_label("Order number").fill(number)
    page.get_by_label("Email").fill("someone.else@example.com")
    page.get_by_role("button", name="Find my order").click()
    page.get_by_text("We couldn't find an order with that number and email.").wait_for(
        timeout=TIMEOUT_MS
    )
    context.close()
    shoot(browser, None, order_url, "shop-order")


def test_misspelt_search_finds_product_and_variants_change_price_and_stock(
    app_server: AppServer, browser, catalog
):
    base = app_server.base_url
    shirt = catalog["shirt"]

    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    open_page(page, f"{base}/")
    search = page.locator("#site-search")
    search.fill("linnen shrt")  # "linen shirt", misspelt twice
    search.press("Enter")
    page.wait_for_url(re.compile(r"/search\?q=linnen"), timeout=TIMEOUT_MS)
    page.get_by_role("link", name=re.compile("Breezy Linen Shirt")).first.click()
    page.wait_for_url(re.compile(rf"/product/{shirt['slug']}/?$"), timeout=TIMEOUT_MS)

    price, stock = page.locator("#product-price"), page.locator("#product-stock")
    price.filter(has_text="€45.00").wait_for(timeout=TIMEOUT_MS)
    assert page.title().startswith("Breezy Linen Shirt")  # SEO title from the product
    assert "In stock" in stock.inner_text()
    page.get_by_role("group", name="Size").get_by_role("button", name="M").click()
    price.filter(has_text="€52.00").wait_for(timeout=TIMEOUT_MS)
    assert re.match(r"Only [1-3] left", stock.inner_text())  # the other test may buy one
    assert page.locator("#product-sku").inner_text().endswith("-M")
    assert page.get_by_text("Sale", exact=True).first.is_visible()
    context.close()

    shoot(browser, None, f"{base}/", "shop-home")
    shoot(browser, None, f"{base}/category/{catalog['category']['slug']}", "shop-category")
    shoot(browser, None, f"{base}/product/{shirt['slug']}", "shop-product")
