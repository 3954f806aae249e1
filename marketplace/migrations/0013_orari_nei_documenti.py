# Each search row copies its schedule (the weekly slots as seconds of the week, the hours
# after midnight, the days of the exceptions and their special hours), so that "open at"
# tests the row alone instead of joining the slots and exceptions of every schedule.
# The rows already indexed get theirs here, new ones from the index statements
# (marketplace.search.index.SCHEDULE_VALUES). At a million rows the UPDATE took 12 min
# (every index gets a new entry for each row) and left the table twice its size:
# `manage.py search_index --rebuild` compacts it.
# The covering index of the first sample bucket (0010) holds every column that a search
# without text filters on: the schedule's columns take the place of `orario_id`.

from django.db import migrations

import marketplace.search.models
from marketplace.search.index import SCHEDULE_COLUMNS, schedule_values

FIRST_BUCKET_INDEX = (
    "CREATE INDEX search_doc_campione_c1 ON search_documento (tipo) INCLUDE ({}) "
    "WHERE campione::integer < 1"
)
FIRST_BUCKET_COLUMNS = (
    "oggetto_id, tipo_ente, comune_id, categorie, valido_dal, valido_al, ente_id, "
    "destinatari, comuni_copertura, punto, {}, gratuito, lingue, accessibile"
)
FILL = (
    f"UPDATE search_documento d SET ({SCHEDULE_COLUMNS}) = "
    f"(SELECT {schedule_values('d.orario_id')}) WHERE d.orario_id IS NOT NULL"
)


class Migration(migrations.Migration):

    dependencies = [
        ('marketplace', '0012_indici_lingue_destinatari'),
    ]

    operations = [
        *(
            migrations.AddField(
                model_name='documentoricerca',
                name=name,
                field=marketplace.search.models.MultirangeField(range_type=range_type),
            )
            for name, range_type in (
                ('settimana', 'int4'),
                ('notte', 'int4'),
                ('giorni_eccezione', 'date'),
                ('orari_speciali', 'ts'),
            )
        ),
        migrations.RunSQL(FILL, reverse_sql=migrations.RunSQL.noop),
        migrations.RunSQL(
            [
                "DROP INDEX search_doc_campione_c1",
                FIRST_BUCKET_INDEX.format(FIRST_BUCKET_COLUMNS.format(SCHEDULE_COLUMNS)),
            ],
            [
                "DROP INDEX search_doc_campione_c1",
                FIRST_BUCKET_INDEX.format(FIRST_BUCKET_COLUMNS.format("orario_id")),
            ],
        ),
    ]
