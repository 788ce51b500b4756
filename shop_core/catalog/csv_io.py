"""CSV import and export of products, one row per variant, with Shopify-like columns.

Format
- Columns: see `COLUMNS`. `option4_*`/`option5_*` are accepted too, and exported only when
  some product has more than three options. Money is in integer minor units (1250, never
  12.50). `tags` are comma-separated, `categories` (slugs) and `image_urls` `|`-separated.
- Rows belong to one product by `product_id` when set (an update of that product), else
  by `slug`, else by `title` (a new product). Product columns may be written on the first
  row only; the first non-empty value counts and a different non-empty value on another
  row of the same product is an error.
- A column that is absent leaves that field alone on update; a present but empty column
  clears it (tags, categories, description, SEO, compare-at price...). `stock` only sets
  the opening stock of new variants: stock changes go through the inventory ledger.
- An updated product gets exactly the variants in the file (matched by SKU), as a PATCH
  with `variants` does. Images whose URL stays keep their alt text and variant link.

Import is all or nothing: every row is checked first (errors carry CSV line numbers), then
everything is applied through `bulk.apply_bulk` in one unit of work; any error rolls all
of it back, and the errors go into the run's result and an error report CSV.
"""

from __future__ import annotations

import codecs
import csv
import logging
import os
import re
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO

from pydantic import BaseModel, ValidationError
from sqlalchemy import func
from sqlmodel import Session, select

from shop_core.catalog import bulk
from shop_core.catalog.models import (
    Category,
    Product,
    ProductCategory,
    ProductImage,
    ProductOption,
    ProductTag,
    Variant,
)
from shop_core.catalog.schemas import ProductIn, ProductPatch
from shop_core.db import read_session, unit_of_work
from shop_core.errors import Conflict, DomainError, InvalidInput, NotFound
from shop_core.inventory.models import InventoryItem
from shop_core.jobs import runs
from shop_core.jobs.background import enqueue_background
from shop_core.settings import get_settings

logger = logging.getLogger(__name__)

IMPORT_KIND = "catalog.import"
EXPORT_KIND = "catalog.export"

PRODUCT_COLUMNS = (
    "product_id",
    "slug",
    "title",
    "description",
    "status",
    "tags",
    "categories",
    "seo_title",
    "seo_description",
)
MAX_OPTIONS = 5
EXPORTED_OPTIONS = 3
PRICE_COLUMNS = ("price", "compare_at_price", "cost_price")
VARIANT_TAIL = (*PRICE_COLUMNS, "barcode", "weight_grams", "stock")


def _option_columns(count: int) -> tuple[str, ...]:
    return tuple(f"option{n}_{part}" for n in range(1, count + 1) for part in ("name", "value"))


def header_for(options: int = EXPORTED_OPTIONS) -> tuple[str, ...]:
    return (*PRODUCT_COLUMNS, "sku", *_option_columns(options), *VARIANT_TAIL, "image_urls")


