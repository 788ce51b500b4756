"""Dashboard, reports, customers and segments pages: who may do what (checked in the
handlers, whatever the browser sends), and what the states hold for a tiny shop whose
figures are computed by hand in tests/integration/analytics_fixtures.py.

Handlers run as the Reflex backend runs them (`Tab`: the browser's payload, the session
cookie, a real database). Background refreshes are driven through the same functions
they call (`compute`), which the tests call directly.
"""

from __future__ import annotations

import asyncio

import pytest

from shop_admin.pages import dashboard as dashboard_page
from shop_admin.pages import reports as reports_page
from shop_admin.pages.customer_detail import CustomerDetailState
from shop_admin.pages.customers import CustomersState
from shop_admin.pages.reports import ReportsState
from shop_admin.pages.segments import SegmentsState
from shop_core.analytics import dashboard as analytics
from shop_core.analytics import exports
from shop_core.analytics.periods import Period
from shop_core.customers import segments
from shop_core.customers import service as customers
from shop_core.db import read_session
from shop_core.jobs.background import wait_for_background
from tests.integration.analytics_fixtures import build_shop
from tests.unit.test_ui_admin_catalog import _staff, refused, sign_in, succeeded

MARCH = {"preset": "custom", "start": "2026-03-01", "end": "2026-03-10"}
MARCH_PERIOD = Period.custom("2026-03-01", "2026-03-10")


@pytest.fixture
def shop() -> dict[str, int]:
    return build_shop()


def staff(role: str):
    user = _staff(role)
    return user, sign_in(user)


def export_count(owner) -> int:
    with read_session() as s:
        return exports.list_exports(s, owner).total


def customer_id(email: str) -> int:
    with read_session() as s:
        page = customers.list_customers(s, q=email, page=1, per_page=5)
    return next(c.id for c in page.items if c.email == email)


# --- permissions ---------------------------------------------------------------------------------


def test_support_technician_sees_customers_but_is_refused_reports(shop):
    owner, _ = staff("owner")
    _, tab = staff("support_technician")

    tab.send(CustomersState, "load")
    rows = tab.state(CustomersState).rows
    assert {r.email for r in rows} >= {"alice@example.com", "bob@example.com"}

    events = tab.send(ReportsState, "load")
    events += tab.send(ReportsState, "export_csv")
    events += tab.send(ReportsState, "set_tab", value="inventory")
    events += tab.send(ReportsState, "download_export", export_id="0" * 32)
    assert refused(events)
    state = tab.state(ReportsState)
    assert state.rows == [] and state.past == [] and state.export_id == "" and state.tab == "sales"
    assert export_count(owner) == 0

    # Segments: visible, not editable (even with an editor the browser opened itself).
    assert not refused(tab.send(SegmentsState, "load"))
    seg = tab.state(SegmentsState)
    assert seg.can_edit is False
    seg.editor, seg.name = "new", "Forged"
    seg.rules = [reports_row("spent_over", "10")]
    assert refused(tab.send(SegmentsState, "save") + tab.send(SegmentsState, "new_segment"))
    with read_session() as s:
        assert segments.list_segments(s).total == 0


def reports_row(rule_type: str, value: str):
    from shop_admin.pages.segments import _rule_row

    return _rule_row(rule_type, value)


def test_marketer_opens_reports_and_the_past_exports(shop):
    marketer, tab = staff("marketer")
    events = tab.send(ReportsState, "load")
    assert not refused(events)
    assert tab.state(ReportsState).past == []  # nothing exported yet

    # The refresh (a background event) computes through `compute`, as the marketer.
    view = asyncio.run(reports_page.compute(marketer, "sales", "product", MARCH, 1))
    assert view.title == "Sales by product"
    labels = [c.label for c in view.columns]  # the ids stay in the CSV, not on screen
    assert labels[0] == "Product" and "Product ID" not in labels and "Net sales" in labels
    net = [c.key for c in view.columns].index("net")
    assert [(r[0], r[net]) for r in view.rows] == [("Alpha Tee", "€51.00"), ("Beta Mug", "€24.00")]
    assert view.totals[0] == "Total" and view.totals[net] == "€75.00"
    assert view.period_label == "2026-03-01 – 2026-03-10"
    bars = view.figure.data
    assert [t.name for t in bars] == ["Net sales", "Margin"]
    assert list(bars[0].x) == [24.0, 51.0]  # horizontal, the best on top
    assert "€51.00" in list(bars[0].customdata)

    support, _ = staff("support_technician")
    with pytest.raises(Exception, match="permission"):
        asyncio.run(reports_page.compute(support, "sales", "product", MARCH, 1))


