"""Collections: manual lists and rule-based sets kept current as products change.

Membership of both kinds lives in `collection_products`; for rule-based collections it
is recomputed with one DELETE + INSERT…SELECT per collection, for the changed products
only, in the transaction that changed them.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from slugify import slugify
from sqlalchemy import and_, delete, exists, func, insert, literal, or_
from sqlalchemy import select as sa_select
from sqlmodel import Session, select

from shop_core.catalog.models import (
    Category,
    Collection,
    CollectionProduct,
    Product,
    ProductCategory,
    ProductTag,
)
from shop_core.errors import Conflict, InvalidInput, NotFound

RuleField = Literal["tag", "category", "price", "title", "in_stock"]
_OPS: dict[str, set[str]] = {
    "tag": {"eq"},
    "category": {"eq"},
    "price": {"gte", "lte"},
    "title": {"contains"},
    "in_stock": {"eq"},
}


class Rule(BaseModel):
    model_config = ConfigDict(extra="forbid")

    field: RuleField
    op: str
    value: Any

    @model_validator(mode="after")
    def _valid(self) -> Rule:
        if self.op not in _OPS[self.field]:
            raise ValueError(f"{self.field} rules support {sorted(_OPS[self.field])}")
        if self.field == "price" and (not isinstance(self.value, int) or self.value < 0):
            raise ValueError("price rules take a whole amount in minor units")
        if self.field == "in_stock" and not isinstance(self.value, bool):
            raise ValueError("in_stock rules take true or false")
        if self.field == "category" and not isinstance(self.value, int):
            raise ValueError("category rules take a category id")
        if self.field in ("tag", "title") and not (
            isinstance(self.value, str) and self.value.strip()
        ):
            raise ValueError(f"{self.field} rules take some text")
        return self


class CollectionIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    title: str = Field(min_length=1, max_length=200)
    slug: str | None = Field(default=None, max_length=220, pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
    description: str = Field(default="", max_length=5000)
    kind: Literal["manual", "rule"] = "manual"
    match: Literal["all", "any"] = "all"
    rules: list[Rule] = Field(default_factory=list, max_length=20)
    product_ids: list[int] = Field(default_factory=list, max_length=5000)
    featured: bool = False
    image_url: str | None = Field(default=None, max_length=500)

    @model_validator(mode="after")
    def _kind_fits(self) -> CollectionIn:
        if self.kind == "rule" and not self.rules:
            raise ValueError("a rule-based collection needs at least one rule")
        return self


class CollectionOut(BaseModel):
    id: int
    title: str
    slug: str
    description: str
    kind: str
    match: str
    rules: list[dict[str, Any]]
    featured: bool
    image_url: str | None
    product_count: int = 0


def _condition(session: Session, rules: list[Rule], match: str):
    parts = []
    for rule in rules:
        if rule.field == "tag":
            parts.append(
                exists().where(
                    ProductTag.product_id == Product.id,
                    ProductTag.tag == rule.value.strip().lower(),
                )
            )
        elif rule.field == "category":
            subtree = category_subtree_ids(session, rule.value)
            parts.append(
                exists().where(
                    ProductCategory.product_id == Product.id,
                    ProductCategory.category_id.in_(subtree),
                )
            )
        elif rule.field == "price":
            parts.append(
                Product.price_min >= rule.value
                if rule.op == "gte"
                else Product.price_min <= rule.value
            )
        elif rule.field == "title":
            parts.append(func.lower(Product.title).like(f"%{rule.value.strip().lower()}%"))
        elif rule.field == "in_stock":
            parts.append(Product.in_stock.is_(rule.value))
    return and_(*parts) if match == "all" else or_(*parts)


def category_subtree_ids(session: Session, category_id: int) -> list[int]:
    """The category and all its descendants (materialised path prefix match)."""
    node = session.get(Category, category_id)
    if node is None:
        return []
    prefix = f"{node.path}{node.id}/"
    return [
        node.id,
        *session.exec(select(Category.id).where(Category.path.like(f"{prefix}%"))).all(),
    ]


def _refresh(session: Session, collection: Collection, product_ids: list[int] | None) -> None:
    rules = [Rule.model_validate(r) for r in collection.rules]
    stale = delete(CollectionProduct).where(CollectionProduct.collection_id == collection.id)
    candidates = sa_select(literal(collection.id), Product.id, literal(0)).where(
        _condition(session, rules, collection.match)
    )
    if product_ids is not None:
        stale = stale.where(CollectionProduct.product_id.in_(product_ids))
        candidates = candidates.where(Product.id.in_(product_ids))
    session.execute(stale)
    session.execute(
        insert(CollectionProduct).from_select(
            ["collection_id", "product_id", "position"], candidates
        )
    )


def refresh_for_products(session: Session, product_ids: list[int]) -> None:
    if not product_ids:
        return
    for collection in session.exec(select(Collection).where(Collection.kind == "rule")).all():
        _refresh(session, collection, product_ids)


def refresh_all(session: Session) -> None:
    for collection in session.exec(select(Collection).where(Collection.kind == "rule")).all():
        _refresh(session, collection, None)


def remove_product(session: Session, product_id: int) -> None:
    session.execute(delete(CollectionProduct).where(CollectionProduct.product_id == product_id))


def preview(
    session: Session, *, rules: list[dict], match: str = "all", limit: int = 12
) -> tuple[int, list[int]]:
    """How many products a rule set matches, and the first few ids (the live preview)."""
    parsed = [Rule.model_validate(r) for r in rules]
    if not parsed:
        return 0, []
    cond = _condition(session, parsed, match)
    total = session.exec(select(func.count()).select_from(Product).where(cond)).one()
    ids = session.exec(select(Product.id).where(cond).order_by(Product.title).limit(limit)).all()
    return int(total), list(ids)


def _out(session: Session, c: Collection) -> CollectionOut:
    count = session.exec(
        select(func.count())
        .select_from(CollectionProduct)
        .where(CollectionProduct.collection_id == c.id)
    ).one()
    return CollectionOut(
        id=c.id,
        title=c.title,
        slug=c.slug,
        description=c.description,
        kind=c.kind,
        match=c.match,
        rules=c.rules,
        featured=c.featured,
        image_url=c.image_url,
        product_count=int(count),
    )


def save_collection(
    session: Session, data: CollectionIn, collection_id: int | None = None
) -> CollectionOut:
    slug = data.slug or slugify(data.title, max_length=200) or "collection"
    clash = session.exec(select(Collection.id).where(Collection.slug == slug)).first()
    if clash is not None and clash != collection_id:
        raise Conflict(
            "Another collection uses this address.",
            code="slug_taken",
            fields={"slug": "Already used by another collection."},
        )
    if collection_id is None:
        collection = Collection(title=data.title, slug=slug)
    else:
        collection = session.get(Collection, collection_id)
        if collection is None:
            raise NotFound("No such collection.", code="collection_not_found")
    collection.title, collection.slug, collection.description = data.title, slug, data.description
    collection.kind, collection.match, collection.featured = data.kind, data.match, data.featured
    collection.rules = [r.model_dump() for r in data.rules]
    collection.image_url = data.image_url
    session.add(collection)
    session.flush()
    if data.kind == "rule":
        _refresh(session, collection, None)
    else:
        _set_manual_members(session, collection.id, data.product_ids)
    return _out(session, collection)


def _set_manual_members(session: Session, collection_id: int, product_ids: list[int]) -> None:
    ids = list(dict.fromkeys(product_ids))
    if ids:
        found = set(session.exec(select(Product.id).where(Product.id.in_(ids))).all())
        missing = [i for i in ids if i not in found]
        if missing:
            raise InvalidInput(
                "Unknown product.", fields={"product_ids": f"No product with id {missing[:5]}."}
            )
    session.execute(
        delete(CollectionProduct).where(CollectionProduct.collection_id == collection_id)
    )
    session.add_all(
        CollectionProduct(collection_id=collection_id, product_id=p, position=i)
        for i, p in enumerate(ids)
    )


def list_collections(session: Session, *, featured: bool | None = None) -> list[CollectionOut]:
    stmt = select(Collection).order_by(Collection.position, Collection.title)
    if featured is not None:
        stmt = stmt.where(Collection.featured.is_(featured))
    return [_out(session, c) for c in session.exec(stmt).all()]


def get_collection(session: Session, slug: str) -> CollectionOut:
    c = session.exec(select(Collection).where(Collection.slug == slug)).first()
    if c is None:
        raise NotFound("No such collection.", code="collection_not_found")
    return _out(session, c)


def delete_collection(session: Session, collection_id: int) -> None:
    c = session.get(Collection, collection_id)
    if c is None:
        raise NotFound("No such collection.", code="collection_not_found")
    session.execute(
        delete(CollectionProduct).where(CollectionProduct.collection_id == collection_id)
    )
    session.delete(c)
