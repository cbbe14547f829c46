"""Quarantine hotels (集中隔离酒店, issue 16): a district's hotels and their rooms, the
reserve target the city office sets each district, the residents placed in rooms for the
centralized quarantine of their measure (with the point-to-point transfer), the hotels'
staff with their trainings and certificates (上岗证) and rosters, the day's checklist of
each hotel, and the occupancy of each district by day (the chart's history)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from communities.models import ControlMeasure, Jurisdiction, Resident
from communities.validators import validate_mobile

from . import rules


class Hotel(models.Model):
    """A hotel of a district set up (or held in reserve) for centralized quarantine."""

    class State(models.TextChoices):
        STANDBY = "standby", _("Standby, not yet accepted")
        ACCEPTED = "accepted", _("Checked and accepted (reserve)")
        IN_USE = "in_use", _("In use")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    district = models.ForeignKey(
        Jurisdiction,
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        related_name="hotels",
        limit_choices_to={"level": Jurisdiction.Level.DISTRICT},
    )
    name = models.CharField(_("name"), max_length=100)
    address = models.CharField(_("address"), max_length=200)
    contact_name = models.CharField(_("contact"), max_length=50)
    contact_phone = models.CharField(
        _("contact phone"), max_length=11, validators=[validate_mobile]
    )
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.STANDBY
    )
    # 检查验收: the check before a hotel may take people, by whom and when
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    accepted_by = models.CharField(_("accepted by (inspector)"), max_length=100, blank=True)
    # when it last went into use: its checklists are due from then on
    in_use_since = models.DateTimeField(_("in use since"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("quarantine hotel")
        verbose_name_plural = _("quarantine hotels")
        ordering = ["district_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["district", "name"], name="hotel_name_unique"),
            models.CheckConstraint(
                condition=Q(state__in=["standby", "withdrawn"]) | Q(accepted_on__isnull=False),
                name="hotel_in_use_is_accepted",
            ),
        ]

    def __str__(self):
        return self.name


class Room(models.Model):
    class State(models.TextChoices):
        FREE = rules.Room.FREE, _("Free")
        OCCUPIED = rules.Room.OCCUPIED, _("Occupied")
        CLEANING = rules.Room.CLEANING, _("Cleaning")
        OUT_OF_SERVICE = rules.Room.OUT_OF_SERVICE, _("Out of service")

    hotel = models.ForeignKey(
        Hotel, verbose_name=_("hotel"), on_delete=models.CASCADE, related_name="rooms"
    )
    number = models.CharField(_("room number"), max_length=10)
    floor = models.SmallIntegerField(_("floor"))
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.FREE)

    class Meta:
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        ordering = ["hotel_id", "floor", "number"]
        constraints = [
            models.UniqueConstraint(fields=["hotel", "number"], name="room_number_unique")
        ]
        indexes = [models.Index(fields=["hotel", "state"], name="room_by_state")]

    def __str__(self):
        return f"{self.hotel.name} {self.number}"


class ReserveTarget(models.Model):
    """The rooms a district keeps ready (隔离房间储备), set by the city office."""

    district = models.OneToOneField(
        Jurisdiction,
        verbose_name=_("district"),
        on_delete=models.CASCADE,
        related_name="reserve_target",
    )
    rooms = models.PositiveIntegerField(_("rooms to keep ready"))
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("set by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    set_at = models.DateTimeField(_("set at"), auto_now=True)

    class Meta:
        verbose_name = _("reserve target")
        verbose_name_plural = _("reserve targets")

    def __str__(self):
        return f"{self.district_id}: {self.rooms}"


class Placement(models.Model):
    """A resident in a room for the centralized quarantine of their measure, from the
    point-to-point transfer (点对点转运) to the day they leave."""

    resident = models.ForeignKey(
        Resident, verbose_name=_("resident"), on_delete=models.CASCADE, related_name="placements"
    )
    measure = models.ForeignKey(
        ControlMeasure,
        verbose_name=_("control measure"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    hotel = models.ForeignKey(
        Hotel, verbose_name=_("hotel"), on_delete=models.PROTECT, related_name="placements"
    )
    room = models.ForeignKey(
        Room, verbose_name=_("room"), on_delete=models.PROTECT, related_name="placements"
    )
    # the last day of the phase: the hotel's list of who is due out on which day
    due_out = models.DateField(_("due out"))
    transfer_from = models.CharField(_("transferred from"), max_length=200)
    transfer_at = models.DateTimeField(_("transferred at"))
    transfer_by = models.CharField(_("transferred by"), max_length=100)
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("placed by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    placed_at = models.DateTimeField(_("placed at"), auto_now_add=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)
    left_reason = models.CharField(_("reason for leaving"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        ordering = ["due_out", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["resident"], condition=Q(left_on__isnull=True), name="one_room_a_person"
            )
        ]
        indexes = [
            models.Index(
                fields=["hotel", "due_out"], condition=Q(left_on__isnull=True), name="placed_due"
            )
        ]

    def __str__(self):
        return f"{self.resident_id} → {self.room_id}"


class StaffMember(models.Model):
    """A person who works in a district's hotels (their sign-in, if they tick checklists)."""

    district = models.ForeignKey(
        Jurisdiction, verbose_name=_("district"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=50)
    phone = models.CharField(_("phone"), max_length=11, validators=[validate_mobile])
    post = models.CharField(_("post"), max_length=50, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sign-in"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="hotel_staff",
    )

    class Meta:
        verbose_name = _("hotel staff member")
        verbose_name_plural = _("hotel staff")
        ordering = ["district_id", "name"]

    def __str__(self):
        return self.name


class Training(models.Model):
    staff = models.ForeignKey(
        StaffMember,
        verbose_name=_("staff member"),
        on_delete=models.CASCADE,
        related_name="trainings",
    )
    course = models.CharField(_("course"), max_length=100)
    day = models.DateField(_("date"))
    trainer = models.CharField(_("trainer"), max_length=100)
    passed = models.BooleanField(_("assessment passed"))

    class Meta:
        verbose_name = _("training")
        verbose_name_plural = _("trainings")
        ordering = ["-day", "-pk"]

    def __str__(self):
        return f"{self.course} {self.day:%Y-%m-%d}"


class CertificateQuerySet(models.QuerySet):
    def valid_on(self, day):
        """The certificates valid on `day` (from the day issued through the last day)."""
        return self.filter(issued__lte=day, valid_until__gte=day)


class Certificate(models.Model):
    """A 上岗证: issued to a staff member who passed a training."""

    staff = models.ForeignKey(
        StaffMember,
        verbose_name=_("staff member"),
        on_delete=models.CASCADE,
        related_name="certificates",
    )
    number = models.CharField(_("certificate number"), max_length=40, unique=True)
    issued = models.DateField(_("issued on"))
    valid_until = models.DateField(_("valid until"))

    objects = CertificateQuerySet.as_manager()

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-valid_until", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gte=models.F("issued")), name="certificate_dates"
            )
        ]

    def __str__(self):
        return self.number


