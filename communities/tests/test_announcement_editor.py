"""An announcement entered on a page and through the Excel template (issue 13): the rows
pass the same checks as the JSON file and publish the same announcement; a name not on the
official division list is an error on its row until corrected or confirmed there."""

import io
import json
from datetime import timedelta

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from communities import announcement_sheets, services
from communities.announcements import parse_announcement
from communities.models import Announcement
from communities.tests.factories import UserFactory

from .test_announcements import current

URL = reverse("communities:announcement-create")
PREFIXES = {"risk_areas": "risk", "case_counties": "case", "epidemic_cities": "city"}


def form_data(announcement: dict, **extra) -> dict:
    """The page's form data for an announcement in the JSON's shape."""
    data = {"title": announcement["title"], "effective": announcement["effective"]}
    for key, prefix in PREFIXES.items():
        rows = announcement.get(key, [])
        data[f"{prefix}-TOTAL_FORMS"] = str(len(rows))
        data[f"{prefix}-INITIAL_FORMS"] = "0"
        for index, row in enumerate(rows):
            for field, value in row.items():
                data[f"{prefix}-{index}-{field}"] = value
    phases = [
        {"rule": rule, **phase}
        for rule, rule_phases in announcement.get("measures", {}).items()
        for phase in rule_phases
    ]
    data["measure-TOTAL_FORMS"] = str(len(phases))
    data["measure-INITIAL_FORMS"] = "0"
    for index, phase in enumerate(phases):
        for field, value in phase.items():
            data[f"measure-{index}-{field}"] = str(value)
    return {**data, **extra}


@pytest.fixture
def clerk(client, world):
    client.force_login(world["users"]["city_office"])
    return client


def same_as_the_file(announcement) -> bool:
    parsed = parse_announcement(json.dumps(current(), ensure_ascii=False))
    loaded, created = services.announcement_load(data=parsed.data, by=None)
    return loaded == announcement and not created


def preview(client, data):
    response = client.post(URL, {**data, "action": "preview"})
    assert response.status_code == 200
    return response


def publish(client, data):
    """Preview, then publish what the preview showed."""
    previewed = preview(client, data).context["previewed"]
    assert previewed, "the preview refused the rows"
    return client.post(URL, {**data, "action": "publish", "previewed": previewed})


def test_rows_on_the_page_publish_the_same_announcement_as_the_file(clerk, no_queue):
    data = form_data(current())
    response = preview(clerk, data)
    html = response.content.decode()
    assert 'data-testid="preview"' in html and "北京路街道" in html
    assert not Announcement.objects.exists()  # a preview stores nothing
    response = publish(clerk, data)
    assert response.status_code == 302
    announcement = Announcement.objects.get()
    assert announcement.published_by.role == "city_office"
    assert announcement.risk_areas.count() == 2 and announcement.case_counties.count() == 2
    assert announcement.measures == {
        "R3": [
            {"kind": "home_quarantine", "days": 7},
            {"kind": "home_health_monitoring", "days": 7},
        ]
    }
    # the same announcement as its JSON: loading the file finds it published already
    assert same_as_the_file(announcement)


def test_a_county_not_on_the_list_is_an_error_on_its_row_until_confirmed(clerk, no_queue):
    typo = current()
    typo["risk_areas"][0]["county"] = "船营县"
    data = form_data(typo)
    response = preview(clerk, data)
    html = response.content.decode()
    assert response.context["previewed"] == ""
    risk = response.context["editor"].lists["risk_areas"][1]
    assert "county" in risk.forms[0].errors and not risk.forms[1].errors
    assert "船营县（不在官方区划表中）" in html
    assert response.context["editor"].rows_with_errors == 1
    assert 'data-testid="rows-with-errors"' in html
    assert 'name="risk-0-confirm_place"' in html and 'name="risk-1-confirm_place"' not in html
    # publishing without the box is refused as well
    refused = clerk.post(URL, {**data, "action": "publish", "previewed": "x"})
    assert refused.status_code == 200 and not Announcement.objects.exists()
    # confirmed on its row: it passes, and is published as typed
    assert publish(clerk, {**data, "risk-0-confirm_place": "on"}).status_code == 302
    assert Announcement.objects.get().risk_areas.filter(county="船营县").exists()


def test_an_epidemic_city_not_on_the_list_is_an_error_on_the_city(clerk):
    typo = current()
    typo["epidemic_cities"][0]["city"] = "肇庆"
    response = preview(clerk, form_data(typo))
    cities = response.context["editor"].lists["epidemic_cities"][1]
    assert "city" in cities.forms[0].errors
    assert not Announcement.objects.exists()


