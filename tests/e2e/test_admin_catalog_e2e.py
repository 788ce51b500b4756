"""The catalog back office end to end in headless Chromium.

The owner builds a category, then a product with two variants (different prices and
opening stock) and an uploaded PNG, and activates it; a guest then finds it on the
storefront product page and through the REST API. Along the way: a rule-based
collection with its live preview, CSV export (download) and a failing CSV import (row
errors), a stock receipt, and a guest order that is shipped from the order page.
Screenshots of every admin page at 390 and 1280 px go to test-artifacts/.
"""

from __future__ import annotations

import csv
import io
import re

import httpx
import pytest
from PIL import Image

from shop_core.catalog.csv_io import header_for
from tests.e2e.support import ARTIFACTS, AppServer
from tests.e2e.test_accounts_e2e import DESKTOP, TIMEOUT_MS, open_page, shoot

pytestmark = pytest.mark.e2e

TITLE = "Aurora Puffer Jacket"
SLUG = "aurora-puffer-jacket"
VARIANTS = [("S", "AURORA-S", "89.90", 8990, "3"), ("M", "AURORA-M", "94.50", 9450, "12")]
ADDRESS = {
    "name": "Gia Guest",
    "line1": "12 Rue des Fleurs",
    "city": "Paris",
    "postal_code": "75001",
    "country": "FR",
}


def png_file(name: str = "aurora.png") -> dict:
    out = io.BytesIO()
    image = Image.new("RGB", (480, 360), (124, 58, 237))
    for x in range(0, 480, 40):  # some stripes, so it is not a flat colour
        image.paste((219, 39, 119), (x, 0, x + 20, 360))
    image.save(out, format="PNG")
    return {"name": name, "mimeType": "image/png", "buffer": out.getvalue()}


def toast(page, text: str) -> None:
    page.locator("[data-sonner-toast]", has_text=text).first.wait_for(timeout=TIMEOUT_MS)


