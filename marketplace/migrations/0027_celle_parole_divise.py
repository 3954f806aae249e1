from django.db import migrations

# The cells of the commonest lexemes (Lessema.nelle_celle) also split by cost, access
# and provider kind, as those of all places and of the categories (0011): a map of a
# common word and free services, say, then sums cells too. Written out here rather than
# taken from marketplace.search.index, which may change after this migration; only the
# kinds that have cells already get them. Idempotent: the split cells of the lexemes go
# first.
DROP_WORD_SPLIT_CELLS = (
    "DELETE FROM search_cella WHERE filtro LIKE 'parola=%' AND gratuito IS NOT NULL"
)
FILL_WORD_SPLIT_CELLS = """
INSERT INTO search_cella (tipo, filtro, cella_x, cella_y, gratuito, accessibile, tipo_ente,
                          n, somma_lon, somma_lat, min_lon, min_lat, max_lon, max_lat)
SELECT d.tipo, k.filtro, d.cella_x, d.cella_y, d.gratuito, d.accessibile, d.tipo_ente,
       count(*), sum(ST_X(d.punto)), sum(ST_Y(d.punto)), min(ST_X(d.punto)),
       min(ST_Y(d.punto)), max(ST_X(d.punto)), max(ST_Y(d.punto))
FROM search_documento d
CROSS JOIN LATERAL (
    SELECT 'parola=' || x FROM unnest(tsvector_to_array(d.vettore)) x
    WHERE x = ANY(ARRAY(SELECT lessema FROM search_lessema WHERE nelle_celle))
) AS k(filtro)
WHERE d.tipo IN (SELECT DISTINCT tipo FROM search_cella) AND d.cella_x IS NOT NULL
GROUP BY d.tipo, k.filtro, d.cella_x, d.cella_y, d.gratuito, d.accessibile, d.tipo_ente
ORDER BY d.tipo, k.filtro, d.cella_x, d.cella_y, d.gratuito, d.accessibile, d.tipo_ente
"""


class Migration(migrations.Migration):
    dependencies = [
        ("marketplace", "0026_indice_testo_insiemi_tessere"),
    ]

    operations = [
        migrations.RunSQL(
            [DROP_WORD_SPLIT_CELLS, FILL_WORD_SPLIT_CELLS], reverse_sql=DROP_WORD_SPLIT_CELLS
        ),
    ]
