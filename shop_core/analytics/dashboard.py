"""The admin dashboard: KPI cards with the change against the previous period, and the
series behind its charts. Every figure is one SQL aggregate (GROUP BY in the database);
nothing loops over orders in Python.

Definitions (money in minor units):
- A *sale* is an order whose status is in `SALE_STATUSES`, counted at its `paid_at`.
- revenue = amount paid of the sales in the period − refunds issued in the period.
- orders = number of sales; average order value = amount paid / orders (before refunds).
- new customers = customer accounts created in the period.
- refunds = sum of refunds issued (`refunds.created_at`) in the period.
- open tickets = tickets opened before the period's end and not resolved by then.
- low-stock variants = variants of active products whose available stock (on hand −
  reserved) is at or below their threshold; a snapshot of now, without comparison.

Permissions: each KPI and section names the permissions that may see it (any one of
them is enough); `dashboard_for(actor, ...)` computes only what the actor may see.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from sqlalchemy import and_, case, func, literal, or_, select, union_all
from sqlmodel import Session

from shop_core.accounts.roles import Perm
from shop_core.accounts.service import UserView, require
from shop_core.analytics.periods import (
    Granularity,
    Period,
    bucket,
    bucket_key,
    bucket_starts,
    check_granularity,
    tune_for_analytics,
)
from shop_core.catalog.models import Category, Product, ProductCategory, Variant
from shop_core.inventory.models import InventoryItem
from shop_core.orders.models import Order, OrderItem, Refund
from shop_core.support.models import Ticket

SALE_STATUSES: tuple[str, ...] = ("paid", "shipped", "delivered", "partially_refunded", "refunded")
STATUS_LABELS: dict[str, str] = {
    "pending_payment": "Pending payment",
    "paid": "Paid",
    "shipped": "Shipped",
    "delivered": "Delivered",
    "cancelled": "Cancelled",
    "payment_failed": "Payment failed",
    "expired": "Expired",
    "partially_refunded": "Partially refunded",
    "refunded": "Refunded",
}

KpiKey = Literal[
    "revenue", "orders", "aov", "new_customers", "refunds", "open_tickets", "low_stock"
]
KPI_KEYS: tuple[str, ...] = (
    "revenue",
    "orders",
    "aov",
    "new_customers",
    "refunds",
    "open_tickets",
    "low_stock",
)
KPI_LABELS: dict[str, str] = {
    "revenue": "Revenue",
    "orders": "Orders",
    "aov": "Average order value",
    "new_customers": "New customers",
    "refunds": "Refunds",
    "open_tickets": "Open tickets",
    "low_stock": "Low-stock variants",
}
KPI_KINDS: dict[str, Literal["money", "count"]] = {
    "revenue": "money",
    "orders": "count",
    "aov": "money",
    "new_customers": "count",
    "refunds": "money",
    "open_tickets": "count",
    "low_stock": "count",
}
# Any one of the permissions is enough.
KPI_PERMISSIONS: dict[str, tuple[Perm, ...]] = {
    "revenue": (Perm.REPORTS_VIEW,),
    "aov": (Perm.REPORTS_VIEW,),
    "refunds": (Perm.REPORTS_VIEW,),
    "orders": (Perm.ORDERS_VIEW, Perm.CUSTOMERS_VIEW, Perm.REPORTS_VIEW),
    "new_customers": (Perm.ORDERS_VIEW, Perm.CUSTOMERS_VIEW, Perm.REPORTS_VIEW),
    "open_tickets": (Perm.SUPPORT_HANDLE,),
    "low_stock": (Perm.INVENTORY_MANAGE, Perm.CATALOG_VIEW),
}
SECTION_PERMISSIONS: dict[str, tuple[Perm, ...]] = {
    "sales_series": (Perm.REPORTS_VIEW,),
    "top_products": (Perm.REPORTS_VIEW,),
    "top_categories": (Perm.REPORTS_VIEW,),
    "status_mix": (Perm.ORDERS_VIEW, Perm.REPORTS_VIEW),
    "tickets_series": (Perm.SUPPORT_HANDLE, Perm.REPORTS_VIEW),
}
# KPIs that describe "now" and have no previous-period figure.
SNAPSHOT_KPIS = frozenset({"low_stock"})


@dataclass(frozen=True)
class Kpi:
    key: str
    label: str
    value: int
    previous: int
    change_pct: float | None  # None: no previous figure to compare with (or it was 0)
    kind: Literal["money", "count"]


@dataclass(frozen=True)
class SeriesPoint:
    bucket: date  # first day of the day/week/month
    revenue: int  # net: paid − refunds issued in the bucket
    orders: int


@dataclass(frozen=True)
class RankedItem:
    id: int | None
    label: str
    revenue: int  # sum of line totals (before order-level discounts and refunds)
    units: int


@dataclass(frozen=True)
class StatusCount:
    status: str
    label: str
    count: int


@dataclass(frozen=True)
class TicketPoint:
    bucket: date
    opened: int
    resolved: int


@dataclass(frozen=True)
class Dashboard:
    """What one actor may see; a section they may not see is None (a KPI is left out)."""

    period: Period
    previous: Period
    granularity: str
    kpis: list[Kpi]
    sales_series: list[SeriesPoint] | None = None
    top_products: list[RankedItem] | None = None
    top_categories: list[RankedItem] | None = None
    status_mix: list[StatusCount] | None = None
    tickets_series: list[TicketPoint] | None = None
    hidden: tuple[str, ...] = field(default_factory=tuple)  # KPI keys and sections withheld


def change_pct(value: int, previous: int) -> float | None:
    """Percentage change, one decimal; None when there is nothing to compare with."""
    if previous == 0:
        return None
    return round((value - previous) * 100.0 / abs(previous), 1)


def _may(actor: UserView, perms: tuple[Perm, ...]) -> bool:
    return any(actor.can(p) for p in perms)


def allowed_kpis(actor: UserView) -> list[str]:
    return [k for k in KPI_KEYS if _may(actor, KPI_PERMISSIONS[k])]


def allowed_sections(actor: UserView) -> list[str]:
    return [s for s, perms in SECTION_PERMISSIONS.items() if _may(actor, perms)]


def require_reports(actor: UserView | None) -> UserView:
    """Financial reports need REPORTS_VIEW (PermissionDenied otherwise)."""
    return require(actor, Perm.REPORTS_VIEW)


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def _sales(period_start, period_end):
    return (
        Order.status.in_(SALE_STATUSES),
        Order.paid_at >= period_start,
        Order.paid_at < period_end,
    )


# --- KPIs -------------------------------------------------------------------------------


def kpis(session: Session, period: Period, keys: list[str] | None = None) -> list[Kpi]:
    """The KPI cards for `period` (all of them, or only `keys`), each against the
    previous period of the same length. One aggregate query per source table."""
    wanted = list(KPI_KEYS) if keys is None else [k for k in KPI_KEYS if k in keys]
    prev = period.previous()
    now: dict[str, int] = {}
    before: dict[str, int] = {}

    if {"revenue", "orders", "aov"} & set(wanted):
        cur = Order.paid_at >= period.start
        row = session.execute(
            select(
                func.coalesce(func.sum(case((cur, Order.amount_paid), else_=0)), 0),
                func.count(case((cur, 1))),
                func.coalesce(func.sum(case((cur, 0), else_=Order.amount_paid)), 0),
                func.count(case((cur, None), else_=1)),
            ).where(*_sales(prev.start, period.end))
        ).one()
        now["paid"], now["orders"], before["paid"], before["orders"] = (int(v) for v in row)
    if {"revenue", "refunds"} & set(wanted):
        cur = Refund.created_at >= period.start
        row = session.execute(
            select(
                func.coalesce(func.sum(case((cur, Refund.amount), else_=0)), 0),
                func.coalesce(func.sum(case((cur, 0), else_=Refund.amount)), 0),
            ).where(Refund.created_at >= prev.start, Refund.created_at < period.end)
        ).one()
        now["refunds"], before["refunds"] = int(row[0]), int(row[1])
    if "new_customers" in wanted:
        from shop_core.accounts.models import User

        cur = User.created_at >= period.start
        row = session.execute(
            select(func.count(case((cur, 1))), func.count(case((cur, None), else_=1))).where(
                User.role == "customer", User.created_at >= prev.start, User.created_at < period.end
            )
        ).one()
        now["new_customers"], before["new_customers"] = int(row[0]), int(row[1])
    if "open_tickets" in wanted:

        def open_at(moment):
            return and_(
                Ticket.created_at < moment,
                or_(Ticket.resolved_at.is_(None), Ticket.resolved_at >= moment),
            )

        row = session.execute(
            select(
                func.count(case((open_at(period.end), 1))),
                func.count(case((open_at(prev.end), 1))),
            ).where(Ticket.created_at < period.end)
        ).one()
        now["open_tickets"], before["open_tickets"] = int(row[0]), int(row[1])
    if "low_stock" in wanted:
        now["low_stock"] = int(
            session.execute(
                select(func.count())
                .select_from(InventoryItem)
                .join(Variant, Variant.id == InventoryItem.variant_id)
                .join(Product, Product.id == Variant.product_id)
                .where(
                    Product.status == "active",
                    InventoryItem.on_hand - InventoryItem.reserved
                    <= InventoryItem.low_stock_threshold,
                )
            ).scalar_one()
        )

    out: list[Kpi] = []
    for key in wanted:
        if key == "revenue":
            value = now["paid"] - now["refunds"]
            previous = before["paid"] - before["refunds"]
        elif key == "aov":
            value = now["paid"] // now["orders"] if now["orders"] else 0
            previous = before["paid"] // before["orders"] if before["orders"] else 0
        elif key in SNAPSHOT_KPIS:
            value, previous = now[key], now[key]
        else:
            value, previous = now[key], before[key]
        out.append(
            Kpi(
                key=key,
                label=KPI_LABELS[key],
                value=value,
                previous=previous,
                change_pct=None if key in SNAPSHOT_KPIS else change_pct(value, previous),
                kind=KPI_KINDS[key],
            )
        )
    return out


# --- series and rankings ---------------------------------------------------------------


def sales_series(
    session: Session, period: Period, granularity: Granularity | str = "day"
) -> list[SeriesPoint]:
    """Net revenue and orders per bucket, every bucket of the period present (zeros)."""
    granularity = check_granularity(granularity)
    dialect = _dialect(session)
    b = bucket(Order.paid_at, granularity, dialect).label("b")
    sales = dict(
        (bucket_key(row[0]), (int(row[1]), int(row[2])))
        for row in session.execute(
            select(b, func.coalesce(func.sum(Order.amount_paid), 0), func.count())
            .where(*_sales(period.start, period.end))
            .group_by(b)
        )
    )
    rb = bucket(Refund.created_at, granularity, dialect).label("b")
    refunds = dict(
        (bucket_key(row[0]), int(row[1]))
        for row in session.execute(
            select(rb, func.coalesce(func.sum(Refund.amount), 0))
            .where(Refund.created_at >= period.start, Refund.created_at < period.end)
            .group_by(rb)
        )
    )
    out = []
    for start in bucket_starts(period, granularity):
        key = start.isoformat()
        paid, orders = sales.get(key, (0, 0))
        out.append(SeriesPoint(bucket=start, revenue=paid - refunds.get(key, 0), orders=orders))
    return out


def top_products(session: Session, period: Period, limit: int = 5) -> list[RankedItem]:
    """Products with the highest sales (sum of line totals) in the period."""
    return top_products_and_categories(session, period, limit)[0]


def top_categories(session: Session, period: Period, limit: int = 5) -> list[RankedItem]:
    """Categories with the highest sales in the period (a product counts in each of its
    categories)."""
    return top_products_and_categories(session, period, limit)[1]


def top_products_and_categories(
    session: Session, period: Period, limit: int = 5
) -> tuple[list[RankedItem], list[RankedItem]]:
    """Both rankings from ONE statement: the lines of the period are aggregated per
    product once (a CTE), then ranked as products and rolled up into categories."""
    limit = max(1, min(limit, 50))
    per_product = (
        select(
            OrderItem.product_id.label("pid"),
            func.sum(OrderItem.line_total).label("revenue"),
            func.sum(OrderItem.quantity).label("units"),
        )
        .join(Order, Order.id == OrderItem.order_id)
        .where(*_sales(period.start, period.end))
        .group_by(OrderItem.product_id)
        .cte("per_product")
    )
    # Titles come from the catalog after grouping, so the lines are read from the
    # covering index alone.
    products = (
        select(
            literal("p").label("kind"),
            per_product.c.pid.label("id"),
            Product.title.label("label"),
            per_product.c.revenue.label("revenue"),
            per_product.c.units.label("units"),
        )
        .outerjoin(Product, Product.id == per_product.c.pid)
        .order_by(per_product.c.revenue.desc(), per_product.c.pid)
        .limit(limit)
        .subquery()
    )
    revenue = func.sum(per_product.c.revenue)
    categories = (
        select(
            literal("c").label("kind"),
            Category.id.label("id"),
            Category.name.label("label"),
            revenue.label("revenue"),
            func.sum(per_product.c.units).label("units"),
        )
        .join(ProductCategory, ProductCategory.product_id == per_product.c.pid)
        .join(Category, Category.id == ProductCategory.category_id)
        .group_by(Category.id, Category.name)
        .order_by(revenue.desc(), Category.id)
        .limit(limit)
        .subquery()
    )
    rows = session.execute(union_all(select(products), select(categories))).all()
    ranked: dict[str, list[RankedItem]] = {"p": [], "c": []}
    for kind, id_, label, rev, units in rows:
        ranked[kind].append(
            RankedItem(
                id=id_,
                label=label or "(deleted product)",
                revenue=int(rev or 0),
                units=int(units or 0),
            )
        )
    order = lambda item: (-item.revenue, item.id if item.id is not None else 0)  # noqa: E731
    return sorted(ranked["p"], key=order), sorted(ranked["c"], key=order)


def status_mix(session: Session, period: Period) -> list[StatusCount]:
    """Orders placed in the period by their current status, largest first."""
    n = func.count()
    rows = session.execute(
        select(Order.status, n)
        .where(Order.created_at >= period.start, Order.created_at < period.end)
        .group_by(Order.status)
        .order_by(n.desc(), Order.status)
    ).all()
    return [
        StatusCount(status=s, label=STATUS_LABELS.get(s, s.replace("_", " ")), count=int(c))
        for s, c in rows
    ]


def tickets_series(
    session: Session, period: Period, granularity: Granularity | str = "day"
) -> list[TicketPoint]:
    """Tickets opened and tickets resolved per bucket."""
    granularity = check_granularity(granularity)
    dialect = _dialect(session)
    ob = bucket(Ticket.created_at, granularity, dialect).label("b")
    opened = dict(
        (bucket_key(row[0]), int(row[1]))
        for row in session.execute(
            select(ob, func.count())
            .where(Ticket.created_at >= period.start, Ticket.created_at < period.end)
            .group_by(ob)
        )
    )
    rb = bucket(Ticket.resolved_at, granularity, dialect).label("b")
    resolved = dict(
        (bucket_key(row[0]), int(row[1]))
        for row in session.execute(
            select(rb, func.count())
            .where(Ticket.resolved_at >= period.start, Ticket.resolved_at < period.end)
            .group_by(rb)
        )
    )
    return [
        TicketPoint(
            bucket=start,
            opened=opened.get(start.isoformat(), 0),
            resolved=resolved.get(start.isoformat(), 0),
        )
        for start in bucket_starts(period, granularity)
    ]


# --- the whole dashboard for one actor ---------------------------------------------------


def dashboard_for(
    session: Session,
    actor: UserView,
    period: Period,
    granularity: Granularity | str | None = None,
    *,
    top_n: int = 5,
) -> Dashboard:
    """Everything on the dashboard the actor may see (staff only)."""
    require(actor, Perm.ADMIN_ACCESS)
    tune_for_analytics(session)
    granularity = check_granularity(granularity or period.default_granularity())
    keys = allowed_kpis(actor)
    sections = set(allowed_sections(actor))
    hidden = tuple(k for k in KPI_KEYS if k not in keys) + tuple(
        s for s in SECTION_PERMISSIONS if s not in sections
    )
    ranked: tuple[list[RankedItem], list[RankedItem]] = ([], [])
    if {"top_products", "top_categories"} & sections:
        ranked = top_products_and_categories(session, period, top_n)
    return Dashboard(
        period=period,
        previous=period.previous(),
        granularity=granularity,
        kpis=kpis(session, period, keys) if keys else [],
        sales_series=sales_series(session, period, granularity)
        if "sales_series" in sections
        else None,
        top_products=ranked[0] if "top_products" in sections else None,
        top_categories=ranked[1] if "top_categories" in sections else None,
        status_mix=status_mix(session, period) if "status_mix" in sections else None,
        tickets_series=tickets_series(session, period, granularity)
        if "tickets_series" in sections
        else None,
        hidden=hidden,
    )
