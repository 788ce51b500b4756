"""Reports: sales by day/week/month, by product and by category; inventory valuation and
low stock; customer insights (RFM scores and an LTV estimate); the orders list.

Each returns a `ReportTable` (labelled columns, one page of rows, totals over all rows,
the total row count) computed by ONE SQL query: totals and the row count come from
window functions over the grouped result (`SUM(..) OVER ()`, `COUNT(*) OVER ()`), so a
page costs a single pass over the data. The same queries, unpaginated, feed the CSV
exports (`iter_report`), streamed from the database.

Sales definitions (money in integer minor units; a sale is an order in
`SALE_STATUSES`, dated by its `paid_at`):
- gross = sum of line totals (the order subtotal: unit price × quantity);
- discounts = the order's `discount_total`; refunds = the order's `amount_refunded`
  (whenever refunded, so it may include refunded shipping or tax). By product and by
  category, an order's discounts and refunds are spread over its lines by each line's
  share of the subtotal;
- net = gross − discounts − refunds;
- cost = unit cost snapshot × quantity (0 when no cost was recorded);
- margin = net − cost; margin % = margin / net.

RFM (customers are identified by the order email): over the customers who bought in
the period, R = quintile of the last purchase date (most recent = 5), F = quintile of
the number of orders, M = quintile of net spend (paid − refunded), with SQL `NTILE(5)`
(ties broken by the first order, so equal values may straddle a boundary).

LTV estimate = average order value × purchase frequency × expected lifespan
            = (net spend / orders) × (orders / max(tenure in years, 1)) × 3 years,
where tenure runs from the customer's first purchase in the period to the period end.
The one-year floor keeps a brand-new customer from being extrapolated from a few days.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from sqlalchemy import Float, Select, cast, func, literal, select, union_all
from sqlmodel import Session

from shop_core.accounts.models import User
from shop_core.accounts.service import UserView
from shop_core.analytics.dashboard import SALE_STATUSES, STATUS_LABELS, require_reports
from shop_core.analytics.periods import (
    Period,
    bucket,
    bucket_key,
    check_granularity,
    resolve_period,
    tune_for_analytics,
)
from shop_core.catalog.models import Category, Product, ProductCategory, Variant
from shop_core.errors import InvalidInput
from shop_core.inventory.models import InventoryItem
from shop_core.orders.models import Order, OrderItem
from shop_core.pagination import check_paging

ColumnKind = Literal["text", "date", "money", "count", "percent", "score"]
LIFESPAN_YEARS = 3
MAX_REPORT_PER_PAGE = 400  # a year by day fits one page


@dataclass(frozen=True)
class ReportColumn:
    key: str
    label: str
    kind: ColumnKind = "text"


@dataclass(frozen=True)
class ReportTable:
    """One page of a report. Rows are dicts keyed by column key with plain values
    (str/int/float/None; dates as 'YYYY-MM-DD'); `totals` covers every row, not just
    this page (None for reports without meaningful totals)."""

    kind: str
    title: str
    columns: tuple[ReportColumn, ...]
    rows: list[dict[str, Any]]
    totals: dict[str, Any] | None
    total_rows: int
    page: int
    per_page: int
    period: Period | None = None
    granularity: str | None = None
    notes: str = ""

    @property
    def pages(self) -> int:
        return max(1, -(-self.total_rows // self.per_page))


@dataclass(frozen=True)
class ReportSpec:
    kind: str
    title: str
    columns: tuple[ReportColumn, ...]
    uses_period: bool = True
    uses_granularity: bool = False
    notes: str = ""
    chart: dict[str, str] = field(default_factory=dict)  # x / y column keys for a chart


def _c(key: str, label: str, kind: ColumnKind = "text") -> ReportColumn:
    return ReportColumn(key, label, kind)


_SALES_MONEY = (
    _c("gross", "Gross sales", "money"),
    _c("discounts", "Discounts", "money"),
    _c("refunds", "Refunds", "money"),
    _c("net", "Net sales", "money"),
    _c("units", "Units", "count"),
    _c("cost", "Cost", "money"),
    _c("margin", "Margin", "money"),
    _c("margin_pct", "Margin %", "percent"),
)

SPECS: dict[str, ReportSpec] = {
    "sales_by_period": ReportSpec(
        "sales_by_period",
        "Sales over time",
        (_c("bucket", "Period", "date"), _c("orders", "Orders", "count"), *_SALES_MONEY),
        uses_granularity=True,
        chart={"x": "bucket", "y": "net"},
    ),
    "sales_by_product": ReportSpec(
        "sales_by_product",
        "Sales by product",
        (
            _c("product_id", "Product ID", "count"),
            _c("product", "Product"),
            _c("orders", "Order lines", "count"),
            *_SALES_MONEY,
        ),
        chart={"x": "product", "y": "net"},
    ),
    "sales_by_category": ReportSpec(
        "sales_by_category",
        "Sales by category",
        (
            _c("category_id", "Category ID", "count"),
            _c("category", "Category"),
            _c("orders", "Order lines", "count"),
            *_SALES_MONEY,
        ),
        notes="A product in several categories counts in each of them.",
        chart={"x": "category", "y": "net"},
    ),
    "inventory_valuation": ReportSpec(
        "inventory_valuation",
        "Inventory valuation",
        (
            _c("sku", "SKU"),
            _c("product", "Product"),
            _c("variant", "Variant"),
            _c("on_hand", "On hand", "count"),
            _c("unit_cost", "Unit cost", "money"),
            _c("unit_price", "Unit price", "money"),
            _c("value_at_cost", "Value at cost", "money"),
            _c("value_at_price", "Value at price", "money"),
        ),
        uses_period=False,
        notes="Stock on hand now, valued at each variant's cost and at its price.",
        chart={"x": "sku", "y": "value_at_cost"},
    ),
    "low_stock": ReportSpec(
        "low_stock",
        "Low stock",
        (
            _c("sku", "SKU"),
            _c("product", "Product"),
            _c("variant", "Variant"),
            _c("available", "Available", "count"),
            _c("threshold", "Threshold", "count"),
            _c("on_hand", "On hand", "count"),
            _c("reserved", "Reserved", "count"),
        ),
        uses_period=False,
        notes="Variants of active products at or below their low-stock threshold.",
        chart={"x": "sku", "y": "available"},
    ),
    "customer_rfm": ReportSpec(
        "customer_rfm",
        "Customer insights (RFM & LTV)",
        (
            _c("email", "Email"),
            _c("name", "Name"),
            _c("orders", "Orders", "count"),
            _c("monetary", "Net spend", "money"),
            _c("last_order", "Last order", "date"),
            _c("days_since", "Days since last order", "count"),
            _c("r", "R", "score"),
            _c("f", "F", "score"),
            _c("m", "M", "score"),
            _c("rfm", "RFM"),
            _c("segment", "Segment"),
            _c("ltv", "LTV estimate", "money"),
        ),
        notes=(
            "R, F, M are quintiles 1-5 among customers who bought in the period. "
            f"LTV = average order value × orders per year (tenure at least 1 year) × "
            f"{LIFESPAN_YEARS} years."
        ),
        chart={"x": "segment", "y": "monetary"},
    ),
    "orders": ReportSpec(
        "orders",
        "Orders",
        (
            _c("number", "Order"),
            _c("paid_at", "Paid at", "date"),
            _c("email", "Email"),
            _c("status", "Status"),
            _c("subtotal", "Subtotal", "money"),
            _c("discount", "Discount", "money"),
            _c("shipping", "Shipping", "money"),
            _c("tax", "Tax", "money"),
            _c("total", "Total", "money"),
            _c("paid", "Paid", "money"),
            _c("refunded", "Refunded", "money"),
        ),
        notes="Every sale paid in the period.",
    ),
}
REPORT_KINDS: tuple[str, ...] = tuple(SPECS)
REPORT_LABELS: dict[str, str] = {k: s.title for k, s in SPECS.items()}


def _check_kind(kind: str) -> ReportSpec:
    spec = SPECS.get(kind)
    if spec is None:
        raise InvalidInput("Unknown report.", fields={"kind": f"One of {', '.join(SPECS)}."})
    return spec


def _paging(page: int, per_page: int) -> None:
    if per_page > MAX_REPORT_PER_PAGE:
        raise InvalidInput(
            f"per_page must be between 1 and {MAX_REPORT_PER_PAGE}.",
            fields={"per_page": f"Between 1 and {MAX_REPORT_PER_PAGE}."},
        )
    check_paging(page, min(per_page, 100))


def _sales(period: Period) -> tuple:
    return (
        Order.status.in_(SALE_STATUSES),
        Order.paid_at >= period.start,
        Order.paid_at < period.end,
    )


def _num(x: Any) -> int:
    return int(round(float(x or 0)))


def _sales_cells(gross, discounts, refunds, units, cost) -> dict[str, Any]:
    gross, discounts, refunds, cost = _num(gross), _num(discounts), _num(refunds), _num(cost)
    net = gross - discounts - refunds
    margin = net - cost
    return {
        "gross": gross,
        "discounts": discounts,
        "refunds": refunds,
        "net": net,
        "units": _num(units),
        "cost": cost,
        "margin": margin,
        "margin_pct": round(margin * 100.0 / net, 1) if net else None,
    }


# --- query builders: (select, row -> dict, totals row -> dict | None) -------------------
# Each select returns the report's columns plus `_rows` (COUNT(*) OVER ()) and `_t_*`
# window totals, so one round trip serves a page, its row count and its totals.


@dataclass(frozen=True)
class _Query:
    stmt: Select
    row: Callable[[Any], dict[str, Any]]
    totals: Callable[[Any], dict[str, Any]] | None
    order_by: tuple
    # Row-level reports count separately (an index-only count), so their pages and
    # streams follow an index instead of materialising a COUNT(*) OVER () window.
    count: Select | None = None


def _line_share(amount_column) -> Any:
    """An order-level amount spread over a line by its share of the subtotal."""
    return cast(OrderItem.line_total, Float) * amount_column / func.nullif(Order.subtotal, 0)


def _sales_by_period(session: Session, period: Period, granularity: str) -> _Query:
    """Order amounts and line quantities/costs meet in one UNION ALL grouped by bucket, so
    neither is multiplied by the other and nothing is grouped per order first."""
    dialect = session.get_bind().dialect.name
    b = bucket(Order.paid_at, granularity, dialect)
    zero = literal(0)
    order_part = select(
        b.label("bucket"),
        literal(1).label("orders"),
        Order.subtotal.label("gross"),
        Order.discount_total.label("discounts"),
        Order.amount_refunded.label("refunds"),
        zero.label("units"),
        zero.label("cost"),
    ).where(*_sales(period))
    line_part = (
        select(
            b.label("bucket"),
            zero,
            zero,
            zero,
            zero,
            OrderItem.quantity,
            func.coalesce(OrderItem.unit_cost, 0) * OrderItem.quantity,
        )
        .join(Order, Order.id == OrderItem.order_id)
        .where(*_sales(period))
    )
    both = union_all(order_part, line_part).subquery()
    grouped = (
        select(
            both.c.bucket,
            *_sales_sums(both),
        )
        .group_by(both.c.bucket)
        .subquery()
    )
    return _windowed(grouped, ("bucket", "orders"), order_by=(grouped.c.bucket,))


_SALES_KEYS = ("orders", "gross", "discounts", "refunds", "units", "cost")


def _sales_sums(sub) -> list:
    """SUM() of each sales column of a subquery, under the same names."""
    return [func.sum(sub.c[k]).label(k) for k in _SALES_KEYS]


def _windowed(grouped, label_keys: tuple[str, ...], order_by: tuple) -> _Query:
    """Add the row count and sales totals windows to a grouped sales subquery."""
    stmt = select(
        grouped,
        func.count().over().label("_rows"),
        *[func.sum(grouped.c[k]).over().label(f"_t_{k}") for k in _SALES_KEYS],
    )

    def row(r) -> dict[str, Any]:
        out = {k: r._mapping[k] for k in label_keys}
        if "bucket" in out:
            out["bucket"] = bucket_key(out["bucket"])
        out["orders"] = int(r.orders or 0)
        out.update(_sales_cells(r.gross, r.discounts, r.refunds, r.units, r.cost))
        return out

    def totals(r) -> dict[str, Any]:
        m = r._mapping
        out = {"orders": _num(m["_t_orders"])}
        out.update(
            _sales_cells(
                m["_t_gross"], m["_t_discounts"], m["_t_refunds"], m["_t_units"], m["_t_cost"]
            )
        )
        return out

    return _Query(stmt, row, totals, order_by)


def _per_product(period: Period):
    return (
        select(
            OrderItem.product_id.label("product_id"),
            func.count().label("orders"),
            func.sum(OrderItem.line_total).label("gross"),
            func.sum(_line_share(Order.discount_total)).label("discounts"),
            func.sum(_line_share(Order.amount_refunded)).label("refunds"),
            func.sum(OrderItem.quantity).label("units"),
            func.sum(func.coalesce(OrderItem.unit_cost, 0) * OrderItem.quantity).label("cost"),
        )
        .join(Order, Order.id == OrderItem.order_id)
        .where(*_sales(period))
        .group_by(OrderItem.product_id)
    )


def _net(sub):
    return sub.c.gross - sub.c.discounts - sub.c.refunds


def _sales_by_product(session: Session, period: Period) -> _Query:
    per_product = _per_product(period).subquery()
    # The title comes from the catalog after grouping (the lines stay index-only).
    grouped = (
        select(
            per_product,
            func.coalesce(Product.title, "(deleted product)").label("product"),
        )
        .outerjoin(Product, Product.id == per_product.c.product_id)
        .subquery()
    )
    return _windowed(
        grouped, ("product_id", "product"), order_by=(_net(grouped).desc(), grouped.c.product_id)
    )


def _sales_by_category(session: Session, period: Period) -> _Query:
    per_product = _per_product(period).subquery()
    grouped = (
        select(
            Category.id.label("category_id"),
            Category.name.label("category"),
            *_sales_sums(per_product),
        )
        .join(ProductCategory, ProductCategory.product_id == per_product.c.product_id)
        .join(Category, Category.id == ProductCategory.category_id)
        .group_by(Category.id, Category.name)
        .subquery()
    )
    q = _windowed(
        grouped,
        ("category_id", "category"),
        order_by=(_net(grouped).desc(), grouped.c.category_id),
    )
    return q


def _stock_select(*columns) -> Select:
    """Inventory items with their variant's SKU and options and the product title."""
    return (
        select(
            Variant.sku.label("sku"),
            Product.title.label("product"),
            Variant.option_values.label("options"),
            *columns,
        )
        .join(Variant, Variant.id == InventoryItem.variant_id)
        .join(Product, Product.id == Variant.product_id)
    )


