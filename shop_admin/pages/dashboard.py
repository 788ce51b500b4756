"""Admin home: KPI cards against the previous period and the charts behind them.

The numbers come from `shop_core.analytics.dashboard.dashboard_for`, which computes only
what the signed-in user may see (money needs REPORTS_VIEW, tickets SUPPORT_HANDLE, ...);
sections it withholds are simply not drawn here. The figures are computed in a
background event, so the page stays responsive (with skeletons) while they load, and a
newer request (another period clicked meanwhile) wins over an older one.
"""

from __future__ import annotations

import asyncio
import dataclasses
from typing import ClassVar

import plotly.graph_objects as go
import reflex as rx

from shop.state.services import read
from shop.state.session import SessionState
from shop.styles import BRAND_GRADIENT
from shop_admin import charts
from shop_admin.components.layout import admin_page
from shop_admin.formatting import fmt_money
from shop_admin.guard import admin_event
from shop_core.accounts.roles import Perm
from shop_core.accounts.service import UserView
from shop_core.analytics import dashboard as analytics
from shop_core.analytics.periods import PRESET_LABELS, PRESETS, Period
from shop_core.errors import DomainError
from shop_core.settings import get_settings

PERIODS = [("7d", "7 days"), ("30d", "30 days"), ("90d", "90 days"), ("365d", "12 months")]
GRANULARITY_CHOICES = [("auto", "Auto"), ("day", "Day"), ("week", "Week"), ("month", "Month")]
# For these an increase is bad news: the arrow still points up, but it is red.
UP_IS_BAD = {"refunds", "open_tickets", "low_stock"}
KPI_LOOK = {
    "revenue": ("banknote", "violet", "/admin/reports"),
    "orders": ("shopping-bag", "pink", "/admin/orders"),
    "aov": ("receipt", "amber", "/admin/reports"),
    "new_customers": ("user-plus", "blue", "/admin/customers"),
    "refunds": ("undo-2", "red", "/admin/orders"),
    "open_tickets": ("life-buoy", "green", ""),
    "low_stock": ("package-minus", "orange", "/admin/inventory"),
}


@dataclasses.dataclass
class KpiCard:
    key: str
    label: str
    value: str
    change: str  # "+12.5%", "−3%", "" (no comparison)
    trend: str  # "up" | "down" | "flat" | "none"
    good: bool
    previous: str  # "vs €1,234.00" / "snapshot now"
    icon: str
    color: str
    href: str


@dataclasses.dataclass
class DashboardView:
    """Everything the page shows, ready for the state (plain strings and figures)."""

    period_label: str
    granularity: str
    kpis: list[KpiCard]
    revenue_fig: go.Figure | None
    products_fig: go.Figure | None
    categories_fig: go.Figure | None
    status_fig: go.Figure | None
    tickets_fig: go.Figure | None
    has_sales: bool


def _kpi_value(kpi: analytics.Kpi, cur: str, value: int) -> str:
    return fmt_money(value, cur) if kpi.kind == "money" else f"{value:,}"


def kpi_card(kpi: analytics.Kpi, cur: str) -> KpiCard:
    icon, color, href = KPI_LOOK.get(kpi.key, ("activity", "gray", ""))
    snapshot = kpi.key in analytics.SNAPSHOT_KPIS
    if snapshot:
        change, trend, previous = "", "none", "right now"
    elif kpi.change_pct is None:
        change, trend = ("new", "up") if kpi.value > 0 else ("", "none")
        previous = "nothing in the previous period"
    else:
        pct = kpi.change_pct
        trend = "up" if pct > 0 else "down" if pct < 0 else "flat"
        sign = "+" if pct > 0 else "−" if pct < 0 else "±"
        change = f"{sign}{abs(pct):,.1f}%".replace(".0%", "%")
        previous = "vs " + _kpi_value(kpi, cur, kpi.previous)
    up_is_good = kpi.key not in UP_IS_BAD
    good = trend == "flat" or (trend == "up") == up_is_good
    return KpiCard(
        key=kpi.key,
        label=kpi.label,
        value=_kpi_value(kpi, cur, kpi.value),
        change=change,
        trend=trend,
        good=good,
        previous=previous,
        icon=icon,
        color=color,
        href=href,
    )


