"""The analytics back office end to end in headless Chromium.

A few orders are placed and paid through the REST API and the test gateway (the way a
shopper's browser would), then the owner opens the dashboard and waits for its Plotly
charts to draw, opens the sales report by product, exports it as CSV, follows the
progress bar to the end and downloads the file, and builds a customer segment with its
live preview. Screenshots at 390 and 1280 px go to test-artifacts/.
"""

from __future__ import annotations

import csv
import io
import uuid
from pathlib import Path

import httpx
import pytest

from tests.e2e.support import ARTIFACTS, AppServer, owner_api
from tests.e2e.test_accounts_e2e import DESKTOP, TIMEOUT_MS, open_page
from tests.e2e.test_admin_catalog_e2e import sign_in_owner

pytestmark = pytest.mark.e2e

PLOT = ".js-plotly-plot .main-svg"
ADDRESS = {
    "name": "Dana Buyer",
    "line1": "3 Canal Street",
    "city": "Amsterdam",
    "postal_code": "1011 AB",
    "country": "NL",
}


@pytest.fixture(scope="module")
def sales(app_server: AppServer) -> dict:
    """Two products in a category and three paid orders (five units, two customers)."""
    run = uuid.uuid4().hex[:6]
    api, guest = owner_api(app_server), httpx.Client(base_url=app_server.base_url, timeout=30)
    try:
        category = api.post("/api/v1/admin/categories", json={"name": f"Lamps {run}"})
        assert category.status_code == 201, category.text
        products = {}
        for title, sku, price in (
            (f"Moonbeam Lamp {run}", f"MOON-{run}", 6400),
            (f"Sunrise Clock {run}", f"SUN-{run}", 2900),
        ):
            made = api.post(
                "/api/v1/admin/products",
                json={
                    "title": title,
                    "status": "active",
                    "category_ids": [category.json()["id"]],
                    "variants": [{"sku": sku, "price": price, "stock": 30}],
                },
            )
            assert made.status_code == 201, made.text
            products[sku] = title
        buyers = [f"dana-{run}@example.com", f"eli-{run}@example.com"]
        lines = [
            (buyers[0], [(f"MOON-{run}", 2)]),
            (buyers[1], [(f"MOON-{run}", 1), (f"SUN-{run}", 1)]),
            (buyers[0], [(f"SUN-{run}", 1)]),
        ]
        for email, items in lines:
            cart = guest.post("/api/v1/carts")
            assert cart.status_code == 201, cart.text
            cart_id = cart.json()["id"]
            for sku, quantity in items:
                added = guest.post(
                    f"/api/v1/carts/{cart_id}/items", json={"sku": sku, "quantity": quantity}
                )
                assert added.status_code in (200, 201), added.text
            placed = guest.post(
                "/api/v1/checkout",
                json={"cart_id": cart_id, "email": email, "shipping_address": ADDRESS},
            )
            assert placed.status_code == 201, placed.text
            session_id = placed.json()["payment"]["session_id"]
            paid = guest.post(f"/api/v1/payments/test-gateway/{session_id}/pay")
            assert paid.status_code == 303, paid.text
    finally:
        api.close()
        guest.close()
    return {"run": run, "moon": f"Moonbeam Lamp {run}", "sun": f"Sunrise Clock {run}"}


