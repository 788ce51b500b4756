"""Periodic jobs: releasing unpaid reservations and the daily low-stock digest.

With Redis they are registered on RQ's cron scheduler and run by workers; without it,
`shopctl scheduler` runs them in a small loop of its own.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from shop_core.settings import get_settings

log = logging.getLogger("shop.jobs.schedule")


@dataclass(frozen=True)
class Periodic:
    name: str
    func: Callable[[], object]
    every_seconds: int
    queue: str = "default"


def periodic_jobs() -> list[Periodic]:
    from shop_core.inventory.service import low_stock_digest_job
    from shop_core.orders.service import expire_unpaid_job

    return [
        Periodic("expire-unpaid-orders", expire_unpaid_job, 60),
        Periodic("low-stock-digest", low_stock_digest_job, 24 * 3600, queue="email"),
    ]


def run_scheduler(*, once: bool = False) -> None:
    if get_settings().redis_url:
        from rq.cron import CronScheduler

        from shop_core.jobs import redis_connection

        scheduler = CronScheduler(connection=redis_connection(), name="shop")
        for job in periodic_jobs():
            scheduler.register(job.func, job.queue, interval=job.every_seconds, name=job.name)
        scheduler.start()
        return
    last_run: dict[str, float] = {}
    while True:
        now = time.monotonic()
        for job in periodic_jobs():
            if now - last_run.get(job.name, -job.every_seconds) >= job.every_seconds:
                last_run[job.name] = now
                try:
                    job.func()
                except Exception:  # one failing job must not stop the others
                    log.exception("periodic job failed", extra={"job": job.name})
        if once:
            return
        time.sleep(5)
