"""Every write of the street sweep: the register, campaigns, groups and shares, and the
inspections that post and remove placards."""

import uuid
from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communities.models import Jurisdiction, User

from . import access, rules, selectors
from .models import Assignment, Campaign, Inspection, JointGroup, Shop, ShopEvent, one_month_after

Role = User.Role
Kind = ShopEvent.Kind


def limits() -> rules.Limits:
    return rules.Limits(
        max_reminders=settings.SHOP_MAX_REMINDERS,
        rectify_days=settings.SHOP_RECTIFY_DAYS,
        closure_days=settings.SHOP_CLOSURE_DAYS,
    )


# --- Campaigns, groups and shares -------------------------------------------------------------


def _clean_roads(roads) -> list[str]:
    seen = []
    for road in roads or []:
        road = str(road).strip()
        if road and road not in seen:
            seen.append(road)
    return seen


@transaction.atomic
def campaign_create(
    *,
    street: Jurisdiction,
    title: str,
    starts_on: date,
    ends_on: date | None = None,
    roads: list[str] | None = None,
    by: User,
) -> Campaign:
    """A sweep of `street` (one month unless told); its target is the shops of `roads`,
    or all the street's shops when no road is named. One sweep a road at a time: a
    campaign overlapping another on the same roads is refused."""
    if street.level != Jurisdiction.Level.STREET:
        raise ValidationError({"street": _("A campaign covers one street.")})
    ends_on = ends_on or one_month_after(starts_on)
    roads = _clean_roads(roads)
    campaign_check(street=street, starts_on=starts_on, ends_on=ends_on, roads=roads)
    return Campaign.objects.create(
        street=street,
        title=title.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        roads=roads,
        created_by=by,
    )


def campaign_check(
    *,
    street: Jurisdiction,
    starts_on: date,
    ends_on: date,
    roads: list[str],
    campaign: Campaign | None = None,
) -> None:
    """Refuse dates in the wrong order, or a period that overlaps another campaign of the
    street on a road they share (no roads: every road of the street)."""
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("The campaign cannot end before it starts.")})
    others = Campaign.objects.filter(street=street, starts_on__lte=ends_on, ends_on__gte=starts_on)
    if campaign is not None:
        others = others.exclude(pk=campaign.pk)
    for other in others.order_by("starts_on", "pk"):
        if not roads or not other.roads or set(roads) & set(other.roads):
            raise ValidationError(
                _(
                    "“%(title)s” already sweeps these roads from %(start)s to %(end)s: "
                    "choose other dates or other roads, or change that campaign."
                )
                % {
                    "title": other.title,
                    "start": other.starts_on.isoformat(),
                    "end": other.ends_on.isoformat(),
                }
            )


def campaign_inspected(campaign: Campaign) -> bool:
    return campaign.inspections.exists()


@transaction.atomic
def campaign_update(
    *,
    campaign: Campaign,
    title: str,
    starts_on: date,
    ends_on: date | None,
    roads: list[str] | None,
    by: User,
) -> Campaign:
    """Change a campaign. Once a shop was inspected under it, its start and roads stay
    (the inspections were made against them); the title and end may still change."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    ends_on = ends_on or one_month_after(starts_on)
    roads = _clean_roads(roads)
    if campaign_inspected(campaign):
        if starts_on != campaign.starts_on:
            raise ValidationError(
                {"starts_on": _("Shops were inspected under this campaign: its start stays.")}
            )
        if roads != campaign.roads:
            raise ValidationError(
                {"roads": _("Shops were inspected under this campaign: its roads stay.")}
            )
        last = campaign.inspections.order_by("-inspected_at").values_list(
            "inspected_at", flat=True
        )[0]
        if ends_on < timezone.localtime(last).date():
            raise ValidationError(
                {
                    "ends_on": _("It cannot end before its last inspection (%(day)s).")
                    % {"day": timezone.localtime(last).date().isoformat()}
                }
            )
    campaign_check(
        street=campaign.street, starts_on=starts_on, ends_on=ends_on, roads=roads, campaign=campaign
    )
    campaign.title, campaign.starts_on, campaign.ends_on = title.strip(), starts_on, ends_on
    campaign.roads = roads
    campaign.save(update_fields=["title", "starts_on", "ends_on", "roads"])
    return campaign


@transaction.atomic
def campaign_close(*, campaign: Campaign, by: User, today: date) -> Campaign:
    """End a running campaign today: its groups' shares leave the work lists tomorrow."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.ends_on <= today:
        raise ValidationError(_("This campaign has already ended."))
    if campaign.starts_on > today:
        raise ValidationError(_("This campaign has not started yet: delete it instead."))
    campaign.ends_on = today
    campaign.save(update_fields=["ends_on"])
    return campaign


