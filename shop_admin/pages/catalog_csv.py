"""CSV import and export of products as background jobs, with a live progress bar.

The jobs run away from the web process's event loop (RQ, or the background thread of
the embedded setup); this state only starts them and follows their run: a background
event polls `runs.get_run` about once a second and changes the state only inside
`async with self`, so the state lock is never held while waiting.
"""

from __future__ import annotations

import asyncio
import dataclasses
from typing import ClassVar

import reflex as rx

from shop.state.services import read
from shop_admin.components.tables import job_progress_bar
from shop_admin.guard import admin_event
from shop_core.accounts.roles import Perm, Role
from shop_core.accounts.service import UserView
from shop_core.catalog import csv_io
from shop_core.errors import DomainError
from shop_core.jobs import runs

POLL_SECONDS = 1.0
KIND_LABELS = {csv_io.EXPORT_KIND: "export", csv_io.IMPORT_KIND: "import"}
UPLOAD_ID = "catalog-csv-upload"


@dataclasses.dataclass
class IssueRow:
    line: int
    sku: str
    message: str


def visible_to(actor: UserView) -> int | None:
    """Owners follow every run; other staff only the runs they started (as in the API)."""
    return None if actor.role == Role.OWNER.value else actor.id


class CatalogCsvState(rx.State):
    PERMISSION: ClassVar[Perm] = Perm.CATALOG_MANAGE

    run_id: str = ""
    run_kind: str = ""  # "export" | "import"
    run_status: str = ""  # queued | running | done | failed
    percent: int = 0
    progress_text: str = ""
    result_text: str = ""
    issues: list[IssueRow] = []
    has_file: bool = False
    starting: bool = False
    _polling: bool = False

    @rx.var
    def active(self) -> bool:
        return self.run_status in runs.ACTIVE

    def _attach(self, run_id: str, kind: str) -> None:
        self.run_id, self.run_kind, self.run_status = run_id, kind, "queued"
        self.percent, self.progress_text, self.result_text = 0, "Waiting to start", ""
        self.issues, self.has_file = [], False

    def _show(self, view: runs.RunView) -> None:
        self.run_status = view.status
        self.run_kind = KIND_LABELS.get(view.kind, view.kind)
        self.percent = view.progress.percent
        self.progress_text = view.progress.message
        self.result_text = view.message
        errors = view.result.get("errors") or []
        self.issues = [
            IssueRow(
                line=int(e.get("line", 0)),
                sku=str(e.get("sku", "")),
                message=str(e.get("message", "")),
            )
            for e in errors[:200]
        ]
        if view.status == "done" and view.kind == csv_io.EXPORT_KIND:
            self.has_file = True
        elif view.status == "failed" and view.kind == csv_io.IMPORT_KIND:
            self.has_file = bool(errors)  # the error report
        else:
            self.has_file = False

    @rx.event
    @admin_event(Perm.CATALOG_VIEW)
    async def resume(self, actor: UserView):
        """On page load: pick up the user's newest catalog job, and follow it if it runs."""
        if not actor.can(Perm.CATALOG_MANAGE):
            return None
        if not self.run_id:
            latest = await read(
                lambda s: runs.list_runs(s, created_by_id=actor.id, page=1, per_page=5)
            )
            mine = [r for r in latest.items if r.kind in KIND_LABELS and r.status in runs.ACTIVE]
            if not mine:
                return None
            self.run_id = mine[0].id
            self._show(mine[0])
        if self.run_status in runs.ACTIVE:
            return CatalogCsvState.poll
        return None

    @rx.event
    @admin_event(Perm.CATALOG_MANAGE)
    async def start_export(self, actor: UserView):
        if self.active:
            yield rx.toast.info("A CSV job is still running; wait for it to finish.")
            return
        self.starting = True
        yield
        try:
            run_id = await asyncio.to_thread(
                csv_io.start_export, status=None, created_by_id=actor.id
            )
        except DomainError as exc:
            self.starting = False
            yield rx.toast.error(exc.message)
            return
        self._attach(run_id, "export")
        self.starting = False
        yield CatalogCsvState.poll

    @rx.event
    @admin_event(Perm.CATALOG_MANAGE)
    async def upload_csv(self, actor: UserView, files: list[rx.UploadFile]):
        if self.active:
            return rx.toast.info("A CSV job is still running; wait for it to finish.")
        if not files:
            return rx.toast.error("Choose a CSV file to import.")
        upload = files[0]
        try:
            path = await asyncio.to_thread(
                csv_io.receive_upload,
                upload.file,
                filename=upload.filename,
                content_type=upload.content_type,
            )
            run_id = await asyncio.to_thread(
                csv_io.start_import, path, created_by_id=actor.id, filename=upload.filename or ""
            )
        except DomainError as exc:
            return rx.toast.error(exc.message)
        self._attach(run_id, "import")
        return CatalogCsvState.poll

    @rx.event(background=True)
    @admin_event(Perm.CATALOG_MANAGE)
    async def poll(self, actor: UserView):
        """Follow the current run until it ends (one poller per tab)."""
        async with self:
            if self._polling or not self.run_id:
                return None
            self._polling = True
            run_id = self.run_id
        view = None
        try:
            while True:
                try:
                    view = await read(
                        lambda s: runs.get_run(s, run_id, visible_to=visible_to(actor))
                    )
                except DomainError as exc:
                    async with self:
                        if self.run_id == run_id:
                            self.run_status, self.result_text = "failed", exc.message
                    return rx.toast.error(exc.message)
                async with self:
                    if self.run_id != run_id:  # dismissed, or another job started
                        return None
                    self._show(view)
                if view.status not in runs.ACTIVE:
                    break
                await asyncio.sleep(POLL_SECONDS)
        finally:
            async with self:
                self._polling = False
        if view.status == "done":
            return rx.toast.success(view.message or "The CSV job is done.")
        return rx.toast.error(view.message or "The CSV job failed.")

    @rx.event
    @admin_event(Perm.CATALOG_MANAGE)
    async def download(self, actor: UserView):
        run_id = self.run_id
        try:
            view = await read(lambda s: runs.get_run(s, run_id, visible_to=visible_to(actor)))
            path, filename = csv_io.run_file(view)
            data = await asyncio.to_thread(path.read_bytes)
        except DomainError as exc:
            return rx.toast.error(exc.message)
        return rx.download(data=data, filename=filename, mime_type="text/csv")

    @rx.event
    @admin_event(Perm.CATALOG_MANAGE)
    async def dismiss(self, actor: UserView):
        if not self.active:
            self.run_id = self.run_kind = self.run_status = ""
            self.issues, self.has_file = [], False


