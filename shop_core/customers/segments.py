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
from datetime import datetime, timedelta
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, field_validator
from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql import ColumnElement, Select
from sqlmodel import Session

from shop_core.accounts.models import User
from shop_core.accounts.roles import Perm
from shop_core.accounts.service import UserView, require
from shop_core.audit import service as audit
from shop_core.catalog.models import Category, ProductCategory
from shop_core.customers.models import CustomerTag, Segment
from shop_core.customers.service import (
    SALE_STATUSES,
    CustomerQuery,
    CustomerRow,
    customer_query,
    normalize_tag,
    page_of_rows,
)
from shop_core.customers.service import _order_by as _customer_order
from shop_core.db import utcnow
from shop_core.errors import Conflict, InvalidInput, NotFound
from shop_core.orders.models import Order, OrderItem
from shop_core.pagination import Page, check_paging

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


MAX_RULES = 20
MAX_DAYS = 3650


class _Rule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SpentOver(_Rule):
    type: Literal["spent_over"]
    value: Annotated[int, Field(strict=True, ge=0, le=10**12)]


class SpentUnder(_Rule):
    type: Literal["spent_under"]
    value: Annotated[int, Field(strict=True, ge=0, le=10**12)]


class OrdersAtLeast(_Rule):
    type: Literal["orders_at_least"]
    value: Annotated[int, Field(strict=True, ge=1, le=1_000_000)]


class OrderedInDays(_Rule):
    type: Literal["ordered_in_days"]
    value: Annotated[int, Field(strict=True, ge=1, le=MAX_DAYS)]


class NoOrderInDays(_Rule):
    type: Literal["no_order_in_days"]
    value: Annotated[int, Field(strict=True, ge=1, le=MAX_DAYS)]


class HasTag(_Rule):
    type: Literal["has_tag"]
    value: str

    @field_validator("value")
    @classmethod
    def _tag(cls, v: str) -> str:
        try:
            return normalize_tag(v)
        except InvalidInput as exc:
            raise ValueError(exc.message) from None


class BoughtFromCategory(_Rule):
    type: Literal["bought_from_category"]
    value: Annotated[int, Field(strict=True, ge=1)]


Rule = Annotated[
    SpentOver
    | SpentUnder
    | OrdersAtLeast
    | OrderedInDays
    | NoOrderInDays
    | HasTag
    | BoughtFromCategory,
    Field(discriminator="type"),
]
_RULES = TypeAdapter(list[Rule])
_TYPES = tuple(k.type for k in RULE_KINDS)


def _coerce_value(raw: dict[str, Any]) -> dict[str, Any]:
    """Form inputs arrive as text: accept "1500" for integer rules (not "15.5" or "abc")."""
    if not isinstance(raw, dict):
        return raw
    value = raw.get("value")
    if raw.get("type") != "has_tag" and isinstance(value, str) and value.strip().isdigit():
        return {**raw, "value": int(value.strip())}
    return raw


def validate_rules(rules: list[dict[str, Any]], match: str = "all") -> list[dict[str, Any]]:
    """Normalized rules, or InvalidInput (422) naming the bad rule (`fields` keyed
    'rules.<index>' or 'match')."""
    if match not in ("all", "any"):
        raise InvalidInput("Match must be 'all' or 'any'.", fields={"match": "'all' or 'any'."})
    if not isinstance(rules, list) or not rules:
        raise InvalidInput("Add at least one rule.", fields={"rules": "At least one rule."})
    if len(rules) > MAX_RULES:
        raise InvalidInput(
            f"A segment has at most {MAX_RULES} rules.", fields={"rules": "Too many rules."}
        )
    fields: dict[str, str] = {}
    for i, raw in enumerate(rules):
        kind = raw.get("type") if isinstance(raw, dict) else None
        if kind not in _TYPES:
            fields[f"rules.{i}"] = f"Unknown rule {kind!r}; one of " + ", ".join(_TYPES) + "."
    if fields:
        raise InvalidInput("Unknown segment rule.", fields=fields)
    try:
        parsed = _RULES.validate_python([_coerce_value(r) for r in rules])
    except ValidationError as exc:
        for err in exc.errors():
            loc = err["loc"]
            key = f"rules.{loc[0]}" if loc else "rules"
            fields.setdefault(key, err["msg"])
        raise InvalidInput(
            "Invalid segment rule: " + "; ".join(f"{k}: {v}" for k, v in fields.items()),
            fields=fields,
        ) from None
    return [r.model_dump() for r in parsed]


