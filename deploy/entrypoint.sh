#!/bin/sh
# The web container's start: collect static files for nginx, migrate and load the course (unless
# RUN_MIGRATIONS=0: with several web containers one migration job does that, see README,
# Operations), then hand the process over to gunicorn so it receives the container's signals.
set -eu
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python}"
"$PYTHON" manage.py collectstatic --noinput -v0
if [ "${RUN_MIGRATIONS:-1}" != "0" ]; then
    "$PYTHON" manage.py migrate --noinput
    "$PYTHON" manage.py loadlessons
fi
exec "$PYTHON" -m gunicorn netlearn.wsgi:application --config deploy/gunicorn.conf.py
