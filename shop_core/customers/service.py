"""Customer list, profile and tags for the back office.

Reads take no actor: callers check `accounts.require(user, Perm.CUSTOMERS_VIEW)` at the
edge (REST dependency, `@admin_event`). Tag changes take the acting staff member and check
CUSTOMERS_VIEW themselves (support and marketers tag customers); they are audited.

Money is integer minor units. "Spent" is net of refunds: the sum over sales orders
(status in SALE_STATUSES) of `total - amount_refunded`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import ColumnElement, delete, exists, func, or_, select
from sqlalchemy.sql import Select
from sqlmodel import Session

from shop_core.accounts.models import User
from shop_core.accounts.roles import Perm, Role
from shop_core.accounts.service import UserView, require
from shop_core.audit import service as audit
from shop_core.customers.models import CustomerTag
from shop_core.errors import InvalidInput, NotFound
from shop_core.orders.models import Address, Order, OrderItem
from shop_core.pagination import Page, check_paging
from shop_core.support.models import Ticket

SALE_STATUSES = ("paid", "shipped", "delivered", "partially_refunded", "refunded")
TAG_MAX_LENGTH = 40

CustomerSort = Literal[
    "newest",  # created_at desc (default)
    "oldest",
    "name",
    "spent_desc",
    "spent_asc",
    "orders_desc",
    "last_order_desc",
    "last_order_asc",
]
CUSTOMER_SORTS: tuple[str, ...] = (
    "newest",
    "oldest",
    "name",
    "spent_desc",
    "spent_asc",
    "orders_desc",
    "last_order_desc",
    "last_order_asc",
)


@dataclass(frozen=True)
class CustomerRow:
    id: int
    name: str
    email: str
    created_at: datetime
    orders_count: int  # sales orders only
    total_spent: int  # net of refunds, minor units
    last_order_at: datetime | None
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class AddressRow:
    id: int
    name: str
    line1: str
    line2: str | None
    city: str
    region: str | None
    postal_code: str
    country: str
    is_default: bool


@dataclass(frozen=True)
class CustomerOrderRow:
    id: int
    number: str
    status: str
    created_at: datetime
    total: int
    amount_refunded: int
    items_count: int  # sum of quantities


@dataclass(frozen=True)
class CustomerTicketRow:
    id: int
    number: str
    subject: str
    status: str
    priority: str
    created_at: datetime
    resolved_at: datetime | None


@dataclass(frozen=True)
class CustomerProfile:
    id: int
    name: str
    email: str
    is_active: bool
    created_at: datetime
    last_login_at: datetime | None
    orders_count: int  # sales orders
    lifetime_value: int  # net spent: sales totals minus refunds
    refunds_total: int
    average_order_value: int  # lifetime_value // orders_count (0 without orders)
    first_order_at: datetime | None
    last_order_at: datetime | None
    open_tickets: int
    tags: tuple[str, ...]
    addresses: tuple[AddressRow, ...]
    orders: Page[CustomerOrderRow]  # every order of the customer (any status), newest first
    tickets: Page[CustomerTicketRow]  # newest first


@dataclass(frozen=True)
class TagCount:
    tag: str
    customers: int


_TAG_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_UNRESOLVED_TICKETS = ("open", "in_progress", "waiting_on_customer")


def normalize_tag(raw: str) -> str:
    """Lowercase, trimmed, spaces to dashes; InvalidInput (422) unless it then matches
    [a-z0-9][a-z0-9-_]* and is at most TAG_MAX_LENGTH characters."""
    tag = re.sub(r"\s+", "-", (raw or "").strip().lower())
    if not tag:
        raise InvalidInput("Enter a tag.", fields={"tag": "Required."})
    if len(tag) > TAG_MAX_LENGTH:
        raise InvalidInput(
            f"Tags are at most {TAG_MAX_LENGTH} characters.",
            fields={"tag": f"At most {TAG_MAX_LENGTH} characters."},
        )
    if not _TAG_RE.match(tag):
        raise InvalidInput(
            "Tags use lowercase letters, digits, dashes and underscores.",
            fields={"tag": "Letters, digits, '-' and '_' only, starting with a letter or digit."},
        )
    return tag


# --- the one aggregate every customer list is built on ------------------------------


def sales_by_customer():
    """Per customer: sales orders, net spent (totals minus refunds), last order time."""
    return (
        select(
            Order.user_id.label("user_id"),
            func.count(Order.id).label("orders_count"),
            func.sum(Order.total - Order.amount_refunded).label("spent"),
            func.max(Order.created_at).label("last_order_at"),
        )
        .where(Order.user_id.is_not(None), Order.status.in_(SALE_STATUSES))
        .group_by(Order.user_id)
        .subquery("sales")
    )


@dataclass(frozen=True)
class CustomerQuery:
    """A SELECT of customer rows plus the expressions filters and sorts refer to."""

    stmt: Select
    orders_count: ColumnElement
    spent: ColumnElement
    last_order_at: ColumnElement


def customer_query() -> CustomerQuery:
    sales = sales_by_customer()
    orders_count = func.coalesce(sales.c.orders_count, 0)
    spent = func.coalesce(sales.c.spent, 0)
    stmt = (
        select(
            User.id.label("id"),
            User.name.label("name"),
            User.email.label("email"),
            User.created_at.label("created_at"),
            orders_count.label("orders_count"),
            spent.label("total_spent"),
            sales.c.last_order_at.label("last_order_at"),
        )
        .select_from(User)
        .outerjoin(sales, sales.c.user_id == User.id)
        .where(User.role == Role.CUSTOMER.value)
    )
    return CustomerQuery(stmt, orders_count, spent, sales.c.last_order_at)


def _order_by(cq: CustomerQuery, sort: str) -> list:
    last = cq.last_order_at
    orders = {
        "newest": [User.created_at.desc(), User.id.desc()],
        "oldest": [User.created_at.asc(), User.id.asc()],
        "name": [func.lower(User.name).asc(), User.id.asc()],
        "spent_desc": [cq.spent.desc(), User.id.asc()],
        "spent_asc": [cq.spent.asc(), User.id.asc()],
        "orders_desc": [cq.orders_count.desc(), User.id.asc()],
        # customers who never ordered go last either way (portable NULLS LAST)
        "last_order_desc": [last.is_(None), last.desc(), User.id.asc()],
        "last_order_asc": [last.is_(None), last.asc(), User.id.asc()],
    }
    if sort not in orders:
        raise InvalidInput("Unknown sort.", fields={"sort": "One of " + ", ".join(CUSTOMER_SORTS)})
    return orders[sort]


def tags_by_user(session: Session, user_ids: list[int]) -> dict[int, tuple[str, ...]]:
    """Tags of many customers in one query."""
    if not user_ids:
        return {}
    found: dict[int, list[str]] = {}
    rows = session.execute(
        select(CustomerTag.user_id, CustomerTag.tag)
        .where(CustomerTag.user_id.in_(user_ids))
        .order_by(CustomerTag.user_id, CustomerTag.tag)
    )
    for user_id, tag in rows:
        found.setdefault(user_id, []).append(tag)
    return {uid: tuple(tags) for uid, tags in found.items()}


def _rows_to_items(session: Session, rows) -> list[CustomerRow]:
    tags = tags_by_user(session, [r.id for r in rows])
    return [
        CustomerRow(
            id=r.id,
            name=r.name,
            email=r.email,
            created_at=r.created_at,
            orders_count=int(r.orders_count),
            total_spent=int(r.total_spent),
            last_order_at=r.last_order_at,
            tags=tags.get(r.id, ()),
        )
        for r in rows
    ]


def _page_with_total(session: Session, stmt: Select, *, page: int, per_page: int):
    """One page plus the total row count in the same query (a window COUNT)."""
    check_paging(page, per_page)
    rows = session.execute(
        stmt.add_columns(func.count().over().label("_total"))
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    if rows:
        return rows, int(rows[0]._total)
    if page == 1:
        return rows, 0
    total = session.execute(select(func.count()).select_from(stmt.order_by(None).subquery()))
    return rows, int(total.scalar_one())


def page_of_rows(session: Session, stmt: Select, *, page: int, per_page: int) -> Page[CustomerRow]:
    """One page of a customer_query() statement with its total; tags added in one query."""
    rows, total = _page_with_total(session, stmt, page=page, per_page=per_page)
    return Page[CustomerRow](
        items=_rows_to_items(session, rows), total=total, page=page, per_page=per_page
    )


def _page_then_figures(
    session: Session, conds: list, order_by: list, *, page: int, per_page: int
) -> Page[CustomerRow]:
    """When neither filters nor sort need order figures: page the users first, then
    aggregate the orders of that page's customers only."""
    stmt = (
        select(User.id, User.name, User.email, User.created_at)
        .where(User.role == Role.CUSTOMER.value, *conds)
        .order_by(*order_by)
    )
    users, total = _page_with_total(session, stmt, page=page, per_page=per_page)
    ids = [u.id for u in users]
    figures = {}
    if ids:
        figures = {
            r.user_id: r
            for r in session.execute(
                select(
                    Order.user_id,
                    func.count(Order.id).label("orders_count"),
                    func.sum(Order.total - Order.amount_refunded).label("spent"),
                    func.max(Order.created_at).label("last_order_at"),
                )
                .where(Order.user_id.in_(ids), Order.status.in_(SALE_STATUSES))
                .group_by(Order.user_id)
            )
        }
    rows = []
    for u in users:
        f = figures.get(u.id)
        rows.append(
            _Row(
                u.id,
                u.name,
                u.email,
                u.created_at,
                f.orders_count if f else 0,
                f.spent if f else 0,
                f.last_order_at if f else None,
            )
        )
    return Page[CustomerRow](
        items=_rows_to_items(session, rows), total=total, page=page, per_page=per_page
    )


