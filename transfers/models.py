from pathlib import Path
from urllib.parse import parse_qsl

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Export(models.Model):
    """One export of a list (who, which list and filter, how many rows). A small one went
    to the browser at once (`streamed`); a large one is written by a job to a file that is
    kept EXPORT_KEEP_DAYS under 我的导出, then deleted (the record stays)."""

    class Format(models.TextChoices):
        XLSX = "xlsx", "Excel (.xlsx)"
        CSV = "csv", "CSV"

    class State(models.TextChoices):
        QUEUED = "queued", pgettext_lazy("export state", "Queued")
        RUNNING = "running", pgettext_lazy("export state", "Running")
        DONE = "done", pgettext_lazy("export state", "Ready")
        FAILED = "failed", pgettext_lazy("export state", "Failed")
        EXPIRED = "expired", pgettext_lazy("export state", "Deleted after 7 days")

    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.CASCADE,
        related_name="exports",
    )
    list_name = models.CharField(_("list"), max_length=40)
    title = models.CharField(_("title"), max_length=100)
    query = models.TextField(_("filter"), blank=True)
    format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    streamed = models.BooleanField(_("downloaded at once"), default=False)
    state = models.CharField(_("state"), max_length=8, choices=State.choices)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    total = models.PositiveIntegerField(_("rows in all"), null=True, blank=True)
    file = models.CharField(_("file"), max_length=200, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("kept until"), null=True, blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["by", "-created_at"], name="export_by_created"),
            models.Index(fields=["state", "expires_at"], name="export_state_expires"),
        ]

    def __str__(self):
        return f"{self.title} ({self.get_format_display()}, {self.rows})"

    @property
    def percent(self) -> int:
        if self.state == self.State.DONE:
            return 100
        if not self.total:
            return 0
        return min(99, self.rows * 100 // self.total)

    @property
    def path(self) -> Path:
        """Where its file is kept (under MEDIA_ROOT)."""
        return Path(settings.MEDIA_ROOT) / self.file

    @property
    def filter_text(self) -> str:
        """The filter as a person reads it: node=12 · code=red."""
        return " · ".join(f"{k}={v}" for k, v in parse_qsl(self.query))

    @property
    def filename(self) -> str:
        """The title and the local time it was asked for: 居民-20261130-0915.xlsx."""
        made = timezone.localtime(self.created_at or timezone.now())
        return f"{self.title}-{made:%Y%m%d-%H%M}.{self.format}"


class Import(models.Model):
    """One file through the import path (导入): who, which kind, the file as uploaded
    (kept, downloadable again by its author and the levels above), its rows, and what
    became of it. Every upload is a dry run first; nothing is stored until its author
    confirms, and then all rows or none."""

    class State(models.TextChoices):
        CHECKING = "checking", pgettext_lazy("import state", "Checking")
        READY = "ready", pgettext_lazy("import state", "Checked: ready to store")
        REFUSED = "refused", pgettext_lazy("import state", "Problems found: nothing stored")
        STORING = "storing", pgettext_lazy("import state", "Storing")
        STORED = "stored", pgettext_lazy("import state", "Stored")
        FAILED = "failed", pgettext_lazy("import state", "Failed: nothing stored")

    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        related_name="imports",
    )
    kind = models.CharField(_("kind"), max_length=40)
    title = models.CharField(_("title"), max_length=100)
    file_name = models.CharField(_("file name"), max_length=200)
    file = models.CharField(_("file"), max_length=200)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    state = models.CharField(_("state"), max_length=8, choices=State.choices)
    problem_count = models.PositiveIntegerField(_("problems"), default=0)
    # [row, column heading, value, message], the first IMPORT_MAX_PROBLEMS of them
    problems = models.JSONField(_("problems found"), default=list, blank=True)
    # the same of what does not stop the file but is asked about where it goes on
    notes = models.JSONField(_("notes"), default=list, blank=True)
    summary = models.CharField(_("summary"), max_length=200, blank=True)  # of a checked plan
    stored_rows = models.PositiveIntegerField(_("rows stored"), default=0)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True, db_index=True)
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    stored_at = models.DateTimeField(_("stored at"), null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["by", "-created_at"], name="import_by_created")]

    def __str__(self):
        return f"{self.title}: {self.file_name} ({self.get_state_display()})"

    @property
    def path(self) -> Path:
        """Where its file is kept (under MEDIA_ROOT)."""
        return Path(settings.MEDIA_ROOT) / self.file

    @property
    def busy(self) -> bool:
        return self.state in (self.State.CHECKING, self.State.STORING)


class ImportView(models.Model):
    """A record of each time someone other than its author opened an import's file, its
    report or its page: they hold ID numbers and phones in full."""

    record = models.ForeignKey(
        Import, verbose_name=_("import"), on_delete=models.CASCADE, related_name="views"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    what = models.CharField(_("what"), max_length=8)  # page, file or report
    viewed_at = models.DateTimeField(_("viewed at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("view of an import")
        verbose_name_plural = _("views of imports")
        ordering = ["-viewed_at"]

    def __str__(self):
        return f"{self.user_id} {self.what} {self.record_id}"
