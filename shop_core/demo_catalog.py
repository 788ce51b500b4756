"""A believable demo catalog, built fast through the catalog services.

A category tree, rule-based and hand-picked collections, and any number of products
with variants, prices, stock and images. Product images are drawn locally with Pillow
(no network) once per run, stored through the media pipeline, and shared by URL, so
fifty thousand products cost a couple of dozen files. Products go through the catalog's
batch creation (`creation.create_products`) in chunks of one transaction each, indexed
once per chunk.
"""

from __future__ import annotations

import io
import math
import os
import random
import re
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFilter, ImageFont
from slugify import slugify
from sqlalchemy import func, text
from sqlmodel import Session, select

from shop_core.catalog import categories as category_service
from shop_core.catalog import collections, creation
from shop_core.catalog import products as product_service
from shop_core.catalog.models import Category, Collection, Product, ProductTag
from shop_core.catalog.schemas import ImageIn, ProductIn, VariantIn
from shop_core.db import read_session, unit_of_work
from shop_core.media import StoredImage, store_product_image
from shop_core.settings import get_settings

CHUNK = 500

# --- the category tree and what each leaf sells ----------------------------------------


@dataclass(frozen=True)
class _Leaf:
    code: str  # SKU prefix
    path: tuple[str, str, str]  # root › group › leaf
    kinds: tuple[str, ...]  # product types: the last word(s) of a title
    materials: tuple[str, ...]
    price: tuple[int, int]  # in major units, before option surcharges
    options: str  # a key of _OPTION_SCHEMES
    art: str  # a key of _SHAPES
    tags: tuple[str, ...]
    weight: int  # grams
    copy: str  # a key of _FEATURES and _CARE


