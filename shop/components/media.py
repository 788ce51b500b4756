"""Where the browser fetches stored media from.

Uploaded images have site-relative URLs ("/media/products/ab/….webp") served by the
backend. In production the frontend and backend share one origin; in development they
run on two ports, so a relative URL is resolved against the backend's origin, the way
Reflex resolves its own upload URLs.
"""

from __future__ import annotations

import reflex as rx
from reflex.vars import Var, VarData


def media_src(url: Var) -> Var:
    """`url` as an absolute address on the backend when it is site-relative."""
    backend_origin = Var(
        _js_expr="getBackendURL(env.UPLOAD).origin",
        _var_data=VarData(
            imports={
                "$/utils/state": "getBackendURL",
                "$/env.json": rx.ImportVar(tag="env", is_default=True),
            }
        ),
    )
    js = f"((({url}) || '').startsWith('/') ? {backend_origin} + ({url}) : ({url}))"
    return Var(
        _js_expr=js,
        _var_data=VarData.merge(url._get_all_var_data(), backend_origin._get_all_var_data()),
    ).to(str)
