"""Serve stored media (product images) at /media from the data folder."""

from __future__ import annotations

import os

from fastapi import FastAPI
from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from shop_core.media import MEDIA_URL_PREFIX, media_root


class _MediaFiles(StaticFiles):
    """Stored files get a fresh random name and are never rewritten: cache them for a year."""

    def file_response(
        self,
        full_path: str | os.PathLike[str],
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        return response


def mount_media(app: FastAPI) -> None:
    root = media_root()
    root.mkdir(parents=True, exist_ok=True)
    app.mount(MEDIA_URL_PREFIX, _MediaFiles(directory=root, check_dir=False), name="media")
