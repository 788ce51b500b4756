"""Reports: sales (by day, week, month, product, category), inventory (valuation, low
stock) and customer insights (RFM, LTV), each a table and a chart over a date range; CSV
exports of any of them as kept background jobs with a progress bar and a download link.

Everything needs REPORTS_VIEW, checked by every handler and again by the services. The
report is computed in a background event (the page shows skeletons meanwhile); exports
run as jobs (RQ, or the embedded background thread) that a background event follows.

The export half (`ExportTracker`, in shop_admin/export_tracker.py) is shared with the
segments page.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections import Counter
from datetime import date
from typing import Any, ClassVar

import plotly.graph_objects as go
import reflex as rx

from shop.state.services import read
from shop_admin import charts
from shop_admin.components.forms import label
from shop_admin.components.layout import admin_page
from shop_admin.components.tables import empty_state, status_badge, table_card
from shop_admin.export_tracker import EXPORT_COLORS, ExportTracker, export_progress
from shop_admin.formatting import fmt_money, fmt_time
from shop_admin.guard import admin_event
from shop_admin.pages.customers import currency
from shop_admin.pages.dashboard import chart_card
from shop_core.accounts import service as accounts
from shop_core.accounts.roles import Perm
from shop_core.accounts.service import UserView
from shop_core.analytics import exports, reports
from shop_core.analytics.periods import PRESETS, resolve_period
from shop_core.analytics.reports import ReportTable
from shop_core.errors import DomainError

PER_PAGE = 50
CHART_ROWS = 400  # rows a chart is drawn from (a year by day fits)

TABS = [("sales", "Sales", "chart-column"), ("inventory", "Inventory", "warehouse")]
TABS.append(("customers", "Customers", "heart-handshake"))
VIEWS = {
    "sales": [
        ("day", "Day"),
        ("week", "Week"),
        ("month", "Month"),
        ("product", "Product"),
        ("category", "Category"),
    ],
    "inventory": [("valuation", "Valuation"), ("low_stock", "Low stock")],
    "customers": [("rfm", "RFM & LTV")],
}
DEFAULT_VIEW = {"sales": "day", "inventory": "valuation", "customers": "rfm"}
PERIOD_CHOICES = [
    ("7d", "7 days"),
    ("30d", "30 days"),
    ("90d", "90 days"),
    ("365d", "1 year"),
    ("custom", "Custom"),
]
NUMERIC = {"money", "count", "percent", "score"}
RFM_COLORS = {
    "Champions": charts.VIOLET,
    "Loyal": charts.PINK,
    "Promising": charts.SKY,
    "Needs attention": charts.AMBER,
    "At risk": charts.RED,
    "Hibernating": charts.SLATE,
}


def report_kind(tab: str, view: str) -> tuple[str, str | None]:
    """(report kind, granularity) for a tab and its view."""
    if tab == "sales":
        if view in ("day", "week", "month"):
            return "sales_by_period", view
        return ("sales_by_category" if view == "category" else "sales_by_product"), None
    if tab == "inventory":
        return ("low_stock" if view == "low_stock" else "inventory_valuation"), None
    return "customer_rfm", None


def fmt_cell(value: Any, kind: str, cur: str) -> str:
    if value is None or value == "":
        return "—"
    if kind == "money":
        return fmt_money(int(value), cur)
    if kind == "count":
        return f"{int(value):,}"
    if kind == "percent":
        return f"{float(value):,.1f}%"
    return str(value)


@dataclasses.dataclass
class Column:
    key: str
    label: str
    align: str  # "left" | "right"


@dataclasses.dataclass
class ReportView:
    title: str
    notes: str
    period_label: str
    columns: list[Column]
    rows: list[list[str]]
    totals: list[str]
    total_rows: int
    page: int
    pages: int
    figure: go.Figure
    chart_title: str


def _columns(table: ReportTable) -> list[Column]:
    # Internal ids say nothing to a person reading the table (they stay in the CSV).
    shown = [c for c in table.columns if not c.key.endswith("_id")]
    return [Column(c.key, c.label, "right" if c.kind in NUMERIC else "left") for c in shown]


def chart_for(kind: str, granularity: str | None, chart: ReportTable, cur: str):
    """(figure, title) drawn from up to CHART_ROWS rows of the report."""
    rows = chart.rows
    if not rows:
        return charts.empty_figure("Nothing to chart for this range"), ""
    if kind == "sales_by_period":
        fig = charts.money_bars_figure(
            [r["bucket"] for r in rows],
            [
                ("Net sales", [r["net"] for r in rows], charts.VIOLET),
                ("Margin", [r["margin"] for r in rows], charts.PINK),
            ],
            currency=cur,
            granularity=granularity,
        )
        return fig, f"Net sales and margin per {granularity}"
    if kind in ("sales_by_product", "sales_by_category"):
        key = "product" if kind == "sales_by_product" else "category"
        top = rows[:10]
        fig = charts.money_bars_figure(
            [r[key] or "—" for r in top],
            [
                ("Net sales", [r["net"] for r in top], charts.VIOLET),
                ("Margin", [r["margin"] for r in top], charts.PINK),
            ],
            currency=cur,
            horizontal=True,
        )
        return fig, f"Top {len(top)} {key if len(top) == 1 else key + 's'} by net sales"
    if kind == "inventory_valuation":
        top = sorted(rows, key=lambda r: r["value_at_price"] or 0, reverse=True)[:10]
        fig = charts.money_bars_figure(
            [r["sku"] for r in top],
            [
                ("At cost", [r["value_at_cost"] or 0 for r in top], charts.AMBER),
                ("At price", [r["value_at_price"] or 0 for r in top], charts.VIOLET),
            ],
            currency=cur,
            horizontal=True,
        )
        return fig, "Stock value of the 10 most valuable SKUs"
    if kind == "low_stock":
        top = rows[:12]
        fig = charts.ranking_figure(
            [f"{r['sku']}" for r in top],
            [int(r["available"] or 0) for r in top],
            color=charts.AMBER,
            unit=" left",
        )
        return fig, "Available units of the lowest variants"
    # customer_rfm: customers per segment, best segments first.
    counts = Counter(r["segment"] for r in rows)
    order = [s for s in RFM_COLORS if s in counts] + sorted(set(counts) - set(RFM_COLORS))
    fig = charts.count_bars_figure(
        order,
        [counts[s] for s in order],
        colors=[RFM_COLORS.get(s, charts.SLATE) for s in order],
    )
    sample = "" if chart.total_rows <= len(rows) else f" (first {len(rows):,})"
    return fig, f"Customers per RFM segment{sample}"


def build_view(
    table: ReportTable, chart: ReportTable, kind: str, granularity: str | None, cur: str
) -> ReportView:
    columns = _columns(table)
    kinds = {c.key: c.kind for c in table.columns}
    rows = [[fmt_cell(r.get(c.key), kinds[c.key], cur) for c in columns] for r in table.rows]
    totals: list[str] = []
    if table.totals is not None and table.total_rows:
        totals = [
            fmt_cell(table.totals.get(c.key), kinds[c.key], cur) if c.key in table.totals else ""
            for c in columns
        ]
        totals[0] = totals[0] or "Total"
    figure, chart_title = chart_for(kind, granularity, chart, cur)
    period = table.period.label() if table.period else f"As of {date.today():%d %b %Y}"
    return ReportView(
        title=table.title,
        notes=table.notes,
        period_label=period,
        columns=columns,
        rows=rows,
        totals=totals,
        total_rows=table.total_rows,
        page=table.page,
        pages=table.pages,
        figure=figure,
        chart_title=chart_title,
    )


async def compute(
    actor: UserView, tab: str, view: str, params: dict[str, Any], page: int
) -> ReportView:
    """One page of the report and its chart, as `actor` (REPORTS_VIEW) may see them."""
    kind, granularity = report_kind(tab, view)
    cur = currency()
    period, _ = reports.parse_params(kind, {**params, "granularity": granularity})

    def query(s):
        table = reports.run_report(
            s, actor, kind, period, granularity=granularity, page=page, per_page=PER_PAGE
        )
        chart = table
        if table.total_rows > len(table.rows) or page > 1:
            chart = reports.run_report(
                s, actor, kind, period, granularity=granularity, page=1, per_page=CHART_ROWS
            )
        return table, chart

    table, chart = await read(query)
    return await asyncio.to_thread(build_view, table, chart, kind, granularity, cur)


# --- the reports page -------------------------------------------------------------------------


@dataclasses.dataclass
class ExportRow:
    id: str
    label: str
    scope: str
    status: str
    rows: str
    size: str
    who: str
    when: str
    ready: bool


def _size(export_id: str) -> str:
    path = exports.export_file(export_id)
    try:
        size = path.stat().st_size
    except OSError:
        return "—"
    for unit in ("B", "kB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:,.0f} {unit}" if unit == "B" else f"{size:,.1f} {unit}"
        size /= 1024
    return "—"


def _scope(params: dict[str, Any]) -> str:
    if "segment" in params:
        return str(params["segment"])
    if "start" in params:
        text = f"{params['start']} – {params['end']}"
        return text + (f" · by {params['granularity']}" if params.get("granularity") else "")
    return "Snapshot"


def export_rows(session, actor: UserView, page: int) -> tuple[list[ExportRow], int, int]:
    listed = exports.list_exports(session, actor, page=page, per_page=10)
    names: dict[int, str] = {}
    for uid in {e.requested_by_id for e in listed.items if e.requested_by_id}:
        try:
            user = accounts.get_user(session, uid)
            names[uid] = user.name or user.email
        except DomainError:
            names[uid] = "—"
    rows = [
        ExportRow(
            id=e.id,
            label=e.label,
            scope=_scope(e.params),
            status=e.status,
            rows=f"{e.row_count:,}" if e.status == "done" else "—",
            size=_size(e.id) if e.status == "done" else "—",
            who=names.get(e.requested_by_id or 0, "—"),
            when=fmt_time(e.created_at),
            ready=e.ready,
        )
        for e in listed.items
    ]
    return rows, listed.page, listed.pages


class ReportsState(ExportTracker, rx.State):
    PERMISSION: ClassVar[Perm] = Perm.REPORTS_VIEW

    tab: str = "sales"
    view: str = "day"
    period: str = "30d"
    start: str = ""
    end: str = ""
    range_error: str = ""
    page: int = 1
    pages: int = 1
    total_rows: int = 0
    loading: bool = False
    loaded: bool = False
    title: str = ""
    notes: str = ""
    period_label: str = ""
    columns: list[Column] = []
    rows: list[list[str]] = []
    totals: list[str] = []
    figure: go.Figure = go.Figure()
    chart_title: str = ""
    past: list[ExportRow] = []
    past_page: int = 1
    past_pages: int = 1
    _generation: int = 0

    @rx.var
    def views(self) -> list[list[str]]:
        return [[v, t] for v, t in VIEWS.get(self.tab, [])]

    @rx.var
    def uses_period(self) -> bool:
        kind, _ = report_kind(self.tab, self.view)
        return reports.SPECS[kind].uses_period

    def _params(self) -> dict[str, Any]:
        if self.period == "custom":
            return {"preset": "custom", "start": self.start, "end": self.end}
        return {"preset": self.period}

    def _export_finished(self):
        return ReportsState.load_exports

    async def _load_past(self, actor: UserView) -> None:
        page = self.past_page
        self.past, self.past_page, self.past_pages = await read(
            lambda s: export_rows(s, actor, page)
        )

    @rx.event
    @admin_event(Perm.REPORTS_VIEW)
    async def load(self, actor: UserView):
        query = self.router.url.query_parameters
        tab = query.get("tab", "")
        if tab in VIEWS:
            self.tab, self.view = tab, DEFAULT_VIEW[tab]
        if query.get("view", "") in dict(VIEWS[self.tab]):
            self.view = query["view"]
        self.page = 1
        await self._load_past(actor)
        resume = [ReportsState.refresh]
        if self.export_active:
            resume.append(ReportsState.poll_export)
        return resume

    @rx.event
    @admin_event(Perm.REPORTS_VIEW)
    async def load_exports(self, actor: UserView):
        await self._load_past(actor)

    @rx.event
    @admin_event(Perm.REPORTS_VIEW)
    async def exports_to(self, actor: UserView, page: int):
        self.past_page = max(1, min(int(page), self.past_pages))
        await self._load_past(actor)

    @rx.event
    @admin_event(Perm.REPORTS_VIEW)
    async def set_tab(self, actor: UserView, value: str):
        if value not in VIEWS or value == self.tab:
            return None
        self.tab, self.view, self.page = value, DEFAULT_VIEW[value], 1
        return ReportsState.refresh

    @rx.event
    @admin_event(Perm.REPORTS_VIEW)
    async def set_view(self, actor: UserView, value: str | list[str]):
        if value not in dict(VIEWS[self.tab]) or value == self.view:
            return None
        self.view, self.page = value, 1
        return ReportsState.refresh

    @rx.event
    @admin_event(Perm.REPORTS_VIEW)
    async def set_period(self, actor: UserView, value: str | list[str]):
        if not isinstance(value, str) or value not in (*PRESETS, "custom"):
            return None
        self.period, self.range_error = value, ""
        if value == "custom":
            if not (self.start and self.end):  # a month up to today, to adjust
                period = resolve_period("30d")
                self.start, self.end = str(period.first_day), str(period.last_day)
            return None
        self.page = 1
        return ReportsState.refresh

    @rx.event
    @admin_event(Perm.REPORTS_VIEW)
    async def apply_range(self, actor: UserView, form_data: dict):
        start = str(form_data.get("start", "") or "").strip()
        end = str(form_data.get("end", "") or "").strip()
        try:
            resolve_period("custom", start=start, end=end)
        except DomainError as exc:
            self.range_error = exc.message
            return rx.toast.error(exc.message)
        self.start, self.end, self.period, self.range_error = start, end, "custom", ""
        self.page = 1
        return ReportsState.refresh

    @rx.event
    @admin_event(Perm.REPORTS_VIEW)
    async def to_page(self, actor: UserView, page: int):
        target = max(1, min(int(page), self.pages))
        if target != self.page:
            self.page = target
            return ReportsState.refresh
        return None

    @rx.event(background=True)
    @admin_event(Perm.REPORTS_VIEW)
    async def refresh(self, actor: UserView):
        async with self:
            self._generation += 1
            generation = self._generation
            tab, view, params, page = self.tab, self.view, self._params(), self.page
            self.loading = True
        try:
            result = await compute(actor, tab, view, params, page)
        except DomainError as exc:
            async with self:
                if generation == self._generation:
                    self.loading = False
            return rx.toast.error(exc.message)
        async with self:
            if generation != self._generation:
                return None
            for name in (
                "title",
                "notes",
                "period_label",
                "columns",
                "rows",
                "totals",
                "total_rows",
                "page",
                "pages",
                "figure",
                "chart_title",
            ):
                setattr(self, name, getattr(result, name))
            self.loading, self.loaded = False, True
        return None

    @rx.event
    @admin_event(Perm.REPORTS_VIEW)
    async def export_csv(self, actor: UserView):
        kind, granularity = report_kind(self.tab, self.view)
        params = {**self._params(), "granularity": granularity} if granularity else self._params()
        if not reports.SPECS[kind].uses_period:
            params = {}
        result = await self._start_export(actor, kind, params)
        await self._load_past(actor)
        return result


S = ReportsState


# --- components -------------------------------------------------------------------------------


def _tabs() -> rx.Component:
    return rx.tabs.root(
        rx.tabs.list(
            *[
                rx.tabs.trigger(
                    rx.hstack(rx.icon(icon, size=14), rx.text(text), spacing="2", align="center"),
                    value=value,
                    cursor="pointer",
                )
                for value, text, icon in TABS
            ],
            size="2",
        ),
        value=S.tab,
        on_change=S.set_tab,
        width="100%",
        id="report-tabs",
    )


def _scrolls(control: rx.Component) -> rx.Component:
    """A row of choices that scrolls sideways on a phone instead of widening the page."""
    return rx.box(
        control,
        width=["calc(100vw - 32px)", "auto"],
        max_width="calc(100vw - 32px)",
        overflow_x="auto",
        padding_bottom="2px",
    )


def _range() -> rx.Component:
    return rx.cond(
        S.uses_period,
        rx.vstack(
            _scrolls(
                rx.segmented_control.root(
                    *[rx.segmented_control.item(t, value=v) for v, t in PERIOD_CHOICES],
                    value=S.period,
                    on_change=S.set_period,
                    size="1",
                    radius="full",
                    aria_label="Date range",
                    id="report-period",
                    width=["100%", "auto"],
                )
            ),
            rx.cond(
                S.period == "custom",
                rx.form(
                    rx.flex(
                        rx.vstack(
                            label("From", "report-start"),
                            rx.input(
                                id="report-start",
                                name="start",
                                type="date",
                                default_value=S.start,
                                size="2",
                            ),
                            spacing="1",
                        ),
                        rx.vstack(
                            label("Until", "report-end"),
                            rx.input(
                                id="report-end",
                                name="end",
                                type="date",
                                default_value=S.end,
                                size="2",
                            ),
                            spacing="1",
                        ),
                        rx.button("Apply", type="submit", size="2", cursor="pointer"),
                        gap="8px",
                        align="end",
                        wrap="wrap",
                    ),
                    on_submit=S.apply_range,
                    reset_on_submit=False,
                ),
            ),
            rx.cond(
                S.range_error != "",
                rx.text(S.range_error, size="1", color_scheme="red", role="alert"),
            ),
            spacing="2",
        ),
        rx.badge(rx.icon("camera", size=12), "Snapshot of now", radius="full", variant="soft"),
    )


def _controls() -> rx.Component:
    return rx.flex(
        rx.vstack(
            rx.cond(
                S.views.length() > 1,  # one view (RFM) needs no switch
                rx.fragment(
                    # Five choices do not fit a phone's width side by side: a select there.
                    rx.box(
                        rx.select.root(
                            rx.select.trigger(aria_label="Report", width="100%"),
                            rx.select.content(
                                rx.foreach(S.views, lambda v: rx.select.item(v[1], value=v[0]))
                            ),
                            value=S.view,
                            on_change=S.set_view,
                            size="2",
                        ),
                        display=["block", "none"],
                        width="100%",
                    ),
                    rx.box(
                        rx.segmented_control.root(
                            rx.foreach(
                                S.views, lambda v: rx.segmented_control.item(v[1], value=v[0])
                            ),
                            value=S.view,
                            on_change=S.set_view,
                            size="2",
                            aria_label="Report",
                            id="report-view",
                        ),
                        display=["none", "block"],
                    ),
                ),
            ),
            _range(),
            spacing="3",
            width=["100%", "auto"],
        ),
        rx.button(
            rx.icon("file-down", size=16),
            "Export CSV",
            size="3",
            on_click=S.export_csv,
            loading=S.export_starting,
            disabled=S.export_active,
            cursor="pointer",
            id="report-export",
        ),
        justify="between",
        align="start",
        wrap="wrap",
        gap="12px",
        width="100%",
    )


def _cell(value, index) -> rx.Component:
    return rx.table.cell(
        rx.text(value, size="2"),
        text_align=S.columns[index].align,
        white_space="nowrap",
    )


def _table() -> rx.Component:
    return rx.box(
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    rx.foreach(
                        S.columns,
                        lambda c: rx.table.column_header_cell(
                            c.label, white_space="nowrap", text_align=c.align
                        ),
                    )
                )
            ),
            rx.table.body(
                # Totals first: the table scrolls, the totals stay in view.
                rx.cond(
                    S.totals.length() > 0,
                    rx.table.row(
                        rx.foreach(
                            S.totals,
                            lambda value, i: rx.table.cell(
                                rx.text(value, size="2", weight="bold"),
                                text_align=S.columns[i].align,
                                white_space="nowrap",
                            ),
                        ),
                        background="var(--accent-2)",
                        id="report-totals",
                    ),
                ),
                rx.foreach(S.rows, lambda row: rx.table.row(rx.foreach(row, _cell))),
            ),
            variant="ghost",
            size="1",
            width="100%",
        ),
        overflow_x="auto",
        max_height="560px",
        overflow_y="auto",
        width="100%",
        id="report-table",
    )


def _report() -> rx.Component:
    pager = rx.cond(
        S.pages > 1,
        rx.hstack(
            rx.button(
                rx.icon("chevron-left", size=14),
                "Previous",
                variant="soft",
                size="1",
                disabled=S.page <= 1,
                on_click=S.to_page(S.page - 1),
                cursor="pointer",
            ),
            rx.text("Page ", S.page, " of ", S.pages, size="1", color_scheme="gray"),
            rx.button(
                "Next",
                rx.icon("chevron-right", size=14),
                variant="soft",
                size="1",
                disabled=S.page >= S.pages,
                on_click=S.to_page(S.page + 1),
                cursor="pointer",
            ),
            spacing="2",
            align="center",
        ),
    )
    return rx.cond(
        S.loading & ~S.loaded,
        rx.vstack(
            rx.skeleton(rx.box(height="320px", width="100%"), loading=True, width="100%"),
            rx.skeleton(rx.box(height="240px", width="100%"), loading=True, width="100%"),
            spacing="4",
            width="100%",
        ),
        rx.vstack(
            chart_card(
                S.title,
                S.chart_title,
                "chart-line",
                rx.cond(
                    S.total_rows > 0,
                    charts.plot(S.figure, label="Report chart", height="340px"),
                    empty_state("chart-line", "Nothing here yet", "Try a longer date range."),
                ),
                rx.hstack(
                    rx.cond(S.loading, rx.spinner(size="2", aria_label="Updating")),
                    rx.text(S.period_label, size="1", color_scheme="gray", white_space="nowrap"),
                    spacing="2",
                    align="center",
                ),
                id="report-chart",
            ),
            table_card(
                rx.flex(
                    rx.text(
                        S.total_rows,
                        rx.cond(S.total_rows == 1, " row", " rows"),
                        size="2",
                        color_scheme="gray",
                    ),
                    pager,
                    justify="between",
                    align="center",
                    wrap="wrap",
                    gap="8px",
                    width="100%",
                ),
                rx.cond(S.total_rows > 0, _table()),
                rx.cond(S.notes != "", rx.text(S.notes, size="1", color_scheme="gray")),
            ),
            spacing="4",
            width="100%",
        ),
    )


def _past_row(row: ExportRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.vstack(
                rx.text(row.label, size="2", weight="bold"),
                rx.text(row.scope, size="1", color_scheme="gray"),
                spacing="0",
            ),
            min_width="180px",
        ),
        rx.table.cell(status_badge(row.status, EXPORT_COLORS)),
        rx.table.cell(rx.text(row.rows, size="2"), text_align="right"),
        rx.table.cell(rx.text(row.size, size="2", white_space="nowrap"), text_align="right"),
        rx.table.cell(rx.text(row.who, size="2")),
        rx.table.cell(rx.text(row.when, size="2", white_space="nowrap")),
        rx.table.cell(
            rx.cond(
                row.ready,
                rx.button(
                    rx.icon("download", size=14),
                    "Download",
                    size="1",
                    variant="soft",
                    on_click=S.download_export(row.id),
                    cursor="pointer",
                ),
            )
        ),
        align="center",
    )


def past_exports() -> rx.Component:
    return table_card(
        rx.flex(
            rx.hstack(
                rx.icon("archive", size=18, color="var(--accent-11)"),
                rx.heading("Exports", size="4", as_="h2"),
                spacing="2",
                align="center",
            ),
            rx.cond(
                S.past_pages > 1,
                rx.hstack(
                    rx.icon_button(
                        rx.icon("chevron-left", size=14),
                        size="1",
                        variant="soft",
                        disabled=S.past_page <= 1,
                        on_click=S.exports_to(S.past_page - 1),
                        aria_label="Newer exports",
                        cursor="pointer",
                    ),
                    rx.text(S.past_page, " / ", S.past_pages, size="1", color_scheme="gray"),
                    rx.icon_button(
                        rx.icon("chevron-right", size=14),
                        size="1",
                        variant="soft",
                        disabled=S.past_page >= S.past_pages,
                        on_click=S.exports_to(S.past_page + 1),
                        aria_label="Older exports",
                        cursor="pointer",
                    ),
                    spacing="2",
                    align="center",
                ),
            ),
            justify="between",
            align="center",
            width="100%",
        ),
        rx.cond(
            S.past.length() > 0,
            rx.box(
                rx.table.root(
                    rx.table.header(
                        rx.table.row(
                            *[
                                rx.table.column_header_cell(h, white_space="nowrap")
                                for h in ("Export", "Status", "Rows", "Size", "By", "When", "")
                            ]
                        )
                    ),
                    rx.table.body(rx.foreach(S.past, _past_row)),
                    variant="ghost",
                    size="2",
                    width="100%",
                ),
                overflow_x="auto",
                width="100%",
                id="past-exports",
            ),
            empty_state(
                "archive", "No exports yet", "Export any report as CSV; the files are kept here."
            ),
        ),
    )


@admin_page(
    route="/admin/reports",
    title="Reports",
    permission=Perm.REPORTS_VIEW,
    on_load=ReportsState.load,
    description="Sales, stock and customers over any range, as charts, tables and CSV files.",
)
def reports_page() -> rx.Component:
    return rx.vstack(
        _tabs(),
        _controls(),
        export_progress(S),
        _report(),
        past_exports(),
        spacing="4",
        width="100%",
    )
