"""The models of communities, by subject; import them from here."""

from .announcements import (
    AnnouncedCaseCounty,
    AnnouncedEpidemicCity,
    AnnouncedPlace,
    AnnouncedRiskArea,
    Announcement,
    RiskLevel,
)
from .codes import (
    ArrivalReport,
    ControlMeasure,
    GridTask,
    HealthCodeEvent,
    NucleicAcidTest,
    PersonalDataView,
    Stay,
)
from .people import HealthCode, Jurisdiction, Resident, User

__all__ = [
    "AnnouncedCaseCounty",
    "AnnouncedEpidemicCity",
    "AnnouncedPlace",
    "AnnouncedRiskArea",
    "Announcement",
    "ArrivalReport",
    "ControlMeasure",
    "GridTask",
    "HealthCode",
    "HealthCodeEvent",
    "Jurisdiction",
    "NucleicAcidTest",
    "PersonalDataView",
    "Resident",
    "RiskLevel",
    "Stay",
    "User",
]
