"""Images and PDFs are judged by what they are: a pixel bomb, a file that only starts like
an image or a PDF, or an image carrying a payload is refused or stored as a clean picture."""

import io
import struct
import zlib

import pytest
from django import forms
from django.test import override_settings
from PIL import Image
from pypdf import PdfWriter

from communities.uploads import image_reencoded, pdf_checked

REFUSED = "not a picture"


def png_header(width: int, height: int) -> bytes:
    """A PNG that declares width x height pixels in 1 bit per pixel with a few bytes of
    data: the size Pillow reads before decoding anything."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


def picture(kind: str, size=(16, 12)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (10, 120, 40)).save(out, kind)
    return out.getvalue()


def as_file(data: bytes, name="x.bin"):
    file = io.BytesIO(data)
    file.name = name
    return file


@pytest.mark.parametrize(("width", "height"), [(20000, 20000), (60000, 60000), (8000, 8000)])
def test_a_pixel_bomb_is_refused_before_decoding(width, height):
    with pytest.raises(forms.ValidationError) as refused:
        image_reencoded(as_file(png_header(width, height)), not_image=REFUSED)
    assert refused.value.code in {"too_many_pixels", "not_image"}


@override_settings(IMAGE_MAX_PIXELS=100)
def test_the_pixel_limit_is_a_setting():
    with pytest.raises(forms.ValidationError) as refused:
        image_reencoded(as_file(picture("PNG", (11, 10))), not_image=REFUSED)
    assert refused.value.code == "too_many_pixels"
    assert "11 × 10" in refused.value.messages[0]


@pytest.mark.parametrize(
    "data",
    [
        b"\xff\xd8\xff\xe0<html><script>alert(1)</script></html>",
        b"\x89PNG\r\n\x1a\n<html></html>",
        picture("JPEG")[:40],  # truncated
        picture("GIF"),  # an image, not one we take
        b"",
    ],
    ids=["jpeg-magic-html", "png-magic-html", "truncated-jpeg", "gif", "empty"],
)
def test_what_only_starts_like_an_image_is_not_one(data):
    with pytest.raises(forms.ValidationError) as refused:
        image_reencoded(as_file(data), not_image=REFUSED)
    assert refused.value.messages == [REFUSED]


@pytest.mark.parametrize(("kind", "extension"), [("JPEG", "jpg"), ("PNG", "png")])
def test_an_image_is_stored_re_encoded_without_what_trails_it(kind, extension):
    payload = b"<html><script>alert(1)</script></html>"
    stored = image_reencoded(as_file(picture(kind) + payload, "IMG.html"), not_image=REFUSED)
    data = stored.read()
    assert stored.name.endswith(f".{extension}") and "IMG" not in stored.name
    assert payload not in data
    with Image.open(io.BytesIO(data)) as image:
        assert (image.format, image.size) == (kind, (16, 12))


def test_gps_and_other_metadata_do_not_survive():
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    out = io.BytesIO()
    Image.new("RGB", (16, 12)).save(out, "JPEG", exif=exif)
    assert b"PhoneMaker" in out.getvalue()
    stored = image_reencoded(as_file(out.getvalue()), not_image=REFUSED)
    assert b"PhoneMaker" not in stored.read()


def test_a_real_pdf_is_kept_and_a_pdf_marker_is_not_a_pdf():
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    kept = pdf_checked(as_file(out.getvalue(), "报告.pdf"), not_pdf=REFUSED)
    assert kept.name.endswith(".pdf") and "报告" not in kept.name
    assert kept.read() == out.getvalue()
    for fake in (b"%PDF-1.4\n<html></html>", b"%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n"):
        with pytest.raises(forms.ValidationError) as refused:
            pdf_checked(as_file(fake), not_pdf=REFUSED)
        assert refused.value.messages == [REFUSED]
