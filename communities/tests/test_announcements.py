import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from communities import policies
from communities.models import AnnouncedRiskArea, Announcement

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "announcement_2022-03-28.json"
EXAMPLE = json.loads(FIXTURE.read_text())


def current(data=EXAMPLE):
    """A copy of `data` effective today: the command, the API and the upload page refuse
    the example's date, years ago."""
    return {**json.loads(json.dumps(data)), "effective": timezone.localdate().isoformat()}


def current_text(data=EXAMPLE):
    return json.dumps(current(data), ensure_ascii=False, indent=2)


def write(tmp_path, data, name="a.json"):
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data, ensure_ascii=False))
    return path


def test_loading_the_same_file_twice_changes_nothing(db, tmp_path, no_queue, capsys):
    file = write(tmp_path, current())
    call_command("load_announcement", file)
    call_command("load_announcement", file)
    assert Announcement.objects.count() == 1
    assert AnnouncedRiskArea.objects.count() == 2
    assert "Already loaded" in capsys.readouterr().out


def test_key_order_and_spacing_do_not_make_a_new_announcement(db, tmp_path, no_queue):
    call_command("load_announcement", write(tmp_path, current()))
    reordered = dict(reversed(list(current().items())))
    call_command("load_announcement", write(tmp_path, json.dumps(reordered, indent=4)))
    assert Announcement.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "fault"),
    [
        (lambda d: d["risk_areas"][1].update(level="severe"), "risk_areas[1].level"),
        (lambda d: d.update(effective="2022-02-30"), "effective"),
        (lambda d: d["epidemic_cities"][0].update(since="yesterday"), "epidemic_cities[0].since"),
        (lambda d: d["risk_areas"][0].pop("county"), "risk_areas[0].county"),
        (lambda d: d.update(risk_area=[]), "risk_area"),  # misspelt key
        (lambda d: d["measures"]["R3"][0].update(days=-7), "measures.R3[0].days"),
        (lambda d: d["measures"].update(R4=[{"kind": "home_quarantine", "days": 3}]), "measures"),
        (lambda d: d["case_counties"][0].update(county="x" * 51), "case_counties[0].county"),
    ],
)
def test_a_malformed_file_is_refused_whole_naming_the_field(db, tmp_path, no_queue, change, fault):
    data = current()
    change(data)
    with pytest.raises(CommandError) as caught:
        call_command("load_announcement", write(tmp_path, data))
    assert fault in str(caught.value)
    assert not Announcement.objects.exists() and not AnnouncedRiskArea.objects.exists()
    no_queue.assert_not_called()


def test_a_json_syntax_error_names_the_line(db, tmp_path):
    text = FIXTURE.read_text().replace('"medium",', '"medium"', 1)
    with pytest.raises(CommandError) as caught:
        call_command("load_announcement", write(tmp_path, text))
    message = str(caught.value)  # the line of the missing comma, in either language
    assert "第7行" in message or "Line 7," in message
    assert not Announcement.objects.exists()


