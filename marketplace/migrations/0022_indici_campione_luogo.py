# The places of the first 1, 4 and 16 sample buckets (of 64), as the migration 0007 has
# their texts: the facets of a broad search without text in an area (a radius on
# `punto::geography`, a bbox or a polygon on `punto`) are estimated on those objects
# (backends.postgres._sampled_facet_rows), and with these the planner reads the area's
# sampled places instead of intersecting the area's bitmap with the buckets' (at a million
# services, the services for children within 3 km of the Duomo: 35 -> 17 ms for 16
# buckets; the elderly in a view of central Milan 28 -> 7). On the cast, as the buckets'
# own index (search_doc_campione), so that a text search keeps its texts' sample indexes.

from importlib import import_module

from django.db import migrations

sample_indexes = import_module("marketplace.migrations.0007_indici_campione").sample_indexes


class Migration(migrations.Migration):
    dependencies = [("marketplace", "0021_indice_recenti_tipo_ente")]

    operations = [
        *sample_indexes("geografia", "gist ((punto::geography))", "(campione::integer)"),
        *sample_indexes("punto", "gist (punto)", "(campione::integer)"),
    ]