def _stock_cells(r) -> dict[str, Any]:
    return {"sku": r.sku, "product": r.product, "variant": _variant_title(r.options)}


def _inventory_valuation(session: Session) -> _Query:
    cost = func.coalesce(Variant.cost_price, 0)
    at_cost = (InventoryItem.on_hand * cost).label("value_at_cost")
    at_price = (InventoryItem.on_hand * Variant.price).label("value_at_price")
    inner = (
        _stock_select(
            InventoryItem.on_hand.label("on_hand"),
            Variant.cost_price.label("unit_cost"),
            Variant.price.label("unit_price"),
            at_cost,
            at_price,
        )
        .where(Product.status != "archived")
        .subquery()
    )
    stmt = select(
        inner,
        func.count().over().label("_rows"),
        func.sum(inner.c.on_hand).over().label("_t_on_hand"),
        func.sum(inner.c.value_at_cost).over().label("_t_cost"),
        func.sum(inner.c.value_at_price).over().label("_t_price"),
    )

    def row(r) -> dict[str, Any]:
        return {
            **_stock_cells(r),
            "on_hand": int(r.on_hand),
            "unit_cost": r.unit_cost,
            "unit_price": int(r.unit_price),
            "value_at_cost": int(r.value_at_cost),
            "value_at_price": int(r.value_at_price),
        }

    def totals(r) -> dict[str, Any]:
        return {
            "on_hand": _num(r._t_on_hand),
            "value_at_cost": _num(r._t_cost),
            "value_at_price": _num(r._t_price),
        }

    return _Query(stmt, row, totals, (inner.c.value_at_cost.desc(), inner.c.sku))


