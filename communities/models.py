from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext_lazy as _

from .validators import validate_id_number, validate_mobile


class HealthCode(models.TextChoices):
    GREEN = "green", _("Green")
    YELLOW = "yellow", _("Yellow")
    RED = "red", _("Red")


class Jurisdiction(models.Model):
    """A node of the administrative tree: city → district → street → community → grid.

    One model for every level, not one per level: all levels have the same shape (a name
    and a parent), and almost every query is "everything under node X" (a user's scope, a
    dashboard's counts). A materialized path (`/1/5/12/`) turns that into one indexed
    prefix match, the same query at any level, instead of a chain of joins that differs
    per level.
    """

    class Level(models.TextChoices):
        CITY = "city", _("City")
        DISTRICT = "district", _("District/County")
        STREET = "street", _("Street/Town")
        COMMUNITY = "community", _("Community/Village")
        GRID = "grid", _("Grid")

    # The level a node's parent must have.
    PARENT_LEVEL = {
        Level.CITY: None,
        Level.DISTRICT: Level.CITY,
        Level.STREET: Level.DISTRICT,
        Level.COMMUNITY: Level.STREET,
        Level.GRID: Level.COMMUNITY,
    }

    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    code = models.CharField(
        _("division code"),
        max_length=12,
        blank=True,
        help_text=_("GB/T 2260 code for a city or district, if any."),
    )
    path = models.CharField(_("path"), max_length=255, db_index=True, editable=False)

    class Meta:
        verbose_name = _("jurisdiction")
        verbose_name_plural = _("jurisdictions")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="jurisdiction_unique_name"),
            models.CheckConstraint(
                condition=Q(level="city", parent__isnull=True)
                | (~Q(level="city") & Q(parent__isnull=False)),
                name="jurisdiction_only_city_is_root",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # The path derives from the row's own parent, so it is kept here rather than in a
        # service: every writer (admin, seed, services) must keep the tree consistent.
        super().save(*args, **kwargs)
        path = f"{self.parent.path if self.parent_id else '/'}{self.pk}/"
        if path != self.path:
            old = self.path
            type(self).objects.filter(pk=self.pk).update(path=path)
            if old:  # moved: re-root the subtree in one statement
                type(self).objects.filter(path__startswith=old).exclude(pk=self.pk).update(
                    path=Concat(models.Value(path), Substr("path", len(old) + 1))
                )
            self.path = path

    def clean(self):
        expected = self.PARENT_LEVEL.get(self.level)
        actual = self.parent.level if self.parent_id else None
        if expected != actual:
            raise ValidationError(
                {
                    "parent": _("A %(level)s must sit directly under a %(parent)s.")
                    % {
                        "level": self.get_level_display(),
                        "parent": self.Level(expected).label if expected else _("nothing"),
                    }
                }
            )
        if self.pk and self.parent_id and f"/{self.pk}/" in self.parent.path:
            raise ValidationError({"parent": _("A node cannot be moved under itself.")})

    @property
    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.path.strip("/").split("/") if part][:-1]

    def contains(self, other: "Jurisdiction") -> bool:
        return other.path.startswith(self.path)


class User(AbstractUser):
    """A staff member: one role, one node of the tree; a grid worker serves some grids."""

    class Role(models.TextChoices):
        GRID_WORKER = "grid_worker", _("Grid worker")
        COMMUNITY_STAFF = "community_staff", _("Community staff")
        STREET_SUPERVISOR = "street_supervisor", _("Street supervisor")
        DISTRICT_OFFICE = "district_office", _("District prevention office")
        CITY_OFFICE = "city_office", _("City prevention office")
        INSPECTOR = "inspector", _("Inspector")
        ADMIN = "admin", _("Administrator")

    # The levels at which each role may be placed.
    ROLE_LEVELS = {
        Role.GRID_WORKER: {Jurisdiction.Level.COMMUNITY, Jurisdiction.Level.GRID},
        Role.COMMUNITY_STAFF: {Jurisdiction.Level.COMMUNITY},
        Role.STREET_SUPERVISOR: {Jurisdiction.Level.STREET},
        Role.DISTRICT_OFFICE: {Jurisdiction.Level.DISTRICT},
        Role.CITY_OFFICE: {Jurisdiction.Level.CITY},
        Role.INSPECTOR: {Jurisdiction.Level.STREET, Jurisdiction.Level.DISTRICT},
        Role.ADMIN: {Jurisdiction.Level.CITY},
    }

    role = models.CharField(_("role"), max_length=32, choices=Role.choices, blank=True)
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        verbose_name=_("jurisdiction"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )
    grids = models.ManyToManyField(
        Jurisdiction,
        verbose_name=_("grids served"),
        blank=True,
        related_name="grid_workers",
        limit_choices_to={"level": Jurisdiction.Level.GRID},
    )
    phone = models.CharField(_("phone"), max_length=11, blank=True, validators=[validate_mobile])

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        full = self.get_full_name()
        return f"{full} ({self.username})" if full else self.username

    def clean(self):
        super().clean()
        if self.is_superuser:
            return
        if not self.role:
            raise ValidationError({"role": _("Every staff member needs a role.")})
        if self.jurisdiction_id is None:
            raise ValidationError({"jurisdiction": _("Every staff member needs a jurisdiction.")})
        allowed = self.ROLE_LEVELS[self.Role(self.role)]
        if self.jurisdiction.level not in allowed:
            raise ValidationError(
                {
                    "jurisdiction": _("A %(role)s is placed at the level of: %(levels)s.")
                    % {
                        "role": self.get_role_display(),
                        "levels": "、".join(
                            str(Jurisdiction.Level(lv).label) for lv in sorted(allowed)
                        ),
                    }
                }
            )


