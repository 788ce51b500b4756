"""Auth endpoints of API.md: status codes, token rules, password rules, rate limits."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from jose import jwt
from sqlmodel import select

from shop_core.db import read_session, unit_of_work, utcnow
from shop_core.email.models import EmailMessage
from shop_core.invitations.models import Invitation
from shop_core.jobs.worker import run_pending_jobs
from shop_core.settings import get_settings
from tests.conftest import CUSTOMER_PASSWORD, OWNER_PASSWORD, bearer, make_user

REGISTER = "/api/v1/auth/register"
LOGIN = "/api/v1/auth/login"


def _register(api, code, email="new@example.com", password="a-good-password", name="New Person"):
    return api.post(
        REGISTER, json={"invite_code": code, "name": name, "email": email, "password": password}
    )


def _error_code(response) -> str:
    return response.json()["error"]["code"]


def test_register_with_invitation_creates_customer(api, invite_code):
    response = _register(api, invite_code, email="New@Example.com")
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["email"] == "new@example.com"
    assert body["role"] == "customer"
    assert body["permissions"] == []
    assert "password" not in response.text and "password_hash" not in body
    me = api.get("/api/v1/me", headers=bearer(api, "new@example.com", "a-good-password"))
    assert me.status_code == 200
    assert me.json()["name"] == "New Person"


def test_register_welcome_email_queued(api, invite_code):
    assert _register(api, invite_code).status_code == 201
    run_pending_jobs()
    with read_session() as session:
        mails = session.exec(select(EmailMessage).where(EmailMessage.template == "welcome")).all()
    assert [m.to_address for m in mails] == ["new@example.com"]
    assert mails[0].status == "outbox"


def test_register_unknown_code(api, owner):
    response = _register(api, "NOPE-NOPE-NOPE")
    assert response.status_code == 400
    assert _error_code(response) == "invite_invalid"
    assert "invite_code" in response.json()["error"]["fields"]


def test_register_used_code_is_refused_and_changes_nothing(api, invite_code):
    assert _register(api, invite_code, email="first@example.com").status_code == 201
    response = _register(api, invite_code, email="second@example.com")
    assert response.status_code == 400
    assert _error_code(response) == "invite_used"
    with read_session() as session:
        from shop_core.accounts.models import User

        assert session.exec(select(User).where(User.email == "second@example.com")).first() is None


def test_register_disabled_code(api, owner_headers, invite_code):
    patched = api.patch(
        f"/api/v1/admin/invitations/{invite_code}",
        json={"status": "disabled"},
        headers=owner_headers,
    )
    assert patched.status_code == 200
    assert patched.json()["status"] == "disabled"
    response = _register(api, invite_code)
    assert response.status_code == 400
    assert _error_code(response) == "invite_disabled"


def test_register_expired_code(api, invite_code):
    with unit_of_work() as session:
        inv = session.exec(select(Invitation).where(Invitation.code == invite_code)).one()
        inv.expires_at = utcnow() - timedelta(minutes=1)
        session.add(inv)
    response = _register(api, invite_code)
    assert response.status_code == 400
    assert _error_code(response) == "invite_expired"


def test_register_email_taken(api, owner_headers, customer):
    code = api.post(
        "/api/v1/admin/invitations", json={"max_uses": 2}, headers=owner_headers
    ).json()["items"][0]["code"]
    response = _register(api, code, email=customer.email.upper())
    assert response.status_code == 409
    assert _error_code(response) == "email_taken"
    # the failed attempt did not consume a use
    listed = api.get("/api/v1/admin/invitations", headers=owner_headers).json()["items"]
    assert [i["uses"] for i in listed if i["code"] == code] == [0]


@pytest.mark.parametrize("password", ["short", "1234567", "aaaaaaaaaaaa"])
def test_register_weak_password(api, invite_code, password):
    response = _register(api, invite_code, password=password)
    assert response.status_code == 422
    assert _error_code(response) == "weak_password"
    assert "password" in response.json()["error"]["fields"]


def test_register_invalid_email_and_name_are_field_errors(api, invite_code):
    response = _register(api, invite_code, email="not-an-email", name="  ")
    assert response.status_code == 422
    fields = response.json()["error"]["fields"]
    assert set(fields) == {"email", "name"}


@pytest.mark.parametrize("length", [8, 72, 73, 128, 200])
def test_long_passwords_accepted_and_checked_exactly(api, owner_headers, length):
    code = api.post("/api/v1/admin/invitations", json={}, headers=owner_headers).json()["items"][0][
        "code"
    ]
    password = ("Xy7!" * 64)[: length - 1] + "Q"
    email = f"len{length}@example.com"
    assert _register(api, code, email=email, password=password).status_code == 201
    assert api.post(LOGIN, json={"email": email, "password": password}).status_code == 200
    # One character different at the very end must fail: nothing is truncated.
    wrong = password[:-1] + "R"
    assert api.post(LOGIN, json={"email": email, "password": wrong}).status_code == 401


def test_login_wrong_password_and_unknown_user(api, customer):
    for email, password in [(customer.email, "wrong-password"), ("ghost@example.com", "whatever1")]:
        response = api.post(LOGIN, json={"email": email, "password": password})
        assert response.status_code == 401
        assert _error_code(response) == "invalid_credentials"


def test_login_issues_new_pair_each_time_and_short_access_token(api, customer):
    first = api.post(LOGIN, json={"email": customer.email, "password": CUSTOMER_PASSWORD}).json()
    second = api.post(LOGIN, json={"email": customer.email, "password": CUSTOMER_PASSWORD}).json()
    assert first["token_type"] == "bearer"
    assert first["access_token"] != second["access_token"]
    assert first["refresh_token"] != second["refresh_token"]
    claims = jwt.get_unverified_claims(first["access_token"])
    assert claims["exp"] - claims["iat"] <= 15 * 60


def test_expired_access_token_is_refused(api, customer):
    from shop_core.security import encode_token

    pair = api.post(LOGIN, json={"email": customer.email, "password": CUSTOMER_PASSWORD}).json()
    sid = jwt.get_unverified_claims(pair["access_token"])["sid"]
    stale = encode_token(
        {"sub": str(customer.id), "sid": sid, "typ": "access"},
        expires_at=utcnow() - timedelta(seconds=5),
    )
    response = api.get("/api/v1/me", headers={"Authorization": f"Bearer {stale}"})
    assert response.status_code == 401


def test_token_signed_with_other_algorithm_or_key_is_refused(api, customer):
    pair = api.post(LOGIN, json={"email": customer.email, "password": CUSTOMER_PASSWORD}).json()
    claims = jwt.get_unverified_claims(pair["access_token"])
    forged = jwt.encode(claims, "not-the-key", algorithm="HS256")
    unsigned = jwt.encode(claims, get_settings().jwt_secret, algorithm="HS512")
    for token in (forged, unsigned, pair["refresh_token"]):
        response = api.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401, token


def test_refresh_rotates_and_is_single_use(api, customer):
    pair = api.post(LOGIN, json={"email": customer.email, "password": CUSTOMER_PASSWORD}).json()
    rotated = api.post("/api/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]})
    assert rotated.status_code == 200
    new_pair = rotated.json()
    assert new_pair["refresh_token"] != pair["refresh_token"]
    headers = {"Authorization": f"Bearer {new_pair['access_token']}"}
    assert api.get("/api/v1/me", headers=headers).status_code == 200
    # Replaying the spent token is refused and ends the whole session.
    replay = api.post("/api/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]})
    assert replay.status_code == 401
    assert api.get("/api/v1/me", headers=headers).status_code == 401
    again = api.post("/api/v1/auth/refresh", json={"refresh_token": new_pair["refresh_token"]})
    assert again.status_code == 401


def test_refresh_garbage(api):
    response = api.post("/api/v1/auth/refresh", json={"refresh_token": "garbage"})
    assert response.status_code == 401
    assert _error_code(response) == "invalid_token"


def test_logout_revokes_access_and_refresh(api, customer):
    pair = api.post(LOGIN, json={"email": customer.email, "password": CUSTOMER_PASSWORD}).json()
    headers = {"Authorization": f"Bearer {pair['access_token']}"}
    assert api.post("/api/v1/auth/logout", headers=headers).status_code == 204
    assert api.get("/api/v1/me", headers=headers).status_code == 401
    response = api.post("/api/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]})
    assert response.status_code == 401


def test_login_rate_limited(api, customer):
    limit = int(get_settings().rate_limit_login.split("/")[0])
    statuses = [
        api.post(LOGIN, json={"email": customer.email, "password": "wrong-password"}).status_code
        for _ in range(limit + 1)
    ]
    assert statuses[:limit] == [401] * limit
    assert statuses[-1] == 429
    blocked = api.post(LOGIN, json={"email": customer.email, "password": CUSTOMER_PASSWORD})
    assert blocked.status_code == 429
    assert _error_code(blocked) == "rate_limited"
    assert blocked.headers["Retry-After"]


def _reset_link_token(email: str) -> str:
    run_pending_jobs()
    with read_session() as session:
        mail = session.exec(
            select(EmailMessage)
            .where(EmailMessage.template == "password_reset", EmailMessage.to_address == email)
            .order_by(EmailMessage.id.desc())
        ).first()
    assert mail is not None
    match = re.search(r"reset-password\?token=([\w-]+)", mail.body_text)
    assert match, mail.body_text
    return match.group(1)


def test_password_reset_flow(api, customer):
    old = bearer(api, customer.email, CUSTOMER_PASSWORD)
    response = api.post("/api/v1/auth/password-reset", json={"email": customer.email})
    assert response.status_code == 202
    token = _reset_link_token(customer.email)
    done = api.post(
        "/api/v1/auth/password-reset/confirm", json={"token": token, "password": "brand-new-pass"}
    )
    assert done.status_code == 200
    assert api.get("/api/v1/me", headers=old).status_code == 401  # old sessions ended
    assert (
        api.post(LOGIN, json={"email": customer.email, "password": CUSTOMER_PASSWORD}).status_code
        == 401
    )
    assert (
        api.post(LOGIN, json={"email": customer.email, "password": "brand-new-pass"}).status_code
        == 200
    )
    again = api.post(
        "/api/v1/auth/password-reset/confirm", json={"token": token, "password": "another-pass-1"}
    )
    assert again.status_code == 400
    assert _error_code(again) == "reset_token_invalid"


def test_password_reset_expired_token(api, customer):
    from shop_core.accounts.models import PasswordResetToken

    api.post("/api/v1/auth/password-reset", json={"email": customer.email})
    token = _reset_link_token(customer.email)
    with unit_of_work() as session:
        for row in session.exec(select(PasswordResetToken)).all():
            row.expires_at = utcnow() - timedelta(seconds=1)
            session.add(row)
    response = api.post(
        "/api/v1/auth/password-reset/confirm", json={"token": token, "password": "brand-new-pass"}
    )
    assert response.status_code == 400


def test_password_reset_unknown_email_is_indistinguishable(api):
    response = api.post("/api/v1/auth/password-reset", json={"email": "nobody@example.com"})
    assert response.status_code == 202
    run_pending_jobs()
    with read_session() as session:
        assert session.exec(select(EmailMessage)).first() is None


def test_password_reset_rate_limited(api, customer):
    limit = int(get_settings().rate_limit_password_reset.split("/")[0])
    codes = [
        api.post("/api/v1/auth/password-reset", json={"email": customer.email}).status_code
        for _ in range(limit + 1)
    ]
    assert codes[:limit] == [202] * limit and codes[-1] == 429


def test_password_reset_confirm_weak_password(api, customer):
    api.post("/api/v1/auth/password-reset", json={"email": customer.email})
    token = _reset_link_token(customer.email)
    response = api.post(
        "/api/v1/auth/password-reset/confirm", json={"token": token, "password": "x"}
    )
    assert response.status_code == 422
    # the token was not spent by the failed attempt
    ok = api.post(
        "/api/v1/auth/password-reset/confirm", json={"token": token, "password": "good-password-9"}
    )
    assert ok.status_code == 200


def test_me_requires_token(api):
    response = api.get("/api/v1/me")
    assert response.status_code == 401
    assert _error_code(response) == "not_authenticated"


def test_me_shows_role_and_permissions(api, owner):
    body = api.get("/api/v1/me", headers=bearer(api, owner.email, OWNER_PASSWORD)).json()
    assert body["role"] == "owner"
    assert "invitations.manage" in body["permissions"]
    assert set(body) >= {"id", "email", "name", "role", "permissions"}


def test_staff_login_is_audited(api, owner, customer):
    bearer(api, owner.email, OWNER_PASSWORD)
    bearer(api, customer.email, CUSTOMER_PASSWORD)
    from shop_core.audit.models import AuditEntry

    with read_session() as session:
        entries = session.exec(select(AuditEntry).where(AuditEntry.action == "admin.login")).all()
    assert [e.actor_email for e in entries] == [owner.email]


def test_inactive_user_cannot_sign_in(api):
    from shop_core.accounts.models import User

    user = make_user("gone@example.com", "gone-password-1")
    with unit_of_work() as session:
        row = session.get(User, user.id)
        row.is_active = False
        session.add(row)
    assert (
        api.post(LOGIN, json={"email": user.email, "password": "gone-password-1"}).status_code
        == 401
    )


def test_changing_password_signs_out_every_other_device(api, customer):
    from shop_core.accounts import service as accounts

    here = api.post(
        "/api/v1/auth/login", json={"email": customer.email, "password": CUSTOMER_PASSWORD}
    )
    phone = bearer(api, customer.email, CUSTOMER_PASSWORD)
    with unit_of_work() as session:
        this_browser = accounts.login_web(session, email=customer.email, password=CUSTOMER_PASSWORD)
        other_browser = accounts.login_web(
            session, email=customer.email, password=CUSTOMER_PASSWORD
        )
    with unit_of_work() as session:
        accounts.change_password(
            session,
            user_id=customer.id,
            current_password=CUSTOMER_PASSWORD,
            new_password="a-brand-new-password-9",
            keep_web_secret=this_browser.secret,
        )
    with read_session() as session:
        assert accounts.user_for_web_session(session, this_browser.secret) is not None
        assert accounts.user_for_web_session(session, other_browser.secret) is None
    assert api.get("/api/v1/me", headers=phone).status_code == 401
    refresh = api.post("/api/v1/auth/refresh", json={"refresh_token": here.json()["refresh_token"]})
    assert refresh.status_code == 401
