"""Creating products in batches: every check is one query for the whole batch, every
table gets one multi-row INSERT. A single create is a batch of one, so the API, bulk,
CSV import and demo seeding share one path.

Any row that fails a check rejects the batch with per-row errors before anything is
written.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from slugify import slugify
from sqlalchemy import func, insert
from sqlmodel import Session, select

from shop_core.catalog.models import (
    Category,
    Product,
    ProductCategory,
    ProductImage,
    ProductOption,
    ProductTag,
    Variant,
    VariantOptionValue,
)
from shop_core.catalog.schemas import ProductIn
from shop_core.db import utcnow
from shop_core.errors import Conflict, DomainError, InvalidInput
from shop_core.inventory import service as inventory
from shop_core.settings import get_settings

_CHUNK = 500  # stay far below SQLite's bound-parameter limit


class BatchRejected(DomainError):
    """Some rows failed their checks; `errors` maps row index → the row's error."""

    def __init__(self, errors: dict[int, DomainError]) -> None:
        first = errors[min(errors)]
        super().__init__(first.message, code=first.code, fields=first.fields, status=first.status)
        self.errors = errors


def sku_taken(skus: Iterable[str]) -> Conflict:
    listed = ", ".join(sorted(skus))
    return Conflict(
        f"SKU already used by another variant: {listed}.",
        code="sku_taken",
        fields={"variants": f"SKU already in use: {listed}"},
    )


def slug_taken(slug: str) -> Conflict:
    return Conflict(
        f"Another product already uses the address '{slug}'.",
        code="slug_taken",
        fields={"slug": "Already used by another product."},
    )


def _chunks(values: Sequence, size: int = _CHUNK):
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _existing(session: Session, column, values: list[str], *, upper: bool = False) -> set[str]:
    found: set[str] = set()
    target = func.upper(column) if upper else column
    for chunk in _chunks(values):
        found |= {
            v.upper() if upper else v for v in session.exec(select(column).where(target.in_(chunk)))
        }
    return found


def _check(session: Session, items: list[ProductIn]) -> tuple[dict[int, DomainError], list[str]]:
    errors: dict[int, DomainError] = {}
    category_ids = sorted({c for it in items for c in it.category_ids})
    known_categories: set[int] = set()
    for chunk in _chunks(category_ids):
        known_categories |= set(session.exec(select(Category.id).where(Category.id.in_(chunk))))
    all_skus = [v.sku.upper() for it in items for v in it.variants]
    taken_skus = _existing(session, Variant.sku, all_skus, upper=True)
    explicit = [it.slug for it in items if it.slug]
    taken_slugs = _existing(session, Product.slug, explicit)
    seen_skus: set[str] = set()
    seen_slugs: set[str] = set()
    for i, it in enumerate(items):
        missing = sorted(set(it.category_ids) - known_categories)
        clashes = [v.sku for v in it.variants if v.sku.upper() in taken_skus | seen_skus]
        if missing:
            errors[i] = InvalidInput(
                "Unknown category.", fields={"category_ids": f"No category with id {missing}."}
            )
        elif clashes:
            errors[i] = sku_taken(clashes)
        elif it.slug and (it.slug in taken_slugs or it.slug in seen_slugs):
            errors[i] = slug_taken(it.slug)
        elif bad := _image_errors(it):
            errors[i] = InvalidInput("Image names an unknown variant.", fields=bad)
        seen_skus |= {v.sku.upper() for v in it.variants}
        if it.slug:
            seen_slugs.add(it.slug)
    return errors, _slugs(session, items, seen_slugs)


def _image_errors(item: ProductIn) -> dict[str, str]:
    own = {v.sku.upper() for v in item.variants}
    return {
        f"images.{pos}.variant_sku": "Not a SKU of this product."
        for pos, image in enumerate(item.images)
        if image.variant_sku and image.variant_sku.upper() not in own
    }


