"""Which code a resolved anomaly gives back (DOMAIN.md section 5: anomalies are resolved,
not swept away). Pure: plain values in, a code and rule out."""

from collections.abc import Sequence
from dataclasses import dataclass

ANOMALY_RULE = "anomaly"  # the rule of the red an anomaly gives
# Outcomes that exclude what the anomaly suggested: the person is as before it (a result
# withdrawn as recorded by mistake suggested nothing).
EXCLUDING = frozenset({"fever_clinic_excluded", "retest_negative", "withdrawn"})


@dataclass(frozen=True)
class AnomalyState:
    """One anomaly of a resident as the rule needs it."""

    code_before: str  # "" when raised while another open anomaly held the code red
    rule_before: str
    open: bool
    outcome: str = ""


def code_to_return(anomalies: Sequence[AnomalyState], *, code_rule: str) -> tuple[str, str] | None:
    """The code and rule to return to after a resolution, or None to keep the code.

    `anomalies` are the resident's, oldest first, the one just resolved with its outcome.
    The code stays while any is open, when it is no longer the anomaly's (a person changed
    it since), and when an anomaly of the run was not excluded (transferred for medical
    care: the red stays). The run is the anomalies since the last one that interrupted a
    code (those raised while another was open stored none); it gives back that code.
    """
    if code_rule != ANOMALY_RULE or any(a.open for a in anomalies):
        return None
    starts = [i for i, a in enumerate(anomalies) if a.code_before]
    if not starts:
        return None
    run = anomalies[starts[-1] :]
    if any(a.outcome not in EXCLUDING for a in run):
        return None
    return run[0].code_before, run[0].rule_before
