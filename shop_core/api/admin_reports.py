"""Admin reports and report exports over REST; the signed download link of an export."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field

from shop_core.accounts import service as accounts
from shop_core.accounts.roles import Perm
from shop_core.analytics import exports, reports
from shop_core.api.deps import Caller, CurrentCaller, optional_caller, requires
from shop_core.db import read_session, unit_of_work
from shop_core.errors import NotAuthenticated
from shop_core.pagination import Page

router = APIRouter(prefix="/admin", tags=["admin reports"])

Reporter = Annotated[accounts.UserView, Depends(requires(Perm.REPORTS_VIEW))]


def _exporter(caller: CurrentCaller) -> Caller:
    """Reports (REPORTS_VIEW) or segments (CUSTOMERS_VIEW): the kind decides which."""
    user = caller.user
    if not (user.can(Perm.REPORTS_VIEW) or user.can(Perm.CUSTOMERS_VIEW)):
        accounts.require(user, Perm.REPORTS_VIEW)  # raises the standard 403
    return caller


Exporter = Annotated[Caller, Depends(_exporter)]
ExportId = Annotated[str, Path(max_length=64)]


class ReportOut(BaseModel):
    kind: str
    title: str
    columns: list[dict[str, str]]
    rows: list[dict[str, Any]]
    totals: dict[str, Any] | None
    total_rows: int
    page: int
    per_page: int
    start: str | None
    end: str | None
    granularity: str | None


class ExportIn(BaseModel):
    kind: str = Field(max_length=40)
    params: dict[str, Any] = Field(default_factory=dict)


class ExportOut(BaseModel):
    id: str
    kind: str
    label: str
    params: dict[str, Any]
    status: str
    message: str
    percent: int
    row_count: int
    file_name: str
    created_at: str
    finished_at: str | None


class ExportLink(BaseModel):
    url: str


def _export_out(view: exports.ExportView) -> ExportOut:
    return ExportOut(
        id=view.id,
        kind=view.kind,
        label=view.label,
        params=view.params,
        status=view.status,
        message=view.message,
        percent=view.percent,
        row_count=view.row_count,
        file_name=view.file_name,
        created_at=view.created_at.isoformat(),
        finished_at=view.finished_at.isoformat() if view.finished_at else None,
    )


@router.get("/reports/{kind}", response_model=ReportOut, summary="One page of a report")
def get_report(
    kind: Annotated[str, Path(max_length=40)],
    user: Reporter,
    preset: Annotated[str | None, Query(max_length=10)] = None,
    start: Annotated[str | None, Query(max_length=10)] = None,
    end: Annotated[str | None, Query(max_length=10)] = None,
    granularity: Annotated[str | None, Query(max_length=5)] = None,
    page: Annotated[int, Query(ge=1)] = 1,
    per_page: Annotated[int, Query(ge=1, le=reports.MAX_REPORT_PER_PAGE)] = 50,
) -> ReportOut:
    params = {"preset": preset, "start": start, "end": end, "granularity": granularity}
    period, gran = reports.parse_params(kind, params)
    with read_session() as session:
        table = reports.run_report(
            session, user, kind, period, granularity=gran, page=page, per_page=per_page
        )
    return ReportOut(
        kind=table.kind,
        title=table.title,
        columns=[{"key": c.key, "label": c.label, "kind": c.kind} for c in table.columns],
        rows=table.rows,
        totals=table.totals,
        total_rows=table.total_rows,
        page=table.page,
        per_page=table.per_page,
        start=table.period.first_day.isoformat() if table.period else None,
        end=table.period.last_day.isoformat() if table.period else None,
        granularity=table.granularity,
    )


@router.post("/exports", status_code=202, response_model=ExportOut, summary="Start a CSV export")
def start_export(body: ExportIn, caller: Exporter) -> ExportOut:
    with unit_of_work() as session:
        export_id = exports.start_export(session, body.kind, body.params, caller.user)
    with read_session() as session:
        return _export_out(exports.get_export(session, export_id, caller.user))


@router.get("/exports", response_model=Page[ExportOut], summary="Kept exports, newest first")
def list_exports(
    caller: Exporter,
    page: Annotated[int, Query(ge=1)] = 1,
    per_page: Annotated[int, Query(ge=1, le=100)] = 20,
) -> Page[ExportOut]:
    with read_session() as session:
        listed = exports.list_exports(session, caller.user, page=page, per_page=per_page)
    return Page[ExportOut](
        items=[_export_out(v) for v in listed.items],
        total=listed.total,
        page=listed.page,
        per_page=listed.per_page,
    )


@router.get("/exports/{export_id}", response_model=ExportOut, summary="One export")
def get_export(export_id: ExportId, caller: Exporter) -> ExportOut:
    with read_session() as session:
        return _export_out(exports.get_export(session, export_id, caller.user))


@router.post(
    "/exports/{export_id}/link",
    response_model=ExportLink,
    summary="A short-lived signed download link for a finished export",
)
def export_link(export_id: ExportId, caller: Exporter) -> ExportLink:
    with read_session() as session:
        return ExportLink(url=exports.download_url(session, export_id, caller.user))


@router.get(
    "/exports/{export_id}/download",
    response_class=FileResponse,
    responses={200: {"content": {"text/csv": {}}}},
    summary="Download an export: with its signed `token` (no bearer header needed), or "
    "with a bearer token of a user allowed to see it",
)
def download_export(
    export_id: ExportId,
    caller: Annotated[Caller | None, Depends(optional_caller)],
    token: Annotated[str | None, Query(min_length=1, max_length=2000)] = None,
) -> FileResponse:
    with read_session() as session:
        if token is not None:
            path, name = exports.resolve_download(session, export_id, token)
        elif caller is None:
            raise NotAuthenticated("Send a bearer access token or the link's download token.")
        else:
            path, name = exports.file_for(session, export_id, caller.user)
    return FileResponse(path, media_type="text/csv; charset=utf-8", filename=name)
