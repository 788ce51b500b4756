"""Dashboard and report figures against the hand-computed history in analytics_fixtures."""

from __future__ import annotations

from datetime import date

import pytest

from shop_core.analytics import dashboard, reports
from shop_core.analytics.periods import Period, bucket_starts, resolve_period
from shop_core.db import read_session, unit_of_work
from shop_core.errors import InvalidInput, PermissionDenied
from tests.conftest import make_user
from tests.integration.analytics_fixtures import add_order, at, build_shop

PERIOD = Period.custom("2026-03-01", "2026-03-10")


@pytest.fixture
def shop() -> dict[str, int]:
    return build_shop()


def _kpis(session) -> dict[str, dashboard.Kpi]:
    return {k.key: k for k in dashboard.kpis(session, PERIOD)}


def test_periods_and_buckets():
    assert PERIOD.days == 10
    prev = PERIOD.previous()
    assert (prev.first_day, prev.last_day) == (date(2026, 2, 19), date(2026, 2, 28))
    p = Period.preset("7d", today=date(2026, 3, 10))
    assert (p.first_day, p.last_day) == (date(2026, 3, 4), date(2026, 3, 10))
    assert [d.isoformat() for d in bucket_starts(PERIOD, "week")] == [
        "2026-02-23",
        "2026-03-02",
        "2026-03-09",
    ]
    months = bucket_starts(Period.custom("2026-01-31", "2026-03-01"), "month")
    assert [d.isoformat() for d in months] == ["2026-01-01", "2026-02-01", "2026-03-01"]
    with pytest.raises(InvalidInput):
        Period.custom("2026-03-10", "2026-03-01")
    with pytest.raises(InvalidInput):
        resolve_period("custom", start="2026-03-01", end=None)
    with pytest.raises(InvalidInput):
        Period.preset("12d")


def test_dashboard_kpis_against_previous_period(shop):
    with read_session() as s:
        k = _kpis(s)
    # paid 4383 + 4320 + 1467 = 10170; refunds issued 1000 + 500; previous: P1 2160 paid.
    assert (k["revenue"].value, k["revenue"].previous) == (8670, 2160)
    assert k["revenue"].change_pct == 301.4 and k["revenue"].kind == "money"
    assert (k["orders"].value, k["orders"].previous, k["orders"].change_pct) == (3, 1, 200.0)
    assert (k["aov"].value, k["aov"].previous, k["aov"].change_pct) == (3390, 2160, 56.9)
    assert (k["refunds"].value, k["refunds"].previous, k["refunds"].change_pct) == (1500, 0, None)
    assert (k["new_customers"].value, k["new_customers"].previous) == (2, 1)
    assert k["new_customers"].change_pct == 100.0 and k["new_customers"].kind == "count"
    # Open at 03-11 00:00: T2, T4; open at 03-01 00:00: T1, T4.
    assert (k["open_tickets"].value, k["open_tickets"].previous, k["open_tickets"].change_pct) == (
        2, 2, 0.0
    )  # fmt: skip
    # A1 (3 <= 5) only: B1/D1 have stock, C1's product is archived.
    assert (k["low_stock"].value, k["low_stock"].change_pct) == (1, None)
    assert list(k) == list(dashboard.KPI_KEYS)


