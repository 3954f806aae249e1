from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PuntiInformazioneConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "punti_informazione"
    verbose_name = _("Punti di Informazione Territoriale")
