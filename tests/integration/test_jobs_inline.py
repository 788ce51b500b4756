"""Job dispatch without Redis: after commit, inline, never raising into the caller."""

from __future__ import annotations

import pytest

from shop_core.db import unit_of_work
from shop_core.jobs import enqueue, enqueue_after_commit
from shop_core.jobs.worker import run_pending_jobs, run_worker
from tests.integration.email_fixtures import email_db_fixture, env_fixture  # noqa: F401 - fixtures are used by name

calls: list[str] = []


def record(value: str) -> None:
    calls.append(value)


def explode() -> None:
    raise RuntimeError("job bug")


@pytest.fixture(autouse=True)
def _reset_calls() -> None:
    calls.clear()


def test_job_runs_only_after_commit(email_db) -> None:
    with unit_of_work() as session:
        enqueue_after_commit(session, record, "a")
        assert calls == []
    assert calls == ["a"]


def test_rolled_back_job_never_runs_and_session_reuse_is_clean(email_db) -> None:
    with unit_of_work() as session:
        enqueue_after_commit(session, record, "dropped")
        session.rollback()
        enqueue_after_commit(session, record, "kept")
    assert calls == ["kept"]


def test_failing_jobs_are_logged_not_raised(email_db, caplog: pytest.LogCaptureFixture) -> None:
    with unit_of_work() as session:
        enqueue_after_commit(session, explode)
        enqueue_after_commit(session, record, "after")
    enqueue(explode)
    assert calls == ["after"]
    assert caplog.text.count("inline job failed") == 2


def test_jobs_must_be_importable_and_queues_known(email_db) -> None:
    with unit_of_work() as session:
        with pytest.raises(TypeError):
            enqueue_after_commit(session, lambda: None)
        with pytest.raises(ValueError):
            enqueue_after_commit(session, record, "x", queue="nope")


def test_worker_needs_redis_and_drain_is_a_no_op(email_db) -> None:
    run_pending_jobs()
    with pytest.raises(RuntimeError, match="REDIS_URL"):
        run_worker(burst=True)
