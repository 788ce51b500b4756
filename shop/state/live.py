"""The live loop of an open ticket page, shared by the storefront and the admin.

It polls the database (not in-memory pub/sub), so replies written by any backend worker
show. The loop ends when the page's `_live_token` changes (another ticket, page left),
when `check` is refused, or after LIVE_IDLE_LIMIT seconds without news.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

from shop.components.support import LIVE_IDLE_LIMIT, LIVE_SECONDS
from shop.state.services import read
from shop_core.errors import DomainError


async def poll_ticket(
    state: Any,
    token: str,
    check: Callable[[Any], tuple[Any, object]],
    reload: Callable[[Any], Awaitable[None]],
) -> None:
    """Every LIVE_SECONDS run `check(session) -> (who, activity)`; when the activity
    stamp differs from `state._stamp`, `await reload(who)` inside the state lock."""
    idle_since = time.monotonic()
    while True:
        await asyncio.sleep(LIVE_SECONDS)
        try:
            who, activity = await read(check)
        except DomainError:
            async with state:
                if state._live_token == token:
                    state.live = False
            return
        async with state:
            if state._live_token != token:
                return
            if repr(activity) != state._stamp:
                try:
                    await reload(who)
                except DomainError:
                    state.live = False
                    return
                idle_since = time.monotonic()
            elif time.monotonic() - idle_since > LIVE_IDLE_LIMIT:
                state.live, state._live_token = False, ""
                return