def test_operations_cannot_export_or_list_exports(shop):
    _, tab = staff("operations")
    events = tab.send(ReportsState, "exports_to", page=1)
    events += tab.send(SegmentsState, "export_segment", segment_id=1)
    assert refused(events)


# --- state contents ------------------------------------------------------------------------------


def test_dashboard_cards_and_figures_per_role(shop):
    owner, _ = staff("owner")
    support, _ = staff("support_technician")
    with read_session() as s:
        for_owner = analytics.dashboard_for(s, owner, MARCH_PERIOD)
        for_support = analytics.dashboard_for(s, support, MARCH_PERIOD)

    view = dashboard_page.build_view(for_owner, "EUR")
    cards = {k.key: k for k in view.kpis}
    # Paid 4383 + 4320 + 1467 minus refunds 1000 + 500 in the period; before: 2160.
    revenue = cards["revenue"]
    assert (revenue.value, revenue.change, revenue.trend, revenue.good) == (
        "€86.70",
        "+301.4%",
        "up",
        True,
    )
    assert revenue.previous == "vs €21.60"
    refunds = cards["refunds"]  # 1500 now, none before: new, and more refunds is bad news
    assert (refunds.value, refunds.trend, refunds.good) == ("€15.00", "up", False)
    assert cards["low_stock"].previous == "right now" and cards["low_stock"].change == ""
    assert view.has_sales and view.granularity == "day"
    revenue_fig = view.revenue_fig
    assert [t.name for t in revenue_fig.data] == ["Net revenue", "Orders"]
    assert len(revenue_fig.data[0].x) == 10  # every day of the period, zeros included
    assert revenue_fig.layout.paper_bgcolor == "rgba(0,0,0,0)"
    assert revenue_fig.layout.legend.orientation == "h"
    assert list(view.products_fig.data[0].y) == ["Beta Mug", "Alpha Tee"]
    donut = view.status_fig.data[0]
    assert sum(donut.values) == 5 and "Partially refunded" in list(donut.labels)

    support_view = dashboard_page.build_view(for_support, "EUR")
    assert support_view.revenue_fig is None and support_view.products_fig is None
    assert support_view.status_fig is not None and support_view.tickets_fig is not None
    assert "revenue" not in {k.key for k in support_view.kpis}
    assert {k.key for k in support_view.kpis} >= {"open_tickets", "orders"}


def test_dashboard_handlers_keep_to_the_presets(shop):
    _, tab = staff("support_technician")
    state = tab.state(dashboard_page.DashboardState)
    tab.send(dashboard_page.DashboardState, "set_period", value="90d")
    tab.send(dashboard_page.DashboardState, "set_period", value="5000d")
    tab.send(dashboard_page.DashboardState, "set_granularity", value="hour")
    assert state.period == "90d" and state.granularity == "auto"
    _, customer_tab = staff("customer")
    assert refused(customer_tab.send(dashboard_page.DashboardState, "set_period", value="7d"))


def test_report_export_from_the_page_and_its_download(shop):
    owner, tab = staff("owner")
    tab.send(ReportsState, "load")
    tab.send(ReportsState, "set_view", value="product")
    events = tab.send(ReportsState, "apply_range", form_data={"start": "2026-03-10", "end": "x"})
    assert refused(events) is False and tab.state(ReportsState).range_error
    tab.send(ReportsState, "apply_range", form_data={"start": "2026-03-01", "end": "2026-03-10"})
    state = tab.state(ReportsState)
    assert (state.period, state.start, state.end, state.range_error) == (
        "custom",
        "2026-03-01",
        "2026-03-10",
        "",
    )

    tab.send(ReportsState, "export_csv")
    export_id = state.export_id
    assert export_id and state.export_label == "Sales by product"
    wait_for_background(timeout=60)
    with read_session() as s:
        view = exports.get_export(s, export_id, owner)
    assert (view.status, view.row_count) == ("done", 2)
    assert view.params == {"start": "2026-03-01", "end": "2026-03-10"}

    tab.send(ReportsState, "load_exports")
    (row,) = state.past
    scope = "2026-03-01 – 2026-03-10"
    assert (row.id, row.ready, row.rows, row.scope) == (export_id, True, "2", scope)
    assert row.size.endswith("B") and row.who == owner.name

    tab.send(ReportsState, "download_export", export_id=export_id)
    (download,) = [e for e in tab.frontend_events if e.name.endswith("_download")]
    url = str(download.payload["url"])
    assert f"/api/v1/admin/exports/{export_id}/download?token=" in url
    assert "getBackendURL(env.UPLOAD)" in url  # resolved against the backend's origin
    assert download.payload["filename"] == view.file_name