def _variant_title(options: Any) -> str:
    if isinstance(options, dict) and options:
        return " / ".join(str(v) for v in options.values())
    return ""


def _low_stock(session: Session) -> _Query:
    available = (InventoryItem.on_hand - InventoryItem.reserved).label("available")
    inner = (
        _stock_select(
            available,
            InventoryItem.low_stock_threshold.label("threshold"),
            InventoryItem.on_hand.label("on_hand"),
            InventoryItem.reserved.label("reserved"),
        )
        .where(
            Product.status == "active",
            InventoryItem.on_hand - InventoryItem.reserved <= InventoryItem.low_stock_threshold,
        )
        .subquery()
    )
    stmt = select(inner, func.count().over().label("_rows"))

    def row(r) -> dict[str, Any]:
        return {
            **_stock_cells(r),
            "available": int(r.available),
            "threshold": int(r.threshold),
            "on_hand": int(r.on_hand),
            "reserved": int(r.reserved),
        }

    return _Query(stmt, row, None, (inner.c.available, inner.c.sku))


def rfm_segment(r: int, f: int) -> str:
    """A readable name for an R/F combination."""
    if r >= 4 and f >= 4:
        return "Champions"
    if r >= 3 and f >= 3:
        return "Loyal"
    if r >= 4:
        return "Promising"
    if r <= 2 and f >= 3:
        return "At risk"
    if r <= 2:
        return "Hibernating"
    return "Needs attention"