def build_view(d: analytics.Dashboard, cur: str) -> DashboardView:
    """Cards and figures for a computed dashboard; a withheld section stays None."""
    g = d.granularity
    revenue = products = categories = status = tickets = None
    has_sales = False
    if d.sales_series is not None:
        s = d.sales_series
        has_sales = any(p.orders or p.revenue for p in s)
        revenue = charts.revenue_orders_figure(
            [p.bucket for p in s],
            [p.revenue for p in s],
            [p.orders for p in s],
            currency=cur,
            granularity=g,
        )
    if d.top_products is not None:
        products = charts.ranking_figure(
            [p.label for p in d.top_products],
            [p.revenue for p in d.top_products],
            currency=cur,
            color=charts.VIOLET,
        )
    if d.top_categories is not None:
        categories = charts.ranking_figure(
            [c.label for c in d.top_categories],
            [c.revenue for c in d.top_categories],
            currency=cur,
            color=charts.PINK,
        )
    if d.status_mix is not None:
        status = charts.donut_figure(
            [s.status for s in d.status_mix],
            [s.count for s in d.status_mix],
            colors=charts.STATUS_COLORS,
            pretty={s.status: s.label for s in d.status_mix},
        )
    if d.tickets_series is not None:
        t = d.tickets_series
        tickets = charts.tickets_figure(
            [p.bucket for p in t], [p.opened for p in t], [p.resolved for p in t], granularity=g
        )
    return DashboardView(
        period_label=d.period.label(),
        granularity=g,
        kpis=[kpi_card(k, cur) for k in d.kpis],
        revenue_fig=revenue,
        products_fig=products,
        categories_fig=categories,
        status_fig=status,
        tickets_fig=tickets,
        has_sales=has_sales,
    )


async def compute(actor: UserView, period_key: str, granularity: str) -> DashboardView:
    """Query the dashboard for `actor` and build its figures, off the event loop."""
    period = Period.preset(period_key)
    gran = None if granularity == "auto" else granularity
    cur = get_settings().currency
    d = await read(lambda s: analytics.dashboard_for(s, actor, period, gran))
    return await asyncio.to_thread(build_view, d, cur)


class DashboardState(rx.State):
    PERMISSION: ClassVar[Perm] = Perm.ADMIN_ACCESS

    period: str = "30d"
    granularity: str = "auto"  # what was asked: auto | day | week | month
    shown_granularity: str = ""  # what the charts use
    period_label: str = ""
    loading: bool = False
    loaded: bool = False
    kpis: list[KpiCard] = []
    has_sales: bool = False
    show_revenue: bool = False
    show_products: bool = False
    show_categories: bool = False
    show_status: bool = False
    show_tickets: bool = False
    revenue_fig: go.Figure = go.Figure()
    products_fig: go.Figure = go.Figure()
    categories_fig: go.Figure = go.Figure()
    status_fig: go.Figure = go.Figure()
    tickets_fig: go.Figure = go.Figure()
    _generation: int = 0

    @rx.var
    def period_name(self) -> str:
        return PRESET_LABELS.get(self.period, "")

    def _apply(self, view: DashboardView) -> None:
        self.period_label, self.shown_granularity = view.period_label, view.granularity
        self.kpis, self.has_sales = view.kpis, view.has_sales
        for name in ("revenue", "products", "categories", "status", "tickets"):
            fig = getattr(view, f"{name}_fig")
            setattr(self, f"show_{name}", fig is not None)
            if fig is not None:
                setattr(self, f"{name}_fig", fig)
        self.loaded = True

    @rx.event
    @admin_event(Perm.ADMIN_ACCESS)
    async def load(self, actor: UserView):
        period = self.router.url.query_parameters.get("period", "")
        if period in PRESETS:
            self.period = period
        return DashboardState.refresh

    @rx.event
    @admin_event(Perm.ADMIN_ACCESS)
    async def set_period(self, actor: UserView, value: str | list[str]):
        if not isinstance(value, str) or value not in PRESETS or value == self.period:
            return None
        self.period = value
        return DashboardState.refresh

    @rx.event
    @admin_event(Perm.ADMIN_ACCESS)
    async def set_granularity(self, actor: UserView, value: str | list[str]):
        choices = dict(GRANULARITY_CHOICES)
        if not isinstance(value, str) or value not in choices or value == self.granularity:
            return None
        self.granularity = value
        return DashboardState.refresh

    @rx.event(background=True)
    @admin_event(Perm.ADMIN_ACCESS)
    async def refresh(self, actor: UserView):
        async with self:
            self._generation += 1
            generation = self._generation
            period, granularity = self.period, self.granularity
            self.loading = True
        try:
            view = await compute(actor, period, granularity)
        except DomainError as exc:
            async with self:
                self.loading = False
            return rx.toast.error(exc.message)
        async with self:
            if generation != self._generation:  # a newer request is on its way
                return None
            self._apply(view)
            self.loading = False
        return None


