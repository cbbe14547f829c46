"""The printed placard (A4 page and PDF) and the public status page its QR code opens."""

import base64
import re
import zlib
from unittest import mock

import pytest
from django.test import RequestFactory
from django.urls import reverse

from shops import placards
from shops.models import Shop

from .conftest import first_share, inspect
from .factories import ShopFactory

GREEN_WORDS = "该经营户落实疫情防控措施到位"
RED_WORDS = "该经营户不落实疫情防控措施，立即关停"
PHONE = "13912345678"  # the factory's contact phone
LICENCE = "92140105MA0KXYZ12Q"


@pytest.fixture
def green(sweep):
    shop = first_share(sweep)
    Shop.objects.filter(pk=shop.pk).update(licence_number=LICENCE)
    inspect(sweep, shop, day=0)
    shop.refresh_from_db()
    return shop


@pytest.fixture
def red(sweep):
    """Failed and reminded, again after the deadline (reminder 2), then after that deadline
    too: red placard on day 6, closed for 3 days."""
    shop = first_share(sweep)
    Shop.objects.filter(pk=shop.pk).update(licence_number=LICENCE)
    for day in (0, 3, 6):
        inspect(sweep, shop, day=day, masks_worn=False)
    shop.refresh_from_db()
    assert shop.placard == Shop.Placard.RED
    return shop


def login(client, sweep, who="street_supervisor"):
    client.force_login(sweep["users"][who])
    return client


def placard_url(shop):
    return reverse("placards:placard", args=[shop.pk])


def pdf_url(shop):
    return reverse("placards:placard-pdf", args=[shop.pk])


def status_url(shop):
    return reverse("shop-status:status", args=[shop.public_id])


def pdf_text(data: bytes) -> str:
    """The text drawn on the PDF's pages: reportlab writes its content streams ASCII85 and
    Flate encoded, and the CID font's strings as UTF-16BE with octal escapes."""
    text = []
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", data, re.S):
        content = zlib.decompress(base64.a85decode(stream.strip(), adobe=True))
        for literal in re.findall(rb"\(((?:\\[0-7]{1,3}|\\.|[^\\()])*)\)\s*Tj", content):
            raw = re.sub(
                rb"\\([0-7]{1,3}|.)",
                lambda m: (
                    bytes([int(m[1], 8)])
                    if m[1][:1].isdigit()
                    else {b"n": b"\n", b"r": b"\r", b"t": b"\t"}.get(m[1], m[1])
                ),
                literal,
            )
            text.append(raw.decode("utf-16-be"))
    return "\n".join(text)


def test_green_placard_page_praises_the_shop_with_a_qr_code(client, sweep, green):
    response = login(client, sweep).get(placard_url(green))
    assert response.status_code == 200
    html = response.content.decode()
    for words in ("绿牌", "表扬", GREEN_WORDS, green.name, green.address, "小店街道"):
        assert words in html
    assert "第1联合小组" in html
    assert "2022-03-28" in html  # the day of the inspection that posted it
    assert "扫码查看本店防疫状态" in html
    assert "<svg" in html
    assert RED_WORDS not in html
    assert "停业整改" not in html
    assert PHONE not in html
    assert LICENCE not in html


def test_red_placard_page_warns_and_gives_the_reinspection_day(client, sweep, red):
    response = login(client, sweep).get(placard_url(red))
    assert response.status_code == 200
    html = response.content.decode()
    for words in ("红牌", "警告", RED_WORDS, red.name, "<svg"):
        assert words in html
    assert red.reinspection_due.isoformat() == "2022-04-06"  # closed on day 6 for 3 days
    assert "停业整改3天，复查日期：2022-04-06" in html
    assert "2022-04-03" in html  # the inspection that posted the red placard
    assert GREEN_WORDS not in html


def test_placard_pdf_is_one_a4_page_with_the_placard_words_and_no_phone(client, sweep, red):
    response = login(client, sweep).get(pdf_url(red))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="placard-{red.pk}-20220403.pdf"'
    )
    data = response.content
    assert data.startswith(b"%PDF")
    assert len(re.findall(rb"/Type /Page\b(?!s)", data)) == 1
    assert b"/MediaBox [ 0 0 595.2756 841.8898 ]" in data  # A4 in points
    text = pdf_text(data)
    for words in ("红牌", "警告", "立即关停", "停业整改3天，复查日期：2022-04-06", red.name):
        assert words in text
    assert "第1联合小组" in text
    assert "扫码查看本店防疫状态" in text
    assert PHONE not in text and PHONE.encode() not in data
    assert LICENCE not in text


def test_green_placard_pdf_says_praise(client, sweep, green):
    response = login(client, sweep).get(pdf_url(green))
    text = pdf_text(response.content)
    assert "表扬" in text and GREEN_WORDS in text
    assert "警告" not in text and "停业整改" not in text


