"""`shopctl`: migrate, create an owner, print invitation codes, seed demo data, run workers."""

from __future__ import annotations

import sys

import click

from shop_core.errors import DomainError


@click.group()
def main() -> None:
    """Command line for running the shop."""


@main.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True)
def db_upgrade(revision: str) -> None:
    """Apply Alembic migrations to DATABASE_URL (SQLite file by default)."""
    from shop_core.migrations import upgrade

    upgrade(revision)
    click.echo(f"database at {revision}")


def _fail(exc: DomainError) -> None:
    detail = "; ".join(f"{k}: {v}" for k, v in exc.fields.items())
    click.echo(f"error: {exc.message}" + (f" ({detail})" if detail else ""), err=True)
    sys.exit(2)


@main.command("create-admin")
@click.option("--email", required=True)
@click.option("--password", required=True)
@click.option("--name", default="Shop Owner", show_default=True)
def create_admin(email: str, password: str, name: str) -> None:
    """Create an owner account, or reset an existing account to owner with this password."""
    from shop_core.accounts.service import create_or_reset_owner
    from shop_core.db import unit_of_work

    try:
        with unit_of_work() as session:
            user = create_or_reset_owner(session, email=email, password=password, name=name)
    except DomainError as exc:
        _fail(exc)
    click.echo(f"owner {user.email} (id {user.id}) ready")


@main.command()
@click.option("--count", default=1, show_default=True, type=click.IntRange(1, 500))
@click.option("--max-uses", default=1, show_default=True, type=click.IntRange(1, 100_000))
def invite(count: int, max_uses: int) -> None:
    """Print COUNT fresh invitation codes, one per line."""
    from shop_core.audit.service import Actor
    from shop_core.db import unit_of_work
    from shop_core.invitations.service import create_invitations

    with unit_of_work() as session:
        items = create_invitations(
            session, actor=Actor(id=None, email="shopctl"), count=count, max_uses=max_uses
        )
    for item in items:
        click.echo(item.code)


@main.command()
@click.option("--demo", is_flag=True, required=True, help="Load the demo data set.")
@click.option("--products", default=200, show_default=True, type=click.IntRange(0, 500_000))
@click.option(
    "--orders",
    default=3000,
    show_default=True,
    type=click.IntRange(0, 2_000_000),
    help="Orders of demo history over the last 12 months (with refunds and tickets).",
)
def seed(demo: bool, products: int, orders: int) -> None:
    """Load demo staff, customers, invitation codes, a catalog of N products and months of
    order history (idempotent)."""
    from shop_core.demo import seed_demo

    for line in seed_demo(products=products, orders=orders):
        click.echo(line)


@main.command()
@click.option("--burst", is_flag=True, help="Stop when the queues are empty.")
def worker(burst: bool) -> None:
    """Run an RQ worker on every queue (needs REDIS_URL)."""
    from shop_core.jobs.worker import run_worker

    run_worker(burst=burst)


@main.command()
def scheduler() -> None:
    """Run periodic jobs (expire unpaid orders, daily low-stock digest)."""
    from shop_core.jobs.schedule import run_scheduler

    run_scheduler()


@main.command()
def reconcile() -> None:
    """Recompute stock from the ledger and report any drift (exit 1 when there is some)."""
    from shop_core.db import read_session
    from shop_core.inventory.service import reconcile as find_drift

    with read_session() as session:
        drift = find_drift(session)
    for row in drift:
        click.echo(
            f"{row.sku}: on_hand {row.on_hand} vs ledger {row.ledger_on_hand}, "
            f"reserved {row.reserved} vs ledger {row.ledger_reserved}"
        )
    click.echo(f"{len(drift)} variant(s) drifted from the ledger")
    sys.exit(1 if drift else 0)


if __name__ == "__main__":
    main()