S = DashboardState


# --- components ----------------------------------------------------------------------------


def _skeleton(height: str) -> rx.Component:
    return rx.skeleton(rx.box(height=height, width="100%"), loading=True, width="100%")


def _trend(card: KpiCard) -> rx.Component:
    color = rx.cond(card.good, "var(--green-11)", "var(--red-11)")
    background = rx.cond(card.good, "var(--green-3)", "var(--red-3)")
    return rx.cond(
        card.change != "",
        rx.hstack(
            rx.match(
                card.trend,
                ("up", rx.icon("arrow-up-right", size=14, aria_label="up")),
                ("down", rx.icon("arrow-down-right", size=14, aria_label="down")),
                rx.icon("minus", size=14, aria_label="unchanged"),
            ),
            rx.text(card.change, size="1", weight="bold"),
            spacing="1",
            align="center",
            padding="2px 8px",
            border_radius="999px",
            color=color,
            background=background,
            class_name="kpi-change",
        ),
    )


def _kpi(card: KpiCard) -> rx.Component:
    body = rx.card(
        rx.vstack(
            rx.hstack(
                rx.center(
                    rx.icon(card.icon, size=18),
                    width="36px",
                    height="36px",
                    border_radius="12px",
                    background="var(--" + card.color + "-3)",
                    color="var(--" + card.color + "-11)",
                    flex_shrink="0",
                ),
                _trend(card),
                justify="between",
                align="center",
                width="100%",
            ),
            rx.vstack(
                rx.text(card.label, size="2", color_scheme="gray"),
                rx.text(
                    card.value,
                    size=rx.breakpoints(initial="5", sm="6"),
                    weight="bold",
                    letter_spacing="-0.02em",
                    white_space="nowrap",
                    class_name="kpi-value",
                ),
                rx.text(card.previous, size="1", color_scheme="gray", truncate=True),
                spacing="0",
                width="100%",
                min_width="0",
            ),
            spacing="3",
            width="100%",
        ),
        size="2",
        height="100%",
        style={"--card-border-radius": "20px"},
        _hover={"box_shadow": "0 12px 28px -18px rgba(76, 29, 149, 0.5)"},
        data_kpi=card.key,
        class_name="kpi-card",
    )
    return rx.cond(
        card.href != "",
        rx.link(body, href=card.href, underline="none", color="inherit"),
        body,
    )


def chart_card(
    title: str, subtitle, icon: str, chart: rx.Component, *extra, **props
) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.flex(
                rx.hstack(
                    rx.center(
                        rx.icon(icon, size=16),
                        width="30px",
                        height="30px",
                        border_radius="10px",
                        background="var(--accent-3)",
                        color="var(--accent-11)",
                        flex_shrink="0",
                    ),
                    rx.vstack(
                        rx.heading(title, size="3", as_="h2"),
                        rx.text(subtitle, size="1", color_scheme="gray"),
                        spacing="0",
                    ),
                    spacing="3",
                    align="center",
                ),
                *extra,
                justify="between",
                align="center",
                wrap="wrap",
                gap="8px",
                width="100%",
            ),
            chart,
            spacing="3",
            width="100%",
        ),
        size="2",
        width="100%",
        min_width="0",
        style={"--card-border-radius": "20px"},
        **props,
    )


def _loading_or(chart: rx.Component, height: str) -> rx.Component:
    return rx.cond(S.loading & ~S.loaded, _skeleton(height), chart)