def _snap(page, name: str, *, wait_for: str | None = PLOT) -> None:
    """Full-page screenshots at desktop and phone widths, charts redrawn for each."""
    for width, height in ((1280, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        if wait_for:
            page.locator(wait_for).first.wait_for(timeout=TIMEOUT_MS)
        page.wait_for_timeout(900)  # Plotly's resize handler redraws after a resize
        page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"{name} is wider than the {width}px screen by {overflow}px"
    page.set_viewport_size(DESKTOP)


def test_dashboard_report_export_and_segment(app_server: AppServer, browser, sales):
    ARTIFACTS.mkdir(exist_ok=True)
    context, page = sign_in_owner(browser, app_server, "/admin")
    base = app_server.base_url

    # The dashboard: KPI cards and every chart drawn by Plotly.
    page.locator(PLOT).first.wait_for(timeout=TIMEOUT_MS)
    kpis = page.locator("#dashboard-kpis")
    kpis.get_by_text("Revenue", exact=True).wait_for(timeout=TIMEOUT_MS)
    assert kpis.locator(".kpi-card").count() == 7  # the owner sees every KPI
    for chart in ("#chart-revenue", "#chart-top-products", "#chart-status", "#chart-tickets"):
        page.locator(f"{chart} {PLOT}").first.wait_for(timeout=TIMEOUT_MS)
    assert page.locator("#chart-top-products .bars .point").count() >= 2  # drawn bars
    # Other browser tests may have sold things too: at least our three orders count.
    orders = kpis.locator("[data-kpi='orders'] .kpi-value").inner_text()
    assert int(orders.replace(",", "")) >= 3, orders
    _snap(page, "admin-dashboard")

    # Another period redraws the charts; the week buckets too.
    page.locator("#dashboard-period").get_by_role("radio", name="90 days").click()
    page.locator("#dashboard-granularity").get_by_role("radio", name="Week").click()
    page.locator("#chart-revenue").get_by_text("per week").wait_for(timeout=TIMEOUT_MS)
    page.locator(f"#chart-revenue {PLOT}").first.wait_for(timeout=TIMEOUT_MS)

    # The sales report by product: a chart and a table with the products' rows.
    open_page(page, f"{base}/admin/reports?tab=sales&view=product")
    table = page.locator("#report-table")
    table.get_by_text(sales["moon"]).wait_for(timeout=TIMEOUT_MS)
    page.locator(f"#report-chart {PLOT}").first.wait_for(timeout=TIMEOUT_MS)
    moon_row = table.locator("tr", has_text=sales["moon"]).inner_text()
    assert "€192.00" in moon_row, moon_row  # 3 lamps at €64.00, no discounts or refunds
    _snap(page, "admin-report-sales-by-product")

    # Export it: the progress bar runs to the end, then the CSV downloads.
    page.locator("#report-export").click()
    page.locator("#export-progress").wait_for(timeout=TIMEOUT_MS)
    download_button = page.locator("#export-download")
    download_button.wait_for(timeout=60_000)
    assert "rows, ready to download" in page.locator("#export-status").inner_text()
    with page.expect_download(timeout=TIMEOUT_MS) as info:
        download_button.click()
    download = info.value
    assert download.suggested_filename.startswith("sales-by-product-")
    content = Path(download.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    header = rows[0]
    assert header[:2] == ["Product ID", "Product"] and "Gross sales" in header, header
    by_title = {row[1]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    moon, sun = by_title[sales["moon"]], by_title[sales["sun"]]
    assert (moon["Units"], moon["Gross sales"], moon["Net sales"]) == ("3", "19200", "19200")
    assert (sun["Units"], sun["Gross sales"], sun["Net sales"]) == ("2", "5800", "5800")
    # The export is kept and listed, with its size and a download of its own.
    past = page.locator("#past-exports")
    past.get_by_text("Sales by product").first.wait_for(timeout=TIMEOUT_MS)
    assert "done" in past.inner_text()
    page.screenshot(path=str(ARTIFACTS / "admin-report-export-1280.png"), full_page=True)

    # Customers, one profile, and a segment built with its live preview.
    open_page(page, f"{base}/admin/customers")
    listed = page.locator("#customers-table").or_(page.get_by_text("No customers found"))
    listed.first.wait_for(timeout=TIMEOUT_MS)
    _snap(page, "admin-customers", wait_for=None)

    open_page(page, f"{base}/admin/segments")
    page.locator("#segment-new").click()
    page.get_by_label("Name", exact=True).fill(f"Lamp lovers {sales['run']}")
    page.get_by_label("Rule value").first.fill("0")
    page.locator("#segment-preview-count").wait_for(timeout=TIMEOUT_MS)
    page.wait_for_timeout(600)
    page.screenshot(path=str(ARTIFACTS / "admin-segment-editor-1280.png"), full_page=True)
    page.locator("#segment-save").click()
    page.locator("#segments-table").get_by_text(f"Lamp lovers {sales['run']}").wait_for(
        timeout=TIMEOUT_MS
    )
    # The segment's members as CSV, through the same export job.
    row = page.locator("#segments-table tr", has_text=f"Lamp lovers {sales['run']}")
    row.get_by_role("button", name="Export CSV").click()
    page.locator("#export-download").wait_for(timeout=60_000)
    with page.expect_download(timeout=TIMEOUT_MS) as info:
        page.locator("#export-download").click()
    assert info.value.suggested_filename.startswith(f"segment-lamp-lovers-{sales['run']}")
    lines = Path(info.value.path()).read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].split(",")[:3] == ["Id", "Name", "Email"], lines[0]
    _snap(page, "admin-segments", wait_for=None)
    context.close()
