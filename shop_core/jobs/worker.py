"""Running RQ workers: the `shopctl worker` process and an in-process drain for tests."""

from __future__ import annotations

from rq import SimpleWorker, Worker

from shop_core.db import dispose_engines
from shop_core.jobs import QUEUES, get_queue
from shop_core.settings import get_settings


def run_worker(burst: bool = False) -> None:
    """Work every queue until stopped (or until they are empty with `burst`).

    The scheduler runs alongside so retries waiting out their backoff get re-queued.
    """
    if not get_settings().redis_url:
        raise RuntimeError(
            "REDIS_URL is not set: without Redis, jobs run inline in the web process "
            "and no worker is needed. Set REDIS_URL to run a worker."
        )
    # Jobs touch any table: load every model so foreign keys resolve in the forked child.
    import shop_core.models  # noqa: F401

    # Each job runs in a forked child; pooled DB connections must not be shared with it.
    dispose_engines()
    worker = Worker([get_queue(name) for name in QUEUES], log_job_description=False)
    worker.work(burst=burst, with_scheduler=True)


def run_pending_jobs() -> None:
    """Run every queued job in this process and return (tests); inline mode has none."""
    if not get_settings().redis_url:
        return
    worker = SimpleWorker([get_queue(name) for name in QUEUES], log_job_description=False)
    worker.work(burst=True)
