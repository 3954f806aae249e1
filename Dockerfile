# The app image used by docker-compose.yml: Debian 12 with Python 3.11, GDAL/GEOS/PROJ
# from Debian's packages (as on the development machines), the locked dependencies.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=marketplace.settings.base
RUN apt-get update \
 && apt-get install -y --no-install-recommends libgdal32 libgeos-c1v5 libproj25 postgresql-client gettext \
    libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.lock .
RUN pip install --no-cache-dir -r requirements.lock
COPY . .
RUN python manage.py compilemessages --ignore=.venv -v 0 \
 && python manage.py collectstatic --no-input -v 0

EXPOSE 8000
CMD ["sh", "-c", "python manage.py migrate --no-input && python manage.py load_initial_data && gunicorn marketplace.wsgi:application --bind 0.0.0.0:8000 --workers 3 --access-logfile -"]
