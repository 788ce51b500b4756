"""CSV exports of reports and customer segments, as background jobs that are kept.

`start_export` records a `JobRun` (status and progress, the machinery every long job
uses, see `shop_core.jobs.runs`) and a `ReportExport` (what was asked, by whom, the
file) with the same id, and dispatches the job once the caller commits: to the RQ
"reports" queue with Redis, otherwise onto the background thread of this process.

The job streams rows from the database (server-side cursor / `yield_per`) through
`csv.writer` into `DATA_DIR/exports/<id>.csv` (written as `.part`, renamed when
complete), so memory stays bounded whatever the size, and reports progress as it goes.

Downloads go through a short-lived signed link: `download_url` (after the caller's own
permission check) signs the export id and the user with SECRET_KEY; the REST route
`GET /api/v1/admin/exports/{id}/download?token=...` checks it and streams the file.
"""

from __future__ import annotations

import csv
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from shop_core.accounts.models import User
from shop_core.accounts.roles import Perm, Role, permissions_for
from shop_core.accounts.service import UserView, require
from shop_core.analytics import reports
from shop_core.analytics.models import ReportExport
from shop_core.db import read_session, unit_of_work, utcnow
from shop_core.errors import (
    Conflict,
    DomainError,
    InvalidInput,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
)
from shop_core.jobs import enqueue_after_commit, runs
from shop_core.jobs.models import JobRun
from shop_core.pagination import Page, check_paging
from shop_core.security import decode_token, encode_token
from shop_core.settings import get_settings

logger = logging.getLogger(__name__)

RUN_KIND = "report.export"
SEGMENT_KIND = "segment"
EXPORT_KINDS: tuple[str, ...] = (*reports.REPORT_KINDS, SEGMENT_KIND)
EXPORT_LABELS: dict[str, str] = {**reports.REPORT_LABELS, SEGMENT_KIND: "Customer segment"}
TOKEN_TYPE = "export_download"
TOKEN_MINUTES = 10
PROGRESS_EVERY = 5000  # rows between progress updates
DOWNLOAD_PREFIX = "/api/v1/admin/exports"


@dataclass(frozen=True)
class ExportView:
    id: str
    kind: str
    label: str
    params: dict[str, Any]
    status: str  # queued / running / done / failed
    message: str
    percent: int  # 0-100
    row_count: int
    file_name: str
    requested_by_id: int | None
    created_at: datetime
    finished_at: datetime | None

    @property
    def ready(self) -> bool:
        return self.status == "done"


def exports_dir() -> Path:
    return get_settings().data_dir / "exports"


def export_file(export_id: str) -> Path:
    return exports_dir() / f"report-{export_id}.csv"


def required_permission(kind: str) -> Perm:
    """Segments are customer lists (CUSTOMERS_VIEW); everything else is a report."""
    return Perm.CUSTOMERS_VIEW if kind == SEGMENT_KIND else Perm.REPORTS_VIEW


def _check_kind(kind: str) -> None:
    if kind not in EXPORT_KINDS:
        raise InvalidInput("Unknown export.", fields={"kind": f"One of {', '.join(EXPORT_KINDS)}."})


def _normalise_params(session: Session, kind: str, params: dict[str, Any]) -> dict[str, Any]:
    """Resolve presets to fixed dates so the file holds what was on screen."""
    if kind == SEGMENT_KIND:
        try:
            segment_id = int(params.get("segment_id"))
        except (TypeError, ValueError) as exc:
            raise InvalidInput(
                "Choose a segment.", fields={"segment_id": "A segment id is required."}
            ) from exc
        name, _stmt = _segment_select(session, segment_id)  # NotFound for an unknown one
        return {"segment_id": segment_id, "segment": name}
    period, granularity = reports.parse_params(kind, params)
    out: dict[str, Any] = {}
    if period is not None:
        out["start"] = period.first_day.isoformat()
        out["end"] = period.last_day.isoformat()
    if granularity is not None:
        out["granularity"] = granularity
    return out


def _segment_select(session: Session, segment_id: int):
    from shop_core.customers import segments  # the customers helper's module

    return segments.segment_members_select(session, segment_id)


def _file_name(kind: str, params: dict[str, Any], created_at: datetime) -> str:
    if kind == SEGMENT_KIND:
        slug = "".join(c if c.isalnum() else "-" for c in str(params.get("segment", "")).lower())
        stem = f"segment-{slug.strip('-') or params.get('segment_id')}"
    elif "start" in params:
        stem = f"{kind.replace('_', '-')}-{params['start']}-to-{params['end']}"
    else:
        stem = f"{kind.replace('_', '-')}-{created_at.strftime('%Y%m%d-%H%M')}"
    return f"{stem}.csv"[:200]


