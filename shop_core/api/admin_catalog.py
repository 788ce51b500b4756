"""Admin catalog endpoints: products (single and bulk), categories and collections."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query, Response
from pydantic import BaseModel, Field

from shop_core.accounts import service as accounts
from shop_core.accounts.roles import Perm
from shop_core.api.deps import requires
from shop_core.catalog import bulk, categories, collections, products, queries
from shop_core.catalog.schemas import CategoryRef, ProductDetail, ProductIn, ProductPatch
from shop_core.db import read_session, unit_of_work
from shop_core.pagination import MAX_PER_PAGE

router = APIRouter(prefix="/admin", tags=["admin catalog"])

CatalogEditor = Annotated[accounts.UserView, Depends(requires(Perm.CATALOG_MANAGE))]
CatalogViewer = Annotated[accounts.UserView, Depends(requires(Perm.CATALOG_VIEW))]


def _detail(session, product_id: int) -> ProductDetail:
    return queries.product_detail(
        session, product_id=product_id, include_unpublished=True, admin=True
    )


@router.get("/products", response_model=queries.ProductPage)
def admin_list_products(
    _: CatalogViewer,
    q: Annotated[str | None, Query(max_length=200)] = None,
    status: Annotated[str | None, Query(pattern="^(draft|active|archived)$")] = None,
    category: Annotated[str | None, Query(max_length=140)] = None,
    sort: queries.SortKey | None = None,
    page: Annotated[int, Query(ge=1)] = 1,
    per_page: Annotated[int, Query(ge=1, le=MAX_PER_PAGE)] = 25,
) -> queries.ProductPage:
    filters = queries.ProductFilters(q=q, category=category, status=status)
    with read_session() as session:
        return queries.list_products(session, filters, sort=sort, page=page, per_page=per_page)


@router.get("/products/{product_id}", response_model=ProductDetail)
def admin_get_product(product_id: int, _: CatalogViewer) -> ProductDetail:
    with read_session() as session:
        return _detail(session, product_id)


@router.post("/products", status_code=201, response_model=ProductDetail)
def create_product(body: ProductIn, user: CatalogEditor) -> ProductDetail:
    with unit_of_work() as session:
        product_id = products.create_product(session, body, actor_id=user.id)
        return _detail(session, product_id)


@router.patch("/products/{product_id}", response_model=ProductDetail)
def update_product(product_id: int, body: ProductPatch, user: CatalogEditor) -> ProductDetail:
    with unit_of_work() as session:
        products.update_product(session, product_id, body, actor_id=user.id)
        return _detail(session, product_id)


@router.delete("/products/{product_id}", status_code=204)
def delete_product(product_id: int, _: CatalogEditor) -> Response:
    with unit_of_work() as session:
        outcome = products.delete_product(session, product_id)
    return Response(status_code=204, headers={"X-Outcome": outcome})


class BulkIn(BaseModel):
    items: list[Any] = Field(min_length=1, max_length=bulk.MAX_BULK)


class BulkOut(BaseModel):
    items: list[bulk.BulkApplied]


@router.post("/products/bulk", response_model=BulkOut)
def bulk_products(body: BulkIn, user: CatalogEditor) -> BulkOut:
    with unit_of_work() as session:
        return BulkOut(items=bulk.apply_bulk(session, body.items, actor_id=user.id))


@router.post("/categories", status_code=201, response_model=CategoryRef)
def create_category(body: categories.CategoryIn, _: CatalogEditor) -> CategoryRef:
    with unit_of_work() as session:
        return categories.create_category(session, body)


@router.patch("/categories/{category_id}", response_model=CategoryRef)
def update_category(category_id: int, body: categories.CategoryIn, _: CatalogEditor) -> CategoryRef:
    with unit_of_work() as session:
        return categories.update_category(session, category_id, body)


@router.delete("/categories/{category_id}", status_code=204)
def delete_category(category_id: int, _: CatalogEditor) -> Response:
    with unit_of_work() as session:
        categories.delete_category(session, category_id)
    return Response(status_code=204)


@router.get("/collections", response_model=list[collections.CollectionOut])
def admin_collections(_: CatalogViewer) -> list[collections.CollectionOut]:
    with read_session() as session:
        return collections.list_collections(session)


@router.post("/collections", status_code=201, response_model=collections.CollectionOut)
def create_collection(
    body: collections.CollectionIn, _: CatalogEditor
) -> collections.CollectionOut:
    with unit_of_work() as session:
        return collections.save_collection(session, body)


@router.put("/collections/{collection_id}", response_model=collections.CollectionOut)
def replace_collection(
    collection_id: int, body: collections.CollectionIn, _: CatalogEditor
) -> collections.CollectionOut:
    with unit_of_work() as session:
        return collections.save_collection(session, body, collection_id)


@router.delete("/collections/{collection_id}", status_code=204)
def delete_collection(collection_id: int, _: CatalogEditor) -> Response:
    with unit_of_work() as session:
        collections.delete_collection(session, collection_id)
    return Response(status_code=204)


class PreviewIn(BaseModel):
    rules: list[collections.Rule] = Field(min_length=1, max_length=20)
    match: str = Field(default="all", pattern="^(all|any)$")


class PreviewOut(BaseModel):
    total: int
    items: list[Any]


@router.post("/collections/preview", response_model=PreviewOut)
def preview_collection(body: Annotated[PreviewIn, Body()], _: CatalogViewer) -> PreviewOut:
    with read_session() as session:
        total, ids = collections.preview(
            session, rules=[r.model_dump() for r in body.rules], match=body.match
        )
        return PreviewOut(total=total, items=queries.summaries(session, ids))
