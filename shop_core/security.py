"""Password hashing (argon2 via passlib) and signed tokens (JWT via python-jose)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

from jose import JWTError, jwt
from passlib.context import CryptContext

from shop_core.db import utcnow
from shop_core.errors import InvalidInput, NotAuthenticated
from shop_core.settings import get_settings

JWT_ALGORITHM = "HS256"
PASSWORD_MIN = 8
PASSWORD_MAX = 256

# argon2 hashes the whole password (no 72-byte truncation as with bcrypt).
_pwd = CryptContext(schemes=["argon2"], deprecated="auto")


def validate_password(password: str) -> None:
    if len(password) < PASSWORD_MIN:
        raise InvalidInput(
            "Password is too weak.",
            code="weak_password",
            fields={"password": f"Use at least {PASSWORD_MIN} characters."},
        )
    if len(password) > PASSWORD_MAX:
        raise InvalidInput(
            "Password is too long.",
            code="weak_password",
            fields={"password": f"Use at most {PASSWORD_MAX} characters."},
        )
    if password.strip() == "" or len(set(password)) < 4:
        raise InvalidInput(
            "Password is too weak.",
            code="weak_password",
            fields={"password": "Use a mix of at least 4 different characters."},
        )


def hash_password(password: str) -> str:
    return _pwd.hash(password)


def verify_password(password: str, password_hash: str) -> bool:
    try:
        return _pwd.verify(password, password_hash)
    except (ValueError, TypeError):
        return False


# A hash to verify against when the account does not exist, so timing does not tell.
_DUMMY_HASH = _pwd.hash(secrets.token_urlsafe(16))


def burn_password_check(password: str) -> None:
    verify_password(password, _DUMMY_HASH)


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    """Tokens are stored only as SHA-256 digests; a database leak reveals none."""
    return hashlib.sha256(secret.encode()).hexdigest()


def encode_token(claims: dict[str, Any], *, expires_at: datetime) -> str:
    payload = dict(claims, exp=int(expires_at.timestamp()), iat=int(utcnow().timestamp()))
    return jwt.encode(payload, get_settings().jwt_secret, algorithm=JWT_ALGORITHM)


def decode_token(token: str, *, expected_type: str) -> dict[str, Any]:
    try:
        claims = jwt.decode(token, get_settings().jwt_secret, algorithms=[JWT_ALGORITHM])
    except JWTError as exc:
        raise NotAuthenticated("Token is invalid or expired.", code="invalid_token") from exc
    if claims.get("typ") != expected_type:
        raise NotAuthenticated("Wrong kind of token.", code="invalid_token")
    return claims


def access_token_expiry() -> datetime:
    return utcnow() + timedelta(minutes=get_settings().access_token_minutes)