def test_placard_context_points_the_qr_code_at_the_public_status_page(sweep, green):
    request = RequestFactory().get("/placards/1/")
    context = placards.placard_context(green, None, request=request)
    assert context["url"] == f"http://testserver/s/{green.public_id}/"
    assert placards.qr_drawing(context["url"]).contents[0].value == context["url"]
    svg = placards.qr_svg(context["url"])
    assert svg.startswith("<svg") and "<?xml" not in svg
    assert context["group"] == ""  # no inspection: no group to name


def test_public_base_url_overrides_the_request_host(sweep, green, settings):
    settings.PUBLIC_BASE_URL = "https://grid.example.cn/"
    url = placards.status_url(green, RequestFactory().get("/"))
    assert url == f"https://grid.example.cn/s/{green.public_id}/"


@pytest.mark.parametrize("view", [placard_url, pdf_url])
def test_the_qr_code_encodes_the_public_status_url(client, sweep, green, view):
    with mock.patch.object(placards, "QrCodeWidget", wraps=placards.QrCodeWidget) as widget:
        response = login(client, sweep).get(view(green))
    assert response.status_code == 200
    assert widget.call_args.args[0] == f"http://testserver{status_url(green)}"


def test_public_status_shows_the_red_placard_and_closure_without_personal_data(client, sweep, red):
    response = client.get(status_url(red), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    html = response.content.decode()
    for words in (red.name, red.address, "通达街社区", "小店街道", "Red placard"):
        assert words in html
    assert "Closed for rectification" in html
    assert "2022-04-06" in html  # re-inspection day
    assert "2022-04-03" in html  # last inspection
    assert PHONE not in html
    assert LICENCE not in html
    for member in ("grid_worker", "market", "enforcer"):
        assert sweep["users"][member].username not in html


def test_public_status_shows_a_green_shop_open(client, sweep, green):
    html = client.get(status_url(green), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Green placard" in html and "Open" in html
    assert "Re-inspection" not in html
    assert '<meta name="robots" content="noindex, nofollow">' in html  # QR only, not search


def test_public_status_of_a_shop_never_inspected(client, world):
    shop = world["shops"]["grid_a"]
    response = client.get(status_url(shop), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "No placard" in response.content.decode()
    assert "Not inspected yet" in response.content.decode()


def test_public_status_of_an_unknown_shop_is_404(client, db):
    response = client.get("/s/123e4567-e89b-12d3-a456-426614174000/")
    assert response.status_code == 404


@pytest.mark.parametrize("view", [placard_url, pdf_url])
def test_anonymous_is_sent_to_sign_in_for_the_placard(client, sweep, green, view):
    response = client.get(view(green))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("view", [placard_url, pdf_url])
@pytest.mark.parametrize(
    "outsider",
    ["outsider_supervisor", "outsider_grid_worker", "market_b", "inspector"],
)
def test_outsiders_get_404_for_the_placard(client, sweep, green, view, outsider):
    # Another street's staff, and inspectors not in the shop's joint group.
    response = login(client, sweep, outsider).get(view(green))
    assert response.status_code == 404


@pytest.mark.parametrize("member", ["grid_worker", "market", "enforcer"])
def test_the_group_that_posted_it_may_print_it(client, sweep, green, member):
    assert login(client, sweep, member).get(pdf_url(green)).status_code == 200


@pytest.mark.parametrize("view", [placard_url, pdf_url])
def test_a_shop_without_placard_has_no_placard_to_print(client, sweep, view):
    shop = first_share(sweep)
    assert shop.placard == Shop.Placard.NONE
    assert login(client, sweep).get(view(shop)).status_code == 404


def test_a_placard_set_by_hand_prints_without_group_or_day(client, sweep):
    shop = ShopFactory(grid=sweep["nodes"]["grid_a"], placard=Shop.Placard.RED)
    response = login(client, sweep).get(placard_url(shop))
    assert response.status_code == 200
    html = response.content.decode()
    assert "联合小组" not in html
    assert "停业整改3天" in html and "复查日期" not in html
    assert login(client, sweep).get(pdf_url(shop)).status_code == 200


WIDTH = placards.PAGE_W - 2 * placards.MARGIN


@pytest.mark.parametrize(
    ("text", "size", "lines"),
    [
        (RED_WORDS, 28, ["该经营户不落实疫情防控措施，", "立即关停"]),
        ("通达街好再来大药房（小店分店）", 34, ["通达街好再来大药房（小店分", "店）"]),
        (GREEN_WORDS, 28, [GREEN_WORDS]),
        ("", 28, []),
    ],
)
def test_wrap_breaks_after_a_comma_and_never_before_closing_punctuation(text, size, lines):
    assert placards.wrap(text, placards._font(), size, WIDTH) == lines
