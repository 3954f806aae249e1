from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GeoDataConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "geo_data"
    verbose_name = _("Territorio")
