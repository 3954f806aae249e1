"""What every admin page of the project shares."""

from django.db import models

# A web address typed without its scheme ("www.comune.melegnano.mi.it") becomes https://,
# as on the project's own forms (Django 5 still assumes http:// and warns that this will
# change).
URL_HTTPS = {models.URLField: {"assume_scheme": "https"}}
