"""Atomic bulk create/update: every row is validated and applied, and if any row fails
the caller's transaction is rolled back with the list of row errors (nothing applied)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlmodel import Session

from shop_core.catalog import creation, products
from shop_core.catalog.schemas import ProductIn, ProductPatch
from shop_core.errors import DomainError

MAX_BULK = 5000
CREATE_BATCH = 250


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
    session: Session,
    items: list[dict[str, Any]],
    *,
    actor_id: int | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> list[BulkApplied]:
    """Apply every row or none. `on_progress(done, total)` is called after each row."""
    if not 1 <= len(items) <= MAX_BULK:
        raise BulkFailed(
            [RowError(index=0, code="validation_error", message=f"Send 1 to {MAX_BULK} items.")]
        )
    parsed, errors = parse_rows(items)
    if errors:
        raise BulkFailed(errors)
    applied: list[BulkApplied] = []
    done = 0

    def progress(step: int) -> None:
        nonlocal done
        done += step
        if on_progress is not None:
            on_progress(done, len(items))

    # Updates one by one, each in a savepoint so a failing row cannot poison the rest.
    for index, (raw, data) in enumerate(zip(items, parsed, strict=True)):
        if isinstance(data, ProductPatch):
            try:
                with session.begin_nested():
                    pid = _int_id(raw["id"])
                    products.update_product(session, pid, data, actor_id=actor_id, index=False)
                applied.append(BulkApplied(index=index, id=pid, action="updated"))
            except DomainError as exc:
                errors.append(_row_error(index, exc))
            progress(1)
    # Creates in batches: one query per check and one INSERT per table for each batch.
    creates = [(i, d) for i, d in enumerate(parsed) if isinstance(d, ProductIn)]
    for start in range(0, len(creates), CREATE_BATCH):
        batch = creates[start : start + CREATE_BATCH]
        try:
            ids = creation.create_products(session, [d for _, d in batch], actor_id=actor_id)
            applied.extend(
                BulkApplied(index=i, id=pid, action="created")
                for (i, _), pid in zip(batch, ids, strict=True)
            )
        except creation.BatchRejected as exc:
            errors.extend(_row_error(batch[k][0], err) for k, err in sorted(exc.errors.items()))
        progress(len(batch))
    if errors:
        raise BulkFailed(sorted(errors, key=lambda e: e.index))
    products.after_change(session, [a.id for a in applied])
    applied.sort(key=lambda a: a.index)
    return applied


def _row_error(index: int, exc: DomainError) -> RowError:
    return RowError(index=index, code=exc.code, message=exc.message, fields=exc.fields)


def _int_id(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise DomainError(
            "id must be a product id.",
            code="validation_error",
            fields={"id": "Must be an integer."},
            status=422,
        )
    return value
