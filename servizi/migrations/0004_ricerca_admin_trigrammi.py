# Trigram indexes for the admin's search (marketplace.admin_defaults.IdsOfRelatedSearchMixin):
# at a million services, building them took about a minute (servizio's description 47 s).

import django.contrib.postgres.indexes
from django.contrib.postgres.operations import TrigramExtension
import django.db.models.functions.text
from django.conf import settings
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("geo_data", "0001_initial"),
        ("servizi", "0003_servizio_titolo_id"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # Installed by the search's migrations too, which may run after these.
        TrigramExtension(),
        migrations.AddIndex(
            model_name="ente",
            index=django.contrib.postgres.indexes.GinIndex(
                django.contrib.postgres.indexes.OpClass(
                    django.db.models.functions.text.Upper("nome"), name="gin_trgm_ops"
                ),
                name="ente_nome_trgm",
            ),
        ),
        migrations.AddIndex(
            model_name="orario",
            index=django.contrib.postgres.indexes.GinIndex(
                django.contrib.postgres.indexes.OpClass(
                    django.db.models.functions.text.Upper("descrizione"), name="gin_trgm_ops"
                ),
                name="orario_descrizione_trgm",
            ),
        ),
        migrations.AddIndex(
            model_name="servizio",
            index=django.contrib.postgres.indexes.GinIndex(
                django.contrib.postgres.indexes.OpClass(
                    django.db.models.functions.text.Upper("titolo"), name="gin_trgm_ops"
                ),
                name="servizio_titolo_trgm",
            ),
        ),
        migrations.AddIndex(
            model_name="servizio",
            index=django.contrib.postgres.indexes.GinIndex(
                django.contrib.postgres.indexes.OpClass(
                    django.db.models.functions.text.Upper("descrizione"), name="gin_trgm_ops"
                ),
                name="servizio_descrizione_trgm",
            ),
        ),
        # The planner estimates `UPPER(...) LIKE` from the statistics of each index's
        # expression, which exist only once the table is analysed: without them it read a
        # common word's 310,000 matches to sort them (0.97 s) instead of walking the titles
        # (4 ms).
        migrations.RunSQL(
            "ANALYZE servizi_ente, servizi_orario, servizi_servizio", migrations.RunSQL.noop
        ),
    ]
