from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("communities", "0017_impact_preview"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="resident",
            index=models.Index(fields=["name", "id", "grid"], name="resident_name"),
        ),
        migrations.AddIndex(
            model_name="resident",
            index=models.Index(fields=["phone"], name="resident_phone"),
        ),
    ]
