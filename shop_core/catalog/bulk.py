"""Atomic bulk create/update: every row is validated and applied, and if any row fails
the caller's transaction is rolled back with the list of row errors (nothing applied)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ValidationError
from sqlmodel import Session

from shop_core.catalog import products
from shop_core.catalog.schemas import ProductIn, ProductPatch
from shop_core.errors import DomainError

MAX_BULK = 5000


class RowError(BaseModel):
    index: int
    code: str
    message: str
    fields: dict[str, str] = {}


class BulkApplied(BaseModel):
    index: int
    id: int
    action: str


class BulkFailed(DomainError):
    def __init__(self, rows: list[RowError]) -> None:
        conflicts = all(r.code.endswith("_taken") for r in rows)
        super().__init__(
            f"{len(rows)} row(s) failed; nothing was applied.",
            code="bulk_failed",
            status=409 if conflicts else 422,
            fields={f"items.{r.index}": r.message for r in rows[:100]},
        )
        self.extra = {"rows": [r.model_dump() for r in rows]}


def validation_fields(exc: ValidationError) -> dict[str, str]:
    return {".".join(str(p) for p in e["loc"]) or "item": e["msg"] for e in exc.errors()}


def parse_rows(
    items: list[dict[str, Any]],
) -> tuple[list[ProductIn | ProductPatch], list[RowError]]:
    parsed: list[ProductIn | ProductPatch] = []
    errors: list[RowError] = []
    for index, raw in enumerate(items):
        if not isinstance(raw, dict):
            errors.append(
                RowError(index=index, code="validation_error", message="Row must be an object.")
            )
            continue
        body = {k: v for k, v in raw.items() if k != "id"}
        try:
            parsed.append(
                ProductPatch.model_validate(body) if "id" in raw else ProductIn.model_validate(body)
            )
        except ValidationError as exc:
            fields = validation_fields(exc)
            errors.append(
                RowError(
                    index=index,
                    code="validation_error",
                    message="; ".join(f"{k}: {v}" for k, v in fields.items()),
                    fields=fields,
                )
            )
    return parsed, errors


def apply_bulk(
    session: Session, items: list[dict[str, Any]], *, actor_id: int | None = None
) -> list[BulkApplied]:
    if not 1 <= len(items) <= MAX_BULK:
        raise BulkFailed(
            [RowError(index=0, code="validation_error", message=f"Send 1 to {MAX_BULK} items.")]
        )
    parsed, errors = parse_rows(items)
    if errors:
        raise BulkFailed(errors)
    applied: list[BulkApplied] = []
    slugs: set[str] = set()
    for index, (raw, data) in enumerate(zip(items, parsed, strict=True)):
        try:
            # A savepoint per row: a row that trips a unique index cannot poison the rest.
            with session.begin_nested():
                applied.append(_apply_row(session, index, raw, data, slugs, actor_id))
        except DomainError as exc:
            errors.append(
                RowError(index=index, code=exc.code, message=exc.message, fields=exc.fields)
            )
    if errors:
        raise BulkFailed(errors)
    products.after_change(session, [a.id for a in applied])
    return applied


def _apply_row(
    session: Session,
    index: int,
    raw: dict[str, Any],
    data: ProductIn | ProductPatch,
    slugs: set[str],
    actor_id: int | None,
) -> BulkApplied:
    if isinstance(data, ProductPatch):
        pid = _int_id(raw["id"], index)
        products.update_product(session, pid, data, actor_id=actor_id, index=False)
        return BulkApplied(index=index, id=pid, action="updated")
    pid = products.create_product(session, data, actor_id=actor_id, batch_slugs=slugs, index=False)
    return BulkApplied(index=index, id=pid, action="created")


def _int_id(value: Any, index: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise DomainError(
            "id must be a product id.",
            code="validation_error",
            fields={"id": "Must be an integer."},
            status=422,
        )
    return value
