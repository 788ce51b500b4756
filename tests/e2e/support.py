"""What the browser tests share with their fixtures."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CODE_PATTERN = re.compile(r"\b[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}\b")


@dataclass(frozen=True)
class AppServer:
    """The running app: where it answers, and the data `shopctl` made for it."""

    base_url: str
    invite_code: str
    owner_email: str
    owner_password: str
    data_dir: Path  # the server's DATA_DIR: outbox/ holds the emails it sent (.eml files)

    def outbox(self) -> list[str]:
        """Raw text of every email the server wrote to its outbox, oldest first."""
        folder = self.data_dir / "outbox"
        files = (
            sorted(folder.glob("*.eml"), key=lambda p: p.stat().st_mtime) if folder.exists() else []
        )
        return [f.read_text(errors="replace") for f in files]


def owner_api(app_server: AppServer) -> httpx.Client:
    """A REST client signed in as the owner (bearer token); the caller closes it."""
    client = httpx.Client(base_url=app_server.base_url, timeout=30)
    login = client.post(
        "/api/v1/auth/login",
        json={"email": app_server.owner_email, "password": app_server.owner_password},
    )
    assert login.status_code == 200, login.text
    client.headers["Authorization"] = f"Bearer {login.json()['access_token']}"
    return client