def test_dashboard_series_rankings_and_mix(shop):
    with read_session() as s:
        series = dashboard.sales_series(s, PERIOD, "day")
        weekly = dashboard.sales_series(s, PERIOD, "week")
        monthly = dashboard.sales_series(s, Period.custom("2026-02-01", "2026-03-31"), "month")
        products = dashboard.top_products(s, PERIOD, 5)
        categories = dashboard.top_categories(s, PERIOD, 5)
        mix = dashboard.status_mix(s, PERIOD)
        tickets = dashboard.tickets_series(s, PERIOD, "day")
    assert len(series) == 10
    by_day = {p.bucket.isoformat(): (p.revenue, p.orders) for p in series}
    assert by_day["2026-03-02"] == (8703, 2)
    assert by_day["2026-03-03"] == (-500, 0)  # P1's refund, issued in this period
    assert by_day["2026-03-04"] == (-1000, 0)
    assert by_day["2026-03-05"] == (1467, 1)
    assert sum(p.revenue for p in series) == 8670
    assert [(p.bucket.isoformat(), p.revenue, p.orders) for p in weekly] == [
        ("2026-02-23", 0, 0), ("2026-03-02", 8670, 3), ("2026-03-09", 0, 0)
    ]  # fmt: skip
    assert [(p.bucket.isoformat(), p.revenue, p.orders) for p in monthly] == [
        ("2026-02-01", 2160, 1), ("2026-03-01", 8670, 3)
    ]  # fmt: skip
    assert [(p.label, p.revenue, p.units) for p in products] == [
        ("Alpha Tee", 6000, 3), ("Beta Mug", 3000, 3)
    ]  # fmt: skip
    assert [(c.label, c.revenue, c.units) for c in categories] == [
        ("Tops", 6000, 3), ("Sale", 6000, 3), ("Home", 3000, 3)
    ]  # fmt: skip
    assert [(m.status, m.count) for m in mix] == [
        ("cancelled", 1), ("paid", 1), ("partially_refunded", 1), ("pending_payment", 1),
        ("shipped", 1),
    ]  # fmt: skip
    opened = {
        t.bucket.isoformat(): (t.opened, t.resolved) for t in tickets if t.opened or t.resolved
    }
    assert opened == {
        "2026-03-03": (0, 1), "2026-03-04": (1, 0), "2026-03-06": (1, 0), "2026-03-08": (0, 1)
    }  # fmt: skip


def test_sales_by_product_and_category(shop):
    with read_session() as s:
        by_product = reports.report(s, "sales_by_product", PERIOD)
        by_category = reports.report(s, "sales_by_category", PERIOD)
    alpha = {
        "gross": 6000, "discounts": 400, "refunds": 500, "net": 5100, "units": 3, "cost": 2400,
        "margin": 2700, "margin_pct": 52.9, "orders": 2,
    }  # fmt: skip
    beta = {
        "gross": 3000, "discounts": 100, "refunds": 500, "net": 2400, "units": 3, "cost": 600,
        "margin": 1800, "margin_pct": 75.0, "orders": 2,
    }  # fmt: skip
    assert by_product.total_rows == 2
    assert by_product.rows == [
        {"product_id": shop["alpha"], "product": "Alpha Tee", **alpha},
        {"product_id": shop["beta"], "product": "Beta Mug", **beta},
    ]
    assert {k: by_product.totals[k] for k in ("gross", "discounts", "refunds", "net")} == {
        "gross": 9000, "discounts": 500, "refunds": 1000, "net": 7500
    }  # fmt: skip
    assert (by_product.totals["cost"], by_product.totals["margin"]) == (3000, 4500)
    assert by_product.totals["margin_pct"] == 60.0
    assert [c.key for c in by_product.columns][:3] == ["product_id", "product", "orders"]
    assert by_category.rows == [
        {"category_id": shop["tops"], "category": "Tops", **alpha},
        {"category_id": shop["sale"], "category": "Sale", **alpha},
        {"category_id": shop["home"], "category": "Home", **beta},
    ]
    assert by_category.totals["net"] == 5100 * 2 + 2400


