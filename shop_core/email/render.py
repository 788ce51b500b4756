"""Render an email from its three templates in `templates/`.

Adding an email means adding `<name>.subject.txt`, `<name>.txt` (extends layout.txt)
and `<name>.html` (extends layout.html); nothing needs registering.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from shop_core.settings import get_settings

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"


@lru_cache(maxsize=1)
def _environment() -> Environment:
    # StrictUndefined: a missing context value fails when queueing, not in a customer's inbox.
    return Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render_email(template: str, context: dict[str, Any]) -> tuple[str, str, str]:
    """Return (subject, text body, HTML body) for `template` with `context`."""
    settings = get_settings()
    values = {**context, "shop_name": settings.shop_name, "public_url": settings.public_url}
    env = _environment()
    subject = env.get_template(f"{template}.subject.txt").render(values)
    text = env.get_template(f"{template}.txt").render(values)
    html = env.get_template(f"{template}.html").render(values)
    # A header is one line: collapse whitespace (and any newline a value brought in).
    return " ".join(subject.split()), text, html
