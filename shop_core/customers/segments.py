"""Rule-based customer segments: saved rules, live member counts, members, CSV source.

A segment is a list of rules combined with AND (`match="all"`) or OR (`match="any"`).
Each rule is `{"type": <rule type>, "value": <value>}`:

- spent_over: minor units (int >= 0); net spent > value
- spent_under: minor units (int >= 0); net spent < value (never-ordered customers too)
- orders_at_least: count (int >= 1); sales orders >= value
- ordered_in_days: days (1..3650); a sales order in the last N days
- no_order_in_days: days (1..3650); no sales order in the last N days (or never)
- has_tag: a tag (normalized like customer tags); the customer carries it
- bought_from_category: category id; a sales order has an item of a product in that
  category or one of its subcategories (materialised path)

Membership is computed in SQL (one query per count); nothing is materialised, so counts
are always current. Viewing needs CUSTOMERS_VIEW (checked at the edge); creating, editing
and deleting segments needs MARKETING_MANAGE (checked here, from the actor).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy.sql import Select
from sqlmodel import Session

from shop_core.accounts.service import UserView
from shop_core.customers.service import CustomerRow
from shop_core.pagination import Page

RuleType = Literal[
    "spent_over",
    "spent_under",
    "orders_at_least",
    "ordered_in_days",
    "no_order_in_days",
    "has_tag",
    "bought_from_category",
]


@dataclass(frozen=True)
class RuleKind:
    type: str
    label: str  # "Spent over"
    value_kind: str  # "money" | "count" | "days" | "tag" | "category"
    help: str


# For the segment editor: every rule type, in display order.
RULE_KINDS: tuple[RuleKind, ...] = (
    RuleKind("spent_over", "Spent over", "money", "Net spent (after refunds) above this amount"),
    RuleKind("spent_under", "Spent under", "money", "Net spent below this amount"),
    RuleKind("orders_at_least", "Orders at least", "count", "At least this many orders"),
    RuleKind("ordered_in_days", "Ordered in last N days", "days", "Placed an order recently"),
    RuleKind("no_order_in_days", "No order in last N days", "days", "Lapsed or never ordered"),
    RuleKind("has_tag", "Has tag", "tag", "Carries this customer tag"),
    RuleKind(
        "bought_from_category",
        "Bought from category",
        "category",
        "Bought a product of this category or its subcategories",
    ),
)


@dataclass(frozen=True)
class SegmentView:
    id: int
    name: str
    description: str
    match: str  # "all" | "any"
    rules: tuple[dict[str, Any], ...]  # normalized [{"type": ..., "value": ...}]
    member_count: int
    created_by: int | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class SegmentPreview:
    count: int
    members: tuple[CustomerRow, ...]  # the first `limit`, biggest spenders first


def validate_rules(rules: list[dict[str, Any]], match: str = "all") -> list[dict[str, Any]]:
    """Normalized rules, or InvalidInput (422) naming the bad rule (`fields` keyed
    'rules.<index>' or 'match')."""
    raise NotImplementedError


def list_segments(session: Session, *, page: int = 1, per_page: int = 25) -> Page[SegmentView]:
    """Segments by name with their current member counts (one COUNT query per segment)."""
    raise NotImplementedError


def get_segment(session: Session, segment_id: int) -> SegmentView:
    """NotFound (404) when missing."""
    raise NotImplementedError


def create_segment(
    session: Session,
    actor: UserView,
    *,
    name: str,
    rules: list[dict[str, Any]],
    match: str = "all",
    description: str = "",
) -> SegmentView:
    """Needs MARKETING_MANAGE. Conflict (409) for a duplicate name; InvalidInput for bad rules."""
    raise NotImplementedError


def update_segment(
    session: Session,
    actor: UserView,
    segment_id: int,
    *,
    name: str,
    rules: list[dict[str, Any]],
    match: str = "all",
    description: str = "",
) -> SegmentView:
    raise NotImplementedError


def delete_segment(session: Session, actor: UserView, segment_id: int) -> None:
    raise NotImplementedError


def segment_members(
    session: Session,
    segment_id: int,
    *,
    sort: str = "spent_desc",
    page: int = 1,
    per_page: int = 25,
) -> Page[CustomerRow]:
    raise NotImplementedError


def preview(
    session: Session, rules: list[dict[str, Any]], match: str = "all", *, limit: int = 5
) -> SegmentPreview:
    """Count and first members of unsaved rules (validated) for the editor's live preview."""
    raise NotImplementedError


# Columns of members_select, in order (the CSV header of a segment export).
MEMBER_COLUMNS: tuple[str, ...] = (
    "id",
    "name",
    "email",
    "created_at",
    "orders_count",
    "total_spent",
    "last_order_at",
)


def members_select(
    rules: list[dict[str, Any]], match: str = "all", *, now: datetime | None = None
) -> Select:
    """A SELECT of MEMBER_COLUMNS for every member, ordered by id (stream it with
    `session.execute(stmt.execution_options(yield_per=1000))`). Rules are validated."""
    raise NotImplementedError


def segment_members_select(session: Session, segment_id: int) -> tuple[str, Select]:
    """(segment name, members_select of its saved rules); NotFound when missing."""
    raise NotImplementedError
