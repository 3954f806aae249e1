# The free (or not free) rows by date, for the walks of a text among them (see
# backends.postgres._walked_share), as search_doc_ente_data is for a provider kind's.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('marketplace', '0022_indici_campione_luogo'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='documentoricerca',
            index=models.Index(fields=['gratuito', 'aggiornato_il', 'id'], name='search_doc_gratuito_data'),
        ),
    ]
