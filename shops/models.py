import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from communities.models import Jurisdiction
from communities.validators import validate_mobile

from . import rules


class Placard(models.TextChoices):
    NONE = rules.Placard.NONE, _("No placard")
    GREEN = rules.Placard.GREEN, _("Green placard")
    RED = rules.Placard.RED, _("Red placard")


class Shop(models.Model):
    """A shop on the street's register (商铺), inspected in the street sweep."""

    class Kind(models.TextChoices):
        PHARMACY = "pharmacy", _("Pharmacy")
        RESTAURANT = "restaurant", _("Restaurant")
        SUPERMARKET = "supermarket", _("Supermarket")
        CLOTHING = "clothing", _("Clothing")
        BARBER = "barber", _("Barber and beauty")
        HOTEL = "hotel", _("Hotel")
        OTHER = "other", _("Other")

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed for rectification")

    Placard = Placard

    name = models.CharField(_("name"), max_length=100)
    address = models.CharField(pgettext_lazy("shop", "address"), max_length=200)
    grid = models.ForeignKey(
        Jurisdiction,
        verbose_name=_("grid"),
        on_delete=models.PROTECT,
        related_name="shops",
        limit_choices_to={"level": Jurisdiction.Level.GRID},
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.OTHER)
    licence_number = models.CharField(_("licence number"), max_length=32, blank=True)
    contact_phone = models.CharField(
        _("contact phone"), max_length=11, blank=True, validators=[validate_mobile]
    )
    road = models.CharField(
        _("road"), max_length=50, blank=True, db_index=True, help_text=_("The main road it faces.")
    )
    venue_code_posted = models.BooleanField(_("venue code posted"), default=False)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.OPEN)
    placard = models.CharField(
        _("placard"), max_length=8, choices=Placard.choices, default=Placard.NONE
    )
    reminders = models.PositiveSmallIntegerField(
        _("reminders"), default=0, help_text=_("Rectification reminders since it last passed.")
    )
    rectify_by = models.DateField(_("rectify by"), null=True, blank=True)
    reinspection_due = models.DateField(_("re-inspection due"), null=True, blank=True)
    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        verbose_name = _("shop")
        verbose_name_plural = _("shops")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["grid", "name", "address"], name="shop_unique_per_grid"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def community(self):
        return self.grid.parent

    @property
    def street(self):
        return self.grid.parent.parent


def one_month_after(day):
    """The default end of a campaign: one month (the seed: 为期一个月)."""
    return day + timedelta(days=30)


class Campaign(models.Model):
    """A street sweep (扫街行动): one street, one period, joint groups sharing the shops."""

    street = models.ForeignKey(
        Jurisdiction,
        verbose_name=_("street"),
        on_delete=models.PROTECT,
        related_name="campaigns",
        limit_choices_to={"level": Jurisdiction.Level.STREET},
    )
    title = models.CharField(_("title"), max_length=100)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    roads = models.JSONField(
        _("main roads"),
        default=list,
        blank=True,
        help_text=_("The roads whose shops are inspected; empty for every shop of the street."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="campaign_ends_after_start"
            ),
        ]

    def __str__(self):
        return self.title

    def is_active(self, today) -> bool:
        return self.starts_on <= today <= self.ends_on


class JointGroup(models.Model):
    """A joint group of three (联合小组): a grid worker, market supervision and law
    enforcement, with its share of the campaign's shops."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="groups"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    grid_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("grid worker"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    market_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("market supervision"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    enforcement_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("law enforcement"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("joint group")
        verbose_name_plural = _("joint groups")
        ordering = ["campaign", "number"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "number"], name="group_unique_number"),
        ]

    def __str__(self):
        return _("Group %(number)s") % {"number": self.number}

    @property
    def member_ids(self) -> set[int]:
        return {self.grid_worker_id, self.market_officer_id, self.enforcement_officer_id}


class Assignment(models.Model):
    """One shop of a campaign in one group's share; a shop is in at most one share."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="assignments"
    )
    group = models.ForeignKey(
        JointGroup, verbose_name=_("group"), on_delete=models.CASCADE, related_name="assignments"
    )
    shop = models.ForeignKey(
        Shop, verbose_name=_("shop"), on_delete=models.CASCADE, related_name="assignments"
    )

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "shop"], name="assignment_one_share"),
        ]

    def __str__(self):
        return f"{self.group} · {self.shop}"