def test_sales_by_day_week_month(shop):
    with read_session() as s:
        daily = reports.report(s, "sales_by_period", PERIOD, granularity="day")
        weekly = reports.report(s, "sales_by_period", PERIOD, granularity="week")
        monthly = reports.report(s, "sales_by_period", PERIOD, granularity="month")
    assert daily.granularity == "day"
    assert daily.rows == [
        {
            "bucket": "2026-03-02", "orders": 2, "gross": 8000, "discounts": 400, "refunds": 1000,
            "net": 6600, "units": 5, "cost": 3000, "margin": 3600, "margin_pct": 54.5,
        },
        {
            "bucket": "2026-03-05", "orders": 1, "gross": 1000, "discounts": 100, "refunds": 0,
            "net": 900, "units": 1, "cost": 0, "margin": 900, "margin_pct": 100.0,
        },
    ]  # fmt: skip
    totals = {
        "orders": 3, "gross": 9000, "discounts": 500, "refunds": 1000, "net": 7500, "units": 6,
        "cost": 3000, "margin": 4500, "margin_pct": 60.0,
    }  # fmt: skip
    assert daily.totals == totals
    assert [r["bucket"] for r in weekly.rows] == ["2026-03-02"]
    assert weekly.rows[0]["net"] == 7500 and weekly.totals == totals
    assert [(r["bucket"], r["net"]) for r in monthly.rows] == [("2026-03-01", 7500)]


def test_inventory_valuation_and_low_stock(shop):
    with read_session() as s:
        valuation = reports.report(s, "inventory_valuation")
        low = reports.report(s, "low_stock")
        page2 = reports.report(s, "inventory_valuation", page=2, per_page=2)
    cells = [
        (r["sku"], r["on_hand"], r["value_at_cost"], r["value_at_price"]) for r in valuation.rows
    ]
    assert cells == [("B1", 50, 15000, 50000), ("A1", 3, 2400, 6000), ("D1", 10, 0, 5000)]
    assert valuation.totals == {"on_hand": 63, "value_at_cost": 17400, "value_at_price": 61000}
    assert valuation.period is None
    assert (page2.total_rows, page2.pages, [r["sku"] for r in page2.rows]) == (3, 2, ["D1"])
    assert page2.totals == valuation.totals  # totals cover every row, not just the page
    assert [(r["sku"], r["available"], r["threshold"]) for r in low.rows] == [("A1", 3, 5)]


def test_rfm_quintiles_and_ltv():
    """Five customers with distinct recency, frequency and spend: one per quintile."""
    with unit_of_work() as s:
        from shop_core.catalog.models import Product, Variant

        product = Product(title="Thing", slug="thing", status="active", created_at=at("2025-01-01"),
                          updated_at=at("2025-01-01"))  # fmt: skip
        s.add(product)
        s.flush()
        from tests.integration import analytics_fixtures

        analytics_fixtures._titles[product.id] = "Thing"
        v = Variant(product_id=product.id, sku="T1", price=1000)
        s.add(v)
        s.flush()
        # customer i (1..5): i orders of i×1000, the last on 2026-03-0i; c5 also bought in
        # 2025-03-10 (tenure just over a year), so its LTV is spread over its tenure.
        for i in range(1, 6):
            for n in range(i):
                day = f"2026-03-0{i}" if n == 0 else f"2026-02-{10 + n:02d}"
                if i == 5 and n == 4:
                    day = "2025-03-10"
                add_order(
                    s, f"R{i}{n}", f"c{i}@example.com", user_id=None, status="paid",
                    created=at(day), paid=at(day), lines=[(v, i, None)],
                )  # fmt: skip
    period = Period.custom("2025-03-01", "2026-03-10")
    with read_session() as s:
        table = reports.report(s, "customer_rfm", period)
    rows = {r["email"]: r for r in table.rows}
    assert [r["email"] for r in table.rows] == [f"c{i}@example.com" for i in (5, 4, 3, 2, 1)]
    for i in range(1, 6):
        r = rows[f"c{i}@example.com"]
        assert (r["r"], r["f"], r["m"], r["rfm"]) == (i, i, i, f"{i}{i}{i}")
        assert (r["orders"], r["monetary"]) == (i, i * i * 1000)
        assert r["days_since"] == 10 - i
    assert rows["c5@example.com"]["segment"] == "Champions"
    assert rows["c1@example.com"]["segment"] == "Hibernating"
    # Tenure under a year counts as one: LTV = spend / 1 × 3 years.
    assert rows["c4@example.com"]["ltv"] == 16000 * 3
    # c5: first order 2025-03-10 12:00, period end 2026-03-11 00:00: 365.5 days.
    assert rows["c5@example.com"]["ltv"] == round(25000 / (365.5 / 365) * 3)
    assert table.totals == {"orders": 15, "monetary": 55000}


