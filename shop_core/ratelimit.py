"""Rate limits on sensitive actions, counted in Redis when configured, in-process otherwise."""

from __future__ import annotations

from functools import lru_cache

from limits import parse
from limits.storage import MemoryStorage, RedisStorage, Storage
from limits.strategies import MovingWindowRateLimiter

from shop_core.errors import RateLimited
from shop_core.settings import get_settings


@lru_cache(maxsize=4)
def _limiter(redis_url: str) -> tuple[MovingWindowRateLimiter, Storage]:
    storage: Storage = RedisStorage(redis_url) if redis_url else MemoryStorage()
    return MovingWindowRateLimiter(storage), storage


def hit(rule: str, *keys: str) -> None:
    """Count one attempt for `keys` under `rule` (e.g. "10/minute"); raise 429 past it."""
    limiter, _ = _limiter(get_settings().redis_url)
    if not limiter.hit(parse(rule), *keys):
        raise RateLimited("Too many attempts. Please wait a minute and try again.")


def search(ip: str) -> None:
    """One full-text search (a listing with a query, suggestions) from `ip`: the REST API
    and the storefront share the RATE_LIMIT_SEARCH budget."""
    hit(get_settings().rate_limit_search, "search", "ip", ip)


def reset_all() -> None:
    """Forget every counter (tests and `shopctl` maintenance)."""
    _, storage = _limiter(get_settings().redis_url)
    storage.reset()
