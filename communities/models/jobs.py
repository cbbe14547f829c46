"""Runs of the background recompute: what the city office watches on the progress page."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .announcements import Announcement


class RecomputeRun(models.Model):
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
    to_red = models.PositiveIntegerField(_("to red"), default=0)
    to_yellow = models.PositiveIntegerField(_("to yellow"), default=0)
    to_green = models.PositiveIntegerField(_("to green"), default=0)
    # What a re-assessment did not write, by reason (DOMAIN.md section 5).
    kept_decided = models.PositiveIntegerField(
        _("already decided (no stricter decision)"), default=0
    )
    kept_covered = models.PositiveIntegerField(
        _("stricter, but the code in force is as strict"), default=0
    )
    to_review = models.PositiveIntegerField(
        _("a person's decision stands: review tasks"), default=0
    )
    errors = models.TextField(_("errors"), blank=True)
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("recompute run")
        verbose_name_plural = _("recompute runs")
        ordering = ["-started_at", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def changed(self) -> int:
        return self.to_red + self.to_yellow + self.to_green


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
