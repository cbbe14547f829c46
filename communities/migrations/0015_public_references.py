"""A reference number on every arrival report and appeal (issue 13), in the three steps of a
required unique column: added as nullable, filled in batches for the rows already there,
then made required and unique (in one transaction: the fill changes no foreign key, so
PostgreSQL has no trigger pending when the table is altered after it).

The fill draws references as communities.references does, from a copy of its alphabet: a
data migration does not import the project's code (the field's default names it, as any
callable default is named)."""

import secrets

import communities.references
from django.db import migrations, models

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
BATCH = 500
PREFIXES = {"ArrivalReport": "BB", "Appeal": "SS"}


def _reference(prefix):
    chars = "".join(secrets.choice(ALPHABET) for _ in range(10))
    return f"{prefix}-{chars[:5]}-{chars[5:]}"


def fill(apps, schema_editor):
    for name, prefix in PREFIXES.items():
        model = apps.get_model("communities", name)
        while True:
            rows = list(model.objects.filter(reference__isnull=True).only("pk")[:BATCH])
            if not rows:
                break
            for row in rows:
                row.reference = _reference(prefix)
            model.objects.bulk_update(rows, ["reference"])


def _nullable(model_name):
    return migrations.AddField(
        model_name=model_name,
        name="reference",
        field=models.CharField(editable=False, max_length=16, null=True, verbose_name="reference"),
    )


def _required(model_name, default):
    return migrations.AlterField(
        model_name=model_name,
        name="reference",
        field=models.CharField(
            default=default, editable=False, max_length=16, unique=True, verbose_name="reference"
        ),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("communities", "0014_arrivalreport_rejected"),
    ]

    operations = [
        _nullable("arrivalreport"),
        _nullable("appeal"),
        migrations.RunPython(fill, migrations.RunPython.noop),
        _required("arrivalreport", communities.references.arrival_reference_new),
        _required("appeal", communities.references.appeal_reference_new),
    ]
