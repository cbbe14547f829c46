"""The summary rows the dashboards read (issue 14): per node of the tree and per day, the
figures of that node's subtree as last refreshed that day, so that a page at any level
reads a few rows instead of counting a million residents, and the days kept are the
history the trends draw."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from communities.models import Jurisdiction

# The figures of a node's day, in the order the dashboard shows them: (field, label).
FIGURES = (
    ("residents", _("Residents")),
    ("green", _("Green")),
    ("yellow", _("Yellow")),
    ("red", _("Red")),
    ("centralized_quarantine", "集中隔离医学观察"),
    ("home_quarantine", "居家隔离医学观察"),
    ("home_health_monitoring", "居家健康监测"),
    ("self_health_monitoring", "自我健康监测"),
    ("under_measure", _("Under a measure")),
    ("measures_ending", _("Measures ending in the next 3 days")),
    ("tests_due_today", _("Tests due today")),
    ("tests_overdue", _("Tests overdue")),
    ("results_pending", _("Results pending")),
    ("followups_missing", _("Follow-ups missing today")),
    ("anomalies_open", _("Open anomalies")),
    ("appeals_open", _("Open appeals")),
    ("appeals_late", _("Appeals past 20 hours")),
    ("appeals_overdue", _("Appeals past 24 hours")),
    ("reviews_open", _("Decisions to review")),
    ("proposals_pending", _("Proposals waiting")),
    ("tasks_open", _("Open tasks")),
    ("tasks_late", _("Tasks overdue")),
    ("arrivals", _("Arrivals that day")),
)
FIGURE_NAMES = tuple(name for name, _label in FIGURES)
# Kept beside the figures for the home page's breakdown (dashboards.home).
COUNT_NAMES = ("grids", "shops")


class NodeDay(models.Model):
    """A node's figures on a day (its whole subtree), as the last refresh of that day
    found them."""

    node = models.ForeignKey(Jurisdiction, on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("day"))
    refreshed_at = models.DateTimeField(_("refreshed at"))
    residents = models.PositiveIntegerField(default=0)
    green = models.PositiveIntegerField(default=0)
    yellow = models.PositiveIntegerField(default=0)
    red = models.PositiveIntegerField(default=0)
    centralized_quarantine = models.PositiveIntegerField(default=0)
    home_quarantine = models.PositiveIntegerField(default=0)
    home_health_monitoring = models.PositiveIntegerField(default=0)
    self_health_monitoring = models.PositiveIntegerField(default=0)
    under_measure = models.PositiveIntegerField(default=0)
    measures_ending = models.PositiveIntegerField(default=0)
    tests_due_today = models.PositiveIntegerField(default=0)
    tests_overdue = models.PositiveIntegerField(default=0)
    results_pending = models.PositiveIntegerField(default=0)
    followups_missing = models.PositiveIntegerField(default=0)
    anomalies_open = models.PositiveIntegerField(default=0)
    appeals_open = models.PositiveIntegerField(default=0)
    appeals_late = models.PositiveIntegerField(default=0)
    appeals_overdue = models.PositiveIntegerField(default=0)
    reviews_open = models.PositiveIntegerField(default=0)
    proposals_pending = models.PositiveIntegerField(default=0)
    tasks_open = models.PositiveIntegerField(default=0)
    tasks_late = models.PositiveIntegerField(default=0)
    arrivals = models.PositiveIntegerField(default=0)
    # what the home page's breakdown shows besides the residents (not on the dashboard)
    grids = models.PositiveIntegerField(default=0)
    shops = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("day's figures of a node")
        verbose_name_plural = _("day's figures of the nodes")
        constraints = [models.UniqueConstraint(fields=["node", "day"], name="node_day_unique")]
        indexes = [models.Index(fields=["day", "node"], name="node_day_by_day")]

    def __str__(self):
        return f"{self.node_id} {self.day:%Y-%m-%d}"


class ArrivalDay(models.Model):
    """Arrivals of a day in a node's subtree from one province (the province of the last
    stay before arrival)."""

    node = models.ForeignKey(Jurisdiction, on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("arrival date"))
    province = models.CharField(_("province"), max_length=50)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("arrivals of a day by province")
        verbose_name_plural = _("arrivals of the days by province")
        constraints = [
            models.UniqueConstraint(fields=["node", "day", "province"], name="arrival_day_unique")
        ]

    def __str__(self):
        return f"{self.node_id} {self.day:%Y-%m-%d} {self.province}: {self.count}"


class DailyReport(models.Model):
    """The report of a day (日报告) of a street, a district or the city, built the next
    morning and kept as it was built: the day's figures (the node's last summary row of
    that day) and its events (arrivals by rule, new anomalies, releases, appeals resolved,
    the sweep's inspections and placards), with the lists behind them."""

    node = models.ForeignKey(Jurisdiction, on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("day"))
    built_at = models.DateTimeField(_("built at"))
    figures = models.JSONField(_("figures"), default=dict)
    lists = models.JSONField(_("lists"), default=dict)

    class Meta:
        verbose_name = _("daily report")
        verbose_name_plural = _("daily reports")
        ordering = ["-day", "node_id"]
        constraints = [models.UniqueConstraint(fields=["node", "day"], name="daily_report_unique")]

    def __str__(self):
        return f"{self.node_id} {self.day:%Y-%m-%d}"