# fmt: off
_LEAVES: tuple[_Leaf, ...] = (
    _Leaf("TEE", ("Apparel", "Tops", "T-shirts"),
          ("Tee", "Crew Tee", "Pocket Tee", "Boxy Tee", "Long Sleeve Tee"),
          ("Organic Cotton", "Heavyweight Cotton", "Linen Blend", "Bamboo Jersey", "Slub Cotton",
           "Recycled Cotton"),
          (18, 45), "apparel", "tee", ("tees", "basics"), 180, "apparel"),
    _Leaf("HOO", ("Apparel", "Tops", "Hoodies & sweatshirts"),
          ("Hoodie", "Zip Hoodie", "Sweatshirt", "Crewneck"),
          ("Brushed Fleece", "Organic Cotton", "Recycled Fleece", "Loopback Cotton"),
          (45, 95), "apparel", "hoodie", ("hoodies", "cosy"), 520, "apparel"),
    _Leaf("KNT", ("Apparel", "Tops", "Knitwear"),
          ("Jumper", "Cardigan", "Knit Vest", "Roll Neck"),
          ("Merino", "Lambswool", "Cotton Cable", "Alpaca Blend", "Chunky Wool"),
          (55, 140), "apparel", "jumper", ("knitwear", "cosy"), 450, "apparel"),
    _Leaf("TRS", ("Apparel", "Bottoms", "Trousers"),
          ("Chinos", "Joggers", "Wide Leg Trousers", "Cargo Pants", "Jeans"),
          ("Organic Cotton", "Corduroy", "Washed Denim", "Linen", "Cotton Twill"),
          (45, 110), "apparel", "trousers", ("trousers",), 480, "apparel"),
    _Leaf("SHO", ("Apparel", "Bottoms", "Shorts"),
          ("Shorts", "Swim Shorts", "Running Shorts", "Cut-off Shorts"),
          ("Linen", "Recycled Nylon", "Cotton Twill", "Washed Denim"),
          (25, 60), "apparel", "shorts", ("shorts", "summer"), 220, "apparel"),
    _Leaf("JKT", ("Apparel", "Outerwear", "Jackets"),
          ("Jacket", "Overshirt", "Bomber", "Puffer Jacket", "Chore Coat"),
          ("Waxed Cotton", "Corduroy", "Recycled Nylon", "Wool Blend", "Washed Denim"),
          (85, 260), "apparel", "jacket", ("outerwear",), 900, "apparel"),
    _Leaf("RNC", ("Apparel", "Outerwear", "Raincoats"),
          ("Raincoat", "Rain Jacket", "Anorak", "Poncho"),
          ("Recycled Nylon", "Rubberised Cotton", "Ripstop", "Waxed Cotton"),
          (70, 180), "apparel", "jacket", ("outerwear", "rainy days"), 650, "apparel"),
    _Leaf("TOT", ("Accessories", "Bags", "Totes"),
          ("Tote", "Shopper", "Market Bag", "Crossbody Bag"),
          ("Canvas", "Recycled Cotton", "Jute", "Vegan Leather", "Waxed Cotton"),
          (15, 75), "colour", "tote", ("bags",), 300, "bags"),
    _Leaf("BPK", ("Accessories", "Bags", "Backpacks"),
          ("Backpack", "Rolltop Backpack", "Daypack", "Mini Backpack"),
          ("Recycled Nylon", "Waxed Canvas", "Ripstop", "Cordura"),
          (45, 140), "colour", "tote", ("bags", "travel"), 750, "bags"),
    _Leaf("BNE", ("Accessories", "Hats", "Beanies"),
          ("Beanie", "Fisherman Beanie", "Bobble Hat", "Rib Beanie"),
          ("Merino", "Lambswool", "Recycled Wool", "Organic Cotton"),
          (15, 40), "colour", "beanie", ("hats", "cosy", "winter"), 90, "hats"),
    _Leaf("CAP", ("Accessories", "Hats", "Caps"),
          ("Cap", "Dad Cap", "Bucket Hat", "Five Panel Cap"),
          ("Cotton Twill", "Corduroy", "Washed Canvas", "Recycled Polyester"),
          (18, 38), "colour", "beanie", ("hats", "summer"), 110, "hats"),
    _Leaf("MUG", ("Home", "Kitchen", "Mugs & cups"),
          ("Mug", "Tumbler", "Espresso Cup", "Latte Bowl"),
          ("Stoneware", "Speckled Ceramic", "Porcelain", "Enamel", "Glazed Earthenware"),
          (9, 32), "colour", "mug", ("mugs", "kitchen"), 350, "mug"),
    _Leaf("CND", ("Home", "Living", "Candles"),
          ("Candle", "Tin Candle", "Pillar Candle", "Travel Candle"),
          ("Soy Wax", "Beeswax", "Rapeseed Wax", "Coconut Wax"),
          (12, 48), "candle", "candle", ("candles", "cosy", "home fragrance"), 400, "candle"),
    _Leaf("CSH", ("Home", "Living", "Cushions & throws"),
          ("Cushion", "Throw", "Blanket", "Floor Cushion"),
          ("Linen", "Wool", "Bouclé", "Velvet", "Chunky Knit"),
          (25, 120), "colour", "cushion", ("cushions", "cosy", "winter"), 800, "textile"),
    _Leaf("PRT", ("Home", "Wall art", "Prints"),
          ("Botanical Print", "Landscape Print", "Abstract Print", "Art Print"),
          ("Giclée", "Risograph", "Screen-printed", "Letterpress"),
          (20, 60), "print", "print", ("wall art", "prints"), 250, "wallart"),
    _Leaf("PST", ("Home", "Wall art", "Posters"),
          ("Poster", "Gig Poster", "City Poster", "Typography Poster"),
          ("Matte", "Recycled Paper", "Screen-printed", "Risograph"),
          (14, 40), "print", "print", ("wall art", "posters"), 180, "wallart"),
    _Leaf("NBK", ("Stationery", "Paper", "Notebooks"),
          ("Notebook", "Sketchbook", "Journal", "Pocket Notebook"),
          ("Recycled Paper", "Linen-bound", "Kraft", "Cotton Paper", "Vegan Leather"),
          (8, 32), "notebook", "notebook", ("notebooks", "paper"), 300, "paper"),
    _Leaf("CRD", ("Stationery", "Paper", "Greeting cards"),
          ("Greeting Card", "Birthday Card", "Thank You Card", "Postcard Set"),
          ("Letterpress", "Foil-printed", "Recycled Paper", "Risograph"),
          (3, 14), "cards", "print", ("cards", "paper"), 40, "cards"),
    _Leaf("PEN", ("Stationery", "Desk", "Pens & pencils"),
          ("Pen", "Fountain Pen", "Pencil Set", "Fineliner Set", "Rollerball"),
          ("Brass", "Bamboo", "Aluminium", "Recycled Plastic", "Cedar"),
          (4, 65), "ink", "pen", ("pens", "desk"), 40, "pen"),
    _Leaf("PLN", ("Stationery", "Desk", "Planners"),
          ("Planner", "Weekly Planner", "Desk Pad", "Habit Tracker"),
          ("Recycled Paper", "Linen-bound", "Kraft", "Cotton Paper"),
          (12, 38), "notebook", "notebook", ("planners", "desk"), 420, "paper"),
)
_ADJECTIVES = (
    "Sunny", "Cloud", "Meadow", "Harbour", "Pebble", "Willow", "Ember", "Coastal", "Saturday",
    "Nordic", "Golden Hour", "Midnight", "Wildflower", "Little", "Everyday", "Weekend",
    "Fern", "Juniper", "Maple", "Marlow", "Juno", "Dune", "Orchard", "Riverside", "Breezy",
    "Lazy Sunday", "Honey", "Hazel", "Indigo", "Clover", "Bramble", "Lagoon", "Tidal",
    "Sorbet", "Cosy", "Alpine", "Paper Moon", "Studio", "Atlas", "Nomad", "Terrace",
    "Kettle", "Mellow", "Peachy", "Sundown", "Retro", "Loop", "Tiny", "Bold",
)
_COLOURS = (
    "Sage", "Oat", "Clay", "Navy", "Black", "Ecru", "Rust", "Lilac", "Butter", "Forest",
    "Sky", "Coral", "Charcoal", "Mint", "Plum", "Sand",
)
_SCENTS = (
    "Fig & Cassis", "Cedar & Smoke", "Sea Salt", "Vanilla Bean", "Amber", "Wild Mint",
    "Orange Blossom", "Tomato Leaf", "Black Tea", "Pine Needle",
)
# fmt: on

_GROUP_BLURBS = {
    "Apparel": "Everyday clothes in honest materials, made to be worn a lot.",
    "Accessories": "Small things that finish an outfit.",
    "Home": "Pieces that make a room feel like yours.",
    "Stationery": "Paper goods and desk tools for people who still write things down.",
}

