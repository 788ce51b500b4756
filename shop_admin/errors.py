"""Service errors as form errors: one message per field key ("variants.0.price").

Services raise pydantic `ValidationError` (schemas) or `DomainError` with `.fields`;
admin forms show each message next to the input whose key matches, and a summary
for anything without an input of its own.
"""

from __future__ import annotations

from pydantic import ValidationError

from shop_core.errors import DomainError

# Kinder words than pydantic's for the errors people actually make in a form.
_FRIENDLY = {
    "missing": "Required.",
    "string_too_short": "Required.",
    "too_short": "Add at least one.",
    "literal_error": "Pick one of the choices.",
    "int_parsing": "Enter a whole number.",
    "int_type": "Enter a whole number.",
}
_PATTERNS = {
    "slug": "Lowercase letters, digits and single hyphens, like summer-tee.",
    "sku": "Letters, digits and . _ - / only (up to 64 characters).",
    "currency": "A three-letter code such as EUR.",
}


def field_key(loc: tuple) -> str:
    return ".".join(str(part) for part in loc)


def _message(error: dict) -> str:
    kind = error.get("type", "")
    loc = error.get("loc", ())
    if kind == "string_pattern_mismatch" and loc:
        return _PATTERNS.get(str(loc[-1]), "Not in the expected format.")
    if kind in _FRIENDLY:
        return _FRIENDLY[kind]
    message = str(error.get("msg", "Not valid."))
    message = message.removeprefix("Value error, ")
    return message[:1].upper() + message[1:] + ("" if message.endswith(".") else ".")


def validation_fields(
    exc: ValidationError, *, prefix: str = "", root: str = "form"
) -> dict[str, str]:
    """{"variants.0.price": "Input should be ...", ...}; model-level errors go to `root`."""
    fields: dict[str, str] = {}
    for error in exc.errors():
        loc = tuple(error.get("loc", ()))
        key = prefix + field_key(loc) if loc else root
        fields.setdefault(key, _message(error))
    return fields


def explain(exc: Exception, *, prefix: str = "", root: str = "form") -> tuple[str, dict[str, str]]:
    """A toast message and the field errors for a ValidationError or DomainError."""
    if isinstance(exc, ValidationError):
        fields = validation_fields(exc, prefix=prefix, root=root)
        count = len(fields)
        noun = "field needs" if count == 1 else "fields need"
        return f"{count} {noun} attention.", fields
    if isinstance(exc, DomainError):
        return exc.message, {prefix + k: v for k, v in exc.fields.items()}
    raise TypeError(f"not a validation error: {exc!r}")
