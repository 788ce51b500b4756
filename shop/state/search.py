"""The header search box: suggestions while typing (debounced in the browser), Enter
opens the full results on /search?q=."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

import reflex as rx

from shop.state.services import read
from shop.state.session import client_ip
from shop_core import ratelimit
from shop_core.catalog import search
from shop_core.errors import RateLimited

MAX_QUERY = 100
MIN_SUGGEST = 2


@dataclass
class Suggestion:
    title: str = ""
    href: str = ""


def search_url(query: str) -> str:
    return "/search?" + urlencode({"q": query.strip()[:MAX_QUERY]})


class SearchState(rx.State):
    query: str = ""
    suggestions: list[Suggestion] = []
    searched: str = ""  # the text the suggestions belong to

    @rx.event
    async def type_query(self, value: str):
        self.query = value[:MAX_QUERY]
        text = self.query.strip()
        if len(text) < MIN_SUGGEST:
            self.suggestions, self.searched = [], ""
            return
        try:
            ratelimit.search(client_ip(self))
        except RateLimited:
            self.suggestions, self.searched = [], ""  # Enter still searches (and says why)
            return
        rows = await read(lambda s: search.suggest(s, text, limit=6))
        if self.query.strip() != text:  # the shopper typed on meanwhile
            return
        self.suggestions = [Suggestion(title=t, href=f"/product/{slug}") for t, slug in rows]
        self.searched = text

    @rx.event
    def submit(self, form_data: dict):
        text = str(form_data.get("q", self.query)).strip()[:MAX_QUERY]
        self.suggestions = []
        if not text:
            return
        self.query = text
        return rx.redirect(search_url(text))

    @rx.event
    def clear(self):
        self.query, self.suggestions, self.searched = "", [], ""