_SIZES = ("XS", "S", "M", "L", "XL", "XXL")
_INKS = ("Black", "Blue", "Green", "Red", "Violet")
_ORIGINS = (
    "Made in Portugal in a family-run workshop.",
    "Made in Lithuania by a small team we have worked with for years.",
    "Made in the UK in small batches.",
    "Made in India in a Fair Trade certified factory.",
    "Designed in Amsterdam, made in Turkey in a GOTS certified mill.",
    "Handmade in our studio in Bristol.",
    "Made in Italy by a third-generation maker.",
    "Made in Poland from European-sourced materials.",
)
_FEATURES = {
    "apparel": (
        "Relaxed fit with dropped shoulders.",
        "True to size; size up for a roomier look.",
        "Pre-washed, so it will not shrink on you.",
        "Double-stitched seams that survive years of laundry days.",
        "Soft on the skin from the very first wear.",
        "Cut a little longer at the back.",
        "Garment-dyed for a lived-in colour.",
        "Pairs with everything else in your wardrobe, honestly.",
    ),
    "bags": (
        "Sized to fit the things you actually carry.",
        "Reinforced where it matters.",
        "An inside pocket for keys and phone.",
        "Ages beautifully with use.",
        "Water-resistant for surprise showers.",
        "Straps long enough to wear over a winter coat.",
    ),
    "hats": (
        "One size fits most.",
        "Soft, with no itch.",
        "Folds flat into a pocket.",
        "A small detail that finishes any outfit.",
        "Made to be worn every day, not kept for best.",
    ),
    "mug": (
        "Holds a proper cup of tea.",
        "Each glaze is slightly different: the charm of small-batch making.",
        "A comfortable handle, even for big hands.",
        "Looks good on its own and even better in a set.",
    ),
    "candle": (
        "Around 40 hours of slow, clean burn.",
        "A cotton wick that burns without soot.",
        "Hand-poured in small batches.",
        "The jar makes a lovely plant pot afterwards.",
    ),
    "textile": (
        "Soft, heavy and made for long evenings on the sofa.",
        "Feather-free inner included with cushions.",
        "Looks good on its own and even better in a group.",
        "Finished by hand.",
    ),
    "wallart": (
        "Printed on heavy 300 gsm archival paper.",
        "Signed and numbered by the artist.",
        "Ships rolled in a sturdy tube, or framed and ready to hang.",
        "Brightens a hallway, a kitchen or a desk.",
    ),
    "cards": (
        "Blank inside for your own message.",
        "Comes with a kraft envelope.",
        "Printed on thick recycled card.",
        "Packed plastic-free.",
    ),
    "paper": (
        "Fountain-pen friendly paper that does not bleed through.",
        "Lies flat when open.",
        "Made for lists, sketches and big plans.",
        "Numbered pages and a ribbon bookmark.",
    ),
    "pen": (
        "Balanced weight for long writing sessions.",
        "Smooth, quick-drying ink.",
        "Refillable, so it is the last one you will need.",
        "A small joy for your desk.",
    ),
}
_CARE = {
    "apparel": (
        "Machine wash cold, hang to dry.",
        "Wash at 30°, inside out.",
        "Cool wash, dry flat.",
    ),
    "bags": ("Spot clean only.", "Wipe clean with a damp cloth."),
    "hats": ("Hand wash cold, dry flat.", "Spot clean only."),
    "mug": ("Dishwasher and microwave safe.", "Hand wash to keep the glaze at its best."),
    "candle": ("Burn for two hours the first time.", "Trim the wick to 5 mm before lighting."),
    "textile": ("Removable cover, machine washable at 30°.", "Dry clean only."),
    "wallart": ("Frame not included unless chosen.", "Keep out of direct sunlight."),
    "cards": ("Recyclable packaging.",),
    "paper": ("Acid-free paper.", "Recyclable packaging."),
    "pen": ("Refills available.", "Cap it after use."),
}
_STYLES = {  # an optional word between adjective and material: more distinct titles
    "apparel": ("Striped", "Ribbed", "Cropped", "Oversized", "Washed", "Relaxed", "Two-tone"),
    "bags": ("Everyday", "Roomy", "Mini", "Two-tone", "Foldable"),
    "hats": ("Ribbed", "Striped", "Two-tone", "Classic"),
    "mug": ("Speckled", "Striped", "Dotty", "Tall", "Hand-thrown"),
    "candle": ("Woodland", "Seaside", "Garden", "Hand-poured"),
    "textile": ("Striped", "Checked", "Fringed", "Tufted", "Waffle"),
    "wallart": ("Limited", "Vintage", "Sunset", "Pastel"),
    "cards": ("Floral", "Confetti", "Little", "Illustrated"),
    "paper": ("Pocket", "Classic", "Grid", "Illustrated"),
    "pen": ("Classic", "Slim", "Mini", "Everyday"),
}
_OPENERS = (
    "Meet the {title}: {article} {kind_l} in {material_l} you will reach for again and again.",
    "The {title} is our take on the classic {kind_l}, made from {material_l}.",
    "{article_c} {kind_l} that does the simple things well: {material_l}, a good shape, "
    "nothing extra.",
    "Say hello to the {title}, a customer favourite in {material_l}.",
    "Small-batch {material_l}, a shape we have refined over several seasons: the {title}.",
)

# --- option schemes: each returns [(option values, price factor, surcharge)] ------------

_Option = tuple[dict[str, str], float, int]


def _options_apparel(rng: random.Random) -> list[_Option]:
    count = rng.choice((3, 4, 4, 5, 6))
    first = rng.randint(0, len(_SIZES) - count)
    sizes = _SIZES[first : first + count]
    if rng.random() < 0.3:
        sizes = sizes[:3]
        colours = rng.sample(_COLOURS, 2)
        return [
            ({"Size": s, "Colour": c}, 1.0, 200 if s == "XXL" else 0)
            for c in colours
            for s in sizes
        ]
    return [({"Size": s}, 1.0, 200 if s == "XXL" else 0) for s in sizes]


def _options_colour(rng: random.Random) -> list[_Option]:
    count = rng.choice((1, 1, 2, 3, 4))
    if count == 1:
        return [({}, 1.0, 0)]
    return [({"Colour": c}, 1.0, 0) for c in rng.sample(_COLOURS, count)]


def _options_candle(rng: random.Random) -> list[_Option]:
    scents = rng.sample(_SCENTS, rng.choice((1, 1, 2, 3)))
    sizes = rng.choice((("Small",), ("Small", "Large")))
    if len(scents) * len(sizes) == 1:
        return [({}, 1.0, 0)]
    return [
        ({"Scent": sc, "Size": si}, 1.0, 900 if si == "Large" else 0)
        for sc in scents
        for si in sizes
    ]


def _options_print(rng: random.Random) -> list[_Option]:
    sizes = (("A4", 1.0), ("A3", 1.5), ("50×70 cm", 2.2))[: rng.choice((1, 2, 3))]
    frames = rng.choice((("Unframed",), ("Unframed", "Oak frame")))
    return [
        ({"Size": s, "Frame": f}, factor, 3500 if f == "Oak frame" else 0)
        for s, factor in sizes
        for f in frames
    ]