def snap(page, name: str) -> None:
    """The page as it is now (an open editor or dialog) at desktop and phone widths."""
    for width, height in ((1280, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(400)
        page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size(DESKTOP)


def sign_in(page, base: str, email: str, password: str, next_path: str) -> None:
    """Sign in through /login and wait until the browser lands on `next_path`."""
    open_page(page, f"{base}/login?next={next_path}")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("main").get_by_role("button", name="Sign in", exact=True).click()
    # Anchored on the path: the login URL's own ?next= would match a bare suffix pattern.
    page.wait_for_url(re.compile("^[^?]*" + re.escape(next_path) + "/?$"), timeout=TIMEOUT_MS)


def sign_in_owner(browser, app_server: AppServer, next_path: str = "/admin/categories"):
    """A fresh desktop context (downloads allowed) with the owner signed in at `next_path`."""
    context = browser.new_context(viewport=DESKTOP, accept_downloads=True)
    page = context.new_page()
    sign_in(page, app_server.base_url, app_server.owner_email, app_server.owner_password, next_path)
    return context, page


def pick(page, trigger_selector: str, option: str) -> None:
    """Choose `option` in a Radix select."""
    page.locator(trigger_selector).click()
    page.get_by_role("option", name=option, exact=True).click()


def create_category(page, name: str) -> None:
    page.locator("#new-category").click()
    page.get_by_label("Name", exact=True).fill(name)
    page.locator("#save-category").click()
    page.locator("#category-tree").get_by_text(name, exact=True).wait_for(timeout=TIMEOUT_MS)


def create_product(page, base: str) -> int:
    open_page(page, f"{base}/admin/products/new")
    page.locator("#product-title").fill(TITLE)
    page.locator("#product-description").fill("Warm as toast, light as a cloud.")
    pick(page, "#product-status", "Active: on sale")
    page.locator("#product-tags").fill("winter, puffer")
    page.get_by_role("group", name="Categories").get_by_text("Jackets", exact=True).click()

    page.locator("#add-option").click()
    page.get_by_label("Values").fill("S, M")
    page.get_by_label("SKU of M").wait_for(timeout=TIMEOUT_MS)
    for label, sku, price, _, stock in VARIANTS:
        page.get_by_label(f"SKU of {label}").fill(sku)
        page.get_by_label(f"Price of {label}").fill(price)
        page.get_by_label(f"Initial stock of {label}").fill(stock)

    page.set_input_files("#product-image-upload input[type=file]", files=[png_file()])
    page.get_by_label("Alt text").fill("A violet puffer jacket")
    page.locator("#product-image-list img").first.wait_for(timeout=TIMEOUT_MS)

    # A typo in a price is caught next to its input, and nothing is saved.
    page.get_by_label("Price of S").fill("89.999")
    page.locator("#save-product").first.click()
    page.get_by_text("At most 2 decimals, like 12.50.").wait_for(timeout=TIMEOUT_MS)
    assert page.get_by_label("Price of S").get_attribute("aria-invalid") == "true"
    snap(page, "admin-product-errors")
    page.get_by_label("Price of S").fill("89.90")

    page.locator("#save-product").first.click()
    page.wait_for_url(re.compile(r"/admin/products/\d+/?$"), timeout=TIMEOUT_MS)
    toast(page, "is created as active")
    page.get_by_label("SKU of M").wait_for(timeout=TIMEOUT_MS)
    return int(page.url.rstrip("/").rsplit("/", 1)[-1])


def check_storefront(browser, base: str) -> str:
    """A guest sees the product through the REST API and on the product page; returns the
    URL of its image."""
    detail = httpx.get(f"{base}/api/v1/products/{SLUG}", timeout=10)
    assert detail.status_code == 200, detail.text
    body = detail.json()
    assert body["title"] == TITLE and body["status"] == "active"
    assert [(v["sku"], v["price"], v["available"]) for v in body["variants"]] == [
        (sku, minor, int(stock)) for _, sku, _, minor, stock in VARIANTS
    ]
    assert [v["option_values"] for v in body["variants"]] == [{"Size": "S"}, {"Size": "M"}]
    assert [c["name"] for c in body["categories"]] == ["Jackets"]
    (image,) = body["images"]
    assert image["alt"] == "A violet puffer jacket" and image["url"].endswith(".webp")

    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    open_page(page, f"{base}/product/{SLUG}")
    page.get_by_role("heading", name=TITLE).wait_for(timeout=TIMEOUT_MS)
    page.get_by_role("group", name="Size").get_by_role("button", name="M").click()
    page.locator("#product-price").filter(has_text="94.50").wait_for(timeout=TIMEOUT_MS)
    page.locator("#product-sku").filter(has_text="AURORA-M").wait_for(timeout=TIMEOUT_MS)
    page.get_by_role("group", name="Size").get_by_role("button", name="S").click()
    page.locator("#product-price").filter(has_text="89.90").wait_for(timeout=TIMEOUT_MS)
    page.screenshot(path=str(ARTIFACTS / "storefront-admin-product-1280.png"), full_page=True)
    context.close()
    return image["url"]


def build_rule_collection(page, base: str) -> None:
    open_page(page, f"{base}/admin/collections")
    page.locator("#new-collection").click()
    page.locator("#collection-title").fill("Winter warmers")
    page.get_by_role("radio", name="By rules").click()
    page.locator("#rule-builder").get_by_label("Tag").fill("winter")
    page.locator("#preview-count").filter(has_text="1 product matches").wait_for(timeout=TIMEOUT_MS)
    page.locator("#preview-list").get_by_text(TITLE).wait_for(timeout=TIMEOUT_MS)
    page.locator("#rule-builder").get_by_label("Tag").fill("summer")
    page.locator("#preview-count").filter(has_text="0 products match").wait_for(timeout=TIMEOUT_MS)
    page.locator("#rule-builder").get_by_label("Tag").fill("winter")
    page.locator("#preview-count").filter(has_text="1 product matches").wait_for(timeout=TIMEOUT_MS)
    snap(page, "admin-collection-editor")
    page.locator("#save-collection").click()
    toast(page, "is saved with 1 product")
    page.get_by_role("cell", name="Tag is winter").wait_for(timeout=TIMEOUT_MS)


def export_and_import_csv(page, base: str) -> None:
    open_page(page, f"{base}/admin/products")
    page.locator("#products-table").get_by_text(TITLE).wait_for(timeout=TIMEOUT_MS)
    page.locator("#export-csv").click()
    page.locator("#csv-status").filter(has_text="Exported 1 product").wait_for(timeout=TIMEOUT_MS)
    with page.expect_download(timeout=TIMEOUT_MS) as download:
        page.locator("#csv-download").click()
    exported = download.value.path().read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(exported)))
    assert [(r["sku"], r["price"]) for r in rows] == [("AURORA-S", "8990"), ("AURORA-M", "9450")]

    # An import with a broken row fails as a whole and says which line is wrong.
    header = header_for()
    bad = io.StringIO()
    writer = csv.DictWriter(bad, fieldnames=header)
    writer.writeheader()
    writer.writerow({"title": "Fine Scarf", "sku": "SCARF-1", "price": "1500", "stock": "2"})
    writer.writerow({"title": "Broken Hat", "sku": "HAT-1", "price": "twelve", "stock": "1"})
    page.set_input_files(
        "#import-csv input[type=file]",
        files=[{"name": "bad.csv", "mimeType": "text/csv", "buffer": bad.getvalue().encode()}],
    )
    issues = page.locator("#csv-issues")
    issues.get_by_role("cell", name="3", exact=True).wait_for(timeout=TIMEOUT_MS)
    assert "HAT-1" in issues.inner_text()
    page.locator("#csv-download").filter(has_text="error report").wait_for(timeout=TIMEOUT_MS)
    page.screenshot(path=str(ARTIFACTS / "admin-products-csv-errors-1280.png"), full_page=True)
    assert httpx.get(f"{base}/api/v1/products/fine-scarf", timeout=10).status_code == 404