def ltv_estimate(monetary: int, orders: int, first_order: datetime, as_of: datetime) -> int:
    """Average order value × orders per year × LIFESPAN_YEARS (see the module docstring)."""
    if orders <= 0:
        return 0
    tenure_years = max((as_of - first_order).total_seconds() / (365.0 * 86400), 1.0)
    aov = monetary / orders
    return int(round(aov * (orders / tenure_years) * LIFESPAN_YEARS))


def _customer_rfm(session: Session, period: Period) -> _Query:
    per_customer = (
        select(
            Order.email.label("email"),
            func.max(Order.user_id).label("user_id"),
            func.count().label("orders"),
            func.sum(Order.amount_paid - Order.amount_refunded).label("monetary"),
            func.max(Order.paid_at).label("last_at"),
            func.min(Order.paid_at).label("first_at"),
            # An integer tie-breaker: ordering by email text (a collation) is far slower.
            func.min(Order.id).label("first_id"),
        )
        .where(*_sales(period))
        .group_by(Order.email)
        .subquery()
    )
    c = per_customer.c
    scored = select(
        per_customer,
        func.ntile(5).over(order_by=(c.last_at, c.first_id)).label("r"),
        func.ntile(5).over(order_by=(c.orders, c.first_id)).label("f"),
        func.ntile(5).over(order_by=(c.monetary, c.first_id)).label("m"),
        func.count().over().label("_rows"),
        func.sum(c.orders).over().label("_t_orders"),
        func.sum(c.monetary).over().label("_t_monetary"),
    ).subquery()
    stmt = select(scored, User.name.label("name")).outerjoin(User, User.id == scored.c.user_id)
    as_of = period.end

    def row(x) -> dict[str, Any]:
        last = _aware(x.last_at)
        first = _aware(x.first_at)
        r, f, m = int(x.r), int(x.f), int(x.m)
        return {
            "email": x.email,
            "name": x.name or "",
            "orders": int(x.orders),
            "monetary": int(x.monetary),
            "last_order": last.date().isoformat(),
            "days_since": max(0, (as_of - last).days),
            "r": r,
            "f": f,
            "m": m,
            "rfm": f"{r}{f}{m}",
            "segment": rfm_segment(r, f),
            "ltv": ltv_estimate(int(x.monetary), int(x.orders), first, as_of),
        }

    def totals(x) -> dict[str, Any]:
        return {"orders": _num(x._t_orders), "monetary": _num(x._t_monetary)}

    return _Query(stmt, row, totals, (scored.c.monetary.desc(), scored.c.first_id))


