"""The list envelope every list endpoint and admin table shares."""

from __future__ import annotations

from typing import Generic, TypeVar

from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.sql import Select
from sqlmodel import Session

from shop_core.errors import InvalidInput

T = TypeVar("T")
MAX_PER_PAGE = 100


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def check_paging(page: int, per_page: int) -> None:
    if page < 1:
        raise InvalidInput("page must be 1 or more.", fields={"page": "Must be 1 or more."})
    if not 1 <= per_page <= MAX_PER_PAGE:
        raise InvalidInput(
            f"per_page must be between 1 and {MAX_PER_PAGE}.",
            fields={"per_page": f"Between 1 and {MAX_PER_PAGE}."},
        )


def paginate(session: Session, stmt: Select, *, page: int, per_page: int) -> tuple[list, int]:
    """Run one page of `stmt` and a count of the whole result."""
    check_paging(page, per_page)
    total = session.execute(select(func.count()).select_from(stmt.order_by(None).subquery()))
    rows = session.execute(stmt.limit(per_page).offset((page - 1) * per_page))
    return list(rows.scalars().all()), int(total.scalar_one())
