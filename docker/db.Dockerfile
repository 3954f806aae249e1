# PostGIS with the RUM index (ranked full-text search straight from the index; see
# marketplace/migrations/0004_search_scale.py). The project works without it, slower.
FROM postgis/postgis:15-3.4
RUN apt-get update \
 && apt-get install -y --no-install-recommends postgresql-15-rum \
 && rm -rf /var/lib/apt/lists/*
