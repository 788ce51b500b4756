"""Record and list audit entries; recording happens inside the caller's transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlmodel import Session, select

from shop_core.audit.models import AuditEntry
from shop_core.pagination import Page, paginate


class Actor(BaseModel):
    id: int | None
    email: str | None


class AuditView(BaseModel):
    id: int
    created_at: datetime
    actor_email: str | None
    action: str
    target_type: str
    target_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


def record(
    session: Session,
    *,
    actor: Actor | None,
    action: str,
    target_type: str,
    target_id: str | int,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    session.add(
        AuditEntry(
            actor_id=actor.id if actor else None,
            actor_email=actor.email if actor else None,
            action=action,
            target_type=target_type,
            target_id=str(target_id),
            before=before,
            after=after,
        )
    )


def list_entries(
    session: Session, *, action: str | None = None, page: int = 1, per_page: int = 25
) -> Page[AuditView]:
    stmt = select(AuditEntry).order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
    if action:
        stmt = stmt.where(AuditEntry.action == action)
    rows, total = paginate(session, stmt, page=page, per_page=per_page)
    return Page[AuditView](
        items=[AuditView.model_validate(r, from_attributes=True) for r in rows],
        total=total,
        page=page,
        per_page=per_page,
    )
