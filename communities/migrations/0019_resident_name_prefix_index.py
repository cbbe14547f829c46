"""A name prefix search (`name LIKE '王伟%'`) on PostgreSQL: the list's (name, id) index
serves LIKE only under the C collation, a `varchar_pattern_ops` index under any (Django
makes the same `_like` index for a CharField with db_index). SQLite's LIKE uses no index
either way (it is case-insensitive there); nothing to do on it."""

from django.db import migrations

INDEX = "resident_name_prefix"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} "
            "ON communities_resident (name varchar_pattern_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("communities", "0018_resident_list_indexes"),
    ]

    operations = [migrations.RunPython(create, drop)]