def start_export(
    session: Session, kind: str, params: dict[str, Any], actor: UserView | None
) -> str:
    """Record an export and dispatch its job once `session` commits; returns its id.

    Needs REPORTS_VIEW (CUSTOMERS_VIEW for a segment).
    """
    _check_kind(kind)
    require(actor, required_permission(kind))
    clean = _normalise_params(session, kind, params or {})
    run_id = runs.start_run(
        session, kind=RUN_KIND, params={"kind": kind, **clean}, created_by_id=actor.id
    )
    now = utcnow()
    session.add(
        ReportExport(
            id=run_id,
            kind=kind,
            params=clean,
            file_name=_file_name(kind, clean, now),
            requested_by_id=actor.id,
            created_at=now,
        )
    )
    session.flush()
    enqueue_after_commit(session, launch_export, run_id, queue="reports")
    return run_id


def launch_export(export_id: str) -> None:
    """Runs once the export's row is committed: hands the export to the long-job runner
    (`enqueue_background`: the RQ "reports" queue with an hour's timeout and no blind
    retries, or the background thread of this process without Redis), so neither the
    request that asked for it nor a short-timeout job waits for a big file."""
    from shop_core.jobs.background import enqueue_background

    enqueue_background(export_job, export_id, queue="reports")


def export_job(export_id: str) -> None:
    """The job: stream the export's rows into its CSV file with progress."""
    run = runs.mark_running(export_id)
    if run is None:
        logger.warning("export not found or already finished", extra={"run_id": export_id})
        return
    try:
        with read_session() as session:
            export = session.get(ReportExport, export_id)
            if export is None:
                raise NotFound("No such export.")
            kind, params = export.kind, dict(export.params)
        rows = _write_csv(export_id, kind, params)
    except Exception as exc:
        logger.exception("report export failed", extra={"run_id": export_id})
        message = exc.message if isinstance(exc, DomainError) else "The export stopped on an error."
        runs.finish_run(export_id, status="failed", message=message, result={})
        _finish(export_id, rows=0)
        return
    message = f"Exported {rows} row(s)."
    runs.set_progress(export_id, rows, rows, message)
    _finish(export_id, rows=rows)
    runs.finish_run(export_id, status="done", message=message, result={"rows": rows})


def _finish(export_id: str, *, rows: int) -> None:
    with unit_of_work() as session:
        export = session.get(ReportExport, export_id)
        if export is not None:
            export.row_count = rows
            export.finished_at = utcnow()
            session.add(export)