def _options_notebook(rng: random.Random) -> list[_Option]:
    rulings = rng.sample(("Plain", "Lined", "Dot grid"), rng.choice((1, 2, 3)))
    sizes = rng.choice(((("A5", 1.0),), (("A6", 0.7), ("A5", 1.0))))
    if len(rulings) * len(sizes) == 1:
        return [({}, 1.0, 0)]
    return [({"Paper": r, "Size": s}, f, 0) for s, f in sizes for r in rulings]


def _options_cards(rng: random.Random) -> list[_Option]:
    if rng.random() < 0.5:
        return [({}, 1.0, 0)]
    return [({"Pack": "Single"}, 1.0, 0), ({"Pack": "Pack of 5"}, 4.0, 0)]


def _options_ink(rng: random.Random) -> list[_Option]:
    count = rng.choice((1, 2, 3, 4))
    if count == 1:
        return [({}, 1.0, 0)]
    return [({"Ink": c}, 1.0, 0) for c in rng.sample(_INKS, count)]


_OPTION_SCHEMES: dict[str, Callable[[random.Random], list[_Option]]] = {
    "apparel": _options_apparel,
    "colour": _options_colour,
    "candle": _options_candle,
    "print": _options_print,
    "notebook": _options_notebook,
    "cards": _options_cards,
    "ink": _options_ink,
}

# --- generated product images -------------------------------------------------------------

_PALETTES = (  # background top, background bottom, shape, accent
    ("#FFE3D3", "#FFB4A2", "#6D6875", "#FFF1E6"),
    ("#D8F3DC", "#95D5B2", "#2D6A4F", "#FFD166"),
    ("#EDE7F6", "#C3B1E1", "#5E35B1", "#FFB703"),
    ("#E0F4FF", "#9AD0EC", "#1D4E89", "#F28482"),
    ("#FFF6CC", "#FFD166", "#EF476F", "#2B2D42"),
    ("#FFD6E0", "#FF8FAB", "#3A0CA3", "#FFE5EC"),
    ("#EEF2E6", "#C7D3B4", "#5F7161", "#E9C46A"),
    ("#FFD6A5", "#FF9B85", "#3D405B", "#F2CC8F"),
    ("#CAF0F8", "#48CAE4", "#03045E", "#FFB4A2"),
    ("#F6E7D8", "#E4B49C", "#9C4A35", "#FDF6EC"),
    ("#FDE2FF", "#B9FBC0", "#6A4C93", "#FFCA3A"),
    ("#E9FFDB", "#B8F2E6", "#FF6B6B", "#355070"),
)
_IMAGE_SIZE = (800, 1000)  # 4:5, the usual product-grid shape
_IMAGES_PER_SHAPE = 2

_Point = tuple[float, float]
# fmt: off
_LONG_SLEEVES: tuple[_Point, ...] = (
    (0.36, 0.10), (0.44, 0.15), (0.56, 0.15), (0.64, 0.10), (0.84, 0.18), (0.98, 0.80),
    (0.86, 0.83), (0.76, 0.42), (0.76, 0.92), (0.24, 0.92), (0.24, 0.42), (0.14, 0.83),
    (0.02, 0.80), (0.16, 0.18),
)
# fmt: on


class _Pen:
    """Draws in a unit box (0..1 on both axes) mapped onto a canvas region."""

    def __init__(self, draw: ImageDraw.ImageDraw, size: tuple[int, int], ink: str, accent: str):
        self.draw, self.w, self.h, self.ink, self.accent = draw, size[0], size[1], ink, accent

    def pt(self, x: float, y: float) -> tuple[float, float]:
        return x * self.w, y * self.h

    def box(self, x0: float, y0: float, x1: float, y1: float) -> list[float]:
        return [x0 * self.w, y0 * self.h, x1 * self.w, y1 * self.h]

    def poly(self, points: tuple[_Point, ...] | list[_Point], fill: str | None = None) -> None:
        self.draw.polygon([self.pt(x, y) for x, y in points], fill=fill or self.ink)

    def rect(
        self, x0: float, y0: float, x1: float, y1: float, fill: str | None = None, r: float = 0.0
    ) -> None:
        self.draw.rounded_rectangle(
            self.box(x0, y0, x1, y1), radius=r * self.w, fill=fill or self.ink
        )

    def ellipse(
        self,
        x0: float,
        y0: float,
        x1: float,
        y1: float,
        fill: str | None = None,
        outline: str | None = None,
        width: float = 0.0,
    ) -> None:
        self.draw.ellipse(
            self.box(x0, y0, x1, y1), fill=fill, outline=outline, width=int(width * self.w)
        )

    def line(self, points: list[_Point], fill: str | None = None, width: float = 0.01) -> None:
        self.draw.line(
            [self.pt(x, y) for x, y in points],
            fill=fill or self.accent,
            width=max(1, int(width * self.w)),
            joint="curve",
        )


# Shapes in a unit box, drawn as simple flat illustrations.
# fmt: off
def _draw_tee(p: _Pen) -> None:
    p.poly(((0.36, 0.12), (0.44, 0.17), (0.56, 0.17), (0.64, 0.12), (0.88, 0.24), (0.98, 0.44),
            (0.80, 0.50), (0.76, 0.42), (0.76, 0.92), (0.24, 0.92), (0.24, 0.42), (0.20, 0.50),
            (0.02, 0.44), (0.12, 0.24)))
    p.ellipse(0.43, 0.10, 0.57, 0.20, fill=p.accent)
    p.rect(0.56, 0.30, 0.68, 0.42, fill=p.accent, r=0.01)


