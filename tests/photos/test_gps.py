"""GPS detection without Pillow, checked against files Pillow writes."""

import pytest
from PIL import Image

from generator.photos.gps import has_gps


def exif_with_gps():
    exif = Image.Exif()
    exif[0x010F] = "Camera maker"
    exif.get_ifd(0x8825).update({1: "N", 2: (51.0, 55.0, 12.3), 3: "E", 4: (4.0, 28.0, 45.6)})
    return exif


def exif_without_gps():
    exif = Image.Exif()
    exif[0x010F] = "Camera maker"
    exif[0x0112] = 6
    return exif


@pytest.mark.parametrize("fmt,ext", [("JPEG", "jpg"), ("PNG", "png"), ("WEBP", "webp")])
def test_detects_gps_in_each_format(tmp_path, fmt, ext):
    with_gps, without = tmp_path / f"gps.{ext}", tmp_path / f"plain.{ext}"
    Image.new("RGB", (64, 48), "red").save(with_gps, fmt, exif=exif_with_gps())
    Image.new("RGB", (64, 48), "red").save(without, fmt, exif=exif_without_gps())
    assert has_gps(with_gps) is True
    assert has_gps(without) is False


def test_no_exif_and_not_an_image(tmp_path):
    plain = tmp_path / "plain.jpg"
    Image.new("RGB", (8, 8)).save(plain)
    (tmp_path / "text.jpg").write_text("hello")
    assert has_gps(plain) is False
    assert has_gps(tmp_path / "text.jpg") is False
    assert has_gps(tmp_path / "missing.jpg") is False
