"""The Stripe webhook route, and the built-in test gateway's payment page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from shop_core.payments import gateway, test_gateway, webhooks

router = APIRouter(tags=["payments"])


@router.post("/payments/stripe/webhook")
async def stripe_webhook(
    request: Request,
    stripe_signature: Annotated[str | None, Header(alias="Stripe-Signature")] = None,
) -> dict:
    payload = await request.body()
    from starlette.concurrency import run_in_threadpool

    outcome = await run_in_threadpool(webhooks.handle, payload, stripe_signature)
    return {"received": True, "outcome": outcome}


@router.get(
    f"{gateway.TEST_GATEWAY_PATH.removeprefix('/api/v1')}/{{session_id}}",
    response_class=HTMLResponse,
)
def test_gateway_page(session_id: str) -> HTMLResponse:
    return HTMLResponse(test_gateway.payment_page(session_id))


@router.post(f"{gateway.TEST_GATEWAY_PATH.removeprefix('/api/v1')}/{{session_id}}/{{action}}")
def test_gateway_action(session_id: str, action: test_gateway.Action) -> RedirectResponse:
    """The shopper's choice on the test gateway page, sent on as a signed Stripe event."""
    return RedirectResponse(test_gateway.act(session_id, action), status_code=303)