class Resident(models.Model):
    """A person living in (or staying in) a grid of the city."""

    name = models.CharField(_("name"), max_length=50)
    id_number = models.CharField(
        _("ID number"), max_length=18, unique=True, validators=[validate_id_number]
    )
    phone = models.CharField(_("phone"), max_length=11, validators=[validate_mobile])
    address = models.CharField(_("address"), max_length=200, blank=True)
    grid = models.ForeignKey(
        Jurisdiction,
        verbose_name=_("grid"),
        on_delete=models.PROTECT,
        related_name="residents",
        limit_choices_to={"level": Jurisdiction.Level.GRID},
    )
    code = models.CharField(
        _("health code"), max_length=8, choices=HealthCode.choices, default=HealthCode.GREEN
    )
    code_rule = models.CharField(_("code rule"), max_length=8, blank=True)
    code_changed_at = models.DateTimeField(_("code changed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("resident")
        verbose_name_plural = _("residents")
        ordering = ["name", "pk"]
        indexes = [models.Index(fields=["grid", "code"], name="resident_grid_code")]

    def __str__(self):
        return self.name


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


class ArrivalReport(models.Model):
    """A person arriving from outside the province (返（抵）并报备), with their stays."""

    class Source(models.TextChoices):
        SELF = "self", _("The person (public form)")
        GRID_WORKER = "grid_worker", _("Grid worker")
        HOTEL = "hotel", _("Hotel")
        WORK_UNIT = "work_unit", _("Work unit")

    class LandingPoint(models.TextChoices):
        STATION = "station", _("Railway station")
        AIRPORT = "airport", _("Airport")
        CHECKPOINT = "checkpoint", _("Road checkpoint")

    class Transport(models.TextChoices):
        TRAIN = "train", _("Train")
        PLANE = "plane", _("Plane")
        CAR = "car", _("Car")
        BUS = "bus", _("Coach")
        OTHER = "other", _("Other")

    class State(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted, to verify")
        ASSESSED = "assessed", _("Assessed")

    resident = models.ForeignKey(
        "Resident",
        verbose_name=_("resident"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="arrivals",
    )
    community = models.ForeignKey(
        Jurisdiction,
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        related_name="arrivals",
        limit_choices_to={"level": Jurisdiction.Level.COMMUNITY},
    )
    name = models.CharField(_("name"), max_length=50)
    id_number = models.CharField(_("ID number"), max_length=18, validators=[validate_id_number])
    phone = models.CharField(_("phone"), max_length=11, validators=[validate_mobile])
    address = models.CharField(_("address"), max_length=200, blank=True)
    source = models.CharField(_("filed by"), max_length=16, choices=Source.choices)
    filed_by = models.ForeignKey(
        User,
        verbose_name=_("filed by user"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    arrival_date = models.DateField(_("arrival date"))
    landing_point_kind = models.CharField(
        _("first landing point"), max_length=16, choices=LandingPoint.choices
    )
    landing_point = models.CharField(_("landing point name"), max_length=100, blank=True)
    transport = models.CharField(_("transport"), max_length=16, choices=Transport.choices)
    abroad_quarantine_days = models.PositiveSmallIntegerField(
        _("days quarantined at the first entry point (from abroad)"), null=True, blank=True
    )
    state = models.CharField(_("state"), max_length=16, choices=State.choices)
    decision = models.JSONField(_("decision"), null=True, blank=True)
    created_at = models.DateTimeField(_("filed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("arrival report")
        verbose_name_plural = _("arrival reports")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["arrival_date"], name="arrival_date")]

    def __str__(self):
        return f"{self.name} {self.arrival_date:%Y-%m-%d}"


class Stay(models.Model):
    """One stay of the 14 days before arrival (旅居史)."""

    arrival = models.ForeignKey(ArrivalReport, on_delete=models.CASCADE, related_name="stays")
    province = models.CharField(_("province"), max_length=50)
    city = models.CharField(_("city"), max_length=50)
    county = models.CharField(_("county"), max_length=50)
    street = models.CharField(_("street/town"), max_length=50, blank=True)
    area = models.CharField(_("area"), max_length=100, blank=True)
    start = models.DateField(_("from"))
    end = models.DateField(_("to"))

    class Meta:
        verbose_name = _("stay")
        verbose_name_plural = _("stays")
        ordering = ["start", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gte=models.F("start")), name="stay_end_after_start"
            )
        ]
        indexes = [models.Index(fields=["province", "city", "county"], name="stay_county")]

    def __str__(self):
        return "".join((self.province, self.city, self.county, self.street, self.area))


class HealthCodeEvent(models.Model):
    """One change of a resident's health code: assign, transfer or release."""

    class Kind(models.TextChoices):
        ASSIGN = "assign", _("Assign")
        TRANSFER = "transfer", _("Transfer")
        RELEASE = "release", _("Release")

    resident = models.ForeignKey("Resident", on_delete=models.CASCADE, related_name="code_events")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    from_code = models.CharField(_("from"), max_length=8, choices=HealthCode.choices)
    to_code = models.CharField(_("to"), max_length=8, choices=HealthCode.choices)
    rule = models.CharField(_("rule"), max_length=8, blank=True)
    reason = models.TextField(_("reason"))
    actor = models.ForeignKey(
        User,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text=_("Empty when the system made the change."),
    )
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("health-code event")
        verbose_name_plural = _("health-code events")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.resident_id}: {self.from_code} → {self.to_code}"


class ControlMeasure(models.Model):
    """A plan of phases run back to back from `start`; release is due the day after."""

    class State(models.TextChoices):
        ACTIVE = "active", _("Active")
        RELEASED = "released", _("Released")
        REPLACED = "replaced", _("Replaced")

    resident = models.ForeignKey("Resident", on_delete=models.CASCADE, related_name="measures")
    arrival = models.ForeignKey(
        ArrivalReport, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rule = models.CharField(_("rule"), max_length=8)
    phases = models.JSONField(_("phases"))
    start = models.DateField(_("start"))
    end = models.DateField(_("last day"))
    release_due = models.DateField(_("release due"), db_index=True)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.ACTIVE)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("control measure")
        verbose_name_plural = _("control measures")
        ordering = ["-start", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["resident"], condition=Q(state="active"), name="one_active_measure"
            )
        ]

    def __str__(self):
        return f"{self.rule} {self.start:%Y-%m-%d}–{self.end:%Y-%m-%d}"


class NucleicAcidTest(models.Model):
    class Kind(models.TextChoices):
        LANDING = "landing", _("Landing test")
        FOLLOWUP = "followup", _("Follow-up test")

    class Result(models.TextChoices):
        PENDING = "pending", _("Pending")
        NEGATIVE = "negative", _("Negative")
        POSITIVE = "positive", _("Positive")

    resident = models.ForeignKey("Resident", on_delete=models.CASCADE, related_name="tests")
    arrival = models.ForeignKey(
        ArrivalReport, null=True, blank=True, on_delete=models.SET_NULL, related_name="tests"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    due = models.DateField(_("due"), db_index=True)
    sampled_at = models.DateTimeField(_("sampled at"), null=True, blank=True)
    result = models.CharField(
        _("result"), max_length=16, choices=Result.choices, default=Result.PENDING
    )

    class Meta:
        verbose_name = _("nucleic-acid test")
        verbose_name_plural = _("nucleic-acid tests")
        ordering = ["due", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["arrival", "kind", "due"], name="one_test_per_due")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.due:%Y-%m-%d}"


class GridTask(models.Model):
    """Work for a community's grid workers; resolving it removes it from their list."""

    class Kind(models.TextChoices):
        VERIFY_SELF_REPORT = "verify_self_report", _("Verify a self-reported arrival")

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")

    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    community = models.ForeignKey(
        Jurisdiction,
        on_delete=models.PROTECT,
        related_name="tasks",
        limit_choices_to={"level": Jurisdiction.Level.COMMUNITY},
    )
    arrival = models.ForeignKey(
        ArrivalReport, null=True, blank=True, on_delete=models.CASCADE, related_name="tasks"
    )
    due_at = models.DateTimeField(_("due"))
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.OPEN)
    done_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    done_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("grid task")
        verbose_name_plural = _("grid tasks")
        ordering = ["due_at", "pk"]

    def __str__(self):
        return self.get_kind_display()


class PersonalDataView(models.Model):
    """A record of each time a user saw a resident's full ID number and phone."""

    resident = models.ForeignKey("Resident", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    viewed_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("personal data view")
        verbose_name_plural = _("personal data views")
        ordering = ["-viewed_at"]

    def __str__(self):
        return f"{self.user_id} → {self.resident_id}"
