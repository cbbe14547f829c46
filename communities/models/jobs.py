"""Runs of the background recompute: what the city office watches on the progress page."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .announcements import Announcement


class Reassessed(models.Model):
    """What a re-assessment changes, and what it does not write by reason (DOMAIN.md
    section 5): the recompute's counters, and its dry run's before publishing."""

    to_red = models.PositiveIntegerField(_("to red"), default=0)
    to_yellow = models.PositiveIntegerField(_("to yellow"), default=0)
    to_green = models.PositiveIntegerField(_("to green"), default=0)
    # What a re-assessment did not write, by reason.
    kept_decided = models.PositiveIntegerField(
        _("already decided (no stricter decision)"), default=0
    )
    kept_covered = models.PositiveIntegerField(
        _("stricter, but the code in force is as strict"), default=0
    )
    to_review = models.PositiveIntegerField(
        _("a person's decision stands: review tasks"), default=0
    )

    class Meta:
        abstract = True

    @property
    def changed(self) -> int:
        return self.to_red + self.to_yellow + self.to_green


class RecomputeRun(Reassessed):
    """One recompute of code states, split into chunks of resident ids that workers on
    any machine take in parallel."""

    class Kind(models.TextChoices):
        ANNOUNCEMENT = "announcement", _("After an announcement")
        NIGHTLY = "nightly", _("Nightly release")

    class State(models.TextChoices):
        RUNNING = "running", _("Running")
        FINISHED = "finished", _("Finished")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    announcement = models.ForeignKey(
        Announcement, null=True, blank=True, on_delete=models.SET_NULL, related_name="runs"
    )
    today = models.DateField(_("as of"))
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.RUNNING
    )
    chunks_total = models.PositiveIntegerField(_("chunks"), default=0)
    chunks_done = models.PositiveIntegerField(_("chunks done"), default=0)
    errors = models.TextField(_("errors"), blank=True)
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("recompute run")
        verbose_name_plural = _("recompute runs")
        ordering = ["-started_at", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.started_at:%Y-%m-%d %H:%M}"


class RecomputeChunk(models.Model):
    """Residents with ids lo..hi of one run. Done once: the run's counters move only when
    the chunk turns done, so a chunk that runs twice counts once."""

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        DONE = "done", _("Done")

    run = models.ForeignKey(RecomputeRun, on_delete=models.CASCADE, related_name="chunks")
    lo = models.BigIntegerField()
    hi = models.BigIntegerField()
    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING)
    changed = models.PositiveIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("recompute chunk")
        verbose_name_plural = _("recompute chunks")
        ordering = ["run", "lo"]
        constraints = [models.UniqueConstraint(fields=["run", "lo"], name="one_chunk_per_range")]

    def __str__(self):
        return f"{self.run_id}: {self.lo}–{self.hi}"


class ImpactPreview(Reassessed):
    """The dry run of a candidate announcement before it is published (issue 14): the
    re-assessment the recompute would do, decided and counted, nothing written. One row a
    candidate (its digest, the one the announcement gets when published), so the same
    candidate is not computed twice; the page polls the row for its progress."""

    class State(models.TextChoices):
        PENDING = "pending", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    digest = models.CharField(_("digest"), max_length=64, unique=True)
    payload = models.JSONField(_("candidate announcement"))
    today = models.DateField(_("as of"))
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.PENDING)
    chunks_total = models.PositiveIntegerField(_("chunks"), default=0)
    chunks_done = models.PositiveIntegerField(_("chunks done"), default=0)
    # {"by_rule": [[code, rule, n], …], "by_district": [[name, code, rule, n], …],
    #  "reviews_by_district": [[name, n], …]}
    figures = models.JSONField(_("figures by rule and district"), default=dict)
    errors = models.TextField(_("errors"), blank=True)
    requested_by = models.ForeignKey(
        "communities.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    seconds = models.FloatField(_("seconds"), null=True, blank=True)

    class Meta:
        verbose_name = _("impact preview")
        verbose_name_plural = _("impact previews")
        ordering = ["-requested_at", "-pk"]

    def __str__(self):
        return f"{self.payload.get('title', '')} {self.requested_at:%Y-%m-%d %H:%M}"

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)

    @property
    def by_rule(self) -> list[list]:
        """[code, rule, residents], strictest first."""
        return self.figures.get("by_rule", [])

    @property
    def by_district(self) -> list[dict]:
        """{district, changed, by_rule, reviews} per district, by name."""
        return self.figures.get("by_district", [])

    @property
    def later(self) -> bool:
        """Effective after the day it was decided on: not in force when publishing starts
        the recompute, which decides as of its own day."""
        return self.payload.get("effective", "") > self.today.isoformat()

    @property
    def percent(self) -> int:
        if self.state == self.State.DONE:
            return 100
        return int(100 * self.chunks_done / self.chunks_total) if self.chunks_total else 0
