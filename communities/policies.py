"""Reading announcements into the pure rules' Policy (selectors for the code rules)."""

import hashlib
import json
from datetime import date

from .models import Announcement
from .rules.policy import CaseCounty, EpidemicCity, Phase, Policy, RiskArea

_cache: dict[tuple, Policy] = {}


def canonical_digest(data: dict) -> str:
    """The same announcement, whatever its key order or spacing, has the same digest."""
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def measures_in_force(day: date) -> dict[str, tuple[Phase, ...]]:
    """Each announcement's `measures` hold from its effective date until a later one
    names the same rule."""
    merged: dict[str, tuple[Phase, ...]] = {}
    rows = (
        Announcement.objects.filter(effective__lte=day)
        .exclude(measures={})
        .order_by("effective", "pk")
        .values_list("measures", flat=True)
    )
    for measures in rows:
        for rule, phases in measures.items():
            merged[rule] = tuple(Phase(p["kind"], p["days"]) for p in phases)
    return merged


def announcement_in_force(day: date) -> Announcement | None:
    return Announcement.objects.filter(effective__lte=day).order_by("-effective", "-pk").first()


def policy_on(day: date) -> Policy | None:
    """The policy in force on `day`; None before the first announcement. Announcements
    never change once loaded, so a built policy is cached by its content's digest and
    the measures in force."""
    announcement = announcement_in_force(day)
    if announcement is None:
        return None
    measures = measures_in_force(day)
    key = (
        announcement.digest,
        json.dumps({k: [(p.kind, p.days) for p in v] for k, v in sorted(measures.items())}),
    )
    policy = _cache.get(key)
    if policy is None:
        policy = policy_from(announcement, measures)
        _cache[key] = policy
    return policy


def policy_from(announcement: Announcement, measures: dict | None = None) -> Policy:
    return Policy.build(
        title=announcement.title,
        effective=announcement.effective,
        risk_areas=[
            RiskArea(r.level, r.province, r.city, r.county, r.street, r.area)
            for r in announcement.risk_areas.all()
        ],
        case_counties=[
            CaseCounty(c.province, c.city, c.county, c.street)
            for c in announcement.case_counties.all()
        ],
        epidemic_cities=[
            EpidemicCity(e.province, e.city, e.since) for e in announcement.epidemic_cities.all()
        ],
        measures=measures,
    )