@transaction.atomic
def campaign_delete(*, campaign: Campaign, by: User) -> None:
    """Delete a campaign in which nothing was inspected, with its groups and shares."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign_inspected(campaign):
        raise ValidationError(
            _("Shops were inspected under this campaign; it can be closed, not deleted.")
        )
    campaign.delete()


@transaction.atomic
def group_create(
    *,
    campaign: Campaign,
    grid_worker: User,
    market_officer: User,
    enforcement_officer: User,
    number: int | None = None,
) -> JointGroup:
    """A joint group of three: a grid worker of the street and two inspectors (market
    supervision, law enforcement) of the street or its district."""
    errors = {}
    members = access.group_members_of(campaign.street)
    eligible = set(
        members.filter(
            pk__in=[grid_worker.pk, market_officer.pk, enforcement_officer.pk]
        ).values_list("pk", "role")
    )
    if (grid_worker.pk, Role.GRID_WORKER) not in eligible:
        errors["grid_worker"] = _("Choose a grid worker of this street.")
    for field, officer in (
        ("market_officer", market_officer),
        ("enforcement_officer", enforcement_officer),
    ):
        if (officer.pk, Role.INSPECTOR) not in eligible:
            errors[field] = _("Choose an inspector of this street or its district.")
    if market_officer.pk == enforcement_officer.pk:
        errors["enforcement_officer"] = _("The group needs three different people.")
    if errors:
        raise ValidationError(errors)
    Campaign.objects.select_for_update().get(pk=campaign.pk)  # numbers are handed out in turn
    if number is None:
        last = campaign.groups.order_by("-number").values_list("number", flat=True).first()
        number = (last or 0) + 1
    elif campaign.groups.filter(number=number).exists():
        raise ValidationError(
            {"number": _("This campaign already has a group %(n)s.") % {"n": number}}
        )
    return JointGroup.objects.create(
        campaign=campaign,
        number=number,
        grid_worker=grid_worker,
        market_officer=market_officer,
        enforcement_officer=enforcement_officer,
    )


def split_evenly(items: list, parts: int) -> list[list]:
    """`items` cut into `parts` contiguous runs whose sizes differ by at most one."""
    size, extra = divmod(len(items), parts)
    runs, start = [], 0
    for k in range(parts):
        end = start + size + (1 if k < extra else 0)
        runs.append(items[start:end])
        start = end
    return runs


@transaction.atomic
def shares_split_by_road(*, campaign: Campaign) -> dict[int, int]:
    """Give every target shop to a group: the shops in road order (then address), cut into
    one contiguous stretch per group of near-equal size, so a group walks its roads end to
    end. Replaces the campaign's shares; returns shops per group number."""
    Campaign.objects.select_for_update().get(pk=campaign.pk)  # before reading its groups
    groups = list(campaign.groups.order_by("number"))
    if not groups:
        raise ValidationError(_("Add the joint groups before sharing out the shops."))
    shop_ids = list(
        selectors.campaign_target(campaign)
        .order_by("road", "address", "pk")
        .values_list("pk", flat=True)
    )
    campaign.assignments.all().delete()
    rows = []
    counts = {}
    for group, run in zip(groups, split_evenly(shop_ids, len(groups)), strict=True):
        counts[group.number] = len(run)
        rows.extend(Assignment(campaign=campaign, group=group, shop_id=pk) for pk in run)
    Assignment.objects.bulk_create(rows, batch_size=1000)
    return counts