# --- rules to SQL -------------------------------------------------------------------


def _condition(cq: CustomerQuery, rule: dict[str, Any], now: datetime) -> ColumnElement:
    kind, value = rule["type"], rule["value"]
    if kind == "spent_over":
        return cq.spent > value
    if kind == "spent_under":
        return cq.spent < value
    if kind == "orders_at_least":
        return cq.orders_count >= value
    if kind == "ordered_in_days":
        return cq.last_order_at >= now - timedelta(days=value)
    if kind == "no_order_in_days":
        return or_(cq.last_order_at.is_(None), cq.last_order_at < now - timedelta(days=value))
    if kind == "has_tag":
        return exists().where(CustomerTag.user_id == User.id, CustomerTag.tag == value)
    if kind == "bought_from_category":
        subtree = select(Category.id).where(
            or_(Category.id == value, Category.path.like(f"%/{int(value)}/%"))
        )
        buyers = (
            select(Order.user_id)
            .join(OrderItem, OrderItem.order_id == Order.id)
            .join(ProductCategory, ProductCategory.product_id == OrderItem.product_id)
            .where(Order.status.in_(SALE_STATUSES), ProductCategory.category_id.in_(subtree))
        )
        return User.id.in_(buyers)
    raise InvalidInput("Unknown segment rule.", fields={"rules": kind})  # pragma: no cover


def _members_query(
    rules: list[dict[str, Any]], match: str, now: datetime | None = None
) -> CustomerQuery:
    rules = validate_rules(rules, match)
    cq = customer_query()
    when = now or utcnow()
    conds = [_condition(cq, r, when) for r in rules]
    where = and_(*conds) if match == "all" else or_(*conds)
    return CustomerQuery(cq.stmt.where(where), cq.orders_count, cq.spent, cq.last_order_at)


def _count(session: Session, cq: CustomerQuery) -> int:
    stmt = select(func.count()).select_from(cq.stmt.order_by(None).subquery())
    return int(session.execute(stmt).scalar_one())


def _check_categories(session: Session, rules: list[dict[str, Any]]) -> None:
    wanted = {(i, r["value"]) for i, r in enumerate(rules) if r["type"] == "bought_from_category"}
    if not wanted:
        return
    ids = {v for _, v in wanted}
    found = set(session.execute(select(Category.id).where(Category.id.in_(ids))).scalars())
    missing = {f"rules.{i}": "No such category." for i, v in wanted if v not in found}
    if missing:
        raise InvalidInput("Unknown category in a segment rule.", fields=missing)


# --- saved segments -----------------------------------------------------------------


def _view(session: Session, seg: Segment) -> SegmentView:
    return SegmentView(
        id=seg.id,
        name=seg.name,
        description=seg.description,
        match=seg.match,
        rules=tuple(seg.rules),
        member_count=_count(session, _members_query(seg.rules, seg.match)),
        created_by=seg.created_by,
        created_at=seg.created_at,
        updated_at=seg.updated_at,
    )


def _load(session: Session, segment_id: int) -> Segment:
    seg = session.get(Segment, segment_id)
    if seg is None:
        raise NotFound("No such segment.", code="segment_not_found")
    return seg