def _draw_jumper(p: _Pen) -> None:
    p.poly(_LONG_SLEEVES)
    p.ellipse(0.42, 0.08, 0.58, 0.19, fill=p.accent)
    p.rect(0.24, 0.86, 0.76, 0.92, fill=p.accent)
    for x in (0.30, 0.40, 0.50, 0.60, 0.70):
        p.line([(x, 0.87), (x, 0.91)], fill=p.ink, width=0.008)


def _draw_hoodie(p: _Pen) -> None:
    p.ellipse(0.33, 0.00, 0.67, 0.26, fill=p.ink)
    p.poly(_LONG_SLEEVES)
    p.ellipse(0.41, 0.06, 0.59, 0.22, fill=p.accent)
    p.poly(((0.34, 0.62), (0.66, 0.62), (0.70, 0.80), (0.30, 0.80)), fill=p.accent)
    p.line([(0.46, 0.20), (0.45, 0.40)], width=0.012)
    p.line([(0.54, 0.20), (0.55, 0.40)], width=0.012)


def _draw_jacket(p: _Pen) -> None:
    p.poly(_LONG_SLEEVES)
    p.poly(((0.36, 0.10), (0.50, 0.30), (0.42, 0.32), (0.32, 0.16)), fill=p.accent)
    p.poly(((0.64, 0.10), (0.50, 0.30), (0.58, 0.32), (0.68, 0.16)), fill=p.accent)
    p.line([(0.50, 0.30), (0.50, 0.92)], width=0.012)
    p.rect(0.30, 0.60, 0.43, 0.70, fill=p.accent, r=0.01)
    p.rect(0.57, 0.60, 0.70, 0.70, fill=p.accent, r=0.01)


def _draw_trousers(p: _Pen) -> None:
    p.poly(((0.26, 0.06), (0.74, 0.06), (0.80, 0.94), (0.57, 0.94), (0.50, 0.34), (0.43, 0.94),
            (0.20, 0.94)))
    p.rect(0.26, 0.06, 0.74, 0.12, fill=p.accent)
    p.line([(0.50, 0.12), (0.50, 0.30)], fill=p.ink, width=0.01)


def _draw_shorts(p: _Pen) -> None:
    p.poly(((0.22, 0.20), (0.78, 0.20), (0.86, 0.70), (0.56, 0.74), (0.50, 0.48), (0.44, 0.74),
            (0.14, 0.70)))
    p.rect(0.22, 0.20, 0.78, 0.27, fill=p.accent)
    p.line([(0.46, 0.27), (0.44, 0.36)], width=0.01)
    p.line([(0.54, 0.27), (0.56, 0.36)], width=0.01)


def _draw_tote(p: _Pen) -> None:
    p.ellipse(0.30, 0.06, 0.70, 0.60, outline=p.accent, width=0.045)
    p.rect(0.16, 0.34, 0.84, 0.94, r=0.02)
    p.ellipse(0.38, 0.52, 0.62, 0.76, fill=p.accent)


def _draw_beanie(p: _Pen) -> None:
    p.ellipse(0.41, 0.08, 0.59, 0.26, fill=p.accent)
    p.draw.chord(p.box(0.16, 0.20, 0.84, 0.98), start=180, end=360, fill=p.ink)
    p.rect(0.12, 0.56, 0.88, 0.76, fill=p.accent, r=0.02)
    for i in range(9):
        x = 0.18 + i * 0.08
        p.line([(x, 0.59), (x, 0.73)], fill=p.ink, width=0.008)


def _draw_mug(p: _Pen) -> None:
    p.ellipse(0.56, 0.38, 0.92, 0.74, outline=p.ink, width=0.07)
    p.rect(0.12, 0.26, 0.70, 0.90, r=0.05)
    p.rect(0.12, 0.26, 0.70, 0.34, fill=p.accent, r=0.03)
    for x in (0.28, 0.41, 0.54):
        p.line([(x, 0.20), (x + 0.03, 0.13), (x, 0.06)], width=0.015)


def _draw_candle(p: _Pen) -> None:
    p.ellipse(0.455, 0.10, 0.545, 0.28, fill="#FFB703")
    p.ellipse(0.475, 0.17, 0.525, 0.27, fill="#FFF3B0")
    p.line([(0.50, 0.27), (0.50, 0.34)], fill="#2B2D42", width=0.01)
    p.rect(0.24, 0.32, 0.76, 0.94, r=0.04)
    p.rect(0.30, 0.54, 0.70, 0.76, fill=p.accent, r=0.01)


def _draw_cushion(p: _Pen) -> None:
    p.rect(0.08, 0.22, 0.92, 0.86, r=0.12)
    for corner, inner in (((0.14, 0.28), (0.40, 0.46)), ((0.86, 0.28), (0.60, 0.46)),
                          ((0.14, 0.80), (0.40, 0.62)), ((0.86, 0.80), (0.60, 0.62))):
        p.line([corner, inner], width=0.008)
    p.ellipse(0.45, 0.49, 0.55, 0.59, fill=p.accent)


def _draw_print(p: _Pen) -> None:
    p.rect(0.14, 0.06, 0.86, 0.94, fill=p.ink)
    p.rect(0.18, 0.10, 0.82, 0.90, fill="#FFFDF7")
    p.rect(0.26, 0.18, 0.74, 0.82, fill=p.accent)
    p.ellipse(0.52, 0.26, 0.68, 0.40, fill="#FFB703")
    p.poly(((0.26, 0.82), (0.26, 0.60), (0.40, 0.44), (0.52, 0.62), (0.60, 0.52), (0.74, 0.68),
            (0.74, 0.82)), fill=p.ink)


def _draw_notebook(p: _Pen) -> None:
    p.rect(0.24, 0.10, 0.82, 0.94, fill="#FFFDF7", r=0.02)
    p.rect(0.20, 0.08, 0.78, 0.92, r=0.02)
    p.rect(0.20, 0.08, 0.28, 0.92, fill=p.accent)
    p.rect(0.68, 0.08, 0.71, 0.92, fill=p.accent)
    p.rect(0.36, 0.20, 0.62, 0.30, fill="#FFFDF7", r=0.01)


