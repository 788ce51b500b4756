"""What the browser tests share with their fixtures."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

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