def list_segments(session: Session, *, page: int = 1, per_page: int = 25) -> Page[SegmentView]:
    """Segments by name with their current member counts (one COUNT query per segment)."""
    check_paging(page, per_page)
    total = session.execute(select(func.count(Segment.id))).scalar_one()
    rows = session.execute(
        select(Segment)
        .order_by(func.lower(Segment.name), Segment.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).scalars()
    return Page[SegmentView](
        items=[_view(session, s) for s in rows], total=int(total), page=page, per_page=per_page
    )


def get_segment(session: Session, segment_id: int) -> SegmentView:
    """NotFound (404) when missing."""
    return _view(session, _load(session, segment_id))


def _clean(
    session: Session, name: str, rules: list[dict[str, Any]], match: str, description: str
) -> tuple[str, list[dict[str, Any]], str]:
    name = (name or "").strip()
    if not name:
        raise InvalidInput("Name the segment.", fields={"name": "Required."})
    if len(name) > 80:
        raise InvalidInput("Segment names are at most 80 characters.", fields={"name": "Too long."})
    description = (description or "").strip()
    if len(description) > 500:
        raise InvalidInput("Description is too long.", fields={"description": "At most 500."})
    clean = validate_rules(rules, match)
    _check_categories(session, clean)
    return name, clean, description


def _name_conflict() -> Conflict:
    return Conflict(
        "A segment with that name exists.", code="segment_exists", fields={"name": "Taken."}
    )


def _name_taken(session: Session, name: str, exclude: int | None = None) -> None:
    stmt = select(Segment.id).where(func.lower(Segment.name) == name.lower())
    if exclude is not None:
        stmt = stmt.where(Segment.id != exclude)
    if session.execute(stmt).first() is not None:
        raise _name_conflict()


def _flush(session: Session) -> None:
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        raise _name_conflict() from None


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
    require(actor, Perm.MARKETING_MANAGE)
    name, clean, description = _clean(session, name, rules, match, description)
    _name_taken(session, name)
    seg = Segment(name=name, description=description, match=match, rules=clean, created_by=actor.id)
    session.add(seg)
    _flush(session)
    audit.record(
        session,
        actor=actor.actor,
        action="segment.created",
        target_type="segment",
        target_id=seg.id,
        after={"name": name, "match": match, "rules": clean},
    )
    return _view(session, seg)


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
    require(actor, Perm.MARKETING_MANAGE)
    seg = _load(session, segment_id)
    name, clean, description = _clean(session, name, rules, match, description)
    _name_taken(session, name, exclude=seg.id)
    before = {"name": seg.name, "match": seg.match, "rules": seg.rules}
    seg.name, seg.description, seg.match, seg.rules = name, description, match, clean
    seg.updated_at = utcnow()
    session.add(seg)
    _flush(session)
    audit.record(
        session,
        actor=actor.actor,
        action="segment.updated",
        target_type="segment",
        target_id=seg.id,
        before=before,
        after={"name": name, "match": match, "rules": clean},
    )
    return _view(session, seg)


def delete_segment(session: Session, actor: UserView, segment_id: int) -> None:
    require(actor, Perm.MARKETING_MANAGE)
    seg = _load(session, segment_id)
    audit.record(
        session,
        actor=actor.actor,
        action="segment.deleted",
        target_type="segment",
        target_id=seg.id,
        before={"name": seg.name, "match": seg.match, "rules": seg.rules},
    )
    session.delete(seg)
    session.flush()


def segment_members(
    session: Session,
    segment_id: int,
    *,
    sort: str = "spent_desc",
    page: int = 1,
    per_page: int = 25,
) -> Page[CustomerRow]:
    seg = _load(session, segment_id)
    cq = _members_query(seg.rules, seg.match)
    stmt = cq.stmt.order_by(*_customer_order(cq, sort))
    return page_of_rows(session, stmt, page=page, per_page=per_page)


def preview(
    session: Session, rules: list[dict[str, Any]], match: str = "all", *, limit: int = 5
) -> SegmentPreview:
    """Count and first members of unsaved rules (validated) for the editor's live preview."""
    clean = validate_rules(rules, match)
    _check_categories(session, clean)
    cq = _members_query(clean, match)
    page = page_of_rows(
        session,
        cq.stmt.order_by(*_customer_order(cq, "spent_desc")),
        page=1,
        per_page=max(1, min(limit, 50)),
    )
    return SegmentPreview(count=page.total, members=tuple(page.items))


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
    return _members_query(rules, match, now).stmt.order_by(User.id)


def segment_members_select(session: Session, segment_id: int) -> tuple[str, Select]:
    """(segment name, members_select of its saved rules); NotFound when missing."""
    seg = _load(session, segment_id)
    return seg.name, members_select(seg.rules, seg.match)
