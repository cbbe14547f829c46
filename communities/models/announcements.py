"""Risk-area announcements of the city office, kept with their history."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .people import User


class RiskLevel(models.TextChoices):
    HIGH = "high", _("High risk")
    MEDIUM = "medium", _("Medium risk")


class Announcement(models.Model):
    """A risk-area announcement of the city office (市疫情防控办提示), immutable once
    loaded. The one in force on a day is the latest with `effective` on or before it."""

    title = models.CharField(_("title"), max_length=200)
    effective = models.DateField(_("effective from"), db_index=True)
    measures = models.JSONField(_("measure overrides"), default=dict, blank=True)
    digest = models.CharField(_("digest"), max_length=64, unique=True, editable=False)
    payload = models.JSONField(_("file as loaded"), editable=False)
    published_by = models.ForeignKey(
        User, verbose_name=_("published by"), null=True, blank=True, on_delete=models.PROTECT
    )
    published_at = models.DateTimeField(_("published at"), auto_now_add=True)

    class Meta:
        verbose_name = _("risk-area announcement")
        verbose_name_plural = _("risk-area announcements")
        ordering = ["-effective", "-pk"]

    def __str__(self):
        return f"{self.title} ({self.effective:%Y-%m-%d})"


class AnnouncedPlace(models.Model):
    announcement = models.ForeignKey(Announcement, on_delete=models.CASCADE)
    province = models.CharField(_("province"), max_length=50)
    city = models.CharField(_("city"), max_length=50)
    county = models.CharField(_("county"), max_length=50)

    class Meta:
        abstract = True


class AnnouncedRiskArea(AnnouncedPlace):
    level = models.CharField(_("risk level"), max_length=8, choices=RiskLevel.choices)
    street = models.CharField(_("street/town"), max_length=50, blank=True)
    area = models.CharField(_("area"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("risk area")
        verbose_name_plural = _("risk areas")
        default_related_name = "risk_areas"
        indexes = [models.Index(fields=["province", "city", "county"], name="riskarea_county")]

    def __str__(self):
        return "".join((self.province, self.city, self.county, self.street, self.area))


class AnnouncedCaseCounty(AnnouncedPlace):
    street = models.CharField(_("street/town"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("case county")
        verbose_name_plural = _("case counties")
        default_related_name = "case_counties"
        indexes = [models.Index(fields=["province", "city", "county"], name="casecounty_county")]

    def __str__(self):
        return "".join((self.province, self.city, self.county, self.street))


class AnnouncedEpidemicCity(models.Model):
    announcement = models.ForeignKey(
        Announcement, on_delete=models.CASCADE, related_name="epidemic_cities"
    )
    province = models.CharField(_("province"), max_length=50)
    city = models.CharField(_("city"), max_length=50)
    since = models.DateField(_("since"))

    class Meta:
        verbose_name = _("epidemic city")
        verbose_name_plural = _("epidemic cities")

    def __str__(self):
        return f"{self.province}{self.city}"
