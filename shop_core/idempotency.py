"""`Idempotency-Key` support: the same key with the same body gets the stored answer,
with another body a 409, and a concurrent duplicate never does the work twice.

The record is inserted in the same transaction as the work; a racing duplicate hits the
unique (scope, key) index, its work is rolled back, and it answers from the winner's record.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from shop_core.db import read_session, unit_of_work
from shop_core.errors import Conflict, InvalidInput
from shop_core.orders.models import IdempotencyRecord


def request_hash(body: Any) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()


def _replay(record: IdempotencyRecord, digest: str) -> tuple[int, dict]:
    if record.request_hash != digest:
        raise Conflict(
            "This Idempotency-Key was used with a different request.",
            code="idempotency_conflict",
        )
    return record.status_code, record.response


def _find(session: Session, scope: str, key: str) -> IdempotencyRecord | None:
    return session.exec(
        select(IdempotencyRecord).where(
            IdempotencyRecord.scope == scope, IdempotencyRecord.key == key
        )
    ).first()


def run_once(
    scope: str,
    key: str | None,
    body: Any,
    work: Callable[[Session], dict],
    *,
    status_code: int = 201,
) -> tuple[int, dict]:
    """Run `work(session)` once per (scope, key); returns (status, response body)."""
    if key is None:
        with unit_of_work() as session:
            return status_code, work(session)
    if not 1 <= len(key) <= 255:
        raise InvalidInput(
            "Idempotency-Key must be 1 to 255 characters.", fields={"Idempotency-Key": "Invalid."}
        )
    digest = request_hash(body)
    with read_session() as session:
        found = _find(session, scope, key)
        if found is not None:
            return _replay(found, digest)
    try:
        with unit_of_work() as session:
            response = work(session)
            session.add(
                IdempotencyRecord(
                    scope=scope,
                    key=key,
                    request_hash=digest,
                    status_code=status_code,
                    response=response,
                )
            )
            session.flush()
    except IntegrityError:
        with read_session() as session:
            found = _find(session, scope, key)
        if found is None:
            raise
        return _replay(found, digest)
    return status_code, response
