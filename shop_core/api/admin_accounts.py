"""Admin endpoints for invitation codes, users and the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from shop_core.accounts import service as accounts
from shop_core.accounts.roles import Perm
from shop_core.api.deps import requires
from shop_core.audit import service as audit
from shop_core.db import read_session, unit_of_work
from shop_core.invitations import service as invitations
from shop_core.pagination import MAX_PER_PAGE, Page

router = APIRouter(prefix="/admin", tags=["admin"])

InviteManager = Annotated[accounts.UserView, Depends(requires(Perm.INVITATIONS_MANAGE))]
UserViewer = Annotated[accounts.UserView, Depends(requires(Perm.USERS_VIEW))]
UserManager = Annotated[accounts.UserView, Depends(requires(Perm.USERS_MANAGE))]
AuditViewer = Annotated[accounts.UserView, Depends(requires(Perm.AUDIT_VIEW))]
PageNo = Annotated[int, Query(ge=1)]
PerPage = Annotated[int, Query(ge=1, le=MAX_PER_PAGE)]


class InvitationsIn(BaseModel):
    count: int = Field(default=1, ge=1, le=invitations.MAX_BATCH)
    max_uses: int = Field(default=1, ge=1, le=100_000)
    expires_at: datetime | None = None


class InvitationBatch(BaseModel):
    items: list[invitations.InvitationView]


class InvitationPatch(BaseModel):
    status: Literal["disabled"]


class RolePatch(BaseModel):
    role: str = Field(max_length=32)


@router.post("/invitations", status_code=201, response_model=InvitationBatch)
def create_invitations(body: InvitationsIn, user: InviteManager) -> InvitationBatch:
    with unit_of_work() as session:
        items = invitations.create_invitations(
            session,
            actor=user.actor,
            count=body.count,
            max_uses=body.max_uses,
            expires_at=body.expires_at,
        )
    return InvitationBatch(items=items)


@router.get("/invitations", response_model=Page[invitations.InvitationView])
def list_invitations(
    _: InviteManager,
    status: Annotated[invitations.InviteStatus | None, Query()] = None,
    page: PageNo = 1,
    per_page: PerPage = 25,
) -> Page[invitations.InvitationView]:
    with read_session() as session:
        return invitations.list_invitations(
            session, status=status.value if status else None, page=page, per_page=per_page
        )


@router.patch("/invitations/{code}", response_model=invitations.InvitationView)
def patch_invitation(
    code: str, body: InvitationPatch, user: InviteManager
) -> invitations.InvitationView:
    with unit_of_work() as session:
        return invitations.disable_invitation(session, actor=user.actor, code=code)


@router.get("/users", response_model=Page[accounts.UserView])
def list_users(
    _: UserViewer,
    q: Annotated[str | None, Query(max_length=200)] = None,
    role: Annotated[str | None, Query(max_length=32)] = None,
    page: PageNo = 1,
    per_page: PerPage = 25,
) -> Page[accounts.UserView]:
    with read_session() as session:
        return accounts.list_users(session, q=q, role=role, page=page, per_page=per_page)


@router.patch("/users/{user_id}", response_model=accounts.UserView)
def change_role(user_id: int, body: RolePatch, user: UserManager) -> accounts.UserView:
    with unit_of_work() as session:
        return accounts.change_role(session, actor=user, user_id=user_id, role=body.role)


@router.get("/audit", response_model=Page[audit.AuditView])
def list_audit(
    _: AuditViewer,
    action: Annotated[str | None, Query(max_length=64)] = None,
    page: PageNo = 1,
    per_page: PerPage = 25,
) -> Page[audit.AuditView]:
    with read_session() as session:
        return audit.list_entries(session, action=action, page=page, per_page=per_page)