def test_report_paging_and_bad_input(shop):
    with read_session() as s:
        with pytest.raises(InvalidInput):
            reports.report(s, "nope", PERIOD)
        with pytest.raises(InvalidInput):
            reports.report(s, "sales_by_product", None)
        with pytest.raises(InvalidInput):
            reports.report(s, "sales_by_product", PERIOD, per_page=0)
        with pytest.raises(InvalidInput):
            reports.report(s, "sales_by_period", PERIOD, granularity="hour")
        first = reports.report(s, "sales_by_product", PERIOD, per_page=1)
        past = reports.report(s, "sales_by_product", PERIOD, page=5, per_page=1)
        empty = reports.report(s, "sales_by_product", Period.custom("2020-01-01", "2020-01-02"))
    assert (first.total_rows, first.pages, len(first.rows)) == (2, 2, 1)
    assert (past.rows, past.total_rows) == ([], 2)
    assert empty.rows == [] and empty.totals["net"] == 0 and empty.total_rows == 0


def test_permission_split(shop):
    marketer = make_user("m@example.com", "pw-123456789", role="marketer")
    support = make_user("s@example.com", "pw-123456789", role="support_technician")
    operations = make_user("o@example.com", "pw-123456789", role="operations")
    customer = make_user("c@example.com", "pw-123456789", role="customer")
    with read_session() as s:
        table = reports.run_report(s, marketer, "sales_by_product", PERIOD)
        assert table.totals["net"] == 7500
        with pytest.raises(PermissionDenied):
            reports.run_report(s, support, "sales_by_product", PERIOD)
        with pytest.raises(PermissionDenied):
            reports.run_report(s, operations, "inventory_valuation")

        for_support = dashboard.dashboard_for(s, support, PERIOD)
        for_marketer = dashboard.dashboard_for(s, marketer, PERIOD)
        for_ops = dashboard.dashboard_for(s, operations, PERIOD)
        with pytest.raises(PermissionDenied):
            dashboard.dashboard_for(s, customer, PERIOD)
    assert [k.key for k in for_support.kpis] == [
        "orders",
        "new_customers",
        "open_tickets",
        "low_stock",
    ]
    assert for_support.sales_series is None and for_support.top_products is None
    assert for_support.status_mix is not None and for_support.tickets_series is not None
    assert "revenue" in for_support.hidden
    assert [k.key for k in for_marketer.kpis] == [
        "revenue", "orders", "aov", "new_customers", "refunds", "low_stock"
    ]  # fmt: skip
    assert for_marketer.top_categories[0].label == "Tops"
    assert for_marketer.granularity == "day"
    assert [k.key for k in for_ops.kpis] == ["orders", "new_customers", "low_stock"]
    assert for_ops.sales_series is None and for_ops.tickets_series is None


def test_reports_rest_endpoint(api, shop, owner_headers):
    from tests.conftest import bearer

    url = "/api/v1/admin/reports/sales_by_product?start=2026-03-01&end=2026-03-10"
    response = api.get(url, headers=owner_headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["totals"]["net"] == 7500 and body["start"] == "2026-03-01"
    assert [r["product"] for r in body["rows"]] == ["Alpha Tee", "Beta Mug"]
    make_user("s@example.com", "pw-123456789", role="support_technician")
    support = bearer(api, "s@example.com", "pw-123456789")
    refused = api.get(url, headers=support)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"
    bad = api.get("/api/v1/admin/reports/sales_by_product?start=2026-03-10&end=2026-03-01",
                  headers=owner_headers)  # fmt: skip
    assert bad.status_code == 422