def _draw_pen(p: _Pen) -> None:
    def along(t: float, offset: float) -> _Point:
        (x0, y0), (x1, y1) = (0.24, 0.86), (0.80, 0.12)
        length = math.hypot(x1 - x0, y1 - y0)
        nx, ny = -(y1 - y0) / length, (x1 - x0) / length
        return x0 + (x1 - x0) * t + nx * offset, y0 + (y1 - y0) * t + ny * offset

    p.poly([along(0.12, -0.045), along(1.0, -0.045), along(1.0, 0.045), along(0.12, 0.045)])
    p.poly([along(0.0, 0.0), along(0.12, -0.045), along(0.12, 0.045)], fill=p.accent)
    p.poly([along(0.62, -0.05), along(0.66, -0.05), along(0.66, 0.05), along(0.62, 0.05)],
           fill=p.accent)
    p.line([along(0.70, -0.06), along(0.95, -0.06)], fill=p.accent, width=0.015)


_SHAPES: dict[str, Callable[[_Pen], None]] = {
    "tee": _draw_tee, "hoodie": _draw_hoodie, "jumper": _draw_jumper, "jacket": _draw_jacket,
    "trousers": _draw_trousers, "shorts": _draw_shorts, "tote": _draw_tote,
    "beanie": _draw_beanie, "mug": _draw_mug, "candle": _draw_candle, "cushion": _draw_cushion,
    "print": _draw_print, "notebook": _draw_notebook, "pen": _draw_pen,
}
# fmt: on


