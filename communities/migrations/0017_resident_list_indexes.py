from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("communities", "0016_test_recording_and_withdrawal"),
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
