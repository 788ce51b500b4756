"""Browser tests against the real app: a fresh database, `shopctl` data, `reflex run --env prod`.

The session fixture `app_server` prepares a data folder (or uses DATABASE_URL as given:
CI provides a fresh PostgreSQL database), runs the migrations, creates an owner and
one invitation code with `shopctl`, starts Reflex on a free port and waits until both
the page and `/api/v1/healthz` answer. The server's process group is killed afterwards.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e import server
from tests.e2e.support import ARTIFACTS, CODE_PATTERN, ROOT, AppServer

OWNER_EMAIL = "owner@example.com"
OWNER_PASSWORD = "owner-e2e-password-1"
OWNER_NAME = "Owner"


# The shared tests/conftest.py migrates and empties the test process's database around
# every test. Browser tests talk to a separate server process that owns its data, so
# neither applies here (with DATABASE_URL set they would even wipe the server's rows).
@pytest.fixture(scope="session", autouse=True)
def migrated_database() -> Iterator[None]:
    yield


@pytest.fixture(autouse=True)
def clean_state() -> Iterator[None]:
    yield


@pytest.fixture(scope="session")
def app_server() -> Iterator[AppServer]:
    data_dir = Path(tempfile.mkdtemp(prefix="shop-e2e-"))
    port = server.free_port()
    env = server.server_env(data_dir, port)

    server.migrate(env)
    if env.get("DATABASE_URL", "").startswith("postgresql"):
        # The suite's other tests share this database and leave their last rows behind
        # (a support technician would receive the new-ticket emails the test expects).
        from tests.conftest import _empty_all_tables

        _empty_all_tables()
    shopctl = server.shopctl(env)
    server.run(
        [
            *shopctl,
            "create-admin",
            "--email",
            OWNER_EMAIL,
            "--password",
            OWNER_PASSWORD,
            "--name",
            OWNER_NAME,
        ],
        env,
    )
    codes = CODE_PATTERN.findall(server.run([*shopctl, "invite", "--count", "1"], env))
    assert len(codes) == 1, "shopctl invite should print one code"

    ARTIFACTS.mkdir(exist_ok=True)
    log_path = ARTIFACTS / "e2e-reflex.log"
    proc = server.start_reflex(env, port, log_path)
    base_url = f"http://localhost:{port}"
    # With Redis, emails and invoices are RQ jobs: run a real worker beside the app.
    worker = None
    if env.get("REDIS_URL"):
        from tests.conftest import _empty_job_queues

        _empty_job_queues()  # leftovers of the integration tests must not reach this worker
        worker = subprocess.Popen(
            [*shopctl, "worker"],
            cwd=ROOT,
            env=env,
            stdout=(ARTIFACTS / "e2e-worker.log").open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        server.wait_until_up(proc, base_url, log_path)
        yield AppServer(
            base_url=base_url,
            invite_code=codes[0],
            owner_email=OWNER_EMAIL,
            owner_password=OWNER_PASSWORD,
            data_dir=data_dir,
        )
    finally:
        server.stop(proc)
        if worker is not None:
            server.stop(worker)
        shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    executable = server.chromium_path()
    if executable is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed; scripts/test.sh installs it")
        pytest.skip("chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=executable, args=server.CHROMIUM_ARGS)
        yield chromium
        chromium.close()
