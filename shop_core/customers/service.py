"""Customer list, profile and tags for the back office.

Reads take no actor: callers check `accounts.require(user, Perm.CUSTOMERS_VIEW)` at the
edge (REST dependency, `@admin_event`). Tag changes take the acting staff member and check
CUSTOMERS_VIEW themselves (support and marketers tag customers); they are audited.

Money is integer minor units. "Spent" is net of refunds: the sum over sales orders
(status in SALE_STATUSES) of `total - amount_refunded`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlmodel import Session

from shop_core.accounts.service import UserView
from shop_core.pagination import Page

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


def normalize_tag(raw: str) -> str:
    """Lowercase, trimmed, spaces to dashes; InvalidInput (422) unless it then matches
    [a-z0-9][a-z0-9-_]* and is at most TAG_MAX_LENGTH characters."""
    raise NotImplementedError


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
    raise NotImplementedError


def customer_profile(
    session: Session,
    user_id: int,
    *,
    orders_page: int = 1,
    tickets_page: int = 1,
    per_page: int = 10,
) -> CustomerProfile:
    """NotFound (404) when there is no such customer."""
    raise NotImplementedError


def customer_orders(
    session: Session, user_id: int, *, page: int = 1, per_page: int = 10
) -> Page[CustomerOrderRow]:
    raise NotImplementedError


def customer_tickets(
    session: Session, user_id: int, *, page: int = 1, per_page: int = 10
) -> Page[CustomerTicketRow]:
    raise NotImplementedError


def tags_for(session: Session, user_id: int) -> tuple[str, ...]:
    raise NotImplementedError


def add_tag(session: Session, actor: UserView, user_id: int, tag: str) -> tuple[str, ...]:
    """Adds a (normalized) tag; idempotent. Needs CUSTOMERS_VIEW. Returns the customer's tags."""
    raise NotImplementedError


def remove_tag(session: Session, actor: UserView, user_id: int, tag: str) -> tuple[str, ...]:
    """Removes a tag (no error when absent). Needs CUSTOMERS_VIEW. Returns remaining tags."""
    raise NotImplementedError


def list_tags(session: Session, *, limit: int = 100) -> list[TagCount]:
    """Tags in use with their customer counts, most used first (for filter pickers)."""
    raise NotImplementedError
