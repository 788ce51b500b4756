"""Long jobs (CSV imports and exports, big reports) that must never run in the request or
Reflex event that asked for them.

With REDIS_URL they go to an RQ queue like every other job. Without Redis, where ordinary
jobs run inline after the commit, a ten-thousand-row import would hold the web request
for a minute; these run instead on one background thread of this process, one at a time
(SQLite has a single writer anyway). Their progress is followed through
`shop_core.jobs.runs`, and each job records its own failure in its run, so none is retried.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from typing import Any

from shop_core.jobs import _new_job, get_queue
from shop_core.jobs.worker import run_pending_jobs
from shop_core.settings import get_settings

logger = logging.getLogger(__name__)

# RQ's default (180 s) is far too short for a big import on a busy database.
JOB_TIMEOUT_SECONDS = 3600
RESULT_TTL_SECONDS = 24 * 3600

_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="shop-background")
_pending: set[Future[None]] = set()
_pending_lock = threading.Lock()


def enqueue_background(
    func: Callable[..., Any], *args: Any, queue: str = "reports", **kwargs: Any
) -> None:
    """Start `func(*args, **kwargs)` away from the caller, who never waits for it.

    Call it after the work that the job reads has been committed.
    """
    _new_job(func, queue, args, kwargs, savepoint=None)  # same checks as every other job
    if get_settings().redis_url:
        get_queue(queue).enqueue_call(
            func,
            args=args,
            kwargs=kwargs,
            timeout=JOB_TIMEOUT_SECONDS,
            result_ttl=RESULT_TTL_SECONDS,
            failure_ttl=RESULT_TTL_SECONDS,
        )
        return
    future = _executor.submit(_run_logged, func, args, kwargs)
    with _pending_lock:
        _pending.add(future)
    future.add_done_callback(_forget)


def _forget(future: Future[None]) -> None:
    with _pending_lock:
        _pending.discard(future)


def _run_logged(func: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    try:
        func(*args, **kwargs)
    except Exception:
        logger.exception(
            "background job failed", extra={"job": f"{func.__module__}.{func.__qualname__}"}
        )


def wait_for_background(timeout: float | None = None) -> None:
    """Return once every background job has finished (tests, scripts).

    Inline: waits for the background thread, including jobs queued meanwhile. With Redis:
    runs every queued job in this process, like `run_pending_jobs`.
    """
    if get_settings().redis_url:
        run_pending_jobs()
        return
    while True:
        with _pending_lock:
            futures = list(_pending)
        if not futures:
            return
        _, not_done = wait(futures, timeout=timeout)
        if not_done:
            raise TimeoutError(f"{len(not_done)} background job(s) still running")