def test_a_date_more_than_30_days_ahead_needs_its_box(clerk, no_queue):
    later = {**current(), "effective": (timezone.localdate() + timedelta(days=45)).isoformat()}
    data = form_data(later)
    response = preview(clerk, data)
    assert 'name="confirm_later"' in response.content.decode()
    previewed = response.context["previewed"]
    refused = clerk.post(URL, {**data, "action": "publish", "previewed": previewed})
    assert refused.status_code == 200 and "effective" in refused.context["editor"].header.errors
    assert not Announcement.objects.exists()
    data["confirm_later"] = "on"
    assert publish(clerk, data).status_code == 302
    assert Announcement.objects.count() == 1


def test_rows_changed_after_the_preview_are_previewed_again(clerk):
    data = form_data(current())
    previewed = preview(clerk, data).context["previewed"]
    changed = {**data, "risk-0-area": "另一个小区", "action": "publish", "previewed": previewed}
    response = clerk.post(URL, changed)
    assert response.status_code == 200 and not Announcement.objects.exists()
    assert "另一个小区" in response.content.decode()


@pytest.mark.parametrize(
    ("change", "form", "field"),
    [
        ({"title": ""}, "header", "title"),
        ({"effective": "2022-02-30"}, "header", "effective"),
        ({"risk-0-level": "severe"}, "risk_areas", "level"),
        ({"risk-0-street": "北京路\t街道"}, "risk_areas", "street"),
        ({"risk-1-area": "区" * 101}, "risk_areas", "area"),
        ({"city-0-since": "昨天"}, "epidemic_cities", "since"),
        ({"measure-0-days": "0"}, "measures", "days"),
        ({"measure-1-days": "61"}, "measures", "days"),
        ({"measure-0-kind": "curfew"}, "measures", "kind"),
        ({"case-0-province": ""}, "case_counties", "province"),
    ],
)
def test_bad_values_are_errors_on_their_fields(clerk, no_queue, change, form, field):
    data = {**form_data(current()), **change}
    response = clerk.post(URL, {**data, "action": "publish", "previewed": "x"})
    assert response.status_code == 200
    editor = response.context["editor"]
    if form == "header":
        assert field in editor.header.errors
    else:
        rows = editor.lists[form][1]
        assert any(field in row.errors for row in rows.forms)
    assert not Announcement.objects.exists()
    no_queue.assert_not_called()


def test_blank_and_deleted_rows_are_left_out(clerk, no_queue):
    data = form_data(current())
    data["risk-TOTAL_FORMS"] = "3"  # a row added and left empty (its level as it came)
    data["risk-2-level"] = "high"
    data["risk-1-DELETE"] = "on"
    assert publish(clerk, data).status_code == 302
    assert list(Announcement.objects.get().risk_areas.values_list("county", flat=True)) == [
        "船营区"
    ]


def test_a_new_row_and_a_copy_of_the_announcement_in_force(clerk, no_queue):
    html = clerk.get(reverse("communities:announcement-row"), {"list": "city", "index": "4"})
    assert 'name="city-4-province"' in html.content.decode()
    assert 'name="city-4-county"' not in html.content.decode()
    bad = clerk.get(reverse("communities:announcement-row"), {"list": "x", "index": "y"})
    assert 'name="risk-0-level"' in bad.content.decode()
    publish(clerk, form_data(current()))
    announcement = Announcement.objects.get()
    copied = clerk.get(URL, {"from": announcement.pk}).content.decode()
    assert 'value="北京路街道"' in copied and 'value="某某小区"' in copied
    assert '<option value="船营区" selected>' in copied
    assert clerk.get(URL, {"from": "abc"}).status_code == 404
    assert clerk.get(URL, {"from": announcement.pk + 99}).status_code == 404


@pytest.mark.parametrize("role", ["district_office", "street_supervisor", "grid_worker"])
def test_only_the_city_office_enters_announcements(client, world, role):
    client.force_login(world["users"][role])
    for name in ("announcement-create", "announcement-row", "announcement-template"):
        assert client.get(reverse(f"communities:{name}")).status_code == 403
    assert client.post(URL, form_data(current()) | {"action": "preview"}).status_code == 403
    assert (
        "announcement-create"
        not in client.get(reverse("communities:announcement-list")).content.decode()
    )


