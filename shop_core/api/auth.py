"""Auth and account endpoints: register, login, refresh, logout, password reset, me."""

from __future__ import annotations

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field

from shop_core.accounts import service as accounts
from shop_core.api.deps import ClientIp, CurrentCaller
from shop_core.cart import service as carts
from shop_core.db import unit_of_work

router = APIRouter(tags=["auth"])

_PASSWORD = Field(max_length=4096)


class RegisterIn(BaseModel):
    invite_code: str = Field(max_length=64)
    name: str = Field(max_length=500)
    email: str = Field(max_length=320)
    password: str = _PASSWORD


class LoginIn(BaseModel):
    email: str = Field(max_length=320)
    password: str = _PASSWORD
    cart_id: str | None = Field(default=None, max_length=64)


class RefreshIn(BaseModel):
    refresh_token: str = Field(max_length=4096)


class ResetIn(BaseModel):
    email: str = Field(max_length=320)


class ResetConfirmIn(BaseModel):
    token: str = Field(max_length=512)
    password: str = _PASSWORD


class ProfileIn(BaseModel):
    name: str = Field(max_length=500)


class Accepted(BaseModel):
    status: str


@router.post("/auth/register", status_code=201, response_model=accounts.UserView)
def register(body: RegisterIn, ip: ClientIp) -> accounts.UserView:
    with unit_of_work() as session:
        return accounts.register(
            session,
            invite_code=body.invite_code,
            name=body.name,
            email=body.email,
            password=body.password,
            ip=ip,
        )


@router.post("/auth/login", response_model=accounts.TokenPair)
def login(body: LoginIn, ip: ClientIp) -> accounts.TokenPair:
    with unit_of_work() as session:
        user, pair = accounts.login(session, email=body.email, password=body.password, ip=ip)
        if body.cart_id:
            carts.merge_guest_cart(session, guest_cart_id=body.cart_id, user_id=user.id)
    return pair


@router.post("/auth/refresh", response_model=accounts.TokenPair)
def refresh(body: RefreshIn) -> accounts.TokenPair:
    with unit_of_work() as session:
        return accounts.refresh(session, refresh_token=body.refresh_token)


@router.post("/auth/logout", status_code=204)
def logout(caller: CurrentCaller) -> Response:
    with unit_of_work() as session:
        accounts.revoke_session(session, session_id=caller.session_id)
    return Response(status_code=204)


@router.post("/auth/password-reset", status_code=202, response_model=Accepted)
def password_reset(body: ResetIn, ip: ClientIp) -> Accepted:
    with unit_of_work() as session:
        accounts.request_password_reset(session, email=body.email, ip=ip)
    return Accepted(status="accepted")


@router.post("/auth/password-reset/confirm", response_model=Accepted)
def password_reset_confirm(body: ResetConfirmIn) -> Accepted:
    with unit_of_work() as session:
        accounts.confirm_password_reset(session, token=body.token, password=body.password)
    return Accepted(status="password_changed")


@router.get("/me", response_model=accounts.UserView)
def me(caller: CurrentCaller) -> accounts.UserView:
    return caller.user


@router.patch("/me", response_model=accounts.UserView)
def update_me(body: ProfileIn, caller: CurrentCaller) -> accounts.UserView:
    with unit_of_work() as session:
        return accounts.update_profile(session, user_id=caller.user.id, name=body.name)
