"""Validated inputs and plain outputs of the catalog services (shared by API, admin, CSV)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

SKU_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._\-/]{0,63}$"
SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
MAX_PRICE = 100_000_000  # one million in major units: a guard against typos, not a policy

ProductStatus = Literal["draft", "active", "archived"]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class SeoIn(_In):
    title: str | None = Field(default=None, max_length=200)
    description: str | None = Field(default=None, max_length=400)


class VariantIn(_In):
    id: int | None = None
    sku: str = Field(pattern=SKU_PATTERN)
    option_values: dict[str, str] = Field(default_factory=dict, max_length=5)
    price: int = Field(ge=0, le=MAX_PRICE)
    compare_at_price: int | None = Field(default=None, ge=0, le=MAX_PRICE)
    cost_price: int | None = Field(default=None, ge=0, le=MAX_PRICE)
    barcode: str | None = Field(default=None, max_length=64)
    weight_grams: int | None = Field(default=None, ge=0, le=1_000_000)
    stock: int | None = Field(
        default=None, ge=0, le=10_000_000, description="initial stock on create"
    )

    @field_validator("option_values")
    @classmethod
    def _clean_options(cls, value: dict[str, str]) -> dict[str, str]:
        cleaned = {}
        for name, val in value.items():
            name, val = name.strip(), str(val).strip()
            if not name or not val or len(name) > 60 or len(val) > 120:
                raise ValueError("option names (≤60) and values (≤120) must not be empty")
            cleaned[name] = val
        return cleaned


class ImageIn(_In):
    url: str = Field(min_length=1, max_length=500)
    alt: str = Field(default="", max_length=300)
    variant_sku: str | None = Field(default=None, max_length=64)


class ProductIn(_In):
    """A full product for create; PATCH uses ProductPatch where everything is optional."""

    title: str = Field(min_length=1, max_length=200)
    slug: str | None = Field(default=None, max_length=220, pattern=SLUG_PATTERN)
    description: str = Field(default="", max_length=20_000)
    status: ProductStatus = "draft"
    tags: list[str] = Field(default_factory=list, max_length=50)
    seo: SeoIn | None = None
    category_ids: list[int] = Field(default_factory=list, max_length=50)
    variants: list[VariantIn] = Field(min_length=1, max_length=100)
    images: list[ImageIn] = Field(default_factory=list, max_length=30)
    currency: str | None = Field(default=None, pattern=r"^[A-Z]{3}$")

    @field_validator("tags")
    @classmethod
    def _clean_tags(cls, tags: list[str]) -> list[str]:
        out: list[str] = []
        for tag in tags:
            tag = " ".join(tag.split()).lower()
            if not tag or len(tag) > 64:
                raise ValueError("tags must be 1 to 64 characters")
            if tag not in out:
                out.append(tag)
        return out

    @model_validator(mode="after")
    def _consistent_variants(self) -> ProductIn:
        _check_variants(self.variants)
        return self


class ProductPatch(_In):
    title: str | None = Field(default=None, min_length=1, max_length=200)
    slug: str | None = Field(default=None, max_length=220, pattern=SLUG_PATTERN)
    description: str | None = Field(default=None, max_length=20_000)
    status: ProductStatus | None = None
    tags: list[str] | None = Field(default=None, max_length=50)
    seo: SeoIn | None = None
    category_ids: list[int] | None = Field(default=None, max_length=50)
    variants: list[VariantIn] | None = Field(default=None, min_length=1, max_length=100)
    images: list[ImageIn] | None = Field(default=None, max_length=30)
    currency: str | None = Field(default=None, pattern=r"^[A-Z]{3}$")

    _clean_tags = field_validator("tags")(
        lambda cls, v: None if v is None else ProductIn._clean_tags(v)
    )

    @model_validator(mode="after")
    def _consistent_variants(self) -> ProductPatch:
        if self.variants is not None:
            _check_variants(self.variants)
        return self


def _check_variants(variants: list[VariantIn]) -> None:
    skus = [v.sku.upper() for v in variants]
    if len(set(skus)) != len(skus):
        raise ValueError("each variant needs its own SKU")
    names = {tuple(sorted(v.option_values)) for v in variants}
    if len(names) > 1:
        raise ValueError("every variant must set the same option names")
    combos = [tuple(sorted(v.option_values.items())) for v in variants]
    if len(set(combos)) != len(combos):
        raise ValueError("two variants have the same option values")
    if len(variants) > 1 and names == {()}:
        raise ValueError("several variants need option values (e.g. Size) to tell them apart")
    for v in variants:
        if v.compare_at_price is not None and v.compare_at_price <= v.price:
            raise ValueError(f"compare-at price of {v.sku} must be above its price")


# --- outputs --------------------------------------------------------------------------


class CategoryRef(BaseModel):
    id: int
    slug: str
    name: str


class CategoryNode(CategoryRef):
    parent_id: int | None = None
    children: list[CategoryNode] = []


class OptionOut(BaseModel):
    name: str
    values: list[str]


class VariantOut(BaseModel):
    id: int
    sku: str
    option_values: dict[str, str]
    price: int
    compare_at_price: int | None
    available: int


class VariantAdminOut(VariantOut):
    cost_price: int | None
    barcode: str | None
    weight_grams: int | None


class ImageOut(BaseModel):
    id: int
    url: str
    alt: str
    position: int
    variant_id: int | None


class Rating(BaseModel):
    average: float | None = None
    count: int = 0


class ProductSummary(BaseModel):
    id: int
    slug: str
    title: str
    price_min: int
    price_max: int
    currency: str
    image: str | None
    in_stock: bool
    rating: float | None = None
    compare_at_price: int | None = None
    status: str = "active"


class ProductDetail(BaseModel):
    id: int
    slug: str
    title: str
    description: str
    status: str
    tags: list[str]
    seo: SeoIn
    currency: str
    price_min: int
    price_max: int
    in_stock: bool
    options: list[OptionOut]
    variants: list[VariantOut] | list[VariantAdminOut]
    images: list[ImageOut]
    categories: list[CategoryRef]
    rating: Rating
    created_at: datetime
    updated_at: datetime
