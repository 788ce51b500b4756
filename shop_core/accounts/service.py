"""Registration, sign-in (API tokens and browser sessions), password reset, profiles, roles.

Every function takes the caller's session and never commits; the caller's unit of work
does. Views returned here are plain pydantic objects, never live ORM rows.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from email_validator import EmailNotValidError, validate_email
from pydantic import BaseModel
from sqlalchemy import func, or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from shop_core import ratelimit
from shop_core.accounts.models import AuthSession, PasswordResetToken, RefreshToken, User
from shop_core.accounts.roles import ROLE_LABELS, Perm, Role, has_permission, permissions_for
from shop_core.audit import service as audit
from shop_core.db import utcnow
from shop_core.email.service import queue_email
from shop_core.errors import (
    Conflict,
    DomainError,
    InvalidInput,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
)
from shop_core.invitations import service as invitations
from shop_core.pagination import Page, paginate
from shop_core.security import (
    access_token_expiry,
    burn_password_check,
    decode_token,
    digest,
    encode_token,
    hash_password,
    new_secret,
    validate_password,
    verify_password,
)
from shop_core.settings import get_settings


class UserView(BaseModel):
    id: int
    email: str
    name: str
    role: str
    permissions: list[str]
    created_at: datetime
    last_login_at: datetime | None = None

    @property
    def is_staff(self) -> bool:
        return Perm.ADMIN_ACCESS.value in self.permissions

    @property
    def actor(self) -> audit.Actor:
        return audit.Actor(id=self.id, email=self.email)

    def can(self, perm: Perm | str) -> bool:
        return Perm(perm).value in self.permissions


class TokenPair(BaseModel):
    access_token: str
    refresh_token: str
    token_type: str = "bearer"
    expires_in: int


class WebLogin(BaseModel):
    secret: str
    user: UserView


class TokenReused(NotAuthenticated):
    """A refresh token was presented twice: the session is revoked, and that must stick."""

    commit_anyway = True


def to_view(user: User) -> UserView:
    return UserView(
        id=user.id,
        email=user.email,
        name=user.name,
        role=user.role,
        permissions=sorted(p.value for p in permissions_for(user.role)),
        created_at=user.created_at,
        last_login_at=user.last_login_at,
    )


def normalize_email(email: str, field: str = "email") -> str:
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise InvalidInput("Email address is not valid.", fields={field: str(exc)}) from exc


def _clean_name(name: str) -> str:
    name = " ".join(name.split())
    if not 1 <= len(name) <= 120:
        raise InvalidInput("Name is required.", fields={"name": "Between 1 and 120 characters."})
    return name


def require(user: UserView | None, perm: Perm | str) -> UserView:
    """The single permission gate used by the REST API and every admin event handler."""
    if user is None:
        raise NotAuthenticated("Please sign in.")
    if not user.can(perm):
        raise PermissionDenied("You don't have permission to do that.")
    return user


# --- registration ---------------------------------------------------------------


def register(
    session: Session, *, invite_code: str, name: str, email: str, password: str, ip: str = ""
) -> UserView:
    ratelimit.hit(get_settings().rate_limit_register, "register", ip)
    errors: dict[str, str] = {}
    for check in (
        lambda: _clean_name(name),
        lambda: normalize_email(email),
        lambda: validate_password(password),
    ):
        try:
            check()
        except InvalidInput as exc:
            errors.update(exc.fields)
    if errors:
        code = "weak_password" if set(errors) == {"password"} else "validation_error"
        raise InvalidInput("Please correct the highlighted fields.", code=code, fields=errors)
    clean_email = normalize_email(email)
    invitations.check_usable(session, invite_code)
    if session.exec(select(User.id).where(User.email == clean_email)).first() is not None:
        raise _email_taken()
    user = User(email=clean_email, name=_clean_name(name), password_hash=hash_password(password))
    session.add(user)
    try:
        session.flush()
    except IntegrityError as exc:  # a concurrent registration took the address
        raise _email_taken() from exc
    invitations.redeem(session, code=invite_code, user_id=user.id)
    from shop_core.orders.service import claim_guest_orders

    claim_guest_orders(session, user_id=user.id, email=user.email)
    queue_email(
        session,
        to=user.email,
        template="welcome",
        context={"name": user.name, "login_url": f"{get_settings().public_url}/login"},
    )
    return to_view(user)


def _email_taken() -> Conflict:
    return Conflict(
        "An account with this email already exists.",
        code="email_taken",
        fields={"email": "This email is already registered. Try signing in."},
    )


# --- sign-in --------------------------------------------------------------------


def _check_credentials(session: Session, *, email: str, password: str, ip: str) -> User:
    key = email.strip().lower()
    rule = get_settings().rate_limit_login
    ratelimit.hit(rule, "login", "email", key)
    ratelimit.hit(rule, "login", "ip", ip)
    user = session.exec(select(User).where(User.email == key)).first()
    if user is None:
        burn_password_check(password)
    if user is None or not verify_password(password, user.password_hash) or not user.is_active:
        raise NotAuthenticated("Email or password is incorrect.", code="invalid_credentials")
    user.last_login_at = utcnow()
    session.add(user)
    if has_permission(user.role, Perm.ADMIN_ACCESS):
        audit.record(
            session,
            actor=audit.Actor(id=user.id, email=user.email),
            action="admin.login",
            target_type="user",
            target_id=user.id,
            after={"ip": ip or None},
        )
    return user


def _new_session(session: Session, user: User, *, channel: str, days: int) -> AuthSession:
    auth = AuthSession(
        id=uuid.uuid4().hex,
        user_id=user.id,
        channel=channel,
        expires_at=utcnow() + timedelta(days=days),
    )
    session.add(auth)
    return auth


def _issue_pair(session: Session, user_id: int, auth: AuthSession) -> TokenPair:
    jti = uuid.uuid4().hex
    session.add(RefreshToken(jti=jti, session_id=auth.id))
    access = encode_token(
        {"sub": str(user_id), "sid": auth.id, "typ": "access"}, expires_at=access_token_expiry()
    )
    refresh = encode_token(
        {"sub": str(user_id), "sid": auth.id, "jti": jti, "typ": "refresh"},
        expires_at=auth.expires_at,
    )
    return TokenPair(
        access_token=access,
        refresh_token=refresh,
        expires_in=get_settings().access_token_minutes * 60,
    )


def login(
    session: Session, *, email: str, password: str, ip: str = ""
) -> tuple[UserView, TokenPair]:
    user = _check_credentials(session, email=email, password=password, ip=ip)
    auth = _new_session(session, user, channel="api", days=get_settings().refresh_token_days)
    session.flush()
    return to_view(user), _issue_pair(session, user.id, auth)


def refresh(session: Session, *, refresh_token: str) -> TokenPair:
    claims = decode_token(refresh_token, expected_type="refresh")
    auth = session.get(AuthSession, claims.get("sid"))
    if auth is None or auth.revoked_at is not None or auth.expires_at <= utcnow():
        raise NotAuthenticated(
            "This session has ended. Please sign in again.", code="invalid_token"
        )
    used = session.execute(
        update(RefreshToken)
        .where(RefreshToken.jti == claims.get("jti"), RefreshToken.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if used.rowcount != 1:
        # Replay of a spent token: someone else may hold it, so end the whole session.
        auth.revoked_at = utcnow()
        session.add(auth)
        raise TokenReused("This refresh token was already used.", code="invalid_token")
    return _issue_pair(session, auth.user_id, auth)


def authenticate_access_token(session: Session, token: str) -> tuple[UserView, str]:
    """The user behind a bearer token and its session id; revoked sessions are refused."""
    claims = decode_token(token, expected_type="access")
    row = session.exec(
        select(User, AuthSession)
        .join(AuthSession, AuthSession.user_id == User.id)
        .where(AuthSession.id == claims.get("sid"), User.id == int(claims.get("sub", 0)))
    ).first()
    if row is None:
        raise NotAuthenticated("Token is invalid or expired.", code="invalid_token")
    user, auth = row
    if auth.revoked_at is not None or not user.is_active:
        raise NotAuthenticated(
            "This session has ended. Please sign in again.", code="invalid_token"
        )
    return to_view(user), auth.id


def revoke_session(session: Session, *, session_id: str) -> None:
    session.execute(
        update(AuthSession)
        .where(AuthSession.id == session_id, AuthSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session=False)
    )


# --- browser sessions (the Reflex storefront and admin) ----------------------------


def login_web(session: Session, *, email: str, password: str, ip: str = "") -> WebLogin:
    user = _check_credentials(session, email=email, password=password, ip=ip)
    auth = _new_session(session, user, channel="web", days=get_settings().web_session_days)
    secret = new_secret()
    auth.secret_hash = digest(secret)
    session.flush()
    return WebLogin(secret=secret, user=to_view(user))


def user_for_web_session(session: Session, secret: str) -> UserView | None:
    if not secret:
        return None
    row = session.exec(
        select(User, AuthSession)
        .join(AuthSession, AuthSession.user_id == User.id)
        .where(AuthSession.secret_hash == digest(secret))
    ).first()
    if row is None:
        return None
    user, auth = row
    if auth.revoked_at is not None or auth.expires_at <= utcnow() or not user.is_active:
        return None
    return to_view(user)


def logout_web(session: Session, *, secret: str) -> None:
    if secret:
        session.execute(
            update(AuthSession)
            .where(AuthSession.secret_hash == digest(secret), AuthSession.revoked_at.is_(None))
            .values(revoked_at=utcnow())
            .execution_options(synchronize_session=False)
        )


# --- password reset -----------------------------------------------------------------


def request_password_reset(session: Session, *, email: str, ip: str = "") -> None:
    """Send a reset link if the account exists; the caller answers the same either way."""
    rule = get_settings().rate_limit_password_reset
    key = email.strip().lower()
    ratelimit.hit(rule, "reset", "email", key)
    ratelimit.hit(rule, "reset", "ip", ip)
    user = session.exec(select(User).where(User.email == key)).first()
    if user is None or not user.is_active:
        return
    secret = new_secret()
    minutes = get_settings().password_reset_minutes
    session.add(
        PasswordResetToken(
            token_hash=digest(secret),
            user_id=user.id,
            expires_at=utcnow() + timedelta(minutes=minutes),
        )
    )
    queue_email(
        session,
        to=user.email,
        template="password_reset",
        context={
            "name": user.name,
            "reset_url": f"{get_settings().public_url}/reset-password?token={secret}",
            "expires_minutes": minutes,
        },
    )


def confirm_password_reset(session: Session, *, token: str, password: str) -> None:
    validate_password(password)
    now = utcnow()
    token_hash = digest(token or "")
    spent = session.execute(
        update(PasswordResetToken)
        .where(
            PasswordResetToken.token_hash == token_hash,
            PasswordResetToken.used_at.is_(None),
            PasswordResetToken.expires_at > now,
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if spent.rowcount != 1:
        raise DomainError(
            "This reset link is invalid, expired or already used. Ask for a new one.",
            code="reset_token_invalid",
            fields={"token": "Invalid or expired link."},
        )
    reset = session.get(PasswordResetToken, token_hash)
    user = session.get(User, reset.user_id)
    user.password_hash = hash_password(password)
    session.add(user)
    _revoke_all_sessions(session, user.id)


def _revoke_all_sessions(session: Session, user_id: int, keep_secret_hash: str = "") -> None:
    stmt = update(AuthSession).where(
        AuthSession.user_id == user_id, AuthSession.revoked_at.is_(None)
    )
    if keep_secret_hash:
        stmt = stmt.where(
            or_(AuthSession.secret_hash.is_(None), AuthSession.secret_hash != keep_secret_hash)
        )
    session.execute(stmt.values(revoked_at=utcnow()).execution_options(synchronize_session=False))


# --- profile ----------------------------------------------------------------------------


def get_user(session: Session, user_id: int) -> UserView:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("No such user.", code="user_not_found")
    return to_view(user)


def update_profile(session: Session, *, user_id: int, name: str) -> UserView:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("No such user.", code="user_not_found")
    user.name = _clean_name(name)
    session.add(user)
    return to_view(user)


def change_password(
    session: Session,
    *,
    user_id: int,
    current_password: str,
    new_password: str,
    keep_web_secret: str = "",
) -> None:
    """Set a new password and sign out every other device (the current browser stays in)."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("No such user.", code="user_not_found")
    if not verify_password(current_password, user.password_hash):
        raise InvalidInput(
            "Current password is incorrect.",
            code="invalid_credentials",
            fields={"current_password": "This is not your current password."},
        )
    validate_password(new_password)
    user.password_hash = hash_password(new_password)
    session.add(user)
    keep = digest(keep_web_secret) if keep_web_secret else ""
    _revoke_all_sessions(session, user.id, keep_secret_hash=keep)