def test_customer_profile_and_tags(shop):
    _, tab = staff("support_technician")
    alice = customer_id("alice@example.com")
    state = tab.state(CustomerDetailState)
    with read_session() as s:
        state._fill(customers.customer_profile(s, alice, per_page=10))
    stats = {s.label: s.value for s in state.stats}
    assert stats["Orders"] == "1" and stats["Lifetime value"] == "€43.83"
    assert [o.number for o in state.orders] == ["O4", "O1"]  # newest first, any status

    assert succeeded(tab.send(CustomerDetailState, "add_tag", form_data={"tag": "VIP Gold"}))
    assert state.tags == ["vip-gold"]
    tab.send(CustomerDetailState, "add_tag", form_data={"tag": "!!"})
    assert state.tag_error and state.tags == ["vip-gold"]
    tab.send(CustomerDetailState, "remove_tag", tag="vip-gold")
    assert state.tags == []

    _, ops = staff("operations")
    ops.state(CustomerDetailState).customer_id = alice
    assert refused(ops.send(CustomerDetailState, "add_tag", form_data={"tag": "forged"}))
    with read_session() as s:
        assert customers.tags_for(s, alice) == ()


def test_customer_list_filters(shop):
    lonely, _ = staff("customer")
    _, tab = staff("marketer")
    tab.send(CustomersState, "load")
    state = tab.state(CustomersState)
    tab.send(CustomersState, "set_sort", value="spent_desc")
    assert [r.email for r in state.rows][:1] == ["bob@example.com"]
    tab.send(CustomersState, "apply_filters", form_data={"q": "", "min_spent": "45"})
    assert {r.email for r in state.rows} == {"bob@example.com"}
    tab.send(CustomersState, "apply_filters", form_data={"q": "", "min_spent": "4,5.1"})
    assert state.filter_error
    tab.send(CustomersState, "clear_filters")
    tab.send(CustomersState, "set_orders_filter", value="no")
    assert [(r.email, r.orders, r.last_order) for r in state.rows] == [(lonely.email, 0, "Never")]


def test_marketer_builds_a_segment_with_a_live_preview(shop):
    _, tab = staff("marketer")
    tab.send(SegmentsState, "load")
    tab.send(SegmentsState, "new_segment")
    state = tab.state(SegmentsState)
    key = state.rules[0].key
    tab.send(SegmentsState, "set_rule", key=key, field="value", value="40")
    assert state.preview_count == 2  # alice 43.83 and bob; carol spent 14.67
    assert {m.email for m in state.preview_members} == {"alice@example.com", "bob@example.com"}
    tab.send(SegmentsState, "set_rule", key=key, field="value", value="4.001")
    assert state.rules[0].error and state.preview_count == -1

    tab.send(SegmentsState, "set_rule", key=key, field="value", value="40")
    tab.send(SegmentsState, "add_rule")
    second = state.rules[1].key
    tab.send(SegmentsState, "set_rule", key=second, field="type", value="ordered_in_days")
    tab.send(SegmentsState, "set_rule", key=second, field="value", value="36500")
    assert state.rules[1].error  # the service's limit, shown on its row
    tab.send(SegmentsState, "remove_rule", key=second)
    tab.send(SegmentsState, "set_field", field="name", value="Big spenders")
    assert succeeded(tab.send(SegmentsState, "save"))
    assert state.editor == "" and [(r.name, r.members) for r in state.rows] == [("Big spenders", 2)]
    assert state.rows[0].summary == "Spent over €40.00"


def test_chart_builders_keep_money_exact_and_labels_distinct():
    from shop_admin import charts

    fig = charts.money_bars_figure(
        ["JC-PST-000041-5070CM-OAKFRAME", "JC-PST-000041-5070CM-UNFRAMED"],
        [("Net sales", [123456, 99], charts.VIOLET)],
        currency="EUR",
        horizontal=True,
    )
    bar = fig.data[0]
    assert len(set(bar.y)) == 2  # cut to the same text, still two rows
    assert list(bar.x) == [0.99, 1234.56] and list(bar.customdata) == ["€0.99", "€1,234.56"]
    assert fig.layout.yaxis.range == (-3.5, 1.5)  # five slots, the bars on top

    tickets = charts.tickets_figure(["2026-03-01", "2026-03-02"], [0, 2], [1, 0])
    assert tickets.layout.yaxis.dtick == 1 and tickets.layout.yaxis.tickformat == ",d"
    empty = charts.tickets_figure(["2026-03-01"], [0], [0])
    assert empty.layout.annotations[0].text == "No tickets in this period"
    assert charts.ranking_figure([], [], currency="EUR").layout.annotations[0].text
