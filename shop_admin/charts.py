"""Plotly figures for the back office, in the shop's look.

The builders take plain sequences (bucket starts, labels, integer minor units) and return
`go.Figure`s that the admin states keep as state vars; `plot()` renders one. Every figure
uses the brand palette from `shop.styles`, a transparent background (the card shows
through), the app's font, small margins and its legend under the plot area, so the same
figure reads on a 390 px phone and a 1280 px desktop.

Money stays integer minor units up to here: axes are drawn in major units (a float is
fine for a pixel position) while every hover label shows the exact amount formatted
from the minor units (`fmt_money`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal

import plotly.graph_objects as go
import reflex as rx

from shop.styles import FONT_STACK
from shop_admin.formatting import fmt_money, minor_digits

# The brand gradient's stops first (violet, pink, amber), then companions that stay
# distinguishable next to them.
VIOLET = "#7c3aed"
PINK = "#db2777"
AMBER = "#f59e0b"
SKY = "#0ea5e9"
GREEN = "#10b981"
RED = "#ef4444"
LILAC = "#a78bfa"
ROSE = "#f472b6"
SLATE = "#94a3b8"
PALETTE = [VIOLET, PINK, AMBER, SKY, GREEN, LILAC, ROSE, SLATE]
INK = "#211f26"  # Radix mauve-12
MUTED = "#65636d"  # Radix mauve-11
GRID = "rgba(33, 31, 38, 0.08)"
TRANSPARENT = "rgba(0,0,0,0)"

STATUS_COLORS = {
    "paid": GREEN,
    "shipped": SKY,
    "delivered": VIOLET,
    "partially_refunded": AMBER,
    "refunded": SLATE,
    "pending_payment": LILAC,
    "cancelled": RED,
    "payment_failed": ROSE,
    "expired": "#cbd5e1",
}

GRANULARITIES = ("day", "week", "month")
_HOVER_DATE = {"day": "%a %d %b %Y", "week": "week of %d %b %Y", "month": "%B %Y"}
_TICK_DATE = {"day": "%d %b", "week": "%d %b", "month": "%b %Y"}
LABEL_CHARS = 20  # category labels are cut to this on the axis; the hover shows them whole
RANK_SLOTS = 5  # a ranking is drawn at least this many bars tall

# An empty template: the figure carries its own look, and the state stays small (the
# default "plotly" template alone is ~6 kB of JSON per figure).
EMPTY_TEMPLATE = go.layout.Template()

# Plotly.js options for every chart: no toolbar or logo, resize with the container.
CONFIG = {"displayModeBar": False, "responsive": True, "displaylogo": False}


def major(amount: int, currency: str) -> float:
    """Minor units as a major-unit number for an axis position: 123456 EUR → 1234.56."""
    return float(Decimal(int(amount)).scaleb(-minor_digits(currency)))


def currency_prefix(currency: str) -> str:
    """The symbol an axis shows before its ticks ("€"), from `fmt_money`'s formatting."""
    sample = fmt_money(0, currency)
    return sample.split("0", 1)[0] if not sample[0].isdigit() else ""


def _short(label: str) -> str:
    label = str(label)
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1].rstrip() + "…"


def _axis_labels(labels: Sequence[str]) -> list[str]:
    """Shortened labels that stay distinct: Plotly merges equal categories into one row,
    so a repeat gets invisible zero-width spaces ("JC-PST-0041-50…" twice)."""
    seen: dict[str, int] = {}
    out = []
    for label in labels:
        short = _short(label)
        count = seen.get(short, 0)
        seen[short] = count + 1
        out.append(short + "\u200b" * count)
    return out


def _x_values(buckets: Sequence[date | datetime | str]) -> list[str]:
    return [b.isoformat() if isinstance(b, date | datetime) else str(b) for b in buckets]