@transaction.atomic
def shares_assign(
    *, campaign: Campaign, group: JointGroup, shop_ids: list[int], road: str = ""
) -> int:
    """Move the given target shops, and every target shop of `road`, into `group`'s
    share; returns how many."""
    if group.campaign_id != campaign.pk:
        raise ValidationError({"group": _("This group is not in the campaign.")})
    chosen = Q(pk__in=shop_ids) | (Q(road=road) if road else Q(pk__in=[]))
    shop_ids = list(selectors.campaign_target(campaign).filter(chosen).values_list("pk", flat=True))
    campaign.assignments.filter(shop_id__in=shop_ids).delete()
    Assignment.objects.bulk_create(
        [Assignment(campaign=campaign, group=group, shop_id=pk) for pk in shop_ids],
        batch_size=1000,
    )
    return len(shop_ids)


# --- Inspections ---------------------------------------------------------------------------


def _assignment_for(shop: Shop, user: User, today: date) -> Assignment | None:
    """The share under which `user` may inspect `shop` today: their group's, among the
    shares open today (selectors.shares_open), the latest campaign's."""
    mine = Assignment.objects.filter(shop=shop, group__in=access.groups_joined(user))
    return (
        mine.filter(selectors.shares_open(today))
        .select_related("group", "campaign")
        .order_by("-campaign__starts_on", "-pk")
        .first()
    )


NOT_IN_SHARE = gettext_lazy("This shop is not in your joint group's share of a running campaign.")


def inspection_share(*, shop: Shop, by: User, today: date) -> tuple[Assignment | None, str]:
    """The share under which `by` may inspect `shop` today, and why not ("" when they
    may): the shop must be in their group's share; a shop under a red placard waits for
    its re-inspection day."""
    assignment = _assignment_for(shop, by, today)
    if assignment is None:
        return None, str(NOT_IN_SHARE)
    due = rules.reinspection_refusal(
        placard_now=rules.Placard(shop.placard), reinspection_due=shop.reinspection_due, today=today
    )
    if due is not None:
        return assignment, _(
            "The shop is closed under a red placard; it can be re-inspected from "
            "%(day)s, after the %(days)s days of rectification."
        ) % {"day": due.isoformat(), "days": settings.SHOP_CLOSURE_DAYS}
    return assignment, ""


EVENT_KIND = {
    (rules.Outcome.GREEN, True): Kind.RED_REMOVED,
    (rules.Outcome.GREEN, False): Kind.GREEN,
    (rules.Outcome.REMINDER, False): Kind.REMINDER,
    (rules.Outcome.RED, True): Kind.RED_KEPT,
    (rules.Outcome.RED, False): Kind.RED,
}


def _submitted_before(*, token: uuid.UUID, shop: Shop, by: User) -> Inspection | None:
    """The inspection recorded under `token`, or None; a token of another shop's or
    another inspector's inspection is refused (a tampered or mixed-up form)."""
    inspection = Inspection.objects.filter(token=token).first()
    if inspection is None or (inspection.shop_id == shop.pk and inspection.inspector_id == by.pk):
        return inspection
    raise ValidationError(
        {"token": _("This checklist was used for another inspection: open it again.")}
    )


