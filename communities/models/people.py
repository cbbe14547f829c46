"""Staff, the jurisdiction tree they work in, and the residents they look after."""

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext_lazy as _

from ..validators import validate_id_number, validate_mobile


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
        HOTEL_STAFF = "hotel_staff", _("Quarantine hotel staff")
        ADMIN = "admin", _("Administrator")

    # The levels at which each role may be placed.
    ROLE_LEVELS = {
        Role.GRID_WORKER: {Jurisdiction.Level.COMMUNITY, Jurisdiction.Level.GRID},
        Role.COMMUNITY_STAFF: {Jurisdiction.Level.COMMUNITY},
        Role.STREET_SUPERVISOR: {Jurisdiction.Level.STREET},
        Role.DISTRICT_OFFICE: {Jurisdiction.Level.DISTRICT},
        Role.CITY_OFFICE: {Jurisdiction.Level.CITY},
        Role.INSPECTOR: {Jurisdiction.Level.STREET, Jurisdiction.Level.DISTRICT},
        Role.HOTEL_STAFF: {Jurisdiction.Level.DISTRICT},
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
    must_change_password = models.BooleanField(
        _("must change password"),
        default=False,
        help_text=_(
            "Set when the district office gives a temporary password: the user sets their "
            "own before anything else."
        ),
    )

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
    # The last decision a person took on this resident's code (an approved manual change,
    # a resolved appeal, an anomaly's resolution; PersonDecision holds each): a stricter
    # re-assessment of an arrival assessed before it becomes a review task, not a code.
    decision_stands_at = models.DateTimeField(_("person's decision at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("resident")
        verbose_name_plural = _("residents")
        ordering = ["name", "pk"]
        indexes = [
            models.Index(fields=["grid", "code"], name="resident_grid_code"),
            # The lists' order (issue 14): a page walks the index for its 50 rows instead
            # of sorting every visible resident; the grid in it filters a street's or a
            # grid's residents during the walk, without reading their rows (an index-only
            # scan). A name prefix search has its own index on PostgreSQL (migration 0018).
            models.Index(fields=["name", "id", "grid"], name="resident_name"),
            models.Index(fields=["phone"], name="resident_phone"),
        ]

    def __str__(self):
        return self.name


class IdentityChange(models.Model):
    """A confirmed correction of a resident's name or phone, made when an arrival was
    filed for their ID number with other values: {"field": [before, after]}."""

    resident = models.ForeignKey(
        Resident, on_delete=models.CASCADE, related_name="identity_changes"
    )
    arrival = models.ForeignKey(
        "ArrivalReport", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changes = models.JSONField(_("changes"))
    by = models.ForeignKey(
        User,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("identity change")
        verbose_name_plural = _("identity changes")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.resident_id} {self.at:%Y-%m-%d %H:%M}"
