# The weekly spans of the map cells (CellaOraria): the map of what is open at a moment
# reads one row per cell instead of testing and grouping every place. The rows already
# indexed fill them here, later changes and rebuilds through marketplace.search.index.
# The partial GiST index gives the few rows with an exception on a given day, whose
# cells the map groups from their rows (its predicate is not one the ORM writes).

import django.contrib.postgres.fields.ranges
import django.contrib.postgres.indexes
from django.contrib.postgres.operations import BtreeGistExtension
from django.db import migrations, models

from marketplace.search.index import REBUILD_OPEN_CELLS, UNDATED

EXCEPTIONS_INDEX = (
    "CREATE INDEX search_doc_eccezioni ON search_documento USING gist (giorni_eccezione) "
    "WHERE NOT isempty(giorni_eccezione)"
)


def fill(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(REBUILD_OPEN_CELLS, [UNDATED])


class Migration(migrations.Migration):

    dependencies = [
        ('marketplace', '0013_orari_nei_documenti'),
    ]

    operations = [
        BtreeGistExtension(),
        migrations.CreateModel(
            name='CellaOraria',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('n', models.IntegerField()),
                ('somma_lon', models.FloatField()),
                ('somma_lat', models.FloatField()),
                ('min_lon', models.FloatField()),
                ('min_lat', models.FloatField()),
                ('max_lon', models.FloatField()),
                ('max_lat', models.FloatField()),
                ('tipo', models.CharField(choices=[('servizio', 'servizio'), ('pit', 'pit'), ('convenzione', 'convenzione')], max_length=20)),
                ('cella_x', models.IntegerField()),
                ('cella_y', models.IntegerField()),
                ('periodo', django.contrib.postgres.fields.ranges.IntegerRangeField()),
            ],
            options={
                'db_table': 'search_cella_orario',
                'indexes': [
                    django.contrib.postgres.indexes.GistIndex(fields=['periodo', 'cella_x', 'cella_y'], name='search_cella_or_periodo'),
                    models.Index(fields=['tipo', 'cella_x', 'cella_y'], name='search_cella_or_xy'),
                ],
            },
        ),
        migrations.RunSQL(EXCEPTIONS_INDEX, "DROP INDEX search_doc_eccezioni"),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
