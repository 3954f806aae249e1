from django.db import migrations, models

# The cells of all places and of each category also split by cost, access and provider
# kind: a map filtered by a category and free services, say, then sums cells too.
# Written out here rather than taken from marketplace.search.index, which may change
# after this migration; only the kinds that have cells already get them.
FILL_SPLIT_CELLS = """
INSERT INTO search_cella (tipo, filtro, cella_x, cella_y, gratuito, accessibile, tipo_ente,
                          n, somma_lon, somma_lat, min_lon, min_lat, max_lon, max_lat)
SELECT d.tipo, k.filtro, d.cella_x, d.cella_y, d.gratuito, d.accessibile, d.tipo_ente,
       count(*), sum(ST_X(d.punto)), sum(ST_Y(d.punto)), min(ST_X(d.punto)),
       min(ST_Y(d.punto)), max(ST_X(d.punto)), max(ST_Y(d.punto))
FROM search_documento d
CROSS JOIN LATERAL (SELECT DISTINCT unnest(array_prepend(''::varchar, d.categorie))) AS k(filtro)
WHERE d.tipo IN (SELECT DISTINCT tipo FROM search_cella) AND d.cella_x IS NOT NULL
GROUP BY d.tipo, k.filtro, d.cella_x, d.cella_y, d.gratuito, d.accessibile, d.tipo_ente
ORDER BY d.tipo, k.filtro, d.cella_x, d.cella_y, d.gratuito, d.accessibile, d.tipo_ente
"""
DROP_SPLIT_CELLS = "DELETE FROM search_cella WHERE gratuito IS NOT NULL"


class Migration(migrations.Migration):
    dependencies = [
        ("marketplace", "0010_campione_senza_testo"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="cellamappa",
            name="search_cella_unica",
        ),
        migrations.AddField(
            model_name="cellamappa",
            name="accessibile",
            field=models.BooleanField(null=True),
        ),
        migrations.AddField(
            model_name="cellamappa",
            name="gratuito",
            field=models.BooleanField(null=True),
        ),
        migrations.AddField(
            model_name="cellamappa",
            name="tipo_ente",
            field=models.CharField(max_length=20, null=True),
        ),
        migrations.AddConstraint(
            model_name="cellamappa",
            constraint=models.UniqueConstraint(
                condition=models.Q(("gratuito__isnull", True)),
                fields=("tipo", "filtro", "cella_x", "cella_y"),
                name="search_cella_unica",
            ),
        ),
        migrations.AddConstraint(
            model_name="cellamappa",
            constraint=models.UniqueConstraint(
                condition=models.Q(("gratuito__isnull", False)),
                fields=(
                    "tipo",
                    "filtro",
                    "cella_x",
                    "cella_y",
                    "gratuito",
                    "accessibile",
                    "tipo_ente",
                ),
                name="search_cella_divisa",
            ),
        ),
        migrations.RunSQL(FILL_SPLIT_CELLS, reverse_sql=DROP_SPLIT_CELLS),
    ]
