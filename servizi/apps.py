from django.apps import AppConfig


class ServiziConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "servizi"
