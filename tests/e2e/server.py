"""Start and stop a production build of the app (`reflex run --env prod`) and headless
Chromium: shared by the browser tests' fixtures and `scripts/bench/storefront.py`."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.e2e.support import ROOT

STARTUP_TIMEOUT = 8 * 60  # the first production build can take minutes
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(data_dir: Path, port: int) -> dict[str, str]:
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


def shopctl(env: dict[str, str]) -> list[str]:
    exe = shutil.which("shopctl", path=env["PATH"])
    # Without an installed entry point (`pip install -e .` not run) use the same CLI module.
    return [exe] if exe else [sys.executable, "-m", "shop_core.cli"]


def run(cmd: list[str], env: dict[str, str], timeout: int = 300) -> str:
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[:4])} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def migrate(env: dict[str, str]) -> None:
    run([sys.executable, "-m", "alembic", "upgrade", "head"], env)


def start_reflex(env: dict[str, str], port: int, log_path: Path) -> subprocess.Popen:
    """`reflex run --env prod` with pages and backend on `port`, in its own process group
    (so that `stop` also ends its bun/node children)."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("w") as log:
        return subprocess.Popen(
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
            start_new_session=True,
        )


def wait_until_up(proc: subprocess.Popen, base_url: str, log_path: Path) -> None:
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


def stop(proc: subprocess.Popen) -> None:
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


def chromium_path() -> str | None:
    candidates = [os.environ.get("CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")]
    return next((c for c in candidates if c and Path(c).exists()), None)
