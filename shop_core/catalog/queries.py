"""Read side of the catalog: product listing with filters, facets and sorting, product
detail in a fixed number of queries, and the category tree."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel
from sqlalchemy import and_, case, exists, func, or_
from sqlmodel import Session, select

from shop_core.catalog import search
from shop_core.catalog.collections import category_subtree_ids
from shop_core.catalog.models import (
    Category,
    Collection,
    CollectionProduct,
    Product,
    ProductCategory,
    ProductImage,
    ProductOption,
    ProductTag,
    Variant,
    VariantOptionValue,
)
from shop_core.catalog.schemas import (
    CategoryNode,
    CategoryRef,
    ImageOut,
    OptionOut,
    ProductDetail,
    ProductSummary,
    Rating,
    SeoIn,
    VariantAdminOut,
    VariantOut,
)
from shop_core.errors import InvalidInput, NotFound
from shop_core.inventory import service as inventory
from shop_core.pagination import Page, check_paging

SortKey = Literal["relevance", "price", "-price", "newest", "title"]
PRICE_BUCKETS = [(0, 2500), (2500, 5000), (5000, 10000), (10000, 20000), (20000, None)]


@dataclass
class ProductFilters:
    q: str | None = None
    category: str | None = None  # slug; includes the category's descendants
    collection: str | None = None  # slug
    tag: str | None = None
    min_price: int | None = None
    max_price: int | None = None
    in_stock: bool | None = None
    options: dict[str, list[str]] = field(default_factory=dict)  # e.g. {"Size": ["M", "L"]}
    status: str | None = "active"  # admin lists pass None (all) or a status


class FacetValue(BaseModel):
    value: str
    label: str
    count: int


class Facets(BaseModel):
    categories: list[FacetValue] = []
    collections: list[FacetValue] = []
    price: list[FacetValue] = []
    in_stock: int = 0
    options: dict[str, list[FacetValue]] = {}


class ProductPage(Page[ProductSummary]):
    facets: Facets | None = None


def _slug_id(session: Session, model, slug: str, what: str) -> int:
    found = session.exec(select(model.id).where(model.slug == slug)).first()
    if found is None:
        raise NotFound(f"No {what} '{slug}'.", code=f"{what}_not_found")
    return found


def _conditions(session: Session, f: ProductFilters) -> list:
    if f.min_price is not None and f.max_price is not None and f.min_price > f.max_price:
        raise InvalidInput(
            "min_price is above max_price.", fields={"min_price": "Must not exceed max_price."}
        )
    conds: list = []
    if f.status:
        conds.append(Product.status == f.status)
    if f.category:
        ids = category_subtree_ids(session, _slug_id(session, Category, f.category, "category"))
        conds.append(
            exists().where(
                ProductCategory.product_id == Product.id, ProductCategory.category_id.in_(ids)
            )
        )
    if f.collection:
        cid = _slug_id(session, Collection, f.collection, "collection")
        conds.append(
            exists().where(
                CollectionProduct.product_id == Product.id, CollectionProduct.collection_id == cid
            )
        )
    if f.tag:
        conds.append(
            exists().where(
                ProductTag.product_id == Product.id, ProductTag.tag == f.tag.strip().lower()
            )
        )
    if f.min_price is not None:
        conds.append(Product.price_max >= f.min_price)
    if f.max_price is not None:
        conds.append(Product.price_min <= f.max_price)
    if f.in_stock is not None:
        conds.append(Product.in_stock.is_(f.in_stock))
    for name, values in f.options.items():
        conds.append(
            exists().where(
                VariantOptionValue.product_id == Product.id,
                VariantOptionValue.name == name,
                VariantOptionValue.value.in_(values),
            )
        )
    return conds


SORT_MATCHES_BELOW = 5000


def _matching(session: Session, filters: ProductFilters):
    """SELECT products.id of the products matching `filters`, and the search subquery
    (None without a query) that holds their relevance."""
    sub = search.match_subquery(session, filters.q) if filters.q else None
    base = select(Product.id).where(*_conditions(session, filters))
    if sub is not None:
        base = base.join(sub, sub.c.product_id == Product.id)
    return base, sub


def facets(session: Session, filters: ProductFilters) -> Facets:
    """Facet counts alone: pages show their products first and fetch these after."""
    base, _ = _matching(session, filters)
    return _facets(session, base)


def _narrowing(f: ProductFilters) -> bool:
    return bool(f.category or f.collection or f.tag or f.options)


def _unindexed(column):
    """The same sort key as an expression no index covers (coalesce(x, x) = x)."""
    return func.coalesce(column, column)


def list_products(
    session: Session,
    filters: ProductFilters,
    *,
    sort: SortKey | None = None,
    page: int = 1,
    per_page: int = 24,
    with_facets: bool = False,
) -> ProductPage:
    check_paging(page, per_page)
    base, sub = _matching(session, filters)
    sort = sort or ("relevance" if sub is not None else "newest")
    offset = (page - 1) * per_page
    # A narrow filter (a category, a collection, a tag…) with a sort on a product column:
    # walking that column's index until a page of matches turns up reads most of the
    # index when the matches sit at its far end (jackets are dear, so "price ascending"
    # in Jackets first skips every cheaper product). Up to SORT_MATCHES_BELOW matches,
    # sorting the matches themselves is cheap and bounded, so the index is kept out, and
    # the same pass counts them (a window), saving a second scan.
    ids: list[int] | None = None
    total: int | None = None
    if sub is None and _narrowing(filters):
        rows = session.execute(  # rows of (id, matches): execute, not the scalar exec
            base.add_columns(func.count().over())
            .order_by(*_order(sort, sub, _unindexed))
            .limit(per_page)
            .offset(offset)
        ).all()
        total = int(rows[0][1]) if rows else _count(session, base)
        if total <= SORT_MATCHES_BELOW:
            ids = [row[0] for row in rows]
    if total is None:
        total = _count(session, base)
    if ids is None:
        ids = list(
            session.exec(
                base.order_by(*_order(sort, sub, lambda column: column))
                .limit(per_page)
                .offset(offset)
            ).all()
        )
    items = summaries(session, ids)
    facets = _facets(session, base) if with_facets else None
    return ProductPage(items=items, total=total, page=page, per_page=per_page, facets=facets)


def _count(session: Session, base) -> int:
    return int(session.exec(select(func.count()).select_from(base.subquery())).one())


def _order(sort: SortKey, sub, key) -> list:
    """ORDER BY for `sort`; `key` wraps the sort column (to keep its index out or not)."""
    return {
        "price": [key(Product.price_min).asc(), Product.id],
        "-price": [key(Product.price_max).desc(), Product.id.desc()],
        "newest": [key(Product.created_at).desc(), Product.id.desc()],
        "title": [key(Product.title).asc(), Product.id],
        "relevance": [sub.c.score, Product.id]
        if sub is not None
        else [key(Product.created_at).desc(), Product.id.desc()],
    }[sort]


def summaries(session: Session, ids: list[int]) -> list[ProductSummary]:
    """Summaries in the order of `ids`, in three queries whatever the page size."""
    if not ids:
        return []
    products = {p.id: p for p in session.exec(select(Product).where(Product.id.in_(ids))).all()}
    images = first_images(session, ids)
    sale = dict(
        session.exec(
            select(Variant.product_id, func.max(Variant.compare_at_price))
            .where(Variant.product_id.in_(ids), Variant.compare_at_price > Variant.price)
            .group_by(Variant.product_id)
        ).all()
    )
    return [
        ProductSummary(
            id=p.id,
            slug=p.slug,
            title=p.title,
            price_min=p.price_min,
            price_max=p.price_max,
            currency=p.currency,
            image=images.get(p.id),
            in_stock=p.in_stock,
            compare_at_price=sale.get(p.id),
            status=p.status,
        )
        for p in (products[i] for i in ids if i in products)
    ]


def first_images(session: Session, product_ids: list[int]) -> dict[int, str]:
    """The first image of each product, in one query."""
    if not product_ids:
        return {}
    first = (
        select(ProductImage.product_id, func.min(ProductImage.position).label("pos"))
        .where(ProductImage.product_id.in_(product_ids))
        .group_by(ProductImage.product_id)
        .subquery()
    )
    rows = session.exec(
        select(ProductImage.product_id, ProductImage.url).join(
            first,
            and_(
                first.c.product_id == ProductImage.product_id, first.c.pos == ProductImage.position
            ),
        )
    ).all()
    return dict(rows)


def _facets(session: Session, base) -> Facets:
    matching = base.order_by(None).subquery()
    pid = matching.c.id
    cats = session.exec(
        select(Category.slug, Category.name, func.count())
        .join(ProductCategory, ProductCategory.category_id == Category.id)
        .where(ProductCategory.product_id.in_(select(pid)))
        .group_by(Category.slug, Category.name)
        .order_by(func.count().desc())
        .limit(30)
    ).all()
    cols = session.exec(
        select(Collection.slug, Collection.title, func.count())
        .join(CollectionProduct, CollectionProduct.collection_id == Collection.id)
        .where(CollectionProduct.product_id.in_(select(pid)))
        .group_by(Collection.slug, Collection.title)
        .order_by(func.count().desc())
        .limit(30)
    ).all()
    bucket_cols = [
        func.sum(
            case(
                (
                    Product.price_min >= lo
                    if hi is None
                    else Product.price_min.between(lo, hi - 1),
                    1,
                ),
                else_=0,
            )
        )
        for lo, hi in PRICE_BUCKETS
    ]
    row = session.exec(
        select(func.sum(case((Product.in_stock, 1), else_=0)), *bucket_cols).where(
            Product.id.in_(select(pid))
        )
    ).one()
    in_stock, *bucket_counts = row
    opts = session.exec(
        select(
            VariantOptionValue.name,
            VariantOptionValue.value,
            func.count(func.distinct(VariantOptionValue.product_id)),
        )
        .where(VariantOptionValue.product_id.in_(select(pid)))
        .group_by(VariantOptionValue.name, VariantOptionValue.value)
        .order_by(VariantOptionValue.name, VariantOptionValue.value)
    ).all()
    options: dict[str, list[FacetValue]] = {}
    for name, value, count in opts:
        options.setdefault(name, []).append(FacetValue(value=value, label=value, count=count))
    return Facets(
        categories=[FacetValue(value=s, label=n, count=c) for s, n, c in cats],
        collections=[FacetValue(value=s, label=t, count=c) for s, t, c in cols],
        price=[
            FacetValue(value=f"{lo}-{hi or ''}", label=_bucket_label(lo, hi), count=int(c or 0))
            for (lo, hi), c in zip(PRICE_BUCKETS, bucket_counts, strict=True)
        ],
        in_stock=int(in_stock or 0),
        options=options,
    )


def _bucket_label(lo: int, hi: int | None) -> str:
    return f"{lo // 100}+" if hi is None else f"{lo // 100}–{hi // 100}"


def product_detail(
    session: Session,
    *,
    slug: str | None = None,
    product_id: int | None = None,
    include_unpublished: bool = False,
    admin: bool = False,
) -> ProductDetail:
    """The full product in a constant number of queries, whatever its variant count."""
    stmt = select(Product)
    stmt = (
        stmt.where(Product.slug == slug)
        if slug is not None
        else stmt.where(Product.id == product_id)
    )
    product = session.exec(stmt).first()
    if product is None or (not include_unpublished and product.status != "active"):
        raise NotFound("No such product.", code="product_not_found")
    variants = session.exec(
        select(Variant)
        .where(Variant.product_id == product.id)
        .order_by(Variant.position, Variant.id)
    ).all()
    available = inventory.levels_for(session, [v.id for v in variants])
    options = session.exec(
        select(ProductOption)
        .where(ProductOption.product_id == product.id)
        .order_by(ProductOption.position)
    ).all()
    images = session.exec(
        select(ProductImage)
        .where(ProductImage.product_id == product.id)
        .order_by(ProductImage.position)
    ).all()
    categories = session.exec(
        select(Category)
        .join(ProductCategory, ProductCategory.category_id == Category.id)
        .where(ProductCategory.product_id == product.id)
        .order_by(Category.path, Category.name)
    ).all()
    tags = session.exec(
        select(ProductTag.tag).where(ProductTag.product_id == product.id).order_by(ProductTag.tag)
    ).all()
    variant_cls = VariantAdminOut if admin else VariantOut
    return ProductDetail(
        id=product.id,
        slug=product.slug,
        title=product.title,
        description=product.description,
        status=product.status,
        tags=list(tags),
        seo=SeoIn(
            title=product.seo_title or product.title,
            description=product.seo_description or product.description[:160],
        ),
        currency=product.currency,
        price_min=product.price_min,
        price_max=product.price_max,
        in_stock=product.in_stock,
        options=[OptionOut(name=o.name, values=o.values) for o in options],
        variants=[
            variant_cls(
                id=v.id,
                sku=v.sku,
                option_values=v.option_values,
                price=v.price,
                compare_at_price=v.compare_at_price,
                available=max(0, available.get(v.id, 0)),
                cost_price=v.cost_price,
                barcode=v.barcode,
                weight_grams=v.weight_grams,
            )
            for v in variants
        ],
        images=[
            ImageOut(id=i.id, url=i.url, alt=i.alt, position=i.position, variant_id=i.variant_id)
            for i in images
        ],
        categories=[CategoryRef(id=c.id, slug=c.slug, name=c.name) for c in categories],
        rating=Rating(),
        created_at=product.created_at,
        updated_at=product.updated_at,
    )


def category_tree(session: Session) -> list[CategoryNode]:
    rows = session.exec(select(Category).order_by(Category.position, Category.name)).all()
    nodes = {
        c.id: CategoryNode(id=c.id, slug=c.slug, name=c.name, parent_id=c.parent_id) for c in rows
    }
    roots: list[CategoryNode] = []
    for c in rows:
        node = nodes[c.id]
        parent = nodes.get(c.parent_id) if c.parent_id else None
        (parent.children if parent else roots).append(node)
    return roots


def category_trail(session: Session, slug: str) -> list[CategoryRef]:
    """Breadcrumbs from the root down to the category."""
    node = session.exec(select(Category).where(Category.slug == slug)).first()
    if node is None:
        raise NotFound(f"No category '{slug}'.", code="category_not_found")
    ancestor_ids = [int(x) for x in node.path.strip("/").split("/") if x]
    ancestors = {
        c.id: c for c in session.exec(select(Category).where(Category.id.in_(ancestor_ids))).all()
    }
    chain = [ancestors[i] for i in ancestor_ids if i in ancestors] + [node]
    return [CategoryRef(id=c.id, slug=c.slug, name=c.name) for c in chain]


def admin_search_condition(q: str):
    like = f"%{q.strip().lower()}%"
    return or_(
        func.lower(Product.title).like(like),
        exists().where(Variant.product_id == Product.id, func.lower(Variant.sku).like(like)),
    )