def _base(fig: go.Figure, *, legend: bool = True) -> go.Figure:
    fig.update_layout(
        template=EMPTY_TEMPLATE,
        autosize=True,
        paper_bgcolor=TRANSPARENT,
        plot_bgcolor=TRANSPARENT,
        font={"family": FONT_STACK, "size": 13, "color": INK},
        colorway=PALETTE,
        margin={"l": 8, "r": 8, "t": 8, "b": 8, "pad": 4},
        showlegend=legend,
        legend={
            "orientation": "h",
            "x": 0,
            "xanchor": "left",
            "y": -0.14,
            "yanchor": "top",
            "font": {"size": 12, "color": MUTED},
            "bgcolor": TRANSPARENT,
        },
        hoverlabel={
            "bgcolor": "white",
            "bordercolor": "rgba(124, 58, 237, 0.35)",
            "font": {"family": FONT_STACK, "size": 13, "color": INK},
        },
        bargap=0.28,
        separators=".,",
    )
    axis = {
        "showgrid": False,
        "zeroline": False,
        "linecolor": GRID,
        "tickfont": {"size": 11, "color": MUTED},
        "automargin": True,
        "fixedrange": True,  # no accidental zoom when a thumb scrolls the page
    }
    fig.update_xaxes(**axis)
    fig.update_yaxes(**{**axis, "showgrid": True, "gridcolor": GRID, "linecolor": TRANSPARENT})
    return fig


def _count_axis(values: Sequence[int]) -> dict:
    """Whole-number ticks: no "500m" halves of a ticket, thousands as 12k."""
    top = max((abs(v) for v in values), default=0)
    axis: dict = {"rangemode": "tozero", "tickformat": "~s" if top >= 10_000 else ",d"}
    if top <= 5:
        axis["dtick"] = 1
    return axis


def _money_axis(currency: str) -> dict:
    return {"tickprefix": currency_prefix(currency), "tickformat": "~s", "rangemode": "tozero"}


def _date_axis(fig: go.Figure, granularity: str) -> None:
    """A time x axis with tick and hover formats for the bucket size."""
    fig.update_xaxes(
        type="date",
        tickformat=_TICK_DATE.get(granularity, "%d %b"),
        hoverformat=_HOVER_DATE.get(granularity, "%d %b %Y"),
        nticks=8,
    )


def empty_figure(message: str = "No data for this period yet") -> go.Figure:
    """A figure with a centred note instead of axes (the UI mostly hides empty charts)."""
    fig = go.Figure()
    fig.add_annotation(
        text=message,
        showarrow=False,
        x=0.5,
        y=0.5,
        xref="paper",
        yref="paper",
        font={"size": 14, "color": MUTED},
    )
    fig = _base(fig, legend=False)
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig


def revenue_orders_figure(
    buckets: Sequence[date | datetime | str],
    revenue: Sequence[int],
    orders: Sequence[int],
    *,
    currency: str,
    granularity: str = "day",
) -> go.Figure:
    """Net revenue per bucket as bars with the order count as a line on a second axis."""
    if not buckets:
        return empty_figure()
    x = _x_values(buckets)
    fig = go.Figure()
    fig.add_bar(
        x=x,
        y=[major(v, currency) for v in revenue],
        name="Net revenue",
        marker={"color": VIOLET, "opacity": 0.85, "cornerradius": 6},
        customdata=[fmt_money(v, currency) for v in revenue],
        hovertemplate="%{customdata}<extra>Net revenue</extra>",
    )
    fig.add_scatter(
        x=x,
        y=list(orders),
        name="Orders",
        yaxis="y2",
        mode="lines+markers" if len(x) <= 60 else "lines",
        line={"color": PINK, "width": 3, "shape": "spline", "smoothing": 0.6},
        marker={"size": 6, "color": PINK},
        hovertemplate="%{y:,} orders<extra></extra>",
    )
    _base(fig)
    fig.update_layout(
        hovermode="x unified",
        yaxis=_money_axis(currency),
        yaxis2={
            "overlaying": "y",
            "side": "right",
            "showgrid": False,
            "tickfont": {"size": 11, "color": PINK},
            "fixedrange": True,
            "automargin": True,
            **_count_axis(orders),
        },
    )
    _date_axis(fig, granularity)
    return fig


