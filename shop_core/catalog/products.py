"""Create, update, archive and delete products with their options, variants and images.

Slug and SKU uniqueness are checked up front (clear 409s) and enforced by unique
indexes (races still end in a 409, never a 500). Every write keeps the denormalised
price/stock columns, rule-based collections and the search index current in the same
transaction.
"""

from __future__ import annotations

from sqlalchemy import delete, func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from shop_core.catalog import collections, creation, search
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
from shop_core.catalog.schemas import ImageIn, ProductIn, ProductPatch, VariantIn
from shop_core.db import utcnow
from shop_core.errors import Conflict, InvalidInput, NotFound
from shop_core.inventory import service as inventory

_sku_taken = creation.sku_taken
_slug_taken = creation.slug_taken


def _check_categories(session: Session, ids: list[int]) -> None:
    if not ids:
        return
    found = set(session.exec(select(Category.id).where(Category.id.in_(ids))).all())
    missing = sorted(set(ids) - found)
    if missing:
        raise InvalidInput(
            "Unknown category.", fields={"category_ids": f"No category with id {missing}."}
        )


def _check_skus_free(session: Session, variants: list[VariantIn], product_id: int | None) -> None:
    skus = [v.sku for v in variants]
    stmt = select(Variant.sku, Variant.product_id).where(
        func.upper(Variant.sku).in_([s.upper() for s in skus])
    )
    clashes = {sku for sku, owner in session.exec(stmt).all() if owner != product_id}
    if clashes:
        raise _sku_taken(clashes)


def _options_from(variants: list[VariantIn]) -> list[tuple[str, list[str]]]:
    """Option axes in first-seen order, values in first-seen order."""
    axes: dict[str, list[str]] = {}
    for v in variants:
        for name, value in v.option_values.items():
            values = axes.setdefault(name, [])
            if value not in values:
                values.append(value)
    return list(axes.items())


def _write_variants(
    session: Session, product: Product, variants: list[VariantIn], *, actor_id: int | None
) -> None:
    """Make the product's variants exactly `variants` (matched by id, then by SKU)."""
    current = {
        v.id: v for v in session.exec(select(Variant).where(Variant.product_id == product.id))
    }
    by_sku = {v.sku.upper(): v for v in current.values()}
    keep: set[int] = set()
    rows: list[Variant] = []
    for position, data in enumerate(variants):
        row = current.get(data.id) if data.id else by_sku.get(data.sku.upper())
        if data.id and row is None:
            raise InvalidInput(
                "Unknown variant.",
                fields={f"variants.{position}.id": "Not a variant of this product."},
            )
        row = row or Variant(product_id=product.id, sku=data.sku, price=data.price)
        row.sku, row.option_values, row.price = data.sku, data.option_values, data.price
        row.compare_at_price, row.cost_price = data.compare_at_price, data.cost_price
        row.barcode, row.weight_grams, row.position = data.barcode, data.weight_grams, position
        session.add(row)
        rows.append(row)
        if row.id:
            keep.add(row.id)
    gone = set(current) - keep
    if gone and inventory.was_ordered(session, list(gone)):
        raise Conflict(
            "A variant you removed has been ordered; keep it and set its stock to zero instead.",
            code="variant_has_orders",
            fields={"variants": "Ordered variants cannot be removed."},
        )
    if gone:
        session.execute(delete(VariantOptionValue).where(VariantOptionValue.variant_id.in_(gone)))
        session.execute(delete(Variant).where(Variant.id.in_(gone)))
    session.flush()
    session.execute(delete(VariantOptionValue).where(VariantOptionValue.product_id == product.id))
    session.add_all(
        VariantOptionValue(variant_id=row.id, product_id=product.id, name=name, value=value)
        for row in rows
        for name, value in row.option_values.items()
    )
    session.execute(delete(ProductOption).where(ProductOption.product_id == product.id))
    session.add_all(
        ProductOption(product_id=product.id, name=name, values=values, position=i)
        for i, (name, values) in enumerate(_options_from(variants))
    )
    new_stock = {
        row.id: data.stock or 0
        for row, data in zip(rows, variants, strict=True)
        if row.id not in current
    }
    if new_stock:
        inventory.receive_initial_stock(session, new_stock, actor_id=actor_id)
    product.price_min = min(v.price for v in variants)
    product.price_max = max(v.price for v in variants)


