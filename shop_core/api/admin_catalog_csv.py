"""Admin CSV import/export of products as background jobs, and the job-run endpoints the
admin polls for progress and downloads from."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import FileResponse
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from shop_core.accounts import service as accounts
from shop_core.accounts.roles import Perm, Role
from shop_core.api.deps import requires
from shop_core.catalog import csv_io
from shop_core.db import read_session
from shop_core.errors import InvalidInput
from shop_core.jobs import runs
from shop_core.pagination import MAX_PER_PAGE, Page

router = APIRouter(prefix="/admin", tags=["admin catalog"])

CatalogEditor = Annotated[accounts.UserView, Depends(requires(Perm.CATALOG_MANAGE))]
# Any staff member may follow the jobs they started; only the owner sees everyone's.
Staff = Annotated[accounts.UserView, Depends(requires(Perm.ADMIN_ACCESS))]
RunId = Annotated[str, Path(max_length=64)]

_CATALOG_KINDS = (csv_io.IMPORT_KIND, csv_io.EXPORT_KIND)
# The multipart body slightly exceeds the file itself.
_MAX_BODY = csv_io.MAX_UPLOAD_BYTES + 64 * 1024
_UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {
                            "type": "string",
                            "format": "binary",
                            "description": "The CSV (UTF-8, at most 20 MB).",
                        }
                    },
                }
            }
        },
    }
}


class RunStarted(BaseModel):
    run_id: str


class ExportIn(BaseModel):
    status: Literal["draft", "active", "archived"] | None = None


def _visible_to(user: accounts.UserView) -> int | None:
    return None if user.role == Role.OWNER.value else user.id


def _too_large() -> InvalidInput:
    limit = csv_io.MAX_UPLOAD_BYTES // (1024 * 1024)
    return InvalidInput(
        f"The file is larger than {limit} MB; split it into several files.",
        code="file_too_large",
        status=413,
        fields={"file": f"At most {limit} MB."},
    )


@router.post(
    "/products/import",
    status_code=202,
    response_model=RunStarted,
    openapi_extra=_UPLOAD_BODY,
    summary="Import products from a CSV file (background job)",
)
async def import_products_csv(request: Request, user: CatalogEditor) -> RunStarted:
    # The body is read here, after the permission check, and refused by its declared size
    # before a byte of it is spooled.
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > _MAX_BODY:
        raise _too_large()
    async with request.form(max_files=1, max_fields=5) as form:
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise InvalidInput(
                "Attach the CSV file as the multipart field 'file'.",
                fields={"file": "Attach a CSV file."},
            )
        path = await run_in_threadpool(
            csv_io.receive_upload,
            upload.file,
            filename=upload.filename,
            content_type=upload.content_type,
        )
    run_id = await run_in_threadpool(
        csv_io.start_import, path, created_by_id=user.id, filename=upload.filename or ""
    )
    return RunStarted(run_id=run_id)


@router.post(
    "/products/export",
    status_code=202,
    response_model=RunStarted,
    summary="Export products to a CSV file (background job)",
)
def export_products_csv(user: CatalogEditor, body: ExportIn | None = None) -> RunStarted:
    status = body.status if body else None
    return RunStarted(run_id=csv_io.start_export(status=status, created_by_id=user.id))


@router.get("/jobs", response_model=Page[runs.RunView])
def list_jobs(
    user: Staff,
    kind: Annotated[str | None, Query(max_length=40)] = None,
    page: Annotated[int, Query(ge=1)] = 1,
    per_page: Annotated[int, Query(ge=1, le=MAX_PER_PAGE)] = 25,
) -> Page[runs.RunView]:
    with read_session() as session:
        return runs.list_runs(
            session, kind=kind, created_by_id=_visible_to(user), page=page, per_page=per_page
        )


@router.get("/jobs/{run_id}", response_model=runs.RunView)
def get_job(run_id: RunId, user: Staff) -> runs.RunView:
    with read_session() as session:
        return runs.get_run(session, run_id, visible_to=_visible_to(user))


@router.get(
    "/jobs/{run_id}/download",
    response_class=FileResponse,
    responses={200: {"content": {"text/csv": {}}}},
    summary="Download a job's file: the export, or an import's error report",
)
def download_job_file(run_id: RunId, user: Staff) -> FileResponse:
    with read_session() as session:
        view = runs.get_run(session, run_id, visible_to=_visible_to(user))
    if view.kind in _CATALOG_KINDS:
        accounts.require(user, Perm.CATALOG_MANAGE)  # exports carry cost prices
    path, filename = csv_io.run_file(view)
    return FileResponse(path, media_type="text/csv; charset=utf-8", filename=filename)
