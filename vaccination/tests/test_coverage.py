"""Coverage per node and age band, up the tree: the hourly rows, the dashboard's section
(every count a link to the list with as many rows) and the daily report's figures."""

import io
from datetime import timedelta

import openpyxl
import pytest
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from dashboards import report_files, reports
from dashboards.models import DailyReport
from vaccination import coverage, listings
from vaccination.coverage import TOTAL
from vaccination.models import CoverageDay

from .conftest import born, full_course, give, person


@pytest.fixture
def vaccinated(world):
    """grid_a: a 40-year-old with a booster, one due, a 10-year-old with a full course, a
    70-year-old with one dose; grid_b: a 2-year-old (not counted); other_grid: one due.
    The world's own residents (born 1980) are not vaccinated."""
    grid_a, grid_b, other = (world["nodes"][k] for k in ("grid_a", "grid_b", "other_grid"))
    boosted = person(grid_a, born(40))
    full_course(boosted, days_ago=300)
    give(boosted, days_ago=10, booster=True, number=3)
    full_course(person(grid_a, born(45)), days_ago=200)
    full_course(person(grid_a, born(10)), days_ago=200)
    give(person(grid_a, born(70)), days_ago=30)
    person(grid_b, born(2))
    full_course(person(other, born(50)), days_ago=400)
    coverage.refresh()
    return world


def row(node, band=TOTAL):
    return CoverageDay.objects.get(node=node, day=timezone.localdate(), band=band)


def figures(r):
    return (r.residents, r.full_course, r.booster, r.due)


def test_the_rows_of_each_band_and_up_the_tree(vaccinated):
    nodes = vaccinated["nodes"]
    assert figures(row(nodes["grid_a"], "18_59")) == (3, 2, 1, 1)  # 2 + the world's own
    assert figures(row(nodes["grid_a"], "3_17")) == (1, 1, 0, 0)  # a child: never due
    assert figures(row(nodes["grid_a"], "60_79")) == (1, 0, 0, 0)
    assert figures(row(nodes["grid_a"])) == (5, 3, 1, 1)
    assert figures(row(nodes["grid_b"])) == (1, 0, 0, 0)  # the 2-year-old is not counted
    assert figures(row(nodes["community"])) == (6, 3, 1, 1)
    assert figures(row(nodes["district"])) == (6, 3, 1, 1)
    assert figures(row(nodes["city"])) == (8, 4, 1, 2)
    assert coverage.refresh() == CoverageDay.objects.count()  # again: replaced


def test_the_due_count_is_the_booster_lists_length(vaccinated):
    users, nodes = vaccinated["users"], vaccinated["nodes"]
    for node in ("city", "district", "grid_a", "other_grid"):
        listed = listings.due(users["city_office"], QueryDict(f"node={nodes[node].pk}"))
        assert listed.count() == row(nodes[node]).due


def test_the_dashboard_shows_the_coverage_with_its_lists(client, vaccinated):
    users, nodes = vaccinated["users"], vaccinated["nodes"]
    client.force_login(users["district_office"])
    page = client.get(reverse("dashboards:node", args=[nodes["district"].pk]))
    html = page.content.decode()
    assert 'data-testid="coverage"' in html
    section = next(s for s in page.context["sections"] if "rows" in s.context)
    total = next(r for r in section.context["rows"] if r["key"] == TOTAL)
    assert (total["full_course"], total["full_course_rate"], total["due"]) == (3, "50.0%", 1)
    for count, url in (
        (total["full_course"], total["full_course_url"]),
        (total["booster"], total["booster_url"]),
    ):
        assert len(client.get(url).context["page"].object_list) == count
    assert len(client.get(total["due_url"]).context["page"].object_list) == total["due"]
    listed = client.get(total["residents_url"]).context["page"].object_list
    assert len(listed) == total["residents"] == 6  # the 2-year-old is not listed
    band = next(r for r in section.context["rows"] if r["key"] == "18_59")
    listed = client.get(band["residents_url"]).context["page"].object_list
    assert len(listed) == band["residents"] == 4  # the world's two and the two of 40, 45


def test_a_dashboard_before_any_count_says_so(client, world):
    client.force_login(world["users"]["district_office"])
    page = client.get(reverse("dashboards:node", args=[world["nodes"]["district"].pk]))
    assert 'data-testid="coverage-none"' in page.content.decode()


def test_the_daily_report_holds_the_days_coverage(vaccinated):
    yesterday = timezone.localdate() - timedelta(days=1)
    coverage.refresh(timezone.now() - timedelta(days=1))
    reports.build(yesterday)
    report = DailyReport.objects.get(node=vaccinated["nodes"]["district"], day=yesterday)
    assert report.figures["vaccination_full_course"] == 3
    assert report.figures["vaccination_full_course_rate"] == "50.0%"
    assert report.figures["vaccination_due"] == 1
    rows = {r[0]: r[1] for r in report_files.figure_rows(report, [])}
    assert rows["全程接种"] == 3 and rows["应接种加强针"] == 1
    book = openpyxl.load_workbook(io.BytesIO(report_files.workbook(report, [])))
    labels = [r[0] for r in book.active.values]
    assert "全程接种率" in labels
