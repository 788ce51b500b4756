"""Public catalog endpoints: product listing and search, product detail, categories,
collections and search suggestions."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from shop_core import ratelimit
from shop_core.api.deps import ClientIp
from shop_core.catalog import collections, queries, search
from shop_core.catalog.schemas import CategoryNode, ProductDetail
from shop_core.db import read_session
from shop_core.errors import InvalidInput
from shop_core.pagination import MAX_PER_PAGE

router = APIRouter(tags=["catalog"])


def parse_options(option: list[str] | None) -> dict[str, list[str]]:
    """`option=Size:M&option=Size:L&option=Colour:Blue` → {"Size": ["M", "L"], ...}."""
    out: dict[str, list[str]] = {}
    for item in option or []:
        name, sep, value = item.partition(":")
        if not sep or not name.strip() or not value.strip():
            raise InvalidInput("Options look like Name:Value.", fields={"option": item[:80]})
        out.setdefault(name.strip(), []).append(value.strip())
    return out


@router.get("/products", response_model=queries.ProductPage)
def list_products(
    ip: ClientIp,
    q: Annotated[str | None, Query(max_length=200)] = None,
    category: Annotated[str | None, Query(max_length=140)] = None,
    collection: Annotated[str | None, Query(max_length=220)] = None,
    tag: Annotated[str | None, Query(max_length=64)] = None,
    min_price: Annotated[int | None, Query(ge=0)] = None,
    max_price: Annotated[int | None, Query(ge=0)] = None,
    in_stock: bool | None = None,
    option: Annotated[list[str] | None, Query(max_length=20)] = None,
    sort: queries.SortKey | None = None,
    facets: bool = False,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=MAX_PER_PAGE)] = 24,
) -> queries.ProductPage:
    if q and q.strip():
        ratelimit.search(ip)  # 429 past RATE_LIMIT_SEARCH per client IP
    filters = queries.ProductFilters(
        q=q,
        category=category,
        collection=collection,
        tag=tag,
        min_price=min_price,
        max_price=max_price,
        in_stock=in_stock,
        options=parse_options(option),
    )
    with read_session() as session:
        return queries.list_products(
            session, filters, sort=sort, page=page, per_page=per_page, with_facets=facets
        )


@router.get("/products/{slug}", response_model=ProductDetail)
def product_detail(slug: str) -> ProductDetail:
    with read_session() as session:
        return queries.product_detail(session, slug=slug)


@router.get("/categories", response_model=list[CategoryNode])
def categories() -> list[CategoryNode]:
    with read_session() as session:
        return queries.category_tree(session)


@router.get("/collections", response_model=list[collections.CollectionOut])
def list_collections(featured: bool | None = None) -> list[collections.CollectionOut]:
    with read_session() as session:
        return collections.list_collections(session, featured=featured)


@router.get("/collections/{slug}", response_model=collections.CollectionOut)
def get_collection(slug: str) -> collections.CollectionOut:
    with read_session() as session:
        return collections.get_collection(session, slug)


class Suggestion(BaseModel):
    title: str
    slug: str


@router.get("/search/suggest", response_model=list[Suggestion])
def suggest(
    q: Annotated[str, Query(min_length=1, max_length=100)], ip: ClientIp
) -> list[Suggestion]:
    ratelimit.search(ip)  # 429 past RATE_LIMIT_SEARCH per client IP
    with read_session() as session:
        return [Suggestion(title=t, slug=s) for t, s in search.suggest(session, q)]