def _orders(session: Session, period: Period) -> _Query:
    inner = (
        select(
            Order.id.label("id"),
            Order.number.label("number"),
            Order.paid_at.label("paid_at"),
            Order.email.label("email"),
            Order.status.label("status"),
            Order.subtotal.label("subtotal"),
            Order.discount_total.label("discount"),
            Order.shipping_total.label("shipping"),
            Order.tax_total.label("tax"),
            Order.total.label("total"),
            Order.amount_paid.label("paid"),
            Order.amount_refunded.label("refunded"),
        )
        .where(*_sales(period))
        .subquery()
    )
    stmt = select(inner)
    count = select(func.count()).select_from(Order).where(*_sales(period))

    def row(x) -> dict[str, Any]:
        return {
            "number": x.number,
            "paid_at": _aware(x.paid_at).strftime("%Y-%m-%d %H:%M"),
            "email": x.email,
            "status": STATUS_LABELS.get(x.status, x.status),
            "subtotal": x.subtotal,
            "discount": x.discount,
            "shipping": x.shipping,
            "tax": x.tax,
            "total": x.total,
            "paid": x.paid,
            "refunded": x.refunded,
        }

    return _Query(stmt, row, None, (inner.c.paid_at, inner.c.id), count=count)


def _aware(value: Any) -> datetime:
    if isinstance(value, str):  # SQLite text through an aggregate without a type
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


