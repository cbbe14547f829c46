"""Vaccination (issue 16): the products and the booster policy (the city office's data),
each resident's doses as recorded, and the status the doses give (kept per resident so
that the booster list and the coverage read an index, never typed: services write it from
the doses with rules.state_of), and the coverage of each node and age band by day."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from communities.models import Jurisdiction, Resident

from . import rules

MAX_COURSE = 5  # doses of a primary course: no product has more


class Status(models.TextChoices):
    NONE = rules.Status.NONE, _("Not vaccinated")
    INCOMPLETE = rules.Status.INCOMPLETE, _("Course incomplete")
    FULL = rules.Status.FULL, _("Full course")
    BOOSTER = rules.Status.BOOSTER, _("Booster")


class Product(models.Model):
    """A vaccine product and its primary course (灭活疫苗 two doses, 腺病毒载体疫苗 one,
    重组蛋白疫苗 three): the city office's table."""

    class Platform(models.TextChoices):
        INACTIVATED = "inactivated", _("Inactivated vaccine")
        ADENOVIRUS = "adenovirus", _("Adenovirus vector vaccine")
        PROTEIN = "protein", _("Recombinant protein vaccine")
        OTHER = "other", _("Other")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    platform = models.CharField(_("platform"), max_length=16, choices=Platform.choices)
    primary_doses = models.PositiveSmallIntegerField(
        _("doses of the primary course"),
        validators=[MinValueValidator(1), MaxValueValidator(MAX_COURSE)],
    )
    manufacturer = models.CharField(_("manufacturer"), max_length=100, blank=True)
    active = models.BooleanField(
        _("in use"), default=True, help_text=_("Only products in use can be recorded.")
    )

    class Meta:
        verbose_name = _("vaccine product")
        verbose_name_plural = _("vaccine products")
        ordering = ["platform", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(primary_doses__gte=1, primary_doses__lte=MAX_COURSE),
                name="product_course_range",
            )
        ]

    def __str__(self):
        return self.name


class BoosterPolicy(models.Model):
    """The age from which a booster is due and the days after the full course, from a day
    on: the city office sets a new one (kept as a history, never edited)."""

    effective = models.DateField(_("effective from"), unique=True)
    booster_age = models.PositiveSmallIntegerField(
        _("booster from age"), validators=[MinValueValidator(3), MaxValueValidator(100)]
    )
    booster_after_days = models.PositiveSmallIntegerField(
        _("booster after days"), validators=[MinValueValidator(1), MaxValueValidator(3650)]
    )
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("set by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    set_at = models.DateTimeField(_("set at"), auto_now_add=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("booster policy")
        verbose_name_plural = _("booster policies")
        ordering = ["-effective"]

    def __str__(self):
        return f"{self.effective:%Y-%m-%d}: {self.booster_age} / {self.booster_after_days}"


class Dose(models.Model):
    """One dose given to a resident, as recorded by a grid worker, the community or a
    vaccination site's file."""

    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="doses")
    day = models.DateField(_("vaccination date"))
    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.PROTECT, related_name="doses"
    )
    manufacturer = models.CharField(_("manufacturer"), max_length=100, blank=True)
    lot = models.CharField(_("lot"), max_length=40)
    site = models.CharField(_("vaccination site"), max_length=100)
    number = models.PositiveSmallIntegerField(
        _("dose number"), validators=[MinValueValidator(1), MaxValueValidator(9)]
    )
    booster = models.BooleanField(_("booster"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("dose")
        verbose_name_plural = _("doses")
        ordering = ["resident_id", "day"]
        constraints = [
            # nobody is given two doses on one day: a second row is the same dose twice
            models.UniqueConstraint(fields=["resident", "day"], name="dose_one_a_day"),
        ]

    def __str__(self):
        return f"{self.resident_id} {self.day:%Y-%m-%d} {self.product_id}"


class VaccinationState(models.Model):
    """The status a resident's doses give (rules.state_of), written by the services
    whenever the doses or the products' courses change; a resident without doses has no
    row (not vaccinated)."""

    resident = models.OneToOneField(
        Resident, primary_key=True, on_delete=models.CASCADE, related_name="vaccination"
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    full_course_on = models.DateField(_("full course on"), null=True, blank=True)
    booster_on = models.DateField(_("booster on"), null=True, blank=True)
    doses = models.PositiveSmallIntegerField(_("doses"), default=0)
    # when the booster reminder went out (once: notices' booster_due producer)
    reminded_at = models.DateTimeField(_("booster reminder sent"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("vaccination status")
        verbose_name_plural = _("vaccination statuses")
        indexes = [
            # the booster list and the reminder: full courses by their day
            models.Index(fields=["status", "full_course_on"], name="vaccination_due"),
        ]

    def __str__(self):
        return f"{self.resident_id}: {self.status}"


class CoverageDay(models.Model):
    """A node's coverage in an age band on a day (its whole subtree), as the last refresh
    of that day found it: residents of the band, those with a full course (a booster
    included), with a booster, and those due a booster."""

    node = models.ForeignKey(Jurisdiction, on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("day"))
    band = models.CharField(_("age band"), max_length=8)
    refreshed_at = models.DateTimeField(_("refreshed at"))
    residents = models.PositiveIntegerField(default=0)
    full_course = models.PositiveIntegerField(default=0)
    booster = models.PositiveIntegerField(default=0)
    due = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("coverage of a day")
        verbose_name_plural = _("coverage of the days")
        constraints = [
            models.UniqueConstraint(fields=["node", "day", "band"], name="coverage_day_unique")
        ]
        indexes = [models.Index(fields=["day", "node"], name="coverage_by_day")]

    def __str__(self):
        return f"{self.node_id} {self.day:%Y-%m-%d} {self.band}"
