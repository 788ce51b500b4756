"""Catalog numbers, measured in-process through the REST API against the configured
database (seed it first: `shopctl seed --demo --products 50000`).

    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1/bench python scripts/bench/catalog.py
"""

from __future__ import annotations

import random
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from fastapi.testclient import TestClient  # noqa: E402
from sqlmodel import func, select  # noqa: E402

from shop_core.api.app import create_api  # noqa: E402
from shop_core.benchmarks import report, timed  # noqa: E402
from shop_core.catalog.models import Category, Product, Variant  # noqa: E402
from shop_core.db import read_session  # noqa: E402

REPEAT = 200


def typo(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word) - 1)
    return word[:i] + word[i + 1 :] if rng.random() < 0.5 else word[:i] + word[i] + word[i:]


def main() -> None:
    # One event loop for the whole run (as in a server), not a new portal per request.
    with TestClient(create_api()) as client:
        run(client)


def run(client: TestClient) -> None:
    rng = random.Random(11)
    with read_session() as session:
        n_products = session.exec(select(func.count()).select_from(Product)).one()
        n_variants = session.exec(select(func.count()).select_from(Variant)).one()
        categories = session.exec(select(Category.slug)).all()
        sample = session.exec(
            select(Product.slug, Product.title).where(Product.status == "active").limit(2000)
        ).all()
    print(f"catalog: {n_products} products, {n_variants} variants, {len(categories)} categories")
    client.get("/api/v1/products")  # warm the process, not the query results

    listing = timed(
        lambda: client.get(
            "/api/v1/products", params={"category": rng.choice(categories), "sort": "price"}
        ),
        REPEAT,
    )
    print(report("GET /products?category=…&sort=price", listing))

    # A customer looking for one product types the two words of its title that single it
    # out best (the pair held by the fewest titles), one of them misspelt. The demo titles
    # combine a small vocabulary, so two arbitrary words ("Classic Cotton") match hundreds
    # of products equally well and no ranking could single one out.
    with read_session() as session:
        titles = session.exec(select(Product.title).where(Product.status == "active")).all()
    holders: dict[str, set[int]] = {}
    for i, t in enumerate(titles):
        for w in set(t.lower().split()):
            holders.setdefault(w, set()).add(i)
    hits = same_title = identifiable = identifiable_hits = 0
    queries, ambiguity = [], []
    for slug, title in rng.sample(sample, min(REPEAT, len(sample))):
        candidates = [w for w in dict.fromkeys(title.split()) if len(w) >= 4 and w.isalpha()]
        if len(candidates) < 2:
            continue
        pairs = [(a, b) for i, a in enumerate(candidates) for b in candidates[i + 1 :]]
        best = min(pairs, key=lambda p: len(holders[p[0].lower()] & holders[p[1].lower()]))
        ambiguity.append(len(holders[best[0].lower()] & holders[best[1].lower()]))
        words = [typo(best[0], rng), best[1]]
        queries.append((" ".join(words), slug, title, ambiguity[-1] <= 5))

    def search_once(state={"i": 0}):  # noqa: B006 (a counter across calls)
        nonlocal hits, same_title, identifiable, identifiable_hits
        q, slug, title, unambiguous = queries[state["i"] % len(queries)]
        state["i"] += 1
        items = client.get("/api/v1/products", params={"q": q}).json()["items"][:5]
        hit = slug in [p["slug"] for p in items]
        hits += hit
        # Only when at most five titles hold both words can a top 5 be expected to show it.
        identifiable += unambiguous
        identifiable_hits += hit and unambiguous
        same_title += title in [p["title"] for p in items]  # identical titles can't be told apart

    searches = timed(search_once, len(queries))
    print(
        report("GET /products?q=<two words, one typo>", searches)
        + f"; intended product in top 5: {hits}/{len(queries)}"
        + f" (a product with its title: {same_title}/{len(queries)}; titles holding both"
        + f" words: median {statistics.median(ambiguity):.0f}); where at most 5 titles hold"
        + f" both words: {identifiable_hits}/{identifiable}"
    )

    details = timed(lambda: client.get(f"/api/v1/products/{rng.choice(sample)[0]}"), REPEAT)
    print(report("GET /products/{slug}", details))


if __name__ == "__main__":
    main()
