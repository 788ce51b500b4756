"""Product image uploads: checked, normalised and stored as WebP under the data folder.

Every upload is decoded and re-encoded, never stored as sent: the real type comes from
the decoder (not the file name), EXIF metadata such as GPS positions is dropped, and
what is served is always a plain WebP image of a bounded size. Files get random names
in 256 shard folders, so they can be cached forever and no folder grows huge.
"""

from __future__ import annotations

import io
import os
import uuid
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

from shop_core.errors import InvalidInput
from shop_core.settings import get_settings

MAX_UPLOAD_BYTES = 8 * 1024 * 1024
MAX_PIXELS = 40_000_000  # well under Pillow's own bomb limit (~89 MP), checked before decoding
MAX_SIDE = 1600
WEBP_QUALITY = 82
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
MEDIA_URL_PREFIX = "/media"
_PRODUCTS = "products"


@dataclass(frozen=True)
class StoredImage:
    url: str
    width: int
    height: int


def media_root() -> Path:
    """The folder served at /media (the data folder's `media/`)."""
    return get_settings().data_dir / "media"


def media_path(url: str) -> Path:
    """The file behind a /media URL; refuses anything that would leave the media folder."""
    relative = PurePosixPath(url).relative_to(MEDIA_URL_PREFIX)
    if not relative.parts or any(part in ("", ".", "..") for part in relative.parts):
        raise ValueError(f"not a media URL: {url!r}")
    return media_root().joinpath(*relative.parts)


def _display_name(filename: str) -> str:
    name = PurePosixPath(filename.replace("\\", "/")).name.strip()
    return f"'{name[:80]}'" if name else "The file"


def _unsupported(filename: str, why: str) -> InvalidInput:
    return InvalidInput(
        f"{_display_name(filename)} {why} Upload a JPEG, PNG, WebP or GIF image.",
        code="unsupported_image",
        fields={"image": "Not a JPEG, PNG, WebP or GIF image."},
    )


def _too_large(message: str, field: str) -> InvalidInput:
    return InvalidInput(message, code="image_too_large", status=413, fields={"image": field})


def _open(data: bytes, filename: str) -> ImageFile.ImageFile:
    if len(data) > MAX_UPLOAD_BYTES:
        size_mb = len(data) / (1024 * 1024)
        limit_mb = MAX_UPLOAD_BYTES // (1024 * 1024)
        raise _too_large(
            f"{_display_name(filename)} is {size_mb:.1f} MB; images may be at most {limit_mb} MB.",
            f"At most {limit_mb} MB.",
        )
    if not data:
        raise _unsupported(filename, "is empty.")
    try:
        # Only these decoders are tried, whatever the name says; opening reads the header only.
        image = Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
    except Image.DecompressionBombError as exc:
        raise _bomb(filename) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise _unsupported(filename, "is not an image we accept.") from exc
    width, height = image.size
    if width < 1 or height < 1:
        raise _unsupported(filename, "has no pixels.")
    if width * height > MAX_PIXELS:
        raise _bomb(filename, width, height)
    return image


def _bomb(filename: str, width: int | None = None, height: int | None = None) -> InvalidInput:
    size = f" ({width}×{height} pixels)" if width and height else ""
    return _too_large(
        f"{_display_name(filename)} is too large{size}; images may have at most "
        f"{MAX_PIXELS // 1_000_000} megapixels.",
        f"At most {MAX_PIXELS // 1_000_000} megapixels.",
    )


def _normalise(image: ImageFile.ImageFile, filename: str) -> Image.Image:
    """Decode (first frame only), upright, RGB or RGBA, longest side at most MAX_SIDE."""
    if image.format in ("JPEG", "MPO"):  # MPO: multi-picture JPEGs from phone cameras
        # Let libjpeg decode at a reduced scale that is still at least MAX_SIDE: much faster.
        image.draft(image.mode, (MAX_SIDE, MAX_SIDE))
    try:
        image.load()  # of an animation, the first frame
        upright = ImageOps.exif_transpose(image)
    except Image.DecompressionBombError as exc:
        raise _bomb(filename) from exc
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise _unsupported(filename, "is damaged or incomplete.") from exc
    if upright.mode in ("I;16", "I;16B", "I;16L", "I;16N", "I"):
        # 16-bit greyscale: scale to 8 bits instead of clipping everything to white.
        upright = upright.convert("I").point(lambda v: v / 256).convert("L")
    has_alpha = upright.mode in ("RGBA", "LA", "PA", "RGBa", "La") or (
        upright.mode == "P" and "transparency" in upright.info
    )
    converted = upright.convert("RGBA" if has_alpha else "RGB")
    converted.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    return converted


def store_product_image(data: bytes, filename: str) -> StoredImage:
    """Validate an uploaded product image and store it as WebP; returns its URL and size.

    Raises InvalidInput `unsupported_image` for anything that is not a JPEG, PNG, WebP or
    GIF, and `image_too_large` (413) above MAX_UPLOAD_BYTES or MAX_PIXELS.
    """
    source = _open(data, filename)
    icc = source.info.get("icc_profile") if source.mode in ("RGB", "RGBA") else None
    image = _normalise(source, filename)
    out = io.BytesIO()
    save_options: dict[str, object] = {"quality": WEBP_QUALITY, "method": 4}
    if icc:
        save_options["icc_profile"] = icc  # keep wide-gamut phone photos' colours right
    image.save(out, format="WEBP", **save_options)

    name = uuid.uuid4().hex
    shard = name[:2]
    folder = media_root() / _PRODUCTS / shard
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{name}.webp"
    partial = folder / f".{name}.part"
    # Write then rename: a reader never sees half a file under the public name.
    partial.write_bytes(out.getvalue())
    os.replace(partial, target)
    return StoredImage(
        url=f"{MEDIA_URL_PREFIX}/{_PRODUCTS}/{shard}/{name}.webp",
        width=image.width,
        height=image.height,
    )
