# The two commands of the README. Both install what is missing first.
.PHONY: run test lint superuser

run:  ## set up (once) and serve http://127.0.0.1:8000 with gunicorn
	@scripts/run.sh

test:  ## set up (once) and run the whole test suite on real PostGIS
	@scripts/test.sh $(ARGS)

lint:
	@.venv/bin/ruff check .

superuser:  ## create the first administrator (asks for name and password)
	@DATABASE_URL=$$(scripts/database.sh url) .venv/bin/python manage.py createsuperuser