@transaction.atomic
def inspection_record(
    *,
    shop: Shop,
    by: User,
    answers: dict[str, bool | None],
    photo=None,
    note: str = "",
    now: datetime | None = None,
    token: uuid.UUID | None = None,
) -> tuple[Inspection, bool]:
    """Record a joint group's inspection and apply its result to the shop; returns the
    inspection and whether this call recorded it (False: `token` was recorded before).

    1. Every checklist item must be answered.
    2. Lock the shop: two inspections of one shop at once are both kept, and the second
       is judged on the shop as the first left it (on one day: it is the repeat).
    3. A checklist's one-time `token` recorded before (a double tap, a resubmitted form,
       a client's retry) returns that inspection and changes nothing; checked under the
       lock, so two submits at once record once, and before the share, so a replay of
       the submit that closed the shop still finds its result.
    4. The inspector's group must have the shop in its share; a shop under a red placard
       may be re-inspected from its due day only.
    5. The pure rule gives the outcome from the shop's standing, the running reminder's
       deadline and whether an inspection already counted today; the shop's placard and
       state change, with an event on its timeline for each change."""
    missing = rules.missing_items(answers)
    if missing:
        raise ValidationError({item: _("Answer yes or no.") for item in missing})
    now = now or timezone.now()
    today = timezone.localdate(now)
    shop = Shop.objects.select_for_update().get(pk=shop.pk)
    if token is not None:
        earlier = _submitted_before(token=token, shop=shop, by=by)
        if earlier is not None:
            return earlier, False
    assignment, refusal = inspection_share(shop=shop, by=by, today=today)
    if refusal:
        raise ValidationError({"shop": refusal})
    placard_now = rules.Placard(shop.placard)
    answers = {item: bool(answers[item]) for item in rules.CHECKS}
    result = rules.inspection_result(
        failed=rules.failed_items(answers),
        before=rules.Standing(
            placard=placard_now,
            closed=shop.state == Shop.State.CLOSED,
            reminders=shop.reminders,
            rectify_by=shop.rectify_by,
            reinspection_due=shop.reinspection_due,
        ),
        counted_today=selectors.shop_counted_inspection(shop, today) is not None,
        today=today,
        limits=limits(),
    )
    inspection = Inspection.objects.create(
        shop=shop,
        campaign=assignment.campaign,
        group=assignment.group,
        inspector=by,
        inspected_at=now,
        photo=photo or "",
        note=note.strip(),
        outcome=result.outcome,
        is_reinspection=placard_now == rules.Placard.RED,
        rectify_by=result.rectify_by,
        token=token,
        **answers,
    )
    before = (shop.placard, shop.state, shop.reminders)
    shop.placard = result.placard
    shop.state = Shop.State.CLOSED if result.closed else Shop.State.OPEN
    shop.reminders = result.reminders
    shop.rectify_by = result.rectify_by
    shop.reinspection_due = result.reinspection_due
    shop.venue_code_posted = answers["venue_code_posted"]
    shop.save(
        update_fields=[
            "placard",
            "state",
            "reminders",
            "rectify_by",
            "reinspection_due",
            "venue_code_posted",
        ]
    )
    if (shop.placard, shop.state, shop.reminders) != before or result.outcome == rules.Outcome.RED:
        ShopEvent.objects.create(
            shop=shop,
            kind=EVENT_KIND[(result.outcome, placard_now == rules.Placard.RED)],
            at=now,
            by=by,
            inspection=inspection,
            placard_before=before[0],
            placard_after=shop.placard,
            state_before=before[1],
            state_after=shop.state,
        )
    return inspection, True


# --- The register ----------------------------------------------------------------------------


YES_WORDS = {"是", "已张贴", "yes", "y", "true", "1"}
NO_WORDS = {"否", "未张贴", "no", "n", "false", "0", ""}
IMPORT_FIELDS = ("road", "kind", "licence_number", "contact_phone", "venue_code_posted")


def _kind_words() -> dict[str, str]:
    """A kind as a file may name it: its value, its English label or its Chinese label."""
    from django.utils import translation

    words = {}
    for value, label in Shop.Kind.choices:
        words[value] = value
        with translation.override("en"):
            words[str(label).lower()] = value
        with translation.override("zh-hans"):
            words[str(label)] = value
    return words


