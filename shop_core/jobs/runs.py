"""Job runs the admin can follow: a `JobRun` row for what was asked and how it ended, and a
fast progress store for how far it has got.

Progress never touches the database. A job such as a CSV import holds one long write
transaction, and on SQLite every transaction (reads included) takes the write lock up
front, so a progress row would either wait for the job or block it. Progress therefore
lives in Redis (a hash per run, kept for a day) when REDIS_URL is set, so web processes
and RQ workers see the same numbers, and in this process's memory otherwise (inline jobs
run on a thread of the web process).

While a run is queued or running, the store also carries what a progress view needs
(kind, owner, status), so `get_run` can answer without waiting on the database.
"""

from __future__ import annotations

import json
import threading
import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import select
from sqlmodel import Session

from shop_core.db import unit_of_work, utcnow
from shop_core.errors import NotFound
from shop_core.jobs import redis_connection
from shop_core.jobs.models import JobRun
from shop_core.pagination import Page, paginate
from shop_core.settings import get_settings

ACTIVE = ("queued", "running")
PROGRESS_TTL_SECONDS = 24 * 3600
_KEY = "shop:job_run:{}"

_memory: dict[str, dict[str, str]] = {}
_memory_lock = threading.Lock()


class RunProgress(BaseModel):
    done: int = 0
    total: int = 0
    percent: int = 0
    message: str = ""


class RunView(BaseModel):
    id: str
    kind: str
    status: str
    message: str
    params: dict[str, Any]
    result: dict[str, Any]
    created_by_id: int | None
    created_at: datetime
    finished_at: datetime | None
    progress: RunProgress


# --- the progress store ---------------------------------------------------------------


def _store_write(run_id: str, values: dict[str, str]) -> None:
    if get_settings().redis_url:
        key = _KEY.format(run_id)
        pipe = redis_connection().pipeline(transaction=False)
        pipe.hset(key, mapping=values)
        pipe.expire(key, PROGRESS_TTL_SECONDS)
        pipe.execute()
        return
    with _memory_lock:
        _memory.setdefault(run_id, {}).update(values)


def _store_read_many(run_ids: list[str]) -> dict[str, dict[str, str]]:
    if not run_ids:
        return {}
    if get_settings().redis_url:
        pipe = redis_connection().pipeline(transaction=False)
        for run_id in run_ids:
            pipe.hgetall(_KEY.format(run_id))
        return {
            run_id: {k.decode(): v.decode() for k, v in raw.items()}
            for run_id, raw in zip(run_ids, pipe.execute(), strict=True)
            if raw
        }
    with _memory_lock:
        return {run_id: dict(_memory[run_id]) for run_id in run_ids if run_id in _memory}


