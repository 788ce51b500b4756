"""Address validation per country (ISO 3166 codes via pycountry, postal code formats) and
the customer's saved address book."""

from __future__ import annotations

import re

import pycountry
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from sqlmodel import Session, select

from shop_core.errors import NotFound
from shop_core.orders.models import Address

# Formats for the countries we ship to most; other countries get a generic sanity check.
POSTAL_FORMATS: dict[str, tuple[str, str]] = {
    "US": (r"^\d{5}(-\d{4})?$", "5 digits, e.g. 94107"),
    "CA": (r"^[A-Z]\d[A-Z] ?\d[A-Z]\d$", "like K1A 0B1"),
    "GB": (r"^[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}$", "like SW1A 1AA"),
    "DE": (r"^\d{5}$", "5 digits"),
    "FR": (r"^\d{5}$", "5 digits"),
    "IT": (r"^\d{5}$", "5 digits"),
    "ES": (r"^\d{5}$", "5 digits"),
    "NL": (r"^\d{4} ?[A-Z]{2}$", "like 1012 AB"),
    "BE": (r"^\d{4}$", "4 digits"),
    "AT": (r"^\d{4}$", "4 digits"),
    "CH": (r"^\d{4}$", "4 digits"),
    "SE": (r"^\d{3} ?\d{2}$", "like 113 51"),
    "DK": (r"^\d{4}$", "4 digits"),
    "NO": (r"^\d{4}$", "4 digits"),
    "FI": (r"^\d{5}$", "5 digits"),
    "PL": (r"^\d{2}-\d{3}$", "like 00-950"),
    "PT": (r"^\d{4}-\d{3}$", "like 1000-001"),
    "IE": (r"^[A-Z\d]{3} ?[A-Z\d]{4}$", "like D02 X285"),
    "AU": (r"^\d{4}$", "4 digits"),
    "JP": (r"^\d{3}-?\d{4}$", "like 100-0001"),
}
REGION_REQUIRED = {"US", "CA", "AU"}


class AddressIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=120)
    line1: str = Field(min_length=1, max_length=200)
    line2: str | None = Field(default=None, max_length=200)
    city: str = Field(min_length=1, max_length=120)
    region: str | None = Field(default=None, max_length=120)
    postal_code: str = Field(min_length=1, max_length=20)
    country: str = Field(min_length=2, max_length=2)

    @field_validator("country")
    @classmethod
    def _iso_country(cls, value: str) -> str:
        code = value.upper()
        if pycountry.countries.get(alpha_2=code) is None:
            raise ValueError("use a two-letter country code such as DE, FR or US")
        return code

    @model_validator(mode="after")
    def _postal_code_fits_country(self) -> AddressIn:
        postal = self.postal_code.upper()
        pattern, hint = POSTAL_FORMATS.get(
            self.country, (r"^[A-Z0-9][A-Z0-9 \-]{1,9}$", "letters and digits")
        )
        if not re.fullmatch(pattern, postal):
            raise ValueError(f"postal_code: not a valid postal code for {self.country} ({hint})")
        self.postal_code = postal
        if self.country in REGION_REQUIRED and not self.region:
            raise ValueError(f"region: a state/province is required for {self.country}")
        return self


class AddressOut(AddressIn):
    id: int
    is_default: bool


def list_addresses(session: Session, user_id: int) -> list[AddressOut]:
    rows = session.exec(
        select(Address)
        .where(Address.user_id == user_id)
        .order_by(Address.is_default.desc(), Address.id)
    ).all()
    return [AddressOut.model_validate(r, from_attributes=True) for r in rows]


def save_address(
    session: Session, user_id: int, data: AddressIn, *, make_default: bool = False
) -> AddressOut:
    """Add an address unless the same one is already saved."""
    fields = data.model_dump()
    for existing in session.exec(select(Address).where(Address.user_id == user_id)).all():
        if all(getattr(existing, k) == v for k, v in fields.items()):
            row = existing
            break
    else:
        row = Address(user_id=user_id, **fields)
    has_default = session.exec(
        select(Address.id).where(Address.user_id == user_id, Address.is_default)
    ).first()
    if make_default or has_default is None:
        for other in session.exec(
            select(Address).where(Address.user_id == user_id, Address.is_default)
        ).all():
            other.is_default = False
            session.add(other)
        row.is_default = True
    session.add(row)
    session.flush()
    return AddressOut.model_validate(row, from_attributes=True)


def delete_address(session: Session, user_id: int, address_id: int) -> None:
    row = session.get(Address, address_id)
    if row is None or row.user_id != user_id:
        raise NotFound("No such address.", code="address_not_found")
    session.delete(row)
