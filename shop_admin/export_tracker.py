"""Export jobs followed from an admin page: a state mixin and its progress card.

A page mixes `ExportTracker` into its state (with its own `PERMISSION`), calls
`_start_export(actor, kind, params)` from a guarded handler, and shows
`export_progress(State)`. The job runs away from the event loop (RQ, or the embedded
background thread); a background event polls its progress about once a second, changing
the state only inside `async with self`; the finished file downloads through the
analytics service's short-lived signed link.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any, ClassVar

import reflex as rx

from shop.state.services import read, write
from shop_admin.components.tables import job_progress_bar, status_badge
from shop_admin.guard import admin_event
from shop_core.accounts.roles import Perm
from shop_core.accounts.service import UserView
from shop_core.analytics import exports
from shop_core.errors import DomainError

POLL_SECONDS = 1.0
ACTIVE = ("queued", "running")
EXPORT_COLORS = {"queued": "gray", "running": "blue", "done": "green", "failed": "red"}


def download_script(path: str) -> str:
    """The `_download` url for a site-relative path, resolved on the backend's origin.

    Reflex's frontend evaluates a download url mentioning `getBackendURL(env.UPLOAD)`,
    which is how uploads reach the backend when it runs on a port of its own (dev).
    """
    return f"new URL({json.dumps(path)}, getBackendURL(env.UPLOAD)).href"


class ExportTracker(rx.State, mixin=True):
    """Start an export job, follow its progress, download its file."""

    PERMISSION: ClassVar[Perm]

    export_id: str = ""
    export_label: str = ""
    export_status: str = ""
    export_percent: int = 0
    export_message: str = ""
    export_rows: int = 0
    export_starting: bool = False
    _export_polling: bool = False

    @rx.var
    def export_active(self) -> bool:
        return self.export_status in ACTIVE

    def _show_export(self, view: exports.ExportView) -> None:
        self.export_id, self.export_label = view.id, view.label
        self.export_status, self.export_percent = view.status, view.percent
        self.export_message, self.export_rows = view.message, view.row_count

    def _export_finished(self):
        """An event to run once the followed export ends (pages override it)."""
        return None

    async def _start_export(self, actor: UserView, kind: str, params: dict[str, Any]):
        if self.export_active:
            return rx.toast.info("An export is still running; wait for it to finish.")
        self.export_starting = True
        try:
            export_id = await write(lambda s: exports.start_export(s, kind, params, actor))
            view = await read(lambda s: exports.get_export(s, export_id, actor))
        except DomainError as exc:
            self.export_starting = False
            return rx.toast.error(exc.message)
        self._show_export(view)
        self.export_starting = False
        return [type(self).poll_export, rx.toast.info("Export started.")]

    @rx.event(background=True)
    @admin_event()
    async def poll_export(self, actor: UserView):
        """Follow the current export until it ends (one poller per tab)."""
        async with self:
            if self._export_polling or not self.export_id:
                return None
            self._export_polling = True
            export_id = self.export_id
        view = None
        try:
            while True:
                try:
                    view = await read(lambda s: exports.get_export(s, export_id, actor))
                except DomainError as exc:
                    async with self:
                        if self.export_id == export_id:
                            self.export_status, self.export_message = "failed", exc.message
                    return rx.toast.error(exc.message)
                async with self:
                    if self.export_id != export_id:
                        return None
                    self._show_export(view)
                if view.status not in ACTIVE:
                    break
                await asyncio.sleep(POLL_SECONDS)
        finally:
            async with self:
                self._export_polling = False
        async with self:
            follow_up = self._export_finished()
        toast = (
            rx.toast.success(f"Export ready: {view.row_count:,} rows.")
            if view.status == "done"
            else rx.toast.error(view.message or "The export failed.")
        )
        return [toast, follow_up] if follow_up is not None else toast

    @rx.event
    @admin_event()
    async def download_export(self, actor: UserView, export_id: str):
        export_id = str(export_id)[:64]

        def sign(s):
            view = exports.get_export(s, export_id, actor)
            return view, exports.download_url(s, export_id, actor)

        try:
            view, url = await read(sign)
        except DomainError as exc:
            return rx.toast.error(exc.message)
        return rx.download(url=rx.Var.create(download_script(url)), filename=view.file_name)

    @rx.event
    @admin_event()
    async def dismiss_export(self, actor: UserView):
        if not self.export_active:
            self.export_id = self.export_status = self.export_message = ""


def export_progress(state) -> rx.Component:
    """The followed export: a progress bar, then its outcome and a download button."""
    done = state.export_status == "done"
    failed = state.export_status == "failed"
    return rx.cond(
        state.export_id != "",
        rx.card(
            rx.vstack(
                rx.hstack(
                    rx.hstack(
                        rx.icon("file-spreadsheet", size=18, color="var(--accent-11)"),
                        rx.text("CSV export · ", state.export_label, weight="bold", size="2"),
                        status_badge(state.export_status, EXPORT_COLORS),
                        spacing="2",
                        align="center",
                        wrap="wrap",
                    ),
                    rx.cond(
                        ~state.export_active,
                        rx.icon_button(
                            rx.icon("x", size=14),
                            variant="ghost",
                            size="1",
                            aria_label="Dismiss the export",
                            on_click=state.dismiss_export,
                            cursor="pointer",
                        ),
                    ),
                    justify="between",
                    width="100%",
                ),
                job_progress_bar(
                    state.export_percent,
                    done=done,
                    failed=failed,
                    label="Export progress",
                    id="export-progress",
                ),
                rx.flex(
                    rx.text(
                        rx.cond(
                            state.export_active,
                            state.export_message + " (" + state.export_percent.to_string() + "%)",
                            rx.cond(
                                done,
                                state.export_rows.to_string() + " rows, ready to download.",
                                state.export_message,
                            ),
                        ),
                        size="2",
                        color_scheme=rx.cond(failed, "red", "gray"),
                        role="status",
                        aria_live="polite",
                        id="export-status",
                    ),
                    rx.cond(
                        done,
                        rx.button(
                            rx.icon("download", size=16),
                            "Download CSV",
                            on_click=state.download_export(state.export_id),
                            size="2",
                            cursor="pointer",
                            id="export-download",
                        ),
                    ),
                    justify="between",
                    align="center",
                    gap="8px",
                    wrap="wrap",
                    width="100%",
                ),
                spacing="3",
                width="100%",
            ),
            size="2",
            width="100%",
            style={"--card-border-radius": "18px"},
        ),
    )
