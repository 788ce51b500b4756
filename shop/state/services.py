"""Run shop_core use cases from event handlers without holding up the event loop.

Password hashing and database round trips happen in a worker thread; the handler
awaits the result. One call is one unit of work (or one read session).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

from sqlmodel import Session

from shop_core.db import read_session, unit_of_work

T = TypeVar("T")


async def write(use_case: Callable[[Session], T]) -> T:
    """Run `use_case` in its own unit of work: committed on success, rolled back on error."""

    def run() -> T:
        with unit_of_work() as session:
            return use_case(session)

    return await asyncio.to_thread(run)


async def read(query: Callable[[Session], T]) -> T:
    """Run `query` in a read session; nothing it does is committed."""

    def run() -> T:
        with read_session() as session:
            return query(session)

    return await asyncio.to_thread(run)