def _slugs(session: Session, items: list[ProductIn], reserved: set[str]) -> list[str]:
    """Explicit slugs as given; others from the title, numbered past any that are taken."""
    bases = {slugify(it.title, max_length=200) or "product" for it in items if not it.slug}
    candidates = [f"{b}-{n}" if n > 1 else b for b in bases for n in range(1, 11)]
    taken = _existing(session, Product.slug, candidates) | reserved
    out = []
    for it in items:
        if it.slug:
            out.append(it.slug)
            continue
        base = slugify(it.title, max_length=200) or "product"
        n = 1
        while (slug := f"{base}-{n}" if n > 1 else base) in taken:
            n += 1
            if n == 11:  # rare: many namesakes; ask the database about the rest once
                taken |= set(
                    session.exec(select(Product.slug).where(Product.slug.like(f"{base}-%")))
                )
        taken.add(slug)
        out.append(slug)
    return out


def _options(item: ProductIn) -> list[tuple[str, list[str]]]:
    axes: dict[str, list[str]] = {}
    for v in item.variants:
        for name, value in v.option_values.items():
            values = axes.setdefault(name, [])
            if value not in values:
                values.append(value)
    return list(axes.items())


def _insert_returning_ids(session: Session, model, rows: list[dict]) -> list[int]:
    ids: list[int] = []
    for chunk in _chunks(rows):
        result = session.execute(
            insert(model).returning(model.id, sort_by_parameter_order=True), chunk
        )
        ids.extend(result.scalars().all())
    return ids


def _insert(session: Session, model, rows: list[dict]) -> None:
    for chunk in _chunks(rows):
        if chunk:
            session.execute(insert(model), chunk, execution_options={"render_nulls": True})


def create_products(
    session: Session, items: list[ProductIn], *, actor_id: int | None = None
) -> list[int]:
    """Insert the products; returns their ids in order. Call `after_change` to index them."""
    errors, slugs = _check(session, items)
    if errors:
        raise BatchRejected(errors)
    now = utcnow()
    currency = get_settings().currency
    product_ids = _insert_returning_ids(
        session,
        Product,
        [
            {
                "title": it.title,
                "slug": slug,
                "description": it.description,
                "status": it.status,
                "seo_title": it.seo.title if it.seo else None,
                "seo_description": it.seo.description if it.seo else None,
                "currency": it.currency or currency,
                "price_min": min(v.price for v in it.variants),
                "price_max": max(v.price for v in it.variants),
                "in_stock": any((v.stock or 0) > 0 for v in it.variants),
                "created_at": now,
                "updated_at": now,
            }
            for it, slug in zip(items, slugs, strict=True)
        ],
    )
    pairs = list(zip(product_ids, items, strict=True))
    variant_rows = [
        {
            "product_id": pid,
            "sku": v.sku,
            "option_values": v.option_values,
            "price": v.price,
            "compare_at_price": v.compare_at_price,
            "cost_price": v.cost_price,
            "barcode": v.barcode,
            "weight_grams": v.weight_grams,
            "position": pos,
        }
        for pid, it in pairs
        for pos, v in enumerate(it.variants)
    ]
    variant_ids = _insert_returning_ids(session, Variant, variant_rows)
    by_sku = {row["sku"].upper(): vid for row, vid in zip(variant_rows, variant_ids, strict=True)}
    _insert(
        session,
        ProductTag,
        [{"product_id": pid, "tag": t} for pid, it in pairs for t in it.tags],
    )
    _insert(
        session,
        ProductCategory,
        [
            {"product_id": pid, "category_id": c}
            for pid, it in pairs
            for c in dict.fromkeys(it.category_ids)
        ],
    )
    _insert(
        session,
        ProductOption,
        [
            {"product_id": pid, "name": name, "values": values, "position": i}
            for pid, it in pairs
            for i, (name, values) in enumerate(_options(it))
        ],
    )
    _insert(
        session,
        VariantOptionValue,
        [
            {"variant_id": by_sku[v.sku.upper()], "product_id": pid, "name": name, "value": value}
            for pid, it in pairs
            for v in it.variants
            for name, value in v.option_values.items()
        ],
    )
    images = [
        {
            "product_id": pid,
            "variant_id": by_sku[image.variant_sku.upper()] if image.variant_sku else None,
            "url": image.url,
            "alt": image.alt,
            "position": pos,
        }
        for pid, it in pairs
        for pos, image in enumerate(it.images)
    ]
    _insert(session, ProductImage, images)
    inventory.receive_initial_stock(
        session,
        {by_sku[v.sku.upper()]: v.stock or 0 for it in items for v in it.variants},
        actor_id=actor_id,
    )
    return product_ids
