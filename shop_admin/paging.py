"""Paging shared by every admin table state (a Reflex state mixin).

A state mixes this in, sets `PERMISSION` (checked by the paging handlers, like every
other admin handler) and implements `_fetch`, which loads `self.page` through
`_load_page`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar, TypeVar

import reflex as rx
from sqlmodel import Session

from shop.state.services import read
from shop_admin.guard import admin_event
from shop_core.accounts.roles import Perm
from shop_core.accounts.service import UserView
from shop_core.errors import DomainError
from shop_core.pagination import Page

T = TypeVar("T")


class PagedListState(rx.State, mixin=True):
    PERMISSION: ClassVar[Perm]
    PER_PAGE: ClassVar[int] = 20

    total: int = 0
    page: int = 1
    pages: int = 1
    loading: bool = False

    async def _fetch(self) -> None:
        raise NotImplementedError

    async def _refetch(self):
        """`_fetch`, with a service error shown as a toast (returned) instead of raised."""
        try:
            await self._fetch()
        except DomainError as exc:
            return rx.toast.error(exc.message)
        return None

    async def _load_page(self, query: Callable[[Session, int, int], Page[T]]) -> Sequence[T]:
        """Run `query(session, page, per_page)` for the current page; keep the page valid."""
        page, per_page = self.page, self.PER_PAGE
        result = await read(lambda s: query(s, page, per_page))
        if result.total and page > result.pages:  # the list shrank under us
            last = result.pages
            result = await read(lambda s: query(s, last, per_page))
        self.page, self.total, self.pages = result.page, result.total, result.pages
        return result.items

    @rx.event
    @admin_event()
    async def prev_page(self, actor: UserView):
        self.page = max(1, self.page - 1)
        await self._fetch()

    @rx.event
    @admin_event()
    async def next_page(self, actor: UserView):
        self.page = min(self.pages, self.page + 1)
        await self._fetch()