def ranking_figure(
    labels: Sequence[str],
    values: Sequence[int],
    *,
    currency: str | None = None,
    color: str = VIOLET,
    name: str = "Net revenue",
    unit: str = "",
) -> go.Figure:
    """Horizontal bars, largest on top (top products, top categories, report rankings).

    `currency` given: values are minor units shown as money; otherwise plain counts.
    """
    if not labels:
        return empty_figure()
    # Plotly draws the first category at the bottom: reverse so the best is on top.
    labels, values = list(labels)[::-1], list(values)[::-1]
    if currency:
        x = [major(v, currency) for v in values]
        texts = [fmt_money(v, currency) for v in values]
    else:
        x = list(values)
        texts = [f"{v:,}{unit}" for v in values]
    fig = go.Figure()
    fig.add_bar(
        x=x,
        y=_axis_labels(labels),
        orientation="h",
        name=name,
        marker={"color": color, "cornerradius": 6},
        text=texts,
        textposition="auto",
        insidetextanchor="end",
        textfont={"size": 12},
        customdata=[[label, text] for label, text in zip(labels, texts, strict=True)],
        hovertemplate="%{customdata[0]}: <b>%{customdata[1]}</b><extra></extra>",
    )
    _base(fig, legend=False)
    fig.update_layout(bargap=0.35, uniformtext={"minsize": 10, "mode": "hide"})
    axis = _money_axis(currency) if currency else _count_axis(values)
    fig.update_xaxes(showgrid=True, gridcolor=GRID, **axis)
    # At least RANK_SLOTS rows tall, so one or two bars are not drawn as slabs; the
    # empty slots sit below the bars.
    slots = max(len(labels), RANK_SLOTS)
    fig.update_yaxes(
        showgrid=False,
        tickfont={"size": 12, "color": INK},
        range=[len(labels) - slots - 0.5, len(labels) - 0.5],
    )
    return fig


def donut_figure(
    labels: Sequence[str],
    values: Sequence[int],
    *,
    colors: dict[str, str] | None = None,
    center: str = "",
    pretty: dict[str, str] | None = None,
) -> go.Figure:
    """A donut (order status mix); the total (or `center`) in the hole."""
    if not labels or not sum(values):
        return empty_figure()
    colors = colors or {}
    names = [(pretty or {}).get(label, str(label).replace("_", " ")) for label in labels]
    fig = go.Figure()
    fig.add_pie(
        labels=names,
        values=list(values),
        hole=0.62,
        sort=False,
        direction="clockwise",
        marker={
            "colors": [
                colors.get(label, PALETTE[i % len(PALETTE)]) for i, label in enumerate(labels)
            ],
            "line": {"color": "white", "width": 2},
        },
        textinfo="percent",
        textposition="inside",
        insidetextorientation="horizontal",
        hovertemplate="%{label}: <b>%{value:,}</b> (%{percent})<extra></extra>",
    )
    fig.add_annotation(
        text=center or f"<b>{sum(values):,}</b><br><span style='font-size:11px'>orders</span>",
        showarrow=False,
        x=0.5,
        y=0.5,
        xref="paper",
        yref="paper",
        font={"size": 18, "color": INK},
    )
    _base(fig)
    fig.update_layout(
        uniformtext={"minsize": 10, "mode": "hide"}, legend={"y": -0.04, "traceorder": "normal"}
    )
    return fig