def _grids_of(street: Jurisdiction) -> dict[tuple[str, str], int]:
    """The street's grids by (community name, grid name), also by the grid's number."""
    grids = {}
    rows = Jurisdiction.objects.filter(
        level=Jurisdiction.Level.GRID, path__startswith=street.path
    ).values_list("pk", "name", "parent__name")
    for pk, name, community in rows:
        grids[(community, name)] = pk
        number = name.removeprefix("第").removesuffix("网格")
        grids.setdefault((community, number), pk)
    return grids


def _import_values(row: dict, grids: dict, kinds: dict) -> dict:
    """The shop fields of one row, or ValidationError naming what is wrong."""
    from communities import rules as identity

    name, address = row.get("name", ""), row.get("address", "")
    if not name or not address:
        raise ValidationError(_("The name and the address are required."))
    if len(name) > 100 or len(address) > 200:
        raise ValidationError(_("The name (100) or the address (200 characters) is too long."))
    grid_id = grids.get((row.get("community", ""), row.get("grid", "")))
    if grid_id is None:
        raise ValidationError(
            _("No grid “%(grid)s” in community “%(community)s” of this street.")
            % {"grid": row.get("grid", ""), "community": row.get("community", "")}
        )
    text = row.get("kind", "") or "other"
    kind = kinds.get(text.lower()) or kinds.get(text)
    if kind is None:
        raise ValidationError(_("Unknown kind “%(kind)s”.") % {"kind": row.get("kind", "")})
    phone = row.get("contact_phone", "")
    if phone and not identity.is_mobile(phone):
        raise ValidationError(_("The contact phone is not an 11-digit mobile number."))
    posted = row.get("venue_code_posted", "").lower()
    if posted not in YES_WORDS | NO_WORDS:
        raise ValidationError(_("Venue code posted must be 是 or 否."))
    licence, road = row.get("licence_number", ""), row.get("road", "")
    if len(licence) > 32 or len(road) > 50:
        raise ValidationError(_("The licence number (32) or the road (50 characters) is too long."))
    return {
        "name": name,
        "address": address,
        "grid_id": grid_id,
        "road": road,
        "kind": kind,
        "licence_number": licence,
        "contact_phone": phone,
        "venue_code_posted": posted in YES_WORDS,
    }


def shops_check(*, rows: list[dict], street: Jurisdiction) -> tuple[list[tuple], dict]:
    """The street's register from a file, checked and nothing written: a new (grid, name,
    address) adds a shop, a known one updates it. Returns the refused rows as (row, name,
    reason) and the plan {"added": [...], "changed": [...]} for shops_store."""
    grids, kinds = _grids_of(street), _kind_words()
    existing = {
        (s.grid_id, s.name, s.address): s
        for s in Shop.objects.filter(grid__path__startswith=street.path)
    }
    refused, added, changed, seen = [], [], [], {}
    for row in rows:
        number, shown = row["row"], row.get("name", "")[:100]
        try:
            values = _import_values(row, grids, kinds)
        except ValidationError as error:
            refused.append((number, shown, " ".join(error.messages)))
            continue
        key = (values["grid_id"], values["name"], values["address"])
        if key in seen:
            refused.append((number, shown, _("Repeats row %(row)s.") % {"row": seen[key]}))
            continue
        seen[key] = number
        shop = existing.get(key)
        if shop is None:
            added.append(Shop(**values))
        else:
            for field in IMPORT_FIELDS:
                setattr(shop, field, values[field])
            changed.append(shop)
    return refused, {"added": added, "changed": changed}


def shops_store(*, plan: dict) -> int:
    """Write a checked register (shops_check's plan) in bulk; returns the rows written."""
    Shop.objects.bulk_create(plan["added"], batch_size=1000)
    Shop.objects.bulk_update(plan["changed"], IMPORT_FIELDS, batch_size=1000)
    return len(plan["added"]) + len(plan["changed"])
