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


def payload_of(data: dict) -> dict:
    """Validated announcement data as stored and digested (dates as ISO strings)."""
    return json.loads(json.dumps(data, default=str))


def measures_in_force(day: date, candidate: dict | None = None) -> dict[str, tuple[Phase, ...]]:
    """Each announcement's `measures` hold from its effective date until a later one
    names the same rule. A `candidate` (an unsaved payload) counts as stored after every
    stored one, as it would be once published (the last loaded wins a tie of dates)."""
    merged: dict[str, tuple[Phase, ...]] = {}
    rows = list(
        Announcement.objects.filter(effective__lte=day)
        .exclude(measures={})
        .order_by("effective", "pk")
        .values_list("effective", "measures")
    )
    if candidate is not None and candidate.get("measures"):
        effective = date.fromisoformat(candidate["effective"])
        if effective <= day:
            at = sum(1 for stored, _m in rows if stored <= effective)
            rows.insert(at, (effective, candidate["measures"]))
    for _effective, measures in rows:
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


def policy_with(day: date, candidate: dict) -> Policy | None:
    """The policy that would be in force on `day` if the candidate (a validated payload,
    `payload_of`, not stored) were published now: what policy_on(day) gives once it is
    stored. Nothing is written."""
    effective = date.fromisoformat(candidate["effective"])
    stored = announcement_in_force(day)
    measures = measures_in_force(day, candidate)
    if effective <= day and (stored is None or effective >= stored.effective):
        return Policy.build(
            title=candidate["title"],
            effective=effective,
            risk_areas=[
                RiskArea(
                    r["level"],
                    r["province"],
                    r["city"],
                    r["county"],
                    r.get("street") or "",
                    r.get("area") or "",
                )
                for r in candidate.get("risk_areas", [])
            ],
            case_counties=[
                CaseCounty(c["province"], c["city"], c["county"], c.get("street") or "")
                for c in candidate.get("case_counties", [])
            ],
            epidemic_cities=[
                EpidemicCity(e["province"], e["city"], date.fromisoformat(e["since"]))
                for e in candidate.get("epidemic_cities", [])
            ],
            measures=measures,
        )
    if stored is None:
        return None
    return policy_from(stored, measures)


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
