"""Password hashing and token rules."""

from __future__ import annotations

from datetime import timedelta

import pytest
from jose import jwt

from shop_core.db import utcnow
from shop_core.errors import InvalidInput, NotAuthenticated
from shop_core.security import (
    decode_token,
    encode_token,
    hash_password,
    validate_password,
    verify_password,
)
from shop_core.settings import get_settings


def test_argon2_through_passlib_round_trip():
    hashed = hash_password("correct horse battery")
    assert hashed.startswith("$argon2")
    assert verify_password("correct horse battery", hashed)
    assert not verify_password("correct horse batterz", hashed)


def test_long_passwords_are_not_truncated():
    base = "p" * 100 + "-tail"
    hashed = hash_password(base + "A")
    assert verify_password(base + "A", hashed)
    assert not verify_password(base + "B", hashed)


def test_verify_with_garbage_hash_is_false_not_error():
    assert verify_password("whatever", "not-a-hash") is False


@pytest.mark.parametrize("password", ["", "1234567", "aaaaaaaaaaa", "x" * 257])
def test_password_rules_reject(password):
    with pytest.raises(InvalidInput) as err:
        validate_password(password)
    assert err.value.code == "weak_password"


@pytest.mark.parametrize("length", [8, 64, 128, 256])
def test_password_rules_accept(length):
    validate_password(("abc1" * 80)[:length])


def test_token_type_and_algorithm_are_enforced():
    token = encode_token({"sub": "1", "typ": "refresh"}, expires_at=utcnow() + timedelta(minutes=1))
    assert decode_token(token, expected_type="refresh")["sub"] == "1"
    with pytest.raises(NotAuthenticated):
        decode_token(token, expected_type="access")
    claims = jwt.get_unverified_claims(token)
    for alg in ("HS384", "HS512"):
        other = jwt.encode(claims, get_settings().jwt_secret, algorithm=alg)
        with pytest.raises(NotAuthenticated):
            decode_token(other, expected_type="refresh")


def test_expired_token_refused():
    token = encode_token({"sub": "1", "typ": "access"}, expires_at=utcnow() - timedelta(seconds=1))
    with pytest.raises(NotAuthenticated):
        decode_token(token, expected_type="access")
