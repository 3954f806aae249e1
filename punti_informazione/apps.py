from django.apps import AppConfig


class PuntiInformazioneConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "punti_informazione"