# --- The Excel template -----------------------------------------------------------------------


def workbook(announcement: dict) -> bytes:
    return announcement_sheets.template_workbook(
        {
            "title": announcement["title"],
            **{key: announcement[key] for key in PREFIXES},
            "measures": [
                {"rule": rule, **phase}
                for rule, phases in announcement.get("measures", {}).items()
                for phase in phases
            ],
        }
    )


def import_workbook(client, content: bytes, name="提示.xlsx"):
    """The template through the import path (issue 15), then on to the editor when the
    dry run found no problem: the page last shown."""
    upload = SimpleUploadedFile(name, content)
    page = client.post(
        reverse("imports:start", args=["announcement"]), {"file": upload}, follow=True
    )
    record = page.context.get("record")
    if record is None or record.state != "ready":
        return page
    assert f"{URL}?import={record.pk}" in page.content.decode()  # 在公告编辑器中继续
    return client.get(URL, {"import": record.pk})


def fill_effective(content: bytes, effective) -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(content))
    book["公告"]["B3"] = effective  # a date cell, as Excel keeps a typed date
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_empty_template_names_its_columns(clerk):
    response = clerk.get(reverse("communities:announcement-template"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["公告", "风险区域", "病例县区", "涉疫城市", "措施调整", "填写说明"]
    assert [c.value for c in book["风险区域"][1]] == [
        "风险等级",
        "省",
        "市",
        "县区",
        "街道",
        "小区",
    ]
    assert book["风险区域"].max_row == 1


def test_a_filled_template_becomes_the_rows_of_the_page_and_publishes(clerk, no_queue):
    content = fill_effective(workbook(current()), timezone.localdate())
    response = import_workbook(clerk, content)
    html = response.content.decode()
    assert response.status_code == 200 and not Announcement.objects.exists()
    assert "风险区域, 第2行" in html and "措施调整, 第3行" in html  # where each row came from
    assert response.context["previewed"]  # every row passed: the preview is there
    editor = response.context["editor"]
    data = {key: value for key, value in editor.header.data.items()}
    assert data["risk-0-level"] == "high" and data["measure-1-kind"] == "home_health_monitoring"
    assert publish(clerk, data).status_code == 302
    assert same_as_the_file(Announcement.objects.get())


def test_a_misspelt_name_in_the_workbook_is_an_error_on_its_row(clerk):
    typo = current()
    typo["case_counties"][1]["county"] = "闵航区"
    response = import_workbook(clerk, fill_effective(workbook(typo), timezone.localdate()))
    cases = response.context["editor"].lists["case_counties"][1]
    assert "county" in cases.forms[1].errors and not cases.forms[0].errors
    assert "病例县区, 第3行" in response.content.decode()
    assert response.context["previewed"] == "" and not Announcement.objects.exists()


def test_a_workbook_without_its_columns_or_not_a_workbook_is_refused(clerk):
    book = openpyxl.Workbook()
    book.active.title = "风险区域"
    book.active.append(["等级", "省"])
    out = io.BytesIO()
    book.save(out)
    response = import_workbook(clerk, out.getvalue())
    assert "缺少列" in response.content.decode() or "lacks" in response.content.decode()
    response = import_workbook(clerk, b"not a workbook", name="a.xlsx")
    assert "file" in response.context["form"].errors
    assert not Announcement.objects.exists()


def test_the_import_path_reports_the_templates_problems_by_sheet_and_row(clerk, settings, tmp_path):
    """Issue 15: the template goes through the one import path: a dry run names each
    problem by sheet, row and column, offers the report as Excel, and publishes nothing."""
    settings.MEDIA_ROOT = tmp_path
    bad = current()
    bad["risk_areas"][1]["level"] = "极高"
    content = fill_effective(workbook(bad), "下周一")
    page = import_workbook(clerk, content)
    record = page.context["record"]
    assert record.state == "refused" and not Announcement.objects.exists()
    found = {(row, column) for row, column, _value, _message in record.problems}
    assert (3, "公告·生效日期") in found
    assert any(row == 3 and column.startswith("风险区域·") for row, column in found)
    assert 'data-testid="import-proceed"' not in page.content.decode()
    report = clerk.get(reverse("imports:report", args=[record.pk]))
    rows = list(openpyxl.load_workbook(io.BytesIO(report.content)).active.values)
    flagged = [r for r in rows[1:] if r[-1]]
    assert {(r[0], r[1]) for r in flagged} >= {("公告", 3), ("风险区域", 3)}


def test_a_name_off_the_list_is_a_note_and_the_editor_asks_for_it(clerk, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    typo = current()
    typo["case_counties"][1]["county"] = "闵航区"
    content = fill_effective(workbook(typo), timezone.localdate())
    upload = SimpleUploadedFile("提示.xlsx", content)
    page = clerk.post(
        reverse("imports:start", args=["announcement"]), {"file": upload}, follow=True
    )
    record = page.context["record"]
    assert record.state == "ready" and record.problems == []
    assert [(row, column) for row, column, _v, _m in record.notes] == [(3, "病例县区")]
    assert 'data-testid="note"' in page.content.decode()
    editor = clerk.get(URL, {"import": record.pk}).context["editor"]
    assert "county" in editor.lists["case_counties"][1].forms[1].errors  # to confirm there


def test_only_its_author_goes_on_with_a_checked_template(clerk, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    content = fill_effective(workbook(current()), timezone.localdate())
    upload = SimpleUploadedFile("提示.xlsx", content)
    page = clerk.post(
        reverse("imports:start", args=["announcement"]), {"file": upload}, follow=True
    )
    record = page.context["record"]
    assert clerk.post(reverse("imports:store", args=[record.pk])).status_code == 302
    record.refresh_from_db()
    assert record.state == "ready"  # nothing is stored from the import page itself
    other = UserFactory(role="city_office", jurisdiction=world["nodes"]["city"])
    clerk.force_login(other)
    assert clerk.get(URL, {"import": record.pk}).status_code == 404
    assert clerk.get(URL, {"import": "x"}).status_code == 404
    clerk.force_login(world["users"]["grid_worker"])
    assert clerk.get(reverse("imports:start", args=["announcement"])).status_code == 403


def test_the_template_of_an_announcement_holds_its_rows(clerk, no_queue):
    publish(clerk, form_data(current()))
    announcement = Announcement.objects.get()
    response = clerk.get(reverse("communities:announcement-template"), {"from": announcement.pk})
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert [c.value for c in book["风险区域"][2]][:4] == ["高风险", "吉林省", "吉林市", "船营区"]
    assert [c.value for c in book["措施调整"][3]] == ["R3", "居家健康监测", 7]


# --- The JSON upload: names not on the list are confirmed one by one ----------------------------


def test_the_upload_page_publishes_an_unknown_name_only_once_confirmed(clerk, no_queue):
    url = reverse("communities:announcement-upload")
    typo = current()
    typo["risk_areas"][0]["county"] = "船营县"
    typo["epidemic_cities"][0]["city"] = "肇庆"
    text = json.dumps(typo, ensure_ascii=False)
    html = clerk.post(url, {"text": text}).content.decode()
    assert 'value="risk_areas[0]"' in html and 'value="epidemic_cities[0]"' in html
    one = clerk.post(url, {"text": text, "publish": "1", "confirm_place": "risk_areas[0]"})
    assert one.status_code == 200 and not Announcement.objects.exists()
    both = ["risk_areas[0]", "epidemic_cities[0]"]
    response = clerk.post(url, {"text": text, "publish": "1", "confirm_place": both})
    assert response.status_code == 302 and Announcement.objects.count() == 1


def test_a_long_workbook_is_read_and_published_in_one_go(clerk, no_queue):
    """300 risk areas: more fields than Django takes by default (1000) in one post."""
    long = {**current(), "risk_areas": []}
    long["risk_areas"] = [
        {
            "level": "medium",
            "province": "吉林省",
            "city": "吉林市",
            "county": "船营区",
            "area": f"第{n}小区",
        }
        for n in range(300)
    ]
    response = import_workbook(clerk, fill_effective(workbook(long), timezone.localdate()))
    assert response.context["previewed"]
    data = dict(response.context["editor"].header.data.items())
    assert publish(clerk, data).status_code == 302
    assert Announcement.objects.get().risk_areas.count() == 300


@pytest.mark.parametrize("total", ["abc", "100000"])
def test_a_tampered_row_count_is_refused_not_a_crash(clerk, no_queue, total):
    data = {**form_data(current()), "risk-TOTAL_FORMS": total}
    response = clerk.post(URL, {**data, "action": "publish", "previewed": "x"})
    assert response.status_code == 200
    assert response.context["editor"].lists["risk_areas"][1].non_form_errors()
    assert not Announcement.objects.exists()