def receive_stock(page, base: str) -> None:
    open_page(page, f"{base}/admin/inventory?sku=AURORA-S")
    page.locator("#stock-levels").filter(has_text="3").wait_for(timeout=TIMEOUT_MS)
    page.get_by_label("Quantity").fill("5")
    page.locator("#movement-note").fill("Delivery #42")
    page.locator("#record-movement").click()
    toast(page, "AURORA-S: 8 available now")
    page.get_by_role("cell", name="Delivery #42").wait_for(timeout=TIMEOUT_MS)


def place_guest_order(base: str) -> str:
    with httpx.Client(base_url=base, timeout=20) as client:
        cart = client.post("/api/v1/carts").json()["id"]
        added = client.post(f"/api/v1/carts/{cart}/items", json={"sku": "AURORA-M", "quantity": 2})
        assert added.status_code in (200, 201), added.text
        placed = client.post(
            "/api/v1/checkout",
            json={"cart_id": cart, "email": "gia@example.com", "shipping_address": ADDRESS},
        )
        assert placed.status_code == 201, placed.text
        order = placed.json()
        session_id = order["payment"]["session_id"]
        paid = client.post(f"/api/v1/payments/test-gateway/{session_id}/pay")
        assert paid.status_code == 303, paid.text
    return order["order_number"]


def ship_order(page, base: str, number: str) -> None:
    open_page(page, f"{base}/admin/orders")
    page.locator("#orders-table").get_by_role("link", name=number).click()
    page.wait_for_url(re.compile(rf"/admin/orders/{number}/?$"), timeout=TIMEOUT_MS)
    page.locator("#order-items").get_by_text(TITLE).wait_for(timeout=TIMEOUT_MS)
    page.locator("#order-ship").click()
    page.get_by_label("Carrier").fill("DHL")
    page.get_by_label("Tracking number").fill("JD014600006281230")
    page.locator("#confirm-ship").click()
    toast(page, "is shipped")
    page.locator("#order-shipments").get_by_text("JD014600006281230").wait_for(timeout=TIMEOUT_MS)
    page.get_by_label("Internal note").fill("Gift wrap requested by phone.")
    page.locator("#order-add-note").click()
    page.locator("#order-timeline").get_by_text("Gift wrap requested").wait_for(timeout=TIMEOUT_MS)

    # A partial refund, reviewed and then confirmed, with one unit back in stock.
    page.locator("#order-refund").click()
    page.get_by_label("Amount").fill("20")
    page.get_by_label("Reason").fill("Late delivery")
    page.get_by_label(re.compile("AURORA-M")).fill("1")
    page.locator("#review-refund").click()
    page.get_by_text("Refund €20.00 to the customer").wait_for(timeout=TIMEOUT_MS)
    snap(page, "admin-order-refund-confirm")
    page.locator("#confirm-refund").click()
    toast(page, "Refunded €20.00")
    page.locator("#order-refunds").get_by_text("Late delivery").wait_for(timeout=TIMEOUT_MS)


def test_owner_builds_the_catalog_and_a_guest_sees_it(app_server: AppServer, browser):
    base = app_server.base_url
    ARTIFACTS.mkdir(exist_ok=True)
    context, page = sign_in_owner(browser, app_server)

    create_category(page, "Outerwear")
    page.get_by_role("button", name="Add a category inside Outerwear").click()
    page.get_by_label("Name", exact=True).fill("Jackets")
    page.locator("#save-category").click()
    page.locator("#category-tree").get_by_text("Jackets", exact=True).wait_for(timeout=TIMEOUT_MS)

    product_id = create_product(page, base)
    image_url = check_storefront(browser, base)
    build_rule_collection(page, base)
    export_and_import_csv(page, base)
    receive_stock(page, base)
    number = place_guest_order(base)
    ship_order(page, base, number)

    signed_in = context.storage_state()
    for path, name in [
        ("/admin/products", "admin-products"),
        ("/admin/products/new", "admin-product-new"),
        (f"/admin/products/{product_id}", "admin-product-edit"),
        ("/admin/categories", "admin-categories"),
        ("/admin/collections", "admin-collections"),
        ("/admin/inventory?sku=AURORA-M", "admin-inventory"),
        ("/admin/orders", "admin-orders"),
        (f"/admin/orders/{number}", "admin-order-detail"),
    ]:
        shoot(browser, signed_in, base + path, name)
    context.close()

    # Last, so that everything above is checked either way: the uploaded image is served.
    served = httpx.get(base + image_url, timeout=10)
    assert served.status_code == 200, f"{image_url} is not served (HTTP {served.status_code})"
    assert served.headers["content-type"] == "image/webp"
