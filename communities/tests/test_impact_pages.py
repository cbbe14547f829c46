"""The pages of an announcement's impact (issue 14): the editor's and the upload's
preview start the dry run and poll its progress; only the city office sees it; the runs'
page shows its figures beside what the recompute did."""

import json

import pytest
from django.urls import reverse

from communities import impact, policies, services
from communities.models import Announcement, ImpactPreview

from .test_announcement_editor import form_data
from .test_impact import NANGUAN, candidate, city_build, place, published_run

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def city(world):
    return city_build(world)


# --- The pages --------------------------------------------------------------------------------


@pytest.fixture
def clerk(client, city):
    client.force_login(city["users"]["city_office"])
    return client


def test_the_editor_preview_shows_the_progress_then_the_figures(clerk):
    data = form_data(candidate(risk_areas=[{"level": "high", **place(NANGUAN)}]))
    response = clerk.post(reverse("communities:announcement-create"), {**data, "action": "preview"})
    preview = ImpactPreview.objects.get()
    html = response.content.decode()
    assert response.context["impact"] == preview
    assert 'data-testid="impact-progress"' in html and "every 1s" in html
    assert not Announcement.objects.filter(title__startswith="提示 候选").exists()
    impact.preview_run(preview_id=preview.pk)
    status = clerk.get(reverse("communities:announcement-impact", args=[preview.pk]), **HTMX)
    html = status.content.decode()
    assert status.status_code == 200 and "every 1s" not in html
    assert "如果发布，将有 1 名居民赋码改变" in html
    assert "1 个复核任务" in html and "小店区" in html


def test_the_upload_preview_starts_the_dry_run(clerk):
    data = candidate(risk_areas=[{"level": "high", **place(NANGUAN)}])
    text = json.dumps(policies.payload_of(data), ensure_ascii=False)
    response = clerk.post(reverse("communities:announcement-upload"), {"text": text})
    assert response.status_code == 200
    preview = response.context["impact"]
    assert preview.digest == policies.canonical_digest(policies.payload_of(data))
    assert 'data-testid="impact"' in response.content.decode()


@pytest.mark.parametrize("role", ["district_office", "street_supervisor", "grid_worker"])
def test_only_the_city_office_sees_a_dry_run(client, city, role):
    preview = services.impact_preview_request(data=candidate(), by=None)
    client.force_login(city["users"][role])
    url = reverse("communities:announcement-impact", args=[preview.pk])
    assert client.get(url).status_code == 404


def test_the_runs_page_shows_the_preview_beside_the_recompute(clerk):
    data = candidate(risk_areas=[{"level": "high", **place(NANGUAN)}])
    preview = services.impact_preview_request(data=data, by=None)
    impact.preview_run(preview_id=preview.pk)
    run = published_run(data)
    html = clerk.get(reverse("review:run-list")).content.decode()
    assert run.to_red == 1
    assert 'data-testid="preview-to-red">预演 1<' in html
    assert 'data-testid="preview-to-review">预演 1<' in html


def test_a_later_effective_date_is_said_beside_its_figures(clerk):
    """Nobody would change today: the page says why (not yet in force)."""
    from datetime import timedelta

    from django.utils import timezone

    later = timezone.localdate() + timedelta(days=3)
    data = candidate(effective=later, risk_areas=[{"level": "high", **place(NANGUAN)}])
    preview = services.impact_preview_request(data=data, by=None)
    impact.preview_run(preview_id=preview.pk)
    url = reverse("communities:announcement-impact", args=[preview.pk])
    html = clerk.get(url, **HTMX).content.decode()
    assert 'data-testid="impact-later"' in html and "尚未生效" in html
    assert "将有 0 名居民赋码改变" in html
