"""Benchmark the product CSV import against the configured database.

    python scripts/bench_csv_import.py [--rows 10000] [--profile] [--cleanup]

Generates a CSV of `--rows` variant rows (three variants per product, so about 3,300
products for 10,000 rows), imports it as new products, exports everything, imports the
export again (every product an update), and prints the time of each step. The target is
under 60 s for each import of 10,000 rows.

It writes into the database DATABASE_URL names (the project's SQLite file when unset) and
migrates it first. Products are created under a fresh random SKU/slug prefix; `--cleanup`
deletes them again afterwards. `--profile create|unchanged|update` prints where the
time of that import goes.
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import io
import os
import pstats
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlmodel import select  # noqa: E402

from shop_core.catalog import categories, csv_io, products  # noqa: E402
from shop_core.catalog.models import Category, Product  # noqa: E402
from shop_core.db import read_session, unit_of_work  # noqa: E402
from shop_core.jobs import runs  # noqa: E402
from shop_core.migrations import upgrade  # noqa: E402
from shop_core.settings import get_settings  # noqa: E402

SIZES = ("S", "M", "L")
COLOURS = ("Sand", "Ink", "Moss", "Rust")
CATEGORY_SLUGS = ("bench-apparel", "bench-home", "bench-outdoor")


def ensure_categories() -> None:
    with unit_of_work() as session:
        existing = set(session.exec(select(Category.slug)).all())
        for slug in CATEGORY_SLUGS:
            if slug not in existing:
                categories.create_category(
                    session, categories.CategoryIn(name=slug.replace("-", " ").title(), slug=slug)
                )


def generate(path: Path, rows: int, prefix: str) -> int:
    """Write `rows` variant rows; returns the number of products."""
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=csv_io.COLUMNS)
        writer.writeheader()
        written = product = 0
        while written < rows:
            product += 1
            colour = COLOURS[product % len(COLOURS)]
            for i, size in enumerate(SIZES[: min(len(SIZES), rows - written)]):
                row = {
                    "slug": f"{prefix}-product-{product}",
                    "title": f"Bench {colour} Product {product}",
                    "sku": f"{prefix.upper()}-{product}-{size}",
                    "option1_name": "Size",
                    "option1_value": size,
                    "option2_name": "Colour",
                    "option2_value": colour,
                    "price": 1500 + (product % 50) * 100 + i * 200,
                    "cost_price": 600 + (product % 50) * 40,
                    "compare_at_price": "" if product % 3 else 9900,
                    "barcode": f"{4000000000000 + product * 10 + i}",
                    "weight_grams": 200 + i * 20,
                    "stock": (product + i) % 25,
                }
                if i == 0:
                    row.update(
                        description=f"A sturdy {colour.lower()} thing, number {product}, "
                        "made to last and easy to care for.",
                        status="active" if product % 5 else "draft",
                        tags=f"bench, {colour.lower()}, batch-{product % 10}",
                        categories=CATEGORY_SLUGS[product % len(CATEGORY_SLUGS)],
                        seo_title=f"Bench product {product}",
                        image_urls=f"https://cdn.example/{prefix}/{product}.jpg",
                    )
                writer.writerow(row)
                written += 1
    return product


def timed_import(path: Path, *, profile: bool) -> tuple[float, float, dict]:
    with unit_of_work() as session:
        run_id = runs.start_run(
            session, kind=csv_io.IMPORT_KIND, params={"bench": True}, created_by_id=None
        )
    profiler = cProfile.Profile() if profile else None
    started, cpu_started = time.perf_counter(), time.process_time()
    if profiler:
        profiler.enable()
    csv_io.import_products(run_id, str(path), None)
    if profiler:
        profiler.disable()
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    with read_session() as session:
        run = runs.get_run(session, run_id)
    if profiler:
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out).sort_stats("cumulative")
        stats.print_stats(r"shop_core|sqlalchemy/orm/(session|unitofwork)|pydantic|csv", 45)
        print(out.getvalue())
    return elapsed, cpu, {"status": run.status, "message": run.message, **run.result}


def cleanup(prefix: str) -> float:
    started = time.perf_counter()
    with read_session() as session:
        ids = list(session.exec(select(Product.id).where(Product.slug.like(f"{prefix}-%"))).all())
    for start in range(0, len(ids), 200):
        with unit_of_work() as session:
            for pid in ids[start : start + 200]:
                products.delete_product(session, pid)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument(
        "--profile",
        choices=("create", "unchanged", "update"),
        help="print where the time of that import goes",
    )
    parser.add_argument("--cleanup", action="store_true", help="delete the products afterwards")
    args = parser.parse_args()

    settings = get_settings()
    print(
        f"load average: {', '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs"
    )
    url = settings.effective_database_url.split("@")[-1]  # never print a password
    print(f"database: {url}  redis: {'yes' if settings.redis_url else 'no'}")
    upgrade()
    ensure_categories()
    prefix = f"b{uuid.uuid4().hex[:8]}"
    folder = csv_io.imports_dir()
    folder.mkdir(parents=True, exist_ok=True)
    source = folder / f"bench-{prefix}.csv"

    started = time.perf_counter()
    product_count = generate(source, args.rows, prefix)
    print(
        f"generated {args.rows} rows / {product_count} products in "
        f"{time.perf_counter() - started:.1f} s ({source.stat().st_size / 1e6:.1f} MB)"
    )

    elapsed, cpu, result = timed_import(source, profile=args.profile == "create")
    print(
        f"import (create): {elapsed:.1f} s (CPU of this process {cpu:.1f} s)  "
        f"{result['status']}: {result['message']}"
    )
    if result["status"] != "done":
        for error in result.get("errors", [])[:10]:
            print("   ", error)
        sys.exit(1)

    exported = csv_io.exports_dir() / f"bench-{prefix}.csv"
    started = time.perf_counter()
    summary = csv_io.export_products(exported)
    print(
        f"export (whole catalog): {time.perf_counter() - started:.1f} s  "
        f"{summary.products} products, {summary.rows} rows"
    )

    # Re-import only this run's products (the catalog may hold others): first as exported
    # (every product unchanged, so skipped), then with every price raised (all updates).
    unchanged = folder / f"bench-{prefix}-unchanged.csv"
    repriced = folder / f"bench-{prefix}-repriced.csv"
    with exported.open(newline="", encoding="utf-8-sig") as src:
        reader = csv.DictReader(src)
        header = reader.fieldnames or []
        mine = [r for r in reader if r["slug"].startswith(f"{prefix}-")]
    for path, rows in (
        (unchanged, mine),
        (repriced, [r | {"price": str(int(r["price"]) + 100)} for r in mine]),
    ):
        with path.open("w", newline="", encoding="utf-8") as dst:
            writer = csv.DictWriter(dst, fieldnames=header)
            writer.writeheader()
            writer.writerows(rows)
    for label, path, name in (
        ("re-import unchanged", unchanged, "unchanged"),
        ("import (update)", repriced, "update"),
    ):
        elapsed, cpu, result = timed_import(path, profile=args.profile == name)
        print(
            f"{label}: {elapsed:.1f} s (CPU of this process {cpu:.1f} s)  "
            f"{result['status']}: {result['message']}"
        )

    if args.cleanup:
        print(f"cleanup: {cleanup(prefix):.1f} s")
    for path in (source, exported, unchanged, repriced):
        path.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