def _controls() -> rx.Component:
    return rx.flex(
        rx.segmented_control.root(
            *[rx.segmented_control.item(text, value=value) for value, text in PERIODS],
            value=S.period,
            on_change=S.set_period,
            size=rx.breakpoints(initial="1", sm="2"),
            radius="full",
            aria_label="Period",
            id="dashboard-period",
            width=["100%", "auto"],
        ),
        rx.hstack(
            rx.cond(S.loading, rx.spinner(size="2", aria_label="Updating")),
            rx.text(S.period_label, size="1", color_scheme="gray", white_space="nowrap"),
            spacing="2",
            align="center",
        ),
        justify="between",
        align="center",
        wrap="wrap",
        gap="8px",
        width="100%",
    )


def _hero() -> rx.Component:
    return rx.box(
        rx.flex(
            rx.vstack(
                rx.heading("Hi ", SessionState.first_name, "!", size="6", color="white"),
                rx.text(
                    "Here is how the shop did in the ",
                    S.period_name.lower(),
                    ". You only see what your role lets you manage.",
                    color="rgba(255,255,255,0.9)",
                    size="2",
                ),
                spacing="1",
            ),
            justify="between",
            align="center",
            gap="12px",
        ),
        width="100%",
        padding=["18px", "24px"],
        border_radius="24px",
        background=BRAND_GRADIENT,
        box_shadow="0 18px 40px -24px rgba(124, 58, 237, 0.7)",
    )


def _kpi_grid() -> rx.Component:
    return rx.cond(
        S.loading & ~S.loaded,
        rx.grid(
            *[_skeleton("118px") for _ in range(4)],
            columns=rx.breakpoints(initial="2", md="4"),
            spacing="3",
            width="100%",
        ),
        rx.grid(
            rx.foreach(S.kpis, _kpi),
            columns=rx.breakpoints(initial="2", md="4"),
            spacing="3",
            width="100%",
            id="dashboard-kpis",
        ),
    )


def _granularity() -> rx.Component:
    return rx.segmented_control.root(
        *[rx.segmented_control.item(text, value=value) for value, text in GRANULARITY_CHOICES],
        value=S.granularity,
        on_change=S.set_granularity,
        size="1",
        aria_label="Chart buckets",
        id="dashboard-granularity",
    )


def _charts() -> rx.Component:
    revenue = rx.cond(
        S.show_revenue | (S.loading & ~S.loaded),
        chart_card(
            "Revenue and orders",
            rx.cond(
                S.has_sales,
                "Net revenue (bars) and paid orders (line) per " + S.shown_granularity,
                "No sales in this period yet",
            ),
            "chart-column",
            _loading_or(
                charts.plot(S.revenue_fig, label="Revenue and orders over time", height="320px"),
                "320px",
            ),
            _granularity(),
            grid_column=rx.breakpoints(initial="auto", md="span 2"),
            id="chart-revenue",
        ),
    )
    products = rx.cond(
        S.show_products,
        chart_card(
            "Top products",
            "By sales in the period",
            "trophy",
            charts.plot(S.products_fig, label="Top products by sales", height="280px"),
            id="chart-top-products",
        ),
    )
    categories = rx.cond(
        S.show_categories,
        chart_card(
            "Top categories",
            "By sales in the period",
            "folder-tree",
            charts.plot(S.categories_fig, label="Top categories by sales", height="280px"),
            id="chart-top-categories",
        ),
    )
    status = rx.cond(
        S.show_status,
        chart_card(
            "Order status mix",
            "Orders placed in the period, by status now",
            "pie-chart",
            charts.plot(S.status_fig, label="Orders by status", height="300px"),
            id="chart-status",
        ),
    )
    tickets = rx.cond(
        S.show_tickets,
        chart_card(
            "Support tickets",
            "Opened vs resolved per " + S.shown_granularity,
            "life-buoy",
            charts.plot(S.tickets_fig, label="Tickets opened and resolved", height="300px"),
            id="chart-tickets",
        ),
    )
    return rx.grid(
        revenue,
        products,
        categories,
        status,
        tickets,
        columns=rx.breakpoints(initial="1", md="2"),
        spacing="4",
        width="100%",
    )


@admin_page(
    route="/admin",
    title="Dashboard",
    permission=Perm.ADMIN_ACCESS,
    on_load=DashboardState.load,
    description="What happened, compared with the period before.",
)
def dashboard_page() -> rx.Component:
    return rx.vstack(
        _hero(),
        _controls(),
        _kpi_grid(),
        _charts(),
        spacing="4",
        width="100%",
    )