class Inspection(models.Model):
    """One visit of a joint group with the checklist's answers and what it earned."""

    class Outcome(models.TextChoices):
        GREEN = rules.Outcome.GREEN, _("Green placard")
        REMINDER = rules.Outcome.REMINDER, _("Rectification reminder")
        RED = rules.Outcome.RED, _("Red placard")
        IN_PERIOD = (
            rules.Outcome.IN_PERIOD,
            _("Recorded within the rectification period, not another reminder"),
        )
        REPEAT = rules.Outcome.REPEAT, _("Recorded, not counted: the shop was inspected that day")

    shop = models.ForeignKey(
        Shop, verbose_name=_("shop"), on_delete=models.PROTECT, related_name="inspections"
    )
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="inspections"
    )
    group = models.ForeignKey(
        JointGroup, verbose_name=_("group"), on_delete=models.PROTECT, related_name="inspections"
    )
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("inspector"),
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    inspected_at = models.DateTimeField(_("inspected at"), db_index=True)
    temperature_taken = models.BooleanField(_("temperature taken"))
    codes_checked = models.BooleanField(_("health code and itinerary code checked"))
    masks_worn = models.BooleanField(_("masks worn"))
    venue_code_posted = models.BooleanField(_("venue code posted"))
    venue_code_used = models.BooleanField(_("venue code used"))
    visitors_registered = models.BooleanField(_("visitors registered"))
    supplies_in_place = models.BooleanField(_("prevention supplies in place"))
    no_outdated_notices = models.BooleanField(_("no outdated notices or recordings"))
    photo = models.FileField(_("photo"), upload_to="inspections/%Y/%m/", blank=True)
    note = models.TextField(_("note"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    is_reinspection = models.BooleanField(_("re-inspection"), default=False)
    rectify_by = models.DateField(_("rectify by"), null=True, blank=True)
    token = models.UUIDField(
        _("submission token"),
        null=True,
        blank=True,
        unique=True,
        editable=False,
        help_text=_("The checklist's one-time token: submitted again, it finds this inspection."),
    )

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-inspected_at", "-pk"]
        indexes = [models.Index(fields=["campaign", "inspected_at"])]

    def __str__(self):
        return f"{self.shop} {self.inspected_at:%Y-%m-%d %H:%M}"

    @property
    def answers(self) -> dict[str, bool]:
        return {item: getattr(self, item) for item in rules.CHECKS}

    @property
    def failed(self) -> list[str]:
        return rules.failed_items(self.answers)


class ShopEvent(models.Model):
    """A change of a shop's placard or state, for its timeline: who, when, which inspection."""

    class Kind(models.TextChoices):
        GREEN = "green", _("Green placard posted")
        REMINDER = "reminder", _("Rectification reminder")
        RED = "red", _("Red placard posted, closed for rectification")
        RED_KEPT = "red_kept", _("Re-inspection failed, red placard kept")
        RED_REMOVED = "red_removed", _("Re-inspection passed, red placard removed")

    shop = models.ForeignKey(
        Shop, verbose_name=_("shop"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    at = models.DateTimeField(_("at"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    inspection = models.ForeignKey(
        Inspection,
        verbose_name=_("inspection"),
        on_delete=models.PROTECT,
        null=True,
        related_name="events",
    )
    placard_before = models.CharField(_("placard before"), max_length=8, choices=Placard.choices)
    placard_after = models.CharField(_("placard after"), max_length=8, choices=Placard.choices)
    state_before = models.CharField(_("state before"), max_length=16, choices=Shop.State.choices)
    state_after = models.CharField(_("state after"), max_length=16, choices=Shop.State.choices)

    class Meta:
        verbose_name = _("shop event")
        verbose_name_plural = _("shop events")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.shop} {self.get_kind_display()}"
