"""Jobs through a real Redis and RQ: enqueued only on commit, run by a worker, retried."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from rq import Queue

from shop_core.db import unit_of_work
from shop_core.email.models import EmailStatus
from shop_core.email.service import queue_email
from shop_core.jobs import RETRY_INTERVALS, get_queue
from shop_core.jobs.worker import run_pending_jobs
from shop_core.settings import get_settings
from tests.integration.email_fixtures import (  # noqa: F401 - fixtures are used by name
    all_emails,
    apply_env,
    email_db_fixture,
    env_fixture,
    free_port,
)

REDIS_URL = os.environ.get("REDIS_URL", "")

pytestmark = [
    pytest.mark.redis,
    pytest.mark.skipif(not REDIS_URL, reason="needs REDIS_URL"),
]

CONTEXT = {"name": "Ann", "login_url": "http://localhost:3000/login"}


def _clear(queue: Queue) -> None:
    queue.empty()
    for registry in (
        queue.started_job_registry,
        queue.finished_job_registry,
        queue.failed_job_registry,
        queue.scheduled_job_registry,
    ):
        for job_id in registry.get_job_ids():
            registry.remove(job_id, delete_job=True)


@pytest.fixture
def email_queue(email_db, env: pytest.MonkeyPatch) -> Iterator[Queue]:
    """The "email" queue on the real Redis, empty before and after the test."""
    apply_env(env, REDIS_URL=REDIS_URL)
    queue = get_queue("email")
    _clear(queue)
    yield queue
    _clear(queue)


def test_committed_email_is_enqueued_and_run_by_a_worker(email_queue: Queue) -> None:
    with unit_of_work() as session:
        message_id = queue_email(session, to="ann@example.com", template="welcome", context=CONTEXT)
        assert email_queue.count == 0  # not before the commit

    (job,) = email_queue.get_jobs()
    assert job.func_name == "shop_core.email.service.deliver_email_job"
    assert job.args == (message_id,)
    assert job.retries_left == 5 and job.retry_intervals == RETRY_INTERVALS
    assert all_emails()[0].status == EmailStatus.QUEUED

    run_pending_jobs()

    assert email_queue.count == 0
    (row,) = all_emails()
    assert (row.status, row.attempts) == (EmailStatus.OUTBOX, 1)
    assert (get_settings().outbox_dir / f"{message_id}.eml").exists()


def test_rolled_back_transaction_enqueues_nothing(email_queue: Queue) -> None:
    with pytest.raises(RuntimeError), unit_of_work() as session:
        queue_email(session, to="ann@example.com", template="welcome", context=CONTEXT)
        raise RuntimeError("rolled back")

    assert email_queue.count == 0
    assert all_emails() == []


def test_failed_delivery_is_scheduled_for_retry(
    email_queue: Queue, env: pytest.MonkeyPatch
) -> None:
    apply_env(env, SMTP_URL=f"smtp://127.0.0.1:{free_port()}")  # nobody listens there
    with unit_of_work() as session:
        queue_email(session, to="ann@example.com", template="welcome", context=CONTEXT)

    run_pending_jobs()

    (row,) = all_emails()
    assert (row.status, row.attempts) == (EmailStatus.QUEUED, 1)  # a retry is coming
    assert row.last_error.startswith("ConnectionRefusedError")
    (job_id,) = email_queue.scheduled_job_registry.get_job_ids()
    assert email_queue.fetch_job(job_id).retries_left == 4


@pytest.mark.redis
def test_shopctl_worker_runs_jobs_in_a_forked_process(owner):
    """The real `shopctl worker` (forking, fresh imports) finishes a catalog export."""
    import subprocess
    import sys

    from shop_core.catalog.csv_io import start_export
    from shop_core.db import read_session
    from shop_core.jobs import runs

    run_id = start_export(status=None, created_by_id=owner.id)
    done = subprocess.run(
        [sys.executable, "-m", "shop_core.cli", "worker", "--burst"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    with read_session() as session:
        run = runs.get_run(session, run_id)
    assert run.status == "done", (run.message, done.stderr[-2000:])
