"""Arrivals and what follows from them: codes, measures, tests, the grid's tasks."""

from datetime import date, datetime, timedelta

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..references import arrival_reference_new, reference_field
from ..validators import validate_id_number, validate_mobile
from .people import HealthCode, Jurisdiction, User

SAMPLED_FROM_BEFORE_DUE = timedelta(days=1)  # a test's sample may be taken the day before
WITHDRAW_WITHIN = timedelta(minutes=10)  # its recorder may withdraw a result by mistake


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
        # a self-report the grid worker turned down (unknown person, never arrived, a
        # duplicate): never assessed, so it never changes a code
        REJECTED = "rejected", _("Rejected")

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
    # The public form answers with it; with the phone's last digits it opens the status page.
    reference = reference_field(arrival_reference_new)
    decision = models.JSONField(_("decision"), null=True, blank=True)
    # The decision taken for this arrival so far: at its assessment, then by each
    # re-assessment that found a stricter one (written, or turned into a review task). A
    # re-assessment compares its new decision with these, never with the resident's code.
    decided_code = models.CharField(
        _("decided code"), max_length=8, choices=HealthCode.choices, blank=True
    )
    decided_rule = models.CharField(_("decided rule"), max_length=8, blank=True)
    # When the facts of this arrival were first decided (filing, or verifying a
    # self-report): a person's decision taken after this moment stands against it.
    assessed_at = models.DateTimeField(_("assessed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("filed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("arrival report")
        verbose_name_plural = _("arrival reports")
        ordering = ["-created_at", "-pk"]
        # the id too: the arrival list's order (-arrival_date, -pk) is this index backwards
        indexes = [models.Index(fields=["arrival_date", "id"], name="arrival_date")]

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
        # the list of code events (赋码记录), the latest first, a page at a time
        indexes = [models.Index(fields=["-created_at", "-id"], name="code_event_latest")]

    def __str__(self):
        return f"{self.resident_id}: {self.from_code} → {self.to_code}"


def code_event_kind(from_code: str, to_code: str) -> str:
    """The kind of event a change of code from `from_code` to `to_code` is."""
    if to_code == HealthCode.GREEN:
        return HealthCodeEvent.Kind.RELEASE
    if from_code == HealthCode.GREEN:
        return HealthCodeEvent.Kind.ASSIGN
    return HealthCodeEvent.Kind.TRANSFER


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
        indexes = [
            # the follow-up list's order (issue 14): the first page of a city's 30,000
            # active measures is its first 50 entries, not a sort of them all
            models.Index(
                fields=["release_due", "id"], condition=Q(state="active"), name="active_measure_due"
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
    recorded_by = models.ForeignKey(
        User,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), null=True, blank=True)
    # The R4 release that recording this result wrote (the third negative): what a
    # withdrawal of the result takes back.
    release_event = models.ForeignKey(
        HealthCodeEvent, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The last withdrawal of a result recorded by mistake (the test is pending again).
    withdrawn_result = models.CharField(
        _("withdrawn result"), max_length=16, choices=Result.choices, blank=True
    )
    withdrawn_by = models.ForeignKey(
        User,
        verbose_name=_("withdrawn by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        verbose_name = _("nucleic-acid test")
        verbose_name_plural = _("nucleic-acid tests")
        ordering = ["due", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["arrival", "kind", "due"], name="one_test_per_due")
        ]
        indexes = [
            # the test list's order (issue 14): the pending tests due, the earliest first
            models.Index(
                fields=["due", "id"], condition=Q(result="pending"), name="pending_test_due"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.due:%Y-%m-%d}"

    @property
    def sampled_from(self) -> date:
        """The earliest day its sample may have been taken."""
        return self.due - SAMPLED_FROM_BEFORE_DUE

    @property
    def withdrawable_until(self) -> datetime | None:
        """Until when its recorder may withdraw the result (None: not recorded by anyone)."""
        return self.recorded_at + WITHDRAW_WITHIN if self.recorded_at else None

    def withdrawable_by(self, user: User, now: datetime) -> bool:
        """Whether `user` recorded the result and is still in time to withdraw it (the
        service also refuses once a person has decided on the resident since)."""
        until = self.withdrawable_until
        return self.recorded_by_id == user.pk and until is not None and now <= until


class GridTask(models.Model):
    """Work for a community's grid workers; resolving it removes it from their list."""

    class Kind(models.TextChoices):
        VERIFY_SELF_REPORT = "verify_self_report", _("Verify a self-reported arrival")
        VERIFY_PUSH = "verify_push", _("Verify a big-data push")
        FIND_PERSON = "find_person", _("Find a person")
        VENUE_REPORT = "venue_report", _("Follow up a venue report")

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
    resident = models.ForeignKey(
        "Resident", null=True, blank=True, on_delete=models.CASCADE, related_name="tasks"
    )
    # Who the task is about when no resident is known yet (a pushed person to find).
    subject_name = models.CharField(_("name"), max_length=50, blank=True)
    subject_id_number = models.CharField(_("ID number"), max_length=18, blank=True)
    subject_phone = models.CharField(_("phone"), max_length=11, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    note = models.TextField(_("resolution note"), blank=True)
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
        indexes = [models.Index(fields=["community", "state", "due_at"], name="task_queue")]

    def __str__(self):
        return self.get_kind_display()


class PersonalDataView(models.Model):
    """A record of each time a user saw a full ID number and phone: a resident's, an
    arrival report's or a task's (a self-report or a pushed person before any resident)."""

    resident = models.ForeignKey(
        "Resident",
        verbose_name=_("resident"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    arrival = models.ForeignKey(
        ArrivalReport,
        verbose_name=_("arrival report"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    task = models.ForeignKey(
        GridTask,
        verbose_name=_("grid task"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    viewed_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("personal data view")
        verbose_name_plural = _("personal data views")
        ordering = ["-viewed_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(resident__isnull=False)
                | Q(arrival__isnull=False)
                | Q(task__isnull=False),
                name="personal_data_view_names_a_subject",
            )
        ]

    def __str__(self):
        subject = self.resident_id or self.arrival_id or self.task_id
        return f"{self.user_id} → {subject}"