COLUMNS = header_for()
KNOWN_COLUMNS = frozenset(header_for(MAX_OPTIONS))
REQUIRED_COLUMNS = ("sku", "price")
KEY_COLUMNS = ("product_id", "slug", "title")
INTEGER_COLUMNS = (*PRICE_COLUMNS, "weight_grams", "stock")
# Values on any row of a product (the first non-empty one counts).
SHARED_COLUMNS = PRODUCT_COLUMNS[1:]
# Free text a spreadsheet could run as a formula; exported with a leading ' (stripped on import).
_TEXT_COLUMNS = frozenset(
    {"title", "description", "tags", "seo_title", "seo_description", "barcode", "sku"}
    | {c for c in KNOWN_COLUMNS if c.startswith("option")}
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_ROWS = 100_000
BATCH_SIZE = 500  # products per export batch and per IN (...) lookup
MAX_ERRORS_IN_RESULT = 200
ACCEPTED_CONTENT_TYPES = frozenset(
    {
        "text/csv",
        "application/csv",
        "text/comma-separated-values",
        "text/x-csv",
        "application/x-csv",
        "text/plain",
        "application/vnd.ms-excel",  # what Windows browsers send for .csv
    }
)
_INTEGER = re.compile(r"^[+-]?\d+$")
_DECIMAL = re.compile(r"^[+-]?\d*[.,]\d+$")

Progress = Callable[[int, int], None]


# --- files ----------------------------------------------------------------------------


def exports_dir() -> Path:
    return get_settings().data_dir / "exports"


def imports_dir() -> Path:
    return get_settings().data_dir / "imports"


def export_path(run_id: str) -> Path:
    return exports_dir() / f"{run_id}.csv"


def upload_path(run_id: str) -> Path:
    return imports_dir() / f"{run_id}.csv"


def error_report_path(run_id: str) -> Path:
    return imports_dir() / f"{run_id}-errors.csv"


def run_file(view: runs.RunView) -> tuple[Path, str]:
    """The file a finished run offers for download, and the name to save it as."""
    stamp = view.created_at.strftime("%Y%m%d-%H%M")
    if view.kind == EXPORT_KIND:
        path, name = export_path(view.id), f"products-{stamp}.csv"
    elif view.kind == IMPORT_KIND:
        path, name = error_report_path(view.id), f"product-import-errors-{stamp}.csv"
    else:
        raise NotFound("This job has no file to download.", code="no_download")
    if view.status in runs.ACTIVE:
        raise Conflict("The job is still running; try again when it is done.", code="not_ready")
    if not path.is_file():
        raise NotFound("This job has no file to download.", code="no_download")
    return path, name


# --- export ---------------------------------------------------------------------------


class ExportSummary(BaseModel):
    products: int
    rows: int


def export_products(
    path: Path, *, status: str | None = None, on_progress: Progress | None = None
) -> ExportSummary:
    """Write every product (of `status`, if given) to `path`, one row per variant.

    Reads by keyset pages of BATCH_SIZE products, each in its own short read session, so
    memory stays bounded and a SQLite writer never waits for the whole export. The file
    appears complete or not at all.
    """
    _check_status(status)
    with read_session() as session:
        total = session.exec(select(func.count()).select_from(Product).where(*_status(status)))
        total_products = int(total.one())
        widest = session.exec(
            select(func.count())
            .select_from(ProductOption)
            .group_by(ProductOption.product_id)
            .order_by(func.count().desc())
            .limit(1)
        ).first()
    options = min(MAX_OPTIONS, max(EXPORTED_OPTIONS, int(widest or 0)))
    header = header_for(options)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    done = rows = 0
    try:
        # utf-8-sig: the BOM makes Excel read the file as UTF-8.
        with partial.open("w", newline="", encoding="utf-8-sig") as fh:
            writer = csv.writer(fh)
            writer.writerow(header)
            last_id = 0
            while True:
                with read_session() as session:
                    batch = list(
                        session.exec(
                            select(Product)
                            .where(Product.id > last_id, *_status(status))
                            .order_by(Product.id)
                            .limit(BATCH_SIZE)
                        ).all()
                    )
                    if not batch:
                        break
                    lines = list(_export_rows(session, batch, header, options))
                writer.writerows(lines)
                rows += len(lines)
                done += len(batch)
                last_id = batch[-1].id
                if on_progress is not None:
                    on_progress(done, max(done, total_products))
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return ExportSummary(products=done, rows=rows)


def _status(status: str | None) -> list:
    return [] if status is None else [Product.status == status]


def _check_status(status: str | None) -> None:
    if status is not None and status not in ("draft", "active", "archived"):
        raise InvalidInput(
            "Unknown product status.", fields={"status": "One of draft, active, archived."}
        )


def _grouped(pairs: Iterable[tuple[int, Any]]) -> dict[int, list[Any]]:
    out: dict[int, list[Any]] = {}
    for key, value in pairs:
        out.setdefault(key, []).append(value)
    return out


def _export_rows(
    session: Session, batch: list[Product], header: tuple[str, ...], options: int
) -> Iterator[list[str]]:
    ids = [p.id for p in batch]
    variants = _grouped(
        (v.product_id, (v, on_hand))
        for v, on_hand in session.exec(
            select(Variant, InventoryItem.on_hand)
            .join(InventoryItem, InventoryItem.variant_id == Variant.id, isouter=True)
            .where(Variant.product_id.in_(ids))
            .order_by(Variant.product_id, Variant.position, Variant.id)
        ).all()
    )
    option_names = _grouped(
        session.exec(
            select(ProductOption.product_id, ProductOption.name)
            .where(ProductOption.product_id.in_(ids))
            .order_by(ProductOption.product_id, ProductOption.position)
        ).all()
    )
    images = _grouped(
        session.exec(
            select(ProductImage.product_id, ProductImage.url)
            .where(ProductImage.product_id.in_(ids))
            .order_by(ProductImage.product_id, ProductImage.position, ProductImage.id)
        ).all()
    )
    tags = _grouped(
        session.exec(
            select(ProductTag.product_id, ProductTag.tag)
            .where(ProductTag.product_id.in_(ids))
            .order_by(ProductTag.product_id, ProductTag.tag)
        ).all()
    )
    categories = _grouped(
        session.exec(
            select(ProductCategory.product_id, Category.slug)
            .join(Category, Category.id == ProductCategory.category_id)
            .where(ProductCategory.product_id.in_(ids))
            .order_by(ProductCategory.product_id, Category.path, Category.slug)
        ).all()
    )
    for product in batch:
        first = {
            "product_id": str(product.id),
            "slug": product.slug,
            "title": product.title,
            "description": product.description,
            "status": product.status,
            "tags": ", ".join(tags.get(product.id, [])),
            "categories": "|".join(categories.get(product.id, [])),
            "seo_title": product.seo_title or "",
            "seo_description": product.seo_description or "",
            "image_urls": "|".join(images.get(product.id, [])),
        }
        # Later rows repeat only what groups them, as Shopify's export does.
        later = {k: first[k] for k in ("product_id", "slug", "title")}
        names = option_names.get(product.id, [])
        for position, (variant, on_hand) in enumerate(variants.get(product.id) or [(None, None)]):
            cells = dict(first if position == 0 else later)
            if variant is not None:
                cells.update(_variant_cells(variant, on_hand, names, options))
            yield [_cell(name, cells.get(name, "")) for name in header]


def _variant_cells(
    variant: Variant, on_hand: int | None, names: list[str], options: int
) -> dict[str, str]:
    values = dict(variant.option_values or {})
    ordered = [n for n in names if n in values] + [n for n in values if n not in names]
    cells = {
        "sku": variant.sku,
        "price": str(variant.price),
        "compare_at_price": _text(variant.compare_at_price),
        "cost_price": _text(variant.cost_price),
        "barcode": variant.barcode or "",
        "weight_grams": _text(variant.weight_grams),
        "stock": _text(on_hand or 0),
    }
    for n, name in enumerate(ordered[:options], start=1):
        cells[f"option{n}_name"] = name
        cells[f"option{n}_value"] = str(values[name])
    return cells


def _text(value: int | None) -> str:
    return "" if value is None else str(value)


def _cell(column: str, value: str) -> str:
    if column in _TEXT_COLUMNS and value.startswith(_FORMULA_START):
        return "'" + value
    return value


# --- import: reading and checking -----------------------------------------------------


class ImportIssue(BaseModel):
    line: int
    sku: str = ""
    message: str


class ImportSummary(BaseModel):
    status: str  # done / failed
    message: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rows: int = 0
    products: int = 0
    errors: list[ImportIssue] = []


class _FileRejected(Exception):
    def __init__(self, issues: list[ImportIssue]) -> None:
        super().__init__(issues[0].message if issues else "rejected")
        self.issues = issues


@dataclass
class _Row:
    line: int
    cells: dict[str, str]

    @property
    def sku(self) -> str:
        return self.cells.get("sku", "")


@dataclass
class _Group:
    """The rows of one product, and what they say about it."""

    product_id: int | None
    first_line: int
    rows: list[_Row] = field(default_factory=list)
    shared: dict[str, tuple[str, int]] = field(default_factory=dict)  # column → (value, line)
    variants: list[dict[str, Any]] = field(default_factory=list)
    variant_rows: list[_Row] = field(default_factory=list)
    option_names: dict[int, tuple[str, int]] = field(default_factory=dict)
    image_urls: list[str] = field(default_factory=list)
    category_ids: list[int] = field(default_factory=list)

    def value(self, column: str) -> str:
        return self.shared.get(column, ("", 0))[0]

    def line_of(self, column: str) -> int:
        return self.shared.get(column, ("", self.first_line))[1]


def _unquote(column: str, value: str) -> str:
    value = value.strip()
    if column in _TEXT_COLUMNS and value[:1] == "'" and value[1:2] in _FORMULA_START:
        return value[1:]
    return value


def _read_csv(path: Path) -> tuple[list[str], list[_Row]]:
    """Header and non-blank rows, each with the line its record starts on."""
    issues: list[ImportIssue] = []
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.reader(fh, strict=True)
            raw_header = next(reader, None)
            if raw_header is None:
                raise _FileRejected([ImportIssue(line=1, message="The file is empty.")])
            header = [h.strip().lower() for h in raw_header]
            _check_header(header)
            rows: list[_Row] = []
            previous_end = reader.line_num
            for record in reader:
                line, previous_end = previous_end + 1, reader.line_num
                if not any(c.strip() for c in record):
                    continue
                extra = [c for c in record[len(header) :] if c.strip()]
                if extra:
                    issues.append(
                        ImportIssue(
                            line=line,
                            message=f"The row has {len(record)} cells but the header names "
                            f"{len(header)} columns.",
                        )
                    )
                    continue
                cells = {
                    name: _unquote(name, value)
                    for name, value in zip(header, record, strict=False)
                    if name
                }
                rows.append(_Row(line=line, cells=cells))
                if len(rows) > MAX_ROWS:
                    raise _FileRejected(
                        [ImportIssue(line=line, message=f"At most {MAX_ROWS} rows per file.")]
                    )
    except UnicodeDecodeError as exc:
        raise _FileRejected(
            [
                ImportIssue(
                    line=1,
                    message=f"The file is not UTF-8 text (byte {exc.start}); "
                    "save it as “CSV UTF-8”.",
                )
            ]
        ) from exc
    except csv.Error as exc:
        raise _FileRejected(
            [ImportIssue(line=reader.line_num, message=f"The file is not valid CSV: {exc}.")]
        ) from exc
    if issues:
        raise _FileRejected(issues)
    if not rows:
        raise _FileRejected([ImportIssue(line=2, message="The file has no product rows.")])
    return [h for h in header if h], rows


def _check_header(header: list[str]) -> None:
    named = [h for h in header if h]
    problems: list[str] = []
    unknown = [h for h in named if h not in KNOWN_COLUMNS]
    if unknown:
        problems.append(f"unknown column(s): {', '.join(unknown)}")
    repeated = sorted({h for h in named if named.count(h) > 1})
    if repeated:
        problems.append(f"repeated column(s): {', '.join(repeated)}")
    missing = [c for c in REQUIRED_COLUMNS if c not in named]
    if not any(k in named for k in KEY_COLUMNS):
        missing.append(" or ".join(KEY_COLUMNS))
    if missing:
        problems.append(f"missing column(s): {', '.join(missing)}")
    for n in range(1, MAX_OPTIONS + 1):
        if (f"option{n}_name" in named) != (f"option{n}_value" in named):
            problems.append(f"option{n}_name and option{n}_value go together")
    if problems:
        raise _FileRejected(
            [
                ImportIssue(
                    line=1,
                    message="The header row does not fit: "
                    + "; ".join(problems)
                    + f". Expected columns: {', '.join(COLUMNS)}.",
                )
            ]
        )


def _group_rows(rows: list[_Row], issues: list[ImportIssue]) -> list[_Group]:
    groups: dict[tuple[str, str], _Group] = {}
    for row in rows:
        pid_text, slug, title = (row.cells.get(k, "") for k in KEY_COLUMNS)
        product_id: int | None = None
        if pid_text:
            if not _INTEGER.match(pid_text) or int(pid_text) < 1:
                issues.append(
                    ImportIssue(
                        line=row.line,
                        sku=row.sku,
                        message=f"product_id must be a product number, not '{pid_text}' "
                        "(leave it empty for a new product).",
                    )
                )
                continue
            product_id = int(pid_text)
            key = ("id", str(product_id))
        elif slug:
            key = ("slug", slug)
        elif title:
            key = ("title", title)
        else:
            issues.append(
                ImportIssue(
                    line=row.line,
                    sku=row.sku,
                    message="title is missing: a row needs a product_id, a slug or a title.",
                )
            )
            continue
        group = groups.get(key)
        if group is None:
            group = groups[key] = _Group(product_id=product_id, first_line=row.line)
        group.rows.append(row)
    return list(groups.values())


def _parse_integer(row: _Row, column: str, issues: list[ImportIssue]) -> int | None:
    """The cell as an integer; None when empty, or when bad (then with an issue)."""
    text = row.cells.get(column, "")
    if not text:
        return None
    if _INTEGER.match(text):
        return int(text)
    if column in PRICE_COLUMNS and _DECIMAL.match(text):
        example = (
            f"{(Decimal(text) * 100).quantize(Decimal(1))} for {text}"
            if ("." in text)
            else "1250 for 12.50"
        )
        message = (
            f"{column} must be a whole number in minor units (cents): write {example}, "
            f"not '{text}'."
        )
    else:
        message = f"{column} must be a whole number, not '{text}'."
    issues.append(ImportIssue(line=row.line, sku=row.sku, message=message))
    return None


def _read_group(group: _Group, seen_skus: dict[str, int], issues: list[ImportIssue]) -> None:
    """Collect the product columns and turn each row into a variant dict."""
    for row in group.rows:
        for column in SHARED_COLUMNS:
            value = row.cells.get(column, "")
            if not value:
                continue
            if column not in group.shared:
                group.shared[column] = (value, row.line)
            elif group.shared[column][0] != value:
                issues.append(
                    ImportIssue(
                        line=row.line,
                        sku=row.sku,
                        message=f"{column} differs from line {group.shared[column][1]} of the "
                        "same product (leave it empty on the product's other rows).",
                    )
                )
        urls = [u.strip() for u in row.cells.get("image_urls", "").split("|") if u.strip()]
        group.image_urls.extend(u for u in urls if u not in group.image_urls)
        variant = _read_variant(group, row, seen_skus, issues)
        if variant is not None:
            group.variants.append(variant)
            group.variant_rows.append(row)


def _read_variant(
    group: _Group, row: _Row, seen_skus: dict[str, int], issues: list[ImportIssue]
) -> dict[str, Any] | None:
    before = len(issues)
    sku = row.sku
    if not sku:
        issues.append(ImportIssue(line=row.line, message="sku is missing."))
    else:
        first = seen_skus.setdefault(sku.upper(), row.line)
        if first != row.line:
            issues.append(
                ImportIssue(
                    line=row.line,
                    sku=sku,
                    message=f"SKU {sku} is also on line {first}; every variant needs its own SKU.",
                )
            )
    numbers = {column: _parse_integer(row, column, issues) for column in INTEGER_COLUMNS}
    if numbers["price"] is None and not row.cells.get("price"):
        issues.append(ImportIssue(line=row.line, sku=sku, message="price is missing."))
    option_values: dict[str, str] = {}
    for n in range(1, MAX_OPTIONS + 1):
        name = row.cells.get(f"option{n}_name", "")
        value = row.cells.get(f"option{n}_value", "")
        known = group.option_names.get(n)
        if name and known is None:
            group.option_names[n] = (name, row.line)
        elif name and known is not None and known[0] != name:
            issues.append(
                ImportIssue(
                    line=row.line,
                    sku=sku,
                    message=f"option{n}_name '{name}' differs from '{known[0]}' on line "
                    f"{known[1]}.",
                )
            )
            continue
        name = name or (known[0] if known else "")
        if value and not name:
            issues.append(
                ImportIssue(
                    line=row.line, sku=sku, message=f"option{n}_value needs an option{n}_name."
                )
            )
        elif name and not value:
            issues.append(
                ImportIssue(
                    line=row.line,
                    sku=sku,
                    message=f"option{n}_value is missing (option{n}_name is '{name}').",
                )
            )
        elif name in option_values:
            issues.append(
                ImportIssue(line=row.line, sku=sku, message=f"Option '{name}' is named twice.")
            )
        elif name:
            option_values[name] = value
    if len(issues) > before:
        return None
    variant: dict[str, Any] = {"sku": sku, "option_values": option_values}
    variant.update({k: v for k, v in numbers.items() if v is not None})
    if row.cells.get("barcode"):
        variant["barcode"] = row.cells["barcode"]
    return variant


@dataclass
class _Current:
    """An existing product as the file would describe it (to skip unchanged ones)."""

    title: str
    slug: str
    description: str
    status: str
    seo: tuple[str | None, str | None]
    tags: set[str] = field(default_factory=set)
    category_ids: set[int] = field(default_factory=set)
    variants: list[tuple[Any, ...]] = field(default_factory=list)


@dataclass
class _Known:
    """What the database already holds that the file refers to."""

    products: dict[int, _Current]
    slug_owner: dict[str, int]
    sku_owner: dict[str, tuple[int, str]]  # SKU upper-cased → product id, SKU
    categories: dict[str, int]
    images: dict[int, list[tuple[str, str, str | None]]]  # product → (url, alt, variant SKU)


def _chunks(values: list[Any], size: int = BATCH_SIZE) -> Iterator[list[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _lookup(session: Session, groups: list[_Group]) -> _Known:
    ids = sorted({g.product_id for g in groups if g.product_id})
    slugs = sorted({g.value("slug") for g in groups if g.value("slug")})
    skus = sorted({row.sku.upper() for g in groups for row in g.variant_rows})
    category_slugs = sorted(
        {s.strip() for g in groups for s in g.value("categories").split("|") if s.strip()}
    )
    known = _Known({}, {}, {}, {}, {})
    for chunk in _chunks(ids):
        for p in session.exec(select(Product).where(Product.id.in_(chunk))).all():
            known.products[p.id] = _Current(
                p.title, p.slug, p.description, p.status, (p.seo_title, p.seo_description)
            )
        for pid, tag in session.exec(
            select(ProductTag.product_id, ProductTag.tag).where(ProductTag.product_id.in_(chunk))
        ).all():
            known.products[pid].tags.add(tag)
        for pid, category_id in session.exec(
            select(ProductCategory.product_id, ProductCategory.category_id).where(
                ProductCategory.product_id.in_(chunk)
            )
        ).all():
            known.products[pid].category_ids.add(category_id)
        for v in session.exec(
            select(Variant)
            .where(Variant.product_id.in_(chunk))
            .order_by(Variant.product_id, Variant.position, Variant.id)
        ).all():
            known.products[v.product_id].variants.append(_variant_key(v))
        for pid, url, alt, sku in session.exec(
            select(ProductImage.product_id, ProductImage.url, ProductImage.alt, Variant.sku)
            .join(Variant, Variant.id == ProductImage.variant_id, isouter=True)
            .where(ProductImage.product_id.in_(chunk))
            .order_by(ProductImage.product_id, ProductImage.position, ProductImage.id)
        ).all():
            known.images.setdefault(pid, []).append((url, alt, sku))
    for chunk in _chunks(slugs):
        known.slug_owner.update(
            session.exec(select(Product.slug, Product.id).where(Product.slug.in_(chunk))).all()
        )
    for chunk in _chunks(skus):
        for sku, pid in session.exec(
            select(Variant.sku, Variant.product_id).where(func.upper(Variant.sku).in_(chunk))
        ).all():
            known.sku_owner[sku.upper()] = (pid, sku)
    for chunk in _chunks(category_slugs):
        known.categories.update(
            session.exec(select(Category.slug, Category.id).where(Category.slug.in_(chunk))).all()
        )
    return known


def _variant_key(v: Any) -> tuple[Any, ...]:
    """What an import can change on a variant (stock is never changed on existing ones)."""
    return (
        v.sku,
        list((v.option_values or {}).items()),
        v.price,
        v.compare_at_price,
        v.cost_price,
        v.barcode,
        v.weight_grams,
    )


def _changes(item: dict[str, Any], patch: ProductPatch, current: _Current) -> dict[str, Any]:
    """The part of an update that differs from the product as it is (just "id": nothing).

    Sending only that keeps the service from rewriting tags, categories, SEO or every
    variant of thousands of products when a file changes one price.
    """
    out: dict[str, Any] = {"id": item["id"]}
    for name in ("title", "slug", "description", "status"):
        if name in item and getattr(patch, name) != getattr(current, name):
            out[name] = item[name]
    if "tags" in item and set(patch.tags or []) != current.tags:
        out["tags"] = item["tags"]
    if "seo" in item:
        seo = (patch.seo.title, patch.seo.description) if patch.seo else (None, None)
        if seo != current.seo:
            out["seo"] = item["seo"]
    if "category_ids" in item and set(patch.category_ids or []) != current.category_ids:
        out["category_ids"] = item["category_ids"]
    if [_variant_key(v) for v in patch.variants or []] != current.variants:
        out["variants"] = item["variants"]
    if "images" in item:  # `_images` leaves them out when they stay the same
        out["images"] = item["images"]
    return out


def _check_against_catalog(
    group: _Group, known: _Known, slugs_in_file: dict[str, int], issues: list[ImportIssue]
) -> bool:
    before = len(issues)
    pid = group.product_id
    if pid is not None and pid not in known.products:
        issues.append(
            ImportIssue(
                line=group.first_line,
                sku=group.rows[0].sku,
                message=f"No product with product_id {pid} (leave product_id empty to create "
                "a new product).",
            )
        )
    slug = group.value("slug")
    if slug:
        owner = known.slug_owner.get(slug)
        first = slugs_in_file.setdefault(slug, group.line_of("slug"))
        if owner is not None and owner != pid:
            hint = " (put its product_id in the row to update it)" if pid is None else ""
            issues.append(
                ImportIssue(
                    line=group.line_of("slug"),
                    message=f"slug '{slug}' is already used by product {owner}{hint}.",
                )
            )
        elif first != group.line_of("slug"):
            issues.append(
                ImportIssue(
                    line=group.line_of("slug"),
                    message=f"slug '{slug}' is also used by another product on line {first}.",
                )
            )
    for row in group.variant_rows:
        owner_sku = known.sku_owner.get(row.sku.upper())
        if owner_sku is not None and owner_sku[0] != pid:
            issues.append(
                ImportIssue(
                    line=row.line,
                    sku=row.sku,
                    message=f"SKU {owner_sku[1]} already belongs to product {owner_sku[0]}.",
                )
            )
    for name in (s.strip() for s in group.value("categories").split("|")):
        if not name:
            continue
        if name in known.categories:
            if known.categories[name] not in group.category_ids:
                group.category_ids.append(known.categories[name])
        else:
            issues.append(
                ImportIssue(
                    line=group.line_of("categories"),
                    message=f"No category with the slug '{name}'.",
                )
            )
    return len(issues) == before


def _item(group: _Group, header: set[str], known: _Known) -> dict[str, Any]:
    """The ProductIn (new) or ProductPatch (with "id") body that `apply_bulk` takes."""
    value = group.value
    item: dict[str, Any] = {"variants": group.variants}
    if group.product_id is not None:
        item["id"] = group.product_id
    if value("title"):
        item["title"] = value("title")
    if value("slug"):
        item["slug"] = value("slug")
    if value("status"):
        item["status"] = value("status")
    if "description" in header:
        item["description"] = value("description")
    if "tags" in header:
        item["tags"] = [t for t in (t.strip() for t in value("tags").split(",")) if t]
    if "categories" in header:
        item["category_ids"] = group.category_ids
    current = known.products.get(group.product_id or 0)
    current_seo_title, current_seo_text = current.seo if current else (None, None)
    if "seo_title" in header or "seo_description" in header:
        seo_title = value("seo_title") if "seo_title" in header else current_seo_title
        seo_text = value("seo_description") if "seo_description" in header else current_seo_text
        if group.product_id is not None or seo_title or seo_text:
            item["seo"] = {"title": seo_title or None, "description": seo_text or None}
    if "image_urls" in header:
        images = _images(group, known)
        if images is not None:
            item["images"] = images
    return item


def _images(group: _Group, known: _Known) -> list[dict[str, Any]] | None:
    """New image list; None when an updated product's images stay as they are."""
    current = known.images.get(group.product_id or 0, [])
    if group.product_id is not None and [u for u, _, _ in current] == group.image_urls:
        return None
    kept = {url: (alt, sku) for url, alt, sku in current}
    skus = {row.sku.upper() for row in group.variant_rows}
    images = []
    for url in group.image_urls:
        alt, sku = kept.get(url, ("", None))
        image: dict[str, Any] = {"url": url, "alt": alt}
        if sku and sku.upper() in skus:
            image["variant_sku"] = sku
        images.append(image)
    return images


_FRIENDLY = {
    "slug": "use lowercase letters, digits and single hyphens (e.g. linen-shirt)",
    "sku": "use letters, digits and . _ - / (at most 64 characters, starting with a letter "
    "or digit)",
}


def _validate(
    group: _Group, item: dict[str, Any], issues: list[ImportIssue]
) -> ProductIn | ProductPatch | None:
    body = {k: v for k, v in item.items() if k != "id"}
    try:
        if group.product_id is None:
            return ProductIn.model_validate(body)
        return ProductPatch.model_validate(body)
    except ValidationError as exc:
        for error in exc.errors():
            issues.append(_issue_from(group, tuple(error["loc"]), error))
        return None


def _issue_from(group: _Group, loc: tuple[Any, ...], error: Any) -> ImportIssue:
    message = str(error["msg"]).removeprefix("Value error, ")
    line, sku = group.first_line, ""
    column = str(loc[0]) if loc else ""
    if column == "variants" and len(loc) >= 2 and isinstance(loc[1], int):
        row = group.variant_rows[loc[1]]
        line, sku = row.line, row.sku
        column = str(loc[2]) if len(loc) >= 3 else ""
        if column == "option_values":
            column = "options"
    elif column == "seo" and len(loc) >= 2:
        column = f"seo_{loc[1]}"
        line = group.line_of(column)
    elif column in ("images", "category_ids"):
        column = "image_urls" if column == "images" else "categories"
        line = group.line_of(column)
    elif column:
        line = group.line_of(column)
    if column == "title" and error["type"] == "missing":
        return ImportIssue(line=line, sku=sku, message="title is missing for a new product.")
    if error["type"] == "string_pattern_mismatch" and column in _FRIENDLY:
        message = f"'{error['input']}' is not allowed: {_FRIENDLY[column]}"
    return ImportIssue(line=line, sku=sku, message=f"{column}: {message}" if column else message)


# --- import: the job ------------------------------------------------------------------


class _Throttled:
    """Progress for a run, written at most a few times a second (and always at the end)."""

    def __init__(self, run_id: str, message: str) -> None:
        self.run_id, self.message, self._last = run_id, message, 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done >= total or now - self._last >= 0.25:
            self._last = now
            runs.set_progress(self.run_id, done, total, self.message)


def import_products(run_id: str, csv_path: str | Path, created_by_id: int | None) -> None:
    """The background job: import the CSV at `csv_path` for the run `run_id`."""
    if runs.mark_running(run_id) is None:
        logger.warning("import run not found or already finished", extra={"run_id": run_id})
        return
    try:
        summary = apply_import(Path(csv_path), created_by_id=created_by_id, run_id=run_id)
    except Exception:
        logger.exception("product import crashed", extra={"run_id": run_id})
        runs.finish_run(
            run_id,
            status="failed",
            message="The import stopped on an unexpected error; nothing was imported.",
            result={"errors": [], "error_count": 0},
        )
        return
    result: dict[str, Any] = summary.model_dump(
        include={"created", "updated", "unchanged", "rows", "products"}
    )
    if summary.errors:
        _write_error_report(error_report_path(run_id), summary.errors)
        result["errors"] = [e.model_dump() for e in summary.errors[:MAX_ERRORS_IN_RESULT]]
        result["error_count"] = len(summary.errors)
        result["error_report"] = True
    runs.finish_run(run_id, status=summary.status, message=summary.message, result=result)


def apply_import(
    csv_path: Path, *, created_by_id: int | None, run_id: str | None = None
) -> ImportSummary:
    """Check the whole file, then apply it in one transaction, or apply nothing."""

    def note(done: int, total: int, message: str) -> None:
        if run_id:
            runs.set_progress(run_id, done, total, message)

    note(0, 0, "Reading the file")
    try:
        header, rows = _read_csv(csv_path)
    except _FileRejected as exc:
        return _failed(exc.issues, rows=0, products=0)
    issues: list[ImportIssue] = []
    groups = _group_rows(rows, issues)
    seen_skus: dict[str, int] = {}
    for group in groups:
        _read_group(group, seen_skus, issues)
    note(0, len(groups), "Checking the products")
    with read_session() as session:
        known = _lookup(session, groups)
    columns = set(header)
    items: list[dict[str, Any]] = []
    item_groups: list[_Group] = []
    slugs_in_file: dict[str, int] = {}
    unchanged = 0
    for group in groups:
        if not _check_against_catalog(group, known, slugs_in_file, issues):
            continue
        if not group.variants:
            continue  # every row of it has an error already
        item = _item(group, columns, known)
        data = _validate(group, item, issues)
        if isinstance(data, ProductPatch):
            item = _changes(item, data, known.products[group.product_id or 0])
            if len(item) == 1:
                unchanged += 1  # re-importing an export must not rewrite every product
                continue
        items.append(item)
        item_groups.append(group)
    if issues:
        return _failed(issues, rows=len(rows), products=len(groups))
    return _apply(
        items, item_groups, created_by_id, rows=len(rows), unchanged=unchanged, run_id=run_id
    )


class _Rejected(Exception):
    """Raised inside the unit of work so that it rolls everything back."""


def _apply(
    items: list[dict[str, Any]],
    groups: list[_Group],
    created_by_id: int | None,
    *,
    rows: int,
    unchanged: int,
    run_id: str | None,
) -> ImportSummary:
    total = len(items)
    products_in_file = total + unchanged
    progress = _Throttled(run_id, "Saving the products") if run_id else None
    issues: list[ImportIssue] = []
    counts = {"created": 0, "updated": 0}
    try:
        with unit_of_work() as session:
            for start in range(0, total, bulk.MAX_BULK):
                chunk = items[start : start + bulk.MAX_BULK]
                report = (
                    (lambda done, _total, offset=start: progress(offset + done, total))
                    if progress
                    else None
                )
                try:
                    applied = bulk.apply_bulk(
                        session, chunk, actor_id=created_by_id, on_progress=report
                    )
                except bulk.BulkFailed as exc:
                    for row in exc.extra["rows"]:
                        issues.append(_bulk_issue(groups[start + row["index"]], row))
                    continue
                for outcome in applied:
                    counts[outcome.action] += 1
            if issues:
                raise _Rejected
    except _Rejected:
        return _failed(issues, rows=rows, products=products_in_file)
    except DomainError as exc:  # a rule the service checks outside a row (never expected)
        return _failed(
            [ImportIssue(line=1, message=exc.message)], rows=rows, products=products_in_file
        )
    message = (
        f"Imported {products_in_file} product(s) from {rows} row(s): {counts['created']} "
        f"created, {counts['updated']} updated, {unchanged} unchanged."
    )
    if run_id:
        runs.set_progress(run_id, max(total, 1), max(total, 1), message)
    return ImportSummary(
        status="done",
        message=message,
        rows=rows,
        products=products_in_file,
        unchanged=unchanged,
        **counts,
    )


def _bulk_issue(group: _Group, row: dict[str, Any]) -> ImportIssue:
    message = row["message"]
    line, sku = group.first_line, group.rows[0].sku
    if row["code"] == "sku_taken":  # fields name the SKUs ("SKU already in use: A, B")
        listed = (row.get("fields") or {}).get("variants", "").partition(": ")[2]
        taken = {sku.strip().upper() for sku in listed.split(", ")}
        for variant_row in group.variant_rows:
            if variant_row.sku.upper() in taken:
                return ImportIssue(line=variant_row.line, sku=variant_row.sku, message=message)
    for name in row.get("fields") or {}:
        parts = name.split(".")
        if parts[0] == "variants" and len(parts) > 1 and parts[1].isdigit():
            variant_row = group.variant_rows[int(parts[1])]
            line, sku = variant_row.line, variant_row.sku
            break
    return ImportIssue(line=line, sku=sku, message=message)


def _failed(issues: list[ImportIssue], *, rows: int, products: int) -> ImportSummary:
    issues = sorted(issues, key=lambda i: i.line)
    return ImportSummary(
        status="failed",
        message=f"{len(issues)} problem(s) found in the file; nothing was imported.",
        rows=rows,
        products=products,
        errors=issues,
    )


def _write_error_report(path: Path, issues: list[ImportIssue]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8-sig") as fh:
        writer = csv.writer(fh)
        writer.writerow(["line", "sku", "message"])
        writer.writerows([i.line, _cell("sku", i.sku), i.message] for i in issues)


# --- starting runs (API and admin UI) -------------------------------------------------


def _not_csv(message: str, *, code: str = "unsupported_file", status: int = 415) -> InvalidInput:
    return InvalidInput(message, code=code, status=status, fields={"file": message})


def receive_upload(stream: BinaryIO, *, filename: str | None, content_type: str | None) -> Path:
    """Copy an uploaded CSV into the imports folder, refusing what cannot be one.

    Checks the declared type, the size (MAX_UPLOAD_BYTES), NUL bytes and that every byte
    is UTF-8 (a BOM is fine) while copying, so nothing big is held in memory.
    """
    declared = (content_type or "").split(";")[0].strip().lower()
    named_csv = (filename or "").lower().endswith((".csv", ".txt"))
    if declared not in ACCEPTED_CONTENT_TYPES and not (
        declared in ("", "application/octet-stream") and named_csv
    ):
        raise _not_csv("Upload a CSV file (comma-separated, UTF-8).")
    folder = imports_dir()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"upload-{uuid.uuid4().hex}.csv"
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    size = 0
    try:
        with target.open("wb") as out:
            while chunk := stream.read(1024 * 1024):
                size += len(chunk)
                if size > MAX_UPLOAD_BYTES:
                    raise _not_csv(
                        f"The file is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB; "
                        "split it into several files.",
                        code="file_too_large",
                        status=413,
                    )
                if b"\x00" in chunk:
                    raise _not_csv("This is a binary file, not a CSV text file.")
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError as exc:
                    raise _not_csv(
                        "The file is not UTF-8 text; save it as “CSV UTF-8”.",
                        code="not_utf8",
                        status=422,
                    ) from exc
                out.write(chunk)
            try:
                decoder.decode(b"", final=True)
            except UnicodeDecodeError as exc:
                raise _not_csv(
                    "The file is not UTF-8 text; save it as “CSV UTF-8”.",
                    code="not_utf8",
                    status=422,
                ) from exc
        if size == 0:
            raise _not_csv("The file is empty.", code="empty_file", status=422)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return target


def start_import(upload: Path, *, created_by_id: int | None, filename: str = "") -> str:
    """Record an import run for a received upload and start it in the background."""
    try:
        with unit_of_work() as session:
            run_id = runs.start_run(
                session,
                kind=IMPORT_KIND,
                params={"filename": (filename or "")[:200]},
                created_by_id=created_by_id,
            )
            path = upload_path(run_id)
            os.replace(upload, path)
    except BaseException:
        upload.unlink(missing_ok=True)
        raise
    _dispatch(run_id, import_products, run_id, str(path), created_by_id)
    return run_id


def start_export(*, status: str | None, created_by_id: int | None) -> str:
    """Record an export run and start it in the background."""
    _check_status(status)
    with unit_of_work() as session:
        run_id = runs.start_run(
            session, kind=EXPORT_KIND, params={"status": status}, created_by_id=created_by_id
        )
    _dispatch(run_id, export_job, run_id)
    return run_id


def _dispatch(run_id: str, func: Callable[..., Any], *args: Any) -> None:
    try:
        enqueue_background(func, *args)
    except Exception as exc:
        logger.exception("could not queue a catalog job", extra={"run_id": run_id})
        runs.finish_run(run_id, status="failed", message="The job could not be queued.", result={})
        raise DomainError(
            "Background jobs are unavailable right now; please try again shortly.",
            code="jobs_unavailable",
            status=503,
        ) from exc


def export_job(run_id: str) -> None:
    """The background job: export products for the run `run_id`."""
    run = runs.mark_running(run_id)
    if run is None:
        logger.warning("export run not found or already finished", extra={"run_id": run_id})
        return
    progress = _Throttled(run_id, "Writing products")
    try:
        summary = export_products(
            export_path(run_id), status=run.params.get("status"), on_progress=progress
        )
    except Exception:
        logger.exception("product export crashed", extra={"run_id": run_id})
        runs.finish_run(
            run_id, status="failed", message="The export stopped on an unexpected error.", result={}
        )
        return
    message = f"Exported {summary.products} product(s) in {summary.rows} row(s)."
    runs.set_progress(run_id, summary.products, summary.products, message)
    runs.finish_run(run_id, status="done", message=message, result=summary.model_dump())