def _progress(stored: dict[str, str] | None, status: str) -> RunProgress:
    stored = stored or {}
    done, total = int(stored.get("done", 0)), int(stored.get("total", 0))
    if status == "done":
        percent = 100
    elif total > 0:
        percent = min(100, done * 100 // total)
    else:
        percent = 0
    return RunProgress(done=done, total=total, percent=percent, message=stored.get("message", ""))


def set_progress(run_id: str, done: int, total: int, message: str = "") -> None:
    """Record how far a run has got (never in the database; see the module docstring)."""
    _store_write(
        run_id,
        {"done": str(max(0, done)), "total": str(max(0, total)), "message": message[:500]},
    )


# --- runs -----------------------------------------------------------------------------


def start_run(
    session: Session, *, kind: str, params: dict[str, Any], created_by_id: int | None
) -> str:
    """Record a queued run in the caller's transaction; returns its id.

    Dispatch the job only once the caller has committed, so the job finds its row.
    """
    run = JobRun(
        id=uuid.uuid4().hex,
        kind=kind,
        status="queued",
        created_by_id=created_by_id,
        created_at=utcnow(),
        params=params,
        result={},
    )
    session.add(run)
    session.flush()
    # A rolled-back caller leaves an entry nobody knows the id of; it expires in a day.
    _publish(run)
    set_progress(run.id, 0, 0, "Waiting to start")
    return run.id


def _publish(run: JobRun) -> None:
    _store_write(
        run.id,
        {
            "kind": run.kind,
            "status": run.status,
            "run_message": run.message,
            "created_by_id": "" if run.created_by_id is None else str(run.created_by_id),
            "created_at": run.created_at.isoformat(),
            "params": json.dumps(run.params),
        },
    )


def mark_running(run_id: str) -> JobRun | None:
    """Flag a queued run as running, in its own short transaction, and return it.

    Returns None when the run does not exist or already finished (a job delivered twice).
    """
    with unit_of_work() as session:
        run = session.get(JobRun, run_id, with_for_update=True)
        if run is None or run.status not in ACTIVE:
            return None
        run.status = "running"
        session.add(run)
        session.flush()
        session.expunge(run)
    _publish(run)
    return run


def finish_run(run_id: str, *, status: str, message: str, result: dict[str, Any]) -> None:
    """Store how a run ended, in its own unit of work (after the job's own transaction)."""
    if status not in ("done", "failed"):
        raise ValueError(f"a run finishes as done or failed, not {status!r}")
    with unit_of_work() as session:
        run = session.get(JobRun, run_id, with_for_update=True)
        if run is None:
            raise NotFound("No such job.", code="job_not_found")
        run.status = status
        run.message = message[:500]
        run.result = result
        run.finished_at = utcnow()
        session.add(run)
    # Only after the commit: from now on readers must fetch the result from the database.
    _store_write(run_id, {"status": status, "run_message": message[:500]})


def _view(run: JobRun, stored: dict[str, str] | None) -> RunView:
    return RunView(
        id=run.id,
        kind=run.kind,
        status=run.status,
        message=run.message,
        params=run.params,
        result=run.result,
        created_by_id=run.created_by_id,
        created_at=run.created_at,
        finished_at=run.finished_at,
        progress=_progress(stored, run.status),
    )


def _view_from_store(run_id: str, stored: dict[str, str]) -> RunView | None:
    if stored.get("status") not in ACTIVE or "created_at" not in stored:
        return None
    owner = stored.get("created_by_id", "")
    return RunView(
        id=run_id,
        kind=stored["kind"],
        status=stored["status"],
        message=stored.get("run_message", ""),
        params=json.loads(stored.get("params", "{}")),
        result={},
        created_by_id=int(owner) if owner else None,
        created_at=datetime.fromisoformat(stored["created_at"]),
        finished_at=None,
        progress=_progress(stored, stored["status"]),
    )


def get_run(session: Session, run_id: str, *, visible_to: int | None = None) -> RunView:
    """One run with its progress. `visible_to`: only a run this user started is found
    (None: any run, e.g. for the owner). Unknown and hidden runs are both NotFound.

    A queued or running run is answered from the progress store, without waiting on a
    database that the job may be holding locked.
    """
    stored = _store_read_many([run_id]).get(run_id)
    view = _view_from_store(run_id, stored) if stored else None
    if view is None:
        run = session.get(JobRun, run_id) if _looks_like_id(run_id) else None
        view = _view(run, stored) if run is not None else None
    if view is None or (visible_to is not None and view.created_by_id != visible_to):
        raise NotFound("No such job.", code="job_not_found")
    return view


def _looks_like_id(run_id: str) -> bool:
    return len(run_id) == 32 and all(c in "0123456789abcdef" for c in run_id)


def list_runs(
    session: Session,
    *,
    kind: str | None = None,
    created_by_id: int | None = None,
    page: int = 1,
    per_page: int = 25,
) -> Page[RunView]:
    """Runs newest first, optionally of one kind and/or started by one user."""
    stmt = select(JobRun)
    if kind is not None:
        stmt = stmt.where(JobRun.kind == kind)
    if created_by_id is not None:
        stmt = stmt.where(JobRun.created_by_id == created_by_id)
    stmt = stmt.order_by(JobRun.created_at.desc(), JobRun.id.desc())
    rows, total = paginate(session, stmt, page=page, per_page=per_page)
    stored = _store_read_many([r.id for r in rows])
    return Page[RunView](
        items=[_view(r, stored.get(r.id)) for r in rows], total=total, page=page, per_page=per_page
    )


def forget_progress() -> None:
    """Drop the in-process progress store (tests)."""
    with _memory_lock:
        _memory.clear()
