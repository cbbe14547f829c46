import uuid

from django.db import migrations

BATCH = 2000


def fill(apps, schema_editor):
    """Give every shop its own public id (for the placard's QR code), in batches."""
    Shop = apps.get_model("shops", "Shop")
    while True:
        ids = list(Shop.objects.filter(public_id__isnull=True).values_list("pk", flat=True)[:BATCH])
        if not ids:
            return
        for pk in ids:
            Shop.objects.filter(pk=pk).update(public_id=uuid.uuid4())


class Migration(migrations.Migration):
    dependencies = [("shops", "0002_sweep")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
