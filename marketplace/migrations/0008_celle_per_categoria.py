from django.db import migrations, models

# The cells of each category, for the kinds that have cells already (the rows of all
# categories, `categoria` empty, stay as they are). Written out here rather than taken
# from marketplace.search.index, which may change after this migration.
FILL_CATEGORY_CELLS = """
INSERT INTO search_cella (tipo, categoria, cella_x, cella_y, n, somma_lon, somma_lat,
                          min_lon, min_lat, max_lon, max_lat)
SELECT d.tipo, k.categoria, d.cella_x, d.cella_y, count(*), sum(ST_X(d.punto)),
       sum(ST_Y(d.punto)), min(ST_X(d.punto)), min(ST_Y(d.punto)), max(ST_X(d.punto)),
       max(ST_Y(d.punto))
FROM search_documento d CROSS JOIN LATERAL unnest(d.categorie) AS k(categoria)
WHERE d.tipo IN (SELECT DISTINCT tipo FROM search_cella) AND d.cella_x IS NOT NULL
GROUP BY d.tipo, k.categoria, d.cella_x, d.cella_y
ORDER BY d.tipo, k.categoria, d.cella_x, d.cella_y
"""


class Migration(migrations.Migration):
    dependencies = [
        ("marketplace", "0007_indici_campione"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="cellamappa",
            name="search_cella_unica",
        ),
        migrations.AddField(
            model_name="cellamappa",
            name="categoria",
            field=models.CharField(blank=True, default="", max_length=120),
        ),
        migrations.AddIndex(
            model_name="cellamappa",
            index=models.Index(fields=["tipo", "cella_x", "cella_y"], name="search_cella_xy"),
        ),
        migrations.AddConstraint(
            model_name="cellamappa",
            constraint=models.UniqueConstraint(
                fields=("tipo", "categoria", "cella_x", "cella_y"), name="search_cella_unica"
            ),
        ),
        migrations.RunSQL(
            FILL_CATEGORY_CELLS,
            reverse_sql="DELETE FROM search_cella WHERE categoria <> ''",
        ),
    ]
