"""Admin endpoints for customers (list, profile, tags) and rule-based segments.

Thin adapters over shop_core.customers: viewing needs customers.view (support technicians,
marketers, owners), tagging too; creating, editing and deleting segments needs
marketing.manage. Money is integer minor units; errors use the shared envelope.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from shop_core.accounts import service as accounts
from shop_core.accounts.roles import Perm
from shop_core.api.deps import requires
from shop_core.customers import segments
from shop_core.customers import service as customers
from shop_core.db import read_session, unit_of_work
from shop_core.errors import InvalidInput
from shop_core.pagination import MAX_PER_PAGE, Page

router = APIRouter(prefix="/admin", tags=["admin customers and segments"])
CustomerViewer = Annotated[accounts.UserView, Depends(requires(Perm.CUSTOMERS_VIEW))]
SegmentManager = Annotated[accounts.UserView, Depends(requires(Perm.MARKETING_MANAGE))]


def _aware(value: datetime | None, name: str) -> None:
    if value is not None and value.tzinfo is None:
        raise InvalidInput("Dates need a timezone.", fields={name: "e.g. 2026-11-01T00:00:00Z"})


@router.get("/customers", response_model=Page[customers.CustomerRow])
def list_customers(
    _: CustomerViewer,
    q: Annotated[str | None, Query(max_length=200)] = None,
    tag: Annotated[str | None, Query(max_length=80)] = None,
    min_spent: Annotated[int | None, Query(ge=0)] = None,
    has_orders: bool | None = None,
    last_order_before: datetime | None = None,
    last_order_after: datetime | None = None,
    sort: Annotated[str, Query(max_length=20)] = "newest",
    page: Annotated[int, Query(ge=1)] = 1,
    per_page: Annotated[int, Query(ge=1, le=MAX_PER_PAGE)] = 25,
) -> Page[customers.CustomerRow]:
    _aware(last_order_before, "last_order_before")
    _aware(last_order_after, "last_order_after")
    with read_session() as session:
        return customers.list_customers(
            session,
            q=q,
            tag=tag,
            min_spent=min_spent,
            has_orders=has_orders,
            last_order_before=last_order_before,
            last_order_after=last_order_after,
            sort=sort,
            page=page,
            per_page=per_page,
        )


class TagsOut(BaseModel):
    items: list[customers.TagCount]


@router.get("/customers/tags", response_model=TagsOut)
def list_tags(_: CustomerViewer) -> TagsOut:
    with read_session() as session:
        return TagsOut(items=customers.list_tags(session))


@router.get("/customers/{user_id}", response_model=customers.CustomerProfile)
def get_customer(
    user_id: int,
    _: CustomerViewer,
    orders_page: Annotated[int, Query(ge=1)] = 1,
    tickets_page: Annotated[int, Query(ge=1)] = 1,
    per_page: Annotated[int, Query(ge=1, le=MAX_PER_PAGE)] = 10,
) -> customers.CustomerProfile:
    with read_session() as session:
        return customers.customer_profile(
            session, user_id, orders_page=orders_page, tickets_page=tickets_page, per_page=per_page
        )


class TagIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    tag: str = Field(max_length=80)


class CustomerTags(BaseModel):
    tags: list[str]


@router.post("/customers/{user_id}/tags", response_model=CustomerTags)
def add_tag(user_id: int, body: TagIn, user: CustomerViewer) -> CustomerTags:
    with unit_of_work() as session:
        return CustomerTags(tags=list(customers.add_tag(session, user, user_id, body.tag)))


@router.delete("/customers/{user_id}/tags/{tag}", response_model=CustomerTags)
def remove_tag(user_id: int, tag: str, user: CustomerViewer) -> CustomerTags:
    with unit_of_work() as session:
        return CustomerTags(tags=list(customers.remove_tag(session, user, user_id, tag)))


class SegmentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(max_length=200)
    description: str = Field(default="", max_length=1000)
    match: Literal["all", "any"] = "all"
    rules: list[dict[str, Any]] = Field(max_length=50)


class PreviewIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    match: Literal["all", "any"] = "all"
    rules: list[dict[str, Any]] = Field(max_length=50)
    limit: int = Field(default=5, ge=1, le=50)


@router.get("/segments", response_model=Page[segments.SegmentView])
def list_segments(
    _: CustomerViewer,
    page: Annotated[int, Query(ge=1)] = 1,
    per_page: Annotated[int, Query(ge=1, le=MAX_PER_PAGE)] = 25,
) -> Page[segments.SegmentView]:
    with read_session() as session:
        return segments.list_segments(session, page=page, per_page=per_page)


@router.post("/segments/preview", response_model=segments.SegmentPreview)
def preview_segment(body: PreviewIn, _: CustomerViewer) -> segments.SegmentPreview:
    with read_session() as session:
        return segments.preview(session, body.rules, body.match, limit=body.limit)


@router.post("/segments", status_code=201, response_model=segments.SegmentView)
def create_segment(body: SegmentIn, user: SegmentManager) -> segments.SegmentView:
    with unit_of_work() as session:
        return segments.create_segment(session, user, **body.model_dump())


@router.get("/segments/{segment_id}", response_model=segments.SegmentView)
def get_segment(segment_id: int, _: CustomerViewer) -> segments.SegmentView:
    with read_session() as session:
        return segments.get_segment(session, segment_id)


@router.put("/segments/{segment_id}", response_model=segments.SegmentView)
def update_segment(segment_id: int, body: SegmentIn, user: SegmentManager) -> segments.SegmentView:
    with unit_of_work() as session:
        return segments.update_segment(session, user, segment_id, **body.model_dump())


@router.delete("/segments/{segment_id}", status_code=204)
def delete_segment(segment_id: int, user: SegmentManager) -> Response:
    with unit_of_work() as session:
        segments.delete_segment(session, user, segment_id)
    return Response(status_code=204)


@router.get("/segments/{segment_id}/members", response_model=Page[customers.CustomerRow])
def segment_members(
    segment_id: int,
    _: CustomerViewer,
    sort: Annotated[str, Query(max_length=20)] = "spent_desc",
    page: Annotated[int, Query(ge=1)] = 1,
    per_page: Annotated[int, Query(ge=1, le=MAX_PER_PAGE)] = 25,
) -> Page[customers.CustomerRow]:
    with read_session() as session:
        return segments.segment_members(
            session, segment_id, sort=sort, page=page, per_page=per_page
        )
