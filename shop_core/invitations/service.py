"""Generate, list, disable and redeem invitation codes.

Redemption is one conditional UPDATE (uses < max_uses, not disabled, not expired):
the database decides the race, so two registrations never share a single-use code.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel
from sqlalchemy import and_, or_, update
from sqlmodel import Session, select

from shop_core.accounts.models import User
from shop_core.audit import service as audit
from shop_core.db import utcnow
from shop_core.errors import DomainError, InvalidInput, NotFound
from shop_core.invitations.models import Invitation, InvitationRedemption
from shop_core.pagination import Page, paginate

# No 0/O, 1/I/L: codes are read aloud and typed from paper.
_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
MAX_BATCH = 500


class InviteStatus(StrEnum):
    ACTIVE = "active"
    USED = "used"
    DISABLED = "disabled"
    EXPIRED = "expired"


class Redeemer(BaseModel):
    user_id: int
    email: str
    name: str
    redeemed_at: datetime


class InvitationView(BaseModel):
    code: str
    status: InviteStatus
    max_uses: int
    uses: int
    expires_at: datetime | None
    created_at: datetime
    used_by: list[Redeemer] = []


def normalize_code(code: str) -> str:
    return "".join(code.split()).upper()


def _new_code() -> str:
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def status_of(inv: Invitation, now: datetime | None = None) -> InviteStatus:
    now = now or utcnow()
    if inv.disabled_at is not None:
        return InviteStatus.DISABLED
    if inv.uses >= inv.max_uses:
        return InviteStatus.USED
    if inv.expires_at is not None and inv.expires_at <= now:
        return InviteStatus.EXPIRED
    return InviteStatus.ACTIVE


def _status_condition(status: InviteStatus, now: datetime):
    not_disabled = Invitation.disabled_at.is_(None)
    not_used = Invitation.uses < Invitation.max_uses
    not_expired = or_(Invitation.expires_at.is_(None), Invitation.expires_at > now)
    return {
        InviteStatus.DISABLED: Invitation.disabled_at.is_not(None),
        InviteStatus.USED: and_(not_disabled, ~not_used),
        InviteStatus.EXPIRED: and_(not_disabled, not_used, ~not_expired),
        InviteStatus.ACTIVE: and_(not_disabled, not_used, not_expired),
    }[status]


def _view(inv: Invitation, redeemers: list[Redeemer] | None = None) -> InvitationView:
    return InvitationView(
        code=inv.code,
        status=status_of(inv),
        max_uses=inv.max_uses,
        uses=inv.uses,
        expires_at=inv.expires_at,
        created_at=inv.created_at,
        used_by=redeemers or [],
    )


def create_invitations(
    session: Session,
    *,
    actor: audit.Actor,
    count: int = 1,
    max_uses: int = 1,
    expires_at: datetime | None = None,
) -> list[InvitationView]:
    fields: dict[str, str] = {}
    if not 1 <= count <= MAX_BATCH:
        fields["count"] = f"Between 1 and {MAX_BATCH}."
    if not 1 <= max_uses <= 100_000:
        fields["max_uses"] = "Between 1 and 100000."
    if expires_at is not None:
        if expires_at.tzinfo is None:
            fields["expires_at"] = "Give a timezone (e.g. 2026-12-31T23:59:00Z)."
        elif expires_at <= utcnow():
            fields["expires_at"] = "Must be in the future."
    if fields:
        raise InvalidInput("Invitation settings are not valid.", fields=fields)
    invitations = [
        Invitation(
            code=_new_code(), max_uses=max_uses, expires_at=expires_at, created_by_id=actor.id
        )
        for _ in range(count)
    ]
    session.add_all(invitations)
    session.flush()
    for inv in invitations:
        audit.record(
            session,
            actor=actor,
            action="invitation.created",
            target_type="invitation",
            target_id=inv.code,
            after={
                "max_uses": max_uses,
                "expires_at": expires_at.isoformat() if expires_at else None,
            },
        )
    return [_view(inv) for inv in invitations]


def list_invitations(
    session: Session, *, status: str | None = None, page: int = 1, per_page: int = 25
) -> Page[InvitationView]:
    stmt = select(Invitation).order_by(Invitation.created_at.desc(), Invitation.id.desc())
    if status:
        try:
            wanted = InviteStatus(status)
        except ValueError as exc:
            raise InvalidInput(
                "Unknown status.", fields={"status": "One of active, used, disabled, expired."}
            ) from exc
        stmt = stmt.where(_status_condition(wanted, utcnow()))
    rows, total = paginate(session, stmt, page=page, per_page=per_page)
    redeemers = _redeemers(session, [inv.id for inv in rows])
    return Page[InvitationView](
        items=[_view(inv, redeemers.get(inv.id)) for inv in rows],
        total=total,
        page=page,
        per_page=per_page,
    )


def _redeemers(session: Session, invitation_ids: list[int]) -> dict[int, list[Redeemer]]:
    """Everyone who used these codes, in one query."""
    if not invitation_ids:
        return {}
    rows = session.exec(
        select(InvitationRedemption, User)
        .join(User, User.id == InvitationRedemption.user_id)
        .where(InvitationRedemption.invitation_id.in_(invitation_ids))
        .order_by(InvitationRedemption.redeemed_at)
    ).all()
    out: dict[int, list[Redeemer]] = {}
    for redemption, user in rows:
        out.setdefault(redemption.invitation_id, []).append(
            Redeemer(
                user_id=user.id,
                email=user.email,
                name=user.name,
                redeemed_at=redemption.redeemed_at,
            )
        )
    return out


def _get(session: Session, code: str) -> Invitation:
    inv = session.exec(select(Invitation).where(Invitation.code == normalize_code(code))).first()
    if inv is None:
        raise NotFound("No invitation with that code.", code="invitation_not_found")
    return inv


def disable_invitation(session: Session, *, actor: audit.Actor, code: str) -> InvitationView:
    inv = _get(session, code)
    before = status_of(inv)
    if inv.disabled_at is None:
        inv.disabled_at = utcnow()
        session.add(inv)
        session.flush()
        audit.record(
            session,
            actor=actor,
            action="invitation.disabled",
            target_type="invitation",
            target_id=inv.code,
            before={"status": before.value},
            after={"status": InviteStatus.DISABLED.value},
        )
    return _view(inv, _redeemers(session, [inv.id]).get(inv.id))


def redeem(session: Session, *, code: str, user_id: int) -> None:
    """Consume one use of `code` for `user_id`, or raise the reason it cannot be used."""
    normalized = normalize_code(code)
    now = utcnow()
    result = session.execute(
        update(Invitation)
        .where(Invitation.code == normalized, _status_condition(InviteStatus.ACTIVE, now))
        .values(uses=Invitation.uses + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise _why_unusable(session, normalized, now)
    inv = session.exec(select(Invitation).where(Invitation.code == normalized)).one()
    session.add(InvitationRedemption(invitation_id=inv.id, user_id=user_id))


def check_usable(session: Session, code: str) -> None:
    """Fail early with the specific reason, before any work is done."""
    normalized = normalize_code(code)
    inv = session.exec(select(Invitation).where(Invitation.code == normalized)).first()
    if inv is None or status_of(inv) is not InviteStatus.ACTIVE:
        raise _why_unusable(session, normalized, utcnow())


def _why_unusable(session: Session, normalized: str, now: datetime) -> DomainError:
    inv = session.exec(select(Invitation).where(Invitation.code == normalized)).first()
    field = "invite_code"
    if inv is None:
        return DomainError(
            "That invitation code is not valid.",
            code="invite_invalid",
            fields={field: "We don't know this code."},
        )
    status = status_of(inv, now)
    messages = {
        InviteStatus.USED: ("invite_used", "This code has already been used."),
        InviteStatus.EXPIRED: ("invite_expired", "This code has expired."),
        InviteStatus.DISABLED: ("invite_disabled", "This code has been disabled."),
        # Active but the update lost a race for its last use: it is used now.
        InviteStatus.ACTIVE: ("invite_used", "This code has already been used."),
    }
    code, message = messages[status]
    return DomainError(message, code=code, fields={field: message})