def _soft_layer(size: tuple[int, int], ellipses: list[list[float]], blur: float) -> Image.Image:
    """A blurred mask drawn small and scaled up: soft shapes for a fraction of the cost."""
    small = Image.new("L", (size[0] // 8, size[1] // 8), 0)
    draw = ImageDraw.Draw(small)
    for x0, y0, x1, y1, level in ellipses:
        draw.ellipse(
            [x0 * small.width, y0 * small.height, x1 * small.width, y1 * small.height],
            fill=int(level),
        )
    return small.filter(ImageFilter.GaussianBlur(blur)).resize(size, Image.Resampling.BILINEAR)


def render_product_art(shape: str, palette: int, *, seed: int = 0) -> bytes:
    """A PNG of a product-ish shape on a soft gradient; deterministic for its arguments."""
    rng = random.Random(f"{shape}:{palette}:{seed}")
    top, bottom, ink, accent = _PALETTES[palette % len(_PALETTES)]
    width, height = _IMAGE_SIZE
    # A one-pixel column stretched sideways: the same gradient for a fraction of the work.
    column = Image.linear_gradient("L").resize((1, height), Image.Resampling.BILINEAR)
    mask = column.resize((width, height), Image.Resampling.NEAREST)
    image = Image.composite(
        Image.new("RGB", (width, height), bottom), Image.new("RGB", (width, height), top), mask
    )
    glow = _soft_layer(
        (width, height),
        [
            [
                rng.uniform(-0.2, 0.4),
                rng.uniform(-0.1, 0.3),
                rng.uniform(0.5, 0.9),
                rng.uniform(0.4, 0.7),
                110,
            ],
            [
                rng.uniform(0.4, 0.7),
                rng.uniform(0.6, 0.8),
                rng.uniform(0.9, 1.3),
                rng.uniform(1.0, 1.2),
                80,
            ],
        ],
        blur=10,
    )
    image = Image.composite(Image.new("RGB", (width, height), "white"), image, glow)
    shadow = _soft_layer((width, height), [[0.22, 0.84, 0.78, 0.92, 70]], blur=4)
    image = Image.composite(Image.new("RGB", (width, height), "#1B1B2F"), image, shadow)

    # The shape is drawn at twice its size and scaled down: smooth edges without AA support.
    box_w, box_h = int(width * 0.64), int(height * 0.60)
    layer = Image.new("RGBA", (box_w * 2, box_h * 2), (0, 0, 0, 0))
    _SHAPES[shape](_Pen(ImageDraw.Draw(layer), layer.size, ink, accent))
    layer = layer.resize((box_w, box_h), Image.Resampling.LANCZOS)
    canvas = image.convert("RGBA")
    canvas.alpha_composite(layer, ((width - box_w) // 2, int(height * 0.28)))

    draw = ImageDraw.Draw(canvas)
    mark = get_settings().shop_name.upper()
    font = ImageFont.load_default(size=26)
    text_w = draw.textlength(mark, font=font)
    draw.text(((width - text_w) / 2, height * 0.12), mark, font=font, fill=ink)
    out = io.BytesIO()
    canvas.convert("RGB").save(out, format="PNG", compress_level=0)
    return out.getvalue()


def _render_images(seed: int) -> dict[str, list[StoredImage]]:
    """Every shape in a couple of palettes, stored once through the upload pipeline."""

    def draw_and_store(job: tuple[int, str, int]) -> tuple[str, StoredImage]:
        i, shape, j = job
        palette = (i * 5 + j * 7 + seed) % len(_PALETTES)
        data = render_product_art(shape, palette, seed=seed)
        return shape, store_product_image(data, f"{shape}-{j}.png")

    jobs = [(i, shape, j) for i, shape in enumerate(_SHAPES) for j in range(_IMAGES_PER_SHAPE)]
    images: dict[str, list[StoredImage]] = {}
    # Pillow releases the GIL while it resizes and encodes: one thread per core pays off.
    with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:
        for shape, stored in pool.map(draw_and_store, jobs):
            images.setdefault(shape, []).append(stored)
    return images


# --- categories and collections -------------------------------------------------------


def _ensure_categories(session: Session) -> dict[tuple[str, ...], int]:
    """Create the tree where missing (matched by slug); returns path of names → id."""
    known = {c.slug: c.id for c in session.exec(select(Category)).all()}
    ids: dict[tuple[str, ...], int] = {}
    for leaf in _LEAVES:
        for depth in range(1, len(leaf.path) + 1):
            key = leaf.path[:depth]
            if key in ids:
                continue
            slug = slugify(key[-1], max_length=140)
            if slug not in known:
                siblings = sum(1 for k in ids if len(k) == depth and k[:-1] == key[:-1])
                data = category_service.CategoryIn(
                    name=key[-1],
                    slug=slug,
                    parent_id=ids[key[:-1]] if depth > 1 else None,
                    description=_GROUP_BLURBS.get(key[-1], ""),
                    position=siblings,
                )
                known[slug] = category_service.create_category(session, data).id
            ids[key] = known[slug]
    return ids


def _money_title(minor: int) -> str:
    currency = get_settings().currency
    symbol = {"EUR": "€", "GBP": "£", "USD": "$"}.get(currency)
    amount = f"{minor // 100}" if minor % 100 == 0 else f"{minor / 100:.2f}"
    return f"{symbol}{amount}" if symbol else f"{amount} {currency}"


def _rule_collections(
    home_id: int, art: dict[str, list[StoredImage]]
) -> list[collections.CollectionIn]:
    rule = collections.CollectionIn
    return [
        rule(
            title=f"Under {_money_title(2500)}",
            slug="under-25",
            kind="rule",
            description="Little treats and easy gifts.",
            rules=[{"field": "price", "op": "lte", "value": 2500}],
            image_url=art["mug"][-1].url,
        ),
        rule(
            title="Sale",
            slug="sale",
            kind="rule",
            description="Last chance, lower prices.",
            rules=[{"field": "tag", "op": "eq", "value": "sale"}],
            image_url=art["tote"][-1].url,
        ),
        rule(
            title="Cosy season",
            slug="cosy-season",
            kind="rule",
            match="any",
            description="Knits, candles and blankets for the darker months.",
            rules=[
                {"field": "tag", "op": "eq", "value": "cosy"},
                {"field": "tag", "op": "eq", "value": "winter"},
            ],
            image_url=art["candle"][-1].url,
        ),
        rule(
            title="In stock",
            slug="in-stock",
            kind="rule",
            description="Ready to ship today.",
            rules=[{"field": "in_stock", "op": "eq", "value": True}],
            image_url=art["tee"][-1].url,
        ),
        rule(
            title="For the home",
            slug="for-the-home",
            kind="rule",
            description="Everything from our Home department.",
            rules=[{"field": "category", "op": "eq", "value": home_id}],
            image_url=art["cushion"][-1].url,
        ),
        rule(
            title="Treat yourself",
            slug="treat-yourself",
            kind="rule",
            description="Pieces worth saving up for, ready to ship.",
            rules=[
                {"field": "price", "op": "gte", "value": 8000},
                {"field": "in_stock", "op": "eq", "value": True},
            ],
            image_url=art["jacket"][-1].url,
        ),
    ]


def _save_missing(session: Session, items: list[collections.CollectionIn]) -> int:
    known = set(session.exec(select(Collection.slug)).all())
    created = 0
    for item in items:
        if item.slug not in known:
            collections.save_collection(session, item)
            created += 1
    return created


def _manual_collections(
    session: Session, rng: random.Random, art: dict[str, list[StoredImage]]
) -> list[collections.CollectionIn]:
    active = Product.status == "active"
    in_stock = list(
        session.exec(
            select(Product.id).where(active, Product.in_stock.is_(True)).order_by(Product.id)
        ).all()
    )
    newest = list(
        session.exec(select(Product.id).where(active).order_by(Product.id.desc()).limit(12)).all()
    )
    gifts = list(
        session.exec(
            select(Product.id)
            .join(ProductTag, ProductTag.product_id == Product.id)
            .where(active, ProductTag.tag == "gift")
            .order_by(Product.id)
        ).all()
    )
    manual = collections.CollectionIn
    return [
        manual(
            title="Staff picks",
            slug="staff-picks",
            featured=True,
            description="What the team is wearing, using and gifting this month.",
            product_ids=rng.sample(in_stock, min(12, len(in_stock))),
            image_url=art["tee"][0].url,
        ),
        manual(
            title="New arrivals",
            slug="new-arrivals",
            featured=True,
            description="Fresh in this week.",
            product_ids=newest,
            image_url=art["mug"][0].url,
        ),
        manual(
            title="Gift guide",
            slug="gift-guide",
            featured=True,
            description="Thoughtful presents for everyone on your list.",
            product_ids=rng.sample(gifts, min(16, len(gifts))),
            image_url=art["candle"][0].url,
        ),
    ]


# --- products ---------------------------------------------------------------------------


def _price(rng: random.Random, low: int, high: int) -> int:
    """A shop-like price in minor units: 24.00, 24.50, 24.95 or 23.99 rather than 24.37."""
    # Cheap items are more common than expensive ones within a range.
    euros = low + int((high - low) * rng.random() ** 1.6)
    ending = rng.choice((0, 0, 0, 50, 95, 95, 99))
    return max(100, euros * 100 + ending - (100 if ending >= 95 else 0))


def _round_price(minor: float) -> int:
    return max(100, int(round(minor / 50.0)) * 50)


def _sku_part(value: str) -> str:
    return re.sub(r"[^A-Za-z0-9]", "", value).upper()[:8] or "X"


def _description(rng: random.Random, leaf: _Leaf, title: str, kind: str, material: str) -> str:
    kind_l, material_l = kind.lower(), material.lower()
    if kind_l.endswith("s") and not kind_l.endswith("ss"):  # shorts, jeans, chinos
        article = "a pair of"
    else:
        article = "an" if kind_l[0] in "aeiou" else "a"
    opener = rng.choice(_OPENERS).format(
        title=title,
        kind_l=kind_l,
        material_l=material_l,
        article=article,
        article_c=article.capitalize(),
    )
    features = rng.sample(_FEATURES[leaf.copy], 2)
    return " ".join([opener, *features, rng.choice(_ORIGINS), rng.choice(_CARE[leaf.copy])])


def _product(
    rng: random.Random,
    index: int,
    leaf: _Leaf,
    category_id: int,
    art: dict[str, list[StoredImage]],
) -> ProductIn:
    kind = rng.choice(leaf.kinds)
    material = rng.choice(leaf.materials)
    adjective, style = rng.choice(_ADJECTIVES), rng.choice(_STYLES[leaf.copy])
    small = {"Tiny", "Little", "Mini"}
    if rng.random() < 0.5 or style in f"{adjective} {kind}" or {adjective, style} <= small:
        style = ""
    title = " ".join(w for w in (adjective, style, material, kind) if w)
    base = _price(rng, *leaf.price)
    on_sale = rng.random() < 0.15
    discount = rng.choice((0.15, 0.2, 0.25, 0.3, 0.4, 0.5))
    sold_out = rng.random() < 0.08
    margin = rng.uniform(0.30, 0.60)
    has_barcodes = rng.random() < 0.7
    variants: list[VariantIn] = []
    code = f"JC-{leaf.code}-{index + 1:06d}"
    for options, factor, surcharge in _OPTION_SCHEMES[leaf.options](rng):
        price = base if factor == 1.0 else _round_price(base * factor) - 5
        price += surcharge
        compare_at = None
        if on_sale:
            compare_at = price
            price = _round_price(price * (1 - discount)) - 5
        stock = 0 if sold_out or rng.random() < 0.12 else 1 + int(rng.expovariate(1 / 35))
        suffix = "-".join(_sku_part(v) for v in options.values())
        variants.append(
            VariantIn(
                sku=f"{code}-{suffix}" if suffix else code,
                option_values=options,
                price=price,
                compare_at_price=compare_at,
                cost_price=int(price * margin),
                barcode=_ean13(index * 8 + len(variants)) if has_barcodes else None,
                weight_grams=int(leaf.weight * rng.uniform(0.85, 1.15)),
                stock=stock,
            )
        )
    tags = list(leaf.tags)
    if "Organic" in material or "Recycled" in material:
        tags.append("sustainable")
    if on_sale:
        tags.append("sale")
    for tag, chance in (
        ("gift", 0.2 if leaf.path[0] != "Apparel" else 0.05),
        ("bestseller", 0.08),
        ("new", 0.1),
        ("limited edition", 0.03),
    ):
        if rng.random() < chance:
            tags.append(tag)
    pool = art[leaf.art]
    first = rng.randrange(len(pool))
    images = [ImageIn(url=pool[first].url, alt=title)]
    if rng.random() < 0.4 and len(pool) > 1:
        images.append(ImageIn(url=pool[(first + 1) % len(pool)].url, alt=f"{title}, another view"))
    roll = rng.random()
    status = "active" if roll < 0.93 else "draft" if roll < 0.98 else "archived"
    return ProductIn(
        title=title,
        description=_description(rng, leaf, title, kind, material),
        status=status,
        tags=tags,
        category_ids=[category_id],
        variants=variants,
        images=images,
    )


def _ean13(n: int) -> str:
    """A valid EAN-13 in the 200–299 in-store range (never clashes with real products)."""
    body = f"20{n % 10**10:010d}"
    check = (10 - sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body)) % 10) % 10
    return body + str(check)


_ANALYZED_TABLES = (
    "products",
    "variants",
    "product_tags",
    "product_categories",
    "product_images",
    "variant_option_values",
    "collection_products",
    "inventory_items",
    "product_search",
)


def _refresh_planner_statistics(session: Session) -> None:
    """Let PostgreSQL plan with statistics that match tables grown from empty in one run.

    Without them the batch checks' prepared IN (...) queries settle on a generic plan that
    scans the whole table for every row of the batch, and each chunk gets slower than the
    last until autovacuum happens to analyse. Called each time the catalog doubles.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("ANALYZE " + ", ".join(_ANALYZED_TABLES)))


def seed_catalog(products: int, *, seed: int = 7) -> Iterator[str]:
    """Create categories, collections and `products` products; yields progress lines.

    Skipped entirely when the catalog already has products, so running it twice is safe.
    """
    started = time.perf_counter()
    with read_session() as session:
        existing = session.exec(select(func.count()).select_from(Product)).one()
    if existing:
        yield f"catalog: {existing} products already there, nothing added"
        return
    if products <= 0:
        yield "catalog: no products requested"
        return

    rng = random.Random(seed)
    art = _render_images(seed)
    yield (
        f"catalog: {sum(len(v) for v in art.values())} product images drawn "
        f"({time.perf_counter() - started:.1f}s)"
    )

    with unit_of_work() as session:
        tree = _ensure_categories(session)
        made = _save_missing(session, _rule_collections(tree[("Home",)], art))
    yield f"catalog: {len(tree)} categories, {made} rule-based collections"

    last_line = time.perf_counter()
    analyzed_at = CHUNK // 2
    for start in range(0, products, CHUNK):
        stop = min(start + CHUNK, products)
        batch = []
        for index in range(start, stop):
            leaf = _LEAVES[rng.randrange(len(_LEAVES))]
            batch.append(_product(rng, index, leaf, tree[leaf.path], art))
        with unit_of_work() as session:
            created = creation.create_products(session, batch)
            product_service.after_change(session, created)
            if stop >= analyzed_at * 2:
                _refresh_planner_statistics(session)
                analyzed_at = stop
        now = time.perf_counter()
        if stop == products or now - last_line >= 5:
            last_line = now
            yield f"catalog: {stop}/{products} products ({now - started:.1f}s)"

    with unit_of_work() as session:
        made = _save_missing(session, _manual_collections(session, rng, art))
    yield f"catalog: {made} featured collections; done in {time.perf_counter() - started:.1f}s"