@dataclass(frozen=True)
class _Row:
    id: int
    name: str
    email: str
    created_at: datetime
    orders_count: int
    total_spent: int
    last_order_at: datetime | None


def list_customers(
    session: Session,
    *,
    q: str | None = None,
    tag: str | None = None,
    min_spent: int | None = None,
    has_orders: bool | None = None,
    last_order_before: datetime | None = None,
    last_order_after: datetime | None = None,
    sort: str = "newest",
    page: int = 1,
    per_page: int = 25,
) -> Page[CustomerRow]:
    """Customers (role 'customer') with their order figures, one aggregate query per page.

    `q` matches name or email (case-insensitive substring). InvalidInput for an unknown
    sort, bad paging, or a negative min_spent."""
    cq = customer_query()
    order_by = _order_by(cq, sort)
    conds = []
    if q and q.strip():
        if len(q) > 200:
            raise InvalidInput("Search is too long.", fields={"q": "At most 200 characters."})
        text = q.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        like = f"%{text}%"
        conds.append(or_(User.name.ilike(like, escape="\\"), User.email.ilike(like, escape="\\")))
    if tag:
        norm = normalize_tag(tag)
        conds.append(exists().where(CustomerTag.user_id == User.id, CustomerTag.tag == norm))
    if min_spent is not None and min_spent < 0:
        raise InvalidInput("Minimum spent can't be negative.", fields={"min_spent": "0 or more."})
    figure_filters = (min_spent, has_orders, last_order_before, last_order_after)
    if all(f is None for f in figure_filters) and sort in ("newest", "oldest", "name"):
        return _page_then_figures(session, conds, order_by, page=page, per_page=per_page)
    stmt = cq.stmt.where(*conds).order_by(*order_by)
    if min_spent is not None:
        stmt = stmt.where(cq.spent >= min_spent)
    if has_orders is True:
        stmt = stmt.where(cq.orders_count > 0)
    elif has_orders is False:
        stmt = stmt.where(cq.orders_count == 0)
    if last_order_before is not None:
        stmt = stmt.where(cq.last_order_at < last_order_before)
    if last_order_after is not None:
        stmt = stmt.where(cq.last_order_at >= last_order_after)
    return page_of_rows(session, stmt, page=page, per_page=per_page)