# --- the public API ---------------------------------------------------------------------


def _query(session: Session, kind: str, period: Period | None, granularity: str | None) -> _Query:
    if kind == "sales_by_period":
        return _sales_by_period(session, period, granularity or "day")
    if kind == "sales_by_product":
        return _sales_by_product(session, period)
    if kind == "sales_by_category":
        return _sales_by_category(session, period)
    if kind == "inventory_valuation":
        return _inventory_valuation(session)
    if kind == "low_stock":
        return _low_stock(session)
    if kind == "customer_rfm":
        return _customer_rfm(session, period)
    return _orders(session, period)


def report(
    session: Session,
    kind: str,
    period: Period | None = None,
    *,
    granularity: str | None = None,
    page: int = 1,
    per_page: int = 50,
) -> ReportTable:
    """One page of report `kind` for `period` (ignored by snapshot reports). No permission
    check here: callers go through `run_report` or check REPORTS_VIEW themselves."""
    spec = _check_kind(kind)
    _paging(page, per_page)
    if spec.uses_period and period is None:
        raise InvalidInput("Choose a date range.", fields={"period": "Required."})
    if spec.uses_granularity:
        granularity = check_granularity(granularity or period.default_granularity())
    else:
        granularity = None
    q = _query(session, kind, period if spec.uses_period else None, granularity)
    tune_for_analytics(session)
    rows = session.execute(
        q.stmt.order_by(*q.order_by).limit(per_page).offset((page - 1) * per_page)
    ).all()
    if q.count is not None:
        total_rows = int(session.execute(q.count).scalar_one())
    else:
        total_rows = int(rows[0]._rows) if rows else 0
    totals = None
    if q.totals is not None:
        totals = q.totals(rows[0]) if rows else q.totals(_Zero())
    if total_rows == 0 and page > 1:
        # Past the end: still tell the caller how many rows there are.
        total_rows = int(
            session.execute(select(func.count()).select_from(q.stmt.subquery())).scalar_one()
        )
    return ReportTable(
        kind=kind,
        title=spec.title,
        columns=spec.columns,
        rows=[q.row(r) for r in rows],
        totals=totals,
        total_rows=total_rows,
        page=page,
        per_page=per_page,
        period=period if spec.uses_period else None,
        granularity=granularity,
        notes=spec.notes,
    )


