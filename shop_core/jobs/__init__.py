"""Background jobs that only start once the work that asked for them is committed.

A job registered inside a transaction must never see data that was rolled back, and
must never be lost when the data was committed. So jobs wait on the Session and are
dispatched from its `after_commit` event: to RQ when REDIS_URL is set (workers retry
with backoff), otherwise inline right after the commit so a laptop needs no Redis.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from redis import Redis
from rq import Queue, Retry
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from shop_core.settings import get_settings

logger = logging.getLogger(__name__)

# Listed by priority: a worker takes emails first and slow reports last.
QUEUES: tuple[str, ...] = ("email", "default", "reports")
RETRY_INTERVALS: list[int] = [10, 30, 60, 300, 900]

_PENDING = "shop_core.jobs.pending"


@dataclass(frozen=True)
class _Job:
    func: Callable[..., Any]
    queue: str
    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)
    # Innermost savepoint when registered (None: the outer transaction).
    savepoint: SessionTransaction | None = None


@lru_cache(maxsize=4)
def _connect(url: str) -> Redis:
    return Redis.from_url(url)


def redis_connection() -> Redis:
    """The shared Redis client for the configured REDIS_URL (one pool per URL)."""
    url = get_settings().redis_url
    if not url:
        raise RuntimeError("REDIS_URL is not set; jobs run inline and there is no Redis.")
    return _connect(url)


def get_queue(name: str) -> Queue:
    """The RQ queue called `name` on the configured Redis."""
    return Queue(_check_queue(name), connection=redis_connection())


def enqueue(func: Callable[..., Any], *args: Any, queue: str = "default", **kwargs: Any) -> None:
    """Dispatch a job now, for code that runs outside any transaction.

    With Redis, an unreachable Redis raises here so the caller knows; inline, the job's
    own errors are logged and swallowed like after a commit.
    """
    _dispatch(_new_job(func, queue, args, kwargs, savepoint=None))


def enqueue_after_commit(
    session: Session, func: Callable[..., Any], *args: Any, queue: str = "default", **kwargs: Any
) -> None:
    """Dispatch a job once `session` commits; drop it if the work is rolled back."""
    job = _new_job(func, queue, args, kwargs, savepoint=session.get_nested_transaction())
    if not session.in_transaction():
        session.begin()  # so a rollback before any SQL still drops the job
    if not event.contains(session, "after_commit", _after_commit):
        event.listen(session, "after_commit", _after_commit)
        event.listen(session, "after_soft_rollback", _after_soft_rollback)
        event.listen(session, "after_transaction_end", _after_transaction_end)
    session.info.setdefault(_PENDING, []).append(job)


def _new_job(
    func: Callable[..., Any],
    queue: str,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    savepoint: SessionTransaction | None,
) -> _Job:
    qualname = getattr(func, "__qualname__", "")
    # Checked in inline mode too, so a job that RQ could not import fails in development.
    if not inspect.isfunction(func) or "." in qualname or "<" in qualname:
        raise TypeError(f"{qualname or func!r} must be a module-level function RQ can import.")
    return _Job(func, _check_queue(queue), args, kwargs, savepoint)


def _check_queue(name: str) -> str:
    if name not in QUEUES:
        raise ValueError(f"Unknown queue {name!r}; use one of {', '.join(QUEUES)}.")
    return name


def _dispatch(job: _Job) -> None:
    if get_settings().redis_url:
        get_queue(job.queue).enqueue(
            job.func, *job.args, retry=Retry(max=5, interval=RETRY_INTERVALS), **job.kwargs
        )
        return
    try:
        job.func(*job.args, **job.kwargs)
    except Exception:
        logger.exception("inline job failed", extra={"job": _name(job), "queue": job.queue})


def _name(job: _Job) -> str:
    return f"{job.func.__module__}.{job.func.__qualname__}"


def _after_commit(session: Session) -> None:
    # Fires for savepoint releases too; only the outer commit makes the data durable.
    if session.in_nested_transaction():
        return
    for job in session.info.pop(_PENDING, []):
        try:
            _dispatch(job)
        except Exception:  # the caller's data is committed; never fail its request now
            logger.exception("could not enqueue job", extra={"job": _name(job), "queue": job.queue})


def _after_soft_rollback(session: Session, previous: SessionTransaction) -> None:
    """A rolled-back savepoint takes the jobs registered inside it (or deeper) along."""
    if not previous.nested:
        return
    session.info[_PENDING] = [
        job for job in session.info.get(_PENDING, []) if not _inside(job.savepoint, previous)
    ]


def _inside(savepoint: SessionTransaction | None, ancestor: SessionTransaction) -> bool:
    while savepoint is not None:
        if savepoint is ancestor:
            return True
        savepoint = savepoint.parent
    return False


def _after_transaction_end(session: Session, transaction: SessionTransaction) -> None:
    """The outer transaction ended without committing (rollback or close): drop its jobs."""
    if transaction.parent is None:
        session.info.pop(_PENDING, None)
