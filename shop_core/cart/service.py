"""Cart use cases. A guest's cart id is its only credential (unguessable, 256 bits);
a customer's cart belongs to their account and follows them across devices."""

from __future__ import annotations

import secrets

from pydantic import BaseModel
from sqlalchemy import Integer, bindparam, delete, or_, update
from sqlmodel import Session, select

from shop_core.cart.models import Cart, CartItem
from shop_core.catalog.models import Product, Variant
from shop_core.catalog.queries import first_images
from shop_core.db import UTCDateTime, utcnow
from shop_core.errors import Conflict, DomainError, InvalidInput, NotFound
from shop_core.inventory import service as inventory
from shop_core.settings import get_settings

MAX_LINE_QUANTITY = 99
MAX_LINES = 100


class CartLine(BaseModel):
    id: int
    variant_id: int
    sku: str
    title: str
    variant_title: str
    product_slug: str
    image: str | None
    quantity: int
    unit_price: int
    line_total: int
    available: int


class CartView(BaseModel):
    id: str
    items: list[CartLine]
    item_count: int
    subtotal: int
    discount_total: int
    total: int
    currency: str
    promotion_code: str | None = None


def variant_title(option_values: dict) -> str:
    return " / ".join(str(v) for v in option_values.values())


def _not_found() -> NotFound:
    return NotFound("No such cart.", code="cart_not_found")


def load_cart(session: Session, cart_id: str, *, user_id: int | None, lock: bool = False) -> Cart:
    """The cart if the caller may use it: a guest cart by its id, an account cart by owner."""
    stmt = select(Cart).where(Cart.id == cart_id)
    if lock:
        stmt = stmt.with_for_update()
    cart = session.exec(stmt).first() if cart_id and len(cart_id) <= 64 else None
    if cart is None or cart.checked_out_at is not None:
        raise _not_found()
    if cart.user_id is not None and cart.user_id != user_id:
        raise _not_found()
    return cart


class ClaimedCart(BaseModel):
    id: str
    user_id: int | None
    currency: str
    promotion_code: str | None


def _claim_statement():
    c = Cart.__table__.c
    return (
        update(Cart.__table__)
        .where(
            c.id == bindparam("b_cart_id"),
            c.checked_out_at.is_(None),
            # `user_id = NULL` is never true: a guest (None) matches guest carts only.
            or_(c.user_id.is_(None), c.user_id == bindparam("b_user_id", type_=Integer)),
        )
        .values(checked_out_at=bindparam("now", type_=UTCDateTime()))
        .returning(c.id, c.user_id, c.currency, c.promotion_code)
    )


_CLAIM_CART = _claim_statement()  # built once: checkout is the hot path


def claim_for_checkout(session: Session, cart_id: str, *, user_id: int | None) -> ClaimedCart:
    """Mark the cart checked out and lock it, in one guarded `UPDATE … RETURNING`.

    The same rule as `load_cart`: a guest cart by its id, an account cart by its owner;
    a cart already checked out is gone. A concurrent checkout of the same cart waits on
    the row lock and then finds it checked out. The caller's rollback undoes the claim.
    """
    if not cart_id or len(cart_id) > 64:
        raise _not_found()
    params = {"b_cart_id": cart_id, "b_user_id": user_id, "now": utcnow()}
    row = session.connection().execute(_CLAIM_CART, params).first()
    if row is None:
        raise _not_found()
    return ClaimedCart(id=row[0], user_id=row[1], currency=row[2], promotion_code=row[3])


def create_cart(session: Session, *, user_id: int | None) -> CartView:
    if user_id is not None:
        existing = open_cart_of(session, user_id)
        if existing is not None:
            return view(session, existing)
    cart = Cart(id=secrets.token_urlsafe(32), user_id=user_id, currency=get_settings().currency)
    session.add(cart)
    session.flush()
    return view(session, cart)


def open_cart_of(session: Session, user_id: int) -> Cart | None:
    return session.exec(
        select(Cart)
        .where(Cart.user_id == user_id, Cart.checked_out_at.is_(None))
        .order_by(Cart.updated_at.desc())
    ).first()


def _sellable_variant(session: Session, sku: str) -> tuple[Variant, Product]:
    row = session.exec(
        select(Variant, Product)
        .join(Product, Product.id == Variant.product_id)
        .where(Variant.sku == sku.strip())
    ).first()
    if row is None or row[1].status != "active":
        raise NotFound("No product with that SKU.", code="sku_not_found", fields={"sku": sku[:64]})
    return row


def _check_quantity(quantity: int) -> None:
    if not 0 <= quantity <= MAX_LINE_QUANTITY:
        raise InvalidInput(
            f"Quantity must be between 0 and {MAX_LINE_QUANTITY}.",
            fields={"quantity": f"Between 1 and {MAX_LINE_QUANTITY}."},
        )


def _insufficient(available: int) -> Conflict:
    return Conflict(
        f"Only {max(available, 0)} left in stock.",
        code="insufficient_stock",
        fields={"quantity": f"Only {max(available, 0)} available."},
    )


