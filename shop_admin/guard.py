"""The one permission gate for admin event handlers.

`@admin_event(Perm.X)` resolves the user from the session cookie through shop_core
(never from client-side vars) and calls `accounts.require(user, perm)` before the
handler body runs. On refusal the handler body never starts: the caller gets an
error toast and nothing changes, in the state or in the database.

The verified user is handed to the handler as its `actor` argument (the second
parameter, after `self`); Reflex sees the handler's signature without it, so the
frontend cannot supply one.

Background handlers (`@rx.event(background=True)` over `@admin_event(...)`) are checked
the same way: their `self` is a state proxy, so the check runs inside `async with self`.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

import reflex as rx
from reflex.istate.proxy import StateProxy

from shop.state.session import current_user
from shop_core.accounts import service as accounts
from shop_core.accounts.roles import Perm
from shop_core.accounts.service import UserView
from shop_core.errors import DomainError


async def authorize(state: rx.State, perm: Perm) -> UserView:
    """The signed-in user if they hold `perm`; raises NotAuthenticated / PermissionDenied."""
    return accounts.require(await current_user(state), perm)


def refusal(exc: DomainError) -> Any:
    return rx.toast.error(exc.message, id="permission-refused")


def admin_event(perm: Perm | None = None) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Guard an admin event handler `async def handler(self, actor: UserView, ...)`.

    `perm` defaults to the state's `PERMISSION` (for handlers shared through a mixin).
    Works for plain and generator handlers: for a generator the permission is checked
    before its first step, and the generator is returned for Reflex to drive.
    """

    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        signature = inspect.signature(fn)
        params = list(signature.parameters.values())
        if len(params) < 2 or params[1].name != "actor":
            raise TypeError(f"{fn.__qualname__}: the second parameter must be `actor`.")

        @functools.wraps(fn)
        async def handler(self, *args, **kwargs):
            background = isinstance(self, StateProxy)
            state_cls = type(self.__wrapped__) if background else type(self)
            required = perm or state_cls.PERMISSION
            try:
                if background:  # a proxy: the state may only be touched inside `async with`
                    async with self:
                        actor = await authorize(self, required)
                else:
                    actor = await authorize(self, required)
            except DomainError as exc:
                return refusal(exc)
            result = fn(self, actor, *args, **kwargs)
            if inspect.isawaitable(result):
                return await result
            return result

        # What Reflex (and the browser) may call: the signature without `actor`.
        handler.__signature__ = signature.replace(parameters=[params[0], *params[2:]])
        handler.__annotations__ = {k: v for k, v in fn.__annotations__.items() if k != "actor"}
        handler.required_permission = perm
        return handler

    return decorate
