# The weekdays of the map cells (CellaGiorno): the map of what is open on a day, or in
# a part of it or of the week, reads one row per cell instead of testing and grouping
# every place. The rows already
# indexed fill them here, later changes and rebuilds through marketplace.search.index.

from django.db import migrations, models

from marketplace.search.index import REBUILD_DAY_CELLS, UNDATED


def fill(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(REBUILD_DAY_CELLS, [UNDATED])


class Migration(migrations.Migration):

    dependencies = [
        ('marketplace', '0038_caso_e_festivi'),
    ]

    operations = [
        migrations.CreateModel(
            name='CellaGiorno',
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
                ('giorno', models.SmallIntegerField(null=True)),
                ('parte', models.CharField(blank=True, default='', max_length=20)),
            ],
            options={
                'db_table': 'search_cella_giorno',
                'indexes': [
                    models.Index(fields=['giorno', 'parte', 'cella_x', 'cella_y'], name='search_cella_gi_giorno'),
                    models.Index(fields=['tipo', 'cella_x', 'cella_y'], name='search_cella_gi_xy'),
                ],
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