def csv_buttons() -> rx.Component:
    return rx.flex(
        rx.button(
            rx.icon("download", size=16),
            "Export CSV",
            variant="soft",
            size="3",
            on_click=CatalogCsvState.start_export,
            loading=CatalogCsvState.starting,
            disabled=CatalogCsvState.active,
            cursor="pointer",
            id="export-csv",
        ),
        rx.box(
            rx.upload.root(
                rx.button(
                    rx.icon("upload", size=16),
                    "Import CSV",
                    variant="soft",
                    size="3",
                    disabled=CatalogCsvState.active,
                    cursor="pointer",
                    type="button",
                ),
                id=UPLOAD_ID,
                accept={"text/csv": [".csv"], "text/plain": [".txt"]},
                multiple=False,
                max_files=1,
                disabled=CatalogCsvState.active,
                no_drag=True,
                no_keyboard=True,
                on_drop=CatalogCsvState.upload_csv(rx.upload_files(upload_id=UPLOAD_ID)),
            ),
            id="import-csv",
        ),
        gap="8px",
        wrap="wrap",
    )


def _issue(row: IssueRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(row.line, size="2")),
        rx.table.cell(rx.code(row.sku, size="1", variant="ghost")),
        rx.table.cell(rx.text(row.message, size="2")),
    )


def csv_progress() -> rx.Component:
    """The current job's progress bar, outcome, download and error report."""
    done = CatalogCsvState.run_status == "done"
    failed = CatalogCsvState.run_status == "failed"
    return rx.cond(
        CatalogCsvState.run_id != "",
        rx.card(
            rx.vstack(
                rx.hstack(
                    rx.hstack(
                        rx.icon(
                            rx.cond(CatalogCsvState.run_kind == "export", "file-down", "file-up"),
                            size=18,
                            color="var(--accent-11)",
                        ),
                        rx.text("CSV ", CatalogCsvState.run_kind, weight="bold", size="3"),
                        rx.match(
                            CatalogCsvState.run_status,
                            ("done", rx.badge("done", color_scheme="green", radius="full")),
                            ("failed", rx.badge("failed", color_scheme="red", radius="full")),
                            rx.badge(
                                rx.spinner(size="1"), CatalogCsvState.run_status, radius="full"
                            ),
                        ),
                        spacing="2",
                        align="center",
                    ),
                    rx.cond(
                        ~CatalogCsvState.active,
                        rx.icon_button(
                            rx.icon("x", size=16),
                            variant="ghost",
                            size="1",
                            aria_label="Dismiss the CSV job",
                            on_click=CatalogCsvState.dismiss,
                            cursor="pointer",
                        ),
                    ),
                    justify="between",
                    width="100%",
                ),
                job_progress_bar(
                    CatalogCsvState.percent,
                    done=done,
                    failed=failed,
                    label="CSV job progress",
                    id="csv-progress",
                ),
                rx.text(
                    rx.cond(
                        CatalogCsvState.active,
                        CatalogCsvState.progress_text
                        + " ("
                        + CatalogCsvState.percent.to_string()
                        + "%)",
                        CatalogCsvState.result_text,
                    ),
                    size="2",
                    color_scheme=rx.cond(failed, "red", "gray"),
                    role="status",
                    aria_live="polite",
                    id="csv-status",
                ),
                rx.cond(
                    CatalogCsvState.has_file,
                    rx.button(
                        rx.icon("file-down", size=16),
                        rx.cond(done, "Download the CSV", "Download the error report"),
                        on_click=CatalogCsvState.download,
                        size="2",
                        variant=rx.cond(done, "solid", "soft"),
                        color_scheme=rx.cond(done, "violet", "red"),
                        cursor="pointer",
                        id="csv-download",
                    ),
                ),
                rx.cond(
                    CatalogCsvState.issues.length() > 0,
                    rx.box(
                        rx.table.root(
                            rx.table.header(
                                rx.table.row(
                                    rx.table.column_header_cell("Line"),
                                    rx.table.column_header_cell("SKU"),
                                    rx.table.column_header_cell("Problem"),
                                )
                            ),
                            rx.table.body(rx.foreach(CatalogCsvState.issues, _issue)),
                            size="1",
                            variant="surface",
                            width="100%",
                        ),
                        max_height="280px",
                        overflow="auto",
                        width="100%",
                        id="csv-issues",
                    ),
                ),
                spacing="3",
                width="100%",
            ),
            size="2",
            width="100%",
            style={"--card-border-radius": "20px"},
        ),
    )
