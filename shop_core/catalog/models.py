"""Catalog tables.

Products carry denormalised `price_min`/`price_max`/`in_stock` so listing, filtering and
sorting a large catalog never aggregates variants per request; the catalog service keeps
them current in the same transaction as the change that affects them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from shop_core.models_base import timestamp


class Category(SQLModel, table=True):
    """A node of the category tree; `path` ("/1/7/12/") makes subtree queries portable."""

    __tablename__ = "categories"

    id: int | None = Field(default=None, primary_key=True)
    parent_id: int | None = Field(default=None, foreign_key="categories.id", index=True)
    name: str = Field(max_length=120)
    slug: str = Field(max_length=140, unique=True, index=True)
    description: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    path: str = Field(default="/", max_length=512, index=True)
    position: int = Field(default=0)


class Product(SQLModel, table=True):
    __tablename__ = "products"
    __table_args__ = (
        Index("ix_products_status_price", "status", "price_min"),
        Index("ix_products_status_price_max", "status", "price_max"),
        Index("ix_products_status_created", "status", "created_at"),
        Index("ix_products_status_title", "status", "title"),
    )

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=200)
    slug: str = Field(max_length=220, unique=True, index=True)
    description: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    status: str = Field(default="draft", max_length=16, index=True)
    seo_title: str | None = Field(default=None, max_length=200)
    seo_description: str | None = Field(default=None, max_length=400)
    currency: str = Field(default="EUR", max_length=3)
    price_min: int = Field(default=0)
    price_max: int = Field(default=0)
    in_stock: bool = Field(default=False, index=True)
    created_at: datetime = Field(sa_column=timestamp(index=True))
    updated_at: datetime = Field(sa_column=timestamp())


class ProductTag(SQLModel, table=True):
    __tablename__ = "product_tags"

    product_id: int = Field(foreign_key="products.id", primary_key=True, ondelete="CASCADE")
    tag: str = Field(max_length=64, primary_key=True, index=True)


class ProductCategory(SQLModel, table=True):
    __tablename__ = "product_categories"

    product_id: int = Field(foreign_key="products.id", primary_key=True, ondelete="CASCADE")
    category_id: int = Field(foreign_key="categories.id", primary_key=True, index=True)


class ProductOption(SQLModel, table=True):
    """An option axis such as Size with its ordered values."""

    __tablename__ = "product_options"
    __table_args__ = (UniqueConstraint("product_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    product_id: int = Field(foreign_key="products.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=60)
    position: int = Field(default=0)
    values: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))


class Variant(SQLModel, table=True):
    __tablename__ = "variants"
    # SKUs are unique whatever their case, and the case-blind lookups use this index.
    __table_args__ = (Index("ux_variants_sku_upper", text("upper(sku)"), unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    product_id: int = Field(foreign_key="products.id", index=True, ondelete="CASCADE")
    sku: str = Field(max_length=64, unique=True, index=True)
    option_values: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column(JSON, nullable=False)
    )
    price: int
    compare_at_price: int | None = None
    cost_price: int | None = None
    barcode: str | None = Field(default=None, max_length=64)
    weight_grams: int | None = None
    position: int = Field(default=0)


class VariantOptionValue(SQLModel, table=True):
    """One row per (variant, option, value): the source of option facets and their counts."""

    __tablename__ = "variant_option_values"
    __table_args__ = (Index("ix_vov_name_value", "name", "value"),)

    variant_id: int = Field(foreign_key="variants.id", primary_key=True, ondelete="CASCADE")
    name: str = Field(max_length=60, primary_key=True)
    value: str = Field(max_length=120)
    product_id: int = Field(foreign_key="products.id", index=True, ondelete="CASCADE")


class ProductImage(SQLModel, table=True):
    __tablename__ = "product_images"

    id: int | None = Field(default=None, primary_key=True)
    product_id: int = Field(foreign_key="products.id", index=True, ondelete="CASCADE")
    variant_id: int | None = Field(default=None, foreign_key="variants.id", ondelete="SET NULL")
    url: str = Field(max_length=500)
    alt: str = Field(default="", max_length=300)
    position: int = Field(default=0)
    width: int | None = None
    height: int | None = None


class Collection(SQLModel, table=True):
    """Manual (hand-picked) or rule-based; members of both live in collection_products."""

    __tablename__ = "collections"

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=200)
    slug: str = Field(max_length=220, unique=True, index=True)
    description: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    kind: str = Field(default="manual", max_length=8)
    match: str = Field(default="all", max_length=3)
    rules: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    featured: bool = Field(default=False, index=True)
    position: int = Field(default=0)
    image_url: str | None = Field(default=None, max_length=500)


class CollectionProduct(SQLModel, table=True):
    __tablename__ = "collection_products"

    collection_id: int = Field(foreign_key="collections.id", primary_key=True, ondelete="CASCADE")
    product_id: int = Field(
        foreign_key="products.id", primary_key=True, index=True, ondelete="CASCADE"
    )
    position: int = Field(default=0)
