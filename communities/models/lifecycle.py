"""Living through a measure: daily follow-ups, anomalies and alerts, manual code changes
under review, appeals, and venue reports."""

from datetime import timedelta

from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..references import appeal_reference_new, reference_field
from .codes import ControlMeasure, NucleicAcidTest
from .people import HealthCode, User

APPEAL_DEADLINE = timedelta(hours=24)  # 确保24小时内完成解码
APPEAL_REMIND_AFTER = timedelta(hours=20)  # the district is reminded; lists turn amber
FEVER_FROM = 37.3  # °C: a temperature of 37.3 or more is an anomaly


class Symptom(models.TextChoices):
    FEVER = "fever", _("Fever or chills")
    COUGH = "cough", _("Cough")
    SORE_THROAT = "sore_throat", _("Sore throat")
    FATIGUE = "fatigue", _("Fatigue")
    TASTE_SMELL = "taste_smell", _("Loss of taste or smell")
    BREATHING = "breathing", _("Shortness of breath")
    DIARRHOEA = "diarrhoea", _("Diarrhoea")


class FollowUp(models.Model):
    """One day's health check of a resident under a measure (健康监测)."""

    resident = models.ForeignKey("Resident", on_delete=models.CASCADE, related_name="followups")
    measure = models.ForeignKey(ControlMeasure, on_delete=models.CASCADE, related_name="followups")
    day = models.DateField(_("day"))
    temperature = models.DecimalField(
        _("temperature (°C)"),
        max_digits=3,
        decimal_places=1,
        validators=[MinValueValidator(34), MaxValueValidator(43)],
    )
    symptoms = models.JSONField(_("symptoms"), default=list, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("daily follow-up")
        verbose_name_plural = _("daily follow-ups")
        ordering = ["-day"]
        constraints = [
            models.UniqueConstraint(fields=["resident", "day"], name="one_followup_per_day")
        ]

    def __str__(self):
        return f"{self.resident_id} {self.day:%Y-%m-%d} {self.temperature}"


class AnomalyQuerySet(models.QuerySet):
    def open(self) -> "AnomalyQuerySet":
        """Not resolved yet, the oldest first (the partial index open_anomaly)."""
        return self.filter(resolved_at__isnull=True).order_by("created_at", "pk")


class Anomaly(models.Model):
    """A positive test, a fever or a symptom during a measure: the code turns red and no
    automatic release happens while it is open."""

    class Kind(models.TextChoices):
        POSITIVE_TEST = "positive_test", _("Positive test")
        FEVER = "fever", _("Temperature of 37.3 °C or more")
        SYMPTOM = "symptom", _("Symptom")

    class Outcome(models.TextChoices):
        FEVER_CLINIC_EXCLUDED = "fever_clinic_excluded", _("Excluded at the fever clinic")
        RETEST_NEGATIVE = "retest_negative", _("Re-test negative")
        TRANSFERRED = "transferred", _("Transferred for medical care")
        # Not chosen by a resolver: a positive result withdrawn by its recorder closes the
        # anomaly it raised (services.test_result_withdraw).
        WITHDRAWN = "withdrawn", _("Result recorded by mistake, withdrawn")

    resident = models.ForeignKey("Resident", on_delete=models.CASCADE, related_name="anomalies")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    detail = models.CharField(_("detail"), max_length=200)
    followup = models.ForeignKey(FollowUp, null=True, blank=True, on_delete=models.SET_NULL)
    test = models.ForeignKey(NucleicAcidTest, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(_("noted at"), auto_now_add=True)
    # The code the resident had before this anomaly turned it red ("" when it was already
    # red by another open anomaly): what an outcome that excludes the anomaly returns to.
    code_before = models.CharField(
        _("code before"), max_length=8, choices=HealthCode.choices, blank=True
    )
    rule_before = models.CharField(_("rule before"), max_length=8, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(_("outcome"), max_length=24, choices=Outcome.choices, blank=True)
    resolution_note = models.TextField(_("resolution note"), blank=True)

    objects = AnomalyQuerySet.as_manager()

    class Meta:
        verbose_name = _("anomaly")
        verbose_name_plural = _("anomalies")
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["resident"], condition=Q(resolved_at__isnull=True), name="open_anomaly"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.detail}"


# The outcomes a resolver chooses from (a withdrawn result closes its anomaly by itself).
RESOLUTION_CHOICES = [c for c in Anomaly.Outcome.choices if c[0] != Anomaly.Outcome.WITHDRAWN]


class CodeChangeProposal(models.Model):
    """A manual assign, transfer or release: the district proposes, the city approves."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for the city")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    resident = models.ForeignKey("Resident", on_delete=models.CASCADE, related_name="proposals")
    from_code = models.CharField(_("from"), max_length=8, choices=HealthCode.choices)
    to_code = models.CharField(_("to"), max_length=8, choices=HealthCode.choices)
    reason = models.TextField(_("reason"))
    proposed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(_("proposed at"), auto_now_add=True)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    decided_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    class Meta:
        verbose_name = _("manual code change")
        verbose_name_plural = _("manual code changes")
        ordering = ["-proposed_at"]
        constraints = [
            # Two people, never the same user.
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=models.F("proposed_by")),
                name="proposal_two_people",
            ),
            models.UniqueConstraint(
                fields=["resident"], condition=Q(state="pending"), name="one_pending_proposal"
            ),
        ]

    def __str__(self):
        return f"{self.resident_id}: {self.from_code} → {self.to_code}"


class Appeal(models.Model):
    """误赋码申诉: resolved within 24 hours of filing."""

    class State(models.TextChoices):
        FILED = "filed", _("Filed")
        VERIFIED = "verified", _("Verified by the grid worker")
        REVIEWED = "reviewed", _("Reviewed by the district")
        RESOLVED = "resolved", _("Resolved")

    class Outcome(models.TextChoices):
        RELEASED = "released", _("Released")
        UPHELD = "upheld", _("Upheld")

    class Source(models.TextChoices):
        SELF = "self", _("The person (public form)")
        GRID_WORKER = "grid_worker", _("Grid worker")

    resident = models.ForeignKey("Resident", on_delete=models.CASCADE, related_name="appeals")
    source = models.CharField(_("filed by"), max_length=16, choices=Source.choices)
    filed_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("reason"), max_length=1000)
    quarantine_status = models.CharField(_("quarantine status"), max_length=200, blank=True)
    evidence = models.FileField(
        _("negative test report"),
        upload_to="appeals/%Y/%m/",
        validators=[FileExtensionValidator(["jpg", "jpeg", "png", "pdf"])],
    )
    code_at_filing = models.CharField(
        _("code when filed"), max_length=8, choices=HealthCode.choices
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.FILED)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)
    # The public form answers with it; with the phone's last digits it opens the status page.
    reference = reference_field(appeal_reference_new)
    # Set by the service with due_at from the same reading of the clock (not auto_now_add,
    # which would read it a second time).
    created_at = models.DateTimeField(_("filed at"), default=timezone.now, db_index=True)
    due_at = models.DateTimeField(_("due"))
    verified_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    verification_note = models.TextField(_("verification note"), blank=True)
    reviewed_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(_("review note"), blank=True)
    resolved_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution_note = models.TextField(_("resolution note"), blank=True)

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["due_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["resident"], condition=~Q(state="resolved"), name="one_open_appeal"
            )
        ]

    def __str__(self):
        return f"{self.resident_id} {self.get_state_display()}"


class VenueReport(models.Model):
    """A venue (shop, station) reports a person whose code is red or yellow: a resident of
    the city, or someone the venue's community is to find (no resident)."""

    class VenueKind(models.TextChoices):
        SHOP = "shop", _("Shop")
        STATION = "station", _("Station")
        HOTEL = "hotel", _("Hotel")
        OTHER = "other", _("Other")

    resident = models.ForeignKey(
        "Resident", null=True, blank=True, on_delete=models.CASCADE, related_name="venue_reports"
    )
    # Where the venue is (reports filed before it was asked have none).
    community = models.ForeignKey(
        "Jurisdiction",
        verbose_name=_("venue's community"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": "community"},
    )
    venue_kind = models.CharField(_("venue kind"), max_length=16, choices=VenueKind.choices)
    venue_name = models.CharField(_("venue"), max_length=100)
    seen_code = models.CharField(
        _("code shown"),
        max_length=8,
        choices=[c for c in HealthCode.choices if c[0] != HealthCode.GREEN],
    )
    seen_at = models.DateTimeField(_("seen at"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    reported_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("venue report")
        verbose_name_plural = _("venue reports")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.venue_name}: {self.resident_id}"


class PersonDecision(models.Model):
    """A decision a person took on a resident's code: it stands against any re-assessment
    of an arrival assessed before it (DOMAIN.md section 5)."""

    class Kind(models.TextChoices):
        MANUAL_CHANGE = "manual_change", _("Approved manual change")
        APPEAL = "appeal", _("Resolved appeal")
        ANOMALY = "anomaly", _("Anomaly resolved")

    resident = models.ForeignKey(
        "Resident", on_delete=models.CASCADE, related_name="person_decisions"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    code = models.CharField(_("code decided"), max_length=8, choices=HealthCode.choices)
    reason = models.TextField(_("reason"))
    by = models.ForeignKey(User, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("person's decision")
        verbose_name_plural = _("persons' decisions")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["resident", "-at"], name="person_decision_latest")]

    def __str__(self):
        return f"{self.resident_id} {self.get_kind_display()} {self.at:%Y-%m-%d}"


class DecisionReview(models.Model):
    """A stricter re-assessment that a person's decision stands against: no code is
    written; the district office reviews it, and may turn it into a manual change
    proposal in one step, decided by the city as usual."""

    class State(models.TextChoices):
        OPEN = "open", _("Waiting for the district")
        PROPOSED = "proposed", _("Proposed to the city")
        KEPT = "kept", _("Decision kept")

    resident = models.ForeignKey("Resident", on_delete=models.CASCADE, related_name="reviews")
    arrival = models.ForeignKey("ArrivalReport", on_delete=models.CASCADE, related_name="reviews")
    announcement = models.ForeignKey(
        "Announcement", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    run = models.ForeignKey(
        "RecomputeRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="reviews"
    )
    person_decision = models.ForeignKey(
        PersonDecision, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    code = models.CharField(
        _("code the announcement gives"), max_length=8, choices=HealthCode.choices
    )
    rule = models.CharField(_("rule"), max_length=8)
    explanation = models.TextField(_("explanation"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    handled_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    proposal = models.ForeignKey(
        CodeChangeProposal, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("decision review")
        verbose_name_plural = _("decision reviews")
        ordering = ["created_at", "pk"]
        constraints = [
            # One review a decision of an arrival: a re-run never files it twice.
            models.UniqueConstraint(
                fields=["arrival", "code", "rule"], name="one_review_per_decision"
            )
        ]
        indexes = [models.Index(fields=["state", "created_at"], name="review_queue")]

    def __str__(self):
        return f"{self.resident_id}: {self.code} {self.rule}"
