"""Browser tests against the real app: a fresh database, `shopctl` data, `reflex run --env prod`.

The session fixture `app_server` prepares a data folder (or uses DATABASE_URL as given:
CI provides a fresh PostgreSQL database), runs the migrations, creates an owner and
one invitation code with `shopctl`, starts Reflex on a free port and waits until both
the page and `/api/v1/healthz` answer. The server's process group is killed afterwards.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.e2e.support import ARTIFACTS, CODE_PATTERN, ROOT, AppServer

OWNER_EMAIL = "owner@example.com"
OWNER_PASSWORD = "owner-e2e-password-1"
OWNER_NAME = "Owner"
STARTUP_TIMEOUT = 8 * 60  # the first production build can take minutes
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


# The shared tests/conftest.py migrates and empties the test process's database around
# every test. Browser tests talk to a separate server process that owns its data, so
# neither applies here (with DATABASE_URL set they would even wipe the server's rows).
@pytest.fixture(scope="session", autouse=True)
def migrated_database() -> Iterator[None]:
    yield


@pytest.fixture(autouse=True)
def clean_state() -> Iterator[None]:
    yield


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _server_env(data_dir: Path, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env["DATA_DIR"] = str(data_dir)  # secret key and outbox; the SQLite file unless DATABASE_URL
    env["PUBLIC_URL"] = f"http://localhost:{port}"
    # In production mode one port serves pages and API: the test gateway posts there.
    env["BACKEND_URL"] = f"http://localhost:{port}"
    env["REFLEX_USE_SYSTEM_BUN"] = "1"
    env["REFLEX_TELEMETRY_ENABLED"] = "false"
    env["PYTHONUNBUFFERED"] = "1"
    paths = [str(Path(sys.executable).parent)]
    bun_dir = ROOT / ".tools" / "node_modules" / ".bin"
    if bun_dir.is_dir():
        paths.append(str(bun_dir))
    env["PATH"] = os.pathsep.join([*paths, env.get("PATH", "")])
    return env


def _shopctl(env: dict[str, str]) -> list[str]:
    exe = shutil.which("shopctl", path=env["PATH"])
    # Without an installed entry point (`pip install -e .` not run) use the same CLI module.
    return [exe] if exe else [sys.executable, "-m", "shop_core.cli"]


def _run(cmd: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[:4])} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def _wait_until_up(proc: subprocess.Popen, base_url: str, log_path: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"reflex exited early:\n{log_path.read_text()[-4000:]}")
        try:
            page = httpx.get(base_url + "/", timeout=5)
            health = httpx.get(base_url + "/api/v1/healthz", timeout=5)
            if page.status_code == 200 and health.status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(3)
    raise RuntimeError(f"reflex did not come up in time:\n{log_path.read_text()[-4000:]}")


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    except ProcessLookupError:
        pass


@pytest.fixture(scope="session")
def app_server() -> Iterator[AppServer]:
    data_dir = Path(tempfile.mkdtemp(prefix="shop-e2e-"))
    port = _free_port()
    env = _server_env(data_dir, port)

    _run([sys.executable, "-m", "alembic", "upgrade", "head"], env)
    shopctl = _shopctl(env)
    _run(
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
    codes = CODE_PATTERN.findall(_run([*shopctl, "invite", "--count", "1"], env))
    assert len(codes) == 1, "shopctl invite should print one code"

    ARTIFACTS.mkdir(exist_ok=True)
    log_path = ARTIFACTS / "e2e-reflex.log"
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "reflex",
                "run",
                "--env",
                "prod",
                "--frontend-port",
                str(port),
                "--backend-port",
                str(port),
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so the bun/node children die too
        )
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
        _wait_until_up(proc, base_url, log_path)
        yield AppServer(
            base_url=base_url,
            invite_code=codes[0],
            owner_email=OWNER_EMAIL,
            owner_password=OWNER_PASSWORD,
            data_dir=data_dir,
        )
    finally:
        _stop(proc)
        if worker is not None:
            _stop(worker)
        shutil.rmtree(data_dir, ignore_errors=True)


def _chromium_path() -> str | None:
    candidates = [os.environ.get("CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")]
    return next((c for c in candidates if c and Path(c).exists()), None)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    executable = _chromium_path()
    if executable is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed; scripts/test.sh installs it")
        pytest.skip("chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
