# The text index of the recent rows (marketplace.search.index.index_recent_texts), built
# on the rows already indexed, and its date; `search_index --rebuild` builds it anew.

from django.db import migrations, models

from marketplace.search.index import RECENT_TEXT_INDEX, index_recent_texts


def build(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        index_recent_texts(cursor)


def drop(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"DROP INDEX IF EXISTS {RECENT_TEXT_INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("marketplace", "0014_celle_orarie"),
    ]

    operations = [
        migrations.AddField(
            model_name="statoindice",
            name="recenti_dal",
            field=models.DateTimeField(null=True),
        ),
        migrations.RunPython(build, drop),
    ]
