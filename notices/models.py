from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Notice(models.Model):
    """One message to one recipient on one channel, sent exactly once by a task.

    A staff user gets in-app notices and e-mail; a resident gets SMS at their phone. The
    unique dedupe key makes a second creation of the same notice a no-op, and the send
    task claims the row (pending → sending) with a conditional update, so that two workers
    never send it twice.
    """

    class Kind(models.TextChoices):
        ANOMALY = "anomaly", _("Anomaly")
        TEST_DUE_TOMORROW = "test_due_tomorrow", _("Test due tomorrow")
        TEST_OVERDUE = "test_overdue", _("Test overdue")
        FOLLOWUP_MISSING = "followup_missing", _("Follow-up missing")
        MEASURE_ENDS_TOMORROW = "measure_ends_tomorrow", _("Measure ends tomorrow")
        APPEAL_20H = "appeal_20h", _("Appeal unresolved after 20 hours")
        APPEAL_OVERDUE = "appeal_overdue", _("Appeal overdue")
        SHOP_REINSPECTION_DUE = "shop_reinspection_due", _("Shop re-inspection due")
        STREET_DIGEST = "street_digest", _("Morning digest")
        CODES_CHANGED = "codes_changed", _("Codes changed by a recompute")
        DECISION_REVIEW = (
            "decision_review",
            _("Review: a person's decision meets a stricter re-assessment"),
        )
        PROPOSAL_DECIDED = "proposal_decided", _("A proposed code change was decided")
        ANOMALY_WITHDRAWN = "anomaly_withdrawn", _("Anomaly withdrawn")
        EXPORT_READY = "export_ready", _("Export ready")
        BOOSTER_DUE = "booster_due", _("Booster due")

    class Channel(models.TextChoices):
        INAPP = "inapp", _("In-app")
        EMAIL = "email", _("E-mail")
        SMS = "sms", _("SMS")

    class State(models.TextChoices):
        PENDING = "pending", pgettext_lazy("notice state", "Pending")
        SENDING = "sending", pgettext_lazy("notice state", "Sending")
        SENT = "sent", pgettext_lazy("notice state", "Sent")
        FAILED = "failed", pgettext_lazy("notice state", "Failed")
        # no longer true when its time came (a registered check said so): not sent
        CANCELLED = "cancelled", pgettext_lazy("notice state", "Cancelled")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notices",
    )
    phone = models.CharField(_("phone"), max_length=11, blank=True)
    resident = models.ForeignKey(
        "communities.Resident",
        verbose_name=_("resident"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notices",
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    text = models.TextField(_("text"))
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # When dispatch next looks at the row: now for a new notice, later after a failure
    # (backoff), and pushed on while a send task is queued or running (a lease).
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    last_error = models.TextField(_("last error"), blank=True)
    dedupe_key = models.CharField(_("dedupe key"), max_length=200, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="notice_dispatch"),
            models.Index(fields=["recipient", "read_at"], name="notice_inbox"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(recipient__isnull=False) | ~Q(phone=""), name="notice_has_recipient"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} → {self.recipient_id or self.phone} ({self.channel})"
