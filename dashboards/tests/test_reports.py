"""The daily reports (issue 14): built for every street, district and the city from the
day's summary rows and events; in the browser, as Excel and as PDF; missing ones shown on
the level above once due."""

import io
import os
from datetime import datetime, timedelta

import openpyxl
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from communities.models import Anomaly, Appeal, HealthCodeEvent, Jurisdiction, User
from dashboards import report_files, reports, summary
from dashboards.models import DailyReport

Role = User.Role


def yesterday():
    return timezone.localdate() - timedelta(days=1)


def at_noon(day):
    return datetime.combine(day, datetime.min.time(), tzinfo=timezone.get_current_timezone()) + (
        timedelta(hours=12)
    )


@pytest.fixture
def reported(city):
    """Yesterday in 通达街社区: its figures, an anomaly, a release, an appeal resolved in
    3 hours; the reports built."""
    day = yesterday()
    summary.refresh(at_noon(day))
    resident = city["residents"]["grid_a"]
    anomaly = Anomaly.objects.create(resident=resident, kind="fever", detail="37.9℃")
    Anomaly.objects.filter(pk=anomaly.pk).update(created_at=at_noon(day))
    event = HealthCodeEvent.objects.create(
        resident=resident, kind="release", from_code="red", to_code="green", reason="期满"
    )
    HealthCodeEvent.objects.filter(pk=event.pk).update(created_at=at_noon(day))
    appeal = Appeal.objects.create(
        resident=resident, reason="x", due_at=at_noon(day) + timedelta(hours=24)
    )
    Appeal.objects.filter(pk=appeal.pk).update(
        created_at=at_noon(day) - timedelta(hours=3),
        resolved_at=at_noon(day),
        state=Appeal.State.RESOLVED,
        outcome=Appeal.Outcome.UPHELD,
    )
    assert reports.build(day) == 5  # 2 streets, 2 districts, the city
    return city


def report_of(city, key) -> DailyReport:
    return DailyReport.objects.get(node=city["nodes"][key], day=yesterday())


def test_a_report_for_every_street_district_and_the_city(reported):
    street = report_of(reported, "street")
    assert street.figures["day"]["red"] == 1 and street.figures["day"]["residents"] == 2
    assert street.figures["anomalies_new"] == 1 and street.figures["releases"] == 1
    assert street.figures["appeals_resolved"] == 1 and street.figures["appeals_hours_mean"] == 3
    assert [row["detail"] for row in street.lists["anomalies"]] == ["37.9℃"]
    assert report_of(reported, "city").figures["releases"] == 1
    other = report_of(reported, "other_street")
    assert other.figures["releases"] == 0 and other.lists["anomalies"] == []
    # built again: replaced, not doubled
    reports.build(yesterday())
    assert DailyReport.objects.filter(day=yesterday()).count() == 5


def test_the_supervisor_opens_yesterdays_report_and_downloads_it(client, reported):
    client.force_login(reported["users"]["street_supervisor"])
    listing = client.get(reverse("dashboards:report-list"))
    assert listing.status_code == 200
    report = report_of(reported, "street")
    assert reverse("dashboards:report", args=[report.pk]) in listing.content.decode()
    page = client.get(reverse("dashboards:report", args=[report.pk]))
    assert page.status_code == 200 and "37.9℃" in page.content.decode()
    xlsx = client.get(reverse("dashboards:report-xlsx", args=[report.pk]))
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames == ["数字", "新增异常", "解除管控", "办结申诉", "检查记录"]
    assert book["新增异常"]["E2"].value == "37.9℃"
    pdf = client.get(reverse("dashboards:report-pdf", args=[report.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(pdf.content))
    assert len(reader.pages) >= 1
    text = "".join(page.extract_text() for page in reader.pages)
    assert "小店街道" in text and "37.9" in text


def test_the_pdf_embeds_its_chinese_font(reported):
    report = report_of(reported, "street")
    data = report_files.pdf(report, [])
    font, embedded = report_files.pdf_font()
    if os.environ.get("CI") == "true" or any(os.path.isfile(p) for p in settings.REPORT_PDF_FONTS):
        assert embedded and font == "ReportCJK"  # CI installs fonts-wqy-microhei
        reader = PdfReader(io.BytesIO(data))
        fonts = reader.pages[0]["/Resources"]["/Font"]
        descriptors = [
            f.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            for f in fonts.values()
            if "/DescendantFonts" in f.get_object()
        ] or [f.get_object().get("/FontDescriptor") for f in fonts.values()]
        assert any(d and "/FontFile2" in d.get_object() for d in descriptors)
    else:
        assert (font, embedded) == ("STSong-Light", False)


def test_the_district_sees_its_streets_side_by_side(client, reported):
    client.force_login(reported["users"]["district_office"])
    report = report_of(reported, "district")
    page = client.get(reverse("dashboards:report", args=[report.pk]))
    assert page.context["header"] == ["小店区", "小店街道"]
    xlsx = client.get(reverse("dashboards:report-xlsx", args=[report.pk]))
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content))["数字"]
    assert [c.value for c in sheet[2]] == ["指标", "小店区", "小店街道"]