def _write_csv(export_id: str, kind: str, params: dict[str, Any]) -> int:
    path = export_file(export_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    written = 0
    try:
        with read_session() as session:
            header, total, rows = _rows(session, kind, params)
            runs.set_progress(export_id, 0, total, "Writing rows")
            # utf-8-sig: the BOM makes Excel read the file as UTF-8.
            with partial.open("w", newline="", encoding="utf-8-sig") as fh:
                writer = csv.writer(fh)
                writer.writerow(header)
                for line in rows:
                    writer.writerow([_cell(v) for v in line])
                    written += 1
                    if written % PROGRESS_EVERY == 0:
                        runs.set_progress(export_id, written, max(total, written), "Writing rows")
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return written


def _rows(
    session: Session, kind: str, params: dict[str, Any]
) -> tuple[list[str], int, Iterator[list[Any]]]:
    """(header labels, expected row count, rows as lists) streamed from the database."""
    if kind == SEGMENT_KIND:
        from sqlalchemy import func

        from shop_core.customers import segments

        _name, stmt = _segment_select(session, int(params["segment_id"]))
        total = int(
            session.execute(
                select(func.count()).select_from(stmt.order_by(None).subquery())
            ).scalar_one()
        )
        result = session.execute(stmt.execution_options(yield_per=2000, stream_results=True))
        labels = [_label(c) for c in getattr(segments, "MEMBER_COLUMNS", result.keys())]
        return labels, total, (list(r) for r in result)
    period, granularity = reports.parse_params(
        kind, {k: params[k] for k in ("start", "end", "granularity") if k in params}
    )
    columns, total, rows = reports.iter_report(session, kind, period, granularity=granularity)
    keys = [c.key for c in columns]
    return [c.label for c in columns], total, ([r.get(k) for k in keys] for r in rows)


def _label(column: Any) -> str:
    if isinstance(column, tuple | list):
        return str(column[-1])
    return str(column).replace("_", " ").capitalize()


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    """Plain values; text a spreadsheet could run as a formula gets a leading quote."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


# --- listing -------------------------------------------------------------------------------


def _sees_all(actor: UserView) -> bool:
    return actor.role == Role.OWNER.value


def _view(export: ReportExport, run: JobRun, stored: runs.RunView | None) -> ExportView:
    status = stored.status if stored else run.status
    percent = stored.progress.percent if stored else (100 if status == "done" else 0)
    return ExportView(
        id=export.id,
        kind=export.kind,
        label=EXPORT_LABELS.get(export.kind, export.kind),
        params=dict(export.params),
        status=status,
        message=stored.message if stored else run.message,
        percent=percent,
        row_count=export.row_count,
        file_name=export.file_name,
        requested_by_id=export.requested_by_id,
        created_at=export.created_at,
        finished_at=export.finished_at,
    )


def list_exports(
    session: Session, actor: UserView | None, *, page: int = 1, per_page: int = 20
) -> Page[ExportView]:
    """Exports newest first: the owner's view lists everyone's, others see their own.
    Needs REPORTS_VIEW or CUSTOMERS_VIEW (a segment exporter sees their segment files)."""
    actor = _any_export_permission(actor)
    check_paging(page, per_page)
    from sqlalchemy import func

    stmt = select(ReportExport, JobRun).join(JobRun, JobRun.id == ReportExport.id)
    if not _sees_all(actor):
        stmt = stmt.where(ReportExport.requested_by_id == actor.id)
    total = int(
        session.execute(
            select(func.count()).select_from(stmt.order_by(None).subquery())
        ).scalar_one()
    )
    rows = session.execute(
        stmt.order_by(ReportExport.created_at.desc(), ReportExport.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    items = []
    for export, run in rows:
        items.append(_view(export, run, _live(session, run)))
    return Page[ExportView](items=items, total=total, page=page, per_page=per_page)


def _live(session: Session, run: JobRun) -> runs.RunView | None:
    try:
        return runs.get_run(session, run.id)
    except NotFound:
        return None


def _any_export_permission(actor: UserView | None) -> UserView:
    if actor is None:
        raise NotAuthenticated("Please sign in.")
    if not (actor.can(Perm.REPORTS_VIEW) or actor.can(Perm.CUSTOMERS_VIEW)):
        raise PermissionDenied("You don't have permission to do that.")
    return actor


def get_export(session: Session, export_id: str, actor: UserView | None) -> ExportView:
    """One export with its progress; NotFound for unknown ones and other people's."""
    actor = _any_export_permission(actor)
    export = session.get(ReportExport, export_id) if _plausible(export_id) else None
    if export is None or not (_sees_all(actor) or export.requested_by_id == actor.id):
        raise NotFound("No such export.", code="export_not_found")
    require(actor, required_permission(export.kind))
    run = session.get(JobRun, export_id)
    return _view(export, run, _live(session, run))


def _plausible(export_id: str) -> bool:
    return len(export_id) == 32 and all(c in "0123456789abcdef" for c in export_id)


# --- signed downloads -----------------------------------------------------------------------


def download_token(
    session: Session, export_id: str, actor: UserView | None, *, minutes: int = TOKEN_MINUTES
) -> str:
    """A token that lets `actor` download a finished export for a few minutes."""
    view = get_export(session, export_id, actor)
    if view.status != "done":
        raise Conflict("The export is not finished yet.", code="not_ready")
    expires = utcnow() + timedelta(minutes=minutes)
    return encode_token(
        {"typ": TOKEN_TYPE, "sub": str(actor.id), "eid": export_id}, expires_at=expires
    )


def download_url(session: Session, export_id: str, actor: UserView | None) -> str:
    """The relative signed link (`/api/v1/admin/exports/{id}/download?token=...`)."""
    token = download_token(session, export_id, actor)
    return f"{DOWNLOAD_PREFIX}/{export_id}/download?token={token}"


def resolve_download(session: Session, export_id: str, token: str) -> tuple[Path, str]:
    """Check a download token and return the file to stream and its download name.

    A bad, expired or foreign token is 403; an unknown or unfinished export 404/409.
    The user must still exist, be active and still hold the export's permission.
    """
    try:
        claims = decode_token(token, expected_type=TOKEN_TYPE)
    except NotAuthenticated as exc:
        raise PermissionDenied(
            "This download link is invalid or has expired.", code="invalid_download_token"
        ) from exc
    if claims.get("eid") != export_id:
        raise PermissionDenied(
            "This download link is invalid or has expired.", code="invalid_download_token"
        )
    export = session.get(ReportExport, export_id) if _plausible(export_id) else None
    if export is None:
        raise NotFound("No such export.", code="export_not_found")
    user = session.get(User, int(claims.get("sub", 0) or 0))
    if (
        user is None
        or not user.is_active
        or required_permission(export.kind) not in permissions_for(user.role)
        or not (user.role == Role.OWNER.value or export.requested_by_id == user.id)
    ):
        raise PermissionDenied("You don't have permission to do that.")
    run = session.get(JobRun, export_id)
    if run is None or run.status != "done":
        raise Conflict("The export is not finished yet.", code="not_ready")
    path = export_file(export_id)
    if not path.is_file():
        raise NotFound("The export file is gone.", code="export_file_missing")
    return path, export.file_name


def file_for(session: Session, export_id: str, actor: UserView | None) -> tuple[Path, str]:
    """The finished export's file for a signed-in actor allowed to see it (the API's
    bearer-authenticated download; the UI uses the signed link instead)."""
    view = get_export(session, export_id, actor)
    if view.status != "done":
        raise Conflict("The export is not finished yet.", code="not_ready")
    path = export_file(export_id)
    if not path.is_file():
        raise NotFound("The export file is gone.", code="export_file_missing")
    return path, view.file_name
