"""PDF invoices (fpdf2, pure Python), written once per paid order by a job and served
to the customer and the admin."""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF
from sqlmodel import select

from shop_core.db import read_session
from shop_core.errors import NotFound
from shop_core.orders.models import Order
from shop_core.orders.service import PAID_STATES, order_view
from shop_core.orders.views import OrderOut
from shop_core.settings import get_settings


def _money(amount: int, currency: str) -> str:
    sign = "-" if amount < 0 else ""
    return f"{sign}{abs(amount) // 100:,}.{abs(amount) % 100:02d} {currency}"


def invoice_path(number: str) -> Path:
    return get_settings().data_dir / "invoices" / f"{number}.pdf"


def render_invoice(order: OrderOut) -> bytes:
    settings = get_settings()
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.add_page()
    pdf.set_fill_color(109, 40, 217)
    pdf.rect(0, 0, 210, 28, style="F")
    pdf.set_text_color(255, 255, 255)
    pdf.set_font("Helvetica", "B", 20)
    pdf.set_xy(14, 9)
    pdf.cell(0, 10, settings.shop_name)
    pdf.set_text_color(30, 30, 40)
    pdf.set_xy(14, 36)
    pdf.set_font("Helvetica", "B", 14)
    pdf.cell(0, 8, f"Invoice {order.number}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    date = (order.paid_at or order.created_at).strftime("%d %b %Y")
    pdf.cell(
        0,
        6,
        f"Date: {date}    Status: {order.status.replace('_', ' ')}",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    address = order.shipping_address
    lines = [
        address.get("name"),
        address.get("line1"),
        address.get("line2"),
        f"{address.get('postal_code', '')} {address.get('city', '')}",
        address.get("region"),
        address.get("country"),
        order.email,
    ]
    pdf.ln(3)
    pdf.set_font("Helvetica", "B", 10)
    pdf.cell(0, 6, "Bill to", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    for line in filter(None, lines):
        pdf.cell(0, 5, str(line), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(5)
    with pdf.table(
        col_widths=(80, 30, 20, 30, 30), text_align=("LEFT", "LEFT", "RIGHT", "RIGHT", "RIGHT")
    ) as table:
        table.row(["Item", "SKU", "Qty", "Unit price", "Total"])
        for item in order.items:
            title = f"{item.title} {item.variant_title}".strip()
            table.row(
                [
                    title,
                    item.sku,
                    str(item.quantity),
                    _money(item.unit_price, order.currency),
                    _money(item.line_total, order.currency),
                ]
            )
    pdf.ln(4)
    totals = order.totals
    for label, amount in [
        ("Subtotal", totals.subtotal),
        ("Discounts", -totals.discount_total),
        ("Shipping", totals.shipping_total),
        ("Tax", totals.tax_total),
        ("Total", totals.total),
        ("Refunded", -totals.amount_refunded),
    ]:
        if amount or label in ("Subtotal", "Total"):
            pdf.set_font(
                "Helvetica", "B" if label == "Total" else "", 11 if label == "Total" else 10
            )
            pdf.cell(150, 6, label, align="R")
            pdf.cell(
                40, 6, _money(amount, order.currency), align="R", new_x="LMARGIN", new_y="NEXT"
            )
    pdf.ln(8)
    pdf.set_font("Helvetica", "", 9)
    pdf.set_text_color(110, 110, 120)
    pdf.multi_cell(
        0,
        5,
        f"Thank you for shopping with {settings.shop_name}. Questions? Open a ticket at "
        f"{settings.public_url}/support",
    )
    return bytes(pdf.output())


def generate_invoice_job(number: str) -> str:
    """Write the invoice file for a paid order (idempotent: re-writes the same content)."""
    with read_session() as session:
        order = session.exec(select(Order).where(Order.number == number)).first()
        if (
            order is None
            or order.status not in PAID_STATES | {"cancelled"}
            or order.paid_at is None
        ):
            raise NotFound("No invoice for this order yet.", code="invoice_not_ready")
        view = order_view(session, order, internal=False)
    path = invoice_path(number)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(render_invoice(view))
    tmp.replace(path)
    return str(path)


def invoice_file(number: str) -> Path:
    """The invoice PDF, rendering it now if the job has not run yet."""
    path = invoice_path(number)
    if not path.exists():
        generate_invoice_job(number)
    return path