def test_publishing_queues_the_recompute_after_commit(
    db, tmp_path, no_queue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_announcement", write(tmp_path, current()))
    no_queue.assert_called_once_with(Announcement.objects.get().pk)


def load(data, no_queue=None):
    from communities import services
    from communities.serializers import AnnouncementIn

    s = AnnouncementIn(data=data, context={"check_window": False})
    s.is_valid(raise_exception=True)
    return services.announcement_load(data=s.validated_data, by=None)[0]


def test_policy_in_force_follows_effective_dates_and_measures_carry_over(db, no_queue):
    assert policies.policy_on(date(2022, 3, 1)) is None
    load(EXAMPLE)
    later = {"title": "4月5日", "effective": "2022-04-05", "risk_areas": []}
    load(later)
    assert policies.policy_on(date(2022, 3, 27)) is None
    march = policies.policy_on(date(2022, 4, 4))
    april = policies.policy_on(date(2022, 4, 5))
    assert march.title == EXAMPLE["title"] and len(march.risk_areas) == 2
    assert april.title == "4月5日" and april.risk_areas == ()
    # R3's "7+7" of March still holds in April: no later announcement named R3.
    assert [p.days for p in april.measures["R3"]] == [7, 7]


def test_api_publish_is_for_the_city_office(world, no_queue):
    api = APIClient()
    api.force_authenticate(world["users"]["grid_worker"])
    assert api.post("/api/v1/announcements/", current(), format="json").status_code == 403
    api.force_authenticate(world["users"]["city_office"])
    first = api.post("/api/v1/announcements/", current(), format="json")
    second = api.post("/api/v1/announcements/", current(), format="json")
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["risk_areas"] == 2
    assert Announcement.objects.count() == 1


def test_api_refuses_a_bad_announcement_with_field_errors(world, no_queue):
    api = APIClient()
    api.force_authenticate(world["users"]["city_office"])
    bad = {**current(), "risk_areas": [{"level": "planet", "province": "吉林省"}]}
    response = api.post("/api/v1/announcements/", bad, format="json")
    assert response.status_code == 400
    assert "level" in response.json()["risk_areas"]["0"]
    assert not Announcement.objects.exists()


def test_api_refuses_what_is_not_json(world):
    api = APIClient()
    api.force_authenticate(world["users"]["city_office"])
    response = api.post("/api/v1/announcements/", "{not json", content_type="application/json")
    assert response.status_code == 400


def test_upload_page_previews_then_publishes(client, world, no_queue):
    client.force_login(world["users"]["city_office"])
    url = reverse("communities:announcement-upload")
    text = current_text()
    preview = client.post(url, {"text": text})
    html = preview.content.decode()
    assert "北京路街道" in html and not Announcement.objects.exists()
    published = client.post(url, {"text": text, "publish": "1"})
    assert published.status_code == 302
    assert Announcement.objects.count() == 1


def test_upload_page_shows_the_field_at_fault(client, world):
    client.force_login(world["users"]["city_office"])
    bad = current_text().replace('"high"', '"severe"')
    html = client.post(
        reverse("communities:announcement-upload"), {"text": bad, "publish": "1"}
    ).content.decode()
    assert "risk_areas[0].level" in html
    assert not Announcement.objects.exists()


def test_upload_page_is_only_for_the_city_office(client, world):
    client.force_login(world["users"]["district_office"])
    assert client.get(reverse("communities:announcement-upload")).status_code == 403


def test_compare_shows_what_changed(client, world, no_queue):
    first = load(EXAMPLE)
    changed = json.loads(json.dumps(EXAMPLE))
    changed["title"] = "3月29日"
    changed["effective"] = "2022-03-29"
    changed["risk_areas"].pop(1)
    changed["risk_areas"].append(
        {"level": "high", "province": "吉林省", "city": "长春市", "county": "南关区"}
    )
    second = load(changed)
    client.force_login(world["users"]["city_office"])
    html = client.get(
        reverse("communities:announcement-compare"), {"a": first.pk, "b": second.pk}
    ).content.decode()
    assert "+ 高风险 吉林省 长春市 南关区" in html  # the level in words, not "high"
    assert "− 中风险 广东省 深圳市 福田区" in html


def test_window_boundary_against_today(db, no_queue):
    load(EXAMPLE)
    assert policies.policy_on(date.today() + timedelta(days=1)).title == EXAMPLE["title"]


def test_preview_warns_about_a_misspelt_county(client, world):
    client.force_login(world["users"]["city_office"])
    text = current_text().replace("船营区", "船营县")
    html = client.post(reverse("communities:announcement-upload"), {"text": text}).content.decode()
    assert "吉林省吉林市船营县" in html and 'data-testid="warnings"' in html
    assert not Announcement.objects.exists()


def test_the_example_has_no_warning():
    from communities.announcements import parse_announcement

    parsed = parse_announcement(FIXTURE.read_bytes(), check_window=False)
    assert parsed.errors == [] and parsed.warnings == []


# --- Issue 11: what the city office may publish -------------------------------------------


@pytest.fixture
def city_api(world):
    api = APIClient()
    api.force_authenticate(world["users"]["city_office"])
    return api


def test_api_refuses_a_form_body(city_api, no_queue):
    response = city_api.post(
        "/api/v1/announcements/",
        "title=表单&effective=2022-03-31&risk_areas=not+a+list",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 415
    assert not Announcement.objects.exists()
    no_queue.assert_not_called()


def test_api_refuses_a_multipart_body(city_api, no_queue):
    body = {"title": "表单", "effective": "2022-03-31", "risk_areas": "not a list"}
    response = city_api.post("/api/v1/announcements/", body, format="multipart")
    assert response.status_code == 415
    assert not Announcement.objects.exists()
    no_queue.assert_not_called()


def days_from_today(days: int) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


@pytest.mark.parametrize("effective", ["9999-12-31", "0874-03-14", "2022-03-28", -366, 31, 45])
def test_api_refuses_an_effective_date_outside_the_window(city_api, no_queue, effective):
    if isinstance(effective, int):
        effective = days_from_today(effective)
    response = city_api.post(
        "/api/v1/announcements/", {**EXAMPLE, "effective": effective}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()) == ["effective"]
    assert not Announcement.objects.exists()
    no_queue.assert_not_called()


@pytest.mark.parametrize("days", [-365, 30])
def test_api_takes_the_edges_of_the_window(city_api, no_queue, days):
    data = {**EXAMPLE, "effective": days_from_today(days)}
    assert city_api.post("/api/v1/announcements/", data, format="json").status_code == 201


@pytest.mark.parametrize(
    "title", ["提示\x07", "市疫情防控办\t提示", "提示\n", "\x00提示", "提示\x85"]
)
def test_api_refuses_a_title_with_control_characters(city_api, no_queue, title):
    response = city_api.post("/api/v1/announcements/", {**current(), "title": title}, format="json")
    assert response.status_code == 400
    assert "title" in response.json()
    assert not Announcement.objects.exists()


@pytest.mark.parametrize(
    ("where", "field"),
    [("risk_areas", "county"), ("risk_areas", "area"), ("case_counties", "street")],
)
def test_api_refuses_a_place_name_with_control_characters(city_api, no_queue, where, field):
    data = current()
    data[where][0][field] = "船营\x1b区"
    response = city_api.post("/api/v1/announcements/", data, format="json")
    assert response.status_code == 400
    assert field in response.json()[where]["0"]
    assert not Announcement.objects.exists()


def test_api_refuses_an_epidemic_city_with_control_characters(city_api, no_queue):
    data = current()
    data["epidemic_cities"][0]["city"] = "肇庆\r市"
    response = city_api.post("/api/v1/announcements/", data, format="json")
    assert "city" in response.json()["epidemic_cities"]["0"]
    assert not Announcement.objects.exists()


@pytest.mark.parametrize("days", [45, -400])
def test_the_command_refuses_a_date_outside_the_window(db, tmp_path, no_queue, days):
    data = {**EXAMPLE, "effective": days_from_today(days)}
    with pytest.raises(CommandError) as caught:
        call_command("load_announcement", write(tmp_path, data))
    assert "effective" in str(caught.value)
    assert not Announcement.objects.exists()
    no_queue.assert_not_called()


def test_the_command_refuses_the_far_future(db, tmp_path, no_queue):
    with pytest.raises(CommandError) as caught:
        call_command("load_announcement", write(tmp_path, {**EXAMPLE, "effective": "9999-12-31"}))
    assert "effective" in str(caught.value)
    assert not Announcement.objects.exists()


def test_upload_page_publishes_a_later_date_only_when_confirmed(client, world, no_queue):
    client.force_login(world["users"]["city_office"])
    url = reverse("communities:announcement-upload")
    text = json.dumps({**EXAMPLE, "effective": days_from_today(45)}, ensure_ascii=False)
    preview = client.post(url, {"text": text}).content.decode()
    assert 'name="confirm_later"' in preview and 'name="publish"' in preview
    refused = client.post(url, {"text": text, "publish": "1"})
    assert refused.status_code == 200 and 'data-testid="errors"' in refused.content.decode()
    assert not Announcement.objects.exists()
    published = client.post(url, {"text": text, "publish": "1", "confirm_later": "1"})
    assert published.status_code == 302
    assert Announcement.objects.get().effective == timezone.localdate() + timedelta(days=45)


def test_upload_page_asks_no_confirmation_within_30_days(client, world, no_queue):
    client.force_login(world["users"]["city_office"])
    text = json.dumps({**EXAMPLE, "effective": days_from_today(30)}, ensure_ascii=False)
    preview = client.post(reverse("communities:announcement-upload"), {"text": text})
    assert 'name="confirm_later"' not in preview.content.decode()


def test_upload_page_refuses_a_date_more_than_a_year_back_even_confirmed(client, world, no_queue):
    client.force_login(world["users"]["city_office"])
    url = reverse("communities:announcement-upload")
    for effective in (days_from_today(-366), "0874-03-14"):
        text = json.dumps({**EXAMPLE, "effective": effective}, ensure_ascii=False)
        response = client.post(url, {"text": text, "publish": "1", "confirm_later": "1"})
        assert response.status_code == 200
        assert "effective" in response.content.decode()
    assert not Announcement.objects.exists()
