"""Issue 3 acceptance in headless Chromium, through the UIs only.

The owner opens /admin/products, follows "New product" and, in the editor, makes a
product with a "Colour" option and two variants (different prices and opening stock) and
uploads an image through the file input. A customer in a separate browser context then
finds it on the storefront with a misspelt search, opens it, switches the variant and
sees price, stock and SKU change, with the uploaded image in the gallery.
"""

from __future__ import annotations

import re

import httpx
import pytest

from tests.e2e.support import ARTIFACTS, AppServer
from tests.e2e.test_accounts_e2e import DESKTOP, PHONE, TIMEOUT_MS, open_page
from tests.e2e.test_admin_catalog_e2e import pick, png_file, toast

pytestmark = pytest.mark.e2e

TITLE = "Glacier Merino Cardigan"
SLUG = "glacier-merino-cardigan"
ALT = "A glacier-blue merino cardigan"
# (option value, SKU, price as typed, price as shown, opening stock, stock label)
FJORD = ("Fjord", "GLACIER-FJORD", "79.00", "€79.00", "25", "In stock")
EMBER = ("Ember", "GLACIER-EMBER", "86.50", "€86.50", "2", "Only 2 left")


def sign_in_to_products(browser, app_server: AppServer):
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    open_page(page, f"{app_server.base_url}/login?next=/admin/products")
    page.get_by_label("Email").fill(app_server.owner_email)
    page.get_by_label("Password").fill(app_server.owner_password)
    page.get_by_role("main").get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_url(re.compile(r"^[^?]*/admin/products/?$"), timeout=TIMEOUT_MS)
    return context, page


def admin_creates_product(page) -> None:
    page.get_by_role("link", name="New product").click()
    page.wait_for_url(re.compile(r"/admin/products/new/?$"), timeout=TIMEOUT_MS)
    page.locator("#product-title").fill(TITLE)
    page.locator("#product-description").fill("Soft merino knit in two seasonal colours.")
    pick(page, "#product-status", "Active: on sale")
    page.locator("#product-tags").fill("knitwear, autumn")

    page.locator("#add-option").click()
    page.get_by_label("Option name").fill("Colour")
    page.get_by_label("Values").fill("Fjord, Ember")
    page.get_by_label("SKU of Ember").wait_for(timeout=TIMEOUT_MS)
    for label, sku, price, _, stock, _ in (FJORD, EMBER):
        page.get_by_label(f"SKU of {label}").fill(sku)
        page.get_by_label(f"Price of {label}").fill(price)
        page.get_by_label(f"Initial stock of {label}").fill(stock)

    page.set_input_files(
        "#product-image-upload input[type=file]", files=[png_file("glacier-cardigan.png")]
    )
    page.locator("#product-image-list img").first.wait_for(timeout=TIMEOUT_MS)
    page.get_by_label("Alt text").fill(ALT)

    page.locator("#save-product").first.click()
    page.wait_for_url(re.compile(r"/admin/products/\d+/?$"), timeout=TIMEOUT_MS)
    toast(page, "is created as active")
    # The saved editor shows what was stored: both variants and the image.
    page.get_by_label("SKU of Ember").wait_for(timeout=TIMEOUT_MS)
    assert page.get_by_label("SKU of Fjord").input_value() == FJORD[1]
    assert page.get_by_label("Price of Ember").input_value() == EMBER[2]
    page.locator("#product-image-list img").first.wait_for(timeout=TIMEOUT_MS)


def customer_finds_and_switches(browser, base: str, viewport: dict, name: str) -> str:
    """Search with a typo, open the hit, switch colours; returns the gallery image's src."""
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    open_page(page, f"{base}/")
    # The header has one search field per layout: wide screens and phones.
    search = page.locator("#site-search" if viewport["width"] >= 768 else "#site-search-phone")
    search.fill("glacer cardigan")  # "glacier", one letter missing
    search.press("Enter")
    page.wait_for_url(re.compile(r"/search\?q=glacer"), timeout=TIMEOUT_MS)
    hit = page.locator(".product-card", has_text=TITLE).first
    hit.wait_for(timeout=TIMEOUT_MS)
    page.screenshot(path=str(ARTIFACTS / f"catalog-flow-search-{name}.png"), full_page=True)
    hit.click()
    page.wait_for_url(re.compile(rf"/product/{SLUG}/?$"), timeout=TIMEOUT_MS)
    page.get_by_role("heading", name=TITLE).wait_for(timeout=TIMEOUT_MS)

    price, stock, sku = (page.locator(f"#product-{x}") for x in ("price", "stock", "sku"))
    colours = page.get_by_role("group", name="Colour")
    for label, code, _, shown, _, stock_text in (FJORD, EMBER, FJORD):
        colours.get_by_role("button", name=label).click()
        price.filter(has_text=shown).wait_for(timeout=TIMEOUT_MS)
        sku.filter(has_text=code).wait_for(timeout=TIMEOUT_MS)
        stock.filter(has_text=stock_text).wait_for(timeout=TIMEOUT_MS)
        other = EMBER[3] if label == FJORD[0] else FJORD[3]
        assert other not in price.inner_text()
        if label == EMBER[0]:
            shot = ARTIFACTS / f"catalog-flow-product-{name}.png"
            page.screenshot(path=str(shot), full_page=True)

    image = page.get_by_role("img", name=ALT).first
    image.wait_for(timeout=TIMEOUT_MS)
    src = image.get_attribute("src") or ""
    assert image.evaluate("img => img.complete && img.naturalWidth > 0"), src
    context.close()
    return src


def test_admin_creates_product_in_ui_and_customer_finds_it_misspelt(app_server: AppServer, browser):
    base = app_server.base_url
    ARTIFACTS.mkdir(exist_ok=True)
    context, page = sign_in_to_products(browser, app_server)
    admin_creates_product(page)
    context.close()

    src = customer_finds_and_switches(browser, base, DESKTOP, "1280")
    customer_finds_and_switches(browser, base, PHONE, "390")

    # The gallery shows the upload, resized to WebP and served by the app.
    assert src.endswith(".webp"), src
    path = "/" + src.split("://", 1)[-1].split("/", 1)[-1] if "://" in src else src
    served = httpx.get(base + path, timeout=10)
    assert served.status_code == 200 and served.headers["content-type"] == "image/webp"
