"""Ticket attachments: images and PDFs only, checked by content (not by name), 5 MB max,
stored under the data folder with a random key."""

from __future__ import annotations

import io
import secrets
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from shop_core.errors import InvalidInput
from shop_core.settings import get_settings

MAX_BYTES = 5 * 1024 * 1024
_IMAGE_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp", "GIF": "image/gif"}


def attachment_path(key: str) -> Path:
    return get_settings().data_dir / "attachments" / key


def _sniff(data: bytes) -> str:
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
            kind = _IMAGE_TYPES.get(image.format or "")
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError):
        kind = None
    if kind is None:
        raise InvalidInput(
            "Attach images (PNG, JPEG, WebP, GIF) or PDFs only.",
            code="unsupported_attachment",
            fields={"attachments": "Unsupported file type."},
        )
    return kind


def store_attachment(data: bytes, filename: str) -> tuple[str, str, int, str]:
    """Validate and store; returns (filename, content type, size, storage key)."""
    if not data:
        raise InvalidInput("The file is empty.", fields={"attachments": "Empty file."})
    if len(data) > MAX_BYTES:
        raise InvalidInput(
            "Attachments can be at most 5 MB.",
            code="attachment_too_large",
            fields={"attachments": "At most 5 MB."},
        )
    content_type = _sniff(data)
    key = secrets.token_urlsafe(24)
    path = attachment_path(key)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    clean_name = Path(filename or "attachment").name[:200] or "attachment"
    return clean_name, content_type, len(data), key
