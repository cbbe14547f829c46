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
from .jobs import RecomputeChunk, RecomputeRun
from .lifecycle import (
    APPEAL_DEADLINE,
    APPEAL_REMIND_AFTER,
    FEVER_FROM,
    Anomaly,
    Appeal,
    CodeChangeProposal,
    DecisionReview,
    FollowUp,
    PersonDecision,
    Symptom,
    VenueReport,
)
from .people import HealthCode, IdentityChange, Jurisdiction, Resident, User

__all__ = [
    "APPEAL_DEADLINE",
    "APPEAL_REMIND_AFTER",
    "FEVER_FROM",
    "AnnouncedCaseCounty",
    "AnnouncedEpidemicCity",
    "AnnouncedPlace",
    "AnnouncedRiskArea",
    "Announcement",
    "Anomaly",
    "Appeal",
    "ArrivalReport",
    "CodeChangeProposal",
    "ControlMeasure",
    "DecisionReview",
    "FollowUp",
    "GridTask",
    "HealthCode",
    "HealthCodeEvent",
    "IdentityChange",
    "Jurisdiction",
    "NucleicAcidTest",
    "PersonDecision",
    "PersonalDataView",
    "RecomputeChunk",
    "RecomputeRun",
    "Resident",
    "RiskLevel",
    "Stay",
    "Symptom",
    "User",
    "VenueReport",
]
