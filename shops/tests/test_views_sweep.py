"""The joint groups' pages: the worklist, the checklist, the shop's record, the photo."""

import io
import re
import uuid
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from PIL import Image

from communities.models import User
from shops import rules, services
from shops.forms import check_labels
from shops.models import Inspection, Shop, ShopEvent

from .conftest import sweep_build
from .factories import ShopFactory

Role = User.Role


def answers(**failed) -> dict[str, str]:
    """The checklist as the form posts it: every item "yes" except those given as False."""
    return {item: "yes" if failed.get(item, True) else "no" for item in rules.CHECKS}


def png(size: int = 8) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (size, size), "green").save(buffer, format="PNG")
    return SimpleUploadedFile("IMG_0001.png", buffer.getvalue(), content_type="image/png")


@pytest.fixture
def team(world):
    """A running campaign (started five days ago), five shops a road."""
    return sweep_build(world, starts_on=timezone.localdate() - timedelta(days=5), shops_per_road=5)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def en(client):
    """The client reads the pages in English (the Chinese catalogue is the lead's)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def inspect_url(shop):
    return reverse("sweep:inspect", args=[shop.pk])


def detail_url(shop):
    return reverse("sweep:shop-detail", args=[shop.pk])


# --- The worklist --------------------------------------------------------------------------


def test_anonymous_is_sent_to_sign_in(client, team):
    response = client.get(reverse("sweep:worklist"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_worklist_puts_due_reinspections_first_and_inspected_shops_last(client, team):
    today = timezone.localdate()
    red_due, reminder_due, not_seen, waiting, done = team["share"]
    services.inspection_record(
        shop=done, by=team["users"]["market"], answers=dict.fromkeys(rules.CHECKS, True)
    )
    Shop.objects.filter(pk=red_due.pk).update(
        placard=Shop.Placard.RED, state=Shop.State.CLOSED, reinspection_due=today
    )
    Shop.objects.filter(pk=waiting.pk).update(
        placard=Shop.Placard.RED,
        state=Shop.State.CLOSED,
        reinspection_due=today + timedelta(days=2),
    )
    Shop.objects.filter(pk=reminder_due.pk).update(
        reminders=1, rectify_by=today - timedelta(days=1)
    )
    # on its deadline day a shop is still rectifying: not due yet
    Shop.objects.filter(pk=not_seen.pk).update(reminders=1, rectify_by=today)
    client.force_login(team["users"]["grid_worker"])

    response = client.get(reverse("sweep:worklist"))

    assert response.status_code == 200
    rows = [row for section in response.context["sections"] for row in section["rows"]]
    assert [row.shop.pk for row in rows] == [
        red_due.pk,
        reminder_due.pk,
        not_seen.pk,
        waiting.pk,
        done.pk,
    ]
    counts = {section["key"]: section["count"] for section in response.context["sections"]}
    assert counts == {"red-due": 1, "reminder-due": 1, "not-seen": 1, "waiting": 1, "done": 1}
    html = response.content.decode()
    assert (today + timedelta(days=2)).isoformat() in html  # the waiting shop's due day
    assert html.count('data-testid="worklist-item"') == 5
    assert inspect_url(red_due) in html
    # no 检查 button for the red shop before its re-inspection day (it would be refused)
    assert inspect_url(waiting) not in html and inspect_url(done) in html


def test_a_red_shops_page_has_no_inspect_button_before_its_day(client, team):
    shop = team["share"][0]
    due = timezone.localdate() + timedelta(days=2)
    Shop.objects.filter(pk=shop.pk).update(
        placard=Shop.Placard.RED, state=Shop.State.CLOSED, reinspection_due=due
    )
    client.force_login(team["users"]["market"])
    html = client.get(reverse("sweep:shop-detail", args=[shop.pk])).content.decode()
    assert 'data-testid="inspect"' not in html and due.isoformat() in html
    Shop.objects.filter(pk=shop.pk).update(reinspection_due=timezone.localdate())
    html = client.get(reverse("sweep:shop-detail", args=[shop.pk])).content.decode()
    assert 'data-testid="inspect"' in html


def test_the_street_supervisor_is_sent_to_the_campaign_pages(client, team):
    client.force_login(team["users"]["street_supervisor"])
    html = client.get(reverse("sweep:worklist")).content.decode()
    assert 'data-testid="supervisor"' in html and reverse("shops:campaign-list") in html
    assert 'data-testid="no-group"' not in html


def test_worklist_shows_only_the_users_group_share(client, team):
    client.force_login(team["users"]["market_b"])
    response = client.get(reverse("sweep:worklist"))
    shown = {row.shop.pk for section in response.context["sections"] for row in section["rows"]}
    assert shown.isdisjoint({shop.pk for shop in team["share"]})
    assert len(shown) == 5


def test_worklist_explains_itself_to_staff_in_no_group(en, team):
    en.force_login(team["users"]["inspector"])
    response = en.get(reverse("sweep:worklist"))
    assert response.status_code == 200
    assert response.context["joined"] is False
    assert "You are not in a joint group" in response.content.decode()


def test_worklist_query_count_does_not_grow_with_the_share(client, team, django_assert_num_queries):
    client.force_login(team["users"]["grid_worker"])
    url = reverse("sweep:worklist")
    with django_assert_num_queries(3):  # session, user, the worklist
        client.get(url)
    for i in range(20):
        ShopFactory(grid=team["nodes"]["grid_a"], road="小店路", address=f"小店路{100 + i}号")
    services.shares_split_by_road(campaign=team["campaign"])
    services.inspection_record(
        shop=Shop.objects.filter(assignments__group=team["groups"][0]).first(),
        by=team["users"]["market"],
        answers=dict.fromkeys(rules.CHECKS, True),
    )
    with django_assert_num_queries(3):
        response = client.get(url)
    assert response.context["total"] == 15


# --- Inspecting ---------------------------------------------------------------------------


def test_all_yes_posts_green_and_redirects_to_the_shop(en, team):
    shop = team["share"][0]
    en.force_login(team["users"]["market"])

    response = en.post(inspect_url(shop), {**answers(), "note": " 一切正常 "})

    assert response.status_code == 302
    assert response.url == detail_url(shop)
    shop.refresh_from_db()
    assert shop.placard == Shop.Placard.GREEN
    inspection = Inspection.objects.get(shop=shop)
    assert (inspection.outcome, inspection.group, inspection.note) == (
        Inspection.Outcome.GREEN,
        team["groups"][0],
        "一切正常",
    )
    page = en.get(response.url).content.decode()
    assert "Passed: green placard posted." in page


def test_one_failed_item_gives_a_reminder_with_its_deadline(en, team):
    shop = team["share"][0]
    en.force_login(team["users"]["grid_worker"])

    response = en.post(inspect_url(shop), answers(masks_worn=False), follow=True)

    deadline = timezone.localdate() + timedelta(days=settings.SHOP_RECTIFY_DAYS)
    assert f"the shop must rectify by {deadline.isoformat()}" in response.content.decode()
    shop.refresh_from_db()
    assert (shop.placard, shop.reminders, shop.rectify_by) == (Shop.Placard.NONE, 1, deadline)


def test_failure_after_the_reminders_posts_red_with_the_reinspection_day(en, team):
    shop = team["share"][0]
    Shop.objects.filter(pk=shop.pk).update(reminders=settings.SHOP_MAX_REMINDERS)
    en.force_login(team["users"]["grid_worker"])

    response = en.post(inspect_url(shop), answers(codes_checked=False), follow=True)

    due = timezone.localdate() + timedelta(days=settings.SHOP_CLOSURE_DAYS)
    html = response.content.decode()
    assert "Red placard posted: the shop closes at once" in html
    assert f"after {settings.SHOP_CLOSURE_DAYS} days, from {due.isoformat()}" in html
    shop.refresh_from_db()
    assert (shop.placard, shop.state, shop.reinspection_due) == (
        Shop.Placard.RED,
        Shop.State.CLOSED,
        due,
    )


def test_a_failure_before_the_deadline_is_recorded_without_another_reminder(en, team):
    shop = team["share"][0]
    deadline = timezone.localdate()  # the deadline day is still the shop's
    Shop.objects.filter(pk=shop.pk).update(reminders=1, rectify_by=deadline)
    en.force_login(team["users"]["grid_worker"])
    form = en.get(inspect_url(shop)).content.decode()
    assert 'data-testid="deadline-running"' in form and deadline.isoformat() in form

    response = en.post(inspect_url(shop), answers(masks_worn=False), follow=True)

    html = response.content.decode()
    assert (
        f"Recorded: the shop has until {deadline.isoformat()} to rectify, so this is not "
        "another reminder." in html
    )
    assert 'data-outcome="in_period"' in html
    assert "Recorded within the rectification period, not another reminder" in html
    shop.refresh_from_db()
    assert (shop.placard, shop.state, shop.reminders, shop.rectify_by) == (
        "none",
        "open",
        1,
        deadline,
    )
    assert Inspection.objects.get(shop=shop).outcome == Inspection.Outcome.IN_PERIOD
    assert not ShopEvent.objects.exists()


def test_a_second_inspection_the_same_day_is_recorded_but_not_counted(en, team):
    shop = team["share"][0]
    services.inspection_record(
        shop=shop, by=team["users"]["market"], answers=dict.fromkeys(rules.CHECKS, True)
    )
    en.force_login(team["users"]["grid_worker"])
    form = en.get(inspect_url(shop)).content.decode()
    assert 'data-testid="counted-today"' in form

    response = en.post(inspect_url(shop), answers(masks_worn=False), follow=True)

    html = response.content.decode()
    assert "Recorded, but not counted: the shop was already inspected today" in html
    assert 'data-outcome="repeat"' in html
    shop.refresh_from_db()
    assert (shop.placard, shop.state, shop.reminders) == ("green", "open", 0)
    assert list(Inspection.objects.filter(shop=shop).values_list("outcome", flat=True)) == [
        Inspection.Outcome.REPEAT,
        Inspection.Outcome.GREEN,
    ]


def form_token(client, shop) -> str:
    """The one-time token of a freshly opened checklist."""
    return str(client.get(inspect_url(shop)).context["form"]["token"].value())


def test_each_checklist_page_carries_a_fresh_token(client, team):
    shop = team["share"][0]
    client.force_login(team["users"]["grid_worker"])
    page = client.get(inspect_url(shop))
    token = str(page.context["form"]["token"].value())
    assert f'<input type="hidden" name="token" value="{token}"' in page.content.decode()
    assert uuid.UUID(token) and form_token(client, shop) != token


def test_the_same_checklist_submitted_twice_records_once(en, team):
    shop = team["share"][0]
    en.force_login(team["users"]["grid_worker"])
    data = {**answers(masks_worn=False), "token": form_token(en, shop)}
    first = en.post(inspect_url(shop), data)
    assert first.status_code == 302

    again = en.post(inspect_url(shop), data, follow=True)  # a double tap, or the back button

    assert again.redirect_chain == [(detail_url(shop), 302)]
    html = again.content.decode()
    assert "This checklist was already recorded; it was not recorded again." in html
    assert "Rectification reminder: the shop must rectify by" in html
    inspection = Inspection.objects.get(shop=shop)
    assert str(inspection.token) == data["token"]
    shop.refresh_from_db()
    assert (shop.reminders, shop.placard) == (1, Shop.Placard.NONE)
    assert ShopEvent.objects.count() == 1


def test_resubmitting_the_checklist_that_closed_the_shop_shows_the_red_placard(en, team):
    shop = team["share"][0]
    Shop.objects.filter(pk=shop.pk).update(reminders=settings.SHOP_MAX_REMINDERS)
    en.force_login(team["users"]["grid_worker"])
    data = {**answers(codes_checked=False), "token": form_token(en, shop)}
    assert en.post(inspect_url(shop), data).status_code == 302

    again = en.post(inspect_url(shop), data, follow=True)

    assert "Red placard posted: the shop closes at once" in again.content.decode()
    assert "closed under a red placard" not in again.content.decode()
    assert Inspection.objects.filter(shop=shop).count() == 1


@pytest.mark.parametrize(
    ("token", "error"),
    [
        ("not-a-token", "This checklist's token is not valid: open it again."),
        ("other", "This checklist was used for another inspection: open it again."),
    ],
)
def test_a_bad_token_is_refused_and_nothing_is_stored(en, team, token, error):
    shop, other = team["share"][:2]
    earlier, _created = services.inspection_record(
        shop=other,
        by=team["users"]["grid_worker"],
        answers=dict.fromkeys(rules.CHECKS, True),
        token=uuid.uuid4(),
    )
    en.force_login(team["users"]["grid_worker"])
    token = str(earlier.token) if token == "other" else token

    response = en.post(inspect_url(shop), {**answers(), "token": token})

    assert response.status_code == 200
    assert response.context["form"].errors["token"] == [error]
    assert escape(error) in response.content.decode()  # shown above the form
    assert not Inspection.objects.filter(shop=shop).exists()
    shop.refresh_from_db()
    assert shop.placard == Shop.Placard.NONE


def test_missing_answers_are_named_one_by_one_and_nothing_is_stored(client, team):
    shop = team["share"][0]
    client.force_login(team["users"]["grid_worker"])
    data = answers()
    del data["masks_worn"], data["visitors_registered"]

    response = client.post(inspect_url(shop), data)

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"masks_worn", "visitors_registered"}
    with translation.override("zh-hans"):  # the default language names the item in it
        label = str(check_labels()["masks_worn"])
    assert label in response.context["form"].errors["masks_worn"][0]
    assert response.content.decode().count('data-testid="error"') == 2
    assert not Inspection.objects.exists()
    assert not ShopEvent.objects.exists()


def test_missing_answer_message_in_english(en, team):
    en.force_login(team["users"]["grid_worker"])
    data = answers()
    del data["temperature_taken"]
    response = en.post(inspect_url(team["share"][0]), data)
    assert response.context["form"].errors["temperature_taken"] == [
        "Answer “Temperature taken”: yes or no."
    ]


def test_nothing_is_preselected_on_the_checklist(client, team):
    client.force_login(team["users"]["grid_worker"])
    response = client.get(inspect_url(team["share"][0]))
    html = response.content.decode()
    assert html.count('class="btn-check"') == 2 * len(rules.CHECKS)
    assert re.search(r"<input[^>]* checked", html) is None
    assert 'capture="environment"' in html
    assert 'accept="image/jpeg,image/png"' in html


def test_a_photo_that_is_not_an_image_is_refused(en, team, media):
    en.force_login(team["users"]["grid_worker"])
    fake = SimpleUploadedFile("photo.jpg", b"%PDF-1.4 not a photo", content_type="image/jpeg")

    response = en.post(inspect_url(team["share"][0]), {**answers(), "photo": fake})

    assert response.status_code == 200
    assert response.context["form"].errors["photo"] == ["The photo must be a JPEG or PNG image."]
    assert not Inspection.objects.exists()
    assert not any(media.rglob("*.*"))


def test_a_photo_over_the_size_limit_is_refused(client, team, media, settings):
    settings.SHOP_PHOTO_MAX_BYTES = 10
    client.force_login(team["users"]["grid_worker"])

    response = client.post(inspect_url(team["share"][0]), {**answers(), "photo": png()})

    assert response.status_code == 200
    assert "photo" in response.context["form"].errors
    assert not Inspection.objects.exists()
    assert not any(media.rglob("*.*"))


def test_a_png_photo_is_stored_under_a_name_of_its_own_and_served(client, team, media):
    shop = team["share"][0]
    client.force_login(team["users"]["grid_worker"])
    upload = png()

    response = client.post(inspect_url(shop), {**answers(), "photo": upload})

    assert response.status_code == 302
    inspection = Inspection.objects.get(shop=shop)
    assert inspection.photo.name.startswith("inspections/")
    assert inspection.photo.name.endswith(".png")
    assert "IMG_0001" not in inspection.photo.name
    assert (media / inspection.photo.name).exists()
    photo_url = reverse("sweep:inspection-photo", args=[inspection.pk])
    assert photo_url in client.get(detail_url(shop)).content.decode()
    served = client.get(photo_url)
    assert served.status_code == 200
    assert served["Content-Type"] == "image/png"
    # stored re-encoded: the same picture
    with Image.open(io.BytesIO(b"".join(served.streaming_content))) as image:
        assert (image.format, image.size) == ("PNG", (8, 8))


def test_photo_of_an_inspection_without_one_is_404(client, team):
    inspection, _created = services.inspection_record(
        shop=team["share"][0],
        by=team["users"]["market"],
        answers=dict.fromkeys(rules.CHECKS, True),
    )
    client.force_login(team["users"]["market"])
    response = client.get(reverse("sweep:inspection-photo", args=[inspection.pk]))
    assert response.status_code == 404


def test_red_shop_before_its_due_day_is_refused_and_nothing_is_stored(en, team):
    shop = team["share"][0]
    due = timezone.localdate() + timedelta(days=2)
    Shop.objects.filter(pk=shop.pk).update(
        placard=Shop.Placard.RED, state=Shop.State.CLOSED, reinspection_due=due
    )
    en.force_login(team["users"]["market"])

    page = en.get(inspect_url(shop))
    assert page.status_code == 200
    assert page.context["refusal"] and due.isoformat() in page.context["refusal"]
    assert 'data-testid="inspection-form"' not in page.content.decode()
    assert 'data-testid="reinspection-due"' in page.content.decode()

    response = en.post(inspect_url(shop), answers())

    assert response.status_code == 200
    (error,) = response.context["form"].non_field_errors()
    assert "closed under a red placard" in error and due.isoformat() in error
    assert not Inspection.objects.exists()
    shop.refresh_from_db()
    assert (shop.placard, shop.state) == (Shop.Placard.RED, Shop.State.CLOSED)


def test_red_shop_on_its_due_day_is_reinspected(en, team):
    shop = team["share"][0]
    Shop.objects.filter(pk=shop.pk).update(
        placard=Shop.Placard.RED, state=Shop.State.CLOSED, reinspection_due=timezone.localdate()
    )
    en.force_login(team["users"]["market"])
    response = en.post(inspect_url(shop), answers())
    assert response.status_code == 302
    shop.refresh_from_db()
    assert (shop.placard, shop.state) == (Shop.Placard.GREEN, Shop.State.OPEN)
    assert ShopEvent.objects.get(shop=shop).kind == ShopEvent.Kind.RED_REMOVED


def test_shop_seen_but_outside_the_groups_share_says_so(en, team):
    # The grid worker sees every shop of their grid, also those in group 2's share.
    shop = Shop.objects.get(
        assignments__group=team["groups"][1], grid=team["nodes"]["grid_a"], address="通达街1号"
    )
    en.force_login(team["users"]["grid_worker"])

    page = en.get(inspect_url(shop))
    assert page.status_code == 200
    assert "not in your joint group's share" in page.context["refusal"]

    response = en.post(inspect_url(shop), answers())
    assert response.status_code == 200
    assert "not in your joint group's share" in response.context["form"].non_field_errors()[0]
    assert not Inspection.objects.exists()


# --- The shop's record -------------------------------------------------------------------


def test_shop_detail_shows_the_masked_phone_timeline_and_failed_items(en, team):
    shop = team["share"][0]
    services.inspection_record(
        shop=shop,
        by=team["users"]["market"],
        answers={**dict.fromkeys(rules.CHECKS, True), "supplies_in_place": False},
        note="消毒液用完",
    )
    en.force_login(team["users"]["grid_worker"])

    response = en.get(detail_url(shop))

    assert response.status_code == 200
    html = response.content.decode()
    assert "139****5678" in html and "13912345678" not in html
    assert 'data-kind="reminder"' in html
    assert "Prevention supplies in place" in html
    assert "消毒液用完" in html
    assert inspect_url(shop) in html
    assert 'data-testid="placard-print"' not in html  # no placard on the shop


def test_street_supervisor_sees_the_shop_but_cannot_inspect_it(client, team):
    shop = team["share"][0]
    client.force_login(team["users"]["street_supervisor"])
    assert client.get(detail_url(shop)).status_code == 200
    assert inspect_url(shop) not in client.get(detail_url(shop)).content.decode()
    assert client.get(inspect_url(shop)).context["refusal"]


@pytest.mark.parametrize("outsider", ["market_b", "inspector", "outsider_grid_worker"])
@pytest.mark.parametrize("page", ["detail", "inspect", "photo"])
def test_outsiders_get_404(client, team, media, outsider, page):
    shop = team["share"][0]
    inspection, _created = services.inspection_record(
        shop=shop,
        by=team["users"]["market"],
        answers=dict.fromkeys(rules.CHECKS, True),
        photo=png(),
        token=uuid.uuid4(),
    )
    url = {
        "detail": detail_url(shop),
        "inspect": inspect_url(shop),
        "photo": reverse("sweep:inspection-photo", args=[inspection.pk]),
    }[page]
    client.force_login(team["users"][outsider])
    assert client.get(url).status_code == 404
    if page == "inspect":  # also with the token of the shop's inspection
        assert client.post(url, {**answers(), "token": inspection.token}).status_code == 404
        assert Inspection.objects.count() == 1
