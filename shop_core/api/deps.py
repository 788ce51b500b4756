"""Shared FastAPI dependencies: the signed-in user and permission gates."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from shop_core.accounts import service as accounts
from shop_core.accounts.roles import Perm
from shop_core.db import read_session
from shop_core.errors import NotAuthenticated

_bearer = HTTPBearer(auto_error=False)


class Caller:
    """The authenticated user plus the session their token belongs to."""

    def __init__(self, user: accounts.UserView, session_id: str) -> None:
        self.user = user
        self.session_id = session_id


def optional_caller(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Caller | None:
    if credentials is None:
        return None
    with read_session() as session:
        user, session_id = accounts.authenticate_access_token(session, credentials.credentials)
    return Caller(user, session_id)


def current_caller(caller: Annotated[Caller | None, Depends(optional_caller)]) -> Caller:
    if caller is None:
        raise NotAuthenticated("Send a bearer access token.")
    return caller


def requires(perm: Perm) -> Callable[[Caller], accounts.UserView]:
    def _gate(caller: Annotated[Caller, Depends(current_caller)]) -> accounts.UserView:
        return accounts.require(caller.user, perm)

    return _gate


def client_ip(request: Request) -> str:
    return request.client.host if request.client else ""


CurrentCaller = Annotated[Caller, Depends(current_caller)]
ClientIp = Annotated[str, Depends(client_ip)]
