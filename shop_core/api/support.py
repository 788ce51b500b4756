"""Support ticket endpoints: customers, guests (by email) and staff share the same routes;
what each sees is decided by the support service."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Query, UploadFile
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field

from shop_core.accounts.roles import Perm
from shop_core.api.deps import Caller, optional_caller
from shop_core.db import read_session, unit_of_work
from shop_core.errors import InvalidInput, NotAuthenticated, PermissionDenied
from shop_core.pagination import MAX_PER_PAGE, Page
from shop_core.support import service as support
from shop_core.support.attachments import attachment_path, store_attachment

router = APIRouter(prefix="/support", tags=["support"])
OptionalCaller = Annotated[Caller | None, Depends(optional_caller)]


def _viewer(caller: Caller | None, email: str | None = None) -> support.Viewer:
    return support.Viewer(user=caller.user if caller else None, email=email)


@router.post("/tickets", status_code=201, response_model=support.TicketOut)
def create_ticket(body: support.TicketIn, caller: OptionalCaller) -> support.TicketOut:
    with unit_of_work() as session:
        return support.create_ticket(session, body, user=caller.user if caller else None)


@router.get("/tickets", response_model=Page[support.TicketSummary])
def list_tickets(
    caller: OptionalCaller,
    status: Annotated[str | None, Query(max_length=24)] = None,
    assignee: Annotated[int | None, Query(alias="assignee")] = None,
    assignee_id: int | None = None,
    category: Annotated[str | None, Query(max_length=40)] = None,
    priority: Annotated[str | None, Query(max_length=10)] = None,
    unassigned: bool = False,
    overdue: bool = False,
    q: Annotated[str | None, Query(max_length=200)] = None,
    page: Annotated[int, Query(ge=1)] = 1,
    per_page: Annotated[int, Query(ge=1, le=MAX_PER_PAGE)] = 25,
) -> Page[support.TicketSummary]:
    if caller is None:
        raise NotAuthenticated("Sign in to see your tickets, or open one by its number and email.")
    filters = support.QueueFilters(
        status=status,
        category=category,
        priority=priority,
        assignee_id=assignee_id if assignee_id is not None else assignee,
        unassigned=unassigned,
        overdue=overdue,
        q=q,
    )
    with read_session() as session:
        return support.list_tickets(session, _viewer(caller), filters, page=page, per_page=per_page)


@router.get("/tickets/{number}", response_model=support.TicketOut)
def get_ticket(
    number: str, caller: OptionalCaller, email: Annotated[str | None, Query(max_length=254)] = None
) -> support.TicketOut:
    with read_session() as session:
        return support.get_ticket(session, number, _viewer(caller, email))


class MessageIn(BaseModel):
    body: str = Field(max_length=20_000)
    internal: bool = False


@router.post("/tickets/{number}/messages", status_code=201, response_model=support.MessageOut)
def add_message(
    number: str,
    body: MessageIn,
    caller: OptionalCaller,
    email: Annotated[str | None, Query(max_length=254)] = None,
) -> support.MessageOut:
    with unit_of_work() as session:
        return support.add_message(
            session, number, _viewer(caller, email), body=body.body, internal=body.internal
        )


@router.post(
    "/tickets/{number}/messages/upload", status_code=201, response_model=support.MessageOut
)
async def add_message_with_files(
    number: str,
    caller: OptionalCaller,
    body: Annotated[str, Form(max_length=20_000)] = "",
    internal: Annotated[bool, Form()] = False,
    files: Annotated[list[UploadFile], File()] = [],  # noqa: B006 (FastAPI form default)
    email: Annotated[str | None, Query(max_length=254)] = None,
) -> support.MessageOut:
    if len(files) > 5:
        raise InvalidInput("Attach at most 5 files.", fields={"attachments": "At most 5."})
    stored = [
        store_attachment(await f.read(1024 * 1024 * 5 + 1), f.filename or "file") for f in files
    ]
    from starlette.concurrency import run_in_threadpool

    def _save() -> support.MessageOut:
        with unit_of_work() as session:
            return support.add_message(
                session,
                number,
                _viewer(caller, email),
                body=body,
                internal=internal,
                attachments=stored,
            )

    return await run_in_threadpool(_save)


@router.get("/tickets/{number}/attachments/{attachment_id}")
def download_attachment(
    number: str,
    attachment_id: int,
    caller: OptionalCaller,
    email: Annotated[str | None, Query(max_length=254)] = None,
) -> FileResponse:
    with read_session() as session:
        row = support.attachment_for(session, number, attachment_id, _viewer(caller, email))
    return FileResponse(
        attachment_path(row.storage_key), media_type=row.content_type, filename=row.filename
    )


class TicketPatch(BaseModel):
    status: str | None = Field(default=None, max_length=24)
    assignee_id: int | None = None
    priority: str | None = Field(default=None, max_length=10)


@router.patch("/tickets/{number}", response_model=support.TicketOut)
def update_ticket(number: str, body: TicketPatch, caller: OptionalCaller) -> support.TicketOut:
    if caller is None:
        raise NotAuthenticated("Sign in as staff.")
    if not caller.user.can(Perm.SUPPORT_HANDLE):
        raise PermissionDenied("Only support staff can change tickets.")
    unassign = "assignee_id" in body.model_fields_set and body.assignee_id is None
    with unit_of_work() as session:
        return support.update_ticket(
            session,
            number,
            caller.user,
            status=body.status,
            assignee_id=body.assignee_id,
            unassign=unassign,
            priority=body.priority,
        )


@router.get("/counts", response_model=dict[str, int])
def counts(caller: OptionalCaller) -> dict[str, int]:
    if caller is None or not caller.user.can(Perm.SUPPORT_HANDLE):
        raise PermissionDenied("Only support staff can see the queue.")
    with read_session() as session:
        return support.status_counts(session)
