from django.apps import AppConfig


class ConvenzioniConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "convenzioni"