# --- staff administration ------------------------------------------------------------------


def list_users(
    session: Session,
    *,
    q: str | None = None,
    role: str | None = None,
    page: int = 1,
    per_page: int = 25,
) -> Page[UserView]:
    stmt = select(User).order_by(User.created_at.desc(), User.id.desc())
    if q and q.strip():
        like = f"%{q.strip().lower()}%"
        stmt = stmt.where(or_(func.lower(User.email).like(like), func.lower(User.name).like(like)))
    if role:
        _parse_role(role)
        stmt = stmt.where(User.role == role)
    rows, total = paginate(session, stmt, page=page, per_page=per_page)
    return Page[UserView](
        items=[to_view(u) for u in rows], total=total, page=page, per_page=per_page
    )


def _parse_role(role: str) -> Role:
    try:
        return Role(role)
    except ValueError as exc:
        raise InvalidInput(
            "Unknown role.", fields={"role": "One of " + ", ".join(r.value for r in Role) + "."}
        ) from exc


def role_choices() -> list[tuple[str, str]]:
    return [(role.value, label) for role, label in ROLE_LABELS.items()]


def change_role(session: Session, *, actor: UserView, user_id: int, role: str) -> UserView:
    require(actor, Perm.USERS_MANAGE)
    new_role = _parse_role(role)
    user = session.exec(select(User).where(User.id == user_id).with_for_update()).first()
    if user is None:
        raise NotFound("No such user.", code="user_not_found")
    before = user.role
    if before == new_role.value:
        return to_view(user)
    if before == Role.OWNER.value:
        owners = session.exec(
            select(func.count())
            .select_from(User)
            .where(User.role == Role.OWNER.value, User.is_active)
        ).one()
        if owners <= 1:
            raise Conflict("The shop needs at least one owner.", code="last_owner")
    user.role = new_role.value
    session.add(user)
    audit.record(
        session,
        actor=actor.actor,
        action="user.role_changed",
        target_type="user",
        target_id=user.id,
        before={"role": before, "email": user.email},
        after={"role": new_role.value, "email": user.email},
    )
    return to_view(user)


def create_or_reset_owner(session: Session, *, email: str, password: str, name: str) -> UserView:
    clean_email = normalize_email(email)
    validate_password(password)
    user = session.exec(select(User).where(User.email == clean_email)).first()
    before = None
    if user is None:
        user = User(email=clean_email, name=_clean_name(name), password_hash="")
    else:
        before = {"role": user.role}
    user.password_hash = hash_password(password)
    user.role = Role.OWNER.value
    user.is_active = True
    session.add(user)
    session.flush()
    audit.record(
        session,
        actor=None,
        action="user.owner_set_by_cli",
        target_type="user",
        target_id=user.id,
        before=before,
        after={"role": Role.OWNER.value, "email": user.email},
    )
    return to_view(user)