class RosterEntry(models.Model):
    """A staff member on a hotel's roster, from a day until they are taken off."""

    hotel = models.ForeignKey(
        Hotel, verbose_name=_("hotel"), on_delete=models.CASCADE, related_name="roster"
    )
    staff = models.ForeignKey(
        StaffMember,
        verbose_name=_("staff member"),
        on_delete=models.CASCADE,
        related_name="rosters",
    )
    since = models.DateField(_("since"))
    until = models.DateField(_("until"), null=True, blank=True)
    removed_reason = models.CharField(_("reason taken off"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("roster entry")
        verbose_name_plural = _("roster")
        ordering = ["hotel_id", "staff__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["hotel", "staff"], condition=Q(until__isnull=True), name="roster_once"
            )
        ]

    def __str__(self):
        return f"{self.hotel_id} {self.staff_id}"


class Checklist(models.Model):
    """A hotel's checklist of a day: the items ticked (rules.ITEMS), by whom and when."""

    hotel = models.ForeignKey(
        Hotel, verbose_name=_("hotel"), on_delete=models.CASCADE, related_name="checklists"
    )
    day = models.DateField(_("day"))
    ticks = models.JSONField(_("ticked items"), default=dict)  # key → {"at", "by"}
    note = models.CharField(_("the day's report"), max_length=500, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("daily checklist")
        verbose_name_plural = _("daily checklists")
        ordering = ["-day", "hotel_id"]
        constraints = [
            models.UniqueConstraint(fields=["hotel", "day"], name="checklist_once_a_day")
        ]

    def __str__(self):
        return f"{self.hotel_id} {self.day:%Y-%m-%d}"


class OccupancyDay(models.Model):
    """A district's rooms on a day (its hotels together), as the last refresh found
    them: the chart's history."""

    district = models.ForeignKey(
        Jurisdiction, verbose_name=_("district"), on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField(_("day"))
    refreshed_at = models.DateTimeField(_("refreshed at"))
    in_use = models.PositiveIntegerField(_("rooms of hotels in use"), default=0)
    occupied = models.PositiveIntegerField(_("occupied"), default=0)
    free = models.PositiveIntegerField(_("free"), default=0)
    cleaning = models.PositiveIntegerField(_("cleaning"), default=0)
    standby = models.PositiveIntegerField(_("rooms in reserve"), default=0)
    target = models.PositiveIntegerField(_("reserve target"), default=0)
    placed = models.PositiveIntegerField(_("people placed"), default=0)

    class Meta:
        verbose_name = _("occupancy of a day")
        verbose_name_plural = _("occupancy of the days")
        constraints = [
            models.UniqueConstraint(fields=["district", "day"], name="occupancy_day_unique")
        ]

    def __str__(self):
        return f"{self.district_id} {self.day:%Y-%m-%d}"
