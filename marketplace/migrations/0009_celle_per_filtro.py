from django.db import migrations, models

# The cells of each single filter value beyond the categories, for the kinds that have
# cells already (the rows of all places and of each category stay as they are). Written
# out here rather than taken from marketplace.search.index, which may change after this
# migration.
FILL_FILTER_CELLS = """
INSERT INTO search_cella (tipo, filtro, cella_x, cella_y, n, somma_lon, somma_lat,
                          min_lon, min_lat, max_lon, max_lat)
SELECT d.tipo, k.filtro, d.cella_x, d.cella_y, count(*), sum(ST_X(d.punto)),
       sum(ST_Y(d.punto)), min(ST_X(d.punto)), min(ST_Y(d.punto)), max(ST_X(d.punto)),
       max(ST_Y(d.punto))
FROM search_documento d
CROSS JOIN LATERAL (SELECT DISTINCT unnest(
    ARRAY['gratuito=' || d.gratuito, 'accessibile=' || d.accessibile,
          'tipo_ente=' || d.tipo_ente]::varchar[]
    || ARRAY(SELECT 'destinatari=' || x FROM unnest(d.destinatari) x)::varchar[]
    || ARRAY(SELECT 'lingua=' || x FROM unnest(d.lingue) x)::varchar[]
)) AS k(filtro)
WHERE d.tipo IN (SELECT DISTINCT tipo FROM search_cella) AND d.cella_x IS NOT NULL
GROUP BY d.tipo, k.filtro, d.cella_x, d.cella_y
ORDER BY d.tipo, k.filtro, d.cella_x, d.cella_y
"""


class Migration(migrations.Migration):
    dependencies = [
        ("marketplace", "0008_celle_per_categoria"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="cellamappa",
            name="search_cella_unica",
        ),
        migrations.RenameField(
            model_name="cellamappa",
            old_name="categoria",
            new_name="filtro",
        ),
        migrations.AddConstraint(
            model_name="cellamappa",
            constraint=models.UniqueConstraint(
                fields=("tipo", "filtro", "cella_x", "cella_y"), name="search_cella_unica"
            ),
        ),
        migrations.RunSQL(
            FILL_FILTER_CELLS,
            # Category codes hold no "=".
            reverse_sql="DELETE FROM search_cella WHERE filtro LIKE '%=%'",
        ),
    ]