def add_item(
    session: Session, cart_id: str, *, sku: str, quantity: int, user_id: int | None
) -> CartView:
    _check_quantity(quantity)
    if quantity == 0:
        raise InvalidInput("Quantity must be at least 1.", fields={"quantity": "At least 1."})
    cart = load_cart(session, cart_id, user_id=user_id, lock=True)
    variant, _ = _sellable_variant(session, sku)
    line = session.exec(
        select(CartItem).where(CartItem.cart_id == cart.id, CartItem.variant_id == variant.id)
    ).first()
    wanted = quantity + (line.quantity if line else 0)
    _check_quantity(wanted)
    available = inventory.levels_for(session, [variant.id]).get(variant.id, 0)
    if wanted > available:
        raise _insufficient(available)
    if line is None:
        count = len(session.exec(select(CartItem.id).where(CartItem.cart_id == cart.id)).all())
        if count >= MAX_LINES:
            raise InvalidInput("Your cart is full.", fields={"sku": f"At most {MAX_LINES} lines."})
        line = CartItem(
            cart_id=cart.id, variant_id=variant.id, quantity=0, unit_price=variant.price
        )
    line.quantity, line.unit_price = wanted, variant.price
    session.add(line)
    _touch(session, cart)
    return view(session, cart)


def _line(session: Session, cart: Cart, item_id: int) -> CartItem:
    line = session.get(CartItem, item_id)
    if line is None or line.cart_id != cart.id:
        raise NotFound("No such cart line.", code="cart_item_not_found")
    return line


def update_item(
    session: Session, cart_id: str, item_id: int, *, quantity: int, user_id: int | None
) -> CartView:
    _check_quantity(quantity)
    cart = load_cart(session, cart_id, user_id=user_id, lock=True)
    line = _line(session, cart, item_id)
    if quantity == 0:
        session.delete(line)
    else:
        available = inventory.levels_for(session, [line.variant_id]).get(line.variant_id, 0)
        if quantity > available:
            raise _insufficient(available)
        line.quantity = quantity
        session.add(line)
    _touch(session, cart)
    return view(session, cart)


def remove_item(session: Session, cart_id: str, item_id: int, *, user_id: int | None) -> CartView:
    return update_item(session, cart_id, item_id, quantity=0, user_id=user_id)


def merge_guest_cart(session: Session, *, guest_cart_id: str, user_id: int) -> CartView | None:
    """Fold a guest cart into the customer's cart at sign-in; quantities capped by stock."""
    guest = session.exec(select(Cart).where(Cart.id == guest_cart_id).with_for_update()).first()
    if guest is None or guest.checked_out_at is not None or guest.user_id not in (None, user_id):
        return None
    target = open_cart_of(session, user_id)
    if target is None or target.id == guest.id:
        guest.user_id = user_id
        _touch(session, guest)
        return view(session, guest)
    mine = {
        i.variant_id: i for i in session.exec(select(CartItem).where(CartItem.cart_id == target.id))
    }
    theirs = list(session.exec(select(CartItem).where(CartItem.cart_id == guest.id)))
    available = inventory.levels_for(session, [i.variant_id for i in theirs])
    for item in theirs:
        line = mine.get(item.variant_id)
        total = item.quantity + (line.quantity if line else 0)
        capped = min(total, max(available.get(item.variant_id, 0), 0), MAX_LINE_QUANTITY)
        if line is None and capped > 0:
            session.add(
                CartItem(
                    cart_id=target.id,
                    variant_id=item.variant_id,
                    quantity=capped,
                    unit_price=item.unit_price,
                )
            )
        elif line is not None:
            line.quantity = capped or line.quantity
            session.add(line)
    session.execute(delete(CartItem).where(CartItem.cart_id == guest.id))
    session.delete(guest)
    _touch(session, target)
    return view(session, target)


def _touch(session: Session, cart: Cart) -> None:
    cart.updated_at = utcnow()
    session.add(cart)
    session.flush()


def discount_for(session: Session, cart: Cart | ClaimedCart, subtotal: int) -> int:
    """The promotions hook: discounts arrive with the promotions feature; none until then."""
    return 0


def view(session: Session, cart: Cart) -> CartView:
    """Lines with current prices (the snapshot is refreshed here) and live availability."""
    rows = session.exec(
        select(CartItem, Variant, Product)
        .join(Variant, Variant.id == CartItem.variant_id)
        .join(Product, Product.id == Variant.product_id)
        .where(CartItem.cart_id == cart.id)
        .order_by(CartItem.id)
    ).all()
    images = first_images(session, list({p.id for _, _, p in rows}))
    available = inventory.levels_for(session, [v.id for _, v, _ in rows])
    lines = []
    for item, variant, product in rows:
        if item.unit_price != variant.price:
            item.unit_price = variant.price
            session.add(item)
        lines.append(
            CartLine(
                id=item.id,
                variant_id=variant.id,
                sku=variant.sku,
                title=product.title,
                variant_title=variant_title(variant.option_values),
                product_slug=product.slug,
                image=images.get(product.id),
                quantity=item.quantity,
                unit_price=variant.price,
                line_total=variant.price * item.quantity,
                available=max(available.get(variant.id, 0), 0),
            )
        )
    subtotal = sum(line.line_total for line in lines)
    discount = discount_for(session, cart, subtotal)
    return CartView(
        id=cart.id,
        items=lines,
        item_count=sum(line.quantity for line in lines),
        subtotal=subtotal,
        discount_total=discount,
        total=subtotal - discount,
        currency=cart.currency,
        promotion_code=cart.promotion_code,
    )


def apply_promotion(session: Session, cart_id: str, *, code: str, user_id: int | None) -> CartView:
    load_cart(session, cart_id, user_id=user_id)
    raise DomainError(
        "This code is not valid.",
        code="promotion_invalid",
        fields={"code": "Unknown or expired code."},
        status=400,
    )