class _Zero:
    """Stands in for the window-totals row of an empty report."""

    def __getattr__(self, name: str) -> int:
        return 0

    @property
    def _mapping(self) -> dict[str, int]:
        return _ZeroMap()


class _ZeroMap(dict):
    def __missing__(self, key: str) -> int:
        return 0


def parse_params(kind: str, params: dict[str, Any]) -> tuple[Period | None, str | None]:
    """The period and granularity a UI/API params dict asks for:
    {"preset": "30d"} or {"start": "YYYY-MM-DD", "end": "YYYY-MM-DD"}, "granularity"."""
    spec = _check_kind(kind)
    period = None
    if spec.uses_period:
        period = resolve_period(
            params.get("preset") or ("custom" if params.get("start") else "30d"),
            start=params.get("start"),
            end=params.get("end"),
        )
    granularity = None
    if spec.uses_granularity:
        granularity = check_granularity(params.get("granularity") or period.default_granularity())
    return period, granularity


def run_report(
    session: Session,
    actor: UserView | None,
    kind: str,
    period: Period | None = None,
    *,
    granularity: str | None = None,
    page: int = 1,
    per_page: int = 50,
) -> ReportTable:
    """`report` behind the REPORTS_VIEW permission (PermissionDenied otherwise)."""
    require_reports(actor)
    return report(session, kind, period, granularity=granularity, page=page, per_page=per_page)


def iter_report(
    session: Session,
    kind: str,
    period: Period | None = None,
    *,
    granularity: str | None = None,
    batch: int = 2000,
) -> tuple[tuple[ReportColumn, ...], int, Iterator[dict[str, Any]]]:
    """Every row of a report, streamed from the database (server-side cursor on
    PostgreSQL, `yield_per` batches): (columns, row count, rows)."""
    spec = _check_kind(kind)
    if spec.uses_granularity:
        granularity = check_granularity(granularity or period.default_granularity())
    q = _query(session, kind, period if spec.uses_period else None, granularity)
    tune_for_analytics(session)
    base = q.stmt.order_by(*q.order_by)
    counted = int(session.execute(q.count).scalar_one()) if q.count is not None else None
    result = session.execute(base.execution_options(yield_per=batch, stream_results=True))
    first = result.fetchone()
    # Otherwise the row count rides on every row (COUNT(*) OVER ()); read it from the first.
    count = counted if counted is not None else (int(first._rows) if first is not None else 0)

    def rows() -> Iterator[dict[str, Any]]:
        if first is None:
            return
        yield q.row(first)
        for r in result:
            yield q.row(r)

    return spec.columns, count, rows()


__all__ = [
    "LIFESPAN_YEARS",
    "REPORT_KINDS",
    "REPORT_LABELS",
    "SPECS",
    "ReportColumn",
    "ReportSpec",
    "ReportTable",
    "iter_report",
    "ltv_estimate",
    "parse_params",
    "report",
    "rfm_segment",
    "run_report",
]