def _write_images(session: Session, product: Product, images: list[ImageIn]) -> None:
    session.execute(delete(ProductImage).where(ProductImage.product_id == product.id))
    sku_ids = {
        sku.upper(): vid
        for vid, sku in session.exec(
            select(Variant.id, Variant.sku).where(Variant.product_id == product.id)
        ).all()
    }
    for position, image in enumerate(images):
        variant_id = None
        if image.variant_sku:
            variant_id = sku_ids.get(image.variant_sku.upper())
            if variant_id is None:
                raise InvalidInput(
                    "Image names an unknown variant.",
                    fields={f"images.{position}.variant_sku": "Not a SKU of this product."},
                )
        session.add(
            ProductImage(
                product_id=product.id,
                variant_id=variant_id,
                url=image.url,
                alt=image.alt,
                position=position,
            )
        )


def _write_links(
    session: Session, product: Product, tags: list[str] | None, category_ids: list[int] | None
) -> None:
    if tags is not None:
        session.execute(delete(ProductTag).where(ProductTag.product_id == product.id))
        session.add_all(ProductTag(product_id=product.id, tag=t) for t in tags)
    if category_ids is not None:
        _check_categories(session, category_ids)
        session.execute(delete(ProductCategory).where(ProductCategory.product_id == product.id))
        session.add_all(
            ProductCategory(product_id=product.id, category_id=c)
            for c in dict.fromkeys(category_ids)
        )


def _flush_unique(session: Session, slug: str, skus: list[str]) -> None:
    """Flush; a unique-index violation from a concurrent writer becomes the matching 409."""
    try:
        session.flush()
    except IntegrityError as exc:
        text = str(exc.orig).lower()
        if "slug" in text:
            raise _slug_taken(slug) from exc
        raise _sku_taken(skus) from exc


def create_product(
    session: Session, data: ProductIn, *, actor_id: int | None = None, index: bool = True
) -> int:
    """Insert one product (a batch of one); returns its id."""
    try:
        [product_id] = creation.create_products(session, [data], actor_id=actor_id)
    except creation.BatchRejected as exc:
        raise exc.errors[0] from None
    if index:
        after_change(session, [product_id])
    return product_id


def update_product(
    session: Session,
    product_id: int,
    data: ProductPatch,
    *,
    actor_id: int | None = None,
    index: bool = True,
) -> int:
    product = session.exec(
        select(Product).where(Product.id == product_id).with_for_update()
    ).first()
    if product is None:
        raise NotFound("No such product.", code="product_not_found")
    fields = data.model_fields_set
    if data.slug and data.slug != product.slug:
        clash = session.exec(select(Product.id).where(Product.slug == data.slug)).first()
        if clash is not None:
            raise _slug_taken(data.slug)
        product.slug = data.slug
    for name in ("title", "description", "status", "currency"):
        if name in fields and getattr(data, name) is not None:
            setattr(product, name, getattr(data, name))
    if "seo" in fields:
        product.seo_title = data.seo.title if data.seo else None
        product.seo_description = data.seo.description if data.seo else None
    _write_links(session, product, data.tags, data.category_ids)
    if data.variants is not None:
        _check_skus_free(session, data.variants, product.id)
        _write_variants(session, product, data.variants, actor_id=actor_id)
        _flush_unique(session, product.slug, [v.sku for v in data.variants])
        inventory.refresh_product_stock_flag(session, product_ids=[product.id])
    if data.images is not None:
        _write_images(session, product, data.images)
    product.updated_at = utcnow()
    session.add(product)
    _flush_unique(session, product.slug, [])
    if index:
        after_change(session, [product.id])
    return product.id


def after_change(session: Session, product_ids: list[int]) -> None:
    """Keep rule-based collections and the search index in step with changed products."""
    session.flush()
    collections.refresh_for_products(session, product_ids)
    search.reindex(session, product_ids)


def delete_product(session: Session, product_id: int) -> str:
    """Delete, or archive when it was ever ordered (orders keep referring to it).

    Every order reserves stock through the ledger, so a `reserve` or `sale` movement on
    one of its variants is the proof that it has orders.
    """
    product = session.get(Product, product_id)
    if product is None:
        raise NotFound("No such product.", code="product_not_found")
    variant_ids = list(session.exec(select(Variant.id).where(Variant.product_id == product_id)))
    if inventory.was_ordered(session, variant_ids):
        product.status = "archived"
        product.updated_at = utcnow()
        session.add(product)
        session.flush()
        after_change(session, [product_id])
        return "archived"
    search.remove(session, [product_id])
    for model in (ProductImage, ProductOption, ProductTag, ProductCategory, VariantOptionValue):
        session.execute(delete(model).where(model.product_id == product_id))
    collections.remove_product(session, product_id)
    inventory.delete_items(session, variant_ids)
    session.execute(delete(Variant).where(Variant.product_id == product_id))
    session.delete(product)
    session.flush()
    return "deleted"