def _customer(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None or user.role != Role.CUSTOMER.value:
        raise NotFound("No such customer.", code="customer_not_found")
    return user


def customer_orders(
    session: Session, user_id: int, *, page: int = 1, per_page: int = 10
) -> Page[CustomerOrderRow]:
    check_paging(page, per_page)
    base = select(Order.id).where(Order.user_id == user_id)
    total = session.execute(select(func.count()).select_from(base.subquery())).scalar_one()
    items_count = (
        select(func.coalesce(func.sum(OrderItem.quantity), 0))
        .where(OrderItem.order_id == Order.id)
        .scalar_subquery()
    )
    rows = session.execute(
        select(
            Order.id,
            Order.number,
            Order.status,
            Order.created_at,
            Order.total,
            Order.amount_refunded,
            items_count.label("items_count"),
        )
        .where(Order.user_id == user_id)
        .order_by(Order.created_at.desc(), Order.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return Page[CustomerOrderRow](
        items=[
            CustomerOrderRow(
                id=r.id,
                number=r.number,
                status=r.status,
                created_at=r.created_at,
                total=r.total,
                amount_refunded=r.amount_refunded,
                items_count=int(r.items_count),
            )
            for r in rows
        ],
        total=int(total),
        page=page,
        per_page=per_page,
    )


def customer_tickets(
    session: Session, user_id: int, *, page: int = 1, per_page: int = 10
) -> Page[CustomerTicketRow]:
    check_paging(page, per_page)
    total = session.execute(
        select(func.count(Ticket.id)).where(Ticket.user_id == user_id)
    ).scalar_one()
    rows = session.execute(
        select(
            Ticket.id,
            Ticket.number,
            Ticket.subject,
            Ticket.status,
            Ticket.priority,
            Ticket.created_at,
            Ticket.resolved_at,
        )
        .where(Ticket.user_id == user_id)
        .order_by(Ticket.created_at.desc(), Ticket.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return Page[CustomerTicketRow](
        items=[CustomerTicketRow(*r) for r in rows],
        total=int(total),
        page=page,
        per_page=per_page,
    )


def customer_profile(
    session: Session,
    user_id: int,
    *,
    orders_page: int = 1,
    tickets_page: int = 1,
    per_page: int = 10,
) -> CustomerProfile:
    """NotFound (404) when there is no such customer."""
    user = _customer(session, user_id)
    figures = session.execute(
        select(
            func.count(Order.id),
            func.coalesce(func.sum(Order.total), 0),
            func.coalesce(func.sum(Order.amount_refunded), 0),
            func.min(Order.created_at),
            func.max(Order.created_at),
        ).where(Order.user_id == user_id, Order.status.in_(SALE_STATUSES))
    ).one()
    count, gross, refunded, first_at, last_at = figures
    ltv = int(gross) - int(refunded)
    open_tickets = session.execute(
        select(func.count(Ticket.id)).where(
            Ticket.user_id == user_id, Ticket.status.in_(_UNRESOLVED_TICKETS)
        )
    ).scalar_one()
    addresses = session.execute(
        select(Address)
        .where(Address.user_id == user_id)
        .order_by(Address.is_default.desc(), Address.id)
        .limit(50)
    ).scalars()
    return CustomerProfile(
        id=user.id,
        name=user.name,
        email=user.email,
        is_active=user.is_active,
        created_at=user.created_at,
        last_login_at=user.last_login_at,
        orders_count=int(count),
        lifetime_value=ltv,
        refunds_total=int(refunded),
        average_order_value=(ltv + int(count) // 2) // int(count) if count else 0,
        first_order_at=first_at,
        last_order_at=last_at,
        open_tickets=int(open_tickets),
        tags=tags_for(session, user_id),
        addresses=tuple(
            AddressRow(
                id=a.id,
                name=a.name,
                line1=a.line1,
                line2=a.line2,
                city=a.city,
                region=a.region,
                postal_code=a.postal_code,
                country=a.country,
                is_default=a.is_default,
            )
            for a in addresses
        ),
        orders=customer_orders(session, user_id, page=orders_page, per_page=per_page),
        tickets=customer_tickets(session, user_id, page=tickets_page, per_page=per_page),
    )


def tags_for(session: Session, user_id: int) -> tuple[str, ...]:
    return tags_by_user(session, [user_id]).get(user_id, ())


def add_tag(session: Session, actor: UserView, user_id: int, tag: str) -> tuple[str, ...]:
    """Adds a (normalized) tag; idempotent. Needs CUSTOMERS_VIEW. Returns the customer's tags."""
    require(actor, Perm.CUSTOMERS_VIEW)
    norm = normalize_tag(tag)
    _customer(session, user_id)
    present = session.execute(
        select(CustomerTag.id).where(CustomerTag.user_id == user_id, CustomerTag.tag == norm)
    ).first()
    if present is None:
        if len(tags_for(session, user_id)) >= 50:
            raise InvalidInput("A customer can carry at most 50 tags.", fields={"tag": "Too many."})
        session.add(CustomerTag(user_id=user_id, tag=norm))
        audit.record(
            session,
            actor=actor.actor,
            action="customer.tag_added",
            target_type="user",
            target_id=user_id,
            after={"tag": norm},
        )
        session.flush()
    return tags_for(session, user_id)


def remove_tag(session: Session, actor: UserView, user_id: int, tag: str) -> tuple[str, ...]:
    """Removes a tag (no error when absent). Needs CUSTOMERS_VIEW. Returns remaining tags."""
    require(actor, Perm.CUSTOMERS_VIEW)
    norm = normalize_tag(tag)
    _customer(session, user_id)
    gone = session.execute(
        delete(CustomerTag).where(CustomerTag.user_id == user_id, CustomerTag.tag == norm)
    ).rowcount
    if gone:
        audit.record(
            session,
            actor=actor.actor,
            action="customer.tag_removed",
            target_type="user",
            target_id=user_id,
            before={"tag": norm},
        )
        session.flush()
    return tags_for(session, user_id)


def list_tags(session: Session, *, limit: int = 100) -> list[TagCount]:
    """Tags in use with their customer counts, most used first (for filter pickers)."""
    rows = session.execute(
        select(CustomerTag.tag, func.count(CustomerTag.user_id).label("n"))
        .group_by(CustomerTag.tag)
        .order_by(func.count(CustomerTag.user_id).desc(), CustomerTag.tag)
        .limit(max(1, min(limit, 500)))
    ).all()
    return [TagCount(tag=t, customers=int(n)) for t, n in rows]