def tickets_figure(
    buckets: Sequence[date | datetime | str],
    opened: Sequence[int],
    resolved: Sequence[int],
    *,
    granularity: str = "day",
) -> go.Figure:
    """Support tickets opened vs resolved per bucket, as paired bars."""
    if not buckets:
        return empty_figure()
    x = _x_values(buckets)
    fig = go.Figure()
    fig.add_bar(
        x=x,
        y=list(opened),
        name="Opened",
        marker={"color": PINK, "cornerradius": 3},
        hovertemplate="%{y:,} opened<extra></extra>",
    )
    fig.add_bar(
        x=x,
        y=list(resolved),
        name="Resolved",
        marker={"color": GREEN, "cornerradius": 3},
        hovertemplate="%{y:,} resolved<extra></extra>",
    )
    if not any(opened) and not any(resolved):
        fig.add_annotation(
            text="No tickets in this period",
            showarrow=False,
            x=0.5,
            y=0.5,
            xref="paper",
            yref="paper",
            font={"size": 13, "color": MUTED},
        )
    _base(fig)
    fig.update_layout(hovermode="x unified", barmode="group", bargap=0.2, bargroupgap=0.05)
    fig.update_yaxes(**_count_axis([*opened, *resolved]))
    _date_axis(fig, granularity)
    return fig


def money_bars_figure(
    x: Sequence[date | datetime | str],
    series: Sequence[tuple[str, Sequence[int], str]],
    *,
    currency: str,
    granularity: str | None = None,
    horizontal: bool = False,
) -> go.Figure:
    """Grouped money bars: `series` is [(name, minor-unit values, colour), ...].

    Time on the x axis when `granularity` is given (sales by day/week/month); otherwise
    `x` are category labels (products, categories), drawn horizontally when asked.
    """
    if not x:
        return empty_figure()
    labels = _x_values(x) if granularity else [str(v) for v in x]
    if horizontal:
        labels = labels[::-1]
    fig = go.Figure()
    for name, values, color in series:
        values = list(values)[::-1] if horizontal else list(values)
        amounts = [major(v, currency) for v in values]
        hover = [fmt_money(v, currency) for v in values]
        axis_labels = labels if granularity else _axis_labels(labels)
        common = {
            "name": name,
            "marker": {"color": color, "cornerradius": 4},
            "hovertemplate": f"%{{customdata}}<extra>{name}</extra>",
            "customdata": hover,
        }
        if horizontal:
            fig.add_bar(x=amounts, y=axis_labels, orientation="h", **common)
        else:
            fig.add_bar(x=axis_labels, y=amounts, **common)
    _base(fig)
    fig.update_layout(barmode="group", hovermode="y unified" if horizontal else "x unified")
    money_axis = fig.update_xaxes if horizontal else fig.update_yaxes
    money_axis(**_money_axis(currency), showgrid=True, gridcolor=GRID)
    if horizontal:
        slots = max(len(labels), RANK_SLOTS)
        fig.update_yaxes(
            showgrid=False,
            tickfont={"size": 12, "color": INK},
            range=[len(labels) - slots - 0.5, len(labels) - 0.5],
        )
    if granularity:
        _date_axis(fig, granularity)
    return fig


def count_bars_figure(
    labels: Sequence[str],
    values: Sequence[int],
    *,
    name: str = "Customers",
    colors: Sequence[str] | None = None,
) -> go.Figure:
    """Vertical bars of counts per label (customers per RFM segment, per score)."""
    if not labels:
        return empty_figure()
    fig = go.Figure()
    fig.add_bar(
        x=_axis_labels(labels),
        y=list(values),
        name=name,
        marker={"color": list(colors) if colors else VIOLET, "cornerradius": 6},
        text=[f"{v:,}" for v in values],
        textposition="outside",
        cliponaxis=False,
        customdata=list(labels),
        hovertemplate=f"%{{customdata}}: <b>%{{y:,}}</b> {name.lower()}<extra></extra>",
    )
    _base(fig, legend=False)
    fig.update_yaxes(**_count_axis(values))
    return fig


def plot(figure, *, label: str, height: str = "300px", **props) -> rx.Component:
    """A chart filling its card's width, labelled for screen readers."""
    return rx.box(
        rx.plotly.basic(
            data=figure,
            template=EMPTY_TEMPLATE,
            config=CONFIG,
            use_resize_handler=True,
            style={"width": "100%", "height": "100%"},
        ),
        role="img",
        aria_label=label,
        width="100%",
        height=height,
        min_width="0",
        **props,
    )