def test_reports_are_only_for_their_nodes(client, reported):
    outsider = report_of(reported, "other_street")
    client.force_login(reported["users"]["street_supervisor"])
    for name in ("report", "report-xlsx", "report-pdf"):
        assert client.get(reverse(f"dashboards:{name}", args=[outsider.pk])).status_code == 404
    client.force_login(reported["users"]["grid_worker"])
    assert client.get(reverse("dashboards:report-list")).status_code == 403


def test_a_missing_report_shows_on_the_level_above_once_due(reported):
    district = reported["nodes"]["district"]
    street = reported["nodes"]["street"]
    DailyReport.objects.filter(node=street).delete()
    day = yesterday()
    before = reports.due_at(day) - timedelta(minutes=1)
    assert reports.missing(parent=district, day=day, now=before) == []
    after = reports.due_at(day) + timedelta(minutes=1)
    assert reports.missing(parent=district, day=day, now=after) == [street]
    assert reports.missing(parent=reported["nodes"]["city"], day=day, now=after) == []


def test_a_street_made_after_the_day_owes_no_report_of_it(reported):
    district = reported["nodes"]["district"]
    Jurisdiction.objects.create(name="新街道", level="street", parent=district)
    after = reports.due_at(yesterday()) + timedelta(minutes=1)
    assert reports.missing(parent=district, day=yesterday(), now=after) == []


def test_the_report_says_when_its_figures_were_counted(reported, client):
    street = report_of(reported, "street")
    rows = report_files.figure_rows(street, [])
    assert rows[0] == ["数据截至", f"{yesterday():%Y-%m-%d} 12:00"]
    client.force_login(reported["users"]["street_supervisor"])
    page = client.get(reverse("dashboards:report", args=[street.pk])).content.decode()
    assert "数据截至" in page and f"{yesterday():%Y-%m-%d} 12:00" in page


# The report's own queries, and those of the apps that add figures (vaccination's coverage
# one, the hotels' three): none grows with the tree.
REPORT_QUERIES = 12 + 1 + 3


def test_building_costs_the_same_queries_whatever_the_tree(reported, django_assert_max_num_queries):
    with django_assert_max_num_queries(REPORT_QUERIES):
        reports.build(yesterday())
    city_node = reported["nodes"]["city"]
    for n in range(10):
        district = Jurisdiction.objects.create(name=f"区{n}", level="district", parent=city_node)
        Jurisdiction.objects.create(name="街道", level="street", parent=district)
    with django_assert_max_num_queries(REPORT_QUERIES):
        reports.build(yesterday())


def test_names_are_text_in_the_files_not_markup_or_formulas(reported):
    street = report_of(reported, "street")
    street.lists["anomalies"][0].update(name='王<b>五<img src="/etc/passwd"/>', detail="=1+1\x07")
    street.save()
    data = report_files.pdf(street, [])
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert "王<b>五" in text
    book = openpyxl.load_workbook(io.BytesIO(report_files.workbook(street, [])))
    sheet = book["新增异常"]
    assert sheet["E2"].value == "'=1+1" and sheet["E2"].data_type == "s"


def test_the_lists_are_in_the_street_reports_the_figures_everywhere(reported):
    assert report_of(reported, "street").lists["releases"]
    for key in ("district", "city"):
        report = report_of(reported, key)
        assert report.lists == {} and report.figures["releases"] == 1
