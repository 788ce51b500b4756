"""Product image uploads: real images made with Pillow, stored as WebP, served at /media."""

from __future__ import annotations

import io
import os

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from PIL import Image

from shop_core.api.media import mount_media
from shop_core.errors import InvalidInput
from shop_core.media import (
    MAX_SIDE,
    MAX_UPLOAD_BYTES,
    media_path,
    media_root,
    store_product_image,
)


def encode(image: Image.Image, fmt: str, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, format=fmt, **options)
    return out.getvalue()


def stored(url: str) -> Image.Image:
    image = Image.open(media_path(url))
    image.load()
    return image


def refused(data: bytes, filename: str) -> InvalidInput:
    with pytest.raises(InvalidInput) as info:
        store_product_image(data, filename)
    return info.value


def test_jpeg_is_turned_upright_by_exif_and_loses_its_metadata() -> None:
    # Landscape pixels, left half red: orientation 6 means "rotate 90° clockwise to view".
    image = Image.new("RGB", (400, 200), "blue")
    image.paste((255, 0, 0), (0, 0, 200, 200))
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation
    exif[0x010F] = "PhoneMaker"  # Make: metadata that must not survive
    data = encode(image, "JPEG", exif=exif.tobytes(), quality=95)

    result = store_product_image(data, "holiday.jpg")

    assert (result.width, result.height) == (200, 400)
    out = stored(result.url)
    assert out.size == (200, 400)
    top, bottom = out.convert("RGB").getpixel((100, 50)), out.convert("RGB").getpixel((100, 350))
    assert top[0] > 200 and top[2] < 60, top  # the left (red) half is now on top
    assert bottom[2] > 200 and bottom[0] < 60, bottom
    assert not out.getexif()


def test_big_png_is_resized_to_the_longest_side_and_stored_as_webp() -> None:
    data = encode(Image.new("RGB", (4000, 3000), (30, 160, 120)), "PNG")

    result = store_product_image(data, "poster.png")

    assert (result.width, result.height) == (MAX_SIDE, 1200)
    path = media_path(result.url)
    assert path.is_file()
    assert path.parent.parent == media_root() / "products"
    assert path.parent.name == path.stem[:2]
    assert result.url == f"/media/products/{path.parent.name}/{path.name}"
    raw = path.read_bytes()
    assert raw[:4] == b"RIFF" and raw[8:12] == b"WEBP"
    out = stored(result.url)
    assert out.format == "WEBP" and out.size == (MAX_SIDE, 1200)


def test_small_images_keep_their_size_and_transparency() -> None:
    image = Image.new("RGBA", (300, 120), (255, 200, 0, 0))
    image.paste((255, 200, 0, 255), (0, 0, 150, 120))
    result = store_product_image(encode(image, "PNG"), "logo.png")

    out = stored(result.url)
    assert (result.width, result.height) == out.size == (300, 120)
    assert out.mode == "RGBA"
    assert out.getpixel((250, 60))[3] == 0
    assert out.getpixel((50, 60))[3] == 255


def test_webp_and_first_frame_of_animated_gif_are_accepted() -> None:
    webp = encode(Image.new("RGB", (64, 48), "purple"), "WEBP")
    assert stored(store_product_image(webp, "a.webp").url).size == (64, 48)

    frames = [Image.new("P", (50, 40), i) for i in (1, 2, 3)]
    frames[0].putpalette([0, 0, 0, 255, 0, 0, 0, 255, 0, 0, 0, 255] + [0] * 756)
    gif = encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100)
    out = stored(store_product_image(gif, "spin.gif").url)
    assert out.size == (50, 40)
    assert getattr(out, "n_frames", 1) == 1
    red, green, blue = out.convert("RGB").getpixel((10, 10))
    assert red > 200 and green < 60 and blue < 60  # frame one, palette index 1 = red


def test_text_renamed_to_png_is_refused() -> None:
    error = refused(b"name,price\nTee,1999\n" * 20, "sneaky.png")
    assert error.code == "unsupported_image"
    assert "'sneaky.png'" in error.message and "JPEG, PNG, WebP or GIF" in error.message
    assert not list((media_root() / "products").rglob("*.part"))


def test_real_images_of_other_types_and_damaged_files_are_refused() -> None:
    bmp = encode(Image.new("RGB", (20, 20), "white"), "BMP")
    assert refused(bmp, "photo.jpg").code == "unsupported_image"

    jpeg = encode(Image.effect_noise((800, 600), 64).convert("RGB"), "JPEG")
    error = refused(jpeg[: len(jpeg) // 2], "cut.jpg")
    assert error.code == "unsupported_image" and "damaged" in error.message

    assert refused(b"", "empty.png").code == "unsupported_image"


def test_files_over_8_mb_are_refused_before_decoding() -> None:
    noise = Image.frombytes("RGB", (2000, 1500), os.urandom(2000 * 1500 * 3))
    data = encode(noise, "PNG", compress_level=0)
    assert len(data) > MAX_UPLOAD_BYTES

    error = refused(data, "huge.png")

    assert error.code == "image_too_large" and error.status == 413
    assert "8 MB" in error.message


def test_decompression_bombs_are_refused() -> None:
    # A few kilobytes that would decode to 48 megapixels.
    data = encode(Image.new("1", (8000, 6000)), "PNG")
    assert len(data) < 100_000

    error = refused(data, "bomb.png")

    assert error.code == "image_too_large"
    assert "8000×6000" in error.message and "megapixels" in error.message


def test_stored_images_are_served_over_http() -> None:
    result = store_product_image(encode(Image.new("RGB", (80, 60), "teal"), "PNG"), "t.png")
    app = FastAPI()
    mount_media(app)

    with TestClient(app) as client:
        response = client.get(result.url)
        assert response.status_code == 200
        assert response.headers["content-type"] == "image/webp"
        assert "immutable" in response.headers["cache-control"]
        assert response.content == media_path(result.url).read_bytes()

        assert client.get("/media/products/00/missing.webp").status_code == 404
        assert client.get("/media/../secret_key").status_code == 404
        assert client.get("/media/%2e%2e/secret_key").status_code == 404


def test_media_path_refuses_urls_outside_the_media_folder() -> None:
    for url in ("/media/../secret_key", "/elsewhere/x.webp", "/media"):
        with pytest.raises(ValueError):
            media_path(url)
