"""Backfill what issue 10 added: each assessed arrival's decision so far (from the decision
stored at filing) and when it was assessed; the persons' decisions already taken
(approved manual changes, resolved appeals) and the last one on each resident."""

from django.db import migrations
from django.db.models import Max

ARRIVALS_SQL = {
    "postgresql": """UPDATE communities_arrivalreport
        SET decided_code = COALESCE(decision->>'code', ''),
            decided_rule = COALESCE(decision->>'rule', ''), assessed_at = created_at
        WHERE state = 'assessed' AND decision IS NOT NULL""",
    "sqlite": """UPDATE communities_arrivalreport
        SET decided_code = COALESCE(json_extract(decision, '$.code'), ''),
            decided_rule = COALESCE(json_extract(decision, '$.rule'), ''),
            assessed_at = created_at
        WHERE state = 'assessed' AND decision IS NOT NULL""",
}


def forwards(apps, schema_editor):
    schema_editor.execute(ARRIVALS_SQL[schema_editor.connection.vendor])
    Proposal = apps.get_model("communities", "CodeChangeProposal")
    Appeal = apps.get_model("communities", "Appeal")
    PersonDecision = apps.get_model("communities", "PersonDecision")
    Resident = apps.get_model("communities", "Resident")
    PersonDecision.objects.bulk_create(
        PersonDecision(
            resident_id=p.resident_id,
            kind="manual_change",
            code=p.to_code,
            reason=p.reason,
            by_id=p.decided_by_id,
            at=p.decided_at,
        )
        for p in Proposal.objects.filter(
            state="approved", decided_at__isnull=False, decided_by__isnull=False
        ).iterator()
    )
    PersonDecision.objects.bulk_create(
        PersonDecision(
            resident_id=a.resident_id,
            kind="appeal",
            code="green" if a.outcome == "released" else a.code_at_filing,
            reason=a.resolution_note or a.reason,
            by_id=a.resolved_by_id,
            at=a.resolved_at,
        )
        for a in Appeal.objects.filter(
            state="resolved", resolved_at__isnull=False, resolved_by__isnull=False
        ).iterator()
    )
    latest = PersonDecision.objects.values("resident_id").annotate(at=Max("at"))
    for row in latest.iterator():
        Resident.objects.filter(pk=row["resident_id"]).update(decision_stands_at=row["at"])


class Migration(migrations.Migration):
    dependencies = [("communities", "0009_decisions_hold")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
